/**
 * Worker thread: reads the second half of a split file (ingest/split.ts) through the same pipeline
 * as the main thread (catalog, pricing, estimates, the report's rollup) and posts the part's
 * counts, issues, boundary probe and rollup in plain form.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { readReportPart, type SplitWorkerData } from './split-part.js';

readReportPart(workerData as SplitWorkerData).then(
  (outcome) => parentPort?.postMessage({ ok: true, outcome }),
  (err: unknown) => parentPort?.postMessage({ ok: false, error: (err as Error)?.message ?? String(err) }),
);
