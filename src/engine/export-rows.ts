/**
 * Rows for `tokenomics export`: normalized, priced usage, one row per record, or FOCUS rows (the
 * FinOps Open Cost and Usage Specification) for the tools finance uses: one charge row per record
 * and token bucket (input, cache read, cache write 5m / 1h, output), and one per priced per-call
 * charge (web searches, fetches, grounded prompts, images, request fees), each with its exact cost.
 * Costs are exact decimal strings of USD (from femto-dollars, never a float); the file writer casts
 * them to DECIMAL(38, 15). Unpriced records have no FOCUS row (a charge without a cost would read
 * as $0) and a NULL cost in the plain export. Only billed prices are exported: what-if results are
 * never written as FOCUS rows.
 */
import { chargeCostsOf, type RateCard } from '../pricing/cost.js';
import { chargeDimension, type ChargeKey } from '../usage/dimensions.js';
import { costOf, femtoToUsdString, scaledToDecimalString, type Femto } from '../pricing/money.js';
import type { UsageRecord } from '../usage/record.js';
import { USAGE_COLUMNS, type CellValue, type SqlType } from '../usage/table.js';

export interface ExportColumn {
  name: string;
  type: SqlType;
  /** How the file holds it (the SELECT expression over the staging column, in a file of `format`; default: as is). */
  out?: (col: string, format: ExportFormat) => string;
}

export type ExportFormat = 'parquet' | 'csv' | 'jsonl';

const usd = (col: string) => `CAST(${col} AS DECIMAL(38, 15))`;
const timestamp = (col: string) => `make_timestamp(${col} * 1000)`;
/**
 * A FOCUS date/time: UTC in the form the specification requires in text (`2026-10-01T04:00:00Z`), and in
 * Parquet a timestamp marked UTC (epoch ms to TIMESTAMP WITH TIME ZONE, whatever the session's zone).
 */
const focusTime = (col: string, format: ExportFormat) =>
  format === 'parquet' ? `to_timestamp(${col} / 1000)` : `strftime(make_timestamp(${col} * 1000), '%Y-%m-%dT%H:%M:%SZ')`;

/** Plain export: the usage table's columns (time as a timestamp) plus the price and cost. */
export const PLAIN_COLUMNS: ExportColumn[] = [
  { name: 'time', type: 'BIGINT', out: timestamp },
  ...USAGE_COLUMNS.filter((c) => c.name !== 'seq' && c.name !== 'time_ms').map((c) => ({ name: c.name, type: c.type })),
  { name: 'priced_model', type: 'VARCHAR' },
  { name: 'cost_usd', type: 'VARCHAR', out: usd },
];

export function plainRow(r: UsageRecord, card: RateCard | undefined, seq: number): CellValue[] {
  const cells = USAGE_COLUMNS.filter((c) => c.name !== 'seq' && c.name !== 'time_ms').map((c) => c.get(r, seq));
  return [r.timeMs ?? null, ...cells, card?.entry.id ?? null, card ? femtoToUsdString(recordCost(r, card)) : null];
}

const BUCKETS = [
  { tokens: 'inputTokens', price: 'input', direction: 'input', cache: 'none' },
  { tokens: 'cacheReadTokens', price: 'cacheRead', direction: 'input', cache: 'read' },
  { tokens: 'cacheWrite5mTokens', price: 'cacheWrite5m', direction: 'input', cache: 'write-5m' },
  { tokens: 'cacheWrite1hTokens', price: 'cacheWrite1h', direction: 'input', cache: 'write-1h' },
  { tokens: 'outputTokens', price: 'output', direction: 'output', cache: 'none' },
] as const;

/** A record's exact cost at its card: token buckets plus priced charges (as the report's). */
function recordCost(r: UsageRecord, card: RateCard): Femto {
  return BUCKETS.reduce((sum, b) => sum + costOf(r[b.tokens], card.prices[b.price]), 0n) + chargeCostsOf(r.charges, r.requests, card).total;
}

