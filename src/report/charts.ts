/**
 * Charts from a report's own sections: the pictures quote the same cells as the tables (built at
 * the output boundary, after a command made its sections), so a chart can never disagree with its
 * table, and a command's internals stay untouched. Exact amounts travel as the table's text; the
 * double in `value` only positions a mark. A few charts read the command's data instead, where no
 * section holds the amounts (report's distribution) or the data is the plain source (simulate's
 * semantic-cache threshold curve, the same amounts as its table).
 */
import { decimalToScaled, femtoToUsdNumber } from '../pricing/money.js';
import { ExactDecimal } from './json.js';
import { documentJsonAt } from './data.js';
import { humanCell } from './cells.js';
import { distinctLabels } from './chart-labels.js';
import type { Cell, Chart, ChartPoint, Report, Section } from './model.js';

export type ChartedCommand = 'report' | 'simulate' | 'whatif' | 'estimate' | 'check';

/** Series drawn in a stack before the rest is summed into one "other" series (legends stay readable). */
const MAX_SERIES = 6;
/** Bars in a category chart before the rest are left out (the table beside says so). */
const MAX_BARS = 15;

const TIME_DIMS = new Set(['day', 'week', 'month']);
/** The key of the series the smaller ones are summed into (no tuple of names is written so). */
const OTHER = '';

const usd = (v: Cell): number | undefined => (typeof v === 'bigint' ? femtoToUsdNumber(v) : undefined);

function section(report: Report, id: string): Section | undefined {
  return report.sections.find((s) => s.id === id);
}

/** A USD point from a cell; undefined when unpriced or not an amount (left out of the chart, kept in the table). */
function usdPoint(x: string | number, v: Cell, series?: string): ChartPoint | undefined {
  const value = usd(v);
  return value === undefined ? undefined : { x, series, value, text: humanCell(v, 'usd') };
}

const defined = <T>(xs: Array<T | undefined>): T[] => xs.filter((x): x is T => x !== undefined);

function leftOut(shown: number, total: number, what: string): string | undefined {
  return total > shown ? `The ${shown} largest of ${total} ${what}; the tables below have them all.` : undefined;
}

/** report: spend by group (over time, stacked by the other dimension, when grouped by day/week/month). */
function spendChart(report: Report): Chart | undefined {
  const s = section(report, 'groups');
  if (!s || s.rows.length === 0) return undefined;
  const dims = s.columns
    .slice(
      0,
      s.columns.findIndex((c) => c.key === 'requests'),
    )
    .map((c) => c.key);
  if (dims.length === 0) return undefined;
  const labelOf = (key: string) => s.columns.find((c) => c.key === key)?.label ?? key;
  const time = dims.find((d) => TIME_DIMS.has(d));
  const rows = s.rows.filter((r) => typeof r.cost === 'bigint');
  if (time) {
    const others = dims.filter((d) => d !== time);
    // a series is one combination of the other dimensions (its cells as a tuple: "a / b" + "c" and
    // "a" + "b / c" are two series), its label their names joined, made distinct
    const seriesOf = (r: Section['rows'][number]) => (others.length ? JSON.stringify(others.map((d) => String(r[d] ?? ''))) : undefined);
    // the largest series by total, the rest summed as "other"
    const totals = new Map<string, bigint>();
    for (const r of rows) {
      const k = seriesOf(r);
      if (k !== undefined) totals.set(k, (totals.get(k) ?? 0n) + (r.cost as bigint));
    }
    const kept = [...totals.entries()]
      .sort((a, b) => (a[1] === b[1] ? 0 : a[1] > b[1] ? -1 : 1))
      .slice(0, totals.size > MAX_SERIES ? MAX_SERIES - 1 : MAX_SERIES)
      .map(([k]) => k);
    const keys = totals.size > kept.length ? [...kept, OTHER] : kept;
    const names = distinctLabels(keys.map((k) => (k === OTHER ? 'other' : (JSON.parse(k) as string[]).join(' / '))));
    const labelOfSeries = new Map(keys.map((k, i) => [k, names[i]]));
    const sums = new Map<string, { x: string; series?: string; femto: bigint }>();
    for (const r of rows) {
      const raw = seriesOf(r);
      const series = raw === undefined ? undefined : (labelOfSeries.get(raw) ?? labelOfSeries.get(OTHER));
      const x = String(r[time] ?? '');
      const key = `${x}\u0000${series ?? ''}`;
      const at = sums.get(key) ?? { x, series, femto: 0n };
      at.femto += r.cost as bigint;
      sums.set(key, at);
    }
    const points = [...sums.values()]
      .sort((a, b) => (a.x < b.x ? -1 : a.x > b.x ? 1 : 0))
      .map((p) => usdPoint(p.x, p.femto, p.series))
      .filter((p): p is ChartPoint => p !== undefined);
    return {
      id: 'spend-over-time',
      title: `Spend by ${labelOf(time).toLowerCase()}${others.length ? `, stacked by ${others.map((d) => labelOf(d).toLowerCase()).join(' / ')}` : ''}`,
      kind: 'stacked-bar',
      xLabel: labelOf(time),
      yLabel: 'Spend (USD)',
      seriesLabel: others.length ? others.map(labelOf).join(' / ') : undefined,
      points,
      note:
        totals.size > kept.length
          ? `The ${kept.length} largest of ${totals.size} series; the rest are summed as "${labelOfSeries.get(OTHER)}".`
          : undefined,
    };
  }
  const shown = rows.slice(0, MAX_BARS);
  const labels = distinctLabels(shown.map((r) => dims.map((d) => String(r[d] ?? '')).join(' / ')));
  return {
    id: 'spend-by-group',
    title: `Spend by ${dims.map((d) => labelOf(d).toLowerCase()).join(' and ')}`,
    kind: 'bar',
    xLabel: dims.map(labelOf).join(' / '),
    yLabel: 'Spend (USD)',
    points: defined(shown.map((r, i) => usdPoint(labels[i], r.cost))),
    note: leftOut(shown.length, rows.length, 'groups'),
  };
}

