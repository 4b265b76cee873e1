/**
 * Margin per customer: what each customer pays (the revenue file) against what its requests cost
 * (the report pipeline's per-customer cost, one aggregation for both commands). Exact femto-USD.
 *
 * At k times the volume, each customer sends k times the requests on the same contract: costs and
 * per-request revenue scale by k, seats and fixed contract prices do not. Cost at k is k times the
 * logged cost less what k-times traffic saves on caching (`scaleSaving`, from simulate's volume
 * model: scale.ts); without it (no prompt text to replay) costs scale linearly, and the report
 * says which.
 */
import { type Femto, fraction, mul, q, qInt, toFemto, usdToFemto } from '../pricing/money.js';
import { revenueUsd, type Contract, type RevenueFile } from './revenue.js';

/** The plan shown for a customer the revenue file does not name. */
export const NO_PLAN = '(not in the revenue file)';

/** What the logs say about one customer. */
export interface CustomerCost {
  customer: string;
  requests: number;
  /** Exact cost of the priced requests (null when none was priced). */
  costFemto: Femto | null;
  unpricedRequests: number;
}

export interface CustomerMargin {
  customer: string;
  plan: string;
  /** Not in the revenue file (revenue 0), or in it with no requests in the logs. */
  contract?: Contract;
  requests: number;
  unpricedRequests: number;
  /** Requests in the logs, none of them priced (an unknown model): cost and margin unknown, never $0 and full margin. */
  unpriced: boolean;
  revenue: Femto;
  /** The priced requests' cost (0 when `unpriced`: shown as n/a). */
  cost: Femto;
  margin: Femto;
  /** margin / revenue, undefined without revenue or when `unpriced`. */
  marginPct?: number;
  /** Same at each volume multiplier. */
  atVolume: Array<{ multiplier: number; revenue: Femto; cost: Femto; margin: Femto; marginPct?: number }>;
}

/**
 * Revenue, cost and margin over the customers whose cost is known (not `unpriced`): a customer none of
 * whose requests is priced has its revenue stated apart (`unpricedRevenue`), never set against $0.
 * `priced` 0 with `unpricedCustomers` > 0: nothing to set revenue against (cost and margin unknown).
 */
export interface PricedAmounts {
  revenue: Femto;
  cost: Femto;
  margin: Femto;
  marginPct?: number;
  /** Customers counted in revenue, cost and margin. */
  priced: number;
  /** Customers none of whose requests is priced, and what they pay: left out of the amounts above. */
  unpricedCustomers: number;
  unpricedRevenue: Femto;
}

export interface PlanMargin extends PricedAmounts {
  plan: string;
  customers: number;
  underWater: number;
  requests: number;
  /** Unpriced requests of the plan's customers (those of partly priced customers too). */
  unpricedRequests: number;
}

export interface MarginResult {
  customers: CustomerMargin[];
  plans: PlanMargin[];
  totals: PricedAmounts & { unpricedRequests: number };
  volumes: Array<PricedAmounts & { multiplier: number; underWater: number }>;
  /** Margin % across customers with revenue: min, p10, p50, p90, max. */
  distribution?: { min: number; p10: number; p50: number; p90: number; max: number };
  /** Customers in the logs with no contract in the revenue file. */
  noContract: string[];
  /** Customers in the revenue file with no requests in the logs. */
  noTraffic: string[];
}

/** Nearest-rank percentile of sorted values. */
function rank(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(p * sorted.length) - 1))];
}

/** What k-times traffic saves a customer against k x its logged cost (scale.ts); 0 = linear. */
export type ScaleSaving = (customer: string, k: number) => Femto;

/** q(k) of each volume multiplier, made once (a decimal's exact fraction is built from its text). */
const multipliers = new Map<number, ReturnType<typeof q>>();
function qOfMultiplier(k: number) {
  let kq = multipliers.get(k);
  if (kq === undefined) {
    kq = q(k);
    multipliers.set(k, kq);
  }
  return kq;
}

function at(c: Contract | undefined, requests: number, cost: Femto, k: number, saving: Femto) {
  const kq = qOfMultiplier(k);
  const revenue = c ? toFemto(usdToFemto(revenueUsd(c, mul(qInt(requests), kq)))) : 0n;
  const linear = toFemto(mul(qInt(cost), kq));
  const scaled = linear - saving > 0n ? linear - saving : 0n;
  return { multiplier: k, revenue, cost: scaled, margin: revenue - scaled, marginPct: fraction(revenue - scaled, revenue) };
}

/** Two customers' costs as one (their requests and exact costs added; null where neither was priced). */
function addCosts(a: CustomerCost, b: CustomerCost): CustomerCost {
  return {
    customer: a.customer,
    requests: a.requests + b.requests,
    costFemto: a.costFemto === null && b.costFemto === null ? null : (a.costFemto ?? 0n) + (b.costFemto ?? 0n),
    unpricedRequests: a.unpricedRequests + b.unpricedRequests,
  };
}

