/**
 * `report` on the SQL engine: readers append UsageRecords to the usage table in DuckDB, each
 * report section is a query (report-queries.ts), and TypeScript turns integer sums per price key
 * into exact money with the Pricer's rate cards (CostAccumulator), then builds the UsageView and
 * report's typed data (report/usage-json.ts), the source of its tables and JSON. Only shown rows leave SQL (top groups,
 * capped turns). Takes an explicit environment (catalog, clock, ingest options, stdin, progress,
 * DuckDB options), built by the command layer: no CLI imports.
 */
import { dimensionKey, isTimeDimension, localDate, knownProjectOf, weekOfDate, type Dimension } from '../aggregate/dims.js';
import { CostAccumulator, exactTokens, pricedTokens, type CostResult, type TokenSums } from '../aggregate/accumulator.js';
import {
  compareCost,
  compareTime,
  NO_MODEL_WARNING,
  cardWarningsOf,
  type CliffView,
  type GroupsLeftOut,
  type GroupView,
  type TurnView,
  type UnreadWrites,
  type UsageView,
} from '../aggregate/view.js';
import { UserError } from '../core/issues.js';
import { ingest, type IngestResult } from '../ingest/index.js';
import { isParquetName } from '../ingest/inputs.js';
import type { IngestOptions } from '../ingest/types.js';
import { CountEstimator } from '../pipeline/estimate.js';
import { labelUnpriced, type Catalog } from '../pricing/catalog.js';
import { componentsOf, Pricer, totalOf, type RateCard } from '../pricing/cost.js';
import { COUNTED_CHARGES } from '../usage/dimensions.js';
import { divFemto, femtoToUsdNumber, type Femto } from '../pricing/money.js';
import { usageData, type UsageReportData } from '../report/usage-json.js';
import { usageWarnings, type UsageWarning } from '../report/usage-sections.js';
import type { UsageRecord } from '../usage/record.js';
import type { CellValue } from '../usage/table.js';
import { duckdb, type Dialect } from './dialect.js';
import { EngineError, UsageDb, type DuckDBOptions, type Row } from './duckdb.js';
import type { SqlDb } from './sql-db.js';
import { loadAllWithSql, loadWithSql, smallForSql, type SqlLoad } from './sql-readers/index.js';
import type { InPlaceCopies } from './sql-readers/load.js';
import { dropCrossFileCopies } from './cross-file.js';

export { SQL_FROM_BYTES } from './sql-readers/index.js';
import { parquetRecordsInto } from './parquet-records.js';
import {
  CARD_MAP_COLUMNS,
  cardMapRows,
  PRICE_MAP_COLUMNS,
  priceMapRows,
  priceMapShape,
  ROUTE_KEYS_SQL,
  routeKeyOf,
  segmentsIn,
  timeBoundsNeeded,
  type RouteKey,
} from './price-map.js';
import {
  AGG_COUNTS_SQL,
  aggFlagsSql,
  aggTableSql,
  cardJoinAfter,
  turnsJoinAfter,
  CARD_PRICE_COLUMNS,
  cardCostBoundSql,
  cardPriceRow,
  cardSumsSql,
  decodeGroupValue,
  distinctCountsSql,
  distributionSql,
  GROUP_COUNTS_SQL,
  groupCountSql,
  groupsSql,
  laterTurnsSql,
  shownGroupsSql,
  TURN_CAP,
  LOCAL_DATE_COLUMNS,
  needsProjects,
  outsideCountSql,
  pricedTableSql,
  pricedOverSql,
  pricedViewsSql,
  PROJECT_MAP_COLUMNS,
  QUANTILES,
  slicesSql,
  unpricedModelsSql,
  SLOT_MS,
  slotsSql,
  SOURCE_FILES_SQL,
  selects,
  turnsSql,
  unreadWritesSql,
  zeroColumns,
  zeroPrices,
  zoneOf,
  type ZeroColumns,
} from './report-queries.js';
import { pushAll } from '../core/arrays.js';

export interface EngineEnv {
  catalog: Catalog;
  /** The clock: the price period of records without a time. */
  nowMs: number;
  ingest: IngestOptions;
  stdin?: NodeJS.ReadableStream;
  strict?: boolean;
  onProgress?: (bytesRead: number, totalBytes: number | undefined) => void;
  duckdb?: DuckDBOptions;
  /**
   * The database, already being opened (with the options the caller chose): the command layer opens
   * it while it loads the catalog. The report closes it. Unset: opened here with `duckdb`.
   */
  db?: Promise<UsageDb>;
  /** Side-by-side prices (today's, a date's, a proposed card), built by the command layer. */
  reprice?: { pricer: Pricer; label: string };
  /** false: every file through the TypeScript readers (parity tests, the bench's baseline). */
  sqlReaders?: boolean;
  /**
   * A file whose text is smaller is read by the TypeScript readers, file by file (the command: SQL_FROM_BYTES;
   * default 0, every file offered to the SQL readers). Claude Code transcripts, read all at once, and Parquet are not affected.
   */
  sqlFromBytes?: number;
  /** Each record the TypeScript readers append (none for files an SQL reader loads: set sqlReaders false to see every one). */
  onRecord?: (r: UsageRecord) => void;
}

