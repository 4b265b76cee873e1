/**
 * Cross-turn cache effects of the levers that change an answer's length, on small cached
 * conversations worked out by hand (claude-t: input $1/MTok, read $0.10, 5m write $1.25, output
 * $5; big-t: $3 / $0.30 / $3.75 / $15). A conversation turn as the prefix cache leaves it reads the
 * previous turn's prompt and writes the previous answer and its new message.
 */
import { describe, expect, it } from 'vitest';
import { outputCap } from '../../src/simulate/levers/output-cap.js';
import { route } from '../../src/simulate/levers/route.js';
import { semanticCache } from '../../src/simulate/levers/semantic-cache.js';
import type { UsageRecord } from '../../src/usage/record.js';
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
    // turn 1: writes its 1,550-token prompt, answer 800; turn 2 reads turn 1's prompt (1,550) and writes the
    // answer and its message (800 + 50); turn 3 reads 2,400 and writes 100 + 50.
    const recs = conversation('claude-t', [
      { w5: 1550, out: 800 },
      { read: 1550, w5: 850, out: 100 },
      { read: 2400, w5: 150, out: 100 },
    ]);
    const out = outputCap.apply(baselineRequests(recs), outputCap.parse({ maxTokens: 500 }), ctxFor());
    // the 300 tokens cut from answer 1 were in what turn 2 wrote: it still reads 1,550 (turn 1's
    // prompt is unchanged) and writes 550; turn 3 reads 2,100 (turn 2's prompt, now 300 shorter)
    expect(out.requests.map((r) => [r.cacheReadTokens, r.cacheWrite5mTokens])).toEqual([
      [0, 1550],
      [1550, 550],
      [2100, 150],
    ]);
    // turn 1: 1,550 x 1.25 + 500 x 5 = 4,437.5 µ$; turn 2: 1,550 x 0.1 + 550 x 1.25 + 500 = 1,342.5;
    // turn 3: 2,100 x 0.1 + 150 x 1.25 + 500 = 897.5; total 6,677.5 µ$. (Taking the cut from turn 2's
    // read left it reading 1,250 and writing 850, tokens no request had cached: 7,022.5 µ$.)
    expect(usd(total(out.requests))).toBe('0.0066775');
  });

  it('a longer answer is written by the next turn and read by the ones after it', () => {
    // big-t turns: 1,550 written, answer 100; turn 2 reads 1,550, writes 150; turn 3 reads
    // 1,700, writes 150. Routed whole to claude-t (same tokenizer) writing twice as much: each answer 200.
    const recs = conversation('big-t', [
      { w5: 1550, out: 100 },
      { read: 1550, w5: 150, out: 100 },
      { read: 1700, w5: 150, out: 100 },
    ]);
    const out = route.apply(baselineRequests(recs), route.parse({ to: 'claude-t', outputFactor: 2 }), ctxFor());
    // turn 2 writes answer 1's 100 more tokens (250); turn 3 reads them (1,800) and writes answer 2's
    // 100 more (250)
    expect(out.requests.map((r) => [r.inputTokens, r.cacheReadTokens, r.cacheWrite5mTokens])).toEqual([
      [0, 0, 1550],
      [0, 1550, 250],
      [0, 1800, 250],
    ]);
    // turn 1: 1,550 x 1.25 + 200 x 5 = 2,937.5 µ$; turn 2: 155 + 250 x 1.25 + 1,000 = 1,467.5; turn 3:
    // 180 + 312.5 + 1,000 = 1,492.5; total 5,897.5 µ$. (As uncached input: turn 2 +100 x $1, turn 3
    // +200 x $1 instead of reads and writes: 5,937.5 µ$.)
    expect(usd(total(out.requests))).toBe('0.0058975');
  });
});

