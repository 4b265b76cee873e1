/**
 * The bundled catalog checked against the providers' list prices (each entry cites its source),
 * table-driven. Every row of the OpenAI, Anthropic and Gemini list-price tables below is resolved through the
 * real catalog under the id users log, at a date when the row is in force; then the dated price changes, the
 * long-context rules, cache minimums / TTLs, priority, regional uplifts, DeepSeek peak windows, fast mode, id
 * resolution, and hand-computed request costs.
 *
 * Prices are compared as exact decimals: priceToUsdPerMTok() turns the integer nano-USD price into the
 * decimal it stands for, and a cost of 1,000,000 tokens printed by femtoToUsdString() is the per-MTok
 * price itself, so `toBe(0.075)` is an exact comparison, not a float tolerance.
 */
import { describe, expect, it } from 'vitest';
import { periodAt } from '../../src/pricing/catalog.js';
import { componentsOf, Pricer, totalOf, type RateCard } from '../../src/pricing/cost.js';
import { loadCatalog } from '../../src/pricing/load.js';
import type { PriceSet } from '../../src/pricing/model.js';
import { femtoToUsdString, priceToUsdPerMTok } from '../../src/pricing/money.js';
import type { ServiceTier, UsageRecord } from '../../src/usage/record.js';
import { usage } from './helpers.js';

const { catalog } = loadCatalog();

/** A date alone means noon UTC (off-peak for DeepSeek); a full ISO time is used as given. */
const ms = (d: string) => Date.parse(d.length === 10 ? `${d}T12:00:00Z` : d);

type Tokens = Partial<
  Pick<
    UsageRecord,
    'inputTokens' | 'cacheReadTokens' | 'cacheWrite5mTokens' | 'cacheWrite1hTokens' | 'outputTokens' | 'fast' | 'regional' | 'provider'
  >
>;

function entryOf(model: string) {
  const res = catalog.resolve(model);
  if (!res) throw new Error(`unresolved ${model}`);
  return res.entry;
}

function usd(p: PriceSet) {
  return {
    in: priceToUsdPerMTok(p.input),
    read: priceToUsdPerMTok(p.cacheRead),
    w5m: priceToUsdPerMTok(p.cacheWrite5m),
    w1h: priceToUsdPerMTok(p.cacheWrite1h),
    out: priceToUsdPerMTok(p.output),
  };
}

/** Standard list prices of the period in force on `date` (periodAt, no tier, no adjustments). */
function list(model: string, date: string) {
  return usd(periodAt(entryOf(model), ms(date)).period.standard);
}

function card(model: string, date: string, t: Tokens = {}, serviceTier: ServiceTier = 'standard'): RateCard {
  const r = usage(model, { timeMs: ms(date), serviceTier, ...t });
  const c = new Pricer(catalog).cardFor(r);
  if (!c) throw new Error(`unpriced ${model}`);
  return c;
}

/** Final per-MTok prices of a request after tier, service tier, fast, regional and peak. */
function rates(model: string, date: string, t: Tokens = {}, serviceTier: ServiceTier = 'standard') {
  return usd(card(model, date, t, serviceTier).prices);
}

/** Exact cost of one request through the Pricer, femto-USD. */
function femto(model: string, date: string, t: Tokens, serviceTier: ServiceTier = 'standard', pricer = new Pricer(catalog)): bigint {
  const r = usage(model, { timeMs: ms(date), serviceTier, ...t });
  const c = pricer.cardFor(r);
  if (!c) throw new Error(`unpriced ${model}`);
  return totalOf(componentsOf(r, c.prices));
}

/** Exact USD cost of one request through the Pricer. */
function cost(model: string, date: string, t: Tokens, serviceTier: ServiceTier = 'standard', pricer = new Pricer(catalog)): string {
  return femtoToUsdString(femto(model, date, t, serviceTier, pricer));
}

/**
 * Batch input / cached / output price per MTok through the Pricer. A request of 1M tokens would cross
 * every long-context threshold (100K-272K), so the short-context price is measured on 100,000 tokens
 * (below every threshold, and exactly 100K is not above Haiku 5.5's) and scaled by 10, exactly.
 */
function batch(model: string, date: string) {
  const per = (t: Tokens) => Number(femtoToUsdString(femto(model, date, t, 'batch') * 10n));
  return { in: per({ inputTokens: 100_000 }), read: per({ cacheReadTokens: 100_000 }), out: per({ outputTokens: 100_000 }) };
}

// ---------------------------------------------------------------------------------------------
// OpenAI list prices. write "=in": cache writes bill as plain input (no field); 1h "—": not offered, so the
// engine's fallback (the 5m/30m write price) is what a stray 1h count would pay.
// [ids as logged, date in force, in, read, write, out, batch in, batch out]
type OaRow = [string[], string, number, number, number | '=in', number, number, number];
const OPENAI: OaRow[] = [
  [['gpt-4o', 'gpt-4o-2024-08-06', 'gpt-4o-2024-11-20', 'openai/gpt-4o', 'azure/gpt-4o'], '2026-11-23', 2.5, 1.25, '=in', 10, 1.25, 5],
  [['gpt-4o-mini', 'gpt-4o-mini-2024-07-18'], '2026-11-23', 0.15, 0.075, '=in', 0.6, 0.075, 0.3],
  [['gpt-4.1', 'gpt-4.1-2025-04-14'], '2026-11-23', 2, 0.5, '=in', 8, 1, 4],
  [['gpt-4.1-mini', 'gpt-4.1-mini-2025-04-14'], '2026-11-23', 0.4, 0.1, '=in', 1.6, 0.2, 0.8],
  [['gpt-4.1-nano', 'gpt-4.1-nano-2025-04-14'], '2026-11-23', 0.1, 0.025, '=in', 0.4, 0.05, 0.2],
  [['o3', 'o3-2025-04-16'], '2026-11-23', 2, 0.5, '=in', 8, 1, 4],
  [['o4-mini', 'o4-mini-2025-04-16'], '2026-11-23', 1.1, 0.275, '=in', 4.4, 0.55, 2.2],
  [['gpt-5', 'gpt-5-2025-08-07'], '2026-11-23', 1.25, 0.125, '=in', 10, 0.625, 5],
  [['gpt-5-mini', 'gpt-5-mini-2025-08-07'], '2026-11-23', 0.25, 0.025, '=in', 2, 0.125, 1],
  [['gpt-5-nano', 'gpt-5-nano-2025-08-07'], '2026-11-23', 0.05, 0.005, '=in', 0.4, 0.025, 0.2],
  [['gpt-5.1', 'gpt-5.1-2025-11-13'], '2026-11-23', 1.25, 0.125, '=in', 10, 0.625, 5],
  [['gpt-5.2', 'gpt-5.2-2025-12-11'], '2026-11-23', 1.75, 0.175, '=in', 14, 0.875, 7],
  [['gpt-5.4', 'gpt-5.4-2026-03-05'], '2026-11-23', 2.5, 0.25, '=in', 15, 1.25, 7.5],
  [['gpt-5.4-mini'], '2026-11-23', 0.75, 0.075, '=in', 4.5, 0.375, 2.25],
  [['gpt-5.4-nano'], '2026-11-23', 0.2, 0.02, '=in', 1.25, 0.1, 0.625],
  [['gpt-5.5'], '2026-11-23', 5, 0.5, '=in', 30, 2.5, 15],
  [['gpt-5.6-sol', 'gpt-5.6'], '2026-10-01', 4, 0.4, 5, 20, 2, 10],
  [['gpt-5.6-terra'], '2026-10-01', 2, 0.2, 2.5, 12, 1, 6],
  [['gpt-5.6-luna'], '2026-10-01', 0.2, 0.02, 0.25, 1.2, 0.1, 0.6],
  [['gpt-6-astra'], '2026-11-23', 10, 1, 12.5, 50, 5, 25],
  [['gpt-6-sol'], '2026-10-01', 2, 0.2, 2.5, 10, 1, 5],
  [['gpt-6-luna'], '2026-10-01', 0.1, 0.01, 0.125, 0.5, 0.05, 0.25],
  [['gpt-6.1-sol'], '2026-10-01', 2, 0.1, 2.5, 10, 1, 5],
  [['gpt-6.2-sol'], '2026-11-23', 2, 0.1, 2.5, 10, 1, 5],
];