export interface EngineTask {
  dims: Dimension[];
  sinceMs?: number;
  untilMs?: number;
  /** --since / --until as given, for the "left out by" warning (as the command layer builds it). */
  filters?: string[];
  /**
   * Only the `top` groups in the report's order leave SQL (table output, --top); the others are
   * summed exactly in `groupsLeftOut`. Undefined: every group.
   */
  top?: number;
  /**
   * The most groups the report holds (default MAX_HELD_GROUPS): more is an error (exit 2) before any
   * is built, without `top` or with a `top` past it; more tied at a `top`'s cut are cut in SQL.
   * Infinity: no bound.
   */
  maxGroups?: number;
  /**
   * false: no cost-per-request quantiles per group (the groups' p50, p90, p99 and max left undefined;
   * the overall ones are computed): for a caller that uses only the groups' sums and costs
   * (`whatif --revenue`, one group a customer), which would otherwise hold a quantile row per group.
   */
  groupQuantiles?: boolean;
}

/**
 * The most groups a report shows (every group when there is no `top`: JSON, CSV, html, --all). Each
 * shown group is held in memory as typed data until the document is written (~5 KB of heap each;
 * 1.25M conversations of the bench's 10M rows exhausted Node's 4 GB heap after ~5 minutes): past
 * this bound the report stops once agg is built, before any group is, with what to change instead.
 */
export const MAX_HELD_GROUPS = 250_000;

const tooManyGroups = (held: number, max: number): UserError =>
  new UserError(
    `${held.toLocaleString('en-US')} groups to show: more than a report holds in memory (${max.toLocaleString('en-US')})`,
    `show the most expensive with --top N up to ${max.toLocaleString('en-US')} (the rest summed exactly in one row), group by fewer or coarser dimensions, or narrow the period with --since/--until`,
  );

export interface EngineReport {
  view: UsageView;
  ingest: IngestResult;
  unpricedModels: Map<string, number>;
  /** The warning summary (stderr and JSON `warnings`), built as `report` builds it. */
  warnings: UsageWarning[];
  /** The report's typed data: the source of its tables and of `report --format json` (report/data.ts exactJson). */
  data: UsageReportData;
}

const orUndefined = <T>(v: T | 'fallback'): T | undefined => (v === 'fallback' ? undefined : v);

const n = (v: unknown): number => (v === null || v === undefined ? 0 : Number(v));

/**
 * The sum of integer cells (bigint, number or decimal text; null: 0) as a number, added exactly and
 * converted once: added as numbers, a total past 2^53 depends on the order of the cells
 * ([2^53 - 1, 2, 1] gives 2^53 in that order, 2^53 + 2 in the other).
 */
/** The exact sum of SQL cells (numbers, bigints or their digits; NULL counts 0). */
function bigSum(cells: unknown[]): bigint {
  return cells.reduce<bigint>((s, c) => s + (c === null || c === undefined ? 0n : BigInt(c as bigint | number | string)), 0n);
}

export function exactSum(cells: unknown[]): number {
  // doubles while every value and the running sum are safe integers (exact, whatever the order: most reports,
  // and a report of many groups sums each group's few rows), else BigInt from the start
  let total = 0;
  for (const v of cells) {
    if (v === null || v === undefined) continue;
    const x = Number(v);
    total += x;
    if (!Number.isSafeInteger(x) || !Number.isSafeInteger(total)) return Number(bigSum(cells));
  }
  return total;
}

/** The sums of one SQL row (a row per price key). */
const sumsOf = (row: Row): TokenSums => exactSumsOf([row]);

const refOf = (row: Row): string | undefined => (row.e === null || row.e === undefined ? undefined : `${row.e}/${row.k}`);

/**
 * The sums of `rows` (SQL sums, a row per price key), each column added exactly and converted once:
 * past 2^53 a total does not depend on the order the rows arrive in (a hash aggregate's order varies).
 */
function exactSumsOf(rows: Row[]): TokenSums {
  const column = (name: string) => exactSum(rows.map((r) => r[name]));
  const sums: TokenSums = {
    requests: column('requests'),
    records: column('records'),
    inputTokens: column('input_tokens'),
    cacheReadTokens: column('cache_read_tokens'),
    cacheWrite5mTokens: column('cache_write_5m_tokens'),
    cacheWrite1hTokens: column('cache_write_1h_tokens'),
    outputTokens: column('output_tokens'),
    reasoningTokens: column('reasoning_tokens'),
    estimatedRecords: column('estimated_records'),
    calls: Object.fromEntries(COUNTED_CHARGES.map((d) => [d.key, column(d.column)]).filter(([, count]) => (count as number) > 0)),
  };
  // a priced bucket past 2^53 is a rounded number: the money path takes its exact sum (TokenSums.exact)
  const buckets = Object.keys(EXACT_COLUMNS) as Array<keyof typeof EXACT_COLUMNS>;
  if (buckets.some((k) => !Number.isSafeInteger(sums[k]))) sums.exact = exactTokens((k) => bigSum(rows.map((r) => r[EXACT_COLUMNS[k]])));
  return sums;
}

