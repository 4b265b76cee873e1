/**
 * Point estimates, exact. For each feature the token cost of one request is linear in its token
 * counts: cost = a_in * inputTokens + a_out * outputTokens, where the coefficients (femto-USD per
 * token, exact fractions) fold in the traffic split (model / route), calls per request
 * (attempts per request, 1 / (1 - retryRate): the one meaning of src/core/retry.ts), cache shares, batch share and output factor, each priced at the Pricer's card.
 * Monthly cost = requests x cost per request; every product is exact and rounded to 1e-15 USD once.
 */
import { attemptsPerRequest } from '../core/retry.js';
import { chargeTerms } from './charges.js';
import type { Resolution } from '../pricing/catalog.js';
import { windowsNote, type Pricer, type RateCard } from '../pricing/cost.js';
import { meanOf, partsAt, pointOf, type Quantity } from './dist.js';
import { type Femto, add, cmp, div, mul, q, Q0, Q1, qInt, sub, sum, toFemto, usdToFemto, type Q } from '../pricing/money.js';
import type { FeatureSpec, WhatifSpec } from './schema.js';

export type Resolve = (model: string) => Resolution;

/** One model's slice of a feature's traffic. */
export interface Arm {
  model: string;
  /** Share of the feature's requests sent to this model. */
  share: Q;
  callsPerRequest: Q;
  outputFactor: Q;
  cached: Q;
  write: Q;
  batch: Q;
}

/** Femto-USD per token of each bucket, per request (traffic split and retries folded in). */
export interface Coeffs {
  input: Q;
  cacheRead: Q;
  cacheWrite: Q;
  output: Q;
}

export interface CardUse {
  card: RateCard;
  /** Weight of this card in the request: arm share x calls per request x service-tier share (x the share of calls in its long-context part). */
  weight: Q;
  /**
   * Weight of this card for the input-side buckets: the weight, with the share of the input tokens
   * (rather than of the calls) in its long-context part: calls above a threshold are fewer than
   * their share of the tokens.
   */
  inputWeight: Q;
  arm: Arm;
  /** How the card's share was taken (the week's hours inside time-of-day prices). */
  note?: string;
}

/** A part of a feature's calls priced at one long-context tier: a representative prompt, its share of the calls and of the input tokens. */
interface InputPart {
  tokens: number;
  calls: Q;
  input: Q;
}

/** A float share as an exact fraction, to 15 significant digits. */
const shareQ = (x: number): Q => q(Number(x.toPrecision(15)));

/**
 * The parts of the calls an arm prices at different long-context tiers. A per-call distribution of
 * input tokens whose range crosses a tier's threshold (a p90 above 200K while the mean is below)
 * has its tail priced at the tier's price, never the whole at the mean's tier: each part's share of
 * the calls and of the input tokens comes from the distribution (floating point, 15 digits); the
 * input tokens a call still total the point estimate. Otherwise one part: the point estimate.
 */
function inputParts(pricer: Pricer, res: Resolution, arm: Arm, inputTokens: number, input: Quantity | undefined): InputPart[] {
  const one = [{ tokens: inputTokens, calls: Q1, input: Q1 }];
  if (!input || input.kind === 'fixed') return one;
  const uncached = sub(sub(Q1, arm.cached), arm.write);
  const thresholds = [
    ...new Set(
      pricer
        .longContextTiersAt(res)
        .filter((t) => t.counts === 'prompt' || uncached.num > 0n)
        .map((t) => (t.counts === 'prompt' ? t.threshold : t.threshold / (Number(uncached.num) / Number(uncached.den)))),
    ),
  ].sort((a, b) => a - b);
  if (thresholds.length === 0) return one;
  const parts = partsAt(input, thresholds);
  const total = parts.reduce((x, part) => x + part.e, 0);
  const live = parts.filter((part) => part.p > 0 && part.e > 0);
  if (live.length < 2 || total <= 0) return one;
  // the first part takes what the others leave, so the shares add up to exactly 1
  const rest = live.slice(1).map((part) => ({ tokens: Math.round(part.e / part.p), calls: shareQ(part.p), input: shareQ(part.e / total) }));
  const first = {
    tokens: Math.round(live[0].e / live[0].p),
    calls: sub(Q1, sum(rest.map((r) => r.calls))),
    input: sub(Q1, sum(rest.map((r) => r.input))),
  };
  return [first, ...rest];
}

