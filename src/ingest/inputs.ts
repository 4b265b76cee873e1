/**
 * Expand CLI inputs (files, directories, glob patterns, `-` for stdin) into an ordered list of sources.
 * Directories are walked recursively in sorted order, skipping dot-entries and node_modules, and keep
 * only log-like files (see LOG_EXTENSIONS, optionally `.gz`, and Parquet files). Globs keep every matching file.
 */
import { type Dirent, readdirSync, type Stats, statSync } from 'node:fs';
import { stat } from 'node:fs/promises';
import path from 'node:path';
import { UserError } from '../core/issues.js';
import { globIsRecursive, globToRegExp, hasGlob, splitGlobBase } from './glob.js';

/** An input; `fileId` (device:inode) tells one file reached by two names (a symbolic or hard link) once. */
export type Source = { kind: 'file'; path: string; bytes: number; fileId?: string } | { kind: 'stdin'; path: '-' };

const fileIdOf = (info: Stats | { dev: number; ino: number }): string => `${info.dev}:${info.ino}`;

/** Extensions picked up when a directory is given (each may also end in `.gz`). */
// '.jsonl.out': Bedrock batch inference writes its output files so (ingest/adapters/bedrock.ts, isBatchLine)
export const LOG_EXTENSIONS = ['.jsonl', '.ndjson', '.json', '.csv', '.tsv', '.log', '.jsonl.out'];

const SKIP_DIRS = new Set(['node_modules']);
const STDIN_PATHS = new Set(['/dev/stdin', '/dev/fd/0', '/proc/self/fd/0']);

/** A rotated log's name (`app.jsonl.1`, `usage.log.2.gz`): skipped by a directory walk, but said. */
const ROTATED_LOG = /\.(jsonl|ndjson|json|csv|tsv|log)\.\d+(\.gz)?$/i;
/** A log compressed other than by gzip (`app.jsonl.zst`, `usage.log.1.bz2`): not read (only gzip is), but said. */
const COMPRESSED_LOG = /\.(jsonl|ndjson|json|csv|tsv|log)(\.\d+)?\.(zst|zstd|bz2|xz|lz4|zip|7z)$/i;

/** What a directory walk left out, for the caller to say (nothing is left out unsaid). */
export interface WalkNotices {
  /** The rotated logs (`app.jsonl.1`) left out, by directory (a directory is searched for log extensions only: they are data all the same). */
  onRotated?: (dir: string, names: string[]) => void;
  /** The logs compressed other than by gzip (`app.jsonl.zst`) left out, by directory. */
  onCompressed?: (dir: string, names: string[]) => void;
  /** A directory below a given one that could not be listed (its files are not read; the given directory itself is an error). */
  onUnlisted?: (dir: string, code: string) => void;
  /**
   * A named pipe, socket or device named like a log, found by a walk: not read (a pipe with no writer
   * would wait forever), but said; given by name, it is read.
   */
  onSpecial?: (file: string, what: string) => void;
}

export async function expandInputs(inputs: readonly string[], notices: WalkNotices = {}): Promise<Source[]> {
  if (inputs.length === 0) {
    throw new UserError('no input files given', 'pass log files, directories or glob patterns, or - for stdin');
  }
  const sources: Source[] = [];
  const seen = new Set<string>();
  const add = (src: Source): void => {
    // a file named twice, or through a link, is read once (its device and inode when known)
    const key = src.kind === 'stdin' ? '-' : (src.fileId ?? path.resolve(src.path));
    if (seen.has(key)) return;
    seen.add(key);
    sources.push(src);
  };
  for (const input of inputs) {
    for (const src of await expandOne(input, notices)) add(src);
  }
  return sources;
}

