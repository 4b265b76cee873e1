/**
 * Bounded reading of the small text files the user hands us (price, config, scenario, what-if, baseline
 * and prompt files, `tokens` input). Every read stops at a size cap, so `--config /dev/zero` or a
 * runaway FIFO cannot grow memory; binary content (a NUL byte) is refused instead of being parsed into
 * pages of errors; invalid UTF-8 is found with its byte offset and line (the caller decides whether that
 * is an error or a warning). Works for regular files, FIFOs, character devices and /dev/stdin alike.
 */
import { closeSync, fstatSync, openSync, readSync, statSync } from 'node:fs';
import { isUtf8 } from 'node:buffer';
import { UserError } from './issues.js';

const MiB = 1024 * 1024;
/** Config-like files: price, config, scenario, what-if, baseline, prompt spec. */
export const CONFIG_MAX_BYTES = 16 * MiB;
/** Text handed to `tokens` (files or stdin): larger, it is the payload. */
export const TEXT_INPUT_MAX_BYTES = 256 * MiB;

const READ_CHUNK = 64 * 1024;

export interface TextReadOptions {
  /** What the file is, for messages: "config", "price file", ... */
  what: string;
  maxBytes?: number;
  /** Hint for a file that cannot be opened. */
  hint?: string;
  /** 'error' (default): invalid UTF-8 is an error; 'warn': decoded with U+FFFD and reported in `warnings`. */
  invalidUtf8?: 'error' | 'warn';
  /** How to name the file in messages (default: the path as given). */
  name?: string;
  /** Hint for a file larger than `maxBytes` (default: it is expected to be smaller; check the path). */
  tooLargeHint?: string;
}

export interface TextRead {
  text: string;
  /** Problems that did not stop the read (invalid UTF-8 in 'warn' mode). */
  warnings: string[];
}

/** Human size: "16 MiB". */
function formatBytes(n: number): string {
  return n % MiB === 0 ? `${n / MiB} MiB` : n >= MiB ? `${(n / MiB).toFixed(1)} MiB` : `${n} bytes`;
}

/** Read `path` whole, at most `maxBytes`; throws UserError (exit 2) when it cannot be read, is too large, or is binary. */
export function readTextFile(filePath: string, options: TextReadOptions): TextRead {
  const maxBytes = options.maxBytes ?? CONFIG_MAX_BYTES;
  const path = options.name ?? filePath;
  let fd: number;
  try {
    if (statSync(filePath).isDirectory())
      throw new UserError(`${options.what} ${path} is a directory`, options.hint ?? 'give the path of a file');
    fd = openSync(filePath, 'r');
  } catch (err) {
    if (err instanceof UserError) throw err;
    throw new UserError(`cannot read ${options.what} ${path}: ${describeErrno(err)}`, options.hint);
  }
  const parts: Buffer[] = [];
  let size = 0;
  try {
    const isRegular = fstatSync(fd).isFile();
    for (;;) {
      const buf = Buffer.allocUnsafe(READ_CHUNK);
      let n: number;
      try {
        n = readSync(fd, buf, 0, READ_CHUNK, null);
      } catch (err) {
        const code = (err as NodeJS.ErrnoException).code;
        if (code === 'EAGAIN') {
          // a non-blocking FIFO or terminal with nothing yet: wait a little instead of spinning
          Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 10);
          continue;
        }
        if (code === 'EOF') break;
        throw new UserError(`cannot read ${options.what} ${path}: ${describeErrno(err)}`, options.hint);
      }
      if (n === 0) break;
      const piece = buf.subarray(0, n);
      if (piece.includes(0)) throw binary(options.what, path, size + piece.indexOf(0));
      size += n;
      if (size > maxBytes) throw tooLarge(options, path, maxBytes, isRegular);
      parts.push(piece);
    }
  } finally {
    closeSync(fd);
  }
  return decodeChecked(Buffer.concat(parts, size), `${options.what} ${path}`, options.invalidUtf8 ?? 'error');
}

/** The same for a stream (stdin): stops reading at the cap. */
export async function readTextStream(stream: NodeJS.ReadableStream, name: string, options: TextReadOptions): Promise<TextRead> {
  const maxBytes = options.maxBytes ?? CONFIG_MAX_BYTES;
  const parts: Buffer[] = [];
  let size = 0;
  for await (const c of stream) {
    const piece = typeof c === 'string' ? Buffer.from(c) : (c as Buffer);
    if (piece.includes(0)) throw binary(options.what, name, size + piece.indexOf(0));
    size += piece.length;
    if (size > maxBytes) throw tooLarge(options, name, maxBytes, false);
    parts.push(piece);
  }
  return decodeChecked(Buffer.concat(parts, size), `${options.what} ${name}`, options.invalidUtf8 ?? 'error');
}

