/**
 * Issue 12's lever defects, each on a small log whose right answer is worked out by hand in the
 * comments (claude-t: input $1/MTok, 5m write $1.25, read $0.10, output $5; big-t: $3 / $15).
 * Cross-turn effects are tested on multi-turn conversations, not single requests.
 */
import { describe, expect, it } from 'vitest';
import { compress } from '../../src/simulate/levers/compress.js';
import { outputCap } from '../../src/simulate/levers/output-cap.js';
import { route } from '../../src/simulate/levers/route.js';
import { semanticCache } from '../../src/simulate/levers/semantic-cache.js';
import { summarize } from '../../src/simulate/levers/summarize.js';
import { prefixCache } from '../../src/simulate/levers/prefix-cache.js';
import { volume } from '../../src/simulate/levers/volume.js';
import { priceState } from '../../src/simulate/price.js';
import { baselineRequests, ctxFor, minutes, pricer, rec, total, usd, words } from './helpers.js';

describe('outputCap shortens the history later turns re-send (defect 3)', () => {
  // turn 1: prompt 1,000, answer 800; turn 2: 1,000 + 800 + 100 = 1,900, answer 200;
  // turn 3: 1,900 + 200 + 100 = 2,200, answer 100.
  const conv = () =>
    [
      [1000, 800],
      [1900, 200],
      [2200, 100],
    ].map(([p, o], i) => rec('claude-t', { timeMs: minutes(i), inputTokens: p, outputTokens: o, conversationId: 'c', turn: i + 1 }));
  it('a cut of 300 tokens on turn 1 comes off turns 2 and 3', () => {
    const out = outputCap.apply(baselineRequests(conv()), outputCap.parse({ maxTokens: 500 }), ctxFor());
    expect(out.requests.map((r) => r.inputTokens)).toEqual([1000, 1600, 1900]);
    // input 1,000 + 1,600 + 1,900 = 4,500 -> $0.0045; output 500 + 200 + 100 = 800 x $5 -> $0.004
    // = $0.0085 (the old lever left the prompts alone: 5,100 -> $0.0051 + $0.004 = $0.0091)
    expect(usd(total(out.requests))).toBe('0.0085');
  });
  it('the removed history comes off the cached prefix first', () => {
    const recs = conv();
    recs[1] = { ...recs[1], inputTokens: 100, cacheReadTokens: 1800 };
    const out = outputCap.apply(baselineRequests(recs), outputCap.parse({ maxTokens: 500 }), ctxFor());
    // turn 2: 1,800 read - 300 = 1,500 read, 100 input
    expect(out.requests[1]).toMatchObject({ cacheReadTokens: 1500, inputTokens: 100 });
  });
});

