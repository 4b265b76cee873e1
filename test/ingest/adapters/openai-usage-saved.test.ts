import { describe, expect, it } from 'vitest';
import { openaiUsageAdapter } from '../../../src/ingest/adapters/openai-usage.js';
import { ingest } from '../../../src/ingest/index.js';
import type { UsageRecord } from '../../../src/usage/record.js';
import { FIXTURES, fixture, rejectCodes, run, tot, totalsByModel } from './harness.js';

/** The Usage API as scripts save it: a JSON list of buckets, a bucket per line, a flat list of results. */
describe('openai-usage saved as buckets', () => {
  const expected = {
    // day 1: 10000 - 4000 cached = 6000 uncached; day 3: 500 - 100 cached - 50 cache write = 350
    'gpt-4o-mini-2024-07-18': tot({
      records: 2,
      requests: 20 + 2,
      input: 6000 + 350,
      cacheRead: 4000 + 100,
      write5m: 50,
      output: 2000 + 20,
    }),
    'gpt-4.1-2025-04-14': tot({ records: 1, requests: 5, input: 3000, output: 500 }),
  };

  it('reads a JSON list of buckets, by hand', () => {
    const r = run(openaiUsageAdapter, [fixture('openai/usage-buckets.json', true)]);
    expect(totalsByModel(r.records)).toEqual(expected);
    expect(r.records.find((x) => x.model === 'gpt-4.1-2025-04-14')?.timestamp).toBe('2026-09-01T00:00:00.000Z');
    expect(r.records.every((x) => x.tags.aggregate === 'true')).toBe(true);
  });

  it('reads one bucket per line the same way (an empty bucket is skipped)', () => {
    const r = run(openaiUsageAdapter, [fixture('openai/usage-buckets.jsonl')]);
    expect(totalsByModel(r.records)).toEqual(expected);
    expect(r.skips).toEqual({ 'empty-page': 1 });
  });

  it.each([
    ['openai/usage-buckets.json', 3],
    ['openai/usage-buckets.jsonl', 3],
    ['openai/usage-results.json', 2],
    ['openai/usage-buckets-bad.jsonl', 1],
  ])('detects %s as openai-usage through the real reader', async (file, counted) => {
    const records: UsageRecord[] = [];
    const res = await ingest([FIXTURES + file], { keepText: false }, (x) => records.push(x));
    expect(res.files.map((f) => f.format)).toEqual(['openai-usage']);
    expect(res.counts.counted).toBe(counted);
  });

  it('reads a flat list of results', () => {
    const r = run(openaiUsageAdapter, [fixture('openai/usage-results.json', true)]);
    expect(totalsByModel(r.records)).toEqual({
      'gpt-4o-2024-08-06': tot({ records: 1, requests: 3, input: 1000, output: 200 }),
      'text-embedding-3-small': tot({ records: 1, requests: 10, input: 500 }),
    });
  });

  it('rejects bad results with both numbers; the run continues', () => {
    const b = run(openaiUsageAdapter, [fixture('openai/usage-buckets-bad.jsonl')]);
    expect(rejectCodes(b)).toEqual({ 'inconsistent-counts': 1, 'negative-count': 1 });
    expect(b.rejects[0].message).toBe('input_cached_tokens + input_cache_write_tokens (900) exceed input_tokens (500)');
    expect(b.rejects[1]).toMatchObject({ line: 2, path: 'output_tokens' });
    expect(b.skips).toEqual({ 'empty-page': 1 });
    expect(totalsByModel(b.records)).toEqual({ 'gpt-4o-2024-08-06': tot({ records: 1, input: 70, output: 7 }) });
  });
});

/** The web searches endpoint (/v1/organization/usage/web_searches): calls priced per 1,000, no tokens. */
describe('openai-usage web searches', () => {
  const result = (extra: Record<string, unknown>) => ({
    object: 'organization.usage.web_searches.result',
    num_model_requests: 12,
    project_id: null,
    user_id: null,
    api_key_id: null,
    context_level: null,
    ...extra,
  });
  const page = {
    object: 'page',
    data: [
      {
        object: 'bucket',
        start_time: 1735689600,
        end_time: 1735776000,
        results: [
          result({ num_requests: 30, model: 'gpt-4.1-2025-04-14', context_level: 'medium' }),
          result({ num_requests: 0, model: 'gpt-4.1-mini-2025-04-14' }),
          result({ num_requests: -1, model: 'gpt-4.1-2025-04-14' }),
        ],
      },
    ],
    has_more: false,
    next_page: null,
  };

  it('counts num_requests as web search calls of the model, with no tokens and no requests', () => {
    const r = run(openaiUsageAdapter, [{ name: 'ws.json', text: JSON.stringify(page), whole: true }]);
    // 30 searches on gpt-4.1; its 12 model requests are the completions results' (not counted twice: requests 0)
    expect(r.records).toHaveLength(1);
    expect(r.records[0]).toMatchObject({
      model: 'gpt-4.1-2025-04-14',
      requests: 0,
      inputTokens: 0,
      outputTokens: 0,
      charges: { webSearch: 30 },
      timestamp: '2025-01-01T00:00:00.000Z',
      tags: { aggregate: 'true', usage_type: 'web_searches', context_level: 'medium' },
    });
    expect(r.skips).toEqual({ 'no-usage': 1 });
    expect(r.rejects.map((x) => [x.code, x.path])).toEqual([['negative-count', 'num_requests']]);
  });
});
