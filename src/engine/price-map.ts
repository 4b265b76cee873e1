/**
 * Price keys in SQL. Everything the catalog decides is resolved in TypeScript, once per DISTINCT
 * route key of the run (model id, provider, regional flag), with the Pricer's own functions
 * (`resolve`, `periodAt`, `noPriceReason`, `regionalRoute`, `upliftRuleFor`; no guessing), and handed
 * to SQL as a mapping table: one row per route key and time segment, a segment being a stretch of
 * time with one price period and one regional uplift rule (segments split at period starts and at
 * the start dates of the entry's uplift rules). Time before the model's first known price has no
 * segment (unless that price is marked `sinceLaunch`), so such rows stay unpriced, as `cardFor`
 * leaves them. SQL then gives every row a price key, the same integer pair a Pricer uses for a
 * RateCard (`entryIndex/cardKey`, see pricing/cost.ts): the segment at the row's pricing time, the
 * band decided per request on the whole prompt, service tier, fast and peak flags. TypeScript turns
 * each distinct key back into its RateCard (`Pricer.cardByRef`) and multiplies integer sums by
 * integer prices.
 */
import { noPriceReason, periodAt } from '../pricing/catalog.js';
import { regionalRoute, upliftRuleFor, type Pricer } from '../pricing/cost.js';
import { COUNTED_CHARGES, TOKEN_DIMENSIONS } from '../usage/dimensions.js';
import type { CellValue, SqlType } from '../usage/table.js';
import type { Dialect } from './dialect.js';
import { EngineError } from './errors.js';

/** Bands (long-context tiers) and peak windows a period may have in the mapping table. */
export const MAX_BANDS = 4;
export const MAX_PEAK_WINDOWS = 4;
/** Regional uplift rules an entry may have: the card key holds 1 + the rule index in 4 bits. */
const MAX_REGIONAL_RULES = 15;

export const PRICE_MAP_COLUMNS: Array<{ name: string; type: SqlType }> = [
  { name: 'pricing', type: 'INTEGER' },
  { name: 'model', type: 'VARCHAR' },
  { name: 'provider', type: 'VARCHAR' },
  { name: 'regional', type: 'BOOLEAN' },
  { name: 'entry_index', type: 'INTEGER' },
  { name: 'period_index', type: 'INTEGER' },
  { name: 'from_ms', type: 'BIGINT' },
  { name: 'to_ms', type: 'BIGINT' },
  { name: 'regional_rule', type: 'INTEGER' },
  { name: 'band_count', type: 'INTEGER' },
  ...Array.from({ length: MAX_BANDS }, (_, i) => [
    { name: `b${i + 1}_threshold`, type: 'BIGINT' as const },
    { name: `b${i + 1}_inclusive`, type: 'BOOLEAN' as const },
    { name: `b${i + 1}_input_only`, type: 'BOOLEAN' as const },
  ]).flat(),
  { name: 'peak', type: 'BOOLEAN' },
  { name: 'peak_weekend_offset_min', type: 'INTEGER' },
  ...Array.from({ length: MAX_PEAK_WINDOWS }, (_, i) => [
    { name: `w${i + 1}_start_min`, type: 'INTEGER' as const },
    { name: `w${i + 1}_end_min`, type: 'INTEGER' as const },
  ]).flat(),
];

/** What decides a row's price besides its time and counts: the usage columns the map joins on. */
export interface RouteKey {
  model: string;
  provider: string | null;
  regional: boolean | null;
}

/** The distinct route keys of the usage table. */
export const ROUTE_KEYS_SQL = 'SELECT DISTINCT model, provider, regional FROM usage';

/** A row of ROUTE_KEYS_SQL as a RouteKey. */
export const routeKeyOf = (r: Record<string, unknown>): RouteKey => ({
  model: String(r.model),
  provider: r.provider === null || r.provider === undefined ? null : String(r.provider),
  regional: r.regional === null || r.regional === undefined ? null : Boolean(r.regional),
});

/**
 * Mapping rows for the distinct route keys of a run, for one pricing (0: the billed prices,
 * 1: a repricing). Models the catalog does not know get no row: they stay unpriced.
 */
