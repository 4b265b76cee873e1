/**
 * OpenAI Chat Completions / Responses bodies, one per JSONL line, read by DuckDB's `read_json`
 * with the TypeScript reader's rules (src/ingest/adapters/openai.ts):
 *   chat:      input = prompt_tokens - cached - cache_write; output = completion_tokens (reasoning inside)
 *   responses: input = input_tokens - cached - cache_write;  output = output_tokens
 *   a stream chunk without usage skips `no-usage`; other `response.*` events skip `stream-event`;
 *   a response without usage whose status is failed / cancelled / in_progress / queued skips as the
 *   TypeScript reader does; a failed or cancelled response with usage is tagged outcome=failure;
 *   a later copy of an id with the same model and time within the dedupe window skips `duplicate`.
 * The SQL reads only the plain shapes. A line it does not read exactly like the TypeScript reader
 * (a {request, response} pair, a terminal stream event, a count that is not a JSON integer, a
 * negative or inconsistent count, a body without usage that needs an estimate, an unknown object,
 * ids repeated farther apart than the window) marks the line `fallback`, and any such line sends
 * the whole file to the TypeScript reader, which places every rejection at file:line.
 * Every count leaf is read as JSON text and cast to a number once (no regular expression, no JSON
 * parse per leaf), so "12" (a string), true and 1.5 are told from 12 while 1.0 and 1e3 read as
 * JSON.parse reads them. The line scan (scan.ts) checks the line structure and looks for the text
 * the columns read cannot see (`"web_search_call"`, `"file_search_call"`, `"code_interpreter_call"`: a
 * file with one is read by the TypeScript reader, which counts them); when a record has no service tier in SQL, a
 * second scan tells a missing `service_tier` from a null one (whatever the blanks around its colon).
 */
import type { Issue } from '../../core/issues.js';
import { chunkWarning, eventWarning } from '../../ingest/adapters/openai.js';
import { providerFromModel } from '../../ingest/adapters/util.js';
import { WINDOW_LINES } from '../../ingest/adapters/dedupe.js';
import { duckdb } from '../dialect.js';
import type { InPlaceFacts, UsageDb } from '../duckdb.js';
import { BOM_FIRST, constantZeros, countsOf, loadModelMap, repeatedRequestsSql, stagedSelect, textBytes, type SqlLoad } from './load.js';
import { LENIENT_JSON_NEEDLES, MAX_LINE_BYTES, scanLines } from './scan.js';
import { maxOf, minOf } from '../../core/arrays.js';

const lit = duckdb.literal;
/** Model ids up to which the usage view names providers in a CASE instead of joining the model map. */
const MAX_CASE_MODELS = 32;

/** Epoch-millisecond bounds of a valid timestamp (as adapters/time.ts). */
const MIN_MS = Date.UTC(1990, 0, 1);
const MAX_MS = Date.UTC(2200, 0, 1);

const DETAILS = 'STRUCT(cached_tokens JSON, cache_write_tokens JSON, reasoning_tokens JSON)';
const USAGE = `STRUCT(prompt_tokens JSON, completion_tokens JSON, prompt_cache_hit_tokens JSON, input_tokens JSON, output_tokens JSON,
  prompt_tokens_details ${DETAILS}, completion_tokens_details ${DETAILS}, input_tokens_details ${DETAILS}, output_tokens_details ${DETAILS})`;
// `output` is not read (its text is most of a Responses body): the tool call items priced or counted
// (web_search_call, file_search_call, code_interpreter_call) are found by the line scan
const COLUMNS = `{id: 'JSON', object: 'VARCHAR', type: 'VARCHAR', model: 'JSON', created: 'JSON', created_at: 'JSON',
  service_tier: 'VARCHAR', status: 'VARCHAR', sequence_number: 'JSON', request: 'JSON', response: 'JSON', usage: '${USAGE}'}`;

