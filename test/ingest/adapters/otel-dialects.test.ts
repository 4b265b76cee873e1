import { describe, expect, it } from 'vitest';
import { otelAdapter } from '../../../src/ingest/adapters/otel.js';
import { byId, fixture, rejectCodes, run, tot, totalsByModel } from './harness.js';

/** OTel spans as OpenInference, LiteLLM, OpenLLMetry, current semconv and the Vercel AI SDK write them. */
describe('otel dialects', () => {
  const r = run(otelAdapter, [fixture('otel/dialects.json', true)]);

  it('counts every LLM call once, by hand', () => {
    expect(totalsByModel(r.records)).toEqual({
      // OpenInference LLM span: prompt 2000 includes cache_read 1500 -> 500 uncached
      'gpt-4o-2024-08-06': tot({ records: 1, input: 500, cacheRead: 1500, output: 300 }),
      // OpenInference: prompt 10300 - 9000 read - 1200 write = 100 (its CHAIN parent is skipped);
      // AI SDK 4 + Anthropic: promptTokens 12 excludes cache; providerMetadata 20000 read, 3000 written;
      // AI SDK 6: inputTokens 8100 = 100 noCache + 7000 read + 1000 write; reasoning 50 inside output 200
      'claude-sonnet-4-5-20250929': tot({
        records: 3,
        input: 100 + 12 + 100,
        cacheRead: 9000 + 20000 + 7000,
        write5m: 1200 + 3000 + 1000,
        output: 400 + 500 + 200,
        reasoning: 50,
      }),
      // OpenInference reasoning 1000 inside completion 1200
      'o3-mini-2025-01-31': tot({ records: 1, input: 800, output: 1200, reasoning: 1000 }),
      // embeddings: OpenInference 64, OpenLLMetry 32, AI SDK doEmbed 20
      'text-embedding-3-small': tot({ records: 3, input: 64 + 32 + 20 }),
      // LiteLLM acompletion with string intValues: 900 in, 50 out;
      // AI SDK 4 + OpenAI: promptTokens 1300 includes providerMetadata cachedPromptTokens 1024 -> 276; second step 1300
      'gpt-4o-mini-2024-07-18': tot({ records: 3, input: 900 + 276 + 1300, cacheRead: 1024, output: 50 + 60 + 60 }),
      // LiteLLM litellm_request without an operation name: model + usage; 3000 includes 2000 cache reads (OpenLLMetry spelling)
      'claude-3-5-haiku-20241022': tot({ records: 1, input: 1000, cacheRead: 2000, output: 100 }),
      // OpenLLMetry provider span: 5000 - 4096 = 904 (its LangChain wrapper span with the same usage is skipped)
      'gpt-4.1-2025-04-14': tot({ records: 1, input: 904, cacheRead: 4096, output: 700 }),
      // current semconv: 6000 - 5000 read - 500 write = 500
      'claude-haiku-4-5-20251001': tot({ records: 1, input: 500, cacheRead: 5000, write5m: 500, output: 80, reasoning: 20 }),
    });
  });

  it('skips aggregates and non-LLM spans', () => {
    // aggregate: OpenInference CHAIN, LangChain wrapper (parent of a counted call), traceloop workflow, ai.generateText, ai.streamText
    // non-LLM: OpenInference AGENT without usage and TOOL, LiteLLM raw_gen_ai_request, ai.toolCall
    expect(r.skips).toEqual({ 'aggregate-span': 5, 'non-llm-span': 4 });
    expect(r.rejects).toEqual([]);
    expect(r.records.length + 9).toBe(23);
  });

  it('maps providers, ids and embeddings', () => {
    expect(byId(r, 'chatcmpl-ol-1').provider).toBe('openai');
    expect(byId(r, 'msg_v_6').provider).toBe('anthropic');
    expect(byId(r, '0000000000000a06').tags.operation).toBe('embeddings');
    expect(byId(r, '0000000000000b01').tags.service).toBe('gateway');
  });

  it('gives the same totals from one export request per line', () => {
    const lines = run(otelAdapter, [fixture('otel/dialects.jsonl')]);
    expect(totalsByModel(lines.records)).toEqual(totalsByModel(r.records));
    expect(lines.skips).toEqual(r.skips);
  });

  it('skips a wrapper whose child comes first or later', () => {
    const f = JSON.parse(fixture('otel/dialects.json').text);
    const spans = f.resourceSpans[2].scopeSpans[0].spans;
    f.resourceSpans[2].scopeSpans[0].spans = [spans[1], spans[0], ...spans.slice(2)];
    const swapped = run(otelAdapter, [{ name: 'x.json', text: JSON.stringify(f), whole: true }]);
    expect(totalsByModel(swapped.records)).toEqual(totalsByModel(r.records));
  });

  it('rejects inconsistent numbers with both values, skips a span without usage, counts one without a model', () => {
    const b = run(otelAdapter, [fixture('otel/dialects-bad.json', true)]);
    expect(rejectCodes(b)).toEqual({ 'inconsistent-counts': 4, 'invalid-type': 1 });
    const msg = b.rejects.map((x) => x.message);
    expect(msg[0]).toBe('cache reads (500) + cache writes (0) exceed llm.token_count.prompt (100)');
    expect(msg[1]).toBe(
      'attributes.gen_ai.usage.cache_read.input_tokens (100) and attributes.gen_ai.usage.cache_read_input_tokens (200) disagree',
    );
    expect(msg[2]).toMatch(/\(1000\).*100 uncached \+ 800 cache read \+ 50 cache write = 950/);
    expect(msg[4]).toBe('cache reads (2000) + cache writes (0) exceed ai.usage.inputTokens (1000)');
    expect(b.rejects[0].path).toBe('resourceSpans[0].scopeSpans[0].spans[0].attributes.llm.token_count.prompt');
    expect(b.skips).toEqual({ 'no-usage': 1 });
    expect(totalsByModel(b.records)).toEqual({
      '(no model)': tot({ records: 1, input: 10, output: 5 }),
      'gpt-4o-2024-08-06': tot({ records: 1, input: 10, output: 5 }),
    });
    // read 8 = counted 2 + skipped 1 + rejected 5
    expect(b.records.length + 1 + b.rejects.length).toBe(8);
  });
});

