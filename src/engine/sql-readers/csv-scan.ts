/**
 * What DuckDB's CSV reader cannot tell: the line a row starts on, and whether it split the file as
 * csv-parse does (src/ingest/read/csv.ts). A row's line is its row number plus one (the header)
 * only when no quoted field holds a line break and no line is empty; and the two parsers agree on
 * every field only where quotes stand right at a field's edges (DuckDB drops the spaces in
 * `a, "b"`, csv-parse keeps them; DuckDB splits at a bare carriage return, csv-parse does not).
 * A quoted line break or an empty line leaves fewer rows than lines: the caller compares the two.
 * This scan checks that on the raw bytes (gzip decompressed) while DuckDB reads the file, jumping
 * from quote to quote and from newline to newline with indexOf (no per-byte loop in JavaScript).
 */
import { createReadStream } from 'node:fs';
import { createGunzip } from 'node:zlib';
import { parse } from 'csv-parse/sync';
import { decideShape } from '../../ingest/read/file.js';
import { sniffDelimiter } from '../../ingest/read/csv.js';

export interface CsvScan {
  /** Lines in the file (a last line without a newline counts). */
  lines: number;
  /** Quotes only at field edges and never around a line break, no NUL byte, no bare CR. */
  plain: boolean;
}

const QUOTE = 0x22;
const NEWLINE = 0x0a;
const CR = 0x0d;

function open(file: string, highWaterMark: number): { raw: ReturnType<typeof createReadStream>; stream: AsyncIterable<Buffer> } {
  const raw = createReadStream(file, { highWaterMark });
  const stream = (file.endsWith('.gz') ? raw.pipe(createGunzip()) : raw) as AsyncIterable<Buffer>;
  return { raw, stream };
}

/** Scans a CSV file whose field delimiter is `delimiter` (one byte). */
export async function scanCsv(file: string, delimiter: string): Promise<CsvScan> {
  // a file that cannot be read to its end is not plain: the TypeScript reader says what is wrong with it
  return scanCsvOf(file, delimiter).catch(() => ({ lines: -1, plain: false }));
}

async function scanCsvOf(file: string, delimiter: string): Promise<CsvScan> {
  const delim = delimiter.charCodeAt(0);
  const { raw, stream } = open(file, 1 << 20);
  let lines = 0;
  let plain = true;
  let inQuote = false;
  /** Inside quotes, the last chunk ended on a quote: closing, or the first of an escaped pair. */
  let quoteAtEnd = false;
  /** A closing quote ended the last chunk: the next byte must end the field. */
  let closedAtEnd = false;
  /** A carriage return ended the last chunk: the next byte must be a newline. */
  let crAtEnd = false;
  /** The last byte of the previous chunk (a newline before the file: the first byte starts a line). */
  let prev = NEWLINE;
  const endsField = (b: number) => b === delim || b === NEWLINE || b === CR;
  for await (const chunk of stream) {
    const len = chunk.length;
    if (len === 0) continue;
    if (chunk.indexOf(0) !== -1) plain = false;
    // lines (an empty line, which both parsers pass over, shows as one row fewer than lines)
    for (let nl = chunk.indexOf(NEWLINE); nl !== -1; nl = chunk.indexOf(NEWLINE, nl + 1)) lines++;
    // carriage returns only before a newline
    if (crAtEnd && chunk[0] !== NEWLINE) plain = false;
    crAtEnd = false;
    for (let cr = chunk.indexOf(CR); cr !== -1; cr = chunk.indexOf(CR, cr + 1)) {
      if (cr + 1 === len) crAtEnd = true;
      else if (chunk[cr + 1] !== NEWLINE) plain = false;
    }
    // quotes: a quoted field opens right after a delimiter or a line start, closes right before one, spans no line break
    let i = 0;
    if (quoteAtEnd) {
      quoteAtEnd = false;
      if (chunk[0] === QUOTE) i = 1;
      else {
        inQuote = false;
        closedAtEnd = true;
      }
    }
    if (closedAtEnd && i < len) {
      closedAtEnd = false;
      if (!endsField(chunk[i])) plain = false;
    }
    // the next newline and carriage return at or after `i` (which only grows within a chunk): looked
    // up again only once passed, so that a quoted field full of escaped quotes (JSON in a cell) is not
    // searched to the next line break or CR once per quote (that was quadratic in the chunk)
    let nextNl = -2;
    let nextCr = -2;
    while (plain && i < len) {
      const q = chunk.indexOf(QUOTE, i);
      if (inQuote) {
        if (nextNl !== -1 && nextNl < i) nextNl = chunk.indexOf(NEWLINE, i);
        if (nextCr !== -1 && nextCr < i) nextCr = chunk.indexOf(CR, i);
        if ((nextNl !== -1 && (q === -1 || nextNl < q)) || (nextCr !== -1 && (q === -1 || nextCr < q))) plain = false;
        if (q === -1) break;
        if (q + 1 === len) {
          quoteAtEnd = true;
          break;
        }
        if (chunk[q + 1] === QUOTE) {
          i = q + 2;
          continue;
        }
        inQuote = false;
        if (!endsField(chunk[q + 1])) plain = false;
        i = q + 1;
      } else {
        if (q === -1) break;
        const before = q > 0 ? chunk[q - 1] : prev;
        if (before !== delim && before !== NEWLINE) plain = false;
        inQuote = true;
        i = q + 1;
      }
    }
    prev = chunk[len - 1];
    if (!plain) {
      raw.destroy();
      break;
    }
  }
  // an unclosed quote: both parsers fail, the TypeScript reader says where
  if (inQuote && !quoteAtEnd) plain = false;
  if (prev !== NEWLINE) lines++;
  return { lines, plain };
}

export interface CsvHead {
  /** The header row as csv-parse reads it. */
  columns: string[];
  delimiter: string;
}

/** Bytes of the first line looked at (as the TypeScript reader's head). */
const HEAD_BYTES = 1 << 20;

/**
 * The header of a CSV file as the TypeScript reader finds it (shape decided on the first line,
 * delimiter sniffed from it, BOM stripped), or undefined when the file is not plainly CSV: not CSV
 * by its first line, a first line longer than the head, or a header csv-parse cannot read alone.
 */
export async function csvHead(file: string): Promise<CsvHead | undefined> {
  const { raw, stream } = open(file, 64 << 10);
  const parts: Buffer[] = [];
  let size = 0;
  try {
    for await (const chunk of stream) {
      parts.push(chunk);
      size += chunk.length;
      if (chunk.includes(NEWLINE) || size >= HEAD_BYTES) break;
    }
  } finally {
    raw.destroy();
  }
  let head = Buffer.concat(parts, size);
  if (head.length >= 3 && head[0] === 0xef && head[1] === 0xbb && head[2] === 0xbf) head = head.subarray(3);
  const end = head.indexOf(NEWLINE);
  if (head.length === 0 || end === -1 || head.includes(0) || decideShape(head) !== 'csv') return undefined;
  const firstLine = head.toString('utf8', 0, end);
  const delimiter = sniffDelimiter(firstLine);
  if (delimiter === undefined) return undefined;
  try {
    const rows = parse(firstLine, { delimiter, relax_column_count: true, relax_quotes: true }) as string[][];
    return rows.length === 1 ? { columns: rows[0], delimiter } : undefined;
  } catch {
    return undefined;
  }
}
