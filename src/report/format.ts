/** Formatters: Report -> string. Nothing else happens here. */
import { createRequire } from 'node:module';
import type TableType from 'cli-table3';
import { Chalk } from 'chalk';
import { humanCell, isNumeric, plainCell } from './cells.js';
import type { Report, Section } from './model.js';
import { UserError } from '../core/issues.js';

export type OutputFormat = 'table' | 'json' | 'csv' | 'markdown';
export const OUTPUT_FORMATS: readonly OutputFormat[] = ['table', 'json', 'csv', 'markdown'];

export interface FormatOptions {
  color: boolean;
  /** Terminal width, for wrapping; undefined = no limit. */
  width?: number;
  /** CSV: which section (by id); default the report's primary section. */
  section?: string;
}

export function render(report: Report, format: OutputFormat, opts: FormatOptions): string {
  switch (format) {
    case 'json':
      return toJson(report.json) + '\n';
    case 'csv':
      return toCsv(pickSection(report, opts.section));
    case 'markdown':
      return toMarkdown(report);
    default:
      return toTable(report, opts);
  }
}

/** JSON with bigint support (bigints never reach here by contract; guard anyway). */
export function toJson(value: unknown): string {
  return JSON.stringify(value, (_k, v) => (typeof v === 'bigint' ? Number(v) : v), 2);
}

function pickSection(report: Report, id: string | undefined): Section {
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

/** Spreadsheet-safe CSV: quotes as needed, and cells starting with = + - @ are escaped with a quote. */
export function csvEscape(value: string, numeric: boolean): string {
  let v = value;
  if (!numeric && /^[=+\-@\t\r]/.test(v)) v = `'${v}`;
  if (/[",\r\n]/.test(v)) v = `"${v.replace(/"/g, '""')}"`;
  return v;
}

export function toCsv(section: Section): string {
  const lines = [section.columns.map((c) => csvEscape(c.label, false)).join(',')];
  const rows = section.footer ? [...section.rows, section.footer] : section.rows;
  for (const row of rows) {
    lines.push(
      section.columns
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

function mdEscape(s: string): string {
  return s.replace(/\|/g, '\\|').replace(/\n/g, ' ');
}

export function sectionToMarkdown(section: Section): string {
  const out: string[] = [];
  out.push(`| ${section.columns.map((c) => mdEscape(c.label)).join(' | ')} |`);
  out.push(`| ${section.columns.map((c) => (isNumeric(c.type) ? '---:' : '---')).join(' | ')} |`);
  const rows = section.footer ? [...section.rows, section.footer] : section.rows;
  rows.forEach((row, i) => {
    const bold = section.footer && i === rows.length - 1;
    out.push(`| ${section.columns.map((c) => {
      const s = mdEscape(humanCell(row[c.key], c.type));
      return bold && s ? `**${s}**` : s;
    }).join(' | ')} |`);
  });
  return out.join('\n');
}

export function toMarkdown(report: Report): string {
  const out: string[] = [`## ${report.title}`, ''];
  for (const [k, v] of report.summary) out.push(`- **${k}:** ${v}`);
  if (report.summary.length) out.push('');
  for (const s of report.sections) {
    out.push(`### ${s.title}`, '');
    if (s.rows.length === 0) out.push('_none_');
    else out.push(sectionToMarkdown(s));
    for (const n of s.notes ?? []) out.push('', `> ${n}`);
    out.push('');
  }
  for (const n of report.notes) out.push(`- ${n}`);
  return out.join('\n').replace(/\n+$/, '') + '\n';
}

export function toTable(report: Report, opts: FormatOptions): string {
  const chalk = new Chalk({ level: opts.color ? 1 : 0 });
  const out: string[] = [chalk.bold(report.title)];
  const labelWidth = Math.max(0, ...report.summary.map(([k]) => k.length));
  for (const [k, v] of report.summary) out.push(`  ${(k + ':').padEnd(labelWidth + 1)} ${v}`);
  for (const s of report.sections) {
    out.push('', chalk.bold.cyan(s.title));
    if (s.rows.length === 0) out.push(chalk.dim('  (none)'));
    else out.push(sectionToTable(s, opts, chalk));
    for (const n of s.notes ?? []) out.push(chalk.dim(`  ${n}`));
  }
  if (report.notes.length) out.push('');
  for (const n of report.notes) out.push(n.startsWith('warning') ? chalk.yellow(n) : chalk.dim(n));
  return out.join('\n') + '\n';
}

// cli-table3 (CommonJS) is loaded when a table is drawn, not by JSON/CSV/Markdown output
const require = createRequire(import.meta.url);
let tableClass: typeof TableType | undefined;

function sectionToTable(section: Section, _opts: FormatOptions, chalk: InstanceType<typeof Chalk>): string {
  const Table = (tableClass ??= require('cli-table3') as typeof TableType);
  const table = new Table({
    head: section.columns.map((c) => chalk.bold(c.label)),
    colAligns: section.columns.map((c) => (isNumeric(c.type) ? 'right' : 'left')),
    style: { head: [], border: [], compact: true, 'padding-left': 1, 'padding-right': 1 },
    chars: { mid: '', 'left-mid': '', 'mid-mid': '', 'right-mid': '' },
  });
  for (const row of section.rows) table.push(section.columns.map((c) => humanCell(row[c.key], c.type)));
  if (section.footer) {
    const f = section.footer;
    table.push(section.columns.map((c) => chalk.bold(humanCell(f[c.key], c.type))));
  }
  return table.toString();
}