describe('route: the target cache starts cold, retries re-bill what the provider bills (defects 6, 7)', () => {
  const warm = (m: number) => rec('big-t', { timeMs: minutes(m), inputTokens: 100, cacheReadTokens: 2000, tags: { feature: 'f' } });
  it('a read on the source is a write on a cold target', () => {
    // 2,000 written x $1.25 + 100 x $1 = 2,600 µ$ = $0.0026 (warm, as before: 2,000 x $0.10 + 100 = $0.0003)
    const out = route.apply(baselineRequests([warm(0)]), route.parse({ to: 'claude-t' }), ctxFor());
    expect(out.requests[0]).toMatchObject({ model: 'claude-t', cacheReadTokens: 0, cacheWrite5mTokens: 2000 });
    expect(usd(total(out.requests))).toBe('0.0026');
  });
  it('the next routed request of the feature within the TTL reads; sharedCache keeps every read', () => {
    // $0.0026 (cold) + $0.0003 (reads what the first wrote a minute earlier) = $0.0029
    const out = route.apply(baselineRequests([warm(0), warm(1)]), route.parse({ to: 'claude-t' }), ctxFor());
    expect(usd(total(out.requests))).toBe('0.0029');
    const shared = route.apply(baselineRequests([warm(0), warm(1)]), route.parse({ to: 'claude-t', sharedCache: true }), ctxFor());
    expect(usd(total(shared.requests))).toBe('0.0006');
  });
  it('retryRate 0.5 is two attempts; the retry reads the prefix the first attempt wrote', () => {
    // first attempt: 2,000 written x $1.25 + 200 out x $5 = 3,500 µ$; the retry: 2,000 read x $0.10
    // + 200 x $5 = 1,200 µ$; 1 / (1 - 0.5) = 2 attempts -> 4,700 µ$ = $0.0047 (not 2 x 3,500).
    const r = rec('big-t', { timeMs: minutes(0), cacheWrite5mTokens: 2000, outputTokens: 200 });
    const out = route.apply(baselineRequests([r]), route.parse({ to: 'claude-t', retryRate: 0.5 }), ctxFor());
    expect(usd(total(out.requests))).toBe('0.0047');
    expect(priceState(pricer, out.requests).modelCalls).toBe(2);
  });
  it('a retry on a model that reads in 128-token steps reads the written prefix rounded down', () => {
    // gpt-t: input $1, read $0.50, output $2 (writes bill as input), cache hits in 128-token steps.
    // first attempt: 1,400 written x $1 + 100 out x $2 = 1,600 µ$; the retry reads floor(1,400 / 128)
    // x 128 = 1,280 x $0.50 = 640 µ$, writes the other 120 again x $1 = 120 µ$, + 200 µ$ out = 960 µ$;
    // 2 attempts -> 2,560 µ$ = $0.00256 (read unrounded, 1,400 x $0.50 = 700: $0.0025).
    const r = rec('claude-t', { timeMs: minutes(0), cacheWrite5mTokens: 1400, outputTokens: 100 });
    const out = route.apply(baselineRequests([r]), route.parse({ to: 'gpt-t', retryRate: 0.5 }), ctxFor());
    expect(usd(total(out.requests))).toBe('0.00256');
    // tokens: read 1,280 (the retry), written 1,400 + 120, output 100 x 2
    expect(priceState(pricer, out.requests).tokens).toEqual({ input: 0, cacheRead: 1280, cacheWrite: 1520, output: 200 });
  });
  it('a longer routed answer lengthens the later turns of the conversation', () => {
    // 2 turns on big-t, answers 100 tokens; outputFactor 2 -> answers 200: turn 2 re-sends 100 more.
    const recs = [1000, 1200].map((p, i) =>
      rec('big-t', { timeMs: minutes(i), inputTokens: p, outputTokens: 100, conversationId: 'k', turn: i + 1 }),
    );
    const out = route.apply(baselineRequests(recs), route.parse({ to: 'claude-t', outputFactor: 2 }), ctxFor());
    expect(out.requests.map((r) => r.inputTokens)).toEqual([1000, 1300]);
    // input 2,300 x $1 + output 400 x $5 = $0.0043
    expect(usd(total(out.requests))).toBe('0.0043');
  });
});

