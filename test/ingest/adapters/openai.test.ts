import { describe, expect, it } from 'vitest';
import { openaiAdapter } from '../../../src/ingest/adapters/openai.js';
import { openaiBatchAdapter } from '../../../src/ingest/adapters/openai-batch.js';
import { openaiUsageAdapter } from '../../../src/ingest/adapters/openai-usage.js';
import { byId, fixture, rejectCodes, run, tot, totalsByModel } from './harness.js';

describe('openai adapter (chat, responses, pairs)', () => {
  const r = run(openaiAdapter, [fixture('openai/chat-and-responses.jsonl')]);

  it('computes per-model buckets by hand', () => {
    expect(totalsByModel(r.records)).toEqual({
      // A1: 1200 - 1024 cached = 176 uncached; A3: 3000 - 0 - 2048 cache_write = 952; W1: 300; W2: counts missing (0)
      'gpt-4o-2024-08-06': tot({ records: 4, input: 176 + 952 + 300, cacheRead: 1024, write5m: 2048, output: 150 + 80 + 25 }),
      // reasoning 640 stays inside completion 900
      'o3-mini-2025-01-31': tot({ records: 1, input: 500, output: 900, reasoning: 640 }),
      'gpt-4o-mini-2024-07-18': tot({ records: 1, input: 50, output: 20 }), // only the final chunk
      'gpt-3.5-turbo-instruct': tot({ records: 1, input: 10, output: 30 }),
      // R1: 2000 - 1500 = 500; R2 (incomplete, billed): 400
      'gpt-5-2025-08-07': tot({ records: 2, input: 500 + 400, cacheRead: 1500, output: 700 + 1000, reasoning: 512 + 1000 }),
      'gpt-5-mini-2025-08-07': tot({ records: 1, input: 300 - 256, cacheRead: 256, output: 40 }),
      'text-embedding-3-small': tot({ records: 1, input: 8 }),
    });
  });

  it('skips by stable reason and rejects nothing', () => {
    expect(r.skips).toEqual({ 'no-usage': 2, 'failed-request': 1, 'stream-event': 1, duplicate: 1, 'error-body': 1 });
    expect(r.rejects).toEqual([]);
    expect(r.records.length + Object.values(r.skips).reduce((a, b) => a + b, 0)).toBe(17);
  });

  it('maps tiers, timestamps, ids and providers', () => {
    expect(byId(r, 'chatcmpl-A1')).toMatchObject({
      serviceTier: 'standard',
      timestamp: '2025-11-13T02:13:20.000Z',
      timeMs: 1763000000000,
      provider: 'openai',
    });
    expect(byId(r, 'chatcmpl-A2').serviceTier).toBe('flex');
    expect(byId(r, 'chatcmpl-A3').serviceTier).toBe('priority');
    expect(byId(r, 'resp_R1').serviceTier).toBe('standard');
    expect(byId(r, 'resp_R2').serviceTier).toBeUndefined();
    expect(byId(r, 'emb-1').tags.operation).toBe('embeddings');
  });

  it('marks service_tier "fast" as fast mode (priced by the fast multiplier where the catalog has no priority tier)', () => {
    const body = (id: string, tier: string): string =>
      JSON.stringify({
        id,
        object: 'chat.completion',
        created: 1793860265,
        model: 'gpt-6-sol',
        choices: [],
        service_tier: tier,
        usage: { prompt_tokens: 10, completion_tokens: 5, total_tokens: 15 },
      });
    const t = run(openaiAdapter, [{ name: 'fast.jsonl', text: [body('f1', 'fast'), body('f2', 'priority')].join('\n') }]);
    expect(byId(t, 'f1')).toMatchObject({ serviceTier: 'priority', fast: true });
    expect(byId(t, 'f2').serviceTier).toBe('priority');
    expect(byId(t, 'f2').fast).toBeUndefined();
  });

  it('attributes {request, response} pairs from metadata and user', () => {
    const w1 = byId(r, 'chatcmpl-W1');
    expect(w1.tags).toEqual({ feature: 'search', customer: 'acme', user: 'u-42', prompt: 'search-v3' });
    expect(w1.conversationId).toBe('conv-9');
    // request text (and the image count that comes with it) is only extracted when kept or needed
    expect(w1.imageCount).toBeUndefined();
    expect(w1.text).toBeUndefined(); // keepText off and counts reported
  });

  it('marks a pair without usage as countsMissing with its text', () => {
    const w2 = byId(r, 'chatcmpl-W2');
    expect(w2).toMatchObject({ countsMissing: true, tokenSource: 'estimated', conversationId: 'conv-10' });
    expect(w2.text?.messages).toEqual([
      { role: 'system', content: 'You are a search assistant.' },
      { role: 'user', content: 'Find blue shoes' },
    ]);
    expect(w2.text?.completion).toBe('Two blue shoes found.');
    expect(w2.text?.query).toBe('Find blue shoes');
  });

  it('keeps text when asked', () => {
    const k = run(openaiAdapter, [fixture('openai/chat-and-responses.jsonl')], { keepText: true });
    const w1 = byId(k, 'chatcmpl-W1');
    expect(w1.imageCount).toBe(1);
    expect(w1.text).toEqual({
      messages: [
        { role: 'system', content: 'You are a search assistant.' },
        { role: 'user', content: 'Find red shoes' },
      ],
      prompt: 'system: You are a search assistant.\n\nuser: Find red shoes',
      query: 'Find red shoes',
      completion: 'Here are three red shoes.',
    });
    expect(byId(k, 'resp_R1').text).toEqual({ completion: 'Done.' }); // a bare response has no request text
  });

  it('detects its shapes', () => {
    const lines = fixture('openai/chat-and-responses.jsonl')
      .text.trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(lines.map((v) => openaiAdapter.detect(v) > 0)).toEqual(lines.map(() => true));
    expect(openaiAdapter.detect({ type: 'message', usage: { input_tokens: 1 } })).toBe(0);
  });

  it('rejects bad lines with a path and a hint', () => {
    const b = run(openaiAdapter, [fixture('openai/bad.jsonl')]);
    expect(rejectCodes(b)).toEqual({
      'negative-count': 1,
      'invalid-type': 2,
      'inconsistent-counts': 2,
      'invalid-count': 1,
      'missing-field': 1,
      'unrecognized-value': 1,
      'invalid-timestamp': 1,
    });
    expect(b.rejects[0]).toMatchObject({
      line: 1,
      path: 'usage.prompt_tokens',
      message: 'usage.prompt_tokens must be a non-negative integer (got -3)',
    });
    const cached = b.rejects.find((x) => x.line === 3);
    expect(cached?.hint).toMatch(/exclusive/);
    expect(totalsByModel(b.records)).toEqual({
      'gpt-4o-mini-2024-07-18': tot({ records: 1, input: 10, output: 5 }),
      '(no model)': tot({ records: 1, input: 100, output: 10 }), // chatcmpl-B5: usage without a model is counted, unpriced
    });
  });
});