describe('otel spans as a span store returns them (Phoenix REST page, nested or dotted attributes)', () => {
  it('reads context ids, span_kind, start_time and nested attributes, by hand', () => {
    const r = run(otelAdapter, [fixture('otel/phoenix-spans.json', true)]);
    expect(totalsByModel(r.records)).toEqual({
      // nested llm.token_count: prompt 3000 includes cache_read 2048 -> 952 uncached
      'gpt-4o-mini-2024-07-18': tot({ records: 1, input: 952, cacheRead: 2048, output: 120 }),
      // dotted keys; an error span that reports usage is counted (prompt 500, no output)
      'claude-haiku-4-5-20251001': tot({ records: 1, input: 500 }),
    });
    expect(r.skips).toEqual({ 'aggregate-span': 1 }); // the CHAIN parent
    expect(byId(r, '1a2b3c4d5e6f7081')).toMatchObject({
      timestamp: '2026-10-05T10:00:00.000Z',
      tags: { trace: '7f3c0a1e9b2d4c5f8e6a1b2c3d4e5f60' },
    });
    expect(byId(r, '2b3c4d5e6f708192').tags.outcome).toBe('failure');
  });

  it('finds AI SDK provider metadata kept as an object in a plain-map span', () => {
    const v = {
      spanId: 'v1',
      name: 'ai.generateText.doGenerate',
      startTimeUnixNano: '1790000000000000000',
      attributes: {
        ai: {
          operationId: 'ai.generateText.doGenerate',
          model: { id: 'gpt-4o-mini', provider: 'openai.chat' },
          usage: { promptTokens: 1300, completionTokens: 60 },
          response: { providerMetadata: { openai: { cachedPromptTokens: 1024 } } },
        },
      },
    };
    const r = run(otelAdapter, [{ name: 'v.jsonl', text: JSON.stringify(v) }]);
    // 1300 - 1024 cached = 276
    expect(totalsByModel(r.records)).toEqual({ 'gpt-4o-mini': tot({ records: 1, input: 276, cacheRead: 1024, output: 60 }) });
  });
});

