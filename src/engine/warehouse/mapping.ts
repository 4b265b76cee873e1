/**
 * From the user's table to the usage table: a mapping gives, for each usage column, an SQL
 * expression over the user's columns, and a filter for the rows that are LLM calls. The
 * normalization view (`usageViewSql`) applies it, keeps only rows whose token and request counts
 * are whole non-negative numbers, and casts them; `accountingSql` counts the rows read and the
 * rows rejected, so the report's accounting (counted + rejected = read) holds as for a file.
 *
 * Ready-made mappings for the tables users have: LiteLLM's `LiteLLM_SpendLogs` (PostgreSQL),
 * Langfuse's ClickHouse `observations`, and the OpenTelemetry ClickHouse exporter's `otel_traces`
 * spans. Plain `usage_column=their_column` pairs map columns by name (quoted identifiers, never
 * raw SQL); with no mapping the table must have the usage table's own columns.
 */
import { UserError } from '../../core/issues.js';
import { COUNTED_CHARGES, TOKEN_DIMENSIONS } from '../../usage/dimensions.js';
import { NO_MODEL } from '../../usage/record.js';
import { USAGE_COLUMNS, type UsageColumn } from '../../usage/table.js';
import type { WarehouseDialect } from '../dialect.js';
import { CACHE_READ, CACHE_WRITE_TOTAL, WRITE_1H, WRITE_5M } from '../../ingest/adapters/langfuse.js';
import {
  ADK_REASONING,
  G_DETAILS,
  G_INPUT,
  G_OUTPUT,
  G_READ,
  G_REASONING,
  G_TOTAL,
  G_WRITE,
  NATIVE_GEMINI,
} from '../../ingest/adapters/otel-dialects.js';
import { TTL_SPLIT } from '../../ingest/formats/litellm.js';

/** Usage columns a mapping must give (the rest have defaults). */
export const REQUIRED_COLUMNS = ['model', 'input_tokens', 'output_tokens'] as const;

/**
 * Count columns: validated as whole non-negative numbers, else the row is rejected. The counted
 * charges (web_search_calls, ...; usage/dimensions.ts) are counts too: 0 unless mapped.
 */
export const COUNT_COLUMNS: readonly string[] = [
  // the token buckets, from the dimension table (a new bucket is one edit there)
  ...TOKEN_DIMENSIONS.map((d) => d.column),
  'reasoning_tokens',
  'requests',
  ...COUNTED_CHARGES.map((c) => c.column),
];

export interface Mapping {
  /** Name for messages ("litellm", "columns"). */
  name: string;
  /** SQL expression per usage column (over the user's table, alias `src`). */
  exprs: Map<string, string>;
  /** Rows that are LLM calls (SQL over `src`), if not all. */
  where?: string;
  /** Dialects the expressions are written for (none: any). */
  dialects?: string[];
  /**
   * Usage columns read from a column of the same or a given name (no --map, or `usage_column=their_column`
   * pairs): their source column, and whether the user named it (else: the usage table's own name).
   */
  byName?: Map<string, { column: string; named: boolean }>;
}

interface Preset {
  description: string;
  table: string;
  dialects: string[];
  build: (d: WarehouseDialect) => Omit<Mapping, 'name' | 'dialects'>;
}

const entries = (o: Record<string, string>) => new Map(Object.entries(o));

// LiteLLM: prompt_tokens includes cached tokens; the cache numbers live only in metadata.usage_object
const llUsage = (path: string) => `CAST(src.metadata -> 'usage_object' #>> '{${path}}' AS NUMERIC)`;
const llCacheRead = `COALESCE(${llUsage('prompt_tokens_details,cached_tokens')}, ${llUsage('cache_read_input_tokens')}, 0)`;
const llCacheWrite = `COALESCE(${llUsage('cache_creation_input_tokens')}, 0)`;
// the writes' 1h part: where the file reader takes it (ingest/formats/litellm.ts), the rest 5m
const llCacheWrite1h = `COALESCE(${llUsage(`${TTL_SPLIT.split('.').join(',')},ephemeral_1h_input_tokens`)}, ${llUsage('cache_creation,ephemeral_1h_input_tokens')}, 0)`;

