/**
 * Plain-text tables that fit a width, drawn in time linear in the cells shown.
 *
 * Why not a table library: cli-table3 lays a table out in time quadratic in its rows (119 s for
 * 20k rows) and knows nothing of what a column means. Here a column's type and priority decide
 * what gives way when the table is wider than the terminal, in this order:
 *   1. long text columns (notes, sources, explanations) move to numbered footnotes under the table;
 *   2. a column with nothing in it (every cell "-" or empty) is dropped, then the least useful columns
 *      (a line names them; --wide shows everything); the last number
 *      column is kept with its heading cut where its numbers fit;
 *   3. text columns are narrowed (never below a few characters; the first, the key, stays whole
 *      up to 24, and short values such as dates stay whole): their cells wrap;
 *   4. still too wide: counts and shares are dropped when that keeps the first column whole; else
 *      the first column narrower too, then more columns are dropped, the essential ones too (an
 *      amount last), never the first nor below two; at last text columns wrap narrower. Room the
 *      dropped columns leave goes back to narrowed text columns. A cell is wrapped whole (every character shown), never
 *      cut, a long word after a separator in it where one is near; only headers are cut with "…". No line is wider than the width.
 * Untrusted text is made inert (control characters visible, length capped) before it is measured.
 */
import { formatInt, humanCell, isNumeric } from './cells.js';
import { shownRows } from './rows.js';
import type { Cell, Column, Section } from './model.js';
import { inert, MAX_DISPLAY_CHARS } from '../core/untrusted.js';
import { displayWidth } from '../core/text-width.js';

export { displayWidth };

export interface TableStyle {
  bold(s: string): string;
  dim(s: string): string;
}

export interface TableOptions {
  /** Widest line allowed; undefined = no limit (--wide). */
  width?: number;
  /** Rows shown before the rest is summarised in one line; undefined = all. */
  maxRows?: number;
  /** How to see the rows left out, e.g. "--all shows every row". */
  moreHint?: string;
  style: TableStyle;
}

const GAP = '  ';
const MIN_TEXT = 8;
/** A text column no wider than this (a date, a short name) is not wrapped while anything else can give. */
const SHORT_TEXT = 10;
/** A text column whose widest cell is longer than this may move to footnotes. */
const LONG_TEXT = 40;

/** `s` cut to at most `width` display columns, "…" marking the cut. */
export function truncate(s: string, width: number): string {
  if (displayWidth(s) <= width) return s;
  if (width <= 1) return '…'.slice(0, Math.max(0, width));
  let out = '';
  let w = 0;
  for (const ch of s) {
    const cw = displayWidth(ch);
    if (w + cw > width - 1) break;
    out += ch;
    w += cw;
  }
  return out + '…';
}

function pad(s: string, width: number, right: boolean): string {
  const fill = width - displayWidth(s);
  if (fill <= 0) return s;
  return right ? ' '.repeat(fill) + s : s + ' '.repeat(fill);
}

/** The longest prefix of `s` at most `width` columns wide (at least one character). */
function takeWidth(s: string, width: number): string {
  let out = '';
  let w = 0;
  for (const ch of s) {
    const cw = displayWidth(ch);
    if (out !== '' && w + cw > width) break;
    out += ch;
    w += cw;
  }
  return out;
}

/**
 * The head of a word too long for its line, at most `width` columns, cut so that the rest does not start
 * with `::`: a CI log runs a line that starts with `::name::` (a name from the inputs is inert, which
 * escapes such a `::` at the start of a word, not inside one, as in `ft:gpt-4o:org::abc`).
 */
