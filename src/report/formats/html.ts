/**
 * --format html: one self-contained page (styles and SVG charts inline, no script, nothing fetched:
 * the Content-Security-Policy forbids it) for people who would rather look than read 14 columns.
 * Each chart sits beside the table of its numbers; then every section's table, the notes and the
 * warnings. All text from the data is escaped for HTML; the layout reflows at phone width.
 */
import { inertHtml } from '../../core/untrusted.js';
import { formatInt, isNumeric } from '../cells.js';
import type { FormatOptions } from '../format.js';
import type { Chart, Report, Section } from '../model.js';
import { displayCell } from '../table.js';
import { chartSvg, drawnPoints } from './chart-svg.js';
import { closingLines } from '../parts.js';
import { sectionNotes, shownRows } from '../rows.js';
import type { Formatter } from './index.js';

const h = (s: string) => inertHtml(s, 4000);
/** Ids from the model go into id attributes: letters, digits and dashes only. */
const slug = (s: string) => s.replace(/[^A-Za-z0-9-]+/g, '-').slice(0, 60);

const STYLE = `
*{box-sizing:border-box}
body{margin:0;font:15px/1.45 Helvetica,Arial,sans-serif;color:#1a1a1a;background:#fff}
main{max-width:1100px;margin:0 auto;padding:16px}
h1{font-size:1.5em;margin:.2em 0 .5em}
h2{font-size:1.15em;margin:1.6em 0 .5em;border-bottom:1px solid #ccc;padding-bottom:.2em}
dl.summary{display:grid;grid-template-columns:max-content 1fr;gap:.2em 1em;margin:0 0 1em}
dl.summary dt{font-weight:bold}dl.summary dd{margin:0;overflow-wrap:anywhere}
.warnings{border-left:4px solid #7a2e3b;background:#f8eeee;padding:.5em 1em;margin:1em 0}
.warnings li{overflow-wrap:anywhere}
.chart{display:flex;flex-wrap:wrap;gap:16px;align-items:flex-start}
.chart figure{margin:0;flex:1 1 440px;min-width:0}
.chart svg{max-width:100%;height:auto;display:block}
.chart figcaption{font-size:.9em;color:#444;margin-top:.3em}
.chart .numbers{flex:1 1 260px;min-width:0;max-height:420px;overflow-y:auto}
.chart-data tbody th{font-weight:normal;background:none;min-width:6em;overflow-wrap:anywhere}
.nowrap{white-space:nowrap}
.scroll{overflow-x:auto;max-width:100%}
table{border-collapse:collapse;font-size:.9em;margin:.3em 0}
caption{text-align:left;font-weight:bold;padding:.2em 0}
th,td{border-bottom:1px solid #ddd;padding:.25em .6em;text-align:left;vertical-align:top}
th{background:#f2f2f2}
td.num,th.num{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}
tfoot td{font-weight:bold;border-top:2px solid #999}
td{overflow-wrap:break-word;max-width:28em}
.note{color:#444;font-size:.9em;margin:.3em 0}
footer{margin-top:2em;color:#555;font-size:.85em}
@media (max-width:600px){body{font-size:14px}main{padding:10px}th,td{padding:.2em .35em}}
`;

function sectionTable(section: Section, maxRows: number | undefined, moreHint: string | undefined): string {
  const columns = section.columns.filter((c) => c.only !== 'csv');
  const { rows, left } = shownRows(section, maxRows);
  const cls = (type: Section['columns'][number]['type']) => (isNumeric(type) ? ' class="num"' : '');
  const cell = (row: Record<string, unknown>, c: (typeof columns)[number]) =>
    `<td${cls(c.type)}>${h(displayCell(row[c.key] as Section['rows'][number][string], c))}</td>`;
  const out = [
    `<div class="scroll"><table id="table-${slug(section.id)}"><thead><tr>${columns.map((c) => `<th scope="col"${cls(c.type)}>${h(c.label)}</th>`).join('')}</tr></thead><tbody>`,
  ];
  for (const row of rows) out.push(`<tr>${columns.map((c) => cell(row, c)).join('')}</tr>`);
  out.push('</tbody>');
  if (section.footer) out.push(`<tfoot><tr>${columns.map((c) => cell(section.footer!, c)).join('')}</tr></tfoot>`);
  out.push('</table></div>');
  if (left > 0)
    out.push(`<p class="note">${left} more row${left === 1 ? '' : 's'} not shown (${h(moreHint ?? '--all shows every row')}).</p>`);
  return out.join('');
}

/**
 * The numbers behind a chart. With series, one row per category and one column per series (a day
 * by model pivot reads better than 150 rows); long tables scroll inside their box.
 */
