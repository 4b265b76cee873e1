/**
 * Distributions for uncertain assumptions, and the seeded PRNG for Monte Carlo bands.
 *   { p50, p90 }   lognormal fitted so its median is p50 and its 90th percentile is p90
 *   { mean, sd }   normal truncated at 0 (negative draws are redrawn)
 *   { min, max }   uniform
 * Point estimates use the distribution's mean, rounded to a whole number (tokens, requests).
 */
export type Dist =
  | { kind: 'lognormal'; p50: number; p90: number }
  | { kind: 'normal'; mean: number; sd: number }
  | { kind: 'uniform'; min: number; max: number };

/** A quantity as written: a plain number or a distribution. */
export type Quantity = { kind: 'fixed'; value: number } | Dist;

/** z of the standard normal's 90th percentile. */
export const Z90 = 1.2815515655446004;

export const DIST_KEYS: Record<Dist['kind'], readonly string[]> = {
  lognormal: ['p50', 'p90'],
  normal: ['mean', 'sd'],
  uniform: ['min', 'max'],
};

/** mulberry32: a small, fast 32-bit seeded PRNG; returns floats in [0, 1). */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Standard normal draw (Box-Muller; uses two uniforms per draw, for reproducibility). */
export function standardNormal(rand: () => number): number {
  const u1 = 1 - rand(); // (0, 1]
  const u2 = rand();
  return Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * u2);
}

export function lognormalSigma(p50: number, p90: number): number {
  return Math.log(p90 / p50) / Z90;
}

export function sample(q: Quantity, rand: () => number): number {
  switch (q.kind) {
    case 'fixed':
      return q.value;
    case 'lognormal':
      return q.p50 * Math.exp(lognormalSigma(q.p50, q.p90) * standardNormal(rand));
    case 'uniform':
      return q.min + (q.max - q.min) * rand();
    case 'normal': {
      if (q.sd === 0) return q.mean;
      for (let i = 0; i < 1000; i++) {
        const x = q.mean + q.sd * standardNormal(rand);
        if (x >= 0) return x;
      }
      return 0;
    }
  }
}

/** Complementary error function (Chebyshev fit, fractional error below 1.2e-7). */
function erfc(x: number): number {
  const z = Math.abs(x);
  const t = 1 / (1 + 0.5 * z);
  const poly =
    -z * z -
    1.26551223 +
    t *
      (1.00002368 +
        t *
          (0.37409196 +
            t *
              (0.09678418 +
                t * (-0.18628806 + t * (0.27886807 + t * (-1.13520398 + t * (1.48851587 + t * (-0.82215223 + t * 0.17087277))))))));
  const r = t * Math.exp(poly);
  return x >= 0 ? r : 2 - r;
}

/** Mean of the distribution as modelled (the lognormal's mean is above its median). */
export function meanOf(q: Quantity): number {
  switch (q.kind) {
    case 'fixed':
      return q.value;
    case 'lognormal': {
      const s = lognormalSigma(q.p50, q.p90);
      return q.p50 * Math.exp((s * s) / 2);
    }
    case 'uniform':
      return (q.min + q.max) / 2;
    case 'normal': {
      if (q.sd === 0) return q.mean;
      // truncated at 0: mean + sd * phi(a) / (1 - Phi(a)), a = -mean / sd
      const a = -q.mean / q.sd;
      const phi = Math.exp((-a * a) / 2) / Math.sqrt(2 * Math.PI);
      const tail = erfc(a / Math.SQRT2) / 2;
      return q.mean + (q.sd * phi) / tail;
    }
  }
}

/** Point estimate: a plain number as written; a distribution's mean rounded to a whole number. */
export function pointOf(q: Quantity): number {
  return q.kind === 'fixed' ? q.value : Math.round(meanOf(q));
}

/** Percentile of sorted values, linear interpolation between closest ranks (p in 0..1). */
export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return NaN;
  const pos = (sorted.length - 1) * p;
  const lo = Math.floor(pos);
  const hi = Math.min(sorted.length - 1, lo + 1);
  return sorted[lo] + (sorted[hi] - sorted[lo]) * (pos - lo);
}

/** One part of a distribution cut at thresholds: its probability and its partial mean E[X; X in the part]. */
export interface Part {
  p: number;
  e: number;
}

/** P(X > t) and E[X; X > t] of a (non-degenerate) distribution, in floating point. */
function tailOf(x: Dist, t: number): Part {
  switch (x.kind) {
    case 'lognormal': {
      const s = lognormalSigma(x.p50, x.p90);
      const z = (Math.log(t) - Math.log(x.p50)) / s;
      return { p: erfc(z / Math.SQRT2) / 2, e: (meanOf(x) * erfc((z - s) / Math.SQRT2)) / 2 };
    }
    case 'uniform': {
      const c = Math.min(Math.max(t, x.min), x.max);
      const p = (x.max - c) / (x.max - x.min);
      return { p, e: (p * (c + x.max)) / 2 };
    }
    case 'normal': {
      // truncated at 0: the untruncated tail over the mass at or above 0
      const kept = erfc(-x.mean / x.sd / Math.SQRT2) / 2;
      const a = (Math.max(t, 0) - x.mean) / x.sd;
      const upper = erfc(a / Math.SQRT2) / 2;
      const phi = Math.exp((-a * a) / 2) / Math.sqrt(2 * Math.PI);
      return { p: upper / kept, e: (x.mean * upper + x.sd * phi) / kept };
    }
  }
}

/**
 * A quantity cut at ascending thresholds into parts (at or below the first, between, above the
 * last): each part's probability and partial mean, for pricing each part of a per-call quantity at
 * the price that applies there (a long-context tier). A fixed value or a degenerate distribution is
 * one part, wherever it lies. Floating point (the tails of a lognormal or normal have no exact form).
 */
export function partsAt(x: Quantity, thresholds: readonly number[]): Part[] {
  const degenerate =
    x.kind === 'fixed' ||
    (x.kind === 'lognormal' && x.p90 === x.p50) ||
    (x.kind === 'normal' && x.sd === 0) ||
    (x.kind === 'uniform' && x.max === x.min);
  const mean = meanOf(x);
  if (degenerate) {
    const at = thresholds.filter((t) => mean > t).length;
    return [...thresholds, Number.POSITIVE_INFINITY].map((_, i) => (i === at ? { p: 1, e: mean } : { p: 0, e: 0 }));
  }
  const tails = [{ p: 1, e: mean }, ...thresholds.map((t) => tailOf(x, t)), { p: 0, e: 0 }];
  return tails.slice(0, -1).map((above, i) => ({ p: Math.max(0, above.p - tails[i + 1].p), e: Math.max(0, above.e - tails[i + 1].e) }));
}
