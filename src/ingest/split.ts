/**
 * Reading one large JSONL or CSV file in two halves at once. The second half (from the first line
 * start after the middle, moved a little towards the end for the worker's later start) is read
 * elsewhere (a worker thread, see pipeline/split-run.ts) while this thread reads the first half;
 * the halves then join as if one reader had read the file:
 *
 * - the second half's reader records the dedupe keys it looked up near its start and whether any
 *   value needed earlier lines (a stream delta without its start); if one of those keys is in the
 *   first half's dedupe state, the first half ends with records still buffered or was read by a
 *   format that keeps other state, or the caller's aggregate cannot be merged exactly, this thread
 *   simply reads the second half itself, continuing where it stopped;
 * - otherwise counts add, the second half's issues move by the first half's line count, and the
 *   caller merges its aggregate.
 *
 * CSV: the worker parses the header line, then its half; the halves join only when csv-parse,
 * having read the first half, stands at the start of a record (not inside a quoted field that
 * spans the split), which is checked before anything is merged.
 *
 * Only plain files are split (not stdin or gzip), only JSONL and CSV, only above a size, and only
 * for formats whose state between lines is the dedupe windows (SPLITTABLE; the CSV formats keep
 * none); whole-run joins (batch input/output files, Claude Code sessions) are read in one pass.
 */
import { isUtf8 } from 'node:buffer';
import { createReadStream } from 'node:fs';
import { open } from 'node:fs/promises';
import type { Issue } from '../core/issues.js';
import { DETECT_VALUES, detectJson, type ForcedFormat } from './detect.js';
import type { FileRun } from './file-run.js';
import { CsvChunkParser, sniffDelimiter } from './read/csv.js';
import { decideShape } from './read/file.js';
import { DEFAULT_MAX_LINE_BYTES, JsonLineSplitter } from './read/lines.js';
import { CHUNK_BYTES } from './read/source.js';
import { RecentKeys, LargestByKey } from './adapters/dedupe.js';
import type { IngestCounts, JsonAdapter } from './types.js';

/** Formats whose only state across lines is per-file dedupe (which the split check covers). */
export const SPLITTABLE = new Set(['openai', 'anthropic', 'gemini', 'bedrock', 'litellm', 'langfuse', 'otel', 'generic']);

export interface SplitPlan {
  path: string;
  shape: 'jsonl' | 'csv';
  /** Where the first half's bytes start (3 after a UTF-8 BOM). */
  bodyStart: number;
  /** Offset of the first byte of the second half: the start of a line. */
  splitAt: number;
  end: number;
  /** JSONL: the format detected from the file's first values (the second half starts with it). */
  adapter?: string;
  /** CSV: the delimiter and where the header line ends (the second half parses the header first). */
  delimiter?: string;
  headerEnd?: number;
}

/** What the reader of the second half returns besides the caller's aggregate. */
export interface PartOutcome<P> {
  counts: IngestCounts;
  /** Issues with lines counted from the start of the part. */
  issues: Issue[];
  droppedIssues: number;
  /** Every format that read values of the part. */
  adapters: string[];
  probeKeys: string[];
  needsEarlierLines: boolean;
  payload: P;
}

export interface SplitHooks<P = unknown> {
  /** Files smaller than this are read in one pass (CSV parses ~4x slower per byte, so it splits earlier). */
  minBytes: { jsonl: number; csv: number };
  /**
   * Start reading the second half elsewhere; resolves undefined when that could not run.
   * `onProgress` gets the bytes it has read as it goes (for the progress line).
   */
  start(plan: SplitPlan, onProgress: (bytes: number) => void): { outcome: Promise<PartOutcome<P> | undefined>; cancel(): void };
  /** Why the caller's aggregate of the part cannot be merged after the first half, if it cannot. */
  conflict(payload: P): string | undefined;
  merge(payload: P): void;
  /** A line for --verbose. */
  debug?(line: string): void;
}

const HEAD_BYTES = 1 << 20;
/**
 * The worker starts ~0.1 s after this thread (loading the catalog, and its modules unless it was
 * prewarmed): about 4 MB of JSONL at ~45 MB/s, or 2 MB of CSV at ~10 MB/s. This thread takes half
 * of that more than half the file, so that both end together.
 */
const HEAD_START_BYTES = { jsonl: 2 << 20, csv: 1 << 20 };