function numbersTable(chart: Chart): string {
  const seriesNames = [...new Set(chart.points.filter((p) => p.series !== undefined).map((p) => p.series as string))];
  const xs = [...new Set(chart.points.map((p) => String(p.x)))];
  const cellAt = new Map(chart.points.map((p) => [`${String(p.x)}\u0000${p.series ?? ''}`, p.text]));
  const valueHeads = seriesNames.length ? seriesNames : [chart.yLabel];
  const head = `<tr><th scope="col">${h(chart.xLabel)}</th>${valueHeads.map((v) => `<th scope="col" class="num">${h(v)}</th>`).join('')}</tr>`;
  const body = xs
    .map((x) => {
      const cells = (seriesNames.length ? seriesNames : ['']).map(
        (sName) => `<td class="num">${h(cellAt.get(`${x}\u0000${sName}`) ?? '')}</td>`,
      );
      // short labels (dates, model ids) stay on one line; long names wrap
      return `<tr><th scope="row"${x.length <= 28 ? ' class="nowrap"' : ''}>${h(x)}</th>${cells.join('')}</tr>`;
    })
    .join('');
  const caption = seriesNames.length ? `Numbers behind the chart: ${h(chart.yLabel)}` : 'Numbers behind the chart';
  return `<div class="numbers scroll"><table class="chart-data"><caption>${caption}</caption><thead>${head}</thead><tbody>${body}</tbody></table></div>`;
}

async function chartBlock(chart: Chart): Promise<string> {
  const svg = await chartSvg(chart);
  const id = slug(chart.id);
  const { perBar, categories } = drawnPoints(chart);
  const notes = [
    chart.note,
    perBar > 1
      ? `${formatInt(categories)} bars are too many to draw one by one: each bar sums ${perBar} in a row (named by the first and the last); the table beside has each.`
      : undefined,
  ].filter((n) => n !== undefined);
  return [
    `<section class="chart" id="chart-${id}" data-chart="${id}" data-kind="${chart.kind}" aria-labelledby="chart-${id}-title">`,
    `<h2 id="chart-${id}-title" style="flex-basis:100%">${h(chart.title)}</h2>`,
    `<figure>${svg}${notes.length ? `<figcaption>${h(notes.join(' '))}</figcaption>` : ''}</figure>`,
    numbersTable(chart),
    '</section>',
  ].join('\n');
}

export async function toHtml(report: Report, opts: Partial<FormatOptions> = {}): Promise<string> {
  const out: string[] = [
    '<!doctype html>',
    '<html lang="en"><head><meta charset="utf-8">',
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    `<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src data:">`,
    `<title>${h(report.title)}</title><style>${STYLE}</style></head>`,
    '<body><main>',
    `<h1>${h(report.title)}</h1>`,
  ];
  if (report.summary.length)
    out.push(`<dl class="summary">${report.summary.map(([k, v]) => `<dt>${h(k)}</dt><dd>${h(v)}</dd>`).join('')}</dl>`);
  if (report.warnings?.length)
    out.push(
      `<div class="warnings" role="note"><strong>Warnings</strong><ul>${report.warnings.map((w) => `<li>${h(w)}</li>`).join('')}</ul></div>`,
    );
  // one chart at a time: each View is built, drawn and released before the next
  for (const chart of report.charts ?? []) if (chart.points.length) out.push(await chartBlock(chart));
  for (const s of report.sections) {
    out.push(`<section class="table" id="section-${slug(s.id)}"><h2>${h(s.title)}</h2>`);
    out.push(s.rows.length === 0 ? '<p class="note">(none)</p>' : sectionTable(s, opts.maxRows, opts.moreHint ?? report.moreHint));
    for (const n of sectionNotes(s, opts.maxRows)) out.push(`<p class="note">${h(n)}</p>`);
    out.push('</section>');
  }
  const closing = closingLines(report);
  const list = (lines: string[]) => `<ul>${lines.map((n) => `<li>${h(n)}</li>`).join('')}</ul>`;
  const footer = [
    closing.inputs.length || closing.notes.length ? list([...closing.inputs, ...closing.notes]) : '',
    closing.issues.length ? `<h2>Issues</h2>${list(closing.issues)}` : '',
    closing.assumptions.length ? `<h2>Assumptions</h2>${list(closing.assumptions)}` : '',
  ].join('');
  if (footer) out.push(`<footer>${footer}</footer>`);
  out.push('</main></body></html>');
  return out.join('\n') + '\n';
}

export const htmlFormatter: Formatter = {
  name: 'html',
  description: 'one self-contained page with tables and charts',
  render: (report, opts) => toHtml(report, opts),
};
