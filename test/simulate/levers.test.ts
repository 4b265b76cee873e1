import { describe, expect, it } from 'vitest';
import { batch } from '../../src/simulate/levers/batch.js';
import { compress } from '../../src/simulate/levers/compress.js';
import { droppedPerTurn, imagesLever } from '../../src/simulate/levers/images.js';
import { outputCap } from '../../src/simulate/levers/output-cap.js';
import { route } from '../../src/simulate/levers/route.js';
import { semanticCache } from '../../src/simulate/levers/semantic-cache.js';
import { summarize } from '../../src/simulate/levers/summarize.js';
import { volume } from '../../src/simulate/levers/volume.js';
import { baselineRequests, ctxFor, env, minutes, rec, total, usd } from './helpers.js';
import { leverSections } from '../../src/simulate/lever-details.js';

describe('semanticCache worked example', () => {
  // Three queries on a $1/MTok-input model, 10,000 input tokens each ($0.01 per call); lookup $0.001.
  const q = (m: number, query: string) =>
    rec('claude-t', { timeMs: minutes(m), inputTokens: 10_000, tags: { feature: 'kb' }, text: { query } });
  const recs = [q(0, 'How do I reset my password?'), q(1, 'how do i reset my password'), q(2, 'How do I reset my password please')];
  const run = (threshold: number) =>
    semanticCache.apply(baselineRequests(recs), semanticCache.parse({ threshold, lookupCostUsd: 0.001, thresholds: [0.8, 0.9] }), ctxFor());

  it('hits at 0.8: identical after normalisation (1.0) and 5 of 6 bigrams (0.83)', () => {
    const out = run(0.8);
    expect(out.requests.map((r) => r.dropped)).toEqual([false, true, true]);
    // one call $0.01 + three lookups $0.003 = $0.013 (baseline $0.03): saving $0.017
    expect(usd(total(out.requests))).toBe('0.013');
  });

  it('at 0.9 only the exact repeat hits', () => {
    const out = run(0.9);
    expect(out.requests.map((r) => r.dropped)).toEqual([false, true, false]);
    expect(usd(total(out.requests))).toBe('0.023');
  });

  it('curve rows per threshold', () => {
    const rows = leverSections(run(0.8).details!)[0].rows;
    expect(rows.map((r) => [r.threshold, r.hits])).toEqual([
      [0.8, 2],
      [0.9, 1],
    ]);
    // net at 0.8: 2 x $0.01 - 3 x $0.001 = $0.017
    expect(usd(rows[0].net as bigint)).toBe('0.017');
  });

  it('queryPattern extracts the question from a longer message', () => {
    const m = (i: number, question: string) =>
      rec('claude-t', {
        timeMs: minutes(i),
        inputTokens: 100,
        text: { query: `Excerpts ${i}\nlots of context ${i * 7}\nQuestion: ${question}` },
      });
    const out = semanticCache.apply(
      baselineRequests([m(0, 'reset password'), m(1, 'Reset password!')]),
      semanticCache.parse({ threshold: 0.9, queryPattern: '^Question: (.*)$' }),
      ctxFor(),
    );
    expect(out.requests[1].dropped).toBe(true);
  });

  it('capacity 1 with LRU: a third query evicts the first', () => {
    const recs2 = [q(0, 'alpha beta gamma'), q(1, 'delta epsilon zeta'), q(2, 'alpha beta gamma')];
    const out = semanticCache.apply(baselineRequests(recs2), semanticCache.parse({ threshold: 0.9, capacity: 1 }), ctxFor());
    expect(out.requests.map((r) => r.dropped)).toEqual([false, false, false]);
  });
});

