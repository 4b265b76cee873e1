/** The what-if Report: per-feature table (the CSV), volume, sensitivity, bands, assumptions. */
import { formatUsd, type Femto } from '../pricing/money.js';
import { formatInt, formatPct } from '../report/cells.js';
import { col, type Report, type Section } from '../report/model.js';
import type { AssumptionRow } from './assumptions.js';
import { isNegative, type Evaluation, type FeatureResult } from './evaluate.js';
import { div, fraction, q, qInt, toFemto, toFloat } from './exact.js';
import type { Band } from './montecarlo.js';
import type { WhatifResult } from './result.js';
import { whatifJson } from './json.js';

export interface ReportContext {
  file: string;
  pricesAt: string;
  overrides: string[];
  assumptions: AssumptionRow[];
  doc: unknown;
}

export function modelText(f: FeatureResult): string {
  const r = f.spec.route;
  if (!r || r.share === 0) return f.spec.model;
  if (r.share === 1) return r.model;
  const pct = (x: number) => `${+(x * 100).toFixed(2)}%`;
  return `${f.spec.model} ${pct(1 - r.share)} + ${r.model} ${pct(r.share)}`;
}

export function priceText(e: Evaluation): string {
  const pp = e.spec.pricePoint;
  return pp.kind === 'seat' ? `$${pp.perSeatUsd} per seat per month x ${formatInt(pp.seats)} seats` : `$${pp.perRequestUsd} per request`;
}

function featureSection(e: Evaluation): Section {
  const t = e.totals;
  const users = e.spec.users;
  const perUser = (x: Femto) => (users ? toFemto(div(qInt(x), q(users))) : undefined);
  const rows = e.features.map((f) => ({
    feature: f.name,
    model: modelText(f),
    requests: toFloat(f.requests),
    tokenCost: f.monthlyTokenCost,
    nonTokenCost: f.monthlyNonTokenCost,
    cost: f.monthlyCost,
    share: fraction(f.monthlyCost, t.cost),
    perRequest: f.requests.num === 0n ? undefined : f.costPerRequest,
    perSuccess: f.requests.num === 0n ? undefined : f.costPerSuccess,
    perUser: perUser(f.monthlyCost),
    floor: f.floorPerRequest,
    floorModel: f.floorModel,
    revenuePerRequest: t.revenuePerRequest,
    economics: t.revenuePerRequest === undefined ? '' : isNegative(f, t) ? 'NEGATIVE' : 'ok',
  }));
  const totalRequests = toFloat(t.requests);
  return {
    id: 'features',
    title: 'Cost per feature (per month)',
    columns: [
      col('feature', 'Feature'), col('model', 'Model'), col('requests', 'Requests/mo', 'number'), col('tokenCost', 'Token cost/mo', 'usd'),
      col('nonTokenCost', 'Non-token cost/mo', 'usd'), col('cost', 'Cost/mo', 'usd'), col('share', 'Share', 'pct'), col('perRequest', 'Cost/request', 'usd'),
      col('perSuccess', 'Cost/success', 'usd'), col('perUser', 'Cost/user', 'usd'), col('floor', 'Token floor/request', 'usd'), col('floorModel', 'Floor model'),
      col('revenuePerRequest', 'Revenue/request', 'usd'), col('economics', 'Unit economics'),
    ],
    rows,
    footer: {
      feature: 'Total', requests: totalRequests, tokenCost: t.tokenCost, nonTokenCost: t.nonTokenCost, cost: t.cost, share: t.cost === 0n ? undefined : 1,
      perRequest: t.requests.num === 0n ? undefined : toFemto(div(qInt(t.cost), t.requests)), perUser: t.costPerUser, revenuePerRequest: t.revenuePerRequest,
    },
    notes: [
      'Cost/request includes retries, routing and non-token cost; Cost/success divides it by successRate.',
      'Token floor: cheapest of the feature\'s model, floorModel and route model alone, with cache and batch shares at maxCachedInputShare/maxBatchShare (else as stated).',
      e.spec.pricePoint.kind === 'seat' ? 'Revenue/request: seat revenue spread evenly over all requests. NEGATIVE: a use costs more than it earns.' : 'NEGATIVE: a use costs more than the price per request.',
    ],
  };
}

function volumeSection(r: WhatifResult): Section {
  return {
    id: 'volume',
    title: 'Volume (requests and seats scaled together)',
    columns: [col('volume', 'Volume'), col('cost', 'Cost/mo', 'usd'), col('revenue', 'Revenue/mo', 'usd'), col('margin', 'Gross margin/mo', 'usd'), col('marginPct', 'Margin %', 'pct')],
    rows: r.volume.map((v) => ({ volume: `${v.multiplier}x`, cost: v.cost, revenue: v.revenue, margin: v.margin, marginPct: fraction(v.margin, v.revenue) })),
    notes: ['Linear: prices, cache shares and per-request costs stay as modelled at every volume.'],
  };
}

