/**
 * Pricing a simulated state exactly: each request's buckets at its rate card (the Pricer decides
 * the period, long-context tier and service tier), times its weight and retry factor as exact
 * decimal ratios, plus per-call charges and non-token costs. Unit economics (per request, conversation, customer,
 * successful outcome) come from the same pass.
 */
import { chargeCostsOf } from '../pricing/cost.js';
import { componentsOf, totalOf, type Pricer, type RateCard } from '../pricing/cost.js';
import { scaleFemto, type Femto } from '../pricing/money.js';
import { eachCacheState, type SimRequest } from './types.js';

export function cardOf(pricer: Pricer, r: SimRequest): RateCard | undefined {
  const res = pricer.resolve(r.model);
  if (!res) return undefined;
  // requests and tags decide the long-context tier of an aggregated record exactly as the report
  // does (on the average prompt per request, or the usage report's context_window bucket)
  const t = {
    inputTokens: r.inputTokens,
    cacheReadTokens: r.cacheReadTokens,
    cacheWrite5mTokens: r.cacheWrite5mTokens,
    cacheWrite1hTokens: r.cacheWrite1hTokens,
    outputTokens: r.outputTokens,
    timeMs: r.timeMs,
    requests: r.record.requests,
    tags: r.record.tags,
    fast: r.record.fast,
    regional: r.record.regional,
  };
  return pricer.pricedCardForEntry(res, t, r.serviceTier);
}

/** Exact cost of one request (femto-USD), or undefined when its model is not in the catalog. */
export function requestCost(pricer: Pricer, r: SimRequest, card = cardOf(pricer, r)): Femto | undefined {
  // a call answered from a cache saves what the call would have cost: unknown on an unpriced model,
  // so the request stays unpriced (never a saving counted against $0)
  if (r.dropped) return pricer.resolve(r.model) ? scaleFemto(r.extraFemto * BigInt(Math.max(1, r.record.requests)), r.weight) : undefined;
  if (!card) return undefined;
  // per-call charges (web searches, grounding, ...) of the logged request, at the card's model: a
  // routed request pays its new model's charge prices; a call a lever added carries none
  const charges = r.origin === 'added' ? undefined : chargeCostsOf(r.record.charges, r.record.requests, card);
  if (charges && Object.keys(charges.unpriced).length > 0) return undefined; // a charge without a price: unpriced, never $0
  const tokens = totalOf(componentsOf(r, card.prices)) + (charges?.total ?? 0n);
  const retries = r.retryFactor > 1 ? scaleFemto(retryAttemptCost(r, card), r.retryFactor - 1) : 0n;
  return scaleFemto(tokens + retries + r.extraFemto * BigInt(Math.max(1, r.record.requests)), r.weight);
}

/**
 * What the provider bills for one retry of a request: its input and output again, but the prefix
 * the first attempt wrote to the cache (seconds earlier, well within any TTL) is read, not written
 * twice. Non-token costs (lookups) are not repeated: the retry is a model call, not a new query.
 */
export function retryAttemptCost(r: SimRequest, card: RateCard): Femto {
  return totalOf(componentsOf(retryAttempt(r, card.entry.cache?.increment), card.prices));
}

/**
 * The buckets of one retry (see retryAttemptCost). On a model that reads in `increment`-token
 * steps (catalog `cache.increment`, OpenAI before GPT-5.6: 128) the retry reads the cached prefix
 * rounded down to a whole number of steps and writes the rest again, as a first attempt's read is
 * rounded (readInIncrements in levers/cache-rules.ts): a retry is a request like any other. Each
 * cache state of a volume projection is rounded on its own; an aggregated record on its mean.
 */
export function retryAttempt(r: SimRequest, increment: number | undefined): SimRequest {
  return eachCacheState(r, (x) => retryState(x, increment));
}

function retryState(r: SimRequest, increment: number | undefined): SimRequest {
  const written = r.cacheWrite5mTokens + r.cacheWrite1hTokens;
  if (written === 0) return r;
  const prefix = r.cacheReadTokens + written;
  const n = Math.max(1, r.record.requests);
  const read = increment ? Math.floor(prefix / n / increment) * increment * n : prefix;
  const rest = prefix - read;
  return r.cacheWrite1hTokens > 0
    ? { ...r, cacheReadTokens: read, cacheWrite5mTokens: 0, cacheWrite1hTokens: rest }
    : { ...r, cacheReadTokens: read, cacheWrite5mTokens: rest, cacheWrite1hTokens: 0 };
}

