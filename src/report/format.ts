/** The text formatters (table, csv, markdown) and JSON text: Report -> string; src/report/formats/ picks one by name. */
import { Chalk } from 'chalk';
import { isNumeric, plainCell } from './cells.js';
import type { Report, Section } from './model.js';
import { closingLines } from './parts.js';
import { sectionNotes, shownRows } from './rows.js';
import { displayCell, renderTable, wrapText, type TableStyle } from './table.js';
import { shownLines, UserError } from '../core/issues.js';
import { toJsonText } from './json.js';
import { inert, inertMarkdown } from '../core/untrusted.js';

export interface FormatOptions {
  color: boolean;
  /** Widest line of table output (tables fit, text wraps); undefined = no limit (--wide). */
  width?: number;
  /** Rows per table section before the rest is left out with a line saying so; undefined = all. */
  maxRows?: number;
  /** How to see rows left out, e.g. "--top N or --all". */
  moreHint?: string;
  /** CSV: which section (by id); default the report's primary section. */
  section?: string;
}

/** JSON text: numbers never in exponent notation, exact decimals (ExactDecimal) printed from their digits. */
export function toJson(value: unknown): string {
  return toJsonText(value);
}

export function pickSection(report: Report, id: string | undefined): Section {
  const want = id ?? report.primarySection ?? report.sections[0]?.id;
  const s = report.sections.find((x) => x.id === want);
  if (!s) {
    throw new UserError(
      `this report has no section "${want}" (it is only present when the run has data or options for it)`,
      `sections in this report: ${report.sections.map((x) => x.id).join(', ')}`,
    );
  }
  return s;
}

/**
 * Where a spreadsheet may start a cell inside a text cell: after a `;` (the list separator of locales that
 * write decimals with a comma, where Excel and LibreOffice split a .csv on `;`, not `,`) and after a line
 * break (a reader that splits on `;` does not honour our quotes past its first field, so a quoted line break
 * ends its row), with any quotes or spaces before the formula character. A lone "-" or "+" there is no formula.
 */
