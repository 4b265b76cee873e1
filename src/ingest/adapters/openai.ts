/**
 * OpenAI response bodies: Chat Completions (`chat.completion`, final `chat.completion.chunk`),
 * legacy `text_completion`, Responses (`response` objects and `response.*` stream events),
 * embeddings lists; bare or inside `{request, response}` pairs (docs/log-formats.md, "OpenAI").
 *
 * uncached input = prompt - cached - cache_write (both ⊂ prompt); output = completion (⊂ reasoning,
 * audio, predictions). Audio/image tokens stay inside the input/output buckets.
 */
import { groupThousands } from '../../core/digits.js';
import type { IngestContext, JsonAdapter } from '../types.js';
import type { ChargeCounts } from '../../usage/dimensions.js';
import type { UsageRecord } from '../../usage/record.js';
import { applyPair, responseOf, splitPair, type Pair } from './pair.js';
import { attachText, openaiCompletionText, openaiRequestText } from './text.js';
import { LargestByKey, RecentKeys, seenBefore } from './dedupe.js';
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

/**
 * Chat/legacy/embeddings `usage` (prompt_tokens inclusive of cache).
 *
 * `hiddenThoughts` (a Gemini model): Gemini's OpenAI-compatible endpoint leaves the thinking tokens
 * out of `completion_tokens` but counts them in `total_tokens` (e.g. completion 1, prompt 9, total 103:
 * <https://discuss.ai.google.dev/t/endpoint-https-generativelanguage-googleapis-com-v1beta-openai-chat-completions-is-not-compliant-with-api-specs/127400>),
 * as Gemini's own totalTokenCount includes thoughtsTokenCount, which bills as output
 * (<https://ai.google.dev/api/generate-content#UsageMetadata>, <https://ai.google.dev/gemini-api/docs/thinking>).
 * So for such a model the part of `total_tokens` above prompt + completion is output and reasoning;
 * when `reasoning_tokens` is given it must be that part (else the line is rejected as before).
 */
