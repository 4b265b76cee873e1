/**
 * How a feature is judged, and what would fix it. A feature is judged by what it costs per paying
 * unit against what the plan charges for that unit: per seat per month under seat pricing, per
 * request under per-request pricing. It is never judged by "seat revenue spread over all
 * requests", because then one feature's growth would flip another to negative although nothing
 * about it changed.
 *
 *   under water   the feature alone costs more per seat (request) than the plan charges for it
 *   below target  it alone leaves less than the target gross margin of the charge
 *   ok            otherwise
 *
 * The fixes are stated for the target margin t:
 *   price per use   cost per request / (1 - t): what a use must earn as a per-use price (an add-on)
 *   usage cap       seat pricing only: the most uses per seat per month that keep the product's
 *                   gross margin at t, the other features as modelled
 * both at the current mix and at the token floor (cheapest model/caching/batch mix the file allows,
 * plus the same non-token cost). All exact; caps are whole uses, rounded down.
 */
import type { Evaluation, FeatureResult } from './evaluate.js';
import { type Femto, cmp, div, mul, q, qInt, Q0, Q1, sub, toFemto, usdToFemto, type Q } from '../pricing/money.js';

export type Status = 'ok' | 'below target' | 'under water';

export interface Fix {
  /** Cost of one request at this mix (tokens + non-token). */
  costPerRequest: Femto;
  /** Price per use that earns the target margin on it. */
  pricePerUse: Femto;
  /** Seat pricing: most uses per seat per month for the target product margin (0: none fits; undefined: free or not seat-priced). */
  usesPerSeatCap?: bigint;
  /** Why the cap is 0: the seat price is $0, the other features alone take the margin's cost budget, or one use per seat already does. */
  noCapReason?: NoCapReason;
}

export type NoCapReason = 'seat price $0' | 'other features' | 'one use';

export interface FeatureVerdict {
  name: string;
  unit: 'seat' | 'request';
  /** Feature cost per paying unit: per seat per month, or per request. */
  costPerUnit: Femto;
  /** What the plan charges per unit. */
  chargePerUnit: Femto;
  /** costPerUnit / chargePerUnit (undefined when the charge is 0). */
  shareOfCharge?: number;
  status: Status;
  /** The same judgement at the token floor. */
  floorCostPerUnit: Femto;
  floorStatus: Status;
  /** Uses per seat per month as modelled (seat pricing). */
  usesPerSeat?: Q;
  now: Fix;
  atFloor: Fix;
}

/** A fraction for display (percentages), to 1e-9. */
const asFraction = (x: Q): number => Number((x.num * 1_000_000_000n) / x.den) / 1e9;

function statusOf(cost: Q, charge: Q, target: Q): Status {
  if (cmp(cost, charge) > 0) return 'under water';
  return cmp(cost, mul(charge, sub(Q1, target))) > 0 ? 'below target' : 'ok';
}

/** Largest whole n >= 0 with n * unit <= budget (undefined when a use costs nothing). */
function capOf(budget: Q, unit: Q): bigint | undefined {
  if (unit.num === 0n) return undefined;
  if (budget.num <= 0n) return 0n;
  const x = div(budget, unit);
  return x.num / x.den;
}

export function featureVerdicts(e: Evaluation, targetMargin: Q): FeatureVerdict[] {
  const pp = e.spec.pricePoint;
  const keep = sub(Q1, targetMargin);
  const priceFor = (cost: Q) => toFemto(div(cost, keep)); // target margin < 1 (checked by the CLI)
  const totalCost = qInt(e.totals.cost);
  return e.features.map((f: FeatureResult) => {
    const perRequest = qInt(f.costPerRequest);
    const floorPerRequest = qInt(f.floorPerRequest + f.nonTokenPerRequest);
    if (pp.kind === 'request') {
      const charge = usdToFemto(q(pp.perRequestUsd));
      return {
        name: f.name,
        unit: 'request',
        costPerUnit: f.costPerRequest,
        chargePerUnit: toFemto(charge),
        shareOfCharge: charge.num === 0n ? undefined : asFraction(div(perRequest, charge)),
        status: statusOf(perRequest, charge, targetMargin),
        floorCostPerUnit: toFemto(floorPerRequest),
        floorStatus: statusOf(floorPerRequest, charge, targetMargin),
        now: { costPerRequest: f.costPerRequest, pricePerUse: priceFor(perRequest) },
        atFloor: { costPerRequest: toFemto(floorPerRequest), pricePerUse: priceFor(floorPerRequest) },
      };
    }
    const seats = q(pp.seats);
    const charge = usdToFemto(q(pp.perSeatUsd));
    const usesPerSeat = seats.num === 0n ? Q0 : div(f.requests, seats);
    const perSeat = mul(usesPerSeat, perRequest);
    const floorPerSeat = mul(usesPerSeat, floorPerRequest);
    // product margin t: others + n x seats x cost <= revenue x (1 - t)  =>  n <= (revenue (1 - t) - others) / (seats x cost)
    const others = sub(totalCost, qInt(f.monthlyCost));
    const budget = sub(mul(qInt(e.totals.revenue), keep), others);
    const cap = (cost: Q): Pick<Fix, 'usesPerSeatCap' | 'noCapReason'> => {
      const usesPerSeatCap = seats.num === 0n ? undefined : capOf(budget, mul(seats, cost));
      if (usesPerSeatCap !== 0n) return { usesPerSeatCap };
      const noCapReason = charge.num === 0n ? 'seat price $0' : budget.num <= 0n ? 'other features' : 'one use';
      return { usesPerSeatCap, noCapReason };
    };
    return {
      name: f.name,
      unit: 'seat',
      costPerUnit: toFemto(perSeat),
      chargePerUnit: toFemto(charge),
      shareOfCharge: charge.num === 0n ? undefined : asFraction(div(perSeat, charge)),
      status: statusOf(perSeat, charge, targetMargin),
      floorCostPerUnit: toFemto(floorPerSeat),
      floorStatus: statusOf(floorPerSeat, charge, targetMargin),
      usesPerSeat,
      now: { costPerRequest: f.costPerRequest, pricePerUse: priceFor(perRequest), ...cap(perRequest) },
      atFloor: { costPerRequest: toFemto(floorPerRequest), pricePerUse: priceFor(floorPerRequest), ...cap(floorPerRequest) },
    };
  });
}