describe('openai adapter: streams that carried no usage', () => {
  const chunk = (id: string | number | undefined, usage?: object | null) =>
    JSON.stringify({ id, object: 'chat.completion.chunk', created: 1790000000, model: 'gpt-4o-mini', choices: [], usage });
  const event = (type: string, n: number) => JSON.stringify({ type, sequence_number: n, item_id: 'msg_1', delta: 'x' });
  const warningsOf = (lines: string[]) => run(openaiAdapter, [{ name: 's.jsonl', text: lines.join('\n') }]).warnings;

  it('says nothing when every stream ended with its usage (include_usage), chat or Responses', () => {
    // chunks S1 x2 then S1's usage chunk; a Responses delta then response.completed
    expect(run(openaiAdapter, [fixture('openai/chat-and-responses.jsonl')]).warnings).toEqual([]);
  });

  it('counts, once per file, the chunks no chunk with usage and the same id follows', () => {
    const warnings = warningsOf([
      chunk('a'), // a: never followed by usage (counted)
      chunk('b', null), // b: followed by b's usage chunk (not counted)
      chunk('a', null), // a again (counted)
      chunk('b', { prompt_tokens: 5, completion_tokens: 1 }),
      chunk('b'), // after b's usage chunk: nothing follows it (counted)
      chunk(undefined), // no id: nothing can follow it (counted)
      chunk(7), // an id that is not a string (counted)
    ]);
    // a x2 + the late b + no id + number id = 5
    expect(warnings).toEqual([
      {
        code: 'stream-without-usage',
        file: 's.jsonl',
        message:
          '5 streamed chat completion chunks carried no usage (request it with stream_options: {"include_usage": true}); their tokens are not counted',
        hint: 'with include_usage, the last chunk of each stream carries the usage of the whole request (a stream cut short never sends it)',
      },
    ]);
    expect(warningsOf([chunk('a')])[0].message).toMatch(/^1 streamed chat completion chunk carried no usage/);
    // 1,234 chunks without usage: the count grouped by thousands, as every count a user reads
    expect(warningsOf(Array.from({ length: 1234 }, () => chunk('a')))[0].message).toMatch(/^1,234 streamed chat completion chunks carried/);
  });

  it('says when a file of Responses stream events has no terminal event (the one with usage)', () => {
    expect(warningsOf([event('response.output_text.delta', 1), event('response.output_text.delta', 2)])).toEqual([
      {
        code: 'stream-without-usage',
        file: 's.jsonl',
        message: '2 Responses stream events and no terminal event (response.completed) that carries usage; their tokens are not counted',
        hint: 'log the terminal event of each stream (response.completed, response.incomplete, response.failed): its response.usage holds the counts',
      },
    ]);
    // a terminal event anywhere in the file, even one without a response object (rejected): no warning
    const r = run(openaiAdapter, [
      { name: 's.jsonl', text: [event('response.output_text.delta', 1), event('response.failed', 2)].join('\n') },
    ]);
    expect(r.warnings).toEqual([]);
    expect(rejectCodes(r)).toEqual({ 'missing-field': 1 });
  });
});

