/**
 * The what-if Report: per-feature table (the CSV), volume, sensitivity, bands, assumptions.
 *
 * `whatifView` is the view: every table, summary line and note is derived from the typed data
 * (WhatifData, whatif/data.ts) that `--format json` prints, and from nothing else.
 */
import { formatInt, formatPct } from '../report/cells.js';
import { col, type Report, type Section } from '../report/model.js';
import { formatUsd, type Femto, fraction, toPlainDecimal } from '../pricing/money.js';
import type { WhatifResult } from './result.js';
import { whatifData, type WhatifData, type WhatifBandData, type WhatifDataContext, type WhatifFeatureData } from './data.js';
import { assumptionWords, breakEvenText, costSentence, fixSentence, statusCell } from './words.js';
import type { NoCapReason } from './verdict.js';

export interface ReportContext extends WhatifDataContext {
  /** Escapes untrusted names for the output format (core/untrusted.ts); identity for JSON. */
  name?: (s: string) => string;
}

export function modelText(f: Pick<WhatifFeatureData, 'model' | 'route'>): string {
  const r = f.route;
  if (!r || r.share === 0) return f.model;
  if (r.share === 1) return r.model;
  const pct = (x: number) => `${+(x * 100).toFixed(2)}%`;
  return `${f.model} ${pct(1 - r.share)} + ${r.model} ${pct(r.share)}`;
}

export function priceText(d: Pick<WhatifData, 'product'>): string {
  const pp = d.product.pricePoint;
  // as decimals: $0.0000001, never $1e-7
  return 'perSeatUsd' in pp
    ? `$${toPlainDecimal(pp.perSeatUsd)} per seat per month x ${formatInt(pp.seats)} seats`
    : `$${toPlainDecimal(pp.perRequestUsd)} per request`;
}

const isSeat = (d: Pick<WhatifData, 'product'>): boolean => 'perSeatUsd' in d.product.pricePoint;
const targetPctOf = (d: Pick<WhatifData, 'levers'>): number => Math.round(d.levers.targetMargin * 100);
const orUndefined = <T>(x: T | null): T | undefined => (x === null ? undefined : x);
const pctOr = (x: number | undefined, none: string): string => (x === undefined ? none : formatPct(x));