function hardCut(word: string, width: number, prose = false): string {
  const chars = [...takeWidth(word, width)];
  if (!prose && chars.length > 1) {
    // a table cell: after the last separator of the head (`claude-` + `sonnet-4-5`, `fixtures/` + `a.md`) or
    // between a lower-case letter and a capital (`prefix` + `Cache`), where that keeps at least half the line;
    // else at the width (a word without either has no better place). Every character is still shown
    const all = [...word];
    // (not where it leaves a tail of one or two characters: `20250929-` + `v1:0`, not `20250929-v1:` + `0`)
    const fits = (at: number): boolean =>
      (all.length - at === 0 || all.length - at > 2) &&
      (/[-_/.:|=,;]/.test(all[at - 1]) || (/\p{Ll}/u.test(all[at - 1]) && /\p{Lu}/u.test(all[at] ?? '')));
    const half = Math.ceil(chars.length / 2);
    let at = chars.length;
    while (at > half && !fits(at)) at--;
    if (fits(at)) chars.length = at;
  }
  if (prose && chars.length > 1) {
    // prose: cut after the last separator of the head (`|`, `/`, `=`, `-`, `,`, `;`) where that keeps at least half
    // the line, else not just before closing punctuation: `(feature=a|` + `b),`, never `(feature=a|b)` + `,`
    const half = Math.ceil(chars.length / 2);
    let at = chars.length;
    while (at > half && !/[|/=,;-]/.test(chars[at - 1])) at--;
    if (at === half) {
      at = chars.length;
      while (at > half && /^[,.;:!?)\]}%]/.test(word.slice(chars.slice(0, at).join('').length))) at--;
    }
    chars.length = at;
  }
  let head = chars.join('');
  // back over colons too (`ab:` + `::x` would leave `:::x`), keeping at least one character
  while (chars.length > 1 && word.startsWith('::', head.length)) {
    chars.pop();
    head = chars.join('');
  }
  return head;
}

/**
 * Word-wrap one line of text to `width` columns; continuation lines start with `indent`.
 * Words longer than a line are broken. Linear in the text.
 */
export function wrapText(text: string, width: number | undefined, indent = ''): string[] {
  return wrapTo(text, width, indent, 10);
}

/** A table cell wrapped to exactly `width` columns (at least 1): every character shown, none cut. */
function wrapCell(text: string, width: number): string[] {
  return wrapTo(text, Math.max(1, width), '', 0);
}

/** wrapText with lines at least `minRoom` columns past the indent (prose stays readable; cells fit exactly). */
function wrapTo(text: string, width: number | undefined, indent: string, minRoom: number): string[] {
  if (width === undefined || displayWidth(text) <= width) return [text];
  const lead = /^ */.exec(text)![0];
  const room = Math.max(displayWidth(indent) + minRoom, width);
  const lines: string[] = [];
  let line = lead;
  let lineWidth = lead.length;
  let empty = true;
  const flush = (): void => {
    lines.push(line.replace(/ +$/, ''));
    line = indent;
    lineWidth = displayWidth(indent);
    empty = true;
  };
  for (let word of text.slice(lead.length).split(/ +/)) {
    if (word === '') continue;
    let ww = displayWidth(word);
    if (!empty && lineWidth + 1 + ww > room) flush();
    if (!empty) {
      line += ' ';
      lineWidth += 1;
    }
    while (lineWidth + ww > room) {
      const head = hardCut(word, room - lineWidth, minRoom > 0);
      line += head;
      flush();
      word = word.slice(head.length);
      ww = displayWidth(word);
    }
    line += word;
    lineWidth += ww;
    empty = word === '' && empty;
  }
  if (!empty || lines.length === 0) lines.push(line);
  return lines;
}

/** Columns are kept by priority (lower = more useful); the first column always stays. */
/**
 * Columns are kept by priority (lower = more useful; 0 and 1 are never dropped). Unset: amounts
 * (2) outlast counts, percentages and text (3); a short trailing text column is usually a verdict
 * (status, outcome) and stays (1); the first column always stays.
 */
function priorityOf(c: Column, i: number, n: number, widest: number, footnoted: boolean, identity: boolean): number {
  if (i === 0 || identity) return i === 0 ? 0 : 1;
  if (c.priority !== undefined) return c.priority;
  if (i === n - 1 && c.type === 'text' && widest <= 16) return 1;
  if (footnoted) return 2;
  return c.type === 'usd' || c.type === 'usdPerMTok' ? 2 : c.type === 'text' ? 4 : 3;
}

