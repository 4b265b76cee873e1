/**
 * AWS Bedrock (see docs/log-formats.md, "Bedrock"): model invocation logs (`schemaType:"ModelInvocationLog"`,
 * all operations incl. streaming), Converse responses (`usage.inputTokens`…), ConverseStream `metadata`
 * events, batch inference output lines (`{recordId, modelInput, modelOutput}`, priced as batch), and InvokeModel bodies (Nova `usage`, Titan `inputTextTokenCount`/`results[].tokenCount`,
 * Llama `prompt_token_count`/`generation_token_count`, Anthropic `usage.input_tokens`, streamed chunks'
 * `amazon-bedrock-invocationMetrics`), bare with a `modelId` field or in `{request:{modelId}, response}` pairs.
 *
 * AWS spells the counts two ways (`cacheReadInputTokens` in Converse's TokenUsage, `cacheReadInputTokenCount`
 * in invocation logs, invocation metrics and Nova bodies; likewise input/output/cache-write); every spelling
 * is read, and a record carrying two spellings that disagree is rejected with both values.
 * Input counts EXCLUDE cache reads and writes. Cache writes have no TTL split at the log level: they
 * count as 5m unless the logged body splits the same total (bodyTtlSplit: Anthropic `usage.cache_creation`,
 * Converse `cacheDetails`, in a body or in its stream chunks; a breakdown with another total is rejected). A response with an input count
 * and no output count (a guardrail intervened) is counted with output 0. modelId is kept as logged
 * (geo prefixes, ARNs); regional = true for geo profiles (us./eu./apac./au./jp./ca.) and in-region ids,
 * false for global., unknown for application inference profiles.
 */
import type { IngestContext, JsonAdapter } from '../types.js';
import { NO_MODEL, type UsageRecord } from '../../usage/record.js';
import { applyMetadata, applyPair, splitPair, type Pair } from './pair.js';
import { anthropicCompletionText, anthropicRequestText, attachText, contentText } from './text.js';
import { anthropicBuckets } from './anthropic.js';
import { ANTHROPIC_CHARGE_FIELDS, readCharges } from './charges.js';
import type { ChargeCounts } from '../../usage/dimensions.js';
import { FieldReader, isObj, makeRecord, pick, scalarString, type Buckets, type Obj } from './util.js';

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

/** Every spelling AWS uses for one count, first the Converse (TokenUsage) one. */
const INPUT = ['inputTokens', 'inputTokenCount'];
const OUTPUT = ['outputTokens', 'outputTokenCount'];
const READ = ['cacheReadInputTokens', 'cacheReadInputTokenCount'];
const WRITE = ['cacheWriteInputTokens', 'cacheWriteInputTokenCount'];
const TOTAL = ['totalTokens', 'totalTokenCount'];
const METRICS = 'amazon-bedrock-invocationMetrics';

/** A count under any of its spellings; two spellings with different values reject the record with both. */
function spelled(rd: FieldReader, obj: unknown, names: readonly string[]): number | undefined {
  let found: { name: string; n: number } | undefined;
  for (const name of names) {
    const n = rd.count(obj, name);
    if (n === undefined) continue;
    if (found && found.n !== n) {
      return rd.fail(
        'inconsistent-counts',
        `${rd.path(found.name)} (${found.n}) and ${rd.path(name)} (${n}) disagree`,
        name,
        'both spellings are the same count in Bedrock logs; fix or drop one of them',
      );
    }
    found ??= { name, n };
  }
  return found?.n;
}

function hasAny(obj: unknown, names: readonly string[]): boolean {
  return isObj(obj) && names.some((n) => obj[n] !== undefined && obj[n] !== null);
}

/** Splits a cache-write total by TTL; a breakdown with another total is rejected. */
function splitWrites(rd: FieldReader, total: number, w1h: number, w5m: number, what: string): [number, number] | undefined {
  if (w1h + w5m === 0) return [total, 0];
  if (w1h + w5m !== total) {
    return rd.fail(
      'inconsistent-counts',
      `cache writes (${total}) differ from their TTL breakdown ${what} (${w5m} 5m + ${w1h} 1h = ${w5m + w1h})`,
      what,
      'the cache-write count must equal the sum of its TTL breakdown',
    );
  }
  return [w5m, w1h];
}

