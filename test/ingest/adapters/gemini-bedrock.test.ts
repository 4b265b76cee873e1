import { describe, expect, it } from 'vitest';
import { bedrockAdapter, bedrockRegional } from '../../../src/ingest/adapters/bedrock.js';
import { geminiAdapter } from '../../../src/ingest/adapters/gemini.js';
import { byId, fixture, rejectCodes, run, tot, totalsByModel } from './harness.js';

describe('gemini adapter', () => {
  const r = run(geminiAdapter, [fixture('gemini/responses.jsonl')]);

  it('computes per-model buckets by hand (thoughts outside candidates)', () => {
    expect(totalsByModel(r.records)).toEqual({
      // r1: 1000 - 600 cached = 400 in, out 200 + 300 thoughts; pair: 100 in, 10 out
      'gemini-2.5-pro': tot({ records: 2, input: 400 + 100, cacheRead: 600, output: 500 + 10, reasoning: 300 }),
      // r2 stream keeps its last chunk (50 in, 80 + 100 out); r4 2000/100; blocked r5 40 in; batch r6 500/50
      'gemini-2.5-flash': tot({ records: 4, input: 50 + 2000 + 40 + 500, output: 180 + 100 + 50, reasoning: 100 }),
      // snake_case: 300 prompt + 70 tool-use prompt
      'gemini-2.0-flash': tot({ records: 1, input: 300 + 70, output: 30 }),
    });
  });

  it('skips by stable reason', () => {
    expect(r.skips).toEqual({ duplicate: 2, 'blocked-prompt': 1, 'failed-request': 1, 'no-usage': 1 });
    expect(r.rejects).toEqual([]);
  });

  it('maps traffic type, batch, blocked prompts, time and pairs', () => {
    expect(byId(r, 'r4')).toMatchObject({ serviceTier: 'flex', timestamp: '2025-11-13T04:00:00.123Z', provider: 'google' });
    expect(byId(r, 'r5').tags.blocked).toBe('SAFETY');
    expect(byId(r, 'r6')).toMatchObject({ serviceTier: 'batch', tags: { custom_id: 'req-1' } });
    expect(byId(r, 'r2').source.line).toBe(4);
    const pair = r.records.find((x) => x.serviceTier === 'priority');
    expect(pair).toMatchObject({ model: 'gemini-2.5-pro', timestamp: '2025-11-13T05:00:00.000Z', id: 'gemini/responses.jsonl:12' });
  });

  it('keeps request text with keepText (thought parts excluded from completion)', () => {
    const k = run(geminiAdapter, [fixture('gemini/responses.jsonl')], { keepText: true });
    expect(k.records.find((x) => x.serviceTier === 'priority')?.text).toEqual({
      messages: [
        { role: 'system', content: 'Be exact.' },
        { role: 'user', content: '2+2?' },
      ],
      prompt: 'system: Be exact.\n\nuser: 2+2?',
      query: '2+2?',
      completion: '4',
    });
    expect(byId(k, 'r1').text).toEqual({ completion: 'The answer is 7.' });
  });

  it('detects every line', () => {
    for (const l of fixture('gemini/responses.jsonl').text.trim().split('\n')) {
      const v = JSON.parse(l);
      if (v.key === 'req-2') continue; // a bare batch status line is only recognisable in context
      expect(geminiAdapter.detect(v)).toBeGreaterThan(0);
    }
  });

  it('rejects bad lines', () => {
    const b = run(geminiAdapter, [fixture('gemini/bad.jsonl')]);
    expect(rejectCodes(b)).toEqual({
      'inconsistent-counts': 1,
      'negative-count': 1,
      'invalid-type': 1,
      'invalid-count': 1,
      'invalid-timestamp': 1,
    });
    expect(b.rejects[0].path).toBe('usageMetadata.cachedContentTokenCount');
    expect(totalsByModel(b.records)).toEqual({
      'gemini-2.5-flash': tot({ records: 1, input: 100, output: 5 }),
      '(no model)': tot({ records: 1, input: 100, output: 5 }), // b4: no modelVersion
    });
  });
});

