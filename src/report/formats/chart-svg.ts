/**
 * Charts to SVG at report time, with Vega-Lite compiled to Vega and rendered headless
 * (renderer 'none', view.toSVG()): no browser, no canvas package, and the file opened later needs
 * no script. Loaded only by the html formatter (a dynamic import), so tables never pay for it.
 *
 * Accessible by construction: every chart has a heading (in the page), axis titles with units, a description as
 * the SVG's accessible name (chartSvg), colours at least 3:1 against the background whose grey levels alternate dark/mid (a stack stays readable
 * printed in greyscale, and segments are split by white lines), and the numbers beside it in a table.
 */
import { inert, inertHtml } from '../../core/untrusted.js';
import { distinctLabels } from '../chart-labels.js';
import { decimalToScaled, femtoToUsdNumber, formatUsd } from '../../pricing/money.js';
import type { Chart, ChartPoint } from '../model.js';

/**
 * Dark and mid tones alternate, so neighbours in a stack differ in grey level (at least 2.3:1), not
 * only in hue; every colour is at least 3:1 against the white background (WCAG 2.2 non-text contrast,
 * https://www.w3.org/WAI/WCAG22/Understanding/non-text-contrast.html), so a lone light bar never fades.
 */
export const PALETTE = ['#1f3d7a', '#c47f1f', '#1e5c4f', '#8c8c8c', '#7a2e3b', '#4a90c2', '#333333', '#a8860e'];
/** Longest category label drawn on an axis, in pixels (the table beside the chart has the full name). */
const LABEL_LIMIT = 210;
const WIDTH = 420;

type Spec = Record<string, unknown>;

/** Longest name from the data drawn on an axis or in a legend, in characters. */
const NAME_CHARS = 60;

/**
 * Names from the data as drawn: control characters visible, length capped, and two different names
 * never drawn alike (cut at the same place they would be one band, their bars stacked as one).
 */
function shownNames(names: ReadonlyArray<string | number>): (name: string | number) => string | number {
  const texts = [...new Set(names.filter((n): n is string => typeof n === 'string'))];
  const shown = distinctLabels(texts.map((t) => inert(t, NAME_CHARS)));
  const of = new Map(texts.map((t, i) => [t, shown[i]]));
  return (n) => (typeof n === 'string' ? (of.get(n) ?? inert(n, NAME_CHARS)) : n);
}

function waterfallRows(chart: Chart, name: (x: string | number) => string | number): Array<Record<string, unknown>> {
  let running = 0;
  return chart.points.map((p, i) => {
    const total = i === 0 || i === chart.points.length - 1;
    const start = total ? 0 : running;
    const end = total ? p.value : running + p.value;
    running = end;
    const step = total ? 'total' : p.value <= 0 ? 'saving' : 'increase';
    return { x: name(p.x), start, end, step, text: p.text, desc: `${name(p.x)}: ${p.text}` };
  });
}

/**
 * Most bars a stacked-bar chart draws side by side (3 px each at WIDTH). A report by day over years has
 * thousands of days (x 6 series: 20,000 rectangles, seconds to draw and megabytes of SVG for bars a tenth
 * of a pixel wide); past this, runs of consecutive categories are summed into one bar each.
 */
export const MAX_DRAWN_BARS = Math.floor(WIDTH / 3);

/**
 * A chart's points as drawn, and how many categories each drawn bar sums (1: each its own). A stacked-bar
 * chart with more categories than MAX_DRAWN_BARS draws `perBar` consecutive ones (in the points' order: by
 * time) as one bar per series, its label `first to last`, its amount their sum: each point's value is an
 * amount to 1e-12 USD (femtoToUsdNumber), read back exactly and summed as an integer, so the bar's text has no
 * float artifact. The table beside the chart keeps every point.
 */
export function drawnPoints(chart: Chart): { points: ChartPoint[]; perBar: number; categories: number } {
  const xs = [...new Set(chart.points.map((p) => String(p.x)))];
  if (chart.kind !== 'stacked-bar' || xs.length <= MAX_DRAWN_BARS) return { points: chart.points, perBar: 1, categories: xs.length };
  const perBar = Math.ceil(xs.length / MAX_DRAWN_BARS);
  const bucketOf = new Map(xs.map((x, i) => [x, Math.floor(i / perBar)]));
  const labels = Array.from({ length: Math.ceil(xs.length / perBar) }, (_, b) => {
    const run = xs.slice(b * perBar, (b + 1) * perBar);
    return run.length === 1 ? run[0] : `${run[0]} to ${run[run.length - 1]}`;
  });
  const sums = new Map<string, { bucket: number; series?: string; femto: bigint }>();
  for (const p of chart.points) {
    const bucket = bucketOf.get(String(p.x))!;
    const key = `${bucket}\u0000${p.series ?? ''}`;
    const at = sums.get(key) ?? { bucket, series: p.series, femto: 0n };
    at.femto += decimalToScaled(p.value, 15);
    sums.set(key, at);
  }
  const points = [...sums.values()]
    .sort((a, b) => a.bucket - b.bucket)
    .map((s) => ({ x: labels[s.bucket], series: s.series, value: femtoToUsdNumber(s.femto), text: formatUsd(s.femto) }));
  return { points, perBar, categories: xs.length };
}

