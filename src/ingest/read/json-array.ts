/**
 * A top-level JSON array read element by element, so that a 400 MB `[...]` log costs the memory of
 * one element, not of the whole text plus its parse. A byte scanner tracks strings, escapes and
 * nesting depth; each element's bytes are parsed on their own and handed to the sink numbered like
 * the elements of a whole-document array (1-based index), so results do not depend on which path
 * read the file. Bad elements are rejected one by one; a document cut short keeps what came before.
 */
import { isUtf8 } from 'node:buffer';
import type { LineSink } from './lines.js';

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const COMMA = 0x2c;
const OPEN_SQUARE = 0x5b;
const CLOSE_SQUARE = 0x5d;
const OPEN_CURLY = 0x7b;
const CLOSE_CURLY = 0x7d;

function isSpace(c: number): boolean {
  return c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09;
}

export interface ArrayEnd {
  /** The closing bracket was seen. */
  complete: boolean;
  /** Non-space bytes after the closing bracket. */
  trailing: boolean;
  /** Elements handed to the sink (good or bad). */
  elements: number;
}

export class JsonArraySplitter {
  private started = false;
  private closed = false;
  private trailing = false;
  /** Nesting depth inside the current element (0 between elements). */
  private depth = 0;
  private inString = false;
  private escaped = false;
  private inElement = false;
  private parts: Buffer[] = [];
  private partBytes = 0;
  private tooLong = false;
  private index = 0;

  constructor(
    private readonly sink: LineSink,
    private readonly maxElementBytes: number,
  ) {}

  push(chunk: Buffer): void {
    let start = this.inElement ? 0 : -1;
    for (let i = 0; i < chunk.length; i++) {
      const c = chunk[i];
      if (this.closed) {
        if (!isSpace(c)) this.trailing = true;
        continue;
      }
      if (!this.started) {
        if (isSpace(c)) continue;
        if (c !== OPEN_SQUARE) throw new Error('not a JSON array');
        this.started = true;
        continue;
      }
      if (this.inString) {
        if (this.escaped) this.escaped = false;
        else if (c === BACKSLASH) this.escaped = true;
        else if (c === QUOTE) this.inString = false;
        continue;
      }
      if (!this.inElement) {
        if (isSpace(c) || c === COMMA) continue;
        if (c === CLOSE_SQUARE) {
          this.closed = true;
          continue;
        }
        this.inElement = true;
        start = i;
      }
      if (c === QUOTE) this.inString = true;
      else if (c === OPEN_CURLY || c === OPEN_SQUARE) this.depth++;
      else if ((c === CLOSE_CURLY || c === CLOSE_SQUARE) && this.depth > 0) this.depth--;
      else if (this.depth === 0 && (c === COMMA || c === CLOSE_SQUARE)) {
        this.keep(chunk, start, i);
        this.finishElement();
        start = -1;
        if (c === CLOSE_SQUARE) this.closed = true;
      }
    }
    if (this.inElement && start !== -1) this.keep(chunk, start, chunk.length);
  }

  /** End of input: a pending element (the document was cut) is parsed as it is. */
  end(): ArrayEnd {
    if (this.inElement) this.finishElement();
    return { complete: this.closed, trailing: this.trailing, elements: this.index };
  }

  private keep(chunk: Buffer, start: number, end: number): void {
    if (this.tooLong || end <= start) return;
    if (this.partBytes + (end - start) > this.maxElementBytes) {
      this.tooLong = true;
      this.parts = [];
      this.partBytes = 0;
      return;
    }
    this.parts.push(chunk.subarray(start, end));
    this.partBytes += end - start;
  }

  private finishElement(): void {
    const index = ++this.index;
    const tooLong = this.tooLong;
    const buf = this.parts.length === 1 ? this.parts[0] : Buffer.concat(this.parts, this.partBytes);
    this.parts = [];
    this.partBytes = 0;
    this.tooLong = false;
    this.inElement = false;
    this.depth = 0;
    this.inString = false;
    this.escaped = false;
    if (tooLong) {
      this.sink.bad('record-too-long', `array element is longer than ${this.maxElementBytes} bytes; skipped without parsing`, index);
      return;
    }
    if (!isUtf8(buf)) {
      this.sink.bad(
        'invalid-utf8',
        'array element is not valid UTF-8',
        index,
        're-encode the file as UTF-8 (e.g. iconv -f latin1 -t utf-8)',
      );
      return;
    }
    let value: unknown;
    try {
      value = JSON.parse(buf.toString('utf8'));
    } catch (err) {
      this.sink.bad('invalid-json', `invalid JSON in array element: ${(err as Error).message}`, index);
      return;
    }
    this.sink.value(value, index);
  }
}