/**
 * The count leaves the TypeScript reader reads, as [Chat leaf (completionUsage), Responses leaf
 * (responsesUsage), name]: only the leaves of a body's kind are read (a bad one of the other kind is
 * no rejection there), picked once per line so that each count is cast and checked once. Chat's
 * prompt_cache_hit_tokens is read only without cached_tokens there, checked here always.
 */
const LEAVES: ReadonlyArray<[string, string, string]> = [
  ['usage.prompt_tokens', 'usage.input_tokens', 'p'],
  ['usage.completion_tokens', 'usage.output_tokens', 'o'],
  ['usage.prompt_tokens_details.cached_tokens', 'usage.input_tokens_details.cached_tokens', 'c'],
  ['usage.prompt_tokens_details.cache_write_tokens', 'usage.input_tokens_details.cache_write_tokens', 'w'],
  ['usage.completion_tokens_details.reasoning_tokens', 'usage.output_tokens_details.reasoning_tokens', 'r'],
  ['usage.prompt_cache_hit_tokens', 'NULL', 'h'],
];

/**
 * The number a JSON text stands for, as JSON.parse reads it, or NULL when the text is not a JSON
 * number: a string keeps its quotes ("12"), true/false are words, and DuckDB's JSON reader writes a
 * number back in a form its DOUBLE cast reads to the same double (1e3 is written 1000.0).
 */
const number = (json: string) => `TRY_CAST(${json}::VARCHAR AS DOUBLE)`;
/**
 * A number the TypeScript reader accepts as a count (FieldReader.countValue): a safe integer ≥ 0,
 * so 1.0 and 1e3 count as 1 and 1000, while 1.5, -3, 2^53 and "8" do not (NULL when `n` is NULL).
 */
const countOk = (n: string) => `(${n} >= 0 AND ${n} <= ${Number.MAX_SAFE_INTEGER} AND ${n} = trunc(${n}))`;
/** A count leaf `n` that is absent or null, or a count the TypeScript reader accepts. */
const optionalOk = (n: string) => `(${n}_json IS NULL OR COALESCE(${countOk(n)}, false))`;
/** A JSON text that is a string. */
const isString = (x: string) => `starts_with(${x}, '"')`;
const int = (n: string) => `COALESCE(${n}::BIGINT, 0)`;

/**
 * Staged text that takes one of a few values is an ENUM (one byte a row, not a 16-byte string): at
 * 1 GB the staged lines are the largest thing held in memory. A value outside the list fails the
 * read, and the file goes to the TypeScript reader.
 */
const KIND_NAMES = ['record', 'duplicate', 'no-usage', 'stream-event', 'failed-request', 'canceled', 'fallback'];
const KINDS = `ENUM(${KIND_NAMES.map(lit).join(', ')})`;
const TIERS = `ENUM('standard', 'flex', 'priority', 'batch')`;

const TERMINAL_EVENTS = `('response.completed', 'response.incomplete', 'response.failed', 'response.cancelled')`;
const NO_USAGE_STATUS = `CASE status WHEN 'failed' THEN 'failed-request' WHEN 'cancelled' THEN 'canceled' WHEN 'in_progress' THEN 'no-usage' WHEN 'queued' THEN 'no-usage' END`;

