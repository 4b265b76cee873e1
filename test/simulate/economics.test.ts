/**
 * Adversarial checks of the levers' economics: small logs whose cost is computed by hand, aimed at
 * pricing rules that are easy to get wrong (tiers on aggregated records, tokenizer scale of cache
 * minimums, unpriced models and unknown outcomes in unit costs).
 */
import { describe, expect, it } from 'vitest';
import { Pricer, componentsOf, totalOf } from '../../src/pricing/cost.js';
import { catalogOf } from '../pricing/helpers.js';
import { baselineRequests } from '../../src/simulate/engine.js';
import { cardOf, priceState, requestCost } from '../../src/simulate/price.js';

import { prefixCache } from '../../src/simulate/levers/prefix-cache.js';
import { scopePredicate } from '../../src/simulate/scope.js';
import type { LeverContext, SimEnv } from '../../src/simulate/types.js';
import type { UsageRecord } from '../../src/usage/record.js';
import { compress } from '../../src/simulate/levers/compress.js';
import { route } from '../../src/simulate/levers/route.js';
import { semanticCache } from '../../src/simulate/levers/semantic-cache.js';
import { buildSimulateReport } from '../../src/simulate/report.js';
import { documentJson } from '../../src/report/data.js';
import { ctxFor, minutes, pricer, rec, usd, wordEncode, words } from './helpers.js';

/** A model with a whole-request long-context tier above 200,000 prompt tokens. */
const tiered = catalogOf({
  provider: 'anthropic',
  source: 'test',
  checkedAt: '2026-11-23',
  models: [
    {
      id: 'tier-t',
      prices: [
        {
          inputPerMTok: 1,
          outputPerMTok: 5,
          batch: { multiplier: 0.5 },
          tiers: [{ threshold: 200000, operator: '>', rule: 'whole-request', prices: { inputPerMTok: 2, outputPerMTok: 7.5 } }],
        },
      ],
    },
  ],
});
const tierPricer = new Pricer(tiered, { defaultMs: Date.parse('2026-10-01T00:00:00Z') });

describe('baseline as billed: long-context tiers of aggregated records', () => {
  it('an aggregated usage bucket is tiered on its average prompt, as the report does', () => {
    // 10 requests, 300,000 input tokens in total: 30,000 per request, below the 200K cliff.
    // Standard: 300,000 x $1 + 1,000 x $5 = $0.305 (not the tier's 300,000 x $2 + 1,000 x $7.5 = $0.6075).
    const r = rec('tier-t', { requests: 10, inputTokens: 300_000, outputTokens: 1000 });
    const report = totalOf(componentsOf(r, tierPricer.cardFor(r)!.prices));
    const sim = priceState(tierPricer, baselineRequests([r]));
    expect(usd(report)).toBe('0.305');
    expect(usd(sim.total)).toBe('0.305');
    expect(sim.longContextRequests).toBe(0);
  });

  it('a usage-report bucket without a request count follows its context_window tag', () => {
    // requests 0 (Anthropic usage report): "0-200k" is standard, "200k-1M" the tier.
    const low = rec('tier-t', { requests: 0, inputTokens: 900_000, tags: { context_window: '0-200k' } });
    const high = rec('tier-t', { requests: 0, inputTokens: 900_000, tags: { context_window: '200k-1M' } });
    // 900,000 x $1 = $0.9 ; 900,000 x $2 = $1.8
    expect(usd(priceState(tierPricer, baselineRequests([low])).total)).toBe('0.9');
    expect(usd(priceState(tierPricer, baselineRequests([high])).total)).toBe('1.8');
  });
});