describe('bedrock adapter', () => {
  const r = run(bedrockAdapter, [fixture('bedrock/invocations.jsonl')]);

  it('computes per-model buckets by hand (input excludes cache)', () => {
    expect(totalsByModel(r.records)).toEqual({
      // 1200 writes split by the logged body's usage.cache_creation: 200 5m + 1000 1h
      'us.anthropic.claude-sonnet-4-5-20250929-v1:0': tot({
        records: 1,
        input: 25,
        cacheRead: 30000,
        write5m: 200,
        write1h: 1000,
        output: 450,
      }),
      'global.anthropic.claude-haiku-4-5-20251001-v1:0': tot({ records: 1, input: 400, output: 60 }),
      // no TTL split available: all 500 writes are 5m
      'anthropic.claude-3-5-haiku-20241022-v1:0': tot({ records: 1, input: 1000, write5m: 500, output: 100 }),
      'arn:aws:bedrock:us-east-1:111122223333:application-inference-profile/abc123xyz': tot({ records: 1, input: 10, output: 5 }),
      'eu.amazon.nova-pro-v1:0': tot({ records: 1, input: 300, output: 40 }),
      // Converse: total 170 = 100 + 20 + 50 -> inputTokens already exclusive
      'us.amazon.nova-lite-v1:0': tot({ records: 1, input: 100, cacheRead: 50, output: 20 }),
      // Converse: total 550 = 500 + 50 although 200 writes -> input was inclusive: 500 - 200 = 300
      'openai.gpt-oss-120b-1:0': tot({ records: 1, input: 300, write5m: 200, output: 50 }),
    });
    expect(r.skips).toEqual({ 'failed-request': 1 });
    expect(r.rejects).toEqual([]);
  });

  it('sets regional from the model id, tags and time', () => {
    expect(byId(r, 'b1f0c7d2-0001')).toMatchObject({
      regional: true,
      timestamp: '2025-11-13T06:31:05.000Z',
      provider: 'bedrock',
      tags: { region: 'us-west-2', operation: 'InvokeModel' },
    });
    expect(byId(r, 'b1f0c7d2-0002').regional).toBe(false);
    expect(byId(r, 'b1f0c7d2-0003')).toMatchObject({ regional: true, tags: { feature: 'support', customer: 'initech' } });
    expect(byId(r, 'b1f0c7d2-0004').regional).toBeUndefined();
    expect(bedrockRegional('arn:aws:bedrock:us-east-1:1:inference-profile/global.anthropic.claude-sonnet-4-5-20250929-v1:0')).toBe(false);
    expect(bedrockRegional('arn:aws:bedrock:us-east-1::foundation-model/anthropic.claude-3-5-haiku-20241022-v1:0')).toBe(true);
    expect(bedrockRegional('apac.anthropic.claude-sonnet-4-20250514-v1:0')).toBe(true);
  });

  it('keeps text from invocation bodies and Converse pairs', () => {
    const k = run(bedrockAdapter, [fixture('bedrock/invocations.jsonl')], { keepText: true });
    expect(byId(k, 'b1f0c7d2-0001').text).toMatchObject({ query: 'Summarise the log', completion: 'All quiet.' });
    const nova = k.records.find((x) => x.model === 'us.amazon.nova-lite-v1:0');
    expect(nova?.text).toMatchObject({ prompt: 'system: Reply briefly.\n\nuser: Hello Nova', completion: 'Hi!' });
    expect(nova?.timestamp).toBe('2025-11-13T06:37:00.000Z');
  });

  it('rejects bad lines', () => {
    const b = run(bedrockAdapter, [fixture('bedrock/bad.jsonl')]);
    expect(rejectCodes(b)).toEqual({
      'negative-count': 1,
      'invalid-type': 1,
      'missing-field': 1,
      'invalid-timestamp': 1,
      'inconsistent-counts': 1,
    });
    expect(b.rejects.find((x) => x.line === 4)?.path).toBe('input.inputTokenCount');
    // lines 1 and 6 carry usage but no modelId: counted under (no model), 5 + 5 in, 5 + 5 out
    expect(b.records.map((x) => x.id)).toEqual(['x1', 'bedrock/bad.jsonl:6', 'x8']);
    expect(totalsByModel(b.records)['(no model)']).toEqual(tot({ records: 2, input: 10, output: 10 }));
  });

  it('detects invocation logs and Converse responses', () => {
    for (const l of fixture('bedrock/invocations.jsonl').text.trim().split('\n'))
      expect(bedrockAdapter.detect(JSON.parse(l))).toBeGreaterThan(50);
  });
});

describe('gemini Live API usage (BidiGenerateContent server messages)', () => {
  it('reads responseTokenCount as the output count; a candidates count that disagrees is rejected', () => {
    const lines = [
      // 500 prompt - 100 cached = 400 uncached; output 120 response + 30 thoughts = 150 (before: output 30, the 120 lost)
      {
        usageMetadata: {
          promptTokenCount: 500,
          cachedContentTokenCount: 100,
          responseTokenCount: 120,
          thoughtsTokenCount: 30,
          totalTokenCount: 650,
        },
        serverContent: { turnComplete: true },
      },
      // the Python SDK's snake_case: 80 in, 20 out
      { usage_metadata: { prompt_token_count: 80, response_token_count: 20 } },
      { usageMetadata: { promptTokenCount: 10, candidatesTokenCount: 5, responseTokenCount: 6 } },
    ];
    const live = run(geminiAdapter, [{ name: 'live.jsonl', text: lines.map((l) => JSON.stringify(l)).join('\n') }]);
    expect(totalsByModel(live.records)).toEqual({
      '(no model)': tot({ records: 2, input: 400 + 80, cacheRead: 100, output: 150 + 20, reasoning: 30 }),
    });
    expect(live.rejects.map((x) => [x.line, x.message])).toEqual([[3, 'candidatesTokenCount (5) and responseTokenCount (6) disagree']]);
  });
});
