/**
 * What DuckDB's JSON reader cannot tell: the line number of each value. `read_json` numbers values,
 * not lines, and passes over blank lines, so SQL line numbers equal file line numbers only when every
 * line holds exactly one JSON object. This scan checks that on the raw bytes (gzip decompressed) while
 * DuckDB reads the file: every line starts with `{` (no blank line, no BOM, no top-level array or
 * scalar), and it counts the lines. It also finds the texts SQL cannot tell from a missing key
 * (`"service_tier":null` reads as NULL, but the TypeScript reader treats null as the standard tier).
 */
import { createReadStream } from 'node:fs';
import { createGunzip } from 'node:zlib';

export interface LineScan {
  /** Lines in the file (a last line without a newline counts). */
  lines: number;
  /** Every line starts with `{` and no ambiguous text was found. */
  plain: boolean;
}

/**
 * The longest line `read_json` takes (its default): it reads in buffers of twice this per thread,
 * counted against the memory limit (64 MiB lines took 256 MiB of a 512 MiB limit on 2 threads). A
 * longer line fails the read and the file goes to the TypeScript reader.
 */
export const MAX_LINE_BYTES = 16 << 20;
/**
 * JSON texts DuckDB's JSON reader accepts and JSON.parse rejects (NaN, Infinity, a trailing comma
 * in an object or array), looked for in the raw bytes: a file with one is the TypeScript reader's.
 */
export const LENIENT_JSON_BYTES = /NaN|Infinity|,[ \t\r]*[}\]]/;

const OPEN_BRACE = 0x7b;
const NEWLINE = 0x0a;

/**
 * Scans `file` (gzip when its name ends in .gz); `ambiguous` are byte strings that make it not plain,
 * and so does a match of `pattern` (tried on the bytes as latin1 text, whose matches must not span
 * more than a run of spaces and tabs across two chunks).
 */
export async function scanLines(file: string, ambiguous: readonly string[] = [], pattern?: RegExp): Promise<LineScan> {
  const needles = ambiguous.map((s) => Buffer.from(s));
  const overlap = Math.max(0, ...needles.map((b) => b.length)) - 1;
  const raw = createReadStream(file, { highWaterMark: 1 << 20 });
  const stream = file.endsWith('.gz') ? raw.pipe(createGunzip()) : raw;
  let lines = 0;
  let plain = true;
  /** The file so far ended with a newline (or is empty): the next byte starts a line. */
  let atLineStart = true;
  let tail = Buffer.alloc(0);
  let textTail = '';
  for await (const chunk of stream as AsyncIterable<Buffer>) {
    if (chunk.length === 0) continue;
    if (atLineStart && chunk[0] !== OPEN_BRACE) plain = false;
    let nl = chunk.indexOf(NEWLINE);
    while (nl !== -1) {
      lines++;
      if (nl + 1 < chunk.length && chunk[nl + 1] !== OPEN_BRACE) plain = false;
      nl = chunk.indexOf(NEWLINE, nl + 1);
    }
    atLineStart = chunk[chunk.length - 1] === NEWLINE;
    if (plain && needles.length > 0) {
      const text = tail.length > 0 ? Buffer.concat([tail, chunk]) : chunk;
      if (needles.some((n) => text.indexOf(n) !== -1)) plain = false;
      tail = Buffer.from(text.subarray(Math.max(0, text.length - overlap)));
    }
    if (plain && pattern) {
      const text = textTail + chunk.toString('latin1');
      if (pattern.test(text)) plain = false;
      // the last non-blank character and the blanks after it start the next chunk's text
      textTail = text.slice(Math.max(0, text.trimEnd().length - 1));
    }
    if (!plain) {
      raw.destroy();
      break;
    }
  }
  if (!atLineStart) lines++;
  return { lines, plain };
}

/** The first `count` lines of `file` parsed as JSON (gzip when .gz); undefined when one is not JSON or is longer than `maxBytes`. */
export async function firstValues(file: string, count: number, maxBytes = 4 << 20): Promise<unknown[] | undefined> {
  const raw = createReadStream(file, { highWaterMark: 64 << 10 });
  const stream = file.endsWith('.gz') ? raw.pipe(createGunzip()) : raw;
  const parts: Buffer[] = [];
  let bytes = 0;
  let newlines = 0;
  try {
    for await (const chunk of stream as AsyncIterable<Buffer>) {
      parts.push(chunk);
      bytes += chunk.length;
      for (let i = chunk.indexOf(NEWLINE); i !== -1; i = chunk.indexOf(NEWLINE, i + 1)) newlines++;
      if (newlines >= count || bytes > maxBytes) break;
    }
  } finally {
    raw.destroy();
  }
  const lines = Buffer.concat(parts).toString('utf8').split('\n');
  if (newlines >= count) lines.length = count;
  else if (bytes > maxBytes) return undefined;
  try {
    return lines.filter((l) => l.trim() !== '').map((l) => JSON.parse(l) as unknown);
  } catch {
    return undefined;
  }
}
