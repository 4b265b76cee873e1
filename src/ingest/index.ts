/**
 * Ingest: expand inputs, read every source as a stream, detect (or force) its format, and hand each
 * UsageRecord to `onRecord`. Bad records become Issues; only usage errors (bad input paths, unknown
 * --input-format, --strict failures) throw UserError.
 */
import { groupThousands } from '../core/digits.js';
import { UserError, type Issue } from '../core/issues.js';
import { stdinNote } from '../core/read-text.js';
import type { UsageRecord } from '../usage/record.js';
import { forcedFormat } from './detect.js';
import { FileRun } from './file-run.js';
import { expandInputs, type Source } from './inputs.js';
import { readDecoded, type ReadLimits } from './read/file.js';
import { CsvSyntaxError } from './read/csv.js';
import { ReadError, openSource } from './read/source.js';
import { IngestSession } from './session.js';
import type { IngestCounts, IngestOptions, JsonAdapter } from './types.js';

export { listFormats } from './registry.js';
export { parseColumnMap } from './formats/generic-map.js';
export type { Source } from './inputs.js';

/** What a file read another way than by the TypeScript readers gives (the engine's SQL readers): its format, counts and issues. */
export interface FileRead {
  format: string;
  counts: IngestCounts;
  issues?: Issue[];
  /** Rejected records' issues not in `issues` (a reader stops listing them at DEFAULT_MAX_ISSUES): counted as left out. */
  issuesLeftOut?: number;
}

export interface IngestHooks {
  onProgress?: (bytesRead: number, totalBytes: number | undefined) => void;
  stdin?: NodeJS.ReadableStream;
  /** Stop with a UserError (exit 2) at the first rejected record or file error. */
  strict?: boolean;
  /** Reader limits (tests lower them). */
  limits?: ReadLimits;
  /** Maximum number of issues kept in the result (all are still counted). */
  maxIssues?: number;
  /**
   * Reads a whole file another way first (the engine's SQL readers), telling how far it has got
   * (`onFraction`, 0-1, for the progress line); undefined: read it here.
   */
  readFile?: (path: string, onFraction: (fraction: number) => void) => Promise<FileRead | undefined>;
  /** Reads all the input files at once another way first (when every input is a file); undefined: read them one by one. */
  readFiles?: (paths: string[], onFraction: (fraction: number) => void) => Promise<Omit<FileRead, 'issues'> | undefined>;
  /** Awaited once the inputs are listed, before anything is read (the engine: its database, opening meanwhile). */
  beforeRead?: () => Promise<void>;
}

export interface IngestedFile {
  path: string;
  /** Adapter name, or "unknown" when none was chosen. */
  format: string;
  /** Raw bytes read (compressed size for gzip). */
  bytes: number;
}

export interface IngestResult {
  files: IngestedFile[];
  counts: IngestCounts;
  issues: Issue[];
}

