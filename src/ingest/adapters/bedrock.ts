/**
 * AWS Bedrock (LOG-FORMATS §4): model invocation logs (`schemaType:"ModelInvocationLog"`, all
 * operations incl. streaming) and raw Converse/ConverseStream responses (`usage.inputTokens`…),
 * bare with a `modelId` field or in `{request:{modelId}, response}` pairs.
 *
 * inputTokenCount / inputTokens EXCLUDE cache reads and writes. Cache writes have no TTL split at
 * the log level: they count as 5m unless the logged Anthropic body's `usage.cache_creation` (or
 * Converse `cacheDetails`) splits the same total. modelId is kept as logged (geo prefixes, ARNs);
 * regional = true for geo profiles (us./eu./apac./au./jp./ca.) and in-region ids, false for global.,
 * unknown for application inference profiles.
 */
import type { IngestContext, JsonAdapter } from '../types.js';
import type { UsageRecord } from '../../usage/record.js';
import { applyMetadata, applyPair, splitPair, type Pair } from './pair.js';
import { anthropicCompletionText, anthropicRequestText, attachText, contentText } from './text.js';
import { FieldReader, isObj, makeRecord, pick, scalarString, type Obj } from './util.js';

/** Regional-uplift flag from a Bedrock model id / ARN. */
export function bedrockRegional(modelId: string): boolean | undefined {
  let id = modelId;
  if (id.startsWith('arn:')) {
    const resource = id.split(':').slice(5).join(':');
    if (resource.startsWith('application-inference-profile/')) return undefined;
    if (resource.startsWith('foundation-model/')) return true;
    id = resource.slice(resource.indexOf('/') + 1);
  }
  if (id.startsWith('global.')) return false;
  return true; // geo prefix (us./eu./apac./au./jp./ca./us-gov.) or in-region foundation model
}

/** Splits a cache-write total by TTL when a breakdown with the same total is available. */
function splitWrites(total: number, w1h: number | undefined, w5m: number | undefined): [number, number] {
  if (w1h !== undefined && w5m !== undefined && w1h + w5m === total) return [w5m, w1h];
  return [total, 0];
}

function invocationLog(value: Obj, ctx: IngestContext): UsageRecord | string | undefined {
  const rd = new FieldReader(ctx);
  if ((value.errorCode || value.error) && pick(value, 'output.outputTokenCount') === undefined) return 'failed-request';
  const model = rd.model(value.modelId, 'modelId');
  const input = rd.count(value, 'input.inputTokenCount', { required: true });
  const read = rd.count(value, 'input.cacheReadInputTokenCount') ?? 0;
  const write = rd.count(value, 'input.cacheWriteInputTokenCount') ?? 0;
  const output = rd.count(value, 'output.outputTokenCount', { required: true });
  const time = rd.time(value.timestamp, 'timestamp');
  if (rd.failed || model === undefined || input === undefined || output === undefined) return undefined;
  const body = pick(value, 'output.outputBodyJson');
  const cc = isObj(body) ? pick(body, 'usage.cache_creation') : undefined;
  const [w5, w1] = isObj(cc)
    ? splitWrites(write, num(cc.ephemeral_1h_input_tokens), num(cc.ephemeral_5m_input_tokens))
    : [write, 0];
  const rec = makeRecord(ctx, {
    id: typeof value.requestId === 'string' && value.requestId ? value.requestId : undefined,
    model, provider: 'bedrock', time,
  }, { input, cacheRead: read, write5m: w5, write1h: w1, output, reasoning: 0 });
  const regional = bedrockRegional(model);
  if (regional !== undefined) rec.regional = regional;
  applyMetadata(rec, value.requestMetadata);
  const region = scalarString(value.inferenceRegion) ?? scalarString(value.region);
  if (region) rec.tags.region = region;
  if (typeof value.operation === 'string') rec.tags.operation = value.operation;
  const reqBody = pick(value, 'input.inputBodyJson');
  attachText(rec, isObj(reqBody) ? anthropicRequestText(reqBody) : undefined,
    isObj(body) ? bodyCompletion(body) : undefined, ctx.options.keepText);
  return rec;
}

