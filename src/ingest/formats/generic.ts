/**
 * Generic format for in-house CSV/JSONL. With a column mapping (--map / `columns:`) every canonical field
 * is read from its mapped column (CSV) or dot path (JSON). Without one, common self-describing names are
 * recognised (below), with a low detection score so that every specific format wins over it:
 * `prompt_tokens` is taken as an inclusive prompt total, `input_tokens` as uncached input.
 */
import type { ColumnMapping, CsvAdapter, IngestContext, JsonAdapter } from '../types.js';
import { convertGeneric, type Plan } from './generic-convert.js';
import { COUNTED_CHARGES } from '../../usage/dimensions.js';
import { CANONICAL_FIELDS } from './generic-map.js';
import { getPath, isObject } from './values.js';

export const GENERIC_NAME = 'generic';
const DESCRIPTION = 'in-house CSV/JSONL: map columns with --map model=COL,input=COL,output=COL,...';
const SELF_DESCRIBING_SCORE = 2;

/** Self-describing names per canonical field, in order of preference. */
export const GENERIC_ALIASES: Record<string, readonly string[]> = {
  model: ['model', 'model_name', 'model_id', 'llm_model'],
  provider: ['provider'],
  // (time_ms, timestamp_ms: epoch milliseconds, as the usage table's Parquet export names its time; digits are read by their size)
  timestamp: ['timestamp', 'time', 'created_at', 'ts', 'date', 'time_ms', 'timestamp_ms'],
  id: ['id', 'request_id'],
  prompt: ['prompt_tokens'],
  input: ['input_tokens', 'uncached_input_tokens'],
  cacheRead: ['cache_read_tokens', 'cache_read_input_tokens', 'cached_tokens'],
  cacheWrite: ['cache_write_tokens', 'cache_creation_input_tokens', 'cache_creation_tokens'],
  // the usage table's names (what `tokenomics export` writes); a total above (cacheWrite) takes precedence for 5m
  cacheWrite5m: ['cache_write_5m_tokens'],
  cacheWrite1h: ['cache_write_1h_tokens'],
  output: ['output_tokens', 'completion_tokens'],
  reasoning: ['reasoning_tokens'],
  requests: ['requests', 'request_count'],
  serviceTier: ['service_tier'],
  conversation: ['conversation_id', 'session_id'],
  turn: ['turn'],
  user: ['user', 'user_id'],
  customer: ['customer', 'customer_id', 'tenant_id'],
  feature: ['feature'],
  outcome: ['outcome'],
  promptText: ['prompt_text'],
  completionText: ['completion_text'],
  // charges: the usage table's column names (usage/dimensions.ts), and Anthropic's spellings
  ...Object.fromEntries(COUNTED_CHARGES.map((d) => [d.key, [d.column]])),
  webSearch: ['web_search_calls', 'web_search_requests'],
  webFetch: ['web_fetch_calls', 'web_fetch_requests'],
};

/** Infer a mapping from available names; undefined unless model, an input-side count and output are present. */
export function inferMapping(names: readonly string[]): ColumnMapping | undefined {
  const lower = new Map<string, string>();
  for (const n of names) if (!lower.has(n.trim().toLowerCase())) lower.set(n.trim().toLowerCase(), n);
  const mapping: ColumnMapping = {};
  for (const field of CANONICAL_FIELDS) {
    const alias = GENERIC_ALIASES[field]?.find((a) => lower.has(a));
    if (alias) mapping[field] = lower.get(alias)!;
  }
  if (mapping.prompt) delete mapping.input;
  const complete = mapping.model && (mapping.prompt || mapping.input) && mapping.output;
  return complete ? mapping : undefined;
}

// Field lookups go through Maps: the converter asks for ~20 different field names per row, which
// made keyed property loads on a plain object megamorphic (about a microsecond per CSV row).
function columnsPlan(mapping: ColumnMapping, idx: ReadonlyMap<string, number>, row: { cur: readonly string[] }): Plan {
  return {
    read: (f) => {
      const i = idx.get(f);
      return i === undefined ? undefined : row.cur[i];
    },
    has: (f) => idx.has(f),
    column: (f) => mapping[f] ?? f,
    tagFields: Object.keys(mapping).filter((f) => f.startsWith('tag.')),
  };
}