describe('otel spans as Pydantic AI (Logfire) writes them: cache counts under gen_ai.usage.details.*', () => {
  const span = (spanId: string, model: string, usage: Record<string, number>) => ({
    traceId: 'pyd',
    spanId,
    name: `chat ${model}`,
    startTimeUnixNano: '1760000000000000000',
    attributes: [
      { key: 'gen_ai.operation.name', value: { stringValue: 'chat' } },
      { key: 'gen_ai.request.model', value: { stringValue: model } },
      ...Object.entries(usage).map(([key, n]) => ({ key, value: { intValue: String(n) } })),
    ],
  });

  it('takes details.cache_read_tokens / cache_write_tokens as parts of the inclusive input_tokens, by hand', () => {
    const lines = [
      // OpenAI through Pydantic AI: input 2740 includes 2556 cache reads -> 2740 - 2556 = 184 uncached; reasoning 40 inside output 216
      span('p1', 'gpt-4o', {
        'gen_ai.usage.input_tokens': 2740,
        'gen_ai.usage.output_tokens': 216,
        'gen_ai.usage.details.cache_read_tokens': 2556,
        'gen_ai.usage.details.reasoning_tokens': 40,
      }),
      // Anthropic through Pydantic AI: its own and the raw Anthropic detail keys, equal;
      // input 16000 includes 1000 read + 14000 written -> 16000 - 1000 - 14000 = 1000 uncached
      span('p2', 'claude-sonnet-4-5', {
        'gen_ai.usage.input_tokens': 16000,
        'gen_ai.usage.output_tokens': 100,
        'gen_ai.usage.details.cache_read_tokens': 1000,
        'gen_ai.usage.details.cache_write_tokens': 14000,
        'gen_ai.usage.details.cache_read_input_tokens': 1000,
        'gen_ai.usage.details.cache_creation_input_tokens': 14000,
        'gen_ai.usage.details.input_tokens': 1000,
      }),
    ];
    const r = run(otelAdapter, [{ name: 'pyd.jsonl', text: lines.map((l) => JSON.stringify(l)).join('\n') }]);
    expect(r.rejects).toEqual([]);
    expect(totalsByModel(r.records)).toEqual({
      'gpt-4o': tot({ records: 1, input: 184, cacheRead: 2556, output: 216, reasoning: 40 }),
      'claude-sonnet-4-5': tot({ records: 1, input: 1000, cacheRead: 1000, write5m: 14000, output: 100 }),
    });
  });
});

describe('otel: keys of the log never reach Object.prototype', () => {
  it('a dotted providerMetadata key named __proto__ leaves later records alone', () => {
    const span = {
      spanId: 'v1',
      name: 'ai.generateText.doGenerate',
      attributes: {
        'ai.operationId': 'ai.generateText.doGenerate',
        'ai.model.id': 'gpt-4o',
        'ai.model.provider': 'openai.chat',
        'ai.usage.inputTokens': 100,
        'ai.usage.outputTokens': 10,
        'ai.response.providerMetadata.__proto__.cache_read_input_tokens': 900000,
      },
    };
    try {
      const r = run(otelAdapter, [{ name: 'v.jsonl', text: JSON.stringify(span) }]);
      expect(totalsByModel(r.records)).toEqual({ 'gpt-4o': tot({ records: 1, input: 100, output: 10 }) });
      // before the fix this set Object.prototype.cache_read_input_tokens = 900000: every later usage
      // object without its own cache_read_input_tokens (an Anthropic message, any file) read 900000
      expect(({} as Record<string, unknown>).cache_read_input_tokens).toBeUndefined();
    } finally {
      delete (Object.prototype as Record<string, unknown>).cache_read_input_tokens;
    }
  });
});

/**
 * Strands Agents model spans (`chat`, gen_ai.operation.name = chat): Bedrock's Converse usage under both the current
 * and the deprecated names, its cache counts as gen_ai.usage.cache_read_input_tokens / cache_write_input_tokens and
 * the total as gen_ai.usage.total_tokens; the agent span (invoke_agent) repeats the accumulated usage. Shapes from
 * <https://github.com/strands-agents/sdk-python/blob/main/src/strands/telemetry/tracer.py> (end_model_invoke_span,
 * end_agent_span).
 */
