/**
 * LiteLLM proxy spend logs read by DuckDB: the SpendLogs CSV export (`read_csv`) and the JSONL form
 * of `/spend/logs` (`read_json`), with the rules of the TypeScript reader
 * (src/ingest/formats/litellm.ts, tags by litellm-tags.ts). Both sources become one row shape of JSON
 * values (a CSV field is a JSON string, as the TypeScript reader sees the CSV row as strings), read by
 * one SQL: metadata and request_tags parsed when they are text; skips `failed-request`,
 * `gateway-cache-hit`, `no-usage`; buckets from the inclusive prompt minus the cache reads and writes of
 * `metadata.usage_object`; tags in the order the TypeScript reader sets them (a later key keeps the
 * place of the first and takes the last value); a row repeated within the dedupe window (request_id,
 * model and time) skips `duplicate`.
 *
 * SQL reads a row as a record or a skip only when it can prove the TypeScript reader does the same;
 * every other row is 'other': a bad count, time or JSON text, a count or name that is a JSON number
 * String() may write otherwise, a duplicate or dotted key, a tag name JavaScript orders first (digits) or
 * drops (`__proto__`), control characters JSON.stringify escapes otherwise. In a CSV file each 'other'
 * row goes through the TypeScript converter (judge.ts), which rejects it at file:line; in a JSONL file
 * (and in a CSV file whose converter reads a record among them) the file falls back to the TypeScript
 * reader. So does a file whose lines are not one record each (csv-scan.ts, scan.ts), and any JSON text
 * DuckDB accepts but JSON.parse does not (NaN, Infinity, trailing commas). A top-level JSON array
 * (`.json`) is left to the TypeScript reader.
 */
import { ANTHROPIC_CHARGE_FIELDS } from '../../ingest/adapters/charges.js';
import { LITELLM_COLUMNS, LITELLM_NAME, litellmCsv, TTL_SPLIT } from '../../ingest/formats/litellm.js';
import { METADATA_TAGS, ROW_TAGS } from '../../ingest/formats/litellm-tags.js';
import type { IngestOptions } from '../../ingest/types.js';
import { COUNTED_CHARGES } from '../../usage/dimensions.js';
import { NO_MODEL } from '../../usage/record.js';
import { TAG_COLUMNS } from '../../usage/table.js';
import { duckdb } from '../dialect.js';
import type { Row, UsageDb } from '../duckdb.js';
import { AWKWARD_TAG, countOk, distinctKeysAt, jsTrim, timeMsSql } from './csv.js';
import { type CsvHead, scanCsv } from './csv-scan.js';
import { judgeCsvRows, type Judged } from './judge.js';
import { readStageInPlace, repeatedRequestsSql, type SqlLoad, sqlCounts } from './load.js';
import { LENIENT_JSON_BYTES, MAX_LINE_BYTES, scanLines } from './scan.js';
import { WINDOW_LINES } from '../../ingest/adapters/dedupe.js';

const lit = duckdb.literal;
const MAX_SAFE = Number.MAX_SAFE_INTEGER;
/** What JSON.parse rejects and DuckDB's JSON parser accepts (scan.ts: LENIENT_JSON_BYTES). */
const LENIENT_JSON = 'NaN|Infinity|,[ \\t\\r\\n]*[}\\]]';

/** Row fields the SQL reads (messages and responses only matter with text kept: the TypeScript reader's). */
const FIELDS = LITELLM_COLUMNS.filter((c) => c !== 'messages' && c !== 'response');

/** Row fields read as text by `str()`. */
const STR_FIELDS = ['request_id', 'call_type', 'model', 'model_group', 'custom_llm_provider', 'user', 'end_user', 'team_id'].concat([
  'organization_id',
  'session_id',
  'status',
]);

const jt = (x: string) => `json_type(${x})`;
/** The text of a JSON string, trimmed as JavaScript trims (NULL for any other JSON value). */
const trimmed = (x: string) => `CASE WHEN ${jt(x)} = 'VARCHAR' THEN ${jsTrim(`(${x} ->> '$')`)} END`;
/** `str()` of formats/values.ts over a JSON value `x` whose json_type is `type` and trimmed string text `text` (NULL: not a string). */
const strOf = (x: string, type: string, text: string) =>
  `CASE ${type} WHEN 'VARCHAR' THEN NULLIF(${text}, '') WHEN 'BOOLEAN' THEN ${x}::VARCHAR WHEN 'BIGINT' THEN ${x}::VARCHAR WHEN 'UBIGINT' THEN ${x}::VARCHAR END`;
