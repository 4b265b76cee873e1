/**
 * Anthropic Usage & Cost Admin API usage report (docs/log-formats.md, "Anthropic usage report"):
 * `{data:[{starting_at, ending_at, results:[{uncached_input_tokens, cache_read_input_tokens,
 * cache_creation:{ephemeral_5m_input_tokens, ephemeral_1h_input_tokens}, output_tokens, model, …}]}]}`.
 * Flat `cache_creation_5m_input_tokens` / `cache_creation_1h_input_tokens` are accepted too.
 *
 * The report has no request count: records carry requests = 0 and tag aggregate=true, so request
 * counts and per-request statistics are never invented; token totals are exact.
 */
import type { IngestContext, JsonAdapter } from '../types.js';
import { anthropicTier, bucketResults, convertPageOrResult, FieldReader, isObj, makeRecord, scalarString, type Obj } from './util.js';
import { UNGROUPED_MODEL } from './openai-usage.js';
import { ANTHROPIC_CHARGE_FIELDS, readCharges } from './charges.js';

function isReport(doc: unknown): doc is Obj {
  if (!isObj(doc) || !Array.isArray(doc.data)) return false;
  const b = doc.data[0];
  return doc.data.length === 0 ? 'has_more' in doc && !('meta' in doc) : isObj(b) && Array.isArray(b.results) && 'starting_at' in b;
}

function unwrapReport(doc: unknown): unknown[] | undefined {
  if (!isReport(doc)) return undefined;
  return bucketResults(doc.data as unknown[], (b) => ({ starting_at: b.starting_at, ending_at: b.ending_at }));
}

function isResult(v: unknown): v is Obj {
  return isObj(v) && 'uncached_input_tokens' in v && 'output_tokens' in v;
}

function convertResult(value: Obj, ctx: IngestContext, idSuffix: string): void {
  const rd = new FieldReader(ctx);
  const input = rd.count(value, 'uncached_input_tokens', { required: true });
  const read = rd.count(value, 'cache_read_input_tokens') ?? 0;
  const w5 = rd.count(value, 'cache_creation.ephemeral_5m_input_tokens') ?? rd.count(value, 'cache_creation_5m_input_tokens') ?? 0;
  const w1 = rd.count(value, 'cache_creation.ephemeral_1h_input_tokens') ?? rd.count(value, 'cache_creation_1h_input_tokens') ?? 0;
  const output = rd.count(value, 'output_tokens', { required: true });
  const charges = readCharges(rd, value, ANTHROPIC_CHARGE_FIELDS);
  const time = rd.time(value.starting_at ?? (value._bucket as Obj | undefined)?.starting_at, '_bucket.starting_at');
  const model = value.model === null || value.model === undefined ? UNGROUPED_MODEL : rd.model(value.model, 'model');
  if (rd.failed || input === undefined || output === undefined || model === undefined) return;
  const rec = makeRecord(
    ctx,
    {
      id: `${ctx.file}:${ctx.line}${idSuffix}`,
      model,
      provider: 'anthropic',
      time,
      requests: 0,
      serviceTier: anthropicTier(value.service_tier),
    },
    { input, cacheRead: read, write5m: w5, write1h: w1, output, reasoning: 0 },
  );
  rec.tags.aggregate = 'true';
  const geo = value.inference_geo;
  if (typeof geo === 'string' && geo !== '') rec.regional = geo !== 'global' && geo !== 'not_available';
  if (value.speed === 'fast') rec.fast = true;
  for (const [key, tag] of [
    ['workspace_id', 'workspace'],
    ['api_key_id', 'api_key'],
    ['context_window', 'context_window'],
    ['account_id', 'account'],
    ['service_account_id', 'service_account'],
  ] as const) {
    const v = scalarString(value[key]);
    if (v !== undefined) rec.tags[tag] = v;
  }
  if (charges) rec.charges = charges;
  ctx.emit(rec);
}

export const anthropicUsageAdapter: JsonAdapter = {
  name: 'anthropic-usage',
  description: 'Anthropic Admin API usage report (messages), aggregated per bucket; requests unknown (0)',
  detect(value) {
    if (isReport(value)) return 95;
    return isResult(value) ? 95 : 0;
  },
  unwrap: unwrapReport,
  convert(value, ctx) {
    convertPageOrResult(value, ctx, unwrapReport, convertResult);
  },
};