function featureSection(d: WhatifData): Section {
  const t = d.totals;
  const seat = isSeat(d);
  const target = targetPctOf(d);
  const rows = d.features.map((f) => ({
    feature: f.name,
    model: modelText(f),
    requests: f.requestsPerMonth,
    tokenCost: f.monthly.tokenCostUsd,
    nonTokenCost: f.monthly.nonTokenCostUsd,
    cost: f.monthly.costUsd,
    share: orUndefined(f.monthly.shareOfCost),
    perRequest: f.requestsPerMonth === 0 ? undefined : f.perRequest.costUsd,
    perSuccess: f.requestsPerMonth === 0 ? undefined : f.perRequest.costPerSuccessUsd,
    perUnit: seat ? f.verdict.costPerUnitUsd : orUndefined(f.costPerUserUsd),
    ofCharge: orUndefined(f.verdict.shareOfCharge),
    floor: f.floor.perRequestUsd,
    floorModel: f.floor.model,
    verdict: statusCell(f.verdict, target),
  }));
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
      requests: t.requestsPerMonth,
      tokenCost: t.tokenCostUsd,
      nonTokenCost: t.nonTokenCostUsd,
      cost: t.costUsd,
      share: t.costUsd === 0n ? undefined : 1,
      perRequest: orUndefined(t.costPerRequestUsd),
      perUnit: orUndefined(seat ? (t.costPerSeatUsd ?? t.costPerUserUsd) : t.costPerUserUsd),
      ofCharge: seat ? fraction(t.costUsd, t.revenueUsd) : undefined,
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

/**
 * A usage cap as a table cell: blank where no number of uses restores the target (the other features
 * alone leave less than it, or the seat price is $0), never 0, which reads as "cap it at 0 uses and
 * the target holds"; 0 stays where it is true (even one use per seat a month breaks the target).
 */
const capCell = (x: WhatifFeatureData['verdict']['now']): number | undefined =>
  x.usesPerSeatCap === 0 && (x.noCapReason === 'other features' || x.noCapReason === 'seat price $0')
    ? undefined
    : orUndefined(x.usesPerSeatCap);

/** Why a cap cell is blank, once per reason, naming the features. */
function noCapNotes(d: WhatifData, target: number, name: (s: string) => string): string[] {
  const blank = (reason: NoCapReason) =>
    d.features.filter((f) => [f.verdict.now, f.verdict.atFloor].some((x) => capCell(x) === undefined && x.noCapReason === reason));
  const out: string[] = [];
  const others = blank('other features');
  if (others.length)
    out.push(
      `No usage cap (blank) for ${others.map((f) => name(f.name)).join(', ')}: the other features alone leave less than ${target}%, so no number of uses of ${others.length === 1 ? 'it' : 'one of them'} restores it.`,
    );
  if (blank('seat price $0').length) out.push('No usage cap (blank) where the seat price is $0: there is no margin to restore.');
  return out;
}

/** Token floors that say what to do: the price per use or the usage cap that restores the target margin. */
function floorsSection(d: WhatifData, name: (s: string) => string): Section {
  const target = targetPctOf(d);
  const seat = isSeat(d);
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
  const advice = d.features.flatMap((f) =>
    f.verdict.status === 'ok' ? [] : [`${costSentence(name(f.name), f.verdict)}; ${fixSentence(f.verdict, target, name(f.floor.model))}.`],
  );
  return {
    id: 'floors',
    title: `Token floors and what restores a ${target}% gross margin`,
    columns,
    rows: d.features.map((f) => {
      const v = f.verdict;
      return {
        feature: f.name,
        cost: v.now.costPerRequestUsd,
        floor: v.atFloor.costPerRequestUsd,
        floorMix: `${f.floor.model}, ${toPlainDecimal(f.floor.cachedInputShare)} cached, ${toPlainDecimal(f.floor.batchShare)} batch`,
        price: v.now.pricePerUseUsd,
        floorPrice: v.atFloor.pricePerUseUsd,
        usesNow: orUndefined(v.usesPerSeat),
        cap: capCell(v.now),
        floorCap: capCell(v.atFloor),
      };
    }),
    notes: [
      `Price/use: cost per request / (1 - ${target}%), what a use must earn as a per-use price or add-on. Floor cost adds the feature's non-token cost to its token floor.`,
      ...(seat
        ? [
            `Max uses/seat: the most uses per seat a month that keep the whole product at ${target}% gross margin, the other features as modelled (rounded down).`,
            ...noCapNotes(d, target, name),
          ]
        : []),
      ...advice,
    ],
  };
}

/** The levers a CFO asks about, with the value at which margin falls to the target. */
function leverSection(d: WhatifData, name: (s: string) => string): Section {
  const step = d.levers.stepPercent;
  const target = targetPctOf(d);
  const t = d.totals;
  const pctAt = (delta: Femto) => fraction(t.marginUsd + delta, t.revenueUsd);
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
    rows: d.levers.rows.map((b) => ({
      lever: b.lever.startsWith('price:model:')
        ? `${name(b.lever.slice('price:model:'.length))} price`
        : b.lever.startsWith('price:')
          ? `${name(b.lever.slice('price:'.length))} prices`
          : b.label,
      marginLow: b.marginChangeLowUsd,
      marginHigh: b.marginChangeHighUsd,
      pctLow: pctAt(b.marginChangeLowUsd),
      pctHigh: pctAt(b.marginChangeHighUsd),
      // with no revenue there is no margin % to reach (the margin in dollars still moves)
      breakEven: t.revenueUsd === 0n ? 'n/a: no revenue (no margin %)' : breakEvenText(b.lever, b.breakEven, b.maxLever, target),
    })),
    notes: [
      'Each lever moves alone; month cost is linear in each, so the break-even is exact. Output length and cache hit rates move for every feature at once; usage per seat moves requests with seats fixed; a provider price change applies to every model of that provider.',
    ],
  };
}

function volumeSection(d: WhatifData): Section {
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
    rows: d.volume.map((v) => ({
      volume: `${v.multiplier}x`,
      cost: v.costUsd,
      revenue: v.revenueUsd,
      margin: v.marginUsd,
      marginPct: orUndefined(v.marginPct),
    })),
    notes: ['Linear: prices, cache shares and per-request costs stay as modelled at every volume.'],
  };
}

