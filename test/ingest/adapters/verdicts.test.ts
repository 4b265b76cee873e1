import { describe, expect, it } from 'vitest';
import {
  anthropicAdapter,
  bedrockAdapter,
  claudeCodeAdapter,
  geminiAdapter,
  langfuseAdapter,
  openaiAdapter,
  openaiBatchAdapter,
  otelAdapter,
} from '../../../src/ingest/adapters/index.js';
import { litellmJson } from '../../../src/ingest/formats/litellm.js';
import type { JsonAdapter } from '../../../src/ingest/types.js';
import { NO_MODEL } from '../../../src/usage/record.js';
import { run } from './harness.js';

/**
 * The same three verdicts in every reader: a response without usage is skipped ("no-usage"); numbers
 * that contradict each other are rejected with both numbers in the message; usage without a model id
 * is counted under "(no model)" with its tokens (10 in, 5 out in every case below).
 */
interface Case {
  reader: string;
  adapter: JsonAdapter;
  noUsage: unknown;
  /** An inconsistent value and the two numbers its message must name. */
  inconsistent: [unknown, number, number];
  noModel: unknown;
}

const span = (attrs: Record<string, string | number>) => ({
  resourceSpans: [
    {
      resource: { attributes: [] },
      scopeSpans: [
        {
          scope: { name: 't' },
          spans: [
            {
              traceId: 't1',
              spanId: 's1',
              name: 'chat',
              kind: 3,
              startTimeUnixNano: '1790000000000000000',
              status: { code: 0 },
              attributes: Object.entries(attrs).map(([key, v]) => ({
                key,
                value: typeof v === 'number' ? { intValue: v } : { stringValue: v },
              })),
            },
          ],
        },
      ],
    },
  ],
});
const batchLine = (body: object) => ({ id: 'batch_req_1', custom_id: 'c1', response: { status_code: 200, body }, error: null });
const cc = (message: object) => ({
  sessionId: 's',
  type: 'assistant',
  uuid: 'u',
  requestId: 'r',
  timestamp: '2026-10-01T00:00:00Z',
  message,
});
const lf = (extra: object) => ({ id: 'o1', traceId: 't', type: 'GENERATION', startTime: '2026-10-01T00:00:00Z', ...extra });
const ll = (extra: object) => ({ request_id: 'q1', call_type: 'acompletion', startTime: '2026-10-01T00:00:00', ...extra });

