/**
 * `whatif`'s typed data (WhatifData): its `--format json` document (schemaVersion 1, stable key
 * order), amounts as exact Femto (written as USD by report/data.ts), built once from the computed
 * result. The report's tables, summary and notes are derived from this value alone (whatif/report.ts).
 */
import { SCHEMA_VERSION } from '../core/schema-version.js';
import type { FeatureResult, Totals } from './evaluate.js';
import { type Femto, div, fraction, mul, q, qInt, ratio, roundDiv, toFemto, toFloat } from '../pricing/money.js';
import type { Band } from './montecarlo.js';
import type { AssumptionRow } from './assumptions.js';
import type { WhatifResult } from './result.js';
import type { Fix, FeatureVerdict, NoCapReason, Status } from './verdict.js';

export interface WhatifFixData {
  costPerRequestUsd: Femto;
  pricePerUseUsd: Femto;
  /** Most uses per seat a month for the target margin (0: none fits); null: not seat-priced or free. */
  usesPerSeatCap: number | null;
  /** When the cap is 0, why: `seat price $0`, `other features` (they alone leave less than the target), `one use` (one use per seat already does). */
  noCapReason: NoCapReason | null;
}

export interface WhatifVerdictData {
  unit: 'seat' | 'request';
  costPerUnitUsd: Femto;
  chargePerUnitUsd: Femto;
  shareOfCharge: number | null;
  status: Status;
  targetMargin: number;
  usesPerSeat: number | null;
  floorCostPerUnitUsd: Femto;
  floorStatus: Status;
  now: WhatifFixData;
  atFloor: WhatifFixData;
}

export interface WhatifFeatureData {
  name: string;
  model: string;
  route: { share: number; model: string; retryRate: number; outputFactor: number } | null;
  requestsPerMonth: number;
  callsPerMonth: number;
  inputTokensPerCall: number;
  outputTokensPerCall: number;
  perRequest: { costUsd: Femto; tokenCostUsd: Femto; nonTokenCostUsd: Femto; chargesCostUsd: Femto; costPerSuccessUsd: Femto };
  monthly: {
    costUsd: Femto;
    tokenCostUsd: Femto;
    nonTokenCostUsd: Femto;
    components: { inputUsd: Femto; cacheReadUsd: Femto; cacheWriteUsd: Femto; outputUsd: Femto };
    shareOfCost: number | null;
  };
  costPerUserUsd: Femto | null;
  /**
   * The token floor: cost per request at the cheapest acceptable mix, that mix's cache and batch
   * shares, and the token cost a month moving to it saves (the last three: added keys).
   */
  floor: { perRequestUsd: Femto; model: string; via: string; cachedInputShare: number; batchShare: number; savingPerMonthUsd: Femto };
  /** negative: the feature alone costs more per seat (per request) than the plan charges for it. */
  unitEconomics: 'negative' | 'positive';
  verdict: WhatifVerdictData;
  warnings: string[];
}

export interface WhatifBandData {
  p10Usd: Femto;
  p50Usd: Femto;
  p90Usd: Femto;
}

export interface WhatifData {
  schemaVersion: number;
  command: 'whatif';
  file: string;
  product: {
    name: string;
    period: string;
    pricePoint: { perSeatUsd: number; seats: number } | { perRequestUsd: number };
    users: number | null;
  };
  pricesAt: string;
  totals: {
    requestsPerMonth: number;
    revenueUsd: Femto;
    tokenCostUsd: Femto;
    nonTokenCostUsd: Femto;
    costUsd: Femto;
    marginUsd: Femto;
    marginPct: number | null;
    costPerUserUsd: Femto | null;
    revenuePerRequestUsd: Femto | null;
    /** Cost over all requests (null: none); an added key. */
    costPerRequestUsd: Femto | null;
    /** Seat pricing: cost over the seats (null: not seat-priced, or no seats); an added key. */
    costPerSeatUsd: Femto | null;
  };
  features: WhatifFeatureData[];
  volume: Array<{ multiplier: number; costUsd: Femto; revenueUsd: Femto; marginUsd: Femto; marginPct: number | null }>;
  sensitivity: {
    stepPercent: number;
    rows: Array<{
      assumption: string;
      base: string;
      low: string;
      high: string;
      capped: boolean;
      costChangeLowUsd: Femto;
      costChangeHighUsd: Femto;
      marginChangeLowUsd: Femto;
      marginChangeHighUsd: Femto;
    }>;
    noEffect: string[];
  };
  levers: {
    targetMargin: number;
    stepPercent: number;
    rows: Array<{
      lever: string;
      label: string;
      marginChangeLowUsd: Femto;
      marginChangeHighUsd: Femto;
      breakEven: number | null;
      maxLever: number | null;
    }>;
  };
  /** Monte Carlo bands (monthly USD, to the micro-dollar). */
  bands: {
    seed: number;
    samples: number;
    total: WhatifBandData;
    margin: WhatifBandData;
    features: Array<{ name: string } & WhatifBandData>;
  } | null;
  overrides: string[];
  assumptions: AssumptionRow[];
  /** The what-if document as read (after --set). */
  document: unknown;
  /** The summary's bottom line, raw names (filled by whatif/report.ts from the rest of the data). */
  bottomLine: Array<{ label: string; text: string }>;
  /** The report's warnings, added in --format json by the CLI (cli/context.ts) when there are any. */
  warnings?: string[];
}