const FORMULA_INSIDE = /(?<=[;\n])(?=[ "]*(?:[=@]|[+-](?![;\n]|$)))/g;

/**
 * A spreadsheet-safe CSV cell, whatever separator the reader splits on (OWASP, CSV injection:
 * https://owasp.org/www-community/attacks/CSV_Injection): control and bidirectional-format characters made
 * visible (a model id with an escape sequence must not reach a terminal that shows the CSV, and a tab or a
 * carriage return is never written raw), a leading formula character (= + - @) escaped with a quote (not a
 * lone - or +), and so is one after a `;` or a line break inside the cell (a field start for a reader that
 * splits on `;`); quoted when it holds a quote, a comma, a `;` or a line break. Numeric cells are written as
 * they are (-1.25 stays a number).
 */
export function csvEscape(value: string, numeric: boolean): string {
  let v = numeric
    ? value
    : value
        .split('\n')
        .map((l) => inert(l, 0))
        .join('\n');
  if (!numeric) {
    // (a lone "-" or "+", the tables' placeholder for no value, is no formula: a spreadsheet shows it as it is)
    if (/^[=+\-@\t\r]/.test(v) && v !== '-' && v !== '+') v = `'${v}`;
    v = v.replace(FORMULA_INSIDE, "'");
  }
  if (/[",;\r\n]/.test(v)) v = `"${v.replace(/"/g, '""')}"`;
  return v;
}

/**
 * A column's CSV heading. A share is written as a fraction (0.2675, not 26.75), so a heading that names its unit
 * as "%" says "(fraction)" instead: "Margin %" over 0.2675 read as 0.27%. A "%" inside a word stays ("at -20%").
 */
function csvLabel(c: Section['columns'][number]): string {
  return c.type === 'pct' ? c.label.replace(/(^|\s)%(?=\s|$)/g, '$1(fraction)') : c.label;
}

export function toCsv(section: Section): string {
  // a column of display text ("$1.23", "44.6%") is for people: its numbers are in typed CSV columns beside it
  const columns = section.columns.filter((c) => c.only !== 'display');
  const lines = [columns.map((c) => csvEscape(csvLabel(c), false)).join(',')];
  const rows = section.footer ? [...section.rows, section.footer] : section.rows;
  for (const row of rows) {
    lines.push(
      columns
        .map((c) => {
          const v = row[c.key];
          const numeric = isNumeric(c.type) && (typeof v === 'number' || typeof v === 'bigint');
          return csvEscape(plainCell(v, c.type), numeric);
        })
        .join(','),
    );
  }
  return lines.join('\n') + '\n';
}

/** Longest note or summary line shown, in characters: notes quote data (model ids) and must stay bounded. */
const MAX_NOTE_CHARS = 4000;

/**
 * A title, note or summary text as the lines it is shown on: one line (an issue's hint on a second), inert
 * (a newline from a tag or file name prints as `\n`) and bounded.
 */
function inertLines(s: string): string[] {
  return shownLines(s, MAX_NOTE_CHARS);
}

function mdCell(value: Section['rows'][number][string], col: Section['columns'][number]): string {
  const s = displayCell(value, col);
  return col.type === 'text' || typeof value === 'string' ? inertMarkdown(s) : s;
}

export function sectionToMarkdown(section: Section, maxRows?: number, moreHint?: string): string {
  const columns = section.columns.filter((c) => c.only !== 'csv');
  const out: string[] = [];
  out.push(`| ${columns.map((c) => inertMarkdown(c.label)).join(' | ')} |`);
  out.push(`| ${columns.map((c) => (isNumeric(c.type) ? '---:' : '---')).join(' | ')} |`);
  const { rows: body, left } = shownRows(section, maxRows);
  const rows = section.footer ? [...body, section.footer] : body;
  rows.forEach((row, i) => {
    const bold = section.footer && i === rows.length - 1;
    out.push(
      `| ${columns
        .map((c) => {
          const s = mdCell(row[c.key], c);
          return bold && s ? `**${s}**` : s;
        })
        .join(' | ')} |`,
    );
  });
  if (left > 0)
    out.push('', `_${left} more row${left === 1 ? '' : 's'} not shown (${inertMarkdown(moreHint ?? '--all shows every row', 0)})._`);
  return out.join('\n');
}

export function toMarkdown(report: Report, opts: Partial<FormatOptions> = {}): string {
  const md = (s: string) =>
    inertLines(s)
      .map((l, i) => inertMarkdown(i ? l.trim() : l, 0))
      .join(' ');
  const out: string[] = [];
  if (report.marker) out.push(`<!-- ${report.marker.replace(/[^A-Za-z0-9_.-]/g, '')} -->`);
  out.push(`## ${md(report.title)}`, '');
  for (const [k, v] of report.summary) out.push(`- **${md(k)}:** ${md(v)}`);
  if (report.summary.length) out.push('');
  const moreHint = opts.moreHint ?? report.moreHint;
  for (const s of report.sections) {
    out.push(`### ${md(s.title)}`, '');
    if (s.rows.length === 0) out.push('_none_');
    else out.push(sectionToMarkdown(s, opts.maxRows, moreHint));
    for (const n of sectionNotes(s, opts.maxRows)) out.push('', `> ${md(n)}`);
    out.push('');
  }
  const closing = closingLines(report);
  for (const w of report.warnings ?? []) out.push(`- **warning:** ${md(w)}`);
  for (const n of [...closing.inputs, ...closing.notes]) out.push(`- ${md(n)}`);
  // problems and assumptions: in a pull-request comment they are the details, collapsed
  if (closing.issues.length || closing.assumptions.length) {
    if (out[out.length - 1] !== '') out.push('');
    out.push('<details><summary>Details</summary>', '');
    if (closing.issues.length) out.push('**Issues**', '', ...closing.issues.map((i) => `- ${md(i)}`), '');
    if (closing.assumptions.length) out.push('**Assumptions**', '', ...closing.assumptions.map((a) => `- ${md(a)}`), '');
    out.push('</details>');
  }
  return out.join('\n').replace(/\n+$/, '') + '\n';
}

/** Narrowest room for a summary value beside its label; narrower, the value goes under the label, indented NARROW_INDENT. */
const MIN_VALUE = 20;
const NARROW_INDENT = 4;

export function toTable(report: Report, opts: FormatOptions): string {
  const chalk = new Chalk({ level: opts.color ? 1 : 0 });
  const style: TableStyle = { bold: (x) => chalk.bold(x), dim: (x) => chalk.dim(x) };
  const w = opts.width;
  const wrap = (text: string, indent = '  '): string[] => inertLines(text).flatMap((l) => wrapText(l, w, /^ */.exec(l)![0] + indent));
  // a verdict in the title: failures red, passes green (never dim)
  const titleStyle = /^FAIL\b/.test(report.title) ? chalk.bold.red : /^PASS\b/.test(report.title) ? chalk.bold.green : chalk.bold;
  const out: string[] = wrap(report.title).map((l) => titleStyle(l));
  const labelWidth = Math.max(0, ...report.summary.map(([k]) => inert(k).length));
  for (const [k, v] of report.summary) {
    // the value wraps in its own column, so the padding after the label survives and continuation
    // lines start under the value (wrapping label + value together collapsed the padding)
    const label = `  ${(inert(k) + ':').padEnd(labelWidth + 1)} `;
    if (w !== undefined && w - label.length < MIN_VALUE && label.length > NARROW_INDENT) {
      // too narrow for values beside the labels: the label on its line, the value under it, indented less
      const lines = inertLines(v).flatMap((l) => wrapText(l, w - NARROW_INDENT));
      out.push(...wrap(`  ${inert(k)}:`), ...lines.map((l) => ' '.repeat(NARROW_INDENT) + l));
      continue;
    }
    const lines = inertLines(v).flatMap((l) => wrapText(l, w === undefined ? undefined : w - label.length));
    lines.forEach((l, i) => out.push((i === 0 ? label : ' '.repeat(label.length)) + l));
  }
  for (const s of report.sections) {
    out.push('', ...wrap(s.title).map((l) => chalk.bold.cyan(l)));
    if (s.rows.length === 0) out.push(chalk.dim('  (none)'));
    else out.push(...renderTable(s, { width: w, maxRows: opts.maxRows, moreHint: opts.moreHint ?? report.moreHint, style }));
    for (const n of sectionNotes(s, opts.maxRows)) out.push(...wrap(`  ${n}`).map((l) => chalk.dim(l)));
  }
  const closing = closingLines(report);
  const lines = [...closing.inputs, ...closing.issues, ...closing.assumptions, ...closing.notes];
  if (lines.length) out.push('');
  const noteStyle = (n: string) => (/^(error|FAIL)\b/.test(n) ? chalk.red : n.startsWith('warning') ? chalk.yellow : chalk.dim);
  for (const n of lines) out.push(...wrap(n).map((l) => noteStyle(n)(l)));
  return out.join('\n') + '\n';
}
