/**
 * Token counting across worker threads. The main thread takes part: with
 * `threads` = T it runs T - 1 workers and counts chunks itself in between
 * (yielding to the event loop after each chunk so worker replies are
 * handled). Each worker holds two chunks at a time, so it has the next one
 * while its reply waits for the main thread to yield. Chunks are handed out
 * on demand, so a worker still loading its
 * rank table (~0.1-0.3 s) simply starts later; chunks held by a worker that
 * has not answered yet are recounted by the main thread once it runs out of
 * work, so a cold worker never delays the result.
 *
 * Workers are kept for reuse and unref'd while idle (they never keep the
 * process alive); `closeTokenPool()` terminates them.
 */
import { existsSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { getEncoder } from './encoder.js';
import type { EncodingName } from './encodings.js';
import { planChunks, type Chunk } from './plan.js';
import type { WorkReply } from './worker.js';

export interface ParallelOptions {
  /** Total threads including the main one (default: available cores). */
  threads?: number;
  /** Below this many UTF-8 bytes of total text, count on the main thread only (default 1 MiB). */
  minBytes?: number;
  /** Chunk size in UTF-16 code units (default 128 Ki). */
  chunkChars?: number;
}

const DEFAULT_MIN_BYTES = 1 << 20;
const DEFAULT_CHUNK_CHARS = 1 << 17;

// named from the parent folder, so that the bundled CLI (dist/bundle/) starts the same worker
const WORKER_URL = new URL('../tokenize/worker.js', import.meta.url);
const pool: Worker[] = [];
const JOBS_PER_WORKER = 2;
/** Job ids are unique per process, so a late reply from an earlier run is never mistaken for this run's. */
let lastJob = 0;
/** Runs in progress; workers are unref'd only when none is (runs may overlap). */
let activeRuns = 0;

/**
 * The compiled worker exists next to this module only in the built output
 * (dist/tokenize/worker.js). Running from TypeScript sources (vitest), it is
 * absent and counting falls back to the main thread, with the same results.
 */
export function workerScriptAvailable(): boolean {
  return WORKER_URL.protocol === 'file:' && existsSync(fileURLToPath(WORKER_URL));
}

function workers(n: number): Worker[] {
  while (pool.length < n) {
    const w = new Worker(WORKER_URL);
    w.unref();
    w.on('error', () => dropWorker(w));
    w.on('exit', () => dropWorker(w));
    pool.push(w);
  }
  return pool.slice(0, n);
}

function dropWorker(w: Worker): void {
  const i = pool.indexOf(w);
  if (i >= 0) pool.splice(i, 1);
}

/** Terminates the pooled workers (safe to call at any time). */
export async function closeTokenPool(): Promise<void> {
  const all = pool.splice(0, pool.length);
  await Promise.all(all.map((w) => w.terminate()));
}

/** Threads to use for `texts` (1: stay on the main thread: small input, one core, or no compiled worker). */
function threadsFor(texts: readonly string[], opts: ParallelOptions): number {
  const threads = Math.max(1, Math.floor(opts.threads ?? availableParallelism()));
  if (threads === 1 || !workerScriptAvailable()) return 1;
  let bytes = 0;
  for (const t of texts) bytes += Buffer.byteLength(t, 'utf8');
  return bytes < (opts.minBytes ?? DEFAULT_MIN_BYTES) ? 1 : threads;
}

/** Token counts of `texts`, computed across threads for large inputs. */
export async function countTokensParallel(texts: readonly string[], encoding: EncodingName, opts: ParallelOptions = {}): Promise<number[]> {
  const threads = threadsFor(texts, opts);
  if (threads === 1) {
    const enc = getEncoder(encoding);
    return texts.map((t) => enc.count(t));
  }
  const chunks = planChunks(texts, opts.chunkChars ?? DEFAULT_CHUNK_CHARS);
  if (chunks.length === 0) return [];
  const results = await runChunks(chunks, encoding, workers(threads - 1));
  const totals = new Array<number>(texts.length).fill(0);
  chunks.forEach((chunk, c) => chunk.forEach((seg, k) => (totals[seg.index] += results[c][k])));
  return totals;
}

/**
 * Token ids of `texts` (as Uint32Arrays), encoded across threads for large inputs; equal to
 * `encode(text)` for each (texts are cut only at safe points, so the parts' ids concatenate).
 */
export async function encodeParallel(texts: readonly string[], encoding: EncodingName, opts: ParallelOptions = {}): Promise<Uint32Array[]> {
  const threads = threadsFor(texts, opts);
  if (threads === 1) {
    const enc = getEncoder(encoding);
    return texts.map((t) => Uint32Array.from(enc.encode(t)));
  }
  const chunks = planChunks(texts, opts.chunkChars ?? DEFAULT_CHUNK_CHARS);
  const results = chunks.length === 0 ? [] : await runChunks<Uint32Array>(chunks, encoding, workers(threads - 1), true);
  const parts: Uint32Array[][] = texts.map(() => []);
  chunks.forEach((chunk, c) => chunk.forEach((seg, k) => parts[seg.index].push(results[c][k])));
  return parts.map((p) => (p.length === 1 ? p[0] : concat(p)));
}

function concat(parts: Uint32Array[]): Uint32Array {
  const out = new Uint32Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

/** Hands chunks to the workers and the main thread; resolves with per-chunk counts (or ids). */
function runChunks(chunks: Chunk[], encoding: EncodingName, ws: Worker[]): Promise<number[][]>;
function runChunks<T>(chunks: Chunk[], encoding: EncodingName, ws: Worker[], ids: true): Promise<T[][]>;
function runChunks(chunks: Chunk[], encoding: EncodingName, ws: Worker[], ids = false): Promise<unknown[][]> {
  return new Promise((resolve, reject) => new ChunkRun(chunks, encoding, ws, ids, resolve, reject).start());
}

/** One parallel run: on-demand dispatch, main-thread share, cleanup. */
class ChunkRun {
  private readonly results: (unknown[] | undefined)[];
  /** Per worker, the jobs posted and not yet answered, oldest first (replies come in order). */
  private readonly inFlight = new Map<Worker, { job: number; id: number }[]>();
  private readonly warm = new Set<Worker>();
  private readonly handlers = new Map<Worker, (reply: WorkReply) => void>();
  private next = 0;
  private done = 0;
  private settled = false;
  private readonly onError = (err: Error): void => this.finish(err);
  private readonly onExit = (code: number): void => this.finish(new Error(`token worker exited with code ${code}`));

  constructor(
    private readonly chunks: Chunk[],
    private readonly encoding: EncodingName,
    private readonly ws: Worker[],
    private readonly ids: boolean,
    private readonly resolve: (r: unknown[][]) => void,
    private readonly reject: (e: Error) => void,
  ) {
    this.results = new Array(chunks.length);
  }

  start(): void {
    activeRuns++;
    for (const w of this.ws) {
      const onMessage = (reply: WorkReply): void => this.onReply(w, reply);
      this.handlers.set(w, onMessage);
      w.on('message', onMessage);
      w.on('error', this.onError);
      w.on('exit', this.onExit);
      w.ref();
      this.inFlight.set(w, []);
      // Two jobs per worker, so it never idles waiting for the main thread to yield.
      for (let k = 0; k < JOBS_PER_WORKER; k++) this.dispatch(w);
    }
    this.step();
  }

  private onReply(w: Worker, reply: WorkReply): void {
    if ('error' in reply) return this.finish(new Error(`token worker: ${reply.error}`));
    const queue = this.inFlight.get(w);
    if (queue === undefined || queue.length === 0 || queue[0].job !== reply.id) return; // a previous run's late reply
    const held = queue.shift() as { job: number; id: number };
    this.warm.add(w);
    this.store(held.id, 'ids' in reply ? reply.ids : reply.counts);
    if (!this.settled) this.dispatch(w);
  }

  private dispatch(w: Worker): void {
    if (this.next >= this.chunks.length) return;
    const id = this.next++;
    const job = ++lastJob;
    this.inFlight.get(w)?.push({ job, id });
    w.postMessage({ id: job, encoding: this.encoding, texts: this.chunks[id].map((s) => s.text), ids: this.ids });
  }

  /** Main thread: one chunk per event-loop turn, so worker replies get handled in between. */
  private step(): void {
    if (this.settled) return;
    if (this.next < this.chunks.length) {
      this.countHere(this.next++);
      setImmediate(() => this.step());
      return;
    }
    // Out of work: take over chunks still held by workers that never answered.
    for (const [w, queue] of this.inFlight) {
      if (this.warm.has(w)) continue;
      for (const held of queue) if (this.results[held.id] === undefined) this.countHere(held.id);
    }
  }

  private countHere(id: number): void {
    const enc = getEncoder(this.encoding);
    const texts = this.chunks[id];
    this.store(id, this.ids ? texts.map((s) => Uint32Array.from(enc.encode(s.text))) : texts.map((s) => enc.count(s.text)));
  }

  private store(id: number, counts: unknown[]): void {
    if (this.results[id] !== undefined) return;
    this.results[id] = counts;
    if (++this.done === this.chunks.length) this.finish();
  }

  private finish(err?: Error): void {
    if (this.settled) return;
    this.settled = true;
    activeRuns--;
    for (const w of this.ws) {
      w.off('message', this.handlers.get(w) as (reply: WorkReply) => void);
      w.off('error', this.onError);
      w.off('exit', this.onExit);
      if (activeRuns === 0) w.unref();
    }
    if (err) this.reject(err);
    else this.resolve(this.results as unknown[][]);
  }
}
