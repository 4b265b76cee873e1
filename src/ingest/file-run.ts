/**
 * Connects the reader of one file to its adapter: buffers the first values for detection, then feeds
 * every value (or CSV row) to the chosen adapter with the context's line set. Adapter exceptions become
 * `adapter-error` rejections instead of crashing the run.
 */
import { UserError, type Severity } from '../core/issues.js';
import { DETECT_VALUES, UNRECOGNISED_HINT, detectCsv, detectDocument, detectJson, documentValues, type ForcedFormat } from './detect.js';
import { getJsonAdapters } from './registry.js';
import type { ReadHandler } from './read/file.js';
import type { FileContext, IngestSession } from './session.js';
import type { CsvAdapter, JsonAdapter } from './types.js';

type RowConverter = (row: readonly string[], ctx: FileContext) => void;

/**
 * A value the file's adapter scores below this is offered to every adapter: files written by a
 * gateway or logging middleware mix providers line by line ({request, response} pairs of OpenAI
 * and Anthropic calls), and each line must be read by the adapter that knows its shape.
 */
const CONFIDENT_SCORE = 80;

export class FileRun implements ReadHandler {
  stopped = false;
  /** Name of the adapter used, once chosen. */
  format: string | undefined;
  jsonAdapter: JsonAdapter | undefined;
  private pending: { value: unknown; line: number }[] = [];
  /** Adapters that read some values of this file besides the chosen one (mixed files), in order of first use. */
  private readonly extra = new Set<JsonAdapter>();
  private rowConverter: RowConverter | undefined;

  constructor(
    private readonly session: IngestSession,
    readonly ctx: FileContext,
    private readonly forced: ForcedFormat | undefined,
  ) {}

  /** Every adapter that read values of this file (for endFile/endRun). */
  get jsonAdapters(): JsonAdapter[] {
    return this.jsonAdapter ? [this.jsonAdapter, ...this.extra] : [];
  }

  value(value: unknown, line: number): void {
    const adapter = this.jsonAdapter;
    if (adapter) this.convert(this.route(adapter, value), value, line);
    else if (!this.stopped) {
      this.pending.push({ value, line });
      if (this.pending.length >= DETECT_VALUES) this.choose();
    }
  }

  /** Reads with `adapter` from the first value (the second half of a split file uses the first half's choice). */
  presetJson(adapter: JsonAdapter): void {
    this.useJson(adapter);
  }

  /** Another adapter read values of this file elsewhere (the second half of a split file). */
  addAdapter(adapter: JsonAdapter): void {
    if (adapter === this.jsonAdapter || this.extra.has(adapter)) return;
    this.extra.add(adapter);
    this.format = this.jsonAdapters.map((a) => a.name).join('+');
  }

  bad(code: string, message: string, line: number, hint?: string): void {
    this.session.badValue(this.ctx.file, line, code, message, hint);
  }

  document(doc: unknown): void {
    const adapter = this.forced ? this.forcedJson() : detectDocument(doc);
    if (!adapter) return this.unrecognised();
    this.useJson(adapter);
    const values = documentValues(adapter, doc);
    for (let i = 0; i < values.length; i++) this.convert(adapter, values[i], i + 1);
  }

  header(columns: string[], line: number): boolean {
    const adapter = this.forced ? this.forced.csv : detectCsv(columns);
    if (!adapter) {
      if (this.forced) this.fileIssue('error', 'wrong-shape', `format ${this.forced.name} does not read CSV files`);
      else this.unrecognised();
      return false;
    }
    this.format = adapter.name;
    this.ctx.line = line;
    return this.prepareCsv(adapter, columns);
  }

  row(row: string[], line: number): void {
    const convert = this.rowConverter;
    if (!convert) return;
    this.session.counts.read++;
    this.ctx.line = line;
    try {
      convert(row, this.ctx);
    } catch (err) {
      this.adapterFailed(err);
    }
  }

