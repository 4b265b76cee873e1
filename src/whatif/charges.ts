/**
 * Per-call charges of a planned feature (`chargesPerRequest: { webSearch: 2 }`): each request's calls
 * priced at the charge prices of the cards its traffic runs on (model and route share), exactly. A
 * charge is per request, not per attempt (a retried call's searches are not known to repeat). A
 * charge the model's catalog entry does not price is a configuration error, never $0.
 */
import { UserError } from '../core/issues.js';
import { chargeDimension, type ChargeCounts, type CountedChargeKey } from '../pricing/dimensions.js';
import type { CardUse } from './evaluate.js';
import { add, div, mul, Q0, q, qInt, type Q } from './exact.js';

/** Femto-USD per request (exact fraction) of the feature's charges under `uses`. */
export function chargeCostPerRequest(feature: string, counts: ChargeCounts | undefined, uses: CardUse[]): Q {
  let total = Q0;
  if (!counts) return total;
  for (const { card, weight, arm } of uses) {
    // the card's share of the request's traffic (its weight counts attempts)
    const share = div(weight, arm.callsPerRequest);
    for (const [key, n] of Object.entries(counts) as Array<[CountedChargeKey, number]>) {
      if (!n) continue;
      const price = card.charges?.perUnit.get(key);
      if (price === undefined)
        throw new UserError(
          `features.${feature}.chargesPerRequest.${key}: ${card.entry.id} has no catalog price for ${chargeDimension(key).label.toLowerCase()}`,
          'add one under charges: in a price file (--prices FILE), or drop the charge',
        );
      total = add(total, mul(mul(share, q(n)), qInt(price)));
    }
  }
  return total;
}