async function expandOne(input: string, notices: WalkNotices): Promise<Source[]> {
  // the standard input by name: a pipe or socket behind it cannot always be opened again (ENXIO)
  if (input === '-' || STDIN_PATHS.has(input)) return [{ kind: 'stdin', path: '-' }];
  const info = await stat(input).catch((err: NodeJS.ErrnoException) => {
    if (err.code === 'ELOOP')
      throw new UserError(`cannot read ${input}: a symbolic link loop (ELOOP)`, 'the link points (through other links) back to itself');
    if (err.code === 'EACCES')
      throw new UserError(`cannot read ${input}: permission denied (EACCES)`, 'check the permissions of the path and its directories');
    return undefined;
  });
  if (info?.isFile()) return [{ kind: 'file', path: input, bytes: info.size, fileId: fileIdOf(info) }];
  // a named pipe, /dev/stdin or a process substitution (<(zcat logs.gz)): a stream of unknown size
  if (info && (info.isFIFO() || info.isCharacterDevice())) return [{ kind: 'file', path: input, bytes: 0 }];
  if (info?.isDirectory()) {
    const rotated: string[] = [];
    const compressed: string[] = [];
    const unlisted: string[] = [];
    const files = await walkDir(
      input,
      (rel) => {
        if (isLogFile(rel)) return true;
        if (ROTATED_LOG.test(rel)) rotated.push(rel);
        else if (COMPRESSED_LOG.test(rel)) compressed.push(rel);
        return false;
      },
      true,
      Infinity,
      (dir, code) => {
        unlisted.push(`${dir} (${code})`);
        notices.onUnlisted?.(dir, code);
      },
      notices.onSpecial,
    );
    if (rotated.length) notices.onRotated?.(input, rotated);
    if (compressed.length) notices.onCompressed?.(input, compressed);
    if (files.length === 0) {
      if (unlisted.length > 0)
        throw new UserError(
          `no log files found in directory ${input}: ${unlisted.length} director${unlisted.length === 1 ? 'y' : 'ies'} below it could not be listed (${unlisted[0]}${unlisted.length > 1 ? ', ...' : ''})`,
          'check the permissions, or name the readable files explicitly',
        );
      throw new UserError(
        `no log files found in directory ${input}`,
        `directories are searched for ${LOG_EXTENSIONS.join(', ')} (optionally .gz) and .parquet; name files explicitly for other extensions`,
      );
    }
    return files;
  }
  if (hasGlob(input)) return expandGlob(input, notices);
  throw new UserError(`input not found: ${input}`, 'check the path, or quote a glob pattern such as "logs/**/*.jsonl"');
}

async function expandGlob(pattern: string, notices: WalkNotices): Promise<Source[]> {
  const normalised = pattern.replace(/\\/g, '/');
  const { base, rest } = splitGlobBase(normalised);
  const re = globToRegExp(rest);
  const maxDepth = globIsRecursive(rest) ? Infinity : rest.split('/').length;
  const baseInfo = await stat(base).catch(() => undefined);
  const files = baseInfo?.isDirectory()
    ? await walkDir(base, (rel) => re.test(rel), true, maxDepth, notices.onUnlisted, notices.onSpecial)
    : [];
  if (files.length === 0) {
    throw new UserError(`no files match ${pattern}`, 'check the pattern; `**` matches any number of directories, `{a,b}` alternatives');
  }
  return files;
}

/**
 * Whether a directory walk of `root` would find a log file (stops at the first): the default inputs of
 * `report` (Claude Code and Codex CLI directories) are read only when they hold one, so an empty
 * `~/.claude/projects` beside Codex logs is not "no log files found". A directory that cannot be
 * listed counts as holding one: the walk that reads it says why it cannot.
 */
export function holdsLogFile(root: string): boolean {
  const entered = new Set<string>();
  const visit = (dir: string): boolean => {
    const dirInfo = statOrUndefined(dir);
    if (dirInfo) {
      if (entered.has(fileIdOf(dirInfo))) return false;
      entered.add(fileIdOf(dirInfo));
    }
    let entries: Dirent[];
    try {
      entries = readdirSync(dir, { withFileTypes: true });
    } catch {
      return true;
    }
    for (const entry of entries) {
      if (entry.name.startsWith('.')) continue;
      const full = path.join(dir, entry.name);
      const isDir = entry.isDirectory() || (entry.isSymbolicLink() && statOrUndefined(full)?.isDirectory() === true);
      if (isDir) {
        if (!SKIP_DIRS.has(entry.name) && visit(full)) return true;
      } else if (isLogFile(entry.name)) return true;
    }
    return false;
  };
  return visit(root);
}