export function priceMapRows(pricing: number, pricer: Pricer, keys: Iterable<RouteKey>): CellValue[][] {
  const rows: CellValue[][] = [];
  const entryIndex = new Map(pricer.catalog.entries.map((e, i) => [e, i]));
  const seen = new Set<string>();
  for (const key of keys) {
    const id = JSON.stringify([key.model, key.provider, key.regional]);
    if (seen.has(id)) continue;
    seen.add(id);
    const res = pricer.resolve(key.model);
    if (!res) continue;
    const entry = res.entry;
    if (entry.regional.length > MAX_REGIONAL_RULES)
      throw new EngineError(
        `${entry.id}: more than ${MAX_REGIONAL_RULES} regional uplift rules`,
        'the card key holds at most 15 (pricing/cost.ts)',
      );
    const route = regionalRoute(res, { provider: key.provider ?? undefined, regional: key.regional ?? undefined });
    // priced from the first known price (or since launch); a new segment wherever the period or the uplift rule may change
    const first = entry.periods[0];
    const startMs = first.sinceLaunch || !Number.isFinite(first.fromMs) ? MIN_MS : first.fromMs;
    const cuts = [...entry.periods.slice(1).map((p) => p.fromMs), ...entry.regional.map((u) => u.fromMs)].filter(
      (t) => Number.isFinite(t) && t > startMs,
    );
    const bounds = [...new Set([startMs, ...cuts])].sort((a, b) => a - b);
    bounds.forEach((fromMs, s) => {
      // the segment's start stands for all of it: period and uplift rule change only at its bounds
      if (noPriceReason(entry, fromMs) !== undefined)
        throw new EngineError(`${entry.id}: price segment starts before the first known price`);
      const { period, index } = periodAt(entry, fromMs);
      if (period.tiers.length > MAX_BANDS || (period.peak?.windows.length ?? 0) > MAX_PEAK_WINDOWS) {
        throw new EngineError(
          `${entry.id}: more than ${MAX_BANDS} long-context tiers or ${MAX_PEAK_WINDOWS} peak-hour windows in one price period`,
          'raise MAX_BANDS / MAX_PEAK_WINDOWS in src/engine/price-map.ts',
        );
      }
      const bands = Array.from({ length: MAX_BANDS }, (_, i) => {
        const t = period.tiers[i];
        return t ? [t.threshold, t.inclusive, t.counts === 'input'] : [null, null, null];
      }).flat();
      const windows = Array.from({ length: MAX_PEAK_WINDOWS }, (_, i) => period.peak?.windows[i] ?? [null, null]).flat();
      rows.push([
        pricing,
        key.model,
        key.provider,
        key.regional,
        entryIndex.get(entry) ?? -1,
        index,
        fromMs,
        bounds[s + 1] ?? MAX_MS,
        upliftRuleFor(entry, route, fromMs),
        period.tiers.length,
        ...bands,
        period.peak !== undefined,
        period.peak?.weekendOffsetMinutes ?? null,
        ...windows,
      ]);
    });
  }
  return rows;
}

/** What the mapping rows of a run use: the key expression (cardKeyExpr) leaves out the bands and peak windows none has. */
export interface PriceMapShape {
  /** The most long-context bands a row has (0..MAX_BANDS). */
  bands: number;
  /** The most peak-hour windows a row has (0: no peak pricing). */
  peakWindows: number;
  /**
   * Whether a route key has a provider / a regional flag. false: every usage row's is NULL, and so
   * every mapping row's (copied from the route keys): the join (periodJoin) leaves the column out.
   */
  providers: boolean;
  regionals: boolean;
  /**
   * Whether the join compares the row's pricing time with the segments' bounds. false (timeBoundsNeeded):
   * every route key has one segment per pricing, covering the pricing time of every row.
   */
  timeBounds?: boolean;
  /**
   * What the usage rows hold (RowKinds, where the database knows it): the key expression leaves
   * out the service tier, the fast flag, and the per-request average and context-window tag of rows
   * of several (or no) requests, when no row has them. Undefined: every row may.
   */
  rows?: RowKinds;
}

/**
 * Whether some usage row has a service tier, the fast flag set, a request count other than 1;
 * whether every row has a customer / a user (non-empty).
 */
export interface RowKinds {
  serviceTiers: boolean;
  fast: boolean;
  otherRequests: boolean;
  everyCustomer: boolean;
  everyUser: boolean;
  /** Whether some row has a logged turn number. */
  turns: boolean;
  /** Whether some row has a conversation id (false: the turns pass has nothing to find). */
  conversations: boolean;
  /**
   * The counted columns (ZERO_CANDIDATES) 0 in every row (`estimated`: false in every row): the agg
   * neither sums nor compares them (10M bench rows: ~1 CPU s of the pass). Undefined: none is known to be.
   */
  zero?: readonly string[];
}

