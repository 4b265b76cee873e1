import { describe, expect, it } from 'vitest';
import { bedrockAdapter } from '../../../src/ingest/adapters/bedrock.js';
import { byId, fixture, rejectCodes, run, tot, totalsByModel } from './harness.js';

/** Every spelling AWS documents for Bedrock token counts (docs/log-formats.md, "Bedrock"). */
describe('bedrock spelling variants', () => {
  const r = run(bedrockAdapter, [fixture('bedrock/variants.jsonl')]);

  it('reads every spelling, body shape and stream event, by hand', () => {
    expect(totalsByModel(r.records)).toEqual({
      // line 1: Converse with the …TokenCount cache spelling; totalTokens 12 + 300 + 40000 + 2000 = 42312, so input is exclusive
      'us.anthropic.claude-sonnet-4-5-20250929-v1:0': tot({ records: 1, input: 12, cacheRead: 40000, write5m: 2000, output: 300 }),
      // line 2: both cache-read spellings present and equal (5000): counted once
      'us.anthropic.claude-haiku-4-5-20251001-v1:0': tot({ records: 1, input: 20, cacheRead: 5000, output: 100 }),
      // line 3: guardrail intervened, inputTokens 850 and no output count -> output 0;
      // line 11: invocation log, input 200, no output count (guardrail) -> output 0
      'us.amazon.nova-pro-v1:0': tot({ records: 2, input: 850 + 200 }),
      // line 4: Nova InvokeModel body in a pair; 300 + 40 + 1000 = 1340 = totalTokens, so input is exclusive
      'amazon.nova-lite-v1:0': tot({ records: 1, input: 300, cacheRead: 1000, output: 40 }),
      // line 5: ConverseStream metadata event; 1500 writes split by cacheDetails: 1000 1h + 500 5m
      'eu.anthropic.claude-3-7-sonnet-20250219-v1:0': tot({ records: 1, input: 40, write5m: 500, write1h: 1000, output: 60 }),
      // line 6: Titan body: inputTextTokenCount 25, results[0].tokenCount 80
      'amazon.titan-text-express-v1': tot({ records: 1, input: 25, output: 80 }),
      // line 7: Llama body: prompt_token_count 30, generation_token_count 9
      'meta.llama3-70b-instruct-v1:0': tot({ records: 1, input: 30, output: 9 }),
      // line 8: Anthropic body behind a Bedrock modelId: input_tokens 15 excludes the 600 cache reads
      'anthropic.claude-3-haiku-20240307-v1:0': tot({ records: 1, input: 15, cacheRead: 600, output: 7 }),
      // line 9: streamed invocation log whose cache counts are only in amazon-bedrock-invocationMetrics (7000 read, 300 written);
      // line 10: invocation log spelling the read as cacheReadInputTokens (800)
      'us.anthropic.claude-sonnet-4-20250514-v1:0': tot({
        records: 2,
        input: 9 + 50,
        cacheRead: 7000 + 800,
        write5m: 300,
        output: 120 + 10,
      }),
    });
    expect(r.skips).toEqual({});
    expect(r.rejects).toEqual([]);
  });

  it('tags guardrail interventions and keeps ids', () => {
    expect(r.records.filter((x) => x.tags.guardrail === 'intervened')).toHaveLength(2);
    expect(byId(r, 'v-0011').outputTokens).toBe(0);
    expect(byId(r, 'msg_bdrk_01').provider).toBe('bedrock');
  });

  it('detects every line as bedrock, and an Anthropic body behind a modelId ahead of the Anthropic reader', () => {
    for (const l of fixture('bedrock/variants.jsonl').text.trim().split('\n'))
      expect(bedrockAdapter.detect(JSON.parse(l))).toBeGreaterThan(0);
    const wrapped = JSON.parse(fixture('bedrock/variants.jsonl').text.trim().split('\n')[7]);
    expect(bedrockAdapter.detect(wrapped)).toBeGreaterThan(90);
    expect(bedrockAdapter.detect(wrapped.response)).toBe(0);
  });

  it('reads a Titan embeddings body as input only', () => {
    const e = run(bedrockAdapter, [
      { name: 'e.jsonl', text: JSON.stringify({ modelId: 'amazon.titan-embed-text-v2:0', embedding: [0.1, 0.2], inputTextTokenCount: 7 }) },
    ]);
    expect(e.records.map((x) => [x.model, x.inputTokens, x.outputTokens, x.tags.operation])).toEqual([
      ['amazon.titan-embed-text-v2:0', 7, 0, 'embeddings'],
    ]);
  });

  it('rejects disagreeing spellings and breakdowns with both values; skips a response without usage', () => {
    const b = run(bedrockAdapter, [fixture('bedrock/variants-bad.jsonl')]);
    expect(rejectCodes(b)).toEqual({ 'inconsistent-counts': 4, 'negative-count': 1 });
    const at = (line: number) => b.rejects.find((x) => x.line === line);
    expect(at(1)?.message).toBe('usage.cacheReadInputTokens (100) and usage.cacheReadInputTokenCount (120) disagree');
    expect(at(1)?.hint).toMatch(/spelling/);
    expect(at(2)?.message).toBe('input.cacheWriteInputTokens (200) and input.cacheWriteInputTokenCount (300) disagree');
    expect(at(3)?.message).toMatch(/cache writes \(1000\) differ from their TTL breakdown cacheDetails \(100 5m \+ 600 1h = 700\)/);
    expect(at(4)?.message).toMatch(/\(500\).*200 5m \+ 100 1h = 300/);
    expect(at(5)?.path).toBe('inputTextTokenCount');
    expect(b.skips).toEqual({ 'no-usage': 1 });
    expect(totalsByModel(b.records)).toEqual({ 'us.amazon.nova-lite-v1:0': tot({ records: 1, input: 5, output: 5 }) });
    // read 7 = counted 1 + skipped 1 + rejected 5
    expect(b.records.length + 1 + b.rejects.length).toBe(7);
  });
});

