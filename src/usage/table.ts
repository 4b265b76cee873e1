/**
 * The usage table: the UsageRecord (record.ts) as one flat, documented table schema, so that an
 * SQL engine can aggregate usage and so that every reader (TypeScript or SQL view) has one target.
 * Each column says its SQL type, its meaning and its unit, and how it is read off a UsageRecord;
 * `RECORD_FIELDS` maps every UsageRecord field to its column(s) or to why it is not stored, so a
 * new record field does not compile until it is placed here. Documented in docs/architecture.md
 * ("The usage table"). Types are portable SQL (BIGINT, INTEGER, VARCHAR, BOOLEAN); the tags
 * column holds a JSON object as text, which DuckDB, PostgreSQL (::jsonb), ClickHouse
 * (JSONExtractString) and BigQuery (JSON_VALUE) all read.
 */
import { COUNTED_CHARGES, TOKEN_DIMENSIONS, type ChargeCounts } from './dimensions.js';
import { setTag, type ServiceTier, type UsageRecord } from './record.js';

export type SqlType = 'BIGINT' | 'INTEGER' | 'VARCHAR' | 'BOOLEAN';

export type CellValue = number | string | boolean | null;

export interface UsageColumn {
  name: string;
  type: SqlType;
  /** Whether the column may be NULL (absent in the log). */
  nullable: boolean;
  meaning: string;
  unit: string;
  /** The cell for a record; `seq` is the record's arrival order in the run. */
  get: (r: UsageRecord, seq: number) => CellValue;
}

const opt = <T>(v: T | undefined): T | null => (v === undefined ? null : v);

/** Tags with a column of their own (the rest go to the `tags` JSON column). */
export const TAG_COLUMNS: Readonly<Record<string, string>> = {
  feature: 'feature',
  customer: 'customer',
  user: 'user_id',
  outcome: 'outcome',
  prompt: 'prompt',
};

function otherTags(tags: Record<string, string>): string | null {
  let out: Record<string, string> | undefined;
  for (const k of Object.keys(tags)) {
    if (Object.hasOwn(TAG_COLUMNS, k)) continue;
    (out ??= Object.create(null) as Record<string, string>)[k] = tags[k];
  }
  return out ? JSON.stringify(out) : null;
}

