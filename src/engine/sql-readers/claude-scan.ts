/**
 * What the Claude Code SQL reader (claude-code.ts) reads on the Node thread, while DuckDB reads the
 * tree: the first lines of every file, parsed, for the TypeScript format detection (a file whose
 * head another reader scores higher is not a transcript to the TypeScript reader, so the tree is
 * not the SQL reader's); and gzip files whole, decompressed (DuckDB's `read_text` reads bytes as
 * they are: the reader hands it their text). The line structure itself (blank lines, lines that are
 * not a JSON object, the number of lines) is read by SQL from the text, with exact line numbers.
 */
import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { isUtf8 } from 'node:buffer';
import { gunzip } from 'node:zlib';
import { promisify } from 'node:util';

const gunzipAsync = promisify(gunzip);

export interface TranscriptHead {
  /**
   * The first lines parsed as JSON (blank lines left out, as the TypeScript reader does); undefined
   * when one is not JSON, or the file is larger than the limit.
   */
  head?: unknown[];
  /** A gzip file's text (undefined for a plain file, or when it is not UTF-8 or too large). */
  text?: string;
}

const NEWLINE = 0x0a;

/** Bytes read at a time from a plain file (one buffer, reused for every file of a tree). */
const CHUNK_BYTES = 64 << 10;

/** How long the Node thread reads heads before it yields to the event loop (ms). */
const YIELD_MS = 10;

/**
 * The heads of `files` in turn (gzip when a name ends in .gz: decompressed whole, its text kept): the
 * first `headLines` lines of each, parsed. A file larger than `maxBytes` (decompressed) has no head.
 * A plain file is read a chunk at a time until its head is in: the rest of it is DuckDB's.
 */
export async function transcriptHeads(
  files: readonly string[],
  headLines: number,
  maxBytes = 256 << 20,
  chunkBytes = CHUNK_BYTES,
): Promise<TranscriptHead[]> {
  const out: TranscriptHead[] = [];
  await eachHead(files, headLines, maxBytes, chunkBytes, (h) => {
    out.push(h);
    return true;
  });
  return out;
}

/**
 * Whether `test` holds for the head of every file (read as transcriptHeads reads them), file by file,
 * up to the first for which it does not: each head is dropped once tested (measured: heads kept for
 * a test after the last one lived long enough to be promoted by the garbage collector).
 */
export async function everyHead(
  files: readonly string[],
  headLines: number,
  test: (head: TranscriptHead) => boolean,
  maxBytes = 256 << 20,
  chunkBytes = CHUNK_BYTES,
): Promise<boolean> {
  let all = true;
  await eachHead(files, headLines, maxBytes, chunkBytes, (h) => {
    all = test(h);
    return all;
  });
  return all;
}

async function eachHead(
  files: readonly string[],
  headLines: number,
  maxBytes: number,
  chunkBytes: number,
  visit: (head: TranscriptHead) => boolean,
): Promise<void> {
  const buf = Buffer.allocUnsafe(chunkBytes);
  let since = performance.now();
  for (const file of files) {
    if (!visit(file.endsWith('.gz') ? await gzipHead(file, headLines, maxBytes) : plainHead(file, buf, headLines, maxBytes))) return;
    // the Node thread has nothing else to do meanwhile (DuckDB reads on its own threads), but stays responsive
    if (performance.now() - since >= YIELD_MS) {
      await new Promise((resolve) => setImmediate(resolve));
      since = performance.now();
    }
  }
}

async function gzipHead(file: string, headLines: number, maxBytes: number): Promise<TranscriptHead> {
  const bytes = await gunzipAsync(await readFile(file));
  if (bytes.length > maxBytes || !isUtf8(bytes)) return {};
  return { head: parseHead(bytes, headLines), text: bytes.toString('utf8') };
}

// synchronous reads: they cost a fraction of the CPU time of promise-based ones; callers yield between files
function plainHead(file: string, buf: Buffer, headLines: number, maxBytes: number): TranscriptHead {
  const fd = openSync(file, 'r');
  try {
    if (fstatSync(fd).size > maxBytes) return {};
    // the bytes up to the head's last newline: the head's lines and no more are decoded (usually a part of the first chunk, not copied)
    const parts: Buffer[] = [];
    let newlines = 0;
    for (;;) {
      const n = readSync(fd, buf, 0, buf.length, null);
      if (n === 0) break;
      const chunk = buf.subarray(0, n);
      let i = chunk.indexOf(NEWLINE);
      while (i !== -1 && ++newlines < headLines) i = chunk.indexOf(NEWLINE, i + 1);
      if (i !== -1) {
        parts.push(chunk.subarray(0, i));
        break;
      }
      parts.push(Buffer.from(chunk));
    }
    return { head: parseHead(parts.length === 1 ? parts[0] : Buffer.concat(parts), headLines) };
  } finally {
    closeSync(fd);
  }
}

/** The first `count` lines of `bytes` parsed (blank ones left out), undefined when one is not JSON. */
function parseHead(bytes: Buffer, count: number): unknown[] | undefined {
  try {
    return bytes
      .toString('utf8')
      .split('\n', count)
      .filter((l) => l.trim() !== '')
      .map((l) => JSON.parse(l) as unknown);
  } catch {
    return undefined;
  }
}
