/** Plain descriptions of catalog entries, for `prices` output (JSON contract and tables). */
import { noPriceReason, periodAt, type Resolution } from './catalog.js';
import { priceToUsdPerMTok } from './money.js';
import type { ModelEntry, PriceAdjust, PricePeriod, PriceSet } from './model.js';

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