/** The usage table's column of each priced bucket. */
const EXACT_COLUMNS = {
  inputTokens: 'input_tokens',
  cacheReadTokens: 'cache_read_tokens',
  cacheWrite5mTokens: 'cache_write_5m_tokens',
  cacheWrite1hTokens: 'cache_write_1h_tokens',
  outputTokens: 'output_tokens',
} as const;

/** The order of price keys (entry, then key; no key last): rows in it whatever order SQL returned them in. */
function byPriceKey(a: Row, b: Row): number {
  const key = (r: Row): [number, number] => (r.e === null || r.e === undefined ? [Number.MAX_VALUE, 0] : [Number(r.e), Number(r.k)]);
  const [ea, ka] = key(a);
  const [eb, kb] = key(b);
  return ea - eb || ka - kb;
}

/**
 * An accumulator from SQL sums per price key (rows with no key are unpriced). The rows are taken in
 * price-key order: what is added up per card afterwards as numbers (charge counts, the requests of a
 * warning or a long-context band) does not depend on the order a hash aggregate returned them in.
 */
function accumulatorOf(rows: Row[], pricer: Pricer, unpricedModels = new Map<string, number>()): CostAccumulator {
  const byCard: Array<[RateCard, TokenSums]> = [];
  const unpricedRows: Row[] = [];
  for (const row of [...rows].sort(byPriceKey)) {
    const ref = refOf(row);
    if (ref === undefined) unpricedRows.push(row);
    else byCard.push([cardOf(pricer, ref), sumsOf(row)]);
  }
  return CostAccumulator.fromSums(exactSumsOf(rows), exactSumsOf(unpricedRows), byCard, unpricedModels);
}

function cardOf(pricer: Pricer, ref: string): RateCard {
  const card = pricer.cardByRef(ref);
  if (!card) throw new EngineError(`price key ${ref} does not name a rate card of the catalog`);
  return card;
}

/** Groups the rows of a query by a string key built from `cols`. */
function groupRows(rows: Row[], cols: string[]): Map<string, Row[]> {
  const out = new Map<string, Row[]>();
  for (const row of rows) {
    const key = cols.map((c) => String(row[c])).join('\u0000');
    let list = out.get(key);
    if (!list) out.set(key, (list = []));
    list.push(row);
  }
  return out;
}

/** Exact USD per request of the row a quantile picked (its cost over its request count). */
function perRequestUsd(cost: unknown, w: unknown): number | undefined {
  if (cost === null || cost === undefined) return undefined;
  return femtoToUsdNumber(divFemto(BigInt(cost as bigint), Number(w)));
}

function quantilesOf(row: Row | undefined): Pick<GroupView, 'p50' | 'p90' | 'p99' | 'max'> {
  if (!row) return {};
  const [p50, p90, p99] = QUANTILES.map((q) => perRequestUsd(row[`p${q}_cost`], row[`p${q}_w`]));
  return { p50, p90, p99, max: perRequestUsd(row.max_cost, row.max_w) };
}

/** Long-context cliffs: the tiered cards of the total, per model entry and threshold. */
function cliffs(total: CostAccumulator): CliffView[] {
  const out = new Map<string, CliffView>();
  for (const [card, sums] of total.cardSums()) {
    if (!card.tier) continue;
    const key = `${card.entry.id}\u0000${card.tier.threshold}`;
    const v = out.get(key) ?? {
      model: card.entry.id,
      threshold: card.tier.threshold,
      operator: card.tier.inclusive ? '>=' : '>',
      requests: 0,
      premiumFemto: 0n,
      costFemto: 0n,
    };
    out.set(key, v);
    const cost = totalOf(componentsOf(pricedTokens(sums), card.prices));
    v.requests += sums.requests;
    v.costFemto += cost;
    v.premiumFemto += cost - totalOf(componentsOf(pricedTokens(sums), card.untiered));
  }
  return [...out.values()].sort((a, b) =>
    b.premiumFemto > a.premiumFemto
      ? 1
      : b.premiumFemto < a.premiumFemto
        ? -1
        : a.model.localeCompare(b.model) || a.threshold - b.threshold,
  );
}

function unreadWrites(rows: Row[], pricer: Pricer): UnreadWrites {
  const out: UnreadWrites = { writes: 0, tokens: 0, costFemto: 0n, premiumFemto: 0n };
  // (tokens summed exactly and converted once, as exactSumsOf)
  let tokens = 0n;
  for (const row of rows) {
    const p = cardOf(pricer, refOf(row)!).prices;
    const w5 = BigInt(row.w5 as bigint);
    const w1 = BigInt(row.w1 as bigint);
    const cost: Femto = w5 * p.cacheWrite5m + w1 * p.cacheWrite1h;
    out.writes += n(row.writes);
    tokens += w5 + w1;
    out.costFemto += cost;
    out.premiumFemto += cost - (w5 + w1) * p.input;
  }
  out.tokens = Number(tokens);
  return out;
}

/**
 * The groups not shown, summed exactly: the total less the shown groups (groups partition the
 * rows), with the counts of groups and of groups with a priced part from SQL (GROUP_COUNTS_SQL).
 */