/** What the data records beside the result: the file, prices date, overrides and assumption rows. */
export interface WhatifDataContext {
  file: string;
  pricesAt: string;
  overrides: string[];
  assumptions: AssumptionRow[];
  doc: unknown;
}

/**
 * A Monte Carlo quantile (a double, USD) to the micro-dollar and to the 15 significant digits a
 * double holds: $5e18 is 5000000000000000000, not the float noise 5000000000000000452.984832.
 */
export const usdMicro = (x: number): Femto => {
  const r = ratio(Number(x.toPrecision(15)));
  return roundDiv(r.num * 1_000_000n, r.den) * 1_000_000_000n;
};
const bandData = (b: Band): WhatifBandData => ({ p10Usd: usdMicro(b.p10), p50Usd: usdMicro(b.p50), p90Usd: usdMicro(b.p90) });

const fixData = (x: Fix): WhatifFixData => ({
  costPerRequestUsd: x.costPerRequest,
  pricePerUseUsd: x.pricePerUse,
  usesPerSeatCap: x.usesPerSeatCap === undefined ? null : Number(x.usesPerSeatCap),
  noCapReason: x.noCapReason ?? null,
});

function verdictData(v: FeatureVerdict, targetMarginPct: number): WhatifVerdictData {
  return {
    unit: v.unit,
    costPerUnitUsd: v.costPerUnit,
    chargePerUnitUsd: v.chargePerUnit,
    shareOfCharge: v.shareOfCharge ?? null,
    status: v.status,
    targetMargin: targetMarginPct / 100,
    usesPerSeat: v.usesPerSeat ? toFloat(v.usesPerSeat) : null,
    floorCostPerUnitUsd: v.floorCostPerUnit,
    floorStatus: v.floorStatus,
    now: fixData(v.now),
    atFloor: fixData(v.atFloor),
  };
}

function featureData(
  f: FeatureResult,
  t: Totals,
  users: number | undefined,
  v: FeatureVerdict,
  targetMarginPct: number,
): WhatifFeatureData {
  const r = f.spec.route;
  return {
    name: f.name,
    model: f.spec.model,
    route: r ? { share: r.share, model: r.model, retryRate: r.retryRate, outputFactor: r.outputFactor } : null,
    requestsPerMonth: toFloat(f.requests),
    callsPerMonth: toFloat(f.calls),
    inputTokensPerCall: toFloat(f.inputTokens),
    outputTokensPerCall: toFloat(f.outputTokens),
    perRequest: {
      costUsd: f.costPerRequest,
      tokenCostUsd: f.tokenCostPerRequest,
      nonTokenCostUsd: f.nonTokenPerRequest,
      chargesCostUsd: f.chargesPerRequest,
      costPerSuccessUsd: f.costPerSuccess,
    },
    monthly: {
      costUsd: f.monthlyCost,
      tokenCostUsd: f.monthlyTokenCost,
      nonTokenCostUsd: f.monthlyNonTokenCost,
      components: {
        inputUsd: f.components.input,
        cacheReadUsd: f.components.cacheRead,
        cacheWriteUsd: f.components.cacheWrite,
        outputUsd: f.components.output,
      },
      shareOfCost: fraction(f.monthlyCost, t.cost) ?? null,
    },
    costPerUserUsd: users ? toFemto(div(qInt(f.monthlyCost), q(users))) : null,
    floor: {
      perRequestUsd: f.floorPerRequest,
      model: f.floorModel,
      via: f.floorVia,
      cachedInputShare: f.spec.maxCachedInputShare ?? f.spec.cachedInputShare,
      batchShare: f.spec.maxBatchShare ?? f.spec.batchShare,
      savingPerMonthUsd: toFemto(mul(qInt(f.tokenCostPerRequest - f.floorPerRequest), f.requests)),
    },
    unitEconomics: v.status === 'under water' ? 'negative' : 'positive',
    verdict: verdictData(v, targetMarginPct),
    warnings: f.warnings,
  };
}