describe('OpenAI list prices', () => {
  for (const [ids, date, inp, read, write, out, bIn, bOut] of OPENAI) {
    for (const id of ids) {
      it(`${id} on ${date}`, () => {
        const w = write === '=in' ? inp : write;
        expect(list(id, date)).toEqual({ in: inp, read, w5m: w, w1h: w, out });
        expect(batch(id, date)).toMatchObject({ in: bIn, out: bOut });
      });
    }
  }

  it('Batch cached input: 50% of the cached rate on GPT-5 and later, none before (Batch tab "-"; docs/pricing.md, Open conflicts)', () => {
    // Before GPT-5 the Batch tab has no cached-input column value: cached tokens bill at the Batch input rate.
    expect(batch('gpt-4o', '2026-11-23').read).toBe(1.25);
    expect(batch('gpt-4o-mini', '2026-11-23').read).toBe(0.075);
    expect(batch('gpt-4.1', '2026-11-23').read).toBe(1);
    expect(batch('o3', '2026-11-23').read).toBe(1);
    expect(batch('o4-mini', '2026-11-23').read).toBe(0.55);
    // GPT-5+: the Batch tab lists cached rates (gpt-5 $0.0625; gpt-5.5 $0.25).
    expect(batch('gpt-5', '2026-11-23').read).toBe(0.0625);
    expect(batch('gpt-5.5', '2026-11-23').read).toBe(0.25);
    expect(batch('gpt-6-sol', '2026-10-01').read).toBe(0.1);
  });

  it('Flex is Batch prices on the synchronous API, caching discounts kept (docs/pricing.md, Service tiers)', () => {
    expect(rates('o4-mini', '2026-11-23', {}, 'flex')).toMatchObject({ in: 0.55, read: 0.1375, out: 2.2 });
    expect(rates('o3', '2026-11-23', {}, 'flex')).toMatchObject({ in: 1, read: 0.25, out: 4 });
    expect(rates('gpt-5', '2026-11-23', {}, 'flex')).toMatchObject({ in: 0.625, read: 0.0625, out: 5 });
    expect(rates('gpt-6-sol', '2026-10-01', {}, 'flex')).toMatchObject({ in: 1, read: 0.1, w5m: 1.25, out: 5 });
  });

  it('models without a cached price bill cached tokens as input (docs/pricing.md, Cache reads and writes)', () => {
    for (const id of ['gpt-4o-2024-05-13', 'o1-pro', 'o3-pro', 'gpt-5-pro', 'gpt-5.2-pro', 'gpt-5.4-pro', 'gpt-5.5-pro']) {
      const p = list(id, '2026-11-23');
      expect(p.read, id).toBe(p.in);
    }
    expect(list('gpt-4o-2024-05-13', '2026-11-23')).toMatchObject({ in: 5, out: 15 });
  });
});

// ---------------------------------------------------------------------------------------------
// Anthropic list prices (Claude API, global). [ids, date, in, read, 5m, 1h, out, batch in, batch out]
type AnRow = [string[], string, number, number, number, number, number, number, number];
const ANTHROPIC: AnRow[] = [
  [['claude-fable-5-1', 'claude-mythos-5-1'], '2026-11-23', 10, 0.25, 12.5, 20, 50, 5, 25],
  [['claude-fable-5-2', 'claude-mythos-5-2', 'anthropic/claude-fable-5.2'], '2026-11-23', 8, 0.2, 10, 16, 40, 4, 20],
  [['claude-fable-5', 'claude-mythos-5'], '2026-11-23', 10, 1, 12.5, 20, 50, 5, 25],
  [['claude-opus-5-5'], '2026-10-01', 4, 0.2, 5, 8, 20, 2, 10],
  [
    [
      'claude-opus-5',
      'claude-opus-4-8',
      'claude-opus-4-7',
      'claude-opus-4-6',
      'claude-opus-4-5',
      'claude-opus-4-5-20251101',
      'claude-opus-4-5@20251101',
    ],
    '2026-10-01',
    5,
    0.5,
    6.25,
    10,
    25,
    2.5,
    12.5,
  ],
  [
    ['claude-opus-4-1', 'claude-opus-4-1-20250805', 'claude-opus-4', 'claude-opus-4-20250514'],
    '2026-10-01',
    15,
    1.5,
    18.75,
    30,
    75,
    7.5,
    37.5,
  ],
  [['claude-sonnet-5-5'], '2026-10-06', 2, 0.2, 2.5, 4, 10, 1, 5],
  [['claude-sonnet-5-5'], '2026-10-08', 2, 0.1, 2.5, 4, 10, 1, 5],
  [['claude-sonnet-5'], '2026-10-01', 2, 0.2, 2.5, 4, 10, 1, 5],
  [
    [
      'claude-sonnet-4-6',
      'claude-sonnet-4-5',
      'claude-sonnet-4-5-20250929',
      'claude-sonnet-4-5@20250929',
      'claude-sonnet-4',
      'claude-sonnet-4-20250514',
      'anthropic/claude-sonnet-4-5',
    ],
    '2026-10-01',
    3,
    0.3,
    3.75,
    6,
    15,
    1.5,
    7.5,
  ],
  [['claude-haiku-5-5'], '2026-10-08', 0.1, 0.01, 0.125, 0.2, 0.5, 0.05, 0.25],
  [['claude-haiku-4-5', 'claude-haiku-4-5-20251001', 'claude-haiku-4-5@20251001'], '2026-10-01', 1, 0.1, 1.25, 2, 5, 0.5, 2.5],
  [['claude-3-5-haiku', 'claude-3-5-haiku-20241022', 'claude-3-5-haiku@20241022'], '2026-10-01', 0.8, 0.08, 1, 1.6, 4, 0.4, 2],
  // From the Claude pricing page (2026 copies, re-checked 2026-11-23): deprecated models still in logs.
  [['claude-3-7-sonnet-20250219', 'claude-3-7-sonnet@20250219'], '2026-10-01', 3, 0.3, 3.75, 6, 15, 1.5, 7.5],
  [['claude-3-opus-20240229'], '2026-10-01', 15, 1.5, 18.75, 30, 75, 7.5, 37.5],
  [['claude-3-haiku-20240307'], '2026-10-01', 0.25, 0.03, 0.3, 0.5, 1.25, 0.125, 0.625],
];

/** Bedrock foundation-model ids with the Claude API entry they must price like (global profile). */
const BEDROCK_CLAUDE: [string, string, string][] = [
  ['anthropic.claude-3-5-haiku-20241022-v1:0', 'claude-3-5-haiku', '2026-10-01'],
  ['us.anthropic.claude-3-7-sonnet-20250219-v1:0', 'claude-3-7-sonnet', '2026-10-01'],
  ['us.anthropic.claude-sonnet-4-20250514-v1:0', 'claude-sonnet-4', '2026-10-01'],
  ['us.anthropic.claude-opus-4-20250514-v1:0', 'claude-opus-4', '2026-10-01'],
  ['us.anthropic.claude-opus-4-1-20250805-v1:0', 'claude-opus-4-1', '2026-10-01'],
  ['global.anthropic.claude-sonnet-4-5-20250929-v1:0', 'claude-sonnet-4-5', '2026-10-01'],
  ['global.anthropic.claude-haiku-4-5-20251001-v1:0', 'claude-haiku-4-5', '2026-10-01'],
  ['global.anthropic.claude-opus-4-5-20251101-v1:0', 'claude-opus-4-5', '2026-10-01'],
  ['global.anthropic.claude-opus-4-6-v1', 'claude-opus-4-6', '2026-10-01'],
  ['global.anthropic.claude-sonnet-4-6', 'claude-sonnet-4-6', '2026-10-01'],
  ['global.anthropic.claude-opus-4-7', 'claude-opus-4-7', '2026-10-01'],
  ['global.anthropic.claude-opus-4-8', 'claude-opus-4-8', '2026-10-01'],
  ['global.anthropic.claude-opus-5', 'claude-opus-5', '2026-10-01'],
  ['global.anthropic.claude-opus-5-5', 'claude-opus-5-5', '2026-10-01'],
  ['global.anthropic.claude-sonnet-5', 'claude-sonnet-5', '2026-10-01'],
  ['global.anthropic.claude-fable-5', 'claude-fable-5', '2026-10-01'],
  ['global.anthropic.claude-fable-5-1', 'claude-fable-5-1', '2026-10-01'],
];

describe('Anthropic list prices', () => {
  for (const [ids, date, inp, read, w5m, w1h, out, bIn, bOut] of ANTHROPIC) {
    for (const id of ids) {
      it(`${id} on ${date}`, () => {
        expect(list(id, date)).toEqual({ in: inp, read, w5m, w1h, out });
        expect(rates(id, date)).toEqual({ in: inp, read, w5m, w1h, out });
        // batch: 50% of every bucket, stacking with caching (docs/pricing.md, Service tiers)
        expect(batch(id, date)).toEqual({ in: bIn, read: read / 2, out: bOut });
      });
    }
  }

  it('Haiku 5.5 above 100K prompt tokens: 0.50 / 0.05 / 0.625 / 1 / 2.50, batch 0.25 / 1.25', () => {
    const big = { inputTokens: 100_001 };
    expect(rates('claude-haiku-5-5', '2026-10-08', big)).toEqual({ in: 0.5, read: 0.05, w5m: 0.625, w1h: 1, out: 2.5 });
    expect(rates('claude-haiku-5-5', '2026-10-08', big, 'batch')).toMatchObject({ in: 0.25, out: 1.25 });
  });

  it('Sonnet 4 / 4.5 above 200K: 6 / 0.60 / 7.50 / 12 / 22.50', () => {
    for (const id of [
      'claude-sonnet-4',
      'claude-sonnet-4-5',
      'us.anthropic.claude-sonnet-4-20250514-v1:0',
      'global.anthropic.claude-sonnet-4-5-20250929-v1:0',
    ])
      expect(rates(id, '2026-04-01', { inputTokens: 200_001 }), id).toEqual({ in: 6, read: 0.6, w5m: 7.5, w1h: 12, out: 22.5 });
  });

  for (const [bedrockId, apiId, date] of BEDROCK_CLAUDE) {
    it(`Bedrock ${bedrockId} is the Claude API list price (global / no-premium scope)`, () => {
      expect(rates(bedrockId, date)).toEqual(list(apiId, date));
      expect(batch(bedrockId, date)).toEqual(batch(apiId, date));
    });
  }
});

