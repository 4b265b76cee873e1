/**
 * Starting the split worker (split-worker.ts) before it is needed, so that it loads its modules
 * while the main thread loads its own: this module imports nothing of the pipeline, so the worker
 * starts at once. The worker waits for its job as a message, holds no event-loop reference, and is
 * taken by the first split of the run (split-run.ts).
 */
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';

export const SPLIT_WORKER_URL = new URL('./split-worker.js', import.meta.url);

let prewarmed: Worker | undefined;

/** The compiled worker exists only in dist/; from the TypeScript sources (tests) there is none. */
export function splitWorkerAvailable(): boolean {
  return SPLIT_WORKER_URL.protocol === 'file:' && existsSync(fileURLToPath(SPLIT_WORKER_URL));
}

export function prewarmSplitWorker(): void {
  if (prewarmed || !splitWorkerAvailable()) return;
  const worker = new Worker(SPLIT_WORKER_URL);
  worker.unref();
  const drop = (): void => {
    if (prewarmed === worker) prewarmed = undefined;
  };
  // a worker that failed to start is never handed out (its outcome would never come)
  worker.on('error', drop);
  worker.on('exit', drop);
  prewarmed = worker;
}

/** The prewarmed worker, if any (once). */
export function takePrewarmedWorker(): Worker | undefined {
  const w = prewarmed;
  prewarmed = undefined;
  return w;
}