describe('otel spans as Strands Agents writes them (Bedrock counts)', () => {
  const span = (spanId: string, parentSpanId: string, op: string, usage: Record<string, number>) => ({
    traceId: 'strands',
    spanId,
    parentSpanId,
    name: op === 'chat' ? 'chat' : 'invoke_agent helper',
    startTimeUnixNano: '1790000000000000000',
    attributes: [
      { key: 'gen_ai.operation.name', value: { stringValue: op } },
      { key: 'gen_ai.system', value: { stringValue: 'strands-agents' } },
      { key: 'gen_ai.request.model', value: { stringValue: 'us.anthropic.claude-sonnet-4-5-20250929-v1:0' } },
      ...Object.entries(usage).map(([key, n]) => ({ key, value: { intValue: String(n) } })),
    ],
  });
  const bedrock = (input: number, output: number, read: number, write: number) => ({
    'gen_ai.usage.prompt_tokens': input,
    'gen_ai.usage.input_tokens': input,
    'gen_ai.usage.completion_tokens': output,
    'gen_ai.usage.output_tokens': output,
    'gen_ai.usage.total_tokens': input + output + read + write,
    'gen_ai.usage.cache_read_input_tokens': read,
    'gen_ai.usage.cache_write_input_tokens': write,
  });

  it('reads the cache writes (gen_ai.usage.cache_write_input_tokens), by hand', () => {
    const lines = [
      // first call writes the cache: 4 uncached in, 2452 written, 137 out (total 4 + 137 + 2452 = 2593)
      span('s1', 'a1', 'chat', bedrock(4, 137, 0, 2452)),
      // the agent span: the same usage again, never counted on top
      span('a1', '', 'invoke_agent', bedrock(4, 137, 0, 2452)),
    ];
    const r = run(otelAdapter, [{ name: 'strands.jsonl', text: lines.map((l) => JSON.stringify(l)).join('\n') }]);
    expect(r.rejects).toEqual([]);
    expect(r.skips).toEqual({ 'aggregate-span': 1 });
    expect(totalsByModel(r.records)).toEqual({
      'us.anthropic.claude-sonnet-4-5-20250929-v1:0': tot({ records: 1, input: 4, write5m: 2452, output: 137 }),
    });
  });

  it('takes input_tokens as uncached when the total counts the cache on top of it, by hand', () => {
    const openllmetry = {
      traceId: 'ol',
      spanId: 'o1',
      name: 'anthropic.chat',
      attributes: {
        'gen_ai.system': 'Anthropic',
        'gen_ai.request.model': 'claude-sonnet-4-5',
        'llm.request.type': 'chat',
        // OpenLLMetry's inclusive prompt count: 3000 = 1000 uncached + 2000 read; total 3000 + 50 = 3050
        'gen_ai.usage.input_tokens': 3000,
        'gen_ai.usage.output_tokens': 50,
        'gen_ai.usage.cache_read_input_tokens': 2000,
        'llm.usage.total_tokens': 3050,
      },
    };
    const lines = [
      // Bedrock's exclusive inputTokens 3000 beside 2000 cache reads: total 3000 + 50 + 2000 = 5050, so 3000 uncached
      span('s2', 'a2', 'chat', bedrock(3000, 50, 2000, 0)),
      openllmetry,
    ];
    const r = run(otelAdapter, [{ name: 'totals.jsonl', text: lines.map((l) => JSON.stringify(l)).join('\n') }]);
    expect(r.rejects).toEqual([]);
    expect(totalsByModel(r.records)).toEqual({
      'us.anthropic.claude-sonnet-4-5-20250929-v1:0': tot({ records: 1, input: 3000, cacheRead: 2000, output: 50 }),
      'claude-sonnet-4-5': tot({ records: 1, input: 1000, cacheRead: 2000, output: 50 }),
    });
  });
});

/**
 * AI SDK 5's inner spans (`ai.generateText.doGenerate`) carry only ai.usage.promptTokens / completionTokens and the
 * provider metadata; @ai-sdk/anthropic 2.x puts `{usage: <the Messages API usage>, cacheCreationInputTokens}` there
 * (no cacheReadInputTokens any more), so the cache reads are only in anthropic.usage.cache_read_input_tokens.
 */
