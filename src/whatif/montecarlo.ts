/**
 * Percentile bands by seeded Monte Carlo. A distribution states what is not known about a
 * month's average (tokens per request, requests per month): each sample draws one value per
 * distribution (mulberry32 PRNG; features in file order, then requests, input, output) and prices
 * the month in floats. Bands are for ranges only; point estimates stay exact (evaluate.ts).
 */
import type { Pricer, RateCard } from '../pricing/cost.js';
import { percentile, pointOf, sample, mulberry32 } from './dist.js';
import { chargeTerms } from './charges.js';
import { coeffsOf, currentArms, planCards, type Resolve } from './evaluate.js';
import { q, toFloat, usdToFemto, add } from '../pricing/money.js';
import type { FeatureSpec, WhatifSpec } from './schema.js';

export interface Band {
  p10: number;
  p50: number;
  p90: number;
}

export interface Bands {
  seed: number;
  samples: number;
  /** Monthly cost per feature, USD. */
  features: Array<{ name: string; band: Band }>;
  total: Band;
  margin: Band;
}

export function hasDistributions(spec: WhatifSpec): boolean {
  return spec.features.some((f) =>
    [f.inputTokens, f.outputTokens, f.requests.kind === 'total' ? f.requests.perMonth : f.requests.perUser].some((x) => x.kind !== 'fixed'),
  );
}

function bandOf(values: number[]): Band {
  const s = [...values].sort((a, b) => a - b);
  return { p10: percentile(s, 0.1), p50: percentile(s, 0.5), p90: percentile(s, 0.9) };
}

/** USD per token (input side, output side) for one feature at given token counts, memoised by rate cards. */
function coefficientCache(pricer: Pricer, resolve: Resolve, f: FeatureSpec) {
  const ids = new Map<RateCard, number>();
  const memo = new Map<string, { a: number; b: number }>();
  const arms = currentArms(f);
  return (inputTokens: number, outputTokens: number) => {
    const uses = planCards(pricer, resolve, arms, inputTokens, outputTokens);
    const key = uses
      .map((u) => {
        if (!ids.has(u.card)) ids.set(u.card, ids.size);
        return ids.get(u.card);
      })
      .join(',');
    let c = memo.get(key);
    if (!c) {
      const k = coeffsOf(uses);
      c = { a: toFloat(add(add(k.input, k.cacheRead), k.cacheWrite)) / 1e15, b: toFloat(k.output) / 1e15 };
      memo.set(key, c);
    }
    return c;
  };
}

export function monteCarlo(spec: WhatifSpec, pricer: Pricer, resolve: Resolve, seed: number, samples: number): Bands {
  const rand = mulberry32(seed);
  const feats = spec.features.map((f) => ({
    f,
    coeffs: coefficientCache(pricer, resolve, f),
    // per-call charges do not depend on token counts: priced once at the point estimate's cards
    nonTokenUsd:
      toFloat(
        chargeTerms(
          f.name,
          f.chargesPerRequest,
          planCards(pricer, resolve, currentArms(f), pointOf(f.inputTokens), pointOf(f.outputTokens), f.inputTokens),
        ).reduce(add, usdToFemto(q(f.nonTokenCostPerRequestUsd))),
      ) / 1e15,
  }));
  const perFeature: number[][] = feats.map(() => []);
  const totals: number[] = [];
  const margins: number[] = [];
  const pp = spec.pricePoint;
  for (let s = 0; s < samples; s++) {
    let total = 0;
    let requestsAll = 0;
    feats.forEach(({ f, coeffs, nonTokenUsd }, i) => {
      const requests =
        f.requests.kind === 'total' ? sample(f.requests.perMonth, rand) : f.requests.users * sample(f.requests.perUser, rand);
      const inTok = sample(f.inputTokens, rand);
      const outTok = sample(f.outputTokens, rand);
      const c = coeffs(inTok, outTok);
      const cost = requests * (c.a * inTok + c.b * outTok + nonTokenUsd);
      perFeature[i].push(cost);
      total += cost;
      requestsAll += requests;
    });
    totals.push(total);
    const revenue = pp.kind === 'seat' ? pp.perSeatUsd * pp.seats : pp.perRequestUsd * requestsAll;
    margins.push(revenue - total);
  }
  return {
    seed,
    samples,
    features: feats.map(({ f }, i) => ({ name: f.name, band: bandOf(perFeature[i]) })),
    total: bandOf(totals),
    margin: bandOf(margins),
  };
}