/** A plan when `path` is a JSONL or CSV file worth splitting, else undefined (read it in one pass). */
export async function planSplit(
  path: string,
  bytes: number,
  minBytes: SplitHooks['minBytes'],
  forced: ForcedFormat | undefined,
): Promise<SplitPlan | undefined> {
  if (bytes < Math.min(minBytes.jsonl, minBytes.csv) || bytes < 2 * HEAD_BYTES) return undefined;
  const fh = await open(path, 'r');
  try {
    let head = await readAt(fh, 0, HEAD_BYTES);
    if (head[0] === 0x1f && head[1] === 0x8b) return undefined; // gzip
    if (head.subarray(0, 64 * 1024).includes(0)) return undefined;
    const bodyStart = head[0] === 0xef && head[1] === 0xbb && head[2] === 0xbf ? 3 : 0;
    head = head.subarray(bodyStart);
    const shape = decideShape(head);
    let plan: Omit<SplitPlan, 'splitAt'>;
    if (shape === 'jsonl') {
      const adapter = forced ? forced.json : detectJson(firstValues(head));
      if (bytes < minBytes.jsonl || !adapter || !SPLITTABLE.has(adapter.name)) return undefined;
      plan = { path, shape, bodyStart, end: bytes, adapter: adapter.name };
    } else if (shape === 'csv') {
      const nl = head.indexOf(10);
      const header = head.toString('utf8', 0, nl === -1 ? head.length : nl);
      const delimiter = sniffDelimiter(header);
      // a quoted header (it could hold a newline) is left to one pass
      if (bytes < minBytes.csv || nl === -1 || !delimiter || header.includes('"') || (forced && !forced.csv)) return undefined;
      plan = { path, shape, bodyStart, end: bytes, delimiter, headerEnd: bodyStart + nl + 1 };
    } else return undefined;
    const middle = Math.floor(bytes / 2) + Math.min(HEAD_START_BYTES[shape], Math.floor(bytes / 10));
    const around = await readAt(fh, middle, HEAD_BYTES);
    const nl = around.indexOf(10);
    if (nl === -1 || middle + nl + 2 >= bytes) return undefined;
    return { ...plan, splitAt: middle + nl + 1 };
  } finally {
    await fh.close();
  }
}

async function readAt(fh: Awaited<ReturnType<typeof open>>, position: number, length: number): Promise<Buffer> {
  const buf = Buffer.alloc(length);
  const { bytesRead } = await fh.read(buf, 0, length, position);
  return buf.subarray(0, bytesRead);
}

/**
 * The first DETECT_VALUES values of the head, as FileRun buffers them (lines that are empty, not
 * valid UTF-8 or not JSON are not values); too few means "do not split".
 */
function firstValues(head: Buffer): unknown[] {
  const values: unknown[] = [];
  let start = 0;
  for (let nl = head.indexOf(10); nl !== -1 && values.length < DETECT_VALUES; start = nl + 1, nl = head.indexOf(10, start)) {
    const end = nl > start && head[nl - 1] === 13 ? nl - 1 : nl;
    const line = head.subarray(start, end);
    if (line.length === 0 || !isUtf8(line)) continue;
    try {
      const value: unknown = JSON.parse(line.toString('utf8'));
      // as FileRun: the elements of an array on one line are values each
      if (Array.isArray(value)) values.push(...value.slice(0, DETECT_VALUES));
      else values.push(value);
    } catch {
      // FileRun reports it as invalid-json and does not detect on it either
    }
  }
  return values.length >= DETECT_VALUES ? values.slice(0, DETECT_VALUES) : [];
}

/** Streams bytes [start, end) of a file into a line splitter or CSV parser. */
export async function pumpRange(
  path: string,
  start: number,
  end: number,
  splitter: { push(chunk: Buffer): void },
  run: { stopped: boolean },
  onBytes: (n: number) => void,
): Promise<void> {
  if (end <= start) return;
  for await (const chunk of createReadStream(path, { start, end: end - 1, highWaterMark: CHUNK_BYTES })) {
    onBytes((chunk as Buffer).length);
    splitter.push(chunk as Buffer);
    if (run.stopped) return;
  }
}

function countNewlines(chunk: Buffer): number {
  let n = 0;
  for (let i = chunk.indexOf(10); i !== -1; i = chunk.indexOf(10, i + 1)) n++;
  return n;
}

/**
 * Why the first half, as read, cannot be joined to any second half: checked before waiting for the
 * worker (and before the first half's buffers are flushed).
 */
export function firstHalfConflict(run: FileRun, plan: SplitPlan): string | undefined {
  if (plan.shape === 'jsonl' && run.jsonAdapter?.name !== plan.adapter)
    return `the file's format was detected as ${run.jsonAdapter?.name ?? 'unknown'}, not ${plan.adapter}`;
  const unsplittable = run.jsonAdapters.find((a) => !SPLITTABLE.has(a.name));
  if (unsplittable) return `the first half has ${unsplittable.name} records`;
  // records still waiting for a larger copy would be emitted later in one pass than after the first half
  for (const s of run.ctx.fileState.values()) {
    if ((s instanceof LargestByKey ? s.pending : s instanceof Map ? s.size : 0) > 0)
      return 'records of the first half are still buffered at the split';
  }
  return undefined;
}

