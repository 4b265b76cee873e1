/** A simulated state's unit economics, by the computation `report` uses (pricing/unit-economics.ts). */
import { unitCosts, type UnitCosts } from '../pricing/unit-economics.js';
import type { StatePrice } from './price.js';

/** A priced state's cost per request, conversation, customer, user and success. */
export function stateUnits(p: StatePrice): UnitCosts {
  return unitCosts({
    cost: p.total,
    pricedRequests: p.pricedRequestsServed,
    conversationCost: p.conversationTotal,
    conversations: p.conversations,
    customerCost: p.customerTotal,
    customers: p.customers,
    userCost: p.userTotal,
    users: p.users,
    successCost: p.knownOutcomeTotal,
    successes: p.successes,
  });
}
