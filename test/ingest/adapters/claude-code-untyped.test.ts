import { describe, expect, it } from 'vitest';
import { claudeCodeAdapter } from '../../../src/ingest/adapters/claude-code.js';
import { byId, fixture, rejectCodes, run, tot, totalsByModel } from './harness.js';

/** Transcript lines without `type` (older Claude Code, third-party writers), recognised by shape. */
describe('claude-code lines without type', () => {
  const r = run(claudeCodeAdapter, [fixture('claude-code/untyped.jsonl')]);

  it('counts them like typed lines, by hand', () => {
    expect(totalsByModel(r.records)).toEqual({
      // msg_o1 twice (one line per content block): counted once; legacy write total -> 5m
      'claude-3-5-sonnet-20241022': tot({ records: 1, input: 4, cacheRead: 10000, write5m: 2000, output: 300 }),
      // a third-party line with requestId and message.usage only
      'claude-3-5-haiku-20241022': tot({ records: 1, input: 100, output: 20 }),
      // 300 writes, all 1h by the breakdown
      'claude-sonnet-4-5-20250929': tot({ records: 1, input: 10, write1h: 300, output: 5 }),
    });
    expect(r.skips).toEqual({ duplicate: 1, 'transcript-metadata': 1 });
    expect(r.rejects).toEqual([]);
    expect(byId(r, 'msg_o1').conversationId).toBe('s-old');
  });

  it('detects every line by its shape', () => {
    for (const l of fixture('claude-code/untyped.jsonl').text.trim().split('\n'))
      expect(claudeCodeAdapter.detect(JSON.parse(l))).toBeGreaterThan(50);
  });

  it('rejects bad untyped lines with both numbers; skips one without usage; counts one without a model', () => {
    const b = run(claudeCodeAdapter, [fixture('claude-code/untyped-bad.jsonl')]);
    expect(rejectCodes(b)).toEqual({ 'inconsistent-counts': 1, 'invalid-type': 1 });
    expect(b.rejects[0]).toMatchObject({ line: 1, path: 'message.usage.cache_creation_input_tokens' });
    expect(b.rejects[0].message).toBe(
      'cache_creation_input_tokens (500) differs from its TTL breakdown cache_creation (100 5m + 100 1h = 200)',
    );
    expect(b.rejects[1]).toMatchObject({ line: 2, path: 'message.usage.input_tokens' });
    expect(b.skips).toEqual({ 'no-usage': 1 });
    expect(totalsByModel(b.records)).toEqual({
      'claude-sonnet-4-5-20250929': tot({ records: 1, input: 6, output: 4 }),
      '(no model)': tot({ records: 1, input: 3, output: 2 }),
    });
    // read 5 = counted 2 + skipped 1 + rejected 2
    expect(b.records.length + 1 + b.rejects.length).toBe(5);
  });
});