export const USAGE_COLUMNS: readonly UsageColumn[] = [
  {
    name: 'seq',
    type: 'BIGINT',
    nullable: false,
    meaning: 'arrival order of the record in the run (0-based); breaks ties in time within a conversation and a cache scope',
    unit: 'ordinal',
    get: (_r, seq) => seq,
  },
  { name: 'id', type: 'VARCHAR', nullable: false, meaning: 'record id from the log, else file:line', unit: 'text', get: (r) => r.id },
  {
    name: 'time_ms',
    type: 'BIGINT',
    nullable: true,
    meaning: 'when the request ran',
    unit: 'epoch milliseconds, UTC',
    get: (r) => opt(r.timeMs),
  },
  {
    name: 'model',
    type: 'VARCHAR',
    nullable: false,
    meaning: 'model id as logged (resolved to a price outside SQL, see the price map)',
    unit: 'text',
    get: (r) => r.model,
  },
  {
    name: 'provider',
    type: 'VARCHAR',
    nullable: true,
    meaning: 'openai, anthropic, google, bedrock, ...',
    unit: 'text',
    get: (r) => opt(r.provider),
  },
  {
    name: 'service_tier',
    type: 'VARCHAR',
    nullable: true,
    meaning: 'standard, batch, flex or priority (NULL: standard)',
    unit: 'text',
    get: (r) => opt(r.serviceTier),
  },
  { name: 'fast', type: 'BOOLEAN', nullable: true, meaning: 'fast mode was asked for', unit: 'flag', get: (r) => opt(r.fast) },
  {
    name: 'regional',
    type: 'BOOLEAN',
    nullable: true,
    meaning: 'regional / data-residency processing (NULL: decided by the model id, e.g. a Bedrock geo profile)',
    unit: 'flag',
    get: (r) => opt(r.regional),
  },
  // the token buckets (usage/dimensions.ts)
  ...TOKEN_DIMENSIONS.map(
    (d): UsageColumn => ({ name: d.column, type: 'BIGINT', nullable: false, meaning: d.meaning, unit: d.unit, get: (r) => r[d.field] }),
  ),
  {
    name: 'reasoning_tokens',
    type: 'BIGINT',
    nullable: false,
    meaning: 'reasoning tokens, a subset of output_tokens (reporting only)',
    unit: 'tokens',
    get: (r) => r.reasoningTokens,
  },
  {
    name: 'requests',
    type: 'BIGINT',
    nullable: false,
    meaning: 'API requests the row stands for: 1, or N for an aggregated usage bucket (0: unknown count)',
    unit: 'requests',
    get: (r) => r.requests,
  },
  // one column per counted charge (usage/dimensions.ts)
  ...COUNTED_CHARGES.map(
    (d): UsageColumn => ({
      name: d.column,
      type: 'BIGINT',
      nullable: false,
      meaning: d.meaning,
      unit: d.unit,
      get: (r) => r.charges?.[d.key] ?? 0,
    }),
  ),
  {
    name: 'image_count',
    type: 'INTEGER',
    nullable: true,
    meaning: 'images attached to the prompt',
    unit: 'images',
    get: (r) => opt(r.imageCount),
  },
  {
    name: 'estimated',
    type: 'BOOLEAN',
    nullable: false,
    meaning: 'token counts were estimated from text, not reported by the provider',
    unit: 'flag',
    get: (r) => r.tokenSource === 'estimated',
  },
  {
    name: 'conversation_id',
    type: 'VARCHAR',
    nullable: true,
    meaning: 'conversation / session / trace the request belongs to',
    unit: 'text',
    get: (r) => opt(r.conversationId),
  },
  {
    name: 'turn',
    type: 'INTEGER',
    nullable: true,
    meaning: 'turn within the conversation as logged (NULL: counted in time order, ties and untimed rows, last, in arrival order)',
    unit: '1-based index',
    get: (r) => opt(r.turn),
  },
  { name: 'feature', type: 'VARCHAR', nullable: true, meaning: 'tag feature', unit: 'text', get: (r) => opt(r.tags.feature) },
  { name: 'customer', type: 'VARCHAR', nullable: true, meaning: 'tag customer', unit: 'text', get: (r) => opt(r.tags.customer) },
  {
    name: 'user_id',
    type: 'VARCHAR',
    nullable: true,
    meaning: 'tag user (named user_id: USER is reserved in SQL)',
    unit: 'text',
    get: (r) => opt(r.tags.user),
  },
  {
    name: 'outcome',
    type: 'VARCHAR',
    nullable: true,
    meaning: 'tag outcome: success or failure',
    unit: 'text',
    get: (r) => opt(r.tags.outcome),
  },
  {
    name: 'prompt',
    type: 'VARCHAR',
    nullable: true,
    meaning: 'tag prompt: prompt id or name',
    unit: 'text',
    get: (r) => opt(r.tags.prompt),
  },
  {
    name: 'tags',
    type: 'VARCHAR',
    nullable: true,
    meaning: 'the other tags (not the five above) as a JSON object of strings; NULL when there are none',
    unit: 'JSON text',
    get: (r) => otherTags(r.tags),
  },
  {
    name: 'source_file',
    type: 'VARCHAR',
    nullable: false,
    meaning: 'input file the record came from ("-" for stdin)',
    unit: 'path',
    get: (r) => r.source.file,
  },
  {
    name: 'source_line',
    type: 'INTEGER',
    nullable: true,
    meaning: 'line (JSONL, CSV) of the record in its file',
    unit: '1-based line',
    get: (r) => opt(r.source.line),
  },
];

/**
 * Where each UsageRecord field lives in the table, or why it is not stored. Typed over every key
 * of UsageRecord: adding a record field fails to compile until it is placed here.
 */
export const RECORD_FIELDS: Readonly<Record<keyof UsageRecord, string>> = {
  id: 'id',
  timestamp: 'time_ms (the ISO text is not stored: time_ms is the same instant)',
  timeMs: 'time_ms',
  provider: 'provider',
  model: 'model',
  inputTokens: 'input_tokens',
  cacheReadTokens: 'cache_read_tokens',
  cacheWrite5mTokens: 'cache_write_5m_tokens',
  cacheWrite1hTokens: 'cache_write_1h_tokens',
  outputTokens: 'output_tokens',
  reasoningTokens: 'reasoning_tokens',
  requests: 'requests',
  charges: COUNTED_CHARGES.map((d) => d.column).join(', '),
  serviceTier: 'service_tier',
  fast: 'fast',
  regional: 'regional',
  tokenSource: 'estimated',
  countsMissing: 'not stored: the tokenize stage fills the counts before a row is appended (estimated marks it)',
  conversationId: 'conversation_id',
  turn: 'turn',
  tags: 'feature, customer, user_id, outcome, prompt; the other tags in tags (JSON)',
  text: 'not stored: text is for simulation replay, never aggregated',
  imageCount: 'image_count',
  source: 'source_file, source_line',
};

