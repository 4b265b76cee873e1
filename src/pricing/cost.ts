/**
 * The cost engine: which rate card prices a usage record (price period at the record's time,
 * long-context tier decided per request, service tier, fast mode, regional uplift, peak hours,
 * negotiated discount), and exact itemised costs of token buckets at a rate card.
 */
import type { ServiceTier, UsageRecord } from '../usage/record.js';
import { costOf, mulRatio, ONE, scalePrice, type Femto, type Ratio } from './money.js';
import type { Catalog, Resolution } from './catalog.js';
import { noPriceError, noPriceReason, periodAt, unpricedReason } from './catalog.js';
import type { LongContextTier, ModelEntry, PriceAdjust, PricePeriod, PriceSet } from './model.js';
import type { RegionalRoute } from './types.js';
import { CHARGE_DIMENSIONS, chargeCount, type ChargeCounts, type ChargeKey } from '../usage/dimensions.js';
import type { ChargePrices } from './model.js';

export interface TokenBuckets {
  inputTokens: number;
  cacheReadTokens: number;
  cacheWrite5mTokens: number;
  cacheWrite1hTokens: number;
  outputTokens: number;
}

export interface RateCard {
  /** Identity within its Pricer, stable across processes loading the same catalog: `entryIndex/key`. */
  ref: string;
  entry: ModelEntry;
  period: PricePeriod;
  periodIndex: number;
  tier?: LongContextTier;
  /** The service tier the record asked for, and the one its price came from. */
  serviceTier: ServiceTier;
  pricedTier: ServiceTier;
  fast: boolean;
  /** A regional uplift from the catalog applies (the route the record ran on carries one). */
  regional: boolean;
  peak: boolean;
  /** Final per-bucket prices after every adjustment. */
  prices: PriceSet;
  /** Same period and service tier without the long-context tier (to measure cliff premiums). */
  untiered: PriceSet;
  /**
   * Per-call / per-unit charges of the period, after the negotiated discount (service tier, fast,
   * regional and long-context adjustments are token prices only); undefined: none priced.
   */
  charges?: ChargePrices;
  /** Human-readable adjustments applied, e.g. ["batch x0.5", "long context >200000"]. */
  adjustments: string[];
  /** Problems pricing this card, e.g. a service tier the catalog has no price for. */
  warnings: string[];
}

export interface Components {
  input: Femto;
  cacheRead: Femto;
  cacheWrite5m: Femto;
  cacheWrite1h: Femto;
  output: Femto;
  /** Priced charges beside tokens (absent: none). */
  charges?: Partial<Record<ChargeKey, Femto>>;
}

/** The charges of some usage at a card: exact amounts of the priced ones, counts of the unpriced ones. */
export interface ChargeCosts {
  amounts: Partial<Record<ChargeKey, Femto>>;
  /** Counts of the priced charges (a per-request fee: the requests it was charged on). */
  counts: Partial<Record<ChargeKey, number>>;
  /** Counted charges the card has no price for: unpriced, never $0. */
  unpriced: Partial<Record<ChargeKey, number>>;
  total: Femto;
}

/**
 * Charges of `calls` (and `requests`, for a per-request fee) at a card. A counted call without a
 * catalog price is unpriced; a per-request fee is charged only where the catalog states one.
 */
export function chargeCostsOf(calls: ChargeCounts | undefined, requests: number, card: Pick<RateCard, 'charges'>): ChargeCosts {
  const out: ChargeCosts = { amounts: {}, counts: {}, unpriced: {}, total: 0n };
  for (const d of CHARGE_DIMENSIONS) {
    const n = chargeCount(d.key, calls, requests);
    if (n <= 0) continue;
    const price = card.charges?.perUnit.get(d.key);
    if (price === undefined) {
      if (d.kind !== 'request') out.unpriced[d.key] = (out.unpriced[d.key] ?? 0) + n;
      continue;
    }
    const amount = BigInt(n) * price;
    out.amounts[d.key] = (out.amounts[d.key] ?? 0n) + amount;
    out.counts[d.key] = (out.counts[d.key] ?? 0) + n;
    out.total += amount;
  }
  return out;
}