// ---------------------------------------------------------------------------------------------
// Gemini API list prices. [ids, date, in, read, storage /MTok·h (undefined = not in the catalog), out, batch in, batch out]
type GRow = [string[], string, number, number, number | undefined, number, number, number];
const GEMINI: GRow[] = [
  [['gemini-2.0-flash', 'gemini-2.0-flash-001', 'models/gemini-2.0-flash'], '2025-07-31', 0.1, 0.025, undefined, 0.4, 0.05, 0.2],
  [['gemini-2.5-flash-lite'], '2025-11-01', 0.1, 0.01, 1, 0.4, 0.05, 0.2],
  [['gemini-2.5-flash', 'models/gemini-2.5-flash', 'google/gemini-2.5-flash'], '2025-11-01', 0.3, 0.03, 1, 2.5, 0.15, 1.25],
  [['gemini-2.5-pro', 'models/gemini-2.5-pro', 'gemini/gemini-2.5-pro'], '2026-10-01', 1.25, 0.125, 4.5, 10, 0.625, 5],
  [['gemini-3-flash-preview'], '2025-12-19', 0.5, 0.05, undefined, 3, 0.25, 1.5],
  [['gemini-3-pro-preview', 'gemini-3.1-pro-preview'], '2026-10-01', 2, 0.2, 4.5, 12, 1, 6],
  [['gemini-3.1-flash-lite'], '2026-05-12', 0.25, 0.025, undefined, 1.5, 0.125, 0.75],
  [['gemini-3.5-flash'], '2026-10-07', 1.5, 0.15, undefined, 9, 0.75, 4.5],
  [['gemini-3.5-flash-lite'], '2026-10-07', 0.3, 0.03, undefined, 2.5, 0.15, 1.25],
  [['gemini-3.6-flash', 'gemini-3.7-flash', 'gemini-3.8-flash'], '2026-12-31', 0.75, 0.075, undefined, 3.75, 0.375, 1.875],
  [['gemini-3.6-flash', 'gemini-3.7-flash', 'gemini-3.8-flash'], '2027-01-01', 1.5, 0.15, undefined, 7.5, 0.75, 3.75],
  [['gemini-4-argon', 'gemini-4-carbon'], '2026-11-30', 2, 0.1, undefined, 10, 1, 5],
  [['gemini-4-argon', 'gemini-4-carbon'], '2026-12-01', 4, 0.2, undefined, 20, 2, 10],
];

describe('Gemini list prices', () => {
  for (const [ids, date, inp, read, storage, out, bIn, bOut] of GEMINI) {
    for (const id of ids) {
      it(`${id} on ${date}`, () => {
        // explicit-cache creation bills at the standard input price (docs/pricing.md, Cache reads and writes): write = input
        expect(list(id, date)).toEqual({ in: inp, read, w5m: inp, w1h: inp, out });
        expect(batch(id, date)).toMatchObject({ in: bIn, out: bOut });
        if (storage !== undefined) expect(entryOf(id).cache?.storagePerMTokHour).toBe(storage);
      });
    }
  }

  it('Pro models above 200K: 2.5 Pro 2.50 / 0.25 / 15; 3.x Pro 4 / 0.40 / 18', () => {
    expect(rates('gemini-2.5-pro', '2026-10-01', { inputTokens: 200_001 })).toMatchObject({ in: 2.5, read: 0.25, out: 15 });
    for (const id of ['gemini-3-pro-preview', 'gemini-3.1-pro-preview'])
      expect(rates(id, '2026-10-01', { inputTokens: 200_001 })).toMatchObject({ in: 4, read: 0.4, out: 18 });
  });

  it('Flex 50% and Priority 1.8x (3.7 Flash and later)', () => {
    expect(rates('gemini-3.7-flash', '2026-11-23', {}, 'priority')).toMatchObject({ in: 1.35, read: 0.135, out: 6.75 });
    expect(rates('gemini-3.8-flash', '2027-02-01', {}, 'priority')).toMatchObject({ in: 2.7, read: 0.27, out: 13.5 });
    expect(rates('gemini-3.5-flash', '2026-11-23', {}, 'flex')).toMatchObject({ in: 0.75, read: 0.075, out: 4.5 });
    // 3.6 Flash: priority not stated -> priced at standard with a warning
    const c = card('gemini-3.6-flash', '2026-11-23', {}, 'priority');
    expect(c.pricedTier).toBe('standard');
    expect(c.warnings.join()).toMatch(/no priority price/);
  });
});

// ---------------------------------------------------------------------------------------------
describe('dated price changes (day before / day of; docs/pricing.md, Effective dates)', () => {
  const cases: [string, string, string, Partial<ReturnType<typeof list>>, Partial<ReturnType<typeof list>>][] = [
    ['o3', '2025-06-09', '2025-06-10', { in: 10, read: 2.5, out: 40 }, { in: 2, read: 0.5, out: 8 }],
    ['gemini-2.5-pro', '2025-10-30', '2025-10-31', { in: 1.25, read: 0.31, out: 10 }, { in: 1.25, read: 0.125, out: 10 }],
    ['gemini-2.5-flash', '2025-10-30', '2025-10-31', { in: 0.3, read: 0.075, out: 2.5 }, { in: 0.3, read: 0.03, out: 2.5 }],
    ['gemini-2.5-flash-lite', '2025-10-30', '2025-10-31', { in: 0.1, read: 0.025, out: 0.4 }, { in: 0.1, read: 0.01, out: 0.4 }],
    ['mistral-medium-latest', '2026-06-15', '2026-06-16', { in: 0.4, out: 2 }, { in: 1.5, read: 0.15, out: 7.5 }],
    ['gpt-5.6-luna', '2026-07-29', '2026-07-30', { in: 1, read: 0.1, w5m: 1.25, out: 6 }, { in: 0.2, read: 0.02, w5m: 0.25, out: 1.2 }],
    ['gpt-5.6-terra', '2026-07-29', '2026-07-30', { in: 2.5, read: 0.25, w5m: 3.125, out: 15 }, { in: 2, read: 0.2, w5m: 2.5, out: 12 }],
    ['gpt-5.6-sol', '2026-08-20', '2026-08-21', { in: 5, read: 0.5, w5m: 6.25, out: 30 }, { in: 4, read: 0.4, w5m: 5, out: 20 }],
    ['voxtral-small-latest', '2026-08-10', '2026-08-11', { in: 0.1, out: 0.3 }, { in: 0.1, out: 0.4 }],
    ['deepseek-v4-flash', '2026-08-16', '2026-08-17', { in: 0.14, read: 0.0028, out: 0.28 }, { in: 0.22, read: 0.007, out: 0.66 }],
    ['gemini-4-argon', '2026-11-30', '2026-12-01', { in: 2, read: 0.1, out: 10 }, { in: 4, read: 0.2, out: 20 }],
    ['gemini-4-carbon', '2026-11-30', '2026-12-01', { in: 2, read: 0.1, out: 10 }, { in: 4, read: 0.2, out: 20 }],
    ['gemini-3.7-flash', '2026-12-31', '2027-01-01', { in: 0.75, out: 3.75 }, { in: 1.5, out: 7.5 }],
  ];
  for (const [id, before, after, pBefore, pAfter] of cases) {
    it(`${id}: ${before} -> ${after}`, () => {
      expect(list(id, before)).toMatchObject(pBefore);
      expect(list(id, after)).toMatchObject(pAfter);
    });
  }

  it('GPT-5.6 GA prices from 2026-07-09 ($5/$30, $2.50/$15, $1/$6)', () => {
    expect(list('gpt-5.6-sol', '2026-07-09')).toMatchObject({ in: 5, out: 30 });
    expect(list('gpt-5.6-terra', '2026-07-09')).toMatchObject({ in: 2.5, out: 15 });
    expect(list('gpt-5.6-luna', '2026-07-09')).toMatchObject({ in: 1, out: 6 });
  });

  it('Sonnet 5 stays $2 / $10 after 2026-09-01 (the announced rise did not happen)', () => {
    expect(list('claude-sonnet-5', '2026-06-30')).toMatchObject({ in: 2, out: 10 });
    expect(list('claude-sonnet-5', '2026-09-01')).toMatchObject({ in: 2, out: 10 });
  });

  it('launches: Opus 5.5 $4/$20 (2026-09-22), GPT-6 Sol/Luna (2026-09-22), GPT-6.1 Sol read 0.10 vs 0.20 (2026-09-29), Haiku 5.5 (2026-10-07), GPT-6.2 Sol (2026-11-17)', () => {
    expect(list('claude-opus-5-5', '2026-09-22')).toMatchObject({ in: 4, out: 20 });
    expect(list('gpt-6-sol', '2026-09-22')).toMatchObject({ in: 2, read: 0.2, out: 10 });
    expect(list('gpt-6-luna', '2026-09-22')).toMatchObject({ in: 0.1, out: 0.5 });
    expect(list('gpt-6.1-sol', '2026-09-29').read).toBe(0.1);
    expect(list('claude-haiku-5-5', '2026-10-07')).toMatchObject({ in: 0.1, out: 0.5 });
    expect(list('gpt-6.2-sol', '2026-11-17')).toMatchObject({ in: 2, read: 0.1, out: 10 });
    for (const [id, from] of [
      ['claude-opus-5-5', '2026-09-22'],
      ['gpt-6-sol', '2026-09-22'],
      ['gpt-6.1-sol', '2026-09-29'],
      ['claude-haiku-5-5', '2026-10-07'],
      ['gpt-6.2-sol', '2026-11-17'],
      ['gemini-4-argon', '2026-09-30'],
      ['gemini-4-carbon', '2026-11-10'],
      ['claude-opus-5', '2026-07-24'],
      ['claude-sonnet-5', '2026-06-30'],
    ])
      expect(entryOf(id).periods[0].from, id).toBe(from);
  });

  it('GPT-5.6 Sol after the guaranteed promotion window (2026-11-21): promo kept until a new period is added (docs/pricing.md, Open conflicts)', () => {
    expect(list('gpt-5.6-sol', '2026-11-23')).toMatchObject({ in: 4, out: 20 });
    expect(list('openai.gpt-5.6-sol', '2026-11-23')).toMatchObject({ in: 4, out: 20 });
  });

  it('Opus / Sonnet 4.6 >200K surcharge removed on 2026-03-13 (also on Bedrock)', () => {
    const big = { inputTokens: 150_000, cacheReadTokens: 50_001 };
    expect(rates('claude-opus-4-6', '2026-03-12', big)).toEqual({ in: 10, read: 1, w5m: 12.5, w1h: 20, out: 37.5 });
    expect(rates('claude-opus-4-6', '2026-03-13', big)).toEqual({ in: 5, read: 0.5, w5m: 6.25, w1h: 10, out: 25 });
    expect(rates('claude-sonnet-4-6', '2026-03-12', big)).toEqual({ in: 6, read: 0.6, w5m: 7.5, w1h: 12, out: 22.5 });
    expect(rates('claude-sonnet-4-6', '2026-03-13', big)).toEqual({ in: 3, read: 0.3, w5m: 3.75, w1h: 6, out: 15 });
    expect(rates('global.anthropic.claude-opus-4-6-v1', '2026-03-12', big).in).toBe(10);
    expect(rates('global.anthropic.claude-opus-4-6-v1', '2026-03-13', big).in).toBe(5);
    expect(rates('global.anthropic.claude-sonnet-4-6', '2026-03-12', big).in).toBe(6);
    expect(rates('global.anthropic.claude-sonnet-4-6', '2026-03-13', big).in).toBe(3);
  });

  it('Bedrock GPT-5.6 gets the >272K tier with the 1M window on 2026-08-03', () => {
    const big = { inputTokens: 272_000 };
    expect(rates('global.openai.gpt-5.6-luna', '2026-08-02', big).in).toBe(0.2);
    expect(rates('global.openai.gpt-5.6-luna', '2026-08-03', big).in).toBe(0.4);
  });
});