// Langfuse: usage_details partitions the usage (input excludes cache keys; output excludes reasoning);
// the cache keys are the file reader's (ingest/adapters/langfuse.ts)
const lf = (keys: Iterable<string>) => [...keys].map((k) => `src.usage_details['${k}']`).join(' + ');
const lfWriteSplit = `(${lf(WRITE_5M)} + ${lf(WRITE_1H)})`;
// a write total beside a TTL split that does not add up to it: NULL, so the row is rejected (as the file reader does)
const lfWrite = (part: string) =>
  `if(${lf(CACHE_WRITE_TOTAL)} > 0 AND ${lfWriteSplit} > 0 AND ${lf(CACHE_WRITE_TOTAL)} != ${lfWriteSplit}, NULL, ${part})`;

// OTel GenAI spans in the ClickHouse exporter schema: attributes are strings in a map; a count has
// several names across instrumentations (ingest/adapters/otel-dialects.ts): the first one present
const otAttr = (k: string) => `src.SpanAttributes['${k}']`;
// LangSmith's token details are one str(dict) attribute each (ingest/adapters/otel-dialects.ts, G_DETAILS): a dotted
// detail name reads its count out of that string, `'cache_read': 2000`
const otValue = (k: string) => {
  const d = G_DETAILS.find((p) => k.startsWith(`${p}.`));
  if (!d) return otAttr(k);
  const key = k.slice(d.length + 1);
  return `if(${otAttr(k)} != '', ${otAttr(k)}, extract(${otAttr(d)}, '[\\'"]${key}[\\'"]\\\\s*:\\\\s*(\\\\d+)'))`;
};
const otInt = (names: readonly string[]) =>
  `multiIf(${names.map((k) => `${otValue(k)} != '', toFloat64OrNull(${otValue(k)})`).join(', ')}, 0)`;

const otCache = `(${otInt(G_READ)} + ${otInt(G_WRITE)})`;
const otModel = `if(${otAttr('gen_ai.response.model')} != '', ${otAttr('gen_ai.response.model')}, ${otAttr('gen_ai.request.model')})`;
// Google ADK's thoughts where no current reasoning name is written: outside a natively called Gemini model's output
// count, so added to it (as the file reader does)
const otAdk = `if(${G_REASONING.map((k) => `${otValue(k)} = ''`).join(' AND ')}, ${otInt([ADK_REASONING])}, 0)`;
const otAdkOutside = `if(match(${otModel}, '(?i)${NATIVE_GEMINI.source.replaceAll('\\/', '/')}'), ${otAdk}, 0)`;

