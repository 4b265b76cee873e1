/**
 * Gemini / Vertex `GenerateContentResponse` (docs/log-formats.md, "Gemini"): REST camelCase `usageMetadata`,
 * Python SDK snake_case `usage_metadata`; bare, in `{request, response}` pairs, Gemini Batch output
 * lines `{key, response}` and Vertex batch prediction lines `{request, response, status, processed_time}`.
 *
 * uncached = promptTokenCount - cachedContentTokenCount + toolUsePromptTokenCount;
 * output = candidates + thoughts (thoughts are NOT inside candidates; the Live API names candidates
 * `responseTokenCount`); reasoning = thoughts.
 * Stream chunks share responseId and are cumulative: the largest chunk per responseId is kept. A
 * final response (a candidate with a finish reason, or a blocked prompt) is emitted at once; chunks
 * before it wait in a bounded buffer (dedupe.ts).
 * A blocked prompt (promptFeedback.blockReason) still bills its promptTokenCount when reported
 * (tag blocked=<reason>); without usage it skips as `blocked-prompt`.
 */
import type { IngestContext, JsonAdapter } from '../types.js';
import type { ChargeCounts } from '../../usage/dimensions.js';
import type { ServiceTier, UsageRecord } from '../../usage/record.js';
import { applyPair, splitPair, type Pair } from './pair.js';
import { attachText, geminiCompletionText, geminiRequestText } from './text.js';
import { LargestByKey } from './dedupe.js';
import { FieldReader, isObj, makeRecord, type Buckets, type Obj } from './util.js';

const CAMEL = {
  usage: 'usageMetadata',
  prompt: 'promptTokenCount',
  cached: 'cachedContentTokenCount',
  cand: 'candidatesTokenCount',
  /** The Live API's (BidiGenerateContent) name for the same output count. */
  response: 'responseTokenCount',
  thoughts: 'thoughtsTokenCount',
  tool: 'toolUsePromptTokenCount',
  traffic: 'trafficType',
  model: 'modelVersion',
  id: 'responseId',
  time: 'createTime',
  feedback: 'promptFeedback',
  block: 'blockReason',
};
const SNAKE: typeof CAMEL = {
  usage: 'usage_metadata',
  prompt: 'prompt_token_count',
  cached: 'cached_content_token_count',
  cand: 'candidates_token_count',
  response: 'response_token_count',
  thoughts: 'thoughts_token_count',
  tool: 'tool_use_prompt_token_count',
  traffic: 'traffic_type',
  model: 'model_version',
  id: 'response_id',
  time: 'create_time',
  feedback: 'prompt_feedback',
  block: 'block_reason',
};

/** snake_case when the Python SDK's keys are there (`candidates` is the same in both). */
function keysOf(r: Obj): typeof CAMEL {
  return SNAKE.usage in r || SNAKE.model in r || SNAKE.feedback in r ? SNAKE : CAMEL;
}

const TRAFFIC = new Map<string, ServiceTier>([
  ['ON_DEMAND_FLEX', 'flex'],
  ['ON_DEMAND_PRIORITY', 'priority'],
  ['ON_DEMAND', 'standard'],
]);

function buckets(rd: FieldReader, u: Obj, k: typeof CAMEL): Buckets | undefined {
  const prompt = rd.count(u, k.prompt) ?? 0;
  const cached = rd.count(u, k.cached) ?? 0;
  const tool = rd.count(u, k.tool) ?? 0;
  const candidates = rd.count(u, k.cand);
  const response = rd.count(u, k.response);
  const thoughts = rd.count(u, k.thoughts) ?? 0;
  if (rd.failed) return undefined;
  if (candidates !== undefined && response !== undefined && candidates !== response) {
    return rd.fail(
      'inconsistent-counts',
      `${k.cand} (${candidates}) and ${k.response} (${response}) disagree`,
      k.response,
      'both name the output count (the Live API writes responseTokenCount); fix or drop one of them',
    );
  }
  const cand = candidates ?? response ?? 0;
  if (cached > prompt) {
    return rd.fail(
      'inconsistent-counts',
      `${k.cached} (${cached}) exceeds ${k.prompt} (${prompt})`,
      k.cached,
      `${k.cached} is part of ${k.prompt} in Gemini usage`,
    );
  }
  return { input: prompt - cached + tool, cacheRead: cached, write5m: 0, write1h: 0, output: cand + thoughts, reasoning: thoughts };
}

/**
 * Grounding with Google Search: the `groundingMetadata` of the candidates. Each of its
 * `webSearchQueries` is a search (Gemini 3 bills per query); a response with any query, or with a
 * search entry point, is one grounded prompt (Gemini 2.x bills per prompt). The catalog prices
 * whichever the model is billed by and states 0 for the other.
 */
