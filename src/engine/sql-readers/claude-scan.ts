/**
 * What DuckDB cannot tell about a Claude Code transcript, checked on its raw bytes on the Node
 * thread (gzip decompressed):
 *  - line structure (scanTranscripts, while DuckDB parses the tree; a chunk at a time): every line
 *    holds one JSON object (starts with `{`), so SQL row numbers are file line numbers; and the
 *    number of lines;
 *  - a top-level `"type": null` (typeNullIn, for files where SQL saw lines without a type): SQL
 *    reads a JSON null as NULL, the same as a missing key, but the TypeScript reader treats a null
 *    type as a typed (non-assistant) line. Any `"type"` key with a null value, nested or not, and
 *    any text with an escaped ASCII character (`\u0065`, which could hide the key from this check)
 *    count.
 */
import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
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

/** Bytes read at a time from a plain file (one buffer, reused for every file of a tree). */
const CHUNK_BYTES = 1 << 20;

/** The line structure of one file, fed chunk by chunk. */
class LineScan {
  lines = 0;
  plain = true;
  private bytes = 0;
  private atLineStart = true;
  private endsInNewline = false;
  /** Copies of the bytes of the first `headLines` lines (until `headDone`). */
  private readonly head: Buffer[] = [];
  private headDone: boolean;

  constructor(private readonly headLines: number) {
    this.headDone = headLines <= 0;
  }

  /** Feeds the next bytes; answers whether the file may still be plain. */
  feed(chunk: Buffer): boolean {
    if (chunk.length === 0) return this.plain;
    this.bytes += chunk.length;
    if (this.atLineStart && chunk[0] !== OPEN_BRACE) this.plain = false;
    let headEnd = chunk.length;
    for (let nl = chunk.indexOf(NEWLINE); nl !== -1 && this.plain; nl = chunk.indexOf(NEWLINE, nl + 1)) {
      if (++this.lines === this.headLines && !this.headDone) headEnd = nl;
      if (nl + 1 < chunk.length && chunk[nl + 1] !== OPEN_BRACE) this.plain = false;
    }
    if (!this.headDone) {
      this.head.push(Buffer.from(chunk.subarray(0, headEnd)));
      this.headDone = this.lines >= this.headLines;
    }
    this.endsInNewline = chunk[chunk.length - 1] === NEWLINE;
    this.atLineStart = this.endsInNewline;
    return this.plain;
  }

  end(): TranscriptScan {
    if (this.bytes === 0) return { lines: 0, plain: false };
    if (!this.plain) return { lines: this.lines, plain: false };
    const lines = this.lines + (this.endsInNewline ? 0 : 1);
    return { lines, plain: true, head: this.headLines > 0 ? parseLines(Buffer.concat(this.head)) : undefined };
  }
}

/**
 * Scans `files` in turn (gzip when a name ends in .gz), parsing the first `headLines` lines of
 * each; a file larger than `maxBytes` is not plain (left to the TypeScript reader). A plain file is
 * read a chunk at a time into one buffer: no file is held whole, nothing large left to collect.
 */
export async function scanTranscripts(
  files: readonly string[],
  headLines = 0,
  maxBytes = 256 << 20,
  chunkBytes = CHUNK_BYTES,
): Promise<TranscriptScan[]> {
  const buf = Buffer.allocUnsafe(chunkBytes);
  const out: TranscriptScan[] = [];
  for (const file of files) {
    out.push(await scanOne(file, buf, headLines, maxBytes));
    await new Promise((resolve) => setImmediate(resolve));
  }
  return out;
}

async function scanOne(file: string, buf: Buffer, headLines: number, maxBytes: number): Promise<TranscriptScan> {
  const scan = new LineScan(headLines);
  if (file.endsWith('.gz')) {
    const text = await readText(file);
    if (text.length > maxBytes) return { lines: 0, plain: false };
    scan.feed(text);
    return scan.end();
  }
  // synchronous reads: the Node thread has nothing else to do meanwhile (DuckDB reads on its own
  // threads), and they cost a fraction of the CPU time of promise-based ones; callers yield between files
  const fd = openSync(file, 'r');
  try {
    if (fstatSync(fd).size > maxBytes) return { lines: 0, plain: false };
    for (;;) {
      const bytesRead = readSync(fd, buf, 0, buf.length, null);
      if (bytesRead === 0 || !scan.feed(buf.subarray(0, bytesRead))) break;
    }
  } finally {
    closeSync(fd);
  }
  return scan.end();
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