/** The usage columns RowKinds.zero may name: the counts and `estimated`. */
export const ZERO_CANDIDATES: readonly string[] = [
  ...TOKEN_DIMENSIONS.map((d) => d.column),
  'reasoning_tokens',
  ...COUNTED_CHARGES.map((c) => c.column),
  'estimated',
];

/** Everything a mapping row may hold. */
export const FULL_SHAPE: PriceMapShape = { bands: MAX_BANDS, peakWindows: MAX_PEAK_WINDOWS, providers: true, regionals: true };

const column = (name: string) => PRICE_MAP_COLUMNS.findIndex((c) => c.name === name);

/**
 * The shape of mapping rows (priceMapRows), built from `routes`, the distinct route keys of every
 * usage row the queries read (ROUTE_KEYS_SQL); without them the join keeps provider and regional.
 */
export function priceMapShape(rows: CellValue[][], routes?: readonly RouteKey[]): PriceMapShape {
  const bandCount = column('band_count');
  const peak = column('peak');
  const starts = Array.from({ length: MAX_PEAK_WINDOWS }, (_, i) => column(`w${i + 1}_start_min`));
  let bands = 0;
  let peakWindows = 0;
  for (const row of rows) {
    bands = Math.max(bands, Number(row[bandCount]));
    if (row[peak] === true) peakWindows = Math.max(peakWindows, starts.filter((i) => row[i] !== null).length);
  }
  return {
    bands,
    peakWindows,
    providers: routes === undefined || routes.some((r) => r.provider !== null),
    regionals: routes === undefined || routes.some((r) => r.regional !== null),
  };
}

/** Open ends of the first and last segments (plain bounds keep the join a hash join on the route key). */
const MIN_MS = -(2 ** 53 - 1);
const MAX_MS = 2 ** 53 - 1;

export interface KeyTimes {
  /** Price every row at the period in force at this time (repricing). */
  atMs?: number;
  /** Time for rows without one. */
  defaultMs: number;
}

/** The first and last time of the usage rows (null: no row has one), as a database knows them cheaply. */
export interface TimeSpan {
  firstMs: number | null;
  lastMs: number | null;
}

/** The pricing times rows can have under `t`: `atMs`, else the rows' times (`span`) and `defaultMs` (rows without a time). */
function pricingTimes(t: KeyTimes, span: TimeSpan): [number, number] {
  if (t.atMs !== undefined) return [t.atMs, t.atMs];
  return [Math.min(span.firstMs ?? t.defaultMs, t.defaultMs), Math.max(span.lastMs ?? t.defaultMs, t.defaultMs)];
}

const [PRICING, MODEL, PROVIDER, REGIONAL, FROM_MS, TO_MS] = ['pricing', 'model', 'provider', 'regional', 'from_ms', 'to_ms'].map((name) =>
  PRICE_MAP_COLUMNS.findIndex((c) => c.name === name),
);

/**
 * The mapping `rows` (of the pricings in `times`, by pricing number) whose segment holds a pricing
 * time some row can have (pricingTimes over the rows' time `span`): no row joins the others.
 */
export function segmentsIn(rows: CellValue[][], times: ReadonlyMap<number, KeyTimes>, span: TimeSpan): CellValue[][] {
  return rows.filter((row) => {
    const t = times.get(Number(row[PRICING]));
    if (t === undefined) return true;
    const [lo, hi] = pricingTimes(t, span);
    return Number(row[FROM_MS]) <= hi && lo < Number(row[TO_MS]);
  });
}

/**
 * Whether the join must compare pricing times with the segments' bounds: not when every route key
 * has at most one segment per pricing and it covers every pricing time a row can have (pricingTimes
 * over the rows' time `span`). Without the span (`undefined`), always.
 */
export function timeBoundsNeeded(rows: CellValue[][], times: ReadonlyMap<number, KeyTimes>, span: TimeSpan | undefined): boolean {
  if (span === undefined) return true;
  const seen = new Set<string>();
  for (const row of rows) {
    const t = times.get(Number(row[PRICING]));
    if (t === undefined) return true;
    const key = JSON.stringify([row[PRICING], row[MODEL], row[PROVIDER], row[REGIONAL]]);
    if (seen.has(key)) return true;
    seen.add(key);
    const [lo, hi] = pricingTimes(t, span);
    if (!(Number(row[FROM_MS]) <= lo && hi < Number(row[TO_MS]))) return true;
  }
  return false;
}

