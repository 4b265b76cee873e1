/**
 * Connects the reader of one file to its adapter: buffers the first values for detection, then feeds
 * every value (or CSV row) to the chosen adapter with the context's line set. Adapter exceptions become
 * `adapter-error` rejections instead of crashing the run.
 */
import { UserError, type Severity } from '../core/issues.js';
import {
  DETECT_VALUES,
  UNRECOGNISED_HINT,
  bestJsonScore,
  detectCsv,
  detectDocument,
  detectJson,
  documentValues,
  type ForcedFormat,
} from './detect.js';
import { GENERIC_NAME } from './formats/generic.js';
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
  /** Fields in the CSV header: a shorter row is rejected, never read with empty (zero) counts. */
  private columnCount = 0;
  /** Values a forced format was offered, and those it recognised. */
  private forcedValues = 0;
  private forcedRecognised = 0;

  constructor(
    private readonly session: IngestSession,
    readonly ctx: FileContext,
    private readonly forced: ForcedFormat | undefined,
  ) {}

  /** Every adapter that read values of this file (for endFile/endRun). */
  get jsonAdapters(): JsonAdapter[] {
    return this.jsonAdapter ? [this.jsonAdapter, ...this.extra] : [];
  }

  /**
   * One JSON line. What a record is, for lines that hold several: the elements of an array on one
   * line are records each (one level deep, like the elements of a whole-file array), and so are the
   * records the adapter unwraps from a container (an API page, an OTLP export), as for a whole-file
   * document; each counts as read, so counted + skipped + rejected = read holds by record.
   */
  value(value: unknown, line: number): void {
    if (Array.isArray(value)) {
      if (value.length === 0) {
        this.session.counts.read++;
        this.ctx.line = line;
        return this.ctx.skip('empty-array');
      }
      for (const v of value) this.one(v, line);
      return;
    }
    this.one(value, line);
  }

  private one(value: unknown, line: number): void {
    const adapter = this.jsonAdapter;
    if (adapter) this.convertAll(this.route(adapter, value), value, line);
    else if (!this.stopped) {
      this.pending.push({ value, line });
      if (this.pending.length >= DETECT_VALUES) this.choose();
    }
  }

  /** Another adapter reads some values of this file (see route). */
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
    const wholeScore = this.forced ? safeDetect(adapter, doc) : 0;
    for (let i = 0; i < values.length; i++)
      if (this.forcedAccepts(adapter, values[i], wholeScore, i + 1)) this.convert(adapter, values[i], i + 1);
  }

  /** A streamed page's records: inside one-record pages unless the format reads them better bare (ReadHandler.pageForm). */
  pageForm(envelope: Record<string, unknown>, key: string, sample: readonly unknown[]): 'page' | 'record' {
    const pages = sample.map((v) => ({ ...envelope, [key]: [v] }));
    const adapters = this.forced?.json ? [this.forced.json] : undefined;
    return bestJsonScore(sample, adapters) > bestJsonScore(pages, adapters) ? 'record' : 'page';
  }

  header(columns: string[], line: number): boolean {
    const adapter = this.forced ? this.forced.csv : detectCsv(columns);
    if (!adapter) {
      if (this.forced) this.fileIssue('error', 'wrong-shape', `format ${this.forced.name} does not read CSV files`);
      else this.unrecognised();
      return false;
    }
    this.format = adapter.name;
    this.ctx.adapter = adapter.name;
    this.ctx.line = line;
    this.columnCount = columns.length;
    this.noteDuplicateColumns(columns, line);
    return this.prepareCsv(adapter, columns);
  }

  /** Two columns with one name: readers take the first; say which, naming both. */
  private noteDuplicateColumns(columns: string[], line: number): void {
    const first = new Map<string, number>();
    columns.forEach((c, i) => {
      const key = c.trim().toLowerCase();
      if (key === '') return;
      const j = first.get(key);
      if (j === undefined) first.set(key, i);
      else
        this.fileIssue(
          'warning',
          'duplicate-column',
          `columns ${j + 1} ("${shortName(columns[j])}") and ${i + 1} ("${shortName(c)}") have the same name; only column ${j + 1} is read`,
          'rename or remove one of them',
          line,
        );
    });
  }

  row(row: string[], line: number): void {
    const convert = this.rowConverter;
    if (!convert) return;
    this.session.counts.read++;
    this.ctx.line = line;
    if (row.length !== this.columnCount && this.badRowLength(row)) return;
    try {
      convert(row, this.ctx);
    } catch (err) {
      this.adapterFailed(err);
    }
  }

  /**
   * A row shorter than the header lost fields (a cut line, a missing delimiter): rejected, since its
   * missing counts would read as 0. A longer row with non-empty extra fields has an unquoted delimiter
   * somewhere: its columns are shifted, rejected too. Empty extras (a trailing delimiter) are harmless.
   */
  private badRowLength(row: string[]): boolean {
    const n = this.columnCount;
    if (row.length < n) {
      this.ctx.reject(
        'short-row',
        `row has ${row.length} field${row.length === 1 ? '' : 's'}, the header has ${n}`,
        undefined,
        'the row was cut short (a truncated file, or a missing delimiter); fix or remove it',
      );
      return true;
    }
    if (row.slice(n).some((f) => f.trim() !== '')) {
      this.ctx.reject(
        'long-row',
        `row has ${row.length} fields, the header has ${n}`,
        undefined,
        'a field holding the delimiter must be wrapped in double quotes',
      );
      return true;
    }
    return false;
  }

  fileIssue(severity: Severity, code: string, message: string, hint?: string, line?: number): void {
    this.session.fileIssue(this.ctx.file, severity, code, message, hint, line);
  }

  /**
   * A forced format reads only what it recognises (its detect score is above 0, for the value or the
   * document holding it): anything else is rejected, never counted as a record of that format.
   * The generic format is exempt: with a column mapping it reads any object, without one it rejects
   * what it cannot map.
   */
  private forcedAccepts(adapter: JsonAdapter, value: unknown, wholeScore: number, line: number): boolean {
    if (!this.forced || adapter.name === GENERIC_NAME) return true;
    this.forcedValues++;
    if (wholeScore > 0 || safeDetect(adapter, value) > 0) {
      this.forcedRecognised++;
      return true;
    }
    this.session.counts.read++;
    this.ctx.line = line;
    this.ctx.reject(
      'not-this-format',
      `not a record of the ${adapter.name} format (forced by --input-format)`,
      undefined,
      `expected ${adapter.description}; drop --input-format to detect the format`,
    );
    return false;
  }

  /** End of input: detect on what was buffered (short files), flush the adapter's per-file state. */
  finish(): void {
    if (!this.jsonAdapter && this.pending.length > 0) this.choose();
    if (this.forced && this.jsonAdapter && this.forcedValues > 0 && this.forcedRecognised === 0) {
      throw new UserError(
        `${this.ctx.file}: --input-format ${this.forced.name} recognised none of the ${this.forcedValues} values in this file`,
        `${this.forced.name} reads ${this.jsonAdapter.description}; drop --input-format to detect the format`,
      );
    }
    for (const adapter of this.jsonAdapters) {
      if (!adapter.endFile) continue;
      this.ctx.line = 0;
      this.ctx.adapter = adapter.name;
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
    for (const p of pending) this.convertAll(this.route(adapter, p.value), p.value, p.line);
  }

  /** A line's value: the records the adapter unwraps from it (a page, an export), else the value itself. */
  private convertAll(adapter: JsonAdapter, value: unknown, line: number): void {
    if (!this.forcedAccepts(adapter, value, 0, line)) return;
    const records = adapter.unwrap ? documentValues(adapter, value) : undefined;
    if (!records || records.length === 0 || (records.length === 1 && records[0] === value)) return this.convert(adapter, value, line);
    for (const r of records) this.convert(adapter, r, line);
  }

  /**
   * The adapter for one value: the file's, unless it barely recognises the value; then the first
   * adapter in ROUTE_ORDER that recognises it confidently. Never depends on earlier lines.
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
    this.ctx.adapter = adapter.name;
    try {
      adapter.convert(value, this.ctx);
    } catch (err) {
      this.adapterFailed(err);
    }
  }

  private adapterFailed(err: unknown): void {
    if (err instanceof UserError) throw err;
    this.ctx.reject(
      'adapter-error',
      `could not convert: ${(err as Error).message ?? String(err)}`,
      undefined,
      'this is a bug in tokenomics; please report it with the line',
    );
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
    routeList = [
      ...ROUTE_FIRST.map((n) => all.find((a) => a.name === n)).filter((a): a is JsonAdapter => !!a),
      ...all.filter((a) => !ROUTE_FIRST.includes(a.name)),
    ];
  }
  return routeList;
}

/** A column name from data, cut to a length that fits a message (renderers escape it). */
function shortName(column: string): string {
  const name = column.trim();
  return name.length > 80 ? `${name.slice(0, 80)}...` : name;
}

function safeDetect(adapter: JsonAdapter, value: unknown): number {
  try {
    return adapter.detect(value);
  } catch {
    return 0;
  }
}