/** A USD amount from the command's JSON document (a number, exact digits, or null) as femto. */
function jsonFemto(v: unknown): bigint | undefined {
  if (v instanceof ExactDecimal) return decimalToScaled(v.digits, 15);
  return typeof v === 'number' && Number.isFinite(v) ? decimalToScaled(v, 15) : undefined;
}

const field = (doc: unknown, ...path: string[]): unknown =>
  path.reduce<unknown>(
    (at, k) => (at !== null && typeof at === 'object' && Object.hasOwn(at, k) ? (at as Record<string, unknown>)[k] : undefined),
    doc,
  );

/** report: the cost-per-request distribution and the caching account, from the command's JSON (no section holds them as amounts). */
function reportJsonCharts(report: Report): Chart[] {
  const charts: Chart[] = [];
  const dist = documentJsonAt(report.data, 'unitEconomics', 'costPerRequestDistributionUsd');
  const quantiles: Array<[string, string]> = [
    ['p50', 'median (p50)'],
    ['p90', 'p90'],
    ['p99', 'p99'],
    ['max', 'most expensive'],
  ];
  const distPoints = defined(quantiles.map(([k, label]) => usdPoint(label, jsonFemto(field(dist, k)) ?? null)));
  if (distPoints.length)
    charts.push({
      id: 'cost-per-request',
      title: 'Cost per request: how it is spread',
      kind: 'bar',
      xLabel: 'Request at',
      yLabel: 'Cost per request (USD)',
      points: distPoints,
      note: 'Percentiles of priced requests (a streaming sketch, within 1%).',
    });
  const caching = documentJsonAt(report.data, 'caching');
  const cachePoints = defined([
    usdPoint('cost without caching', jsonFemto(field(caching, 'costWithoutCachingUsd')) ?? null),
    usdPoint('saved by cache reads', jsonFemto(field(caching, 'savedUsd')) ?? null),
    usdPoint('cache writes never read', jsonFemto(field(caching, 'writesNeverRead', 'costUsd')) ?? null),
  ]);
  if (cachePoints.length === 3 && cachePoints[0].value > 0)
    charts.push({
      id: 'caching',
      title: 'Caching: what it saved, and writes paid for but never read',
      kind: 'bar',
      xLabel: 'Amount',
      yLabel: 'USD over the logs',
      points: cachePoints,
    });
  return charts;
}