describe('a turn that no longer runs on a model leaves nothing in its cache for the next turn', () => {
  it('a turn routed away: the next turn, still on the source, writes what it read', () => {
    // big-t turns: 1) 50 input + 1,500 written (prompt 1,550), 2) reads 1,500 + writes 150 (1,650),
    // 3) reads 1,650 + writes 150 (1,800); answers 100. Only prompts up to 1,600 go to claude-t: turn 1.
    const recs = conversation('big-t', [
      { input: 50, w5: 1500, out: 100 },
      { read: 1500, w5: 150, out: 100 },
      { read: 1650, w5: 150, out: 100 },
    ]);
    const out = route.apply(baselineRequests(recs), route.parse({ to: 'claude-t' }), ctxFor({ maxInputTokens: 1600 }));
    expect(out.requests.map((r) => [r.model, r.cacheReadTokens, r.cacheWrite5mTokens])).toEqual([
      ['claude-t', 0, 1500],
      ['big-t', 0, 1650],
      ['big-t', 1650, 150],
    ]);
    // turn 1 on claude-t: 50 + 1,500 x 1.25 + 100 x 5 = 2,425 µ$; turn 2 on big-t found nothing of the
    // conversation cached there: 1,650 x 3.75 + 100 x 15 = 7,687.5; turn 3 reads what turn 2 wrote:
    // 1,650 x 0.3 + 150 x 3.75 + 1,500 = 2,557.5; total 12,670 µ$. (Keeping turn 2's logged read of a
    // prefix only turn 1 had written: 7,495 µ$.)
    expect(usd(total(out.requests))).toBe('0.01267');
  });

  it("sharedCache keeps the routed turn's reads, not those of the turn left on the source after it", () => {
    // big-t turns: 1) reads a 1,100-token prefix other traffic keeps warm, 50 input, writes 400
    // (prompt 1,550); 2) reads 1,500, writes 150 (1,650); 3) reads 1,650, writes 150 (1,800);
    // answers 100. Turn 1 (up to 1,600 tokens) goes to claude-t, whose cache is shared: it keeps its
    // read. Turn 2 stays on big-t, where turn 1 wrote nothing: it reads only the 1,100 turn 1 had
    // found cached there and writes 400 + 150 = 550. Turn 3 reads what turn 2 wrote.
    const recs = conversation('big-t', [
      { read: 1100, input: 50, w5: 400, out: 100 },
      { read: 1500, w5: 150, out: 100 },
      { read: 1650, w5: 150, out: 100 },
    ]);
    const out = route.apply(baselineRequests(recs), route.parse({ to: 'claude-t', sharedCache: true }), ctxFor({ maxInputTokens: 1600 }));
    expect(out.requests.map((r) => [r.model, r.cacheReadTokens, r.cacheWrite5mTokens])).toEqual([
      ['claude-t', 1100, 400],
      ['big-t', 1100, 550],
      ['big-t', 1650, 150],
    ]);
    // turn 1 on claude-t: 1,100 x 0.1 + 50 + 400 x 1.25 + 100 x 5 = 1,160 µ$; turn 2 on big-t:
    // 1,100 x 0.3 + 550 x 3.75 + 100 x 15 = 3,892.5; turn 3: 1,650 x 0.3 + 150 x 3.75 + 1,500 =
    // 2,557.5; total 7,610 µ$. (Keeping turn 2's logged read of 1,500, a prefix only turn 1 would
    // have written on big-t: 450 + 562.5 + 1,500 = 2,512.5 for turn 2, 6,230 µ$ in all.)
    expect(usd(total(out.requests))).toBe('0.00761');
  });

  it('a turn answered from the semantic cache: the next turn reads only what was cached before it', () => {
    // c0 asks first and writes its 2,000-token prompt; c1 asks the same a minute later (it read the
    // 1,800-token system prompt c0 cached and wrote 200), then follows up reading its 2,000.
    const q = { messages: [{ role: 'user' as const, content: 'How do I reset my password?' }] };
    const at = (m: number, conversationId: string, turn: number, t: Turn, text: UsageRecord['text'] = q) =>
      rec('claude-t', {
        timeMs: minutes(m),
        conversationId,
        turn,
        cacheReadTokens: t.read ?? 0,
        cacheWrite5mTokens: t.w5 ?? 0,
        outputTokens: t.out,
        text,
      });
    const follow = {
      messages: [...q.messages, { role: 'assistant' as const, content: 'Use the link.' }, { role: 'user' as const, content: 'Thanks' }],
    };
    const recs = [
      at(0, 'c0', 1, { w5: 2000, out: 100 }),
      at(1, 'c1', 1, { read: 1800, w5: 200, out: 100 }),
      at(2, 'c1', 2, { read: 2000, w5: 150, out: 100 }, follow),
    ];
    const out = semanticCache.apply(baselineRequests(recs), semanticCache.parse({ lookupCostUsd: 0, embeddingModel: 'none' }), ctxFor());
    expect(out.requests[1].dropped).toBe(true);
    // c1's turn 1 made no call, so its 200 tokens were never written: turn 2 reads the 1,800 that
    // turn 1 had found cached and writes 200 + 150
    expect(out.requests[2]).toMatchObject({ cacheReadTokens: 1800, cacheWrite5mTokens: 350 });
    // c0: 2,000 x 1.25 + 100 x 5 = 3,000 µ$; c1 turn 1: $0; turn 2: 1,800 x 0.1 + 350 x 1.25 + 500 =
    // 1,117.5; total 4,117.5 µ$ (reading 2,000 as logged: 3,887.5 µ$)
    expect(usd(total(out.requests))).toBe('0.0041175');
  });
});

