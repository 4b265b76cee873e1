/**
 * Issue 12's lever defects, each on a small log whose right answer is worked out by hand in the
 * comments (claude-t: input $1/MTok, 5m write $1.25, read $0.10, output $5; big-t: $3 / $15).
 * Cross-turn effects are tested on multi-turn conversations, not single requests.
 */
import { describe, expect, it } from 'vitest';
import { outputCap } from '../../src/simulate/levers/output-cap.js';
import { route } from '../../src/simulate/levers/route.js';
import { priceState } from '../../src/simulate/price.js';
import { baselineRequests, ctxFor, minutes, pricer, rec, total, usd } from './helpers.js';

describe('outputCap shortens the history later turns re-send (defect 3)', () => {
  // turn 1: prompt 1,000, answer 800; turn 2: 1,000 + 800 + 100 = 1,900, answer 200;
  // turn 3: 1,900 + 200 + 100 = 2,200, answer 100.
  const conv = () => [[1000, 800], [1900, 200], [2200, 100]].map(([p, o], i) => rec('claude-t', { timeMs: minutes(i), inputTokens: p, outputTokens: o, conversationId: 'c', turn: i + 1 }));
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
  it('a longer routed answer lengthens the later turns of the conversation', () => {
    // 2 turns on big-t, answers 100 tokens; outputFactor 2 -> answers 200: turn 2 re-sends 100 more.
    const recs = [1000, 1200].map((p, i) => rec('big-t', { timeMs: minutes(i), inputTokens: p, outputTokens: 100, conversationId: 'k', turn: i + 1 }));
    const out = route.apply(baselineRequests(recs), route.parse({ to: 'claude-t', outputFactor: 2 }), ctxFor());
    expect(out.requests.map((r) => r.inputTokens)).toEqual([1000, 1300]);
    // input 2,300 x $1 + output 400 x $5 = $0.0043
    expect(usd(total(out.requests))).toBe('0.0043');
  });
});
