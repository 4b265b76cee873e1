/**
 * Claude Code transcripts (`~/.claude/projects/<project>/<session>.jsonl`), a whole tree read by one
 * DuckDB `read_json` over every file, with the TypeScript reader's rules
 * (src/ingest/adapters/claude-code.ts):
 *   - an assistant line (`type:"assistant"`, or no type and an assistant-shaped message) with a
 *     `message.usage` object is a response; other lines skip `transcript-metadata`, an assistant
 *     line without usage `no-usage`, a `<synthetic>` model `synthetic-placeholder`, an API error
 *     message with zero tokens `error-body`;
 *   - buckets: input EXCLUDES cache; writes split 5m/1h by `cache_creation` (else all 5m); thinking
 *     tokens are reasoning inside output; `server_tool_use` web searches and fetches are charges;
 *   - dedupe, per file: the copies of one message id + request id keep the largest (the earliest of
 *     equals); a message id with a main-chain copy drops its sidechain replays, one with only
 *     sidechain copies keeps the largest; across files (in input order) a kept copy of a message
 *     id seen in an earlier file is a duplicate when its request id was kept there, or either side
 *     is a sidechain replay. Rows arrive in the TypeScript reader's order: per file, responses
 *     without a message id in line order, then the kept copies by their first line.
 * The SQL reads what it can place exactly; anything else marks its line `fallback` and the whole
 * tree goes to the TypeScript reader (which places every rejection at file:line): a count that is
 * not a JSON number holding a safe integer ≥ 0 (a string "12", 1.5, -3, > 2^53), an inconsistent
 * count, a timestamp not in the canonical `YYYY-MM-DDTHH:MM:SS.sssZ` form, a non-string id or
 * model, a line the TypeScript reader would hand to another format (its detect score below 80).
 * The count leaves are read from the `usage` object as JSON text, so that their type shows; the
 * line structure (and, in files with untyped lines, a null `type`) is checked by a Node scan.
 */
import { TOKEN_DIMENSIONS } from '../../usage/dimensions.js';
import { duckdb } from '../dialect.js';
import type { UsageDb } from '../duckdb.js';
import type { IngestCounts } from '../../ingest/types.js';
import { insertStaged, loadModelMap, type SqlLoad } from './load.js';
import { DETECT_VALUES, detectJson } from '../../ingest/detect.js';
import { scanTranscripts, typeNullIn, type TranscriptScan } from './claude-scan.js';

const lit = duckdb.literal;

/** Epoch-millisecond bounds of a valid timestamp (as adapters/time.ts). */
const MIN_MS = Date.UTC(1990, 0, 1);
const MAX_MS = Date.UTC(2200, 0, 1);

const COLUMNS = `{type: 'JSON', sessionId: 'JSON', requestId: 'JSON', agentId: 'JSON', uuid: 'JSON', parentUuid: 'JSON',
  leafUuid: 'JSON', isSidechain: 'JSON', isApiErrorMessage: 'JSON', timestamp: 'JSON',
  message: 'STRUCT(id JSON, model JSON, role VARCHAR, speed VARCHAR, usage JSON)'}`;

/*
 * The JSON columns are checked on their text (DuckDB writes it back compactly): a string starts
 * with a quote, an object with a brace; JSON null reads as NULL.
 */
/** The text of a JSON string (escapes decoded only where there are any), NULL for anything else. */
const str = (x: string) => `CASE WHEN starts_with(${x}, '"') THEN CASE WHEN contains(${x}, '\\') THEN ${x} ->> '$' ELSE ${x}[2:-2] END END`;
/** Present (not null) and not a string. */
const nonString = (x: string) => `(${x} IS NOT NULL AND NOT starts_with(${x}, '"'))`;
const isTrue = (x: string) => `COALESCE(${x}::VARCHAR = 'true', false)`;

