/**
 * Volume makes a cold shared prefix warm with a probability (prefix-cache.ts, sharedWarmth). The
 * request then stands for two real cache states, and a lever after the cache that cuts the cached
 * prefix (compress) and applies the model's minimum cacheable length must do so in each state, not
 * on the expected read: an expected read of 1,146 tokens cut by 800 is 346, below the 1,024
 * minimum, but no real request reads 346 tokens (a warm one reads 1,200, a cold one writes 1,200).
 * Thresholding the expectation turned compress's saving negative and made it jump as k moved.
 */
import { describe, expect, it } from 'vitest';
import { runScenario } from '../../src/simulate/engine.js';
import { priceState } from '../../src/simulate/price.js';
import type { Scenario } from '../../src/simulate/scenario.js';
import { baselineRequests, env, hourlyRequests, pricer, rec } from './helpers.js';

function scenario(k: number): Scenario {
  return {
    name: 'grow-and-compress',
    at: 'test:1',
    levers: [
      { kind: 'volume', name: 'volume', params: { k }, at: 'test:2' },
      { kind: 'prefixCache', name: 'prefixCache', params: {}, at: 'test:3' },
      { kind: 'compress', name: 'compress', params: { factor: 0.6 }, at: 'test:4' },
    ],
  };
}

const base = baselineRequests(hourlyRequests('vc'));
const baseline = priceState(pricer, base);
/** Per request, in µ$: cost after the cache, compress's saving, cost after compress. */
function at(k: number) {
  const steps = runScenario(base, baseline, scenario(k), env).steps;
  const n = 48 * k;
  return {
    cached: Number(steps[1].after.total) / n / 1e9,
    compressSaving: Number(steps[2].saving) / n / 1e9,
    final: Number(steps[2].after.total) / n / 1e9,
  };
}

describe('compress after a volume-warmed prefix cache', () => {
  it('hand-computed point at k = 11', () => {
    // claude-t: input $1, 5m write $1.25, read $0.10 per MTok, minimum 1,024. compress 0.6 keeps
    // 1,200 of the 2,000 system tokens (800 cut). P(warm) at k = 11 is 0.57302 (volume-curve.test.ts).
    //   cold state: write 1,200 + 200 input; warm state: read 1,200 + 200 input
    //   expectation: read round(0.57302 x 1,200) = 688, write round(0.42698 x 1,200) = 512, input 200
    //   68.8 + 640 + 200 = 908.8 µ$; before compress 1,382.1 µ$ (read 1,146, write 854, input 200)
    //   saving 473.3 µ$ (the old code cut the expected read to 346 < 1,024, made it a write:
    //   1,200 x 1.25 + 200 = 1,700 µ$, a saving of -317.9 µ$)
    const r = at(11);
    expect(r.cached).toBeCloseTo(1382.1, 6);
    expect(r.final).toBeCloseTo(908.8, 6);
    expect(r.compressSaving).toBeCloseTo(473.3, 6);
  });

  it("compress's saving per request falls smoothly with k (more of what it cuts is a cheap read), never below 0", () => {
    // per request: (1 - P) x 800 x $1.25 + P x 800 x $0.10 = 1,000 - 920 P µ$, P rising with k
    const ks = [1, 1.5, 2, 3, 3.25, 3.5, 4, 6, 10, 11, 15, 20, 25, 29, 30, 31, 35, 40];
    const s = ks.map((k) => at(k).compressSaving);
    expect(s[0]).toBeCloseTo(1000, 6);
    for (let i = 1; i < ks.length; i++) {
      expect(s[i]).toBeGreaterThan(0);
      expect(s[i]).toBeLessThanOrEqual(s[i - 1] + 1e-6);
      // bounded step: at most the slope's bound, 920 x dP/dk <= 920 x λT = 78.3 µ$ per unit of k (+ rounding)
      expect(s[i - 1] - s[i]).toBeLessThanOrEqual(78.3 * (ks[i] - ks[i - 1]) + 0.2);
    }
  });

  it('the cost per request after compress falls with k (the old code held it at 1,700 µ$ up to k = 29)', () => {
    const ks = [1, 2, 3, 3.25, 3.5, 4, 10, 20, 30, 31];
    const f = ks.map((k) => at(k).final);
    for (let i = 1; i < ks.length; i++) expect(f[i]).toBeLessThan(f[i - 1]);
  });

  it('the same total with compress listed before the prefix cache (its cut replayed on each state)', () => {
    for (const k of [3.25, 11]) {
      const levers = scenario(k).levers;
      const swapped = { ...scenario(k), levers: [levers[0], levers[2], levers[1]] };
      const a = runScenario(base, baseline, scenario(k), env).final.total;
      const b = runScenario(base, baseline, swapped, env).final.total;
      expect(Number(b) / Number(a)).toBeCloseTo(1, 6);
    }
  });
});

/**
 * The parametric prefix cache (no text: hit probabilities from arrival rates) makes a request warm
 * with probability p too. Its warm and cold states are kept as in the replay, so a later compress
 * applies the minimum to a real read, not to the expected one.
 */
describe('compress after a parametric prefix cache hit with probability p', () => {
  // Ten untimed requests of 2,000 input tokens (no text) on claude-t (input $1, 5m write $1.25, read
  // $0.10 per MTok, minimum 1,024, refreshed on hit), a 1,500-token static prefix. arrivalsPerHour
  // 12 ln 2 with a 5m TTL: λT = ln 2, P(hit) = 1 - e^(-ln 2) = 0.5. compress factor 0.8 of 1,500
  // static tokens cuts 300.
  //   after the cache, per request: read 0.5 x 1,500 = 750, write 750, input 500
  //     75 + 937.5 + 500 = 1,512.5 µ$
  //   after compress: cold state writes 1,200 (+ 500 input) = 2,000 µ$; warm state reads 1,200
  //     (+ 500 input) = 620 µ$; expectation read 600, write 600, input 500 = 60 + 750 + 500 = 1,310 µ$
  //     saving 202.5 µ$ (= 300 x (0.5 x 1.25 + 0.5 x 0.10))
  //   (averaged: the expected read 750 - 300 = 450 < 1,024 became a write, 1,200 x 1.25 + 500 =
  //   2,000 µ$, a saving of -487.5 µ$)
  const recs = Array.from({ length: 10 }, () => rec('claude-t', { inputTokens: 2000 }));
  const b = baselineRequests(recs);
  const bp = priceState(pricer, b);
  const cache = {
    kind: 'prefixCache',
    name: 'prefixCache',
    params: { mode: 'parametric', staticPrefixTokens: 1500, arrivalsPerHour: 12 * Math.LN2 },
    at: 'test:2',
  } as const;
  const comp = { kind: 'compress', name: 'compress', params: { factor: 0.8, staticTokens: 1500 }, at: 'test:3' } as const;
  const perRequest = (x: bigint) => Number(x) / 10 / 1e9;

  it('hand-computed: 1,512.5 µ$ after the cache, 1,310 µ$ after compress', () => {
    const steps = runScenario(b, bp, { name: 'p', at: 'test:1', levers: [cache, comp] }, env).steps;
    expect(perRequest(steps[0].after.total)).toBeCloseTo(1512.5, 6);
    expect(perRequest(steps[1].after.total)).toBeCloseTo(1310, 6);
    expect(perRequest(steps[1].saving)).toBeCloseTo(202.5, 6);
  });

  it('the same total with compress listed first', () => {
    const res = runScenario(b, bp, { name: 'p', at: 'test:1', levers: [comp, cache] }, env);
    expect(perRequest(res.final.total)).toBeCloseTo(1310, 6);
  });
});
