/**
 * Effective dates (a record before its model's first known price is unpriced, with the reason,
 * unless the first period is marked sinceLaunch) and regional uplifts (only on the routes, models
 * and dates the catalog states). Expected values are computed by hand in the comments; see
 * docs/pricing.md for the rules.
 */
import { describe, expect, it } from 'vitest';
import { componentsOf, Pricer, totalOf } from '../../src/pricing/cost.js';
import { labelUnpriced, noPriceReason, unpricedReason } from '../../src/pricing/catalog.js';
import { compileDocument, loadCatalog } from '../../src/pricing/load.js';
import { femtoToUsdString } from '../../src/pricing/money.js';
import type { UsageRecord } from '../../src/usage/record.js';
import { catalogOf, usage } from './helpers.js';

const ms = (iso: string) => Date.parse(iso);

const doc = {
  provider: 'deepseek',
  source: 'test',
  checkedAt: '2026-12-01',
  models: [
    {
      id: 'dated-model',
      prices: [
        { from: '2025-09-29', inputPerMTok: 0.28, outputPerMTok: 0.42 },
        { from: '2026-04-24', inputPerMTok: 0.14, outputPerMTok: 0.28 },
      ],
    },
    {
      id: 'launched-model',
      prices: [{ from: '2026-06-30', sinceLaunch: true, inputPerMTok: 2, outputPerMTok: 10 }],
    },
    { id: 'open-model', prices: [{ inputPerMTok: 1, outputPerMTok: 2 }] },
  ],
};

function costAt(pricer: Pricer, model: string, iso: string, t: Partial<UsageRecord> = {}): string | undefined {
  const r = usage(model, { timeMs: ms(iso), timestamp: iso, inputTokens: 1_000_000, outputTokens: 1_000_000, ...t });
  const card = pricer.cardFor(r);
  return card ? femtoToUsdString(totalOf(componentsOf(r, card.prices))) : undefined;
}