/** FOCUS columns (names and units as the specification gives them; `x_` columns are ours). */
export const FOCUS_COLUMNS: ExportColumn[] = [
  { name: 'BilledCost', type: 'VARCHAR', out: usd },
  { name: 'EffectiveCost', type: 'VARCHAR', out: usd },
  { name: 'ListCost', type: 'VARCHAR', out: usd },
  { name: 'ContractedCost', type: 'VARCHAR', out: usd },
  { name: 'BillingCurrency', type: 'VARCHAR' },
  { name: 'BillingPeriodStart', type: 'BIGINT', out: focusTime },
  { name: 'BillingPeriodEnd', type: 'BIGINT', out: focusTime },
  { name: 'ChargeCategory', type: 'VARCHAR' },
  { name: 'ChargeClass', type: 'VARCHAR' },
  { name: 'ChargeDescription', type: 'VARCHAR' },
  { name: 'ChargeFrequency', type: 'VARCHAR' },
  { name: 'ChargePeriodStart', type: 'BIGINT', out: focusTime },
  { name: 'ChargePeriodEnd', type: 'BIGINT', out: focusTime },
  { name: 'ConsumedQuantity', type: 'BIGINT' },
  { name: 'ConsumedUnit', type: 'VARCHAR' },
  { name: 'PricingCategory', type: 'VARCHAR' },
  { name: 'PricingQuantity', type: 'VARCHAR', out: (c) => `CAST(${c} AS DECIMAL(38, 6))` },
  { name: 'PricingUnit', type: 'VARCHAR' },
  { name: 'ListUnitPrice', type: 'VARCHAR', out: (c) => `CAST(${c} AS DECIMAL(38, 9))` },
  { name: 'ContractedUnitPrice', type: 'VARCHAR', out: (c) => `CAST(${c} AS DECIMAL(38, 9))` },
  { name: 'ProviderName', type: 'VARCHAR' },
  { name: 'PublisherName', type: 'VARCHAR' },
  { name: 'InvoiceIssuerName', type: 'VARCHAR' },
  { name: 'ServiceName', type: 'VARCHAR' },
  { name: 'ServiceCategory', type: 'VARCHAR' },
  { name: 'SkuId', type: 'VARCHAR' },
  { name: 'SkuPriceId', type: 'VARCHAR' },
  { name: 'Tags', type: 'VARCHAR' },
  { name: 'x_Model', type: 'VARCHAR' },
  { name: 'x_PricedModel', type: 'VARCHAR' },
  { name: 'x_TokenDirection', type: 'VARCHAR' },
  { name: 'x_CacheAction', type: 'VARCHAR' },
  { name: 'x_ChargeType', type: 'VARCHAR' },
  { name: 'x_ServiceTier', type: 'VARCHAR' },
  { name: 'x_RequestId', type: 'VARCHAR' },
  { name: 'x_Requests', type: 'BIGINT' },
  { name: 'x_EstimatedTokens', type: 'BOOLEAN' },
];

const HOUR_MS = 3_600_000;

/** Tokens as millions, exact ("0.0015"). */
const millions = (tokens: number) => femtoToUsdString(BigInt(tokens) * 1_000_000_000n);

/** The calendar month (UTC) holding `ms`: the billing period of a charge. */
function monthOf(ms: number): [number, number] {
  const d = new Date(ms);
  return [Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), 1), Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 1)];
}

const capitalized = (s: string) => s.charAt(0).toUpperCase() + s.slice(1);

/**
 * FOCUS rows of one priced record: one per non-empty token bucket and one per priced charge. The
 * charge period is the hour the request ran in, the billing period its calendar month (FOCUS
 * periods are start-inclusive, end-exclusive, UTC); records without a time use `nowMs`. List,
 * contracted, billed and effective cost are the same exact amount: the catalog's price is the
 * price paid (no commitment discounts are known). Counted charges the card has no price for get
 * no row (a charge without a cost would read as $0).
 */