export interface StatePrice {
  total: Femto;
  /** Per request, aligned with the state's list; undefined = unpriced. */
  costs: Array<Femto | undefined>;
  unpricedRequests: number;
  unpricedModels: string[];
  /** Requests priced in a long-context tier (a cliff). */
  longContextRequests: number;
  /** Demand served (logged and replicated requests, incl. cache hits), weighted. */
  requestsServed: number;
  /** The part of `requestsServed` that could be priced: the denominator of cost per request. */
  pricedRequestsServed: number;
  /** Model calls made (not dropped), incl. added calls and expected retries. */
  modelCalls: number;
  /** Expected successful outcomes among priced requests with a known outcome. */
  successes: number;
  /** Cost of the priced requests with a known outcome (incl. calls added for them): the numerator of cost per success. */
  knownOutcomeTotal: Femto;
  /** Conversations and customers with at least one priced request. */
  conversations: number;
  customers: number;
  users: number;
  /** Cost of the calls that belong to a conversation / carry a customer or user (the numerators of "per X"). */
  conversationTotal: Femto;
  customerTotal: Femto;
  userTotal: Femto;
  tokens: { input: number; cacheRead: number; cacheWrite: number; output: number };
}

export function priceState(pricer: Pricer, requests: readonly SimRequest[]): StatePrice {
  const costs: Array<Femto | undefined> = new Array(requests.length);
  const unpriced = new Set<string>();
  const convs = new Map<string, number>();
  const customers = new Set<string>();
  const users = new Set<string>();
  const out: StatePrice = {
    total: 0n,
    costs,
    unpricedRequests: 0,
    unpricedModels: [],
    longContextRequests: 0,
    requestsServed: 0,
    pricedRequestsServed: 0,
    modelCalls: 0,
    successes: 0,
    knownOutcomeTotal: 0n,
    conversations: 0,
    customers: 0,
    users: 0,
    conversationTotal: 0n,
    customerTotal: 0n,
    userTotal: 0n,
    tokens: { input: 0, cacheRead: 0, cacheWrite: 0, output: 0 },
  };
  for (let i = 0; i < requests.length; i++) {
    const r = requests[i];
    const card = r.dropped ? undefined : cardOf(pricer, r);
    const cost = requestCost(pricer, r, card);
    costs[i] = cost;
    const n = Math.max(1, r.record.requests) * r.weight;
    if (cost === undefined) {
      out.unpricedRequests += n;
      unpriced.add(r.model);
    } else {
      out.total += cost;
      if (r.conversation !== undefined) out.conversationTotal += cost;
      if (r.record.tags.customer !== undefined) out.customerTotal += cost;
      if (r.record.tags.user !== undefined) out.userTotal += cost;
      if (r.outcomeKnown) out.knownOutcomeTotal += cost;
    }
    if (card?.tier) out.longContextRequests += n;
    if (r.origin !== 'added') {
      out.requestsServed += n;
      // unit costs divide priced totals by priced demand only: an unpriced request is not a $0 one
      if (cost !== undefined) {
        out.pricedRequestsServed += n;
        if (r.outcomeKnown) out.successes += n * r.successes;
        if (r.conversation !== undefined) convs.set(`${r.conversation}#${r.replica}`, r.weight);
        if (r.record.tags.customer !== undefined) customers.add(r.record.tags.customer);
        if (r.record.tags.user !== undefined) users.add(r.record.tags.user);
      }
    }
    if (!r.dropped) {
      out.modelCalls += n * r.retryFactor;
      // the first attempt, then the retries: they read what the first attempt wrote (retryAttemptCost)
      const retries = r.weight * (r.retryFactor - 1);
      const again = retries > 0 ? retryAttempt(r, (card?.entry ?? pricer.resolve(r.model)?.entry)?.cache?.increment) : r;
      out.tokens.input += r.inputTokens * r.weight + again.inputTokens * retries;
      out.tokens.cacheRead += r.cacheReadTokens * r.weight + again.cacheReadTokens * retries;
      out.tokens.cacheWrite +=
        (r.cacheWrite5mTokens + r.cacheWrite1hTokens) * r.weight + (again.cacheWrite5mTokens + again.cacheWrite1hTokens) * retries;
      out.tokens.output += r.outputTokens * r.weight + again.outputTokens * retries;
    }
  }
  for (const w of convs.values()) out.conversations += w;
  out.customers = customers.size;
  out.users = users.size;
  out.unpricedModels = [...unpriced].sort();
  return out;
}

/** Exact per-group totals of a priced state. */
export function groupTotals(
  requests: readonly SimRequest[],
  costs: ReadonlyArray<Femto | undefined>,
  keyOf: (r: SimRequest) => string,
): Map<string, Femto> {
  const m = new Map<string, Femto>();
  for (let i = 0; i < requests.length; i++) {
    const c = costs[i];
    if (c === undefined) continue;
    const k = keyOf(requests[i]);
    m.set(k, (m.get(k) ?? 0n) + c);
  }
  return m;
}
