/**
 * What DuckDB cannot tell about a Claude Code transcript, checked on its raw bytes on the Node
 * thread (gzip decompressed):
 *  - line structure (scanTranscript, while DuckDB parses the tree): every line holds one JSON
 *    object (starts with `{`), so SQL row numbers are file line numbers; and the number of lines;
 *  - a top-level `"type": null` (typeNullIn, for files where SQL saw lines without a type): SQL
 *    reads a JSON null as NULL, the same as a missing key, but the TypeScript reader treats a null
 *    type as a typed (non-assistant) line. Any `"type"` key with a null value, nested or not, and
 *    any text with an escaped ASCII character (`\u0065`, which could hide the key from this check)
 *    count.
 */
import { readFile } from 'node:fs/promises';
import { gunzip } from 'node:zlib';
import { promisify } from 'node:util';

const gunzipAsync = promisify(gunzip);

export interface TranscriptScan {
  lines: number;
  /** Every line starts with `{`. */
  plain: boolean;
  /** The first lines parsed as JSON, for the format detection (undefined when one is not JSON). */
  head?: unknown[];
}

const OPEN_BRACE = 0x7b;
const NEWLINE = 0x0a;
const COLON = 0x3a;
const NULL = Buffer.from('null');
const TYPE_KEY = Buffer.from('"type"');
const ESCAPE = Buffer.from('\\u00');

const isSpace = (c: number) => c === 0x20 || c === 0x09 || c === 0x0a || c === 0x0d;

/** Whether the `null` at `at` is the value of a `"type"` key (`"type" : null`, any JSON whitespace). */
function typeNullAt(buf: Buffer, at: number): boolean {
  let i = at - 1;
  while (i >= 0 && isSpace(buf[i])) i--;
  if (i < 0 || buf[i] !== COLON) return false;
  i--;
  while (i >= 0 && isSpace(buf[i])) i--;
  const start = i - TYPE_KEY.length + 1;
  return start >= 0 && buf.compare(TYPE_KEY, 0, TYPE_KEY.length, start, i + 1) === 0;
}

/** Whether `buf` may hold a `"type": null` (see above). */
function typeNull(buf: Buffer): boolean {
  for (let at = buf.indexOf(NULL); at !== -1; at = buf.indexOf(NULL, at + 1)) if (typeNullAt(buf, at)) return true;
  for (let at = buf.indexOf(ESCAPE); at !== -1; at = buf.indexOf(ESCAPE, at + 1)) {
    // \u0020-\u007f: a printable ASCII character written as an escape (JSON.stringify never does)
    const c = buf[at + 4];
    if (c >= 0x32 && c <= 0x37) return true;
  }
  return false;
}

/**
 * Scans `file` (gzip when its name ends in .gz), parsing its first `headLines` lines; a file larger
 * than `maxBytes` is not plain (left to the TypeScript reader).
 */
export async function scanTranscript(file: string, headLines = 0, maxBytes = 256 << 20): Promise<TranscriptScan> {
  const buf = await readText(file);
  if (buf.length > maxBytes) return { lines: 0, plain: false };
  let lines = 0;
  let plain = buf.length > 0 && buf[0] === OPEN_BRACE;
  let headEnd = buf.length;
  for (let nl = buf.indexOf(NEWLINE); nl !== -1 && plain; nl = buf.indexOf(NEWLINE, nl + 1)) {
    if (++lines === headLines) headEnd = nl;
    if (nl + 1 < buf.length && buf[nl + 1] !== OPEN_BRACE) plain = false;
  }
  if (buf.length > 0 && buf[buf.length - 1] !== NEWLINE) lines++;
  return { lines, plain, head: plain && headLines > 0 ? parseLines(buf.subarray(0, headEnd)) : undefined };
}

function parseLines(buf: Buffer): unknown[] | undefined {
  try {
    return buf
      .toString('utf8')
      .split('\n')
      .filter((l) => l !== '')
      .map((l) => JSON.parse(l) as unknown);
  } catch {
    return undefined;
  }
}

/** Whether `file` may hold a `"type": null` (see above). */
export async function typeNullIn(file: string): Promise<boolean> {
  return typeNull(await readText(file));
}

async function readText(file: string): Promise<Buffer> {
  const buf = await readFile(file);
  return file.endsWith('.gz') ? gunzipAsync(buf) : buf;
}
