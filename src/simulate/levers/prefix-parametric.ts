/**
 * Parametric prefix caching, for requests without prompt text (or `mode: parametric`).
 *
 * Each feature has a static prefix of S tokens (`staticPrefixTokensByFeature`, else
 * `staticPrefixTokens`) with a cache breakpoint after it. Requests of one cache scope and feature
 * arrive as a Poisson process of rate λ (measured: (n - 1) / time span, n weighted by volume, so
 * k-times traffic is k-times arrivals, counted once; else `arrivalsPerHour`).
 * With TTL T:
 *   - refreshed on hit (Anthropic): a request hits when the previous one came less than T ago,
 *     P(hit) = 1 - e^(-λT);
 *   - not refreshed: each write opens a window of T in which λT requests hit on average,
 *     P(hit) = λT / (1 + λT).
 * A request then reads P(hit)·S tokens and writes (1 - P(hit))·S (expected values, rounded per
 * request); S is capped at the prompt, floored to the increment, and ignored below the minimum.
 *
 * Worked example: 60 requests/hour, TTL 5m refreshed on hit: λT = 5, P(hit) = 1 - e^-5 = 0.9933;
 * S = 3,000 tokens -> 2,980 read and 20 written per request.
 *
 * Complexity: O(n).
 */
import { cacheScopeKey } from '../scope.js';
import { promptOf, type LeverContext, type SimRequest } from '../types.js';
import type { ModelEntry } from '../../pricing/model.js';
import { addStats, chooseTtl, emptyStats, withCacheShares, type CacheStats } from './cache-rules.js';

export interface ParametricParams {
  ttl?: string;
  scope: string;
  staticPrefixTokens?: number;
  staticPrefixTokensByFeature?: Map<string, number>;
  arrivalsPerHour?: number;
}

/** Hit probability for arrival rate λ (per ms) and TTL (ms). */
export function poissonHitRate(lambdaPerMs: number, ttlMs: number, refreshOnHit: boolean): number {
  const x = lambdaPerMs * ttlMs;
  if (!(x > 0)) return 0;
  return refreshOnHit ? 1 - Math.exp(-x) : x / (1 + x);
}

interface PGroup {
  entry: ModelEntry;
  feature: string;
  indices: number[];
}

function rateOf(reqs: SimRequest[], arrivalsPerHour: number | undefined): { perMs: number; measured: boolean } {
  const times = reqs.map((r) => r.timeMs).filter((t): t is number => t !== undefined);
  const n = reqs.reduce((s, r) => s + Math.max(1, r.record.requests) * r.weight, 0);
  if (times.length >= 2) {
    const span = Math.max(...times) - Math.min(...times);
    if (span > 0) return { perMs: (n - 1) / span, measured: true };
  }
  return { perMs: (arrivalsPerHour ?? 0) / 3_600_000, measured: false };
}

export function applyParametric(
  out: SimRequest[],
  indices: number[],
  p: ParametricParams,
  ctx: LeverContext,
): { stats: CacheStats; notes: string[]; assumptions: Array<[string, string]> } {
  const stats = emptyStats();
  const notes: string[] = [];
  const assumptions: Array<[string, string]> = [];
  const groups = new Map<string, PGroup>();
  let noStatic = 0;
  for (const i of indices) {
    const r = out[i];
    const entry = ctx.resolve(r.model)!.entry;
    const feature = r.record.tags.feature ?? '(none)';
    if ((p.staticPrefixTokensByFeature?.get(feature) ?? p.staticPrefixTokens) === undefined) {
      noStatic++;
      continue;
    }
    const key = `${cacheScopeKey(r, entry.id, p.scope)}|${feature}`;
    let g = groups.get(key);
    if (!g) groups.set(key, (g = { entry, feature, indices: [] }));
    g.indices.push(i);
  }
  if (noStatic > 0)
    notes.push(
      `${noStatic} request(s) without prompt text (or aggregated/untimed) left as logged: give staticPrefixTokens or staticPrefixTokensByFeature for a parametric estimate`,
    );
  const rates: string[] = [];
  for (const g of groups.values()) {
    const S = p.staticPrefixTokensByFeature?.get(g.feature) ?? p.staticPrefixTokens!;
    const ttl = chooseTtl(g.entry, p.ttl);
    const rate = rateOf(
      g.indices.map((i) => out[i]),
      p.arrivalsPerHour,
    );
    const hit = poissonHitRate(rate.perMs, ttl.ms, !!g.entry.cache!.refreshOnHit);
    rates.push(
      `${g.feature} on ${g.entry.id}: ${(rate.perMs * 3_600_000).toFixed(1)}/h${rate.measured ? '' : ' (given)'} -> P(hit) ${hit.toFixed(3)}`,
    );
    for (const i of g.indices) out[i] = parametricRequest(out[i], S, hit, g.entry, ttl.bucket, stats);
  }
  if (groups.size > 0) {
    assumptions.push([
      'parametric model',
      'Poisson arrivals; P(hit) = 1 - e^(-λ·TTL) when hits refresh the TTL, λ·TTL/(1 + λ·TTL) otherwise; breakpoint after the static prefix',
    ]);
    assumptions.push([
      'parametric arrival rates',
      rates.slice(0, 8).join('; ') + (rates.length > 8 ? `; ... (${rates.length} groups)` : ''),
    ]);
  }
  return { stats, notes, assumptions };
}

function parametricRequest(r: SimRequest, S: number, hit: number, entry: ModelEntry, bucket: '5m' | '1h', stats: CacheStats): SimRequest {
  const c = entry.cache!;
  const n = Math.max(1, r.record.requests);
  const P = promptOf(r);
  let s = Math.min(S, P / n);
  if (c.increment) s = Math.floor(s / c.increment) * c.increment;
  if (s < c.minTokens || P === 0) {
    const next = withCacheShares(r, 0, 0, bucket);
    addStats(stats, next, 0, false);
    return next;
  }
  const share = (s * n) / P;
  const next = withCacheShares(r, share * hit, share * (1 - hit), bucket);
  addStats(stats, next, hit, true);
  return next;
}