/** Usage count leaves: [SQL name, JSON path in usage]. */
const COUNTS = [
  ['c_input', '$.input_tokens'],
  ['c_output', '$.output_tokens'],
  ['c_read', '$.cache_read_input_tokens'],
  ['c_creation', '$.cache_creation_input_tokens'],
  ['c_w5', '$.cache_creation.ephemeral_5m_input_tokens'],
  ['c_w1', '$.cache_creation.ephemeral_1h_input_tokens'],
  ['c_thinking', '$.output_tokens_details.thinking_tokens'],
  ['c_search', '$.server_tool_use.web_search_requests'],
  ['c_fetch', '$.server_tool_use.web_fetch_requests'],
] as const;

/**
 * Every present count leaf is read as the same number by the TypeScript reader: its JSON text is
 * digits only (a string has quotes, a float a dot or exponent, a negative a minus, true/false
 * letters) and at most 15 of them (below Number.MAX_SAFE_INTEGER). One regular expression per
 * line over the present leaves joined by commas (absent and null leaves drop out). A count the
 * TypeScript reader would also accept (12.0, 1e3) falls back too: exact by construction.
 */
const countsOk = (leaves: string) => `(${leaves} = '' OR regexp_full_match(${leaves}, '[0-9]{1,15}(,[0-9]{1,15})*'))`;

/**
 * Canonical ISO timestamp -> epoch ms (NULL when not canonical or not a real date): the form, hours
 * 00-23, minutes and seconds 00-59 by a regular expression, the calendar by the TIMESTAMP cast.
 */
const isoMs = (s: string) =>
  `CASE WHEN regexp_full_match(${s}, '[0-9]{4}-[0-9]{2}-[0-9]{2}T([01][0-9]|2[0-3]):[0-5][0-9]:[0-5][0-9]\\.[0-9]{3}Z')
  THEN epoch_ms(try_cast(${s}[1:23] AS TIMESTAMP)) END`;

