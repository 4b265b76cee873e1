/**
 * Lever invariants on a mixed synthetic log: zero strength (or an empty scope) leaves the
 * baseline untouched; no request ever costs less than nothing; tokens never increase except
 * where a lever adds calls (summaries, volume copies) or converts between tokenizers (route).
 */
import { describe, expect, it } from 'vitest';
import { LEVERS } from '../../src/simulate/levers/index.js';
import { priceState } from '../../src/simulate/price.js';
import { promptOf, type LeverKind, type SimRequest } from '../../src/simulate/types.js';
import { baselineRequests, ctxFor, minutes, pricer, rec, words } from './helpers.js';
import type { UsageRecord } from '../../src/usage/record.js';

function mixedLog(): UsageRecord[] {
  const out: UsageRecord[] = [];
  const sys = words('sys', 1500);
  for (let i = 0; i < 60; i++) {
    const model = ['claude-t', 'gpt-t', 'big-t'][i % 3];
    const conv = i % 4 === 0 ? `c${i % 12}` : undefined;
    out.push(
      rec(model, {
        timeMs: minutes(i * 2),
        inputTokens: 1600 + (i % 7) * 100,
        cacheReadTokens: i % 5 === 0 ? 500 : 0,
        outputTokens: 100 + (i % 9) * 80,
        conversationId: conv,
        turn: conv ? 1 + Math.floor(i / 12) : undefined,
        imageCount: conv ? 1 + Math.floor(i / 24) : undefined,
        tags: { feature: ['chat', 'search', 'summary'][i % 3], customer: `cust${i % 4}`, outcome: i % 6 === 0 ? 'failure' : 'success' },
        text: {
          messages: [
            { role: 'system', content: sys },
            { role: 'user', content: words(`u${i}_`, 100 + (i % 7) * 100) },
          ],
          query: `question about topic ${i % 5}`,
        },
      }),
    );
  }
  return out;
}

/** Each lever at zero strength. */
const ZERO: Record<LeverKind, Record<string, unknown>> = {
  prefixCache: {}, // scope emptied below: caching can reshuffle buckets, so zero = no requests in scope
  semanticCache: {},
  summarize: { afterTurns: 1000, summaryTokens: 100 },
  route: { to: 'small-t', share: 0 },
  batch: { share: 0 },
  outputCap: { factor: 1 },
  compress: { factor: 1 },
  volume: { k: 1 },
  images: { keepTurns: 1000 },
  budgetCap: { per: 'customer', capUsd: 1000000 },
};

/** Each lever at a real strength. */
const ON: Record<LeverKind, Record<string, unknown>> = {
  prefixCache: { ttl: '1h', reorder: true },
  semanticCache: { threshold: 0.6, lookupCostUsd: 0.0001 },
  summarize: { afterTurns: 1, summaryTokens: 100 },
  route: { to: 'claude-t', share: 0.5, retryRate: 0.1 },
  batch: { share: 0.7 },
  outputCap: { maxTokens: 300 },
  compress: { factor: 0.5 },
  volume: { k: 3 },
  images: { keepTurns: 0 },
  budgetCap: { per: 'customer', capUsd: 0.01, period: 'day' },
};

const NOWHERE = { feature: ['no-such-feature'] };
const kinds = Object.keys(LEVERS) as LeverKind[];

const LOG = mixedLog();

function apply(kind: LeverKind, params: Record<string, unknown>, where?: typeof NOWHERE): SimRequest[] {
  const def = LEVERS[kind];
  return def.lever.apply(baselineRequests(LOG), def.lever.parse(params), ctxFor(where)).requests;
}

const strip = (reqs: SimRequest[]) => reqs.map((r) => ({ ...r, record: r.record.id }));

describe.each(kinds)('%s invariants', (kind) => {
  const base = baselineRequests(LOG);
  it('zero strength leaves the baseline unchanged', () => {
    const out = kind === 'prefixCache' || kind === 'semanticCache' ? apply(kind, ZERO[kind], NOWHERE) : apply(kind, ZERO[kind]);
    expect(strip(out)).toEqual(strip(base));
    expect(priceState(pricer, out).total).toBe(priceState(pricer, base).total);
  });

  it('an empty scope leaves the baseline unchanged', () => {
    expect(strip(apply(kind, ON[kind], NOWHERE))).toEqual(strip(base));
  });

  it('no request costs less than nothing', () => {
    const priced = priceState(pricer, apply(kind, ON[kind]));
    for (const c of priced.costs) expect(c === undefined || c >= 0n).toBe(true);
    for (const r of apply(kind, ON[kind])) {
      for (const v of [r.inputTokens, r.cacheReadTokens, r.cacheWrite5mTokens, r.cacheWrite1hTokens, r.outputTokens])
        expect(v).toBeGreaterThanOrEqual(0);
    }
  });

  it('tokens never increase on logged requests (route: same-tokenizer target)', () => {
    const out = apply(kind, ON[kind]);
    const byId = new Map(base.map((r) => [r.id, r]));
    for (const r of out) {
      if (r.origin !== 'log') continue; // added calls and volume copies are new traffic
      const b = byId.get(r.id)!;
      expect(promptOf(r)).toBeLessThanOrEqual(promptOf(b));
      expect(r.outputTokens).toBeLessThanOrEqual(b.outputTokens);
    }
  });
});

describe('engine', () => {
  it('waterfall steps add up to the scenario total', async () => {
    const { runScenario } = await import('../../src/simulate/engine.js');
    const base = baselineRequests(LOG);
    const baseline = priceState(pricer, base);
    const levers = kinds.filter((k) => k !== 'volume').map((kind) => ({ kind, name: kind, params: ON[kind], at: 'test' }));
    const res = runScenario(base, baseline, { name: 's', levers, at: 'test' }, ctxFor().env, () => 0);
    const sum = res.steps.reduce((a, s) => a + s.saving, 0n);
    expect(baseline.total - res.final.total).toBe(sum);
    expect(res.steps.map((s) => s.label)).toEqual(levers.map((l) => l.kind));
  });
});