/**
 * Bytes already in memory (e.g. a file at a git revision) checked like a file read: the same size
 * cap, binary refusal and UTF-8 rule as `readTextFile`.
 */
export function decodeTextBytes(buf: Uint8Array, name: string, options: TextReadOptions): TextRead {
  const bytes = Buffer.isBuffer(buf) ? buf : Buffer.from(buf.buffer, buf.byteOffset, buf.byteLength);
  const maxBytes = options.maxBytes ?? CONFIG_MAX_BYTES;
  if (bytes.length > maxBytes) throw tooLarge(options, name, maxBytes, true);
  const nul = bytes.indexOf(0);
  if (nul >= 0) throw binary(options.what, name, nul);
  return decodeChecked(bytes, `${options.what} ${name}`, options.invalidUtf8 ?? 'error');
}

function binary(what: string, path: string, offset: number): UserError {
  return new UserError(
    `${what} ${path} is binary (NUL byte at offset ${offset}), not text`,
    `give a UTF-8 text file; UTF-16 text must be re-encoded (iconv -f utf-16 -t utf-8)`,
  );
}

function tooLarge(options: TextReadOptions, path: string, maxBytes: number, regular: boolean): UserError {
  const { what } = options;
  const endless = regular ? '' : ' (a device or pipe that does not end?)';
  return new UserError(
    `${what} ${path} is larger than ${formatBytes(maxBytes)}${endless}; not read`,
    options.tooLargeHint ?? `a ${what} is expected to be well under ${formatBytes(maxBytes)}; check the path`,
  );
}

function describeErrno(err: unknown): string {
  const e = err as NodeJS.ErrnoException;
  const why: Record<string, string> = {
    ENOENT: 'no such file',
    EACCES: 'permission denied',
    ELOOP: 'too many symbolic links (a symlink loop?)',
    EISDIR: 'is a directory',
  };
  return e.code ? `${e.code}${why[e.code] ? ` (${why[e.code]})` : ''}` : String(err);
}

function decodeChecked(buf: Buffer, label: string, mode: 'error' | 'warn'): TextRead {
  let body = buf;
  if (body.length >= 3 && body[0] === 0xef && body[1] === 0xbb && body[2] === 0xbf) body = body.subarray(3);
  const text = body.toString('utf8');
  if (isUtf8(body)) return { text, warnings: [] };
  const offset = firstInvalidUtf8(body);
  const line = lineAt(body, offset);
  const message = `${label}: not valid UTF-8 at byte ${offset + (body === buf ? 0 : 3)} (line ${line})`;
  if (mode === 'error') throw new UserError(message, 're-encode the file as UTF-8 (e.g. iconv -f latin1 -t utf-8)');
  return { text, warnings: [`${message}; invalid bytes read as U+FFFD`] };
}

/** 1-based line of byte `offset`. */
export function lineAt(buf: Buffer, offset: number): number {
  let line = 1;
  for (let i = buf.indexOf(10); i !== -1 && i < offset; i = buf.indexOf(10, i + 1)) line++;
  return line;
}

/** Byte offset of the first invalid UTF-8 sequence (buf.length when valid). */
export function firstInvalidUtf8(buf: Buffer): number {
  let i = 0;
  while (i < buf.length) {
    const b = buf[i];
    if (b < 0x80) {
      i++;
      continue;
    }
    const len = b >= 0xc2 && b <= 0xdf ? 2 : b >= 0xe0 && b <= 0xef ? 3 : b >= 0xf0 && b <= 0xf4 ? 4 : 0;
    if (len === 0 || i + len > buf.length || !isUtf8(buf.subarray(i, i + len))) return i;
    i += len;
  }
  return buf.length;
}

/**
 * What the process's standard input is, when that explains an empty read: Node reopens a closed fd 0
 * on /dev/null, so "closed" and "< /dev/null" look the same. Undefined for pipes, files and terminals.
 */
export function stdinNote(stdin: unknown): string | undefined {
  if (stdin !== process.stdin) return undefined;
  try {
    const st = fstatSync(0);
    const devNull = statSync('/dev/null');
    if (st.isCharacterDevice() && st.rdev === devNull.rdev)
      return 'standard input is /dev/null (closed, or redirected from /dev/null): nothing to read';
  } catch {
    return 'standard input is closed: nothing to read';
  }
  return undefined;
}