/** The staged lines (table `stage`): `kind` is 'record', a skip reason, or 'fallback'. */
export function stageSql(file: string, stage = 'sr_stage'): string {
  const chat = `object IN ('chat.completion', 'text_completion', 'chat.completion.chunk')`;
  return `CREATE OR REPLACE TABLE ${stage} AS
WITH src AS (
  SELECT *, COALESCE(${chat}, false) AS is_chat, COALESCE(object = 'response', false) AS is_resp
  FROM read_json(${lit(file)}, format = 'newline_delimited', columns = ${COLUMNS}, maximum_object_size = ${MAX_LINE_BYTES})
), picked AS (
  -- the time and count leaves of the body's kind (the struct is not carried further)
  SELECT id, object, type, model, service_tier, status, sequence_number, request, response, is_chat, is_resp,
    usage IS NULL AS no_usage, CASE WHEN is_chat THEN created ELSE created_at END AS created,
    ${LEAVES.map(([c, r, n]) => `CASE WHEN is_chat THEN ${c} ELSE ${r} END AS ${n}_json`).join(',\n    ')}
  FROM src
), numbers AS (
  -- every leaf as a number once (NULL: absent, null, or not a JSON number)
  SELECT *, ${number('created')} AS t, ${LEAVES.map(([, , n]) => `${number(`${n}_json`)} AS ${n}`).join(', ')}
  FROM picked
), shaped AS (
  SELECT *,
    CASE
      WHEN request IS NOT NULL OR (response IS NOT NULL AND json_type(response) = 'OBJECT' AND type IS NULL) THEN 'fallback'
      WHEN starts_with(type, 'response.') THEN
        CASE WHEN type IN ${TERMINAL_EVENTS} OR (sequence_number IS NULL AND response IS NULL) THEN 'fallback' ELSE 'stream-event' END
      WHEN is_chat AND no_usage THEN CASE WHEN object = 'chat.completion.chunk' THEN 'no-usage' ELSE 'fallback' END
      WHEN is_resp AND no_usage THEN COALESCE(${NO_USAGE_STATUS}, 'fallback')
      WHEN NOT (is_chat OR is_resp) THEN 'fallback'
      WHEN model IS NOT NULL AND NOT ${isString('model')} THEN 'fallback'
      -- the two counts a body must have, then the others where present
      WHEN NOT COALESCE(${countOk('p')} AND ${countOk('o')}, false) THEN 'fallback'
      WHEN NOT (${['c', 'w', 'r', 'h'].map(optionalOk).join(' AND ')}) THEN 'fallback'
      -- whole seconds in the timestamp range (adapters/time.ts); a string or a fraction falls back
      WHEN created IS NOT NULL AND (t IS NULL OR t <> trunc(t) OR t > ${Math.floor(MAX_MS / 1000)} OR t < ${Math.ceil(MIN_MS / 1000)}) THEN 'fallback'
      ELSE 'record'
    END AS kind,
    ${int('p')} AS prompt, ${int('COALESCE(c, h)')} AS cached, ${int('w')} AS write, ${int('o')} AS output, ${int('r')} AS reasoning
  FROM numbers
)
-- no line column: a line's number is its rowid + 1 (the table keeps read order, and the scan checks
-- that every line holds one object); numbering by a window cost as much as the read itself
SELECT
  CAST(CASE WHEN kind = 'record' AND (cached + write > prompt OR reasoning > output) THEN 'fallback' ELSE kind END AS ${KINDS}) AS kind,
  -- a string id as the JSON reader writes it back (not decoded here: a tenth of the stage's Node-free CPU at
  -- 167 MB); that text is canonical (one text per string: "a\u0062" and "ab" are both written "ab"), so
  -- equal texts are equal ids for the dedupe, and the view decodes only when a query reads the id
  CASE WHEN ${isString('id')} THEN id END AS id_json,
  model ->> '$' AS model_raw,
  t::BIGINT * 1000 AS time_ms,
  CASE WHEN service_tier IS NULL THEN NULL WHEN service_tier = 'flex' THEN 'flex' WHEN service_tier IN ('priority', 'fast') THEN 'priority'
    WHEN service_tier = 'batch' THEN 'batch' ELSE 'standard' END::${TIERS} AS service_tier,
  CASE WHEN service_tier = 'fast' THEN true END AS fast,
  prompt - cached - write AS input_tokens, cached AS cache_read_tokens, write AS cache_write_5m_tokens,
  output AS output_tokens, reasoning AS reasoning_tokens,
  CASE WHEN NOT is_chat AND status IN ('failed', 'cancelled') THEN true END AS failed,
  -- a streamed chat chunk (for the warning about chunks without usage: STREAM_SQL)
  CASE WHEN object = 'chat.completion.chunk' THEN true END AS chunk
FROM shaped`;
}