function sensitivitySection(d: WhatifData, name: (s: string) => string): Section {
  const step = d.sensitivity.stepPercent;
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
    rows: d.sensitivity.rows.map((s) => ({
      assumption: assumptionWords(s.assumption.split('.'), name) + (s.capped ? ' (capped)' : ''),
      base: s.base,
      low: s.low,
      high: s.high,
      costLow: s.costChangeLowUsd,
      costHigh: s.costChangeHighUsd,
      marginLow: s.marginChangeLowUsd,
      marginHigh: s.marginChangeHighUsd,
    })),
    notes: d.sensitivity.noEffect.length
      ? [`No effect on monthly cost or margin: ${d.sensitivity.noEffect.map((p) => assumptionWords(p.split('.'), name)).join(', ')}.`]
      : [],
  };
}

function bandsSection(d: WhatifData): Section | undefined {
  const b = d.bands;
  if (!b) return undefined;
  const row = (scope: string, band: WhatifBandData, point: Femto) => ({
    scope,
    p10: band.p10Usd,
    p50: band.p50Usd,
    p90: band.p90Usd,
    point,
  });
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
      ...b.features.map((f, i) => row(f.name, f, d.features[i].monthly.costUsd)),
      row('Total cost', b.total, d.totals.costUsd),
      row('Gross margin', b.margin, d.totals.marginUsd),
    ],
    notes: [
      'A distribution describes the uncertain monthly average; each sample draws one value per distribution. Point estimates use the means.',
    ],
  };
}

function assumptionsSection(rows: WhatifData['assumptions'], name: (s: string) => string): Section {
  return {
    id: 'assumptions',
    title: 'Assumptions',
    columns: [col('assumption', 'Assumption'), col('value', 'Value'), col('source', 'Source')],
    rows: rows.map((a) => ({ assumption: assumptionWords(a.path.split('.'), name), value: a.value, source: a.source })),
  };
}

/** The bottom line, in words, before any table: margin now and at the volumes asked, the biggest costs, what is below target, the top lever. */
export function bottomLine(d: Omit<WhatifData, 'bottomLine'>, name: (s: string) => string): Array<[string, string]> {
  const t = d.totals;
  const target = targetPctOf(d);
  const pctOf = (m: Femto, rev: Femto) => {
    const p = fraction(m, rev);
    return p === undefined ? 'n/a (no revenue)' : formatPct(p);
  };
  const others = d.volume.filter((v) => v.multiplier !== 1).map((v) => `${pctOf(v.marginUsd, v.revenueUsd)} at ${v.multiplier}x`);
  const lines: Array<[string, string]> = [
    [
      'Bottom line',
      `gross margin ${pctOf(t.marginUsd, t.revenueUsd)} (${formatUsd(t.marginUsd)} of ${formatUsd(t.revenueUsd)} a month)${others.length ? `; ${others.join(', ')} (volume scaled linearly)` : ''}`,
    ],
  ];
  const cost = (f: WhatifFeatureData) => f.monthly.costUsd;
  const biggest = [...d.features].sort((a, b) => (cost(b) > cost(a) ? 1 : cost(b) < cost(a) ? -1 : 0)).slice(0, 3);
  lines.push([
    'Biggest costs',
    // a share of a $0 month is 0 / 0: n/a, never 0.0%
    biggest.map((f) => `${name(f.name)} ${formatUsd(cost(f))} (${pctOr(fraction(cost(f), t.costUsd), 'n/a')})`).join(', '),
  ]);
  const below = d.features.filter((f) => f.verdict.status !== 'ok');
  lines.push([
    `Below ${target}% margin`,
    below.length === 0
      ? (fraction(t.marginUsd, t.revenueUsd) ?? 1) * 100 < target
        ? `no feature on its own, but together they leave ${pctOf(t.marginUsd, t.revenueUsd)}: see the usage caps under "Token floors"`
        : `none: every feature alone costs at most ${100 - target}% of what the plan charges for it`
      : below
          .map(
            (f) =>
              `${costSentence(name(f.name), f.verdict)}${f.verdict.status === 'under water' ? ' (it loses money on its own)' : ''}; ${fixSentence(f.verdict, target, name(f.floor.model))}`,
          )
          .join('. '),
  ]);
  const saving = (f: WhatifFeatureData) => f.floor.savingPerMonthUsd;
  const levers = d.features.filter((f) => saving(f) > 0n).sort((a, b) => (saving(b) > saving(a) ? 1 : saving(b) < saving(a) ? -1 : 0));
  if (levers.length > 0) {
    const f = levers[0];
    const after = t.marginUsd + saving(f);
    lines.push([
      'Top lever',
      `move ${name(f.name)} to its token floor (${name(f.floor.model)}${f.floor.via === 'model' ? ' with the best stated caching and batching' : ''}): saves ${formatUsd(saving(f))} a month, margin ${pctOf(t.marginUsd, t.revenueUsd)} -> ${pctOf(after, t.revenueUsd)}`,
    ]);
  } else lines.push(['Top lever', 'none within the file: every feature already runs at its token floor']);
  return lines;
}

