/**
 * Each section of `report` as SQL over the usage table. Queries return integer token sums per price
 * key (entry index + card key, see price-map.ts) and per group; money is computed from them in
 * TypeScript (one exact multiply per card). Only the per-request distribution multiplies in SQL,
 * in 128-bit integers at the cards' integer prices, so its quantiles are exact too.
 *
 * First `priced`: the rows inside --since/--until with their group-by values and price keys
 * (e0/k0: billed prices; e1/k1: the repricing), a table, or on DuckDB views (pricedViewsSql: the
 * usage rows may be a Parquet file read in place, too large to copy). One pass over it builds `agg`
 * (aggTableSql): integer sums per group, price key and the flags the unit-economics slices filter
 * on, a table as small as the report's groups, from which totals, slices, groups, unpriced models
 * and group ranks are read. Only what needs single rows reads `priced` again: distinct counts,
 * the per-request distribution, turns and unread cache writes.
 * Dialect-sensitive SQL comes from dialect.ts only.
 */
import type { Dimension } from '../aggregate/dims.js';
import type { RateCard } from '../pricing/cost.js';
import { COUNTED_CHARGES, TOKEN_DIMENSIONS, type ChargeKey } from '../usage/dimensions.js';
import { NO_MODEL, TAG_CWD } from '../usage/record.js';
import { TAG_COLUMNS, type CellValue } from '../usage/table.js';
import type { Dialect } from './dialect.js';
import type { Row } from './sql-db.js';
import {
  bandBoundaries,
  bandFloorSql,
  bandJoin,
  bandMeasure,
  CARD_MAP_COLUMNS,
  cardKeyExpr,
  PRICE_COLUMNS,
  periodJoin,
  type CardMap,
  type KeyTimes,
  type PriceMapShape,
  type RowKinds,
} from './price-map.js';

const NONE = "'(none)'";

/** Dimensions whose value a record may lack, and which come from the logs (any text). */
const FREE_TEXT = new Set<Dimension['kind']>([
  'provider',
  'feature',
  'customer',
  'outcome',
  'prompt',
  'user',
  'conversation',
  'session',
  'tag',
  'project',
]);

/**
 * A group value as the report engine keys it: for a dimension of free text a record may lack,
 * `=` and the value, or NONE (no value), so a value spelled like the placeholder ("(none)") is a
 * group of its own; decodeGroupValue turns it back into the value, or null. Other dimensions are
 * as dimensionSql (a time dimension's NONE cannot be a date). The warehouse script keeps plain values.
 */
export function keyedDimensionSql(d: Dialect, dim: Dimension): string {
  return FREE_TEXT.has(dim.kind) ? `COALESCE('=' || ${dimensionSql(d, dim, 'NULL')}, ${NONE})` : dimensionSql(d, dim);
}

/** A group value of keyedDimensionSql: the value, or null (the record had none). */
export function decodeGroupValue(dim: Dimension, v: unknown): string | null {
  const s = String(v);
  if (FREE_TEXT.has(dim.kind)) return s.startsWith('=') ? s.slice(1) : null;
  return isTimeKind(dim.kind) && s === '(none)' ? null : s;
}

const isTimeKind = (k: Dimension['kind']): boolean => k === 'day' || k === 'week' || k === 'month';

/**
 * SQL for a group-by dimension over the usage table (same values as aggregate/dims.ts); `none`:
 * the value of a record without one (default '(none)').
 */
export function dimensionSql(d: Dialect, dim: Dimension, none = NONE): string {
  const NONE = none;
  switch (dim.kind) {
    case 'model':
      return 'model';
    case 'provider':
      return `COALESCE(provider, ${NONE})`;
    case 'feature':
    case 'customer':
    case 'outcome':
    case 'prompt':
      return `COALESCE(${dim.kind}, ${NONE})`;
    case 'user':
      return `COALESCE(user_id, ${NONE})`;
    case 'conversation':
    case 'session':
      return `COALESCE(conversation_id, ${NONE})`;
    case 'project':
      // the logged working directory (the cwd tag), else from the source path, resolved in TypeScript
      // per distinct file (projectOf): see PROJECT_MAP_COLUMNS
      return `COALESCE(${d.jsonTag('tags', TAG_CWD)}, pm.project, ${NONE})`;
    case 'tier':
      return `COALESCE(service_tier, 'standard')`;
    case 'source':
      return 'usage.source_file';
    case 'tag':
      return `COALESCE(${Object.hasOwn(TAG_COLUMNS, dim.name) ? TAG_COLUMNS[dim.name] : d.jsonTag('tags', dim.name)}, ${NONE})`;
    case 'day':
      return dim.tz ? `COALESCE(ld.day, ${NONE})` : `CASE WHEN time_ms IS NULL THEN ${NONE} ELSE ${d.day('time_ms')} END`;
    case 'week':
      return dim.tz ? `COALESCE(ld.week, ${NONE})` : `CASE WHEN time_ms IS NULL THEN ${NONE} ELSE ${d.week('time_ms')} END`;
    case 'month':
      return dim.tz ? `COALESCE(ld.month, ${NONE})` : `CASE WHEN time_ms IS NULL THEN ${NONE} ELSE ${d.month('time_ms')} END`;
  }
}

/**
 * `--by project`: the project of each distinct source file, computed in TypeScript with the
 * readers' own `projectOf` (aggregate/dims.ts) and joined as `pm`.
 */
export const PROJECT_MAP_COLUMNS = [
  { name: 'source_file', type: 'VARCHAR' as const },
  { name: 'project', type: 'VARCHAR' as const },
];

export const SOURCE_FILES_SQL = 'SELECT DISTINCT source_file FROM usage';

/**
 * Day, week and month in a time zone (`--tz`): the local date of each distinct 15-minute slot,
 * computed in TypeScript with the dimensions' own `localDate` (zone offsets are whole quarter
 * hours, so all of a slot has one local date) and joined as `ld`.
 */
export const LOCAL_DATE_COLUMNS = [
  { name: 'slot', type: 'BIGINT' as const },
  { name: 'day', type: 'VARCHAR' as const },
  { name: 'week', type: 'VARCHAR' as const },
  { name: 'month', type: 'VARCHAR' as const },
];

export const SLOT_MS = 900_000;

/** The 15-minute slot of `time_ms`, floored (also before 1970). */
function slotSql(d: Dialect, ms: string): string {
  return `(CASE WHEN ${ms} >= 0 THEN ${d.intDiv(ms, String(SLOT_MS))} ELSE -${d.intDiv(`(${SLOT_MS - 1} - ${ms})`, String(SLOT_MS))} END)`;
}

export function slotsSql(d: Dialect): string {
  return `SELECT DISTINCT ${slotSql(d, 'time_ms')} AS slot FROM usage WHERE time_ms IS NOT NULL`;
}

/** Whether the dimensions need the project map / local dates table. */
export const needsProjects = (dims: Dimension[]): boolean => dims.some((dim) => dim.kind === 'project');
export const zoneOf = (dims: Dimension[]): string | undefined =>
  dims.map((dim) => ('tz' in dim ? dim.tz : undefined)).find((tz) => tz !== undefined);