function reportCharts(report: Report): Chart[] {
  const charts: Chart[] = [];
  const spend = spendChart(report);
  if (spend) charts.push(spend);
  charts.push(...reportJsonCharts(report));
  const components = section(report, 'components');
  if (components?.rows.length)
    charts.push({
      id: 'components',
      title: 'Where the money goes: spend by token kind',
      kind: 'bar',
      xLabel: 'Token kind',
      yLabel: 'Spend (USD)',
      points: defined(components.rows.map((r) => usdPoint(String(r.component), r.cost))),
    });
  const turns = section(report, 'turns');
  if (turns?.rows.length)
    charts.push({
      id: 'context-tax',
      title: 'Context-window tax: mean cost of a request by conversation turn',
      kind: 'line',
      xLabel: 'Turn in the conversation',
      yLabel: 'Mean cost per request (USD)',
      points: defined(turns.rows.map((r) => (typeof r.turn === 'number' ? usdPoint(r.turn, r.avgCost) : undefined))),
    });
  return charts;
}

function simulateCharts(report: Report): Chart[] {
  const charts: Chart[] = [];
  const waterfall = section(report, 'waterfall');
  const scenarios = [...new Set((waterfall?.rows ?? []).map((r) => String(r.scenario)))];
  for (const name of scenarios) {
    const rows = waterfall!.rows.filter((r) => String(r.scenario) === name);
    const points = defined(
      rows.map((r) => {
        if (r.lever === 'total') return usdPoint('after all levers', r.after);
        if (r.step === 0) return usdPoint(String(r.lever), r.after);
        // a lever's bar is its change in cost: minus the saving; numbered, as a lever may appear twice
        return typeof r.saving === 'bigint'
          ? { x: `${String(r.step)}. ${String(r.lever)}`, value: -femtoToUsdNumber(r.saving), text: humanCell(-r.saving, 'usd') }
          : undefined;
      }),
    );
    if (points.length >= 2)
      charts.push({
        id: `waterfall-${name}`,
        title: `Scenario ${name}: cost from baseline to after all levers`,
        kind: 'waterfall',
        xLabel: 'Step',
        yLabel: 'Cost over the logs (USD)',
        points,
        note: 'Each lever bar spans the cost before and after it; lighter bars are savings, orange ones added cost.',
      });
  }
  const curve = section(report, 'volume-curve');
  if (curve?.rows.length)
    charts.push({
      id: 'volume-curve',
      title: 'Cost as traffic grows, with and without the levers',
      kind: 'line',
      xLabel: 'Traffic (multiple of the logs)',
      yLabel: 'Cost (USD)',
      seriesLabel: 'Cost',
      points: defined(
        curve.rows.flatMap((r, i) =>
          typeof r.k === 'number'
            ? [
                // the baseline at k is the logs scaled: one line, drawn once even when several scenarios have a curve
                curve.rows.findIndex((o) => o.k === r.k) === i ? usdPoint(r.k, r.baseline, 'baseline') : undefined,
                usdPoint(r.k, r.total, `with levers (${String(r.scenario)})`),
              ]
            : [],
        ),
      ),
    });
  // the semantic cache's threshold curve, from the typed data (a scenario with two semantic caches: one chart each)
  if (report.data.command === 'simulate')
    for (const sc of report.data.document.scenarios) {
      const curves = sc.waterfall.flatMap((w) => (w.details?.lever === 'semanticCache' ? [{ name: w.name, curve: w.details.curve }] : []));
      for (const c of curves)
        charts.push({
          id: curves.length > 1 ? `semantic-${sc.name}-${c.name}` : `semantic-${sc.name}`,
          title: `Semantic cache (${curves.length > 1 ? `${sc.name} / ${c.name}` : sc.name}): net saving by similarity threshold`,
          kind: 'line',
          xLabel: 'Similarity threshold',
          yLabel: 'Net saving (USD)',
          points: defined(c.curve.map((p) => usdPoint(p.threshold, p.netUsd))),
        });
    }
  return charts;
}

