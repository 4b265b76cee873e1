import { describe, expect, it } from 'vitest';
import { componentsOf, Pricer, totalOf } from '../../src/pricing/cost.js';
import { Catalog } from '../../src/pricing/catalog.js';
import { femtoToUsdString } from '../../src/pricing/money.js';
import { catalogOf, entriesFrom, usage } from './helpers.js';

const anthropicDoc = {
  provider: 'anthropic',
  source: 'test',
  checkedAt: '2026-11-23',
  models: [
    {
      id: 'sonnet-test',
      aliases: ['sonnet-test-20250929', 'anthropic.sonnet-test-v1:0'],
      snapshots: true,
      regionalMultiplier: 1.1,
      prices: [
        {
          inputPerMTok: 3,
          cacheReadPerMTok: 0.3,
          cacheWrite5mPerMTok: 3.75,
          cacheWrite1hPerMTok: 6,
          outputPerMTok: 15,
          batch: { multiplier: 0.5 },
          fast: { multiplier: 6 },
          tiers: [
            {
              threshold: 200000,
              rule: 'whole-request',
              counts: 'prompt',
              prices: { inputPerMTok: 6, cacheReadPerMTok: 0.6, cacheWrite5mPerMTok: 7.5, cacheWrite1hPerMTok: 12, outputPerMTok: 22.5 },
            },
          ],
        },
      ],
    },
  ],
};

const openaiDoc = {
  provider: 'openai',
  source: 'test',
  checkedAt: '2026-11-23',
  models: [
    {
      id: 'gpt-test',
      prices: [
        { inputPerMTok: 10, outputPerMTok: 40 },
        {
          from: '2025-06-10',
          inputPerMTok: 2,
          cacheReadPerMTok: 0.5,
          outputPerMTok: 8,
          priority: { inputPerMTok: 3.5, cacheReadPerMTok: 0.875, outputPerMTok: 14 },
          tiers: [
            {
              threshold: 272000,
              operator: '>=',
              rule: 'whole-request',
              prices: { inputPerMTok: 4, cacheReadPerMTok: 1, outputPerMTok: 12 },
            },
          ],
        },
      ],
    },
  ],
};

const at = (d: string) => ({ timeMs: Date.parse(d), timestamp: d });

function usd(pricer: Pricer, r: ReturnType<typeof usage>): string {
  const card = pricer.cardFor(r);
  if (!card) throw new Error('unpriced');
  return femtoToUsdString(totalOf(componentsOf(r, card.prices)));
}

