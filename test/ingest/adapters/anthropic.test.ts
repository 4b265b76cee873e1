import { describe, expect, it } from 'vitest';
import { anthropicAdapter } from '../../../src/ingest/adapters/anthropic.js';
import { anthropicUsageAdapter } from '../../../src/ingest/adapters/anthropic-usage.js';
import { byId, fixture, rejectCodes, run, tot, totalsByModel } from './harness.js';

describe('anthropic adapter (messages, streams, batch results, pairs)', () => {
  const r = run(anthropicAdapter, [fixture('anthropic/messages.jsonl')]);

  it('computes per-model buckets by hand (input excludes cache)', () => {
    expect(totalsByModel(r.records)).toEqual({
      // msg_01: 12 in, 1h write 2000, out 300 (its duplicate on line 11 is folded)
      // msg_02: 8 in, read 2000, legacy write 500 -> 5m, out 120; msg_05 (batch): 3000 in, 400 out
      'claude-sonnet-4-5-20250929': tot({
        records: 3,
        input: 12 + 8 + 3000,
        cacheRead: 2000,
        write5m: 500,
        write1h: 2000,
        output: 300 + 120 + 400,
      }),
      // thinking 1500 is inside output 2000; null cache fields are 0
      'claude-opus-4-1-20250805': tot({ records: 1, input: 1000, output: 2000, reasoning: 1500 }),
      // msg_04 stream: start (50 in, 1000 read) + last cumulative delta (95 out, not 1 + 40 + 95); msg_06: 20/10
      'claude-haiku-4-5-20251001': tot({ records: 2, input: 50 + 20, cacheRead: 1000, output: 95 + 10 }),
    });
  });

  it('skips by stable reason', () => {
    expect(r.skips).toEqual({
      'stream-event': 3,
      'stream-delta': 2,
      'error-body': 1,
      duplicate: 1,
      'failed-request': 1,
      expired: 1,
      canceled: 1,
    });
    expect(r.rejects).toEqual([]);
    expect(r.records.length + Object.values(r.skips).reduce((a, b) => a + b, 0)).toBe(16);
  });

  it('maps tier, geo, speed and attribution', () => {
    expect(byId(r, 'msg_01')).toMatchObject({ serviceTier: 'standard', provider: 'anthropic' });
    expect(byId(r, 'msg_01').regional).toBeUndefined();
    expect(byId(r, 'msg_02').regional).toBe(true);
    expect(byId(r, 'msg_03')).toMatchObject({ serviceTier: 'priority', fast: true });
    expect(byId(r, 'msg_05')).toMatchObject({ serviceTier: 'batch', tags: { custom_id: 'job-1' } });
    expect(byId(r, 'msg_04').source.line).toBe(4);
    const m6 = byId(r, 'msg_06');
    expect(m6.tags).toEqual({ user: 'u-7', feature: 'chat' });
    expect(m6.timestamp).toBe('2025-11-13T03:00:00.000Z');
  });

  it('keeps request text (system blocks + messages) when asked', () => {
    const k = run(anthropicAdapter, [fixture('anthropic/messages.jsonl')], { keepText: true });
    expect(byId(k, 'msg_06').text).toEqual({
      messages: [
        { role: 'system', content: 'Be brief.' },
        { role: 'user', content: 'Ping?' },
      ],
      prompt: 'system: Be brief.\n\nuser: Ping?',
      query: 'Ping?',
      completion: 'Pong.',
    });
  });

  it('does not carry stream state across files', () => {
    const lines = fixture('anthropic/messages.jsonl').text.trim().split('\n');
    const split = run(anthropicAdapter, [
      { name: 'a.jsonl', text: lines.slice(0, 6).join('\n') },
      { name: 'b.jsonl', text: lines.slice(6).join('\n') },
    ]);
    // the deltas in b.jsonl have no message_start in their file: msg_04 keeps its start numbers (1 output)
    expect(byId(split, 'msg_04').outputTokens).toBe(1);
    expect(split.skips['orphan-delta']).toBe(2);
    // msg_01 appears once per file: per-file dedupe keeps both copies
    expect(split.records.filter((x) => x.id === 'msg_01')).toHaveLength(2);
  });

  it('detects every line of the fixture', () => {
    for (const l of fixture('anthropic/messages.jsonl').text.trim().split('\n'))
      expect(anthropicAdapter.detect(JSON.parse(l))).toBeGreaterThan(0);
  });

  it('rejects bad lines', () => {
    const b = run(anthropicAdapter, [fixture('anthropic/bad.jsonl')]);
    expect(rejectCodes(b)).toEqual({
      'negative-count': 1,
      'invalid-type': 1,
      'inconsistent-counts': 1,
      'unrecognized-value': 2,
      'invalid-count': 1,
    });
    expect(b.rejects.find((x) => x.line === 4)?.path).toBe('usage.output_tokens_details.thinking_tokens');
    // msg_b5 has no usage: skipped like in every reader; msg_b3 has usage but no model: counted under (no model)
    expect(b.skips).toEqual({ 'orphan-delta': 1, 'no-usage': 1 });
    expect(totalsByModel(b.records)).toEqual({
      'claude-sonnet-4-5-20250929': tot({ records: 1, input: 2, output: 3 }),
      '(no model)': tot({ records: 1, input: 1, output: 10 }),
    });
  });
});