export interface PricedOptions {
  dims: Dimension[];
  /** Group values keyed as keyedDimensionSql (the report engine), not plain (the warehouse script). */
  keyed?: boolean;
  sinceMs?: number;
  untilMs?: number;
  billed: KeyTimes;
  /** Price keys of a repricing too (mapping rows with pricing = 1). */
  reprice?: KeyTimes;
  /** What the mapping rows use (priceMapShape): the key expression leaves out the rest. Default: everything. */
  shape?: PriceMapShape;
  /**
   * The rows join the card map (`card_map`, cardMapRows) instead of `price_map`: the key is the map
   * row's, and `priced` carries the card's prices (PRICE_COLUMNS) for the per-request cost.
   */
  cardMap?: Pick<CardMap, 'bands' | 'inputOnly'>;
}

/** Rows outside [since, until) (rows without a time are always inside). */
function outside(o: Pick<PricedOptions, 'sinceMs' | 'untilMs'>): string {
  const parts: string[] = [];
  if (o.sinceMs !== undefined) parts.push(`time_ms < ${Math.trunc(o.sinceMs)}`);
  if (o.untilMs !== undefined) parts.push(`time_ms >= ${Math.trunc(o.untilMs)}`);
  return parts.length ? `(time_ms IS NOT NULL AND (${parts.join(' OR ')}))` : 'FALSE';
}

/** Rows outside the window (n), and rows without a time (untimed: inside every window, so counted in each), with a window only. */
export function outsideCountSql(o: Pick<PricedOptions, 'sinceMs' | 'untilMs'>): string {
  if (o.sinceMs === undefined && o.untilMs === undefined) return 'SELECT 0 AS n, 0 AS untimed';
  return `SELECT count(*) FILTER (WHERE ${outside(o)}) AS n, count(*) FILTER (WHERE time_ms IS NULL) AS untimed FROM usage`;
}

const USAGE_KEEP = [
  'seq',
  'time_ms',
  'model',
  'requests',
  ...TOKEN_DIMENSIONS.map((d) => d.column),
  'reasoning_tokens',
  ...COUNTED_CHARGES.map((c) => c.column),
  'estimated',
  'conversation_id',
  'turn',
  'feature',
  'customer',
  'user_id',
  'outcome',
  'prompt',
];

/** The rows inside --since/--until, with their group-by values `g0`, `g1`, ... */
function insideSelect(d: Dialect, o: PricedOptions): string {
  const groups = o.dims.map((dim, i) => `${o.keyed ? keyedDimensionSql(d, dim) : dimensionSql(d, dim)} AS g${i}`);
  let from = 'usage';
  if (needsProjects(o.dims)) from += ' LEFT JOIN project_map pm ON pm.source_file = usage.source_file';
  if (zoneOf(o.dims)) from += ` LEFT JOIN local_dates ld ON ld.slot = ${slotSql(d, 'usage.time_ms')}`;
  return `SELECT usage.*${groups.map((g) => `, ${g}`).join('')} FROM ${from} WHERE NOT ${outside(o)}`;
}

/** `priced`'s rows: the kept usage columns, the group values and the price keys, from the rows `u` of `inside`. */
function pricedSelect(d: Dialect, o: PricedOptions, inside: string): string {
  const cols = [...USAGE_KEEP, ...o.dims.map((_, i) => `g${i}`)].map((c) => `u.${c} AS ${c}`);
  if (o.cardMap) {
    const map = o.cardMap;
    const keys = ['m0.entry_index AS e0', 'm0.card_key AS k0', ...PRICE_COLUMNS.map((c) => `m0.${c.name} AS ${c.name}`)];
    let joins = `LEFT JOIN card_map m0 ON ${periodJoin(d, 'm0', 'u', 0, o.billed, o.shape)}${bandJoin('m0', 'u.n_band', map)}`;
    if (o.reprice) {
      keys.push('m1.entry_index AS e1', 'm1.card_key AS k1');
      joins += `\nLEFT JOIN card_map m1 ON ${periodJoin(d, 'm1', 'u', 1, o.reprice, o.shape)}${bandJoin('m1', 'u.n_band', map)}`;
    }
    // with bands, each row's band measure once, as a column the join compares with the bounds
    return `SELECT ${[...cols, ...keys].join(',\n  ')}
FROM ${map.bands ? `(SELECT *, ${bandMeasure(map)} AS n_band FROM ${inside})` : inside} u
${joins}`;
  }
  const keys = [`m0.entry_index AS e0`, `${cardKeyExpr(d, 'm0', 'u', o.billed, o.shape)} AS k0`];
  let joins = `LEFT JOIN price_map m0 ON ${periodJoin(d, 'm0', 'u', 0, o.billed, o.shape)}`;
  if (o.reprice) {
    keys.push(`m1.entry_index AS e1`, `${cardKeyExpr(d, 'm1', 'u', o.reprice, o.shape)} AS k1`);
    joins += `\nLEFT JOIN price_map m1 ON ${periodJoin(d, 'm1', 'u', 1, o.reprice, o.shape)}`;
  }
  return `SELECT ${[...cols, ...keys].join(',\n  ')}
FROM ${inside} u
${joins}`;
}

/**
 * Where the card map decides each row's card from its route key and band alone (no time bounds in
 * the join: one price segment a route key covers every row), agg sums the rows of `inside` per route
 * key and band floor first, then joins the card map to those few sums: the join per row was a third
 * of agg's time on the 10M-row Parquet bench. (The turns keep the join per row: their window then
 * carried the model's text instead of two integers, which cost what the join had.) The keys it
 * gives: e0, k0, and e1, k1 when repricing.
 */
export interface JoinAfter {
  /** What the sums are taken per: columns of `inside` (`n_band`: the band floor), and the expressions grouped on. */
  columns: string[];
  groupBy: string[];
  /** The card map join(s) on alias `u` (the sums), the price keys they give, and the key columns grouped on. */
  join: string;
  keys: string[];
  keyColumns: string[];
}

/**
 * The JoinAfter of `priced`'s options, over the card map `map`; undefined where the join needs each
 * row (time bounds, or no card map) or the sums would be about as many as the rows.
 */
export function cardJoinAfter(d: Dialect, o: PricedOptions, map: Pick<CardMap, 'rows'> | undefined): JoinAfter | undefined {
  if (!o.cardMap || !map || o.shape?.timeBounds !== false) return undefined;
  // groups of a few rows each (conversations, sessions): the sums first would be nearly as many as
  // the rows, and the second, wider aggregation over them costs more than the join saves (10M bench
  // rows by conversation, 1.25M groups: agg 17.8 s with, 7.7 s without)
  if (o.dims.some((dim) => dim.kind === 'conversation' || dim.kind === 'session')) return undefined;
  const shape = o.shape;
  const route = ['model', ...(shape.providers ? ['provider'] : []), ...(shape.regionals ? ['regional'] : [])];
  const band = o.cardMap.bands ? bandFloorSql(bandMeasure(o.cardMap), bandBoundaries(map)) : undefined;
  const columns = band ? [...route, `${band} AS n_band`] : route;
  const groupBy = band ? [...route, band] : route;
  let join = `LEFT JOIN card_map m0 ON ${periodJoin(d, 'm0', 'u', 0, o.billed, shape)}${bandJoin('m0', 'u.n_band', o.cardMap)}`;
  const keyColumns = ['m0.entry_index', 'm0.card_key'];
  if (o.reprice) {
    join += `\nLEFT JOIN card_map m1 ON ${periodJoin(d, 'm1', 'u', 1, o.reprice, shape)}${bandJoin('m1', 'u.n_band', o.cardMap)}`;
    keyColumns.push('m1.entry_index', 'm1.card_key');
  }
  const keys = keyColumns.map((c, i) => `${c} AS ${['e0', 'k0', 'e1', 'k1'][i]}`);
  return { columns, groupBy, join, keys, keyColumns };
}

