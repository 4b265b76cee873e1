import { describe, expect, it } from 'vitest';
import { claudeCodeAdapter } from '../../../src/ingest/adapters/claude-code.js';
import { langfuseAdapter } from '../../../src/ingest/adapters/langfuse.js';
import { otelAdapter } from '../../../src/ingest/adapters/otel.js';
import { byId, fixture, rejectCodes, run, tot, totalsByModel } from './harness.js';

describe('langfuse adapter', () => {
  const r = run(langfuseAdapter, [fixture('langfuse/observations.json', true)]);

  it('maps usageDetails keys without double counting', () => {
    expect(totalsByModel(r.records)).toEqual({
      // input 200 + input_cached_tokens 1024 (a separate partition key, not inside input)
      'gpt-4o-2024-08-06': tot({ records: 1, input: 200, cacheRead: 1024, output: 90 }),
      // cache_creation_input_tokens 800 equals its 5m+1h split (0 + 800): counted once, as 1h
      'claude-sonnet-4-5-20250929': tot({ records: 1, input: 15, cacheRead: 4000, write1h: 800, output: 200 }),
      // input 500 + input_audio_tokens 20; output 300 + output_reasoning_tokens 700
      'o3-2025-04-16': tot({ records: 1, input: 520, output: 1000, reasoning: 700 }),
      'gpt-4o-mini-2024-07-18': tot({ records: 1, input: 40, output: 8 }), // deprecated usage {input, output}
      'text-embedding-3-small': tot({ records: 1, input: 64 }),
      'gemini-2.5-flash': tot({ records: 1, input: 100, output: 20 }),
    });
    expect(r.skips).toEqual({ 'non-llm-span': 3, 'no-usage': 1 });
    expect(r.rejects).toEqual([]);
  });

  it('attributes user, session, feature, prompt and metadata', () => {
    const o1 = byId(r, 'obs-1');
    expect(o1).toMatchObject({ conversationId: 's1', timestamp: '2025-11-13T07:00:00.000Z', provider: 'openai' });
    expect(o1.tags).toEqual({ user: 'u1', feature: 'support-bot', prompt: 'support-v2', customer: 'acme', trace: 'tr-1' });
    expect(byId(r, 'obs-4').tags.outcome).toBe('failure');
    expect(byId(r, 'obs-8').tags.operation).toBe('embeddings');
    expect(byId(r, 'obs-9').tags.unmapped_usage).toBe('images=3');
  });

  it('reads API pages via unwrap and as one JSONL value', () => {
    const page = run(langfuseAdapter, [fixture('langfuse/api-page.json', true)]);
    expect(totalsByModel(page.records)).toEqual({ 'gpt-4o-mini-2024-07-18': tot({ records: 1, input: 10, output: 5 }) });
    expect(page.skips).toEqual({ 'non-llm-span': 1 });
    const f = fixture('langfuse/api-page.json');
    const line = run(langfuseAdapter, [{ ...f, text: JSON.stringify(JSON.parse(f.text)) }]);
    expect(line.records.map((x) => x.id)).toEqual(['obs-p1']);
    expect(langfuseAdapter.detect(JSON.parse(f.text))).toBeGreaterThan(0);
  });

  it('reads raw Gemini usage keys with Gemini semantics (prompt includes cached; thoughts outside candidates)', () => {
    const g = run(langfuseAdapter, [fixture('langfuse/gemini-raw-keys.jsonl')]);
    expect(totalsByModel(g.records)).toEqual({
      // gem-1: 5000 - 4000 cached + 50 tool-use = 1050 in, 4000 read, 100 + 300 thoughts = 400 out
      // gem-2 (snake_case): 2000 - 1024 = 976 in, 1024 read, 80 + 120 = 200 out
      // gem-3: 300 in, 20 out; gem-4 rejected (cached 512 > prompt 100)
      'gemini-2.5-flash': tot({
        records: 3,
        input: 1050 + 976 + 300,
        cacheRead: 4000 + 1024,
        output: 400 + 200 + 20,
        reasoning: 300 + 120,
      }),
    });
    expect(g.records.every((x) => x.tags.unmapped_usage === undefined)).toBe(true);
    expect(rejectCodes(g)).toEqual({ 'inconsistent-counts': 1 });
    expect(g.rejects[0]).toMatchObject({ line: 4, path: 'usageDetails.promptTokenCount' });
  });

  it('rejects bad rows', () => {
    const b = run(langfuseAdapter, [fixture('langfuse/bad.jsonl')]);
    expect(rejectCodes(b)).toEqual({ 'negative-count': 1, 'invalid-type': 1, 'unrecognized-value': 1, 'invalid-timestamp': 1 });
    expect(b.rejects[0].path).toBe('usageDetails.input');
    expect(b.skips).toEqual({ 'non-token-usage': 1 });
    expect(b.records.map((x) => x.id)).toEqual(['bad-3', 'bad-7']);
    expect(byId(b, 'bad-3').model).toBe('(no model)');
  });
});

