/** Validated catalog YAML -> compiled entries with exact prices. */
import { PRICED_CHARGES } from '../usage/dimensions.js';
import { normalizeModelId } from './catalog.js';
import { decimalToScaled, pricePerMTok, ratio, type Ratio } from './money.js';
import type { ChargePrices, LongContextTier, ModelEntry, PriceAdjust, PricePeriod, PriceSet, RegionalUplift } from './model.js';
import {
  REGIONAL_ROUTES,
  type CatalogFileYaml,
  type ChargePricesYaml,
  type LongContextTierYaml,
  type ModelEntryYaml,
  type PricePeriodYaml,
  type PriceSetYaml,
  type RegionalUpliftYaml,
  type TierAdjustYaml,
} from './types.js';

/** Fallbacks: cache read/write absent -> billed as input; 1h write absent -> 5m write price. */
export function compilePriceSet(p: PriceSetYaml): PriceSet {
  const input = pricePerMTok(p.inputPerMTok);
  const cacheWrite5m = p.cacheWrite5mPerMTok !== undefined ? pricePerMTok(p.cacheWrite5mPerMTok) : input;
  return {
    input,
    cacheRead: p.cacheReadPerMTok !== undefined ? pricePerMTok(p.cacheReadPerMTok) : input,
    cacheWrite5m,
    cacheWrite1h: p.cacheWrite1hPerMTok !== undefined ? pricePerMTok(p.cacheWrite1hPerMTok) : cacheWrite5m,
    output: pricePerMTok(p.outputPerMTok),
  };
}

/** Charge prices as exact femto-USD per unit: USD per 1,000 is 12 decimal places of femto, per unit 15. */
export function compileCharges(c: ChargePricesYaml | undefined): ChargePrices | undefined {
  if (!c) return undefined;
  const perUnit: ChargePrices['perUnit'] = new Map();
  for (const d of PRICED_CHARGES) {
    const v = c[d.priceKey];
    if (v !== undefined) perUnit.set(d.key, decimalToScaled(v, d.per === 1000 ? 12 : 15));
  }
  return { perUnit, source: c.source, note: c.note, freeAllowance: c.freeAllowance };
}

function compileAdjust(a: TierAdjustYaml | undefined): PriceAdjust | undefined {
  if (!a) return undefined;
  if ('multiplier' in a) return { kind: 'multiplier', factor: ratio(a.multiplier), factorText: String(a.multiplier) };
  return { kind: 'prices', prices: compilePriceSet(a) };
}

function compileTier(t: LongContextTierYaml): LongContextTier {
  return {
    threshold: t.threshold,
    inclusive: t.operator === '>=',
    rule: t.rule,
    counts: t.counts ?? 'prompt',
    prices: compilePriceSet(t.prices),
  };
}

function minutes(hhmm: string): number {
  const [h, m] = hhmm.split(':').map(Number);
  return h * 60 + m;
}

function offsetMinutes(offset: string): number {
  const sign = offset.startsWith('-') ? -1 : 1;
  const [h, m] = offset.slice(1).split(':').map(Number);
  return sign * (h * 60 + m);
}

/** True when `from` names a real instant (Date.parse rolls 2025-02-30 over to March; this does not). */
function isRealStart(from: string, ms: number): boolean {
  if (Number.isNaN(ms)) return false;
  const iso = new Date(ms).toISOString();
  return from.includes('T') ? `${iso.slice(0, 16)}Z` === from : iso.slice(0, 10) === from;
}

/** Epoch ms of a UTC date (midnight) or of a UTC time `YYYY-MM-DDTHH:MMZ`. */
export function dateToMs(date: string): number {
  const ms = Date.parse(date.includes('T') ? date.replace(/Z$/, ':00Z') : `${date}T00:00:00Z`);
  return isRealStart(date, ms) && !date.startsWith('0000') ? ms : NaN; // NaN for impossible dates (Date.parse rolls 02-30 over) and year 0
}

function compilePeriod(p: PricePeriodYaml, charges: ChargePricesYaml | undefined): PricePeriod {
  return {
    fromMs: p.from ? dateToMs(p.from) : -Infinity,
    from: p.from,
    sinceLaunch: p.sinceLaunch === true,
    standard: compilePriceSet(p),
    batch: compileAdjust(p.batch),
    flex: compileAdjust(p.flex),
    priority: compileAdjust(p.priority),
    fast: p.fast ? { factor: ratio(p.fast.multiplier), factorText: String(p.fast.multiplier) } : undefined,
    tiers: (p.tiers ?? []).map(compileTier).sort((a, b) => a.threshold - b.threshold),
    charges: compileCharges(p.charges ?? charges),
    peak: p.peak
      ? {
          windows: p.peak.windowsUtc.map((w) => w.split('-').map(minutes) as [number, number]),
          factor: ratio(p.peak.multiplier ?? 1),
          factorText: String(p.peak.multiplier ?? 1),
          prices: p.peak.prices ? compilePriceSet(p.peak.prices) : undefined,
          weekendOffsetMinutes: p.peak.weekendsOffPeakUtcOffset ? offsetMinutes(p.peak.weekendsOffPeakUtcOffset) : undefined,
        }
      : undefined,
    note: p.note,
    source: p.source,
    yaml: p,
  };
}

