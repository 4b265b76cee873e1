/**
 * The second half of a split file, read through the whole report pipeline: used by the worker
 * thread (split-worker.ts) and, when the compiled worker is absent (tests on the sources), in-process.
 */
import { CommandContext, type GlobalOptions, type Io } from '../cli/context.js';
import { rollupPartial, type RollupPartial } from '../aggregate/rollup-partial.js';
import { forcedFormat } from '../ingest/detect.js';
import { FileRun } from '../ingest/file-run.js';
import { CsvChunkParser } from '../ingest/read/csv.js';
import { JsonLineSplitter, DEFAULT_MAX_LINE_BYTES } from '../ingest/read/lines.js';
import { getJsonAdapters } from '../ingest/registry.js';
import { BoundaryProbe, IngestSession } from '../ingest/session.js';
import { pumpRange, type PartOutcome, type SplitPlan } from '../ingest/split.js';
import { Pricer } from '../pricing/cost.js';
import { CountEstimator, type EstimateStats } from './estimate.js';
import { reportRollup, type ReportTask } from './report-task.js';
import { ingestOptions, type PipelineOptions } from './stream.js';

export interface SplitWorkerData {
  plan: SplitPlan;
  globalOptions: GlobalOptions;
  cwd: string;
  env: Record<string, string | undefined>;
  nowMs: number;
  /** The main thread's Pricer default time (for records without a timestamp). */
  defaultMs: number;
  pipeline: PipelineOptions;
  task: ReportTask;
}

export interface ReportPartPayload {
  rollup: RollupPartial;
  estimates: EstimateStats;
}

const PROGRESS_EVERY_BYTES = 4 << 20;

export async function readReportPart(
  data: SplitWorkerData,
  onProgress: (bytes: number) => void = () => {},
): Promise<PartOutcome<ReportPartPayload>> {
  const quiet = { write: () => true };
  const io: Io = { stdout: quiet, stderr: quiet, stdin: process.stdin, env: data.env, cwd: data.cwd, now: () => data.nowMs };
  const ctx = new CommandContext(io, { ...data.globalOptions, quiet: true, verbose: false, strict: false, output: undefined });
  const { catalog } = ctx.loadCatalog();
  const pricer = new Pricer(catalog, { defaultMs: data.defaultMs });
  const estimator = new CountEstimator(catalog);
  const { rollup } = reportRollup(ctx, data.task, true);
  const options = ingestOptions(ctx, data.pipeline);
  const session = new IngestSession(options, (r) => {
    if (r.countsMissing) estimator.fill(r);
    rollup.add(r, pricer.cardFor(r));
  });
  const fileCtx = session.newContext(data.plan.path);
  const probe = (fileCtx.boundary = new BoundaryProbe());
  const run = new FileRun(session, fileCtx, forcedFormat(options));
  const { plan } = data;
  // past the deferred-turn limit the part cannot be merged: stop reading instead of growing
  let unreported = 0;
  const none = (n: number): void => {
    if (rollup.deferredOverflow) throw new Error('too many turns of conversations continuing across the split');
    unreported += n;
    if (unreported >= PROGRESS_EVERY_BYTES) {
      onProgress(unreported);
      unreported = 0;
    }
  };
  if (plan.shape === 'csv') {
    // the header line, then the half (rows are numbered from line 2; the merge moves them)
    const parser = new CsvChunkParser(plan.delimiter as string, run);
    await pumpRange(plan.path, plan.bodyStart, plan.headerEnd as number, parser, run, none);
    await pumpRange(plan.path, plan.splitAt, plan.end, parser, run, none);
    parser.end();
  } else {
    const adapter = getJsonAdapters().find((a) => a.name === plan.adapter);
    if (!adapter) throw new Error(`unknown format ${plan.adapter}`);
    run.presetJson(adapter);
    const splitter = new JsonLineSplitter(run, DEFAULT_MAX_LINE_BYTES);
    await pumpRange(plan.path, plan.splitAt, plan.end, splitter, run, none);
    splitter.end();
  }
  run.finish();
  return {
    counts: session.counts,
    issues: session.issues,
    droppedIssues: session.dropped,
    adapters: run.jsonAdapters.map((a) => a.name),
    probeKeys: probe.keys,
    needsEarlierLines: probe.needsEarlierLines,
    payload: { rollup: rollupPartial(rollup), estimates: estimator.stats },
  };
}
