/**
 * Per-call charges of a planned feature (`chargesPerRequest: { webSearch: 2 }`): each request's calls
 * priced at the charge prices of the cards its traffic runs on (model and route share), exactly. A
 * charge is per request, not per attempt (a retried call's searches are not known to repeat). A
 * charge the model's catalog entry does not price is a configuration error, never $0.
 */
import { UserError } from '../core/issues.js';
import { chargeDimension, type ChargeCounts, type CountedChargeKey } from '../usage/dimensions.js';
import { mulRatio, ratio, type Ratio } from '../pricing/money.js';
import type { CardUse } from './evaluate.js';

/**
 * The femto-USD per request of the feature's charges under `uses`, as exact terms to sum: for each
 * card, its share of the request's traffic (its weight counts attempts, so divided by them) times
 * calls per request times the card's price per call.
 */
export function chargeTerms(feature: string, counts: ChargeCounts | undefined, uses: CardUse[]): Ratio[] {
  const terms: Ratio[] = [];
  if (!counts) return terms;
  for (const { card, weight, arm } of uses) {
    const share: Ratio = { num: weight.num * arm.callsPerRequest.den, den: weight.den * arm.callsPerRequest.num };
    for (const [key, n] of Object.entries(counts) as Array<[CountedChargeKey, number]>) {
      if (!n) continue;
      const price = card.charges?.perUnit.get(key);
      if (price === undefined)
        throw new UserError(
          `features.${feature}.chargesPerRequest.${key}: ${card.entry.id} has no catalog price for ${chargeDimension(key).label.toLowerCase()}`,
          'add one under charges: in a price file (--prices FILE), or drop the charge',
        );
      terms.push(mulRatio(mulRatio(share, ratio(n)), { num: price, den: 1n }));
    }
  }
  return terms;
}
