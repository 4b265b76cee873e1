/** Plain descriptions of catalog entries, for `prices` output (JSON contract and tables). */
import { noPriceReason, periodAt, type Resolution } from './catalog.js';
import { CHARGE_DIMENSIONS } from '../usage/dimensions.js';
import { femtoToUsdString, priceToUsdPerMTok } from './money.js';
import type { ChargePrices, ModelEntry, PriceAdjust, PricePeriod, PriceSet } from './model.js';

export interface PriceSetJson {
  inputPerMTok: number;
  cacheReadPerMTok: number;
  cacheWrite5mPerMTok: number;
  cacheWrite1hPerMTok: number;
  outputPerMTok: number;
}

export function priceSetJson(p: PriceSet): PriceSetJson {
  return {
    inputPerMTok: priceToUsdPerMTok(p.input),
    cacheReadPerMTok: priceToUsdPerMTok(p.cacheRead),
    cacheWrite5mPerMTok: priceToUsdPerMTok(p.cacheWrite5m),
    cacheWrite1hPerMTok: priceToUsdPerMTok(p.cacheWrite1h),
    outputPerMTok: priceToUsdPerMTok(p.output),
  };
}

function adjustJson(a: PriceAdjust | undefined): unknown {
  if (!a) return null;
  return a.kind === 'multiplier' ? { multiplier: Number(a.factorText) } : priceSetJson(a.prices);
}

/** The charge prices as the catalog writes them (USD per 1,000 or per unit), with their source. */
export function chargesJson(c: ChargePrices | undefined): Record<string, number | string | null> | null {
  if (!c) return null;
  const out: Record<string, number | string | null> = {};
  for (const d of CHARGE_DIMENSIONS) {
    const v = c.perUnit.get(d.key);
    if (v !== undefined) out[d.priceKey] = Number(femtoToUsdString(v * BigInt(d.per)));
  }
  return { ...out, source: c.source, freeAllowance: c.freeAllowance ?? null, note: c.note ?? null };
}

/** "web search calls $10 per 1,000; web fetch calls $0 per 1,000", or "-" when none is priced. */
export function chargesText(c: ChargePrices | undefined): string {
  if (!c) return '-';
  const parts = CHARGE_DIMENSIONS.filter((d) => c.perUnit.has(d.key)).map(
    (d) => `${d.label.toLowerCase()} $${femtoToUsdString(c.perUnit.get(d.key)! * BigInt(d.per))} per ${d.per === 1000 ? '1,000' : 'unit'}`,
  );
  return parts.join('; ') || '-';
}

export function periodJson(p: PricePeriod) {
  return {
    from: p.from ?? null,
    ...priceSetJson(p.standard),
    /** Which cache prices the source lists; absent ones bill as input. */
    listed: {
      cacheRead: p.yaml.cacheReadPerMTok !== undefined,
      cacheWrite5m: p.yaml.cacheWrite5mPerMTok !== undefined,
      cacheWrite1h: p.yaml.cacheWrite1hPerMTok !== undefined,
    },
    batch: adjustJson(p.batch),
    flex: adjustJson(p.flex),
    priority: adjustJson(p.priority),
    fast: p.fast ? { multiplier: Number(p.fast.factorText) } : null,
    tiers: p.tiers.map((t) => ({
      threshold: t.threshold,
      operator: t.inclusive ? '>=' : '>',
      rule: t.rule,
      counts: t.counts,
      ...priceSetJson(t.prices),
    })),
    peak: p.peak
      ? {
          windowsUtc: p.yaml.peak?.windowsUtc ?? [],
          multiplier: p.peak.prices ? null : Number(p.peak.factorText),
          prices: p.peak.prices ? priceSetJson(p.peak.prices) : null,
        }
      : null,
    charges: chargesJson(p.charges),
    note: p.note ?? null,
    source: p.source ?? null,
  };
}

export function entryJson(entry: ModelEntry, atMs: number, resolution?: Resolution, query?: string) {
  const { period } = periodAt(entry, atMs);
  const unpriced = noPriceReason(entry, atMs);
  return {
    ...(query !== undefined ? { query } : {}),
    id: entry.id,
    provider: entry.provider,
    displayName: entry.displayName ?? null,
    ...(resolution ? { matchedBy: resolution.matchedBy, matchedKey: resolution.matchedKey } : {}),
    aliases: entry.aliases,
    snapshots: entry.snapshots,
    priceAt: new Date(atMs).toISOString().slice(0, 10),
    /** null when the date is before the model's first known price (`noPriceReason` says so). */
    prices: unpriced ? null : periodJson(period),
    noPriceReason: unpriced ?? null,
    history: entry.periods.length > 1 ? entry.periods.map(periodJson) : [],
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

export function adjustText(a: PriceAdjust | undefined): string {
  if (!a) return '-';
  if (a.kind === 'multiplier') return `x${a.factorText}`;
  return `$${priceToUsdPerMTok(a.prices.input)} / $${priceToUsdPerMTok(a.prices.output)}`;
}

export function tiersText(p: PricePeriod): string {
  return (
    p.tiers
      .map(
        (t) =>
          `${t.inclusive ? '>=' : '>'}${t.threshold / 1000}K: $${priceToUsdPerMTok(t.prices.input)}/$${priceToUsdPerMTok(t.prices.output)}`,
      )
      .join('; ') || '-'
  );
}
