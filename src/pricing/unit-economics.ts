/**
 * Unit economics, computed in one place: cost per request, per 1,000 requests, per conversation,
 * customer, user and successful outcome. `report` (from its view of the logs), `simulate` (from a
 * priced state, so a simulated month reads exactly like a real one) and `whatif` (margin per
 * customer) all divide here, with money.ts's one rounding policy.
 *
 * Each figure is the priced cost of the requests attributed to the unit divided by the number of
 * units that have priced requests; an unpriced request adds neither cost nor count, so it never
 * reads as $0. A count may be fractional (weighted successes, scaled volumes). Null: no unit, or
 * nothing priced.
 */
import { perUnit, type Femto } from './money.js';

/** What the figures are divided from: priced costs and unit counts. */
export interface UnitBasis {
  /** Priced cost of all requests (null: none priced). */
  cost: Femto | null;
  pricedRequests: number;
  conversationCost?: Femto | null;
  conversations?: number;
  customerCost?: Femto | null;
  customers?: number;
  userCost?: Femto | null;
  users?: number;
  /** Priced cost of the requests with a known outcome, over the (expected) successes among them. */
  successCost?: Femto | null;
  successes?: number;
}

export interface UnitCosts {
  perRequest: Femto | null;
  per1kRequests: Femto | null;
  perConversation: Femto | null;
  perCustomer: Femto | null;
  perUser: Femto | null;
  perSuccess: Femto | null;
}

const per = (cost: Femto | null | undefined, count: number | undefined): Femto | null =>
  cost === null || cost === undefined || count === undefined ? null : perUnit(cost, count);

export function unitCosts(b: UnitBasis): UnitCosts {
  return {
    perRequest: per(b.cost, b.pricedRequests),
    per1kRequests: b.cost === null ? null : per(b.cost * 1000n, b.pricedRequests),
    perConversation: per(b.conversationCost, b.conversations),
    perCustomer: per(b.customerCost, b.customers),
    perUser: per(b.userCost, b.users),
    perSuccess: per(b.successCost, b.successes),
  };
}