/** Customers' amounts (`at` picks them: now or at a volume) added over those with a known cost, the others' revenue apart. */
function priced(customers: CustomerMargin[], at: (c: CustomerMargin) => { revenue: Femto; cost: Femto }): PricedAmounts {
  const known = customers.filter((c) => !c.unpriced);
  const revenue = known.reduce((s, c) => s + at(c).revenue, 0n);
  const cost = known.reduce((s, c) => s + at(c).cost, 0n);
  return {
    revenue,
    cost,
    margin: revenue - cost,
    marginPct: fraction(revenue - cost, revenue),
    priced: known.length,
    unpricedCustomers: customers.length - known.length,
    unpricedRevenue: customers.filter((c) => c.unpriced).reduce((s, c) => s + at(c).revenue, 0n),
  };
}

export function customerMargins(
  revenue: RevenueFile,
  costs: CustomerCost[],
  volumes: number[],
  scaleSaving: ScaleSaving = () => 0n,
): MarginResult {
  // one entry a name: costs given twice under one name (the requests without a customer and a customer named
  // "(none)", both shown "(none)" here) are added, never one left for the other
  const byCustomer = new Map<string, CustomerCost>();
  for (const c of costs) {
    const seen = byCustomer.get(c.customer);
    byCustomer.set(c.customer, seen ? addCosts(seen, c) : c);
  }
  const names = [...new Set([...revenue.contracts.keys(), ...byCustomer.keys()])];
  const customers: CustomerMargin[] = names.map((name) => {
    const c = revenue.contracts.get(name);
    const logged = byCustomer.get(name);
    const requests = logged?.requests ?? 0;
    const unpriced = requests > 0 && logged?.costFemto === null;
    const now = at(c, requests, logged?.costFemto ?? 0n, 1, 0n);
    const known = <T extends { marginPct?: number }>(x: T): T => (unpriced ? { ...x, marginPct: undefined } : x);
    return {
      customer: name,
      plan: c?.plan ?? NO_PLAN,
      contract: c,
      requests,
      unpricedRequests: logged?.unpricedRequests ?? 0,
      unpriced,
      revenue: now.revenue,
      cost: now.cost,
      margin: now.margin,
      marginPct: known(now).marginPct,
      atVolume: volumes.map((k) => known(at(c, requests, logged?.costFemto ?? 0n, k, k === 1 ? 0n : scaleSaving(name, k)))),
    };
  });
  const byName = new Intl.Collator().compare; // localeCompare's order, without a collator built per comparison
  customers.sort((a, b) => (a.margin < b.margin ? -1 : a.margin > b.margin ? 1 : byName(a.customer, b.customer)));
  // each plan's customers gathered in one pass (a filter over every customer per plan took minutes
  // when each of 20,000 customers had a plan of its own)
  const plans = new Map<string, PlanMargin>();
  const ofPlan = new Map<string, CustomerMargin[]>();
  for (const c of customers) {
    const p = plans.get(c.plan) ?? { plan: c.plan, customers: 0, underWater: 0, requests: 0, unpricedRequests: 0, ...priced([], (x) => x) };
    p.customers++;
    if (c.margin < 0n) p.underWater++;
    p.requests += c.requests;
    p.unpricedRequests += c.unpricedRequests;
    plans.set(c.plan, p);
    const list = ofPlan.get(c.plan);
    if (list) list.push(c);
    else ofPlan.set(c.plan, [c]);
  }
  for (const p of plans.values())
    Object.assign(
      p,
      priced(ofPlan.get(p.plan) ?? [], (c) => c),
    );
  const totals = {
    ...priced(customers, (c) => c),
    unpricedRequests: customers.reduce((s, c) => s + c.unpricedRequests, 0),
  };
  const pcts = customers
    .filter((c) => c.marginPct !== undefined)
    .map((c) => c.marginPct!)
    .sort((a, b) => a - b);
  return {
    customers,
    plans: [...plans.values()].sort((a, b) => (a.margin < b.margin ? -1 : a.margin > b.margin ? 1 : a.plan.localeCompare(b.plan))),
    totals,
    volumes: volumes.map((k, i) => ({
      multiplier: k,
      ...priced(customers, (c) => c.atVolume[i]),
      underWater: customers.filter((c) => !c.unpriced && c.atVolume[i].margin < 0n).length,
    })),
    distribution: pcts.length
      ? { min: pcts[0], p10: rank(pcts, 0.1), p50: rank(pcts, 0.5), p90: rank(pcts, 0.9), max: pcts[pcts.length - 1] }
      : undefined,
    noContract: customers.filter((c) => !c.contract).map((c) => c.customer),
    noTraffic: customers.filter((c) => c.contract && c.requests === 0).map((c) => c.customer),
  };
}