/** The data without its bottom line (whatif/report.ts words it from the rest). */
export function whatifData(r: WhatifResult, ctx: WhatifDataContext): Omit<WhatifData, 'bottomLine'> {
  const e = r.evaluation;
  const t = e.totals;
  const pp = e.spec.pricePoint;
  return {
    schemaVersion: SCHEMA_VERSION,
    command: 'whatif',
    file: ctx.file,
    product: {
      name: e.spec.name,
      period: e.spec.period,
      pricePoint: pp.kind === 'seat' ? { perSeatUsd: pp.perSeatUsd, seats: pp.seats } : { perRequestUsd: pp.perRequestUsd },
      users: e.spec.users ?? null,
    },
    pricesAt: ctx.pricesAt,
    totals: {
      requestsPerMonth: toFloat(t.requests),
      revenueUsd: t.revenue,
      tokenCostUsd: t.tokenCost,
      nonTokenCostUsd: t.nonTokenCost,
      costUsd: t.cost,
      marginUsd: t.margin,
      marginPct: fraction(t.margin, t.revenue) ?? null,
      costPerUserUsd: t.costPerUser ?? null,
      revenuePerRequestUsd: t.revenuePerRequest ?? null,
      costPerRequestUsd: t.requests.num === 0n ? null : toFemto(div(qInt(t.cost), t.requests)),
      costPerSeatUsd: pp.kind === 'seat' && pp.seats > 0 ? toFemto(div(qInt(t.cost), q(pp.seats))) : null,
    },
    features: e.features.map((f, i) => featureData(f, t, e.spec.users, r.verdicts[i], r.options.targetMarginPct)),
    volume: r.volume.map((v) => ({
      multiplier: v.multiplier,
      costUsd: v.cost,
      revenueUsd: v.revenue,
      marginUsd: v.margin,
      marginPct: fraction(v.margin, v.revenue) ?? null,
    })),
    sensitivity: {
      stepPercent: r.options.stepPercent,
      rows: r.sensitivity.map((s) => ({
        assumption: s.path,
        base: s.base,
        low: s.low,
        high: s.high,
        capped: s.capped,
        costChangeLowUsd: s.costDeltaLow,
        costChangeHighUsd: s.costDeltaHigh,
        marginChangeLowUsd: s.marginDeltaLow,
        marginChangeHighUsd: s.marginDeltaHigh,
      })),
      noEffect: r.unaffected,
    },
    levers: {
      targetMargin: r.options.targetMarginPct / 100,
      stepPercent: r.options.stepPercent,
      rows: r.breakEvens.map((b) => ({
        lever: b.id,
        label: b.label,
        marginChangeLowUsd: b.marginDeltaLow,
        marginChangeHighUsd: b.marginDeltaHigh,
        breakEven: b.breakEven ? toFloat(b.breakEven) : null,
        maxLever: b.maxLever ? toFloat(b.maxLever) : null,
      })),
    },
    bands: r.bands
      ? {
          seed: r.bands.seed,
          samples: r.bands.samples,
          total: bandData(r.bands.total),
          margin: bandData(r.bands.margin),
          features: r.bands.features.map((f) => ({ name: f.name, ...bandData(f.band) })),
        }
      : null,
    overrides: ctx.overrides,
    assumptions: ctx.assumptions,
    document: ctx.doc,
  };
}

// this command's document in the report's data union (report/data.ts CommandDocuments)
declare module '../report/data.js' {
  interface CommandDocuments {
    whatif: WhatifData;
  }
}