describe('openai-batch adapter', () => {
  const files = [fixture('openai/batch-input.jsonl'), fixture('openai/batch-output.jsonl'), fixture('openai/batch-errors.jsonl')];

  it('prices bodies as batch and joins request metadata by custom_id', () => {
    const r = run(openaiBatchAdapter, files);
    expect(totalsByModel(r.records)).toEqual({
      // req-1: 1000 uncached; req-2: 2200 - 1024 = 1176
      'gpt-4o-mini-2024-07-18': tot({ records: 2, input: 1000 + 1176, cacheRead: 1024, output: 200 + 300 }),
      'gpt-5-mini-2025-08-07': tot({ records: 1, input: 600, output: 300, reasoning: 256 }),
    });
    expect(r.records.every((x) => x.serviceTier === 'batch')).toBe(true);
    expect(byId(r, 'chatcmpl-BO1').tags).toEqual({ custom_id: 'req-1', feature: 'tagging', customer: 'globex' });
    expect(byId(r, 'chatcmpl-BO2').tags).toEqual({ custom_id: 'req-2', feature: 'summaries' });
    expect(byId(r, 'resp_BO5').tags.feature).toBe('tagging');
    expect(r.skips).toEqual({ 'batch-input-line': 5, 'failed-request': 1, expired: 1 });
  });

  it('gives the same result whatever the file order', () => {
    const a = run(openaiBatchAdapter, files, { keepText: true });
    const b = run(openaiBatchAdapter, [...files].reverse(), { keepText: true });
    const key = (x: { id: string }) => x.id;
    expect([...b.records].sort((p, q) => key(p).localeCompare(key(q)))).toEqual(
      [...a.records].sort((p, q) => key(p).localeCompare(key(q))),
    );
    expect(byId(a, 'chatcmpl-BO1').text?.query).toBe('My invoice is wrong');
    expect(byId(a, 'chatcmpl-BO1').text?.completion).toBe('billing');
  });

  it('counts a re-read output file once', () => {
    const r = run(openaiBatchAdapter, [fixture('openai/batch-output.jsonl'), fixture('openai/batch-output.jsonl')]);
    expect(r.records).toHaveLength(3);
    expect(r.skips).toEqual({ duplicate: 3 });
  });

  it('rejects bad batch lines', () => {
    const r = run(openaiBatchAdapter, [fixture('openai/batch-bad.jsonl')]);
    expect(rejectCodes(r)).toEqual({ 'missing-field': 2, 'negative-count': 1 });
    expect(r.rejects[1].path).toBe('response.body.usage.completion_tokens');
    expect(r.skips).toEqual({ 'batch-input-line': 1 });
  });

  it('detects output and input lines', () => {
    for (const f of files) for (const l of f.text.trim().split('\n')) expect(openaiBatchAdapter.detect(JSON.parse(l))).toBeGreaterThan(80);
  });
});

