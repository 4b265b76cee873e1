/**
 * Langfuse observations (docs/log-formats.md, "Langfuse"): batch export rows (JSON array / JSONL) and public API
 * pages `{data:[…], meta:{page, limit, totalItems, totalPages}}`.
 *
 * Only GENERATION and EMBEDDING observations with usage count; other types skip `non-llm-span`.
 * `usageDetails` keys PARTITION the total (Langfuse split cached/audio/reasoning out of input/output
 * at ingestion), so each key goes to exactly one bucket:
 *   cache reads  input_cached_tokens, input_cache_read, cache_read_input_tokens, input_cached, cached_tokens
 *   cache writes cache_creation_input_tokens, input_cache_creation, input_cache_write → 5m;
 *                input_cache_creation_5m / _1h, LangChain's input_ephemeral_5m/1h_input_tokens by TTL
 *                (a total equal to its 5m+1h split is not added again;
 *                a total that differs from its split is rejected with both numbers)
 *   reasoning    output_reasoning_tokens, output_reasoning, reasoning_tokens (→ output too)
 *   output       other keys containing "output", completion_tokens
 *   input        other keys containing "input", prompt_tokens
 *   ignored      total, total_tokens, totalTokenCount; anything else is listed in tag `unmapped_usage`.
 * Gemini's own usageMetadata keys (camelCase or the Python SDK's snake_case) are stored raw by Langfuse
 * (it only normalises OpenAI shapes) and keep Gemini's meaning: promptTokenCount INCLUDES
 * cachedContentTokenCount, thoughtsTokenCount is NOT inside candidatesTokenCount, toolUsePromptTokenCount
 * is extra input. So input += prompt - cached + toolUse, cache read += cached, output += candidates + thoughts.
 * Without usageDetails: `inputUsage`/`outputUsage`/`totalUsage`, then the deprecated `usage {input, output, total, unit}`
 * (unit TOKENS or absent), then `promptTokens`/`completionTokens` (see usageBuckets).
 */
import type { IngestContext, JsonAdapter } from '../types.js';
import { seenBefore } from './dedupe.js';
import { applyAttributionConfig, applyMetadata } from './pair.js';
import { FieldReader, isObj, makeRecord, providerFromModel, scalarString, zeroBuckets, type Buckets, type Obj } from './util.js';

const TYPES = new Set(['SPAN', 'EVENT', 'GENERATION', 'AGENT', 'TOOL', 'CHAIN', 'RETRIEVER', 'EVALUATOR', 'EMBEDDING', 'GUARDRAIL']);
export const CACHE_READ = new Set(['input_cached_tokens', 'input_cache_read', 'cache_read_input_tokens', 'input_cached', 'cached_tokens']);
export const CACHE_WRITE_TOTAL = new Set([
  'cache_creation_input_tokens',
  'input_cache_creation',
  'input_cache_write',
  'input_cache_write_tokens',
]);
/**
 * The TTL split of the writes. Langfuse's LangChain handler stores each `input_token_details` key as
 * `input_<key>`, and langchain-anthropic puts Anthropic's `ephemeral_5m/1h_input_tokens` there beside
 * `cache_creation`: without these names they held "input" and were counted as uncached input on top of the writes.
 */
export const WRITE_5M = new Set(['input_cache_creation_5m', 'input_ephemeral_5m_input_tokens', 'ephemeral_5m_input_tokens']);
export const WRITE_1H = new Set(['input_cache_creation_1h', 'input_ephemeral_1h_input_tokens', 'ephemeral_1h_input_tokens']);
const REASONING = new Set(['output_reasoning_tokens', 'output_reasoning', 'reasoning_tokens']);
const IGNORED = new Set(['total', 'total_tokens', 'totalTokenCount', 'total_token_count', 'totalTokens']);
type GeminiPart = 'prompt' | 'cached' | 'tool' | 'candidates' | 'thoughts';
const GEMINI: Record<string, GeminiPart> = {
  promptTokenCount: 'prompt',
  prompt_token_count: 'prompt',
  cachedContentTokenCount: 'cached',
  cached_content_token_count: 'cached',
  toolUsePromptTokenCount: 'tool',
  tool_use_prompt_token_count: 'tool',
  candidatesTokenCount: 'candidates',
  candidates_token_count: 'candidates',
  thoughtsTokenCount: 'thoughts',
  thoughts_token_count: 'thoughts',
};

