/**
 * OpenAI Chat Completions / Responses bodies, one per JSONL line, read by DuckDB's `read_json`
 * with the TypeScript reader's rules (src/ingest/adapters/openai.ts):
 *   chat:      input = prompt_tokens - cached - cache_write; output = completion_tokens (reasoning inside)
 *   responses: input = input_tokens - cached - cache_write;  output = output_tokens
 *   a stream chunk without usage skips `no-usage`; other `response.*` events skip `stream-event`;
 *   a response without usage whose status is failed / cancelled / in_progress / queued skips as the
 *   TypeScript reader does; a failed or cancelled response with usage is tagged outcome=failure;
 *   a later copy of an id within the dedupe window skips `duplicate`.
 * The SQL reads only the plain shapes. A line it does not read exactly like the TypeScript reader
 * (a {request, response} pair, a terminal stream event, a count that is not a JSON integer, a
 * negative or inconsistent count, a body without usage that needs an estimate, an unknown object,
 * ids repeated farther apart than the window) marks the line `fallback`, and any such line sends
 * the whole file to the TypeScript reader, which places every rejection at file:line.
 * Every count leaf is read as JSON text, so "12" (a string) and 1.5 are told from 12.
 */
import { NO_MODEL } from '../../usage/record.js';
import { providerFromModel } from '../../ingest/adapters/util.js';
import { WINDOW_LINES } from '../../ingest/adapters/dedupe.js';
import { duckdb } from '../dialect.js';
import type { UsageDb } from '../duckdb.js';
import { insertStaged, sqlCounts, type SqlLoad } from './load.js';
import { scanLines } from './scan.js';

const lit = duckdb.literal;

/** Epoch-millisecond bounds of a valid timestamp (as adapters/time.ts). */
const MIN_MS = Date.UTC(1990, 0, 1);
const MAX_MS = Date.UTC(2200, 0, 1);

const DETAILS = 'STRUCT(cached_tokens JSON, cache_write_tokens JSON, reasoning_tokens JSON)';
const USAGE = `STRUCT(prompt_tokens JSON, completion_tokens JSON, prompt_cache_hit_tokens JSON, input_tokens JSON, output_tokens JSON,
  prompt_tokens_details ${DETAILS}, completion_tokens_details ${DETAILS}, input_tokens_details ${DETAILS}, output_tokens_details ${DETAILS})`;
const COLUMNS = `{id: 'JSON', object: 'VARCHAR', type: 'VARCHAR', model: 'JSON', created: 'JSON', created_at: 'JSON',
  service_tier: 'VARCHAR', status: 'VARCHAR', sequence_number: 'JSON', request: 'JSON', response: 'JSON', output: 'JSON', usage: '${USAGE}'}`;

/** Every count leaf the reader may look at. */
const LEAVES = [
  'u.prompt_tokens',
  'u.completion_tokens',
  'u.prompt_cache_hit_tokens',
  'u.input_tokens',
  'u.output_tokens',
  'u.prompt_tokens_details.cached_tokens',
  'u.prompt_tokens_details.cache_write_tokens',
  'u.completion_tokens_details.reasoning_tokens',
  'u.input_tokens_details.cached_tokens',
  'u.input_tokens_details.cache_write_tokens',
  'u.output_tokens_details.reasoning_tokens',
];

/**
 * Every present count leaf is a plain JSON integer the TypeScript reader reads as the same number:
 * its JSON text is digits only (a string has quotes, a float a dot or exponent, a negative a minus)
 * and at most 15 of them (below Number.MAX_SAFE_INTEGER). One regular expression per line over the
 * present leaves joined by commas (absent and null leaves are NULL and drop out).
 */
const countsOk = (leaves: string[]) =>
  `(concat_ws(',', ${leaves.join(', ')}) = '' OR regexp_full_match(concat_ws(',', ${leaves.join(', ')}), '[0-9]{1,15}(,[0-9]{1,15})*'))`;
/** A JSON text that is a string. */
const isString = (x: string) => `starts_with(${x}, '"')`;
/** The text of a JSON string (escapes decoded only where there are any). */
const unquote = (x: string) => `CASE WHEN contains(${x}, '\\') THEN ${x} ->> '$' ELSE ${x}[2:-2] END`;
const int = (x: string) => `COALESCE(${x}::BIGINT, 0)`;

