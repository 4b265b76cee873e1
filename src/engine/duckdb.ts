/**
 * Embedded DuckDB: an in-memory database holding the usage table, filled from UsageRecords in
 * column batches through the appender API, with memory bounded (`memory_limit`, spilling to
 * `temp_directory` beyond it). Everything the engine needs arrives as options (no CLI, no globals).
 * Queries return plain JS rows; BIGINT/HUGEINT sums arrive as bigint, so integer token sums and
 * femto amounts stay exact.
 */
import { mkdtempSync, symlinkSync } from 'node:fs';
import { createRequire } from 'node:module';
import type * as DuckDBApi from '@duckdb/node-api';
import { tmpdir, totalmem } from 'node:os';
import { join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { UserError } from '../core/issues.js';
import { removeTemporary, temporary } from '../core/temporaries.js';
import { duckdbWarehouse, readAsPattern } from './dialect.js';
import { EngineError } from './errors.js';
import { ROUTE_KEYS_SQL, routeKeyOf, ZERO_CANDIDATES, type RouteKey, type RowKinds, type TimeSpan } from './price-map.js';
import type { UsageRecord } from '../usage/record.js';
import { USAGE_COLUMNS, usageTableDdl, type CellValue, type SqlType } from '../usage/table.js';
import { maxOf, minOf, pushAll } from '../core/arrays.js';

export { EngineError };

// Loaded with require: imported as an ES module, Node's CommonJS lexer would parse every file of the
// package for its export names, a tenth of a second of every report's start-up.
const { BIGINT, BOOLEAN, DuckDBDataChunk, DuckDBInstance, INTEGER, VARCHAR } = createRequire(import.meta.url)(
  '@duckdb/node-api',
) as typeof DuckDBApi;
type DuckDBAppender = DuckDBApi.DuckDBAppender;
type DuckDBConnection = DuckDBApi.DuckDBConnection;
type DuckDBType = DuckDBApi.DuckDBType;
type DuckDBInstance = DuckDBApi.DuckDBInstance;

export interface DuckDBOptions {
  /** e.g. "512MB", "2GB": DuckDB spills to `tempDirectory` beyond it (default with a `tempDirectory`: defaultMemoryLimit). */
  memoryLimit?: string;
  tempDirectory?: string;
  /** Worker threads (default: DuckDB's, one per core). */
  threads?: number;
  /**
   * Input files from this size (bytes) up are staged where they are compressed before the report
   * reads them (UsageDb.compressingCatalog; default COMPRESS_FROM_BYTES).
   */
  compressFromBytes?: number;
}

/**
 * File size from which a reader compresses its stage: 1 GB of OpenAI JSONL (a 264 MB stage) then
 * peaked at 488-532 MB instead of 587-619 MB, for 0.35-0.55 s of checkpoint; below this size the
 * checkpoint costs more than the memory it saves is worth.
 */
export const COMPRESS_FROM_BYTES = 512 << 20;

const TYPES: Record<SqlType, DuckDBType> = { BIGINT, INTEGER, VARCHAR, BOOLEAN };
/** UsageDb.compressingCatalog's name. */
const COMPRESSING = 'tokenomics_compressed';
/** How long a statement runs before the work queued by whileBusy is done during it. */
const BUSY_AFTER_MS = 5;
/** Rows per appended chunk (DuckDB's vector size). */
const CHUNK_ROWS = 2048;
const SIZE = /^\d+(\.\d+)?\s*(B|KB|MB|GB|TB|KiB|MiB|GiB|TiB)$/i;

export type Row = Record<string, unknown>;

/** Memory DuckDB may use when no limit is given and it can spill: a quarter of RAM, at most 400 MiB, at least 64 MiB. */
export function defaultMemoryLimit(totalBytes: number): string {
  return `${Math.max(64, Math.min(400, Math.floor(totalBytes / 4 / 2 ** 20)))}MiB`;
}

/** What a reader knows of the rows of its in-place view from its mapping or a scan it makes anyway: their distinct route keys, time span and kinds. */
export interface InPlaceFacts extends TimeSpan {
  routes: readonly RouteKey[];
  /** What its rows may hold (true: some row may). */
  rows: RowKinds;
}

export class UsageDb {
  private appender?: DuckDBAppender;
  private readonly columns: unknown[][] = USAGE_COLUMNS.map(() => []);
  private pending = 0;
  /** Rows so far, appended or read in place (the next record's `seq`). */
  rows = 0;
  /** Views of rows read in place (files DuckDB reads at each query, e.g. Parquet), in arrival order. */
  private readonly inPlace: string[] = [];
  /** What each in-place view's reader found of its rows (undefined: nothing; see InPlaceFacts). */
  private readonly inPlaceFacts: Array<InPlaceFacts | undefined> = [];
  /**
   * Whether close() frees the database (its memory, its threads). False when the process ends right
   * after (the CLI): freeing a database of a few hundred MB took a few hundredths of a second.
   */
  freeOnClose = true;
  /** Whether a statement runs on `connection`; one issued meanwhile takes a spare connection. */
  private mainBusy = false;
  /** Connections beyond the first, idle (made when statements overlap: see onConnection). */
  private readonly spare: DuckDBConnection[] = [];
  /** compressingCatalog is attached. */
  private compressing = false;
  /** Statements issued together run together (on connections of their own): see SqlDb.concurrent. */
  readonly concurrent = true;
  /** SqlDb.rowsAtMost: every row appended and every line of an in-place view's file. */
  get rowsAtMost(): number {
    return this.rows;
  }
  /** Work for the Node thread while DuckDB runs the next statement (whileBusy). */
  private readonly busyWork: Array<() => void> = [];
  /** Per statement (TOKENOMICS_DEBUG_TIMINGS): its first line, wall ms, process CPU ms (DuckDB's threads included), its start (ms since the process started), and the process CPU ms used before it. */
  readonly timings: Array<[string, number, number, number, number]> = [];
  /** Folders of plainName's links, removed by close(). */
  private readonly linkFolders: string[] = [];

  private constructor(
    private readonly instance: DuckDBInstance,
    readonly connection: DuckDBConnection,
    appender: DuckDBAppender,
    /** DuckDBOptions.compressFromBytes. */
    readonly compressFromBytes: number,
  ) {
    this.appender = appender;
  }

  static async open(options: DuckDBOptions = {}): Promise<UsageDb> {
    const config: Record<string, string> = {};
    if (options.memoryLimit !== undefined) {
      if (!SIZE.test(options.memoryLimit.trim()))
        throw new EngineError(`memory limit "${options.memoryLimit}" is not a size`, 'e.g. 512MB or 2GB');
      config.memory_limit = options.memoryLimit.trim();
    } else if (options.tempDirectory !== undefined) {
      // with somewhere to spill, large inputs spill instead of growing to DuckDB's own default (80% of RAM)
      config.memory_limit = defaultMemoryLimit(totalmem());
    }
    if (options.tempDirectory !== undefined) config.temp_directory = options.tempDirectory;
    if (options.threads !== undefined) config.threads = String(options.threads);
    try {
      const instance = await DuckDBInstance.create(':memory:', config);
      const connection = await instance.connect();
      await connection.run(usageTableDdl('usage'));
      return new UsageDb(instance, connection, await connection.createAppender('usage'), options.compressFromBytes ?? COMPRESS_FROM_BYTES);
    } catch (err) {
      if (err instanceof UserError) throw err;
      throw new EngineError(`cannot open DuckDB: ${(err as Error).message}`);
    }
  }

  /**
   * Runs `work` (queries that read a file) while reporting how far DuckDB's queries have got, as a
   * fraction that never goes back (0-1, polled every `everyMs`): a long SQL read moves the progress
   * line like a TypeScript read does. DuckDB's figure is coarse (it counts file buffers read).
   */
  async whileReading<T>(onFraction: ((fraction: number) => void) | undefined, work: () => Promise<T>, everyMs = 200): Promise<T> {
    if (!onFraction) return work();
    await this.connection.run('SET enable_progress_bar = true; SET enable_progress_bar_print = false; SET progress_bar_time = 0');
    let best = 0;
    const poll = setInterval(() => {
      const percent = this.connection.progress.percentage;
      // -1: no query running, or one DuckDB does not track
      if (percent > best * 100 && percent <= 100) {
        best = percent / 100;
        onFraction(best);
      }
    }, everyMs);
    try {
      return await work();
    } finally {
      clearInterval(poll);
      await this.connection.run('SET enable_progress_bar = false');
    }
  }

  /** Appends one record as the next row (buffered; written a chunk at a time). */
  append(r: UsageRecord): void {
    const seq = this.rows++;
    for (let i = 0; i < USAGE_COLUMNS.length; i++) this.columns[i].push(cell(USAGE_COLUMNS[i].type, USAGE_COLUMNS[i].get(r, seq), r));
    if (++this.pending >= CHUNK_ROWS) this.flush();
  }

  /** Writes buffered rows as one chunk. */
  private flush(): void {
    if (this.pending === 0) return;
    if (!this.appender) throw new EngineError('rows appended after the usage table was sealed');
    const chunk = DuckDBDataChunk.create(
      USAGE_COLUMNS.map((c) => TYPES[c.type]),
      this.pending,
    );
    chunk.setColumns(this.columns as never);
    try {
      this.appender.appendDataChunk(chunk);
    } catch (err) {
      throw engineFailure('cannot append rows', err);
    }
    for (const col of this.columns) col.length = 0;
    this.pending = 0;
  }

  /** How many views of rows read in place there are (names of new ones count on from it). */
  get inPlaceViews(): number {
    return this.inPlace.length;
  }

  /**
   * Adds the rows of view `name` (the usage columns in their order and types) to the usage table
   * without copying them: DuckDB reads them at each query, so a large Parquet file is never held in
   * memory (its `seq` numbers start at `rows`; `span` rows of arrival order follow).
   */
  addInPlace(name: string, span: number, facts?: InPlaceFacts): void {
    if (!this.appender) throw new EngineError('rows added after the usage table was sealed');
    this.inPlace.push(name);
    this.inPlaceFacts.push(facts);
    this.rows += span;
  }

  /**
   * Finishes appending: the table is complete and can be queried. With rows read in place, `usage`
   * becomes a view: the appended rows (table `usage_appended`) and each in-place view.
   */
  async seal(): Promise<void> {
    this.flush();
    try {
      this.appender?.closeSync();
    } catch (err) {
      throw engineFailure('cannot finish the usage table', err);
    }
    this.appender = undefined;
    if (this.inPlace.length === 0) return;
    await this.run('ALTER TABLE usage RENAME TO usage_appended');
    await this.run(`CREATE VIEW usage AS\n${['usage_appended', ...this.inPlace].map((v) => `SELECT * FROM ${v}`).join('\nUNION ALL\n')}`);
  }

  /** Whether every in-place view's reader found its facts: only the appended rows are then read for them. */
  private get factsKnown(): boolean {
    return this.inPlace.length > 0 && this.inPlaceFacts.every((f) => f !== undefined);
  }

  /**
   * The distinct route keys of the usage table (ROUTE_KEYS_SQL), without scanning the rows read in
   * place when each of their readers found its keys (addInPlace): only the appended rows are read.
   * A reader's keys may include keys of rows it rejected (a key without rows prices nothing).
   */
  async routeKeys(): Promise<RouteKey[]> {
    const known = this.factsKnown;
    const keys = (await this.query(known ? `${ROUTE_KEYS_SQL}_appended` : ROUTE_KEYS_SQL)).map(routeKeyOf);
    if (known) for (const f of this.inPlaceFacts) pushAll(keys, f?.routes ?? []);
    return [...new Map(keys.map((k) => [JSON.stringify([k.model, k.provider, k.regional]), k])).values()];
  }

  /** The first and last time of the usage rows, when every in-place view's reader found its own (undefined: not known). */
  async timeSpan(): Promise<TimeSpan | undefined> {
    if (this.inPlace.length > 0 && !this.factsKnown) return undefined;
    const [row] = await this.query(
      `SELECT min(time_ms) AS first_ms, max(time_ms) AS last_ms FROM ${this.inPlace.length > 0 ? 'usage_appended' : 'usage'}`,
    );
    const spans: TimeSpan[] = [
      { firstMs: row.first_ms === null ? null : Number(row.first_ms), lastMs: row.last_ms === null ? null : Number(row.last_ms) },
      ...this.inPlaceFacts.map((f) => f as InPlaceFacts),
    ];
    const times = (pick: (s: TimeSpan) => number | null) => spans.map(pick).filter((t): t is number => t !== null);
    const first = times((s) => s.firstMs);
    const last = times((s) => s.lastMs);
    return { firstMs: minOf(first) ?? null, lastMs: maxOf(last) ?? null };
  }

  /**
   * Whether some usage row has a service tier, the fast flag, a request count other than 1, and
   * whether every row has a customer / a user (RowKinds), when every in-place view's reader knows it
   * of its rows (undefined: not known): only the appended rows are read.
   */
  async rowKinds(): Promise<RowKinds | undefined> {
    if (this.inPlace.length > 0 && !this.factsKnown) return undefined;
    const [row] = await this.query(`SELECT ${ROW_KINDS_SELECT}\nFROM ${this.inPlace.length > 0 ? 'usage_appended' : 'usage'}`);
    return rowKindsOf([row], ...this.inPlaceFacts.map((f) => (f as InPlaceFacts).rows));
  }

  /**
   * The InPlaceFacts of view `name` (the usage columns), found by one pass over its rows grouped by
   * route key: for a reader that does not learn them while reading (one pass instead of the three
   * routeKeys, timeSpan and rowKinds would make over the view).
   */
  async factsOf(name: string): Promise<InPlaceFacts> {
    // the groups read a chunk at a time and folded as they come (ROW_KINDS_SOME: any row; the other
    // kinds: every row), so a view of 400,000 model ids holds its route keys, not 400,000 rows of
    // every aggregate (the 100,000 of a CSV took more than a 140 MB heap)
    const routes: RouteKey[] = [];
    const kinds: Row = {};
    let firstMs: number | null = null;
    let lastMs: number | null = null;
    await this.eachRows(
      `SELECT model, provider, regional, min(time_ms) AS first_ms, max(time_ms) AS last_ms, ${ROW_KINDS_SELECT}\nFROM ${name} GROUP BY model, provider, regional`,
      (rows) => {
        for (const g of rows) {
          routes.push(routeKeyOf(g));
          if (g.first_ms !== null && g.first_ms !== undefined) firstMs = Math.min(firstMs ?? Number(g.first_ms), Number(g.first_ms));
          if (g.last_ms !== null && g.last_ms !== undefined) lastMs = Math.max(lastMs ?? Number(g.last_ms), Number(g.last_ms));
          for (const key of ROW_KINDS_KEYS)
            if (ROW_KINDS_SOME.has(key)) kinds[key] = kinds[key] === true || g[key] === true;
            else kinds[key] = kinds[key] !== false && g[key] !== false;
        }
      },
    );
    // no group: as rowKindsOf of no rows
    return { routes, firstMs, lastMs, rows: rowKindsOf(routes.length ? [kinds] : []) };
  }

  /**
   * The name of an in-memory database that compresses its tables at a checkpoint (DuckDB's own
   * in-memory database never does), attached at the first call: a reader stages a large file there
   * and compresses it (compressStaging) before the report's passes read it. Names in it are qualified
   * (`<name>.table`), so every connection sees them.
   */
  async compressingCatalog(): Promise<string> {
    if (!this.compressing) {
      await this.run(`ATTACH ':memory:' AS ${COMPRESSING} (COMPRESS)`);
      this.compressing = true;
    }
    return COMPRESSING;
  }

  /** Compresses the tables of compressingCatalog (a checkpoint of it); nothing when it was never attached. */
  async compressStaging(): Promise<void> {
    if (this.compressing) await this.run(`CHECKPOINT ${COMPRESSING}`);
  }

  /** The staging tables a reader may leave in compressingCatalog (a file that fell back), dropped. */
  async dropCompressedStaging(): Promise<void> {
    if (this.compressing) await this.run(`DROP TABLE IF EXISTS ${COMPRESSING}.sr_stage`);
  }

  /**
   * Runs `work` once on the Node thread during the first statement still running BUSY_AFTER_MS after
   * it started, while DuckDB's own threads run it: what the caller needs only later (the CLI's
   * catalog) is done during the read instead of before it. `work` must not throw (it runs inside
   * another caller's statement).
   */
  whileBusy(work: () => void): void {
    this.busyWork.push(work);
  }

  /**
   * The statement started: the queued work runs once it has run for BUSY_AFTER_MS, while DuckDB's
   * threads still run it (a statement over by then, such as a reader's small set-up statements, leaves
   * the work to the next one: doing it there would keep DuckDB waiting).
   */
  private started<T>(pending: Promise<T>): Promise<T> {
    if (this.busyWork.length === 0) return pending;
    const timer = setTimeout(() => {
      for (const work of this.busyWork.splice(0)) work();
    }, BUSY_AFTER_MS);
    return pending.finally(() => clearTimeout(timer));
  }

  /**
   * Runs `use` on the first connection, or on a spare one while the first runs another statement:
   * statements issued at once run at once, on DuckDB's one pool of threads. The tables they read are
   * plain ones (every connection sees them); session settings apply to the first connection only.
   */
  private async onConnection<T>(use: (connection: DuckDBConnection) => Promise<T>): Promise<T> {
    if (!this.mainBusy) {
      this.mainBusy = true;
      try {
        return await use(this.connection);
      } finally {
        this.mainBusy = false;
      }
    }
    const connection = this.spare.pop() ?? (await this.instance.connect());
    try {
      return await use(connection);
    } finally {
      this.spare.push(connection);
    }
  }

  async run(sql: string): Promise<void> {
    const start = performance.now();
    const cpu = process.cpuUsage();
    try {
      await this.onConnection((c) => this.started(c.run(sql)));
      this.timed(sql, start, cpu);
    } catch (err) {
      throw engineFailure('query failed', err);
    }
  }

  private timed(sql: string, start: number, cpu: NodeJS.CpuUsage): void {
    if (!process.env.TOKENOMICS_DEBUG_TIMINGS) return;
    const used = process.cpuUsage(cpu);
    // TOKENOMICS_DEBUG_TIMINGS=sql: each statement in full
    const text = process.env.TOKENOMICS_DEBUG_TIMINGS === 'sql' ? `${sql}\n` : sql.slice(0, 60).split('\n')[0];
    this.timings.push([text, performance.now() - start, (used.user + used.system) / 1000, start, (cpu.user + cpu.system) / 1000]);
  }

  /** Rows as plain JS objects (integers as bigint where the SQL type is BIGINT/HUGEINT). */
  async query(sql: string): Promise<Row[]> {
    const start = performance.now();
    const cpu = process.cpuUsage();
    try {
      const rows = (await this.onConnection((c) => this.started(c.runAndReadAll(sql)))).getRowObjectsJS() as Row[];
      this.timed(sql, start, cpu);
      return rows;
    } catch (err) {
      throw engineFailure('query failed', err);
    }
  }

  /**
   * Rows of `sql` handed to `visit` a chunk at a time (DuckDB streams them: memory holds one chunk,
   * whatever the result's size). Integers as bigint where the SQL type is BIGINT/HUGEINT, as query().
   */
  async eachRows(sql: string, visit: (rows: Row[]) => void): Promise<void> {
    try {
      await this.onConnection(async (c) => {
        const result = await c.stream(sql);
        for await (const rows of result.yieldRowObjectJs()) visit(rows as Row[]);
      });
    } catch (err) {
      // the visitor's own error (a --strict stop) as it is
      if (err instanceof UserError) throw err;
      throw engineFailure('query failed', err);
    }
  }

  /** Creates (or replaces) a small table from JS rows (price maps, card prices). */
  async loadTable(name: string, columns: Array<{ name: string; type: SqlType }>, rows: CellValue[][]): Promise<void> {
    await this.run(`CREATE OR REPLACE TABLE ${name} (${columns.map((c) => `${c.name} ${c.type}`).join(', ')})`);
    if (rows.length === 0) return;
    // TOKENOMICS_DEBUG_TIMINGS=sql: the rows as an INSERT, so that a dump replays as it ran
    if (process.env.TOKENOMICS_DEBUG_TIMINGS === 'sql')
      for (const insert of duckdbWarehouse.tableFromRows(name, columns, rows).slice(1))
        this.timed(insert, performance.now(), process.cpuUsage());
    const appender = await this.connection.createAppender(name);
    for (let start = 0; start < rows.length; start += CHUNK_ROWS) {
      const part = rows.slice(start, start + CHUNK_ROWS);
      const chunk = DuckDBDataChunk.create(
        columns.map((c) => TYPES[c.type]),
        part.length,
      );
      chunk.setColumns(columns.map((c, i) => part.map((row) => cell(c.type, row[i]))) as never);
      try {
        appender.appendDataChunk(chunk);
      } catch (err) {
        throw engineFailure(`cannot fill ${name}`, err);
      }
    }
    try {
      appender.closeSync();
    } catch (err) {
      throw engineFailure(`cannot fill ${name}`, err);
    }
  }

  /**
   * A name DuckDB's file readers take as it is for `file`: `file` itself, or where they would read
   * it as a pattern (readAsPattern), a symbolic link to it in a folder of its own, removed by close().
   */
  plainName(file: string): string {
    if (!readAsPattern(file)) return file;
    const folder = temporary(mkdtempSync(join(tmpdir(), 'tokenomics-input-')));
    this.linkFolders.push(folder);
    const link = join(folder, 'input');
    if (readAsPattern(link))
      throw new EngineError(
        `cannot read ${JSON.stringify(file)}: the temporary folder's name ${JSON.stringify(folder)} reads as a pattern`,
        'set TMPDIR to a folder without * ? [ ] { }',
      );
    symlinkSync(resolve(file), link);
    return link;
  }

  close(): void {
    for (const folder of this.linkFolders.splice(0)) removeTemporary(folder);
    if (process.env.TOKENOMICS_DEBUG_TIMINGS)
      for (const [sql, ms, cpuMs, at, cpuAt] of this.timings)
        process.stderr.write(
          `@${at.toFixed(0).padStart(6)} (cpu ${cpuAt.toFixed(0).padStart(5)}) ${ms.toFixed(0).padStart(7)} ms ${cpuMs.toFixed(0).padStart(7)} cpu ms  ${sql}\n`,
        );
    this.appender = undefined;
    for (const connection of this.spare.splice(0)) connection.closeSync();
    this.connection.closeSync();
    if (this.freeOnClose) this.instance.closeSync();
  }
}

/** A DuckDB failure as an EngineError (exit 2); running out of memory says what to change. */
export function engineFailure(what: string, err: unknown): EngineError {
  const message = (err as Error)?.message ?? String(err);
  const first = message.split('\n')[0];
  // ("could not allocate block": the appender's words when the limit leaves it no room)
  if (/out of memory|failed to allocate|could not allocate|memory limit/i.test(message))
    return new EngineError(
      `${what}: out of memory (${first})`,
      'raise --memory-limit (DuckDB spills to a temporary directory beyond it, but needs some memory to work in)',
    );
  return new EngineError(`${what}: ${first}`);
}

function cell(type: SqlType, v: CellValue, r?: UsageRecord): unknown {
  if (v === null || type !== 'BIGINT') return v;
  if (typeof v !== 'number' || !Number.isSafeInteger(v)) {
    const where = r ? `${r.source.file}${r.source.line !== undefined ? `:${r.source.line}` : ''}: ` : '';
    throw new EngineError(
      `${where}expected a whole number, got ${String(v)}`,
      'token counts and request counts must be non-negative integers',
    );
  }
  return BigInt(v);
}

/** What RowKinds records of some rows, as aggregates (a row of them per group, or one over every row). */
const ROW_KINDS_SELECT = `bool_or(service_tier IS NOT NULL) AS tiers, bool_or(fast) AS fast, bool_or(requests IS DISTINCT FROM 1) AS other,
  bool_and(customer IS NOT NULL AND customer <> '') AS customers, bool_and(user_id IS NOT NULL AND user_id <> '') AS users,
  bool_or(turn IS NOT NULL) AS turns, bool_or(conversation_id IS NOT NULL) AS conversations,
  ${ZERO_CANDIDATES.map((c, i) => `bool_and(${c === 'estimated' ? 'NOT estimated' : `${c} = 0`}) AS z${i}`).join(', ')}`;

/** The columns of ROW_KINDS_SELECT, and those of them true when any row's is (the others: when every row's is). */
const ROW_KINDS_KEYS = [
  'tiers',
  'fast',
  'other',
  'customers',
  'users',
  'turns',
  'conversations',
  ...ZERO_CANDIDATES.map((_, i) => `z${i}`),
];
const ROW_KINDS_SOME = new Set(['tiers', 'fast', 'other', 'turns', 'conversations']);

/**
 * The RowKinds of rows whose ROW_KINDS_SELECT aggregates are `rows` (one per group; a group without
 * rows has NULLs: nothing in it, and every row of it has a customer, a user, a zero count), with
 * those of other rows (`more`, as readers found them).
 */
function rowKindsOf(rows: readonly Row[], ...more: readonly RowKinds[]): RowKinds {
  const some = (key: string, kind: Exclude<keyof RowKinds, 'zero'>) => rows.some((r) => r[key] === true) || more.some((k) => k[kind]);
  const every = (key: string, kind: Exclude<keyof RowKinds, 'zero'>) => rows.every((r) => r[key] !== false) && more.every((k) => k[kind]);
  const kinds: RowKinds = {
    serviceTiers: some('tiers', 'serviceTiers'),
    fast: some('fast', 'fast'),
    otherRequests: some('other', 'otherRequests'),
    everyCustomer: every('customers', 'everyCustomer'),
    everyUser: every('users', 'everyUser'),
    turns: some('turns', 'turns'),
    conversations: some('conversations', 'conversations'),
  };
  const zero = ZERO_CANDIDATES.filter((c, i) => rows.every((r) => r[`z${i}`] !== false) && more.every((k) => k.zero?.includes(c)));
  return zero.length ? { ...kinds, zero } : kinds;
}
