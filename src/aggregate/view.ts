/**
 * Turns a finished ReportRollup into plain figures (exact femto amounts as bigints) that both
 * the JSON contract and the tables are rendered from.
 */
import { divFemto, femtoToUsdNumber, type Femto } from '../pricing/money.js';
import { componentsOf, totalOf, type RateCard } from '../pricing/cost.js';
import type { CostAccumulator, CostResult, TokenSums } from './accumulator.js';
import { dimensionKey, isTimeDimension, splitGroupKey } from './dims.js';
import type { ReportRollup } from './rollup.js';
import type { UnreadWrites } from './cache-writes.js';

export interface GroupView {
  key: Record<string, string>;
  sums: TokenSums;
  cost: CostResult;
  repriced?: CostResult;
  /** Per-request distribution (float USD). */
  p50?: number;
  p90?: number;
  p99?: number;
  max?: number;
}

export interface TurnView {
  turn: number;
  requests: number;
  promptTokens: number;
  cost: CostResult;
}

export interface CliffView {
  model: string;
  threshold: number;
  operator: string;
  requests: number;
  premiumFemto: Femto;
  costFemto: Femto;
}

export interface UsageView {
  total: { sums: TokenSums; cost: CostResult; repriced?: CostResult };
  groups: GroupView[];
  distribution: { p50?: number; p90?: number; p99?: number; max?: number; mean?: number };
  conversations: number;
  customers: number;
  users: number;
  /** Cost of the requests attributed to conversations / customers / users. */
  attributed: { conversation: CostResult; customer: CostResult; user: CostResult };
  outcomes: { success: number; failure: number; successCost: CostResult; knownCost: CostResult };
  turns: TurnView[];
  cliffs: CliffView[];
  unreadWrites: UnreadWrites;
  cardWarnings: Array<[string, number]>;
  period?: { fromMs: number; toMs: number };
  filteredOut: number;
}

function cliffsOf(total: CostAccumulator): CliffView[] {
  const byKey = new Map<string, CliffView>();
  for (const [card, sums] of total.cardSums()) {
    if (!card.tier) continue;
    const key = `${card.entry.id}\u0000${card.tier.threshold}`;
    let v = byKey.get(key);
    if (!v)
      byKey.set(
        key,
        (v = {
          model: card.entry.id,
          threshold: card.tier.threshold,
          operator: card.tier.inclusive ? '>=' : '>',
          requests: 0,
          premiumFemto: 0n,
          costFemto: 0n,
        }),
      );
    const single = singleCardCost(card, sums);
    v.requests += sums.requests;
    v.premiumFemto += single.premium;
    v.costFemto += single.cost;
  }
  return [...byKey.values()].sort((a, b) =>
    b.premiumFemto > a.premiumFemto
      ? 1
      : b.premiumFemto < a.premiumFemto
        ? -1
        : a.model.localeCompare(b.model) || a.threshold - b.threshold,
  );
}

function singleCardCost(card: RateCard, s: TokenSums): { cost: Femto; premium: Femto } {
  const cost = totalOf(componentsOf(s, card.prices));
  return { cost, premium: cost - totalOf(componentsOf(s, card.untiered)) };
}

/** Date keys (YYYY-MM-DD, YYYY-MM) compare as strings; groups without a time ("(none)") go last. */
export function compareTime(a: GroupView, b: GroupView, keys: string[]): number {
  for (const k of keys) {
    const x = a.key[k];
    const y = b.key[k];
    if (x === y) continue;
    if (x.startsWith('(')) return 1;
    if (y.startsWith('(')) return -1;
    return x < y ? -1 : 1;
  }
  return 0;
}

export function compareCost(a: GroupView, b: GroupView): number {
  const ca = a.cost.costFemto ?? -1n;
  const cb = b.cost.costFemto ?? -1n;
  if (ca !== cb) return cb > ca ? 1 : -1;
  if (a.sums.requests !== b.sums.requests) return b.sums.requests - a.sums.requests;
  return JSON.stringify(a.key).localeCompare(JSON.stringify(b.key));
}

export function buildView(rollup: ReportRollup): UsageView {
  const groups: GroupView[] = [];
  for (const [key, g] of rollup.groups) {
    groups.push({
      key: splitGroupKey(rollup.options.dims, key),
      sums: g.acc.all,
      cost: g.acc.result(),
      repriced: g.repriced?.result(),
      p50: g.perRequest.quantile(0.5),
      p90: g.perRequest.quantile(0.9),
      p99: g.perRequest.quantile(0.99),
      max: g.perRequest.count ? g.perRequest.max : undefined,
    });
  }
  // time views read in date order (then by cost within a date); others most expensive first
  const timeKeys = rollup.options.dims.filter(isTimeDimension).map(dimensionKey);
  if (timeKeys.length === 0) groups.sort(compareCost);
  else groups.sort((a, b) => compareTime(a, b, timeKeys) || compareCost(a, b));
  const turns: TurnView[] = [...rollup.turns.entries()]
    .sort((a, b) => a[0] - b[0])
    .map(([turn, t]) => ({ turn, requests: t.acc.all.requests, promptTokens: t.promptTokens, cost: t.acc.result() }));
  const s = rollup.perRequest;
  const totalCost = rollup.total.result();
  const pricedRequests = rollup.total.all.requests - rollup.total.unpriced.requests;
  // the mean from the exact total (a float sum would depend on the order records were added in)
  const mean =
    totalCost.costFemto !== null && pricedRequests > 0 ? femtoToUsdNumber(divFemto(totalCost.costFemto, pricedRequests)) : undefined;
  return {
    total: { sums: rollup.total.all, cost: totalCost, repriced: rollup.repricedTotal?.result() },
    groups,
    distribution: { p50: s.quantile(0.5), p90: s.quantile(0.9), p99: s.quantile(0.99), max: s.count ? s.max : undefined, mean },
    conversations: rollup.conversations.size,
    customers: rollup.customers.size,
    users: rollup.users.size,
    attributed: {
      conversation: rollup.attributedCost.conversation.result(),
      customer: rollup.attributedCost.customer.result(),
      user: rollup.attributedCost.user.result(),
    },
    outcomes: {
      success: rollup.outcomes.success,
      failure: rollup.outcomes.failure,
      successCost: rollup.outcomes.successCost.result(),
      knownCost: rollup.outcomes.knownCost.result(),
    },
    turns,
    cliffs: cliffsOf(rollup.total),
    unreadWrites: rollup.cacheWrites.finish(),
    cardWarnings: [...rollup.cardWarnings.entries()].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0])),
    period: rollup.firstMs <= rollup.lastMs ? { fromMs: rollup.firstMs, toMs: rollup.lastMs } : undefined,
    filteredOut: rollup.filteredOut,
  };
}