/** Every line of the tree, classified (`kind`: 'record', a skip reason or 'fallback'), with its record columns. */
function linesSql(files: readonly string[]): string {
  const list = `[${files.map(lit).join(', ')}]`;
  const leaves = COUNTS.map(([name], i) => `NULLIF(ul[${i + 1}]::VARCHAR, 'null') AS ${name}`).join(', ');
  const joined = `concat_ws(',', ${COUNTS.map(([name]) => name).join(', ')})`;
  const v = (name: string) => `COALESCE(try_cast(${name} AS BIGINT), 0)`;
  return `CREATE OR REPLACE TEMP TABLE sr_lines AS
WITH raw AS (
  SELECT filename, type, sessionId, requestId, agentId, uuid, parentUuid, leafUuid,
    isSidechain, isApiErrorMessage, timestamp, message, message.usage AS u,
    -- the usage object parsed once into its leaves, as JSON so that their types can be checked
    json_extract(message.usage, [${COUNTS.map(([, path]) => lit(path)).join(', ')}, '$.cache_creation', '$.service_tier', '$.inference_geo', '$.speed']) AS ul
  FROM read_json(${list}, format = 'newline_delimited', filename = true, columns = ${COLUMNS}, maximum_object_size = 67108864)
), src AS (
  SELECT filename, ${leaves},
    ${str('type')} AS type_s, type IS NULL AS untyped, COALESCE(starts_with(sessionId, '"'), false) AS sess,
    message IS NOT NULL AS msg_obj, COALESCE(starts_with(u, '{'), false) AS usage_obj, message.role AS role,
    uuid IS NOT NULL OR parentUuid IS NOT NULL AS has_uuid, leafUuid IS NOT NULL AS has_leaf,
    ${str('message.model')} AS model_s, ${nonString('message.model')} AS model_bad,
    ${str('message.id')} AS id_s, ${str('requestId')} AS rid_s, ${str('sessionId')} AS session_s, ${str('agentId')} AS agent_s,
    ${nonString('message.id')} OR ${nonString('requestId')} OR ${nonString('sessionId')} OR ${nonString('agentId')} AS ids_bad,
    COALESCE(starts_with(message.id, '"'), false) AS id_str, COALESCE(starts_with(requestId, '"'), false) AS rid_str,
    ${str('timestamp')} AS ts_s, ${nonString('timestamp')} AS ts_bad,
    ${isTrue('isSidechain')} AS sidechain, ${isTrue('isApiErrorMessage')} AS api_error,
    COALESCE(starts_with(ul[${COUNTS.length + 1}], '{'), false) AS has_split,
    ${str(`ul[${COUNTS.length + 2}]`)} AS tier_s, ${str(`ul[${COUNTS.length + 3}]`)} AS geo_s,
    COALESCE(${str(`ul[${COUNTS.length + 4}]`)} = 'fast' OR message.speed = 'fast', false) AS fast_s
  FROM raw
), shaped AS (
  SELECT *,
    -- the TypeScript reader's detect score of the line is at least 80 (else it may route the line to another format)
    COALESCE((sess AND type_s = 'assistant' AND msg_obj) OR (sess AND type_s IS NOT NULL AND has_uuid) OR (type_s = 'summary' AND has_leaf)
      OR (untyped AND msg_obj AND (rid_str OR sess OR id_str) AND (usage_obj OR has_uuid)), false) AS claude_line,
    COALESCE(CASE WHEN untyped THEN msg_obj AND (role = 'assistant' OR usage_obj) ELSE type_s = 'assistant' END, false) AS assistant,
    ${v('c_input')} AS input, ${v('c_output')} AS output, ${v('c_read')} AS cache_read, ${v('c_w5')} AS w5, ${v('c_w1')} AS w1,
    ${v('c_thinking')} AS thinking, try_cast(c_creation AS BIGINT) AS creation, ${v('c_search')} AS searches, ${v('c_fetch')} AS fetches,
    CASE WHEN ts_s IS NULL OR ts_s = '' THEN NULL ELSE ${isoMs('ts_s')} END AS ts_ms,
    NOT COALESCE(${countsOk(joined)}, false) AS counts_bad
  FROM src
), split AS (
  SELECT *,
    has_split AND (w5 + w1 > 0 OR COALESCE(creation, 0) = 0) AS use_split
  FROM shaped
), classified AS (
  SELECT *,
    CASE WHEN use_split THEN w5 ELSE COALESCE(creation, 0) END AS write_5m,
    CASE WHEN use_split THEN w1 ELSE 0 END AS write_1h
  FROM split
)
-- lines numbered last, in read order, on the narrow rows (the window buffers these, not the parsed lines;
-- measured cheaper than numbering by rowid after the CTAS, which then runs as a parallel batch insert)
SELECT rn - min(rn) OVER (PARTITION BY filename) + 1 AS line, * EXCLUDE (rn) FROM (SELECT row_number() OVER () AS rn, * FROM (
SELECT filename, id_s AS mid, COALESCE(rid_s, '') AS rid, sidechain, untyped,
  CASE
    WHEN NOT claude_line THEN 'fallback'
    WHEN NOT assistant THEN 'transcript-metadata'
    WHEN NOT msg_obj OR NOT usage_obj THEN 'no-usage'
    WHEN model_s = '<synthetic>' THEN 'synthetic-placeholder'
    WHEN model_bad OR ids_bad OR ts_bad OR counts_bad OR c_input IS NULL OR c_output IS NULL OR thinking > output
      OR (has_split AND w5 + w1 > 0 AND creation IS NOT NULL AND creation <> w5 + w1)
      OR (ts_s <> '' AND (ts_ms IS NULL OR ts_ms < ${MIN_MS} OR ts_ms > ${MAX_MS}))
      OR contains(rid_s, chr(0)) OR regexp_matches(agent_s, '[[:cntrl:]"\\\\]') THEN 'fallback'
    WHEN api_error AND input + cache_read + write_5m + write_1h + output = 0 THEN 'error-body'
    ELSE 'record'
  END AS kind,
  input + cache_read + write_5m + write_1h + output AS bucket_sum,
  model_s AS model_raw, ts_ms AS time_ms,
  CASE WHEN tier_s IS NULL THEN NULL WHEN tier_s IN ('batch', 'priority') THEN tier_s ELSE 'standard' END AS service_tier,
  CASE WHEN fast_s THEN true END AS fast,
  CASE WHEN geo_s IS NULL OR geo_s = '' THEN NULL ELSE geo_s NOT IN ('global', 'not_available') END AS regional,
  input AS input_tokens, cache_read AS cache_read_tokens, write_5m AS cache_write_5m_tokens, write_1h AS cache_write_1h_tokens,
  output AS output_tokens, thinking AS reasoning_tokens, searches AS web_search_calls, fetches AS web_fetch_calls,
  NULLIF(session_s, '') AS conversation_id,
  CASE
    WHEN NULLIF(agent_s, '') IS NOT NULL AND sidechain THEN '{"agent":"' || agent_s || '","sidechain":"true"}'
    WHEN NULLIF(agent_s, '') IS NOT NULL THEN '{"agent":"' || agent_s || '"}'
    WHEN sidechain THEN '{"sidechain":"true"}'
  END AS tags
FROM classified))`;
}