/** `CREATE TABLE` for the usage table (portable SQL). */
export function usageTableDdl(table = 'usage'): string {
  const cols = USAGE_COLUMNS.map((c) => `  ${c.name} ${c.type}${c.nullable ? '' : ' NOT NULL'}`);
  return `CREATE TABLE ${table} (\n${cols.join(',\n')}\n)`;
}

/** The column list as a markdown table (for docs/architecture.md; a test keeps the two equal). */
export function usageTableMarkdown(): string {
  const rows = USAGE_COLUMNS.map((c) => `| \`${c.name}\` | ${c.type}${c.nullable ? '' : ' NOT NULL'} | ${c.unit} | ${c.meaning} |`);
  return ['| column | SQL type | unit | meaning |', '| --- | --- | --- | --- |', ...rows].join('\n');
}

/** The tiers priced by name (price-map.ts's CASE prices any other as standard). */
const PRICED_TIERS: readonly ServiceTier[] = ['batch', 'flex', 'priority'];
/** TAG_COLUMNS as pairs, made once (not per row read back). */
const TAG_COLUMN_PAIRS = Object.entries(TAG_COLUMNS);

/**
 * A row of the usage table as a record: the inverse of the columns' getters, for the commands that
 * take records one by one (simulate, export, check --traffic, whatif at other volumes) from rows an
 * SQL reader read (Parquet). `timestamp` is the ISO text of time_ms; the stored-nowhere fields (text,
 * countsMissing) stay unset. The `tags` column's JSON object gives its string values (others are not tags).
 */
export function recordFromUsageRow(row: Readonly<Record<string, unknown>>): UsageRecord {
  const int = (v: unknown): number => (v === null || v === undefined ? 0 : Number(v));
  const text = (v: unknown): string | undefined => (v === null || v === undefined ? undefined : String(v));
  const timeMs = row.time_ms === null || row.time_ms === undefined ? undefined : Number(row.time_ms);
  const tags: Record<string, string> = {};
  const other = text(row.tags);
  if (other !== undefined) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(other);
    } catch {
      parsed = undefined;
    }
    if (parsed !== null && typeof parsed === 'object' && !Array.isArray(parsed))
      for (const [k, v] of Object.entries(parsed)) if (typeof v === 'string') setTag(tags, k, v);
  }
  for (const [tag, column] of TAG_COLUMN_PAIRS) {
    const v = text(row[column]);
    if (v !== undefined) setTag(tags, tag, v);
  }
  let charges: ChargeCounts | undefined;
  for (const d of COUNTED_CHARGES) {
    const n = int(row[d.column]);
    if (n !== 0) (charges ??= {})[d.key] = n;
  }
  const r: UsageRecord = {
    id: String(row.id),
    model: String(row.model),
    inputTokens: 0,
    cacheReadTokens: 0,
    cacheWrite5mTokens: 0,
    cacheWrite1hTokens: 0,
    outputTokens: 0,
    reasoningTokens: int(row.reasoning_tokens),
    requests: int(row.requests),
    tokenSource: row.estimated === true ? 'estimated' : 'reported',
    tags,
    source: {
      file: String(row.source_file),
      line: row.source_line === null || row.source_line === undefined ? undefined : Number(row.source_line),
    },
  };
  for (const d of TOKEN_DIMENSIONS) r[d.field] = int(row[d.column]);
  if (timeMs !== undefined) {
    r.timeMs = timeMs;
    r.timestamp = new Date(timeMs).toISOString();
  }
  const provider = text(row.provider);
  if (provider !== undefined) r.provider = provider;
  // priced as the engine prices it: batch, flex and priority by name, any other tier standard
  const tier = text(row.service_tier);
  if (tier !== undefined) r.serviceTier = (PRICED_TIERS as readonly string[]).includes(tier) ? (tier as ServiceTier) : 'standard';
  if (typeof row.fast === 'boolean') r.fast = row.fast;
  if (typeof row.regional === 'boolean') r.regional = row.regional;
  if (charges) r.charges = charges;
  const conversation = text(row.conversation_id);
  if (conversation !== undefined) r.conversationId = conversation;
  if (row.turn !== null && row.turn !== undefined) r.turn = Number(row.turn);
  if (row.image_count !== null && row.image_count !== undefined) r.imageCount = Number(row.image_count);
  return r;
}