/**
 * Cache counts found in a logged response body (used only when the log's own counts are absent):
 * Anthropic `usage.cache_*_input_tokens`, Converse/Nova `usage.cacheRead…`, a ConverseStream
 * `metadata.usage` chunk or an InvokeModel stream's `amazon-bedrock-invocationMetrics` chunk.
 */
function bodyCache(rd: FieldReader, body: unknown): { read?: number; write?: number } {
  const chunks = Array.isArray(body) ? body : [body];
  for (let i = chunks.length - 1; i >= 0; i--) {
    const c = chunks[i];
    if (!isObj(c)) continue;
    const usage = isObj(c.usage)
      ? c.usage
      : isObj(c.metadata) && isObj(c.metadata.usage)
        ? c.metadata.usage
        : isObj(c[METRICS])
          ? c[METRICS]
          : undefined;
    if (!usage) continue;
    if ('input_tokens' in usage) {
      return {
        read: rd.countValue(usage.cache_read_input_tokens, 'cache_read_input_tokens') ?? undefined,
        write: rd.countValue(usage.cache_creation_input_tokens, 'cache_creation_input_tokens') ?? undefined,
      };
    }
    return { read: spelled(rd, usage, READ), write: spelled(rd, usage, WRITE) };
  }
  return {};
}

/**
 * The TTL split of the cache writes in a logged response body: an Anthropic body's `usage.cache_creation`,
 * a Converse body's `usage.cacheDetails`, or, for streamed operations (the body is the list of chunks),
 * the `message_start` chunk's `message.usage.cache_creation` or the ConverseStream `metadata.usage.cacheDetails`.
 */
function bodyTtlSplit(body: unknown): { w1h: number; w5m: number; path: string; what: string } | undefined {
  const chunks = Array.isArray(body) ? body : [body];
  for (let i = 0; i < chunks.length; i++) {
    const c = chunks[i];
    if (!isObj(c)) continue;
    const at = Array.isArray(body) ? `[${i}]` : '';
    const usage = isObj(c.usage)
      ? { obj: c.usage, path: `${at}.usage` }
      : isObj(c.message) && isObj(c.message.usage)
        ? { obj: c.message.usage, path: `${at}.message.usage` }
        : isObj(c.metadata) && isObj(c.metadata.usage)
          ? { obj: c.metadata.usage, path: `${at}.metadata.usage` }
          : undefined;
    if (!usage) continue;
    const cc = usage.obj.cache_creation;
    if (isObj(cc)) {
      return {
        w1h: num(cc.ephemeral_1h_input_tokens) ?? 0,
        w5m: num(cc.ephemeral_5m_input_tokens) ?? 0,
        path: usage.path,
        what: 'cache_creation',
      };
    }
    if (Array.isArray(usage.obj.cacheDetails)) {
      const { w1h, w5m } = cacheDetailsSplit(usage.obj.cacheDetails);
      return { w1h, w5m, path: usage.path, what: 'cacheDetails' };
    }
  }
  return undefined;
}

/** Converse `cacheDetails`: the writes by TTL (`1h`; anything else is the default 5m). */
function cacheDetailsSplit(list: unknown[]): { w1h: number; w5m: number } {
  let w1h = 0;
  let w5m = 0;
  for (const d of list) {
    if (!isObj(d)) continue;
    const n = num(d.inputTokens) ?? 0;
    if (d.ttl === '1h') w1h += n;
    else w5m += n;
  }
  return { w1h, w5m };
}