const TERMINAL_EVENTS = `('response.completed', 'response.incomplete', 'response.failed', 'response.cancelled')`;
const NO_USAGE_STATUS = `CASE status WHEN 'failed' THEN 'failed-request' WHEN 'cancelled' THEN 'canceled' WHEN 'in_progress' THEN 'no-usage' WHEN 'queued' THEN 'no-usage' END`;

/** The staged lines: `kind` is 'record', a skip reason, or 'fallback'. */
function stageSql(file: string): string {
  // COALESCE: a line without `object` is neither (NULL would slip past the NOT below and read as 0 tokens)
  const chat = `COALESCE(object IN ('chat.completion', 'text_completion', 'chat.completion.chunk'), false)`;
  const p = 'u.prompt_tokens';
  const c = 'u.completion_tokens';
  const chatCached = `COALESCE(u.prompt_tokens_details.cached_tokens, u.prompt_cache_hit_tokens)`;
  const chatWrite = 'u.prompt_tokens_details.cache_write_tokens';
  const chatReasoning = 'u.completion_tokens_details.reasoning_tokens';
  const respCached = 'u.input_tokens_details.cached_tokens';
  const respWrite = 'u.input_tokens_details.cache_write_tokens';
  const respReasoning = 'u.output_tokens_details.reasoning_tokens';
  const created = `CASE WHEN is_chat THEN created ELSE created_at END`;
  return `CREATE OR REPLACE TEMP TABLE sr_stage AS
WITH src AS (
  SELECT id, object, type, model, created, created_at, service_tier, status, sequence_number,
    request, response, output, usage AS u, ${chat} AS is_chat, COALESCE(object = 'response', false) AS is_resp
  FROM read_json(${lit(file)}, format = 'newline_delimited', columns = ${COLUMNS}, maximum_object_size = 67108864)
), shaped AS (
  SELECT *,
    CASE
      WHEN request IS NOT NULL OR (response IS NOT NULL AND json_type(response) = 'OBJECT' AND type IS NULL) THEN 'fallback'
      WHEN starts_with(type, 'response.') THEN
        CASE WHEN type IN ${TERMINAL_EVENTS} OR (sequence_number IS NULL AND response IS NULL) THEN 'fallback' ELSE 'stream-event' END
      WHEN is_chat AND u IS NULL THEN CASE WHEN object = 'chat.completion.chunk' THEN 'no-usage' ELSE 'fallback' END
      WHEN is_resp AND u IS NULL THEN COALESCE(${NO_USAGE_STATUS}, 'fallback')
      WHEN NOT (is_chat OR is_resp) THEN 'fallback'
      -- web_search_call output items are priced charges: the TypeScript reader counts them
      WHEN is_resp AND output IS NOT NULL AND contains(CAST(output AS VARCHAR), 'web_search_call') THEN 'fallback'
      WHEN model IS NOT NULL AND NOT ${isString('model')} THEN 'fallback'
      WHEN NOT ${countsOk(LEAVES)} THEN 'fallback'
      WHEN is_chat AND (${p} IS NULL OR ${c} IS NULL) THEN 'fallback'
      WHEN is_resp AND (u.input_tokens IS NULL OR u.output_tokens IS NULL) THEN 'fallback'
      WHEN ${created} IS NOT NULL AND (NOT regexp_full_match(${created}, '[0-9]{1,12}') OR ${created}::UBIGINT > ${Math.floor(MAX_MS / 1000)} OR ${created}::UBIGINT < ${Math.ceil(MIN_MS / 1000)}) THEN 'fallback'
      ELSE 'record'
    END AS kind
  FROM src
), counted AS (
  SELECT kind, id, model, ${created} AS t, service_tier, status, is_chat,
    CASE WHEN is_chat THEN ${int(p)} ELSE ${int('u.input_tokens')} END AS prompt,
    CASE WHEN is_chat THEN ${int(chatCached)} ELSE ${int(respCached)} END AS cached,
    CASE WHEN is_chat THEN ${int(chatWrite)} ELSE ${int(respWrite)} END AS write,
    CASE WHEN is_chat THEN ${int(c)} ELSE ${int('u.output_tokens')} END AS output,
    CASE WHEN is_chat THEN ${int(chatReasoning)} ELSE ${int(respReasoning)} END AS reasoning
  FROM shaped
)
-- lines numbered last, in read order: the window then buffers these narrow rows, not the parsed bodies
-- (at 1 GB under a 512 MiB limit: 17 s of spilling before, 9 s after)
SELECT row_number() OVER () AS line, * FROM (SELECT
  CASE WHEN kind = 'record' AND (cached + write > prompt OR reasoning > output) THEN 'fallback' ELSE kind END AS kind,
  CASE WHEN ${isString('id')} THEN ${unquote('id')} END AS id_text,
  CASE WHEN model IS NULL THEN NULL ELSE ${unquote('model')} END AS model_raw,
  t::BIGINT * 1000 AS time_ms,
  CASE WHEN service_tier IS NULL THEN NULL WHEN service_tier = 'flex' THEN 'flex' WHEN service_tier IN ('priority', 'fast') THEN 'priority'
    WHEN service_tier = 'batch' THEN 'batch' ELSE 'standard' END AS service_tier,
  CASE WHEN service_tier = 'fast' THEN true END AS fast,
  prompt - cached - write AS input_tokens, cached AS cache_read_tokens, write AS cache_write_5m_tokens,
  output AS output_tokens, reasoning AS reasoning_tokens,
  CASE WHEN NOT is_chat AND status IN ('failed', 'cancelled') THEN 'failure' END AS outcome
FROM counted)`;
}