/** Token counts to price: numbers, or bigints where a sum passed 2^53 (aggregate/accumulator.ts `exact`). */
export type TokenCounts = { [K in keyof TokenBuckets]: number | bigint };

export function componentsOf(t: TokenCounts, p: PriceSet): Components {
  return {
    input: costOf(t.inputTokens, p.input),
    cacheRead: costOf(t.cacheReadTokens, p.cacheRead),
    cacheWrite5m: costOf(t.cacheWrite5mTokens, p.cacheWrite5m),
    cacheWrite1h: costOf(t.cacheWrite1hTokens, p.cacheWrite1h),
    output: costOf(t.outputTokens, p.output),
  };
}

export function totalOf(c: Components): Femto {
  let total = c.input + c.cacheRead + c.cacheWrite5m + c.cacheWrite1h + c.output;
  if (c.charges) for (const v of Object.values(c.charges)) total += v ?? 0n;
  return total;
}

export function scaleSet(p: PriceSet, f: Ratio): PriceSet {
  if (f.num === f.den) return p;
  return {
    input: scalePrice(p.input, f),
    cacheRead: scalePrice(p.cacheRead, f),
    cacheWrite5m: scalePrice(p.cacheWrite5m, f),
    cacheWrite1h: scalePrice(p.cacheWrite1h, f),
    output: scalePrice(p.output, f),
  };
}

/** Per-component ratio between two sets (target / base), applied to a third set (e.g. a tier). */
function scaleLike(p: PriceSet, base: PriceSet, target: PriceSet): PriceSet {
  const r = (k: keyof PriceSet): bigint => (base[k] === 0n ? target[k] : scalePrice(p[k], { num: target[k], den: base[k] }));
  return {
    input: r('input'),
    cacheRead: r('cacheRead'),
    cacheWrite5m: r('cacheWrite5m'),
    cacheWrite1h: r('cacheWrite1h'),
    output: r('output'),
  };
}

function applyAdjust(p: PriceSet, standard: PriceSet, adj: PriceAdjust): PriceSet {
  if (adj.kind === 'multiplier') return scaleSet(p, adj.factor);
  return p === standard ? adj.prices : scaleLike(p, standard, adj.prices);
}

/** Deciding count for a tier. */
export function tierCount(t: TokenBuckets, counts: 'prompt' | 'input'): number {
  return counts === 'input' ? t.inputTokens : t.inputTokens + t.cacheReadTokens + t.cacheWrite5mTokens + t.cacheWrite1hTokens;
}

/**
 * The highest whole-request tier whose threshold the request passes; with `requests` (an aggregated
 * record), whose threshold the average request passes, its deciding count in whole tokens (floored).
 */
export function tierFor(period: PricePeriod, t: TokenBuckets, requests = 1): LongContextTier | undefined {
  let found: LongContextTier | undefined;
  for (const tier of period.tiers) {
    const n = requests === 1 ? tierCount(t, tier.counts) : Math.floor(tierCount(t, tier.counts) / requests);
    if (tier.inclusive ? n >= tier.threshold : n > tier.threshold) found = tier;
  }
  return found;
}

/**
 * The tier of a record. A long-context tier is decided per request, so an aggregated record (a
 * usage-API bucket of many requests) is never tiered on its summed prompt: with a request count it
 * is decided on the average prompt per request in whole tokens (the deciding count summed over its
 * buckets, then divided and floored: flooring each bucket first lost up to a token per bucket, so
 * 2 requests of 400,002 prompt tokens split 200,001 uncached + 200,001 cache reads averaged 200,000
 * and missed a 200K tier that the same prompt as uncached input alone hit); without one
 * (Anthropic's usage report) on the report's own `context_window` bucket ("0-200k" / "200k-1M"),
 * else not tiered.
 */
