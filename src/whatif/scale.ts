/**
 * Margin per customer at k times the volume, with caching's effect of scale taken from
 * `simulate`'s volume model rather than assumed linear.
 *
 * What more traffic changes (src/simulate/levers/volume.ts): content shared across users (system
 * prompts, tools, common documents) sees k times the arrivals per cache TTL, so a shared prefix
 * that was cold is warm more often; a conversation's private history does not get warmer, because
 * its turns keep one user's gaps. So for each customer:
 *
 *   cost at k = k x logged cost - scale saving
 *   scale saving = k x replay(1x) - replay(k x)
 *
 * where replay is simulate's prefix-cache replay of the logged requests (volume lever, then the
 * prefix cache at each model's default TTL, and at 1h for features whose logs write 1h entries).
 * The saving is the difference between one replay at k and k copies of the same replay at 1x, so
 * it holds only what traffic changes; the logged cost stays the starting point (k = 1 gives the
 * logged cost exactly). Only requests that use prompt caching in the logs take part: implicit
 * caches (OpenAI, Gemini) always, explicit ones (Anthropic) when the request logged a cache read
 * or write; a product that does not cache gains nothing from traffic. Requests without prompt text
 * or timestamps cannot be replayed and scale linearly.
 *
 * Exact femto-USD throughout; k may be fractional (scaled at its decimal value, simulate's rule).
 */
import { scaleFemto, type Femto } from '../pricing/money.js';
import type { Pricer } from '../pricing/cost.js';
import { baselineRequests, runScenario } from '../simulate/engine.js';
import { groupTotals, priceState } from '../simulate/price.js';
import type { Scenario } from '../simulate/scenario.js';
import type { LeverSpec, SimEnv, SimRequest } from '../simulate/types.js';
import type { UsageRecord } from '../usage/record.js';

export interface ScaleModel {
  /** What k-times traffic saves against k x the logged cost, per customer key (absent: 0). */
  saving: (customer: string, k: number) => Femto;
  /** Requests replayed (cached in the logs, with text and a timestamp). */
  replayed: number;
  /** Requests that use prompt caching in the logs. */
  caching: number;
}

const lever = (kind: LeverSpec['kind'], params: Record<string, unknown>, where?: LeverSpec['where']): LeverSpec => ({
  kind,
  name: kind,
  params,
  where,
  at: 'whatif volume model',
});

/** Whether a logged request uses prompt caching (so more traffic can warm its shared prefix). */
export function cachesInLogs(r: UsageRecord, pricer: Pricer): boolean {
  const cache = pricer.resolve(r.model)?.entry.cache;
  if (!cache) return false;
  if (cache.mode === 'implicit') return true;
  return r.cacheReadTokens + r.cacheWrite5mTokens + r.cacheWrite1hTokens > 0;
}

/** The levers of the replay at volume k (k = 1: the replay alone). */
export function scaleLevers(k: number, oneHourFeatures: string[]): LeverSpec[] {
  const levers = [lever('prefixCache', {})];
  if (oneHourFeatures.length) levers.push({ ...lever('prefixCache', { ttl: '1h' }, { feature: oneHourFeatures }), name: 'prefixCache-1h' });
  return k === 1 ? levers : [lever('volume', { k }), ...levers];
}

/**
 * Per-customer scale savings at each k in `ks`. `customerOf` gives a request's customer key as the
 * per-customer cost rollup names it. `env.encode` must cover the records' texts (pretokenize).
 */
export function scaleModel(
  records: readonly UsageRecord[],
  env: SimEnv,
  ks: readonly number[],
  customerOf: (r: UsageRecord) => string,
): ScaleModel {
  const caching = records.filter((r) => cachesInLogs(r, env.pricer));
  const oneHour = [...new Set(caching.filter((r) => r.cacheWrite1hTokens > 0).map((r) => r.tags.feature))].filter(
    (f): f is string => f !== undefined,
  );
  const replayed = caching.filter(
    (r) => r.timeMs !== undefined && r.requests <= 1 && (!!r.text?.messages?.length || r.text?.prompt !== undefined),
  ).length;
  const byK = new Map<number, Map<string, Femto>>();
  if (replayed > 0 && ks.some((k) => k !== 1)) {
    const base = baselineRequests(caching);
    const baseline = priceState(env.pricer, base);
    const totals = (k: number) => {
      const scenario: Scenario = { name: `volume x${k}`, levers: scaleLevers(k, oneHour), at: 'whatif volume model' };
      const run = runScenario(base, baseline, scenario, { ...env, explain: false });
      return groupTotals(run.requests, run.final.costs, (r: SimRequest) => customerOf(r.record));
    };
    const one = totals(1);
    for (const k of new Set(ks)) {
      if (k === 1) continue;
      const atK = totals(k);
      const saving = new Map<string, Femto>();
      for (const [c, cost1] of one) saving.set(c, scaleFemto(cost1, k) - (atK.get(c) ?? 0n));
      byK.set(k, saving);
    }
  }
  return { saving: (c, k) => byK.get(k)?.get(c) ?? 0n, replayed, caching: caching.length };
}
