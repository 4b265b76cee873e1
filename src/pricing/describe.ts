/**
 * Catalog entries as typed data (`prices`' document: exact prices as bigints) and the texts its
 * tables show, computed from that data alone. A price per million tokens is a `PricePerMTok`
 * (nano-USD per MTok) under a key ending in `PerMTok`, written as USD per MTok; a charge price is
 * femto-USD per 1,000 or per unit, written as USD (report/data.ts exactJson).
 */
import { noPriceReason, pricedPeriodAt, type Resolution } from './catalog.js';
import { PRICED_CHARGES } from '../usage/dimensions.js';
import { femtoToUsdString, priceToUsdPerMTok, type Femto, type PricePerMTok } from './money.js';
import type { ChargePrices, ModelEntry, PriceAdjust, PricePeriod, PriceSet } from './model.js';
import type { CacheRulesYaml, ImageRulesYaml, RegionalRoute, TokenizerYaml } from './types.js';

export interface PriceSetData {
  inputPerMTok: PricePerMTok;
  cacheReadPerMTok: PricePerMTok;
  cacheWrite5mPerMTok: PricePerMTok;
  cacheWrite1hPerMTok: PricePerMTok;
  outputPerMTok: PricePerMTok;
}

/** A service tier: a multiplier on the standard prices, or prices of its own; null: not offered. */
export type AdjustData = { multiplier: number } | PriceSetData | null;

/** Charge prices by catalog key (USD per 1,000 or per unit, exact), with their source. */
export type ChargesData = Record<string, Femto | string | null>;

export interface TierData extends PriceSetData {
  threshold: number;
  operator: '>=' | '>';
  rule: string;
  counts: string;
}

export interface PeriodData extends PriceSetData {
  from: string | null;
  /** Which cache prices the source lists; absent ones bill as input. */
  listed: { cacheRead: boolean; cacheWrite5m: boolean; cacheWrite1h: boolean };
  batch: AdjustData;
  flex: AdjustData;
  priority: AdjustData;
  fast: { multiplier: number } | null;
  tiers: TierData[];
  peak: { windowsUtc: string[]; multiplier: number | null; prices: PriceSetData | null } | null;
  charges: ChargesData | null;
  note: string | null;
  source: string | null;
}

export interface PriceEntryData {
  /** The model id as asked (`prices MODEL...`); absent in a catalog listing. */
  query?: string;
  id: string;
  provider: string;
  displayName: string | null;
  matchedBy?: string;
  matchedKey?: string;
  aliases: string[];
  snapshots: boolean;
  priceAt: string;
  /** null when the date is before the model's first known price (`noPriceReason` says so). */
  prices: PeriodData | null;
  noPriceReason: string | null;
  history: PeriodData[];
  regional: Array<{ via: RegionalRoute[]; multiplier: number; from: string | null; source: string }>;
  discount: string | null;
  cache: CacheRulesYaml | null;
  tokenizer: TokenizerYaml | null;
  images: ImageRulesYaml | null;
  contextWindow: number | null;
  maxOutputTokens: number | null;
  retiredAt: string | null;
  source: string;
  checkedAt: string;
  origin: string;
  note: string | null;
}

function priceSetData(p: PriceSet): PriceSetData {
  return {
    inputPerMTok: p.input,
    cacheReadPerMTok: p.cacheRead,
    cacheWrite5mPerMTok: p.cacheWrite5m,
    cacheWrite1hPerMTok: p.cacheWrite1h,
    outputPerMTok: p.output,
  };
}

function adjustData(a: PriceAdjust | undefined): AdjustData {
  if (!a) return null;
  return a.kind === 'multiplier' ? { multiplier: Number(a.factorText) } : priceSetData(a.prices);
}

/** The charge prices as the catalog writes them (USD per 1,000 or per unit), with their source. */
function chargesData(c: ChargePrices | undefined): ChargesData | null {
  if (!c) return null;
  const out: ChargesData = {};
  for (const d of PRICED_CHARGES) {
    const v = c.perUnit.get(d.key);
    if (v !== undefined) out[d.priceKey] = v * BigInt(d.per);
  }
  return { ...out, source: c.source, freeAllowance: c.freeAllowance ?? null, note: c.note ?? null };
}

