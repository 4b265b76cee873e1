import { describe, expect, it } from 'vitest';
import { prefixCache } from '../../src/simulate/levers/prefix-cache.js';
import { poissonHitRate } from '../../src/simulate/levers/prefix-parametric.js';
import { breakEvenReads } from '../../src/simulate/levers/cache-rules.js';
import { baselineRequests, ctxFor, minutes, rec, total, usd, words, pricer } from './helpers.js';

const SYSTEM = words('sys', 2000);

function chatRecord(at: number, user: string, extra: Record<string, unknown> = {}) {
  return rec('claude-t', {
    timeMs: at,
    inputTokens: 2500,
    outputTokens: 0,
    text: {
      messages: [
        { role: 'system', content: SYSTEM },
        { role: 'user', content: words(user, 500) },
      ],
    },
    ...extra,
  });
}

const apply = (records: ReturnType<typeof chatRecord>[], params: Record<string, unknown> = {}) =>
  prefixCache.apply(baselineRequests(records), prefixCache.parse(params), ctxFor());

describe('prefixCache replay: worked example', () => {
  // Model: input $1/MTok, 5m write $1.25, read $0.10, min 1,024 tokens, TTL 5m refreshed on hit.
  // Each prompt: a 2,000-token system message (shared) + a 500-token user message (unique).
  // Requests at t = 0, 2, 6, 20 minutes. Breakpoint (not a conversation): end of the static prefix (2,000).
  const records = [chatRecord(minutes(0), 'a'), chatRecord(minutes(2), 'b'), chatRecord(minutes(6), 'c'), chatRecord(minutes(20), 'd')];
  const out = apply(records);

  it('hits and writes per request', () => {
    // t=0: miss; writes 2,000 (system), 500 plain input.
    expect(out.requests[0]).toMatchObject({ cacheReadTokens: 0, cacheWrite5mTokens: 2000, inputTokens: 500 });
    // t=2: the system prompt written at t=0 is live (expires t=5): reads 2,000, nothing to write.
    expect(out.requests[1]).toMatchObject({ cacheReadTokens: 2000, cacheWrite5mTokens: 0, inputTokens: 500 });
    // t=6: the hit at t=2 refreshed the TTL to t=7: reads 2,000.
    expect(out.requests[2]).toMatchObject({ cacheReadTokens: 2000, cacheWrite5mTokens: 0, inputTokens: 500 });
    // t=20: expired at t=11 (refreshed at 6): miss, writes 2,000 again.
    expect(out.requests[3]).toMatchObject({ cacheReadTokens: 0, cacheWrite5mTokens: 2000, inputTokens: 500 });
  });

  it('dollars', () => {
    // misses: 2,000 x $1.25 + 500 x $1 = $0.003;  hits: 2,000 x $0.10 + 500 x $1 = $0.0007 (per MTok)
    // total 2 x 0.003 + 2 x 0.0007 = $0.0074, against 4 x 2,500 x $1 = $0.01 uncached.
    expect(usd(total(baselineRequests(records)))).toBe('0.01');
    expect(usd(total(out.requests))).toBe('0.0074');
    expect(out.metrics).toContainEqual(['replay hit rate', '50.0%']);
  });

  it('breakpoint at the end of the prompt writes the user message too', () => {
    // end: t=0 writes 2,500; t=2 reads 2,000 (message boundary) writes 500; t=6 same; t=20 writes 2,500.
    // 2 x 2,500 x 1.25 + 2 x (2,000 x 0.1 + 500 x 1.25) = 6,250 + 1,650 = 7,900 -> $0.0079
    const end = apply(records, { breakpoint: 'end' });
    expect(usd(total(end.requests))).toBe('0.0079');
  });

  it('1h TTL keeps the t=20 request warm and bills writes at the 1h price', () => {
    // t=0 writes 2,000 at $2 = 4,000 + 500 input; t=2, 6, 20 read 2,000 at $0.10 = 200 + 500 each.
    // 4,500 + 3 x 700 = 6,600 -> $0.0066
    const h = apply(records, { ttl: '1h' });
    expect(h.requests[3]).toMatchObject({ cacheReadTokens: 2000, cacheWrite1hTokens: 0 });
    expect(h.requests[0]).toMatchObject({ cacheWrite1hTokens: 2000, cacheWrite5mTokens: 0 });
    expect(usd(total(h.requests))).toBe('0.0066');
  });

  it('a prompt below the minimum is neither read nor written', () => {
    const small = [0, 1].map((m) => rec('claude-t', { timeMs: minutes(m), inputTokens: 900, text: { prompt: words('x', 900) } }));
    const r = apply(small as never);
    expect(r.requests.map((x) => x.cacheReadTokens + x.cacheWrite5mTokens)).toEqual([0, 0]);
  });
});