describe('openai-usage adapter', () => {
  it('unwraps buckets into aggregated records', () => {
    const r = run(openaiUsageAdapter, [fixture('openai/usage-completions.json', true)]);
    expect(totalsByModel(r.records)).toEqual({
      // bucket 1: uncached given (500); bucket 2: 900 - 0 - 0
      'gpt-4o-mini-2024-07-18': tot({ records: 2, requests: 12 + 3, input: 500 + 900, cacheRead: 400, write5m: 100, output: 250 + 90 }),
      // no input_uncached_tokens: 5000 - 1000 cached - 0 write = 4000
      'gpt-5-2025-08-07': tot({ records: 1, requests: 4, input: 4000, cacheRead: 1000, output: 800 }),
      '(ungrouped)': tot({ records: 1, requests: 2, input: 300, output: 20 }),
    });
    const [a, b, c, d] = r.records;
    expect(a).toMatchObject({
      serviceTier: 'standard',
      timestamp: '2025-11-13T00:00:00.000Z',
      tags: { aggregate: 'true', project: 'proj_abc', usage_type: 'completions' },
    });
    expect(b.serviceTier).toBe('batch');
    expect(c.serviceTier).toBeUndefined();
    expect(d).toMatchObject({ serviceTier: 'flex', timestamp: '2025-11-14T00:00:00.000Z' });
  });

  it('converts a page given as one JSONL value', () => {
    const f = fixture('openai/usage-completions.json');
    const r = run(openaiUsageAdapter, [{ ...f, text: JSON.stringify(JSON.parse(f.text)) }]);
    expect(r.records.map((x) => x.id)).toEqual([
      'openai/usage-completions.json:1#1',
      'openai/usage-completions.json:1#2',
      'openai/usage-completions.json:1#3',
      'openai/usage-completions.json:1#4',
    ]);
  });

  it('rejects bad results', () => {
    const r = run(openaiUsageAdapter, [fixture('openai/usage-bad.jsonl')]);
    expect(rejectCodes(r)).toEqual({ 'inconsistent-counts': 1, 'negative-count': 1, 'invalid-type': 2, 'invalid-timestamp': 1 });
    expect(r.skips).toEqual({ 'non-token-usage': 1 }); // images endpoint result
    expect(totalsByModel(r.records)).toEqual({
      'gpt-4o-mini-2024-07-18': tot({ records: 1, requests: 7, input: 40, cacheRead: 60, output: 5 }),
    });
  });
});

describe('shared {request, response} conventions', () => {
  const line = {
    ts: 1763000000123,
    metadata: { team: 'growth', turn: 3 },
    request: {
      model: 'gpt-5-mini',
      instructions: 'Answer in French.',
      input: [{ role: 'user', content: [{ type: 'input_text', text: 'Hello' }] }],
      metadata: { tenant_id: 'acme', thread_id: 'th-1', account: { plan: 'pro' } },
    },
    response: {
      id: 'resp_X',
      object: 'response',
      status: 'completed',
      model: 'gpt-5-mini-2025-08-07',
      output: [],
      usage: {
        input_tokens: 20,
        input_tokens_details: { cached_tokens: 0 },
        output_tokens: 4,
        output_tokens_details: { reasoning_tokens: 0 },
      },
    },
  };
  const file = { name: 'pairs.jsonl', text: JSON.stringify(line) };

  it('maps wrapper + request metadata, aliases and turn; time from the wrapper when the body has none', () => {
    const [rec] = run(openaiAdapter, [file]).records;
    expect(rec.tags).toEqual({ team: 'growth', customer: 'acme' });
    expect(rec).toMatchObject({ conversationId: 'th-1', turn: 3, timestamp: '2025-11-13T02:13:20.123Z' });
  });

  it('applies the attribution config (tag -> path in the line or in request metadata)', () => {
    const [rec] = run(openaiAdapter, [file], { attribution: { plan: 'request.metadata.account.plan', squad: 'team' } }).records;
    expect(rec.tags).toMatchObject({ plan: 'pro', squad: 'growth' });
  });

  it('renders Responses instructions + input items as messages', () => {
    const [rec] = run(openaiAdapter, [file], { keepText: true }).records;
    expect(rec.text?.messages).toEqual([
      { role: 'system', content: 'Answer in French.' },
      { role: 'user', content: 'Hello' },
    ]);
  });
});
