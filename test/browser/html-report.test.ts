/**
 * The HTML reports in a real browser (Debian's chromium, driven by playwright-core; `npm test`
 * installs it when missing through scripts/test-services-chromium.sh). Each command's report is
 * saved as JSON, rendered to HTML with `tokenomics render` (so the round trip is covered too),
 * opened at desktop and phone width, and checked: no console error, no network request, every
 * chart in the JSON is drawn with one mark per point, its category labels on the axis, and the
 * numbers table beside it quotes each point's exact text. Screenshots go to build/screenshots/.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium, type Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Chart } from '../../src/report/model.js';
import { runCli } from '../cli/harness.js';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const OUT = resolve('build/screenshots');
const ROOT = process.cwd();

interface Case {
  name: string;
  args: string[];
  cwd?: string;
  /** Chart ids this case must draw (from the data in the fixture). */
  charts: string[];
}

const CASES: Case[] = [
  {
    name: 'report-day-model',
    args: ['report', 'fixtures/demo', '--by', 'day,model'],
    charts: ['spend-over-time', 'components', 'context-tax'],
  },
  {
    name: 'report-feature',
    args: ['report', 'fixtures/demo', '--by', 'feature'],
    charts: ['spend-by-group', 'components', 'context-tax', 'cost-per-request', 'caching'],
  },
  {
    name: 'simulate',
    args: ['simulate', 'fixtures/demo', '-s', 'fixtures/scenarios/demo.yaml'],
    charts: ['waterfall-caching', 'waterfall-full-plan', 'volume-curve', 'semantic-caching'],
  },
  { name: 'whatif', args: ['whatif', 'fixtures/whatif/acme-copilot.yaml'], charts: ['tornado', 'cost-per-feature'] },
  {
    name: 'whatif-margin',
    args: ['whatif', '--revenue', 'fixtures/whatif/revenue.csv', '--logs', 'fixtures/demo'],
    charts: ['margin-per-customer'],
  },
  { name: 'estimate', args: ['estimate', 'fixtures/prompts/support-bot.yaml'], charts: ['estimate-monthly'] },
  { name: 'check', args: ['check'], cwd: join(ROOT, 'fixtures/check'), charts: ['check-before-after'] },
];

/** Mark elements Vega draws per kind: rect paths for bars, symbol paths (one per point) for lines. */
const MARK_SELECTOR: Record<Chart['kind'], string> = {
  bar: 'g.mark-rect.role-mark > path',
  'stacked-bar': 'g.mark-rect.role-mark > path',
  'grouped-bar': 'g.mark-rect.role-mark > path',
  waterfall: 'g.mark-rect.role-mark > path',
  line: 'g.mark-symbol.role-mark > path',
};

/** The parts of a DOM table read here (the tests' tsconfig has no DOM types). */
interface Table {
  rows: ArrayLike<{ cells: ArrayLike<{ textContent: string | null }> }>;
}

let browser: Browser;

beforeAll(async () => {
  if (!existsSync(CHROMIUM))
    throw new Error(`no chromium at ${CHROMIUM}: run scripts/test-services-chromium.sh (npm test runs it) or set CHROMIUM_PATH`);
  mkdirSync(OUT, { recursive: true });
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
    ],
  });
}, 60_000);

afterAll(async () => {
  await browser?.close();
});