// ---------------------------------------------------------------------------------------------
describe('long-context rules: threshold, > vs >=, deciding counts, whole request', () => {
  it('OpenAI GPT-5.4 / 5.5 / 5.6: exactly 272,000 prompt tokens (input + cached) pays the premium (>=)', () => {
    const at = (id: string, date: string, cached: number) =>
      rates(id, date, { inputTokens: 200_000, cacheReadTokens: cached, outputTokens: 300_000 });
    expect(at('gpt-5.4', '2026-11-23', 71_999)).toMatchObject({ in: 2.5, read: 0.25, out: 15 });
    expect(at('gpt-5.4', '2026-11-23', 72_000)).toMatchObject({ in: 5, read: 0.5, out: 22.5 });
    expect(at('gpt-5.5', '2026-11-23', 72_000)).toMatchObject({ in: 10, read: 1, out: 45 });
    expect(at('gpt-5.6-sol', '2026-10-01', 72_000)).toEqual({ in: 8, read: 0.8, w5m: 10, w1h: 10, out: 30 });
    expect(at('gpt-5.6-luna', '2026-10-01', 72_000)).toMatchObject({ in: 0.4, read: 0.04, w5m: 0.5, out: 1.8 });
    // cache writes count toward the prompt on 5.6+
    expect(rates('gpt-5.6-terra', '2026-10-01', { inputTokens: 200_000, cacheWrite5mTokens: 72_000 })).toMatchObject({
      in: 4,
      w5m: 5,
      out: 18,
    });
  });

  it('OpenAI GPT-6 family: exactly 272,000 is standard, 272,001 pays (>)', () => {
    expect(rates('gpt-6-sol', '2026-10-01', { inputTokens: 272_000 })).toMatchObject({ in: 2, out: 10 });
    expect(rates('gpt-6-sol', '2026-10-01', { inputTokens: 272_001 })).toEqual({ in: 4, read: 0.4, w5m: 5, w1h: 5, out: 15 });
    expect(rates('gpt-6-astra', '2026-11-23', { inputTokens: 136_001, cacheReadTokens: 136_000 })).toMatchObject({
      in: 20,
      read: 2,
      w5m: 25,
      out: 75,
    });
    expect(rates('gpt-6.1-sol', '2026-10-01', { inputTokens: 272_001 })).toMatchObject({ in: 4, read: 0.2, out: 15 });
    expect(rates('gpt-6.2-sol', '2026-11-23', { inputTokens: 272_001 })).toMatchObject({ in: 4, read: 0.2, out: 15 });
  });

  it('output never decides a tier', () => {
    expect(rates('gpt-5.4', '2026-11-23', { inputTokens: 1000, outputTokens: 900_000 }).in).toBe(2.5);
    expect(rates('claude-sonnet-4-5', '2026-04-01', { inputTokens: 1000, outputTokens: 300_000 }).in).toBe(3);
    expect(rates('gemini-2.5-pro', '2026-10-01', { inputTokens: 1000, outputTokens: 300_000 }).in).toBe(1.25);
  });

  it('no long-context tier on gpt-4.1 family, gpt-5 / 5.1 / 5.2, Gemini Flash, Gemini 4, Opus 4.6+ after GA', () => {
    const huge = { inputTokens: 500_000, cacheReadTokens: 400_000 };
    for (const [id, date, inp] of [
      ['gpt-4.1', '2026-11-23', 2],
      ['gpt-4.1-mini', '2026-11-23', 0.4],
      ['gpt-4.1-nano', '2026-11-23', 0.1],
      ['gpt-5', '2026-11-23', 1.25],
      ['gpt-5.1', '2026-11-23', 1.25],
      ['gpt-5.2', '2026-11-23', 1.75],
      ['gemini-2.5-flash', '2026-10-01', 0.3],
      ['gemini-3.5-flash', '2026-10-01', 1.5],
      ['gemini-4-carbon', '2026-11-23', 2],
      ['claude-opus-4-7', '2026-10-01', 5],
      ['claude-sonnet-5', '2026-10-01', 2],
      ['claude-opus-5-5', '2026-10-01', 4],
    ] as const) {
      const c = card(id, date, huge);
      expect(c.tier, id).toBeUndefined();
      expect(priceToUsdPerMTok(c.prices.input), id).toBe(inp);
    }
  });

  it('Anthropic Sonnet 4 / 4.5: > 200,000 on input + cache reads + cache writes', () => {
    // exactly 200,000 is standard
    expect(rates('claude-sonnet-4-5', '2026-04-01', { inputTokens: 100_000, cacheReadTokens: 100_000 }).in).toBe(3);
    // 200,001 made of 1 uncached + 5m writes + 1h writes: the writes count
    expect(rates('claude-sonnet-4-5', '2026-04-01', { inputTokens: 1, cacheWrite5mTokens: 100_000, cacheWrite1hTokens: 100_000 })).toEqual({
      in: 6,
      read: 0.6,
      w5m: 7.5,
      w1h: 12,
      out: 22.5,
    });
    expect(rates('claude-sonnet-4', '2026-04-01', { inputTokens: 1, cacheReadTokens: 200_000 }).out).toBe(22.5);
  });

  it('Claude Haiku 5.5: > 100,000 prompt (input + reads + writes) -> 5x every category', () => {
    expect(rates('claude-haiku-5-5', '2026-10-08', { inputTokens: 50_000, cacheReadTokens: 50_000 }).in).toBe(0.1);
    expect(rates('claude-haiku-5-5', '2026-10-08', { inputTokens: 1, cacheReadTokens: 50_000, cacheWrite5mTokens: 50_000 }).in).toBe(0.5);
  });

  it('Gemini Pro: > 200,000 promptTokenCount (cached content included), exactly 200,000 standard', () => {
    expect(rates('gemini-2.5-pro', '2026-10-01', { inputTokens: 150_000, cacheReadTokens: 50_000 }).in).toBe(1.25);
    expect(rates('gemini-2.5-pro', '2026-10-01', { inputTokens: 150_000, cacheReadTokens: 50_001 }).in).toBe(2.5);
    expect(rates('gemini-2.5-pro', '2025-06-01', { inputTokens: 200_001 })).toMatchObject({ in: 2.5, read: 0.625, out: 15 });
    expect(rates('gemini-3.1-pro-preview', '2026-10-01', { inputTokens: 150_000, cacheReadTokens: 50_001 }).out).toBe(18);
  });

  it('xAI: >= 200,000 prompt tokens bills every token at 2x (inclusive)', () => {
    expect(rates('grok-4.5', '2026-10-01', { inputTokens: 150_000, cacheReadTokens: 49_999 })).toMatchObject({ in: 2, read: 0.3, out: 6 });
    expect(rates('grok-4.5', '2026-10-01', { inputTokens: 150_000, cacheReadTokens: 50_000 })).toMatchObject({ in: 4, read: 0.6, out: 12 });
    expect(rates('grok-4.6', '2026-10-01', { inputTokens: 200_000 })).toMatchObject({ in: 4, read: 1, out: 12 });
    for (const id of ['grok-4.3', 'grok-4.20', 'grok-build-0.1'])
      expect(card(id, '2026-10-01', { inputTokens: 200_000 }).tier?.inclusive, id).toBe(true);
    expect(list('grok-4-1-fast', '2026-10-01')).toMatchObject({ in: 0.2, read: 0.05, out: 0.5 });
  });

  it('batch stacks with the tier (whole request at tier x 0.5)', () => {
    expect(rates('claude-sonnet-4-5', '2026-04-01', { inputTokens: 200_001 }, 'batch')).toEqual({
      in: 3,
      read: 0.3,
      w5m: 3.75,
      w1h: 6,
      out: 11.25,
    });
    expect(rates('gemini-2.5-pro', '2026-10-01', { inputTokens: 200_001 }, 'batch')).toMatchObject({ in: 1.25, read: 0.125, out: 7.5 });
    expect(rates('gpt-5.5', '2026-11-23', { inputTokens: 272_000 }, 'batch')).toMatchObject({ in: 5, read: 0.5, out: 22.5 });
  });
});