export const PRESETS: ReadonlyMap<string, Preset> = new Map<string, Preset>([
  [
    'litellm',
    {
      description: 'LiteLLM proxy spend logs (PostgreSQL table "LiteLLM_SpendLogs")',
      table: '"LiteLLM_SpendLogs"',
      dialects: ['postgres'],
      build: () => ({
        exprs: entries({
          id: 'src.request_id',
          time_ms: `CAST(floor(extract(epoch FROM src."startTime") * 1000) AS BIGINT)`,
          model: 'src.model',
          provider: "NULLIF(src.custom_llm_provider, '')",
          input_tokens: `src.prompt_tokens - ${llCacheRead} - ${llCacheWrite}`,
          cache_read_tokens: llCacheRead,
          cache_write_5m_tokens: `${llCacheWrite} - ${llCacheWrite1h}`,
          cache_write_1h_tokens: llCacheWrite1h,
          output_tokens: 'src.completion_tokens',
          reasoning_tokens: `COALESCE(${llUsage('completion_tokens_details,reasoning_tokens')}, 0)`,
          conversation_id: "NULLIF(src.session_id, '')",
          user_id: 'NULLIF(src."user", \'\')',
          customer: "NULLIF(src.end_user, '')",
          outcome: 'src.status',
          feature: "NULLIF(src.metadata ->> 'user_api_key_team_alias', '')",
        }),
        // a LiteLLM response-cache hit made no provider call
        where: "src.cache_hit IS DISTINCT FROM 'True'",
      }),
    },
  ],
  [
    'langfuse',
    {
      description: 'Langfuse observations (ClickHouse table observations; generations only)',
      table: 'observations',
      dialects: ['clickhouse'],
      build: () => ({
        exprs: entries({
          id: 'src.id',
          time_ms: 'toUnixTimestamp64Milli(src.start_time)',
          model: "coalesce(src.provided_model_name, '')",
          input_tokens: lf(['input']),
          cache_read_tokens: lf(CACHE_READ),
          // a total alone is 5m; with its TTL split, the split
          cache_write_5m_tokens: lfWrite(`if(${lfWriteSplit} = 0, ${lf(CACHE_WRITE_TOTAL)}, ${lf(WRITE_5M)})`),
          cache_write_1h_tokens: lfWrite(lf(WRITE_1H)),
          output_tokens: lf(['output', 'output_reasoning_tokens']),
          reasoning_tokens: lf(['output_reasoning_tokens']),
          conversation_id: 'src.trace_id',
          prompt: 'src.prompt_name',
        }),
        where: "src.type = 'GENERATION' AND src.is_deleted = 0",
      }),
    },
  ],
  [
    'otel',
    {
      description: 'OpenTelemetry GenAI spans (ClickHouse exporter table otel_traces)',
      table: 'otel_traces',
      dialects: ['clickhouse'],
      build: () => ({
        exprs: entries({
          id: 'src.SpanId',
          time_ms: 'toUnixTimestamp64Milli(src.Timestamp)',
          model: otModel,
          provider: `nullIf(if(${otAttr('gen_ai.provider.name')} != '', ${otAttr('gen_ai.provider.name')}, ${otAttr('gen_ai.system')}), '')`,
          // gen_ai.usage.input_tokens includes the cache reads and writes; where they exceed it, or a total counts
          // them on top of it (Strands Agents' Bedrock counts), it is an uncached count (as the file reader takes it)
          input_tokens: `if(${otCache} > ${otInt(G_INPUT)} OR (${otCache} > 0 AND ${otInt(G_TOTAL)} = ${otInt(G_INPUT)} + ${otInt(G_OUTPUT)} + ${otCache}), ${otInt(G_INPUT)}, ${otInt(G_INPUT)} - ${otCache})`,
          cache_read_tokens: otInt(G_READ),
          cache_write_5m_tokens: otInt(G_WRITE),
          output_tokens: `${otInt(G_OUTPUT)} + ${otAdkOutside}`,
          reasoning_tokens: `${otInt(G_REASONING)} + ${otAdk}`,
          conversation_id: `nullIf(${otAttr('gen_ai.conversation.id')}, '')`,
          feature: "nullIf(src.ServiceName, '')",
        }),
        // inference spans: agent spans carry their children's usage again
        where: `(${G_OUTPUT.map((k) => `mapContains(src.SpanAttributes, '${k}')`).join(' OR ')}) AND ${otAttr('gen_ai.operation.name')} NOT IN ('invoke_agent', 'create_agent', 'invoke_workflow')`,
      }),
    },
  ],
]);

const COLUMN_NAMES = new Set(USAGE_COLUMNS.map((c) => c.name));
const IDENT = /^[A-Za-z_][A-Za-z0-9_$.]*$/;

/**
 * Parses `--map`: a preset name, then optional `usage_column=their_column` pairs (comma-separated),
 * e.g. `litellm`, `model=llm_model,input_tokens=tok_in,output_tokens=tok_out`,
 * `langfuse,feature=name`. No `--map`: the table has the usage table's columns.
 */
export function parseMapping(spec: string | undefined, d: WarehouseDialect): Mapping {
  if (spec === undefined || spec.trim() === '') {
    const cols = USAGE_COLUMNS;
    return {
      name: 'usage table columns',
      exprs: new Map(cols.map((c) => [c.name, `src.${d.ident(c.name)}`])),
      byName: new Map(cols.map((c) => [c.name, { column: c.name, named: false }])),
    };
  }
  const parts = spec
    .split(',')
    .map((p) => p.trim())
    .filter(Boolean);
  let mapping: Mapping = { name: 'columns', exprs: new Map(), byName: new Map() };
  if (parts.length && !parts[0].includes('=') && !COLUMN_NAMES.has(parts[0])) {
    const name = parts.shift()!;
    const preset = PRESETS.get(name);
    if (!preset)
      throw new UserError(
        `--map: no ready-made mapping named "${name}"`,
        `ready-made mappings: ${[...PRESETS.keys()].join(', ')}; or give usage_column=your_column pairs`,
      );
    if (!preset.dialects.includes(d.name))
      throw new UserError(
        `--map ${name} is written for ${preset.dialects.join(', ')}, not ${d.name}`,
        `${preset.description}; map your columns by name instead: usage_column=your_column,...`,
      );
    mapping = { name, ...preset.build(d), dialects: preset.dialects };
  }
  for (const p of parts) {
    // a bare usage column name: the column of that name
    const eq = p.indexOf('=');
    const col = eq < 0 ? p : p.slice(0, eq).trim();
    const source = eq < 0 ? p : p.slice(eq + 1).trim();
    if (!COLUMN_NAMES.has(col))
      throw new UserError(
        `--map: "${p}" does not name a usage column`,
        `usage columns: ${[...COLUMN_NAMES].filter((c) => c !== 'seq').join(', ')} (see docs/architecture.md)`,
      );
    if (!IDENT.test(source))
      throw new UserError(
        `--map: "${source}" is not a column name`,
        'give a plain column name; nested fields: use a view in your database',
      );
    mapping.exprs.set(col, `src.${d.ident(source)}`);
    mapping.byName ??= new Map();
    mapping.byName.set(col, { column: source, named: true });
  }
  const missing = REQUIRED_COLUMNS.filter((c) => !mapping.exprs.has(c));
  if (missing.length)
    throw new UserError(
      `--map leaves required column${missing.length > 1 ? 's' : ''} ${missing.join(', ')} unmapped`,
      `map ${missing.map((c) => `${c}=your_column`).join(',')}`,
    );
  return mapping;
}

