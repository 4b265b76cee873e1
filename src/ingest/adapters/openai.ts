/**
 * OpenAI response bodies: Chat Completions (`chat.completion`, final `chat.completion.chunk`),
 * legacy `text_completion`, Responses (`response` objects and `response.*` stream events),
 * embeddings lists; bare or inside `{request, response}` pairs (docs/log-formats.md, "OpenAI").
 *
 * uncached input = prompt - cached - cache_write (both ⊂ prompt); output = completion (⊂ reasoning,
 * audio, predictions). Audio/image tokens stay inside the input/output buckets.
 */
import type { IngestContext, JsonAdapter } from '../types.js';
import type { ChargeCounts } from '../../usage/dimensions.js';
import type { UsageRecord } from '../../usage/record.js';
import { applyPair, responseOf, splitPair, type Pair } from './pair.js';
import { attachText, openaiCompletionText, openaiRequestText } from './text.js';
import { seenBefore } from './dedupe.js';
import {
  checkReasoning,
  FieldReader,
  isObj,
  makeRecord,
  openaiTier,
  providerFromModel,
  uncachedFromInclusive,
  zeroBuckets,
  type Buckets,
  type Obj,
} from './util.js';

/** A converted body: a record (plus the body that carried it), a skip reason, or undefined when rejected. */
export type Outcome = { rec: UsageRecord; body: Obj } | { skip: string } | undefined;

const COMPLETION_OBJECTS = new Set(['chat.completion', 'text_completion', 'chat.completion.chunk']);

/** Chat/legacy/embeddings `usage` (prompt_tokens inclusive of cache). */
function completionUsage(rd: FieldReader, usage: Obj, embeddings: boolean): Buckets | undefined {
  const prompt = rd.count(usage, 'prompt_tokens', { required: true });
  const completion = rd.count(usage, 'completion_tokens', { required: !embeddings }) ?? 0;
  const cached = rd.count(usage, 'prompt_tokens_details.cached_tokens') ?? rd.count(usage, 'prompt_cache_hit_tokens') ?? 0;
  const write = rd.count(usage, 'prompt_tokens_details.cache_write_tokens') ?? 0;
  const reasoning = rd.count(usage, 'completion_tokens_details.reasoning_tokens') ?? 0;
  if (rd.failed || prompt === undefined) return undefined;
  const input = uncachedFromInclusive(rd, prompt, cached + write, 'prompt_tokens', 'cached_tokens + cache_write_tokens');
  if (input === undefined || !checkReasoning(rd, reasoning, completion, 'completion_tokens_details.reasoning_tokens')) return undefined;
  return { input, cacheRead: cached, write5m: write, write1h: 0, output: completion, reasoning };
}

/** Responses `usage` (input_tokens inclusive of cache). */
function responsesUsage(rd: FieldReader, usage: Obj): Buckets | undefined {
  const total = rd.count(usage, 'input_tokens', { required: true });
  const output = rd.count(usage, 'output_tokens', { required: true });
  const cached = rd.count(usage, 'input_tokens_details.cached_tokens') ?? 0;
  const write = rd.count(usage, 'input_tokens_details.cache_write_tokens') ?? 0;
  const reasoning = rd.count(usage, 'output_tokens_details.reasoning_tokens') ?? 0;
  if (rd.failed || total === undefined || output === undefined) return undefined;
  const input = uncachedFromInclusive(rd, total, cached + write, 'input_tokens', 'cached_tokens + cache_write_tokens');
  if (input === undefined || !checkReasoning(rd, reasoning, output, 'output_tokens_details.reasoning_tokens')) return undefined;
  return { input, cacheRead: cached, write5m: write, write1h: 0, output, reasoning };
}

function record(
  ctx: IngestContext,
  rd: FieldReader,
  body: Obj,
  model: string,
  b: Buckets | undefined,
  timeKey: string,
): UsageRecord | undefined {
  const time = rd.time(body[timeKey], timeKey, 's');
  if (rd.failed) return undefined;
  const rec = makeRecord(
    ctx,
    {
      id: typeof body.id === 'string' && body.id ? body.id : undefined,
      model,
      provider: providerFromModel(model),
      time,
      serviceTier: openaiTier(body.service_tier),
    },
    b ?? zeroBuckets(),
  );
  // "fast" is OpenAI's fast mode (older spelling "priority"): keep the priority tier and also flag fast,
  // so catalogs that price it as a fast multiplier (GPT-6) and those with priority prices both apply
  if (body.service_tier === 'fast') rec.fast = true;
  if (!b) {
    rec.countsMissing = true;
    rec.tokenSource = 'estimated';
  }
  return rec;
}