function leftOut(counts: Row, shown: GroupView[], total: CostAccumulator, repriced: CostResult | undefined): GroupsLeftOut | undefined {
  const groups = n(counts.groups) - shown.length;
  if (groups <= 0) return undefined;
  const sum = (f: (g: GroupView) => bigint | number | null | undefined) => shown.reduce((s, g) => s + BigInt(f(g) ?? 0), 0n);
  const totalCost = total.result().costFemto;
  const priced = n(counts.priced) - shown.filter((g) => g.cost.costFemto !== null).length;
  const out: GroupsLeftOut = {
    groups,
    requests: total.all.requests - Number(sum((g) => g.sums.requests)),
    costFemto: priced > 0 ? (totalCost ?? 0n) - sum((g) => g.cost.costFemto) : null,
    unpricedRequests: total.unpriced.requests - Number(sum((g) => g.cost.unpriced.requests)),
    tokens: {
      inputTokens: total.all.inputTokens - Number(sum((g) => g.sums.inputTokens)),
      cacheReadTokens: total.all.cacheReadTokens - Number(sum((g) => g.sums.cacheReadTokens)),
      cacheWrite5mTokens: total.all.cacheWrite5mTokens - Number(sum((g) => g.sums.cacheWrite5mTokens)),
      cacheWrite1hTokens: total.all.cacheWrite1hTokens - Number(sum((g) => g.sums.cacheWrite1hTokens)),
      outputTokens: total.all.outputTokens - Number(sum((g) => g.sums.outputTokens)),
      reasoningTokens: total.all.reasoningTokens - Number(sum((g) => g.sums.reasoningTokens)),
    },
    partlyPriced: n(counts.partly) - shown.filter((g) => g.cost.costFemto !== null && g.cost.unpriced.records > 0).length,
  };
  if (repriced) {
    const repricedPriced = n(counts.repriced_priced) - shown.filter((g) => g.repriced?.costFemto != null).length;
    out.repricedFemto = repricedPriced > 0 ? (repriced.costFemto ?? 0n) - sum((g) => g.repriced?.costFemto) : null;
  }
  return out;
}

/**
 * The rows of a distribution query (`sql`: distributionSql for 64-bit arithmetic or not): in 64
 * bits when `narrow`; `'try'` (the dialect raises `overflowError` rather than wrapping): in 64 bits,
 * and again in 128 when that overflows.
 */
async function distributionRows(db: SqlDb, d: Dialect, narrow: boolean | 'try', sql: (narrow: boolean) => string): Promise<Row[]> {
  if (narrow !== 'try') return db.query(sql(narrow));
  try {
    return await db.query(sql(true));
  } catch (err) {
    if (d.overflowError?.test((err as Error).message)) return db.query(sql(false));
    throw err;
  }
}

/** The integer prices (cardPriceRow after `e`, `k`) of a card of pricing 0 or 1 (`pricers`), for the card map; undefined: no such card. */
function cardPrices(pricers: Array<Pricer | undefined>): (pricing: number, entry: number, key: number) => CellValue[] | undefined {
  return (pricing, entry, key) => {
    try {
      const card = pricers[pricing]?.cardByRef(`${entry}/${key}`);
      return card ? cardPriceRow(card).slice(2) : undefined;
    } catch {
      return undefined;
    }
  };
}

/** Rows up to which a report's independent passes run at once (see `together` in reportFromTable). */
const OVERLAP_MAX_ROWS = 2_000_000;

/**
 * Each task's result, in order: started all at once when `together`, else one after the other.
 * Every task is settled before the first failure is thrown (none still runs when the database closes).
 */
async function inTurn<T extends readonly unknown[]>(
  together: boolean,
  tasks: { readonly [K in keyof T]: () => Promise<T[K]> },
): Promise<T> {
  const list = tasks as ReadonlyArray<() => Promise<unknown>>;
  if (!together) {
    const out: unknown[] = [];
    for (const task of list) out.push(await task());
    return out as unknown as T;
  }
  const settled = await Promise.allSettled(list.map((task) => task()));
  const failed = settled.find((r): r is PromiseRejectedResult => r.status === 'rejected');
  if (failed) throw failed.reason;
  return settled.map((r) => (r as PromiseFulfilledResult<unknown>).value) as unknown as T;
}

/** A query's outcome, never rejected (started before it is awaited: a failure meanwhile is not unhandled). */
type Settled<T> = { value: T } | { error: unknown };
const settled = <T>(p: Promise<T>): Promise<Settled<T>> =>
  p.then(
    (value) => ({ value }),
    (error: unknown) => ({ error }),
  );
/** The value of a settled query; its failure thrown. */
function settledValue<T>(s: Settled<T>): T {
  if ('error' in s) throw s.error;
  return s.value;
}

/** Opens the database of a report (DuckDB starts on its own threads): see EngineEnv.db. */
export function openReportDb(options: DuckDBOptions = {}): Promise<UsageDb> {
  return UsageDb.open(options);
}