/**
 * The mapping fitted to the columns the table has (`columns`: its column names, as the database's
 * catalog lists them): a usage column read by its own name (no --map) that the table lacks is read
 * as its default (0 for counts and charges, NULL otherwise) and listed in `defaulted`; a required
 * one is an error naming it. Columns named in --map are left to the engine, whose message names them.
 */
export function fitMapping(m: Mapping, columns: ReadonlySet<string>, table: string): { mapping: Mapping; defaulted: string[] } {
  if (!m.byName) return { mapping: m, defaulted: [] };
  const exprs = new Map(m.exprs);
  const defaulted: string[] = [];
  const missing: string[] = [];
  for (const [col, { column, named }] of m.byName) {
    if (named || columns.has(column)) continue;
    if ((REQUIRED_COLUMNS as readonly string[]).includes(col)) missing.push(col);
    else {
      exprs.delete(col);
      defaulted.push(col);
    }
  }
  if (missing.length)
    throw new UserError(
      `table ${table} has no column${missing.length > 1 ? 's' : ''} ${missing.join(', ')} (required: ${REQUIRED_COLUMNS.join(', ')})`,
      `map them onto your columns with --map (or ?map=), e.g. ${missing.map((c) => `${c}=your_column`).join(',')}`,
    );
  return { mapping: { ...m, exprs }, defaulted };
}

/**
 * A part of a table name the user quoted, kept as given: one quoted name, holding no quote of its own
 * kind (nor, in backticks, a backslash, an escape in ClickHouse and BigQuery). A part such as
 * `"t"where(…)--"` starts and ends with a quote but is SQL, not a name: tableSql refuses it.
 */
const QUOTED_PART = /^"[^"]*"$|^`[^`\\]*`$/;
const quotedPart = (p: string): boolean => /^".*"$|^`.*`$/.test(p);

/** The parts of a table name as the database's catalog spells them (quotes taken off). */
export function tableParts(table: string): string[] {
  return table.split('.').map((p) => (QUOTED_PART.test(p) ? p.slice(1, -1) : p));
}

/** The table name to read: a plain or schema-qualified name, each part quoted. */
export function tableSql(table: string, d: WarehouseDialect): string {
  const parts = table.split('.');
  if (!/^[^.\s]+(\.[^.\s]+){0,2}$/.test(table) || parts.some((p) => quotedPart(p) && !QUOTED_PART.test(p)))
    throw new UserError(
      `table "${table}" is not a table name`,
      'give NAME or SCHEMA.NAME; a part in quotes is one name, with no quote (or backslash) inside',
    );
  return parts.map((p) => (QUOTED_PART.test(p) ? p : d.ident(p))).join('.');
}

/** Default of an unmapped column. */
function defaultOf(col: UsageColumn, sourceName: string, d: WarehouseDialect): string {
  if (COUNT_COLUMNS.includes(col.name)) return col.name === 'requests' ? '1' : '0';
  if (col.name === 'estimated') return 'FALSE';
  if (col.name === 'source_file') return d.literal(sourceName);
  // typed: an untyped NULL is text in PostgreSQL, and a join on it fails
  return `CAST(NULL AS ${d.type(col.type, true)})`;
}

/** Whole non-negative number (NULL, negative or fractional: rejected). */
const wholeSql = (c: string) => `(${c} IS NOT NULL AND ${c} >= 0 AND ${c} = floor(${c}))`;

