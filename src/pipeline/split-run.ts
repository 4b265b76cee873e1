/**
 * Main-thread side of reading a large JSONL or CSV file in two halves (ingest/split.ts): starts
 * the worker for the second half and merges its report rollup and estimate counts. Enabled with
 * two or more cores; TOKENOMICS_THREADS=1 turns it off, TOKENOMICS_SPLIT_MIN_BYTES sets the size
 * from which a file is split (default 32 MiB for JSONL, 8 MiB for CSV).
 */
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import type { CommandContext } from '../cli/context.js';
import type { RollupPartial } from '../aggregate/rollup-partial.js';
import type { PartOutcome, SplitHooks, SplitPlan } from '../ingest/split.js';
import type { Pricer } from '../pricing/cost.js';
import type { CountEstimator } from './estimate.js';
import type { ReportTask } from './report-task.js';
import { readReportPart, type ReportPartPayload, type SplitWorkerData } from './split-part.js';
import { SPLIT_WORKER_URL, splitWorkerAvailable, takePrewarmedWorker } from './split-prewarm.js';
import type { PipelineOptions } from './stream.js';

/** From these sizes a file is split (CSV parses ~4x slower per byte than JSONL, so it pays off sooner). */
export const DEFAULT_SPLIT_MIN_BYTES = { jsonl: 32 * 1024 * 1024, csv: 8 * 1024 * 1024 };

/** What `report` hands the pipeline so that a split file's halves can join. */
export interface ReportSplit {
  task: ReportTask;
  conflict(part: RollupPartial): string | undefined;
  merge(part: RollupPartial, pricer: Pricer): void;
}

type Started = { outcome: Promise<PartOutcome<ReportPartPayload> | undefined>; cancel(): void };

export function reportSplitHooks(
  ctx: CommandContext,
  opts: PipelineOptions,
  split: ReportSplit,
  pricer: Pricer,
  estimator: CountEstimator,
): SplitHooks<ReportPartPayload> | undefined {
  const env = ctx.io.env;
  const threads =
    env.TOKENOMICS_THREADS !== undefined && env.TOKENOMICS_THREADS !== '' ? Number(env.TOKENOMICS_THREADS) : availableParallelism();
  if (!(threads >= 2)) return undefined;
  const forced = env.TOKENOMICS_SPLIT_MIN_BYTES ? Number(env.TOKENOMICS_SPLIT_MIN_BYTES) : NaN;
  return {
    minBytes: Number.isFinite(forced) && forced >= 0 ? { jsonl: forced, csv: forced } : DEFAULT_SPLIT_MIN_BYTES,
    start(plan: SplitPlan, onProgress: (bytes: number) => void): Started {
      ctx.debug(`${plan.path}: reading bytes ${plan.splitAt}-${plan.end} in a worker thread`);
      const data: SplitWorkerData = {
        plan,
        globalOptions: { ...ctx.opts },
        cwd: ctx.io.cwd,
        env: { ...env },
        nowMs: ctx.io.now(),
        defaultMs: pricer.options.defaultMs ?? ctx.io.now(),
        pipeline: opts,
        task: split.task,
      };
      // from the TypeScript sources (tests) there is no compiled worker: the part runs in-process
      return splitWorkerAvailable() ? inWorker(data, onProgress, (line) => ctx.debug(line)) : inProcess(data, onProgress);
    },
    conflict: (p) => split.conflict(p.rollup),
    merge: (p) => {
      split.merge(p.rollup, pricer);
      estimator.stats.records += p.estimates.records;
      estimator.stats.approximate += p.estimates.approximate;
    },
    debug: (line) => ctx.debug(line),
  };
}

function inWorker(data: SplitWorkerData, onProgress: (bytes: number) => void, debug: (line: string) => void): Started {
  let worker = takePrewarmedWorker();
  if (worker) {
    worker.ref();
    worker.postMessage(data);
  } else worker = new Worker(SPLIT_WORKER_URL, { workerData: data });
  let settled = false;
  const outcome = new Promise<PartOutcome<ReportPartPayload> | undefined>((resolve) => {
    const done = (v: PartOutcome<ReportPartPayload> | undefined) => {
      if (settled) return;
      settled = true;
      resolve(v);
      void worker.terminate();
    };
    worker.on('message', (m: { ok: boolean; outcome?: PartOutcome<ReportPartPayload>; error?: string; progress?: number }) => {
      if (m.progress !== undefined) return void (settled || onProgress(m.progress));
      if (!m.ok) debug(`worker: ${m.error}`);
      done(m.ok ? m.outcome : undefined);
    });
    worker.on('error', (err) => {
      debug(`worker: ${err.message}`);
      done(undefined);
    });
    worker.on('exit', () => done(undefined));
  });
  return { outcome, cancel: () => void worker.terminate() };
}

function inProcess(data: SplitWorkerData, onProgress: (bytes: number) => void): Started {
  return { outcome: readReportPart(data, onProgress).catch(() => undefined), cancel: () => {} };
}