function invocationLog(value: Obj, ctx: IngestContext): UsageRecord | string | undefined {
  const rd = new FieldReader(ctx);
  if ((value.errorCode || value.error) && !hasAny(value.output, OUTPUT)) return 'failed-request';
  if (!hasAny(value.input, INPUT) && !hasAny(value.output, OUTPUT)) return 'no-usage';
  const model = rd.model(value.modelId, 'modelId');
  const inRd = rd.child('input');
  const input =
    spelled(inRd, value.input, INPUT) ??
    inRd.fail(
      'missing-field',
      'input.inputTokenCount is required',
      'inputTokenCount',
      'an invocation log with an output count needs input.inputTokenCount',
    );
  let read = spelled(inRd, value.input, READ);
  let write = spelled(inRd, value.input, WRITE);
  const output = spelled(rd.child('output'), value.output, OUTPUT) ?? 0;
  const time = rd.time(value.timestamp, 'timestamp');
  if (rd.failed || model === undefined || input === undefined) return undefined;
  const body = pick(value, 'output.outputBodyJson');
  if (read === undefined || write === undefined) {
    const fromBody = bodyCache(rd.child('output.outputBodyJson'), body);
    read ??= fromBody.read;
    write ??= fromBody.write;
    if (rd.failed) return undefined;
  }
  const ttl = bodyTtlSplit(body);
  const split = ttl ? splitWrites(rd.child(`output.outputBodyJson${ttl.path}`), write ?? 0, ttl.w1h, ttl.w5m, ttl.what) : [write ?? 0, 0];
  if (!split) return undefined;
  const rec = makeRecord(
    ctx,
    {
      id: typeof value.requestId === 'string' && value.requestId ? value.requestId : undefined,
      model,
      provider: 'bedrock',
      time,
    },
    { input, cacheRead: read ?? 0, write5m: split[0], write1h: split[1], output, reasoning: 0 },
  );
  const regional = model === NO_MODEL ? undefined : bedrockRegional(model);
  if (regional !== undefined) rec.regional = regional;
  applyMetadata(rec, value.requestMetadata);
  const region = scalarString(value.inferenceRegion) ?? scalarString(value.region);
  if (region) rec.tags.region = region;
  if (typeof value.operation === 'string') rec.tags.operation = value.operation;
  if (guardrailIntervened(body)) rec.tags.guardrail = 'intervened';
  const reqBody = pick(value, 'input.inputBodyJson');
  attachText(
    rec,
    isObj(reqBody) ? anthropicRequestText(reqBody) : undefined,
    isObj(body) ? bodyCompletion(body) : undefined,
    ctx.options.keepText,
  );
  return rec;
}

function num(v: unknown): number | undefined {
  return typeof v === 'number' && Number.isSafeInteger(v) && v >= 0 ? v : undefined;
}

function guardrailIntervened(body: unknown): boolean {
  if (!isObj(body)) return false;
  return body.stopReason === 'guardrail_intervened' || body['amazon-bedrock-guardrailAction'] === 'INTERVENED';
}

function bodyCompletion(body: Obj): string | undefined {
  if (isObj(body.output) && isObj(body.output.message)) return contentText(body.output.message.content, { images: 0 }) || undefined;
  return anthropicCompletionText(body);
}

/** Where a response keeps its counts, and in which dialect. */
type UsageShape =
  | { kind: 'converse'; usage: Obj; path: string }
  | { kind: 'anthropic'; usage: Obj }
  | { kind: 'titan' }
  | { kind: 'llama' };

function usageShape(r: Obj): UsageShape | undefined {
  if (isObj(r.usage) && 'input_tokens' in r.usage) return { kind: 'anthropic', usage: r.usage };
  if (isObj(r.usage) && hasAny(r.usage, [...INPUT, ...OUTPUT])) return { kind: 'converse', usage: r.usage, path: 'usage' };
  if (isObj(r.metadata) && isObj(r.metadata.usage)) return { kind: 'converse', usage: r.metadata.usage, path: 'metadata.usage' };
  if (isObj(r[METRICS])) return { kind: 'converse', usage: r[METRICS] as Obj, path: METRICS };
  if ('inputTextTokenCount' in r) return { kind: 'titan' };
  if ('prompt_token_count' in r && 'generation_token_count' in r) return { kind: 'llama' };
  return undefined;
}

/** Converse / Nova / metrics usage: input excludes cache (see the totalTokens check below). */
function converseBuckets(rd: FieldReader, usage: Obj): Buckets | undefined {
  let input = spelled(rd, usage, INPUT);
  const output = spelled(rd, usage, OUTPUT) ?? 0;
  const read = spelled(rd, usage, READ) ?? 0;
  let write = spelled(rd, usage, WRITE);
  const total = spelled(rd, usage, TOTAL);
  if (rd.failed) return undefined;
  if (input === undefined) return rd.fail('missing-field', `${rd.path('inputTokens')} is required`, 'inputTokens');
  const details = Array.isArray(usage.cacheDetails) ? usage.cacheDetails.filter(isObj) : [];
  const { w1h: oneHour, w5m } = cacheDetailsSplit(details);
  const all = oneHour + w5m;
  write ??= details.length ? all : 0;
  // inputTokens excludes cache; but when totalTokens equals input + output while cache counts are
  // non-zero, the input evidently already contained them (seen on some OpenAI-family models).
  if (read + write > 0 && total === input + output) {
    if (read + write > input) {
      return rd.fail(
        'inconsistent-counts',
        `cache tokens (${read + write}) exceed inputTokens (${input}) although totalTokens (${total}) excludes them`,
        'totalTokens',
        'totalTokens should equal inputTokens + outputTokens + cache reads + cache writes',
      );
    }
    input -= read + write;
  }
  const split = details.length ? splitWrites(rd, write, oneHour, all - oneHour, 'cacheDetails') : [write, 0];
  if (!split) return undefined;
  return { input, cacheRead: read, write5m: split[0], write1h: split[1], output, reasoning: 0 };
}