describe('otel spans as the AI SDK 5 writes them with Anthropic (cache reads in providerMetadata.anthropic.usage)', () => {
  const doGenerate = (spanId: string, promptTokens: number, usage: Record<string, unknown>) => ({
    traceId: 'ai5',
    spanId,
    name: 'ai.generateText.doGenerate',
    startTimeUnixNano: '1790000000000000000',
    attributes: [
      { key: 'ai.operationId', value: { stringValue: 'ai.generateText.doGenerate' } },
      { key: 'ai.model.id', value: { stringValue: 'claude-sonnet-4-5' } },
      { key: 'ai.model.provider', value: { stringValue: 'anthropic.messages' } },
      { key: 'ai.usage.promptTokens', value: { intValue: String(promptTokens) } },
      { key: 'ai.usage.completionTokens', value: { intValue: '500' } },
      {
        key: 'ai.response.providerMetadata',
        value: {
          stringValue: JSON.stringify({
            anthropic: { usage, cacheCreationInputTokens: usage.cache_creation_input_tokens, stopSequence: null },
          }),
        },
      },
    ],
  });
  const usage = {
    input_tokens: 12,
    output_tokens: 500,
    cache_read_input_tokens: 20000,
    cache_creation_input_tokens: 3000,
    cache_creation: { ephemeral_5m_input_tokens: 0, ephemeral_1h_input_tokens: 3000 },
    service_tier: 'standard',
  };

  it('reads the cache reads and the TTL split of the writes from the raw usage, by hand', () => {
    // promptTokens 12 is Anthropic's input_tokens: 12 uncached + 20000 read + 3000 written for 1h
    const r = run(otelAdapter, [{ name: 'ai5.jsonl', text: JSON.stringify(doGenerate('v1', 12, usage)) }]);
    expect(r.rejects).toEqual([]);
    expect(totalsByModel(r.records)).toEqual({
      'claude-sonnet-4-5': tot({ records: 1, input: 12, cacheRead: 20000, write1h: 3000, output: 500 }),
    });
  });

  it('takes a promptTokens that is input_tokens + cache as the total (AI SDK 6 spans without details), by hand', () => {
    // 23012 = 12 + 20000 + 3000: the uncached part is the raw input_tokens 12
    const r = run(otelAdapter, [{ name: 'ai6.jsonl', text: JSON.stringify(doGenerate('v2', 23012, usage)) }]);
    expect(r.rejects).toEqual([]);
    expect(totalsByModel(r.records)).toEqual({
      'claude-sonnet-4-5': tot({ records: 1, input: 12, cacheRead: 20000, write1h: 3000, output: 500 }),
    });
  });
});

/**
 * AI SDK 5's inner spans with @ai-sdk/google: promptTokens / completionTokens are Gemini's promptTokenCount /
 * candidatesTokenCount, which leave out the thoughts and the tool-use prompt (billed all the same); Gemini's
 * usageMetadata rides along in providerMetadata.google.usageMetadata.
 */
describe('otel spans as the AI SDK 5 writes them with Google (usageMetadata in the provider metadata)', () => {
  const span = (spanId: string, promptTokens: number, completionTokens: number, usageMetadata: Record<string, number>) => ({
    traceId: 'ai5g',
    spanId,
    name: 'ai.streamText.doStream',
    startTimeUnixNano: '1790000000000000000',
    attributes: {
      'ai.operationId': 'ai.streamText.doStream',
      'ai.model.id': 'gemini-2.5-flash',
      'ai.model.provider': 'google.generative-ai',
      'ai.usage.promptTokens': promptTokens,
      'ai.usage.completionTokens': completionTokens,
      'ai.response.providerMetadata': JSON.stringify({ google: { groundingMetadata: null, usageMetadata } }),
    },
  });

  it('adds the thoughts and the tool-use prompt, and reads the cached content, by hand', () => {
    const lines = [
      // prompt 4000 (3000 of it cached) + 50 tool-use prompt; 300 candidates + 900 thoughts; total 4000 + 50 + 300 + 900
      span('g1', 4000, 300, {
        promptTokenCount: 4000,
        cachedContentTokenCount: 3000,
        toolUsePromptTokenCount: 50,
        candidatesTokenCount: 300,
        thoughtsTokenCount: 900,
        totalTokenCount: 5250,
      }),
      // completionTokens already holding the thoughts (300 + 900 = 1200): nothing added
      span('g2', 1000, 1200, { promptTokenCount: 1000, candidatesTokenCount: 300, thoughtsTokenCount: 900, totalTokenCount: 2200 }),
    ];
    const r = run(otelAdapter, [{ name: 'ai5g.jsonl', text: lines.map((l) => JSON.stringify(l)).join('\n') }]);
    expect(r.rejects).toEqual([]);
    expect(totalsByModel(r.records)).toEqual({
      // g1: 4000 - 3000 cached + 50 = 1050 uncached, 300 + 900 = 1200 out; g2: 1000 in, 1200 out; 900 thoughts each
      'gemini-2.5-flash': tot({ records: 2, input: 1050 + 1000, cacheRead: 3000, output: 1200 + 1200, reasoning: 900 + 900 }),
    });
  });
});