function isObservation(v: unknown): v is Obj {
  return isObj(v) && typeof v.type === 'string' && TYPES.has(v.type) && ('traceId' in v || 'usageDetails' in v || 'startTime' in v);
}

/** Maps usageDetails onto buckets; unknown keys are returned for the `unmapped_usage` tag. */
function mapDetails(rd: FieldReader, d: Obj): { b: Buckets; unmapped: string[] } | undefined {
  const b = zeroBuckets();
  const unmapped: string[] = [];
  const gemini: Partial<Record<GeminiPart, number>> = {};
  let writeTotal = 0;
  for (const key of Object.keys(d)) {
    const n = rd.count(d, key) ?? 0;
    if (rd.failed) return undefined;
    if (IGNORED.has(key)) continue;
    if (Object.hasOwn(GEMINI, key)) gemini[GEMINI[key]] = (gemini[GEMINI[key]] ?? 0) + n;
    else if (CACHE_READ.has(key)) b.cacheRead += n;
    else if (CACHE_WRITE_TOTAL.has(key)) writeTotal += n;
    else if (WRITE_5M.has(key)) b.write5m += n;
    else if (WRITE_1H.has(key)) b.write1h += n;
    else if (REASONING.has(key)) {
      b.reasoning += n;
      b.output += n;
    } else if (key.includes('output') || key === 'completion_tokens') b.output += n;
    else if (key.includes('input') || key === 'prompt_tokens') b.input += n;
    else if (n > 0) unmapped.push(`${key}=${n}`);
  }
  const split = b.write5m + b.write1h;
  if (writeTotal > 0 && split > 0 && writeTotal !== split) {
    return rd.fail(
      'inconsistent-counts',
      `cache-write total (${writeTotal}) differs from its TTL breakdown (${b.write5m} 5m + ${b.write1h} 1h = ${split})`,
      'input_cache_creation',
      'a cache-write total must equal input_cache_creation_5m + input_cache_creation_1h; fix or drop one of them',
    );
  }
  if (split === 0) b.write5m += writeTotal;
  const cached = gemini.cached ?? 0;
  if (gemini.prompt !== undefined) {
    if (cached > gemini.prompt) {
      return rd.fail(
        'inconsistent-counts',
        `cachedContentTokenCount (${cached}) exceeds promptTokenCount (${gemini.prompt})`,
        'promptTokenCount',
        'Gemini counts cached content inside promptTokenCount',
      );
    }
    b.input += gemini.prompt - cached;
  }
  b.input += gemini.tool ?? 0;
  b.cacheRead += cached;
  b.output += (gemini.candidates ?? 0) + (gemini.thoughts ?? 0);
  b.reasoning += gemini.thoughts ?? 0;
  return { b, unmapped };
}

/**
 * Usage in the shapes Langfuse has written, newest first: `usageDetails`; the export's and the v2
 * API's `inputUsage` / `outputUsage` / `totalUsage` (sums of the input-ish and output-ish keys: no cache
 * split survives, so the input is counted as uncached); the deprecated `usage {input, output, total, unit}`;
 * and the oldest top-level `promptTokens` / `completionTokens` / `totalTokens`. A total that is not the
 * sum of its parts rejects the observation with both numbers.
 */
function usageBuckets(rd: FieldReader, v: Obj): { b: Buckets; unmapped: string[] } | string | undefined {
  if (isObj(v.usageDetails) && Object.keys(v.usageDetails).length > 0) return mapDetails(rd.child('usageDetails'), v.usageDetails);
  const split = (
    src: Obj,
    input: string,
    output: string,
    total: string,
    at: (k: string) => string,
  ): { b: Buckets; unmapped: string[] } | undefined => {
    const i = rd.count(src, input) ?? 0;
    const o = rd.count(src, output) ?? 0;
    const t = rd.count(src, total);
    if (rd.failed) return undefined;
    if (t !== undefined && t !== i + o) {
      return rd.fail(
        'inconsistent-counts',
        `${at(total)} (${t}) is not ${at(input)} + ${at(output)} (${i} + ${o} = ${i + o})`,
        at(total),
        'the total must be the sum of input and output usage; fix or drop the total',
      );
    }
    return { b: { ...zeroBuckets(), input: i, output: o }, unmapped: [] };
  };
  const given = (src: unknown, keys: string[]) => isObj(src) && keys.some((k) => src[k] !== undefined && src[k] !== null && src[k] !== 0);
  if (given(v, ['inputUsage', 'outputUsage'])) return split(v, 'inputUsage', 'outputUsage', 'totalUsage', (k) => k);
  const u = v.usage;
  if (isObj(u) && (u.input != null || u.output != null)) {
    if (u.unit !== undefined && u.unit !== null && u.unit !== 'TOKENS') return 'non-token-usage';
    return split(u, 'input', 'output', 'total', (k) => `usage.${k}`);
  }
  if (given(v, ['promptTokens', 'completionTokens'])) return split(v, 'promptTokens', 'completionTokens', 'totalTokens', (k) => k);
  return 'no-usage';
}

