/** The what-if JSON document (schemaVersion 1): stable key order, money as exact decimals. */
import { SCHEMA_VERSION } from '../core/schema-version.js';
import type { FeatureResult, Totals } from './evaluate.js';
import { femtoToUsdNumber, type Femto, div, fraction, q, qInt, toFemto, toFloat } from '../pricing/money.js';
import type { Band } from './montecarlo.js';
import type { ReportContext } from './report.js';
import type { WhatifResult } from './result.js';
import type { Fix, FeatureVerdict } from './verdict.js';

const usd = (x: Femto | undefined): number | null => (x === undefined ? null : femtoToUsdNumber(x));
const round6 = (x: number) => Number(x.toFixed(6));
const bandJson = (b: Band) => ({ p10Usd: round6(b.p10), p50Usd: round6(b.p50), p90Usd: round6(b.p90) });

const fixJson = (x: Fix) => ({
  costPerRequestUsd: usd(x.costPerRequest),
  pricePerUseUsd: usd(x.pricePerUse),
  usesPerSeatCap: x.usesPerSeatCap === undefined ? null : Number(x.usesPerSeatCap),
});

function verdictJson(v: FeatureVerdict, targetMarginPct: number) {
  return {
    unit: v.unit,
    costPerUnitUsd: usd(v.costPerUnit),
    chargePerUnitUsd: usd(v.chargePerUnit),
    shareOfCharge: v.shareOfCharge ?? null,
    status: v.status,
    targetMargin: targetMarginPct / 100,
    usesPerSeat: v.usesPerSeat ? toFloat(v.usesPerSeat) : null,
    floorCostPerUnitUsd: usd(v.floorCostPerUnit),
    floorStatus: v.floorStatus,
    now: fixJson(v.now),
    atFloor: fixJson(v.atFloor),
  };
}

function featureJson(f: FeatureResult, t: Totals, users: number | undefined, v: FeatureVerdict, targetMarginPct: number) {
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
      costUsd: usd(f.costPerRequest),
      tokenCostUsd: usd(f.tokenCostPerRequest),
      nonTokenCostUsd: usd(f.nonTokenPerRequest),
      chargesCostUsd: usd(f.chargesPerRequest),
      costPerSuccessUsd: usd(f.costPerSuccess),
    },
    monthly: {
      costUsd: usd(f.monthlyCost),
      tokenCostUsd: usd(f.monthlyTokenCost),
      nonTokenCostUsd: usd(f.monthlyNonTokenCost),
      components: {
        inputUsd: usd(f.components.input),
        cacheReadUsd: usd(f.components.cacheRead),
        cacheWriteUsd: usd(f.components.cacheWrite),
        outputUsd: usd(f.components.output),
      },
      shareOfCost: fraction(f.monthlyCost, t.cost) ?? null,
    },
    costPerUserUsd: users ? usd(toFemto(div(qInt(f.monthlyCost), q(users)))) : null,
    floor: { perRequestUsd: usd(f.floorPerRequest), model: f.floorModel, via: f.floorVia },
    /** negative: the feature alone costs more per seat (per request) than the plan charges for it. */
    unitEconomics: v.status === 'under water' ? 'negative' : 'positive',
    verdict: verdictJson(v, targetMarginPct),
    warnings: f.warnings,
  };
}

export function whatifJson(r: WhatifResult, ctx: ReportContext) {
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
      revenueUsd: usd(t.revenue),
      tokenCostUsd: usd(t.tokenCost),
      nonTokenCostUsd: usd(t.nonTokenCost),
      costUsd: usd(t.cost),
      marginUsd: usd(t.margin),
      marginPct: fraction(t.margin, t.revenue) ?? null,
      costPerUserUsd: usd(t.costPerUser),
      revenuePerRequestUsd: usd(t.revenuePerRequest),
    },
    features: e.features.map((f, i) => featureJson(f, t, e.spec.users, r.verdicts[i], r.options.targetMarginPct)),
    volume: r.volume.map((v) => ({
      multiplier: v.multiplier,
      costUsd: usd(v.cost),
      revenueUsd: usd(v.revenue),
      marginUsd: usd(v.margin),
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
        costChangeLowUsd: usd(s.costDeltaLow),
        costChangeHighUsd: usd(s.costDeltaHigh),
        marginChangeLowUsd: usd(s.marginDeltaLow),
        marginChangeHighUsd: usd(s.marginDeltaHigh),
      })),
      noEffect: r.unaffected,
    },
    levers: {
      targetMargin: r.options.targetMarginPct / 100,
      stepPercent: r.options.stepPercent,
      rows: r.breakEvens.map((b) => ({
        lever: b.id,
        label: b.label,
        marginChangeLowUsd: usd(b.marginDeltaLow),
        marginChangeHighUsd: usd(b.marginDeltaHigh),
        breakEven: b.breakEven ? toFloat(b.breakEven) : null,
        maxLever: b.maxLever ? toFloat(b.maxLever) : null,
      })),
    },
    bands: r.bands
      ? {
          seed: r.bands.seed,
          samples: r.bands.samples,
          total: bandJson(r.bands.total),
          margin: bandJson(r.bands.margin),
          features: r.bands.features.map((f) => ({ name: f.name, ...bandJson(f.band) })),
        }
      : null,
    overrides: ctx.overrides,
    assumptions: ctx.assumptions,
    document: ctx.doc,
  };
}
