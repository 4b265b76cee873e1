/** Everything the what-if report shows, computed from a loaded document (pure). */
import type { Pricer } from '../pricing/cost.js';
import { type Femto, div, mul, q, qInt, toFemto, type Q } from '../pricing/money.js';
import { evaluate, type Evaluation, type Resolve } from './evaluate.js';
import { hasDistributions, monteCarlo, type Bands } from './montecarlo.js';
import { sensitivityOf, unaffected, type SensitivityRow } from './sensitivity.js';
import type { WhatifSpec } from './schema.js';
import { featureVerdicts, type FeatureVerdict } from './verdict.js';
import { breakEvens, type BreakEvenRow } from './breakeven.js';

export interface VolumeRow {
  multiplier: number;
  cost: Femto;
  revenue: Femto;
  margin: Femto;
}

export interface WhatifOptions {
  seed: number;
  samples: number;
  volumes: number[];
  /** Sensitivity step, percent. */
  stepPercent: number;
  /** Target gross margin, percent (0..99): what a feature is judged against and the fixes restore. */
  targetMarginPct: number;
}

export const DEFAULT_OPTIONS: WhatifOptions = { seed: 1, samples: 2000, volumes: [1, 3, 10], stepPercent: 20, targetMarginPct: 75 };

export interface WhatifResult {
  evaluation: Evaluation;
  volume: VolumeRow[];
  sensitivity: SensitivityRow[];
  /** Numeric assumptions with no effect on cost or margin (e.g. successRate). */
  unaffected: string[];
  bands?: Bands;
  /** Each feature judged per seat (or per request) against what the plan charges, with its fixes. */
  verdicts: FeatureVerdict[];
  /** Output length, cache hit rate, usage per seat and provider prices: margin change and break-even. */
  breakEvens: BreakEvenRow[];
  options: WhatifOptions;
}

/**
 * Volume is linear: requests and seats scale by the multiplier and every per-request cost stays
 * as modelled (no volume discounts or cache-hit changes unless the file says so).
 */
export function volumeTable(e: Evaluation, multipliers: number[]): VolumeRow[] {
  return multipliers.map((m) => {
    const times = (x: Femto) => toFemto(mul(qInt(x), q(m)));
    const cost = times(e.totals.cost);
    const revenue = times(e.totals.revenue);
    return { multiplier: m, cost, revenue, margin: revenue - cost };
  });
}

/** The target gross margin as an exact fraction (75 -> 3/4). */
export const targetOf = (o: WhatifOptions): Q => div(q(o.targetMarginPct), qInt(100));

export function computeWhatif(
  doc: unknown,
  spec: WhatifSpec,
  pricer: Pricer,
  resolve: Resolve,
  options: WhatifOptions = DEFAULT_OPTIONS,
): WhatifResult {
  const evaluation = evaluate(spec, pricer, resolve);
  const { rows, unmoved } = sensitivityOf(doc, evaluation, pricer, resolve, options.stepPercent);
  return {
    evaluation,
    volume: volumeTable(evaluation, options.volumes),
    sensitivity: rows,
    unaffected: unaffected(doc, rows, unmoved),
    bands: hasDistributions(spec) ? monteCarlo(spec, pricer, resolve, options.seed, options.samples) : undefined,
    verdicts: featureVerdicts(evaluation, targetOf(options)),
    breakEvens: breakEvens(spec, evaluation, pricer, resolve, targetOf(options), options.stepPercent),
    options,
  };
}