// ---------------------------------------------------------------------------------------------
describe('cache rules: minimums and TTLs', () => {
  it('Claude API minimums, 5m default TTL with 1h option, refreshed on hit', () => {
    const mins: Record<number, string[]> = {
      512: [
        'claude-fable-5-1',
        'claude-mythos-5-1',
        'claude-opus-5-5',
        'claude-opus-5',
        'claude-sonnet-5-5',
        'claude-fable-5',
        'claude-mythos-5',
        'claude-haiku-5-5',
      ],
      1024: [
        'claude-opus-4-8',
        'claude-sonnet-5',
        'claude-sonnet-4-6',
        'claude-sonnet-4-5',
        'claude-opus-4-1',
        'claude-opus-4',
        'claude-sonnet-4',
      ],
      2048: ['claude-opus-4-7', 'claude-3-5-haiku'],
      4096: ['claude-opus-4-6', 'claude-opus-4-5', 'claude-haiku-4-5'],
    };
    for (const [min, ids] of Object.entries(mins)) {
      for (const id of ids) {
        const c = entryOf(id).cache;
        expect(c?.minTokens, id).toBe(Number(min));
        expect(c?.ttl, id).toBe('5m');
        expect(c?.ttlOptions, id).toContain('1h');
        expect(c?.refreshOnHit, id).toBe(true);
      }
    }
  });

  it('Bedrock minimums: Opus 5 512; Sonnet 5, Opus 4.8, Sonnet 4.x, Claude 3.5 1,024; Haiku 4.5, Opus 4.5-4.7 4,096; Nova 1,024', () => {
    const mins: [string, number][] = [
      ['anthropic.claude-opus-5', 512],
      ['anthropic.claude-sonnet-5', 1024],
      ['anthropic.claude-opus-4-8', 1024],
      ['anthropic.claude-sonnet-4-20250514-v1:0', 1024],
      ['anthropic.claude-sonnet-4-5-20250929-v1:0', 1024],
      ['anthropic.claude-sonnet-4-6', 1024],
      ['anthropic.claude-3-5-haiku-20241022-v1:0', 1024],
      ['anthropic.claude-haiku-4-5-20251001-v1:0', 4096],
      ['anthropic.claude-opus-4-5-20251101-v1:0', 4096],
      ['anthropic.claude-opus-4-6-v1', 4096],
      ['anthropic.claude-opus-4-7', 4096],
      ['amazon.nova-micro-v1:0', 1024],
      ['amazon.nova-lite-v1:0', 1024],
      ['amazon.nova-pro-v1:0', 1024],
    ];
    for (const [id, min] of mins) expect(entryOf(id).cache?.minTokens, id).toBe(min);
  });

  it('Gemini implicit minimums (newer page version where they conflict) and storage', () => {
    const mins: [string, number][] = [
      ['gemini-3-flash-preview', 1024],
      ['gemini-3-pro-preview', 4096],
      ['gemini-2.5-flash', 2048],
      ['gemini-2.5-pro', 2048],
      ['gemini-3.5-flash', 4096],
      ['gemini-3.1-pro-preview', 4096],
      ['gemini-4-argon', 4096],
      ['gemini-4-carbon', 4096],
    ];
    for (const [id, min] of mins) expect(entryOf(id).cache?.minTokens, id).toBe(min);
    expect(entryOf('gemini-4-carbon').cache?.mode).toBe('implicit');
    expect(entryOf('gemini-3.6-flash').cache).toBeUndefined(); // no minimum published
    expect(entryOf('gemini-2.5-pro').cache?.ttl).toBe('1h'); // explicit caches default to 1 hour
  });

  it('OpenAI: 1,024 minimum; 128-token increments before GPT-5.6; 30m TTL from GPT-5.6; gpt-5.5 24h only; GPT-6.2 Sol 12h option', () => {
    for (const id of ['gpt-4o', 'gpt-4o-mini', 'gpt-4.1', 'o3', 'o4-mini', 'gpt-5', 'gpt-5.4', 'gpt-5.5']) {
      expect(entryOf(id).cache?.minTokens, id).toBe(1024);
      expect(entryOf(id).cache?.increment, id).toBe(128);
    }
    for (const id of [
      'gpt-5.6-sol',
      'gpt-5.6-terra',
      'gpt-5.6-luna',
      'gpt-6-sol',
      'gpt-6-luna',
      'gpt-6-astra',
      'gpt-6.1-sol',
      'gpt-6.2-sol',
    ]) {
      expect(entryOf(id).cache, id).toMatchObject({ minTokens: 1024, ttl: '30m' });
      expect(entryOf(id).cache?.increment, id).toBeUndefined();
    }
    expect(entryOf('gpt-5.5').cache?.ttl).toBe('24h');
    expect(entryOf('gpt-5.5').cache?.ttlOptions).toBeUndefined();
    expect(entryOf('gpt-4.1').cache?.ttlOptions).toEqual(['5m', '24h']);
    expect(entryOf('gpt-6.2-sol').cache?.ttlOptions).toContain('12h');
  });

  it('DeepSeek minimum 64 tokens, no write fee', () => {
    for (const id of ['deepseek-v4-flash', 'deepseek-v4-pro']) {
      expect(entryOf(id).cache?.minTokens, id).toBe(64);
      const p = list(id, '2026-10-01');
      expect(p.w5m, id).toBe(p.in);
    }
  });
});

// ---------------------------------------------------------------------------------------------
describe('priority: per-model prices, not a constant multiplier', () => {
  const PRIORITY: [string, number, number, number][] = [
    ['gpt-5.5', 12.5, 1.25, 75],
    ['gpt-5.4', 5, 0.5, 30],
    ['gpt-5.4-mini', 1.5, 0.15, 9],
    ['gpt-5.2', 3.5, 0.35, 28],
    ['gpt-5', 2.5, 0.25, 20],
    ['gpt-5.1', 2.5, 0.25, 20],
    ['gpt-5-mini', 0.45, 0.045, 3.6],
    ['gpt-4.1', 3.5, 0.875, 14],
    ['gpt-4.1-mini', 0.7, 0.175, 2.8],
    ['gpt-4.1-nano', 0.2, 0.05, 0.8],
    ['gpt-4o', 4.25, 2.125, 17],
    ['gpt-4o-mini', 0.25, 0.125, 1],
    ['o3', 3.5, 0.875, 14],
    ['o4-mini', 2, 0.5, 8],
    ['gpt-4o-2024-05-13', 8.75, 8.75, 26.25],
  ];
  for (const [id, inp, read, out] of PRIORITY) {
    it(`${id}: ${inp} / ${read} / ${out}`, () => {
      const c = card(id, '2026-11-23', {}, 'priority');
      expect(c.pricedTier).toBe('priority');
      expect(usd(c.prices)).toMatchObject({ in: inp, read, out });
    });
  }
  it('gpt-5.4-nano has no priority tier: standard price with a warning', () => {
    const c = card('gpt-5.4-nano', '2026-11-23', {}, 'priority');
    expect(c.pricedTier).toBe('standard');
    expect(priceToUsdPerMTok(c.prices.input)).toBe(0.2);
    expect(c.warnings.join()).toMatch(/no priority price/);
  });
});