/**
 * How the turns (turnsSql) find each row's card after their window rather than before it: the
 * window carries the row's model as a small integer (its place among the card map's models, NULL
 * for a model without a card) and its band floor, and the card map joins the sums per turn, model and
 * band. On the 10M-row Parquet bench the join per row before the window was a third of the pass; the
 * model's text carried through the window instead cost as much as the join. Only where the model
 * alone is the route key and the card follows from it and the band (no time bounds), for a few models.
 */
export interface TurnsJoinAfter {
  /** The row's route number (1-based place of its model in `models`, NULL: no card). */
  route: string;
  /** The row's band floor, or undefined without bands. */
  band?: string;
  /** The card map join on alias `u` (the sums, with columns `route` and `n_band`). */
  join: string;
}

/** Models above this many: the per-row join stays (the route number is a search of the list). */
const TURN_ROUTE_MODELS = 64;

export function turnsJoinAfter(d: Dialect, o: PricedOptions, map: Pick<CardMap, 'rows'> | undefined): TurnsJoinAfter | undefined {
  const shape = o.shape;
  if (!o.cardMap || !map || shape?.timeBounds !== false || shape.providers || shape.regionals) return undefined;
  const model = CARD_MAP_COLUMNS.findIndex((c) => c.name === 'model');
  const models = [...new Set(map.rows.map((r) => String(r[model])))].sort();
  if (models.length === 0 || models.length > TURN_ROUTE_MODELS) return undefined;
  const list = `[${models.map((m) => d.literal(m)).join(', ')}]`;
  return {
    route: `list_position(${list}, model)`,
    band: o.cardMap.bands ? bandFloorSql(bandMeasure(o.cardMap), bandBoundaries(map)) : undefined,
    join: `LEFT JOIN card_map m0 ON m0.pricing = 0 AND m0.model = ${list}[u.route]${bandJoin('m0', 'u.n_band', o.cardMap)}`,
  };
}

/** `priced` as a table (the warehouse engines, the `tokenomics sql` script). */
export function pricedTableSql(d: Dialect, o: PricedOptions): string {
  return d.replaceTable('priced', pricedSelect(d, o, `(${insideSelect(d, o)})`));
}

/**
 * `inside` (the rows inside --since/--until with their group values) and `priced` over it as
 * views, computed again by each of the few queries that read them: on DuckDB that costs less than
 * a copy of every row, which a Parquet file read in place (or a large table) would spill to disk.
 */
export function pricedViewsSql(d: Dialect, o: PricedOptions): string[] {
  return [`CREATE OR REPLACE VIEW inside AS\n${insideSelect(d, o)}`, `CREATE OR REPLACE VIEW priced AS\n${pricedSelect(d, o, 'inside')}`];
}

/** The columns of a TokenSums row (see report.ts `sumsOf`), each an integer sum. */
const SUM_COLUMNS = [
  'requests',
  'records',
  // the token buckets and the counted charges, from the dimension table (usage/dimensions.ts)
  ...[...TOKEN_DIMENSIONS, ...COUNTED_CHARGES].map((d) => d.column),
  'reasoning_tokens',
  'estimated_records',
];

/** Integer sums of the token buckets over usage rows (a TokenSums row); columns `zero` says are 0 in every row read as 0. */
function sumsSql(zero: (column: string) => boolean = () => false, singleRequests = false): string {
  return SUM_COLUMNS.map((c) =>
    zero(c)
      ? `0 AS ${c}`
      : c === 'records' || (c === 'requests' && singleRequests)
        ? `count(*) AS ${c}`
        : c === 'estimated_records'
          ? 'sum(CASE WHEN estimated THEN 1 ELSE 0 END) AS estimated_records'
          : `sum(${c}) AS ${c}`,
  ).join(', ');
}

const SUMS = sumsSql();

/** The same sums over rows of `agg` (sums of sums). */
const AGG_SUMS = SUM_COLUMNS.map((c) => `sum(${c}) AS ${c}`).join(', ');

/** The flags of `agg` rows (see aggTableSql). */
const AGG_FLAGS = ['has_conversation', 'has_customer', 'has_user', 'known_outcome', 'unpriced_model', 'no_model'];

/**
 * `agg`: one pass over `priced`, the integer sums (and first arrival, first and last time, rows of
 * several requests) per group, price key (billed and, when repricing, repriced) and the flags the
 * report filters on: attributed to a conversation / customer / user, the known outcome, the model
 * when unpriced, no model id. Every sum of the report over whole groups is a sum over its rows.
 * `minCount`: the smallest count of its rows too (`min_count`, read by AGG_COUNTS_SQL: the report's agg has it).
 * `modelCol`: the group column that is the model (a `--by model` dimension), if any: the two flags
 * of the model (unpriced, no model id) follow from it and the billed key, so they are computed
 * per group rather than grouped on (10M bench rows: two fewer keys hashed per row). `every`: every
 * row has a customer / a user (RowKinds, where the database knows it): the flag is TRUE, and the
 * column is not read (10M bench rows: ~0.9 CPU s for both). `rows` (RowKinds, where the database
 * knows them): columns 0 in every row are neither summed nor compared for `min_count` (the smallest
 * count of a row: 0 or more when no count is negative, see zeroColumns), and without rows of other
 * than one request the requests are counted (10M bench rows: ~1 CPU s with both).
 */
