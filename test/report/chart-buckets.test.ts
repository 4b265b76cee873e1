/**
 * A stacked-bar chart with more categories than it can draw side by side (a report by day over years)
 * draws runs of consecutive days summed into one bar each; the table beside keeps every day.
 */
import { describe, expect, it } from 'vitest';
import { drawnPoints, MAX_DRAWN_BARS, vegaLiteSpec } from '../../src/report/formats/chart-svg.js';
import { toHtml } from '../../src/report/formats/html.js';
import type { Chart, ChartPoint } from '../../src/report/model.js';

const DAY = 86_400_000;
const dayOf = (i: number) => new Date(Date.UTC(2017, 0, 1) + i * DAY).toISOString().slice(0, 10);

/** `days` days from 2017-01-01, six customers; customer c spends $0.00(c+1) a day. */
function dailyChart(days: number): Chart {
  const points: ChartPoint[] = [];
  for (let i = 0; i < days; i++)
    for (let c = 0; c < 6; c++) points.push({ x: dayOf(i), series: `cust${c}`, value: (c + 1) / 1000, text: `$0.00${c + 1}` });
  return {
    id: 'spend-over-time',
    title: 'Spend by day',
    kind: 'stacked-bar',
    xLabel: 'Day',
    yLabel: 'Spend (USD)',
    seriesLabel: 'Customer',
    points,
  };
}

describe('a stacked-bar chart of thousands of days', () => {
  it('draws at most MAX_DRAWN_BARS bars, each the exact sum of a run of days per series', () => {
    // 3,334 days x 6 customers = 20,004 points. 420 px / 3 = 140 bars at most: ceil(3334 / 140) = 24 days a bar,
    // ceil(3334 / 24) = 139 bars, the last of 3334 - 138 x 24 = 22 days
    expect(MAX_DRAWN_BARS).toBe(140);
    const chart = dailyChart(3334);
    const { points, perBar, categories } = drawnPoints(chart);
    expect([perBar, categories]).toEqual([24, 3334]);
    expect(points).toHaveLength(139 * 6);
    // the first bar: 2017-01-01 (day 0) to 2017-01-24 (day 23); cust0 24 x $0.001 = $0.024, cust5 24 x $0.006 = $0.144
    expect(points[0]).toEqual({ x: '2017-01-01 to 2017-01-24', series: 'cust0', value: 0.024, text: '$0.024' });
    expect(points[5]).toEqual({ x: '2017-01-01 to 2017-01-24', series: 'cust5', value: 0.144, text: '$0.144' });
    // the last bar: days 3312..3333, 22 days: cust2 22 x $0.003 = $0.066
    const last = points.filter((p) => p.x === `${dayOf(3312)} to ${dayOf(3333)}`);
    expect(last.map((p) => p.text)).toEqual(['$0.022', '$0.044', '$0.066', '$0.088', '$0.11', '$0.132']);
    // nothing lost: 3,334 days x ($0.001 + ... + $0.006 = $0.021) = $70.014 in all
    const totalFemto = points.reduce((s, p) => s + BigInt(Math.round(p.value * 1e6)), 0n);
    expect(totalFemto).toBe(70_014_000n);
    // the spec Vega draws holds those bars, not 20,004 points
    expect((vegaLiteSpec(chart).data as { values: unknown[] }).values).toHaveLength(139 * 6);
  });

  it('draws each day when they fit, and keeps every day in the table beside the chart', async () => {
    const month = dailyChart(140);
    expect(drawnPoints(month)).toEqual({ points: month.points, perBar: 1, categories: 140 });
    const html = await toHtml({ title: 't', summary: [], sections: [], notes: [], charts: [dailyChart(141)] } as never);
    // 141 days: 2 a bar; the caption says so, and the numbers table has all 141 rows
    expect(html).toContain('141 bars are too many to draw one by one: each bar sums 2 in a row');
    expect(html.match(/<tr><th scope="row"/g)).toHaveLength(141);
  }, 60_000);
});
