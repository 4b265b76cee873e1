/**
 * A chart's categories are its labels: two different groups whose labels read alike were drawn as
 * one bar of their sum (Vega stacks bars that share a band) and listed as one row of the table
 * beside the chart, which showed only the last one's amount.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { distinctLabels } from '../../src/report/chart-labels.js';
import { vegaLiteSpec } from '../../src/report/formats/chart-svg.js';
import type { Chart } from '../../src/report/model.js';
import { runCli } from '../cli/harness.js';

const dir = mkdtempSync(join(tmpdir(), 'tokenomics-chart-labels-'));

/** One OpenAI chat completion of `input` gpt-4o-mini input tokens (and no output), for a feature and customer, on day 1 or 2. */
function request(i: number, feature: string, customer: string, input: number, day = 1): string {
  const model = 'gpt-4o-mini';
  return JSON.stringify({
    timestamp: `2026-10-0${day}T00:${String(i).padStart(2, '0')}:00Z`,
    request: { model, metadata: { feature, customer } },
    response: {
      id: `r${i}`,
      object: 'chat.completion',
      model,
      choices: [{ index: 0, message: { role: 'assistant', content: 'ok' }, finish_reason: 'stop' }],
      usage: { prompt_tokens: input, completion_tokens: 0, total_tokens: input },
    },
  });
}

/** The numbers table beside a chart in the page: [label, amount text] per row. */
function numbersRows(html: string, chartId: string): string[][] {
  const block = html.slice(html.indexOf(`data-chart="${chartId}"`));
  const table = block.slice(block.indexOf('<table class="chart-data">'), block.indexOf('</table>'));
  return [...table.matchAll(/<tr><th scope="row"[^>]*>([^<]*)<\/th>((?:<td[^>]*>[^<]*<\/td>)+)<\/tr>/g)].map((m) => [
    m[1],
    ...[...m[2].matchAll(/<td[^>]*>([^<]*)<\/td>/g)].map((c) => c[1]),
  ]);
}

/** The series (column heads) of the numbers table beside the spend-over-time chart. */
function seriesHeads(html: string): string[] {
  const head = /data-chart="spend-over-time"[\s\S]*?<thead><tr>(.*?)<\/tr><\/thead>/.exec(html)![1];
  return [...head.matchAll(/<th scope="col" class="num">([^<]*)<\/th>/g)].map((m) => m[1]);
}

describe('chart labels', () => {
  it('distinctLabels numbers a repeated label, never taking another thing’s own label', () => {
    expect(distinctLabels(['a', 'b', 'a', 'a'])).toEqual(['a', 'b', 'a (2)', 'a (3)']);
    // "a (2)" is a third thing's own name: the repeated "a" becomes "a (3)"
    expect(distinctLabels(['a', 'a', 'a (2)'])).toEqual(['a', 'a (3)', 'a (2)']);
    expect(distinctLabels(['x', 'y'])).toEqual(['x', 'y']);
  });

  it('report --by feature,customer: groups "a / b"+"c" and "a"+"b / c" are two bars and two rows, each its own amount', async () => {
    // gpt-4o-mini input $0.15 per million tokens:
    //   "a / b" + "c":  100,000 tokens -> $0.015
    //   "a" + "b / c":   20,000 tokens -> $0.003
    const logs = join(dir, 'joined.jsonl');
    writeFileSync(logs, [request(1, 'a / b', 'c', 100_000), request(2, 'a', 'b / c', 20_000)].join('\n') + '\n');
    const out = await runCli(['report', logs, '--by', 'feature,customer', '--format', 'html', '-q']);
    expect(out.code, out.stderr).toBe(0);
    // before: one row "a / b / c" of $0.003 (the last written), and one bar of $0.018 (both stacked)
    expect(numbersRows(out.stdout, 'spend-by-group')).toEqual([
      ['a / b / c', '$0.015'],
      ['a / b / c (2)', '$0.003'],
    ]);
  });

  it('report --by day,feature,customer: series "a / b"+"c" and "a"+"b / c" are two series', async () => {
    // day 1: "a / b"+"c" 100,000 tokens -> $0.015; day 2: "a"+"b / c" 20,000 tokens -> $0.003 (at $0.15/MTok)
    const logs = join(dir, 'series.jsonl');
    writeFileSync(logs, [request(1, 'a / b', 'c', 100_000, 1), request(2, 'a', 'b / c', 20_000, 2)].join('\n') + '\n');
    const out = await runCli(['report', logs, '--by', 'day,feature,customer', '--format', 'html', '-q']);
    expect(out.code, out.stderr).toBe(0);
    // before: one series "a / b / c" with $0.015 on day 1 and $0.003 on day 2
    expect(seriesHeads(out.stdout)).toEqual(['a / b / c', 'a / b / c (2)']);
    expect(numbersRows(out.stdout, 'spend-over-time')).toEqual([
      ['2026-10-01', '$0.015', ''],
      ['2026-10-02', '', '$0.003'],
    ]);
  });

  it('report --by day,feature: a feature named "other" is not the summed rest', async () => {
    // 7 features: the 5 largest kept ("other" among them), the 2 smallest summed as the rest
    //   tokens:  f1 700k, f2 600k, other 500k, f4 400k, f5 300k | f6 200k, f7 100k (day 1 | day 2)
    //   at $0.15/MTok: $0.105, $0.09, $0.075, $0.06, $0.045 | rest: $0.03 (f6, day 1) and $0.015 (f7, day 2)
    const rows = [
      ['f1', 700_000, 1],
      ['f2', 600_000, 1],
      ['other', 500_000, 1],
      ['f4', 400_000, 1],
      ['f5', 300_000, 1],
      ['f6', 200_000, 1],
      ['f7', 100_000, 2],
    ] as const;
    const logs = join(dir, 'other.jsonl');
    writeFileSync(logs, rows.map(([f, n, day], i) => request(i, f, 'z', n, day)).join('\n') + '\n');
    const out = await runCli(['report', logs, '--by', 'day,feature', '--format', 'html', '-q']);
    expect(out.code, out.stderr).toBe(0);
    // before: one series "other" of $0.075 + $0.03 = $0.105 on day 1
    expect(seriesHeads(out.stdout)).toEqual(['f1', 'f2', 'other', 'f4', 'f5', 'other (2)']);
    expect(numbersRows(out.stdout, 'spend-over-time')).toEqual([
      ['2026-10-01', '$0.105', '$0.09', '$0.075', '$0.06', '$0.045', '$0.03'],
      ['2026-10-02', '', '', '', '', '', '$0.015'],
    ]);
    expect(out.stdout).toContain('the rest are summed as &quot;other (2)&quot;');
  });

  it('two long names cut at the same place are drawn as two categories', () => {
    const long = 'x'.repeat(70);
    const chart: Chart = {
      id: 'c',
      title: 'Spend',
      kind: 'bar',
      xLabel: 'Feature',
      yLabel: 'Spend (USD)',
      points: [
        { x: `${long}1`, value: 2, text: '$2.00' },
        { x: `${long}2`, value: 1, text: '$1.00' },
      ],
    };
    const values = (vegaLiteSpec(chart).data as { values: Array<{ x: string }> }).values;
    // both cut to 59 characters and "…"; the second numbered
    expect(values.map((v) => v.x)).toEqual([`${'x'.repeat(59)}…`, `${'x'.repeat(59)}… (2)`]);
  });
});