function whatifCharts(report: Report): Chart[] {
  const charts: Chart[] = [];
  const sens = section(report, 'sensitivity');
  if (sens?.rows.length) {
    const rows = sens.rows
      .filter((r) => typeof r.marginLow === 'bigint' && typeof r.marginHigh === 'bigint')
      .map((r) => ({ r, swing: Math.abs(usd(r.marginHigh)! - usd(r.marginLow)!) }))
      .sort((a, b) => b.swing - a.swing)
      .slice(0, MAX_BARS);
    const labels = distinctLabels(rows.map(({ r }) => String(r.assumption)));
    charts.push({
      id: 'tornado',
      title: 'Sensitivity: change in monthly margin when one assumption moves to its low or high value',
      kind: 'grouped-bar',
      xLabel: 'Assumption',
      yLabel: 'Change in margin per month (USD)',
      seriesLabel: 'Assumption at',
      points: rows.flatMap(({ r }, i) => defined([usdPoint(labels[i], r.marginLow, 'low'), usdPoint(labels[i], r.marginHigh, 'high')])),
      note: leftOut(rows.length, sens.rows.length, 'assumptions, by swing'),
    });
  }
  const customers = section(report, 'customers');
  if (customers?.rows.length) {
    const rows = customers.rows.slice(0, MAX_BARS);
    const labels = distinctLabels(rows.map((r) => String(r.customer)));
    charts.push({
      id: 'margin-per-customer',
      title: 'Margin per customer (revenue minus token cost)',
      kind: 'bar',
      xLabel: 'Customer',
      yLabel: 'Margin (USD)',
      points: defined(rows.map((r, i) => usdPoint(labels[i], r.margin))),
      note: leftOut(rows.length, customers.rows.length, 'customers'),
    });
  }
  const features = section(report, 'features');
  if (features?.rows.length) {
    const rows = features.rows.slice(0, MAX_BARS);
    const labels = distinctLabels(rows.map((r) => String(r.feature)));
    charts.push({
      id: 'cost-per-feature',
      title: 'Cost per month by feature',
      kind: 'bar',
      xLabel: 'Feature',
      yLabel: 'Cost per month (USD)',
      points: defined(rows.map((r, i) => usdPoint(labels[i], r.cost))),
      note: leftOut(rows.length, features.rows.length, 'features'),
    });
  }
  return charts;
}

function estimateCharts(report: Report): Chart[] {
  const cost = section(report, 'cost');
  if (!cost?.rows.length) return [];
  const prompts = new Set(cost.rows.map((r) => String(r.prompt)));
  const rows = cost.rows.slice(0, MAX_BARS);
  const labels = distinctLabels(rows.map((r) => (prompts.size > 1 ? `${String(r.prompt)} / ${String(r.model)}` : String(r.model))));
  return [
    {
      id: 'estimate-monthly',
      title: 'Estimated cost per month, without and with prompt caching',
      kind: 'grouped-bar',
      xLabel: prompts.size > 1 ? 'Prompt / model' : 'Model',
      yLabel: 'Cost per month (USD)',
      seriesLabel: 'Caching',
      points: rows.flatMap((r, i) =>
        defined([usdPoint(labels[i], r.monthNoCache, 'no cache'), usdPoint(labels[i], r.monthCached, 'cached')]),
      ),
      note: leftOut(rows.length, cost.rows.length, 'prompt/model pairs'),
    },
  ];
}

function checkCharts(report: Report): Chart[] {
  const prompts = section(report, 'prompts');
  if (!prompts?.rows.length) return [];
  const hasBase = prompts.columns.some((c) => c.key === 'beforeMonth');
  const rows = prompts.rows.slice(0, MAX_BARS);
  const labels = distinctLabels(rows.map((r) => String(r.prompt)));
  return [
    {
      id: 'check-before-after',
      title: hasBase ? 'Cost per month by prompt: baseline and this change' : 'Cost per month by prompt',
      kind: 'grouped-bar',
      xLabel: 'Prompt',
      yLabel: 'Cost per month (USD)',
      seriesLabel: 'Version',
      points: rows.flatMap((r, i) =>
        defined([hasBase ? usdPoint(labels[i], r.beforeMonth, 'baseline') : undefined, usdPoint(labels[i], r.afterMonth, 'this change')]),
      ),
      note: leftOut(rows.length, prompts.rows.length, 'prompts'),
    },
  ];
}

const BUILDERS: Record<ChartedCommand, (r: Report) => Chart[]> = {
  report: reportCharts,
  simulate: simulateCharts,
  whatif: whatifCharts,
  estimate: estimateCharts,
  check: checkCharts,
};

/** The report with its charts: built from its sections, empty charts dropped. */
export function withCharts(command: ChartedCommand, report: Report): Report {
  return { ...report, charts: BUILDERS[command](report).filter((c) => c.points.length > 0) };
}