/** `regional` rules as written; the older `regionalMultiplier` shorthand applies on every route. */
function compileRegional(m: ModelEntryYaml): RegionalUplift[] {
  const rules: RegionalUpliftYaml[] = [...(m.regional ?? [])];
  if (m.regionalMultiplier !== undefined) rules.push({ via: [...REGIONAL_ROUTES], multiplier: m.regionalMultiplier, source: m.source });
  return rules.map((r) => ({
    via: r.via,
    factor: ratio(r.multiplier),
    factorText: String(r.multiplier),
    fromMs: r.from ? dateToMs(r.from) : -Infinity,
    from: r.from,
    source: r.source,
    note: r.note,
  }));
}

function discountRatio(d: number | undefined): { factor: Ratio; discountText: string } | undefined {
  if (d === undefined || d === 0) return undefined;
  const off = ratio(d);
  return { factor: { num: off.den - off.num, den: off.den }, discountText: `${+(d * 100).toFixed(6)}%` };
}

/**
 * A `modelDiscounts` value for `id`: keys are model ids as a person writes them (matched as ids are,
 * case and provider prefix aside), read as the mapping's own keys only: a model named `constructor` or
 * `toString` is not a key of every object.
 */
export function ownDiscount(discounts: Record<string, number> | undefined, id: string): number | undefined {
  if (!discounts) return undefined;
  const key = normalizeModelId(id).key;
  let found: number | undefined;
  for (const [k, v] of Object.entries(discounts)) if (normalizeModelId(k).key === key) found = v;
  return found;
}

/** Compile one file's entries. Semantic checks (period order) are reported as errors by path. */
export function compileFile(file: CatalogFileYaml, origin: string, errors: { path: (string | number)[]; message: string }[]): ModelEntry[] {
  const out: ModelEntry[] = [];
  (file.models ?? []).forEach((m: ModelEntryYaml, i) => {
    const periods = m.prices.map((p) => compilePeriod(p, m.charges ?? file.charges));
    if (m.prices[0].sinceLaunch === true && !m.prices[0].from)
      errors.push({
        path: ['models', i, 'prices', 0, 'sinceLaunch'],
        message: 'needs a `from` date (the launch); a first period without `from` already covers every earlier record',
      });
    if (m.regional && m.regionalMultiplier !== undefined)
      errors.push({
        path: ['models', i, 'regionalMultiplier'],
        message: 'give either `regional` rules or the `regionalMultiplier` shorthand, not both',
      });
    m.prices.forEach((p, k) => {
      if (p.from !== undefined && !isRealStart(p.from, periods[k].fromMs))
        errors.push({ path: ['models', i, 'prices', k, 'from'], message: `is not a real UTC date or time (got "${p.from}")` });
      if (p.peak && (p.peak.multiplier === undefined) === (p.peak.prices === undefined))
        errors.push({ path: ['models', i, 'prices', k, 'peak'], message: 'give either `multiplier` or `prices` for the window' });
      // both are full price lists with no stated combination: the tier's replaced the window's, so a
      // long request inside the window lost the window price without a word (a window multiplier combines)
      else if (p.peak?.prices && (p.tiers?.length ?? 0) > 0)
        errors.push({
          path: ['models', i, 'prices', k, 'peak', 'prices'],
          message:
            'window prices with long-context tiers in one period are not supported (which would apply above the threshold inside the window is not stated); give the window as a `multiplier`',
        });
    });
    for (let k = 1; k < periods.length; k++) {
      if (m.prices[k].sinceLaunch !== undefined)
        errors.push({ path: ['models', i, 'prices', k, 'sinceLaunch'], message: 'is allowed on the first period only' });
      if (!m.prices[k].from)
        errors.push({ path: ['models', i, 'prices', k, 'from'], message: 'is required on every period after the first' });
      else if (periods[k].fromMs <= periods[k - 1].fromMs)
        errors.push({ path: ['models', i, 'prices', k, 'from'], message: 'periods must be in date order, oldest first' });
    }
    const discount = m.discount ?? ownDiscount(file.modelDiscounts, m.id) ?? file.discount;
    out.push({
      id: m.id,
      provider: m.provider ?? file.provider,
      displayName: m.displayName,
      aliases: m.aliases ?? [],
      snapshots: m.snapshots ?? false,
      periods,
      regional: compileRegional(m),
      discount: discountRatio(discount),
      cache: m.cache,
      tokenizer: m.tokenizer,
      images: m.images,
      contextWindow: m.contextWindow,
      maxOutputTokens: m.maxOutputTokens,
      retiredAt: m.retiredAt,
      source: m.source,
      checkedAt: m.checkedAt,
      note: m.note,
      origin,
    });
  });
  return out;
}
