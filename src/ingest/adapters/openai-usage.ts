/**
 * OpenAI organization Usage API (docs/log-formats.md, "OpenAI Usage API"): API pages
 * `{object:"page", data:[{object:"bucket", start_time, end_time, results:[…]}]}`, and what scripts save
 * to disk from them (OpenAI's cookbook keeps the pages' `data` arrays): a JSON list of buckets, one
 * bucket per JSONL line, or a flat list of result objects.
 * `unwrap` yields each result with its bucket times under `_bucket`. One record per result:
 * requests = num_model_requests, tag aggregate=true (never mix with per-request logs of the same traffic).
 * A null model (not grouped by model) becomes "(ungrouped)", which the pricer reports as unpriced.
 * Web search results (`/usage/web_searches`: `num_requests` searches made by `num_model_requests`
 * model requests) and file search results (`/usage/file_search_calls`, object
 * `organization.usage.file_searches.result`: `num_requests` calls) carry no tokens: one record per
 * result with the calls as web search or file search calls and requests = 0, since those model
 * requests are counted already by the completions results.
 */
import type { IngestContext, JsonAdapter } from '../types.js';
import type { UsageRecord } from '../../usage/record.js';
import {
  bucketResults,
  convertPageOrResult,
  FieldReader,
  isObj,
  makeRecord,
  openaiTier,
  scalarString,
  zeroBuckets,
  type Obj,
} from './util.js';

export const UNGROUPED_MODEL = '(ungrouped)';

const RESULT_PREFIX = 'organization.usage.';

function isPage(doc: unknown): doc is Obj {
  return (
    isObj(doc) &&
    doc.object === 'page' &&
    Array.isArray(doc.data) &&
    (doc.data.length === 0 || (isObj(doc.data[0]) && doc.data[0].object === 'bucket'))
  );
}

/** A bucket: `results` plus its UTC bounds (`object:"bucket"` may be missing in saved copies). */
function isBucket(v: unknown): v is Obj {
  if (!isObj(v) || !Array.isArray(v.results)) return false;
  if (v.object === 'bucket') return true;
  const first = v.results[0];
  return 'start_time' in v && 'end_time' in v && (first === undefined || (isObj(first) && isResult(first)));
}

function isResult(v: Obj): boolean {
  return (typeof v.object === 'string' && v.object.startsWith(RESULT_PREFIX)) || ('num_model_requests' in v && 'input_tokens' in v);
}

const BOUNDS = (b: Obj): Obj => ({ start_time: b.start_time, end_time: b.end_time });

function unwrapPage(doc: unknown): unknown[] | undefined {
  if (isPage(doc)) return bucketResults(doc.data as unknown[], BOUNDS);
  if (Array.isArray(doc) && doc.length > 0 && doc.every(isBucket)) return bucketResults(doc, BOUNDS);
  if (isBucket(doc)) return bucketResults([doc], BOUNDS);
  return undefined;
}

/** Token-metered endpoints; images/audio/vector-store/... results have no token buckets. */
const TOKEN_TYPES = new Set(['completions', 'embeddings', 'moderations']);
/** The tool call endpoints: priced per call (webSearchPer1k, fileSearchPer1k), no tokens. */
const TOOL_CALLS = {
  web_searches: { charge: 'webSearch', hint: 'num_requests counts web search calls (a whole number ≥ 0)' },
  file_searches: { charge: 'fileSearch', hint: 'num_requests counts file search calls (a whole number ≥ 0)' },
} as const;
type ToolCallType = keyof typeof TOOL_CALLS;
const isToolCallType = (type: string | undefined): type is ToolCallType => type !== undefined && Object.hasOwn(TOOL_CALLS, type);

/** The tags every result carries (grouping ids), and its endpoint. */
function tagResult(rec: UsageRecord, value: Obj, type: string | undefined): void {
  rec.tags.aggregate = 'true';
  for (const [key, tag] of [
    ['project_id', 'project'],
    ['user_id', 'user'],
    ['api_key_id', 'api_key'],
  ] as const) {
    const v = scalarString(value[key]);
    if (v !== undefined) rec.tags[tag] = v;
  }
  if (type !== undefined) rec.tags.usage_type = type;
}