/** The integer prices of a card (report-queries.ts cardPriceRow after `e`, `k`), as columns of card_prices and of the card map. */
export const PRICE_COLUMNS: Array<{ name: string; type: SqlType }> = [
  'p_input',
  'p_cache_read',
  'p_cache_write_5m',
  'p_cache_write_1h',
  'p_output',
  // charges: femto-USD per unit (0 where the card has no price)
  ...COUNTED_CHARGES.map((c) => `c_${c.column}`),
  'c_requests',
].map((name) => ({ name, type: 'BIGINT' as const }));

/**
 * The card map: the mapping rows split by long-context band, one row per card a row can get, with
 * its key and integer prices. A usage row joins its card directly (route key, segment, and its band
 * measure within [n_lo, n_hi]), so neither the card key expression (cardKeyExpr, whose band CASE
 * is the larger part of a pass's pricing: 10M bench rows ~0.4 s) nor a join to card_prices is
 * evaluated per row. Built (cardMapRows) only where every row's card follows from the mapping row
 * and its band: see there.
 */
export const CARD_MAP_COLUMNS: Array<{ name: string; type: SqlType }> = [
  ...['pricing', 'model', 'provider', 'regional', 'entry_index', 'from_ms', 'to_ms'].map(
    (name) => PRICE_MAP_COLUMNS.find((c) => c.name === name) as { name: string; type: SqlType },
  ),
  { name: 'card_key', type: 'BIGINT' },
  { name: 'n_lo', type: 'BIGINT' },
  { name: 'n_hi', type: 'BIGINT' },
  ...PRICE_COLUMNS,
];

/** The card map's rows and how a usage row's band is measured (cardMapRows). */
export interface CardMap {
  rows: CellValue[][];
  /** Whether some mapping row has bands: else one card map row per mapping row, and no band bounds in the join. */
  bands: boolean;
  /** Every band counts the input tokens alone (else every band counts the whole prompt). */
  inputOnly: boolean;
}

/** The open ends of a band measure's range (a measure beyond them is clamped: every threshold lies inside). */
const MIN_N = -(2 ** 53 - 1);
const MAX_N = 2 ** 53 - 1;

/**
 * The card map (CARD_MAP_COLUMNS) of mapping `rows`, with each card's prices from `prices`
 * (pricing number, entry index, card key; undefined: no such card). Undefined where a row's card
 * does not follow from its mapping row and band alone: rows with a service tier, the fast flag or
 * a request count other than 1 (RowKinds; unknown: any may), peak windows, a threshold outside
 * (MIN_N, MAX_N), or bands measured on both the input and the whole prompt. A mapping row's band for
 * a prompt of n tokens is the highest band whose threshold n passes (cardKeyExpr): constant between
 * the thresholds' lower bounds, so one card map row per stretch.
 */
export function cardMapRows(
  rows: CellValue[][],
  shape: PriceMapShape,
  prices: (pricing: number, entry: number, key: number) => CellValue[] | undefined,
): CardMap | undefined {
  const kinds = shape.rows;
  if (!kinds || kinds.otherRequests || kinds.serviceTiers || kinds.fast || shape.peakWindows > 0) return undefined;
  const at = (name: string) => column(name);
  const [bandCount, entryIndex, periodIndex, rule] = ['band_count', 'entry_index', 'period_index', 'regional_rule'].map(at);
  const keep = CARD_MAP_COLUMNS.slice(0, 7).map((c) => at(c.name));
  let inputOnly: boolean | undefined;
  let bands = false;
  const out: CellValue[][] = [];
  for (const row of rows) {
    // the lowest prompt each band's threshold passes (n > threshold, or n = threshold when inclusive)
    const los: number[] = [];
    for (let i = 1; i <= Number(row[bandCount]); i++) {
      const threshold = row[at(`b${i}_threshold`)];
      const only = row[at(`b${i}_input_only`)] === true;
      if (typeof threshold !== 'number' || !(threshold > MIN_N && threshold < MAX_N - 1)) return undefined;
      if (inputOnly !== undefined && inputOnly !== only) return undefined;
      inputOnly = only;
      los.push(row[at(`b${i}_inclusive`)] === true ? threshold : threshold + 1);
    }
    const starts = [MIN_N, ...[...new Set(los)].sort((a, b) => a - b)];
    if (starts.length > 1) bands = true;
    for (let j = 0; j < starts.length; j++) {
      const band = los.reduce((b, lo, i) => (starts[j] >= lo ? i + 1 : b), 0);
      // (((period * 16 + band) * 4 + service tier) * 16 + regional rule) * 4 + fast + peak (cardKeyExpr), tier, fast, peak 0
      const key = ((Number(row[periodIndex]) * 16 + band) * 4 * 16 + Number(row[rule])) * 4;
      const p = prices(Number(row[at('pricing')]), Number(row[entryIndex]), key);
      if (p === undefined) return undefined;
      out.push([...keep.map((i) => row[i]), key, starts[j], j + 1 < starts.length ? starts[j + 1] - 1 : MAX_N, ...p]);
    }
  }
  return { rows: out, bands, inputOnly: inputOnly ?? false };
}