/**
 * Text columns that, with the first column, tell the rows apart (the model beside a repeated
 * prompt name): without them the rows could not be read, so they are kept. Leftmost first, at most two.
 */
function identityColumns(columns: Column[], cells: string[][]): Set<Column> {
  const out = new Set<Column>();
  if (cells.length < 2) return out;
  let keys = cells.map((r) => r[0]);
  for (let j = 1; j < columns.length && out.size < 2; j++) {
    if (new Set(keys).size === keys.length) break;
    if (columns[j].type !== 'text' || columns[j].priority !== undefined) continue;
    const next = keys.map((k, i) => `${k}\u0000${cells[i][j]}`);
    if (new Set(next).size > new Set(keys).size) {
      out.add(columns[j]);
      keys = next;
    }
  }
  return out;
}

/** Text columns may wrap down to this width before columns are dropped (and to MIN_TEXT after). */
const COMFORTABLE_TEXT = 24;

interface Laid {
  columns: Column[];
  widths: number[];
  cells: string[][];
  footer?: string[];
  header: string[];
  dropped: string[];
  footnotes: string[];
}

/** Text of a cell as shown: human formatting, untrusted text made inert. */
export function displayCell(value: Cell, col: Column, maxChars = MAX_CELL_CHARS): string {
  const rise = col.signed && ((typeof value === 'bigint' && value > 0n) || (typeof value === 'number' && value > 0));
  const s = `${rise ? '+' : ''}${humanCell(value, col.type)}`;
  return col.type === 'text' || typeof value === 'string' ? inert(s, maxChars) : s;
}

/** Longest text cell (explanations, sources); names in the first column are capped shorter. */
const MAX_CELL_CHARS = 1000;

