/**
 * CSV reading with csv-parse in arrays mode. To keep the per-row cost at csv-parse's own, chunks are fed
 * to the parser's push API directly (no object-mode stream in between); the row's line number is
 * the line where the row starts (a quoted field may span lines), from csv-parse's line counters.
 */
import { isUtf8 } from 'node:buffer';
import { Parser } from 'csv-parse';

export interface CsvSink {
  /** The header row. Return false to stop reading the file. */
  header(columns: string[], line: number): boolean;
  row(row: string[], line: number): void;
  bad(code: string, message: string, line: number, hint?: string): void;
}

interface ParserApi {
  parse(buf: Buffer | undefined, end: boolean, push: (record: string[]) => void, close: () => void): Error | undefined;
}
interface ParserInternals {
  api: ParserApi;
  info: { lines: number; empty_lines: number };
}

/** A record (a quoted field) longer than this is an unclosed quote swallowing the file, not data. */
export const MAX_RECORD_BYTES = 64 * 1024 * 1024;

/** Delimiter of a header line: the most frequent of `,` `\t` `;` `|`, or undefined when none occurs. */
export function sniffDelimiter(headerLine: string): string | undefined {
  let best: string | undefined;
  let bestCount = 0;
  for (const d of [',', '\t', ';', '|']) {
    const count = headerLine.split(d).length - 1;
    if (count > bestCount) {
      best = d;
      bestCount = count;
    }
  }
  return best;
}

export class CsvSyntaxError extends Error {
  constructor(
    message: string,
    readonly line: number,
  ) {
    super(message);
  }
}

interface ParserState {
  quoting: boolean;
  record: unknown[];
  field: { length: number };
}

/**
 * csv-parse fed chunk by chunk (push API), rows and the header to `sink`. Each row's line number is
 * the line where it starts: where it ended last time, plus one, plus the empty lines skipped since.
 */
export class CsvChunkParser {
  private readonly parser: ParserInternals & { state?: ParserState };
  private headerSeen = false;
  private checkUtf8 = false;
  /** Line where the last record ended, and the empty lines skipped by then: the next record starts after both. */
  private lastEnd = 0;
  private lastEmpty = 0;
  stopped = false;

  constructor(
    delimiter: string,
    private readonly sink: CsvSink,
  ) {
    this.parser = new Parser({
      delimiter,
      relax_column_count: true,
      relax_quotes: true,
      bom: true,
      skip_empty_lines: true,
      max_record_size: MAX_RECORD_BYTES,
    }) as unknown as ParserInternals;
  }

  /** First line of the record being read (a quoted field may span lines). */
  private recordStart(): number {
    return this.lastEnd + 1 + (this.parser.info.empty_lines - this.lastEmpty);
  }

  /** A syntax error located where its record began: an unclosed quote is reported where it opened, not at the end of the file. */
  private syntaxError(err: Error & { code?: string }): CsvSyntaxError {
    const start = this.recordStart();
    if (err.code === 'CSV_QUOTE_NOT_CLOSED') return new CsvSyntaxError(`a quoted field opened on line ${start} is never closed`, start);
    if (err.code === 'CSV_MAX_RECORD_SIZE')
      return new CsvSyntaxError(
        `the record starting on line ${start} is longer than ${MAX_RECORD_BYTES} bytes (an unclosed quote?)`,
        start,
      );
    return new CsvSyntaxError(err.message, this.parser.info.lines);
  }

  private readonly utf8 = new Utf8Check();

  /** Throws CsvSyntaxError on a syntax error csv-parse cannot recover from. */
  push(chunk: Buffer): void {
    if (this.stopped) return;
    if (!this.checkUtf8 && !this.utf8.push(chunk)) this.checkUtf8 = true;
    const err = this.parser.api.parse(chunk, false, this.onRecord, noop);
    if (err) throw this.syntaxError(err);
  }

  end(): void {
    if (this.stopped) return;
    if (this.utf8.incomplete) this.checkUtf8 = true;
    const err = this.parser.api.parse(undefined, true, this.onRecord, noop);
    if (err) throw this.syntaxError(err);
  }

  /**
   * After the bytes up to a line start plus the next byte were pushed: whether that line start is a
   * record start (not inside a quoted field). csv-parse holds the last byte back until it sees the
   * next one, hence the extra byte; an unfamiliar parser state counts as "no".
   */
  atRecordStart(): boolean {
    const s = this.parser.state;
    return !!s && s.quoting === false && Array.isArray(s.record) && s.record.length === 0 && s.field?.length === 0;
  }

  private readonly onRecord = (record: string[]): void => {
    if (this.stopped) return;
    const line = this.recordStart();
    this.lastEnd = this.parser.info.lines;
    this.lastEmpty = this.parser.info.empty_lines;
    if (this.checkUtf8 && record.some((f) => f.includes('\uFFFD'))) {
      this.sink.bad('invalid-utf8', 'row is not valid UTF-8', line, 're-encode the file as UTF-8 (e.g. iconv -f latin1 -t utf-8)');
      return;
    }
    if (this.headerSeen) this.sink.row(record, line);
    else {
      this.headerSeen = true;
      if (!this.sink.header(record, line)) this.stopped = true;
    }
  };
}

function noop(): void {}

/** Expected length of a UTF-8 sequence from its lead byte (0 for a continuation or invalid byte). */
function sequenceLength(lead: number): number {
  return lead < 0x80 ? 1 : lead >= 0xc2 && lead <= 0xdf ? 2 : lead >= 0xe0 && lead <= 0xef ? 3 : lead >= 0xf0 && lead <= 0xf4 ? 4 : 0;
}

/**
 * UTF-8 validity of a byte stream checked chunk by chunk: a character cut by a chunk boundary is
 * carried over to the next chunk instead of counting as invalid (chunk boundaries fall anywhere).
 */
class Utf8Check {
  private carry: Buffer = Buffer.alloc(0);

  /** The stream ended inside a character. */
  get incomplete(): boolean {
    return this.carry.length > 0;
  }

  /** False once the stream so far is not valid UTF-8. */
  push(chunk: Buffer): boolean {
    let start = 0;
    if (this.carry.length > 0) {
      const need = sequenceLength(this.carry[0]) - this.carry.length;
      if (need <= 0 || chunk.length < need) {
        this.carry = Buffer.concat([this.carry, chunk]);
        return need > 0;
      }
      if (!isUtf8(Buffer.concat([this.carry, chunk.subarray(0, need)]))) return false;
      this.carry = Buffer.alloc(0);
      start = need;
    }
    // the last character may be incomplete: back up to its lead byte
    let end = chunk.length;
    for (let i = chunk.length - 1; i >= Math.max(start, chunk.length - 4); i--) {
      const b = chunk[i];
      if (b < 0x80) break;
      if (b >= 0xc0) {
        if (i + sequenceLength(b) > chunk.length) end = i;
        break;
      }
    }
    if (end < chunk.length) this.carry = Buffer.from(chunk.subarray(end));
    return isUtf8(chunk.subarray(start, end));
  }
}

/** Stream CSV chunks into `sink`. Throws CsvSyntaxError on a syntax error csv-parse cannot recover from. */
export async function readCsv(chunks: AsyncIterable<Buffer>, delimiter: string, sink: CsvSink, isStopped: () => boolean): Promise<void> {
  const parser = new CsvChunkParser(delimiter, sink);
  for await (const chunk of chunks) {
    parser.push(chunk);
    if (parser.stopped || isStopped()) return;
  }
  parser.end();
}
