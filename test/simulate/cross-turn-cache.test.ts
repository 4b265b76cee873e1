/**
 * Cross-turn cache effects of the levers that change an answer's length, on small cached
 * conversations worked out by hand (claude-t: input $1/MTok, read $0.10, 5m write $1.25, output
 * $5; big-t: $3 / $0.30 / $3.75 / $15). A conversation turn as the prefix cache leaves it reads the
 * previous turn's prompt and writes the previous answer and its new message.
 */
import { describe, expect, it } from 'vitest';
import { outputCap } from '../../src/simulate/levers/output-cap.js';
import { route } from '../../src/simulate/levers/route.js';
import { baselineRequests, ctxFor, minutes, rec, total, usd } from './helpers.js';

type Turn = { read?: number; w5?: number; input?: number; out: number };
const conversation = (model: string, turns: Turn[]) =>
  turns.map((t, i) =>
    rec(model, {
      timeMs: minutes(i),
      inputTokens: t.input ?? 0,
      cacheReadTokens: t.read ?? 0,
      cacheWrite5mTokens: t.w5 ?? 0,
      outputTokens: t.out,
      conversationId: 'c',
      turn: i + 1,
    }),
  );

describe('an answer of another length changes the later prompts where the answer sits', () => {
  it('a shorter answer comes off what the next turn writes, and off what later turns read', () => {
    // turn 1: 50 input + 1,500 written, answer 800; turn 2 reads turn 1's prompt (1,550) and writes the
    // answer and its message (800 + 50); turn 3 reads 2,400 and writes 100 + 50.
    const recs = conversation('claude-t', [
      { input: 50, w5: 1500, out: 800 },
      { read: 1550, w5: 850, out: 100 },
      { read: 2400, w5: 150, out: 100 },
    ]);
    const out = outputCap.apply(baselineRequests(recs), outputCap.parse({ maxTokens: 500 }), ctxFor());
    // the 300 tokens cut from answer 1 were in what turn 2 wrote: it still reads 1,550 (turn 1's
    // prompt is unchanged) and writes 550; turn 3 reads 2,100 (turn 2's prompt, now 300 shorter)
    expect(out.requests.map((r) => [r.cacheReadTokens, r.cacheWrite5mTokens])).toEqual([
      [0, 1500],
      [1550, 550],
      [2100, 150],
    ]);
    // turn 1: 50 + 1,500 x 1.25 + 500 x 5 = 4,425 µ$; turn 2: 1,550 x 0.1 + 550 x 1.25 + 500 = 1,342.5;
    // turn 3: 2,100 x 0.1 + 150 x 1.25 + 500 = 897.5; total 6,665 µ$. (Taking the cut from turn 2's
    // read left it reading 1,250 and writing 850, tokens no request had cached: 7,010 µ$.)
    expect(usd(total(out.requests))).toBe('0.006665');
  });

  it('a longer answer is written by the next turn and read by the ones after it', () => {
    // big-t turns: 50 input + 1,500 written, answer 100; turn 2 reads 1,550, writes 150; turn 3 reads
    // 1,700, writes 150. Routed whole to claude-t (same tokenizer) writing twice as much: each answer 200.
    const recs = conversation('big-t', [
      { input: 50, w5: 1500, out: 100 },
      { read: 1550, w5: 150, out: 100 },
      { read: 1700, w5: 150, out: 100 },
    ]);
    const out = route.apply(baselineRequests(recs), route.parse({ to: 'claude-t', outputFactor: 2 }), ctxFor());
    // turn 2 writes answer 1's 100 more tokens (250); turn 3 reads them (1,800) and writes answer 2's
    // 100 more (250)
    expect(out.requests.map((r) => [r.inputTokens, r.cacheReadTokens, r.cacheWrite5mTokens])).toEqual([
      [50, 0, 1500],
      [0, 1550, 250],
      [0, 1800, 250],
    ]);
    // turn 1: 50 + 1,875 + 200 x 5 = 2,925 µ$; turn 2: 155 + 250 x 1.25 + 1,000 = 1,467.5; turn 3:
    // 180 + 312.5 + 1,000 = 1,492.5; total 5,885 µ$. (As uncached input: turn 2 +100 x $1, turn 3
    // +200 x $1 instead of reads and writes: 5,925 µ$.)
    expect(usd(total(out.requests))).toBe('0.005885');
  });
});