export function aggTableSql(
  d: Dialect,
  groupCols: string[],
  reprice: boolean,
  minCount = false,
  modelCol?: string,
  every: { customer?: boolean; user?: boolean } = {},
  rows?: Pick<RowKinds, 'otherRequests' | 'zero'>,
  after?: JoinAfter,
): string {
  // RowKinds: columns 0 in every row are 0, not sums (nor compared for the smallest count); every row one request: counted
  const zero = new Set(rows?.zero ?? []);
  const zeroSum = (c: string) => zero.has(c === 'estimated_records' ? 'estimated' : c);
  const single = rows !== undefined && !rows.otherRequests;
  const sums = sumsSql(zeroSum, single);
  const counts = SUM_COLUMNS.filter((c) => c !== 'records' && c !== 'estimated_records' && !zero.has(c) && !(single && c === 'requests'));
  const least = counts.length ? counts.reduce((a, c) => `LEAST(${a}, ${c})`) : '0';
  const multi = single ? '0' : 'sum(CASE WHEN requests > 1 THEN 1 ELSE 0 END)';
  const minCountSql = minCount ? `, min(${least}) AS min_count` : '';
  const keys = [...groupCols, 'e0', 'k0', ...(reprice ? ['e1', 'k1'] : [])];
  const model = modelCol ?? 'model';
  const flags = [
    'conversation_id IS NOT NULL',
    every.customer ? 'TRUE' : "customer IS NOT NULL AND customer <> ''",
    every.user ? 'TRUE' : "user_id IS NOT NULL AND user_id <> ''",
    "CASE WHEN outcome IN ('success', 'failure') THEN outcome END",
    `CASE WHEN e0 IS NULL THEN ${model} END`,
    `${model} = ${d.literal(NO_MODEL)}`,
  ];
  // constant flags are not grouped on; under --by model neither are the model's (see modelCol)
  const grouped = flags.filter((f, i) => f !== 'TRUE' && (modelCol === undefined || i < 4));
  if (after) {
    // sums per route key and band floor, with the flags a row has whatever its card; then per card
    const rowFlags = flags
      .slice(0, 4)
      .map((sql, i) => ({ sql, name: AGG_FLAGS[i] }))
      .filter(({ sql }) => sql !== 'TRUE');
    const outerFlags = AGG_FLAGS.slice(0, 4).map((name, i) => (flags[i] === 'TRUE' ? `TRUE AS ${name}` : `u.${name}`));
    // the card's flags: from the model (the route key's, or the --by model group's) and the billed card
    const cardFlags = [`CASE WHEN m0.entry_index IS NULL THEN u.${model} END`, `u.${model} = ${d.literal(NO_MODEL)}`];
    const groups = groupCols.map((c) => `u.${c}`);
    const sumsOfSums = SUM_COLUMNS.map((c) => (zeroSum(c) ? `0 AS ${c}` : `sum(${c}) AS ${c}`));
    return d.replaceTable(
      'agg',
      `SELECT ${[...groups, ...after.keys, ...outerFlags, ...cardFlags.map((f, i) => `${f} AS ${AGG_FLAGS[4 + i]}`)].join(', ')},
  ${sumsOfSums.join(', ')}, min(first_seq) AS first_seq, min(first_ms) AS first_ms, max(last_ms) AS last_ms,
  ${single ? '0' : 'sum(multi_request_rows)'} AS multi_request_rows${minCount ? ', min(min_count) AS min_count' : ''}
FROM (
  SELECT ${[...groupCols, ...after.columns, ...rowFlags.map(({ sql, name }) => `${sql} AS ${name}`)].join(', ')},
    ${sums}, min(seq) AS first_seq, min(time_ms) AS first_ms, max(time_ms) AS last_ms,
    ${multi} AS multi_request_rows${minCountSql}
  FROM inside
  GROUP BY ${[...groupCols, ...after.groupBy, ...rowFlags.map(({ sql }) => sql)].join(', ')}
) u
${after.join}
GROUP BY ${[...groups, ...after.keyColumns, ...rowFlags.map(({ name }) => `u.${name}`), ...(modelCol === undefined ? cardFlags : [])].join(', ')}`,
    );
  }
  return d.replaceTable(
    'agg',
    `SELECT ${[...keys, ...flags.map((f, i) => `${f} AS ${AGG_FLAGS[i]}`)].join(', ')},
  ${sums}, min(seq) AS first_seq, min(time_ms) AS first_ms, max(time_ms) AS last_ms,
  ${multi} AS multi_request_rows${minCountSql}
FROM priced
GROUP BY ${[...keys, ...grouped].join(', ')}`,
  );
}

/**
 * Sums per price key (`e`, `k`; NULL e: unpriced) and per `groupCols`, for the rows of `agg`
 * matching `where`, labelled `slice`. The building block of totals, groups, attribution and outcomes.
 */
export function cardSumsSql(slice: string, where: string, groupCols: string[], pricing: 0 | 1 = 0, from = 'agg'): string {
  const g = groupCols.map((c) => `${c}, `).join('');
  return `SELECT '${slice}' AS slice, ${g}e${pricing} AS e, k${pricing} AS k, ${AGG_SUMS}
FROM ${from}${where ? ` WHERE ${where}` : ''}
GROUP BY ${g}e${pricing}, k${pricing}`;
}

/** The slices of unit economics: which rows of `agg` each "cost per X" numerator counts. */
export const SLICES: Array<{ slice: string; where: string }> = [
  { slice: 'total', where: '' },
  { slice: 'conversation', where: 'has_conversation' },
  // a customer / user is attributed when its tag is non-empty
  { slice: 'customer', where: 'has_customer' },
  { slice: 'user', where: 'has_user' },
  { slice: 'knownOutcome', where: 'known_outcome IS NOT NULL' },
  { slice: 'success', where: "known_outcome = 'success'" },
];

/**
 * `agg_flags`: `agg` summed per price key and the flags the report's totals test (attribution,
 * known outcome, unpriced model, no model id): a few rows, from which the slices, the counts and the
 * unpriced models are read (AGG_COUNTS_SQL, unpricedModelsSql). One scan of `agg` instead of eight:
 * by conversation on the bench's 10M Parquet rows (agg: a row per conversation and price key) the
 * six slices alone took 3.5 s, the counts 1 s.
 */
export function aggFlagsSql(d: Dialect): string {
  const keys = ['e0', 'k0', ...AGG_FLAGS].join(', ');
  return d.replaceTable(
    'agg_flags',
    `SELECT ${keys}, ${AGG_SUMS}, min(min_count) AS min_count, min(first_seq) AS first_seq, min(first_ms) AS first_ms,
  max(last_ms) AS last_ms, sum(multi_request_rows) AS multi_request_rows
FROM agg
GROUP BY ${keys}`,
  );
}

/** The slices (SLICES) from `agg_flags` (aggFlagsSql). */
export function slicesSql(): string {
  return SLICES.map((s) => cardSumsSql(s.slice, s.where, [], 0, 'agg_flags')).join('\nUNION ALL\n');
}

/**
 * Distinct counts of the rows inside --since/--until (`from`: `inside`, or `priced`, which has its rows).
 * `conversations` false: customers and users only (the turns pass counts the conversations: turnsSql's `first_rows`).
 * `pricedOnly` (from `priced`): only units with a priced request count, as unit-economics.ts divides (an
 * unpriced request adds neither cost nor a unit).
 */
export function distinctCountsSql(from: string, conversations = true, pricedOnly = false): string {
  return `SELECT ${conversations ? 'count(DISTINCT conversation_id)' : '0'} AS conversations,
  count(DISTINCT CASE WHEN customer <> '' THEN customer END) AS customers,
  count(DISTINCT CASE WHEN user_id <> '' THEN user_id END) AS users
FROM ${from}${pricedOnly ? '\nWHERE e0 IS NOT NULL' : ''}`;
}