describe('cost engine', () => {
  const pricer = new Pricer(catalogOf(anthropicDoc, openaiDoc));

  it('itemises every component (hand-computed)', () => {
    const r = usage('sonnet-test', {
      inputTokens: 1000,
      cacheReadTokens: 2000,
      cacheWrite5mTokens: 3000,
      cacheWrite1hTokens: 4000,
      outputTokens: 500,
    });
    const c = componentsOf(r, pricer.cardFor(r)!.prices);
    // 1000*3 = 3000 u$; 2000*0.3 = 600 u$; 3000*3.75 = 11250 u$; 4000*6 = 24000 u$; 500*15 = 7500 u$
    expect(femtoToUsdString(c.input)).toBe('0.003');
    expect(femtoToUsdString(c.cacheRead)).toBe('0.0006');
    expect(femtoToUsdString(c.cacheWrite5m)).toBe('0.01125');
    expect(femtoToUsdString(c.cacheWrite1h)).toBe('0.024');
    expect(femtoToUsdString(c.output)).toBe('0.0075');
    expect(femtoToUsdString(totalOf(c))).toBe('0.04635');
  });

  it('decides the long-context cliff on the whole prompt incl. cache, at threshold -1 / 0 / +1 (">")', () => {
    const mk = (delta: number) => usage('sonnet-test', { inputTokens: 150_000, cacheReadTokens: 50_000 + delta, outputTokens: 1000 });
    // 199,999: 150000*3 + 49999*0.3 + 1000*15 = 450000 + 14999.7 + 15000 = 479,999.7 u$
    expect(usd(pricer, mk(-1))).toBe('0.4799997');
    // 200,000 is not above 200K: 450000 + 15000 + 15000 = 480,000 u$
    expect(usd(pricer, mk(0))).toBe('0.48');
    // 200,001: the whole request at tier prices, output included: 150000*6 + 50001*0.6 + 1000*22.5 = 952,500.6 u$
    expect(usd(pricer, mk(1))).toBe('0.9525006');
    expect(pricer.cardFor(mk(1))!.adjustments).toContain('long context >200000');
  });

  it('honours an inclusive ">=" threshold at -1 / 0 / +1', () => {
    const mk = (n: number) => usage('gpt-test', { ...at('2026-01-01T00:00:00Z'), inputTokens: n });
    // 271,999 * $2 = 0.543998; 272,000 * $4 = 1.088; 272,001 * $4 = 1.088004
    expect(usd(pricer, mk(271_999))).toBe('0.543998');
    expect(usd(pricer, mk(272_000))).toBe('1.088');
    expect(usd(pricer, mk(272_001))).toBe('1.088004');
  });

  it('prices each record at the price in force at its timestamp', () => {
    const before = usage('gpt-test', { ...at('2025-06-09T23:59:59Z'), inputTokens: 1000, outputTokens: 1000 });
    const after = usage('gpt-test', { ...at('2025-06-10T00:00:00Z'), inputTokens: 1000, outputTokens: 1000 });
    // before: 1000*10 + 1000*40 = 50,000 u$; after: 1000*2 + 1000*8 = 10,000 u$
    expect(usd(pricer, before)).toBe('0.05');
    expect(usd(pricer, after)).toBe('0.01');
    // repricing at a fixed date uses that date's period for every record
    const repricer = new Pricer(pricer.catalog, { atMs: Date.parse('2026-11-23T00:00:00Z') });
    expect(usd(repricer, before)).toBe('0.01');
  });

  it('applies batch multipliers to every bucket, stacking with the long-context tier', () => {
    const r = usage('sonnet-test', { inputTokens: 1000, cacheReadTokens: 1000, outputTokens: 1000, serviceTier: 'batch' });
    // (1000*3 + 1000*0.3 + 1000*15) * 0.5 = 18300 * 0.5 = 9,150 u$
    expect(usd(pricer, r)).toBe('0.00915');
    const big = usage('sonnet-test', { inputTokens: 200_001, outputTokens: 1000, serviceTier: 'batch' });
    // (200001*6 + 1000*22.5) * 0.5 = (1,200,006 + 22,500) / 2 = 611,253 u$
    expect(usd(pricer, big)).toBe('0.611253');
  });

  it('uses explicit priority prices, and falls back to standard with a warning when a tier is not offered', () => {
    const r = usage('gpt-test', {
      ...at('2026-01-01T00:00:00Z'),
      inputTokens: 1000,
      cacheReadTokens: 1000,
      outputTokens: 1000,
      serviceTier: 'priority',
    });
    // 1000*3.5 + 1000*0.875 + 1000*14 = 18,375 u$
    expect(usd(pricer, r)).toBe('0.018375');
    const flex = usage('gpt-test', { ...at('2026-01-01T00:00:00Z'), inputTokens: 1000, serviceTier: 'flex' });
    const card = pricer.cardFor(flex)!;
    expect(card.pricedTier).toBe('standard');
    expect(card.warnings[0]).toMatch(/no flex price/);
  });

  it('bills cache writes as input and reads at input when the catalog lists no cache price', () => {
    const r = usage('gpt-test', { ...at('2025-01-01T00:00:00Z'), cacheReadTokens: 1000, cacheWrite5mTokens: 1000 });
    // first period has no cache prices: (1000 + 1000) * $10 = 20,000 u$
    expect(usd(pricer, r)).toBe('0.02');
  });

  it('applies regional uplift, fast mode and negotiated discounts exactly', () => {
    const regional = usage('sonnet-test', { inputTokens: 1000, outputTokens: 1000, regional: true });
    // (3000 + 15000) * 1.1 = 19,800 u$
    expect(usd(pricer, regional)).toBe('0.0198');
    const fast = usage('sonnet-test', { inputTokens: 1000, outputTokens: 1000, fast: true });
    // 18000 * 6 = 108,000 u$
    expect(usd(pricer, fast)).toBe('0.108');
    const discounted = new Pricer(catalogOf({ ...anthropicDoc, discount: 0.2 }));
    // 18000 * 0.8 = 14,400 u$
    expect(usd(discounted, usage('sonnet-test', { inputTokens: 1000, outputTokens: 1000 }))).toBe('0.0144');
  });

  it('resolves snapshots, prefixes and Bedrock profiles exactly, never by substring', () => {
    const cat = pricer.catalog;
    expect(cat.resolve('sonnet-test-20250929')?.matchedBy).toBe('alias');
    expect(cat.resolve('anthropic/sonnet-test-20251231')?.matchedBy).toBe('snapshot');
    expect(cat.resolve('sonnet-test@20250929')?.entry.id).toBe('sonnet-test');
    expect(cat.resolve('us.anthropic.sonnet-test-v1:0')?.bedrockScope).toBe('geo');
    expect(cat.resolve('global.anthropic.sonnet-test-v1:0')?.bedrockScope).toBe('global');
    expect(cat.resolve('gpt-test-2025-01-01')).toBeUndefined(); // gpt-test does not allow snapshots
    expect(cat.resolve('sonnet-test-mini')).toBeUndefined();
    expect(cat.resolve('my-sonnet-test')).toBeUndefined();
    // a geo Bedrock profile carries the regional uplift: (3000 + 15000) * 1.1
    expect(usd(pricer, usage('us.anthropic.sonnet-test-v1:0', { inputTokens: 1000, outputTokens: 1000 }))).toBe('0.0198');
    expect(usd(pricer, usage('global.anthropic.sonnet-test-v1:0', { inputTokens: 1000, outputTokens: 1000 }))).toBe('0.018');
  });

  it('reports unknown models as unpriced, not $0', () => {
    expect(pricer.cardFor(usage('acme-finetune-v2', { inputTokens: 1000 }))).toBeUndefined();
  });

  it('lets a user entry override a bundled one, aliases included', () => {
    const override = entriesFrom({
      provider: 'anthropic',
      source: 'user',
      checkedAt: '2026-11-01',
      models: [{ id: 'sonnet-test', prices: [{ inputPerMTok: 2, outputPerMTok: 10 }] }],
    });
    const cat = new Catalog([...entriesFrom(anthropicDoc), ...override]);
    const p = new Pricer(cat);
    // 1000*2 + 1000*10 = 12,000 u$
    expect(usd(p, usage('sonnet-test', { inputTokens: 1000, outputTokens: 1000 }))).toBe('0.012');
    // the override takes over the bundled entry's aliases (logs carry snapshot ids)
    expect(usd(p, usage('sonnet-test-20250929', { inputTokens: 1000, outputTokens: 1000 }))).toBe('0.012');
  });
});