/** `str()` of formats/values.ts: a trimmed non-empty string, or a number or boolean as text; NULL: undefined. */
const str = (x: string) => strOf(x, jt(x), jsTrim(`(${x} ->> '$')`));
/** `str()` above is String()'s text: no fraction or exponent (DuckDB writes 1e3 as 1000.0), a safe integer. */
const strExactOf = (x: string, type: string) =>
  `COALESCE(${type} NOT IN ('DOUBLE', 'BIGINT', 'UBIGINT') OR (${type} <> 'DOUBLE' AND abs(TRY_CAST(${x}::VARCHAR AS DOUBLE)) <= ${MAX_SAFE}), true)`;
const strExact = (x: string) => strExactOf(x, jt(x));
/** A case-blind ASCII word (JavaScript's toLowerCase maps no other character onto these letters). */
const word = (t: string, w: string) => `regexp_full_match(${t}, '${[...w].map((c) => `[${c.toUpperCase()}${c}]`).join('')}')`;

const orOther = (cond: string) => `COALESCE(${cond}, true)`;
const orNot = (cond: string) => `COALESCE(${cond}, false)`;

/** Count leaves of metadata.usage_object: [name, path] (prompt and completion are the row's own fields). */
const USAGE_LEAVES: ReadonlyArray<[string, string]> = [
  ['ptd_cached', '$.prompt_tokens_details.cached_tokens'],
  ['read', '$.cache_read_input_tokens'],
  ['creation', '$.cache_creation_input_tokens'],
  // the TTL split: LiteLLM's prompt_tokens_details.cache_creation_token_details first, else a cache_creation object
  ['ptd_one_hour', `$.${TTL_SPLIT}.ephemeral_1h_input_tokens`],
  ['ptd_five_min', `$.${TTL_SPLIT}.ephemeral_5m_input_tokens`],
  ['cc_one_hour', '$.cache_creation.ephemeral_1h_input_tokens'],
  ['cc_five_min', '$.cache_creation.ephemeral_5m_input_tokens'],
  ['reasoning', '$.completion_tokens_details.reasoning_tokens'],
  ...ANTHROPIC_CHARGE_FIELDS.map(([key, path]): [string, string] => [key, `$.${path}`]),
];
/** The objects of usage_object the counts are read from (a key twice in one: JSON.parse keeps the last value, json_extract the first). */
const USAGE_PARENTS = [...new Set(USAGE_LEAVES.map(([, path]) => path.split('.').slice(0, -1).join('.')).filter((p) => p !== '$'))];
/** Every count leaf: [name, JSON column]. */
const LEAVES: ReadonlyArray<[string, string]> = [
  ['prompt', '"prompt_tokens"'],
  ['completion', '"completion_tokens"'],
  ...USAGE_LEAVES.map(([l], i): [string, string] => [l, `usage_leaves[${i + 1}]`]),
];

/** A request tag read as `key:value` / `key=value` (litellm-tags.ts). */
const KEYED_TAG = '^([A-Za-z0-9_.-]+)[:=](.+)$';

/** A JSON field that CSV holds as text (metadata, request_tags): its parse (jsonField of formats/litellm.ts). */
function parsedField(field: string): { text: string; bad: string; value: string } {
  const text = `${field}_txt`;
  const given = `(${text} IS NOT NULL AND ${text} NOT IN ('', '{}'))`;
  return {
    text: `${trimmed(`"${field}"`)} AS ${text}`,
    bad: `(${given} AND (TRY_CAST(${text} AS JSON) IS NULL OR regexp_matches(${text}, '${LENIENT_JSON}')))`,
    value: `CASE WHEN ${text} IS NULL THEN "${field}" WHEN ${given} THEN TRY_CAST(${text} AS JSON) END`,
  };
}