/**
 * A web searches or file searches result: its `num_requests` tool calls as calls of the result's model
 * (no tokens, no requests). A file searches result never names a model (the endpoint does not group by
 * one): it is counted under "(ungrouped)", unpriced, though the catalog's file search price is the same
 * on every OpenAI model (a record is priced through its model's entry only).
 */
function convertToolCalls(value: Obj, ctx: IngestContext, idSuffix: string, type: ToolCallType): void {
  const rd = new FieldReader(ctx);
  const { charge, hint } = TOOL_CALLS[type];
  const calls = rd.count(value, 'num_requests', { required: true, hint });
  const time = rd.time(value.start_time ?? (value._bucket as Obj | undefined)?.start_time, '_bucket.start_time', 's');
  const model = value.model === null || value.model === undefined ? UNGROUPED_MODEL : rd.model(value.model, 'model');
  if (rd.failed || calls === undefined || model === undefined) return;
  if (calls === 0) return ctx.skip('no-usage');
  const rec = makeRecord(ctx, { id: `${ctx.file}:${ctx.line}${idSuffix}`, model, provider: 'openai', time, requests: 0 }, zeroBuckets());
  rec.charges = { [charge]: calls };
  tagResult(rec, value, type);
  for (const [key, tag] of [
    ['context_level', 'context_level'],
    ['vector_store_id', 'vector_store'],
  ] as const) {
    const v = scalarString(value[key]);
    if (v !== undefined) rec.tags[tag] = v;
  }
  ctx.emit(rec);
}

function convertResult(value: Obj, ctx: IngestContext, idSuffix: string): void {
  const type = typeof value.object === 'string' ? value.object.slice(RESULT_PREFIX.length).replace(/\.result$/, '') : undefined;
  if (isToolCallType(type)) return convertToolCalls(value, ctx, idSuffix, type);
  if (type !== undefined && !TOKEN_TYPES.has(type)) return ctx.skip('non-token-usage');
  const rd = new FieldReader(ctx);
  const total = rd.count(value, 'input_tokens') ?? 0;
  const cached = rd.count(value, 'input_cached_tokens') ?? 0;
  const write = rd.count(value, 'input_cache_write_tokens') ?? 0;
  const uncached = rd.count(value, 'input_uncached_tokens');
  const output = rd.count(value, 'output_tokens') ?? 0;
  const requests = rd.count(value, 'num_model_requests') ?? 0;
  const time = rd.time(value.start_time ?? (value._bucket as Obj | undefined)?.start_time, '_bucket.start_time', 's');
  if (rd.failed) return;
  let input = uncached;
  if (input === undefined) {
    if (cached + write > total) {
      return ctx.reject(
        'inconsistent-counts',
        `input_cached_tokens + input_cache_write_tokens (${cached + write}) exceed input_tokens (${total})`,
        'input_tokens',
        'input_tokens includes cached and cache-write tokens in the Usage API',
      );
    }
    input = total - cached - write;
  }
  const model = value.model === null || value.model === undefined ? UNGROUPED_MODEL : rd.model(value.model, 'model');
  if (model === undefined) return;
  const tier = value.batch === true ? 'batch' : value.service_tier === null ? undefined : openaiTier(value.service_tier);
  const rec = makeRecord(
    ctx,
    {
      id: `${ctx.file}:${ctx.line}${idSuffix}`,
      model,
      provider: 'openai',
      time,
      requests,
      serviceTier: tier,
    },
    { input, cacheRead: cached, write5m: write, write1h: 0, output, reasoning: 0 },
  );
  tagResult(rec, value, type);
  ctx.emit(rec);
}

export const openaiUsageAdapter: JsonAdapter = {
  name: 'openai-usage',
  description: 'OpenAI organization Usage API pages (completions/embeddings buckets), aggregated per bucket',
  detect(value) {
    if (isPage(value) || isBucket(value)) return 95;
    if (isObj(value) && typeof value.object === 'string' && value.object.startsWith(RESULT_PREFIX)) return 95;
    return isObj(value) && isResult(value) && 'output_tokens' in value ? 60 : 0;
  },
  unwrap: unwrapPage,
  convert(value, ctx) {
    convertPageOrResult(value, ctx, unwrapPage, convertResult);
  },
};