describe('prefixCache replay: conversation and increments', () => {
  it('a conversation reads the previous turn and writes only the new part', () => {
    // turn 1: system 2,000 + user 100; turn 2 adds assistant 100 + user 100 (1 minute later).
    const sys = { role: 'system', content: words('s', 2000) };
    const u1 = { role: 'user', content: words('u', 100) };
    const a1 = { role: 'assistant', content: words('a', 100) };
    const u2 = { role: 'user', content: words('v', 100) };
    const t1 = rec('claude-t', { timeMs: minutes(0), inputTokens: 2100, conversationId: 'c1', turn: 1, text: { messages: [sys, u1] } });
    const t2 = rec('claude-t', {
      timeMs: minutes(1),
      inputTokens: 2300,
      conversationId: 'c1',
      turn: 2,
      text: { messages: [sys, u1, a1, u2] },
    });
    const out = prefixCache.apply(baselineRequests([t1, t2]), prefixCache.parse({}), ctxFor());
    expect(out.requests[0]).toMatchObject({ cacheWrite5mTokens: 2100, cacheReadTokens: 0 });
    expect(out.requests[1]).toMatchObject({ cacheReadTokens: 2100, cacheWrite5mTokens: 200, inputTokens: 0 });
  });

  it('OpenAI-style increments floor hits to 128-token steps and writes bill as input', () => {
    // shared prefix 1,500 tokens -> 1,408 (11 x 128) cached; read price $0.50, write = input $1.
    const a = rec('gpt-t', { timeMs: minutes(0), inputTokens: 1600, text: { prompt: `${words('p', 1500)} ${words('q', 100)}` } });
    const b = rec('gpt-t', { timeMs: minutes(1), inputTokens: 1600, text: { prompt: `${words('p', 1500)} ${words('r', 100)}` } });
    const out = prefixCache.apply(baselineRequests([a, b]), prefixCache.parse({}), ctxFor());
    expect(out.requests[1].cacheReadTokens).toBe(1408);
    // b: 1,408 x 0.5 + 192 x 1 = 896 ; a: 1,600 x 1 = 1,600 -> $0.002496
    expect(usd(total(out.requests))).toBe('0.002496');
  });
});

