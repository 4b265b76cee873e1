/**
 * Hot path: split Buffer chunks into lines (0x0A, CRLF tolerated; a line that is not JSON and holds a lone CR is split there too), decode UTF-8 and JSON.parse each
 * non-empty line. The complete lines of a chunk are decoded with one call and sliced (V8 slices share
 * the chunk string, no copy); only lines that span chunks are concatenated as Buffers. Lines longer than `maxLineBytes` are dropped while streaming (never
 * buffered whole) and reported once as `line-too-long`. UTF-8 validity is checked per chunk with the
 * native validator, and per line only inside a chunk that failed.
 */
import { isUtf8 } from 'node:buffer';

export interface LineSink {
  /** A parsed JSON value from line `line` (1-based). */
  value(value: unknown, line: number): void;
  /** A line that could not become a value. */
  bad(code: string, message: string, line: number, hint?: string): void;
}

export const DEFAULT_MAX_LINE_BYTES = 64 * 1024 * 1024;

export class JsonLineSplitter {
  /** Number of the last line completed (1-based). */
  lineNo = 0;
  private carry: Buffer[] = [];
  private carryBytes = 0;
  private discarding = false;

  constructor(
    private readonly sink: LineSink,
    private readonly maxLineBytes = DEFAULT_MAX_LINE_BYTES,
  ) {}

  push(chunk: Buffer): void {
    let start = 0;
    if (this.carryBytes > 0 || this.discarding) {
      const nl = chunk.indexOf(10);
      if (nl === -1) return this.keep(chunk, 0);
      this.finishCarried(chunk, 0, nl);
      start = nl + 1;
    }
    const last = chunk.lastIndexOf(10);
    if (last >= start) {
      if (isUtf8(chunk.subarray(start, last))) this.decodedLines(chunk.toString('utf8', start, last + 1));
      else this.bufferLines(chunk, start, last);
      start = last + 1;
    }
    if (start < chunk.length) this.keep(chunk, start);
  }

  /** Fast path: complete lines of valid UTF-8, decoded once per chunk and sliced. */
  private decodedLines(text: string): void {
    let start = 0;
    let nl = text.indexOf('\n');
    while (nl !== -1) {
      const lineNo = ++this.lineNo;
      const end = nl > start && text.charCodeAt(nl - 1) === 13 ? nl - 1 : nl;
      if (end > start) this.parse(text.slice(start, end), lineNo);
      start = nl + 1;
      nl = text.indexOf('\n', start);
    }
  }

  /** Slow path for a chunk holding invalid UTF-8: each line is checked on its own. */
  private bufferLines(chunk: Buffer, start: number, last: number): void {
    let nl = chunk.indexOf(10, start);
    while (nl !== -1 && nl <= last) {
      this.line(chunk, start, nl, true);
      start = nl + 1;
      nl = chunk.indexOf(10, start);
    }
  }

  /** End of input: the last line may lack a trailing newline. */
  end(): void {
    if (this.carryBytes > 0 || this.discarding) this.finishCarried(Buffer.alloc(0), 0, 0);
  }

  private keep(chunk: Buffer, start: number): void {
    if (this.discarding) return;
    const size = chunk.length - start;
    if (this.carryBytes + size > this.maxLineBytes) {
      this.carry = [];
      this.carryBytes = 0;
      this.discarding = true;
      return;
    }
    this.carry.push(start === 0 ? chunk : chunk.subarray(start));
    this.carryBytes += size;
  }

  private finishCarried(chunk: Buffer, start: number, end: number): void {
    if (this.discarding || this.carryBytes + (end - start) > this.maxLineBytes) {
      this.carry = [];
      this.carryBytes = 0;
      this.discarding = false;
      this.lineNo++;
      this.sink.bad(
        'line-too-long',
        `line is longer than ${this.maxLineBytes} bytes; skipped without parsing`,
        this.lineNo,
        "a JSONL record should fit on one line; a whole-file JSON document must start with [ or {; lines that end with a lone CR (old Mac line ends) are read as lines only when shorter: convert them first (tr '\\r' '\\n')",
      );
      return;
    }
    this.carry.push(chunk.subarray(start, end));
    const joined = Buffer.concat(this.carry, this.carryBytes + (end - start));
    this.carry = [];
    this.carryBytes = 0;
    this.line(joined, 0, joined.length, true);
  }

  private line(buf: Buffer, start: number, end: number, checkUtf8: boolean): void {
    const lineNo = ++this.lineNo;
    if (end > start && buf[end - 1] === 13) end--;
    if (end === start) return;
    if (checkUtf8 && !isUtf8(buf.subarray(start, end))) {
      this.sink.bad('invalid-utf8', 'line is not valid UTF-8', lineNo, 're-encode the file as UTF-8 (e.g. iconv -f latin1 -t utf-8)');
      return;
    }
    this.parse(buf.toString('utf8', start, end), lineNo);
  }

  private parse(text: string, lineNo: number, crSplit = true): void {
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch (err) {
      if (text.trim() === '') return;
      // a byte order mark inside the file: files that each start with one, concatenated (cat a.jsonl b.jsonl);
      // U+FEFF is no JSON whitespace, and a BOM is never part of a JSON value's first token
      if (text.charCodeAt(0) === 0xfeff) return this.parse(text.slice(1), lineNo, crSplit);
      // lines ended by a lone CR (classic Mac OS, some exporters) arrive as one line: read each part as
      // the line an editor shows it as. Only a line that fails as a whole: a CR inside a valid value is
      // JSON whitespace and stays
      if (crSplit && text.includes('\r')) return this.crLines(text, lineNo);
      if (text.includes('\u0000')) {
        this.sink.bad(
          'invalid-json',
          'invalid JSON: the line holds a NUL byte (a corrupt or partly overwritten line)',
          lineNo,
          "a log being written when a process or machine crashed can hold NUL bytes; the other lines are read (tr -d '\\000' < FILE drops the bytes)",
        );
        return;
      }
      this.sink.bad('invalid-json', `invalid JSON: ${(err as Error).message}`, lineNo, 'each line must be one complete JSON value');
      return;
    }
    this.sink.value(value, lineNo);
  }

  /** A line holding lone CRs, read as the lines they end (numbered on from `lineNo`, the lines after it too). */
  private crLines(text: string, lineNo: number): void {
    const parts = text.split(/\r\n?/);
    parts.forEach((part, i) => this.parse(part, i === 0 ? lineNo : ++this.lineNo, false));
  }
}