describe('volume counts k once and never stretches private history (defect 2)', () => {
  it('parametric: k-times arrivals, the TTL unchanged', () => {
    // 11 requests every 10 minutes (span 100 min), 3,000 input tokens, static prefix 2,000, TTL 5m
    // refreshed on hit. Logged, every gap (10 min) exceeds the TTL: all cold. At k = 2 the weighted
    // count is 22, so the extra users arrive at (22 - 11) / 100 min = 0.11/min, λ·T = 0.55, and a
    // cold request is warm with P = 1 - e^-0.55 = 0.42305: it reads round(2,000 x 0.42305) = 846
    // and writes 1,154. (Counting k twice, with the extra rate doubled, λ·T = 1.1: P = 0.6671, 1,334.)
    const recs = Array.from({ length: 11 }, (_, i) =>
      rec('claude-t', { timeMs: minutes(10 * i), inputTokens: 3000, tags: { feature: 'f' } }),
    );
    const vol = volume.apply(baselineRequests(recs), volume.parse({ k: 2 }), ctxFor());
    const out = prefixCache.apply(
      vol.requests,
      prefixCache.parse({ mode: 'parametric', staticPrefixTokens: 2000 }),
      ctxFor(undefined, vol.ttlScale),
    );
    expect(out.requests[0]).toMatchObject({ cacheReadTokens: 846, cacheWrite5mTokens: 1154, inputTokens: 1000 });
  });

  it("replay: more users warm the shared system prompt, not one user's history 30 minutes later", () => {
    // System prompt SYS (2,000 tokens) in conversations A and B (so shared); A's turn 2 comes 30
    // minutes after turn 1 (beyond the 5m TTL). At k = 100 the extra arrivals of SYS are
    // (300 - 3) / 60 min = 4.95/min, λ·T = 24.75: SYS is warm (P = 1 - e^-24.75 ≈ 1).
    // A2 = [SYS, u1 300, a1 300, u2 300]: reads 2,000 (SYS), writes 900 (its own history, cold after
    // 30 minutes at any volume): 2,000 x $0.10 + 900 x $1.25 = 1,325 µ$ per copy.
    // A1 and B: read 2,000 + write 300 = 575 µ$. Total 100 x (575 + 1,325 + 575) µ$ = $0.2475.
    // (Stretching the TTL by k, as before, let A2 read u1 too: 2,300 x $0.10 + 600 x $1.25 = 980 µ$.)
    const SYS = words('sys', 2000);
    const msg = (role: 'system' | 'user' | 'assistant', content: string) => ({ role, content });
    const mk = (m: number, conv: string, turn: number, messages: Array<{ role: 'system' | 'user' | 'assistant'; content: string }>) =>
      rec('claude-t', {
        timeMs: minutes(m),
        conversationId: conv,
        turn,
        inputTokens: messages.reduce((s, x) => s + x.content.split(' ').length, 0),
        text: { messages },
      });
    const recs = [
      mk(0, 'A', 1, [msg('system', SYS), msg('user', words('u1x', 300))]),
      mk(30, 'A', 2, [
        msg('system', SYS),
        msg('user', words('u1x', 300)),
        msg('assistant', words('a1x', 300)),
        msg('user', words('u2x', 300)),
      ]),
      mk(60, 'B', 1, [msg('system', SYS), msg('user', words('v1x', 300))]),
    ];
    const vol = volume.apply(baselineRequests(recs), volume.parse({ k: 100 }), ctxFor());
    const out = prefixCache.apply(vol.requests, prefixCache.parse({}), ctxFor(undefined, vol.ttlScale));
    expect(out.requests[1]).toMatchObject({ cacheReadTokens: 2000, cacheWrite5mTokens: 900, inputTokens: 0 });
    expect(usd(total(out.requests))).toBe('0.2475');
  });

  it('replicate refuses a size it cannot hold, before allocating', () => {
    const recs = Array.from({ length: 30 }, (_, i) => rec('claude-t', { timeMs: minutes(i), inputTokens: 10 }));
    expect(() => volume.apply(baselineRequests(recs), volume.parse({ k: 100_000, method: 'replicate' }), ctxFor())).toThrow(
      /would make 3,000,000 requests/,
    );
    // compress handles the same k in O(n): 30 requests of weight 100,000
    const out = volume.apply(baselineRequests(recs), volume.parse({ k: 100_000 }), ctxFor());
    expect(out.requests.length).toBe(30);
  });
});

describe('data keys are data (issue 13, item 5)', () => {
  it('perFeature growth applies to features named constructor, __proto__ and toString', () => {
    // one $0.01 request per feature (10,000 input x $1); k = 2 times the feature's growth:
    // constructor 2 x 2 = 4, __proto__ 2 x 3 = 6, toString 2 x 4 = 8, other 2 x 1 = 2 -> 20 x $0.01 = $0.2
    const feats = ['constructor', '__proto__', 'toString', 'other'];
    const recs = feats.map((f, i) =>
      rec('claude-t', { timeMs: minutes(i), inputTokens: 10_000, tags: Object.assign(Object.create(null), { feature: f }) }),
    );
    const perFeature = JSON.parse('{"constructor": 2, "__proto__": 3, "toString": 4}') as Record<string, number>;
    const out = volume.apply(baselineRequests(recs), volume.parse({ k: 2, perFeature }), ctxFor());
    expect(out.requests.map((r) => r.weight)).toEqual([4, 6, 8, 2]);
    expect(usd(total(out.requests))).toBe('0.2');
  });
});

describe('compress touches instructions only (defect 5)', () => {
  it('system messages shrink; few-shot examples, follow-ups and replies do not, even when repeated', () => {
    // Template in both conversations: system S (1,000 tokens), few-shot pair EX/EXA (100 + 100), then
    // the user's message. A1 = S + EX + EXA + U1 (200) = 1,400; A2 = A1 + reply 300 + follow-up 100
    // = 1,800; B1 = S + EX + EXA + V1 (200) = 1,400. factor 0.5 halves S only: 500 off each request:
    // 900 + 1,300 + 900 = 3,100 input x $1 = $0.0031 (the old lever also halved the repeated few-shot
    // pair: 600 off each, $0.0028).
    const S = words('csys', 1000);
    const EX = words('cex', 100);
    const EXA = words('cexa', 100);
    type M = { role: 'system' | 'user' | 'assistant'; content: string };
    const tpl = (u: string): M[] => [
      { role: 'system', content: S },
      { role: 'user', content: EX },
      { role: 'assistant', content: EXA },
      { role: 'user', content: u },
    ];
    const mk = (conv: string, turn: number, messages: M[]) =>
      rec('claude-t', {
        timeMs: minutes(turn),
        conversationId: conv,
        turn,
        inputTokens: messages.reduce((s, m) => s + m.content.split(' ').length, 0),
        text: { messages },
      });
    const U1 = words('cu1', 200);
    const recs = [
      mk('A', 1, tpl(U1)),
      mk('A', 2, [...tpl(U1), { role: 'assistant', content: words('ca1', 300) }, { role: 'user', content: words('cu2', 100) }]),
      mk('B', 1, tpl(words('cv1', 200))),
    ];
    const out = compress.apply(baselineRequests(recs), compress.parse({ factor: 0.5 }), ctxFor());
    expect(out.requests.map((r) => r.inputTokens)).toEqual([900, 1300, 900]);
    expect(usd(total(out.requests))).toBe('0.0031');
    expect(out.json).toMatchObject({ removedByRole: { system: 1500 } });
  });
});