describe('otel adapter', () => {
  const r = run(otelAdapter, [fixture('otel/traces.json', true)]);

  it('counts inference spans only, with inclusive input', () => {
    expect(totalsByModel(r.records)).toEqual({
      // 1500 - 1024 cache_read = 476; failed span with usage: 100
      'gpt-4o-2024-08-06': tot({ records: 2, input: 476 + 100, cacheRead: 1024, output: 200 }),
      // legacy exclusive (3000 + 100 > 20): 20 as is; inclusive: 3120 - 3000 - 100 = 20
      'claude-sonnet-4-5-20250929': tot({ records: 2, input: 20 + 20, cacheRead: 6000, write5m: 200, output: 300 }),
      'text-embedding-3-small': tot({ records: 1, input: 32 }),
      'gemini-2.5-flash': tot({ records: 1, input: 800, output: 60, reasoning: 20 }), // deprecated prompt/completion attrs
      'gpt-4o-mini': tot({ records: 1, input: 10, output: 2 }), // no operation, but model + usage
    });
    expect(r.skips).toEqual({ 'aggregate-span': 1, 'non-llm-span': 2, 'failed-request': 1 });
    expect(r.rejects).toEqual([]);
  });

  it('maps ids, time, provider, conversation and tags', () => {
    expect(byId(r, 'chatcmpl-otel-1')).toMatchObject({
      provider: 'openai',
      conversationId: 'conv-1',
      timestamp: '2025-11-13T07:00:00.000Z',
      timeMs: 1763017200000,
      tags: { service: 'support-api', trace: '5b8efff798038103d269b633813fc60c' },
    });
    expect(byId(r, 'a000000000000007').provider).toBe('google');
    expect(byId(r, 'a000000000000009').tags.outcome).toBe('failure');
    expect(byId(r, 'a00000000000000b').tags.user).toBe('u-5');
  });

  it('gives the same totals from one export request per line', () => {
    const lines = run(otelAdapter, [fixture('otel/traces.jsonl')]);
    expect(totalsByModel(lines.records)).toEqual(totalsByModel(r.records));
    expect(lines.skips).toEqual(r.skips);
  });

  it('rejects bad spans with their path', () => {
    const b = run(otelAdapter, [fixture('otel/bad.json', true)]);
    expect(rejectCodes(b)).toEqual({ 'negative-count': 1, 'invalid-type': 1, 'inconsistent-counts': 1, 'invalid-timestamp': 1 });
    expect(b.rejects[0].path).toBe('resourceSpans[0].scopeSpans[0].spans[0].attributes.gen_ai.usage.input_tokens');
    expect(b.records.map((x) => x.id)).toEqual(['b4', 'b6']);
    expect(byId(b, 'b4').model).toBe('(no model)');
  });
});

