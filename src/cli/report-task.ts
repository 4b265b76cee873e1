/**
 * How `report` (and `whatif --logs`) aggregate, as plain options, and the run of the SQL engine over
 * them: the command layer builds the engine's environment (catalog, clock, ingest options, stdin,
 * progress, memory limit) from its context. The engine is imported only here, when a command runs a
 * report: `prices`, `tokens` and `--help` never load DuckDB.
 */
import { mkdtempSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseDimensions, type Dimension } from '../aggregate/dims.js';
import { parseIsoStrict } from '../core/iso.js';
import { wallTimeToMs } from '../core/zone.js';
import { UserError } from '../core/issues.js';
import { removeTemporary, temporary } from '../core/temporaries.js';
import type { EngineReport } from '../engine/report.js';
import { ingestOptions, STDIN_FROM_TERMINAL } from '../pipeline/stream.js';
import { Progress } from '../pipeline/progress.js';
import { dateToMs } from '../pricing/compile.js';
import type { Catalog } from '../pricing/catalog.js';
import { Pricer } from '../pricing/cost.js';
import { formatterFor } from '../report/formats/index.js';
import type { UsageRecord } from '../usage/record.js';
import type { CommandContext } from './context.js';

export interface ReportTask {
  by: string;
  since?: string;
  until?: string;
  reprice?: string;
  /** IANA zone for day/week/month groups (UTC when unset). */
  tz?: string;
  inputFormat?: string;
  /** `--map` spec. */
  map?: string;
  /** `--memory-limit`: DuckDB's memory_limit (it spills to a temporary directory beyond it). */
  memoryLimit?: string;
}

export interface Repricing {
  pricer: Pricer;
  label: string;
}