/**
 * A usage row's band measure (`u`: its alias and dot, or none), clamped to the card map's range: a
 * column of the rows the card map joins (computed once a row, not in each bound of the join).
 */
export function bandMeasure(map: Pick<CardMap, 'inputOnly'>, u = ''): string {
  const measure = map.inputOnly
    ? `${u}input_tokens`
    : ['input_tokens', 'cache_read_tokens', 'cache_write_5m_tokens', 'cache_write_1h_tokens'].map((c) => `${u}${c}`).join(' + ');
  return `LEAST(GREATEST(${measure}, ${MIN_N}), ${MAX_N})`;
}

/**
 * The boundaries of the card map's bands: every row's lower bound and the value after its upper one,
 * ascending. Between two consecutive boundaries no row's range begins or ends, so a measure and the
 * greatest boundary at or below it (bandFloorSql) fall in the same card map rows.
 */
export function bandBoundaries(map: Pick<CardMap, 'rows'>): number[] {
  const lo = CARD_MAP_COLUMNS.findIndex((c) => c.name === 'n_lo');
  const hi = CARD_MAP_COLUMNS.findIndex((c) => c.name === 'n_hi');
  const all = new Set<number>();
  for (const row of map.rows) {
    all.add(Number(row[lo]));
    if (Number(row[hi]) < MAX_N) all.add(Number(row[hi]) + 1);
  }
  return [...all].sort((a, b) => a - b);
}

/** The greatest of `boundaries` (bandBoundaries) at or below band measure `n`; NULL below them all (no card map row holds it). */
export function bandFloorSql(n: string, boundaries: readonly number[]): string {
  if (boundaries.length === 0) return 'NULL';
  return `CASE ${[...boundaries]
    .reverse()
    .map((b) => `WHEN ${n} >= ${b} THEN ${b}`)
    .join(' ')} END`;
}

/** The join condition choosing a usage row's card in card map alias `m` (after periodJoin): its band measure `n` within the bounds. Nothing without bands. */
export function bandJoin(m: string, n: string, map: Pick<CardMap, 'bands'>): string {
  return map.bands ? ` AND ${n} >= ${m}.n_lo AND ${n} <= ${m}.n_hi` : '';
}

const num = (v: number | undefined): string => (v === undefined ? 'NULL' : String(Math.trunc(v)));

/**
 * The join condition choosing a row's price segment in mapping alias `m` for usage alias `u`
 * (the segment in force at the row's time, or at `atMs` when repricing). Provider and regional
 * flag are left out where `shape` says every row has none (10M bench rows: ~0.25 CPU s a pass), the
 * time bounds where it says one segment a route key covers every row (timeBoundsNeeded; ~0.35 CPU s).
 */
export function periodJoin(d: Dialect, m: string, u: string, pricing: number, t: KeyTimes, shape: PriceMapShape = FULL_SHAPE): string {
  const pt = `COALESCE(${num(t.atMs)}, ${u}.time_ms, ${num(t.defaultMs)})`;
  const route = [
    `${m}.model = ${u}.model`,
    ...(shape.providers ? [d.same(`${m}.provider`, `${u}.provider`)] : []),
    ...(shape.regionals ? [d.same(`${m}.regional`, `${u}.regional`)] : []),
  ];
  const bounds = shape.timeBounds === false ? '' : ` AND ${pt} >= ${m}.from_ms AND ${pt} < ${m}.to_ms`;
  return `${m}.pricing = ${pricing} AND ${route.join(' AND ')}${bounds}`;
}

