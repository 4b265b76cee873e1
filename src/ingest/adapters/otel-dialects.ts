/**
 * The attribute dialects instrumentation libraries really write on LLM spans (docs/log-formats.md,
 * "OpenTelemetry"): the GenAI semantic conventions (current and deprecated names, OpenLLMetry's own
 * cache/reasoning names, LiteLLM's operation names), OpenInference (`llm.*`) and the Vercel AI SDK
 * (`ai.*`). Each dialect decides whether a span is an LLM call, an aggregate of calls, or neither,
 * and turns its counts into disjoint buckets; the caller builds the record.
 *
 * What is an LLM call is decided by a model plus usage, not by a list of operation names; spans that
 * declare themselves aggregates (agent/workflow/chain kinds, `invoke_agent`, the AI SDK's outer
 * `ai.generateText`-style spans) are never counted on top of their children.
 */
import { anthropicBuckets } from './anthropic.js';
import { type FieldReader, isObj, zeroBuckets, type Buckets, type Obj } from './util.js';

export type Attrs = Map<string, unknown>;

/** What a dialect read from one span. */
export interface SpanUsage {
  b: Buckets;
  embeddings: boolean;
  model: unknown;
  modelPath: string;
  id?: unknown;
  provider?: unknown;
}

/** A span's verdict: its usage, a skip reason, or undefined when the reader rejected it. */
export type Verdict = { usage: SpanUsage } | { skip: string } | undefined;

/** A count under the first of its names that is present; two names with different values reject the span. */
function countOf(rd: FieldReader, a: Attrs, names: readonly string[]): number | undefined {
  let found: { name: string; n: number } | undefined;
  for (const name of names) {
    const v = a.get(name);
    if (v === undefined || v === null) continue;
    const n = rd.countValue(v, `attributes.${name}`, { allowString: true });
    if (n === undefined) return undefined;
    if (found && found.n !== n) {
      return rd.fail(
        'inconsistent-counts',
        `attributes.${found.name} (${found.n}) and attributes.${name} (${n}) disagree`,
        `attributes.${name}`,
        'both attributes are the same count; fix or drop one of them',
      );
    }
    found ??= { name, n };
  }
  return found?.n;
}

function hasPrefix(a: Attrs, prefix: string): boolean {
  for (const k of a.keys()) if (k.startsWith(prefix)) return true;
  return false;
}

function reasoningWithin(rd: FieldReader, reasoning: number, output: number, path: string): boolean {
  if (reasoning <= output) return true;
  rd.fail(
    'inconsistent-counts',
    `reasoning tokens (${reasoning}) exceed output tokens (${output})`,
    path,
    'reasoning tokens are part of the output count in this dialect',
  );
  return false;
}

/** Inclusive input -> uncached; parts above the total reject the span with both numbers. */
function uncached(rd: FieldReader, input: number, read: number, write: number, what: string): number | undefined {
  if (read + write <= input) return input - read - write;
  return rd.fail(
    'inconsistent-counts',
    `cache reads (${read}) + cache writes (${write}) exceed ${what} (${input})`,
    `attributes.${what}`,
    `${what} includes cached tokens in this dialect; a smaller value means the exporter wrote an exclusive count`,
  );
}

// ---------------------------------------------------------------------------------------------
// GenAI semantic conventions, OpenLLMetry, LiteLLM

export const G_INPUT = ['gen_ai.usage.input_tokens', 'gen_ai.usage.prompt_tokens'];
export const G_OUTPUT = ['gen_ai.usage.output_tokens', 'gen_ai.usage.completion_tokens'];
/**
 * Pydantic AI (and so Logfire) writes its cache counts as `gen_ai.usage.details.<key>`: `cache_read_tokens` /
 * `cache_write_tokens` from its own usage, and, for Anthropic, the raw `cache_read_input_tokens` /
 * `cache_creation_input_tokens` as well (the same numbers); its `gen_ai.usage.input_tokens` includes them.
 */
