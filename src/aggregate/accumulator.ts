/**
 * Exact cost accumulation: token sums are kept per rate card (integers), and money is computed
 * once per card at the end with BigInt arithmetic. Unpriced tokens are kept apart, never $0.
 */
import type { Components, RateCard, TokenCounts } from '../pricing/cost.js';
import { chargeCostsOf, componentsOf, totalOf } from '../pricing/cost.js';
import { addCharges, type ChargeCounts, type ChargeKey } from '../usage/dimensions.js';
import type { Femto } from '../pricing/money.js';
import type { UsageRecord } from '../usage/record.js';

export interface TokenSums {
  requests: number;
  records: number;
  inputTokens: number;
  cacheReadTokens: number;
  cacheWrite5mTokens: number;
  cacheWrite1hTokens: number;
  outputTokens: number;
  reasoningTokens: number;
  estimatedRecords: number;
  /** Per-call / per-unit charges counted (usage/dimensions.ts). */
  calls: ChargeCounts;
  /**
   * The priced token buckets exactly, kept once one of them passes 2^53 (where the number fields
   * round): the money path multiplies these (`pricedTokens`), never the rounded numbers. Never
   * changed in place: a new object on each addition.
   */
  exact?: ExactTokens;
}

/** The token buckets that are priced. */
const PRICED = ['inputTokens', 'cacheReadTokens', 'cacheWrite5mTokens', 'cacheWrite1hTokens', 'outputTokens'] as const;
export type ExactTokens = Record<(typeof PRICED)[number], bigint>;

/** The buckets to price of `s`: exact bigints where a sum passed 2^53, else its numbers. */
export const pricedTokens = (s: TokenSums): TokenCounts => s.exact ?? s;

/** Exact token buckets, one per priced bucket, each `value(bucket)`. */
export const exactTokens = (value: (bucket: (typeof PRICED)[number]) => bigint): ExactTokens =>
  Object.fromEntries(PRICED.map((k) => [k, value(k)])) as ExactTokens;

const exactOf = (s: Pick<TokenSums, (typeof PRICED)[number] | 'exact'>): ExactTokens => s.exact ?? exactTokens((k) => BigInt(s[k]));

/**
 * Adds `from`'s priced buckets to `into`'s; when either is kept exactly or a sum passes 2^53, the
 * exact sums are taken first (from the values before the addition, each an exact integer).
 */
function addPriced(into: TokenSums, from: Pick<TokenSums, (typeof PRICED)[number] | 'exact'>): void {
  const input = into.inputTokens + from.inputTokens;
  const read = into.cacheReadTokens + from.cacheReadTokens;
  const w5 = into.cacheWrite5mTokens + from.cacheWrite5mTokens;
  const w1 = into.cacheWrite1hTokens + from.cacheWrite1hTokens;
  const output = into.outputTokens + from.outputTokens;
  // (plain comparisons: this runs once a record on the TypeScript passes)
  const safe = input <= MAX && read <= MAX && w5 <= MAX && w1 <= MAX && output <= MAX;
  if (!safe || into.exact !== undefined || from.exact !== undefined) {
    const a = exactOf(into);
    const b = exactOf(from);
    into.exact = exactTokens((k) => a[k] + b[k]);
  }
  into.inputTokens = input;
  into.cacheReadTokens = read;
  into.cacheWrite5mTokens = w5;
  into.cacheWrite1hTokens = w1;
  into.outputTokens = output;
}

const MAX = Number.MAX_SAFE_INTEGER;

export function emptySums(): TokenSums {
  return {
    requests: 0,
    records: 0,
    inputTokens: 0,
    cacheReadTokens: 0,
    cacheWrite5mTokens: 0,
    cacheWrite1hTokens: 0,
    outputTokens: 0,
    reasoningTokens: 0,
    estimatedRecords: 0,
    calls: {},
  };
}

export function addRecord(s: TokenSums, r: UsageRecord): void {
  s.requests += r.requests;
  s.records += 1;
  addPriced(s, r);
  s.reasoningTokens += r.reasoningTokens;
  if (r.tokenSource === 'estimated') s.estimatedRecords += 1;
  addCharges(s.calls, r.charges);
}

export function addSums(into: TokenSums, from: TokenSums): void {
  into.requests += from.requests;
  into.records += from.records;
  addPriced(into, from);
  into.reasoningTokens += from.reasoningTokens;
  into.estimatedRecords += from.estimatedRecords;
  addCharges(into.calls, from.calls);
}

