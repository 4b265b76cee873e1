import { describe, expect, it } from 'vitest';
import { codexAdapter } from '../../../src/ingest/adapters/codex.js';
import { fixture, rejectCodes, run, tot, totalsByModel } from './harness.js';

const SESSION = 'codex/rollout-2025-10-01T09-00-00-0199a1b2-0000-7000-8000-00000000000a.jsonl';
const FORK = 'codex/rollout-2025-10-02T14-00-00-0199a1b2-0000-7000-8000-00000000000b.jsonl';

/**
 * The session's running totals (total_token_usage: input incl. cached, cached, output incl. reasoning, reasoning):
 *   line 5  T1 = 5000, 0, 400, 256       (first total of the file: its last_token_usage, the same numbers)
 *   line 6  T1 again                     (a re-emit: duplicate)
 *   line 8  T2 = 11200, 4864, 550, 320   (T2 - T1 = 6200, 4864, 150, 64 -> uncached 6200 - 4864 = 1336)
 *   line 11 T3 = 18200, 10880, 1450, 832 (T3 - T2 = 7000, 6016, 900, 512 -> uncached 984), after a switch to gpt-5
 *   line 12 T3 again                     (duplicate)
 */
describe('codex: one session', () => {
  const r = run(codexAdapter, [fixture(SESSION)]);

  it('counts each request once, by the growth of the running total', () => {
    expect(totalsByModel(r.records)).toEqual({
      // 5000 + 1336 uncached, 0 + 4864 cached, 400 + 150 output (256 + 64 of it reasoning)
      'gpt-5-codex': tot({ records: 2, input: 6336, cacheRead: 4864, output: 550, reasoning: 320 }),
      'gpt-5': tot({ records: 1, input: 984, cacheRead: 6016, output: 900, reasoning: 512 }),
    });
    // lines 1-3, 7, 9, 10 are metadata; line 4 has info: null; lines 6 and 12 repeat a running total
    expect(r.skips).toEqual({ 'transcript-metadata': 6, 'no-usage': 1, duplicate: 2 });
    expect(r.rejects).toEqual([]);
  });

  it('sums to the final running total (an independent check)', () => {
    const sum = (f: (x: (typeof r.records)[number]) => number) => r.records.reduce((a, x) => a + f(x), 0);
    // T3: input 18200 incl. 10880 cached, output 1450 incl. 832 reasoning
    expect(sum((x) => x.inputTokens + x.cacheReadTokens)).toBe(18200);
    expect(sum((x) => x.cacheReadTokens)).toBe(10880);
    expect(sum((x) => x.outputTokens)).toBe(1450);
    expect(sum((x) => x.reasoningTokens)).toBe(832);
  });

  it('carries the session id, the working directory, the provider and the event time', () => {
    const first = r.records[0];
    expect(first.conversationId).toBe('0199a1b2-0000-7000-8000-00000000000a');
    expect(first.tags.cwd).toBe('/home/dev/app');
    expect(first.provider).toBe('openai');
    expect(first.timestamp).toBe('2025-10-01T09:00:05.000Z');
    expect(first.source).toEqual({ file: SESSION, line: 5 });
  });

  it('detects every line of the envelope confidently', () => {
    for (const l of fixture(SESSION).text.trim().split('\n')) expect(codexAdapter.detect(JSON.parse(l))).toBeGreaterThanOrEqual(80);
  });
});

describe('codex: a forked session replays its parent', () => {
  it('counts the parent once and the fork only for its own request', () => {
    const r = run(codexAdapter, [fixture(SESSION), fixture(FORK)]);
    const fork = r.records.filter((x) => x.source.file === FORK);
    // T4 - T3 = 3000, 2048, 200, 128 -> uncached 952
    expect(totalsByModel(fork)).toEqual({ 'gpt-5': tot({ records: 1, input: 952, cacheRead: 2048, output: 200, reasoning: 128 }) });
    expect(fork[0].conversationId).toBe('0199a1b2-0000-7000-8000-00000000000b');
    // three replayed token_count lines; the parent's own 3 records stay
    expect(r.skips['replayed-history']).toBe(3);
    expect(r.records.length).toBe(4);
  });

  it('read alone, the fork counts the replayed history as its own (nothing else to compare with)', () => {
    const r = run(codexAdapter, [fixture(FORK)]);
    // T1 as first total + (T2 - T1) + (T3 - T2) + (T4 - T3) = T4: 21200 incl. 12928 cached
    expect(r.records.reduce((a, x) => a + x.inputTokens + x.cacheReadTokens, 0)).toBe(21200);
    expect(r.records.length).toBe(4);
  });
});