function fromCompletion(body: Obj, ctx: IngestContext, rd: FieldReader, fallbackModel?: string): Outcome {
  const usage = body.usage;
  if ((usage === undefined || usage === null) && body.object === 'chat.completion.chunk') return { skip: 'no-usage' };
  const model = rd.model(body.model ?? fallbackModel, 'model');
  if (model === undefined) return undefined;
  if (usage !== undefined && usage !== null && !isObj(usage)) return void rd.fail('invalid-type', 'usage must be an object', 'usage');
  const embeddings = body.object === 'list';
  const b = isObj(usage) ? completionUsage(rd.child('usage'), usage, embeddings) : undefined;
  if (rd.failed) return undefined;
  const rec = record(ctx, rd, body, model, b, 'created');
  if (rec && embeddings) rec.tags.operation = 'embeddings';
  return rec && { rec, body };
}

const NO_USAGE_STATUS = new Map<string, string>([
  ['failed', 'failed-request'],
  ['cancelled', 'canceled'],
  ['in_progress', 'no-usage'],
  ['queued', 'no-usage'],
]);

function fromResponse(body: Obj, ctx: IngestContext, rd: FieldReader, fallbackModel?: string): Outcome {
  const usage = body.usage;
  const status = typeof body.status === 'string' ? body.status : undefined;
  if ((usage === undefined || usage === null) && status && NO_USAGE_STATUS.has(status))
    return { skip: NO_USAGE_STATUS.get(status) as string };
  const model = rd.model(body.model ?? fallbackModel, 'model');
  if (model === undefined) return undefined;
  if (usage !== undefined && usage !== null && !isObj(usage)) return void rd.fail('invalid-type', 'usage must be an object', 'usage');
  const b = isObj(usage) ? responsesUsage(rd.child('usage'), usage) : undefined;
  if (rd.failed) return undefined;
  const rec = record(ctx, rd, body, model, b, 'created_at');
  if (rec && (status === 'failed' || status === 'cancelled')) rec.tags.outcome = 'failure';
  if (rec) {
    const charges = responsesCharges(body);
    if (charges) rec.charges = charges;
  }
  return rec && { rec, body };
}

/**
 * Built-in tool calls of a Responses body, from its `output` items:
 * - `web_search_call` items whose action is a search (OpenAI bills search actions; `open_page` /
 *   `find_in_page` actions and failed calls are not counted). A response whose `tools` offered only
 *   the older `web_search_preview` tool counts them apart (`webSearchPreview`), since that tool is
 *   priced apart for some models.
 * - `file_search_call` items but failed ones (`fileSearch`, priced per call).
 * - `code_interpreter_call` items, whatever their status (`codeInterpreter`): counted and reported,
 *   never priced (OpenAI bills the container, not the call: usage/dimensions.ts).
 * The SQL reader does not read `output`: a file with any of these item types is read by this reader
 * (sql-readers/openai.ts, READ_NEEDLES).
 */
export function responsesCharges(body: Obj): ChargeCounts | undefined {
  if (!Array.isArray(body.output)) return undefined;
  let searches = 0;
  let fileSearches = 0;
  let interpreter = 0;
  for (const item of body.output) {
    if (!isObj(item)) continue;
    if (item.type === 'code_interpreter_call') interpreter += 1;
    if (item.status === 'failed') continue;
    if (item.type === 'file_search_call') fileSearches += 1;
    else if (item.type === 'web_search_call') {
      const action = isObj(item.action) ? item.action.type : undefined;
      if (action === undefined || action === 'search') searches += 1;
    }
  }
  if (searches + fileSearches + interpreter === 0) return undefined;
  const out: ChargeCounts = {};
  if (searches > 0) {
    const tools = Array.isArray(body.tools) ? body.tools.filter(isObj).map((t) => String(t.type)) : [];
    const preview = tools.some((t) => t.startsWith('web_search_preview')) && !tools.includes('web_search');
    out[preview ? 'webSearchPreview' : 'webSearch'] = searches;
  }
  if (fileSearches > 0) out.fileSearch = fileSearches;
  if (interpreter > 0) out.codeInterpreter = interpreter;
  return out;
}