  fileIssue(severity: Severity, code: string, message: string, hint?: string, line?: number): void {
    this.session.fileIssue(this.ctx.file, severity, code, message, hint, line);
  }

  /** End of input: detect on what was buffered (short files), flush the adapter's per-file state. */
  finish(): void {
    if (!this.jsonAdapter && this.pending.length > 0) this.choose();
    for (const adapter of this.jsonAdapters) {
      if (!adapter.endFile) continue;
      this.ctx.line = 0;
      try {
        adapter.endFile(this.ctx);
      } catch (err) {
        this.adapterFailed(err);
      }
    }
  }

  private prepareCsv(adapter: CsvAdapter, columns: string[]): boolean {
    try {
      this.rowConverter = adapter.prepare(columns, this.ctx) as RowConverter;
      return true;
    } catch (err) {
      if (err instanceof UserError) throw err;
      this.fileIssue('error', 'unusable-header', `${adapter.name}: ${(err as Error).message}`, UNRECOGNISED_HINT);
      return false;
    }
  }

  private forcedJson(): JsonAdapter | undefined {
    if (!this.forced?.json) this.fileIssue('error', 'wrong-shape', `format ${this.forced?.name} does not read JSON files`);
    return this.forced?.json;
  }

  private choose(): void {
    const values = this.pending.map((p) => p.value);
    const adapter = this.forced ? this.forcedJson() : detectJson(values);
    const pending = this.pending;
    this.pending = [];
    if (!adapter) return this.unrecognised();
    this.useJson(adapter);
    for (const p of pending) this.convert(this.route(adapter, p.value), p.value, p.line);
  }

  /**
   * The adapter for one value: the file's, unless it barely recognises the value; then the first
   * adapter in ROUTE_ORDER that recognises it confidently. Never depends on earlier lines, so the
   * second half of a split file routes each value as one pass would.
   */
  private route(adapter: JsonAdapter, value: unknown): JsonAdapter {
    if (this.forced) return adapter;
    if (safeDetect(adapter, value) >= CONFIDENT_SCORE) return adapter;
    for (const other of routeOrder()) {
      if (other === adapter || safeDetect(other, value) < CONFIDENT_SCORE) continue;
      this.addAdapter(other);
      return other;
    }
    return adapter;
  }

  private useJson(adapter: JsonAdapter): void {
    this.jsonAdapter = adapter;
    this.format = adapter.name;
  }

  private convert(adapter: JsonAdapter, value: unknown, line: number): void {
    this.session.counts.read++;
    this.ctx.line = line;
    try {
      adapter.convert(value, this.ctx);
    } catch (err) {
      this.adapterFailed(err);
    }
  }

  private adapterFailed(err: unknown): void {
    if (err instanceof UserError) throw err;
    this.ctx.reject('adapter-error', `could not convert: ${(err as Error).message ?? String(err)}`, undefined, 'this is a bug in tokenomics; please report it with the line');
  }

  private unrecognised(): void {
    this.stopped = true;
    if (this.forced) return;
    this.fileIssue('error', 'unrecognised-format', 'no log format recognised in this file', UNRECOGNISED_HINT);
  }
}

/**
 * Which adapter reads a value the file's own adapter does not recognise: the provider formats that
 * share files (gateway and middleware logs) first, so that routing costs a detect call or two.
 */
const ROUTE_FIRST = ['anthropic', 'openai', 'gemini', 'bedrock'];
let routeList: JsonAdapter[] | undefined;
function routeOrder(): JsonAdapter[] {
  if (!routeList) {
    const all = getJsonAdapters();
    routeList = [...ROUTE_FIRST.map((n) => all.find((a) => a.name === n)).filter((a): a is JsonAdapter => !!a), ...all.filter((a) => !ROUTE_FIRST.includes(a.name))];
  }
  return routeList;
}

function safeDetect(adapter: JsonAdapter, value: unknown): number {
  try {
    return adapter.detect(value);
  } catch {
    return 0;
  }
}