export interface CostResult {
  /** Exact cost of the priced part; null when nothing was priced. */
  costFemto: Femto | null;
  components: Components;
  /** Cost of the same tokens with caching billed as plain input (for "what caching saved"). */
  uncachedEquivalentFemto: Femto;
  /** Premium paid above long-context thresholds (cost at tier prices minus at base prices). */
  longContextPremiumFemto: Femto;
  unpriced: TokenSums;
  /** Charges counted on priced records that their card has a price for (a per-request fee: requests charged). */
  chargedCounts: Partial<Record<ChargeKey, number>>;
  /** Charges counted on priced records that their card has no price for: unpriced, never $0. */
  unpricedCharges: Partial<Record<ChargeKey, number>>;
  /** Free allowances of the charges priced here, which a per-record price cannot apply (the bill may be lower). */
  freeAllowances: string[];
  /** Distinct cards, for traceability (which price, which date). */
  cards: RateCard[];
}

export class CostAccumulator {
  readonly all: TokenSums = emptySums();
  readonly unpriced: TokenSums = emptySums();
  private readonly byCard = new Map<RateCard, TokenSums>();
  readonly unpricedModels = new Map<string, number>();

  add(r: UsageRecord, card: RateCard | undefined): void {
    addRecord(this.all, r);
    if (!card) {
      addRecord(this.unpriced, r);
      this.unpricedModels.set(r.model, (this.unpricedModels.get(r.model) ?? 0) + r.requests);
      return;
    }
    let s = this.byCard.get(card);
    if (!s) this.byCard.set(card, (s = emptySums()));
    addRecord(s, r);
  }

  /** An accumulator from sums already taken per card (the engine's SQL sums per price key). */
  static fromSums(
    all: TokenSums,
    unpriced: TokenSums,
    byCard: Iterable<[RateCard, TokenSums]>,
    unpricedModels: Map<string, number> = new Map(),
  ): CostAccumulator {
    const acc = new CostAccumulator();
    addSums(acc.all, all);
    addSums(acc.unpriced, unpriced);
    for (const [card, sums] of byCard) {
      const mine = acc.byCard.get(card);
      if (mine) addSums(mine, sums);
      else acc.byCard.set(card, { ...sums, calls: { ...sums.calls } });
    }
    for (const [m, n] of unpricedModels) acc.unpricedModels.set(m, (acc.unpricedModels.get(m) ?? 0) + n);
    return acc;
  }

  cardSums(): Map<RateCard, TokenSums> {
    return this.byCard;
  }

  result(): CostResult {
    const components: Components = { input: 0n, cacheRead: 0n, cacheWrite5m: 0n, cacheWrite1h: 0n, output: 0n };
    const charges: NonNullable<Components['charges']> = {};
    const unpricedCharges: CostResult['unpricedCharges'] = {};
    const chargedCounts: CostResult['chargedCounts'] = {};
    const allowances = new Set<string>();
    let uncachedEquivalent = 0n;
    let premium = 0n;
    for (const [card, s] of this.byCard) {
      const t = pricedTokens(s);
      const c = componentsOf(t, card.prices);
      components.input += c.input;
      components.cacheRead += c.cacheRead;
      components.cacheWrite5m += c.cacheWrite5m;
      components.cacheWrite1h += c.cacheWrite1h;
      components.output += c.output;
      // (each bucket converted, then added: added as numbers first, buckets past 2^53 together lost tokens)
      const allInput = BigInt(t.inputTokens) + BigInt(t.cacheReadTokens) + BigInt(t.cacheWrite5mTokens) + BigInt(t.cacheWrite1hTokens);
      const cc = chargeCostsOf(s.calls, s.requests, card);
      for (const [k, v] of Object.entries(cc.amounts) as Array<[ChargeKey, bigint]>) charges[k] = (charges[k] ?? 0n) + v;
      for (const [k, n] of Object.entries(cc.unpriced) as Array<[ChargeKey, number]>) unpricedCharges[k] = (unpricedCharges[k] ?? 0) + n;
      for (const [k, n] of Object.entries(cc.counts) as Array<[ChargeKey, number]>) chargedCounts[k] = (chargedCounts[k] ?? 0) + n;
      if (card.charges?.freeAllowance && cc.total > 0n) allowances.add(card.charges.freeAllowance);
      // charges are the same with or without caching
      uncachedEquivalent += allInput * card.prices.input + BigInt(t.outputTokens) * card.prices.output + cc.total;
      if (card.tier) premium += totalOf(c) - totalOf(componentsOf(t, card.untiered));
    }
    const priced = this.byCard.size > 0;
    if (Object.keys(charges).length > 0) components.charges = charges;
    return {
      costFemto: priced ? totalOf(components) : null,
      components,
      uncachedEquivalentFemto: uncachedEquivalent,
      longContextPremiumFemto: premium,
      unpriced: this.unpriced,
      chargedCounts,
      unpricedCharges,
      freeAllowances: [...allowances].sort(),
      cards: [...this.byCard.keys()].sort(compareCards),
    };
  }
}

/** Catalog order, then period, tier and flags: independent of the order records arrived in. */
function compareCards(a: RateCard, b: RateCard): number {
  const [ea, ka] = a.ref.split('/').map(Number);
  const [eb, kb] = b.ref.split('/').map(Number);
  return ea - eb || ka - kb;
}