function sensitivitySection(r: WhatifResult): Section {
  const step = r.options.stepPercent;
  return {
    id: 'sensitivity',
    title: `Sensitivity (each assumption -${step}% / +${step}%, by impact)`,
    columns: [
      col('assumption', 'Assumption'), col('base', 'Base'), col('low', `-${step}%`), col('high', `+${step}%`),
      col('costLow', `Cost change -${step}%`, 'usd'), col('costHigh', `Cost change +${step}%`, 'usd'), col('marginLow', `Margin change -${step}%`, 'usd'), col('marginHigh', `Margin change +${step}%`, 'usd'),
    ],
    rows: r.sensitivity.map((s) => ({
      assumption: s.path + (s.capped ? ' (capped)' : ''), base: s.base, low: s.low, high: s.high,
      costLow: s.costDeltaLow, costHigh: s.costDeltaHigh, marginLow: s.marginDeltaLow, marginHigh: s.marginDeltaHigh,
    })),
    notes: r.unaffected.length ? [`No effect on monthly cost or margin: ${r.unaffected.join(', ')}.`] : [],
  };
}

const usdMicro = (x: number): Femto => BigInt(Math.round(x * 1e6)) * 1_000_000_000n;

function bandsSection(r: WhatifResult): Section | undefined {
  const b = r.bands;
  if (!b) return undefined;
  const row = (scope: string, band: Band, point: Femto) => ({ scope, p10: usdMicro(band.p10), p50: usdMicro(band.p50), p90: usdMicro(band.p90), point });
  const e = r.evaluation;
  return {
    id: 'bands',
    title: `Monthly cost bands (Monte Carlo, ${formatInt(b.samples)} samples, seed ${b.seed})`,
    columns: [col('scope', 'Scope'), col('p10', 'p10', 'usd'), col('p50', 'p50', 'usd'), col('p90', 'p90', 'usd'), col('point', 'Point estimate', 'usd')],
    rows: [
      ...b.features.map((f, i) => row(f.name, f.band, e.features[i].monthlyCost)),
      row('Total cost', b.total, e.totals.cost),
      row('Gross margin', b.margin, e.totals.margin),
    ],
    notes: ['A distribution describes the uncertain monthly average; each sample draws one value per distribution. Point estimates use the means.'],
  };
}

function assumptionsSection(rows: AssumptionRow[]): Section {
  return {
    id: 'assumptions',
    title: 'Assumptions',
    columns: [col('assumption', 'Assumption'), col('value', 'Value'), col('source', 'Source')],
    rows: rows.map((a) => ({ assumption: a.path, value: a.value, source: a.source })),
  };
}

function summaryLines(r: WhatifResult, ctx: ReportContext): Array<[string, string]> {
  const t = r.evaluation.totals;
  const pct = fraction(t.margin, t.revenue);
  const lines: Array<[string, string]> = [
    ['Price point', priceText(r.evaluation)],
    ['Revenue/month', formatUsd(t.revenue)],
    ['Cost/month', `${formatUsd(t.cost)} (tokens ${formatUsd(t.tokenCost)}, non-token ${formatUsd(t.nonTokenCost)})`],
    ['Gross margin/month', `${formatUsd(t.margin)}${pct === undefined ? '' : ` (${formatPct(pct)})`}`],
  ];
  if (t.costPerUser !== undefined) lines.push(['Cost per user/month', formatUsd(t.costPerUser)]);
  lines.push(['Prices in force on', ctx.pricesAt]);
  if (ctx.overrides.length) lines.push(['Overrides', ctx.overrides.map((o) => `--set ${o}`).join(' ')]);
  return lines;
}

export function whatifReport(r: WhatifResult, ctx: ReportContext): Report {
  const e = r.evaluation;
  const notes: string[] = [];
  for (const f of e.features) {
    if (!isNegative(f, e.totals)) continue;
    const floorToo = e.totals.revenuePerRequest !== undefined && f.floorPerRequest + f.nonTokenPerRequest > e.totals.revenuePerRequest;
    notes.push(`warning: ${f.name} loses money per use: ${formatUsd(f.costPerRequest)} cost vs ${formatUsd(e.totals.revenuePerRequest)} revenue per request; token floor ${formatUsd(f.floorPerRequest)} via ${f.floorModel}${floorToo ? ' (still negative at the floor)' : ''}`);
  }
  for (const f of e.features) for (const w of f.warnings) notes.push(`warning: ${f.name}: ${w}`);
  notes.push('Point estimates are exact (integer femto-USD); distributions enter them at their mean, rounded to a whole number.');
  const sections = [featureSection(e), volumeSection(r), sensitivitySection(r), bandsSection(r), assumptionsSection(ctx.assumptions)].filter((s): s is Section => s !== undefined);
  return {
    title: `What-if: ${e.spec.name} (${ctx.file})`,
    summary: summaryLines(r, ctx),
    sections,
    notes,
    json: whatifJson(r, ctx),
    primarySection: 'features',
  };
}