/** Reads the inputs into a fresh usage table and reports on it. */
export async function reportViaDuckDB(inputs: string[], task: EngineTask, env: EngineEnv): Promise<EngineReport> {
  // the inputs are listed while DuckDB opens on its own threads (a tree of 490 files: ~20 ms of the
  // ~50 ms it takes); a failure to open surfaces when the database is first needed
  const opening = env.db ?? UsageDb.open(env.duckdb);
  opening.catch(() => undefined);
  let db: UsageDb | undefined;
  const open = (): UsageDb => {
    if (!db) throw new EngineError('the database was used before it opened');
    return db;
  };
  try {
    // made at the first record without counts: the catalog is not needed before (the CLI loads it while DuckDB reads)
    let estimator: CountEstimator | undefined;
    // the files an SQL reader read in place, for the cross-file check (cross-file.ts)
    const inPlace = new Map<string, InPlaceCopies>();
    const noteCopies = (file: string, load: SqlLoad | 'fallback'): SqlLoad | 'fallback' => {
      if (load !== 'fallback' && load.copies) inPlace.set(file, load.copies);
      return load;
    };
    const result = await ingest(
      inputs,
      env.ingest,
      (r) => {
        if (r.countsMissing) (estimator ??= new CountEstimator(env.catalog)).fill(r);
        open().append(r);
        env.onRecord?.(r);
      },
      {
        stdin: env.stdin,
        strict: env.strict,
        onProgress: env.onProgress,
        beforeRead: async () => {
          db = await opening;
        },
        readFile:
          env.sqlReaders === false
            ? // every record to the caller: Parquet (no TypeScript reader) read in place, then its rows handed on
              async (file) =>
                isParquetName(file) ? parquetRecordsInto(open(), file, env.ingest.columns, (r) => env.onRecord?.(r)) : undefined
            : async (file, onFraction) =>
                (await smallForSql(file, env.sqlFromBytes ?? 0))
                  ? undefined
                  : orUndefined(
                      noteCopies(
                        file,
                        await open().whileReading(env.onProgress && onFraction, () => loadWithSql(open(), file, env.ingest)),
                      ),
                    ),
        readFiles:
          env.sqlReaders === false
            ? undefined
            : async (files, onFraction) =>
                orUndefined(await open().whileReading(env.onProgress && onFraction, () => loadAllWithSql(open(), files, env.ingest))),
      },
    );
    // every input listed and read: the database is open (beforeRead)
    const d = open();
    await d.seal();
    await dropCrossFileCopies(d, result, inPlace, env.ingest);
    return withWarningsAndData(await reportFromTable(d, task, env), result, task, env);
  } finally {
    // closed once open, also after a failure before it was needed (a missing input)
    if (db) db.close();
    else
      await opening.then(
        (d) => d.close(),
        () => undefined,
      );
  }
}

/** The warning summary and the typed data of an engine report, as the command layer builds them. */
export function withWarningsAndData(
  report: { view: UsageView; unpricedModels: Map<string, number> },
  result: IngestResult,
  task: EngineTask,
  env: Pick<EngineEnv, 'catalog' | 'reprice'>,
): EngineReport {
  const { view, unpricedModels } = report;
  // as src/cli/commands/report.ts: catalogued models dated before their first known price say why they are unpriced
  const unusedAliases = result.counts.counted > 0 ? env.catalog.unusedAliases() : [];
  const warnings = usageWarnings({
    ingest: result,
    issues: result.issues,
    unpricedModels: labelUnpriced(unpricedModels, env.catalog),
    view,
    estimated: view.total.sums.estimatedRecords,
    dims: task.dims,
    filters: task.filters ?? [],
    unusedAliases,
  });
  const data = usageData({
    view,
    ingest: result,
    dims: task.dims,
    issues: result.issues,
    estimatedRecords: view.total.sums.estimatedRecords,
    unpricedModels: Object.fromEntries(unpricedModels),
    reprice: env.reprice ? { label: env.reprice.label } : undefined,
    warnings,
  });
  return { ...report, ingest: result, warnings, data };
}

/**
 * The tables the group-by dimensions join that TypeScript computes: the project of each distinct
 * source file (`knownProjectOf`: NULL where no folder tells it) and the local dates of each distinct 15-minute slot in a --tz zone.
 */
async function loadDimensionMaps(db: SqlDb, dims: Dimension[], d: Dialect): Promise<void> {
  if (needsProjects(dims)) {
    const files = (await db.query(SOURCE_FILES_SQL)).map((r) => String(r.source_file));
    await db.loadTable(
      'project_map',
      PROJECT_MAP_COLUMNS,
      // (no project: NULL, apart from a folder named "(none)")
      files.map((f) => [f, knownProjectOf(f) ?? null]),
    );
  }
  const tz = zoneOf(dims);
  if (tz) {
    const rows = (await db.query(slotsSql(d))).map((r) => {
      const day = localDate(n(r.slot) * SLOT_MS, tz);
      return [n(r.slot), day, weekOfDate(day), day.slice(0, 7)];
    });
    await db.loadTable('local_dates', LOCAL_DATE_COLUMNS, rows);
  }
}

