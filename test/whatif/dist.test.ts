import { describe, expect, it } from 'vitest';
import { meanOf, mulberry32, percentile, pointOf, sample } from '../../src/whatif/dist.js';
import { scaleDecimal } from '../../src/whatif/sensitivity.js';
import { doc, run } from './helpers.js';

describe('distributions', () => {
  it('mulberry32 is deterministic per seed and in [0, 1)', () => {
    const a = mulberry32(7);
    const b = mulberry32(7);
    const xs = Array.from({ length: 1000 }, () => a());
    expect(Array.from({ length: 1000 }, () => b())).toEqual(xs);
    expect(xs.every((x) => x >= 0 && x < 1)).toBe(true);
    expect(mulberry32(8)()).not.toBe(xs[0]);
  });

  it('means: lognormal above its median, truncated normal, uniform', () => {
    // sigma = ln(3000/1000) / 1.28155 = 0.857250; mean = 1000 x exp(0.857250^2 / 2) = 1000 x 1.44405 = 1444.05
    expect(meanOf({ kind: 'lognormal', p50: 1000, p90: 3000 })).toBeCloseTo(1444.05, 1);
    // normal(0, 1) truncated at 0: 1 x phi(0) / (1 - Phi(0)) = 0.398942 / 0.5 = 0.797885
    expect(meanOf({ kind: 'normal', mean: 0, sd: 1 })).toBeCloseTo(0.797885, 5);
    // a = -900/250 = -3.6: 250 x phi(3.6) / (1 - Phi(-3.6)) = 250 x 0.00061190 / 0.999841 = 0.153
    expect(meanOf({ kind: 'normal', mean: 900, sd: 250 })).toBeCloseTo(900.153, 2);
    expect(meanOf({ kind: 'uniform', min: 150, max: 400 })).toBe(275);
    expect(pointOf({ kind: 'lognormal', p50: 1000, p90: 3000 })).toBe(1444);
  });

  it('samples stay in range and match the fitted percentiles', () => {
    const rand = mulberry32(1);
    const logn = Array.from({ length: 20000 }, () => sample({ kind: 'lognormal', p50: 1000, p90: 3000 }, rand)).sort((a, b) => a - b);
    expect(percentile(logn, 0.5)).toBeGreaterThan(950);
    expect(percentile(logn, 0.5)).toBeLessThan(1050);
    expect(percentile(logn, 0.9)).toBeGreaterThan(2800);
    expect(percentile(logn, 0.9)).toBeLessThan(3200);
    const norm = Array.from({ length: 2000 }, () => sample({ kind: 'normal', mean: 10, sd: 50 }, rand));
    expect(Math.min(...norm)).toBeGreaterThanOrEqual(0);
    const uni = Array.from({ length: 2000 }, () => sample({ kind: 'uniform', min: 5, max: 6 }, rand));
    expect(Math.min(...uni)).toBeGreaterThanOrEqual(5);
    expect(Math.max(...uni)).toBeLessThan(6);
  });

  it('percentile interpolates between ranks', () => {
    // positions (n-1) x p: 0.1 -> 0.4 -> 10 + 0.4 x 10 = 14; 0.5 -> 2 -> 30
    expect(percentile([10, 20, 30, 40, 50], 0.1)).toBe(14);
    expect(percentile([10, 20, 30, 40, 50], 0.5)).toBe(30);
  });

  it('scales decimals exactly for sensitivity', () => {
    expect(scaleDecimal(0.3, 120)).toBe(0.36); // not 0.36000000000000004
    expect(scaleDecimal(0.15, 80)).toBe(0.12);
    expect(scaleDecimal(45, 120)).toBe(54);
  });
});

describe('Monte Carlo bands', () => {
  const text = doc('    inputTokens: { p50: 1000, p90: 3000 }\n    outputTokens: { min: 400, max: 600 }\n');

  it('are deterministic for a seed, ordered, and absent without distributions', () => {
    const a = run(text, [], { seed: 3, samples: 500 }).bands!;
    const b = run(text, [], { seed: 3, samples: 500 }).bands!;
    expect(b).toEqual(a);
    expect(a.total.p10).toBeLessThanOrEqual(a.total.p50);
    expect(a.total.p50).toBeLessThanOrEqual(a.total.p90);
    expect(a.margin.p10).toBeLessThanOrEqual(a.margin.p90);
    expect(run(text, [], { seed: 4, samples: 500 }).bands!.total.p50).not.toBe(a.total.p50);
    expect(run(doc('    inputTokens: 1000\n    outputTokens: 500\n')).bands).toBeUndefined();
  });

  it('bracket the cost range the distributions allow', () => {
    const bands = run(text, [], { seed: 1, samples: 2000 }).bands!;
    // output uniform 400..600 -> $0.0016..$0.0024 per request; input median 1000 -> $0.001.
    // p50 of the month is near 10,000 x ($0.001 + $0.002) = $30; lognormal p10 input is 1000 / 3 = 333 tokens.
    expect(bands.total.p50).toBeGreaterThan(28);
    expect(bands.total.p50).toBeLessThan(32);
    // p10 >= 10,000 x (333 x $1/M + 400 x $4/M) = $19.3; p90 <= 10,000 x (3000 x $1/M + 600 x $4/M) = $54
    expect(bands.total.p10).toBeGreaterThan(19.3);
    expect(bands.total.p90).toBeLessThan(54);
  });
});