export function tierForRecord(
  period: PricePeriod,
  t: TokenBuckets & Partial<Pick<UsageRecord, 'requests' | 'tags'>>,
): LongContextTier | undefined {
  const requests = t.requests ?? 1;
  if (requests === 1) return tierFor(period, t);
  if (requests > 1) return tierFor(period, t, requests);
  const window = t.tags?.context_window;
  if (window === undefined || /^0-/.test(window)) return undefined;
  return period.tiers[period.tiers.length - 1];
}

const MINUTES_PER_WEEK = 7 * 24 * 60;
/** Monday 2024-01-01 00:00 UTC: a week from any instant covers each UTC minute of a weekday once. */
const A_MONDAY_MS = Date.UTC(2024, 0, 1);
const weekShares = new WeakMap<PricePeriod, Ratio>();

/** The share of a week's minutes inside a period's time-of-day windows (by `inPeak` itself, minute by minute). */
function weekShareInWindows(period: PricePeriod): Ratio {
  let share = weekShares.get(period);
  if (!share) {
    let inside = 0;
    for (let m = 0; m < MINUTES_PER_WEEK; m++) if (inPeak(period, A_MONDAY_MS + m * 60_000)) inside++;
    weekShares.set(period, (share = { num: BigInt(inside), den: BigInt(MINUTES_PER_WEEK) }));
  }
  return share;
}

function inPeak(period: PricePeriod, timeMs: number | undefined): boolean {
  const peak = period.peak;
  if (!peak || timeMs === undefined) return false;
  if (peak.weekendOffsetMinutes !== undefined) {
    const localDay = new Date(timeMs + peak.weekendOffsetMinutes * 60_000).getUTCDay();
    if (localDay === 0 || localDay === 6) return false;
  }
  const d = new Date(timeMs);
  const minute = d.getUTCHours() * 60 + d.getUTCMinutes();
  return peak.windows.some(([a, b]) => minute >= a && minute < b);
}

interface CardFlags {
  serviceTier: ServiceTier;
  fast: boolean;
  regional: boolean;
  /** 1 + index of the entry's regional uplift rule that applies; 0 for none. */
  regionalRule: number;
  peak: boolean;
}

function buildCard(
  ref: string,
  entry: ModelEntry,
  period: PricePeriod,
  periodIndex: number,
  tier: LongContextTier | undefined,
  f: CardFlags,
): RateCard {
  const adjustments: string[] = [];
  const warnings: string[] = [];
  let base = period.standard;
  let pricedTier: ServiceTier = 'standard';
  const adj = f.serviceTier === 'standard' ? undefined : period[f.serviceTier];
  if (f.serviceTier !== 'standard') {
    if (adj) {
      pricedTier = f.serviceTier;
      adjustments.push(adj.kind === 'multiplier' ? `${f.serviceTier} x${adj.factorText}` : `${f.serviceTier} prices`);
    } else warnings.push(`no ${f.serviceTier} price for ${entry.id}; priced at standard`);
  }
  let factor: Ratio = ONE;
  if (f.fast) {
    if (period.fast) {
      factor = mulRatio(factor, period.fast.factor);
      adjustments.push(`fast x${period.fast.factorText}`);
    } else warnings.push(`no fast-mode price for ${entry.id}; priced without it`);
  }
  const uplift = f.regionalRule > 0 ? entry.regional[f.regionalRule - 1] : undefined;
  if (uplift) {
    factor = mulRatio(factor, uplift.factor);
    adjustments.push(`regional x${uplift.factorText} (${uplift.via.join('/')})`);
  }
  if (f.peak && period.peak) {
    if (period.peak.prices) {
      base = period.peak.prices;
      adjustments.push(`time-of-day window prices (${period.yaml.peak?.windowsUtc.join(', ')} UTC)`);
    } else {
      factor = mulRatio(factor, period.peak.factor);
      adjustments.push(`${period.peak.factor.num > period.peak.factor.den ? 'peak hours' : 'off-peak hours'} x${period.peak.factorText}`);
    }
  }
  if (entry.discount) {
    factor = mulRatio(factor, entry.discount.factor);
    adjustments.push(`discount ${entry.discount.discountText}`);
  }
  const finish = (set: PriceSet): PriceSet => scaleSet(adj ? applyAdjust(set, period.standard, adj) : set, factor);
  const untiered = finish(base);
  if (tier) {
    base = tier.prices;
    adjustments.push(`long context ${tier.inclusive ? '>=' : '>'}${tier.threshold}`);
  }
  const prices = tier ? finish(base) : untiered;
  const discount = entry.discount?.factor;
  const charges =
    period.charges && discount
      ? { ...period.charges, perUnit: new Map([...period.charges.perUnit].map(([k, v]) => [k, scalePrice(v, discount)])) }
      : period.charges;
  return {
    ref,
    entry,
    period,
    periodIndex,
    tier,
    serviceTier: f.serviceTier,
    pricedTier,
    fast: f.fast,
    regional: f.regional,
    peak: f.peak,
    prices,
    untiered,
    charges,
    adjustments,
    warnings,
  };
}

