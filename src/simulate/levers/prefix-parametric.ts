/**
 * Parametric prefix caching, for requests without prompt text (or `mode: parametric`).
 *
 * Each feature has a static prefix of S tokens (`staticPrefixTokensByFeature`, else
 * `staticPrefixTokens`) with a cache breakpoint after it, sent by every request of the feature.
 * Requests of one cache scope and feature share that prefix, so when they carry timestamps the
 * hits follow from the logged arrival times themselves:
 *   - refreshed on hit (Anthropic): a request hits when the group's previous request came at most
 *     T (the TTL) before it;
 *   - not refreshed: a request hits when the group's last write came at most T before it.
 * Untimed or aggregated requests use a Poisson process of rate λ (measured: (n - 1) / time span,
 * n weighted by volume; else `arrivalsPerHour`): P(hit) = 1 - e^(-λT) when refreshed on hit,
 * λT / (1 + λT) otherwise.
 *
 * Why the gaps and not a Poisson process at the month's mean rate: real traffic comes in bursts
 * (working hours, a conversation's turns minutes apart), and the hit probability is concave in the
 * rate, so a mean rate that spreads the month's requests evenly over nights and weekends predicts
 * far fewer hits than the same requests get. On the demo month the mean-rate model put the chat
 * feature at 2.1 requests/h and a 16% hit rate where the logs show about 80% of its prefix read
 * from cache, making the `prefix-cache-parametric` scenario 48% dearer than what was billed.
 *
 * Volume (volume.ts, weights k > 1): the k - 1 extra users of a group arrive at
 * λ_extra = (weighted count - logged count) / time span (at least one TTL); a request the gaps
 * found cold is warm with probability p = 1 - e^(-λ_extra·T) (x / (1 + x) without refresh), as in
 * the text replay. Poisson groups use the weighted rate once. A request then reads P(hit)·S tokens
 * and writes (1 - P(hit))·S (expected values, rounded per request), and keeps its warm and cold
 * states for the levers after it (parametricRequest); S is capped at the prompt, floored to the
 * increment, and ignored below the minimum.
 *
 * Worked example: 60 requests/hour, untimed, TTL 5m refreshed on hit: λT = 5, P(hit) = 1 - e^-5 =
 * 0.9933; S = 3,000 tokens -> 2,980 read and 20 written per request. Timed at 0, 2, 6 and 20
 * minutes: hits at 2 and 6, misses at 0 and 20.
 *
 * Complexity: O(n log n) (sorting each group by time).
 */
import { cacheScopeKey } from '../scope.js';
import { onLoggedPrompt } from '../prompt-edits.js';
import { promptOf, withCacheMix, type LeverContext, type SimRequest } from '../types.js';
import type { ModelEntry } from '../../pricing/model.js';
import { addStats, chooseTtl, emptyStats, withCacheShares, type CacheStats } from './cache-rules.js';
import { maxOf, minOf } from '../../core/arrays.js';

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
    const span = maxOf(times)! - minOf(times)!;
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
    const refresh = !!g.entry.cache!.refreshOnHit;
    const reqs = g.indices.map((i) => out[i]);
    const rate = rateOf(reqs, p.arrivalsPerHour);
    const timed = timedHits(reqs, ttl.ms, refresh);
    const poisson = poissonHitRate(rate.perMs, ttl.ms, refresh);
    const label = `${g.feature} on ${g.entry.id}`;
    if (timed.n > 0) {
      const extra = timed.extraPerMs > 0 ? ` (+${(timed.extraPerMs * 3_600_000).toFixed(1)}/h from volume)` : '';
      rates.push(
        `${label}: ${timed.logged} of ${timed.n} timed arrivals within the TTL of the previous${extra} -> hit rate ${(timed.meanHit).toFixed(3)}`,
      );
    }
    if (timed.n < reqs.length)
      rates.push(`${label}: ${(rate.perMs * 3_600_000).toFixed(1)}/h${rate.measured ? '' : ' (given)'} -> P(hit) ${poisson.toFixed(3)}`);
    g.indices.forEach((i, j) => {
      out[i] = parametricRequest(out[i], S, timed.hit[j] ?? poisson, g.entry, ttl.bucket, stats);
    });
  }
  if (groups.size > 0) {
    assumptions.push([
      'parametric model',
      'timed requests hit when the previous request of their group (feature and cache scope) came within the TTL (the last write, where hits do not refresh it); under volume a cold one is warm with P = 1 - e^(-λ_extra·TTL); untimed: Poisson arrivals, P(hit) = 1 - e^(-λ·TTL) with refresh, λ·TTL/(1 + λ·TTL) without; breakpoint after the static prefix',
    ]);
    assumptions.push([
      'parametric arrival rates',
      rates.slice(0, 8).join('; ') + (rates.length > 8 ? `; ... (${rates.length} groups)` : ''),
    ]);
  }
  return { stats, notes, assumptions };
}

