/**
 * One report model, many formatters. Commands build a Report (sections of typed columns and
 * rows plus a JSON document, which is the machine contract); formatters only render it.
 */
import type { Femto } from '../pricing/money.js';

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
  /** 'csv': a machine column (e.g. an unpriced marker) left out of tables and markdown. */
  only?: 'csv';
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
}

export interface Report {
  title: string;
  /** Key facts shown above the sections: [label, value]. */
  summary: Array<[string, string]>;
  sections: Section[];
  /** Closing lines (skipped/rejected counts, unpriced models, assumptions). */
  notes: string[];
  /**
   * Problems the reader must not miss (unpriced models, rejected records, filters that matched
   * nothing): printed on stderr in every format (unless --quiet), never into the table on stdout.
   */
  warnings?: string[];
  /** The JSON document for --format json (stable key order). */
  json: unknown;
  /** Section used for --format csv when none is named. */
  primarySection?: string;
}

export const col = (key: string, label: string, type: ColumnType = 'text', extra: Pick<Column, 'priority' | 'only'> = {}): Column => ({
  key,
  label,
  type,
  ...extra,
});

export type { Femto };
