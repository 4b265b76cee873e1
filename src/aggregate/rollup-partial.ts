/**
 * A ReportRollup of a later part of a split file, in plain form, and its exact merge into the rollup
 * of the earlier part (which must have read everything before it). Sums, sets and sketches add; turn
 * numbers of conversations that continue across the split are offset by the earlier part's turns;
 * cache writes carry on (cache-writes.ts).
 */
import type { Pricer, RateCard } from '../pricing/cost.js';
import type { CacheWritesPartial } from './cache-writes.js';
import { CostAccumulator, type AccumulatorPartial } from './accumulator.js';
import type { ConversationState, DeferredTurn, ReportRollup } from './rollup.js';
import { QuantileSketch, type SketchPartial } from './sketch.js';

export interface RollupPartial {
  total: AccumulatorPartial;
  repricedTotal?: AccumulatorPartial;
  groups: Array<[string, { acc: AccumulatorPartial; perRequest: SketchPartial; repriced?: AccumulatorPartial }]>;
  perRequest: SketchPartial;
  turns: Array<[number, { acc: AccumulatorPartial; promptTokens: number }]>;
  conversations: Map<string, ConversationState>;
  earlyConversations: Set<string>;
  deferredTurns: DeferredTurn[];
  deferredOverflow: boolean;
  customers: string[];
  users: string[];
  outcomes: { success: number; failure: number; successCost: AccumulatorPartial; knownCost: AccumulatorPartial };
  attributedCost: { conversation: AccumulatorPartial; customer: AccumulatorPartial; user: AccumulatorPartial };
  cacheWrites: CacheWritesPartial;
  cardWarnings: Map<string, number>;
  filteredOut: number;
  firstMs: number;
  lastMs: number;
}

/** Resolves refs to this thread's cards; a ref that does not resolve is a bug (both threads load the same catalog). */
function cardResolver(pricer: Pricer): (ref: string) => RateCard {
  return (ref) => {
    const card = pricer.cardByRef(ref);
    if (!card) throw new Error(`rate card ${ref} not found in this catalog`);
    return card;
  };
}

export function rollupPartial(r: ReportRollup): RollupPartial {
  const acc = (a: CostAccumulator) => a.toPartial();
  return {
    total: acc(r.total),
    repricedTotal: r.repricedTotal && acc(r.repricedTotal),
    groups: [...r.groups].map(([k, g]) => [
      k,
      { acc: acc(g.acc), perRequest: g.perRequest.toPartial(), repriced: g.repriced && acc(g.repriced) },
    ]),
    perRequest: r.perRequest.toPartial(),
    turns: [...r.turns].map(([t, s]) => [t, { acc: acc(s.acc), promptTokens: s.promptTokens }]),
    conversations: r.conversations,
    earlyConversations: r.earlyConversations,
    deferredTurns: r.deferredTurns,
    deferredOverflow: r.deferredOverflow,
    customers: [...r.customers],
    users: [...r.users],
    outcomes: {
      success: r.outcomes.success,
      failure: r.outcomes.failure,
      successCost: acc(r.outcomes.successCost),
      knownCost: acc(r.outcomes.knownCost),
    },
    attributedCost: {
      conversation: acc(r.attributedCost.conversation),
      customer: acc(r.attributedCost.customer),
      user: acc(r.attributedCost.user),
    },
    cacheWrites: r.cacheWrites.toPartial(),
    cardWarnings: r.cardWarnings,
    filteredOut: r.filteredOut,
    firstMs: r.firstMs,
    lastMs: r.lastMs,
  };
}

/**
 * Why the later part cannot be merged exactly, if it cannot: a conversation it numbered locally
 * (first seen after its early window) also appears in the earlier part.
 */
export function rollupConflict(r: ReportRollup, p: RollupPartial): string | undefined {
  if (p.deferredOverflow) return 'too many turns of conversations continuing across the split';
  for (const id of p.conversations.keys()) {
    if (!p.earlyConversations.has(id) && r.conversations.has(id)) return `conversation ${id} continues across the split`;
  }
  return undefined;
}

/** Adds the later part `p` to `r`. `pricer`/`repricer` resolve card refs (same catalogs as the worker's). */
export function mergeRollup(r: ReportRollup, p: RollupPartial, pricer: Pricer, repricer?: Pricer): void {
  const card = cardResolver(pricer);
  const recard = repricer ? cardResolver(repricer) : card;
  r.total.mergePartial(p.total, card);
  if (r.repricedTotal && p.repricedTotal) r.repricedTotal.mergePartial(p.repricedTotal, recard);
  for (const [key, g] of p.groups) {
    const mine = r.groups.get(key);
    if (!mine) {
      const perRequest = new QuantileSketch();
      perRequest.merge(g.perRequest);
      r.groups.set(key, {
        acc: CostAccumulator.fromPartial(g.acc, card),
        perRequest,
        repriced: g.repriced && CostAccumulator.fromPartial(g.repriced, recard),
      });
      continue;
    }
    mine.acc.mergePartial(g.acc, card);
    mine.perRequest.merge(g.perRequest);
    if (mine.repriced && g.repriced) mine.repriced.mergePartial(g.repriced, recard);
  }
  r.perRequest.merge(p.perRequest);
  for (const [turn, t] of p.turns) {
    const mine = r.turns.get(turn);
    if (!mine) r.turns.set(turn, { acc: CostAccumulator.fromPartial(t.acc, card), promptTokens: t.promptTokens });
    else {
      mine.acc.mergePartial(t.acc, card);
      mine.promptTokens += t.promptTokens;
    }
  }
  mergeConversations(r, p, card);
  for (const c of p.customers) r.customers.add(c);
  for (const u of p.users) r.users.add(u);
  r.outcomes.success += p.outcomes.success;
  r.outcomes.failure += p.outcomes.failure;
  r.outcomes.successCost.mergePartial(p.outcomes.successCost, card);
  r.outcomes.knownCost.mergePartial(p.outcomes.knownCost, card);
  r.attributedCost.conversation.mergePartial(p.attributedCost.conversation, card);
  r.attributedCost.customer.mergePartial(p.attributedCost.customer, card);
  r.attributedCost.user.mergePartial(p.attributedCost.user, card);
  r.cacheWrites.merge(p.cacheWrites, card);
  for (const [w, n] of p.cardWarnings) r.cardWarnings.set(w, (r.cardWarnings.get(w) ?? 0) + n);
  r.filteredOut += p.filteredOut;
  if (p.firstMs < r.firstMs) r.firstMs = p.firstMs;
  if (p.lastMs > r.lastMs) r.lastMs = p.lastMs;
}

/** Deferred turns continue the earlier part's count of their conversation; then the counts add. */
function mergeConversations(r: ReportRollup, p: RollupPartial, card: (ref: string) => RateCard): void {
  const offsets = new Map<string, number>();
  for (const id of p.earlyConversations) offsets.set(id, r.conversations.get(id)?.turns ?? 0);
  for (const d of p.deferredTurns)
    r.addTurn((offsets.get(d.conversationId) ?? 0) + d.localTurn, d.record, d.ref === undefined ? undefined : card(d.ref));
  for (const [id, c] of p.conversations) {
    const mine = r.conversations.get(id);
    if (!mine) r.conversations.set(id, { turns: c.turns, costUsd: c.costUsd });
    else {
      mine.turns += c.turns;
      mine.costUsd += c.costUsd;
    }
  }
}
