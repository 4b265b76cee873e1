/**
 * Exact cost accumulation: token sums are kept per rate card (integers), and money is computed
 * once per card at the end with BigInt arithmetic. Unpriced tokens are kept apart, never $0.
 */
import type { Components, RateCard } from '../pricing/cost.js';
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
}

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
  s.inputTokens += r.inputTokens;
  s.cacheReadTokens += r.cacheReadTokens;
  s.cacheWrite5mTokens += r.cacheWrite5mTokens;
  s.cacheWrite1hTokens += r.cacheWrite1hTokens;
  s.outputTokens += r.outputTokens;
  s.reasoningTokens += r.reasoningTokens;
  if (r.tokenSource === 'estimated') s.estimatedRecords += 1;
  addCharges(s.calls, r.charges);
}

export function addSums(into: TokenSums, from: TokenSums): void {
  into.requests += from.requests;
  into.records += from.records;
  into.inputTokens += from.inputTokens;
  into.cacheReadTokens += from.cacheReadTokens;
  into.cacheWrite5mTokens += from.cacheWrite5mTokens;
  into.cacheWrite1hTokens += from.cacheWrite1hTokens;
  into.outputTokens += from.outputTokens;
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
      const c = componentsOf(s, card.prices);
      components.input += c.input;
      components.cacheRead += c.cacheRead;
      components.cacheWrite5m += c.cacheWrite5m;
      components.cacheWrite1h += c.cacheWrite1h;
      components.output += c.output;
      // (each bucket converted, then added: added as numbers first, buckets past 2^53 together lost tokens)
      const allInput = BigInt(s.inputTokens) + BigInt(s.cacheReadTokens) + BigInt(s.cacheWrite5mTokens) + BigInt(s.cacheWrite1hTokens);
      const cc = chargeCostsOf(s.calls, s.requests, card);
      for (const [k, v] of Object.entries(cc.amounts) as Array<[ChargeKey, bigint]>) charges[k] = (charges[k] ?? 0n) + v;
      for (const [k, n] of Object.entries(cc.unpriced) as Array<[ChargeKey, number]>) unpricedCharges[k] = (unpricedCharges[k] ?? 0) + n;
      for (const [k, n] of Object.entries(cc.counts) as Array<[ChargeKey, number]>) chargedCounts[k] = (chargedCounts[k] ?? 0) + n;
      if (card.charges?.freeAllowance && cc.total > 0n) allowances.add(card.charges.freeAllowance);
      // charges are the same with or without caching
      uncachedEquivalent += allInput * card.prices.input + BigInt(s.outputTokens) * card.prices.output + cc.total;
      if (card.tier) premium += totalOf(c) - totalOf(componentsOf(s, card.untiered));
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