/** From `agg_flags` (aggFlagsSql; `agg` with `min_count` gives the same): requests by outcome, the period, rows of several requests, records and requests without a model id, the smallest count and the sums over every row. */
export const AGG_COUNTS_SQL = `SELECT ${AGG_SUMS}, min(min_count) AS min_count,
  COALESCE(sum(CASE WHEN known_outcome = 'success' THEN requests ELSE 0 END), 0) AS success,
  COALESCE(sum(CASE WHEN known_outcome = 'failure' THEN requests ELSE 0 END), 0) AS failure,
  min(first_ms) AS first_ms, max(last_ms) AS last_ms,
  COALESCE(sum(multi_request_rows), 0) AS multi_request_rows,
  COALESCE(sum(CASE WHEN no_model THEN records ELSE 0 END), 0) AS no_model_records,
  COALESCE(sum(CASE WHEN no_model THEN requests ELSE 0 END), 0) AS no_model_requests
FROM agg_flags`;

/** Requests of unpriced models, most first, ties in order of first appearance (`from`: `agg`, or `agg_flags`). */
export const unpricedModelsSql = (from: string): string =>
  `SELECT unpriced_model AS model, sum(requests) AS requests FROM ${from} WHERE unpriced_model IS NOT NULL
GROUP BY unpriced_model ORDER BY sum(requests) DESC, min(first_seq)`;

export const AGG_UNPRICED_MODELS_SQL = unpricedModelsSql('agg');

export function groupsSql(dims: number, pricing: 0 | 1, from = 'agg'): string {
  return cardSumsSql(
    'group',
    '',
    Array.from({ length: dims }, (_, i) => `g${i}`),
    pricing,
    from,
  );
}

/**
 * Groups shown when only the top N are (table output, --top): `group_costs` holds each group's
 * requests and exact cost (NULL: nothing priced) and whether anything in it is priced by the
 * repricing; `shown_groups` the groups ranked within the first `top` in the report's order (time
 * keys first, "(none)" last; then cost, unpriced last; then requests): ties at the cut are all kept,
 * TypeScript sorts them exactly and cuts. `priced_shown` and `agg_shown` are `priced` and `agg`
 * restricted to them, so only shown groups leave SQL, however many there are. `zero`: the token
 * columns 0 in every row and prices 0 on every card, whose terms of the cost are left out (rowCostSql).
 */
export function shownGroupsSql(
  d: Dialect,
  groupCols: string[],
  timeCols: string[],
  top: number,
  reprice: boolean,
  zero: ZeroColumns = new Set(),
): { costs: string; shown: (cutTies: boolean) => string; views: string[] } {
  const g = groupCols.join(', ');
  const order = [...timeCols.map((c) => `(${c} = ${NONE}), ${c}`), 'cost DESC NULLS LAST', 'requests DESC'].join(', ');
  const on = groupCols.map((c) => `p.${c} = s.${c}`).join(' AND ');
  return {
    costs: d.replaceTable(
      'group_costs',
      `SELECT ${groupCols.map((c) => `p.${c}`).join(', ')}, sum(p.requests) AS requests,
  sum(CASE WHEN p.e0 IS NOT NULL THEN ${rowCostSql(d, false, zero)} END) AS cost,
  ${reprice ? 'max(CASE WHEN p.e1 IS NOT NULL THEN 1 ELSE 0 END)' : '0'} AS repriced_priced,
  max(CASE WHEN p.e0 IS NULL THEN 1 ELSE 0 END) AS has_unpriced
FROM agg p LEFT JOIN card_prices c ON c.e = p.e0 AND c.k = p.k0
GROUP BY ${groupCols.map((c) => `p.${c}`).join(', ')}`,
    ),
    // `cutTies`: the first `top` exactly, ties at the cut decided by the group values (see reportFromTable)
    shown: (cutTies) =>
      d.replaceTable(
        'shown_groups',
        `SELECT ${g} FROM (SELECT ${g}, ${cutTies ? `row_number() OVER (ORDER BY ${order}, ${g})` : `rank() OVER (ORDER BY ${order})`} AS r FROM group_costs) x WHERE r <= ${Math.trunc(top)}`,
      ),
    // shown_groups holds each group once, so a join keeps each row of the group once; views on the
    // embedded engine (priced is one there too), session tables on a warehouse
    views: (['priced', 'agg'] as const).map((t) => {
      const select = `SELECT p.* FROM ${t} p JOIN shown_groups s ON ${on}`;
      return d.pricedViews ? `CREATE OR REPLACE VIEW ${t}_shown AS\n${select}` : d.replaceTable(`${t}_shown`, select);
    }),
  };
}

/** How many groups there are, have a priced part (billed, repriced), are partly priced, are shown. */
export const GROUP_COUNTS_SQL = `SELECT count(*) AS groups, count(cost) AS priced, sum(repriced_priced) AS repriced_priced,
  count(CASE WHEN cost IS NOT NULL AND has_unpriced = 1 THEN 1 END) AS partly, (SELECT count(*) FROM shown_groups) AS shown
FROM group_costs`;

/** How many groups agg holds (its group columns `gcols`, at least one). */
export const groupCountSql = (gcols: string[]): string => `SELECT count(*) AS n FROM (SELECT DISTINCT ${gcols.join(', ')} FROM agg) g`;

/** Turn numbers past this are summed into one row (turn TURN_CAP + 1 and later): memory stays bounded. */
export const TURN_CAP = 1000;

/** The columns of `priced` a TokenSums row sums. */
const SUMMED_COLUMNS = [...SUM_COLUMNS.filter((c) => c !== 'records' && c !== 'estimated_records'), 'estimated'];

/** The prompt buckets (prompt_tokens of a turn). */
const PROMPT_COLUMNS = ['input_tokens', 'cache_read_tokens', 'cache_write_5m_tokens', 'cache_write_1h_tokens'];

/**
 * Columns of `priced` known to be 0 (`estimated`: false) in every row (zeroColumns): the turns
 * neither carry them through their window nor sum them (each sum is 0), which costs the window a
 * sort of fewer columns.
 */
export type ZeroColumns = ReadonlySet<string>;

/**
 * The summed columns zero in every row, from the totals over every row: a sum of 0 when no
 * count is negative (`minCount`: the smallest count of any row, AGG_COUNTS_SQL) and no row estimated.
 */
export function zeroColumns(totals: Row, minCount: unknown): ZeroColumns {
  const out = new Set<string>();
  if (minCount === null || minCount === undefined || Number(minCount) < 0) return out;
  for (const c of SUMMED_COLUMNS) {
    const total = c === 'estimated' ? totals.estimated_records : totals[c];
    if (total !== null && total !== undefined && BigInt(total as bigint) === 0n) out.add(c);
  }
  return out;
}

// only the columns the turns sum: the window buffers every column of its input
/** The dialect's 64-bit integer type (BigQuery's grammar has INT64 only). */
const bigint = (d: Dialect) => d.type('BIGINT', false);
/**
 * The order of a conversation's rows, which numbers its turns: by time, rows without a time after the
 * timed ones, ties (and untimed rows) in the order read. The order lines were read in is not the
 * order of the conversation: a log written newest first (an export sorted by time descending), turns
 * in two files, concurrent writers.
 */
