/**
 * Claude Code transcripts (`~/.claude/projects/<project>/<session>.jsonl`), a whole tree read by one
 * DuckDB statement over every file's text (split into lines, each parsed once), with the TypeScript
 * reader's rules
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
 * line structure (blank lines, lines that are not an object) is read from the text by SQL, with the
 * file line numbers. Not seen (README: known differences): JSON that DuckDB's parser accepts and
 * JSON.parse rejects other than NaN and infinities spelled with a capital first (so `nan`, `-inf`,
 * a trailing comma: looking for them in every line cost more than parsing it), and a key written twice
 * in one object (`json_transform` reads the first, JSON.parse the last; `read_json` failed on a
 * repeated top-level or message key; `json_keys` of the read objects, asked of the lines with a usage
 * only, took 0.6 s of one thread over the bench tree's assistant lines). JSON.stringify, which writes
 * transcripts, writes none of them.
 */
import { statSync } from 'node:fs';
import { TOKEN_DIMENSIONS } from '../../usage/dimensions.js';
import { duckdb } from '../dialect.js';
import type { UsageDb } from '../duckdb.js';
import type { IngestCounts } from '../../ingest/types.js';
import { insertStaged, loadModelMap, readAsPattern, type SqlLoad } from './load.js';
import { DETECT_VALUES, detectJson } from '../../ingest/detect.js';
import { everyHead, transcriptHeads, type TranscriptHead } from './claude-scan.js';
import { DEFAULT_MAX_LINE_BYTES } from '../../ingest/read/lines.js';
import { LENIENT_JSON_NEEDLES } from './scan.js';

const lit = duckdb.literal;

/**
 * The spellings of LENIENT_JSON_NEEDLES (scan.ts: NaN and infinities starting with a capital, in any
 * case after it) as the texts a line is looked through for (`NaN`, `NAN`, `Nan`, `NAn`, `Inf`, `INF`,
 * `InF`, `INf`: an infinity spelled out starts with one of these), and a pattern that finds them as bare
 * values (scan.ts: valueStartsAt), run only on a line that holds one of the texts.
 */
const LENIENT_TEXTS = ['NaN', 'NAN', 'Nan', 'NAn', 'Inf', 'INF', 'InF', 'INf'];
const BARE_LENIENT = `[:,\\[][ \\t\\r]*[-+]?[ \\t\\r]*(?i:${LENIENT_JSON_NEEDLES.map((n) => (typeof n === 'string' ? n : n.needle)).join('|')})([^A-Za-z0-9_]|$)`;

/** Epoch-millisecond bounds of a valid timestamp (as adapters/time.ts). */
const MIN_MS = Date.UTC(1990, 0, 1);
const MAX_MS = Date.UTC(2200, 0, 1);

/**
 * The fields of a line, as `json_transform` reads them (one parse per line): JSON text where the
 * type of a value matters (a string starts with a quote), VARCHAR where only a string value can
 * match or only presence matters (the uuids: VARCHAR is NULL for null and missing only, and a
 * string is copied, not written back). A JSON null reads as NULL, as a missing key does: where the difference matters (a
 * `"type": null` line is typed, `"uuid": null` is a uuid key), the line is asked again.
 */
const STRUCTURE = JSON.stringify({
  type: 'JSON',
  sessionId: 'JSON',
  requestId: 'JSON',
  agentId: 'JSON',
  uuid: 'VARCHAR',
  parentUuid: 'VARCHAR',
  leafUuid: 'VARCHAR',
  isSidechain: 'JSON',
  isApiErrorMessage: 'JSON',
  timestamp: 'JSON',
  message: {
    id: 'JSON',
    model: 'JSON',
    role: 'VARCHAR',
    speed: 'VARCHAR',
    // the usage leaves read in the same parse, as JSON so that their types can be checked
    usage: {
      input_tokens: 'JSON',
      output_tokens: 'JSON',
      cache_read_input_tokens: 'JSON',
      cache_creation_input_tokens: 'JSON',
      cache_creation: { ephemeral_5m_input_tokens: 'JSON', ephemeral_1h_input_tokens: 'JSON' },
      output_tokens_details: { thinking_tokens: 'JSON' },
      server_tool_use: { web_search_requests: 'JSON', web_fetch_requests: 'JSON' },
      service_tier: 'JSON',
      inference_geo: 'JSON',
      speed: 'JSON',
    },
  },
});