const TIER_INDEX: Record<ServiceTier, number> = { standard: 0, batch: 1, flex: 2, priority: 3 };
const TIERS_BY_INDEX: ServiceTier[] = ['standard', 'batch', 'flex', 'priority'];

/** (period, long-context tier, service tier, flags) as one integer; `decodeCardKey` inverts it. */
function cardKey(periodIndex: number, tierIdx: number, f: CardFlags): number {
  return (((periodIndex * 16 + tierIdx) * 4 + TIER_INDEX[f.serviceTier]) * 16 + f.regionalRule) * 4 + (f.fast ? 1 : 0) + (f.peak ? 2 : 0);
}

function decodeCardKey(key: number): { periodIndex: number; tierIdx: number; flags: CardFlags } {
  const bits = key % 4;
  let rest = (key - bits) / 4;
  const regionalRule = rest % 16;
  rest = (rest - regionalRule) / 16;
  const service = rest % 4;
  const pt = (rest - service) / 4;
  const tierIdx = pt % 16;
  return {
    periodIndex: (pt - tierIdx) / 16,
    tierIdx,
    flags: {
      serviceTier: TIERS_BY_INDEX[service],
      fast: (bits & 1) !== 0,
      regional: regionalRule > 0,
      regionalRule,
      peak: (bits & 2) !== 0,
    },
  };
}

/** What a card depends on besides the entry: token counts (tiers), time, flags, aggregation. */
export type CardInput = TokenBuckets &
  Pick<UsageRecord, 'timeMs' | 'fast' | 'regional'> &
  Partial<Pick<UsageRecord, 'requests' | 'tags' | 'provider'>>;

/**
 * The route by which a record ran in one region, or undefined when it ran globally / at list price.
 * A Bedrock id decides by its profile (`global.` is list price; a geo prefix or an in-Region id is
 * regional) unless the record says otherwise; any other regional record by the platform it came from
 * (the record's provider, else the entry's): Claude API -> inference-geo, Vertex -> vertex, OpenAI /
 * Azure -> data-residency.
 */
export function regionalRoute(res: Resolution, t: Pick<CardInput, 'regional' | 'provider'>): RegionalRoute | undefined {
  if (t.regional === false) return undefined;
  if (res.bedrockScope !== undefined) return res.bedrockScope === 'global' && t.regional !== true ? undefined : 'bedrock';
  if (t.regional !== true) return undefined;
  switch (t.provider ?? res.entry.provider) {
    case 'anthropic':
      return 'inference-geo';
    case 'bedrock':
      return 'bedrock';
    case 'google':
    case 'vertex':
    case 'vertex_ai':
      return 'vertex';
    case 'openai':
    case 'azure':
      return 'data-residency';
    default:
      return undefined;
  }
}