/** A Claude-style model whose tokenizer counts 1.3x the o200k encoding (Claude 4.7 and later). */
const factorCatalog = catalogOf({
  provider: 'anthropic',
  source: 'test',
  checkedAt: '2026-11-23',
  models: [
    {
      id: 'claude-f',
      prices: [{ inputPerMTok: 1, cacheReadPerMTok: 0.1, cacheWrite5mPerMTok: 1.25, outputPerMTok: 5 }],
      cache: { mode: 'explicit', minTokens: 1024, ttl: '5m', refreshOnHit: true },
      tokenizer: { encoding: 'o200k_base', exact: false, factor: 1.3 },
    },
  ],
});
const factorPricer = new Pricer(factorCatalog, { defaultMs: Date.parse('2026-10-01T00:00:00Z') });
const factorEnv: SimEnv = { pricer: factorPricer, encode: (t) => wordEncode(t), explain: false };
const factorCtx: LeverContext = {
  env: factorEnv,
  inScope: scopePredicate(undefined, factorCatalog),
  ttlScale: 1,
  label: 'test',
  cost: (r) => requestCost(factorPricer, r),
  resolve: (m) => factorPricer.resolve(m),
  card: (r) => cardOf(factorPricer, r),
};

describe("prefixCache: the minimum cacheable length is in the model's tokens", () => {
  it('a 900-token (o200k) system prompt is 1,170 Claude tokens: above the 1,024 minimum', () => {
    // Prompt: system 900 encoder tokens + user 100 = 1,000 encoder tokens, billed 1,300 (x1.3).
    // Breakpoint after the system prompt (not a conversation): 900 / 1,000 of 1,300 = 1,170 tokens.
    const SYS = words('fsys', 900);
    const mk = (m: number, u: string) =>
      rec('claude-f', {
        timeMs: minutes(m),
        inputTokens: 1300,
        text: {
          messages: [
            { role: 'system', content: SYS },
            { role: 'user', content: words(u, 100) },
          ],
        },
      });
    const out = prefixCache.apply(baselineRequests([mk(0, 'fa'), mk(1, 'fb')]), prefixCache.parse({}), factorCtx);
    // t=0 writes 1,170 at $1.25 + 130 input = 1,592.5; t=1 reads 1,170 at $0.10 + 130 input = 247
    // -> $0.0018395 (uncached 2 x 1,300 = $0.0026)
    expect(out.requests[0]).toMatchObject({ cacheWrite5mTokens: 1170, inputTokens: 130 });
    expect(out.requests[1]).toMatchObject({ cacheReadTokens: 1170, inputTokens: 130 });
    expect(usd(priceState(factorPricer, out.requests).total)).toBe('0.0018395');
  });

  it('a 700-token (o200k) system prompt is 910 Claude tokens: below the minimum, not cached', () => {
    const SYS = words('gsys', 700);
    const mk = (m: number, u: string) =>
      rec('claude-f', {
        timeMs: minutes(m),
        inputTokens: 1040,
        text: {
          messages: [
            { role: 'system', content: SYS },
            { role: 'user', content: words(u, 100) },
          ],
        },
      });
    const out = prefixCache.apply(baselineRequests([mk(0, 'ga'), mk(1, 'gb')]), prefixCache.parse({}), factorCtx);
    // 2 x 1,040 x $1 = $0.00208
    expect(usd(priceState(factorPricer, out.requests).total)).toBe('0.00208');
  });
});

