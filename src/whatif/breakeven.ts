/**
 * The sensitivities a CFO asks about, each with its break-even: output length, cache hit rate,
 * usage per seat, and each provider's prices. Within the range of each lever the month's cost is
 * affine in it (cost = fixed + slope x lever, lever 1 = today), because token cost is linear in
 * output tokens, in the cached share of input, in requests, and in a provider's (or a model's) prices. So the
 * change at -/+ step and the value at which gross margin falls to the target are exact:
 *
 *   lever* = (revenue x (1 - target) - fixed) / slope
 *
 * Long-context tiers are decided on today's token counts (a longer answer is not re-tiered).
 */
import type { Pricer } from '../pricing/cost.js';
import { coeffsOf, currentArms, evaluate, planCards, requestsOf, requestTokenCost, type Evaluation, type Resolve } from './evaluate.js';
import { pointOf } from './dist.js';
import { type Femto, add, cmp, div, mul, q, qInt, Q0, Q1, sub, toFemto, type Q } from '../pricing/money.js';
import type { WhatifSpec } from './schema.js';

export interface BreakEvenRow {
  /** Stable id for JSON: outputTokens, cachedInputShare, usagePerSeat, price:PROVIDER. */
  id: string;
  /** The lever in words. */
  label: string;
  /** Margin change at lever 1 - step and 1 + step. */
  marginDeltaLow: Femto;
  marginDeltaHigh: Femto;
  /** Lever value (1 = today) at which gross margin equals the target; undefined: never (no slope, or no revenue). */
  breakEven?: Q;
  /** Highest meaningful lever value (cache hit rates cannot pass 1 - write share). */
  maxLever?: Q;
}

interface Affine {
  fixed: Q;
  slope: Q;
}

function row(id: string, label: string, f: Affine, e: Evaluation, target: Q, step: Q, maxLever?: Q): BreakEvenRow {
  const cost = (x: Q) => add(f.fixed, mul(f.slope, x));
  const base = cost(Q1);
  const delta = (x: Q) => toFemto(sub(base, cost(x)));
  const budget = mul(qInt(e.totals.revenue), sub(Q1, target));
  const breakEven = f.slope.num === 0n || e.totals.revenue === 0n ? undefined : div(sub(budget, f.fixed), f.slope);
  return { id, label, marginDeltaLow: delta(sub(Q1, step)), marginDeltaHigh: delta(add(Q1, step)), breakEven, maxLever };
}

/** Token cost of a month per provider and per model (exact fractions). */
function costByPriceOwner(
  spec: WhatifSpec,
  pricer: Pricer,
  resolve: Resolve,
): { providers: Map<string, Q>; models: Map<string, { provider: string; cost: Q }> } {
  const providers = new Map<string, Q>();
  const models = new Map<string, { provider: string; cost: Q }>();
  for (const f of spec.features) {
    const requests = requestsOf(f);
    const [inTok, outTok] = [pointOf(f.inputTokens), pointOf(f.outputTokens)];
    for (const arm of currentArms(f)) {
      const c = mul(
        requestTokenCost(coeffsOf(planCards(pricer, resolve, [arm], inTok, outTok, f.inputTokens)), q(inTok), q(outTok)),
        requests,
      );
      const { provider, id } = resolve(arm.model).entry;
      providers.set(provider, add(providers.get(provider) ?? Q0, c));
      models.set(id, { provider, cost: add(models.get(id)?.cost ?? Q0, c) });
    }
  }
  return { providers, models };
}

export function breakEvens(
  spec: WhatifSpec,
  e: Evaluation,
  pricer: Pricer,
  resolve: Resolve,
  targetMargin: Q,
  stepPercent: number,
): BreakEvenRow[] {
  const step = div(qInt(stepPercent), qInt(100));
  const cost = qInt(e.totals.cost);
  const rows: BreakEvenRow[] = [];
  const output = e.features.reduce((s, f) => s + f.components.output, 0n);
  rows.push(
    row('outputTokens', 'output length (all features)', { fixed: sub(cost, qInt(output)), slope: qInt(output) }, e, targetMargin, step),
  );
  // cache hit rates scaled together: evaluate at 0 and at today's rates (affine in between and beyond, up to the cap)
  const cached = spec.features.some((f) => f.cachedInputShare > 0);
  if (cached) {
    const none = evaluate({ ...spec, features: spec.features.map((f) => ({ ...f, cachedInputShare: 0 })) }, pricer, resolve).totals.cost;
    const cap = spec.features
      .filter((f) => f.cachedInputShare > 0)
      .map((f) => div(sub(Q1, q(f.cacheWriteShare)), q(f.cachedInputShare)))
      .reduce((a, b) => (cmp(a, b) < 0 ? a : b));
    rows.push(
      row(
        'cachedInputShare',
        'cache hit rate (all features)',
        { fixed: qInt(none), slope: sub(cost, qInt(none)) },
        e,
        targetMargin,
        step,
        cap,
      ),
    );
  }
  if (spec.pricePoint.kind === 'seat')
    rows.push(row('usagePerSeat', 'usage per seat (requests, seats fixed)', { fixed: Q0, slope: cost }, e, targetMargin, step));
  const owners = costByPriceOwner(spec, pricer, resolve);
  const modelList = [...owners.models].sort((a, b) => cmp(b[1].cost, a[1].cost));
  for (const [provider, c] of [...owners.providers].sort((a, b) => cmp(b[1], a[1]))) {
    rows.push(row(`price:${provider}`, `${provider} prices`, { fixed: sub(cost, c), slope: c }, e, targetMargin, step));
    // a provider with several models in use: each model's price on its own as well
    const own = modelList.filter(([, m]) => m.provider === provider);
    if (own.length > 1)
      for (const [id, m] of own)
        rows.push(row(`price:model:${id}`, `${id} price`, { fixed: sub(cost, m.cost), slope: m.cost }, e, targetMargin, step));
  }
  return rows;
}