/**
 * The rows the TypeScript reader emits, numbered in its order (`ord`); the other records with a
 * message id are duplicates.
 */
const EMIT_SQL = `CREATE OR REPLACE TEMP TABLE sr_emit AS
WITH recs AS (
  SELECT l.filename, l.line, f.idx AS file_idx, l.mid, l.rid, l.sidechain, l.bucket_sum
  FROM sr_lines l JOIN sr_files f ON f.filename = l.filename WHERE l.kind = 'record'
), keyed AS (
  -- per file, message id and request id: the largest copy, the earliest of equals
  SELECT any_value(filename) AS filename, file_idx, mid, rid, max(bucket_sum) AS bucket_sum, min(line) AS key_first,
    arg_max(line, (bucket_sum, -line)) AS line, arg_max(sidechain, (bucket_sum, -line)) AS sidechain
  FROM recs WHERE mid IS NOT NULL AND mid <> '' GROUP BY file_idx, mid, rid
), grouped AS (
  -- per file and message id: whether a copy is on the main chain; else the largest sidechain copy
  SELECT file_idx, mid, bool_or(NOT sidechain) AS has_main, min(key_first) AS group_first,
    arg_max(line, (bucket_sum, -key_first)) AS side_line
  FROM keyed GROUP BY file_idx, mid
), kept AS (
  SELECT k.*, g.group_first FROM keyed k JOIN grouped g ON g.file_idx = k.file_idx AND g.mid = k.mid
  WHERE (g.has_main AND NOT k.sidechain) OR (NOT g.has_main AND k.line = g.side_line)
), mids AS (
  SELECT mid, min(file_idx) AS f_mid, min(CASE WHEN sidechain THEN file_idx END) AS f_side FROM kept GROUP BY mid
), rids AS (
  SELECT mid, rid, min(CASE WHEN NOT sidechain THEN file_idx END) AS f_rid FROM kept GROUP BY mid, rid
), emitted AS (
  SELECT filename, line, file_idx, 0 AS phase, line AS a, 0 AS b FROM recs WHERE mid IS NULL OR mid = ''
  UNION ALL
  SELECT k.filename, k.line, k.file_idx, 1, k.group_first, k.key_first
  FROM kept k JOIN mids m ON m.mid = k.mid JOIN rids r ON r.mid = k.mid AND r.rid = k.rid
  WHERE NOT COALESCE(k.file_idx > m.f_mid AND (k.sidechain OR r.f_rid < k.file_idx OR m.f_side < k.file_idx), false)
)
SELECT filename, line, row_number() OVER (ORDER BY file_idx, phase, a, b) AS ord FROM emitted`;

/** The emitted rows for the insert: their order as `line` (seq), the file line as `src_line`. */
const EMITTED_ROWS = `(SELECT l.* EXCLUDE (line), l.line AS src_line, e.ord AS line
  FROM sr_lines l JOIN sr_emit e ON e.filename = l.filename AND e.line = l.line)`;

