/**
 * Adversarial checks of the levers' economics: small logs whose cost is computed by hand, aimed at
 * pricing rules that are easy to get wrong (tiers on aggregated records, tokenizer scale of cache
 * minimums, unpriced models and unknown outcomes in unit costs).
 */
import { describe, expect, it } from 'vitest';
import { Pricer, componentsOf, totalOf } from '../../src/pricing/cost.js';
import { catalogOf } from '../pricing/helpers.js';
import { baselineRequests } from '../../src/simulate/engine.js';
import { priceState } from '../../src/simulate/price.js';
import { rec, usd } from './helpers.js';

/** A model with a whole-request long-context tier above 200,000 prompt tokens. */
const tiered = catalogOf({
  provider: 'anthropic', source: 'test', checkedAt: '2026-11-23',
  models: [{
    id: 'tier-t',
    prices: [{ inputPerMTok: 1, outputPerMTok: 5, batch: { multiplier: 0.5 }, tiers: [{ threshold: 200000, operator: '>', rule: 'whole-request', prices: { inputPerMTok: 2, outputPerMTok: 7.5 } }] }],
  }],
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
