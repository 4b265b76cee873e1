/**
 * Every file tokenomics writes (`-o`, `check --update-baseline`) goes through here, so that a full
 * disk, a crash or a concurrent run never leaves a truncated or interleaved file: the text is written
 * to a temporary file in the same directory, fsynced, then renamed over the target (atomic on POSIX
 * file systems). On failure the temporary file is removed and the previous file is left as it was.
 * Targets that are not regular files (/dev/stdout, a FIFO, /dev/full) cannot be replaced by a rename
 * and are written directly.
 */
import * as nodeFs from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { randomBytes } from 'node:crypto';

/** The fs calls used, replaceable in tests to simulate a full disk. */
export type WriteFs = Pick<
  typeof nodeFs,
  'openSync' | 'writeSync' | 'fsyncSync' | 'closeSync' | 'renameSync' | 'unlinkSync' | 'statSync' | 'realpathSync' | 'writeFileSync'
>;

/**
 * How a write to `path` goes: `direct` for a target that exists and is not a regular file (a FIFO, a
 * device: written as it is, never replaced), else the file to rename over (`target`: a symbolic link's
 * file, so the link keeps pointing at it), the temporary file beside it, and the mode to give it (the
 * existing file's, so a private file stays private; else the default before the umask). Throws what the
 * path's own lookup throws (not ENOENT: a new file).
 */
export type WritePlan = { direct: string } | { target: string; tmp: string; mode: number };

export function writePlan(path: string, fs: Pick<WriteFs, 'realpathSync' | 'statSync'> = nodeFs): WritePlan {
  let target = path;
  let mode = 0o666;
  try {
    target = fs.realpathSync(path);
    const st = fs.statSync(target);
    if (st.isDirectory()) throw Object.assign(new Error(`${path}: is a directory`), { code: 'EISDIR' });
    if (!st.isFile()) return { direct: target };
    mode = st.mode & 0o7777;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
  }
  const tmp = join(dirname(target), `.${basename(target)}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`);
  return { target, tmp, mode };
}

/** Write `text` to `path` atomically. Throws the underlying error (with `code`) on failure, the old file intact. */
export function writeFileAtomic(path: string, text: string | Buffer, fs: WriteFs = nodeFs): void {
  const plan = writePlan(path, fs);
  if ('direct' in plan) {
    fs.writeFileSync(plan.direct, text);
    return;
  }
  const { target, tmp, mode } = plan;
  const data = typeof text === 'string' ? Buffer.from(text) : text;
  let fd: number | undefined;
  try {
    try {
      fd = fs.openSync(tmp, 'wx', mode);
    } catch (err) {
      throw creationError(err, dirname(target), fs);
    }
    for (let off = 0; off < data.length; ) off += fs.writeSync(fd, data, off, data.length - off);
    fs.fsyncSync(fd);
    fs.closeSync(fd);
    fd = undefined;
    fs.renameSync(tmp, target);
  } catch (err) {
    if (fd !== undefined) {
      try {
        fs.closeSync(fd);
      } catch {
        // already failing: the original error is the one to report
      }
    }
    try {
      fs.unlinkSync(tmp);
    } catch {
      // never created, or already gone
    }
    throw err;
  }
  syncDir(dirname(target), fs);
}

/** Make the rename itself durable; best effort (not every platform can fsync a directory). */
export function syncDir(dir: string, fs: WriteFs = nodeFs): void {
  let fd: number | undefined;
  try {
    fd = fs.openSync(dir, 'r');
    fs.fsyncSync(fd);
  } catch {
    // not supported here: the data itself was fsynced
  } finally {
    if (fd !== undefined) fs.closeSync(fd);
  }
}

/** A failed write's error, with what it means where its code alone would mislead. */
type WriteError = NodeJS.ErrnoException & { detail?: string };

/**
 * The error of creating a file in `dir`: ENOENT although the directory is there means its file system takes no
 * new file (/proc, /sys), not a missing directory, and says so.
 */
function creationError(err: unknown, dir: string, fs: Pick<WriteFs, 'statSync'>): unknown {
  if ((err as NodeJS.ErrnoException).code === 'ENOENT' && isDirectory(dir, fs)) (err as WriteError).detail = `${dir} takes no new file`;
  return err;
}

/**
 * Whether the temporary file of a write can be created (created and removed at once; throws as writeFileAtomic
 * would): a writer that fills it later (export's engine) learns before the work that the place takes no file.
 */
export function checkCreatable(tmp: string, fs: Pick<WriteFs, 'openSync' | 'closeSync' | 'unlinkSync' | 'statSync'> = nodeFs): void {
  let fd: number;
  try {
    fd = fs.openSync(tmp, 'wx', 0o600);
  } catch (err) {
    throw creationError(err, dirname(tmp), fs);
  }
  fs.closeSync(fd);
  fs.unlinkSync(tmp);
}

function isDirectory(path: string, fs: Pick<WriteFs, 'statSync'>): boolean {
  try {
    return fs.statSync(path).isDirectory();
  } catch {
    return false;
  }
}

/** The errno code of a failed write, for messages ("ENOSPC (no space left on device)"). */
export function describeWriteError(err: unknown): string {
  const code = (err as NodeJS.ErrnoException).code;
  const detail = (err as WriteError).detail;
  if (code && detail) return `${code} (${detail})`;
  const why: Record<string, string> = {
    ENOSPC: 'no space left on device',
    EACCES: 'permission denied',
    EROFS: 'read-only file system',
    ENOENT: 'no such directory',
    EISDIR: 'is a directory',
    EDQUOT: 'disk quota exceeded',
  };
  return code ? `${code}${why[code] ? ` (${why[code]})` : ''}` : String(err);
}