/*
 * The JSON columns are checked on their text (DuckDB writes it back compactly): a string starts
 * with a quote, an object with a brace; JSON null reads as NULL.
 */
/** The text of a JSON string (escapes decoded only where there are any), NULL for anything else. */
const str = (x: string) => `CASE WHEN starts_with(${x}, '"') THEN CASE WHEN contains(${x}, '\\') THEN ${x} ->> '$' ELSE ${x}[2:-2] END END`;
/** Present (not null) and not a string. */
const nonString = (x: string) => `(${x} IS NOT NULL AND NOT starts_with(${x}, '"'))`;

/** Usage count leaves: [SQL name, field of the usage struct `u`]. */
const COUNTS = [
  ['c_input', 'u.input_tokens'],
  ['c_output', 'u.output_tokens'],
  ['c_read', 'u.cache_read_input_tokens'],
  ['c_creation', 'u.cache_creation_input_tokens'],
  ['c_w5', 'u.cache_creation.ephemeral_5m_input_tokens'],
  ['c_w1', 'u.cache_creation.ephemeral_1h_input_tokens'],
  ['c_thinking', 'u.output_tokens_details.thinking_tokens'],
  ['c_search', 'u.server_tool_use.web_search_requests'],
  ['c_fetch', 'u.server_tool_use.web_fetch_requests'],
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
 * Canonical ISO timestamp, as the JSON text of a string -> epoch ms (NULL when not canonical or not a
 * real date): the form, hours 00-23, minutes and seconds 00-59 by a regular expression, the calendar
 * by the TIMESTAMP cast. (A timestamp written with escapes is not canonical here: it falls back.)
 */
const isoMs = (j: string) =>
  `CASE WHEN regexp_full_match(${j}, '"[0-9]{4}-[0-9]{2}-[0-9]{2}T([01][0-9]|2[0-3]):[0-5][0-9]:[0-5][0-9]\\.[0-9]{3}Z"')
  THEN epoch_ms(try_cast(${j}[2:24] AS TIMESTAMP)) END`;

/**
 * Every line of the tree, classified (`kind`: 'record', a skip reason or 'fallback'), with its file
 * line number, what the dedupe needs, and the record's fields as JSON text (decoded for the emitted
 * rows only, EMITTED_ROWS). `texts` are the files' texts (`file_idx`, `content`): each is split on
 * newlines (a last empty piece is the end of the last line, not a line), and only lines that are a
 * JSON object are parsed, once each. Strings are compared as the JSON text DuckDB writes back
 * (compact, escaping only what JSON requires: one text per string, so `"assistant"` matches however
 * the file wrote it); ids are keys as such text.
 */
function linesSql(texts: string): string {
  const joined = `concat_ws(',', ${COUNTS.map(([name]) => name).join(', ')})`;
  // (the leaves' JSON text: digits on every line whose counts are read, checked by countsOk; VARCHAR to BIGINT is a plain integer parse)
  const v = (name: string) => `COALESCE(try_cast(${name} AS BIGINT), 0)`;
  // (CASE evaluates a branch on the rows that reach it only: the second look at a line is taken where needed)
  return `CREATE OR REPLACE TABLE sr_lines AS
WITH pieces AS (
  SELECT file_idx, unnest(ls) AS l, generate_subscripts(ls, 1) AS line, len(ls) AS n
  -- (files are numbered in input order: the rows carry the number)
  FROM (SELECT file_idx, string_split(content, chr(10)) AS ls FROM (${texts}))
), lines AS (
  -- a blank line, or one that is not a JSON object (a BOM, a space first, an array), leaves the tree to the
  -- TypeScript reader; so does an empty file (one empty piece), a line longer than it reads, and one with
  -- NaN or an infinity as a value (DuckDB's JSON parser reads them, JSON.parse rejects the line: scan.ts,
  -- LENIENT_JSON_NEEDLES; the pattern only where the text is there at all, as in an id or a tool's output)
  SELECT file_idx, line, l, starts_with(l, '{') AND strlen(l) <= ${DEFAULT_MAX_LINE_BYTES}
    AND NOT CASE WHEN ${LENIENT_TEXTS.map((t) => `contains(l, ${lit(t)})`).join(' OR ')} THEN regexp_matches(l, ${lit(BARE_LENIENT)}) ELSE false END AS obj
  FROM pieces WHERE line < n OR l <> '' OR n = 1
), parsed AS (
  SELECT file_idx, line, l, obj, CASE WHEN obj THEN json_transform(l, ${lit(STRUCTURE)}) END AS j FROM lines
), raw AS (
  -- every field a scalar (JSON text, or whether a value is there): no struct is carried past this step
  SELECT file_idx, line, l, obj, j.type::VARCHAR AS t, j.sessionId::VARCHAR AS session_j, j.requestId::VARCHAR AS rid_j,
    j.agentId::VARCHAR AS agent_j, j.timestamp::VARCHAR AS ts_j,
    j.message.id::VARCHAR AS id_j, j.message.model::VARCHAR AS model_j, j.message.role AS role, j.message.speed AS m_speed,
    j.message.usage IS NOT NULL AS has_usage, j.message.usage.cache_creation IS NOT NULL AS has_creation,
    ${COUNTS.map(([name, field]) => `${field.replace(/^u\./, 'j.message.usage.')}::VARCHAR AS ${name}`).join(', ')},
    j.message.usage.service_tier::VARCHAR AS tier_j, j.message.usage.inference_geo::VARCHAR AS geo_j,
    j.message.usage.speed::VARCHAR AS u_speed,
    COALESCE(j.isSidechain::VARCHAR = 'true', false) AS sidechain, COALESCE(j.isApiErrorMessage::VARCHAR = 'true', false) AS api_error,
    CASE WHEN j.uuid IS NOT NULL OR j.parentUuid IS NOT NULL THEN true
      WHEN obj THEN json_exists(l, '$.uuid') OR json_exists(l, '$.parentUuid') ELSE false END AS has_uuid,
    -- (a leaf uuid matters on a summary line only)
    CASE WHEN j.leafUuid IS NOT NULL THEN true WHEN obj AND j.type::VARCHAR = '"summary"' THEN json_exists(l, '$.leafUuid') ELSE false END AS has_leaf,
    -- a type null is a type (the TypeScript reader compares it), a missing one is not
    CASE WHEN j.type IS NOT NULL OR NOT obj THEN false ELSE NOT json_exists(l, '$.type') END AS untyped
  FROM parsed
), src AS (
  SELECT file_idx, line, obj, t, untyped, has_uuid, has_leaf, session_j, rid_j, agent_j, ts_j, id_j, model_j, sidechain, api_error,
    ${COUNTS.map(([name]) => name).join(', ')}, tier_j, geo_j,
    COALESCE(starts_with(t, '"'), false) AS typed_s, COALESCE(t = '"assistant"', false) AS t_assistant,
    COALESCE(starts_with(session_j, '"'), false) AS sess,
    -- json_transform reads a value that is not an object as a struct of nulls (and a missing or null one as NULL):
    -- a usage with counts is an object; one without is asked again
    CASE WHEN NOT has_usage THEN false WHEN c_input IS NOT NULL OR c_output IS NOT NULL THEN true
      ELSE COALESCE(json_type(l, '$.message.usage') = 'OBJECT', false) END AS usage_obj,
    -- a message with any of these fields is an object; else asked again where it matters (assistant and untyped lines)
    CASE WHEN has_usage OR id_j IS NOT NULL OR model_j IS NOT NULL OR role IS NOT NULL OR m_speed IS NOT NULL THEN true
      WHEN obj AND (untyped OR t = '"assistant"') THEN COALESCE(json_type(l, '$.message') = 'OBJECT', false) ELSE false END AS msg_obj,
    COALESCE(role = 'assistant', false) AS role_assistant,
    CASE WHEN NOT has_creation THEN false WHEN c_w5 IS NOT NULL OR c_w1 IS NOT NULL THEN true
      ELSE COALESCE(json_type(l, '$.message.usage.cache_creation') = 'OBJECT', false) END AS has_split,
    COALESCE(u_speed = '"fast"' OR m_speed = 'fast', false) AS fast
  FROM raw
), shaped AS (
  SELECT *,
    -- the TypeScript reader's detect score of the line is at least 80 (else it may route the line to another format)
    COALESCE((sess AND t_assistant AND msg_obj) OR (sess AND typed_s AND has_uuid) OR (t = '"summary"' AND has_leaf)
      OR (untyped AND msg_obj AND (starts_with(rid_j, '"') OR sess OR starts_with(id_j, '"')) AND (usage_obj OR has_uuid)), false)
      AS claude_line,
    COALESCE(CASE WHEN untyped THEN msg_obj AND (role_assistant OR usage_obj) ELSE t_assistant END, false) AS assistant
  FROM src
), ruled AS MATERIALIZED (
  -- (materialized: each line's fields are computed once, whatever the optimizer does with the expressions that read them)
  SELECT *, obj AND claude_line AND assistant AND msg_obj AND usage_obj AS rec FROM shaped
), counted AS (
  -- the record columns (their values matter on the lines that are responses only: the others read zeros and nulls)
  SELECT *,
    ${v('c_input')} AS input, ${v('c_output')} AS output, ${v('c_read')} AS cache_read, ${v('c_w5')} AS w5, ${v('c_w1')} AS w1,
    try_cast(c_creation AS BIGINT) AS creation, ${joined} AS joined,
    CASE WHEN rec AND ts_j <> '""' THEN ${isoMs('ts_j')} END AS ts_ms
  FROM ruled
), classified AS (
  SELECT *,
    CASE WHEN has_split AND (w5 + w1 > 0 OR COALESCE(creation, 0) = 0) THEN w5 ELSE COALESCE(creation, 0) END AS write_5m,
    CASE WHEN has_split AND (w5 + w1 > 0 OR COALESCE(creation, 0) = 0) THEN w1 ELSE 0 END AS write_1h,
    ${v('c_thinking')} AS thinking
  FROM counted
)
-- one pass over the lines, no union (CASE looks at a line's record fields where it is a response only)
SELECT file_idx, line,
  CASE
    WHEN NOT rec THEN CASE WHEN NOT obj OR NOT claude_line THEN 'fallback' WHEN NOT assistant THEN 'transcript-metadata' ELSE 'no-usage' END
    WHEN model_j = '"<synthetic>"' THEN 'synthetic-placeholder'
    WHEN ${nonString('model_j')} OR ${nonString('id_j')} OR ${nonString('rid_j')} OR ${nonString('session_j')} OR ${nonString('agent_j')}
      OR ${nonString('ts_j')} OR NOT ${countsOk('joined')} OR c_input IS NULL OR c_output IS NULL
      OR thinking > output
      OR (has_split AND w5 + w1 > 0 AND creation IS NOT NULL AND creation <> w5 + w1)
      OR (ts_j <> '""' AND (ts_ms IS NULL OR ts_ms < ${MIN_MS} OR ts_ms > ${MAX_MS}))
      -- a request id holding NUL (the TypeScript reader's sidechain mark); an agent id that is not plain text (the tags
      -- are written from its JSON text: JSON escapes control characters, quotes and backslashes)
      OR contains(rid_j, '\\u0000') OR contains(agent_j, '\\') OR contains(agent_j, chr(127)) THEN 'fallback'
    WHEN api_error AND input + cache_read + write_5m + write_1h + output = 0 THEN 'error-body'
    ELSE 'record'
  END AS kind,
  CASE WHEN starts_with(id_j, '"') AND id_j <> '""' THEN id_j END AS mid,
  CASE WHEN rid_j IS NULL OR rid_j = '""' THEN '' ELSE rid_j END AS rid, sidechain,
  input + cache_read + write_5m + write_1h + output AS bucket_sum, ts_ms AS time_ms, CASE WHEN fast THEN true END AS fast,
  model_j, session_j, agent_j, tier_j, geo_j,
  input AS input_tokens, cache_read AS cache_read_tokens, write_5m AS cache_write_5m_tokens, write_1h AS cache_write_1h_tokens,
  output AS output_tokens, thinking AS reasoning_tokens, ${v('c_search')} AS web_search_calls, ${v('c_fetch')} AS web_fetch_calls
FROM classified`;
}

/** The larger bucket sum first, then the earlier `line` (the order of the tuple (bucket_sum, -line)). */
const largestFirst = (line: string) => `bucket_sum::HUGEINT * 4294967296 - ${line}`;

/**
 * The rows the TypeScript reader emits (`file_idx`, `line`), numbered in its order (`ord`); the other
 * records with a message id are duplicates. A subquery of the insert (EMITTED_ROWS): no table of its own.
 */
const EMIT_SQL = `WITH recs AS (
  SELECT file_idx, line, mid, rid, sidechain, bucket_sum FROM sr_lines WHERE kind = 'record'
), keyed AS (
  -- per file, message id and request id: the largest copy, the earliest of equals (one HUGEINT key: the sum, then
  -- the line reversed; lines are below 2^32; a key of one number is compared as such, a tuple through
  -- sort keys, which took a fifth more of the step)
  SELECT file_idx, mid, rid, max(bucket_sum) AS bucket_sum, min(line) AS key_first,
    arg_max(line, ${largestFirst('line')}) AS line, arg_max(sidechain, ${largestFirst('line')}) AS sidechain
  FROM recs WHERE mid IS NOT NULL GROUP BY file_idx, mid, rid
), grouped AS (
  -- per file and message id: whether a copy is on the main chain; else the largest sidechain copy
  SELECT file_idx, mid, bool_or(NOT sidechain) AS has_main, min(key_first) AS group_first,
    arg_max(line, ${largestFirst('key_first')}) AS side_line
  FROM keyed GROUP BY file_idx, mid
), kept AS (
  SELECT k.*, g.group_first FROM keyed k JOIN grouped g ON g.file_idx = k.file_idx AND g.mid = k.mid
  WHERE (g.has_main AND NOT k.sidechain) OR (NOT g.has_main AND k.line = g.side_line)
), mids AS (
  SELECT mid, min(file_idx) AS f_mid, min(CASE WHEN sidechain THEN file_idx END) AS f_side FROM kept GROUP BY mid
), rids AS (
  SELECT mid, rid, min(CASE WHEN NOT sidechain THEN file_idx END) AS f_rid FROM kept GROUP BY mid, rid
), emitted AS (
  SELECT file_idx, line, 0 AS phase, line AS a, 0 AS b FROM recs WHERE mid IS NULL
  UNION ALL
  SELECT k.file_idx, k.line, 1, k.group_first, k.key_first
  FROM kept k JOIN mids m ON m.mid = k.mid JOIN rids r ON r.mid = k.mid AND r.rid = k.rid
  WHERE NOT COALESCE(k.file_idx > m.f_mid AND (k.sidechain OR r.f_rid < k.file_idx OR m.f_side < k.file_idx), false)
)
SELECT file_idx, line, row_number() OVER (ORDER BY file_idx, phase, a, b) AS ord FROM emitted`;

/**
 * The emitted rows for the insert: their order as `line` (seq), the file line as `src_line`, and the
 * values the usage table holds decoded from their JSON text.
 */
const EMITTED_ROWS = `(SELECT l.* EXCLUDE (line), f.filename, l.line AS src_line, e.ord AS line, ${str('l.mid')} AS id_s, ${str('l.model_j')} AS model_raw,
  NULLIF(${str('l.session_j')}, '') AS conversation_id,
  CASE WHEN l.tier_j = '"batch"' THEN 'batch' WHEN l.tier_j = '"priority"' THEN 'priority' WHEN starts_with(l.tier_j, '"') THEN 'standard' END
    AS service_tier,
  CASE WHEN starts_with(l.geo_j, '"') AND l.geo_j <> '""' THEN l.geo_j NOT IN ('"global"', '"not_available"') END AS regional,
  -- an agent id of plain text only (else the line fell back): its JSON text is the tag's JSON value
  CASE
    WHEN starts_with(l.agent_j, '"') AND l.agent_j <> '""' AND l.sidechain THEN '{"agent":' || l.agent_j || ',"sidechain":"true"}'
    WHEN starts_with(l.agent_j, '"') AND l.agent_j <> '""' THEN '{"agent":' || l.agent_j || '}'
    WHEN l.sidechain THEN '{"sidechain":"true"}'
  END AS tags
  FROM sr_lines l JOIN (${EMIT_SQL}) e ON e.file_idx = l.file_idx AND e.line = l.line JOIN sr_files f ON f.idx = l.file_idx)`;

/** The distinct models of the records, decoded (for the model map). */
const MODELS = `(SELECT 'record' AS kind, ${str('model_j')} AS model_raw FROM (SELECT DISTINCT model_j FROM sr_lines WHERE kind = 'record'))`;

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

/**
 * Bytes of text per read_text call, at most (a larger file is a call of its own). One call is read
 * by one thread (its files arrive in one chunk), the calls of the UNION ALL by DuckDB's threads in
 * parallel, and each call costs its own run of the pipeline: measured on the bench tree (490
 * files, ~0.5 MB each, 249 MB), 8 files a call (62 calls) took 15-20% more CPU than ~32 (16
 * calls); one call over every file held all their text at once (peak RSS ~500 MB) on one thread.
 */
const READ_BATCH_BYTES = 16 << 20;
/** Calls a tree is split into at least (when it has that many files): small trees still use every thread. */
const MIN_READ_BATCHES = 8;

/**
 * `files` (with their `sizes` in bytes) in consecutive batches, one per read_text call: each at most
 * `maxBytes` (READ_BATCH_BYTES, less for a small tree so that it still makes MIN_READ_BATCHES calls)
 * unless a single file is larger.
 */
export function readBatches(files: readonly string[], sizes: readonly number[], maxBytes = READ_BATCH_BYTES): string[][] {
  const total = sizes.reduce((a, b) => a + b, 0);
  const budget = Math.max(1, Math.min(maxBytes, Math.ceil(total / MIN_READ_BATCHES)));
  const batches: string[][] = [];
  let batch: string[] = [];
  let bytes = 0;
  files.forEach((f, i) => {
    if (batch.length > 0 && bytes + sizes[i] > budget) {
      batches.push(batch);
      batch = [];
      bytes = 0;
    }
    batch.push(f);
    bytes += sizes[i];
  });
  if (batch.length > 0) batches.push(batch);
  return batches;
}

/** A file's size in bytes (0 when it cannot be read: read_text then fails, and the tree falls back). */
function sizeOf(file: string): number {
  try {
    return statSync(file).size;
  } catch {
    return 0;
  }
}

/**
 * Reads `files` (Claude Code transcripts, in input order) into the usage table, or answers 'fallback'.
 * Its statements run with DuckDB free to write rows in any order: the lines carry their file line
 * numbers and the emitted rows their order (`seq`), so nothing here depends on it (measured: on two
 * threads the ordered read of the bench tree took about twice the CPU time). The setting is changed
 * once for all of them, then set back to DuckDB's default, which nothing else in the tool changes
 * (reading it first was one more round trip before the read could start).
 */
export async function loadClaudeCode(db: UsageDb, files: readonly string[]): Promise<SqlLoad | 'fallback'> {
  try {
    return await load(db, files);
  } finally {
    await db.run(
      'SET preserve_insertion_order = true; DROP TABLE IF EXISTS sr_lines; DROP TABLE IF EXISTS sr_files; DROP TABLE IF EXISTS sr_gz',
    );
  }
}

async function load(db: UsageDb, files: readonly string[]): Promise<SqlLoad | 'fallback'> {
  // read_text takes a name as a pattern: a name with pattern characters (or a repeated one) is left to the TypeScript reader
  if (new Set(files).size !== files.length || files.some(readAsPattern)) return 'fallback';
  // the files by number (input order), for the names of the emitted rows (a list literal of the names in the insert
  // cost ~12 ms CPU more to plan: DuckDB binds a list literal element by element)
  await db.loadTable(
    'sr_files',
    [
      { name: 'idx', type: 'INTEGER' },
      { name: 'filename', type: 'VARCHAR' },
    ],
    files.map((f, i) => [i, f]),
  );
  // gzip files: their text, decompressed on the Node thread, is handed to DuckDB in a table
  const gz = files.filter((f) => f.endsWith('.gz'));
  const plain = files.filter((f) => !f.endsWith('.gz'));
  const gzHeads = await transcriptHeads(gz, DETECT_VALUES).catch(() => undefined);
  if (!gzHeads || gzHeads.some((h) => h.text === undefined)) return 'fallback';
  const texts = [];
  // read_text hands a whole batch of files over at once: memory stays bounded by a batch's text
  const index = new Map(files.map((f, i) => [f, i]));
  for (const batch of readBatches(plain, plain.map(sizeOf))) {
    // each file's number from its place in the call's list (no join of the texts with the file table)
    const numbers = `[${batch.map((f) => index.get(f)).join(', ')}]`;
    const names = `[${batch.map(lit).join(', ')}]`;
    texts.push(`SELECT ${numbers}[list_position(${names}, filename)] AS file_idx, content FROM read_text(${names})`);
  }
  if (gz.length > 0) {
    await db.loadTable(
      'sr_gz',
      [
        { name: 'file_idx', type: 'INTEGER' },
        { name: 'content', type: 'VARCHAR' },
      ],
      gz.map((f, i) => [index.get(f) ?? -1, gzHeads[i].text ?? '']),
    );
    texts.push('SELECT file_idx, content FROM sr_gz');
  }
  // the heads of plain files are read on the Node thread while DuckDB reads the tree on its own threads
  const read = db.run(`SET preserve_insertion_order = false; ${linesSql(texts.join(' UNION ALL '))}`).then(
    () => true,
    (err: unknown) => {
      if (process.env.TOKENOMICS_DEBUG_SQL) console.error(err);
      return false;
    },
  );
  // every file must be a transcript for the TypeScript detection too (loadAllWithSql checked the first one before):
  // detected while DuckDB still reads, each head as it is read
  const transcript = (h: TranscriptHead) => h.head !== undefined && detectJson(h.head)?.name === 'claude-code';
  const transcripts = gzHeads.every(transcript) && (await everyHead(plain, DETECT_VALUES, transcript).catch(() => false));
  if (!(await read) || !transcripts) return 'fallback';
  // the lines of each kind, and (kind NULL) the files read: every one of them
  const kinds = new Map<string, number>();
  let seen = 0;
  // the model map made at once with the count (each on a connection of its own; not used when the count sends the tree back)
  const [counted, mapped] = await Promise.all([
    db.query('SELECT kind, count(*) AS n FROM sr_lines GROUP BY kind UNION ALL SELECT NULL, count(DISTINCT file_idx) FROM sr_lines'),
    loadModelMap(db, MODELS),
  ]);
  for (const r of counted)
    if (r.kind === null) seen = Number(r.n);
    else kinds.set(String(r.kind), Number(r.n));
  if (seen !== files.length || kinds.has('fallback') || !mapped) return 'fallback';
  // the dedupe and the insert in one statement: the emitted rows are numbered (seq) as they are inserted
  const emitted = await insertStaged(db, {
    file: files[0],
    from: EMITTED_ROWS,
    stageColumns: STAGE_COLUMNS,
    join: 'JOIN sr_models m ON m.model_raw IS NOT DISTINCT FROM s.model_raw',
    columns: {
      id: `COALESCE(NULLIF(s.id_s, ''), s.filename || ':' || s.src_line)`,
      model: 'm.model',
      provider: `'anthropic'`,
      source_file: 's.filename',
      source_line: 's.src_line',
    },
  });
  // every line is counted or skipped: the record lines not emitted are duplicates
  const lines = [...kinds.values()].reduce((a, b) => a + b, 0);
  const counts: IngestCounts = { read: lines, counted: emitted, skipped: {}, rejected: {} };
  const skips = [...kinds].map(([kind, n]): [string, number] => (kind === 'record' ? ['duplicate', n - counts.counted] : [kind, n]));
  for (const [kind, n] of skips.sort(([a], [b]) => (a < b ? -1 : 1))) if (n > 0) counts.skipped[kind] = n;
  return { format: 'claude-code', counts };
}