describe('codex: bad lines', () => {
  it('rejects bad counts with their path; counts usage before any turn_context under (no model)', () => {
    const text = fixture('codex/bad.jsonl').text.replace(/^.*"token_co\n/m, '\n'); // line 7 is not JSON (the CLI test reads it)
    const r = run(codexAdapter, [{ name: 'bad.jsonl', text }]);
    expect(rejectCodes(r)).toEqual({ 'invalid-type': 2, 'inconsistent-counts': 2 });
    expect(r.rejects.map((x) => [x.line, x.path])).toEqual([
      [4, 'payload.info.total_token_usage.input_tokens'],
      [5, 'payload.info.total_token_usage.cached_input_tokens'],
      [6, 'payload.info.total_token_usage.reasoning_output_tokens'],
      [9, 'payload.info'],
    ]);
    expect(totalsByModel(r.records)).toEqual({
      '(no model)': tot({ records: 1, input: 300, output: 20 }),
      'gpt-5': tot({ records: 1, input: 1000, output: 100 }),
    });
  });

  it('a total that goes down starts a new counter: its last_token_usage counts', () => {
    const line = (total: number[], last: number[]) => {
      const u = (n: number[]) => ({ input_tokens: n[0], cached_input_tokens: n[1], output_tokens: n[2], reasoning_output_tokens: 0 });
      return JSON.stringify({
        timestamp: '2025-10-05T10:00:00Z',
        type: 'event_msg',
        payload: { type: 'token_count', info: { total_token_usage: u(total), last_token_usage: u(last) } },
      });
    };
    const ctxLine = JSON.stringify({ timestamp: '2025-10-05T10:00:00Z', type: 'turn_context', payload: { model: 'gpt-5' } });
    const text = [
      ctxLine,
      line([9000, 0, 90], [9000, 0, 90]),
      line([500, 100, 10], [500, 100, 10]),
      line([800, 100, 30], [300, 0, 20]),
    ].join('\n');
    const r = run(codexAdapter, [{ name: 'reset.jsonl', text }]);
    // 9000 + 90; after the reset: 500 (100 cached) + 10; then 800 - 500 = 300 (0 more cached) + 20
    expect(totalsByModel(r.records)).toEqual({ 'gpt-5': tot({ records: 3, input: 9000 + 400 + 300, cacheRead: 100, output: 120 }) });
  });
});

describe('codex: what counts as a replay', () => {
  it('a parent read after its fork: the copied part is counted once, in the fork', () => {
    const r = run(codexAdapter, [fixture(FORK), fixture(SESSION)]);
    // every token counted once: T4 in all, 21200 input incl. 12928 cached
    expect(r.records.reduce((a, x) => a + x.inputTokens + x.cacheReadTokens, 0)).toBe(21200);
    expect(r.records.reduce((a, x) => a + x.cacheReadTokens, 0)).toBe(12928);
    expect(r.skips['replayed-history']).toBe(3);
  });

  it('two unrelated sessions that log the same numbers both count', () => {
    const other = fixture(SESSION).text.replaceAll('0199a1b2-0000-7000-8000-00000000000a', '0199a1b2-0000-7000-8000-0000000000ff');
    const r = run(codexAdapter, [fixture(SESSION), { name: 'other.jsonl', text: other }]);
    expect(r.records.length).toBe(6);
    expect(r.skips['replayed-history']).toBeUndefined();
  });

  it('the same session in two files (a copy under archived_sessions) counts once', () => {
    const r = run(codexAdapter, [fixture(SESSION), { name: 'archived.jsonl', text: fixture(SESSION).text }]);
    expect(r.records.length).toBe(3);
    expect(r.skips['replayed-history']).toBe(3);
  });
});
