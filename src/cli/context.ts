/** Global options -> typed settings; output, colour, progress and config at the edge. */
import { describeWriteError, writeFileAtomic } from '../core/atomic-write.js';
import { UserError } from '../core/issues.js';
import { resolveConfig, type ProjectConfig } from '../config/project.js';
import { loadCatalog, type LoadReport } from '../pricing/load.js';
import type { Catalog } from '../pricing/catalog.js';
import { OUTPUT_FORMATS, render, type OutputFormat } from '../report/format.js';
import type { Report } from '../report/model.js';

export interface GlobalOptions {
  format?: string;
  output?: string;
  color?: boolean;
  quiet?: boolean;
  verbose?: boolean;
  prices?: string[];
  config?: string;
  strict?: boolean;
}

export interface Io {
  stdout: { write(s: string): unknown; isTTY?: boolean; columns?: number };
  stderr: { write(s: string): unknown; isTTY?: boolean };
  stdin: NodeJS.ReadableStream;
  env: Record<string, string | undefined>;
  cwd: string;
  now: () => number;
}

export class CommandContext {
  readonly format: OutputFormat;
  readonly color: boolean;
  readonly quiet: boolean;
  readonly verbose: boolean;
  readonly strict: boolean;
  private configCache?: ProjectConfig | null;
  private catalogCache?: { catalog: Catalog; report: LoadReport };

  constructor(readonly io: Io, readonly opts: GlobalOptions) {
    const fmt = opts.format ?? 'table';
    if (!(OUTPUT_FORMATS as readonly string[]).includes(fmt)) throw new UserError(`unknown format "${fmt}"`, `use one of: ${OUTPUT_FORMATS.join(', ')}`);
    this.format = fmt as OutputFormat;
    const noColorEnv = io.env.NO_COLOR !== undefined && io.env.NO_COLOR !== '';
    this.color = opts.color !== false && !noColorEnv && !opts.output && !!io.stdout.isTTY;
    this.quiet = !!opts.quiet;
    this.verbose = !!opts.verbose;
    this.strict = !!opts.strict;
  }

  get config(): ProjectConfig | undefined {
    if (this.configCache === undefined) this.configCache = resolveConfig(this.opts.config, this.io.cwd) ?? null;
    return this.configCache ?? undefined;
  }

  loadCatalog(extraPriceFiles: string[] = []): { catalog: Catalog; report: LoadReport } {
    if (this.catalogCache && extraPriceFiles.length === 0) return this.catalogCache;
    const cfg = this.config;
    const result = loadCatalog({
      priceFiles: [...(this.opts.prices ?? []), ...extraPriceFiles],
      configPrices: cfg?.doc.prices !== undefined ? { file: cfg.file, value: cfg.doc.prices, loaded: cfg.loaded, basePath: ['prices'] } : undefined,
      modelAliases: (cfg?.doc.modelAliases as Record<string, string> | undefined) ?? undefined,
    });
    if (extraPriceFiles.length === 0) this.catalogCache = result;
    return result;
  }

  /** Render and write a report to stdout or --output. */
  emit(report: Report, section?: string): void {
    const text = render(report, this.format, { color: this.color, width: this.io.stdout.columns, section });
    this.write(text);
  }

  write(text: string): void {
    if (this.opts.output) {
      try {
        writeFileAtomic(this.opts.output, text);
      } catch (err) {
        throw new UserError(`cannot write ${this.opts.output}: ${describeWriteError(err)}`, 'the previous content of the file, if any, is unchanged');
      }
    } else this.io.stdout.write(text);
  }

  /** A line on stderr unless --quiet. */
  info(line: string): void {
    if (!this.quiet) this.io.stderr.write(line + '\n');
  }

  debug(line: string): void {
    if (this.verbose) this.io.stderr.write(line + '\n');
  }

  warn(line: string): void {
    if (!this.quiet) this.io.stderr.write(`warning: ${line}\n`);
  }

  /** Whether progress lines may be drawn (stderr is a terminal and not --quiet). */
  get progressAllowed(): boolean {
    return !this.quiet && !!this.io.stderr.isTTY;
  }
}