describe('a chart SVG has an accessible name', () => {
  it('the chart description, escaped, on the root element (Vega leaves it out of its headless SVG)', async () => {
    const { chartSvg } = await import('../../src/report/formats/chart-svg.js');
    const chart: Chart = {
      id: 'spend',
      kind: 'bar',
      title: 'Spend by "feature" <b>',
      xLabel: 'feature',
      yLabel: 'cost (USD)',
      points: [{ x: 'a', value: 1, text: '$1.00' }],
    } as Chart;
    const svg = await chartSvg(chart);
    const root = svg.slice(0, svg.indexOf('>') + 1);
    expect(root).toContain('role="graphics-document document"');
    expect(root).toContain('aria-label="Spend by &quot;feature&quot; &lt;b&gt;: cost (USD) by feature"');
  });
});

describe('a legend title from the data is drawn inert', () => {
  // the legend title is the series' dimension (`--by day,tag:NAME`) or any text of a saved report: a bidi
  // override (U+202E) drawn raw reversed the title and every label after it, an ESC reached the page as is
  const hostile = 'tag:ab\u202ecd\u001b[31m';
  const base = { id: 'c', title: 'Spend', xLabel: 'Day', yLabel: 'Spend (USD)', seriesLabel: hostile };
  const charts: Chart[] = [
    {
      ...base,
      kind: 'stacked-bar',
      points: [
        { x: '2026-10-01', series: 'a', value: 1, text: '$1.00' },
        { x: '2026-10-01', series: 'b', value: 2, text: '$2.00' },
      ],
    },
    {
      ...base,
      kind: 'line',
      points: [
        { x: 1, series: 'a', value: 1, text: '$1.00' },
        { x: 2, series: 'a', value: 2, text: '$2.00' },
      ],
    },
  ];
  for (const chart of charts)
    it(`${chart.kind}: the title as escapes, in the legend and its accessible name`, async () => {
      const { chartSvg } = await import('../../src/report/formats/chart-svg.js');
      const svg = await chartSvg(chart);
      expect(svg).not.toMatch(/[\u202e\u001b]/);
      // inert writes U+202E as the six characters \u202e and ESC as \x1b (Vega cuts the drawn title to its width with …)
      expect(svg).toContain('>tag:ab\\u202ecd\\x1');
      expect(svg).toContain("legend titled 'tag:ab\\u202ecd\\x1b[31m'");
    });
});
