/** Global options -> typed settings; output, colour, progress and config at the edge. */
import { describeWriteError, writeFileAtomic } from '../core/atomic-write.js';
import { formatIssue, shownLines, UserError } from '../core/issues.js';
import { resolveConfig, type ProjectConfig } from '../config/project.js';
import { litellmBadPriceWarning, loadCatalog, type LoadReport } from '../pricing/load.js';
import { dateToMs } from '../pricing/compile.js';
import { parseIsoStrict } from '../core/iso.js';
import type { Catalog } from '../pricing/catalog.js';
import { FORMAT_NAMES, renderAs } from '../report/formats/index.js';
import type { Report } from '../report/model.js';
import type { ReportData } from '../report/data.js';
import { inert } from '../core/untrusted.js';
import { wrapText } from '../report/table.js';
import type { ColumnMapping } from '../ingest/types.js';
import { isParquetName } from '../ingest/inputs.js';
import type { FileRead } from '../ingest/index.js';
import type { UsageRecord } from '../usage/record.js';

export interface GlobalOptions {
  format?: string;
  output?: string;
  /** --color always|never|auto (a string), or false from --no-color. */
  color?: boolean | string;
  wide?: boolean;
  all?: boolean;
  quiet?: boolean;
  verbose?: boolean;
  prices?: string[];
  /** false from --no-config. */
  config?: string | false;
  strict?: boolean;
}

/** Rows a table section shows before the rest is left out with a line saying so (--all shows them all). */
export const DEFAULT_MAX_ROWS = 20;
/** Width of table output when stdout is not a terminal and COLUMNS is unset (pipes, files, tests). */
export const DEFAULT_WIDTH = 80;

/**
 * Colour: --color always|never (or --no-color) wins; output written to a file (-o) has none (a saved
 * report reads the same everywhere: FORCE_COLOR, often set in CI for the log, does not reach it); then
 * FORCE_COLOR (set and not "0": on; "0": off); then NO_COLOR (set and non-empty: off); else colour when
 * stdout is a terminal.
 */
export function colorWanted(opts: GlobalOptions, io: Io): boolean {
  const flag = opts.color;
  if (flag === false || flag === 'never') return false;
  if (flag === 'always') return true;
  if (flag !== undefined && flag !== true && flag !== 'auto') throw new UserError(`--color expects always, never or auto (got "${flag}")`);
  if (opts.output) return false;
  const force = io.env.FORCE_COLOR;
  if (force !== undefined && force !== '') return force !== '0' && force !== 'false';
  if (io.env.NO_COLOR !== undefined && io.env.NO_COLOR !== '') return false;
  return !!io.stdout.isTTY;
}

/**
 * Width that table output fits: none with --wide; the terminal's columns when stdout is one;
 * else COLUMNS when set to a number; else 80, so piped and saved output reads the same everywhere.
 */
export function outputWidth(opts: GlobalOptions, io: Io): number | undefined {
  if (opts.wide) return undefined;
  if (!opts.output && io.stdout.isTTY && io.stdout.columns && io.stdout.columns > 0) return Math.max(40, io.stdout.columns);
  const env = io.env.COLUMNS;
  if (env !== undefined && /^\d+$/.test(env.trim()) && Number(env) > 0) return Math.max(40, Number(env));
  return DEFAULT_WIDTH;
}

const DATE_FORM = /^\d{4}-\d{2}-\d{2}$/;
const ZONED_TIME = /^\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}(?::\d{2}(?:\.\d{1,9})?)?(?:[Zz]|[+-]\d{2}:?\d{2})$/;
const ZONELESS_TIME = /^\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?$/;

/**
 * A date option (`--at`): YYYY-MM-DD that is on the calendar, as UTC midnight, or an ISO 8601 time
 * that names its zone (`2026-03-01T12:00:00Z`, `2026-03-01T13:00+01:00`), for a price that changes
 * during a day (the catalog's periods may start at a UTC minute). A time without a zone is refused,
 * not guessed: its instant depends on where it was meant. A date or time of the right form that
 * does not exist (2026-13-01, 2026-02-30, 24:00) is named as such, not as a wrong form.
 */
export function dateOptionMs(flag: string, value: string): number {
  const example = `e.g. ${flag} 2025-06-01, or ${flag} 2025-06-01T16:00:00Z for a time (Z for UTC, or an offset such as +08:00)`;
  if (ZONELESS_TIME.test(value))
    throw new UserError(
      `${flag}: "${value}" has no time zone`,
      `add Z for UTC or the offset it was meant in, e.g. ${flag} ${value.replace(' ', 'T')}Z`,
    );
  if (ZONED_TIME.test(value)) {
    const ms = parseIsoStrict(value);
    if (Number.isNaN(ms)) throw new UserError(`${flag}: "${value}" is not a real date and time`, example);
    return ms;
  }
  const dateForm = DATE_FORM.test(value);
  const ms = dateForm ? dateToMs(value) : Number.NaN;
  if (Number.isNaN(ms))
    throw new UserError(
      dateForm
        ? `${flag}: "${value}" is not a calendar date`
        : `${flag} expects a date YYYY-MM-DD or an ISO 8601 time with a zone (got "${value}")`,
      example,
    );
  return ms;
}