function groundingCharges(r: Obj): ChargeCounts | undefined {
  if (!Array.isArray(r.candidates)) return undefined;
  let queries = 0;
  let grounded = false;
  for (const c of r.candidates) {
    if (!isObj(c)) continue;
    const g = c.groundingMetadata ?? c.grounding_metadata;
    if (!isObj(g)) continue;
    const q = g.webSearchQueries ?? g.web_search_queries;
    if (Array.isArray(q)) queries += q.filter((x) => typeof x === 'string' && x !== '').length;
    if (queries > 0 || isObj(g.searchEntryPoint ?? g.search_entry_point)) grounded = true;
  }
  if (!grounded) return undefined;
  return queries > 0 ? { webSearch: queries, groundedPrompt: 1 } : { groundedPrompt: 1 };
}

/** Builds the record, or returns a skip reason (string), or undefined when rejected. */
function convertResponse(pair: Pair, ctx: IngestContext, rd: FieldReader): UsageRecord | string | undefined {
  const r = pair.response;
  const k = keysOf(r);
  const usage = r[k.usage];
  const blocked = isObj(r[k.feedback]) ? (r[k.feedback] as Obj)[k.block] : undefined;
  const req = pair.request ? geminiRequestText(pair.request) : undefined;
  if (!isObj(usage) && blocked) return 'blocked-prompt';
  if (!isObj(usage) && !req?.messages.length) return 'no-usage';
  const reqModel = typeof pair.request?.model === 'string' ? pair.request.model.replace(/^models\//, '') : undefined;
  const model = rd.model(r[k.model] ?? reqModel, k.model);
  const time = rd.time(r[k.time], k.time);
  const b = isObj(usage) ? buckets(rd.child(k.usage), usage, k) : undefined;
  if (rd.failed || model === undefined) return undefined;
  const id = typeof r[k.id] === 'string' && r[k.id] !== '' ? (r[k.id] as string) : undefined;
  const rec = makeRecord(
    ctx,
    { id, model, provider: 'google', time },
    b ?? { input: 0, cacheRead: 0, write5m: 0, write1h: 0, output: 0, reasoning: 0 },
  );
  if (!b) {
    rec.countsMissing = true;
    rec.tokenSource = 'estimated';
  }
  const traffic = isObj(usage) ? usage[k.traffic] : undefined;
  if (typeof traffic === 'string') {
    rec.serviceTier = TRAFFIC.get(traffic) ?? 'standard';
    if (!TRAFFIC.has(traffic)) rec.tags.traffic_type = traffic;
  }
  if (typeof blocked === 'string') rec.tags.blocked = blocked;
  const charges = groundingCharges(r);
  if (charges) rec.charges = charges;
  attachText(rec, req, geminiCompletionText(r), ctx.options.keepText);
  applyPair(rec, pair, ctx);
  return rec;
}

/** `{key, response}` (Gemini Batch) or `{request, response, status, processed_time}` (Vertex batch). */
function batchPair(value: Obj): { pair: Pair; key?: string } | string | undefined {
  if (typeof value.key === 'string' && ('response' in value || 'error' in value || 'status' in value)) {
    if (!isObj(value.response)) return 'failed-request';
    return {
      pair: { wrapper: value, request: isObj(value.request) ? value.request : undefined, response: value.response },
      key: value.key,
    };
  }
  if ('processed_time' in value && 'status' in value) {
    if (!isObj(value.response) || (typeof value.status === 'string' && value.status !== '')) return 'failed-request';
    return { pair: { wrapper: value, request: isObj(value.request) ? value.request : undefined, response: value.response } };
  }
  return undefined;
}

/** A response that no later chunk will extend: a candidate finished, or the prompt was blocked. */
function isFinal(r: Obj): boolean {
  const k = keysOf(r);
  if (isObj(r[k.feedback]) && (r[k.feedback] as Obj)[k.block]) return true;
  const candidates = r.candidates;
  return (
    Array.isArray(candidates) &&
    candidates.some((c) => isObj(c) && (c.finishReason ?? c.finish_reason) !== undefined && (c.finishReason ?? c.finish_reason) !== null)
  );
}

const AUDIO = 'gemini:audio';

/**
 * Audio input tokens of a response (`promptTokensDetails` entries with modality AUDIO, cached ones
 * included: <https://ai.google.dev/api/generate-content#UsageMetadata>, ModalityTokenCount). They stay in the
 * input buckets, priced at the text rate, while Gemini bills audio input higher on several models
 * (<https://ai.google.dev/gemini-api/docs/pricing>; the catalog has no audio bucket): the file's warning says so.
 */
function noteAudio(response: Obj, ctx: IngestContext): void {
  const k = keysOf(response);
  const usage = response[k.usage];
  if (!isObj(usage)) return;
  const details = usage[k === SNAKE ? 'prompt_tokens_details' : 'promptTokensDetails'];
  if (!Array.isArray(details)) return;
  let audio = 0;
  for (const d of details) {
    if (!isObj(d) || d.modality !== 'AUDIO') continue;
    const n = d[k === SNAKE ? 'token_count' : 'tokenCount'];
    if (typeof n === 'number' && Number.isSafeInteger(n) && n > 0) audio += n;
  }
  if (audio === 0) return;
  const seen = (ctx.fileState.get(AUDIO) as { responses: number; tokens: number } | undefined) ?? { responses: 0, tokens: 0 };
  seen.responses += 1;
  seen.tokens += audio;
  ctx.fileState.set(AUDIO, seen);
}

function audioWarning(ctx: IngestContext): void {
  const seen = ctx.fileState.get(AUDIO) as { responses: number; tokens: number } | undefined;
  ctx.fileState.delete(AUDIO);
  if (!seen) return;
  ctx.warn(
    'audio-priced-as-text',
    `${seen.responses} response${seen.responses === 1 ? '' : 's'} carried audio input (${seen.tokens} tokens, promptTokensDetails modality AUDIO), priced at the text input rate; Gemini bills audio input higher on several models`,
    'the usage table has no audio bucket, so the cost leaves out the difference: see the audio input rates on https://ai.google.dev/gemini-api/docs/pricing',
  );
}

const PROVISIONED = 'gemini:provisioned';

/**
 * Vertex AI `trafficType: PROVISIONED_THROUGHPUT`: the request ran on Provisioned Throughput, billed by its
 * commitment, not per token (<https://docs.cloud.google.com/vertex-ai/generative-ai/docs/deploy/consumption-options>,
 * TrafficType in <https://docs.cloud.google.com/ruby/docs/reference/google-cloud-ai_platform-v1/latest/Google-Cloud-AIPlatform-V1-UsageMetadata-TrafficType>).
 * Such a record is priced at the pay-as-you-go rates like the others (tag traffic_type); the file's warning says how many.
 */
function noteProvisioned(rec: UsageRecord, ctx: IngestContext): void {
  if (rec.tags.traffic_type !== 'PROVISIONED_THROUGHPUT') return;
  ctx.fileState.set(PROVISIONED, ((ctx.fileState.get(PROVISIONED) as number | undefined) ?? 0) + 1);
}

function provisionedWarning(ctx: IngestContext): void {
  const n = ctx.fileState.get(PROVISIONED) as number | undefined;
  ctx.fileState.delete(PROVISIONED);
  if (!n) return;
  ctx.warn(
    'provisioned-throughput',
    `${n} response${n === 1 ? '' : 's'} ran on Provisioned Throughput (trafficType PROVISIONED_THROUGHPUT), billed by its commitment, not per token; priced here at pay-as-you-go rates`,
    'group by tag:traffic_type to see them apart (--by model,tag:traffic_type); their cost here is what the same tokens would cost on demand',
  );
}

function emitOrBuffer(rec: UsageRecord, response: Obj, ctx: IngestContext): void {
  // audio and Provisioned Throughput are noted once a response: on the final copy of a stream (its chunks repeat them)
  if (rec.id === `${ctx.file}:${ctx.line}` || rec.countsMissing || isFinal(response)) {
    noteAudio(response, ctx);
    noteProvisioned(rec, ctx);
  }
  if (rec.id === `${ctx.file}:${ctx.line}` || rec.countsMissing) return ctx.emit(rec);
  const buffer = LargestByKey.of(ctx, 'gemini:responses');
  if (isFinal(response)) buffer.addFinal(rec.id, rec, ctx);
  else buffer.add(rec.id, rec, ctx);
}

function detectResponse(r: Obj): number {
  if (isObj(r.usageMetadata) || isObj(r.usage_metadata)) return 85;
  if ('modelVersion' in r && 'candidates' in r) return 70;
  if (isObj(r.promptFeedback) && 'blockReason' in r.promptFeedback) return 60;
  return 0;
}

export const geminiAdapter: JsonAdapter = {
  name: 'gemini',
  description: 'Gemini / Vertex GenerateContentResponse (camelCase or snake_case), stream chunks, pairs, batch output lines',
  detect(value) {
    if (!isObj(value)) return 0;
    if (typeof value.key === 'string' && isObj(value.response)) return detectResponse(value.response) > 0 ? 95 : 0;
    const r = splitPair(value)?.response;
    return r ? detectResponse(r) : 0;
  },
  convert(value, ctx) {
    if (!isObj(value)) return ctx.reject('invalid-type', 'expected a JSON object');
    const batch = batchPair(value);
    if (typeof batch === 'string') return ctx.skip(batch);
    const pair = batch ? batch.pair : (splitPair(value) as Pair);
    const out = convertResponse(pair, ctx, new FieldReader(ctx, pair.wrapper ? 'response' : ''));
    if (out === undefined) return;
    if (typeof out === 'string') return ctx.skip(out);
    if (batch) {
      out.serviceTier = 'batch';
      if (batch.key) out.tags.custom_id = batch.key;
    }
    emitOrBuffer(out, pair.response, ctx);
  },
  endFile(ctx) {
    (ctx.fileState.get('gemini:responses') as LargestByKey | undefined)?.flush(ctx);
    ctx.fileState.delete('gemini:responses');
    audioWarning(ctx);
    provisionedWarning(ctx);
  },
};