describe('prefixCache invariants and parametric mode', () => {
  it('requests without text and no static prefix are left as logged', () => {
    const r = rec('claude-t', { timeMs: minutes(0), inputTokens: 3000, cacheReadTokens: 100 });
    const out = prefixCache.apply(baselineRequests([r]), prefixCache.parse({}), ctxFor());
    expect(out.requests[0]).toEqual(baselineRequests([r])[0]);
    expect(out.notes.join(' ')).toMatch(/staticPrefixTokens/);
  });

  it('Poisson hit rates', () => {
    // 60/h, TTL 5m refreshed: 1 - e^-5 = 0.99326; not refreshed: 5/6
    expect(poissonHitRate(60 / 3_600_000, 300_000, true)).toBeCloseTo(0.99326, 5);
    expect(poissonHitRate(60 / 3_600_000, 300_000, false)).toBeCloseTo(5 / 6, 10);
    expect(poissonHitRate(0, 300_000, true)).toBe(0);
  });

  it('parametric, untimed: static prefix read at P(hit), written otherwise', () => {
    // 61 untimed requests at a given 60/h: λ·T = 1/min x 5 min = 5, TTL refreshed -> P(hit) = 1 - e^-5 = 0.99326
    // S = 3,000 of a 4,000-token prompt: read round(3,000 x 0.99326) = 2,980, write 20, input 1,000.
    const recs = Array.from({ length: 61 }, () => rec('claude-t', { timeMs: undefined, inputTokens: 4000, tags: { feature: 'f' } }));
    const out = prefixCache.apply(
      baselineRequests(recs),
      prefixCache.parse({ mode: 'parametric', staticPrefixTokens: 3000, arrivalsPerHour: 60 }),
      ctxFor(),
    );
    expect(out.requests[7]).toMatchObject({ cacheReadTokens: 2980, cacheWrite5mTokens: 20, inputTokens: 1000 });
  });

  it('parametric, timed: hits follow the logged gaps, not a mean rate', () => {
    // Arrivals at 0, 2, 6, 20 and 300 minutes, TTL 5m refreshed on hit: the requests at 2 and 6 hit
    // (gaps 2 and 4 <= 5), 0, 20 and 300 miss. S = 3,000 of 4,000 tokens:
    //   hit:  3,000 x $0.10 + 1,000 x $1 = $0.0013;  miss: 3,000 x $1.25 + 1,000 x $1 = $0.00475
    //   total 2 x 0.0013 + 3 x 0.00475 = $0.01685
    // (A Poisson process at the mean rate, 4 / 300 min, gives P(hit) = 1 - e^(-1/15) = 6.4%: all
    // five requests would pay nearly the full write.)
    const recs = [0, 2, 6, 20, 300].map((m) => rec('claude-t', { timeMs: minutes(m), inputTokens: 4000, tags: { feature: 'f' } }));
    const out = prefixCache.apply(baselineRequests(recs), prefixCache.parse({ mode: 'parametric', staticPrefixTokens: 3000 }), ctxFor());
    expect(out.requests.map((r) => r.cacheReadTokens)).toEqual([0, 3000, 3000, 0, 0]);
    expect(out.requests.map((r) => r.cacheWrite5mTokens)).toEqual([3000, 0, 0, 3000, 3000]);
    expect(usd(total(out.requests))).toBe('0.01685');
  });

  it('parametric, timed, no refresh on hit: a hit needs the last write within the TTL', () => {
    // gpt-t (implicit cache, no refresh), S = 2,048 of 3,000 tokens, TTL 5m. Arrivals at 0, 4, 8, 9:
    // 0 writes; 4 hits (write at 0, 4 <= 5); 8 misses (8 > 5 after the write at 0) and writes;
    // 9 hits (1 after the write at 8). Read 2,048 at 4 and 9.
    const recs = [0, 4, 8, 9].map((m) => rec('gpt-t', { timeMs: minutes(m), inputTokens: 3000, tags: { feature: 'f' } }));
    const out = prefixCache.apply(baselineRequests(recs), prefixCache.parse({ mode: 'parametric', staticPrefixTokens: 2048 }), ctxFor());
    expect(out.requests.map((r) => r.cacheReadTokens)).toEqual([0, 2048, 0, 2048]);
  });

  it('break-even reads per write', () => {
    const card = pricer.cardFor(rec('claude-t'))!;
    // (1.25 - 1) / (1 - 0.1) = 0.2778; 1h: (2 - 1) / 0.9 = 1.111
    expect(breakEvenReads(card.prices, '5m')).toBeCloseTo(0.2778, 4);
    expect(breakEvenReads(card.prices, '1h')).toBeCloseTo(1.1111, 4);
  });
});