const TURN_ORDER = 'CASE WHEN time_ms IS NULL THEN 1 ELSE 0 END, time_ms, seq';
/** Each conversation row's turn; columns in `zero` (0 in every row) are not carried through the window. */
const turnAll = (d: Dialect, zero: ZeroColumns = new Set()) =>
  `SELECT ${['e0', 'k0', ...SUMMED_COLUMNS.filter((c) => !zero.has(c))].join(', ')}, COALESCE(CAST(turn AS ${bigint(d)}), CAST(row_number() OVER (PARTITION BY conversation_id ORDER BY ${TURN_ORDER}) AS ${bigint(d)})) AS turn_all
  FROM priced WHERE conversation_id IS NOT NULL`;
const turnNo = (d: Dialect) => `LEAST(turn_all, CAST(${TURN_CAP + 1} AS ${bigint(d)}))`;
const turnRows = (d: Dialect, zero: ZeroColumns) => `WITH t0 AS (
  ${turnAll(d, zero)}
), t AS (
  SELECT *, ${turnNo(d)} AS turn_no FROM t0
)`;
const PROMPT_TOKENS = `sum(${PROMPT_COLUMNS.join(' + ')}) AS prompt_tokens`;

/** How many distinct turn numbers the summed row (turn TURN_CAP + 1 and later) holds. */
export function laterTurnsSql(d: Dialect, zero: ZeroColumns = new Set()): string {
  return `${turnRows(d, zero)}
SELECT count(DISTINCT turn_all) AS n FROM t WHERE turn_all > ${TURN_CAP}`;
}

/**
 * The context-window tax: sums per turn and price key. A request's turn is the logged one, else
 * its position among its conversation's rows in time order (TURN_ORDER). Turns after TURN_CAP are summed as
 * turn TURN_CAP + 1 (see laterTurnsSql). Columns in `zero` are 0 in every row: summed as 0.
 * `first_rows`: the rows first in their conversation, one per conversation (whatever turn is
 * logged), so their sum over the result is the count of distinct conversations, found by the
 * window the turns need anyway (distinctCountsSql then leaves it out). `rows` (RowKinds, where the
 * database knows them): without rows of other than one request or with a logged turn, the window
 * carries neither `requests` (counted) nor `turn` (10M bench rows: ~0.7 CPU s). `after`
 * (turnsJoinAfter): the card map joins the sums per turn, model and band instead of each row.
 */
export function turnsSql(
  d: Dialect,
  zero: ZeroColumns = new Set(),
  rows?: Pick<RowKinds, 'otherRequests' | 'turns'>,
  after?: TurnsJoinAfter,
): string {
  // every row one request / no logged turn (RowKinds): the window carries neither column
  const single = rows !== undefined && !rows.otherRequests;
  const logged = rows === undefined || rows.turns;
  const isZero = (c: string) => (c === 'records' ? false : zero.has(c === 'estimated_records' ? 'estimated' : c));
  const sums = sumsSql(isZero, single);
  const prompt = PROMPT_COLUMNS.filter((c) => !zero.has(c));
  const summed = SUMMED_COLUMNS.filter((c) => !zero.has(c) && !(single && c === 'requests'));
  const keys = after ? ['route', ...(after.band ? ['n_band'] : [])] : ['e0', 'k0'];
  const cols = [...keys, ...(logged ? ['turn'] : []), ...summed];
  const turn = logged ? `COALESCE(CAST(turn AS ${bigint(d)}), rn)` : 'rn';
  const from = after ? `(SELECT *, ${after.route} AS route${after.band ? `, ${after.band} AS n_band` : ''} FROM inside)` : 'priced';
  const window = `WITH t0 AS (
  SELECT ${cols.join(', ')}, CAST(row_number() OVER (PARTITION BY conversation_id ORDER BY ${TURN_ORDER}) AS ${bigint(d)}) AS rn
  FROM ${from} WHERE conversation_id IS NOT NULL
), t AS (
  SELECT *, LEAST(${turn}, CAST(${TURN_CAP + 1} AS ${bigint(d)})) AS turn_no FROM t0
)`;
  const tail = `sum(${prompt.length ? prompt.join(' + ') : '0'}) AS prompt_tokens,
  sum(CASE WHEN rn = 1 THEN 1 ELSE 0 END) AS first_rows`;
  if (!after)
    return `${window}
SELECT turn_no, e0 AS e, k0 AS k, ${sums},
  ${tail}
FROM t GROUP BY turn_no, e0, k0`;
  // sums per turn, route and band, then per card
  const sumsOfSums = SUM_COLUMNS.map((c) => (isZero(c) ? `0 AS ${c}` : `sum(${c}) AS ${c}`)).join(', ');
  return `${window}, s AS (
  SELECT turn_no, ${keys.join(', ')}, ${sums},
  ${tail}
  FROM t GROUP BY turn_no, ${keys.join(', ')}
)
SELECT u.turn_no, m0.entry_index AS e, m0.card_key AS k, ${sumsOfSums},
  sum(prompt_tokens) AS prompt_tokens, sum(first_rows) AS first_rows
FROM s u
${after.join}
GROUP BY u.turn_no, m0.entry_index, m0.card_key`;
}

/**
 * `turn_sums` (the `tokenomics sql` script): turnsSql's sums per turn number uncapped (`turn_all`,
 * with its capped `turn_no`) and price key, from one pass of the window: the turns and how many
 * turn numbers the capped row sums are both read from it (each a small GROUP BY).
 */
export function turnSumsTableSql(d: Dialect): string {
  return d.replaceTable(
    'turn_sums',
    `SELECT turn_all, ${turnNo(d)} AS turn_no, e0, k0, ${SUMS},
  ${PROMPT_TOKENS}
FROM (
  ${turnAll(d)}
) t0
GROUP BY turn_all, e0, k0`,
  );
}

/** laterTurnsSql over `turn_sums`. */
export const TURN_SUMS_LATER_SQL = `SELECT count(DISTINCT turn_all) AS n FROM turn_sums WHERE turn_all > ${TURN_CAP}`;

/** The cards' integer prices (nano-USD per MTok) for the exact per-request cost. */
export const CARD_PRICE_COLUMNS = [
  { name: 'e', type: 'INTEGER' as const },
  { name: 'k', type: 'BIGINT' as const },
  // then the prices (charges: 0 where the card has no price: the distribution counts priced money only)
  ...PRICE_COLUMNS,
];

/** The largest total cost of one price key's rows: a bound on any one row's cost (costs are not negative). */
export function cardCostBoundSql(d: Dialect): string {
  return `SELECT max(cost) AS bound FROM (
  SELECT sum(${rowCostSql(d)}) AS cost FROM agg p JOIN card_prices c ON c.e = p.e0 AND c.k = p.k0 GROUP BY p.e0, p.k0
) x`;
}