/**
 * 1 + index of the entry's uplift rule for `route` in force at `timeMs`, or 0 when none applies.
 * Of several rules for the route, the one that started last by `timeMs` is in force (as a later
 * price period replaces an earlier one), whatever their order in the file; the first listed of
 * equal starts. The first rule that had started used to win, so a raised uplift never applied.
 */
export function upliftRuleFor(entry: ModelEntry, route: RegionalRoute | undefined, timeMs: number): number {
  if (!route) return 0;
  let found = 0;
  entry.regional.forEach((u, i) => {
    if (!u.via.includes(route) || u.fromMs > timeMs) return;
    if (found === 0 || u.fromMs > entry.regional[found - 1].fromMs) found = i + 1;
  });
  return found;
}

export interface PricingOptions {
  /** Price every record at the period in force at this time instead of its own (repricing). */
  atMs?: number;
  /** Time used for records without a timestamp (default: now). */
  defaultMs?: number;
}

/**
 * Memoising pricer: one RateCard object per distinct (entry, period, tier, service tier, flags),
 * so aggregation can key sums by card identity without building strings per record.
 */
export class Pricer {
  private readonly cards = new Map<ModelEntry, Map<number, RateCard>>();
  private entryIndex?: Map<ModelEntry, number>;
  constructor(
    readonly catalog: Catalog,
    readonly options: PricingOptions = {},
  ) {}

  resolve(model: string): Resolution | undefined {
    return this.catalog.resolve(model);
  }

  /**
   * The rate card for a record, or undefined when it is unpriced: its model is not in the catalog,
   * or it is dated before the model's first known price (`unpricedReason` says which).
   */
  cardFor(r: UsageRecord): RateCard | undefined {
    const res = this.catalog.resolve(r.model);
    if (!res) return undefined;
    return this.pricedCardForEntry(res, r, r.serviceTier ?? 'standard');
  }

  /** The card for dated usage of a resolved entry; undefined before the entry's first known price (see `noPriceReason`). */
  pricedCardForEntry(res: Resolution, t: CardInput, serviceTier: ServiceTier): RateCard | undefined {
    if (noPriceReason(res.entry, this.timeOf(t)) !== undefined) return undefined;
    return this.cardInForce(res, t, serviceTier);
  }

  /** Why records of `model` are unpriced (see `unpricedReason` in catalog.ts). */
  unpricedReason(model: string): string {
    return unpricedReason(this.catalog, model);
  }

  private timeOf(t: Pick<UsageRecord, 'timeMs'>): number {
    return this.options.atMs ?? t.timeMs ?? this.options.defaultMs ?? Date.now();
  }

  /**
   * The card for hypothetical usage of a resolved entry (what-if arms, prompt estimates, the check
   * gate) at the pricing time. Before the entry's first known price there is no price: a UserError
   * (exit 2) naming the model, the date and the first known price, never a later period's price.
   * Dated records go through `pricedCardForEntry`, which leaves them unpriced there.
   */
  cardForEntry(res: Resolution, t: CardInput, serviceTier: ServiceTier): RateCard {
    const timeMs = this.timeOf(t);
    if (noPriceReason(res.entry, timeMs) !== undefined) throw noPriceError(res.entry, timeMs);
    return this.cardInForce(res, t, serviceTier);
  }