/** The report over a filled usage table (any reader: TypeScript appends or an SQL view). */
export async function reportFromTable(
  db: SqlDb,
  task: EngineTask,
  env: Pick<EngineEnv, 'catalog' | 'nowMs' | 'reprice'>,
  d: Dialect = duckdb,
): Promise<{ view: UsageView; unpricedModels: Map<string, number> }> {
  const pricer = new Pricer(env.catalog, { defaultMs: env.nowMs });
  const repricer = env.reprice?.pricer;
  // the usage table's distinct route keys, time span and row kinds (DuckDB: without scanning rows whose reader
  // found them), asked at once where the database runs queries at once
  const [routes, span, rowKinds] = await inTurn(db.concurrent === true, [
    async (): Promise<RouteKey[]> => (db.routeKeys ? await db.routeKeys() : (await db.query(ROUTE_KEYS_SQL)).map(routeKeyOf)),
    async () => (db.timeSpan ? await db.timeSpan() : undefined),
    async () => (db.rowKinds ? await db.rowKinds() : undefined),
  ] as const);
  let mapRows = priceMapRows(0, pricer, routes);
  if (repricer) pushAll(mapRows, priceMapRows(1, repricer, routes));
  const billed = { atMs: pricer.options.atMs, defaultMs: pricer.options.defaultMs ?? env.nowMs };
  const reprice = repricer ? { atMs: repricer.options.atMs, defaultMs: repricer.options.defaultMs ?? env.nowMs } : undefined;
  // with the rows' time span (DuckDB, where its readers found it): only the segments some row's
  // pricing time falls in, and no time bounds in the join when that leaves one per route key
  const keyTimes = new Map([[0, billed], ...(reprice ? [[1, reprice] as const] : [])]);
  if (span) mapRows = segmentsIn(mapRows, keyTimes, span);
  await loadDimensionMaps(db, task.dims, d);
  const gcols = task.dims.map((_, i) => `g${i}`);
  const shape = { ...priceMapShape(mapRows, routes), timeBounds: timeBoundsNeeded(mapRows, keyTimes, span), rows: rowKinds };
  // each row's card straight from the card map where its mapping row and band decide it (DuckDB's views)
  const cardMap = d.pricedViews ? cardMapRows(mapRows, shape, cardPrices([pricer, repricer])) : undefined;
  if (cardMap) await db.loadTable('card_map', CARD_MAP_COLUMNS, cardMap.rows);
  else await db.loadTable('price_map', PRICE_MAP_COLUMNS, mapRows);
  const priced = { dims: task.dims, keyed: true, sinceMs: task.sinceMs, untilMs: task.untilMs, billed, reprice, shape, cardMap };
  if (d.pricedViews) for (const sql of pricedViewsSql(d, priced)) await db.run(sql);
  else await db.run(pricedTableSql(d, priced));
  const modelDim = task.dims.findIndex((dim) => dim.kind === 'model');
  // the card map joined to sums per route key and band rather than to each row, where it can be
  const after = cardJoinAfter(d, priced, cardMap);
  const turnsAfter = turnsJoinAfter(d, priced, cardMap);
  // The turns and the unread cache writes need neither agg nor the card prices: where queries run at
  // once and the rows are few (as `together` below), they start now, beside agg and the short
  // statements after it, which leave the cores idle much of their time (Claude Code bench tree: the
  // unread writes were the last pass to end). They leave out the columns known 0 in every row
  // (RowKinds); agg may find more such columns, which they then sum as zeros.
  const early = db.concurrent === true && db.rowsAtMost !== undefined && db.rowsAtMost <= OVERLAP_MAX_ROWS;
  const knownZero: ZeroColumns = new Set(rowKinds?.zero ?? []);
  const writesZero = (z: ZeroColumns) => z.has('cache_write_5m_tokens') && z.has('cache_write_1h_tokens');
  const unreadSql = () => unreadWritesSql(d, d.pricedViews ? pricedOverSql(d, priced) : undefined);
  const turnsEarly =
    early && rowKinds?.conversations !== false ? settled(db.query(turnsSql(d, knownZero, rowKinds, turnsAfter))) : undefined;
  const unreadEarly = early && !writesZero(knownZero) ? settled(db.query(unreadSql())) : undefined;
  // (each started query ends before the database may close: `finally` below)
  try {
    await db.run(
      aggTableSql(
        d,
        gcols,
        repricer !== undefined,
        true,
        modelDim < 0 ? undefined : gcols[modelDim],
        {
          customer: rowKinds?.everyCustomer,
          user: rowKinds?.everyUser,
        },
        rowKinds,
        after,
      ),
    );

    await db.run(aggFlagsSql(d));
    const slices = groupRows(await db.query(slicesSql()), ['slice']);
    const slice = (name: string) => slices.get(name) ?? [];
    const unpricedModels = new Map((await db.query(unpricedModelsSql('agg_flags'))).map((r) => [String(r.model), n(r.requests)]));
    const total = accumulatorOf(slice('total'), pricer, unpricedModels);
    const totalCost = total.result();

    // the cards' integer prices, for the exact per-request cost
    const cards = [...total.cardSums().keys()];
    const cardRows = cards.map(cardPriceRow);
    await db.loadTable('card_prices', CARD_PRICE_COLUMNS, cardRows);
    const timeKeys = task.dims.filter(isTimeDimension).map(dimensionKey);
    const timeCols = task.dims.flatMap((dim, i) => (isTimeDimension(dim) ? [`g${i}`] : []));
    const aggCounts = (await db.query(AGG_COUNTS_SQL))[0];
    // columns 0 in every row: the turns do not carry them, the per-row cost leaves out their terms (and those of prices 0 on every card)
    const zero = zeroColumns(aggCounts, aggCounts.min_count);
    const zeroTerms = new Set([...zero, ...zeroPrices(cardRows)]);
    let from = 'priced';
    let groupCounts: Row | undefined;
    const maxGroups = task.maxGroups ?? MAX_HELD_GROUPS;
    if (task.top !== undefined) {
      const shown = shownGroupsSql(d, gcols, timeCols, task.top, repricer !== undefined, zeroTerms);
      await db.run(shown.costs);
      await db.run(shown.shown(false));
      // the groups tied at the cut are all kept, for TypeScript to order exactly and cut; where so many
      // tie that the report could not hold them (a million conversations of an unpriced model, one
      // request each), SQL cuts: the first `top` exactly, ties decided by the group values
      const shownCount = async () => n((await db.query('SELECT count(*) AS n FROM shown_groups'))[0].n);
      if ((await shownCount()) > maxGroups) {
        await db.run(shown.shown(true));
        // a top N itself past the bound, with more groups than that
        const held = await shownCount();
        if (held > maxGroups) throw tooManyGroups(held, maxGroups);
      }
      for (const sql of shown.views) await db.run(sql);
      groupCounts = (await db.query(GROUP_COUNTS_SQL))[0];
      if (n(groupCounts.shown) < n(groupCounts.groups)) from = 'priced_shown';
    } else if (gcols.length > 0) {
      const held = n((await db.query(groupCountSql(gcols)))[0].n);
      if (held > maxGroups) throw tooManyGroups(held, maxGroups);
    }
    // each row's cost in 64 bits: first, where the engine raises an error on overflow (again in 128
    // bits on it), else when no price key's rows cost 2^63 femto-USD ($9,223) in all
    let narrow: boolean | 'try' = 'try';
    if (!d.overflowError) {
      const bound = (await db.query(cardCostBoundSql(d)))[0]?.bound;
      narrow = bound === null || bound === undefined || BigInt(bound as bigint) < 2n ** 63n;
    }
    const dist = {
      pricesInRows: cardMap !== undefined,
      singleRequestRows: n(aggCounts.multi_request_rows) === 0,
      zero: zeroTerms,
    };
    const aggFrom = from === 'priced' ? 'agg' : 'agg_shown';
    // no row with a customer or user (the slices' records): no distinct one to count; the
    // conversations are counted by the turns pass
    const attributedRows = ['customer', 'user'].some((name) => slice(name).some((r) => n(r.records) > 0));
    const inConversations = slice('conversation').length > 0;
    // units with a priced request only: where some request is unpriced and some row has a unit
    const pricedUnitsOnly = total.unpriced.requests > 0 && (attributedRows || inConversations);
    // The passes below do not depend on one another. With few rows each keeps the cores busy only part
    // of its time, so where the database runs queries at once they are issued at once; with many, each
    // is parallel on its own, and together they would only raise the peak of memory.
    const together = db.concurrent === true && n(aggCounts.records) <= OVERLAP_MAX_ROWS;
    const [distribution, sums, turnQuery, totalRepriced, counts, filteredOut, unreadRows] = await inTurn(together, [
      async () => {
        if (task.groupQuantiles === false)
          return {
            overall: (await distributionRows(db, d, narrow, (narrow) => distributionSql(d, [], 'priced', { ...dist, narrow })))[0],
            perGroup: new Map<string, Row[]>(),
          };
        if (from === 'priced' && selects(d, dist)) {
          // one pass for the overall and the per-group quantiles
          const rows = await distributionRows(db, d, narrow, (narrow) =>
            distributionSql(d, gcols, from, { ...dist, narrow, withOverall: true }),
          );
          return {
            overall: rows.find((r) => r.overall === true || gcols.length === 0),
            perGroup: groupRows(
              rows.filter((r) => r.overall !== true && gcols.length > 0),
              gcols,
            ),
          };
        }
        return {
          overall: (await distributionRows(db, d, narrow, (narrow) => distributionSql(d, [], 'priced', { ...dist, narrow })))[0],
          perGroup: groupRows(
            await distributionRows(db, d, narrow, (narrow) => distributionSql(d, gcols, from, { ...dist, narrow })),
            gcols,
          ),
        };
      },
      async () => ({
        groupSums: groupRows(await db.query(groupsSql(task.dims.length, 0, aggFrom)), gcols),
        repricedSums: repricer ? groupRows(await db.query(groupsSql(task.dims.length, 1, aggFrom)), gcols) : undefined,
      }),
      // passes over every row skipped when agg's totals show there is nothing for them to find: turns
      // without a row in a conversation, unread writes without a cache write, distinct counts without
      // an attributed row (each would return no rows, or zeros)
      async () => {
        // (a turns query started early and not needed, no row being in a conversation, is not read, nor its failure)
        const started = await turnsEarly;
        const rows = !inConversations ? [] : started ? settledValue(started) : await db.query(turnsSql(d, zero, rowKinds, turnsAfter));
        // the distinct turn numbers summed into the last row, counted only when there is one
        const later = rows.some((r) => n(r.turn_no) > TURN_CAP) ? n((await db.query(laterTurnsSql(d, zero)))[0].n) : 0;
        return { rows, later };
      },
      async () => (repricer ? accumulatorOf(await db.query(cardSumsSql('reprice', '', [], 1)), repricer).result() : undefined),
      // units with a priced request only (unit-economics.ts); where every request is priced, the turns pass
      // counts the conversations and the rows inside the window the customers and users
      async () =>
        pricedUnitsOnly
          ? (await db.query(distinctCountsSql('priced', true, true)))[0]
          : attributedRows
            ? (await db.query(distinctCountsSql(d.pricedViews ? 'inside' : 'priced', false)))[0]
            : { customers: 0, users: 0 },
      async () => (await db.query(outsideCountSql(task)))[0],
      async () => {
        const started = await unreadEarly;
        if (started) return settledValue(started);
        return writesZero(zero) ? [] : await db.query(unreadSql());
      },
    ] as const);
    const { overall, perGroup } = distribution;
    const { groupSums, repricedSums } = sums;
    const groups: GroupView[] = [];
    for (const [key, rows] of groupSums) {
      const acc = accumulatorOf(rows, pricer);
      groups.push({
        key: Object.fromEntries(task.dims.map((dim, i) => [dimensionKey(dim), decodeGroupValue(dim, rows[0][`g${i}`])])),
        sums: acc.all,
        cost: acc.result(),
        repriced: repricer ? accumulatorOf(repricedSums!.get(key) ?? [], repricer).result() : undefined,
        ...quantilesOf(perGroup.get(key)?.[0]),
      });
    }
    // time views in date order (then by cost within a date); others most expensive first
    if (timeKeys.length === 0) groups.sort(compareCost);
    else groups.sort((a, b) => compareTime(a, b, timeKeys) || compareCost(a, b));

    const turnResult = turnQuery.rows;
    // one first row per conversation (no row in a conversation: no turns, no conversation)
    const conversations = pricedUnitsOnly ? n(counts.conversations) : turnResult.reduce((sum, r) => sum + n(r.first_rows), 0);
    const turnRows = groupRows(turnResult, ['turn_no']);
    const turns: TurnView[] = [...turnRows]
      .map(([, rows]) => {
        const acc = accumulatorOf(rows, pricer);
        const turn = n(rows[0].turn_no);
        return {
          turn,
          ...(turn > TURN_CAP ? { laterTurns: turnQuery.later } : {}),
          requests: acc.all.requests,
          // summed exactly, then one conversion: a total past 2^53 does not depend on the rows' order
          promptTokens: exactSum(rows.map((r) => r.prompt_tokens)),
          cost: acc.result(),
        };
      })
      .sort((a, b) => a.turn - b.turn);

    const shown = task.top === undefined ? groups : groups.slice(0, task.top);
    const groupsLeftOut = groupCounts ? leftOut(groupCounts, shown, total, totalRepriced) : undefined;
    const pricedRequests = total.all.requests - total.unpriced.requests;
    const cardWarnings = new Map<string, number>();
    for (const [card, sums] of total.cardSums())
      for (const w of card.warnings) cardWarnings.set(w, (cardWarnings.get(w) ?? 0) + sums.requests);
    // records without a model id, counted under NO_MODEL
    if (n(aggCounts.no_model_records) > 0) cardWarnings.set(NO_MODEL_WARNING, n(aggCounts.no_model_requests));
    const result = (name: string): CostResult => accumulatorOf(slice(name), pricer).result();

    const view: UsageView = {
      total: {
        sums: total.all,
        cost: totalCost,
        repriced: totalRepriced,
      },
      groups: shown,
      ...(groupsLeftOut ? { groupsLeftOut } : {}),
      distribution: {
        ...quantilesOf(overall),
        // the mean from the exact total
        mean:
          totalCost.costFemto !== null && pricedRequests > 0 ? femtoToUsdNumber(divFemto(totalCost.costFemto, pricedRequests)) : undefined,
      },
      conversations,
      customers: n(counts.customers),
      users: n(counts.users),
      attributed: { conversation: result('conversation'), customer: result('customer'), user: result('user') },
      outcomes: {
        success: n(aggCounts.success),
        failure: n(aggCounts.failure),
        successCost: result('success'),
        knownCost: result('knownOutcome'),
      },
      turns,
      cliffs: cliffs(total),
      unreadWrites: unreadWrites(unreadRows, pricer),
      cardWarnings: cardWarningsOf(cardWarnings),
      period: aggCounts.first_ms === null ? undefined : { fromMs: n(aggCounts.first_ms), toMs: n(aggCounts.last_ms) },
      filteredOut: n(filteredOut.n),
      untimedInWindow: n(filteredOut.untimed),
    };
    return { view, unpricedModels };
  } finally {
    await Promise.all([turnsEarly, unreadEarly]);
  }
}