/** A card's row of card_prices: its price key and integer rates (charges: 0 where the card has none). */
export function cardPriceRow(card: Pick<RateCard, 'ref' | 'prices' | 'charges'>): CellValue[] {
  const [e, k] = card.ref.split('/').map(Number);
  const p = card.prices;
  const charge = (key: ChargeKey) => Number(card.charges?.perUnit.get(key) ?? 0n);
  return [
    e,
    k,
    ...[p.input, p.cacheRead, p.cacheWrite5m, p.cacheWrite1h, p.output].map(Number),
    ...COUNTED_CHARGES.map((d) => charge(d.key)),
    charge('request'),
  ];
}

/** The nearest-rank quantiles reported (percent). */
export const QUANTILES = [50, 90, 99];

/**
 * Exact cost per request: quantiles by nearest rank over requests (a row of N requests counts N
 * times at its cost / N), and the maximum. Each row's cost is an exact femto amount (128-bit
 * integer); the rank of quantile q among n requests is ceil(n q / 100) in integers. Returns the
 * chosen row's cost and request count (TypeScript divides exactly), per `groupCols` (none: overall).
 * Rows are ranked by cost / requests as a double (see `order`); when every row is one request, by their
 * exact cost, selected with the dialect's `nearestRanks` instead of sorted.
 */
/**
 * One row's exact cost at its card's integer prices (`p`: the row, `c`: card_prices), in 128-bit
 * integers; `narrow`: in 64-bit ones, for rows known to cost less than 2^63 femto-USD (see
 * cardCostBoundSql; DuckDB raises an error on overflow rather than wrapping).
 */
export function rowCostSql(d: Dialect, narrow = false, zero: ZeroColumns = new Set(), prices = 'c'): string {
  const bucket = (tokens: string, price: string) =>
    zero.has(tokens) || zero.has(price) ? '' : `${narrow ? `p.${tokens}` : d.wide(`p.${tokens}`)} * ${prices}.${price}`;
  const terms = [
    bucket('input_tokens', 'p_input'),
    bucket('cache_read_tokens', 'p_cache_read'),
    bucket('cache_write_5m_tokens', 'p_cache_write_5m'),
    bucket('cache_write_1h_tokens', 'p_cache_write_1h'),
    bucket('output_tokens', 'p_output'),
    ...COUNTED_CHARGES.map((c) => bucket(c.column, `c_${c.column}`)),
    bucket('requests', 'c_requests'),
  ].filter((t) => t !== '');
  return terms.length ? terms.join(' + ') : '0';
}

/** The columns of card_prices (cardPriceRow) that are 0 on every card: their terms of a row's cost are 0. */
export function zeroPrices(cardRows: CellValue[][]): ZeroColumns {
  return new Set(CARD_PRICE_COLUMNS.slice(2).flatMap((c, i) => (cardRows.every((r) => Number(r[i + 2]) === 0) ? [c.name] : [])));
}

export interface DistributionOptions {
  /** Every row with requests counts exactly one (AGG_COUNTS_SQL): select instead of sort where the dialect can. */
  singleRequestRows?: boolean;
  /** Rows cost less than 2^63 femto-USD (cardCostBoundSql): 64-bit arithmetic where selecting. */
  narrow?: boolean;
  /** The overall row too, in the same pass, marked `overall` (only where selecting: see `selects`). */
  withOverall?: boolean;
  /** Token columns 0 in every row and price columns 0 on every card (zeroColumns, zeroPrices): their terms of the cost are left out. */
  zero?: ZeroColumns;
  /** The rows carry their card's prices (PricedOptions.cardMap): no join to card_prices. */
  pricesInRows?: boolean;
}

/** Whether distributionSql selects (nearest rank by the dialect's quantile) rather than sorts. */
export const selects = (d: Dialect, o: DistributionOptions): boolean => o.singleRequestRows === true && d.nearestRanks !== undefined;

/** The priced rows with requests of `from` (`p`) and their card's prices (`c`, or in `p`: DistributionOptions.pricesInRows). */
const costFrom = (from: string, o: DistributionOptions) =>
  o.pricesInRows
    ? `FROM ${from} p\n  WHERE p.requests > 0 AND p.e0 IS NOT NULL`
    : `FROM ${from} p JOIN card_prices c ON c.e = p.e0 AND c.k = p.k0\n  WHERE p.requests > 0`;

export function distributionSql(d: Dialect, groupCols: string[], from = 'priced', o: DistributionOptions = {}): string {
  if (selects(d, o) && d.nearestRanks) {
    // every row is one request: the quantiles by nearest rank over rows, ordered by exact cost,
    // found by selection (no sort); the weights are 1. With the overall row, one pass: grouping
    // sets (the overall row has every group column rolled up)
    const g = groupCols.map((c) => `p.${c}, `).join('');
    const cols = groupCols.map((c) => `p.${c}`).join(', ');
    const both = o.withOverall === true && groupCols.length > 0;
    const picks = QUANTILES.map((q, i) => `q[${i + 1}] AS p${q}_cost, 1 AS p${q}_w`);
    const groupBy = both ? ` GROUP BY GROUPING SETS ((), (${cols}))` : groupCols.length ? ` GROUP BY ${cols}` : '';
    return `SELECT ${groupCols.map((c) => `${c}, `).join('')}${both ? 'overall, ' : ''}${picks.join(', ')}, max_cost, 1 AS max_w FROM (
  SELECT ${g}${both ? `GROUPING(${cols}) <> 0 AS overall, ` : ''}${d.nearestRanks('cost', QUANTILES)} AS q, max(cost) AS max_cost FROM (
    SELECT ${g}${rowCostSql(d, o.narrow, o.zero, o.pricesInRows ? 'p' : 'c')} AS cost
    ${costFrom(from, o)}
  ) p${groupBy}
)`;
  }
  const part = groupCols.length ? `PARTITION BY ${groupCols.join(', ')} ` : '';
  const g = groupCols.map((c) => `${c}, `).join('');
  const cost = rowCostSql(d, false, o.zero, o.pricesInRows ? 'p' : 'c');
  // order by the per-request cost as a double: costs that differ by less than one part in 1e15 may
  // swap places, which cannot change a printed digit; the value reported is the chosen row's exact
  // cost over its request count
  const order = `${d.double('cost')} / w`;
  // the row at quantile q is the first whose running count reaches n q / 100: the dialect's native
  // arg_min where it has one (a value per group); else the one row where the count is reached (cum)
  // and was not before it (cum - w; w > 0, so cum rises row by row), the maximum at the last row
  // (cum = n), by a plain max over a CASE, which every engine has. Not an array of every row's cost:
  // BigQuery's and Snowflake's ARRAY_AGG held them all, and an array is bounded by the row size there
  // (100 MB, 16 MB), so a large table failed
  const argMin = d.argMin?.bind(d);
  const argMax = d.argMax?.bind(d);
  const at = (cond: string, v: string) => `max(CASE WHEN ${cond} THEN ${v} END)`;
  const pick = (v: string, q: number) =>
    argMin ? argMin(v, 'cum', `cum * 100 >= n * ${q}`) : at(`cum * 100 >= n * ${q} AND (cum - w) * 100 < n * ${q}`, v);
  const last = (v: string) => (argMax ? argMax(v, 'cum') : at('cum = n', v));
  const picks = QUANTILES.map((q) => `${pick('cost', q)} AS p${q}_cost, ${pick('w', q)} AS p${q}_w`);
  return `WITH c AS (
  SELECT ${groupCols.map((c) => `p.${c}, `).join('')}${cost} AS cost, p.requests AS w
  ${costFrom(from, o)}
), o AS (
  SELECT ${g}cost, w,
    sum(w) OVER (${part}ORDER BY ${order} ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW) AS cum,
    sum(w) OVER (${part.trim()}) AS n
  FROM c
)
SELECT ${g}${picks.join(', ')}, ${last('cost')} AS max_cost, ${last('w')} AS max_w
FROM o${groupCols.length ? ` GROUP BY ${groupCols.join(', ')}` : ''}`;
}