describe('routed onto a model that reads its cache in 128-token steps (gpt-t: input $1/MTok, read $0.50, output $2, writes as input)', () => {
  // big-t turns a minute apart: 1) 50 input + 1,500 written (prompt 1,550); 2) reads 1,500, writes 150;
  // 3) reads 1,650, writes 150; 4) reads 1,800, writes 150; answers 100. big-t reads exact prefixes
  // (Anthropic breakpoints); gpt-t reads "in increments of 128 tokens" (OpenAI before GPT-5.6), so each
  // read is rounded down to a multiple of 128 and the rest of that prefix is written (billed as input).
  const recs = () =>
    conversation('big-t', [
      { input: 50, w5: 1500, out: 100 },
      { read: 1500, w5: 150, out: 100 },
      { read: 1650, w5: 150, out: 100 },
      { read: 1800, w5: 150, out: 100 },
    ]);
  // 1,500 -> 11 x 128 = 1,408 (92 written); 1,650 -> 12 x 128 = 1,536 (114); 1,800 -> 14 x 128 = 1,792 (8)
  const expected = [
    [0, 1500],
    [1408, 150 + 92],
    [1536, 150 + 114],
    [1792, 150 + 8],
  ];
  // turn 1: 1,550 x 1 + 100 x 2 = 1,750 µ$; turn 2: 1,408 x 0.5 + 242 x 1 + 200 = 1,146; turn 3: 768 + 264 +
  // 200 = 1,232; turn 4: 896 + 158 + 200 = 1,254; total 5,382 µ$. (Keeping big-t's reads: 1,750 + 1,100 +
  // 1,175 + 1,250 = 5,275 µ$, reads the target cannot make.)
  it('sharedCache: the routed reads are rounded down to the target increment', () => {
    const out = route.apply(baselineRequests(recs()), route.parse({ to: 'gpt-t', sharedCache: true }), ctxFor());
    expect(out.requests.map((r) => [r.cacheReadTokens, r.cacheWrite5mTokens])).toEqual(expected);
    expect(usd(total(out.requests))).toBe('0.005382');
  });

  it('a cold target: each turn reads what the previous routed turn cached there, in 128-token steps', () => {
    const out = route.apply(baselineRequests(recs()), route.parse({ to: 'gpt-t' }), ctxFor());
    expect(out.requests.map((r) => [r.cacheReadTokens, r.cacheWrite5mTokens])).toEqual(expected);
    expect(usd(total(out.requests))).toBe('0.005382');
  });

  it('a turn that logged more than the previous routed turn cached reads that prefix rounded down', () => {
    // turn 2 logged a read of 1,600 (a prefix other big-t traffic kept warm past turn 1's 1,500); on
    // gpt-t only turn 1's 1,500 is there: 11 x 128 = 1,408 read, 1,600 - 1,408 = 192 written + 150
    const two = conversation('big-t', [
      { input: 50, w5: 1500, out: 100 },
      { read: 1600, w5: 150, out: 100 },
    ]);
    const out = route.apply(baselineRequests(two), route.parse({ to: 'gpt-t' }), ctxFor());
    expect(out.requests.map((r) => [r.cacheReadTokens, r.cacheWrite5mTokens])).toEqual([
      [0, 1500],
      [1408, 342],
    ]);
    // turn 1: 1,750 µ$; turn 2: 1,408 x 0.5 + 342 + 200 = 1,246; total 2,996 µ$ (reading 1,500: 2,950)
    expect(usd(total(out.requests))).toBe('0.002996');
  });
});