/**
 * Google ADK's call_llm spans (releases before gen_ai.usage.reasoning.output_tokens): gen_ai.usage.output_tokens is
 * Gemini's candidates_token_count and the thoughts are in gen_ai.usage.experimental.reasoning_tokens; through ADK's
 * LiteLLM wrapper the same attribute is LiteLLM's reasoning_tokens, inside completion_tokens.
 */
describe('otel spans as Google ADK writes them (gen_ai.usage.experimental.reasoning_tokens)', () => {
  const callLlm = (spanId: string, model: string, usage: Record<string, number>) => ({
    traceId: 'adk',
    spanId,
    parentSpanId: 'agent',
    name: 'call_llm',
    startTimeUnixNano: '1790000000000000000',
    attributes: [
      { key: 'gen_ai.system', value: { stringValue: 'gcp.vertex.agent' } },
      { key: 'gen_ai.request.model', value: { stringValue: model } },
      ...Object.entries(usage).map(([key, n]) => ({ key, value: { intValue: String(n) } })),
    ],
  });

  it("adds a native Gemini model's thoughts to its output, not a LiteLLM model's, by hand", () => {
    const lines = [
      {
        traceId: 'adk',
        spanId: 'agent',
        name: 'invoke_agent helper',
        attributes: [{ key: 'gen_ai.operation.name', value: { stringValue: 'invoke_agent' } }],
      },
      // gemini-2.5-flash: 700 candidates + 1500 thoughts = 2200 output, 1500 of it reasoning
      callLlm('c1', 'gemini-2.5-flash', {
        'gen_ai.usage.input_tokens': 5000,
        'gen_ai.usage.output_tokens': 700,
        'gen_ai.usage.experimental.reasoning_tokens': 1500,
        'gen_ai.usage.experimental.reasoning_tokens_limit': 2048,
      }),
      // LiteLLM's openai/o4-mini: completion 1200 holds its 1000 reasoning tokens
      callLlm('c2', 'openai/o4-mini', {
        'gen_ai.usage.input_tokens': 800,
        'gen_ai.usage.output_tokens': 1200,
        'gen_ai.usage.experimental.reasoning_tokens': 1000,
      }),
    ];
    const r = run(otelAdapter, [{ name: 'adk.jsonl', text: lines.map((l) => JSON.stringify(l)).join('\n') }]);
    expect(r.rejects).toEqual([]);
    expect(r.skips).toEqual({ 'aggregate-span': 1 });
    expect(totalsByModel(r.records)).toEqual({
      'gemini-2.5-flash': tot({ records: 1, input: 5000, output: 2200, reasoning: 1500 }),
      'openai/o4-mini': tot({ records: 1, input: 800, output: 1200, reasoning: 1000 }),
    });
  });
});

/**
 * OpenInference spans whose llm.token_count.prompt is exclusive of the cache: OpenInference's Bedrock instrumentor
 * (JS, InvokeModel) writes an Anthropic body's input_tokens as the prompt beside its cache_read / cache_creation
 * counts; other exporters write Bedrock's exclusive inputTokens with Bedrock's total, which counts the cache.
 */