/**
 * The JSON scalars the rules read, each looked at once: [name, JSON column]. `str()` and its
 * checks read the columns `jt_<name>` (json_type), `tr_<name>` (a string's trimmed text) of each,
 * computed in steps of their own (an expression repeated in one step is computed each time, and a
 * JSON value is parsed by each function that reads it: on 30,000 rows with metadata the stage took
 * 2.4 CPU s when each read parsed metadata again).
 */
const SCALARS: ReadonlyArray<[string, string]> = [
  ...STR_FIELDS.map((f): [string, string] => [f, `"${f}"`]),
  ...['status', ...METADATA_TAGS.map(([key]) => key)].map((key): [string, string] => [`m_${key}`, `m_${key}`]),
  ['cache_hit', '"cache_hit"'],
  ['start', '"startTime"'],
  ...LEAVES.map(([l, x]): [string, string] => [`leaf_${l}`, x]),
];
const SCALAR = new Map(SCALARS);
const colOf = (name: string) => SCALAR.get(name)!;
/** `str()` of a scalar. */
const strCol = (name: string) => strOf(colOf(name), `jt_${name}`, `tr_${name}`);
/** A scalar's trimmed string text (NULL: not a string). */
const trimmedCol = (name: string) => `CASE WHEN jt_${name} = 'VARCHAR' THEN tr_${name} END`;
/** A scalar absent or null. */
const absentCol = (name: string) => `(jt_${name} IS NULL OR jt_${name} = 'NULL')`;

/** The tag entries of a row, as a list of {k, v} in the order the TypeScript reader sets them (v NULL: not set). */
function tagEntries(): string {
  const entry = (k: string, v: string) => `{'k': ${lit(k)}, 'v': ${v}}`;
  const fixed = ROW_TAGS.map(([field, tag]) => entry(tag, strCol(field)));
  const meta = `CASE WHEN jt_meta = 'OBJECT' THEN [${METADATA_TAGS.map(([key, tag]) => entry(tag, strCol(`m_${key}`))).join(', ')}] ELSE [] END`;
  // (the values by position: the keys of a custom object with a key twice make the row 'other')
  const customs = `COALESCE(list_transform(custom_keys, (k, i) -> {'k': k, 'v': ${str('custom_vals[i]')}}), [])`;
  const keyed = `list_transform(list_filter(rt_strs, s -> regexp_matches(s, '${KEYED_TAG}')), s -> {'k': regexp_extract(s, '${KEYED_TAG}', 1), 'v': ${jsTrim(`regexp_extract(s, '${KEYED_TAG}', 2)`)}})`;
  const plain = `list_filter(rt_strs, s -> NOT regexp_matches(s, '${KEYED_TAG}'))`;
  const joined = `CASE WHEN len(${plain}) > 0 THEN [{'k': 'request_tags', 'v': array_to_string(${plain}, ',')}] ELSE [] END`;
  return `list_filter(list_concat([${fixed.join(', ')}], ${meta}, ${customs}, ${keyed}, ${joined}), e -> e.v IS NOT NULL)`;
}