describe('HTML reports in chromium', () => {
  for (const c of CASES) {
    it(`${c.name}: charts drawn from the report data, nothing fetched, no console error`, async () => {
      const jsonFile = join(OUT, `${c.name}.json`);
      const htmlFile = join(OUT, `${c.name}.html`);
      const made = await runCli([...c.args, '--format', 'json', '-o', jsonFile, '-q'], { cwd: c.cwd ?? ROOT });
      expect(made.code, made.stderr).toBeLessThan(2);
      const rendered = await runCli(['render', jsonFile, '--format', 'html', '-o', htmlFile, '-q']);
      expect(rendered.code, rendered.stderr).toBe(0);
      const charts = JSON.parse(readFileSync(jsonFile, 'utf8')).report.charts as Chart[];
      expect(charts.map((x) => x.id)).toEqual(expect.arrayContaining(c.charts));

      for (const width of [1200, 390]) {
        const page = await browser.newPage({ viewport: { width, height: 900 } });
        const problems: string[] = [];
        const url = pathToFileURL(htmlFile).href;
        page.on('console', (m) => {
          if (m.type() === 'error' || m.type() === 'warning') problems.push(`console ${m.type()}: ${m.text()}`);
        });
        page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
        page.on('request', (r) => {
          if (r.url() !== url) problems.push(`request: ${r.url()}`);
        });
        await page.goto(url);
        await page.waitForLoadState('load');

        for (const chart of charts) {
          const block = page.locator(`section[data-chart="${chart.id}"]`);
          expect(await block.count(), chart.id).toBe(1);
          expect(await block.locator('h2').textContent()).toBe(chart.title);
          // one mark per point (a line chart also draws one line per series)
          expect(await block.locator(`svg ${MARK_SELECTOR[chart.kind]}`).count(), `${chart.id} marks`).toBe(chart.points.length);
          // axis titles carry the units; category labels (bars) name the points' categories
          const svgText = (await block.locator('svg text').allTextContents()).join('\n');
          expect(svgText).toContain(chart.yLabel);
          if (chart.kind !== 'line' && chart.kind !== 'stacked-bar') {
            const labels = await block.locator('svg g.role-axis-label text').allTextContents();
            for (const x of new Set(chart.points.map((p) => String(p.x))))
              expect(
                labels.some((l) => x.startsWith(l.replace(/…$/, ''))),
                `${chart.id} label ${x}`,
              ).toBe(true);
          }
          // the numbers beside the chart: a row per category, a column per series, each point's exact text
          const table = await block
            .locator('table.chart-data')
            .evaluate((t) => Array.from((t as unknown as Table).rows, (r) => Array.from(r.cells, (c) => c.textContent ?? '')));
          const [head, ...body] = table;
          const series = [...new Set(chart.points.filter((p) => p.series !== undefined).map((p) => p.series as string))];
          expect(head.slice(1)).toEqual(series.length ? series : [chart.yLabel]);
          expect(body.map((r) => r[0])).toEqual([...new Set(chart.points.map((p) => String(p.x)))]);
          for (const p of chart.points) {
            const row = body.find((r) => r[0] === String(p.x))!;
            expect(row[1 + (p.series === undefined ? 0 : series.indexOf(p.series))], `${chart.id} ${p.x} ${p.series ?? ''}`).toBe(p.text);
          }
          // a chart is never wider than the page (phone width included)
          const box = await block.locator('svg').boundingBox();
          expect(box!.width, `${chart.id} width at ${width}`).toBeLessThanOrEqual(width);
          await block.screenshot({ path: join(OUT, `${c.name}-${chart.id}-${width}.png`) });
        }
        // nothing spills sideways at phone width except inside the scrolling table wrappers
        const overflow = (await page.evaluate('document.documentElement.scrollWidth - document.documentElement.clientWidth')) as number;
        expect(overflow, `horizontal overflow at ${width}px`).toBeLessThanOrEqual(0);
        await page.screenshot({ path: join(OUT, `${c.name}-${width}.png`), fullPage: true });
        await page.close();
        expect(problems).toEqual([]);
      }
    }, 60_000);
  }

  it('a long name without spaces wraps in the numbers beside a chart: its amount stays in view', async () => {
    // before: the row header did not wrap, the table was wider than its box and the amounts were
    // scrolled out of view (at 1200 px as at phone width)
    const long = 'a'.repeat(300);
    const logs = join(OUT, 'long-name.jsonl');
    writeFileSync(
      logs,
      [long, 'short']
        .map((feature, i) =>
          JSON.stringify({
            timestamp: `2026-10-01T00:0${i}:00Z`,
            request: { model: 'gpt-4o-mini', metadata: { feature } },
            response: {
              id: `r${i}`,
              object: 'chat.completion',
              model: 'gpt-4o-mini',
              choices: [{ index: 0, message: { role: 'assistant', content: 'ok' }, finish_reason: 'stop' }],
              usage: { prompt_tokens: 1000, completion_tokens: 0, total_tokens: 1000 },
            },
          }),
        )
        .join('\n') + '\n',
    );
    const htmlFile = join(OUT, 'long-name.html');
    const made = await runCli(['report', logs, '--by', 'feature', '--format', 'html', '-o', htmlFile, '-q']);
    expect(made.code, made.stderr).toBe(0);
    for (const width of [1200, 390]) {
      const page = await browser.newPage({ viewport: { width, height: 900 } });
      await page.goto(pathToFileURL(htmlFile).href);
      const box = page.locator('section[data-chart="spend-by-group"] div.numbers');
      const [scroll, client] = (await box.evaluate((d) => {
        const e = d as unknown as { scrollWidth: number; clientWidth: number };
        return [e.scrollWidth, e.clientWidth];
      })) as [number, number];
      expect(scroll, `numbers table wider than its box at ${width}px`).toBeLessThanOrEqual(client);
      await box.screenshot({ path: join(OUT, `long-name-${width}.png`) });
      await page.close();
    }
  }, 60_000);
});