/**
 * The card key (pricing/cost.ts `cardKey`) of usage row `u` under mapping row `m`:
 * (((period * 16 + band) * 4 + service tier) * 16 + regional rule) * 4 + fast + 2 peak.
 * The band is decided per request on the whole prompt: a row of one request on its own counts; a
 * row of N requests on the average prompt per request (the whole prompt divided and floored, as tierForRecord); a
 * row with no request count on its `context_window` tag ("0-..." or absent: no band, else the top).
 * Bands and peak windows beyond `shape` (none of the mapping rows has them) are left out of the SQL.
 */
export function cardKeyExpr(d: Dialect, m: string, u: string, t: KeyTimes, shape: PriceMapShape = FULL_SHAPE): string {
  const promptCols = ['input_tokens', 'cache_read_tokens', 'cache_write_5m_tokens', 'cache_write_1h_tokens'];
  // every row one request (shape.rows): the prompt as it is, and no row without a request count
  const single = shape.rows !== undefined && !shape.rows.otherRequests;
  const wholePrompt = promptCols.map((c) => `${u}.${c}`).join(' + ');
  // a row of N requests: its whole prompt divided by N and floored, as tierForRecord (not each bucket floored)
  const nPrompt = single
    ? `(${wholePrompt})`
    : `(CASE WHEN ${u}.requests = 1 THEN ${wholePrompt} ELSE ${d.intDiv(`(${wholePrompt})`, `${u}.requests`)} END)`;
  const nInput = single
    ? `${u}.input_tokens`
    : `(CASE WHEN ${u}.requests = 1 THEN ${u}.input_tokens ELSE ${d.intDiv(`${u}.input_tokens`, `${u}.requests`)} END)`;
  const passes = (i: number) => {
    const n = `(CASE WHEN ${m}.b${i}_input_only THEN ${nInput} ELSE ${nPrompt} END)`;
    return `(${m}.b${i}_threshold IS NOT NULL AND (${n} > ${m}.b${i}_threshold OR (${m}.b${i}_inclusive AND ${n} = ${m}.b${i}_threshold)))`;
  };
  const window = d.jsonTag(`${u}.tags`, 'context_window');
  const bandWhens = Array.from({ length: shape.bands }, (_, k) => shape.bands - k)
    .map((i) => `WHEN ${passes(i)} THEN ${i}`)
    .join(' ');
  const band =
    shape.bands === 0
      ? '0'
      : `(CASE WHEN ${m}.band_count = 0 THEN 0 ${single ? '' : `WHEN ${u}.requests < 1 THEN (CASE WHEN ${window} IS NULL OR ${window} LIKE '0-%' THEN 0 ELSE ${m}.band_count END) `}${bandWhens} ELSE 0 END)`;
  const service =
    shape.rows?.serviceTiers === false
      ? '0'
      : `(CASE ${u}.service_tier WHEN 'batch' THEN 1 WHEN 'flex' THEN 2 WHEN 'priority' THEN 3 ELSE 0 END)`;
  const fast = shape.rows?.fast === false ? '0' : `(CASE WHEN ${u}.fast THEN 1 ELSE 0 END)`;
  // peak hours are when the request ran, even when repricing at another date
  const peakT = `COALESCE(${u}.time_ms, ${num(t.atMs)}, ${num(t.defaultMs)})`;
  const minute = d.minuteOfDay(peakT);
  const inWindow = Array.from(
    { length: shape.peakWindows },
    (_, k) => `(${minute} >= ${m}.w${k + 1}_start_min AND ${minute} < ${m}.w${k + 1}_end_min)`,
  ).join(' OR ');
  const weekend = `(${m}.peak_weekend_offset_min IS NOT NULL AND ${d.weekday(`${peakT} + ${m}.peak_weekend_offset_min * 60000`)} IN (0, 6))`;
  const peak = shape.peakWindows === 0 ? '0' : `(CASE WHEN ${m}.peak AND NOT ${weekend} AND (${inWindow}) THEN 2 ELSE 0 END)`;
  return `((((${m}.period_index * 16 + ${band}) * 4 + ${service}) * 16 + ${m}.regional_rule) * 4 + ${fast} + ${peak})`;
}