/** Whether a date option (dateOptionMs) is a date, priced as of its 00:00 UTC, rather than a time. */
export const isDateOption = (value: string): boolean => DATE_FORM.test(value);

/** How a date option's instant is shown: a date as given, a time in UTC (`2026-03-01T11:00:00.000Z`). */
export const dateOptionLabel = (value: string, ms: number): string => (isDateOption(value) ? value : new Date(ms).toISOString());

export interface Io {
  stdout: { write(s: string): unknown; isTTY?: boolean; columns?: number };
  stderr: { write(s: string): unknown; isTTY?: boolean; columns?: number };
  stdin: NodeJS.ReadableStream;
  env: Record<string, string | undefined>;
  cwd: string;
  now: () => number;
  /**
   * The process ends as soon as the command returns (bin/tokenomics.js): what would go with it, such
   * as the engine's memory and threads, is left to the exit instead of being freed piece by piece.
   */
  exitsAfter?: boolean;
}

export class CommandContext {
  /** A name from the formatter registry (src/report/formats). */
  readonly format: string;
  readonly color: boolean;
  /** Widest table line; undefined with --wide. */
  readonly width: number | undefined;
  /** Rows per table section; undefined with --all. */
  readonly maxRows: number | undefined;
  readonly quiet: boolean;
  readonly verbose: boolean;
  readonly strict: boolean;
  private configCache?: ProjectConfig | null;
  private catalogCache?: { catalog: Catalog; report: LoadReport };
  /** LiteLLM entries (file and key) whose bad price was said: once a run, whatever loads them again. */
  private readonly saidOnce = new Set<string>();

  constructor(
    readonly io: Io,
    readonly opts: GlobalOptions,
  ) {
    const fmt = opts.format ?? 'table';
    if (!FORMAT_NAMES.includes(fmt)) throw new UserError(`unknown format "${fmt}"`, `use one of: ${FORMAT_NAMES.join(', ')}`);
    this.format = fmt;
    this.color = colorWanted(opts, io);
    this.width = outputWidth(opts, io);
    this.maxRows = opts.all ? undefined : DEFAULT_MAX_ROWS;
    this.quiet = !!opts.quiet;
    this.verbose = !!opts.verbose;
    this.strict = !!opts.strict;
  }

  get config(): ProjectConfig | undefined {
    if (this.configCache === undefined) {
      const cfg = this.opts.config === false ? undefined : resolveConfig(this.opts.config, this.io.cwd);
      this.configCache = cfg ?? null;
      if (cfg && !cfg.explicit)
        this.info(
          `using config ${inert(cfg.file, 0)}${cfg.file.startsWith(this.io.cwd) ? '' : ' (found above the current directory)'}; --no-config ignores it`,
        );
      else if (cfg) this.debug(`using config ${inert(cfg.file, 0)}`);
    }
    return this.configCache ?? undefined;
  }

  loadCatalog(extraPriceFiles: string[] = []): { catalog: Catalog; report: LoadReport } {
    if (this.catalogCache && extraPriceFiles.length === 0) return this.catalogCache;
    const result = this.catalogFor(this.config, extraPriceFiles);
    if (extraPriceFiles.length === 0) this.catalogCache = result;
    // each entry said once a run (a --reprice file loads the --prices files again)
    const fresh = result.report.litellmSkipped.filter((s) => {
      const key = `${s.file}\0${s.key}`;
      if (!s.badPrice || this.saidOnce.has(key)) return false;
      this.saidOnce.add(key);
      return true;
    });
    const bad = litellmBadPriceWarning(fresh);
    if (bad) this.warn(bad);
    return result;
  }

  /** The catalog with `cfg`'s `prices:` and `modelAliases` (another revision's tokenomics.yaml, for `check --base-ref`) and the run's --prices files. */
  catalogFor(cfg: ProjectConfig | undefined, extraPriceFiles: string[] = []): { catalog: Catalog; report: LoadReport } {
    return loadCatalog({
      priceFiles: [...(this.opts.prices ?? []), ...extraPriceFiles],
      configPrices:
        cfg?.doc.prices !== undefined ? { file: cfg.file, value: cfg.doc.prices, loaded: cfg.loaded, basePath: ['prices'] } : undefined,
      modelAliases: (cfg?.doc.modelAliases as Record<string, string> | undefined) ?? undefined,
      modelAliasesAt: cfg ? { file: cfg.file, loaded: cfg.loaded } : undefined,
    });
  }

  /**
   * Render and write a report to stdout or --output. Warnings (the report's, and notes that start
   * with "warning: ") go to stderr in every format, so `> file`, -o and JSON/CSV never hide them;
   * table output leaves them out of stdout, markdown keeps them in the document too, and JSON
   * carries them in `warnings` (commands that build their own list keep theirs).
   */
  async emit(report: Report, section?: string, opts: { moreHint?: string } = {}): Promise<void> {
    const out = this.withWarnings(report);
    this.write(await this.render(out, this.format, section, opts.moreHint));
    for (const w of out.warnings ?? []) this.warn(w);
  }