describe('effective dates: before the first known price', () => {
  const catalog = catalogOf(doc);
  const pricer = new Pricer(catalog);

  it('leaves a record one second before the first period unpriced, and prices it from the first day', () => {
    expect(costAt(pricer, 'dated-model', '2025-09-28T23:59:59Z')).toBeUndefined();
    // 1M input x $0.28 + 1M output x $0.42 = $0.70
    expect(costAt(pricer, 'dated-model', '2025-09-29T00:00:00Z')).toBe('0.7');
    // the day before the second period still pays the first: $0.70; from it 0.14 + 0.28 = $0.42
    expect(costAt(pricer, 'dated-model', '2026-04-23T23:59:59Z')).toBe('0.7');
    expect(costAt(pricer, 'dated-model', '2026-04-24T00:00:00Z')).toBe('0.42');
  });

  it('says why', () => {
    const entry = catalog.resolve('dated-model')!.entry;
    expect(noPriceReason(entry, ms('2025-09-28T23:59:59Z'))).toBe('no known price before 2025-09-29');
    expect(noPriceReason(entry, ms('2025-09-29T00:00:00Z'))).toBeUndefined();
    expect(unpricedReason(catalog, 'dated-model')).toBe('no known price before 2025-09-29');
    expect(pricer.unpricedReason('no-such-model')).toBe('not in the pricing catalog');
    const labelled = labelUnpriced(
      new Map([
        ['dated-model', 3],
        ['no-such-model', 2],
      ]),
      catalog,
    );
    expect([...labelled]).toEqual([
      ['dated-model (no known price before 2025-09-29)', 3],
      ['no-such-model', 2],
    ]);
  });

  it('prices records before a sinceLaunch first period at that period, and any date when the first period has no start', () => {
    // 1M x $2 + 1M x $10 = $12
    expect(costAt(pricer, 'launched-model', '2026-06-29T12:00:00Z')).toBe('12');
    expect(costAt(pricer, 'launched-model', '2026-06-30T00:00:00Z')).toBe('12');
    // 1M x $1 + 1M x $2 = $3
    expect(costAt(pricer, 'open-model', '2020-01-01T00:00:00Z')).toBe('3');
  });

  it('repricing at a date before the first period leaves the record unpriced too', () => {
    const at = new Pricer(catalog, { atMs: ms('2025-01-01T00:00:00Z') });
    expect(costAt(at, 'dated-model', '2026-05-01T00:00:00Z')).toBeUndefined();
    expect(costAt(at, 'launched-model', '2026-07-01T00:00:00Z')).toBe('12');
  });

  it('simulation pricing (pricedCardForEntry) agrees; hypothetical pricing (cardForEntry) is an error (exit 2), not a later price', () => {
    const res = catalog.resolve('dated-model')!;
    const t = {
      inputTokens: 1,
      cacheReadTokens: 0,
      cacheWrite5mTokens: 0,
      cacheWrite1hTokens: 0,
      outputTokens: 1,
      timeMs: ms('2025-01-01T00:00:00Z'),
    };
    expect(pricer.pricedCardForEntry(res, t, 'standard')).toBeUndefined();
    expect(() => pricer.cardForEntry(res, t, 'standard')).toThrow(
      'dated-model has no price on 2025-01-01: its first known price is from 2025-09-29',
    );
    expect(pricer.cardForEntry(res, { ...t, timeMs: ms('2025-09-29T00:00:00Z') }, 'standard').period.from).toBe('2025-09-29');
  });

  it('rejects sinceLaunch on a later period or on a first period without a date', () => {
    const bad = (prices: unknown[]) =>
      compileDocument(
        { provider: 'x', source: 's', checkedAt: '2026-12-01', models: [{ id: 'm', prices }] },
        'bad.yaml',
        undefined,
      ).errors.join('\n');
    expect(
      bad([
        { from: '2025-01-01', inputPerMTok: 1, outputPerMTok: 1 },
        { from: '2025-02-01', sinceLaunch: true, inputPerMTok: 1, outputPerMTok: 1 },
      ]),
    ).toMatch(/prices\[1\]\.sinceLaunch.*first period only/);
    expect(bad([{ sinceLaunch: true, inputPerMTok: 1, outputPerMTok: 1 }])).toMatch(/prices\[0\]\.sinceLaunch.*needs a `from`/);
    expect(bad([{ from: '2025-01-01', sinceLaunch: 'yes', inputPerMTok: 1, outputPerMTok: 1 }])).toMatch(/sinceLaunch/);
  });

  it('accepts a period start to the minute and rejects a start that is not a real instant', () => {
    const check = (from: string) =>
      compileDocument(
        {
          provider: 'x',
          source: 's',
          checkedAt: '2026-12-01',
          models: [{ id: 'm', prices: [{ from, inputPerMTok: 1, outputPerMTok: 1 }] }],
        },
        'p.yaml',
        undefined,
      ).errors.join('\n');
    expect(check('2025-09-05T16:00Z')).toBe('');
    expect(check('2025-02-30')).toMatch(/from: is not a real UTC date or time/);
    expect(check('2025-02-08T25:00Z')).toMatch(/from: is not a real UTC date or time/);
    expect(check('2025-02-08 16:00')).toMatch(/from: .*YYYY-MM-DDTHH:MMZ/);
  });
});