function summaryLines(d: WhatifData): Array<[string, string]> {
  const t = d.totals;
  const pct = fraction(t.marginUsd, t.revenueUsd);
  const lines: Array<[string, string]> = [
    ['Price point', priceText(d)],
    ['Revenue/month', formatUsd(t.revenueUsd)],
    ['Cost/month', `${formatUsd(t.costUsd)} (tokens ${formatUsd(t.tokenCostUsd)}, non-token ${formatUsd(t.nonTokenCostUsd)})`],
    ['Gross margin/month', `${formatUsd(t.marginUsd)}${pct === undefined ? '' : ` (${formatPct(pct)})`}`],
  ];
  if (t.costPerUserUsd !== null) lines.push(['Cost per user/month', formatUsd(t.costPerUserUsd)]);
  lines.push(['Prices in force on', d.pricesAt]);
  if (d.overrides.length) lines.push(['Overrides', d.overrides.map((o) => `--set ${o}`).join(' ')]);
  return lines;
}

/** `whatif`'s view: the report model from its typed data alone; `name` escapes names for the output format. */
export function whatifView(d: WhatifData, name: (s: string) => string = (s) => s): Report {
  const notes: string[] = [];
  for (const f of d.features) {
    const v = f.verdict;
    if (v.status !== 'under water') continue;
    const unit = v.unit === 'seat' ? 'seat' : 'request';
    notes.push(
      `warning: ${name(f.name)} loses money on every ${unit}: ${formatUsd(v.costPerUnitUsd)} cost per ${unit} vs ${formatUsd(v.chargePerUnitUsd)} charged${v.floorStatus === 'under water' ? ' (still under water at the token floor)' : ''}`,
    );
  }
  for (const f of d.features) for (const w of f.warnings) notes.push(`warning: ${name(f.name)}: ${w}`);
  notes.push(
    'Point estimates are exact (integer femto-USD); distributions enter them at their mean, rounded to a whole number; where input tokens a call cross a long-context threshold, the calls on each side pay their own tier (shares from the distribution, to 15 digits).',
  );
  const sections = [
    featureSection(d),
    floorsSection(d, name),
    leverSection(d, name),
    volumeSection(d),
    sensitivitySection(d, name),
    bandsSection(d),
    assumptionsSection(d.assumptions, name),
  ].filter((s): s is Section => s !== undefined);
  return {
    title: `What-if: ${name(d.product.name)} (${name(d.file)})`,
    summary: [...bottomLine(d, name), ...summaryLines(d)],
    sections,
    notes,
    data: { command: 'whatif', document: d },
    primarySection: 'features',
  };
}

/** The typed data of a computed result, with its bottom line (raw names, as JSON has them). */
export function whatifDocument(r: WhatifResult, ctx: WhatifDataContext): WhatifData {
  const d = whatifData(r, ctx);
  return { ...d, bottomLine: bottomLine(d, (x) => x).map(([label, text]) => ({ label, text })) };
}

export function whatifReport(r: WhatifResult, ctx: ReportContext): Report {
  return whatifView(whatifDocument(r, ctx), ctx.name);
}