/** The staged rows: `kind` is 'record', a skip reason, or 'other'; CSV keeps the raw text of the other rows. */
function stageSql(source: string, raw: readonly number[]): string {
  const meta = parsedField('metadata');
  const tags = parsedField('request_tags');
  const n = (l: string) => `"n_${l}"`;
  const leafOk = LEAVES.map(
    ([l]) =>
      `(undef_${l} OR (jt_leaf_${l} = 'VARCHAR' AND ${countOk(`t_${l}`)}) OR COALESCE(d_${l} >= 0 AND d_${l} <= ${MAX_SAFE} AND d_${l} = trunc(d_${l}), false))`,
  );
  /** A JSON object (json_type `type`, keys `keys`) without a repeated key (JSON.parse keeps the last value, DuckDB reads the first). */
  const uniqueKeys = (type: string, keys: string) => `(${type} IS DISTINCT FROM 'OBJECT' OR len(${keys}) = len(list_distinct(${keys})))`;
  const exact = [
    ...STR_FIELDS.map((f) => strExactOf(colOf(f), `jt_${f}`)),
    ...['status', ...METADATA_TAGS.map(([key]) => key)].map((key) => strExactOf(`m_${key}`, `jt_m_${key}`)),
    'COALESCE(list_bool_and(list_transform(rt_elems, e -> ' + strExact('e') + ')), true)',
    `COALESCE(list_bool_and(list_transform(custom_vals, v -> ${strExact('v')})), true)`,
    uniqueKeys('jt_meta', 'meta_keys'),
    uniqueKeys('jt_usage', 'usage_keys'),
    // and in each object a count is read from (prompt_tokens_details, cache_creation, ...)
    distinctKeysAt('usage', USAGE_PARENTS),
    uniqueKeys('jt_custom', 'custom_keys'),
    // getPath reads a key with a dot in it before the path it spells
    `NOT COALESCE(list_bool_or(list_transform(usage_keys, k -> contains(k, '.'))), false)`,
    // `.` of the tag pattern in JavaScript stops at these, in RE2 only at \n
    `NOT COALESCE(list_bool_or(list_transform(rt_strs, s -> regexp_matches(s, '[\\r\\n\\x{2028}\\x{2029}]'))), false)`,
  ];
  const tagOk = `NOT COALESCE(list_bool_or(list_transform(entries, e -> regexp_full_match(e.k, '${AWKWARD_TAG.source.slice(1, -1)}') OR regexp_matches(e.k || e.v, '[\\x00-\\x07\\x0b\\x0e-\\x1f]'))), false)`;
  const status = `COALESCE(${strCol('status')}, ${strCol('m_status')})`;
  const cacheHit = `(jt_cache_hit = 'BOOLEAN' AND "cache_hit"::VARCHAR = 'true') OR ${word(`COALESCE(${trimmedCol('cache_hit')}, '')`, 'true')}`;
  const time = `COALESCE(${trimmedCol('start')}, '')`;
  const columnTag = (tag: string) => `list_last(list_filter(entries, e -> e.k = ${lit(tag)})).v`;
  const others = `list_filter(uniq, e -> e.k NOT IN (${Object.keys(TAG_COLUMNS).map(lit).join(', ')}))`;
  const charge = (key: string) => COUNTED_CHARGES.find((d) => d.key === key)!.column;
  const metaKeys = ['usage_object', 'spend_logs_metadata', 'status', ...METADATA_TAGS.map(([key]) => key)];
  const metaCol = (key: string) => (key === 'usage_object' ? 'usage' : key === 'spend_logs_metadata' ? 'custom' : `m_${key}`);
  return `CREATE OR REPLACE TABLE sr_stage AS
WITH src AS (${source}
), texts AS (
  SELECT *, ${meta.text}, ${tags.text} FROM src
), parsed AS (
  SELECT *, ${meta.bad} AS meta_bad, ${tags.bad} AS rt_bad, ${meta.value} AS meta, ${tags.value} AS rt FROM texts
), typed_meta AS (
  SELECT *, ${jt('meta')} AS jt_meta FROM parsed
), nested AS (
  -- metadata parsed once: its keys, and the values of those read (a missing key: NULL; a JSON null: NULL too)
  SELECT *, CASE WHEN jt_meta = 'OBJECT' THEN json_transform(meta, '"MAP(VARCHAR, JSON)"') END AS meta_map,
    CASE WHEN ${jt('rt')} = 'ARRAY' THEN json_extract(rt, '$[*]') ELSE [] END AS rt_elems
  FROM typed_meta
), fields AS (
  SELECT *, map_keys(meta_map) AS meta_keys, ${metaKeys.map((key) => `meta_map[${lit(key)}] AS ${metaCol(key)}`).join(', ')}
  FROM nested
), objects AS (
  SELECT *, ${jt('usage')} AS jt_usage, ${jt('custom')} AS jt_custom, json_keys(usage) AS usage_keys,
    -- the usage counts from one parse of it
    json_extract(usage, [${USAGE_LEAVES.map(([, path]) => lit(path)).join(', ')}]) AS usage_leaves,
    list_filter(list_transform(rt_elems, e -> ${str('e')}), s -> s IS NOT NULL) AS rt_strs
  FROM fields
), custom_parsed AS (
  SELECT *, CASE WHEN jt_custom = 'OBJECT' THEN json_transform(custom, '"MAP(VARCHAR, JSON)"') END AS custom_map FROM objects
), scalar_types AS (
  SELECT *, map_keys(custom_map) AS custom_keys, map_values(custom_map) AS custom_vals,
    ${SCALARS.map(([name, x]) => `${jt(x)} AS jt_${name}`).join(', ')}
  FROM custom_parsed
), scalar_texts AS (
  SELECT *, ${SCALARS.map(([name, x]) => `CASE WHEN jt_${name} = 'VARCHAR' THEN ${x} ->> '$' END AS u_${name}`).join(', ')}
  FROM scalar_types
), scalars AS (
  SELECT *, ${SCALARS.map(([name]) => `${jsTrim(`u_${name}`)} AS tr_${name}`).join(', ')}
  FROM scalar_texts
), typed AS (
  SELECT *, ${LEAVES.map(([l, x]) => `${trimmedCol(`leaf_${l}`)} AS t_${l}, CASE WHEN jt_leaf_${l} IN ('BIGINT', 'UBIGINT', 'DOUBLE') THEN TRY_CAST(${x}::VARCHAR AS DOUBLE) END AS d_${l}`).join(',\n    ')}
  FROM scalars
), counted AS (
  SELECT *, ${LEAVES.map(([l]) => `(${absentCol(`leaf_${l}`)} OR COALESCE(t_${l} = '', false)) AS undef_${l}`).join(', ')}
  FROM typed
), valued AS (
  SELECT *, ${LEAVES.map(([l]) => `CASE WHEN undef_${l} THEN NULL WHEN jt_leaf_${l} = 'VARCHAR' THEN TRY_CAST(t_${l} AS BIGINT) ELSE TRY_CAST(d_${l} AS BIGINT) END AS ${n(l)}`).join(', ')},
    ${timeMsSql(time)} AS i_time, ${tagEntries()} AS entries
  FROM counted
), split AS (
  SELECT *, COALESCE(${n('ptd_one_hour')}, ${n('cc_one_hour')}) AS n_w1h, COALESCE(${n('ptd_five_min')}, ${n('cc_five_min')}) AS n_w5m
  FROM valued
), buckets AS (
  SELECT *,
    CASE WHEN COALESCE(${n('ptd_cached')}, 0) <> 0 THEN ${n('ptd_cached')} WHEN COALESCE(${n('read')}, 0) <> 0 THEN ${n('read')} ELSE 0 END AS i_cr,
    COALESCE(n_w1h, 0) AS i_w1,
    greatest(COALESCE(${n('creation')}, 0) - COALESCE(n_w1h, 0), 0) AS i_w5,
    COALESCE(${n('completion')}, 0) AS i_out, COALESCE(${n('reasoning')}, 0) AS i_re,
    list_transform(list_filter(entries, (e, i) -> list_position(list_transform(entries, x -> x.k), e.k) = i),
      e -> {'k': e.k, 'v': list_last(list_filter(entries, x -> x.k = e.k)).v}) AS uniq
  FROM split
), inputs AS (
  SELECT *, COALESCE(${n('prompt')}, 0) - i_cr - i_w5 - i_w1 AS i_in FROM buckets
), classified AS (
  SELECT *,
    CASE
      -- a condition that is NULL makes the row 'other' (never a record or a skip by accident)
      WHEN ${orOther(`meta_bad OR NOT (${exact.join('\n        AND ')})`)} THEN 'other'
      WHEN ${orNot(word(`COALESCE(${status}, '')`, 'failure'))} THEN 'failed-request'
      WHEN ${orNot(cacheHit)} THEN 'gateway-cache-hit'
      WHEN ${orNot('undef_prompt AND undef_completion')} THEN 'no-usage'
      WHEN ${orOther(`NOT (${leafOk.join('\n        AND ')})`)} THEN 'other'
      WHEN ${orOther(`COALESCE(n_w1h, 0) + COALESCE(n_w5m, 0) > 0 AND ${n('creation')} IS NOT NULL AND COALESCE(n_w1h, 0) + COALESCE(n_w5m, 0) <> ${n('creation')}`)} THEN 'other'
      WHEN ${orOther('i_in < 0 OR i_re > i_out')} THEN 'other'
      WHEN ${orOther(`NOT (${time} = '' OR i_time IS NOT NULL) OR NOT (${absentCol('start')} OR jt_start = 'VARCHAR')`)} THEN 'other'
      WHEN ${orOther(`rt_bad OR NOT ${tagOk}`)} THEN 'other'
      ELSE 'record'
    END AS kind
  FROM inputs
)
SELECT kind,
  -- the raw text of an 'other' row's fields as one struct: not a list (DuckDB then ran out of memory at its
  -- default limit on 30,000 rows), nor a column each (18 text columns put the insert on one thread under 400 MiB)
  ${raw.length ? `CASE WHEN kind = 'other' THEN {${raw.map((i) => `'raw${i}': c${i}`).join(', ')}} END AS raw,` : ''}
  ${strCol('request_id')} AS id_text,
  COALESCE(${strCol('model')}, ${strCol('model_group')}, ${lit(NO_MODEL)}) AS model,
  ${strCol('custom_llm_provider')} AS provider,
  i_time AS time_ms,
  i_in AS input_tokens, i_cr AS cache_read_tokens, i_w5 AS cache_write_5m_tokens, i_w1 AS cache_write_1h_tokens,
  i_out AS output_tokens, i_re AS reasoning_tokens,
  ${ANTHROPIC_CHARGE_FIELDS.map(([key]) => `COALESCE(${n(key)}, 0) AS ${charge(key)}`).join(', ')},
  ${strCol('session_id')} AS conversation_id,
  ${Object.entries(TAG_COLUMNS)
    .map(([tag, column]) => `${columnTag(tag)} AS ${column}`)
    .join(', ')},
  CASE WHEN len(${others}) = 0 THEN NULL
    ELSE '{' || array_to_string(list_transform(${others}, e -> to_json(e.k)::VARCHAR || ':' || to_json(e.v)::VARCHAR), ',') || '}' END AS tags
FROM classified`;
}