function layout(section: Section, rows: Record<string, Cell>[], width: number | undefined): Laid {
  let columns = section.columns.filter((c) => c.only !== 'csv');
  const header = columns.map((c) => inert(c.label));
  let cells = rows.map((r) => columns.map((c, j) => displayCell(r[c.key], c, j === 0 ? MAX_DISPLAY_CHARS : MAX_CELL_CHARS)));
  let footer = section.footer ? columns.map((c) => displayCell(section.footer![c.key], c)) : undefined;
  /** Headers cut (with "…") to this width rather than their column dropped: the last number column's. */
  const headerCap = new Map<Column, number>();
  const measure = (): number[] =>
    columns.map((c, j) => {
      let w = Math.min(displayWidth(header[j]), headerCap.get(c) ?? Infinity);
      for (const row of cells) w = Math.max(w, displayWidth(row[j]));
      if (footer) w = Math.max(w, displayWidth(footer[j]));
      return w;
    });
  let widths = measure();
  const total = (): number => widths.reduce((a, b) => a + b, 0) + GAP.length * Math.max(0, widths.length - 1);
  const dropped: string[] = [];
  const footnotes: string[] = [];
  if (width === undefined || total() <= width) return { columns, widths, cells, footer, header, dropped, footnotes };
  /** Leaves column `pick` out (named in `dropped`); the widths are the caller's to measure again. */
  const drop = (pick: number): ((_: unknown, j: number) => boolean) => {
    dropped.push(columns[pick].label);
    const keep = (_: unknown, j: number) => j !== pick;
    columns = columns.filter(keep);
    header.splice(pick, 1);
    cells = cells.map((r) => r.filter(keep));
    if (footer) footer = footer.filter(keep);
    return keep;
  };
  /**
   * Column `pick`, about to go, is the last number column left: where its numbers fit beside the others
   * (text columns narrowed as far as step 3 may), its header is cut instead ("claude-sonn…" over the token
   * counts), so the table keeps a number. A table of names alone says nothing (estimate's tokens per part
   * kept the prompt and part names and dropped every model's count for their long headings).
   */
  const keepNumbers = (pick: number, narrowed: boolean): boolean => {
    const c = columns[pick];
    if (!isNumeric(c.type) || headerCap.has(c) || columns.some((o, j) => j !== pick && isNumeric(o.type))) return false;
    let values = footer ? displayWidth(footer[pick]) : 0;
    for (const row of cells) values = Math.max(values, displayWidth(row[pick]));
    // the room beside the other columns as they are, else as narrow as step 3 may make the text ones
    const others = (narrow: boolean): number =>
      columns.reduce(
        (sum, o, j) => {
          const w = widths[j];
          if (j === pick) return sum;
          if (!narrow || o.type !== 'text') return sum + w;
          return sum + Math.min(w, j === 0 ? COMFORTABLE_TEXT : w <= SHORT_TEXT ? w : MIN_TEXT);
        },
        GAP.length * (columns.length - 1),
      );
    // a heading cut shorter than five columns ("clau…") names nothing
    const need = Math.max(values, 5);
    let room = width - others(false);
    if (room < need && !narrowed) room = width - others(true);
    if (room < need) return false;
    headerCap.set(c, room);
    widths[pick] = Math.max(values, Math.min(displayWidth(header[pick]), room));
    return true;
  };

  const identity = identityColumns(columns, cells);
  // 1. long text to footnotes, widest first (never a column that tells the rows apart)
  const noteIndex = new Map<string, number>();
  const noted = new Set<Column>();
  for (;;) {
    if (total() <= width) break;
    let pick = -1;
    columns.forEach((c, j) => {
      if (j > 0 && c.type === 'text' && !identity.has(c) && widths[j] > LONG_TEXT && (pick < 0 || widths[j] > widths[pick])) pick = j;
    });
    // a two-column table (metric, value) reads better wrapped than footnoted
    if (pick < 0 || columns.length <= 2) break;
    // only the cells that do not fit the room left for this column move; short ones stay in place
    const room = Math.max(width - (total() - widths[pick]), displayWidth(header[pick]), 12);
    let moved = 0;
    for (const row of cells) {
      const text = row[pick];
      if (text === '' || displayWidth(text) <= room) continue;
      moved++;
      let n = noteIndex.get(text);
      if (n === undefined) {
        footnotes.push(text);
        n = footnotes.length;
        noteIndex.set(text, n);
      }
      row[pick] = `[${n}]`;
    }
    if (moved === 0) break;
    noted.add(columns[pick]);
    if (footer && footer[pick] !== '' && displayWidth(footer[pick]) > room) footer[pick] = truncate(footer[pick], Math.max(room, 4));
    widths = measure();
  }
  // 2. a column with nothing in it (every cell shown empty or "-") goes first, whatever its priority: check's
  // Change column of "-" kept the prompt names wrapping at 40 columns ("classify-" over "intent")
  for (let j = columns.length - 1; j > 0 && total() > width && columns.length > 2; j--) {
    const blank = (s: string | undefined): boolean => s === undefined || s === '' || s === '-';
    if (identity.has(columns[j]) || !cells.every((r) => blank(r[j])) || (footer && !blank(footer[j]))) continue;
    drop(j);
    widths = measure();
  }
  // then the least useful columns (highest priority number, rightmost first) while they do not fit
  while (total() > width) {
    let pick = -1;
    let worst = 1;
    columns.forEach((c, j) => {
      const p = priorityOf(c, j, columns.length, widths[j], noted.has(c), identity.has(c));
      if (p >= worst) {
        worst = p;
        pick = j;
      }
    });
    if (pick < 0 || worst < 2 || columns.length <= 2) break; // only essential columns left
    if (headerCap.has(columns[pick]) || keepNumbers(pick, false)) break; // the last number column stays: text narrows
    // wrapping long text a little is better than losing a column
    const wrappable = columns.reduce((n, c, j) => n + (c.type === 'text' ? Math.max(0, widths[j] - COMFORTABLE_TEXT) : 0), 0);
    if (total() - wrappable <= width) break;
    drop(pick);
    widths = measure();
  }
  // 3. narrow text columns, widest first, down to a few characters: their cells wrap onto more lines.
  // The first column (the key) only down to COMFORTABLE_TEXT, and a column of short values (dates,
  // short names) not at all: they stay whole while anything else can give
  const natural = widths.slice();
  const narrow = (floorFirst: number, floor: number): void => {
    let excess = total() - width;
    const text = widths
      .map((_, j) => j)
      .filter((j) => columns[j].type === 'text')
      .sort((a, b) => widths[b] - widths[a]);
    for (const j of text) {
      if (excess <= 0) break;
      const least = floor > 1 && natural[j] <= SHORT_TEXT ? natural[j] : j === 0 ? floorFirst : floor;
      const cut = Math.min(excess, Math.max(0, widths[j] - least));
      if (cut === 0) continue;
      widths[j] -= cut;
      excess -= cut;
    }
  };
  narrow(COMFORTABLE_TEXT, MIN_TEXT);
  // 4. still too wide: the first column narrower too, then more columns dropped, essential ones too
  // (highest priority number; among equals a share, then a count, then text, an amount last;
  // rightmost first), never the first, and never below two (a metric and its value read better wrapped)
  const lastToGo: Record<string, number> = { pct: 4, int: 3, number: 3, text: 2 };
  /** Of the columns `cols` (indexes into `columns`, the first kept), the position of the next to drop. */
  const nextToDrop = (cols: number[], w: (j: number) => number, countsOnly = false): number => {
    let pick = -1;
    let worst: [number, number] = [-1, -1];
    cols.forEach((j, at) => {
      if (at === 0) return;
      const c = columns[j];
      const p: [number, number] = [priorityOf(c, at, cols.length, w(j), noted.has(c), identity.has(c)), lastToGo[c.type] ?? 1];
      if (countsOnly && (c.type === 'text' || c.type === 'usd' || c.type === 'usdPerMTok')) return;
      // (nor the last number column for the key's sake: the key wraps rather than the table lose every number)
      if (countsOnly && !cols.some((k, other) => other !== at && isNumeric(columns[k].type))) return;
      if (p[0] > worst[0] || (p[0] === worst[0] && p[1] >= worst[1])) {
        worst = p;
        pick = at;
      }
    });
    return pick;
  };
  // the key whole while anything else can give: when dropping counts and shares (in the order
  // below) lets the first column keep its natural width, they go rather than the key wrapping
  // ("gpt-4o-min" over "i" reads as another model). Amounts and text columns (the other
  // dimensions, a verdict) stay: a spend table without its cost, or rows that cannot be told apart, read worse
  if (total() > width) {
    const cols = columns.map((_, j) => j);
    const w = (j: number): number => (j === 0 ? natural[0] : widths[j]);
    const sum = (): number => cols.reduce((a, j) => a + w(j), 0) + GAP.length * (cols.length - 1);
    const gone: number[] = [];
    for (let at = nextToDrop(cols, w, true); sum() > width && cols.length > 2 && at > 0; at = nextToDrop(cols, w, true))
      gone.push(...cols.splice(at, 1));
    if (sum() <= width) {
      widths[0] = natural[0];
      const labels = gone.map((j) => columns[j].label);
      // highest index first, so the positions still to drop stay valid
      for (const j of [...gone].sort((a, b) => b - a)) {
        const keep = drop(j);
        natural.splice(j, 1);
        widths = widths.filter(keep);
      }
      // named in the order they gave way, as the loop below names them
      dropped.splice(dropped.length - labels.length, labels.length, ...labels);
    }
  }
  narrow(MIN_TEXT, MIN_TEXT);
  while (total() > width && columns.length > 2) {
    const pick = nextToDrop(
      columns.map((_, j) => j),
      (j) => widths[j],
    );
    if (keepNumbers(pick, true)) continue;
    const keep = drop(pick);
    natural.splice(pick, 1);
    const kept = widths.filter(keep);
    widths = measure().map((w, j) => Math.min(w, kept[j]));
  }
  // 5. still too wide: every text column wraps as narrow as it must
  if (total() > width) narrow(1, 1);
  // room left by the columns dropped goes back to the text columns narrowed before they went, the
  // first first, then the narrowest (a model id over four lines of 8 while 10 columns stay empty)
  else {
    const order = widths.map((_, j) => j).filter((j) => columns[j].type === 'text' && widths[j] < natural[j]);
    order.sort((a, b) => (a === 0 ? -1 : b === 0 ? 1 : widths[a] - widths[b]));
    for (const j of order) widths[j] += Math.max(0, Math.min(width - total(), natural[j] - widths[j]));
  }
  // footnotes of dropped columns go; the rest are numbered again in order
  if (footnotes.length && dropped.length) {
    const kept = new Map<number, number>();
    const renumbered: string[] = [];
    for (const row of cells) {
      row.forEach((c, j) => {
        const m = noted.has(columns[j]) ? /^\[(\d+)\]$/.exec(c) : null;
        if (!m) return;
        const old = Number(m[1]);
        let n = kept.get(old);
        if (n === undefined) {
          renumbered.push(footnotes[old - 1]);
          n = renumbered.length;
          kept.set(old, n);
        }
        row[j] = `[${n}]`;
      });
    }
    footnotes.splice(0, footnotes.length, ...renumbered);
    const before = widths;
    widths = measure().map((w, j) => Math.min(w, before[j]));
  }
  for (let j = 0; j < widths.length; j++) header[j] = truncate(header[j], widths[j]);
  return { columns, widths, cells, footer, header, dropped, footnotes };
}

