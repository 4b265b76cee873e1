/** Load every record into memory (for simulation replay, which needs time order and text). */
import type { PipelineContext } from './context.js';
import type { IngestResult } from '../ingest/index.js';
import type { Pricer } from '../pricing/cost.js';
import type { UsageRecord } from '../usage/record.js';
import { runPipeline, type PipelineOptions } from './stream.js';

export async function loadRecords(
  ctx: PipelineContext,
  inputs: string[],
  opts: Partial<PipelineOptions> & { keepText: boolean },
): Promise<{ records: UsageRecord[]; ingest: IngestResult; pricer: Pricer }> {
  const records: UsageRecord[] = [];
  const result = await runPipeline(ctx, inputs, { ...opts }, (r) => records.push(r));
  records.sort((a, b) => (a.timeMs ?? 0) - (b.timeMs ?? 0));
  return { records, ingest: result.ingest, pricer: result.pricer };
}