describe('summarize keeps the new message, reads the warm cache, re-caches (defect 4)', () => {
  // claude-t, TTL 5m. t1 (0 min): writes 2,000, answers 500. t2 (1 min): 2,000 + 500 + 500 new =
  // 3,000: reads 2,000, writes 1,000, answers 500. t3 (2 min): 3,000 + 500 + 500 new = 4,000: reads
  // 3,000, writes 1,000, answers 100. afterTokens 1,000, summaryTokens 200, instructionTokens 100.
  const conv = () => [
    rec('claude-t', { timeMs: minutes(0), conversationId: 's', turn: 1, cacheWrite5mTokens: 2000, outputTokens: 500 }),
    rec('claude-t', {
      timeMs: minutes(1),
      conversationId: 's',
      turn: 2,
      cacheReadTokens: 2000,
      cacheWrite5mTokens: 1000,
      outputTokens: 500,
    }),
    rec('claude-t', {
      timeMs: minutes(2),
      conversationId: 's',
      turn: 3,
      cacheReadTokens: 3000,
      cacheWrite5mTokens: 1000,
      outputTokens: 100,
    }),
  ];
  it('hand-computed', () => {
    // H(2) = 2,000 + 500 - 2,000 = 500 (under 1,000); H(3) = 3,000 + 500 - 2,000 = 1,500 > 1,000: summary.
    // Summary call: t2 cached 3,000 a minute earlier -> reads 3,000, sends t2's answer 500 + 100
    // instructions as input, writes 200: 300 + 600 + 1,000 = 1,900 µ$.
    // t3 loses 1,500 - 200 = 1,300 history: 2,700 = template 2,000 (read, warm) + 700 written anew
    // (summary 200 + new message 500): 200 + 875 + 500 = 1,575 µ$.
    // t1 = 2,500 + 2,500 = 5,000; t2 = 200 + 1,250 + 2,500 = 3,950. Total 12,425 µ$ = $0.012425.
    const out = summarize.apply(
      baselineRequests(conv()),
      summarize.parse({ afterTokens: 1000, summaryTokens: 200, instructionTokens: 100 }),
      ctxFor(),
    );
    expect(out.requests[2]).toMatchObject({ cacheReadTokens: 2000, cacheWrite5mTokens: 700, inputTokens: 0 });
    expect(out.requests[3]).toMatchObject({ origin: 'added', cacheReadTokens: 3000, inputTokens: 600, outputTokens: 200 });
    expect(usd(total(out.requests))).toBe('0.012425');
  });
});