function titanBuckets(rd: FieldReader, r: Obj): Buckets | undefined {
  const input = rd.count(r, 'inputTextTokenCount', { required: true });
  let output = 0;
  const results = Array.isArray(r.results) ? r.results : [];
  for (let i = 0; i < results.length; i++) output += rd.child(`results[${i}]`).count(results[i], 'tokenCount') ?? 0;
  if (rd.failed || input === undefined) return undefined;
  return { input, cacheRead: 0, write5m: 0, write1h: 0, output, reasoning: 0 };
}

function llamaBuckets(rd: FieldReader, r: Obj): Buckets | undefined {
  const input = rd.count(r, 'prompt_token_count', { required: true });
  const output = rd.count(r, 'generation_token_count') ?? 0;
  if (rd.failed || input === undefined) return undefined;
  return { input, cacheRead: 0, write5m: 0, write1h: 0, output, reasoning: 0 };
}

/** A response body (Converse, ConverseStream metadata, InvokeModel body): a record, a skip reason, or undefined when rejected. */
function response(pair: Pair, ctx: IngestContext, at = pair.wrapper ? 'response' : ''): UsageRecord | string | undefined {
  const r = pair.response;
  const shape = usageShape(r);
  const rd = new FieldReader(ctx, at);
  if (!shape) {
    if (pair.wrapper || 'output' in r || 'stopReason' in r || 'modelId' in r || 'results' in r) return 'no-usage';
    return rd.fail(
      'unrecognized-value',
      'neither a Bedrock invocation log nor a Bedrock response',
      undefined,
      'invocation logs have schemaType "ModelInvocationLog"; Converse responses have usage.inputTokens/outputTokens',
    );
  }
  const model = rd.model(r.modelId ?? pair.request?.modelId ?? pair.wrapper?.modelId ?? r.model, 'modelId');
  let b: Buckets | undefined;
  let charges: ChargeCounts | undefined;
  if (shape.kind === 'converse') b = converseBuckets(rd.child(shape.path), shape.usage);
  else if (shape.kind === 'anthropic') {
    b = anthropicBuckets(rd.child('usage'), shape.usage);
    // server-tool counts, should a body carry them: the Bedrock catalog prices none, so they show as unpriced
    charges = readCharges(rd.child('usage'), shape.usage, ANTHROPIC_CHARGE_FIELDS);
  } else if (shape.kind === 'titan') b = titanBuckets(rd, r);
  else b = llamaBuckets(rd, r);
  if (rd.failed || !b || model === undefined) return undefined;
  const id = scalarString(pick(r, 'ResponseMetadata.RequestId')) ?? scalarString(r.requestId) ?? scalarString(r.id);
  const rec = makeRecord(ctx, { id, model, provider: 'bedrock' }, b);
  if (charges) rec.charges = charges;
  // no model id, no route to read: left to the id a modelAliases entry maps "(no model)" to
  const regional = model === NO_MODEL ? undefined : bedrockRegional(model);
  if (regional !== undefined) rec.regional = regional;
  if (guardrailIntervened(r)) rec.tags.guardrail = 'intervened';
  if (shape.kind === 'titan' && ('embedding' in r || 'embeddingsByType' in r)) rec.tags.operation = 'embeddings';
  attachText(rec, pair.request ? anthropicRequestText(pair.request) : undefined, bodyCompletion(r), ctx.options.keepText);
  applyPair(rec, pair, ctx);
  return rec;
}

/**
 * A batch inference file line: output `{recordId, modelInput, modelOutput}`, where `modelOutput` is the
 * InvokeModel response body (or the Converse response of a Converse job), an `error` object in its place
 * when inference failed, or an input line `{recordId, modelInput}`
 * (<https://docs.aws.amazon.com/bedrock/latest/userguide/batch-inference-results.html>,
 * <https://docs.aws.amazon.com/bedrock/latest/userguide/batch-inference-data.html>).
 */