/**
 * The rate cards one request's calls are priced at (long-context tiers decided on these token
 * counts; with `input`, the per-call distribution of input tokens, its parts across a tier's
 * threshold each at its tier).
 */
export function planCards(
  pricer: Pricer,
  resolve: Resolve,
  arms: Arm[],
  inputTokens: number,
  outputTokens: number,
  input?: Quantity,
): CardUse[] {
  const uses: CardUse[] = [];
  for (const arm of arms) {
    if (arm.share.num === 0n) continue;
    const frac = (x: Q) => Number(x.num) / Number(x.den);
    const uncached = 1 - frac(arm.cached) - frac(arm.write);
    const base = mul(arm.share, arm.callsPerRequest);
    const res = resolve(arm.model);
    for (const part of inputParts(pricer, res, arm, inputTokens, input)) {
      const buckets = {
        inputTokens: Math.round(part.tokens * uncached),
        cacheReadTokens: Math.round(part.tokens * frac(arm.cached)),
        cacheWrite5mTokens: Math.round(part.tokens * frac(arm.write)),
        cacheWrite1hTokens: 0,
        outputTokens: Math.round(outputTokens * frac(arm.outputFactor)),
      };
      // requests have no time of day: where prices change by the hour, the week's share inside the windows pays theirs
      // (as estimate and check price a call), never the hour the command runs
      const priced = (tier: 'standard' | 'batch', weight: Q) => {
        const w = (share: Q) => ({ weight: mul(mul(weight, share), part.calls), inputWeight: mul(mul(weight, share), part.input) });
        const { outside, inside } = pricer.cardsOverTheWeek(res, buckets, tier);
        if (!inside) return void uses.push({ card: outside, ...w(Q1), arm });
        uses.push({ card: outside, ...w(sub(Q1, inside.weekShare)), arm });
        uses.push({ card: inside.card, ...w(inside.weekShare), arm, note: windowsNote(outside.adjustments, inside) });
      };
      if (cmp(arm.batch, Q1) < 0) priced('standard', mul(base, sub(Q1, arm.batch)));
      if (arm.batch.num > 0n) priced('batch', mul(base, arm.batch));
    }
  }
  return uses;
}

export function coeffsOf(uses: CardUse[]): Coeffs {
  let c: Coeffs = { input: Q0, cacheRead: Q0, cacheWrite: Q0, output: Q0 };
  for (const { card, weight, inputWeight, arm } of uses) {
    const p = card.prices;
    const uncached = sub(sub(Q1, arm.cached), arm.write);
    c = {
      input: add(c.input, mul(mul(inputWeight, uncached), qInt(p.input))),
      cacheRead: add(c.cacheRead, mul(mul(inputWeight, arm.cached), qInt(p.cacheRead))),
      cacheWrite: add(c.cacheWrite, mul(mul(inputWeight, arm.write), qInt(p.cacheWrite5m))),
      output: add(c.output, mul(mul(weight, arm.outputFactor), qInt(p.output))),
    };
  }
  return c;
}

/** Token cost of one request (femto fraction) for given token counts. */
export function requestTokenCost(c: Coeffs, inputTokens: Q, outputTokens: Q): Q {
  return add(mul(add(add(c.input, c.cacheRead), c.cacheWrite), inputTokens), mul(c.output, outputTokens));
}

/**
 * Attempts per request, exactly: 1 / (1 - retryRate), as `attemptsPerRequest` in core/retry.ts defines
 * it (each attempt fails independently with probability retryRate and is sent again). That function
 * also range-checks the rate; the fraction keeps the money exact (1 / 0.85 is not a finite decimal).
 */