function jsonPlan(mapping: ColumnMapping, value: { cur: unknown }): Plan {
  const paths = new Map<string, { path: string; parts: string[] }>();
  for (const [field, path] of Object.entries(mapping)) paths.set(field, { path, parts: path.split('.') });
  return {
    read: (f) => {
      const p = paths.get(f);
      return p === undefined ? undefined : getPath(value.cur, p.path, p.parts);
    },
    has: (f) => paths.has(f),
    column: (f) => mapping[f] ?? f,
    tagFields: Object.keys(mapping).filter((f) => f.startsWith('tag.')),
  };
}

const PLAN_KEY = 'generic.plan';

interface JsonState {
  plan: Plan;
  holder: { cur: unknown };
  /** Self-describing mode: the names the inferred mapping uses, and the known names the value lacked. */
  present: string[];
  absent: string[];
}

const ALL_ALIASES = Object.values(GENERIC_ALIASES).flat();

/** True when `value` has exactly the same recognised names as the value the mapping was inferred from. */
function sameShape(value: Record<string, unknown>, state: JsonState): boolean {
  for (const k of state.present) if (!(k in value)) return false;
  for (const k of state.absent) if (k in value) return false;
  return true;
}

/** The file's plan: the explicit mapping, or one inferred from this value's keys (reused while they match). */
function jsonState(value: Record<string, unknown>, ctx: IngestContext): JsonState | undefined {
  const cached = ctx.fileState.get(PLAN_KEY) as JsonState | undefined;
  if (cached && sameShape(value, cached)) return cached;
  const explicit = ctx.options.columns;
  const mapping = explicit ?? inferMapping(Object.keys(value));
  if (!mapping) return undefined;
  const holder = { cur: undefined as unknown };
  const present = explicit ? [] : Object.values(mapping);
  const absent = explicit ? [] : ALL_ALIASES.filter((a) => !(a in value));
  const state: JsonState = { plan: jsonPlan(mapping, holder), holder, present, absent };
  ctx.fileState.set(PLAN_KEY, state);
  return state;
}

export const genericJson: JsonAdapter = {
  name: GENERIC_NAME,
  description: DESCRIPTION,
  detect(value: unknown): number {
    return isObject(value) && inferMapping(Object.keys(value)) ? SELF_DESCRIBING_SCORE : 0;
  },
  // inferMapping is the dearest detection of all: a file that any other format claims skips it
  maxScore: SELF_DESCRIBING_SCORE,
  convert(value: unknown, ctx: IngestContext): void {
    if (!isObject(value))
      return ctx.reject('not-an-object', `expected a JSON object (got ${Array.isArray(value) ? 'an array' : typeof value})`);
    const state = jsonState(value, ctx);
    if (!state)
      return ctx.reject(
        'unmapped-record',
        'no model/token fields recognised',
        undefined,
        'use --map to name the fields, e.g. --map model=llm.model,input=usage.in,output=usage.out',
      );
    state.holder.cur = value;
    convertGeneric(state.plan, ctx);
  },
};

export const genericCsv: CsvAdapter = {
  name: GENERIC_NAME,
  description: DESCRIPTION,
  detectHeader(columns: readonly string[]): number {
    return inferMapping(columns) ? SELF_DESCRIBING_SCORE : 0;
  },
  prepare(columns: readonly string[], ctx: IngestContext) {
    const { mapping, index } = csvFields(columns, ctx.options.columns);
    const row = { cur: [] as readonly string[] };
    const plan = columnsPlan(mapping, index, row);
    return (values: readonly string[], rowCtx: IngestContext): void => {
      row.cur = values;
      convertGeneric(plan, rowCtx);
    };
  },
};

/**
 * The mapping a CSV header is read with (`explicit`, else inferred from the names) and the column
 * index of each mapped field: a name matches trimmed, else case-insensitively. Throws when the
 * header has no mappable columns or lacks a mapped one. The SQL reader resolves columns here too.
 */
export function csvFields(
  columns: readonly string[],
  explicit: ColumnMapping | undefined,
): { mapping: ColumnMapping; index: Map<string, number> } {
  const mapping = explicit ?? inferMapping(columns);
  if (!mapping) throw new Error('no model/token columns recognised in the header');
  const trimmed = columns.map((c) => c.trim());
  const indexOf = (name: string): number => {
    let i = trimmed.indexOf(name);
    if (i === -1) i = trimmed.findIndex((c) => c.toLowerCase() === name.toLowerCase());
    if (i === -1) throw new Error(`column "${name}" is not in the header (columns: ${trimmed.join(', ')})`);
    return i;
  };
  const index = new Map<string, number>();
  for (const [field, column] of Object.entries(mapping)) index.set(field, indexOf(column));
  return { mapping, index };
}