  /** The report in one format, as `emit` would write it (with this run's width, colour and row limit). */
  async render(report: Report, format: string, section?: string, moreHint?: string): Promise<string> {
    return renderAs(this.withWarnings(report), format, {
      color: this.color,
      width: this.width,
      maxRows: this.maxRows,
      moreHint,
      section,
    });
  }

  /** Notes that start with "warning: " moved to the report's warnings (and into JSON `warnings` when the document has none). */
  private withWarnings(report: Report): Report {
    const moved = report.notes.filter((n) => n.startsWith('warning: '));
    // issues of warning severity (an empty standard input, a duplicated column) go to stderr, not into the body
    const warned = (report.issues ?? []).filter((i) => i.severity === 'warning');
    if (moved.length === 0 && warned.length === 0 && !(this.format === 'json' && report.warnings?.length)) return report;
    const warnings = [
      ...(report.warnings ?? []),
      ...warned.map((i) => formatIssue(i).slice('warning: '.length)),
      ...moved.map((n) => n.slice('warning: '.length)),
    ];
    const out: Report = { ...report, warnings, notes: report.notes.filter((n) => !n.startsWith('warning: ')) };
    if (report.issues) out.issues = report.issues.filter((i) => i.severity !== 'warning');
    // typed documents carry their own warnings; a document built as JSON values gets the list when it has none
    const data = report.data;
    if (
      this.format === 'json' &&
      warnings.length &&
      data.command !== 'report' &&
      data.command !== 'tokens' &&
      !('warnings' in data.document)
    )
      // the same command, its document with the warnings added (TypeScript does not pair the union's members here)
      out.data = { ...data, document: { ...data.document, warnings } } as ReportData;
    return out;
  }

  write(text: string): void {
    if (this.opts.output) {
      try {
        writeFileAtomic(this.opts.output, text);
      } catch (err) {
        throw new UserError(
          `cannot write ${this.opts.output}: ${describeWriteError(err)}`,
          'the previous content of the file, if any, is unchanged',
        );
      }
    } else this.io.stdout.write(text);
  }

  /**
   * A line on stderr unless --quiet, inert (it may name a file or a scenario: a newline in it prints as
   * `\n`), word-wrapped to stderrWidth as warnings are (continuation lines indented by two).
   */
  info(line: string): void {
    if (!this.quiet) this.io.stderr.write(`${this.stderrLines(line)}\n`);
  }

  private stderrLines(line: string): string {
    const width = this.stderrWidth;
    return shownLines(line, 4000)
      .flatMap((l, i) => wrapText(i === 0 ? l : `  ${l.trimStart()}`, width, '  '))
      .join('\n');
  }

  /**
   * Reads a Parquet file for the commands that take records one by one (PipelineContext.readRecordsOf):
   * through the engine's Parquet reader, loaded only when such a file is read. Other files: undefined.
   */
  async readRecordsOf(path: string, columns: ColumnMapping | undefined, onRecord: (r: UsageRecord) => void): Promise<FileRead | undefined> {
    if (!isParquetName(path)) return undefined;
    const { readParquetRecords } = await import('../engine/parquet-records.js');
    return readParquetRecords(path, columns, onRecord, { tempRoot: this.io.env.TMPDIR });
  }

  /** A line on stderr with --verbose, inert (it names files and models from the inputs). */
  debug(line: string): void {
    if (this.verbose) this.io.stderr.write(`${this.stderrLines(line)}\n`);
  }

  /**
   * A warning on stderr unless --quiet: one line and its hint, if any (shownLines: any other newline and
   * control character visible), bounded, yellow on a colour terminal, word-wrapped to stderrWidth
   * (continuation lines indented by two).
   */
  warn(line: string): void {
    if (this.quiet) return;
    const width = this.stderrWidth;
    const text = shownLines(line, 4000)
      .flatMap((l, i) => wrapText(`${i === 0 ? 'warning: ' : '  '}${l.trimStart()}`, width, '  '))
      .join('\n');
    this.io.stderr.write((this.stderrColor ? `\x1b[33m${text}\x1b[39m` : text) + '\n');
  }

  /**
   * Width warnings wrap at: stderr's columns on a terminal, else COLUMNS when set; else none, so a CI log
   * or `2> file` keeps one warning per line (grep finds it whole; log viewers wrap for themselves).
   */
  get stderrWidth(): number | undefined {
    const columns = this.io.stderr.isTTY ? this.io.stderr.columns : undefined;
    if (this.opts.wide === true || (columns === undefined && this.io.env.COLUMNS === undefined)) return undefined;
    return outputWidth({ ...this.opts, output: undefined }, { ...this.io, stdout: this.io.stderr });
  }

  /** Colour on stderr: as for stdout, judged on stderr being a terminal. */
  get stderrColor(): boolean {
    return colorWanted({ ...this.opts, output: undefined }, { ...this.io, stdout: this.io.stderr });
  }

  /** Whether progress lines may be drawn (stderr is a terminal and not --quiet). */
  get progressAllowed(): boolean {
    return !this.quiet && !!this.io.stderr.isTTY;
  }
}