/** Usage columns the staged rows hold under their own names. */
const STAGE_COLUMNS = [
  'model',
  'provider',
  'time_ms',
  'input_tokens',
  'cache_read_tokens',
  'cache_write_5m_tokens',
  'cache_write_1h_tokens',
  'output_tokens',
  'reasoning_tokens',
  ...ANTHROPIC_CHARGE_FIELDS.map(([key]) => COUNTED_CHARGES.find((d) => d.key === key)!.column),
  'conversation_id',
  ...Object.values(TAG_COLUMNS),
  'tags',
];

/**
 * The dedupe of the TypeScript reader (formats/litellm.ts: a record whose request_id, model and time a
 * record within WINDOW_LINES lines before it has is a duplicate, the first copy counted): exact when
 * every repeated key's copies lie within one window of its first copy (then every later copy is a
 * duplicate), else the file falls back (load.ts, repeatedRequestsSql).
 */
const DEDUPE_SQL = repeatedRequestsSql('sr_stage', 'id_text', 'model');

/**
 * Stages the file, checks its lines, adds its records (the staged table read in place): `first` is the line of the first row
 * (2 under a CSV header), `lines` what the scan counted. Rows staged 'other' are judged by `judge`
 * (CSV) or send the file back ('fallback').
 */
async function load(
  db: UsageDb,
  file: string,
  source: string,
  raw: readonly number[],
  first: number,
  scan: Promise<{ lines: number; plain: boolean }>,
  judge?: (each: (visit: (rows: Row[]) => void) => Promise<void>) => ReturnType<typeof judgeCsvRows>,
): Promise<SqlLoad | 'fallback'> {
  try {
    await db.run(stageSql(source, raw));
  } catch (err) {
    if (process.env.TOKENOMICS_DEBUG_SQL) console.error(err);
    await scan.catch(() => undefined);
    return 'fallback';
  }
  const { lines, plain } = await scan;
  const [shape] = await db.query(`SELECT count(*) AS n, count(*) FILTER (WHERE kind = 'other') AS other FROM sr_stage`);
  const rows = Number(shape.n);
  if (!plain || rows + first - 1 !== lines) return 'fallback';
  const from = `(SELECT rowid + ${first} AS line, * FROM sr_stage)`;
  let judged: Judged | undefined;
  if (Number(shape.other) > 0) {
    if (!judge) return 'fallback';
    // a chunk at a time: a file of millions of rejected rows is never held whole
    const others = `SELECT line${raw.length ? ', raw.*' : ''} FROM ${from} WHERE kind = 'other' ORDER BY line`;
    const verdict = await judge((visit) => db.eachRows(others, visit));
    if (verdict === 'fallback') return 'fallback';
    judged = verdict;
  }
  // rows the file holds twice (the TypeScript reader's seenBefore on request_id, model and time)
  await db.run(DEDUPE_SQL);
  const [dupes] = await db.query(`SELECT count(*) AS n, COALESCE(max(gap), 0) AS span FROM sr_dupes`);
  if (Number(dupes.n) > 0 && Number(dupes.span) <= WINDOW_LINES)
    await db.run(`UPDATE sr_stage SET kind = 'duplicate' WHERE rowid IN (SELECT r FROM sr_dupes)`);
  await db.run('DROP TABLE sr_dupes');
  if (Number(dupes.span) > WINDOW_LINES) return 'fallback';
  const counts = await sqlCounts(db, rows);
  const copies = await readStageInPlace(db, 'litellm', {
    file,
    firstLine: first,
    span: lines,
    columns: { id: `COALESCE(s.id_text, ${lit(`${file}:`)} || s.line)` },
    stageColumns: STAGE_COLUMNS,
  });
  delete counts.skipped.other;
  if (judged) {
    for (const [k, v] of Object.entries(judged.counts.skipped)) counts.skipped[k] = (counts.skipped[k] ?? 0) + v;
    for (const [k, v] of Object.entries(judged.counts.rejected)) counts.rejected[k] = (counts.rejected[k] ?? 0) + v;
  }
  return { format: LITELLM_NAME, counts, issues: judged?.issues, issuesLeftOut: judged?.issuesLeftOut, copies };
}