describe('catalog validation', () => {
  /** A catalog of one model `m` with one price period. */
  const oneModel = (price: Record<string, unknown>) => ({
    provider: 'x',
    source: 's',
    checkedAt: '2026-01-01',
    models: [{ id: 'm', prices: [price] }],
  });

  it('rejects a marginal long-context rule instead of mispricing it', () => {
    expect(() =>
      catalogOf(
        oneModel({
          inputPerMTok: 1,
          outputPerMTok: 2,
          tiers: [{ threshold: 1000, rule: 'marginal', prices: { inputPerMTok: 2, outputPerMTok: 4 } }],
        }),
      ),
    ).toThrow(/tiers\[0\]\.rule: expected one of whole-request/);
  });

  it('rejects window prices beside long-context tiers instead of dropping the window above the threshold', () => {
    const doc = (peak: Record<string, unknown>) =>
      oneModel({
        inputPerMTok: 1,
        outputPerMTok: 1,
        peak: { windowsUtc: ['00:00-24:00'], ...peak },
        tiers: [{ threshold: 100, rule: 'whole-request', prices: { inputPerMTok: 2, outputPerMTok: 2 } }],
      });
    // a 1M-token request inside the window priced at the tier's $2 = $2.00, the window's $0.50 silently gone
    expect(() => catalogOf(doc({ prices: { inputPerMTok: 0.5, outputPerMTok: 0.5 } }))).toThrow(
      /prices\[0\]\.peak\.prices: window prices with long-context tiers in one period are not supported/,
    );
    // a window multiplier combines with the tier: 1M x $2 x 0.5 = $1.00 inside the window
    const p = new Pricer(catalogOf(doc({ multiplier: 0.5 })));
    const r = usage('m', { inputTokens: 1_000_000, timeMs: Date.parse('2026-11-01T10:00:00Z') });
    expect(usd(p, r)).toBe('1');
  });
});