describe('semanticCache respects conversation context (defect 1)', () => {
  // claude-t, 10,000 input tokens per call ($0.01), lookup $0.001, no embedding.
  // A: "How do I reset my password?" -> reply ra (300 output tokens) -> "Yes"
  // B: "How do I export invoices?" -> reply rb -> "Yes"
  // C: "how do i reset my password" (a first turn, same question as A1)
  // D: A's conversation again: D1 = A1's question (its own answer was 100 tokens) -> ra -> "Yes"
  type M = { role: 'user' | 'assistant'; content: string };
  const mk = (m: number, conv: string, turn: number, messages: M[], outputTokens = 0) =>
    rec('claude-t', {
      timeMs: minutes(m),
      conversationId: conv,
      turn,
      inputTokens: 10_000,
      outputTokens,
      tags: { feature: 'kb' },
      text: { messages },
    });
  const A1q = 'How do I reset my password?';
  const B1q = 'How do I export invoices?';
  const recs = () => [
    mk(0, 'A', 1, [{ role: 'user', content: A1q }], 300),
    mk(1, 'A', 2, [
      { role: 'user', content: A1q },
      { role: 'assistant', content: 'ra open settings then security' },
      { role: 'user', content: 'Yes' },
    ]),
    mk(2, 'B', 1, [{ role: 'user', content: B1q }]),
    mk(3, 'B', 2, [
      { role: 'user', content: B1q },
      { role: 'assistant', content: 'rb billing then export csv' },
      { role: 'user', content: 'Yes' },
    ]),
    mk(4, 'C', 1, [{ role: 'user', content: 'how do i reset my password' }]),
    mk(5, 'D', 1, [{ role: 'user', content: A1q }], 100),
    mk(6, 'D', 2, [
      { role: 'user', content: A1q },
      { role: 'assistant', content: 'ra open settings then security' },
      { role: 'user', content: 'Yes' },
    ]),
  ];
  const run = (context: string) =>
    semanticCache.apply(
      baselineRequests(recs()),
      semanticCache.parse({ threshold: 0.9, lookupCostUsd: 0.001, embeddingModel: 'none', context }),
      ctxFor(),
    );

  it("first-turn (default): follow-ups are never served; D2 re-sends the cached answer's length", () => {
    // looked up: A1, B1, C1, D1 (4 x $0.001); hits C1 and D1 (similarity 1 with A1).
    // D1 is served A1's 300-token answer instead of its own 100: D2's prompt grows by 200.
    // Calls: A1, A2, B1, B2, D2 = 40,000 + 10,200 input = $0.0502, A1's output 300 x $5 = $0.0015,
    // lookups $0.004: $0.0557.
    const out = run('first-turn');
    expect(out.requests.map((r) => r.dropped)).toEqual([false, false, false, false, true, true, false]);
    expect(out.requests[6].inputTokens).toBe(10_200);
    expect(usd(total(out.requests))).toBe('0.0557');
    expect(semanticCache.parse({}).context).toBe('first-turn');
  });

  it('context: a follow-up hits only where the conversation so far matches', () => {
    // 7 lookups; hits C1, D1 and D2 (D's history equals A's), not B2 ("Yes" after another question).
    // Calls A1, A2, B1, B2: $0.04 + $0.0015 + $0.007 = $0.0485.
    const out = run('context');
    expect(out.requests.map((r) => r.dropped)).toEqual([false, false, false, false, true, true, true]);
    expect(usd(total(out.requests))).toBe('0.0485');
    const samples = (out.json as { sampleHits: Array<{ context: string; answeredContext: string }> }).sampleHits;
    expect(samples.some((x) => x.context.startsWith('turn 2, after "ra open settings'))).toBe(true);
  });

  it("context: a follow-up is never answered from a first turn, not even its own conversation's", () => {
    // E1 asks; E2 repeats the question after the reply: the contexts differ (empty vs E1 + reply:
    // Jaccard 0), so E2 is a miss even though its query is identical (similarity 1 on the query alone).
    const e = [
      mk(0, 'E', 1, [{ role: 'user', content: A1q }]),
      mk(1, 'E', 2, [
        { role: 'user', content: A1q },
        { role: 'assistant', content: 'ra open settings then security' },
        { role: 'user', content: A1q },
      ]),
    ];
    const out = semanticCache.apply(
      baselineRequests(e),
      semanticCache.parse({ threshold: 0.9, embeddingModel: 'none', context: 'context' }),
      ctxFor(),
    );
    expect(out.requests.map((r) => r.dropped)).toEqual([false, false]);
  });

  it('query-only (the old behaviour) answers B\'s "Yes" from A\'s', () => {
    // hits B2, C1, D1, D2: calls A1, A2, B1: $0.03 + $0.0015 + $0.007 = $0.0385
    const out = run('query-only');
    expect(out.requests[3].dropped).toBe(true);
    expect(usd(total(out.requests))).toBe('0.0385');
  });

  it("lookups are priced by default: the query's embedding plus a stated store cost", () => {
    // one query of 6 words (6 tokens with the word encoder) embedded with small-t at $0.25/MTok =
    // 1.5 µ$, plus the default $0.00001 store query: $0.01 + $0.0000015 + $0.00001 = $0.0100115
    const r = rec('claude-t', { timeMs: minutes(0), inputTokens: 10_000, text: { query: 'How do I reset my password?' } });
    const out = semanticCache.apply(baselineRequests([r]), semanticCache.parse({ embeddingModel: 'small-t' }), ctxFor());
    expect(usd(total(out.requests))).toBe('0.0100115');
  });
});
