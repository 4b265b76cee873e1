/**
 * Byte sources: a file or stdin as large-chunk streams, transparently gunzipped when the content starts
 * with the gzip magic bytes (1f 8b), whatever the file name says.
 */
import { createReadStream } from 'node:fs';
import { Readable } from 'node:stream';
import { createGunzip } from 'node:zlib';
import type { Source } from '../inputs.js';

export const CHUNK_BYTES = 1024 * 1024;

/** A problem reading the bytes of a file (not a bad record): becomes a file-level Issue. */
export class ReadError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly hint?: string,
  ) {
    super(message);
    this.name = 'ReadError';
  }
}

export interface OpenOptions {
  stdin?: NodeJS.ReadableStream;
  /** Called with the number of raw (possibly compressed) bytes of each chunk read. */
  onRawBytes?: (bytes: number) => void;
}

export interface Decoded {
  /** Decompressed chunks. Iteration throws ReadError on I/O or gzip failures. */
  chunks: AsyncIterable<Buffer>;
  gzip: boolean;
}

async function* counted(stream: AsyncIterable<Buffer | string>, onRawBytes?: (n: number) => void): AsyncGenerator<Buffer> {
  for await (const piece of stream) {
    const buf = typeof piece === 'string' ? Buffer.from(piece) : piece;
    onRawBytes?.(buf.length);
    yield buf;
  }
}

/** `first`, then the rest of `rest`; stopping early closes `rest` (and so the file). */
export async function* prepend(first: Buffer, rest: AsyncIterator<Buffer>): AsyncGenerator<Buffer> {
  let done = false;
  try {
    yield first;
    for (;;) {
      const next = await rest.next();
      if (next.done) {
        done = true;
        return;
      }
      yield next.value;
    }
  } finally {
    if (!done) await rest.return?.();
  }
}

async function* translateErrors(chunks: AsyncIterable<Buffer>, gzip: boolean): AsyncGenerator<Buffer> {
  try {
    yield* chunks;
  } catch (err) {
    throw toReadError(err, gzip);
  }
}

function toReadError(err: unknown, gzip: boolean): ReadError {
  if (err instanceof ReadError) return err;
  const e = err as NodeJS.ErrnoException;
  if (gzip && (e.code === 'Z_BUF_ERROR' || /unexpected end of file/i.test(e.message))) {
    return new ReadError(
      'truncated-gzip',
      'gzip data ends early (truncated file)',
      'the file was cut off while being written or copied; records before the cut were read',
    );
  }
  if (gzip && typeof e.code === 'string' && e.code.startsWith('Z_')) {
    return new ReadError('invalid-gzip', `gzip data is corrupt: ${e.message}`, 'check the file with `gzip -t`');
  }
  return new ReadError('read-error', `cannot read: ${e.message}`, READ_HINTS[e.code ?? '']);
}

/** What to do about a file that cannot be read, by its error code. */
const READ_HINTS: Record<string, string> = {
  EACCES: 'check file permissions',
  ENOENT: 'the file was removed or renamed after the inputs were listed, or it is a symbolic link to nothing',
  ELOOP: 'a symbolic link loop: the link points (through other links) back to itself',
  EISDIR: 'a directory where a file was expected',
};

/** Open a source and return its decoded (gunzipped when needed) chunks. */
export async function openSource(src: Source, options: OpenOptions): Promise<Decoded> {
  const raw: AsyncIterable<Buffer | string> =
    src.kind === 'stdin'
      ? ((options.stdin ?? process.stdin) as AsyncIterable<Buffer | string>)
      : createReadStream(src.path, { highWaterMark: CHUNK_BYTES });
  const iterator = counted(raw, options.onRawBytes)[Symbol.asyncIterator]();
  let first: IteratorResult<Buffer>;
  try {
    first = await iterator.next();
  } catch (err) {
    throw toReadError(err, false);
  }
  if (first.done) return { chunks: (async function* () {})(), gzip: false };
  const head = first.value;
  const all = prepend(head, iterator);
  if (head.length >= 2 && head[0] === 0x1f && head[1] === 0x8b) {
    const gunzip = createGunzip({ chunkSize: CHUNK_BYTES });
    const input = Readable.from(all, { objectMode: false });
    input.on('error', (err) => gunzip.destroy(err));
    gunzip.on('close', () => input.destroy());
    input.pipe(gunzip);
    return { chunks: translateErrors(gunzip, true), gzip: true };
  }
  return { chunks: translateErrors(all, false), gzip: false };
}