function num(v: unknown): number | undefined {
  return typeof v === 'number' && Number.isSafeInteger(v) && v >= 0 ? v : undefined;
}

function bodyCompletion(body: Obj): string | undefined {
  if (isObj(body.output) && isObj(body.output.message)) return contentText(body.output.message.content, { images: 0 }) || undefined;
  return anthropicCompletionText(body);
}

/**
 * Converse `usage`. inputTokens is exclusive of cache; but when totalTokens equals input + output
 * while cache counts are non-zero, the input evidently already contained them (seen on some
 * OpenAI-family models), so the cache counts are subtracted instead.
 */
function converse(pair: Pair, ctx: IngestContext): UsageRecord | undefined {
  const r = pair.response;
  const rd = new FieldReader(ctx, pair.wrapper ? 'response' : '');
  const model = rd.model(r.modelId ?? pair.request?.modelId ?? pair.wrapper?.modelId, 'modelId');
  const u = rd.child('usage');
  let input = u.count(r.usage, 'inputTokens', { required: true });
  const output = u.count(r.usage, 'outputTokens', { required: true });
  const read = u.count(r.usage, 'cacheReadInputTokens') ?? 0;
  const write = u.count(r.usage, 'cacheWriteInputTokens') ?? 0;
  const total = u.count(r.usage, 'totalTokens');
  if (rd.failed || model === undefined || input === undefined || output === undefined) return undefined;
  if (read + write > 0 && total === input + output) {
    if (read + write > input) {
      return rd.fail('inconsistent-counts', `cache tokens (${read + write}) exceed inputTokens (${input}) although totalTokens excludes them`,
        'usage.totalTokens', 'totalTokens should equal inputTokens + outputTokens + cache reads + cache writes');
    }
    input -= read + write;
  }
  const details = Array.isArray((r.usage as Obj).cacheDetails) ? ((r.usage as Obj).cacheDetails as unknown[]) : [];
  const oneHour = details.filter((d) => isObj(d) && d.ttl === '1h').reduce((s: number, d) => s + (num((d as Obj).inputTokens) ?? 0), 0);
  const [w5, w1] = details.length ? splitWrites(write, oneHour, write - oneHour) : [write, 0];
  const id = scalarString(pick(r, 'ResponseMetadata.RequestId')) ?? scalarString(r.requestId);
  const rec = makeRecord(ctx, { id, model, provider: 'bedrock' }, { input, cacheRead: read, write5m: w5, write1h: w1, output, reasoning: 0 });
  const regional = bedrockRegional(model);
  if (regional !== undefined) rec.regional = regional;
  attachText(rec, pair.request ? anthropicRequestText(pair.request) : undefined, bodyCompletion(r), ctx.options.keepText);
  applyPair(rec, pair, ctx);
  return rec;
}

function isConverse(r: unknown): r is Obj {
  return isObj(r) && isObj(r.usage) && 'inputTokens' in r.usage && 'outputTokens' in r.usage;
}

export const bedrockAdapter: JsonAdapter = {
  name: 'bedrock',
  description: 'AWS Bedrock model invocation logs (CloudWatch/S3) and Converse responses with a modelId',
  detect(value) {
    if (!isObj(value)) return 0;
    if (value.schemaType === 'ModelInvocationLog') return 95;
    const pair = splitPair(value);
    if (!pair || !isConverse(pair.response)) return 0;
    return pair.response.modelId || pair.request?.modelId || pair.wrapper?.modelId ? 80 : 40;
  },
  convert(value, ctx) {
    if (!isObj(value)) return ctx.reject('invalid-type', 'expected a JSON object');
    if (value.schemaType === 'ModelInvocationLog') {
      const out = invocationLog(value, ctx);
      if (typeof out === 'string') return ctx.skip(out);
      if (out) ctx.emit(out);
      return;
    }
    const pair = splitPair(value) as Pair;
    if (!isConverse(pair.response)) {
      return ctx.reject('unrecognized-value', 'neither a Bedrock invocation log nor a Converse response', undefined,
        'invocation logs have schemaType "ModelInvocationLog"; Converse responses have usage.inputTokens/outputTokens');
    }
    const rec = converse(pair, ctx);
    if (rec) ctx.emit(rec);
  },
};