export const G_READ = [
  'gen_ai.usage.cache_read.input_tokens',
  'gen_ai.usage.cache_read_input_tokens',
  'gen_ai.usage.input_tokens.cached',
  'gen_ai.usage.details.cache_read_tokens',
  'gen_ai.usage.details.cache_read_input_tokens',
  'gen_ai.usage.input_token_details.cache_read',
];
/**
 * `gen_ai.usage.cache_write_input_tokens` is what Strands Agents writes on its model spans (from Bedrock's
 * `cacheWriteInputTokens`), as do other exporters that follow OpenLLMetry's underscore spelling
 * (<https://github.com/strands-agents/sdk-python/blob/main/src/strands/telemetry/tracer.py>,
 * `_add_optional_usage_and_metrics_attributes`).
 */
export const G_WRITE = [
  'gen_ai.usage.cache_creation.input_tokens',
  'gen_ai.usage.cache_creation_input_tokens',
  'gen_ai.usage.cache_write.input_tokens',
  'gen_ai.usage.cache_write_input_tokens',
  'gen_ai.usage.details.cache_write_tokens',
  'gen_ai.usage.details.cache_creation_input_tokens',
  'gen_ai.usage.input_token_details.cache_creation',
];
export const G_REASONING = [
  'gen_ai.usage.reasoning.output_tokens',
  'gen_ai.usage.reasoning_tokens',
  'gen_ai.usage.output_tokens.reasoning',
  'gen_ai.usage.details.reasoning_tokens',
  'gen_ai.usage.output_token_details.reasoning',
];
const G_USAGE = [...G_INPUT, ...G_OUTPUT, ...G_READ, ...G_WRITE];

/**
 * LangSmith's OpenTelemetry exporter writes LangChain's usage_metadata details as one string attribute each,
 * `gen_ai.usage.input_token_details` / `output_token_details`, holding `str(dict)`: a Python repr such as
 * `{'cache_read': 2000, 'cache_creation': 100}` (LangChain's input_tokens, the span's input, includes both)
 * (<https://github.com/langchain-ai/langsmith-sdk/blob/main/python/langsmith/_internal/otel/_otel_exporter.py>,
 * `_set_io_attributes`). Their counts are read under dotted names (`…input_token_details.cache_read`), as a plain-map
 * span keeps them when the details are an object.
 */