describe('regional uplifts only where the catalog states them', () => {
  const { catalog } = loadCatalog();
  const pricer = new Pricer(catalog);
  const day = '2026-10-01T12:00:00Z';
  // 100,000 input + 100,000 output tokens keep every model below its long-context threshold
  const small = { inputTokens: 100_000, outputTokens: 100_000 };

  it('Claude Haiku 4.5 with inference_geo "us" on the Claude API: no uplift (the parameter exists from Opus 4.6 on)', () => {
    // list $1 / $5: 0.1 x 1 + 0.1 x 5 = $0.60
    expect(costAt(pricer, 'claude-haiku-4-5-20251001', day, { ...small, regional: true, provider: 'anthropic' })).toBe('0.6');
    expect(
      pricer.cardFor(usage('claude-haiku-4-5-20251001', { timeMs: ms(day), regional: true, provider: 'anthropic' }))!.adjustments,
    ).toEqual([]);
  });

  it('Claude Opus 4.6 with inference_geo "us": 1.1x', () => {
    // list $5 / $25 -> $5.50 / $27.50: 0.1 x 5.5 + 0.1 x 27.5 = $3.30 (global: $3.00)
    expect(costAt(pricer, 'claude-opus-4-6', day, { ...small, regional: true, provider: 'anthropic' })).toBe('3.3');
    expect(costAt(pricer, 'claude-opus-4-6', day, { ...small, regional: false, provider: 'anthropic' })).toBe('3');
  });

  it('Claude Haiku 4.5 on a Vertex regional endpoint and a Bedrock geo profile: 1.1x; Bedrock global.: list', () => {
    // $1.10 / $5.50: 0.1 x 1.1 + 0.1 x 5.5 = $0.66
    expect(costAt(pricer, 'claude-haiku-4-5@20251001', day, { ...small, regional: true, provider: 'google' })).toBe('0.66');
    expect(costAt(pricer, 'us.anthropic.claude-haiku-4-5-20251001-v1:0', day, small)).toBe('0.66');
    expect(costAt(pricer, 'global.anthropic.claude-haiku-4-5-20251001-v1:0', day, small)).toBe('0.6');
  });

  it('Claude Sonnet 4 on a Bedrock geo profile: no uplift (older than Sonnet 4.5)', () => {
    // $3 / $15: 0.1 x 3 + 0.1 x 15 = $1.80
    expect(costAt(pricer, 'us.anthropic.claude-sonnet-4-20250514-v1:0', day, small)).toBe('1.8');
  });

  it('OpenAI data residency: 1.1x on GPT-5.4 (released 2026-03-05), none on gpt-4o', () => {
    // gpt-5.4 $2.50 / $15 -> $2.75 / $16.50: 0.1 x 2.75 + 0.1 x 16.5 = $1.925
    expect(costAt(pricer, 'gpt-5.4', day, { ...small, regional: true, provider: 'openai' })).toBe('1.925');
    // gpt-4o $2.50 / $10: 0.1 x 2.5 + 0.1 x 10 = $1.25
    expect(costAt(pricer, 'gpt-4o', day, { ...small, regional: true, provider: 'openai' })).toBe('1.25');
  });

  it('a rule with a start date applies from that day only', () => {
    const c = catalogOf({
      provider: 'anthropic',
      source: 'test',
      checkedAt: '2026-12-01',
      models: [
        {
          id: 'geo-model',
          regional: [{ via: ['inference-geo'], multiplier: 1.1, from: '2026-03-01', source: 'test' }],
          prices: [{ inputPerMTok: 10, outputPerMTok: 10 }],
        },
      ],
    });
    const p = new Pricer(c);
    // 1M x $10 + 1M x $10 = $20; with the uplift 1M x $11 + 1M x $11 = $22
    expect(costAt(p, 'geo-model', '2026-02-28T23:59:59Z', { regional: true })).toBe('20');
    expect(costAt(p, 'geo-model', '2026-03-01T00:00:00Z', { regional: true })).toBe('22');
    // a route the rule does not name: no uplift
    expect(costAt(p, 'geo-model', '2026-03-01T00:00:00Z', { regional: true, provider: 'google' })).toBe('20');
  });

  it('of two dated rules for one route, the later start is in force from its day, whichever is listed first', () => {
    const rules = [
      { via: ['inference-geo'], multiplier: 1.1, from: '2026-03-01', source: 'first uplift' },
      { via: ['inference-geo'], multiplier: 1.2, from: '2026-06-01', source: 'raised uplift' },
    ];
    for (const regional of [rules, [...rules].reverse()]) {
      const p = new Pricer(
        catalogOf({
          provider: 'anthropic',
          source: 'test',
          checkedAt: '2026-12-01',
          models: [{ id: 'geo-model', regional, prices: [{ inputPerMTok: 10, outputPerMTok: 10 }] }],
        }),
      );
      // before both: 1M x $10 + 1M x $10 = $20
      expect(costAt(p, 'geo-model', '2026-02-28T23:59:59Z', { regional: true })).toBe('20');
      // the first in force: 1M x $11 + 1M x $11 = $22, to the last second before the raise
      expect(costAt(p, 'geo-model', '2026-03-01T00:00:00Z', { regional: true })).toBe('22');
      expect(costAt(p, 'geo-model', '2026-05-31T23:59:59Z', { regional: true })).toBe('22');
      // the raise from its day: 1M x $12 + 1M x $12 = $24 (the first rule used to win: $22)
      expect(costAt(p, 'geo-model', '2026-06-01T00:00:00Z', { regional: true })).toBe('24');
      expect(costAt(p, 'geo-model', '2026-11-01T00:00:00Z', { regional: true })).toBe('24');
    }
  });

  it('rejects an unknown route and a rule without a source', () => {
    const bad = (regional: unknown) =>
      compileDocument(
        {
          provider: 'x',
          source: 's',
          checkedAt: '2026-12-01',
          models: [{ id: 'm', regional, prices: [{ inputPerMTok: 1, outputPerMTok: 1 }] }],
        },
        'bad.yaml',
        undefined,
      ).errors.join('\n');
    expect(bad([{ via: ['moon'], multiplier: 1.1, source: 's' }])).toMatch(/regional\[0\]\.via\[0\]: expected one of/);
    expect(bad([{ via: ['bedrock'], multiplier: 1.1 }])).toMatch(/regional\[0\].*source/);
  });
});