export function focusRows(r: UsageRecord, card: RateCard, nowMs: number): CellValue[][] {
  const t = r.timeMs ?? nowMs;
  const start = Math.floor(t / HOUR_MS) * HOUR_MS;
  const [billStart, billEnd] = monthOf(t);
  const provider = r.provider ?? card.entry.provider;
  const tags: Record<string, string> = Object.create(null);
  for (const [k, v] of Object.entries(r.tags)) tags[k] = v;
  // a SkuPriceId names one unit price (FOCUS): the token prices' terms are the service tier they were priced at,
  // the long-context band, fast mode, a regional uplift and a peak window (the amount may change over time only)
  const terms = [
    card.pricedTier === 'standard' ? '' : card.pricedTier,
    card.tier ? `over-${card.tier.threshold}` : '',
    card.fast ? 'fast' : '',
    card.regional ? 'regional' : '',
    card.peak ? 'peak' : '',
  ]
    .filter((t) => t !== '')
    .map((t) => `:${t}`)
    .join('');
  const row = (
    what: string,
    cost: string,
    quantity: number,
    unit: string,
    pricing: { quantity: string; unit: string; unitPrice: string },
    sku: string,
    x: { direction: string | null; cache: string | null; charge: string },
    skuPrice = sku,
  ): CellValue[] => [
    cost,
    cost,
    cost,
    cost,
    'USD',
    billStart,
    billEnd,
    'Usage',
    null,
    `${card.entry.id} ${what}`,
    'Usage-Based',
    start,
    start + HOUR_MS,
    quantity,
    unit,
    'Standard',
    pricing.quantity,
    pricing.unit,
    pricing.unitPrice,
    pricing.unitPrice,
    provider,
    card.entry.provider,
    provider,
    `${provider} API`,
    'AI and Machine Learning',
    sku,
    skuPrice,
    Object.keys(tags).length ? JSON.stringify(tags) : null,
    r.model,
    card.entry.id,
    x.direction,
    x.cache,
    x.charge,
    card.serviceTier,
    r.id,
    r.requests,
    r.tokenSource === 'estimated',
  ];
  const rows: CellValue[][] = [];
  for (const b of BUCKETS) {
    const tokens = r[b.tokens];
    if (tokens === 0) continue;
    const price = card.prices[b.price];
    rows.push(
      row(
        `${b.direction} tokens${b.cache === 'none' ? '' : ` (cache ${b.cache})`}`,
        femtoToUsdString(costOf(tokens, price)),
        tokens,
        'Tokens',
        { quantity: millions(tokens), unit: '1000000 Tokens', unitPrice: scaledToDecimalString(price, 9) },
        `${card.entry.id}:${b.direction}:${b.cache}`,
        { direction: b.direction, cache: b.cache, charge: 'tokens' },
        `${card.entry.id}:${b.direction}:${b.cache}${terms}`,
      ),
    );
  }
  // per-call charges at their catalog price (USD per `per` units)
  const charges = chargeCostsOf(r.charges, r.requests, card);
  for (const [key, amount] of Object.entries(charges.amounts) as Array<[ChargeKey, Femto]>) {
    const d = chargeDimension(key);
    const count = charges.counts[key] ?? 0;
    const unit = capitalized(d.unit);
    const perUnit = card.charges?.perUnit.get(key) ?? 0n;
    rows.push(
      row(
        d.label.toLowerCase(),
        femtoToUsdString(amount),
        count,
        unit,
        {
          quantity: d.per === 1 ? String(count) : femtoToUsdString(BigInt(count) * 1_000_000_000_000n),
          unit: `${d.per} ${unit}`,
          unitPrice: scaledToDecimalString(perUnit * BigInt(d.per), 15),
        },
        `${card.entry.id}:${key}`,
        { direction: null, cache: null, charge: key },
      ),
    );
  }
  return rows;
}
