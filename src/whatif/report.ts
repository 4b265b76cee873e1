/** The what-if Report: per-feature table (the CSV), volume, sensitivity, bands, assumptions. */
import { formatInt, formatPct } from '../report/cells.js';
import { col, type Report, type Section } from '../report/model.js';
import type { AssumptionRow } from './assumptions.js';
import type { Evaluation, FeatureResult } from './evaluate.js';
import { formatUsd, type Femto, div, fraction, mul, q, qInt, toFemto, toFloat } from '../pricing/money.js';
import type { Band } from './montecarlo.js';
import type { WhatifResult } from './result.js';
import { whatifJson } from './json.js';
import { assumptionWords, breakEvenText, costSentence, fixSentence, statusCell } from './words.js';

export interface ReportContext {
  file: string;
  pricesAt: string;
  overrides: string[];
  assumptions: AssumptionRow[];
  doc: unknown;
  /** Escapes untrusted names for the output format (core/untrusted.ts); identity for JSON. */
  name?: (s: string) => string;
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

function featureSection(r: WhatifResult): Section {
  const e = r.evaluation;
  const t = e.totals;
  const users = e.spec.users;
  const seat = e.spec.pricePoint.kind === 'seat';
  const target = r.options.targetMarginPct;
  const perUser = (x: Femto) => (users ? toFemto(div(qInt(x), q(users))) : undefined);
  const rows = e.features.map((f, i) => {
    const v = r.verdicts[i];
    return {
      feature: f.name,
      model: modelText(f),
      requests: toFloat(f.requests),
      tokenCost: f.monthlyTokenCost,
      nonTokenCost: f.monthlyNonTokenCost,
      cost: f.monthlyCost,
      share: fraction(f.monthlyCost, t.cost),
      perRequest: f.requests.num === 0n ? undefined : f.costPerRequest,
      perSuccess: f.requests.num === 0n ? undefined : f.costPerSuccess,
      perUnit: seat ? v.costPerUnit : perUser(f.monthlyCost),
      ofCharge: v.shareOfCharge,
      floor: f.floorPerRequest,
      floorModel: f.floorModel,
      verdict: statusCell(v, target),
    };
  });
  const totalRequests = toFloat(t.requests);
  const pp = e.spec.pricePoint;
  const totalPerSeat = pp.kind === 'seat' && pp.seats > 0 ? toFemto(div(qInt(t.cost), q(pp.seats))) : t.costPerUser;
  return {
    id: 'features',
    title: 'Cost per feature (per month)',
    // narrow terminals keep what the verdict rests on: cost a month, its share, cost per seat (or user), then the model
    columns: [
      col('feature', 'Feature'),
      col('model', 'Model', 'text', { priority: 2 }),
      col('requests', 'Requests/mo', 'number', { priority: 4 }),
      col('tokenCost', 'Token cost/mo', 'usd', { priority: 4 }),
      col('nonTokenCost', 'Non-token cost/mo', 'usd', { priority: 4 }),
      col('cost', 'Cost/mo', 'usd', { priority: 1 }),
      col('share', 'Share', 'pct', { priority: 2 }),
      col('perRequest', 'Cost/request', 'usd', { priority: 3 }),
      col('perSuccess', 'Cost/success', 'usd', { priority: 4 }),
      col('perUnit', seat ? 'Cost/seat' : 'Cost/user', 'usd', { priority: 2 }),
      col('ofCharge', seat ? 'Of seat price' : 'Of price/request', 'pct', { priority: 3 }),
      col('floor', 'Token floor/request', 'usd', { priority: 4 }),
      col('floorModel', 'Floor model', 'text', { priority: 4 }),
      col('verdict', 'Verdict', 'text', { priority: 1 }),
    ],
    rows,
    footer: {
      feature: 'Total',
      requests: totalRequests,
      tokenCost: t.tokenCost,
      nonTokenCost: t.nonTokenCost,
      cost: t.cost,
      share: t.cost === 0n ? undefined : 1,
      perRequest: t.requests.num === 0n ? undefined : toFemto(div(qInt(t.cost), t.requests)),
      perUnit: seat ? totalPerSeat : t.costPerUser,
      ofCharge: seat ? fraction(t.cost, t.revenue) : undefined,
    },
    notes: [
      'Cost/request includes retries (1 / (1 - retryRate) attempts), routing and non-token cost; Cost/success divides it by successRate.',
      "Token floor: cheapest of the feature's model, floorModel and route model alone, with cache and batch shares at maxCachedInputShare/maxBatchShare (else as stated).",
      seat
        ? `Verdict: each feature alone, its cost per seat against the seat price (never seat revenue spread over all features' requests): UNDER WATER above the seat price, below ${target}% when it alone leaves less than the ${target}% target margin.`
        : `Verdict: cost per request against the price per request: UNDER WATER above it, below ${target}% when it leaves less than the ${target}% target margin.`,
    ],
  };
}

/** Token floors that say what to do: the price per use or the usage cap that restores the target margin. */
function floorsSection(r: WhatifResult, name: (s: string) => string): Section {
  const e = r.evaluation;
  const target = r.options.targetMarginPct;
  const seat = e.spec.pricePoint.kind === 'seat';
  const capText = (c: bigint | undefined) => (c === undefined ? undefined : Number(c));
  const columns = [
    col('feature', 'Feature'),
    col('cost', 'Cost/request', 'usd'),
    col('floor', 'Floor cost/request', 'usd'),
    col('floorMix', 'Floor mix'),
    col('price', `Price/use for ${target}%`, 'usd'),
    col('floorPrice', `Price/use for ${target}% at floor`, 'usd'),
  ];
  if (seat)
    columns.push(
      col('usesNow', 'Uses/seat now', 'number'),
      col('cap', `Max uses/seat for ${target}%`, 'int'),
      col('floorCap', 'Max at floor', 'int'),
    );
  const advice = e.features.flatMap((f, i) =>
    r.verdicts[i].status === 'ok'
      ? []
      : [`${costSentence(name(f.name), r.verdicts[i])}; ${fixSentence(r.verdicts[i], target, name(f.floorModel))}.`],
  );
  return {
    id: 'floors',
    title: `Token floors and what restores a ${target}% gross margin`,
    columns,
    rows: e.features.map((f, i) => {
      const v = r.verdicts[i];
      const mix = `${f.floorModel}, ${f.spec.maxCachedInputShare ?? f.spec.cachedInputShare} cached, ${f.spec.maxBatchShare ?? f.spec.batchShare} batch`;
      return {
        feature: f.name,
        cost: v.now.costPerRequest,
        floor: v.atFloor.costPerRequest,
        floorMix: mix,
        price: v.now.pricePerUse,
        floorPrice: v.atFloor.pricePerUse,
        usesNow: v.usesPerSeat ? toFloat(v.usesPerSeat) : undefined,
        cap: capText(v.now.usesPerSeatCap),
        floorCap: capText(v.atFloor.usesPerSeatCap),
      };
    }),
    notes: [
      `Price/use: cost per request / (1 - ${target}%), what a use must earn as a per-use price or add-on. Floor cost adds the feature's non-token cost to its token floor.`,
      ...(seat
        ? [
            `Max uses/seat: the most uses per seat a month that keep the whole product at ${target}% gross margin, the other features as modelled (rounded down).`,
          ]
        : []),
      ...advice,
    ],
  };
}

/** The levers a CFO asks about, with the value at which margin falls to the target. */
function leverSection(r: WhatifResult, name: (s: string) => string): Section {
  const step = r.options.stepPercent;
  const target = r.options.targetMarginPct;
  const t = r.evaluation.totals;
  const pctAt = (delta: Femto) => fraction(t.margin + delta, t.revenue);
  return {
    id: 'levers',
    title: `What moves the margin (each lever -${step}% / +${step}%, and where margin falls to ${target}%)`,
    columns: [
      // narrow terminals keep the rise (+step) and its margin %, then the break-even; the cut is the rise mirrored
      col('lever', 'Lever'),
      col('marginLow', `Margin change -${step}%`, 'usd', { priority: 4 }),
      col('marginHigh', `Margin change +${step}%`, 'usd', { priority: 2 }),
      col('pctLow', `Margin % at -${step}%`, 'pct', { priority: 4 }),
      col('pctHigh', `Margin % at +${step}%`, 'pct', { priority: 2 }),
      col('breakEven', `Break-even (${target}% margin)`, 'text', { priority: 3 }),
    ],
    rows: r.breakEvens.map((b) => ({
      lever: b.id.startsWith('price:model:')
        ? `${name(b.id.slice('price:model:'.length))} price`
        : b.id.startsWith('price:')
          ? `${name(b.id.slice('price:'.length))} prices`
          : b.label,
      marginLow: b.marginDeltaLow,
      marginHigh: b.marginDeltaHigh,
      pctLow: pctAt(b.marginDeltaLow),
      pctHigh: pctAt(b.marginDeltaHigh),
      breakEven: breakEvenText(b.id, b.breakEven, b.maxLever, target),
    })),
    notes: [
      'Each lever moves alone; month cost is linear in each, so the break-even is exact. Output length and cache hit rates move for every feature at once; usage per seat moves requests with seats fixed; a provider price change applies to every model of that provider.',
    ],
  };
}

function volumeSection(r: WhatifResult): Section {
  return {
    id: 'volume',
    title: 'Volume (requests and seats scaled together)',
    columns: [
      col('volume', 'Volume'),
      col('cost', 'Cost/mo', 'usd'),
      col('revenue', 'Revenue/mo', 'usd'),
      col('margin', 'Gross margin/mo', 'usd'),
      col('marginPct', 'Margin %', 'pct'),
    ],
    rows: r.volume.map((v) => ({
      volume: `${v.multiplier}x`,
      cost: v.cost,
      revenue: v.revenue,
      margin: v.margin,
      marginPct: fraction(v.margin, v.revenue),
    })),
    notes: ['Linear: prices, cache shares and per-request costs stay as modelled at every volume.'],
  };
}

function sensitivitySection(r: WhatifResult, name: (s: string) => string): Section {
  const step = r.options.stepPercent;
  return {
    id: 'sensitivity',
    title: `Sensitivity (each assumption -${step}% / +${step}%, by impact)`,
    columns: [
      col('assumption', 'Assumption'),
      col('base', 'Base'),
      col('low', `-${step}%`),
      col('high', `+${step}%`),
      // narrow terminals keep the margin changes (they include revenue assumptions such as seats) over the cost changes
      col('costLow', `Cost change -${step}%`, 'usd', { priority: 3 }),
      col('costHigh', `Cost change +${step}%`, 'usd', { priority: 3 }),
      col('marginLow', `Margin change -${step}%`, 'usd', { priority: 2 }),
      col('marginHigh', `Margin change +${step}%`, 'usd', { priority: 2 }),
    ],
    rows: r.sensitivity.map((s) => ({
      assumption: assumptionWords(s.path.split('.'), name) + (s.capped ? ' (capped)' : ''),
      base: s.base,
      low: s.low,
      high: s.high,
      costLow: s.costDeltaLow,
      costHigh: s.costDeltaHigh,
      marginLow: s.marginDeltaLow,
      marginHigh: s.marginDeltaHigh,
    })),
    notes: r.unaffected.length
      ? [`No effect on monthly cost or margin: ${r.unaffected.map((p) => assumptionWords(p.split('.'), name)).join(', ')}.`]
      : [],
  };
}

const usdMicro = (x: number): Femto => BigInt(Math.round(x * 1e6)) * 1_000_000_000n;

function bandsSection(r: WhatifResult): Section | undefined {
  const b = r.bands;
  if (!b) return undefined;
  const row = (scope: string, band: Band, point: Femto) => ({
    scope,
    p10: usdMicro(band.p10),
    p50: usdMicro(band.p50),
    p90: usdMicro(band.p90),
    point,
  });
  const e = r.evaluation;
  return {
    id: 'bands',
    title: `Monthly cost bands (Monte Carlo, ${formatInt(b.samples)} samples, seed ${b.seed})`,
    columns: [
      col('scope', 'Scope'),
      col('p10', 'p10', 'usd'),
      col('p50', 'p50', 'usd'),
      col('p90', 'p90', 'usd'),
      col('point', 'Point estimate', 'usd'),
    ],
    rows: [
      ...b.features.map((f, i) => row(f.name, f.band, e.features[i].monthlyCost)),
      row('Total cost', b.total, e.totals.cost),
      row('Gross margin', b.margin, e.totals.margin),
    ],
    notes: [
      'A distribution describes the uncertain monthly average; each sample draws one value per distribution. Point estimates use the means.',
    ],
  };
}

function assumptionsSection(rows: AssumptionRow[], name: (s: string) => string): Section {
  return {
    id: 'assumptions',
    title: 'Assumptions',
    columns: [col('assumption', 'Assumption'), col('value', 'Value'), col('source', 'Source')],
    rows: rows.map((a) => ({ assumption: assumptionWords(a.path.split('.'), name), value: a.value, source: a.source })),
  };
}

/** The bottom line, in words, before any table: margin now and at the volumes asked, the biggest costs, what is below target, the top lever. */
export function bottomLine(r: WhatifResult, name: (s: string) => string): Array<[string, string]> {
  const e = r.evaluation;
  const t = e.totals;
  const target = r.options.targetMarginPct;
  const pctOf = (m: Femto, rev: Femto) => {
    const p = fraction(m, rev);
    return p === undefined ? 'n/a (no revenue)' : formatPct(p);
  };
  const others = r.volume.filter((v) => v.multiplier !== 1).map((v) => `${pctOf(v.margin, v.revenue)} at ${v.multiplier}x`);
  const lines: Array<[string, string]> = [
    [
      'Bottom line',
      `gross margin ${pctOf(t.margin, t.revenue)} (${formatUsd(t.margin)} of ${formatUsd(t.revenue)} a month)${others.length ? `; ${others.join(', ')} (volume scaled linearly)` : ''}`,
    ],
  ];
  const biggest = [...e.features].sort((a, b) => (b.monthlyCost > a.monthlyCost ? 1 : b.monthlyCost < a.monthlyCost ? -1 : 0)).slice(0, 3);
  lines.push([
    'Biggest costs',
    biggest.map((f) => `${name(f.name)} ${formatUsd(f.monthlyCost)} (${formatPct(fraction(f.monthlyCost, t.cost) ?? 0)})`).join(', '),
  ]);
  const below = r.verdicts.map((v, i) => ({ v, f: e.features[i] })).filter((x) => x.v.status !== 'ok');
  lines.push([
    `Below ${target}% margin`,
    below.length === 0
      ? (fraction(t.margin, t.revenue) ?? 1) * 100 < target
        ? `no feature on its own, but together they leave ${pctOf(t.margin, t.revenue)}: see the usage caps under "Token floors"`
        : `none: every feature alone costs at most ${100 - target}% of what the plan charges for it`
      : below
          .map(
            ({ v, f }) =>
              `${costSentence(name(f.name), v)}${v.status === 'under water' ? ' (it loses money on its own)' : ''}; ${fixSentence(v, target, name(f.floorModel))}`,
          )
          .join('. '),
  ]);
  const levers = e.features
    .map((f) => ({ f, saving: toFemto(mul(qInt(f.tokenCostPerRequest - f.floorPerRequest), f.requests)) }))
    .filter((x) => x.saving > 0n)
    .sort((a, b) => (b.saving > a.saving ? 1 : b.saving < a.saving ? -1 : 0));
  if (levers.length > 0) {
    const { f, saving } = levers[0];
    const after = t.margin + saving;
    lines.push([
      'Top lever',
      `move ${name(f.name)} to its token floor (${name(f.floorModel)}${f.floorVia === 'model' ? ' with the best stated caching and batching' : ''}): saves ${formatUsd(saving)} a month, margin ${pctOf(t.margin, t.revenue)} -> ${pctOf(after, t.revenue)}`,
    ]);
  } else lines.push(['Top lever', 'none within the file: every feature already runs at its token floor']);
  return lines;
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
  const name = ctx.name ?? ((s: string) => s);
  const notes: string[] = [];
  e.features.forEach((f, i) => {
    const v = r.verdicts[i];
    if (v.status !== 'under water') return;
    const unit = v.unit === 'seat' ? 'seat' : 'request';
    notes.push(
      `warning: ${name(f.name)} loses money on every ${unit}: ${formatUsd(v.costPerUnit)} cost per ${unit} vs ${formatUsd(v.chargePerUnit)} charged${v.floorStatus === 'under water' ? ' (still under water at the token floor)' : ''}`,
    );
  });
  for (const f of e.features) for (const w of f.warnings) notes.push(`warning: ${name(f.name)}: ${w}`);
  notes.push('Point estimates are exact (integer femto-USD); distributions enter them at their mean, rounded to a whole number.');
  const sections = [
    featureSection(r),
    floorsSection(r, name),
    leverSection(r, name),
    volumeSection(r),
    sensitivitySection(r, name),
    bandsSection(r),
    assumptionsSection(ctx.assumptions, name),
  ].filter((s): s is Section => s !== undefined);
  return {
    title: `What-if: ${name(e.spec.name)} (${name(ctx.file)})`,
    summary: [...bottomLine(r, name), ...summaryLines(r, ctx)],
    sections,
    notes,
    data: {
      command: 'whatif',
      document: { ...whatifJson(r, ctx), bottomLine: bottomLine(r, (x) => x).map(([label, text]) => ({ label, text })) },
    },
    primarySection: 'features',
  };
}