const CASES: Case[] = [
  {
    reader: 'openai',
    adapter: openaiAdapter,
    noUsage: { id: 'c1', object: 'chat.completion', model: 'gpt-4o', choices: [] },
    inconsistent: [
      {
        id: 'c2',
        object: 'chat.completion',
        model: 'gpt-4o',
        choices: [],
        usage: { prompt_tokens: 100, completion_tokens: 5, prompt_tokens_details: { cached_tokens: 200 } },
      },
      200,
      100,
    ],
    noModel: { id: 'c3', object: 'chat.completion', choices: [], usage: { prompt_tokens: 10, completion_tokens: 5 } },
  },
  {
    reader: 'openai-batch',
    adapter: openaiBatchAdapter,
    noUsage: batchLine({ id: 'c1', object: 'chat.completion', model: 'gpt-4o', choices: [] }),
    inconsistent: [
      batchLine({
        id: 'c2',
        object: 'chat.completion',
        model: 'gpt-4o',
        usage: { prompt_tokens: 100, completion_tokens: 5, prompt_tokens_details: { cached_tokens: 200 } },
      }),
      200,
      100,
    ],
    noModel: batchLine({ id: 'c3', object: 'chat.completion', usage: { prompt_tokens: 10, completion_tokens: 5 } }),
  },
  {
    reader: 'anthropic',
    adapter: anthropicAdapter,
    noUsage: { id: 'm1', type: 'message', model: 'claude-sonnet-4-5', content: [] },
    inconsistent: [
      {
        id: 'm2',
        type: 'message',
        model: 'claude-sonnet-4-5',
        usage: {
          input_tokens: 1,
          output_tokens: 1,
          cache_creation_input_tokens: 500,
          cache_creation: { ephemeral_5m_input_tokens: 100, ephemeral_1h_input_tokens: 100 },
        },
      },
      500,
      200,
    ],
    noModel: { id: 'm3', type: 'message', usage: { input_tokens: 10, output_tokens: 5 } },
  },
  {
    reader: 'gemini',
    adapter: geminiAdapter,
    noUsage: { modelVersion: 'gemini-2.5-flash', candidates: [{ content: { parts: [] } }] },
    inconsistent: [
      { modelVersion: 'gemini-2.5-flash', usageMetadata: { promptTokenCount: 100, cachedContentTokenCount: 200, candidatesTokenCount: 1 } },
      200,
      100,
    ],
    noModel: { usageMetadata: { promptTokenCount: 10, candidatesTokenCount: 5 } },
  },
  {
    reader: 'bedrock',
    adapter: bedrockAdapter,
    noUsage: { modelId: 'us.amazon.nova-lite-v1:0', output: { message: { role: 'assistant', content: [] } }, stopReason: 'end_turn' },
    inconsistent: [
      {
        modelId: 'us.amazon.nova-lite-v1:0',
        usage: { inputTokens: 1, outputTokens: 1, cacheReadInputTokens: 100, cacheReadInputTokenCount: 120 },
      },
      100,
      120,
    ],
    noModel: { output: { message: { role: 'assistant', content: [] } }, usage: { inputTokens: 10, outputTokens: 5, totalTokens: 15 } },
  },
  {
    reader: 'langfuse',
    adapter: langfuseAdapter,
    noUsage: lf({ model: 'gpt-4o', usageDetails: {} }),
    inconsistent: [
      lf({
        model: 'claude-sonnet-4-5',
        usageDetails: { input: 1, output: 1, cache_creation_input_tokens: 500, input_cache_creation_5m: 100, input_cache_creation_1h: 100 },
      }),
      500,
      200,
    ],
    noModel: lf({ usageDetails: { input: 10, output: 5 } }),
  },
  {
    reader: 'otel',
    adapter: otelAdapter,
    noUsage: span({ 'gen_ai.operation.name': 'chat', 'gen_ai.response.model': 'gpt-4o' }),
    inconsistent: [
      span({
        'openinference.span.kind': 'LLM',
        'llm.model_name': 'gpt-4o',
        'llm.token_count.prompt': 100,
        'llm.token_count.completion': 1,
        'llm.token_count.prompt_details.cache_read': 200,
      }),
      200,
      100,
    ],
    noModel: span({ 'gen_ai.operation.name': 'chat', 'gen_ai.usage.input_tokens': 10, 'gen_ai.usage.output_tokens': 5 }),
  },
  {
    reader: 'claude-code',
    adapter: claudeCodeAdapter,
    noUsage: cc({ id: 'm1', model: 'claude-sonnet-4-5', role: 'assistant', content: [] }),
    inconsistent: [
      cc({
        id: 'm2',
        model: 'claude-sonnet-4-5',
        usage: {
          input_tokens: 1,
          output_tokens: 1,
          cache_creation_input_tokens: 500,
          cache_creation: { ephemeral_5m_input_tokens: 100, ephemeral_1h_input_tokens: 100 },
        },
      }),
      500,
      200,
    ],
    noModel: cc({ id: 'm3', usage: { input_tokens: 10, output_tokens: 5 } }),
  },
  {
    reader: 'litellm',
    adapter: litellmJson,
    noUsage: ll({ model: 'gpt-4o' }),
    inconsistent: [
      ll({
        model: 'gpt-4o',
        prompt_tokens: 100,
        completion_tokens: 1,
        metadata: { usage_object: { prompt_tokens_details: { cached_tokens: 200 } } },
      }),
      200,
      100,
    ],
    noModel: ll({ prompt_tokens: 10, completion_tokens: 5 }),
  },
];

const one = (adapter: JsonAdapter, value: unknown) => run(adapter, [{ name: 'v.jsonl', text: JSON.stringify(value) }]);

describe.each(CASES)('verdicts: $reader', ({ adapter, noUsage, inconsistent, noModel }) => {
  it('skips a response without usage as no-usage', () => {
    const r = one(adapter, noUsage);
    expect({ records: r.records.length, rejects: r.rejects.length, skips: r.skips }).toEqual({
      records: 0,
      rejects: 0,
      skips: { 'no-usage': 1 },
    });
  });

  it('rejects inconsistent numbers with both numbers in the message', () => {
    const [value, a, b] = inconsistent;
    const r = one(adapter, value);
    expect(r.records).toHaveLength(0);
    expect(r.rejects).toHaveLength(1);
    expect(r.rejects[0].message).toContain(`(${a})`);
    expect(r.rejects[0].message).toMatch(new RegExp(`\\b${b}\\b`));
    expect(r.rejects[0].line).toBe(1);
  });

  it('counts usage without a model under "(no model)", tokens kept', () => {
    const r = one(adapter, noModel);
    expect(r.rejects).toEqual([]);
    expect(r.records.map((x) => [x.model, x.inputTokens, x.outputTokens])).toEqual([[NO_MODEL, 10, 5]]);
  });
});