describe('otel: OpenInference spans with an exclusive prompt count', () => {
  const llm = (spanId: string, attrs: Record<string, unknown>) => ({
    traceId: 'oi',
    spanId,
    name: 'bedrock.invoke_model',
    attributes: { 'openinference.span.kind': 'LLM', 'llm.provider': 'aws', 'llm.token_count.completion': 500, ...attrs },
  });

  it('counts the cache on top of the prompt for an Anthropic span whose cache exceeds it, or when the total says so, by hand', () => {
    const lines = [
      // Anthropic body: input_tokens 12 + 20000 read + 3000 written (the reader used to reject this span)
      llm('b1', {
        'llm.system': 'anthropic',
        'llm.model_name': 'claude-sonnet-4-5',
        'llm.token_count.prompt': 12,
        'llm.token_count.prompt_details.cache_read': 20000,
        'llm.token_count.prompt_details.cache_write': 3000,
      }),
      // total 5550 = 3000 + 500 + 2000 read + 50 written: the prompt 3000 is uncached
      llm('b2', {
        'llm.model_name': 'claude-sonnet-4-5',
        'llm.token_count.prompt': 3000,
        'llm.token_count.prompt_details.cache_read': 2000,
        'llm.token_count.prompt_details.cache_write': 50,
        'llm.token_count.total': 5550,
      }),
      // total 3500 = 3000 + 500: an inclusive prompt, 3000 - 2000 read = 1000 uncached
      llm('b3', {
        'llm.model_name': 'claude-sonnet-4-5',
        'llm.token_count.prompt': 3000,
        'llm.token_count.prompt_details.cache_read': 2000,
        'llm.token_count.total': 3500,
      }),
    ];
    const r = run(otelAdapter, [{ name: 'oi.jsonl', text: lines.map((l) => JSON.stringify(l)).join('\n') }]);
    expect(r.rejects).toEqual([]);
    expect(totalsByModel(r.records)).toEqual({
      'claude-sonnet-4-5': tot({
        records: 3,
        input: 12 + 3000 + 1000,
        cacheRead: 20000 + 2000 + 2000,
        write5m: 3000 + 50,
        output: 500 * 3,
      }),
    });
  });
});

/**
 * LangSmith's OpenTelemetry exporter (OTEL_ENABLED): LangChain's usage_metadata as gen_ai.usage.input_tokens /
 * output_tokens / total_tokens, and its details as Python repr strings in gen_ai.usage.input_token_details /
 * output_token_details; a chain span whose output is the model's message carries the same usage, without a model.
 */
describe('otel spans as LangSmith exports them (token details as str(dict))', () => {
  const span = (spanId: string, parentSpanId: string, kind: string, attrs: Record<string, unknown>) => ({
    traceId: 'ls',
    spanId,
    parentSpanId,
    name: kind === 'llm' ? 'ChatModel' : 'RunnableSequence',
    attributes: {
      'langsmith.span.kind': kind,
      'gen_ai.operation.name': kind === 'llm' ? 'chat' : 'chain',
      ...attrs,
    },
  });

  it('reads the cache and reasoning details, by hand', () => {
    const claude = {
      'gen_ai.usage.input_tokens': 16000,
      'gen_ai.usage.output_tokens': 100,
      'gen_ai.usage.total_tokens': 16100,
      'gen_ai.usage.input_token_details': "{'cache_read': 1000, 'cache_creation': 14000}",
    };
    const lines = [
      span('c0', '', 'chain', claude),
      // LangChain's input_tokens 16000 holds 1000 read + 14000 written: 1000 uncached
      span('c1', 'c0', 'llm', { 'gen_ai.request.model': 'claude-sonnet-4-5', 'gen_ai.system': 'anthropic', ...claude }),
      // 2740 in holds 2556 read: 184 uncached; 40 of the 216 out are reasoning
      span('o1', '', 'llm', {
        'gen_ai.request.model': 'gpt-4o',
        'gen_ai.system': 'openai',
        'gen_ai.usage.input_tokens': 2740,
        'gen_ai.usage.output_tokens': 216,
        'gen_ai.usage.total_tokens': 2956,
        'gen_ai.usage.input_token_details': "{'audio': 0, 'cache_read': 2556}",
        'gen_ai.usage.output_token_details': "{'audio': 0, 'reasoning': 40}",
      }),
    ];
    const r = run(otelAdapter, [{ name: 'ls.jsonl', text: lines.map((l) => JSON.stringify(l)).join('\n') }]);
    expect(r.rejects).toEqual([]);
    expect(r.skips).toEqual({ 'non-llm-span': 1 });
    expect(totalsByModel(r.records)).toEqual({
      'claude-sonnet-4-5': tot({ records: 1, input: 1000, cacheRead: 1000, write5m: 14000, output: 100 }),
      'gpt-4o': tot({ records: 1, input: 184, cacheRead: 2556, output: 216, reasoning: 40 }),
    });
  });
});