describe('anthropic-usage adapter', () => {
  it('unwraps the report; requests unknown (0), tagged aggregate', () => {
    const r = run(anthropicUsageAdapter, [fixture('anthropic/usage-report.json', true)]);
    expect(totalsByModel(r.records)).toEqual({
      'claude-sonnet-4-5-20250929': tot({
        records: 1,
        requests: 0,
        input: 10000,
        cacheRead: 50000,
        write5m: 2000,
        write1h: 1000,
        output: 3000,
      }),
      // flat cache_creation_5m_input_tokens accepted
      'claude-haiku-4-5-20251001': tot({ records: 1, requests: 0, input: 500, write5m: 100, output: 50 }),
      '(ungrouped)': tot({ records: 1, requests: 0, input: 7, output: 3 }),
    });
    const [a, b, c] = r.records;
    expect(a).toMatchObject({
      serviceTier: 'standard',
      timestamp: '2025-11-13T00:00:00.000Z',
      tags: { aggregate: 'true', context_window: '0-200k' },
      // server_tool_use.web_search_requests: a priced charge, no longer a tag
      charges: { webSearch: 3 },
    });
    expect(b).toMatchObject({ serviceTier: 'batch', tags: { workspace: 'wrkspc_1' } });
    expect(c).toMatchObject({ regional: true, timestamp: '2025-11-14T00:00:00.000Z' });
  });

  it('rejects bad results', () => {
    const r = run(anthropicUsageAdapter, [fixture('anthropic/usage-bad.jsonl')]);
    expect(rejectCodes(r)).toEqual({ 'negative-count': 1, 'invalid-type': 1, 'missing-field': 1 });
    expect(totalsByModel(r.records)).toEqual({
      'claude-haiku-4-5-20251001': tot({ records: 1, requests: 0, input: 7, cacheRead: 1, output: 3 }),
    });
  });

  it('does not claim Messages bodies or other pages', () => {
    expect(anthropicUsageAdapter.detect({ type: 'message', usage: { input_tokens: 1 } })).toBe(0);
    expect(anthropicUsageAdapter.detect({ data: [{ id: 'x', type: 'GENERATION' }], meta: {} })).toBe(0);
  });
});

describe('anthropic streams in {request, response} pairs', () => {
  it('keep the conversation and turn of the message_start line after a cumulative delta', () => {
    const start = {
      request: { metadata: { conversation_id: 'c-7', turn: '3', feature: 'chat' } },
      response: {
        type: 'message_start',
        message: {
          id: 'msg_s1',
          type: 'message',
          role: 'assistant',
          model: 'claude-sonnet-4-5-20250929',
          content: [],
          usage: { input_tokens: 100, cache_read_input_tokens: 2000, output_tokens: 1 },
        },
      },
    };
    const delta = { type: 'message_delta', delta: { stop_reason: 'end_turn' }, usage: { output_tokens: 250 } };
    const res = run(anthropicAdapter, [{ name: 'stream.jsonl', text: [start, delta].map((v) => JSON.stringify(v)).join('\n') + '\n' }]);
    const rec = byId(res, 'msg_s1');
    // the delta's cumulative output (250) replaces the start's provisional 1; input and cache from message_start
    expect(rec).toMatchObject({ inputTokens: 100, cacheReadTokens: 2000, outputTokens: 250, conversationId: 'c-7', turn: 3 });
    expect(rec.tags.feature).toBe('chat');
  });
});