/** A LiteLLM spend-log CSV export (header `head`, detected or forced as litellm). */
export async function loadLiteLLMCsv(db: UsageDb, file: string, head: CsvHead, options: IngestOptions): Promise<SqlLoad | 'fallback'> {
  const names = head.columns.map((c) => c.trim());
  // a name twice (trimmed, in any case): the TypeScript reader warns which column it reads
  const keys = names.map((c) => c.toLowerCase()).filter((c) => c !== '');
  if (new Set(keys).size !== keys.length) return 'fallback';
  const index = new Map(FIELDS.map((f) => [f, names.indexOf(f)] as const).filter(([, i]) => i !== -1));
  const raw = [...new Set(LITELLM_COLUMNS.map((f) => names.indexOf(f)).filter((i) => i !== -1))].sort((a, b) => a - b);
  const columns = head.columns.map((_, i) => `c${i}: 'VARCHAR'`).join(', ');
  const source = `
  SELECT ${raw.map((i) => `c${i}`).join(', ')}${raw.length ? ',' : ''}
    ${FIELDS.map((f) => (index.has(f) ? `to_json(c${index.get(f)}) AS "${f}"` : `NULL::JSON AS "${f}"`)).join(', ')}
  FROM read_csv(${lit(file)}, header = true, delim = ${lit(head.delimiter)}, quote = '"', escape = '"', columns = {${columns}},
    auto_detect = false, strict_mode = true)`;
  return load(db, file, source, raw, 2, scanCsv(file, head.delimiter), (each) =>
    judgeCsvRows(each, file, head.columns, raw, options, litellmCsv),
  );
}

/** A LiteLLM spend-log JSONL file (one `/spend/logs` row per line). */
export async function loadLiteLLMJsonl(db: UsageDb, file: string): Promise<SqlLoad | 'fallback'> {
  const columns = FIELDS.map((f) => `"${f}": 'JSON'`).join(', ');
  const source = `
  SELECT * FROM read_json(${lit(file)}, format = 'newline_delimited', columns = {${columns}}, maximum_object_size = ${MAX_LINE_BYTES})`;
  return load(db, file, source, [], 1, scanLines(file, [], LENIENT_JSON_BYTES));
}