describe('long-context tiers on aggregated records', () => {
  const pricer = new Pricer(catalogOf(anthropicDoc));
  it('decides on the average prompt per request, not on the bucket sum', () => {
    // 100 requests x 10,000 prompt tokens = 1,000,000 summed: below the 200K threshold per request -> base prices
    // 1,000,000 * 3 + 100 * 500 * 15 = 3,000,000 + 750,000 u$
    const bucket = usage('sonnet-test', { requests: 100, inputTokens: 1_000_000, outputTokens: 50_000 });
    expect(pricer.cardFor(bucket)!.tier).toBeUndefined();
    expect(usd(pricer, bucket)).toBe('3.75');
    // 2 requests averaging 200,001 prompt tokens are each above it
    expect(pricer.cardFor(usage('sonnet-test', { requests: 2, inputTokens: 400_002 }))!.tier?.threshold).toBe(200000);
  });

  it('averages the whole prompt, not each bucket floored on its own', () => {
    // 2 requests of 200,001 uncached + 200,001 cache-read tokens: (200,001 + 200,001) / 2 = 200,001 > 200,000,
    // the same average prompt as 400,002 uncached tokens above. Flooring each bucket first gave
    // floor(100,000.5) + floor(100,000.5) = 200,000, not above the threshold.
    // tier prices: 200,001 * $6 + 200,001 * $0.60 = $1.200006 + $0.1200006 = $1.3200066
    const split = usage('sonnet-test', { requests: 2, inputTokens: 200_001, cacheReadTokens: 200_001 });
    expect(pricer.cardFor(split)!.tier?.threshold).toBe(200000);
    expect(usd(pricer, split)).toBe('1.3200066');
    // the same with the prompt over four buckets: 100,001 + 100,000 + 100,000 + 100,001 = 400,002, average 200,001
    const four = usage('sonnet-test', {
      requests: 2,
      inputTokens: 100_001,
      cacheReadTokens: 100_000,
      cacheWrite5mTokens: 100_000,
      cacheWrite1hTokens: 100_001,
    });
    expect(pricer.cardFor(four)!.tier?.threshold).toBe(200000);
    // an average of 200,000.5 is floored to 200,000: a prompt of whole tokens, not above the threshold
    expect(pricer.cardFor(usage('sonnet-test', { requests: 2, inputTokens: 400_001 }))!.tier).toBeUndefined();
  });

  it('uses the usage report context_window bucket when the request count is unknown', () => {
    const base = { requests: 0, inputTokens: 5_000_000, outputTokens: 1000 };
    expect(pricer.cardFor(usage('sonnet-test', base))!.tier).toBeUndefined();
    expect(pricer.cardFor(usage('sonnet-test', { ...base, tags: { context_window: '0-200k' } }))!.tier).toBeUndefined();
    expect(pricer.cardFor(usage('sonnet-test', { ...base, tags: { context_window: '200k-1M' } }))!.tier?.threshold).toBe(200000);
  });
});