export async function ingest(
  inputs: string[],
  options: IngestOptions,
  onRecord: (r: UsageRecord) => void,
  hooks: IngestHooks = {},
): Promise<IngestResult> {
  const forced = forcedFormat(options);
  const rotated: Array<[string, string[]]> = [];
  const compressed: Array<[string, string[]]> = [];
  const unlisted: Array<[string, string]> = [];
  const special: Array<[string, string]> = [];
  const sources = await expandInputs(inputs, {
    onRotated: (dir, names) => rotated.push([dir, names]),
    onCompressed: (dir, names) => compressed.push([dir, names]),
    onUnlisted: (dir, code) => unlisted.push([dir, code]),
    onSpecial: (file, what) => special.push([file, what]),
  });
  await hooks.beforeRead?.();
  const session = new IngestSession(options, onRecord, hooks.strict ?? false, hooks.maxIssues);
  // a request repeated in another input is counted once (session.ts CROSS_FILE_FORMATS): keys are kept only when there is another input
  if (sources.length > 1) session.enableCrossFile();
  for (const [dir, names] of rotated)
    session.addIssue({
      severity: 'warning',
      code: 'rotated-logs-skipped',
      file: dir,
      message: `${groupThousands(names.length)} rotated log${names.length === 1 ? '' : 's'} not read (${names.slice(0, 3).join(', ')}${names.length > 3 ? ', ...' : ''})`,
      hint: 'a directory is searched for log extensions only: name rotated files explicitly, or pass a glob such as "logs/*.jsonl*"',
    });
  for (const [dir, names] of compressed)
    session.addIssue({
      severity: 'warning',
      code: 'compressed-logs-skipped',
      file: dir,
      message: `${names.length} log${names.length === 1 ? '' : 's'} compressed other than by gzip not read (${names.slice(0, 3).join(', ')}${names.length > 3 ? ', ...' : ''})`,
      hint: 'only gzip (.gz) is read compressed: decompress them first (zstd -d, bzip2 -d, xz -d, unzip), or pipe one in as -',
    });
  for (const [file, what] of special)
    session.addIssue({
      severity: 'warning',
      code: 'special-file-skipped',
      file,
      message: `not read: ${what}, not a regular file (a directory walk or glob reads regular files only)`,
      hint: `name it on the command line to read it (e.g. tokenomics report ${file})`,
    });
  // as an unreadable file: an input error (--strict: exit 2), the other files read
  for (const [dir, code] of unlisted)
    session.addIssue({
      severity: 'error',
      code: 'read-error',
      file: dir,
      message: `cannot list directory: ${code}; its files are not read`,
      hint: code === 'EACCES' ? 'check the permissions, or name the readable files explicitly' : 'name the files explicitly',
    });
  const totalBytes = sources.every((s) => s.kind === 'file')
    ? sources.reduce((n, s) => n + (s.kind === 'file' ? s.bytes : 0), 0)
    : undefined;
  const progress = { bytesRead: 0 };
  const files: IngestedFile[] = [];
  const all =
    hooks.readFiles && sources.every((s) => s.kind === 'file')
      ? await hooks.readFiles(
          sources.map((s) => s.path),
          (fraction) => hooks.onProgress?.(Math.floor(fraction * (totalBytes ?? 0)), totalBytes),
        )
      : undefined;
  if (all) {
    addCounts(session.counts, all.counts);
    for (const src of sources) files.push({ path: src.path, format: all.format, bytes: src.kind === 'file' ? src.bytes : 0 });
    hooks.onProgress?.(totalBytes ?? 0, totalBytes);
    return { files, counts: session.counts, issues: session.finalIssues() };
  }
  const used = new Map<JsonAdapter, FileRun>();
  for (const src of sources) {
    const fileBytes = src.kind === 'file' ? src.bytes : 0;
    const read =
      src.kind === 'file' && hooks.readFile
        ? await hooks.readFile(src.path, (fraction) =>
            hooks.onProgress?.(progress.bytesRead + Math.floor(fraction * fileBytes), totalBytes),
          )
        : undefined;
    if (read && src.kind === 'file') {
      addCounts(session.counts, read.counts);
      // a rejected record's issue (its code a reason counted as rejected), else the file's
      for (const issue of read.issues ?? []) session.addIssue(issue, Object.hasOwn(read.counts.rejected, issue.code) ? 'record' : 'file');
      session.leaveOut(read.issuesLeftOut ?? 0);
      progress.bytesRead += src.bytes;
      hooks.onProgress?.(progress.bytesRead, totalBytes);
      files.push({ path: src.path, format: read.format, bytes: src.bytes });
      continue;
    }
    const run = new FileRun(session, session.newContext(src.path), forced);
    const onBytes = (n: number) => {
      progress.bytesRead += n;
      hooks.onProgress?.(progress.bytesRead, totalBytes);
    };
    const bytes = await readSource(src, run, hooks, onBytes);
    files.push({ path: src.path, format: run.format ?? 'unknown', bytes });
    for (const a of run.jsonAdapters) used.set(a, run);
  }
  endRun(used);
  session.addCrossFileWarnings();
  return { files, counts: session.counts, issues: session.finalIssues() };
}

async function readSource(src: Source, run: FileRun, hooks: IngestHooks, onBytes: (n: number) => void): Promise<number> {
  let bytes = 0;
  try {
    const decoded = await openSource(src, {
      stdin: hooks.stdin,
      onRawBytes: (n) => {
        bytes += n;
        onBytes(n);
      },
    });
    // an explicit `-` that reads nothing is a warning (an upstream command in the pipe may have failed), never a quiet note
    const emptyNote =
      src.kind === 'stdin' ? (stdinNote(hooks.stdin ?? process.stdin) ?? 'standard input is empty: nothing to read') : undefined;
    await readDecoded(decoded.chunks, run, emptyNote ? { ...hooks.limits, emptyNote } : hooks.limits);
  } catch (err) {
    reportReadFailure(err, run);
  }
  run.finish();
  return bytes;
}

function reportReadFailure(err: unknown, run: FileRun): void {
  if (err instanceof ReadError) run.fileIssue('error', err.code, err.message, err.hint);
  else if (err instanceof CsvSyntaxError) {
    const hint = 'check quoting: a field with commas, quotes or newlines must be wrapped in double quotes';
    run.fileIssue('error', 'invalid-csv', `CSV syntax error: ${err.message}; rest of file skipped`, hint, err.line);
  } else if (err instanceof UserError) throw err;
  else run.fileIssue('error', 'read-error', `cannot read: ${(err as Error).message ?? String(err)}`);
}

function addCounts(to: IngestCounts, from: IngestCounts): void {
  to.read += from.read;
  to.counted += from.counted;
  for (const [k, n] of Object.entries(from.skipped)) to.skipped[k] = (to.skipped[k] ?? 0) + n;
  for (const [k, n] of Object.entries(from.rejected)) to.rejected[k] = (to.rejected[k] ?? 0) + n;
}

/** Adapters with run-level joins flush once, with the context of the last file they read. */
function endRun(used: Map<JsonAdapter, FileRun>): void {
  for (const [adapter, run] of used) {
    if (!adapter.endRun) continue;
    run.ctx.line = 0;
    adapter.endRun(run.ctx);
  }
}
