/**
 * Prefix caching and the cost of one call. Amounts stay exact: a cost at a hit rate is a fraction
 * of femto-dollars, rounded once when shown (per call) or after multiplying by the monthly volume.
 *
 * Cacheable tokens: the static prefix when it reaches the model's minimum cacheable length
 * (`cache.minTokens`), else 0; with `cache.increment` (OpenAI's older models: 128) hits come in
 * steps, so the cacheable count is minTokens + a whole number of increments (1024, 1152, 1280...).
 * A hit reads the cacheable tokens at the cache-read price; a miss writes them, at the cache-write
 * price where the provider charges writes (Anthropic 1.25x, GPT-5.6+), which the catalog sets equal
 * to the input price where it does not. The rest of the prompt is uncached input either way.
 */
import type { TokenBuckets } from '../pricing/cost.js';
import { componentsOf, totalOf } from '../pricing/cost.js';
import type { PriceSet } from '../pricing/model.js';
import { add, mul, qInt, round, sub, Q1, type Femto, type Q, type Ratio } from '../pricing/money.js';
import type { CacheRulesYaml } from '../pricing/types.js';

/** An exact amount of femto-dollars: num / den (money.ts's exact fraction). */
export type Exact = Q;

export const exactOf = (f: Femto): Exact => qInt(f);

/** Cost at a hit rate: hit x rate + miss x (1 - rate), exactly. */
export function mixAt(hit: Femto, miss: Femto, rate: Ratio): Exact {
  return { num: hit * rate.num + miss * (rate.den - rate.num), den: rate.den };
}

export const timesRatio = (e: Exact, r: Ratio): Exact => mul(e, r);

/** To whole femto-dollars, by money.ts's one rounding policy (nearest, ties away from zero). */
export const roundExact = (e: Exact): Femto => round(e);

/** Tokens of a static prefix that a provider would cache, by its minimum and increment. */
export function cacheableTokens(staticPrefix: number, cache: CacheRulesYaml | undefined): number {
  if (!cache || staticPrefix < cache.minTokens) return 0;
  const step = cache.increment;
  if (!step) return staticPrefix;
  return cache.minTokens + Math.floor((staticPrefix - cache.minTokens) / step) * step;
}

export interface CallCost {
  noCache: Femto;
  /** Per call without caching, exactly (`noCache` rounded from it where a time-of-day mix makes it a fraction). */
  noCacheExact: Exact;
  hit: Femto;
  miss: Femto;
  /** Per call at the hit rate. */
  expected: Exact;
  output: Femto;
  /** Whether a miss costs more than uncached input (explicit write premium). */
  writesCharged: boolean;
}

const buckets = (input: number, read: number, write: number, output: number): TokenBuckets => ({
  inputTokens: input,
  cacheReadTokens: read,
  cacheWrite5mTokens: write,
  cacheWrite1hTokens: 0,
  outputTokens: output,
});

export function callCost(prices: PriceSet, inputTokens: number, cacheable: number, outputTokens: number, hitRate: Ratio): CallCost {
  const rest = inputTokens - cacheable;
  const noCache = totalOf(componentsOf(buckets(inputTokens, 0, 0, outputTokens), prices));
  const hit = totalOf(componentsOf(buckets(rest, cacheable, 0, outputTokens), prices));
  const miss = totalOf(componentsOf(buckets(rest, 0, cacheable, outputTokens), prices));
  const output = componentsOf(buckets(0, 0, 0, outputTokens), prices).output;
  return {
    noCache,
    noCacheExact: exactOf(noCache),
    hit,
    miss,
    expected: cacheable > 0 ? mixAt(hit, miss, hitRate) : exactOf(noCache),
    output,
    writesCharged: prices.cacheWrite5m !== prices.input,
  };
}

/**
 * A call's cost when a share of calls is priced otherwise (inside a period's time-of-day windows, calls spread
 * evenly over the week): the expected cost mixed exactly, each shown amount (no cache, hit, miss, output) rounded once.
 */
export function mixCallCosts(outside: CallCost, inside: CallCost, insideShare: Ratio): CallCost {
  const rest = sub(Q1, insideShare);
  const mixed = (a: Exact, b: Exact): Exact => add(mul(a, rest), mul(b, insideShare));
  const shown = (a: Femto, b: Femto): Femto => roundExact(mixed(exactOf(a), exactOf(b)));
  return {
    noCache: roundExact(mixed(outside.noCacheExact, inside.noCacheExact)),
    noCacheExact: mixed(outside.noCacheExact, inside.noCacheExact),
    hit: shown(outside.hit, inside.hit),
    miss: shown(outside.miss, inside.miss),
    expected: mixed(outside.expected, inside.expected),
    output: shown(outside.output, inside.output),
    writesCharged: outside.writesCharged,
  };
}