export function attemptsOf(retryRate: number): Q {
  attemptsPerRequest(retryRate);
  return div(Q1, sub(Q1, q(retryRate)));
}

/** The feature's current traffic: its model, and a route share to another model. */
export function currentArms(f: FeatureSpec): Arm[] {
  const common = { cached: q(f.cachedInputShare), write: q(f.cacheWriteShare), batch: q(f.batchShare) };
  const routeShare = f.route ? q(f.route.share) : Q0;
  const arms: Arm[] = [
    { model: f.model, share: sub(Q1, routeShare), callsPerRequest: attemptsOf(f.retryRate), outputFactor: Q1, ...common },
  ];
  if (f.route)
    arms.push({
      model: f.route.model,
      share: routeShare,
      callsPerRequest: attemptsOf(f.route.retryRate),
      outputFactor: q(f.route.outputFactor),
      ...common,
    });
  return arms;
}

/** Floor candidates: all traffic on one model, cache and batch shares at their stated maxima. */
export function floorOptions(f: FeatureSpec): Array<{ via: string; arm: Arm }> {
  const shares = {
    cached: q(f.maxCachedInputShare ?? f.cachedInputShare),
    write: q(f.cacheWriteShare),
    batch: q(f.maxBatchShare ?? f.batchShare),
  };
  const own = (model: string, via: string) => ({
    via,
    arm: { model, share: Q1, callsPerRequest: attemptsOf(f.retryRate), outputFactor: Q1, ...shares },
  });
  const opts = [own(f.model, 'model')];
  if (f.floorModel) opts.push(own(f.floorModel, 'floorModel'));
  if (f.route)
    opts.push({
      via: 'route',
      arm: {
        model: f.route.model,
        share: Q1,
        callsPerRequest: attemptsOf(f.route.retryRate),
        outputFactor: q(f.route.outputFactor),
        ...shares,
      },
    });
  return opts;
}

/**
 * Requests a month. A per-user distribution enters as users x its mean, rounded to whole requests
 * a month (never the mean per user rounded first: 0.4 a user is 400 requests from 1,000 users, not 0).
 */
export function requestsOf(f: FeatureSpec): Q {
  if (f.requests.kind === 'total') return q(pointOf(f.requests.perMonth));
  const perUser = f.requests.perUser;
  if (perUser.kind === 'fixed') return mul(q(f.requests.users), q(perUser.value));
  return q(Math.round(f.requests.users * meanOf(perUser)));
}

export interface FeatureResult {
  name: string;
  spec: FeatureSpec;
  requests: Q;
  /** Model calls per month including retries. */
  calls: Q;
  inputTokens: Q;
  outputTokens: Q;
  /** Exact per-bucket token cost per month. */
  components: { input: Femto; cacheRead: Femto; cacheWrite: Femto; output: Femto };
  tokenCostPerRequest: Femto;
  /** Non-token cost per request: the stated one plus the per-call charges. */
  nonTokenPerRequest: Femto;
  /** The per-call charges part of it. */
  chargesPerRequest: Femto;
  costPerRequest: Femto;
  costPerSuccess: Femto;
  monthlyTokenCost: Femto;
  monthlyNonTokenCost: Femto;
  monthlyCost: Femto;
  floorPerRequest: Femto;
  floorModel: string;
  floorVia: string;
  warnings: string[];
}