/** A row's cache scope (unreadWritesSql): its conversation, else prompt, else feature (`u`: a table alias and dot, or none). */
const scopeOf = (u = '') => `COALESCE(${u}conversation_id, ${u}prompt, ${u}feature, '')`;
/** A row with a cache write. */
const writeRow = (u = '') => `(${u}cache_write_5m_tokens > 0 OR ${u}cache_write_1h_tokens > 0)`;
/** A timed row with a cache read or write. */
const cacheRow = (u = '') =>
  `${u}time_ms IS NOT NULL AND (${u}cache_write_5m_tokens > 0 OR ${u}cache_write_1h_tokens > 0 OR ${u}cache_read_tokens > 0)`;

/** Priced, timed rows with a cache read or write, in their scope, of `from` (unreadWritesSql). */
const cacheRows = (from: string) => `  SELECT model, ${scopeOf()} AS scope, seq, time_ms AS t,
    ${writeRow()} AS is_write, cache_read_tokens > 0 AS is_read,
    cache_write_5m_tokens AS w5, cache_write_1h_tokens AS w1, e0, k0
  FROM ${from}
  WHERE e0 IS NOT NULL AND ${cacheRow()}
`;

/** `priced`'s select over other rows of `inside` (pricedSelect), for queries that price only some. */
export function pricedOverSql(d: Dialect, o: PricedOptions): (inside: string) => string {
  return (inside) => pricedSelect(d, o, inside);
}

/** The end of a write's window: its TTL, 1 h when it has 1-hour tokens, else 5 min. */
const WINDOW_END = 't + CASE WHEN w1 > 0 THEN 3600000 ELSE 300000 END';

/**
 * Cache writes never read, per price key of the write. Each scope's rows (model + conversation,
 * else prompt, else feature) are taken in time order, ties in the order read: a write opens a window
 * (its TTL: 1 h when it has 1-hour tokens, else 5 min) that lasts until the scope's next write; a
 * cache read in it uses it when it comes by the window's end. A write that also reads may use the
 * previous window. Only priced, timed rows with a cache read or write count. The order the lines were
 * read in plays no part beyond ties: a log written newest first, or a scope's rows in two files, has
 * each read after its write (in the order read, such a log had every read before its write, and
 * every write counted unread). Window functions over each scope's rows (the streaming form of the
 * rule is the test oracle: test/engine/cache-writes-oracle.ts), only for the scopes with a write
 * (`rw`): a scope without one has no window to find. On the bench's 10M Parquet rows a fifth of the
 * cache rows are in such scopes (the query's CPU: ~40% less). Of those, the scopes without any read
 * (`has_read` 0) need no window either: none of their writes can be read, each is counted as it is.
 * On the bench's 10M rows that leaves 550k of the 1.29M rows of write scopes (252k of 952k scopes) to
 * the windows, whose cost grows with rows and scopes.
 */
export function unreadWritesSql(d: Dialect, pricedOver?: (inside: string) => string): string {
  // `pricedOver` (DuckDB's views): the scopes with a write first, from the written rows; only the
  // cache rows of those scopes are then priced (on the bench's 10M rows 1.1M of 5.1M cache rows:
  // the price join and key for the rest are never computed). Pricing is per row, so the rows are
  // the same as when priced first. The scopes are matched by a 64-bit hash of model and scope
  // (an integer to group and probe, not two strings: ~0.6 CPU s less on those rows): a collision
  // only lets in rows of a scope without a write, which `rs` tells apart by the strings themselves
  // and which then have no window (seg 0) and no write to count
  const rw = pricedOver
    ? `WITH ws AS (
  SELECT DISTINCT hash(model, ${scopeOf()}) AS h FROM priced
  WHERE e0 IS NOT NULL AND time_ms IS NOT NULL AND ${writeRow()}
), rw AS (
${cacheRows(`(${pricedOver(`(SELECT i.* FROM inside i SEMI JOIN ws ON ws.h = hash(i.model, ${scopeOf('i.')}) WHERE ${cacheRow('i.')})`)})`)})`
    : `WITH r AS ${d.cteNotMaterialized ? 'NOT MATERIALIZED ' : ''}(
${cacheRows('priced')}), rw AS (
  SELECT r.* FROM r JOIN (SELECT DISTINCT model, scope FROM r WHERE is_write) ws ON ws.model = r.model AND ws.scope = r.scope
)`;
  // each scope gets an integer id (`sid`) once: the windows sort, and the joins and groups
  // after them hash, an integer rather than the model and scope strings
  return `${rw}, rs AS (
  SELECT model, scope, max(CASE WHEN is_read THEN 1 ELSE 0 END) AS has_read, row_number() OVER (${d.orderedRowNumber ? 'ORDER BY model, scope' : ''}) AS sid FROM rw GROUP BY model, scope
), rh AS (
  SELECT rw.seq, rw.t, rw.is_write, rw.is_read, rw.w5, rw.w1, rw.e0, rw.k0, rs.sid, rs.has_read FROM rw JOIN rs ON rs.model = rw.model AND rs.scope = rw.scope
), s AS (
  SELECT *, CAST(sum(CASE WHEN is_write THEN 1 ELSE 0 END) OVER (PARTITION BY sid ORDER BY t, seq ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW) AS ${bigint(d)}) AS seg
  FROM rh WHERE has_read = 1
), windows AS (
  SELECT sid, seg, ${WINDOW_END} AS until_ms, w5, w1, e0, k0
  FROM s WHERE is_write
), reads AS (
  SELECT sid, seg, t FROM s WHERE seg > 0 AND is_read AND NOT is_write
  UNION ALL
  SELECT sid, seg - 1, t FROM s WHERE seg > 1 AND is_read AND is_write
), used AS (
  SELECT DISTINCT w.sid, w.seg
  FROM windows w JOIN reads x ON x.sid = w.sid AND x.seg = w.seg
  WHERE x.t <= w.until_ms
)
SELECT e, k, count(*) AS writes, sum(w5) AS w5, sum(w1) AS w1 FROM (
  SELECT w.e0 AS e, w.k0 AS k, w.w5 AS w5, w.w1 AS w1
  FROM windows w LEFT JOIN used u ON u.sid = w.sid AND u.seg = w.seg
  WHERE u.seg IS NULL
  UNION ALL
  SELECT e0 AS e, k0 AS k, w5, w1 FROM rh WHERE has_read = 0 AND is_write
) x
GROUP BY e, k`;
}
