/**
 * Worker thread: reads the second half of a split file (ingest/split.ts) through the same pipeline
 * as the main thread (catalog, pricing, estimates, the report's rollup) and posts the part's
 * counts, issues, boundary probe and rollup in plain form. The job comes as workerData, or, for a
 * worker started early to load its modules while the main thread loads its own (prewarm), as the
 * first message.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { readReportPart, type SplitWorkerData } from './split-part.js';

function run(data: SplitWorkerData): void {
  readReportPart(data, (bytes) => parentPort?.postMessage({ progress: bytes })).then(
    (outcome) => parentPort?.postMessage({ ok: true, outcome }),
    (err: unknown) => parentPort?.postMessage({ ok: false, error: (err as Error)?.message ?? String(err) }),
  );
}

if (workerData) run(workerData as SplitWorkerData);
else parentPort?.once('message', (data: SplitWorkerData) => run(data));