// ---------------------------------------------------------------------------------------------
describe('regional / data-residency uplifts', () => {
  it('Claude API inference_geo "us": 1.1x every category on 4.6 and later (docs/pricing.md, Regional uplifts)', () => {
    expect(rates('claude-opus-4-6', '2026-10-01', { regional: true })).toEqual({ in: 5.5, read: 0.55, w5m: 6.875, w1h: 11, out: 27.5 });
    expect(rates('claude-sonnet-4-6', '2026-10-01', { regional: true })).toEqual({ in: 3.3, read: 0.33, w5m: 4.125, w1h: 6.6, out: 16.5 });
    expect(rates('claude-haiku-5-5', '2026-10-08', { regional: true })).toEqual({
      in: 0.11,
      read: 0.011,
      w5m: 0.1375,
      w1h: 0.22,
      out: 0.55,
    });
    expect(rates('claude-opus-5-5', '2026-10-08', { regional: true })).toMatchObject({ in: 4.4, read: 0.22, out: 22 });
    for (const id of [
      'claude-opus-4-7',
      'claude-opus-4-8',
      'claude-opus-5',
      'claude-sonnet-5',
      'claude-sonnet-5-5',
      'claude-fable-5',
      'claude-fable-5-1',
      'claude-mythos-5',
      'claude-mythos-5-1',
    ])
      expect(
        entryOf(id)
          .regional.filter((u) => u.via.includes('inference-geo'))
          .map((u) => u.factorText),
        id,
      ).toEqual(['1.1']);
  });

  it('no uplift on models older than Sonnet 4.5 even if a record says regional', () => {
    for (const [id, inp] of [
      ['claude-opus-4-1', 15],
      ['claude-opus-4', 15],
      ['claude-sonnet-4', 3],
      ['claude-3-5-haiku', 0.8],
      ['claude-sonnet-4@20250514', 3],
    ] as const)
      expect(rates(id, '2026-10-01', { regional: true }).in, id).toBe(inp);
  });

  it('Vertex AI regional endpoints +10% from Sonnet 4.5 on (claude-on-vertex-ai docs)', () => {
    expect(rates('claude-sonnet-4-5@20250929', '2026-10-01', { regional: true, provider: 'google' })).toMatchObject({
      in: 3.3,
      read: 0.33,
      w5m: 4.125,
      out: 16.5,
    });
    expect(rates('claude-haiku-4-5@20251001', '2026-10-01', { regional: true, provider: 'google' })).toMatchObject({ in: 1.1, out: 5.5 });
    expect(rates('claude-opus-4-5@20251101', '2026-10-01', { regional: true, provider: 'google' })).toMatchObject({ in: 5.5, out: 27.5 });
    expect(rates('claude-opus-5@20260724', '2026-10-01', { regional: true, provider: 'google' })).toMatchObject({ in: 5.5, out: 27.5 });
    // global endpoint = list price
    expect(rates('claude-sonnet-4-5@20250929', '2026-10-01').in).toBe(3);
  });

  it('Bedrock geo / in-region +10% on Sonnet 4.5, Haiku 4.5, Opus 4.5 and later; global. = list; older models none (docs/pricing.md, Regional uplifts)', () => {
    // list x 1.1: Sonnet 4.5 3.30 / 0.33 / 4.125 / 16.50; Haiku 4.5 1.10 / 0.11 / 1.375 / 5.50
    expect(rates('us.anthropic.claude-sonnet-4-5-20250929-v1:0', '2026-10-01')).toMatchObject({
      in: 3.3,
      read: 0.33,
      w5m: 4.125,
      out: 16.5,
    });
    expect(rates('anthropic.claude-sonnet-4-5-20250929-v1:0', '2026-10-01')).toMatchObject({ in: 3.3, read: 0.33, w5m: 4.125, out: 16.5 });
    expect(rates('global.anthropic.claude-sonnet-4-5-20250929-v1:0', '2026-10-01')).toMatchObject({ in: 3, read: 0.3, w5m: 3.75, out: 15 });
    expect(rates('eu.anthropic.claude-haiku-4-5-20251001-v1:0', '2026-10-01')).toMatchObject({ in: 1.1, read: 0.11, w5m: 1.375, out: 5.5 });
    expect(rates('jp.anthropic.claude-opus-4-5-20251101-v1:0', '2026-10-01')).toMatchObject({ in: 5.5, out: 27.5 });
    expect(rates('us.anthropic.claude-opus-4-6-v1', '2026-10-01')).toMatchObject({ in: 5.5, out: 27.5 });
    expect(rates('au.anthropic.claude-sonnet-4-6', '2026-10-01')).toMatchObject({ in: 3.3, out: 16.5 });
    expect(rates('us.anthropic.claude-opus-5', '2026-10-01')).toMatchObject({ in: 5.5, out: 27.5 });
    expect(rates('us.anthropic.claude-opus-4-1-20250805-v1:0', '2026-10-01')).toMatchObject({ in: 15, out: 75 });
    expect(rates('us.anthropic.claude-opus-4-20250514-v1:0', '2026-10-01')).toMatchObject({ in: 15, out: 75 });
    expect(rates('us.anthropic.claude-sonnet-4-20250514-v1:0', '2026-10-01')).toMatchObject({ in: 3, out: 15 });
    expect(rates('anthropic.claude-3-5-haiku-20241022-v1:0', '2026-10-01')).toMatchObject({ in: 0.8, out: 4 });
    // an explicit regional=false on the record wins over the id's scope
    expect(rates('us.anthropic.claude-sonnet-4-5-20250929-v1:0', '2026-10-01', { regional: false }).in).toBe(3);
  });

  it('Bedrock GPT-5.6: global cross-Region = OpenAI list, in-Region / Geo +10%', () => {
    expect(rates('global.openai.gpt-5.6-luna', '2026-10-01')).toMatchObject({ in: 0.2, read: 0.02, w5m: 0.25, out: 1.2 });
    expect(rates('openai.gpt-5.6-luna', '2026-10-01')).toMatchObject({ in: 0.22, read: 0.022, w5m: 0.275, out: 1.32 });
    expect(rates('global.openai.gpt-5.6-terra', '2026-10-01')).toMatchObject({ in: 2, out: 12 });
    expect(rates('global.openai.gpt-5.6-sol', '2026-10-01')).toMatchObject({ in: 4, out: 20 });
  });

  it('OpenAI regional processing +10% on GPT-5.4 / 5.5 / 5.6 / 6 families only', () => {
    expect(rates('gpt-5.4', '2026-11-23', { regional: true })).toMatchObject({ in: 2.75, read: 0.275, out: 16.5 });
    expect(rates('gpt-5.5', '2026-11-23', { regional: true })).toMatchObject({ in: 5.5, out: 33 });
    expect(rates('gpt-5.6-luna', '2026-10-01', { regional: true })).toMatchObject({ in: 0.22, out: 1.32 });
    expect(rates('gpt-6-sol', '2026-10-01', { regional: true })).toMatchObject({ in: 2.2, read: 0.22, w5m: 2.75, out: 11 });
    for (const [id, inp] of [
      ['gpt-5.2', 1.75],
      ['gpt-5', 1.25],
      ['gpt-4.1', 2],
      ['gpt-4o', 2.5],
    ] as const)
      expect(rates(id, '2026-11-23', { regional: true }).in, id).toBe(inp);
  });
});

// ---------------------------------------------------------------------------------------------
describe('DeepSeek V4 peak windows (UTC 01:00-04:00 and 06:00-10:00 double; docs/pricing.md, Time-of-day prices)', () => {
  // 2026-09-01 is a Tuesday
  const flash: [string, number][] = [
    ['2026-09-01T00:59:59Z', 0.22],
    ['2026-09-01T01:00:00Z', 0.44],
    ['2026-09-01T03:59:59Z', 0.44],
    ['2026-09-01T04:00:00Z', 0.22],
    ['2026-09-01T05:59:59Z', 0.22],
    ['2026-09-01T06:00:00Z', 0.44],
    ['2026-09-01T09:59:59Z', 0.44],
    ['2026-09-01T10:00:00Z', 0.22],
    ['2026-09-01T23:30:00Z', 0.22],
  ];
  for (const [t, inp] of flash) it(`V4 Flash at ${t}: input ${inp}`, () => expect(rates('deepseek-v4-flash', t).in).toBe(inp));

  it('peak doubles every category: Flash 0.44 / 0.014 / 1.32, Pro 1.32 / 0.044 / 3.96', () => {
    expect(rates('deepseek-v4-flash', '2026-09-01T02:00:00Z')).toMatchObject({ in: 0.44, read: 0.014, out: 1.32 });
    expect(rates('deepseek-v4-pro', '2026-09-01T02:00:00Z')).toMatchObject({ in: 1.32, read: 0.044, out: 3.96 });
    expect(rates('deepseek-v4-pro', '2026-09-01T12:00:00Z')).toMatchObject({ in: 0.66, read: 0.022, out: 1.98 });
  });

  it('no peak pricing before 2026-08-17', () => {
    expect(rates('deepseek-v4-flash', '2026-08-16T02:00:00Z')).toMatchObject({ in: 0.14, read: 0.0028, out: 0.28 });
  });

  it('the weekday before the weekend rule: Saturday 2026-08-22 still has peak windows', () => {
    expect(rates('deepseek-v4-flash', '2026-08-22T02:00:00Z').in).toBe(0.44);
  });

  // From 2026-08-23 weekends (Beijing time) are off-peak all day. The UTC peak windows 01:00-10:00 are
  // 09:00-18:00 in Beijing on the same calendar day, so a Saturday or Sunday in UTC inside a window is a
  // Beijing weekend. (Was a cost-engine gap; fixed by peak.weekendsOffPeakUtcOffset in 559d83e.)
  it('weekends (Beijing time) are off-peak from 2026-08-23: Saturday 2026-08-29 02:00 UTC bills 0.22', () => {
    expect(rates('deepseek-v4-flash', '2026-08-29T02:00:00Z').in).toBe(0.22);
  });

  // With PricingOptions.atMs (report --prices current or a date, whatif --at, estimate --at) peak hours must
  // follow the record's own time of day, not atMs (else a repriced DeepSeek log is all off-peak at a date's
  // midnight, or all peak when run at 02:00 UTC). Was a cost-engine bug; fixed in 559d83e.
  it('weekend rule boundaries: Sunday 2026-08-23 off-peak, Monday 2026-08-24 01:00 UTC (09:00 Beijing) peak again', () => {
    expect(rates('deepseek-v4-flash', '2026-08-23T02:00:00Z').in).toBe(0.22);
    expect(rates('deepseek-v4-pro', '2026-08-30T07:00:00Z').in).toBe(0.66);
    expect(rates('deepseek-v4-flash', '2026-08-24T01:00:00Z').in).toBe(0.44);
    expect(rates('deepseek-v4-flash', '2026-08-28T09:59:59Z').in).toBe(0.44); // Friday
  });

  it("repricing at a date keeps each record's time of day for peak hours", () => {
    const repricer = new Pricer(catalog, { atMs: Date.parse('2026-09-01T00:00:00Z') });
    expect(cost('deepseek-v4-flash', '2026-09-02T02:00:00Z', { inputTokens: 1_000_000 }, 'standard', repricer)).toBe('0.44');
  });
});