function attribute(rec: ReturnType<typeof makeRecord>, v: Obj, ctx: IngestContext): void {
  applyAttributionConfig(rec, v, undefined, ctx);
  const user = scalarString(v.userId);
  if (user) rec.tags.user ??= user;
  const session = scalarString(v.sessionId);
  if (session) rec.conversationId ??= session;
  const feature = scalarString(v.traceName) ?? scalarString(v.name);
  if (feature) rec.tags.feature ??= feature;
  const prompt = scalarString(v.promptName);
  if (prompt) rec.tags.prompt ??= prompt;
  applyMetadata(rec, typeof v.metadata === 'string' ? parseJsonObject(v.metadata) : v.metadata);
  if (scalarString(v.traceId)) rec.tags.trace ??= v.traceId as string;
  if (v.level === 'ERROR') rec.tags.outcome ??= 'failure';
  if (v.type === 'EMBEDDING') rec.tags.operation = 'embeddings';
}

/** CSV exports serialise nested JSON; a metadata string that is not an object is ignored. */
function parseJsonObject(s: string): unknown {
  if (!s.trimStart().startsWith('{')) return undefined;
  try {
    return JSON.parse(s);
  } catch {
    return undefined;
  }
}

function convertObservation(v: Obj, ctx: IngestContext): void {
  if (v.type !== 'GENERATION' && v.type !== 'EMBEDDING') return ctx.skip('non-llm-span');
  const rd = new FieldReader(ctx);
  const usage = usageBuckets(rd, v);
  if (usage === undefined) return;
  if (typeof usage === 'string') return ctx.skip(usage);
  const model = rd.model(v.model ?? v.providedModelName, 'model');
  const time = rd.time(v.startTime, 'startTime');
  if (rd.failed || model === undefined) return;
  const id = scalarString(v.id);
  const rec = makeRecord(ctx, { id, model, provider: providerFromModel(model, 'unknown'), time }, usage.b);
  if (rec.provider === 'unknown') delete rec.provider;
  if (usage.unmapped.length) rec.tags.unmapped_usage = usage.unmapped.join(',');
  attribute(rec, v, ctx);
  // an observation id is unique ("The unique langfuse identifier of an observation", Langfuse's
  // OpenAPI, https://docs.rs/crate/langfuse-client/latest/source/docs/ObservationsApi.md): a repeat
  // within the file's window (overlapping API pages saved into one file) is a duplicate, the first copy counted
  if (id !== undefined && seenBefore(ctx, 'langfuse:ids', id)) return ctx.skip('duplicate');
  ctx.emit(rec);
}

function unwrapPage(doc: unknown): unknown[] | undefined {
  if (!isObj(doc) || !Array.isArray(doc.data) || !isObj(doc.meta)) return undefined;
  return doc.data.length === 0 || isObservation(doc.data[0]) ? doc.data : undefined;
}

export const langfuseAdapter: JsonAdapter = {
  name: 'langfuse',
  description: 'Langfuse observations: batch export (JSON/JSONL) and public API pages; GENERATION/EMBEDDING usage',
  detect(value) {
    if (unwrapPage(value)) return 90;
    if (!isObservation(value)) return 0;
    return 'usageDetails' in value || 'traceId' in value ? 85 : 60;
  },
  unwrap: unwrapPage,
  convert(value, ctx) {
    const page = unwrapPage(value);
    if (page) {
      if (page.length === 0) return ctx.skip('empty-page');
      for (const v of page) isObservation(v) ? convertObservation(v, ctx) : ctx.reject('invalid-type', 'not a Langfuse observation');
      return;
    }
    if (!isObservation(value)) {
      return ctx.reject('unrecognized-value', 'not a Langfuse observation (type GENERATION/SPAN/… with traceId)', 'type');
    }
    convertObservation(value, ctx);
  },
};
