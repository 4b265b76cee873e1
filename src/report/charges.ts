/**
 * Charges beside tokens in the report: the typed data's `charges` (report/usage-json.ts) and
 * the warnings, each from the one definition table (usage/dimensions.ts). A counted charge whose
 * card has no price is unpriced (null, "unpriced"), never $0.
 */
import type { CostResult } from '../aggregate/accumulator.js';
import { CHARGE_DIMENSIONS, type ChargeKey } from '../usage/dimensions.js';
import type { Femto } from '../pricing/money.js';

export interface ChargeLine {
  key: ChargeKey;
  label: string;
  unit: string;
  /** Counted on priced records. */
  count: number;
  /** Cost of the priced part; null when none of it is priced. */
  costFemto: Femto | null;
  /** Of `count`, how many have no catalog price. */
  unpriced: number;
}

/** One line per charge counted on the priced records (a per-request fee only where one was charged). */
export function chargeLines(cost: CostResult): ChargeLine[] {
  const out: ChargeLine[] = [];
  const amounts = cost.components.charges ?? {};
  for (const d of CHARGE_DIMENSIONS) {
    const unpriced = cost.unpricedCharges[d.key] ?? 0;
    const count = (cost.chargedCounts[d.key] ?? 0) + unpriced;
    if (count <= 0) continue;
    out.push({ key: d.key, label: d.label, unit: d.unit, count, costFemto: amounts[d.key] ?? null, unpriced });
  }
  return out;
}

/**
 * Warning text for counted charges without a catalog price, or undefined when every one is priced. A
 * charge no catalog can price (usage/dimensions.ts: no price key) says why instead of asking for a price.
 */
export function unpricedChargesMessage(cost: CostResult): { message: string; count: number } | undefined {
  const priceable: string[] = [];
  const never: string[] = [];
  let count = 0;
  for (const d of CHARGE_DIMENSIONS) {
    const n = cost.unpricedCharges[d.key] ?? 0;
    if (n <= 0) continue;
    count += n;
    const part = `${n} ${d.unit} (${d.label.toLowerCase()})`;
    if (d.priceKey === null) never.push(`${part}: ${d.unpricedNote ?? 'not priced by any catalog'}`);
    else priceable.push(part);
  }
  if (count === 0) return undefined;
  const sentences = [
    ...(priceable.length
      ? [`${priceable.join(', ')} on models whose catalog entry has no price for them; add one under charges: with --prices FILE`]
      : []),
    ...never,
  ];
  return { count, message: `unpriced charges, excluded from costs (not $0): ${sentences.join('; ')}` };
}
