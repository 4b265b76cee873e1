/**
 * Plain, structured-clone-safe forms of the streaming aggregates, so that a worker thread can
 * aggregate part of a file and the main thread can merge it exactly. Rate cards travel as refs
 * (`RateCard.ref`) and are resolved back to the main thread's card objects by its Pricer.
 */
import type { Pricer, RateCard } from '../pricing/cost.js';
import { addSums, CostAccumulator, type TokenSums } from './accumulator.js';

export interface AccumulatorPartial {
  all: TokenSums;
  unpriced: TokenSums;
  byCard: Array<[string, TokenSums]>;
  unpricedModels: Map<string, number>;
}

export function accumulatorPartial(acc: CostAccumulator): AccumulatorPartial {
  return {
    all: acc.all,
    unpriced: acc.unpriced,
    byCard: [...acc.cardSums()].map(([card, sums]) => [card.ref, sums]),
    unpricedModels: acc.unpricedModels,
  };
}

/** Resolves refs to this process's cards; a ref that does not resolve is a bug (same catalog on both sides). */
export function cardResolver(pricer: Pricer): (ref: string) => RateCard {
  return (ref) => {
    const card = pricer.cardByRef(ref);
    if (!card) throw new Error(`rate card ${ref} not found in this catalog`);
    return card;
  };
}

export function mergeAccumulator(into: CostAccumulator, p: AccumulatorPartial, card: (ref: string) => RateCard): void {
  addSums(into.all, p.all);
  addSums(into.unpriced, p.unpriced);
  const byCard = into.cardSums();
  for (const [ref, sums] of p.byCard) {
    const c = card(ref);
    const mine = byCard.get(c);
    if (mine) addSums(mine, sums);
    else byCard.set(c, { ...sums });
  }
  for (const [m, n] of p.unpricedModels) into.unpricedModels.set(m, (into.unpricedModels.get(m) ?? 0) + n);
}

export function accumulatorFrom(p: AccumulatorPartial, card: (ref: string) => RateCard): CostAccumulator {
  const acc = new CostAccumulator();
  mergeAccumulator(acc, p, card);
  return acc;
}
