import { describe, expect, it } from 'vitest';
import { langfuseAdapter } from '../../../src/ingest/adapters/langfuse.js';
import { byId, fixture, rejectCodes, run, tot, totalsByModel } from './harness.js';

/** Langfuse observations without usageDetails: inputUsage/outputUsage/totalUsage, usage {…}, promptTokens/completionTokens. */
describe('langfuse older usage shapes', () => {
  it('reads inputUsage/outputUsage, the deprecated usage object and promptTokens/completionTokens, by hand', () => {
    const r = run(langfuseAdapter, [fixture('langfuse/older-shapes.jsonl')]);
    expect(totalsByModel(r.records)).toEqual({
      'gpt-4o-2024-08-06': tot({ records: 1, input: 1200, output: 300 }), // empty usageDetails, inputUsage 1200 + outputUsage 300 = totalUsage 1500
      'claude-3-5-sonnet-20241022': tot({ records: 1, input: 5000, output: 200 }),
      'gpt-3.5-turbo-0125': tot({ records: 1, input: 50, output: 20 }), // promptTokens / completionTokens
      'gpt-4o-mini-2024-07-18': tot({ records: 1, input: 11, output: 4 }), // usage {input, output, total, unit}
      'text-embedding-ada-002': tot({ records: 1, input: 300 }),
    });
    expect(r.skips).toEqual({});
    expect(r.rejects).toEqual([]);
    expect(byId(r, 'old-5').tags.operation).toBe('embeddings');
    for (const l of fixture('langfuse/older-shapes.jsonl').text.trim().split('\n'))
      expect(langfuseAdapter.detect(JSON.parse(l))).toBeGreaterThan(0);
  });

  it('counts an observation id repeated in one file once (overlapping API pages saved together)', () => {
    const lines = fixture('langfuse/older-shapes.jsonl').text.trim().split('\n');
    // lines 1, 2, then line 1 again (old-1: inputUsage 1200, outputUsage 300)
    const r = run(langfuseAdapter, [{ name: 'pages.jsonl', text: `${[lines[0], lines[1], lines[0]].join('\n')}\n` }]);
    expect(r.records.map((x) => x.id)).toEqual(['old-1', 'old-2']);
    expect(r.skips).toEqual({ duplicate: 1 });
    // input 1200 + 5000 = 6200, not 1200 + 5000 + 1200
    expect(r.records.reduce((n, x) => n + x.inputTokens, 0)).toBe(6200);
  });

  it('rejects a total that is not the sum of its parts, with both numbers', () => {
    const b = run(langfuseAdapter, [fixture('langfuse/older-shapes-bad.jsonl')]);
    expect(rejectCodes(b)).toEqual({ 'inconsistent-counts': 2, 'negative-count': 1 });
    expect(b.rejects[0]).toMatchObject({
      line: 1,
      path: 'totalUsage',
      message: 'totalUsage (200) is not inputUsage + outputUsage (100 + 10 = 110)',
    });
    expect(b.rejects[1]).toMatchObject({ line: 2, path: 'promptTokens' });
    expect(b.rejects[2]).toMatchObject({ line: 3, message: 'usage.total (99) is not usage.input + usage.output (10 + 2 = 12)' });
    expect(b.skips).toEqual({ 'no-usage': 1 });
    expect(totalsByModel(b.records)).toEqual({
      '(no model)': tot({ records: 1, input: 10, output: 5 }),
      'gpt-4o-2024-08-06': tot({ records: 1, input: 7, output: 3 }),
    });
    // read 6 = counted 2 + skipped 1 + rejected 3
    expect(b.records.length + 1 + b.rejects.length).toBe(6);
  });
});

describe('langfuse usageDetails from the LangChain handler over langchain-anthropic', () => {
  it('takes input_ephemeral_5m/1h_input_tokens as the TTL split of input_cache_creation, not as more input', () => {
    // langchain-anthropic: input_token_details {cache_read 1000, cache_creation 14000, ephemeral_5m 0, ephemeral_1h 14000};
    // Langfuse stores each as input_<key>. Buckets: uncached input 1000, cache read 1000, 1h writes 14000 (the total
    // equals its split: not added again), output 100. Before: 1000 + 0 + 14000 = 15000 input and 14000 5m writes.
    const obs = {
      id: 'obs-lc-1',
      traceId: 'tr-1',
      type: 'GENERATION',
      startTime: '2025-11-14T12:00:00.000Z',
      model: 'claude-sonnet-4-5-20250929',
      usageDetails: {
        input: 1000,
        output: 100,
        total: 16100,
        input_cache_read: 1000,
        input_cache_creation: 14000,
        input_ephemeral_5m_input_tokens: 0,
        input_ephemeral_1h_input_tokens: 14000,
      },
    };
    const r = run(langfuseAdapter, [{ name: 'lf.jsonl', text: JSON.stringify(obs) }]);
    expect(r.rejects).toEqual([]);
    expect(totalsByModel(r.records)).toEqual({
      'claude-sonnet-4-5-20250929': tot({ records: 1, input: 1000, cacheRead: 1000, write1h: 14000, output: 100 }),
    });
    expect(r.records[0].tags.unmapped_usage).toBeUndefined();
  });
});