describe('bedrock invocation logs: the TTL split of the cache writes from the logged body', () => {
  const log = (requestId: string, operation: string, outputBodyJson: unknown) => ({
    schemaType: 'ModelInvocationLog',
    timestamp: '2026-10-02T08:00:00Z',
    requestId,
    operation,
    modelId: 'us.anthropic.claude-sonnet-4-5-20250929-v1:0',
    input: { inputTokenCount: 1000, cacheReadInputTokenCount: 0, cacheWriteInputTokenCount: 14000 },
    output: { outputBodyJson, outputTokenCount: 100 },
  });
  const lines = [
    // Converse: usage.cacheDetails splits the 14000 writes, 14000 of them 1h
    log('conv', 'Converse', {
      stopReason: 'end_turn',
      usage: { inputTokens: 1000, outputTokens: 100, cacheWriteInputTokens: 14000, cacheDetails: [{ ttl: '1h', inputTokens: 14000 }] },
    }),
    // InvokeModelWithResponseStream: the message_start chunk's usage.cache_creation, 4000 5m + 10000 1h
    log('stream', 'InvokeModelWithResponseStream', [
      {
        type: 'message_start',
        message: {
          id: 'msg_s',
          usage: {
            input_tokens: 1000,
            cache_creation_input_tokens: 14000,
            cache_creation: { ephemeral_5m_input_tokens: 4000, ephemeral_1h_input_tokens: 10000 },
            output_tokens: 1,
          },
        },
      },
      { type: 'message_delta', usage: { output_tokens: 100 } },
    ]),
    // ConverseStream: the metadata chunk's cacheDetails, 1h before 5m as AWS sorts them: 9000 1h + 5000 5m
    log('cstream', 'ConverseStream', [
      { contentBlockDelta: { delta: { text: 'Hi' } } },
      {
        metadata: {
          usage: {
            inputTokens: 1000,
            outputTokens: 100,
            cacheWriteInputTokens: 14000,
            cacheDetails: [
              { ttl: '1h', inputTokens: 9000 },
              { ttl: '5m', inputTokens: 5000 },
            ],
          },
        },
      },
    ]),
    // a split that is not the 14000 written: rejected with both numbers
    log('bad', 'Converse', { usage: { inputTokens: 1000, outputTokens: 100, cacheDetails: [{ ttl: '1h', inputTokens: 100 }] } }),
  ];
  const r = run(bedrockAdapter, [{ name: 'inv.jsonl', text: lines.map((l) => JSON.stringify(l)).join('\n') }]);

  it('reads the split of Converse, streamed Anthropic and ConverseStream bodies, by hand', () => {
    // before: all 14000 writes of each were priced as 5m writes
    expect(byId(r, 'conv')).toMatchObject({ inputTokens: 1000, cacheWrite5mTokens: 0, cacheWrite1hTokens: 14000, outputTokens: 100 });
    expect(byId(r, 'stream')).toMatchObject({ cacheWrite5mTokens: 4000, cacheWrite1hTokens: 10000 });
    expect(byId(r, 'cstream')).toMatchObject({ cacheWrite5mTokens: 5000, cacheWrite1hTokens: 9000 });
    expect(r.rejects.map((x) => [x.code, x.line, x.message])).toEqual([
      ['inconsistent-counts', 4, 'cache writes (14000) differ from their TTL breakdown cacheDetails (0 5m + 100 1h = 100)'],
    ]);
    expect(r.rejects[0].path).toBe('output.outputBodyJson.usage.cacheDetails');
  });
});