function parseTime(value: string | undefined, flag: string, tz?: string): number | undefined {
  if (value === undefined) return undefined;
  // a date, or an ISO 8601 date-time; zone-less means wall-clock time in --tz (UTC without it); impossible dates and other forms ("-1") refused
  const zoneless = /^\d{4}-\d{2}-\d{2}([T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?)?$/.test(value);
  const iso = zoneless && value.length > 10 ? `${value.replace(' ', 'T')}Z` : value;
  const ms = value.length === 10 && zoneless ? dateToMs(value) : /^\d{4}-\d{2}-\d{2}[T ]/.test(value) ? parseIsoStrict(iso) : NaN;
  if (Number.isNaN(ms))
    throw new UserError(
      /^\d{4}-\d{2}-\d{2}$/.test(value)
        ? `${flag}: "${value}" is not a calendar date`
        : `${flag} expects a date or ISO 8601 time (got "${value}")`,
      'e.g. 2026-10-01 or 2026-10-01T12:00:00Z',
    );
  return zoneless && tz !== undefined && tz !== 'UTC' ? wallTimeToMs(ms, tz) : ms;
}

export function repricing(ctx: CommandContext, spec: string | undefined): Repricing | undefined {
  if (spec === undefined) return undefined;
  const now = ctx.io.now();
  if (spec === 'current')
    return {
      pricer: new Pricer(ctx.loadCatalog().catalog, { atMs: now }),
      label: `today's prices (${new Date(now).toISOString().slice(0, 10)})`,
    };
  if (/^\d{4}-\d{2}-\d{2}$/.test(spec) && Number.isNaN(dateToMs(spec)))
    throw new UserError(`--reprice: "${spec}" is not a calendar date`, 'e.g. --reprice 2026-01-15');
  if (/^\d{4}-\d{2}-\d{2}$/.test(spec))
    return { pricer: new Pricer(ctx.loadCatalog().catalog, { atMs: dateToMs(spec) }), label: `prices on ${spec}` };
  if (existsSync(spec)) return { pricer: new Pricer(ctx.loadCatalog([spec]).catalog, { atMs: now }), label: `proposed (${spec})` };
  throw new UserError(
    /^\d{4}-\d{2}-\d{2}/.test(spec) || !/[./\\]/.test(spec)
      ? `--reprice expects "current", a date YYYY-MM-DD or a price file (got "${spec}")`
      : `--reprice: no such price file: ${spec}`,
    '--reprice takes "current" (today\'s catalog), a date such as 2026-01-15, or the path of a price file (catalog YAML or LiteLLM JSON)',
  );
}

/** The options of a report run, checked before any input is read. */
export interface ReportPlan {
  dims: Dimension[];
  sinceMs?: number;
  untilMs?: number;
  reprice?: Repricing;
  /** --since / --until as given, for the "left out by" warning. */
  filters: string[];
  /** Only the N most expensive groups leave the engine (the rest summed exactly); undefined: all. */
  top?: number;
  /** The most groups the engine holds (EngineTask.maxGroups); undefined: its default. */
  maxGroups?: number;
  /** false: no per-group cost quantiles (EngineTask.groupQuantiles). */
  groupQuantiles?: boolean;
}

export function planReport(ctx: CommandContext, task: ReportTask): ReportPlan {
  const dims = parseDimensions(task.by, task.tz);
  const reprice = repricing(ctx, task.reprice);
  const sinceMs = parseTime(task.since, '--since', task.tz);
  const untilMs = parseTime(task.until, '--until', task.tz);
  if (sinceMs !== undefined && untilMs !== undefined && sinceMs >= untilMs)
    throw new UserError(
      `--since (${task.since}) is not before --until (${task.until}): no request can match`,
      'swap them, or widen the window',
    );
  const filters = [task.since !== undefined ? `--since ${task.since}` : '', task.until !== undefined ? `--until ${task.until}` : ''].filter(
    Boolean,
  );
  return { dims, sinceMs, untilMs, reprice, filters };
}

/**
 * The run's catalog, loaded at most once: by `tryLoad` (any failure kept for `get`) or by `get`,
 * which throws the failure. Its load is the start-up's largest part after DuckDB's, so it runs
 * while DuckDB reads rather than before.
 */
function deferredCatalog(ctx: CommandContext): { tryLoad(): void; get(): Catalog } {
  let loaded: { catalog: Catalog } | { error: unknown } | undefined;
  const tryLoad = () => {
    if (loaded) return;
    try {
      const { catalog, report } = ctx.loadCatalog();
      for (const src of report.sources)
        ctx.debug(`prices: ${src.label}: ${src.entries} entries${src.skipped ? `, ${src.skipped} not mappable` : ''}`);
      loaded = { catalog };
    } catch (error) {
      loaded = { error };
    }
  };
  return {
    tryLoad,
    get() {
      tryLoad();
      if (loaded && 'catalog' in loaded) return loaded.catalog;
      throw (loaded as { error: unknown }).error;
    },
  };
}

/**
 * Reads `inputs` into a fresh usage table in embedded DuckDB and reports on it. DuckDB spills to
 * a temporary directory of its own beyond the memory limit; the directory is removed afterwards.
 * `keep`: also hands every record, with its prompt text, to the caller (the TypeScript readers read
 * every file then, so that one read gives both the report and the records).
 */
export async function runReport(
  ctx: CommandContext,
  inputs: string[],
  task: ReportTask,
  plan: ReportPlan,
  keep?: (r: UsageRecord) => void,
): Promise<EngineReport> {
  if (inputs.length === 0) throw new UserError('no inputs given', 'pass log files, directories, glob patterns or - for stdin');
  // `-` on a terminal waits for typed or pasted lines: say so, as tokens does (a blank screen reads as a hang)
  if (inputs.includes('-') && (ctx.io.stdin as { isTTY?: boolean }).isTTY) ctx.info(STDIN_FROM_TERMINAL);
  const { reportViaDuckDB, openReportDb, SQL_FROM_BYTES } = await import('../engine/report.js');
  // the environment's TMPDIR (the command's, so tests can point it elsewhere), else the system's
  const tempDirectory = temporary(mkdtempSync(join(ctx.io.env.TMPDIR || tmpdir(), 'tokenomics-duckdb-')));
  // DuckDB opens on its own threads; the catalog loads while it runs its first long statement (the
  // read), or when the report first needs it
  const db = openReportDb({ memoryLimit: task.memoryLimit, tempDirectory });
  const catalog = deferredCatalog(ctx);
  db.then(
    (d) => {
      d.whileBusy(() => {
        catalog.tryLoad();
        // the report sorts names with localeCompare, whose first call builds ICU's collator (~10 ms):
        // built here, while DuckDB reads, instead of between the last query and the output
        'a'.localeCompare('b');
        // and the output format's module, initialized when first imported (~5 ms for JSON)
        formatterFor(ctx.format).catch(() => undefined);
      });
      // the process ends after the command: DuckDB's memory and threads go with it
      if (ctx.io.exitsAfter) d.freeOnClose = false;
    },
    () => undefined,
  );
  let ingest: ReturnType<typeof ingestOptions>;
  try {
    ingest = ingestOptions(ctx, { keepText: keep !== undefined, inputFormat: task.inputFormat, map: task.map });
  } catch (err) {
    await db.then(
      (d) => d.close(),
      () => undefined,
    );
    removeTemporary(tempDirectory);
    catalog.get(); // a catalog that cannot load is the error, as when it loaded first
    throw err;
  }
  const progress = new Progress(ctx);
  const startMs = Date.now();
  try {
    const result = await reportViaDuckDB(
      inputs,
      {
        dims: plan.dims,
        sinceMs: plan.sinceMs,
        untilMs: plan.untilMs,
        filters: plan.filters,
        top: plan.top,
        maxGroups: plan.maxGroups,
        groupQuantiles: plan.groupQuantiles,
      },
      {
        get catalog() {
          return catalog.get();
        },
        nowMs: ctx.io.now(),
        ingest,
        stdin: ctx.io.stdin,
        strict: ctx.strict,
        // no progress line to draw (-q, or stderr not a terminal): DuckDB's progress is not polled at all
        onProgress: ctx.progressAllowed ? (done, total) => progress.update(done, total) : undefined,
        db,
        reprice: plan.reprice,
        // small files by the TypeScript readers: an SQL read costs more than it saves there (a directory of thousands)
        sqlFromBytes: SQL_FROM_BYTES,
        ...(keep ? { sqlReaders: false, onRecord: keep } : {}),
      },
    );
    for (const f of result.ingest.files) ctx.debug(`read ${f.path}: ${f.format}, ${f.bytes} bytes`);
    ctx.debug(`report: ${result.ingest.counts.read} values in ${Date.now() - startMs} ms`);
    return result;
  } catch (err) {
    // a catalog that cannot load is the error, as when it loaded before any input was read
    catalog.get();
    throw err;
  } finally {
    progress.done();
    removeTemporary(tempDirectory);
  }
}