export const G_DETAILS = ['gen_ai.usage.input_token_details', 'gen_ai.usage.output_token_details'];
/** `'key': 123` or `"key": 123` inside such a string. */
export const DETAIL_COUNT = /['"]([a-z0-9_]+)['"]\s*:\s*(\d+)/g;

function expandDetails(a: Attrs): void {
  for (const k of G_DETAILS) {
    const v = a.get(k);
    if (typeof v !== 'string') continue;
    for (const [, key, n] of v.matchAll(DETAIL_COUNT)) if (!a.has(`${k}.${key}`)) a.set(`${k}.${key}`, Number(n));
  }
}
/** The span's total, where instrumentations write one (Strands Agents, OpenLLMetry); only used to tell an exclusive input. */
export const G_TOTAL = ['gen_ai.usage.total_tokens', 'llm.usage.total_tokens'];

/** The first total that is a whole number ≥ 0 (a total is never needed, so a bad one is ignored, not rejected). */
function totalOf(a: Attrs, names: readonly string[] = G_TOTAL): number | undefined {
  for (const k of names) {
    const v = a.get(k);
    const n = typeof v === 'number' ? v : typeof v === 'string' && /^\d+$/.test(v.trim()) ? Number(v.trim()) : undefined;
    if (n !== undefined && Number.isSafeInteger(n) && n >= 0) return n;
  }
  return undefined;
}

/**
 * Google ADK's call_llm spans, in the releases before it wrote `gen_ai.usage.reasoning.output_tokens`, put Gemini's
 * thoughts_token_count in `gen_ai.usage.experimental.reasoning_tokens` beside `gen_ai.usage.output_tokens` =
 * candidates_token_count, which leaves the thoughts out (Gemini bills them as output:
 * <https://ai.google.dev/api/generate-content#UsageMetadata>); ADK's tests of those releases expect output_tokens 50
 * and experimental.reasoning_tokens 10 for 50 candidates + 10 thoughts
 * (<https://github.com/google/adk-python/blob/main/tests/unittests/telemetry/test_spans.py>,
 * <https://github.com/google/adk-python/blob/main/src/google/adk/telemetry/tracing.py>). Through ADK's LiteLLM
 * wrapper (a `provider/model` id) the count is LiteLLM's reasoning_tokens, which completion_tokens already holds.
 */
export const ADK_REASONING = 'gen_ai.usage.experimental.reasoning_tokens';
/** A Gemini model id as ADK passes it to the Gemini API (bare, `models/…`, or a Vertex publisher resource). */
export const NATIVE_GEMINI = /^(?:models\/|projects\/[^/]+\/locations\/[^/]+\/publishers\/google\/models\/)?(?:gemini|gemma)-/i;

const INFERENCE = new Set(['chat', 'text_completion', 'generate_content']);
const AGGREGATE = new Set(['invoke_agent', 'invoke_workflow', 'create_agent']);
const NON_LLM = new Set(['execute_tool', 'retrieval']);
/** OpenLLMetry's structural span kinds (`traceloop.span.kind`); LLM spans carry none. */
const TRACELOOP_AGGREGATE = new Set(['workflow', 'agent', 'task', 'tool']);

function genAi(a: Attrs, rd: FieldReader): Verdict {
  expandDetails(a);
  const op = a.get('gen_ai.operation.name');
  const hasUsage = G_USAGE.some((k) => a.get(k) !== undefined);
  if (typeof op === 'string' && AGGREGATE.has(op)) return { skip: 'aggregate-span' };
  if (typeof op === 'string' && NON_LLM.has(op)) return { skip: 'non-llm-span' };
  const kind = a.get('traceloop.span.kind');
  if (typeof kind === 'string' && TRACELOOP_AGGREGATE.has(kind)) return { skip: hasUsage ? 'aggregate-span' : 'non-llm-span' };
  const model = a.get('gen_ai.response.model') ?? a.get('gen_ai.request.model');
  const declared = typeof op === 'string' && (INFERENCE.has(op) || op === 'embeddings');
  // an undeclared operation (LiteLLM's acompletion / litellm_request, none at all) is a call when it has a model and usage
  if (!declared && (model === undefined || !hasUsage)) return { skip: model !== undefined ? 'no-usage' : 'non-llm-span' };
  if (!hasUsage) return { skip: 'no-usage' };
  const input = countOf(rd, a, G_INPUT) ?? 0;
  const output = countOf(rd, a, G_OUTPUT) ?? 0;
  const read = countOf(rd, a, G_READ) ?? 0;
  const write = countOf(rd, a, G_WRITE) ?? 0;
  let reasoning = countOf(rd, a, G_REASONING) ?? 0;
  let reasoningPath = `attributes.${G_REASONING.find((k) => a.has(k)) ?? G_REASONING[0]}`;
  // Google ADK's own thinking count, where no current name is written: a natively called Gemini model's thoughts
  // are outside its output count (candidates_token_count), so they are added
  let outputAll = output;
  if (!G_REASONING.some((k) => a.get(k) != null)) {
    const thoughts = countOf(rd, a, [ADK_REASONING]) ?? 0;
    if (thoughts > 0) {
      if (typeof model === 'string' && NATIVE_GEMINI.test(model)) outputAll += thoughts;
      reasoning = thoughts;
      reasoningPath = `attributes.${ADK_REASONING}`;
    }
  }
  if (rd.failed || !reasoningWithin(rd, reasoning, outputAll, reasoningPath)) return undefined;
  const requestType = a.get('llm.request.type');
  const embeddings = op === 'embeddings' || requestType === 'embedding' || (typeof op === 'string' && /embedding/.test(op));
  // input_tokens is inclusive of cache (current conventions); legacy Anthropic exporters wrote the exclusive
  // value: when the cache counts exceed it, it cannot be inclusive and is taken as already uncached. A total
  // equal to input + output + cache says the same (only an exclusive input adds up so): Strands Agents writes
  // Bedrock's exclusive inputTokens with Bedrock's totalTokens, which counts the cache reads and writes
  const cache = read + write;
  const total = cache > 0 ? totalOf(a) : undefined;
  const exclusive = cache > input || (total !== undefined && total === input + output + cache);
  const inputUncached = exclusive ? input : input - cache;
  const b: Buckets = {
    input: inputUncached,
    cacheRead: read,
    write5m: write,
    write1h: 0,
    output: embeddings ? 0 : outputAll,
    reasoning: embeddings ? 0 : reasoning,
  };
  return {
    usage: {
      b,
      embeddings,
      model,
      modelPath: 'attributes.gen_ai.response.model',
      id: a.get('gen_ai.response.id'),
      provider: a.get('gen_ai.provider.name') ?? a.get('gen_ai.system'),
    },
  };
}

// ---------------------------------------------------------------------------------------------
// OpenInference (Arize Phoenix and its instrumentors)

const OI_KIND = 'openinference.span.kind';
const OI_AGGREGATE = new Set(['AGENT', 'CHAIN']);

function openInference(a: Attrs, rd: FieldReader): Verdict {
  const kind = String(a.get(OI_KIND)).toUpperCase();
  const hasUsage = hasPrefix(a, 'llm.token_count.');
  if (OI_AGGREGATE.has(kind)) return { skip: hasUsage ? 'aggregate-span' : 'non-llm-span' };
  if (kind !== 'LLM' && kind !== 'EMBEDDING') return { skip: 'non-llm-span' };
  if (!hasUsage) return { skip: 'no-usage' };
  const prompt = countOf(rd, a, ['llm.token_count.prompt']) ?? 0;
  const completion = countOf(rd, a, ['llm.token_count.completion']) ?? 0;
  const read = countOf(rd, a, ['llm.token_count.prompt_details.cache_read']) ?? 0;
  const write = countOf(rd, a, ['llm.token_count.prompt_details.cache_write']) ?? 0;
  const reasoning = countOf(rd, a, ['llm.token_count.completion_details.reasoning']) ?? 0;
  if (rd.failed) return undefined;
  const embeddings = kind === 'EMBEDDING';
  const model = embeddings ? (a.get('embedding.model_name') ?? a.get('llm.model_name')) : a.get('llm.model_name');
  // prompt_details are parts of llm.token_count.prompt; audio details stay inside prompt/completion. Some
  // instrumentors write an exclusive prompt: OpenInference's own Bedrock one sets it to an Anthropic body's
  // input_tokens beside its cache_read / cache_creation counts
  // (<https://github.com/Arize-ai/openinference/blob/main/js/packages/openinference-instrumentation-bedrock/src/attributes/invoke-model-response-attributes.ts>).
  // The prompt is taken as uncached when the total is prompt + completion + cache (only an exclusive prompt adds up
  // so), or when an Anthropic span's cache exceeds it; otherwise cache above the prompt is rejected
  const cache = read + write;
  const total = cache > 0 ? totalOf(a, ['llm.token_count.total']) : undefined;
  const anthropic = String(a.get('llm.system') ?? '').toLowerCase() === 'anthropic' || /claude/i.test(String(model ?? ''));
  const exclusive = cache > 0 && (total === prompt + completion + cache || (anthropic && cache > prompt));
  const input = exclusive ? prompt : uncached(rd, prompt, read, write, 'llm.token_count.prompt');
  if (input === undefined || !reasoningWithin(rd, reasoning, completion, 'attributes.llm.token_count.completion_details.reasoning'))
    return undefined;
  return {
    usage: {
      b: { input, cacheRead: read, write5m: write, write1h: 0, output: embeddings ? 0 : completion, reasoning: embeddings ? 0 : reasoning },
      embeddings,
      model,
      modelPath: 'attributes.llm.model_name',
      provider: a.get('llm.provider') ?? a.get('llm.system'),
    },
  };
}

// ---------------------------------------------------------------------------------------------
// Vercel AI SDK (`experimental_telemetry`)

/** Outer spans: they sum the steps of their inner `.doGenerate` / `.doStream` / `.doEmbed` spans. */
const AI_OUTER = /^ai\.(generateText|streamText|generateObject|streamObject|embed|embedMany)$/;
const AI_INNER = /^ai\.(generateText|streamText|generateObject|streamObject)\.(doGenerate|doStream)$|^ai\.(embed|embedMany)\.doEmbed$/;

const META = 'ai.response.providerMetadata';

function providerMetadata(a: Attrs): Obj {
  const raw = a.get(META);
  if (isObj(raw)) return raw;
  if (raw === undefined) {
    // a plain-map span store may have kept the metadata as an object, flattened into dotted keys; the keys
    // are the log's, so the objects have no prototype (a `__proto__` key must not reach Object.prototype)
    const out: Obj = Object.create(null);
    for (const [k, v] of a) {
      if (!k.startsWith(META + '.')) continue;
      const [provider, ...rest] = k.slice(META.length + 1).split('.');
      if (rest.length !== 1) continue;
      const inner = isObj(out[provider]) ? (out[provider] as Obj) : (out[provider] = Object.create(null) as Obj);
      inner[rest[0]] = v;
    }
    return out;
  }
  if (typeof raw !== 'string' || !raw.trimStart().startsWith('{')) return {};
  try {
    const v: unknown = JSON.parse(raw);
    return isObj(v) ? v : {};
  } catch {
    return {};
  }
}

function vercel(a: Attrs, span: Obj, rd: FieldReader): Verdict {
  const opId = String(a.get('ai.operationId') ?? span.name ?? '');
  if (AI_OUTER.test(opId)) return { skip: 'aggregate-span' };
  if (!AI_INNER.test(opId) && !hasPrefix(a, 'ai.usage.')) return { skip: 'non-llm-span' };
  if (!hasPrefix(a, 'ai.usage.')) return { skip: 'no-usage' };
  const embeddings = /\.doEmbed$/.test(opId);
  const model = a.get('ai.response.model') ?? a.get('ai.model.id') ?? a.get('gen_ai.response.model');
  const provider = String(a.get('ai.model.provider') ?? '');
  const base = {
    embeddings,
    model,
    modelPath: 'attributes.ai.model.id',
    id: a.get('ai.response.id'),
    provider: provider.split('.')[0] || undefined,
  };
  if (embeddings) {
    const tokens = countOf(rd, a, ['ai.usage.tokens']) ?? 0;
    return rd.failed ? undefined : { usage: { ...base, b: { ...zeroBuckets(), input: tokens } } };
  }
  const input = countOf(rd, a, ['ai.usage.inputTokens', 'ai.usage.promptTokens']) ?? 0;
  let output = countOf(rd, a, ['ai.usage.outputTokens', 'ai.usage.completionTokens']) ?? 0;
  const noCache = countOf(rd, a, ['ai.usage.inputTokenDetails.noCacheTokens']);
  const detailRead = countOf(rd, a, ['ai.usage.inputTokenDetails.cacheReadTokens', 'ai.usage.cachedInputTokens']);
  const detailWrite = countOf(rd, a, ['ai.usage.inputTokenDetails.cacheWriteTokens']);
  const meta = providerMetadata(a);
  const openai = isObj(meta.openai) ? meta.openai : {};
  const anthropic = isObj(meta.anthropic) ? meta.anthropic : {};
  const metaRd = rd.child('attributes.ai.response.providerMetadata');
  let reasoning =
    countOf(rd, a, ['ai.usage.outputTokenDetails.reasoningTokens', 'ai.usage.reasoningTokens']) ??
    metaRd.count(openai, 'reasoningTokens') ??
    0;
  // AI SDK 4/5 with Google: inputTokens / outputTokens are Gemini's promptTokenCount / candidatesTokenCount, which
  // leave out the tool-use prompt and the thoughts, both billed (<https://ai.google.dev/api/generate-content#UsageMetadata>,
  // <https://github.com/vercel/ai/issues/6082>); the provider metadata keeps Gemini's usageMetadata, whose
  // cachedContentTokenCount is the only cache-read count of an inner span. The thoughts and the tool-use prompt are
  // added only where the span's count is exactly Gemini's count without them (AI SDK 6 folds the thoughts in).
  const gemini = /^google/.test(provider) && isObj(meta.google) && isObj(meta.google.usageMetadata) ? meta.google.usageMetadata : undefined;
  let toolUse = 0;
  let geminiRead: number | undefined;
  if (gemini && noCache === undefined && detailWrite === undefined) {
    const gRd = metaRd.child('google.usageMetadata');
    const thoughts = gRd.count(gemini, 'thoughtsTokenCount') ?? 0;
    const tool = gRd.count(gemini, 'toolUsePromptTokenCount') ?? 0;
    geminiRead = gRd.count(gemini, 'cachedContentTokenCount');
    const candidates = gRd.count(gemini, 'candidatesTokenCount');
    if (thoughts > 0 && candidates !== undefined && (output === candidates || output === candidates + thoughts)) {
      if (output === candidates) output += thoughts;
      if (reasoning === 0) reasoning = thoughts;
    }
    if (tool > 0 && input === gRd.count(gemini, 'promptTokenCount')) toolUse = tool;
  }
  if (rd.failed || !reasoningWithin(rd, reasoning, output, 'attributes.ai.usage.reasoningTokens')) return undefined;
  let b: Buckets | undefined;
  if (noCache !== undefined || detailWrite !== undefined) {
    // AI SDK 6: inputTokens is the total; its details split it (noCache + cacheRead + cacheWrite)
    const read = detailRead ?? 0;
    const write = detailWrite ?? 0;
    if (noCache !== undefined && noCache + read + write !== input) {
      return rd.fail(
        'inconsistent-counts',
        `ai.usage.inputTokens (${input}) differs from its details (${noCache} uncached + ${read} cache read + ${write} cache write = ${noCache + read + write})`,
        'attributes.ai.usage.inputTokens',
        'AI SDK 6 input details partition inputTokens',
      );
    }
    const rest = uncached(rd, input, read, write, 'ai.usage.inputTokens');
    if (rest !== undefined) b = { input: rest, cacheRead: read, write5m: write, write1h: 0, output, reasoning };
  } else if (/anthropic/.test(provider)) {
    // AI SDK 4/5 with Anthropic: inputTokens is Anthropic's input_tokens, which excludes cache reads and writes.
    // SDK 4 puts the cache counts in providerMetadata.anthropic.cacheReadInputTokens / cacheCreationInputTokens;
    // SDK 5 keeps only cacheCreationInputTokens there and the Messages API usage itself under anthropic.usage
    // (cache_read_input_tokens, the cache_creation TTL split), its inner spans carrying no other cache-read count
    // (@ai-sdk/anthropic 2.x, `providerMetadata` of doGenerate in
    // <https://github.com/vercel/ai/blob/main/packages/anthropic/src/anthropic-messages-language-model.ts>)
    const aRd = metaRd.child('anthropic');
    const raw =
      isObj(anthropic.usage) && anthropic.usage.input_tokens != null && anthropic.usage.output_tokens != null ? anthropic.usage : undefined;
    const rawB = raw && !rd.failed ? anthropicBuckets(aRd.child('usage'), raw) : undefined;
    const read = detailRead ?? aRd.count(anthropic, 'cacheReadInputTokens') ?? rawB?.cacheRead ?? 0;
    const write = aRd.count(anthropic, 'cacheCreationInputTokens') ?? (rawB ? rawB.write5m + rawB.write1h : 0);
    const split = rawB && rawB.write5m + rawB.write1h === write ? rawB : undefined;
    // an input that is the raw input_tokens plus the cache is the prompt total (AI SDK 6 spans without details)
    const inclusive = rawB !== undefined && read + write > 0 && input === rawB.input + read + write;
    if (!rd.failed) {
      b = {
        input: inclusive ? (rawB?.input ?? input) : input,
        cacheRead: read,
        write5m: split ? split.write5m : write,
        write1h: split ? split.write1h : 0,
        output,
        reasoning,
      };
    }
  } else {
    // AI SDK 4/5 with OpenAI-style providers: inputTokens is prompt_tokens, which includes the cached tokens
    const read = detailRead ?? metaRd.count(openai, 'cachedPromptTokens') ?? geminiRead ?? 0;
    const rest = rd.failed ? undefined : uncached(rd, input, read, 0, 'ai.usage.inputTokens');
    if (rest !== undefined) b = { input: rest + toolUse, cacheRead: read, write5m: 0, write1h: 0, output, reasoning };
  }
  return b && !rd.failed ? { usage: { ...base, b } } : undefined;
}

/** The dialect of a span by its attribute namespaces, most specific first. */
export function readSpan(a: Attrs, span: Obj, rd: FieldReader): Verdict {
  if (a.has(OI_KIND)) return openInference(a, rd);
  if (a.has('ai.operationId') || hasPrefix(a, 'ai.usage.')) return vercel(a, span, rd);
  return genAi(a, rd);
}

/** Whether a span looks like an LLM-instrumentation span at all (for detection). */
export function isLlmSpanAttrs(a: Attrs): boolean {
  for (const k of a.keys()) if (k.startsWith('gen_ai.') || k.startsWith('llm.') || k.startsWith('ai.') || k === OI_KIND) return true;
  return false;
}
