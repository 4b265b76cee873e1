/**
 * One report model, many formatters. Commands build a Report (sections of typed columns and
 * rows, what was read, the problems found, what was assumed, plus the typed data its JSON document
 * is serialized from, the machine contract); formatters only render it.
 */
import type { Issue } from '../core/issues.js';
import type { Femto } from '../pricing/money.js';
import type { ReportData } from './data.js';

export type ColumnType = 'text' | 'int' | 'usd' | 'pct' | 'number' | 'usdPerMTok';

export interface Column {
  key: string;
  label: string;
  type: ColumnType;
  /**
   * Which columns give way first when a table is wider than the terminal: lower is more useful
   * (the first column is always kept; unset = 2, dropped rightmost first).
   */
  priority?: number;
  /**
   * 'csv': a machine column (e.g. an unpriced marker) left out of tables, markdown and html; 'display': text for
   * people (a value written as "$1.23" or "44.6%") left out of CSV, whose typed columns carry the same numbers.
   */
  only?: 'csv' | 'display';
  /** A change: a rise is shown with its sign (+$18.41), as a fall is (-$4.19); CSV and JSON keep the number. */
  signed?: true;
}

/** usd cells are exact femto amounts (bigint) or null (unpriced); pct cells are fractions (0.25 = 25%). */
export type Cell = string | number | bigint | null | undefined;

export interface Section {
  id: string;
  title: string;
  columns: Column[];
  rows: Record<string, Cell>[];
  /** A totals row shown under the table. */
  footer?: Record<string, Cell>;
  notes?: string[];
  /** false: never cut to the default row limit (rows that must add up, such as a waterfall). */
  limit?: false;
  /**
   * Rows past the limit summed into one row instead of left out (src/report/rows.ts): `label` is the
   * column that says "(N more)", `sum` the columns summed exactly, `share` a fraction of the
   * footer's total recomputed for the summed row, `delta` a difference recomputed from two sums.
   */
  rest?: SectionRest;
  /**
   * A note naming the shown rows that are partly priced (a priced `cost` and `unpricedRequests` > 0),
   * written when the rows shown are known (rows.ts sectionNotes), so a saved report renders the note
   * the command printed: `keys` the columns naming a row, `rows` how many leading rows are groups (a
   * summary row after them is never named), `notShown` the partly priced groups left out before the rows.
   */
  partlyPriced?: PartlyPricedRule;
}

export interface PartlyPricedRule {
  keys: string[];
  rows: number;
  notShown: number;
}

export interface SectionRest {
  label: string;
  sum: string[];
  share?: { key: string; of: string };
  delta?: { key: string; from: string; to: string };
  /** `key` = `of` / (`count` less `less`): an amount per request, exact (none priced: unpriced). */
  per?: { key: string; of: string; count: string; less: string };
}

/** What a command read: its files, and records read = counted + skipped + rejected (by reason). */
export interface ReportInputs {
  files: Array<{ path: string; format: string; bytes?: number }>;
  read: number;
  counted: number;
  skipped: Record<string, number>;
  rejected: Record<string, number>;
}

export type { Issue as ReportIssue };

export interface Report {
  title: string;
  /** Key facts shown above the sections: [label, value]. */
  summary: Array<[string, string]>;
  sections: Section[];
  /** Closing lines the other parts do not cover. */
  notes: string[];
  /** The inputs read (commands that read logs). */
  inputs?: ReportInputs;
  /** Problems found, with file:line: rejected records, budget violations (all of them; formatters show the first few). */
  issues?: Issue[];
  /** What the numbers rest on (traffic, output length, hit rate, month length), one statement each. */
  assumptions?: string[];
  /** How to see rows left out, e.g. "--top N or --all shows more". */
  moreHint?: string;
  /** A hidden marker at the top of markdown (an HTML comment a workflow finds the PR comment by). */
  marker?: string;
  /**
   * Problems the reader must not miss (unpriced models, rejected records, filters that matched
   * nothing): printed on stderr in every format (unless --quiet), never into the table on stdout.
   */
  warnings?: string[];
  /**
   * The command's typed data (report/data.ts): the source of its --format json document (stable
   * key order), and, for commands whose view derives the sections from it, of its tables.
   */
  data: ReportData;
  /** Section used for --format csv when none is named. */
  primarySection?: string;
  /** Pictures of the sections' numbers (drawn by --format html; other formats show the tables). */
  charts?: Chart[];
}

/**
 * One chart: its points carry the numbers to draw (value, a double, only positions a mark) and the
 * exact text the tables show (text), so the table beside a chart quotes the report, not the float.
 */
export interface ChartPoint {
  /** Category (bar) or position (line: a number). */
  x: string | number;
  /** Stack, colour or line the point belongs to. */
  series?: string;
  value: number;
  text: string;
}

export type ChartKind =
  /** Horizontal bars, one per category (long names read on a phone). */
  | 'bar'
  /** Vertical bars per x (dates), stacked by series. */
  | 'stacked-bar'
  /** Lines over a numeric x, one per series, a point per value. */
  | 'line'
  /** A start bar, one floating bar per change, an end bar (points in order; the first and last are totals). */
  | 'waterfall'
  /** Horizontal bars grouped by series, either side of zero (a tornado: low/high per input; before/after). */
  | 'grouped-bar';

export interface Chart {
  id: string;
  title: string;
  kind: ChartKind;
  /** Axis titles, with units: "Spend (USD)". */
  xLabel: string;
  yLabel: string;
  /** Legend title when points have series. */
  seriesLabel?: string;
  points: ChartPoint[];
  /** One line under the chart: what it leaves out, how to read it. */
  note?: string;
}

export const col = (
  key: string,
  label: string,
  type: ColumnType = 'text',
  extra: Pick<Column, 'priority' | 'only' | 'signed'> = {},
): Column => ({
  key,
  label,
  type,
  ...extra,
});

export type { Femto };
