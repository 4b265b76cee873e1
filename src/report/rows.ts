/**
 * Which rows of a section a formatter shows: all of them, or the first `maxRows` and either a line
 * saying how many are left out, or (a section with a `rest` rule, such as spend by group) one row
 * summing the rest exactly. Pure: the same section and limit give the same rows in every format,
 * whether the section came from the command or from a saved JSON report.
 */
import { formatInt } from './cells.js';
import { divFemto } from '../pricing/money.js';
import { inert } from '../core/untrusted.js';
import type { Cell, Section } from './model.js';

export interface ShownRows {
  rows: Section['rows'];
  /** Rows neither shown nor summed in a row (the "N more rows not shown" line). */
  left: number;
}

/** part / whole as a fraction floored to 1e-6 (exact from femto amounts); undefined when not both priced or whole is 0. */
export function shareOf(part: Cell, whole: Cell): number | undefined {
  if (typeof part !== 'bigint' || typeof whole !== 'bigint' || whole === 0n) return undefined;
  return Number((part * 1_000_000n) / whole) / 1_000_000;
}

/** Sum of a column's cells: exact amounts summed as bigints (unpriced cells add nothing; none priced: unpriced), counts as numbers. */
function sumCells(cells: Cell[]): Cell {
  const amounts = cells.filter((c): c is bigint => typeof c === 'bigint');
  if (amounts.length) return amounts.reduce((a, b) => a + b, 0n);
  if (cells.some((c) => c === null)) return null;
  const numbers = cells.filter((c): c is number => typeof c === 'number');
  return numbers.length ? numbers.reduce((a, b) => a + b, 0) : undefined;
}

/** `rows` after the first `shown`, summed by the section's rest rule into one row. */
export function restRow(section: Section, shown: number): Record<string, Cell> {
  const rule = section.rest!;
  const rest = section.rows.slice(shown);
  const row: Record<string, Cell> = { [rule.label]: `(${formatInt(rest.length)} more)` };
  for (const key of rule.sum) row[key] = sumCells(rest.map((r) => r[key]));
  if (rule.share) row[rule.share.key] = shareOf(row[rule.share.of], section.footer?.[rule.share.of]);
  if (rule.per) {
    const of = row[rule.per.of];
    const n = Number(row[rule.per.count] ?? 0) - Number(row[rule.per.less] ?? 0);
    row[rule.per.key] = typeof of === 'bigint' && n > 0 ? divFemto(of, n) : null;
  }
  if (rule.delta) {
    const from = row[rule.delta.from];
    const to = row[rule.delta.to];
    row[rule.delta.key] = typeof from === 'bigint' && typeof to === 'bigint' ? to - from : null;
  }
  return row;
}

export function shownRows(section: Section, maxRows: number | undefined): ShownRows {
  const limit = section.limit === false ? undefined : maxRows;
  if (limit === undefined || section.rows.length <= limit) return { rows: section.rows, left: 0 };
  if (section.rest) return { rows: [...section.rows.slice(0, limit), restRow(section, limit)], left: 0 };
  return { rows: section.rows.slice(0, limit), left: section.rows.length - limit };
}

/** How many of a section's rows a formatter shows whole at `maxRows` (the rest summed or left out). */
function shownCount(section: Section, maxRows: number | undefined): number {
  const limit = section.limit === false ? undefined : maxRows;
  return limit === undefined || section.rows.length <= limit ? section.rows.length : limit;
}

/** Partly priced groups named in the note, at most. */
const NAMED_PARTLY = 5;

/**
 * The notes under a section as a formatter shows it at `maxRows`: its own, then the partly priced
 * note over the rows shown (rows summed into "(N more)" or left out are counted, not named).
 */
export function sectionNotes(section: Section, maxRows: number | undefined): string[] {
  const notes = section.notes ?? [];
  const rule = section.partlyPriced;
  if (!rule) return notes;
  const isPartly = (r: Record<string, Cell>) => typeof r.cost === 'bigint' && Number(r.unpricedRequests ?? 0) > 0;
  const groups = section.rows.slice(0, rule.rows);
  const shown = Math.min(groups.length, shownCount(section, maxRows));
  const named = groups.slice(0, shown).filter(isPartly);
  const moreCount = groups.slice(shown).filter(isPartly).length + rule.notShown;
  if (named.length + moreCount === 0) return notes;
  const list = named
    .slice(0, NAMED_PARTLY)
    .map(
      (r) =>
        `${inert(rule.keys.map((k) => String(r[k] ?? '')).join(' / '))} (${formatInt(Number(r.unpricedRequests))} of ${formatInt(Number(r.requests ?? 0))} requests unpriced)`,
    );
  const more = moreCount + Math.max(0, named.length - NAMED_PARTLY);
  const tail = more > 0 ? `${list.length ? ', and' : ''} ${formatInt(more)}${list.length ? ' more' : ' groups not shown'}` : '';
  // (what the rows' amounts are: spend by group has $/request, a margin table has margins)
  const has = (key: string) => section.columns.some((c) => c.key === key);
  const amounts = has('perRequest') ? 'Cost and $/request cover' : has('margin') ? 'Cost and margin cover' : 'Cost covers';
  return [
    ...notes,
    `Partly priced: ${list.join(', ')}${tail}. ${amounts} only the priced requests; the unpriced ones are left out (see the warnings).`,
  ];
}