function periodData(p: PricePeriod): PeriodData {
  return {
    from: p.from ?? null,
    ...priceSetData(p.standard),
    listed: {
      cacheRead: p.yaml.cacheReadPerMTok !== undefined,
      cacheWrite5m: p.yaml.cacheWrite5mPerMTok !== undefined,
      cacheWrite1h: p.yaml.cacheWrite1hPerMTok !== undefined,
    },
    batch: adjustData(p.batch),
    flex: adjustData(p.flex),
    priority: adjustData(p.priority),
    fast: p.fast ? { multiplier: Number(p.fast.factorText) } : null,
    tiers: p.tiers.map((t) => ({
      threshold: t.threshold,
      operator: t.inclusive ? '>=' : '>',
      rule: t.rule,
      counts: t.counts,
      ...priceSetData(t.prices),
    })),
    peak: p.peak
      ? {
          windowsUtc: p.yaml.peak?.windowsUtc ?? [],
          multiplier: p.peak.prices ? null : Number(p.peak.factorText),
          prices: p.peak.prices ? priceSetData(p.peak.prices) : null,
        }
      : null,
    charges: chargesData(p.charges),
    note: p.note ?? null,
    source: p.source ?? null,
  };
}

export function entryData(entry: ModelEntry, atMs: number, resolution?: Resolution, query?: string): PriceEntryData {
  const priced = pricedPeriodAt(entry, atMs);
  return {
    ...(query !== undefined ? { query } : {}),
    id: entry.id,
    provider: entry.provider,
    displayName: entry.displayName ?? null,
    ...(resolution ? { matchedBy: resolution.matchedBy, matchedKey: resolution.matchedKey } : {}),
    aliases: entry.aliases,
    snapshots: entry.snapshots,
    priceAt: new Date(atMs).toISOString().slice(0, 10),
    prices: priced ? periodData(priced.period) : null,
    noPriceReason: noPriceReason(entry, atMs) ?? null,
    history: entry.periods.length > 1 ? entry.periods.map(periodData) : [],
    regional: entry.regional.map((u) => ({ via: u.via, multiplier: Number(u.factorText), from: u.from ?? null, source: u.source })),
    discount: entry.discount ? entry.discount.discountText : null,
    cache: entry.cache ?? null,
    tokenizer: entry.tokenizer ?? null,
    images: entry.images ?? null,
    contextWindow: entry.contextWindow ?? null,
    maxOutputTokens: entry.maxOutputTokens ?? null,
    retiredAt: entry.retiredAt ?? null,
    source: entry.source,
    checkedAt: entry.checkedAt,
    origin: entry.origin,
    note: entry.note ?? null,
  };
}

// ---- texts shown in the tables, from the data ----

const perMTok = (p: PricePerMTok) => `$${priceToUsdPerMTok(p)}`;

/** "x0.5", "$2.5 / $20" (own prices: input / output), or "-" when the tier is not offered. */
export function adjustText(a: AdjustData): string {
  if (!a) return '-';
  if ('multiplier' in a) return `x${a.multiplier}`;
  return `${perMTok(a.inputPerMTok)} / ${perMTok(a.outputPerMTok)}`;
}

/** ">=200K: $6/$22.5; ..." (long-context tiers), or "-". */
export function tiersText(p: PeriodData): string {
  return (
    p.tiers.map((t) => `${t.operator}${t.threshold / 1000}K: ${perMTok(t.inputPerMTok)}/${perMTok(t.outputPerMTok)}`).join('; ') || '-'
  );
}

/** "web search calls $10 per 1,000; web fetch calls $0 per 1,000", or "-" when none is priced. */
export function chargesText(c: ChargesData | null): string {
  if (!c) return '-';
  const parts = PRICED_CHARGES.filter((d) => typeof c[d.priceKey] === 'bigint').map(
    (d) => `${d.label.toLowerCase()} $${femtoToUsdString(c[d.priceKey] as Femto)} per ${d.per === 1000 ? '1,000' : 'unit'}`,
  );
  return parts.join('; ') || '-';
}