describe('unit costs: unpriced models and unknown outcomes are never counted as $0', () => {
  it('cost per request divides the priced total by priced requests only', () => {
    // claude-t: 1,000,000 input x $1 = $1; the unpriced request is excluded from total and count.
    // Per request $1 / 1 = $1 (not $1 / 2 = $0.50), as the report computes it.
    const s = priceState(
      pricer,
      baselineRequests([rec('claude-t', { inputTokens: 1_000_000 }), rec('no-such-model', { inputTokens: 1_000_000 })]),
    );
    expect(usd(s.total)).toBe('1');
    expect(s.requestsServed).toBe(2);
    expect(s.pricedRequestsServed).toBe(1);
    expect(s.unpricedRequests).toBe(1);
  });

  it('cost per success: cost of requests with a known outcome over their successes (report semantics)', () => {
    // success $1, failure $2 (known outcomes, $3), untagged $4 (unknown): per success $3 / 1 = $3
    // (counting the untagged request as a success gave $7 / 2 = $3.50).
    const s = priceState(
      pricer,
      baselineRequests([
        rec('claude-t', { inputTokens: 1_000_000, tags: { outcome: 'success' } }),
        rec('claude-t', { inputTokens: 2_000_000, tags: { outcome: 'failure' } }),
        rec('claude-t', { inputTokens: 4_000_000 }),
      ]),
    );
    expect(usd(s.total)).toBe('7');
    expect(usd(s.knownOutcomeTotal)).toBe('3');
    expect(s.successes).toBe(1);
    const report = buildSimulateReport({
      baselineRequests: [],
      baseline: s,
      results: [],
      schemaVersion: 1,
      notes: [],
    });
    expect((documentJson(report.data) as { baseline: { costPerSuccessUsd: number; costPerRequestUsd: number } }).baseline).toMatchObject({
      costPerSuccessUsd: 3,
      costPerRequestUsd: 2.333333333333,
    });
  });

  it('no outcome tags at all: no cost per success', () => {
    const s = priceState(pricer, baselineRequests([rec('claude-t', { inputTokens: 1_000_000 })]));
    const report = buildSimulateReport({
      baselineRequests: [],
      baseline: s,
      results: [],
      schemaVersion: 1,
      notes: [],
    });
    expect((documentJson(report.data) as { baseline: { costPerSuccessUsd: number | null } }).baseline.costPerSuccessUsd).toBeNull();
  });

  it('a route with a success rate makes the routed outcome known', () => {
    // untagged $3/$15 request (1,000 in) routed to small-t with successRate 0.8: 1,200 x $0.25 = $0.0003,
    // per success $0.0003 / 0.8 = $0.000375
    const out = route.apply(
      baselineRequests([rec('big-t', { inputTokens: 1000 })]),
      route.parse({ to: 'small-t', successRate: 0.8 }),
      ctxFor(),
    );
    const s = priceState(pricer, out.requests);
    expect(usd(s.knownOutcomeTotal)).toBe('0.0003');
    expect(s.successes).toBe(0.8);
  });

  it('a semantic-cache hit on an unpriced model stays unpriced (not a saving against $0)', () => {
    // Two identical queries on an unpriced model, lookup $0.001: the hit is dropped but its saving is
    // unknown, so both stay out of the total; the priced claude-t query ($0.01) is all that is counted.
    const q = (m: number, model: string, query: string) => rec(model, { timeMs: minutes(m), inputTokens: 10_000, text: { query } });
    const reqs = baselineRequests([
      q(0, 'no-such-model', 'reset my password'),
      q(1, 'no-such-model', 'reset my password'),
      q(2, 'claude-t', 'close my account'),
    ]);
    const out = semanticCache.apply(reqs, semanticCache.parse({ threshold: 0.9, lookupCostUsd: 0.001, scope: 'all' }), ctxFor());
    expect(out.requests.map((r) => r.dropped)).toEqual([false, true, false]);
    const s = priceState(pricer, out.requests);
    // claude-t: $0.01 call + $0.001 lookup = $0.011
    expect(usd(s.total)).toBe('0.011');
    expect(s.unpricedRequests).toBe(2);
    expect(s.pricedRequestsServed).toBe(1);
  });
});

/** Sonnet-like source (min 1,024) and Haiku-like target (min 4,096), same tokenizer. */
const routeCatalog = catalogOf({
  provider: 'anthropic',
  source: 'test',
  checkedAt: '2026-11-23',
  models: [
    {
      id: 'snt',
      prices: [{ inputPerMTok: 3, cacheReadPerMTok: 0.3, cacheWrite5mPerMTok: 3.75, outputPerMTok: 15 }],
      cache: { mode: 'explicit', minTokens: 1024, ttl: '5m', refreshOnHit: true },
      tokenizer: { encoding: 'o200k_base', exact: false, factor: 1 },
    },
    {
      id: 'hku',
      prices: [{ inputPerMTok: 1, cacheReadPerMTok: 0.1, cacheWrite5mPerMTok: 1.25, outputPerMTok: 5 }],
      cache: { mode: 'explicit', minTokens: 4096, ttl: '5m', refreshOnHit: true },
      tokenizer: { encoding: 'o200k_base', exact: false, factor: 1 },
    },
  ],
});
const routePricer = new Pricer(routeCatalog, { defaultMs: Date.parse('2026-10-01T00:00:00Z') });
const routeCtx: LeverContext = {
  env: { pricer: routePricer, explain: false },
  inScope: scopePredicate(undefined, routeCatalog),
  ttlScale: 1,
  label: 'test',
  cost: (r) => requestCost(routePricer, r),
  resolve: (m) => routePricer.resolve(m),
  card: (r) => cardOf(routePricer, r),
};