  /**
   * The cards for a hypothetical call that has no time of day (a prompt estimate, the check gate: calls spread
   * evenly over the week): the card outside the period's time-of-day windows and, when the period has windows,
   * the card inside them and the share of a week's minutes they cover (weekends off-peak where the rule says so).
   * `cardForEntry` would take the windows at the pricing time, so a figure depended on the hour it was computed.
   */
  cardsOverTheWeek(
    res: Resolution,
    t: CardInput,
    serviceTier: ServiceTier,
  ): { outside: RateCard; inside?: { card: RateCard; weekShare: Ratio } } {
    const timeMs = this.timeOf(t);
    if (noPriceReason(res.entry, timeMs) !== undefined) throw noPriceError(res.entry, timeMs);
    const { period } = periodAt(res.entry, timeMs);
    const outside = this.cardInForce(res, t, serviceTier, false);
    if (!period.peak) return { outside };
    return { outside, inside: { card: this.cardInForce(res, t, serviceTier, true), weekShare: weekShareInWindows(period) } };
  }

  /** The long-context tiers in force at the pricing time (a what-if prices a distribution's tail at them). */
  longContextTiersAt(res: Resolution): readonly LongContextTier[] {
    return periodAt(res.entry, this.timeOf({})).period.tiers;
  }

  /** The card at the pricing time; callers have checked `noPriceReason` (periodAt falls back to the first period). */
  private cardInForce(res: Resolution, t: CardInput, serviceTier: ServiceTier, peak?: boolean): RateCard {
    const entry = res.entry;
    const timeMs = this.timeOf(t);
    const { period, index } = periodAt(entry, timeMs);
    const tier = period.tiers.length > 0 ? tierForRecord(period, t) : undefined;
    const regionalRule = upliftRuleFor(entry, regionalRoute(res, t), timeMs);
    // peak hours are a property of when the request ran, even when repricing at another date
    const flags: CardFlags = {
      serviceTier,
      fast: !!t.fast,
      regional: regionalRule > 0,
      regionalRule,
      peak: peak ?? inPeak(period, t.timeMs ?? timeMs),
    };
    const tierIdx = tier ? period.tiers.indexOf(tier) + 1 : 0;
    return this.card(entry, cardKey(index, tierIdx, flags), period, index, tier, flags);
  }

  /**
   * The card a `ref` names (from a Pricer over the same catalog, e.g. in a worker thread); undefined
   * when the ref does not fit this catalog.
   */
  cardByRef(ref: string): RateCard | undefined {
    const slash = ref.indexOf('/');
    const entry = this.catalog.entries[Number(ref.slice(0, slash))];
    const key = Number(ref.slice(slash + 1));
    if (!entry || !Number.isSafeInteger(key) || key < 0) return undefined;
    const { periodIndex, tierIdx, flags } = decodeCardKey(key);
    const period = entry.periods[periodIndex];
    if (!period || tierIdx > period.tiers.length) return undefined;
    return this.card(entry, key, period, periodIndex, tierIdx ? period.tiers[tierIdx - 1] : undefined, flags);
  }

  private card(
    entry: ModelEntry,
    key: number,
    period: PricePeriod,
    index: number,
    tier: LongContextTier | undefined,
    flags: CardFlags,
  ): RateCard {
    let byKey = this.cards.get(entry);
    if (!byKey) this.cards.set(entry, (byKey = new Map()));
    let card = byKey.get(key);
    if (!card) byKey.set(key, (card = buildCard(`${this.indexOf(entry)}/${key}`, entry, period, index, tier, flags)));
    return card;
  }

  private indexOf(entry: ModelEntry): number {
    if (!this.entryIndex) this.entryIndex = new Map(this.catalog.entries.map((e, i) => [e, i]));
    return this.entryIndex.get(entry) ?? -1;
  }
}

/** The time-of-day prices as assumed: e.g. `peak hours x2 in 35 of the week's 168 hours (calls spread evenly over the week)`. */
export function windowsNote(outside: string[], inside: { card: { adjustments: string[] }; weekShare: Ratio }): string {
  const what = inside.card.adjustments.filter((a) => !outside.includes(a)).join(', ') || 'time-of-day prices';
  const hours = Number((inside.weekShare.num * 168_000n) / inside.weekShare.den) / 1000;
  return `${what} in ${hours} of the week's 168 hours (calls spread evenly over the week)`;
}