function evaluateFeature(f: FeatureSpec, pricer: Pricer, resolve: Resolve): FeatureResult {
  const requests = requestsOf(f);
  const inTok = pointOf(f.inputTokens);
  const outTok = pointOf(f.outputTokens);
  const arms = currentArms(f);
  const uses = planCards(pricer, resolve, arms, inTok, outTok, f.inputTokens);
  const c = coeffsOf(uses);
  const [I, O] = [q(inTok), q(outTok)];
  const perRequest = requestTokenCost(c, I, O);
  // per-call charges (web searches, ...) at the cards' prices count with the non-token cost
  const charges = sum(chargeTerms(f.name, f.chargesPerRequest, uses));
  const nonToken = add(usdToFemto(q(f.nonTokenCostPerRequestUsd)), charges);
  const monthly = (coef: Q, tokens: Q) => toFemto(mul(mul(coef, tokens), requests));
  const components = {
    input: monthly(c.input, I),
    cacheRead: monthly(c.cacheRead, I),
    cacheWrite: monthly(c.cacheWrite, I),
    output: monthly(c.output, O),
  };
  // the month is rounded once from the exact sum (the parts are rounded on their own, for display)
  const monthlyTokenCost = toFemto(mul(perRequest, requests));
  const floors = floorOptions(f).map((o) => ({
    ...o,
    cost: toFemto(requestTokenCost(coeffsOf(planCards(pricer, resolve, [o.arm], inTok, outTok, f.inputTokens)), I, O)),
  }));
  const floor = floors.reduce((best, x) => (x.cost < best.cost ? x : best));
  const costPerRequestQ = add(perRequest, nonToken);
  return {
    name: f.name,
    spec: f,
    requests,
    inputTokens: I,
    outputTokens: O,
    calls: sum(arms.map((a) => mul(mul(requests, a.share), a.callsPerRequest))),
    components,
    tokenCostPerRequest: toFemto(perRequest),
    nonTokenPerRequest: toFemto(nonToken),
    chargesPerRequest: toFemto(charges),
    costPerRequest: toFemto(costPerRequestQ),
    costPerSuccess: toFemto(div(costPerRequestQ, q(f.successRate))),
    monthlyTokenCost,
    monthlyNonTokenCost: toFemto(mul(nonToken, requests)),
    monthlyCost: monthlyTokenCost + toFemto(mul(nonToken, requests)),
    floorPerRequest: floor.cost,
    floorModel: floor.arm.model,
    floorVia: floor.via,
    warnings: [...new Set(uses.flatMap((u) => [...u.card.warnings, ...(u.note ? [`${u.arm.model}: ${u.note}`] : [])]))],
  };
}

export interface Totals {
  requests: Q;
  tokenCost: Femto;
  nonTokenCost: Femto;
  cost: Femto;
  revenue: Femto;
  margin: Femto;
  /** Revenue per request: per-request price, or seat revenue over all requests (a product average, never a feature's verdict: see verdict.ts). */
  revenuePerRequest?: Femto;
  costPerUser?: Femto;
}

export interface Evaluation {
  spec: WhatifSpec;
  features: FeatureResult[];
  totals: Totals;
}

export function revenueOf(spec: WhatifSpec, requests: Q): Q {
  const pp = spec.pricePoint;
  return pp.kind === 'seat' ? mul(usdToFemto(q(pp.perSeatUsd)), q(pp.seats)) : mul(usdToFemto(q(pp.perRequestUsd)), requests);
}

export function evaluate(spec: WhatifSpec, pricer: Pricer, resolve: Resolve): Evaluation {
  const features = spec.features.map((f) => evaluateFeature(f, pricer, resolve));
  const requests = sum(features.map((f) => f.requests));
  const tokenCost = features.reduce((s, f) => s + f.monthlyTokenCost, 0n);
  const nonTokenCost = features.reduce((s, f) => s + f.monthlyNonTokenCost, 0n);
  const cost = tokenCost + nonTokenCost;
  const revenueQ = revenueOf(spec, requests);
  const revenue = toFemto(revenueQ);
  const revenuePerRequest =
    spec.pricePoint.kind === 'request'
      ? toFemto(usdToFemto(q(spec.pricePoint.perRequestUsd)))
      : requests.num === 0n
        ? undefined
        : toFemto(div(revenueQ, requests));
  const costPerUser = spec.users ? toFemto(div(qInt(cost), q(spec.users))) : undefined;
  return {
    spec,
    features,
    totals: { requests, tokenCost, nonTokenCost, cost, revenue, margin: revenue - cost, revenuePerRequest, costPerUser },
  };
}