const STAGE_COLUMNS = [
  'time_ms',
  'service_tier',
  'fast',
  'regional',
  // the stage names its bucket columns as the usage table does
  ...TOKEN_DIMENSIONS.map((d) => d.column),
  'reasoning_tokens',
  'web_search_calls',
  'web_fetch_calls',
  'conversation_id',
  'tags',
];

/** Reads `files` (Claude Code transcripts, in input order) into the usage table, or answers 'fallback'. */
export async function loadClaudeCode(db: UsageDb, files: readonly string[]): Promise<SqlLoad | 'fallback'> {
  try {
    return await load(db, files);
  } finally {
    await db.run('DROP TABLE IF EXISTS sr_lines; DROP TABLE IF EXISTS sr_emit; DROP TABLE IF EXISTS sr_files');
  }
}

async function load(db: UsageDb, files: readonly string[]): Promise<SqlLoad | 'fallback'> {
  // the scans run on the Node thread while DuckDB reads on its own threads, one file at a time (memory stays flat)
  const scans = scanTranscripts(files, DETECT_VALUES);
  const read = db.run(linesSql(files)).then(
    () => true,
    (err: unknown) => {
      if (process.env.TOKENOMICS_DEBUG_SQL) console.error(err);
      return false;
    },
  );
  const scanned = await scans.catch(() => undefined);
  // every file must be a transcript for the TypeScript detection too (loadAllWithSql checked the first one before)
  const transcript = (s: TranscriptScan) => s.plain && s.head !== undefined && detectJson(s.head)?.name === 'claude-code';
  if (!(await read) || !scanned?.every(transcript)) return 'fallback';
  // SQL reads `"type": null` as a line without type: where there are untyped lines, the file's text says which
  for (const r of await db.query('SELECT DISTINCT filename FROM sr_lines WHERE untyped'))
    if (await typeNullIn(String(r.filename)).catch(() => true)) return 'fallback';
  await db.loadTable(
    'sr_files',
    [
      { name: 'idx', type: 'INTEGER' },
      { name: 'filename', type: 'VARCHAR' },
      { name: 'lines', type: 'BIGINT' },
    ],
    files.map((f, i) => [i, f, scanned[i].lines]),
  );
  // the SQL line count of every file equals its line count (a line holding two values, or none, would shift them)
  const [{ off }] = await db.query(`SELECT count(*) AS off FROM sr_files f
    LEFT JOIN (SELECT filename, count(*) AS n FROM sr_lines GROUP BY filename) c ON c.filename = f.filename
    WHERE c.n IS DISTINCT FROM f.lines`);
  const kinds = new Map<string, number>();
  for (const r of await db.query('SELECT kind, count(*) AS n FROM sr_lines GROUP BY kind')) kinds.set(String(r.kind), Number(r.n));
  if (Number(off) > 0 || kinds.has('fallback')) return 'fallback';
  await db.run(EMIT_SQL);
  await loadModelMap(db, 'sr_lines');
  const [{ n: emitted }] = await db.query('SELECT count(*) AS n FROM sr_emit');
  await insertStaged(db, {
    file: files[0],
    from: EMITTED_ROWS,
    span: Number(emitted),
    stageColumns: STAGE_COLUMNS,
    join: 'JOIN sr_models m ON m.model_raw IS NOT DISTINCT FROM s.model_raw',
    columns: {
      id: `COALESCE(NULLIF(s.mid, ''), s.filename || ':' || s.src_line)`,
      model: 'm.model',
      provider: `'anthropic'`,
      source_file: 's.filename',
      source_line: 's.src_line',
    },
  });
  // every line is counted or skipped: the record lines not emitted are duplicates
  const counts: IngestCounts = { read: scanned.reduce((n, f) => n + f.lines, 0), counted: Number(emitted), skipped: {}, rejected: {} };
  const skips = [...kinds].map(([kind, n]): [string, number] => (kind === 'record' ? ['duplicate', n - counts.counted] : [kind, n]));
  for (const [kind, n] of skips.sort(([a], [b]) => (a < b ? -1 : 1))) if (n > 0) counts.skipped[kind] = n;
  return { format: 'claude-code', counts };
}