function isBatchLine(value: Obj): boolean {
  return typeof value.recordId === 'string' && isObj(value.modelInput) && !('schemaType' in value);
}

/**
 * Output lines are priced at batch rates. The line names no model: the job does (CreateModelInvocationJob's
 * `modelId`, <https://docs.aws.amazon.com/bedrock/latest/userguide/batch-inference-data.html>: "You specify the
 * model that you want to use when you create the batch inference job"); neither the output line nor
 * `manifest.json.out` (record and token counts only, batch-inference-results.html) carries it. An Anthropic
 * body's `model` is used; any other body (Nova, Llama, Titan, a Converse job's response) counts under
 * `(no model)`, unpriced, and the file gets one warning at its first such line saying how to name the model.
 */
function batchLine(value: Obj, ctx: IngestContext): UsageRecord | string | undefined {
  if (!isObj(value.modelOutput)) return 'error' in value ? 'failed-request' : 'batch-input-line';
  const out = response({ wrapper: value, request: value.modelInput as Obj, response: value.modelOutput }, ctx, 'modelOutput');
  if (typeof out !== 'object') return out;
  if (out.model === NO_MODEL) {
    const seen = ctx.fileState.get(BATCH_NO_MODEL) as { lines: number; first: number } | undefined;
    if (seen) seen.lines++;
    else ctx.fileState.set(BATCH_NO_MODEL, { lines: 1, first: ctx.line });
  }
  out.serviceTier = 'batch';
  out.tags.custom_id = value.recordId as string;
  if (out.id === `${ctx.file}:${ctx.line}`) out.id = value.recordId as string;
  return out;
}

const BATCH_NO_MODEL = 'bedrock:batch-no-model';

/** The file's warning for batch output lines without a model (batchLine), at the first of them. */
function batchNoModelWarning(ctx: IngestContext): void {
  const seen = ctx.fileState.get(BATCH_NO_MODEL) as { lines: number; first: number } | undefined;
  ctx.fileState.delete(BATCH_NO_MODEL);
  if (!seen) return;
  ctx.warn(
    'batch-output-without-model',
    `${seen.lines} Bedrock batch output line${seen.lines === 1 ? '' : 's'} name${seen.lines === 1 ? 's' : ''} no model (the batch job names it, not its output files): counted under "${NO_MODEL}", unpriced`,
    `look the job's model up (aws bedrock get-model-invocation-job --job-identifier JOB_ARN --query modelId) and map "${NO_MODEL}" to it with modelAliases in tokenomics.yaml; read each job's files in a run of their own when jobs used different models`,
    seen.first,
  );
}

/** Has a modelId where Bedrock puts it (a bare body, the request, or the wrapper line). */
function bedrockModelId(pair: Pair): boolean {
  return [pair.response.modelId, pair.request?.modelId, pair.wrapper?.modelId].some((v) => typeof v === 'string' && v !== '');
}

export const bedrockAdapter: JsonAdapter = {
  name: 'bedrock',
  description: 'AWS Bedrock model invocation logs (CloudWatch/S3), Converse/ConverseStream responses and InvokeModel bodies',
  detect(value) {
    if (!isObj(value)) return 0;
    if (value.schemaType === 'ModelInvocationLog') return 95;
    if (isBatchLine(value)) return isObj(value.modelOutput) ? (usageShape(value.modelOutput) ? 95 : 0) : 'error' in value ? 90 : 60;
    const pair = splitPair(value);
    const shape = pair ? usageShape(pair.response) : undefined;
    if (!pair || !shape) return 0;
    // an Anthropic body is Bedrock's only when a modelId says so (the Anthropic adapter reads bare ones)
    if (shape.kind === 'anthropic') return bedrockModelId(pair) ? 92 : 0;
    return bedrockModelId(pair) ? 80 : 40;
  },
  convert(value, ctx) {
    if (!isObj(value)) return ctx.reject('invalid-type', 'expected a JSON object');
    const out =
      value.schemaType === 'ModelInvocationLog'
        ? invocationLog(value, ctx)
        : isBatchLine(value)
          ? batchLine(value, ctx)
          : response(splitPair(value) as Pair, ctx);
    if (typeof out === 'string') return ctx.skip(out);
    if (out) ctx.emit(out);
  },
  endFile: batchNoModelWarning,
};