/** The lines of one section's table (without its title and notes). */
export function renderTable(section: Section, opts: TableOptions): string[] {
  const { style, width } = opts;
  const { rows, left } = shownRows(section, opts.maxRows);
  const t = layout(section, rows, width);
  const right = t.columns.map((c) => isNumeric(c.type));
  const line = (cells: string[]): string =>
    cells
      .map((s, j) => (j === cells.length - 1 && !right[j] ? s : pad(s, t.widths[j], right[j])))
      .join(GAP)
      .trimEnd();
  /** One row as one or more lines: text wider than its column wraps (numbers always fit). */
  const rowLines = (cells: string[]): string[] => {
    if (cells.every((c, j) => displayWidth(c) <= t.widths[j])) return [line(cells)];
    const parts = cells.map((c, j) => (displayWidth(c) <= t.widths[j] ? [c] : wrapCell(c, t.widths[j])));
    const height = Math.max(...parts.map((p) => p.length));
    const out: string[] = [];
    for (let k = 0; k < height; k++) out.push(line(parts.map((p) => p[k] ?? '')));
    return out;
  };
  const rule = t.widths.map((w) => '─'.repeat(w)).join(GAP);
  const out: string[] = [style.bold(line(t.header)), style.dim(rule)];
  for (const r of t.cells) out.push(...rowLines(r));
  if (t.footer) out.push(style.dim(rule), ...rowLines(t.footer).map((l) => style.bold(l)));
  const dimmed = (text: string, indent = ''): string[] => wrapText(text, width, indent).map((l) => style.dim(l));
  if (left > 0)
    out.push(
      ...dimmed(`… ${formatInt(left)} more row${left === 1 ? '' : 's'} not shown (${opts.moreHint ?? '--all shows every row'})`, '  '),
    );
  t.footnotes.forEach((n, i) => out.push(...wrapText(`[${i + 1}] ${n}`, width, ' '.repeat(String(i + 1).length + 3))));
  if (t.dropped.length)
    out.push(
      ...dimmed(`Columns not shown to fit ${width} characters: ${t.dropped.map((l) => inert(l)).join(', ')} (--wide shows them).`, '  '),
    );
  return out;
}