function mappedSelect(m: Mapping, table: string, sourceName: string, d: WarehouseDialect): string {
  const cols = USAGE_COLUMNS.filter((c) => c.name !== 'seq').map(
    (c) => `${m.exprs.get(c.name) ?? defaultOf(c, sourceName, d)} AS ${c.name}`,
  );
  const seq = m.exprs.get('seq');
  // arrival order: the table's own seq, else time then id, rows without either after those with it
  // in every engine (BigQuery and Spark put NULLs first in an ascending order by default; DuckDB, the
  // file report's engine, last: https://cloud.google.com/bigquery/docs/reference/standard-sql/query-syntax#order_by_clause)
  const keys = ['time_ms', 'id'].map((c) => m.exprs.get(c)).filter((e) => e !== undefined);
  const last = (e: string) => `CASE WHEN ${e} IS NULL THEN 1 ELSE 0 END, ${e}`;
  // with neither, no order: OVER (), which BigQuery documents for ROW_NUMBER alone
  // (https://cloud.google.com/bigquery/docs/reference/standard-sql/numbering_functions), rather than an ORDER BY
  // of a constant NULL, which no reference documents; Snowflake and Spark need an ORDER BY: the model, always mapped
  const by = keys.length ? keys.map(last).join(', ') : d.orderedRowNumber ? m.exprs.get('model') : undefined;
  const order = seq ?? `row_number() OVER (${by === undefined ? '' : `ORDER BY ${by}`}) - 1`;
  return `SELECT ${order} AS seq, ${cols.join(', ')}\nFROM ${tableSql(table, d)} src${m.where ? `\nWHERE ${m.where}` : ''}`;
}

export const VALID_SQL = COUNT_COLUMNS.map((c) => wholeSql(`r.${c}`)).join(' AND ');

/** Text columns whose empty value means none (NULL). */
const BLANK_IS_NULL = new Set([
  'provider',
  'service_tier',
  'conversation_id',
  'feature',
  'customer',
  'user_id',
  'outcome',
  'prompt',
  'tags',
]);

/** The normalization view: the user's rows as usage rows (valid counts only, as BIGINT). */
export function usageViewSelect(m: Mapping, table: string, sourceName: string, d: WarehouseDialect): string {
  const cols = USAGE_COLUMNS.map((c) => {
    const isCount = COUNT_COLUMNS.includes(c.name) || c.name === 'seq';
    if (isCount) return `CAST(r.${c.name} AS ${d.type('BIGINT', false)}) AS ${c.name}`;
    // a row without a model id (NULL, or blank) is counted under NO_MODEL, unpriced, as every file reader
    // counts it (sql-readers/load.ts), not as a group "null" left out of the unpriced models
    if (c.name === 'model') return `CASE WHEN r.model IS NULL OR trim(r.model) = '' THEN ${d.literal(NO_MODEL)} ELSE r.model END AS model`;
    // an empty text is no value, as the Parquet reader of the usage table's columns reads it (sql-readers/parquet.ts)
    // and the file readers drop a blank field: a ClickHouse String column holds '' where nothing was logged, and a
    // customer '' was a group "", every row with conversation '' one conversation, a tags '' an error in PostgreSQL's jsonb
    // (as text first: '' compared with a jsonb tags column, say, would be read as JSON and fail)
    if (BLANK_IS_NULL.has(c.name)) return `NULLIF(CAST(r.${c.name} AS ${d.type('VARCHAR', true)}), '') AS ${c.name}`;
    return `r.${c.name}`;
  });
  return `SELECT ${cols.join(', ')}\nFROM (\n${mappedSelect(m, table, sourceName, d)}\n) r\nWHERE ${VALID_SQL}`;
}

/** Rows read (after the mapping's filter) and rows rejected for invalid counts. */
export function accountingSql(m: Mapping, table: string, sourceName: string, d: WarehouseDialect): string {
  return `SELECT count(*) AS read_rows, sum(CASE WHEN ${VALID_SQL} THEN 0 ELSE 1 END) AS rejected_rows\nFROM (\n${mappedSelect(m, table, sourceName, d)}\n) r`;
}

/** A few rejected rows, to name them in the warnings. */
export function rejectedSampleSql(m: Mapping, table: string, sourceName: string, d: WarehouseDialect, limit = 5): string {
  return `SELECT r.seq AS seq, r.id AS id, ${COUNT_COLUMNS.map((c) => `r.${c} AS ${c}`).join(', ')}\nFROM (\n${mappedSelect(m, table, sourceName, d)}\n) r\nWHERE NOT (${VALID_SQL})\nORDER BY r.seq\nLIMIT ${limit}`;
}
