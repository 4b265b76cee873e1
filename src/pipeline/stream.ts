/**
 * The pipeline behind the log commands: ingest -> tokenize (only where counts are missing)
 * -> price -> hand each priced record to the caller. Streaming: nothing is kept here.
 */
import { UserError } from '../core/issues.js';
import { ingest, parseColumnMap, type IngestResult } from '../ingest/index.js';
import type { ColumnMapping, IngestOptions } from '../ingest/types.js';
import { Pricer, type RateCard } from '../pricing/cost.js';
import type { UsageRecord } from '../usage/record.js';
import { CountEstimator, type EstimateStats } from './estimate.js';
import { Progress } from './progress.js';
import type { PipelineContext } from './context.js';

/** Said when `-` is read from a terminal: the command waits for typed or pasted lines, not for a pipe. */
export const STDIN_FROM_TERMINAL = 'reading logs from standard input (end with Ctrl-D; or pass files)';

export interface PipelineOptions {
  keepText: boolean;
  inputFormat?: string;
  /** `--map` spec. */
  map?: string;
  /** Extra price files (e.g. a proposed card) are not for pricing here; see repricing. */
}

export interface PipelineResult {
  ingest: IngestResult;
  pricer: Pricer;
  estimates: EstimateStats;
}

export function ingestOptions(ctx: PipelineContext, opts: PipelineOptions): IngestOptions {
  const cfg = ctx.config?.doc;
  let columns = (cfg?.columns as ColumnMapping | undefined) ?? undefined;
  if (opts.map) columns = { ...(columns ?? {}), ...parseColumnMap(opts.map) };
  return {
    inputFormat: opts.inputFormat,
    columns,
    keepText: opts.keepText,
    attribution: (cfg?.attribution as Record<string, string> | undefined) ?? undefined,
  };
}

export async function runPipeline(
  ctx: PipelineContext,
  inputs: string[],
  opts: PipelineOptions,
  onRecord: (r: UsageRecord, card: RateCard | undefined) => void,
): Promise<PipelineResult> {
  if (inputs.length === 0) throw new UserError('no inputs given', 'pass log files, directories, glob patterns or - for stdin');
  if (inputs.includes('-') && (ctx.io.stdin as { isTTY?: boolean }).isTTY) ctx.info?.(STDIN_FROM_TERMINAL);
  const { catalog, report } = ctx.loadCatalog();
  for (const src of report.sources)
    ctx.debug(`prices: ${src.label}: ${src.entries} entries${src.skipped ? `, ${src.skipped} not mappable` : ''}`);
  const startMs = Date.now();
  const pricer = new Pricer(catalog, { defaultMs: ctx.io.now() });
  const estimator = new CountEstimator(catalog);
  const progress = new Progress(ctx);
  const options = ingestOptions(ctx, opts);
  const priced = (r: UsageRecord): void => {
    if (r.countsMissing) estimator.fill(r);
    onRecord(r, pricer.cardFor(r));
  };
  const readOther = ctx.readRecordsOf?.bind(ctx);
  try {
    const result = await ingest(inputs, options, priced, {
      stdin: ctx.io.stdin,
      strict: ctx.strict,
      onProgress: (done, total) => progress.update(done, total),
      // files the TypeScript readers cannot read (Parquet): read by the engine, record by record
      ...(readOther ? { readFile: (path: string) => readOther(path, options.columns, priced) } : {}),
    });
    for (const f of result.files) ctx.debug(`read ${f.path}: ${f.format}, ${f.bytes} bytes`);
    ctx.debug(`ingest: ${result.counts.read} values in ${Date.now() - startMs} ms; ${estimator.stats.records} records estimated from text`);
    return { ingest: result, pricer, estimates: estimator.stats };
  } finally {
    progress.done();
  }
}