// ---------------------------------------------------------------------------------------------
describe('fast mode multipliers', () => {
  it('Opus 4.6 / 4.7 fast 6x ($30 / $150), Opus 5 2x, Opus 5.5 $8 / $40, GPT-6 fast 2x', () => {
    expect(rates('claude-opus-4-6', '2026-10-01', { fast: true })).toEqual({ in: 30, read: 3, w5m: 37.5, w1h: 60, out: 150 });
    expect(rates('claude-opus-4-7', '2026-10-01', { fast: true })).toMatchObject({ in: 30, out: 150 });
    expect(rates('claude-opus-5', '2026-10-01', { fast: true })).toMatchObject({ in: 10, out: 50 });
    expect(rates('claude-opus-5-5', '2026-10-01', { fast: true })).toMatchObject({ in: 8, out: 40 });
    expect(rates('gpt-6-sol', '2026-10-01', { fast: true })).toMatchObject({ in: 4, read: 0.4, out: 20 });
    expect(rates('gpt-6.2-sol', '2026-11-23', { fast: true })).toMatchObject({ in: 4, out: 20 });
  });

  it('fast on a model without a fast price: standard price and a warning', () => {
    const c = card('claude-sonnet-4-6', '2026-10-01', { fast: true });
    expect(priceToUsdPerMTok(c.prices.input)).toBe(3);
    expect(c.warnings.join()).toMatch(/no fast-mode price/);
  });
});

// ---------------------------------------------------------------------------------------------
describe('id resolution: common logged ids resolve, nothing by accident', () => {
  const RESOLVES: [string, string][] = [
    ['claude-sonnet-4-5-20250929', 'claude-sonnet-4-5'],
    ['claude-haiku-4-5-20251001', 'claude-haiku-4-5'],
    ['gpt-4o-mini-2024-07-18', 'gpt-4o-mini'],
    ['gpt-4.1-2025-04-14', 'gpt-4.1'],
    ['gpt-5-mini-2025-08-07', 'gpt-5-mini'],
    ['o3-2025-04-16', 'o3'],
    ['claude-sonnet-4-5@20250929', 'claude-sonnet-4-5'],
    ['projects/p1/locations/us-east5/publishers/anthropic/models/claude-sonnet-4-5@20250929', 'claude-sonnet-4-5'],
    ['us.anthropic.claude-sonnet-4-5-20250929-v1:0', 'anthropic.claude-sonnet-4-5-20250929-v1:0'],
    [
      'arn:aws:bedrock:us-east-1:123456789012:inference-profile/us.anthropic.claude-sonnet-4-5-20250929-v1:0',
      'anthropic.claude-sonnet-4-5-20250929-v1:0',
    ],
    ['bedrock/us.anthropic.claude-opus-4-1-20250805-v1:0', 'anthropic.claude-opus-4-1-20250805-v1:0'],
    ['anthropic.claude-3-5-haiku-20241022-v1:0', 'anthropic.claude-3-5-haiku-20241022-v1:0'],
    ['models/gemini-2.5-pro', 'gemini-2.5-pro'],
    ['openai/gpt-4o', 'gpt-4o'],
    ['gpt-4o-2024-05-13', 'gpt-4o-2024-05-13'],
    ['GPT-4o', 'gpt-4o'],
    ['vertex_ai/claude-opus-4-1@20250805', 'claude-opus-4-1'],
    ['claude-3-7-sonnet-20250219', 'claude-3-7-sonnet'],
    ['claude-3-7-sonnet@20250219', 'claude-3-7-sonnet'],
    ['us.anthropic.claude-3-7-sonnet-20250219-v1:0', 'anthropic.claude-3-7-sonnet-20250219-v1:0'],
    ['claude-3-haiku-20240307', 'claude-3-haiku'],
    ['claude-3-opus-20240229', 'claude-3-opus'],
    // OpenRouter-style ids: provider/model, dotted Claude versions, and LiteLLM's openrouter/ prefix.
    ['anthropic/claude-sonnet-4.5', 'claude-sonnet-4-5'],
    ['anthropic/claude-3.5-sonnet', 'claude-3-5-sonnet'],
    ['anthropic/claude-3.5-haiku', 'claude-3-5-haiku'],
    ['anthropic/claude-3.7-sonnet', 'claude-3-7-sonnet'],
    ['anthropic/claude-opus-4.1', 'claude-opus-4-1'],
    ['anthropic/claude-haiku-4.5', 'claude-haiku-4-5'],
    ['openrouter/anthropic/claude-sonnet-5.5', 'claude-sonnet-5-5'],
    ['openrouter/openai/gpt-4o-mini', 'gpt-4o-mini'],
    ['openrouter/openai/o3-mini', 'o3-mini'],
    ['openrouter/google/gemini-2.5-flash-lite', 'gemini-2.5-flash-lite'],
    ['openrouter/x-ai/grok-4', 'grok-4-0709'],
  ];
  for (const [raw, id] of RESOLVES) it(`${raw} -> ${id}`, () => expect(catalog.resolve(raw)?.entry.id).toBe(id));

  // Different models (or differently priced snapshots) that share a prefix with a catalog id must stay unpriced.
  const UNRESOLVED = [
    'gemini-2.5-flash-preview-05-20', // the preview was $0.15 / $0.60 (non-thinking), not the GA price
    'gemini-2.5-pro-preview-06-05',
    'gpt-4o-audio-preview',
    'gpt-4o-mini-audio-preview',
    'gpt-4o-realtime-preview',
    'gpt-4o-mini-tts',
    'gpt-4o-search-preview',
    'chatgpt-4o-latest', // $5 / $15, not gpt-4o
    // Rolling aliases with no dated history in the catalog (docs/pricing.md, Model ids): the model behind each changed
    'grok-latest', // grok-4.3, then grok-4.5, and Grok 4.6 / 4.7 since; no source dates the moves
    'gemini-flash-latest', // moved across Gemini Flash generations at different prices
    'gemini-flash-lite-latest',
    'gemini-pro-latest',
    'gpt-4o-latest', // not an OpenAI alias; a -latest name is never read as a dated snapshot of gpt-4o
    'anthropic.claude-sonnet-5-20260630-v1:0', // Bedrock names Claude 4.6+ by a bare id; no dated form is published
    'o1-preview',
    'o3-deep-research',
    'o4-mini-deep-research',
    'gpt-5-codex-mini',
    'gpt-5-search-api',
    'gemini-2.5-flash-image',
    'gemini-2.5-flash-lite-001',
    'text-embedding-3-small-v2',
    'grok-4-heavy',
    'deepseek-v4',
    'gpt-4o-mini-2024-07-18-ft',
    'ft:gpt-4o-mini-2024-07-18:org::abc',
    'anthropic/claude-3.5-sonnet:free', // OpenRouter variants are priced by OpenRouter, not at the list price
    'openrouter/meta-llama/llama-3.3-70b-instruct',
  ];
  for (const raw of UNRESOLVED) it(`${raw} is not priced by a look-alike`, () => expect(catalog.resolve(raw)?.entry.id).toBeUndefined());

  it('a snapshot entry priced differently wins over the snapshot suffix of its base id', () => {
    expect(catalog.resolve('gpt-4o-2024-05-13')?.matchedBy).toBe('id');
    expect(list('gpt-4o-2024-05-13', '2026-11-23').in).toBe(5);
  });
});