/** Responses stream events: only the terminal event carries usage. */
function fromEvent(body: Obj, ctx: IngestContext, rd: FieldReader): Outcome {
  const type = body.type as string;
  const inner = body.response;
  if (type === 'response.completed' || type === 'response.incomplete' || type === 'response.failed' || type === 'response.cancelled') {
    if (!isObj(inner)) return void rd.fail('missing-field', `${type} event without a response object`, 'response');
    return fromResponse(inner, ctx, rd.child('response'));
  }
  return { skip: 'stream-event' };
}

/** Any OpenAI response body (used by the pair adapter and the batch adapter). */
export function convertOpenAIBody(body: Obj, ctx: IngestContext, rd: FieldReader, fallbackModel?: string): Outcome {
  if (typeof body.type === 'string' && body.type.startsWith('response.')) return fromEvent(body, ctx, rd);
  if (body.object === 'response') return fromResponse(body, ctx, rd, fallbackModel);
  if (COMPLETION_OBJECTS.has(String(body.object)) || body.object === 'list') return fromCompletion(body, ctx, rd, fallbackModel);
  if (body.error !== undefined && body.error !== null && body.usage === undefined) return { skip: 'error-body' };
  if (isObj(body.usage) && 'input_tokens' in body.usage) return fromResponse(body, ctx, rd, fallbackModel);
  if (isObj(body.usage)) return fromCompletion(body, ctx, rd, fallbackModel);
  return void rd.fail(
    'unrecognized-value',
    'not an OpenAI response (no object/usage)',
    undefined,
    'pass --input-format to force another format, or check that the line is a response body',
  );
}

/** Text, attribution and the per-file id dedupe; then emit. Shared by openai and openai-batch. */
export function finishOpenAI(rec: UsageRecord, completion: string | undefined, pair: Pair, ctx: IngestContext): boolean {
  // request text is only extracted when it is kept or needed to estimate counts (the hot path skips it)
  const needText = ctx.options.keepText || rec.countsMissing === true;
  const req = pair.request && needText ? openaiRequestText(pair.request) : undefined;
  if (rec.countsMissing && !req?.messages.length) {
    ctx.skip('no-usage');
    return false;
  }
  attachText(rec, req, completion, ctx.options.keepText);
  applyPair(rec, pair, ctx);
  return true;
}

function detectBody(r: Obj): number {
  const o = r.object;
  if (typeof o === 'string' && (COMPLETION_OBJECTS.has(o) || o === 'response')) return 90;
  if (typeof r.type === 'string' && r.type.startsWith('response.') && ('sequence_number' in r || 'response' in r)) return 80;
  if (o === 'list' && Array.isArray(r.data) && isObj(r.data[0]) && r.data[0].object === 'embedding') return 80;
  if (isObj(r.usage) && 'prompt_tokens' in r.usage && typeof r.model === 'string') return 40;
  if (isObj(r.error) && 'message' in r.error && r.type !== 'error') return 20;
  return 0;
}

export const openaiAdapter: JsonAdapter = {
  name: 'openai',
  description: 'OpenAI Chat Completions / Completions / Responses / Embeddings bodies, stream chunks and events, {request, response} pairs',
  detect(value) {
    const r = responseOf(value);
    return r ? detectBody(r) : 0;
  },
  convert(value, ctx) {
    const pair = splitPair(value);
    if (!pair) return ctx.reject('invalid-type', 'expected a JSON object', undefined);
    const rd = new FieldReader(ctx, pair.wrapper ? 'response' : '');
    const fallback = typeof pair.request?.model === 'string' ? pair.request.model : undefined;
    const out = convertOpenAIBody(pair.response, ctx, rd, fallback);
    if (!out) return;
    if ('skip' in out) return ctx.skip(out.skip);
    const completion = ctx.options.keepText || out.rec.countsMissing ? openaiCompletionText(out.body) : undefined;
    if (!finishOpenAI(out.rec, completion, pair, ctx)) return;
    if (!out.rec.countsMissing && typeof out.body.id === 'string' && seenBefore(ctx, 'openai:ids', out.body.id)) {
      return ctx.skip('duplicate');
    }
    ctx.emit(out.rec);
  },
};