describe("route: cache buckets follow the target's minimum cacheable length", () => {
  const routed = (t: Partial<UsageRecord>, sharedCache = false) => {
    const out = route.apply(baselineRequests([rec('snt', { outputTokens: 100, ...t })]), route.parse({ to: 'hku', sharedCache }), routeCtx);
    return { r: out.requests[0], cost: usd(priceState(routePricer, out.requests).total) };
  };

  it("a 2,000-token cached prefix is below the target's 4,096 minimum: plain input", () => {
    // 2,500 input x $1 + 100 x $5 = $0.003 (keeping the read: 2,000 x $0.10 + 500 + 500 = $0.0012)
    const { r, cost } = routed({ inputTokens: 500, cacheReadTokens: 2000 });
    expect(r).toMatchObject({ inputTokens: 2500, cacheReadTokens: 0, cacheWrite5mTokens: 0 });
    expect(cost).toBe('0.003');
  });

  it('a 5,000-token read stays a read when the target cache is shared (warm)', () => {
    // 5,000 x $0.10 + 500 x $1 + 100 x $5 = $0.0015
    expect(routed({ inputTokens: 500, cacheReadTokens: 5000 }, true).cost).toBe('0.0015');
  });

  it('a 5,000-token read on a cold target is written first', () => {
    // 5,000 x $1.25 + 500 x $1 + 100 x $5 = $0.00725
    expect(routed({ inputTokens: 500, cacheReadTokens: 5000 }).cost).toBe('0.00725');
  });

  it('a 3,000-token read under a 5,000-token breakpoint becomes a write', () => {
    // read 3,000 + write 2,000 on the source; on the target the 3,000-token prefix was never cacheable:
    // write 5,000 x $1.25 + 500 x $1 + 100 x $5 = $0.00725
    const { r, cost } = routed({ inputTokens: 500, cacheReadTokens: 3000, cacheWrite5mTokens: 2000 });
    expect(r).toMatchObject({ cacheReadTokens: 0, cacheWrite5mTokens: 5000, inputTokens: 500 });
    expect(cost).toBe('0.00725');
  });
});

describe('compress: a cached prefix shrunk below the minimum is no longer cached', () => {
  it("1,200 cached tokens at x0.7 leave 840, below claude-t's 1,024 minimum: plain input", () => {
    // cut round(1,200 x 0.3) = 360 from the cached prefix: 840 + 800 = 1,640 input x $1 = $0.00164
    // (keeping 840 as a read: 840 x $0.10 + 800 x $1 = $0.000884)
    const r = rec('claude-t', { inputTokens: 800, cacheReadTokens: 1200 });
    const out = compress.apply(baselineRequests([r]), compress.parse({ factor: 0.7, staticTokens: 1200 }), ctxFor());
    expect(out.requests[0]).toMatchObject({ inputTokens: 1640, cacheReadTokens: 0 });
    expect(usd(priceState(pricer, out.requests).total)).toBe('0.00164');
  });

  it('2,000 cached tokens at x0.7 leave 1,400: still read from cache', () => {
    // 1,400 x $0.10 + 800 x $1 = $0.00094
    const r = rec('claude-t', { inputTokens: 800, cacheReadTokens: 2000 });
    const out = compress.apply(baselineRequests([r]), compress.parse({ factor: 0.7, staticTokens: 2000 }), ctxFor());
    expect(usd(priceState(pricer, out.requests).total)).toBe('0.00094');
  });
});