export function isLogFile(name: string): boolean {
  const lower = name.toLowerCase().replace(/\.gz$/, '');
  return LOG_EXTENSIONS.some((ext) => lower.endsWith(ext)) || isParquetName(name);
}

/**
 * The files under `root` that `keep` takes, in sorted order. Synchronous calls: a tree of hundreds of
 * files is listed in a few milliseconds, where a promise per directory and per file (a round trip to
 * the thread pool each) took tens (nothing else runs meanwhile: the walk comes before any read).
 * A directory below `root` that cannot be listed is handed to `onUnlisted` and the walk goes on (as
 * an unreadable file is an error of its own and the others are read); `root` itself is an error.
 */
async function walkDir(
  root: string,
  keep: (relPath: string) => boolean,
  skipDotFiles: boolean,
  maxDepth = Infinity,
  onUnlisted?: WalkNotices['onUnlisted'],
  onSpecial?: WalkNotices['onSpecial'],
): Promise<Source[]> {
  const out: Source[] = [];
  // directories entered, by device and inode: a linked directory is followed once (no loop through links)
  const entered = new Set<string>();
  const visit = (dir: string, rel: string, depth: number): void => {
    const dirInfo = statOrUndefined(dir);
    if (dirInfo) {
      if (entered.has(fileIdOf(dirInfo))) return;
      entered.add(fileIdOf(dirInfo));
    }
    let entries: Dirent[];
    try {
      entries = readdirSync(dir, { withFileTypes: true });
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code ?? String(err);
      if (rel !== '' && onUnlisted) {
        onUnlisted(dir, code);
        return;
      }
      throw new UserError(
        `cannot list directory ${dir}: ${code}`,
        code === 'EACCES' ? 'check the permissions, or name the readable files explicitly' : 'name the files explicitly',
      );
    }
    entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    for (const entry of entries) {
      if (entry.name.startsWith('.') && (entry.isDirectory() || skipDotFiles)) continue;
      const full = path.join(dir, entry.name);
      const relPath = rel ? `${rel}/${entry.name}` : entry.name;
      // a symbolic link is what it points to: a directory is walked, a file kept by its name
      const info = entry.isSymbolicLink() ? statOrUndefined(full) : undefined;
      if (entry.isDirectory() || info?.isDirectory()) {
        if (!SKIP_DIRS.has(entry.name) && depth + 1 < maxDepth) visit(full, relPath, depth + 1);
      } else if (entry.isFile() || entry.isSymbolicLink()) {
        if (!keep(relPath)) continue;
        const fileInfo = info ?? statOrUndefined(full);
        if (fileInfo?.isFile()) out.push({ kind: 'file', path: full, bytes: fileInfo.size, fileId: fileIdOf(fileInfo) });
        // a link to nothing, named like a log: an input that cannot be read (said when it is read), never skipped unsaid
        else if (fileInfo === undefined && entry.isSymbolicLink()) out.push({ kind: 'file', path: full, bytes: 0 });
        else if (fileInfo) onSpecial?.(full, specialKind(fileInfo));
      } else if (keep(relPath)) {
        // a named pipe, socket or device (not followed through a link: the branch above)
        const fileInfo = statOrUndefined(full);
        if (fileInfo) onSpecial?.(full, specialKind(fileInfo));
      }
    }
  };
  visit(root, '', 0);
  return out;
}

/** What a file that is neither a regular file nor a directory is, in words. */
function specialKind(info: Stats): string {
  if (info.isFIFO()) return 'a named pipe';
  if (info.isSocket()) return 'a socket';
  if (info.isCharacterDevice() || info.isBlockDevice()) return 'a device';
  return 'not a regular file';
}

/** A file's status (links followed), undefined when it cannot be read (as a failed stat was skipped before). */
function statOrUndefined(file: string): Stats | undefined {
  try {
    return statSync(file, { throwIfNoEntry: false });
  } catch {
    return undefined;
  }
}

/** Whether a file is read as Parquet: by its name (the engine reads it; the TypeScript readers have no Parquet reader). */
export const isParquetName = (path: string): boolean => /\.parquet$/i.test(path);