/**
 * Hits of a group's timed single requests from their logged gaps (index-aligned with `reqs`;
 * undefined for untimed or aggregated ones), plus volume's extra arrivals (see the header).
 */
export function timedHits(
  reqs: readonly SimRequest[],
  ttlMs: number,
  refreshOnHit: boolean,
): { hit: Array<number | undefined>; n: number; logged: number; extraPerMs: number; meanHit: number } {
  const hit: Array<number | undefined> = new Array(reqs.length).fill(undefined);
  const order = reqs
    .map((_r, j) => j)
    .filter((j) => reqs[j].timeMs !== undefined && reqs[j].record.requests <= 1)
    .sort((a, b) => reqs[a].timeMs! - reqs[b].timeMs! || a - b);
  if (order.length === 0) return { hit, n: 0, logged: 0, extraPerMs: 0, meanHit: 0 };
  const first = reqs[order[0]].timeMs!;
  const last = reqs[order[order.length - 1]].timeMs!;
  const weighted = order.reduce((s, j) => s + reqs[j].weight, 0);
  const extraPerMs = Math.max(0, weighted - order.length) / Math.max(last - first, ttlMs);
  const x = extraPerMs * ttlMs;
  const p = x <= 0 ? 0 : refreshOnHit ? 1 - Math.exp(-x) : x / (1 + x);
  let prev: number | undefined;
  let written: number | undefined;
  let logged = 0;
  let sum = 0;
  for (const j of order) {
    const t = reqs[j].timeMs!;
    const warm = refreshOnHit ? prev !== undefined && t - prev <= ttlMs : written !== undefined && t - written <= ttlMs;
    if (warm) logged++;
    else written = t;
    prev = t;
    hit[j] = warm ? 1 : p;
    sum += hit[j]!;
  }
  return { hit, n: order.length, logged, extraPerMs, meanHit: sum / order.length };
}

/**
 * The request's buckets from its static prefix S (in the logged prompt's tokens: on a prompt an
 * earlier lever edited, S is cached in the logged prompt and the edits replayed, so instructions
 * compress cut come off the cached prefix; prompt-edits.ts). A request that hits with probability
 * 0 < hit < 1 stands for two real states, as in the text replay (SimRequest.cacheMix): cold, it
 * writes S; warm, it reads S. Its buckets are their expectation, and a later lever that cuts the
 * prefix or applies the minimum cacheable length does so in each state, never on the expected read
 * (0.5 x 1,500 = 750 read, less a 300-token cut, is 450: below a 1,024 minimum, billed as a write,
 * where a real warm request reads 1,200).
 */
function parametricRequest(r: SimRequest, S: number, hit: number, entry: ModelEntry, bucket: '5m' | '1h', stats: CacheStats): SimRequest {
  const c = entry.cache!;
  let eligible = false;
  const state = (warm: boolean) =>
    onLoggedPrompt(
      r,
      (x) => {
        const n = Math.max(1, x.record.requests);
        const P = promptOf(x);
        let s = Math.min(S, P / n);
        if (c.increment) s = Math.floor(s / c.increment) * c.increment;
        eligible = s >= c.minTokens && P > 0;
        if (!eligible) return withCacheShares(x, 0, 0, bucket);
        const share = (s * n) / P;
        return warm ? withCacheShares(x, share, 0, bucket) : withCacheShares(x, 0, share, bucket);
      },
      c,
    );
  const cold = state(false);
  const next = eligible && hit > 0 ? withCacheMix(cold, state(true), hit) : cold;
  addStats(stats, next, eligible ? hit : 0, eligible);
  return next;
}