describe('claude-code adapter', () => {
  const r = run(claudeCodeAdapter, [fixture('claude-code/session.jsonl')]);

  it('keeps the largest copy per message and never sums duplicates', () => {
    expect(totalsByModel(r.records)).toEqual({
      // msg_A: three lines, largest copy has output 250 (not 5 + 250 + 250); plus the id-less line (1/1)
      'claude-sonnet-4-5-20250929': tot({ records: 2, input: 3 + 1, cacheRead: 12000, write1h: 1000, output: 250 + 1 }),
      // msg_B: legacy write total -> 5m; its sidechain replay (req_3) is dropped
      'claude-opus-4-1-20250805': tot({ records: 1, input: 10, cacheRead: 13000, write5m: 500, output: 800, reasoning: 600 }),
      'claude-haiku-4-5-20251001': tot({ records: 1, input: 100, output: 50 }),
    });
    expect(r.skips).toEqual({ 'transcript-metadata': 4, duplicate: 3, 'synthetic-placeholder': 1 });
    expect(r.rejects).toEqual([]);
  });

  it('maps session, speed, geo and sidechain tags', () => {
    expect(byId(r, 'msg_A')).toMatchObject({
      conversationId: 'sess-1',
      timestamp: '2025-11-14T09:10:27.000Z',
      serviceTier: 'standard',
      provider: 'anthropic',
    });
    expect(byId(r, 'msg_B').fast).toBe(true);
    expect(byId(r, 'msg_C')).toMatchObject({ regional: true, tags: { agent: 'agent-7', sidechain: 'true' } });
  });

  it('resolves sidechain replays whatever the line order', () => {
    const lines = fixture('claude-code/session.jsonl').text.trim().split('\n');
    const reordered = run(claudeCodeAdapter, [{ name: 's.jsonl', text: [lines[8], ...lines.slice(0, 8), ...lines.slice(9)].join('\n') }]);
    expect(totalsByModel(reordered.records)).toEqual(totalsByModel(r.records));
    expect(reordered.skips).toEqual(r.skips);
  });

  it('dedupes across the files of a run, like ccusage', () => {
    const lines = fixture('claude-code/session.jsonl').text.trim().split('\n');
    const two = run(claudeCodeAdapter, [
      { name: 'a.jsonl', text: lines.slice(0, 4).join('\n') },
      { name: 'b.jsonl', text: lines.slice(4).join('\n') },
    ]);
    // msg_A's copies are split over two files: a.jsonl keeps its largest (250), b.jsonl's copy of the
    // same message.id + requestId is a duplicate, so the totals equal the one-file run
    expect(two.records.filter((x) => x.id === 'msg_A').map((x) => x.outputTokens)).toEqual([250]);
    expect(totalsByModel(two.records)).toEqual(totalsByModel(r.records));
  });

  it('drops sidechain replays in subagent files and messages repeated by resumed sessions', () => {
    const line = (msg: string, req: string, side: boolean, out: number): string =>
      JSON.stringify({
        parentUuid: null,
        isSidechain: side,
        userType: 'external',
        cwd: '/w',
        sessionId: 'sess-1',
        version: '2.1.12',
        message: {
          model: 'claude-sonnet-4-5-20250929',
          id: msg,
          type: 'message',
          role: 'assistant',
          content: [],
          usage: { input_tokens: 3, cache_creation_input_tokens: 100, cache_read_input_tokens: 5000, output_tokens: out },
        },
        requestId: req,
        type: 'assistant',
        uuid: `${msg}-${req}-${out}`,
        timestamp: '2026-11-14T09:10:26.118Z',
      });
    // a directory walk reads sess-1/subagents/agent-a1.jsonl before sess-1.jsonl ("sess-1" < "sess-1.jsonl")
    const sub = {
      name: 'sess-1/subagents/agent-a1.jsonl',
      text: [line('msg_A', 'req_9', true, 200), line('msg_C', 'req_3', true, 30)].join('\n'),
    };
    const main = {
      name: 'sess-1.jsonl',
      text: [line('msg_A', 'req_1', false, 10), line('msg_A', 'req_1', false, 200), line('msg_B', 'req_2', false, 50)].join('\n'),
    };
    const resumed = {
      name: 'sess-2.jsonl',
      text: [line('msg_A', 'req_1', false, 200), line('msg_B', 'req_2', false, 50), line('msg_D', 'req_4', false, 70)].join('\n'),
    };
    const expected = {
      // msg_A once (sidechain replay req_9 and its main copy req_1 are one API call), msg_B once, msg_C, msg_D:
      // input 4 x 3, cache read 4 x 5000, 5m writes 4 x 100, output 200 + 50 + 30 + 70
      'claude-sonnet-4-5-20250929': tot({ records: 4, input: 12, cacheRead: 20000, write5m: 400, output: 350 }),
    };
    for (const order of [
      [sub, main, resumed],
      [main, sub, resumed],
      [resumed, main, sub],
    ]) {
      const res = run(claudeCodeAdapter, order);
      expect(totalsByModel(res.records)).toEqual(expected);
      // 8 lines, 4 records: the partial msg_A line, the replay, and the resumed copies of msg_A and msg_B
      expect(res.skips).toEqual({ duplicate: 4 });
    }
  });

  it('keeps one copy of a message replayed only by sidechain lines', () => {
    const side = (req: string): string =>
      JSON.stringify({
        isSidechain: true,
        sessionId: 's',
        type: 'assistant',
        requestId: req,
        uuid: req,
        timestamp: '2026-11-14T09:10:26.118Z',
        message: { model: 'claude-haiku-4-5-20251001', id: 'msg_S', usage: { input_tokens: 7, output_tokens: 9 } },
      });
    const res = run(claudeCodeAdapter, [{ name: 's.jsonl', text: [side('req_1'), side('req_2')].join('\n') }]);
    expect(totalsByModel(res.records)).toEqual({ 'claude-haiku-4-5-20251001': tot({ records: 1, input: 7, output: 9 }) });
  });

  it('detects transcript lines', () => {
    for (const l of fixture('claude-code/session.jsonl').text.trim().split('\n'))
      expect(claudeCodeAdapter.detect(JSON.parse(l))).toBeGreaterThan(50);
  });

  it('rejects bad lines', () => {
    const b = run(claudeCodeAdapter, [fixture('claude-code/bad.jsonl')]);
    expect(rejectCodes(b)).toEqual({ 'negative-count': 1, 'invalid-type': 1, 'invalid-timestamp': 1, 'inconsistent-counts': 1 });
    expect(b.rejects[0].path).toBe('message.usage.input_tokens');
    expect(b.skips).toEqual({ 'no-usage': 1 });
    expect(totalsByModel(b.records)).toEqual({
      'claude-sonnet-4-5-20250929': tot({ records: 1, input: 2, output: 3 }),
      '(no model)': tot({ records: 1, input: 1, output: 5 }), // msg_b3: usage without a model
    });
  });
});