describe('summarize worked example', () => {
  // Prompts 1,000 / 3,000 / 5,000 / 7,000 over turns 1-4; $1/MTok input, $5 output (claude-t).
  // No output logged: each turn's 2,000 new tokens are its new message, kept verbatim.
  // (Updated in issue 12: the old figures folded the current turn's message into the summary.)
  const conv = [1000, 3000, 5000, 7000].map((p, i) =>
    rec('claude-t', { timeMs: minutes(i), inputTokens: p, conversationId: 'c', turn: i + 1 }),
  );
  it('summarises at turn 4 and keeps its new message', () => {
    // H(3) = 3,000 - 1,000 = 2,000 (not over 3,000); H(4) = 5,000 - 1,000 = 4,000 > 3,000: a summary
    // call reads 4,000 + 200 and writes 500; turn 4 sends 7,000 - (4,000 - 500) = 3,500.
    const out = summarize.apply(baselineRequests(conv), summarize.parse({ afterTokens: 3000, summaryTokens: 500 }), ctxFor());
    expect(out.requests.slice(0, 4).map((r) => r.inputTokens)).toEqual([1000, 3000, 5000, 3500]);
    const added = out.requests[4];
    expect(added).toMatchObject({ origin: 'added', inputTokens: 4200, outputTokens: 500 });
    // before 16,000 x $1 = $0.016; after 1,000 + 3,000 + 5,000 + 3,500 + 4,200 = 16,700 x $1 + 500 x $5 = $0.0192
    expect(usd(total(baselineRequests(conv)))).toBe('0.016');
    expect(usd(total(out.requests))).toBe('0.0192');
  });
  it('afterTurns: history of more than 2 turns', () => {
    // turn 4 carries turns 1-3 (3 > 2): H = 5,000 - 1,000 = 4,000 -> summary, prompt 7,000 - 3,500 = 3,500
    const out = summarize.apply(baselineRequests(conv), summarize.parse({ afterTurns: 2, summaryTokens: 500 }), ctxFor());
    expect(out.requests.slice(0, 4).map((r) => r.inputTokens)).toEqual([1000, 3000, 5000, 3500]);
  });
});

describe('route worked example', () => {
  it('converts tokens by tokenizer factor and applies retries', () => {
    // big-t $3/$15 (factor 1) -> small-t $0.25/$1.25 (factor 1.2): 1,200 in + 240 out,
    // x 1/(1 - 0.2) = 1.25 calls: (300 + 300) x 1.25 = 750 -> $0.00075 (from $0.006)
    const r = rec('big-t', { inputTokens: 1000, outputTokens: 200 });
    const out = route.apply(baselineRequests([r]), route.parse({ to: 'small-t', retryRate: 0.2, successRate: 0.9 }), ctxFor());
    expect(out.requests[0]).toMatchObject({ model: 'small-t', inputTokens: 1200, outputTokens: 240, successes: 0.9 });
    expect(usd(total(baselineRequests([r])))).toBe('0.006');
    expect(usd(total(out.requests))).toBe('0.00075');
  });
  it('share selects a deterministic subset', () => {
    const recs = Array.from({ length: 200 }, () => rec('big-t', { inputTokens: 10 }));
    const a = route.apply(baselineRequests(recs), route.parse({ to: 'small-t', share: 0.3 }), ctxFor());
    const b = route.apply(baselineRequests(recs), route.parse({ to: 'small-t', share: 0.3 }), ctxFor());
    const moved = a.requests.filter((r) => r.model === 'small-t').length;
    expect(moved).toBeGreaterThan(40);
    expect(moved).toBeLessThan(80);
    expect(b.requests.map((r) => r.model)).toEqual(a.requests.map((r) => r.model));
  });
  it('measures with both encodings when text is present', () => {
    const r = rec('big-t', { inputTokens: 10, text: { prompt: 'one two three four five' } });
    const out = route.apply(baselineRequests([r]), route.parse({ to: 'gpt-t' }), ctxFor());
    // same encoding (o200k) on both sides, factors 1 and 1 (gpt-t has none): ratio 1
    expect(out.requests[0].inputTokens).toBe(10);
  });
});