/**
 * The dedupe of the TypeScript reader (seenBefore: a string id within WINDOW_LINES lines of its
 * last counted copy is a duplicate): read exactly when every repeated id's copies lie within one
 * window of its first copy (then every later copy is a duplicate); otherwise the file falls back.
 */
const DEDUPE_SQL = `CREATE OR REPLACE TEMP TABLE sr_dupes AS
SELECT id_text, min(line) AS first_line, max(line) AS last_line
FROM sr_stage WHERE kind = 'record' AND id_text IS NOT NULL
GROUP BY id_text HAVING count(*) > 1`;

export async function loadOpenAI(db: UsageDb, file: string): Promise<SqlLoad | 'fallback'> {
  // the scan runs on the Node thread while DuckDB reads on its own threads
  const scan = scanLines(file, ['"service_tier":null', '"service_tier": null']);
  try {
    await db.run(stageSql(file));
  } catch (err) {
    if (process.env.TOKENOMICS_DEBUG_SQL) console.error(err);
    await scan.catch(() => undefined);
    return 'fallback';
  }
  const { lines, plain } = await scan;
  const [shape] = await db.query(`SELECT count(*) AS n, count(*) FILTER (WHERE kind = 'fallback') AS bad FROM sr_stage`);
  if (!plain || Number(shape.n) !== lines || Number(shape.bad) > 0) return 'fallback';
  await db.run(DEDUPE_SQL);
  const [far] = await db.query(`SELECT count(*) AS n FROM sr_dupes WHERE last_line - first_line > ${WINDOW_LINES}`);
  if (Number(far.n) > 0) return 'fallback';
  await db.run(`UPDATE sr_stage SET kind = 'duplicate' FROM sr_dupes
    WHERE sr_stage.kind = 'record' AND sr_stage.id_text = sr_dupes.id_text AND sr_stage.line > sr_dupes.first_line`);
  // model ids resolve in TypeScript on the distinct ids, as the TypeScript reader does per line
  const models = (await db.query(`SELECT DISTINCT model_raw FROM sr_stage WHERE kind = 'record'`)).map((r) =>
    r.model_raw === null ? null : String(r.model_raw),
  );
  await db.loadTable(
    'sr_models',
    [
      { name: 'model_raw', type: 'VARCHAR' },
      { name: 'model', type: 'VARCHAR' },
      { name: 'provider', type: 'VARCHAR' },
    ],
    models.map((raw) => {
      const model = raw === null || raw.trim() === '' ? NO_MODEL : raw;
      return [raw, model, providerFromModel(model)];
    }),
  );
  await insertStaged(db, {
    file,
    span: lines,
    join: `JOIN sr_models m ON m.model_raw IS NOT DISTINCT FROM s.model_raw`,
    columns: {
      id: `COALESCE(NULLIF(s.id_text, ''), ${lit(`${file}:`)} || s.line)`,
      model: 'm.model',
      provider: 'm.provider',
    },
  });
  return { format: 'openai', counts: await sqlCounts(db, lines) };
}