/**
 * The dedupe of the TypeScript reader (seenBefore: a string id with the same model text and time
 * within WINDOW_LINES lines of its last counted copy is a duplicate; adapters/openai.ts, dedupeKey):
 * read exactly when every repeated key's copies lie within one window of its first copy (then every
 * later copy is a duplicate); otherwise the file falls back. The id alone is no key: proxies and mocks
 * write `chatcmpl-1` for every request (load.ts, repeatedRequestsSql).
 */
const dedupeSql = (stage: string) => repeatedRequestsSql(stage, 'id_json', 'model_raw');

/**
 * The streamed chat chunks without usage that no chunk with usage and the same id follows (the
 * TypeScript reader's rule, adapters/openai.ts StreamState: their tokens are lost). Read only when
 * the file has a line skipped `no-usage`.
 */
const streamSql = (stage: string) => `WITH last AS (
  SELECT id_json, max(rowid) AS r FROM ${stage} WHERE chunk AND kind IN ('record', 'duplicate') AND id_json IS NOT NULL GROUP BY id_json
)
SELECT count(*) AS n FROM ${stage} c LEFT JOIN last l ON l.id_json = c.id_json
WHERE c.kind = 'no-usage' AND c.chunk AND (l.r IS NULL OR l.r < c.rowid)`;

/**
 * Needles of the scan run while DuckDB reads: the Responses output items the TypeScript reader counts as
 * charges (responsesCharges: web search, file search and code interpreter calls), which SQL does not read
 * (`output` is most of a body), so that a file with one is the TypeScript reader's; and NaN and the infinities,
 * which DuckDB's JSON parser reads and JSON.parse rejects (a line the TypeScript reader rejects). The three
 * item types share one anchor, `_call"`: one search of the text for all three. No letter of
 * "code_interpreter_call" is rare in JSON text, so a needle of its own costs a pass stopping as often as this
 * one; the shared anchor replaced 'web_s' (at 167 MB the scan took ~21 ms more, where an anchor of each
 * type's own took ~41 ms more; BENCHMARKS.md).
 */
const READ_NEEDLES = [
  { needle: '"web_search_call"', anchor: '_call"' },
  { needle: '"file_search_call"', anchor: '_call"' },
  { needle: '"code_interpreter_call"', anchor: '_call"' },
  ...LENIENT_JSON_NEEDLES,
];
/** The counts the stage holds (the view's other counts are constants: constantZeros). */
const STAGED_COUNTS = ['input_tokens', 'cache_read_tokens', 'cache_write_5m_tokens', 'output_tokens', 'reasoning_tokens'] as const;

/** A null service tier, looked for only when a record has none in SQL: 'v' is rare in JSON text, and a one-byte anchor is the cheapest stop at a key on every line. */
const NULL_TIER = [{ needle: '"service_tier"', anchor: 'v', value: 'null' }];