describe('batch worked example', () => {
  it('halves a model with a batch price and leaves one without', () => {
    // big-t: 10,000 x $3 + 1,000 x $15 = $0.045 -> $0.0225; small-t has no batch price
    const a = rec('big-t', { inputTokens: 10_000, outputTokens: 1000 });
    const b = rec('small-t', { inputTokens: 10_000 });
    const out = batch.apply(baselineRequests([a, b]), batch.parse({}), ctxFor());
    expect(out.requests.map((r) => r.serviceTier)).toEqual(['batch', 'standard']);
    expect(usd(total(out.requests.slice(0, 1)))).toBe('0.0225');
    expect(out.notes.join(' ')).toMatch(/small-t has no batch price/);
  });
});

describe('outputCap worked example', () => {
  it('caps at 500 and counts truncations', () => {
    // 100, 300, 800, 2,000 output tokens at $5/MTok: 3,200 -> 1,400 tokens, $0.016 -> $0.007
    const recs = [100, 300, 800, 2000].map((o) => rec('claude-t', { outputTokens: o }));
    const out = outputCap.apply(baselineRequests(recs), outputCap.parse({ maxTokens: 500 }), ctxFor());
    expect(out.requests.map((r) => r.outputTokens)).toEqual([100, 300, 500, 500]);
    expect(usd(total(out.requests))).toBe('0.007');
    expect(leverSections(out.details!)[0].rows[0]).toMatchObject({ truncated: 2, share: 0.5, p50: 300, max: 2000 });
  });
});

describe('compress worked example', () => {
  it('keeps 60% of the given static part', () => {
    // 3,000 input, staticTokens 2,000, factor 0.6: 800 removed -> 2,200; $0.003 -> $0.0022
    const r = rec('claude-t', { inputTokens: 3000 });
    const out = compress.apply(
      baselineRequests([r]),
      compress.parse({ factor: 0.6, staticTokens: 2000 }),
      ctxFor(undefined, 1, { ...env, encode: undefined }),
    );
    expect(out.requests[0].inputTokens).toBe(2200);
    expect(usd(total(out.requests))).toBe('0.0022');
  });
});

describe('images worked example', () => {
  it('drops images re-sent after their first turn', () => {
    expect(droppedPerTurn([1, 1, 2, 2], 0)).toEqual([0, 1, 1, 2]);
    expect(droppedPerTurn([1, 1, 2, 2], 1)).toEqual([0, 0, 1, 1]);
    // 4 x 1,590 = 6,360 tokens at $1/MTok (claude-t) = $0.00636 saved
    const recs = [1, 1, 2, 2].map((n, i) => rec('claude-t', { inputTokens: 10_000, imageCount: n, conversationId: 'c', turn: i + 1 }));
    const out = imagesLever.apply(baselineRequests(recs), imagesLever.parse({ keepTurns: 0 }), ctxFor());
    expect(out.requests.map((r) => r.inputTokens)).toEqual([10_000, 8410, 8410, 6820]);
    expect(usd(total(baselineRequests(recs)) - total(out.requests))).toBe('0.00636');
  });
});

describe('volume worked example', () => {
  const recs = [0, 1, 2].map((m) => rec('claude-t', { timeMs: minutes(m), inputTokens: 10_000 }));
  it('replicates k times', () => {
    const out = volume.apply(baselineRequests(recs), volume.parse({ k: 2, method: 'replicate' }), ctxFor());
    expect(out.requests.length).toBe(6);
    expect(usd(total(out.requests))).toBe('0.06');
    expect(out.requests.filter((r) => r.origin === 'replica').every((r) => r.replica === 1)).toBe(true);
  });
  it('compress: weights and TTL scale', () => {
    const out = volume.apply(baselineRequests(recs), volume.parse({ k: 2.5, method: 'compress' }), ctxFor());
    expect(out.requests.length).toBe(3);
    expect(out.ttlScale).toBe(2.5);
    expect(usd(total(out.requests))).toBe('0.075');
  });
});