/** Why the part cannot join this first half, if it cannot (checked before the first half's buffers are flushed). */
export function boundaryConflict<P>(run: FileRun, part: PartOutcome<P>): string | undefined {
  const unsplittable = part.adapters.find((a) => !SPLITTABLE.has(a));
  if (unsplittable) return `the second half has ${unsplittable} records`;
  if (part.needsEarlierLines) return 'a value in the second half continues one in the first';
  const states = [...run.ctx.fileState.values()].filter(
    (s): s is RecentKeys | LargestByKey | Map<string, unknown> => s instanceof RecentKeys || s instanceof LargestByKey || s instanceof Map,
  );
  for (const key of part.probeKeys) {
    for (const s of states) if (s instanceof Map ? s.has(key) : s.mayContain(key)) return `id ${key} occurs on both sides of the split`;
  }
  return undefined;
}

export interface SplitReadDeps {
  run: FileRun;
  /** Adds the part's counts and issues (lines moved by `lineOffset`) to the session. */
  addPart(part: PartOutcome<unknown>, lineOffset: number): void;
  onBytes(n: number): void;
  adapterByName(name: string): JsonAdapter | undefined;
  maxLineBytes?: number;
}

/**
 * Reads the first half here while the hooks read the second; joins them, or reads the second
 * half here too when they cannot be joined exactly. The caller calls run.finish() afterwards.
 */
export async function readSplit<P>(plan: SplitPlan, hooks: SplitHooks<P>, deps: SplitReadDeps): Promise<void> {
  const { run } = deps;
  // the worker's bytes count towards progress as it reads; if this thread reads its half after all,
  // those bytes are not counted twice
  let partBytes = 0;
  let listening = true;
  const part = hooks.start(plan, (n) => {
    if (!listening) return;
    partBytes += n;
    deps.onBytes(n);
  });
  const csv = plan.shape === 'csv' ? new CsvChunkParser(plan.delimiter as string, run) : undefined;
  const reader = csv ?? new JsonLineSplitter(run, deps.maxLineBytes ?? DEFAULT_MAX_LINE_BYTES);
  let joined = false;
  try {
    const t0 = Date.now();
    // CSV row lines are csv-parse's physical line numbers: the second half's move by the newlines of
    // the first half after the header (which has exactly one: planSplit skips quoted headers)
    let newlines = 0;
    const counting = csv ? { push: (chunk: Buffer) => ((newlines += countNewlines(chunk)), csv.push(chunk)) } : reader;
    await pumpRange(plan.path, plan.bodyStart, plan.splitAt, counting, run, deps.onBytes);
    // csv-parse finishes a line only when it sees the next byte
    let resumeAt = plan.splitAt;
    if (csv) await pumpRange(plan.path, plan.splitAt, (resumeAt = plan.splitAt + 1), csv, run, deps.onBytes);
    const t1 = Date.now();
    // what the first half alone rules out is known now: no need to wait for the worker
    let why = run.stopped
      ? 'the file is not read'
      : csv && !csv.atRecordStart()
        ? 'a quoted field spans the split'
        : firstHalfConflict(run, plan);
    if (why) part.cancel();
    const outcome = why ? undefined : await part.outcome;
    if (outcome) hooks.debug?.(`${plan.path}: first half read in ${t1 - t0} ms, second half ready ${Date.now() - t1} ms later`);
    why ??= !outcome ? 'the second half could not be read in parallel' : boundaryConflict(run, outcome);
    if (outcome && !why) {
      run.finish(); // the first half's buffered records, exactly as one pass would emit them before the second half's
      why = hooks.conflict(outcome.payload);
      if (!why) {
        for (const name of outcome.adapters) {
          const a = deps.adapterByName(name);
          if (a) run.addAdapter(a);
        }
        const lineOffset = csv ? newlines - 1 : (reader as JsonLineSplitter).lineNo;
        deps.addPart(outcome as PartOutcome<unknown>, lineOffset);
        deps.onBytes(Math.max(0, plan.end - resumeAt - partBytes));
        hooks.merge(outcome.payload);
        joined = true;
        return;
      }
    }
    hooks.debug?.(`${plan.path}: read in one pass after all (${why})`);
    listening = false;
    let counted = partBytes;
    const onBytes = (n: number): void => {
      const seen = Math.min(n, counted);
      counted -= seen;
      if (n > seen) deps.onBytes(n - seen);
    };
    await pumpRange(plan.path, resumeAt, plan.end, reader, run, onBytes);
    reader.end();
  } finally {
    if (!joined) part.cancel();
  }
}