export async function loadOpenAI(db: UsageDb, file: string): Promise<SqlLoad | 'fallback'> {
  // the scan runs on the Node thread while DuckDB reads on its own threads; a gzip file is scanned
  // once for both (a second pass would decompress it again)
  const gz = file.endsWith('.gz');
  const scan = scanLines(file, gz ? [...READ_NEEDLES, ...NULL_TIER] : READ_NEEDLES);
  // a large file is staged where it can be compressed (at 1 GB the passes after the read were the
  // peak of memory): a smaller one is not, the checkpoint costs more than the memory it saves
  // (a database that cannot be attached only costs the saving)
  const catalog = (await textBytes(file)) >= db.compressFromBytes ? await db.compressingCatalog().catch(() => undefined) : undefined;
  const stage = catalog ? `${catalog}.sr_stage` : 'sr_stage';
  try {
    await db.run(stageSql(file, stage));
  } catch (err) {
    if (process.env.TOKENOMICS_DEBUG_SQL) console.error(err);
    await scan.catch(() => undefined);
    return 'fallback';
  }
  const { lines, plain } = await scan;
  if (catalog) await db.compressStaging();
  // one pass for the line count, the kinds, the records' model ids, whether a record lacks a tier,
  // and what the report may know of the records (time span, tiers, the fast flag, the counts 0 in
  // every row: InPlaceFacts)
  const groups = await db.query(
    `SELECT kind, model_raw, count(*) AS n, count(*) FILTER (WHERE service_tier IS NULL) AS untiered,
  count(*) FILTER (WHERE fast) AS fast, min(time_ms) AS first_ms, max(time_ms) AS last_ms, bool_or(${BOM_FIRST('model_raw')}) AS bom,
  ${STAGED_COUNTS.map((c) => `bool_and(${c} = 0) AS z_${c}`).join(', ')} FROM ${stage} GROUP BY ALL`,
  );
  // rows of each kind, in the ENUM's order (the order of the counts, as ORDER BY kind gave them)
  const kinds = new Map<string, number>(KIND_NAMES.map((k) => [k, 0]));
  const raws: Array<string | null> = [];
  let untiered = 0;
  let tiered = 0;
  let fast = 0;
  const times: number[] = [];
  // the staged counts 0 in every record (the duplicates are records until the dedupe: a subset of them is 0 too)
  const zero = new Set<string>(STAGED_COUNTS);
  for (const g of groups) {
    const kind = String(g.kind);
    kinds.set(kind, (kinds.get(kind) ?? 0) + Number(g.n));
    if (kind !== 'record') continue;
    // a model id read back without its leading U+FEFF (BOM_FIRST) would not match itself in the model map
    if (g.bom === true) return 'fallback';
    for (const c of STAGED_COUNTS) if (g[`z_${c}`] !== true) zero.delete(c);
    raws.push(g.model_raw === null ? null : String(g.model_raw));
    untiered += Number(g.untiered);
    tiered += Number(g.n) - Number(g.untiered);
    fast += Number(g.fast);
    for (const t of [g.first_ms, g.last_ms]) if (t !== null) times.push(Number(t));
  }
  let rows = 0;
  for (const n of kinds.values()) rows += n;
  if (!plain || rows !== lines || kinds.get('fallback') !== 0) return 'fallback';
  // a Gemini model (OpenAI-compatible endpoint): its thinking tokens are only in total_tokens, which the SQL
  // does not read (adapters/openai.ts, completionUsage)
  if (raws.some((r) => r !== null && providerFromModel(r) === 'google')) return 'fallback';
  // a record without a tier in SQL: its line may say "service_tier": null (the standard tier)
  if (untiered > 0 && !gz && !(await scanLines(file, NULL_TIER)).plain) return 'fallback';
  // (not beside the pass above: at 1 GB both at once raised the peak of memory to the issue's bound)
  await db.run(dedupeSql(stage));
  const [dupes] = await db.query(`SELECT count(*) AS n, COALESCE(max(gap), 0) AS span FROM sr_dupes`);
  if (Number(dupes.span) > WINDOW_LINES) return 'fallback';
  const duplicates = Number(dupes.n);
  if (duplicates > 0) {
    // stream chunks that each carry usage keep their largest copy, not the first (adapters/openai.ts, finalChunk)
    const [chunks] = await db.query(`SELECT count(*) AS n FROM ${stage} WHERE chunk AND rowid IN (SELECT r FROM sr_dupes)`);
    if (Number(chunks.n) > 0) return 'fallback';
    await db.run(`UPDATE ${stage} SET kind = 'duplicate' WHERE rowid IN (SELECT r FROM sr_dupes)`);
    kinds.set('record', (kinds.get('record') ?? 0) - duplicates);
    // (no staged row is a duplicate before the UPDATE)
    kinds.set('duplicate', duplicates);
  }
  // what the file's streams lost, as the TypeScript reader says it (a terminal Responses event sent the file back)
  const issues: Issue[] = [];
  const warn = ([code, message, hint]: [string, string, string]) => issues.push({ severity: 'warning', code, message, file, hint });
  if ((kinds.get('no-usage') ?? 0) > 0) {
    const [bare] = await db.query(streamSql(stage));
    if (Number(bare.n) > 0) warn(chunkWarning(Number(bare.n)));
  }
  if ((kinds.get('stream-event') ?? 0) > 0) warn(eventWarning(kinds.get('stream-event') ?? 0));
  // the model ids of the records before the dedupe: one only a duplicate has is mapped and never read
  const models = await loadModelMap(db, raws, providerFromModel);
  const counts = countsOf(lines, kinds);
  // the staged lines are the file's rows, read in place by each report query (no second copy of
  // them in the usage table: at 1 GB that copy was the peak of memory)
  const n = db.inPlaceViews;
  await db.run(`ALTER TABLE ${stage} RENAME TO usage_openai_${n}_lines; ALTER TABLE sr_models RENAME TO usage_openai_${n}_models`);
  // (a table renamed stays in its database)
  const linesTable = `${catalog ? `${catalog}.` : ''}usage_openai_${n}_lines`;
  // when every record's model id is counted as it is (none blank or missing) and there are few,
  // the view names each one's provider in a CASE: a join to the model map in the view is run by
  // every report query, even one that reads no model (a tenth of a plain file's report CPU)
  const plainModels = models.length <= MAX_CASE_MODELS && models.every(({ raw, model }) => raw === model);
  const providerCase = () =>
    models.length === 0
      ? 'NULL'
      : `CASE s.model_raw ${models.map(({ raw, provider }) => `WHEN ${lit(raw ?? '')} THEN ${provider === undefined ? 'NULL' : lit(provider)}`).join(' ')} END`;
  const spec = {
    file,
    from: linesTable,
    span: lines,
    line: 's.rowid + 1',
    join: plainModels ? '' : `JOIN usage_openai_${n}_models m ON m.model_raw IS NOT DISTINCT FROM s.model_raw`,
    columns: {
      id: `COALESCE(NULLIF(s.id_json ->> '$', ''), ${lit(`${file}:`)} || (s.rowid + 1))`,
      model: plainModels ? 's.model_raw' : 'm.model',
      provider: plainModels ? providerCase() : 'm.provider',
      outcome: `CASE WHEN s.failed THEN 'failure' END`,
    },
  };
  const select = stagedSelect(db, spec);
  await db.run(`CREATE OR REPLACE VIEW usage_openai_${n} AS\n${select}`);
  // what the report may know without reading the rows again (the records before the dedupe: a
  // duplicate's key or time only widens them, which prices nothing differently)
  const facts: InPlaceFacts = {
    routes: models.map(({ model, provider }) => ({ model, provider: provider ?? null, regional: null })),
    firstMs: minOf(times) ?? null,
    lastMs: maxOf(times) ?? null,
    // the view's columns: one request a row, no turn, customer or user
    rows: {
      serviceTiers: tiered > 0,
      fast: fast > 0,
      otherRequests: false,
      everyCustomer: false,
      everyUser: false,
      turns: false,
      conversations: false,
      // the columns the view writes as 0 (and `estimated`: false), and the staged counts 0 in every record
      zero: [...constantZeros(spec), ...STAGED_COUNTS.filter((c) => zero.has(c))],
    },
  };
  db.addInPlace(`usage_openai_${n}`, lines, facts);
  return { format: 'openai', counts, issues, copies: { view: `usage_openai_${n}`, table: linesTable, firstLine: 1 } };
}