// ---------------------------------------------------------------------------------------------
// Hand-computed request costs. u$ = micro-dollars (1e-6 USD); "x" is multiplication.
describe('full request costs (hand-computed)', () => {
  it('1. OpenAI gpt-4o standard, 10,000 uncached + 5,120 cached in, 1,000 out', () => {
    // 10,000 x 2.50 = 25,000 u$; 5,120 x 1.25 = 6,400 u$; 1,000 x 10 = 10,000 u$ -> 41,400 u$
    expect(cost('gpt-4o-2024-08-06', '2026-11-23', { inputTokens: 10_000, cacheReadTokens: 5_120, outputTokens: 1_000 })).toBe('0.0414');
  });

  it('2. OpenAI gpt-4o Batch with the same cache hits: no cached rate in Batch before GPT-5', () => {
    // (10,000 + 5,120) x 1.25 = 18,900 u$; 1,000 x 5 = 5,000 u$ -> 23,900 u$
    expect(cost('gpt-4o', '2026-11-23', { inputTokens: 10_000, cacheReadTokens: 5_120, outputTokens: 1_000 }, 'batch')).toBe('0.0239');
  });

  it('3. OpenAI gpt-5.4 long context: 250,000 uncached + 50,000 cached = 300,000 >= 272K, 20,000 out', () => {
    // whole request at 5 / 0.50 / 22.50: 250,000 x 5 = 1,250,000; 50,000 x 0.5 = 25,000; 20,000 x 22.5 = 450,000 -> 1,725,000 u$
    expect(cost('gpt-5.4-2026-03-05', '2026-11-23', { inputTokens: 250_000, cacheReadTokens: 50_000, outputTokens: 20_000 })).toBe('1.725');
  });

  it('4. OpenAI gpt-5.5 priority, 20,000 uncached + 80,000 cached, 5,000 out', () => {
    // 20,000 x 12.50 = 250,000; 80,000 x 1.25 = 100,000; 5,000 x 75 = 375,000 -> 725,000 u$
    expect(cost('gpt-5.5', '2026-11-23', { inputTokens: 20_000, cacheReadTokens: 80_000, outputTokens: 5_000 }, 'priority')).toBe('0.725');
  });

  it('5. OpenAI gpt-5.6-sol (promo) Batch with a 1.25x cache write: 10,000 in, 40,000 read, 20,000 write, 2,000 out', () => {
    // batch = promo x 0.5: 2 / 0.20 / 2.50 / 10. 10,000 x 2 = 20,000; 40,000 x 0.2 = 8,000; 20,000 x 2.5 = 50,000;
    // 2,000 x 10 = 20,000 -> 98,000 u$ (prompt 70,000: no tier)
    expect(
      cost(
        'gpt-5.6-sol',
        '2026-10-01',
        { inputTokens: 10_000, cacheReadTokens: 40_000, cacheWrite5mTokens: 20_000, outputTokens: 2_000 },
        'batch',
      ),
    ).toBe('0.098');
  });

  it('6. Claude Sonnet 4.5 Batch + 1M beta long context, 5m and 1h writes (2026-04-01)', () => {
    // prompt = 50,000 + 100,000 + 30,000 + 25,000 = 205,000 > 200K -> tier 6 / 0.60 / 7.50 / 12 / 22.50, x 0.5 batch
    // = 3 / 0.30 / 3.75 / 6 / 11.25: 50,000 x 3 = 150,000; 100,000 x 0.3 = 30,000; 30,000 x 3.75 = 112,500;
    // 25,000 x 6 = 150,000; 4,000 x 11.25 = 45,000 -> 487,500 u$
    expect(
      cost(
        'claude-sonnet-4-5-20250929',
        '2026-04-01',
        { inputTokens: 50_000, cacheReadTokens: 100_000, cacheWrite5mTokens: 30_000, cacheWrite1hTokens: 25_000, outputTokens: 4_000 },
        'batch',
      ),
    ).toBe('0.4875');
  });

  it('7. Claude Opus 4.6 fast mode + inference_geo "us" (6 x 1.1 = 6.6x)', () => {
    // 33 / 3.30 / 41.25 / - / 165: 2,000 x 33 = 66,000; 10,000 x 3.3 = 33,000; 3,000 x 41.25 = 123,750;
    // 1,500 x 165 = 247,500 -> 470,250 u$
    expect(
      cost('claude-opus-4-6', '2026-10-01', {
        inputTokens: 2_000,
        cacheReadTokens: 10_000,
        cacheWrite5mTokens: 3_000,
        outputTokens: 1_500,
        fast: true,
        regional: true,
      }),
    ).toBe('0.47025');
  });

  it('8. Claude Haiku 5.5 over 100K because of a 1h cache write', () => {
    // prompt = 20,000 + 70,000 + 10,001 = 100,001 > 100K -> 0.50 / 0.05 / - / 1 / 2.50:
    // 20,000 x 0.5 = 10,000; 70,000 x 0.05 = 3,500; 10,001 x 1 = 10,001; 3,000 x 2.5 = 7,500 -> 31,001 u$
    expect(
      cost('claude-haiku-5-5', '2026-10-08', {
        inputTokens: 20_000,
        cacheReadTokens: 70_000,
        cacheWrite1hTokens: 10_001,
        outputTokens: 3_000,
      }),
    ).toBe('0.031001');
  });

  it('9. Bedrock us. Haiku 4.5 Batch with cache (geo 1.1 x batch 0.5)', () => {
    // 0.55 / 0.055 / 0.6875 / - / 2.75: 4,000 x 0.55 = 2,200; 8,192 x 0.055 = 450.56; 4,096 x 0.6875 = 2,816;
    // 800 x 2.75 = 2,200 -> 7,666.56 u$
    expect(
      cost(
        'us.anthropic.claude-haiku-4-5-20251001-v1:0',
        '2026-10-01',
        { inputTokens: 4_000, cacheReadTokens: 8_192, cacheWrite5mTokens: 4_096, outputTokens: 800 },
        'batch',
      ),
    ).toBe('0.00766656');
  });

  it('10. Gemini 2.5 Pro long context with implicit cache hits (cached tokens count toward 200K)', () => {
    // promptTokenCount 250,000 = 150,000 uncached + 100,000 cached > 200K -> 2.50 / 0.25 / 15:
    // 150,000 x 2.5 = 375,000; 100,000 x 0.25 = 25,000; 8,000 x 15 = 120,000 -> 520,000 u$
    expect(cost('models/gemini-2.5-pro', '2026-10-01', { inputTokens: 150_000, cacheReadTokens: 100_000, outputTokens: 8_000 })).toBe(
      '0.52',
    );
  });

  it('11. DeepSeek V4 Flash in a peak window (Tuesday 02:00 UTC)', () => {
    // 0.44 / 0.014 / 1.32: 100,000 x 0.44 = 44,000; 400,000 x 0.014 = 5,600; 10,000 x 1.32 = 13,200 -> 62,800 u$
    expect(
      cost('deepseek-v4-flash', '2026-09-01T02:00:00Z', { inputTokens: 100_000, cacheReadTokens: 400_000, outputTokens: 10_000 }),
    ).toBe('0.0628');
  });

  it('12. Gemini 3.7 Flash priority (1.8x) with cache hits', () => {
    // 1.35 / 0.135 / 6.75: 10,000 x 1.35 = 13,500; 20,000 x 0.135 = 2,700; 1,000 x 6.75 = 6,750 -> 22,950 u$
    expect(cost('gemini-3.7-flash', '2026-11-23', { inputTokens: 10_000, cacheReadTokens: 20_000, outputTokens: 1_000 }, 'priority')).toBe(
      '0.02295',
    );
  });

  it('13. Grok 4.6 at exactly 200,000 prompt tokens (inclusive tier)', () => {
    // 4 / 1 / 12: 150,000 x 4 = 600,000; 50,000 x 1 = 50,000; 5,000 x 12 = 60,000 -> 710,000 u$
    expect(cost('grok-4.6', '2026-10-01', { inputTokens: 150_000, cacheReadTokens: 50_000, outputTokens: 5_000 })).toBe('0.71');
  });

  it('14. Vertex regional Sonnet 4.5 with 1h cache write (1.1x)', () => {
    // 3.30 / 0.33 / 4.125 / 6.60 / 16.50: 1,000 x 3.3 = 3,300; 50,000 x 0.33 = 16,500; 2,000 x 6.6 = 13,200;
    // 500 x 16.5 = 8,250 -> 41,250 u$
    expect(
      cost('claude-sonnet-4-5@20250929', '2026-10-01', {
        inputTokens: 1_000,
        cacheReadTokens: 50_000,
        cacheWrite1hTokens: 2_000,
        outputTokens: 500,
        regional: true,
        provider: 'google',
      }),
    ).toBe('0.04125');
  });

  it('15. Claude Sonnet 5.5 cache reads on each side of the 2026-10-07 cut (0.20 -> 0.10)', () => {
    // 5,000 x 2 = 10,000; 200,000 x 0.20 = 40,000; 2,000 x 10 = 20,000 -> 70,000 u$ on 2026-10-06
    // from 2026-10-07 the read is 0.10: 200,000 x 0.10 = 20,000 -> 50,000 u$
    const t = { inputTokens: 5_000, cacheReadTokens: 200_000, outputTokens: 2_000 };
    expect(cost('claude-sonnet-5-5', '2026-10-06', t)).toBe('0.07');
    expect(cost('claude-sonnet-5-5', '2026-10-07T00:00:00Z', t)).toBe('0.05');
  });

  it('16. Claude Fable 5.2 (launched 2026-11-09): 20,000 in, 300,000 read, 10,000 5m write, 5,000 1h write, 8,000 out', () => {
    // 20,000 x 8 = 160,000; 300,000 x 0.20 = 60,000; 10,000 x 10 = 100,000; 5,000 x 16 = 80,000;
    // 8,000 x 40 = 320,000 -> 720,000 u$
    expect(
      cost('claude-fable-5-2', '2026-11-23', {
        inputTokens: 20_000,
        cacheReadTokens: 300_000,
        cacheWrite5mTokens: 10_000,
        cacheWrite1hTokens: 5_000,
        outputTokens: 8_000,
      }),
    ).toBe('0.72');
  });
});