export function vegaLiteSpec(chart: Chart): Spec {
  const base: Spec = {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    description: `${inert(chart.title, 120)}: ${inert(chart.yLabel, 60)} by ${inert(chart.xLabel, 60)}`,
    background: 'white',
    config: {
      font: 'Helvetica, Arial, sans-serif',
      axis: { labelFontSize: 11, titleFontSize: 12, labelLimit: LABEL_LIMIT },
      legend: { labelFontSize: 11, titleFontSize: 12, labelLimit: 2 * LABEL_LIMIT, orient: 'bottom', direction: 'vertical' },
      range: { category: PALETTE },
    },
  };
  const drawn = drawnPoints(chart).points;
  const series = drawn.some((p) => p.series !== undefined);
  const xName = shownNames(drawn.map((p) => p.x));
  const seriesName = shownNames(drawn.flatMap((p) => (p.series === undefined ? [] : [p.series])));
  const values = drawn.map((p) => ({
    x: xName(p.x),
    series: p.series === undefined ? '' : seriesName(p.series),
    value: p.value,
    text: p.text,
    desc: `${xName(p.x)}${p.series === undefined ? '' : ` (${seriesName(p.series)})`}: ${p.text}`,
  }));
  const categories = [...new Set(values.map((v) => v.x))];
  // the legend title names the series (a `--by tag:NAME` dimension, or any text of a saved report): drawn inert as the axis titles are
  const legendTitle = chart.seriesLabel === undefined ? null : inert(chart.seriesLabel, 60);
  const color = () =>
    series ? { color: { field: 'series', type: 'nominal', title: legendTitle, sort: null, scale: { range: PALETTE } } } : {};
  // each mark's aria-label comes from the data: Vega-Lite's own puts axis titles into an expression
  // string, where a backslash in a name (inert writes ESC as \\x1b) is read back as an escape
  const tooltip = [{ field: 'text', title: inert(chart.yLabel, 60) }];
  const description = { field: 'desc', type: 'nominal' };
  switch (chart.kind) {
    case 'bar':
      return {
        ...base,
        width: WIDTH,
        height: { step: 22 },
        data: { values },
        mark: { type: 'bar', color: PALETTE[0] },
        encoding: {
          y: { field: 'x', type: 'nominal', sort: null, title: inert(chart.xLabel, 60) },
          x: { field: 'value', type: 'quantitative', title: inert(chart.yLabel, 60) },
          tooltip,
          description,
        },
      };
    case 'stacked-bar':
      return {
        ...base,
        width: WIDTH,
        height: 240,
        data: { values },
        mark: { type: 'bar', stroke: 'white', strokeWidth: 0.5 },
        encoding: {
          x: { field: 'x', type: 'ordinal', sort: null, title: inert(chart.xLabel, 60), axis: { labelAngle: -45, labelOverlap: 'parity' } },
          y: { field: 'value', type: 'quantitative', stack: 'zero', title: inert(chart.yLabel, 60) },
          ...color(),
          order: { field: 'series', sort: 'ascending' },
          tooltip,
          description,
        },
      };
    case 'line':
      return {
        ...base,
        width: WIDTH,
        height: 240,
        data: { values },
        mark: { type: 'line', point: { filled: true, size: 40 }, strokeWidth: 2 },
        encoding: {
          x: { field: 'x', type: 'quantitative', title: inert(chart.xLabel, 60), scale: { zero: false } },
          y: { field: 'value', type: 'quantitative', title: inert(chart.yLabel, 60) },
          ...(series
            ? { color: { field: 'series', type: 'nominal', title: legendTitle, scale: { range: PALETTE } } }
            : { color: { value: PALETTE[0] } }),
          tooltip,
          description,
        },
      };
    case 'waterfall':
      return {
        ...base,
        width: WIDTH,
        height: { step: 26 },
        data: { values: waterfallRows(chart, xName) },
        mark: { type: 'bar', stroke: '#333', strokeWidth: 0.5 },
        encoding: {
          y: { field: 'x', type: 'nominal', sort: null, title: inert(chart.xLabel, 60) },
          x: { field: 'start', type: 'quantitative', title: inert(chart.yLabel, 60) },
          x2: { field: 'end' },
          color: {
            field: 'step',
            type: 'nominal',
            title: null,
            scale: { domain: ['total', 'saving', 'increase'], range: [PALETTE[0], PALETTE[3], PALETTE[1]] },
          },
          tooltip,
          description,
        },
      };
    case 'grouped-bar':
      return {
        ...base,
        width: WIDTH,
        height: { step: Math.max(12, 22 / Math.max(1, new Set(values.map((v) => v.series)).size)) },
        data: { values },
        mark: { type: 'bar', stroke: '#333', strokeWidth: 0.5 },
        encoding: {
          y: { field: 'x', type: 'nominal', sort: categories, title: inert(chart.xLabel, 60) },
          yOffset: { field: 'series', sort: null },
          x: { field: 'value', type: 'quantitative', title: inert(chart.yLabel, 60) },
          ...color(),
          tooltip,
          description,
        },
      };
  }
}

/**
 * The chart as an SVG document fragment (one <svg> element). Vega's headless SVG leaves the spec's
 * description out, so the root gets it as its accessible name here (a graphics document, so the
 * marks' own labels stay readable one by one, which role="img" would hide).
 */
export async function chartSvg(chart: Chart): Promise<string> {
  const [vl, vega] = await Promise.all([import('vega-lite'), import('vega')]);
  const spec = vegaLiteSpec(chart);
  const compiled = vl.compile(spec as unknown as Parameters<typeof vl.compile>[0]).spec;
  const view = new vega.View(vega.parse(compiled), { renderer: 'none' });
  try {
    const svg = await view.toSVG();
    return svg.replace(/^<svg /, `<svg role="graphics-document document" aria-label="${inertHtml(String(spec.description), 400)}" `);
  } finally {
    view.finalize();
  }
}