function completionUsage(rd: FieldReader, usage: Obj, embeddings: boolean, hiddenThoughts = false): Buckets | undefined {
  const prompt = rd.count(usage, 'prompt_tokens', { required: true });
  const completion = rd.count(usage, 'completion_tokens', { required: !embeddings }) ?? 0;
  const cached = rd.count(usage, 'prompt_tokens_details.cached_tokens') ?? rd.count(usage, 'prompt_cache_hit_tokens') ?? 0;
  const write = rd.count(usage, 'prompt_tokens_details.cache_write_tokens') ?? 0;
  let reasoning = rd.count(usage, 'completion_tokens_details.reasoning_tokens') ?? 0;
  const total = hiddenThoughts ? rd.count(usage, 'total_tokens') : undefined;
  if (rd.failed || prompt === undefined) return undefined;
  const input = uncachedFromInclusive(rd, prompt, cached + write, 'prompt_tokens', 'cached_tokens + cache_write_tokens');
  if (input === undefined) return undefined;
  let output = completion;
  const thoughts = total === undefined ? 0 : total - prompt - completion;
  if (thoughts > 0 && (reasoning === 0 || reasoning === thoughts)) {
    output += thoughts;
    reasoning = thoughts;
  }
  if (!checkReasoning(rd, reasoning, output, 'completion_tokens_details.reasoning_tokens')) return undefined;
  return { input, cacheRead: cached, write5m: write, write1h: 0, output, reasoning };
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
  const b = isObj(usage) ? completionUsage(rd.child('usage'), usage, embeddings, providerFromModel(model) === 'google') : undefined;
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

/**
 * What a file's streams lost, told once at its end (endFile), as the SQL reader tells it
 * (engine/sql-readers/openai.ts): a streamed chat completion carries its usage only on a last
 * chunk, sent only when the request asked for it (`stream_options: {"include_usage": true}`); the
 * chunks before it have none. A chunk without usage (skipped `no-usage`) is lost unless a chunk
 * with usage and the same id follows it in the file (a chunk without a string id always is).
 * Responses streams always end with a terminal event (`response.completed`, ...) holding the usage:
 * a file of `response.*` events with no terminal event among them counted none of their tokens.
 */
interface StreamState {
  /** Chunks without usage by stream id, not yet followed by a chunk with usage of that id. */
  bare: Map<string, number>;
  /** Chunks without usage and without a string id. */
  idless: number;
  /** Responses stream events skipped (`stream-event`), and whether a terminal event was read. */
  events: number;
  terminal: boolean;
}

const TERMINAL_TYPES = new Set(['response.completed', 'response.incomplete', 'response.failed', 'response.cancelled']);

function streamState(ctx: IngestContext): StreamState {
  let s = ctx.fileState.get('openai:streams') as StreamState | undefined;
  if (!s) ctx.fileState.set('openai:streams', (s = { bare: new Map(), idless: 0, events: 0, terminal: false }));
  return s;
}

/** Notes a body for the file's stream warnings (before it is converted; `skip`: the reason it was skipped, if it was). */
function noteStream(ctx: IngestContext, body: Obj, skip: string | undefined): void {
  const event = typeof body.type === 'string' && body.type.startsWith('response.');
  if (event) {
    if (TERMINAL_TYPES.has(body.type as string)) streamState(ctx).terminal = true;
    else if (skip === 'stream-event') streamState(ctx).events++;
    return;
  }
  if (body.object !== 'chat.completion.chunk') return;
  const id = typeof body.id === 'string' ? body.id : undefined;
  if (body.usage === undefined || body.usage === null) {
    // (convertOpenAIBody skips exactly these as no-usage)
    const s = streamState(ctx);
    if (id === undefined) s.idless++;
    else s.bare.set(id, (s.bare.get(id) ?? 0) + 1);
  } else if (id !== undefined) {
    // a chunk with usage: the chunks of its stream before it are counted through it
    (ctx.fileState.get('openai:streams') as StreamState | undefined)?.bare.delete(id);
  }
}

/** The file's stream warnings (see StreamState). */
export function streamWarnings(ctx: IngestContext): void {
  const s = ctx.fileState.get('openai:streams') as StreamState | undefined;
  if (!s) return;
  let chunks = s.idless;
  for (const n of s.bare.values()) chunks += n;
  if (chunks > 0) ctx.warn(...chunkWarning(chunks));
  if (s.events > 0 && !s.terminal) ctx.warn(...eventWarning(s.events));
}

/** The warning for `n` streamed chat chunks that carried no usage (code, message, hint): the TypeScript and SQL readers' words. */
export function chunkWarning(n: number): [string, string, string] {
  return [
    'stream-without-usage',
    `${groupThousands(n)} streamed chat completion chunk${n === 1 ? '' : 's'} carried no usage (request it with stream_options: {"include_usage": true}); their tokens are not counted`,
    'with include_usage, the last chunk of each stream carries the usage of the whole request (a stream cut short never sends it)',
  ];
}

/** The warning for `n` Responses stream events in a file without a terminal event (code, message, hint). */
export function eventWarning(n: number): [string, string, string] {
  return [
    'stream-without-usage',
    `${groupThousands(n)} Responses stream event${n === 1 ? '' : 's'} and no terminal event (response.completed) that carries usage; their tokens are not counted`,
    'log the terminal event of each stream (response.completed, response.incomplete, response.failed): its response.usage holds the counts',
  ];
}

const CHUNKS = 'openai:chunks';
const CHUNK_IDS = 'openai:chunk-ids';

/**
 * What makes two bodies of one file the same request (the key of the file's dedupe): the id, the model as
 * written and the time (`created`, `created_at`), as across files (ingest/session.ts, crossFileKey). The
 * id alone is not: OpenAI-compatible proxies and mocks write ids such as `chatcmpl-1` for every request;
 * the chunks of one stream share all three ("Each chunk has the same ID" and "the same timestamp":
 * https://platform.openai.com/docs/api-reference/chat-streaming/streaming). The model is the body's text
 * (the SQL reader keys on it too: engine/sql-readers/openai.ts, dedupeSql), else the model the record
 * took from its request.
 */
function dedupeKey(id: string, body: Obj, rec: UsageRecord): string {
  const model = typeof body.model === 'string' ? body.model : `\u0001${rec.model}`;
  return `${id}\u0000${model}\u0000${rec.timeMs ?? ''}`;
}

/** The file's recent keys under `name` (dedupe.ts RecentKeys; seenBefore keeps 'openai:ids'). */
function recentIds(ctx: IngestContext, name: string): RecentKeys {
  let s = ctx.fileState.get(name) as RecentKeys | undefined;
  if (!s) ctx.fileState.set(name, (s = new RecentKeys()));
  return s;
}

/**
 * Whether no later chunk of its stream will carry usage. OpenAI sends usage once, on a last chunk whose
 * `choices` is empty (<https://platform.openai.com/docs/api-reference/chat/create>, `stream_options`); Gemini's
 * OpenAI-compatible endpoint sends the running usage on every chunk, the last with a `finish_reason`
 * (<https://discuss.ai.google.dev/t/endpoint-https-generativelanguage-googleapis-com-v1beta-openai-chat-completions-is-not-compliant-with-api-specs/127400>):
 * a chunk with choices and no finish reason waits for a larger copy (the first copy held 1 output token of the stream's 7).
 */
function finalChunk(body: Obj): boolean {
  const choices = body.choices;
  if (!Array.isArray(choices) || choices.length === 0) return true;
  return choices.some((c) => isObj(c) && c.finish_reason !== undefined && c.finish_reason !== null);
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
    noteStream(ctx, pair.response, out && 'skip' in out ? out.skip : undefined);
    if (!out) return;
    if ('skip' in out) return ctx.skip(out.skip);
    const completion = ctx.options.keepText || out.rec.countsMissing ? openaiCompletionText(out.body) : undefined;
    if (!finishOpenAI(out.rec, completion, pair, ctx)) return;
    // (a string id: the key of the file's dedupe, with the model and the time)
    const key = typeof out.body.id === 'string' ? dedupeKey(out.body.id, out.body, out.rec) : undefined;
    if (out.body.object === 'chat.completion.chunk' && key !== undefined) {
      // a complete body of the same request already counted: this chunk is a copy of it
      if (recentIds(ctx, 'openai:ids').has(key, ctx.line)) return ctx.skip('duplicate');
      recentIds(ctx, CHUNK_IDS).add(key, ctx.line);
      // chunks of one stream that each carry usage (see finalChunk): the largest copy is kept
      const chunks = LargestByKey.of(ctx, CHUNKS);
      return finalChunk(out.body) ? chunks.addFinal(key, out.rec, ctx) : chunks.add(key, out.rec, ctx);
    }
    if (
      !out.rec.countsMissing &&
      key !== undefined &&
      (recentIds(ctx, CHUNK_IDS).has(key, ctx.line) || seenBefore(ctx, 'openai:ids', key))
    ) {
      // (a stream's chunk of the same request counted it)
      return ctx.skip('duplicate');
    }
    ctx.emit(out.rec);
  },
  endFile(ctx) {
    (ctx.fileState.get(CHUNKS) as LargestByKey | undefined)?.flush(ctx);
    ctx.fileState.delete(CHUNKS);
    streamWarnings(ctx);
  },
};
