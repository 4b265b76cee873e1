/**
 * The report model as JSON, and back. `--format json` carries the command's own document (its keys
 * and shapes are the machine contract) plus this one under `report`: title, summary, sections with
 * typed columns (and the rule that sums rows past a limit), inputs, issues, assumptions, notes,
 * warnings and charts. Keys added since version 1 are optional, so older files still read. `tokenomics render` reads it back and renders any
 * format from a saved file, so a JSON report is the single thing to keep.
 *
 * Amounts stay exact on the way through: usd and usdPerMTok cells are bigints in the model and
 * decimal strings here ("0.000123"), since a JSON number read back by JSON.parse is a double.
 */
import { UserError } from '../core/issues.js';
import { SCHEMA_VERSION } from '../core/schema-version.js';
import { decimalToScaled, femtoToUsdString, PRICE_DECIMALS, scaledToDecimalString } from '../pricing/money.js';
import type {
  Cell,
  Chart,
  ChartKind,
  Column,
  ColumnType,
  Report,
  ReportInputs,
  ReportIssue,
  PartlyPricedRule,
  Section,
  SectionRest,
} from './model.js';

/** Version of the `report` key's shape (separate from the command documents' schemaVersion). */
export const REPORT_MODEL_VERSION = 1;

const COLUMN_TYPES: readonly ColumnType[] = ['text', 'int', 'usd', 'pct', 'number', 'usdPerMTok'];
const CHART_KINDS: readonly ChartKind[] = ['bar', 'stacked-bar', 'line', 'waterfall', 'grouped-bar'];
const USD_DECIMALS = 15;
const DECIMAL = /^-?\d+(\.\d+)?$/;

function cellOut(value: Cell, type: ColumnType): unknown {
  if (typeof value !== 'bigint') return value === undefined ? null : value;
  if (type === 'usdPerMTok') return scaledToDecimalString(value, PRICE_DECIMALS);
  if (type === 'usd') return femtoToUsdString(value);
  return value.toString();
}

/**
 * Text that reads as a number but is not a plain decimal ("1e400", "Infinity", "NaN", "+5"): in a
 * numeric column a number is a JSON number or a plain decimal as tokenomics writes it ("180"). The
 * whole text: a count with a word beside it ("500 (default)", as estimate writes) is text.
 */
const NUMBER_LIKE = /^\s*[-+]?(\d+\.?\d*|\.\d+)(e[-+]?\d+)?\s*$|^\s*[-+]?(inf(inity)?|nan)\s*$/i;

/**
 * A saved cell back to the model: a string, a finite number or null, as cellOut writes them; an
 * amount as an exact decimal string. An object, a list, a boolean, a number out of range (1e400
 * reads as Infinity) or, in a numeric column, text that reads as a number other than an exact
 * decimal amount, is an error at `where`.
 */
function cellIn(value: unknown, type: ColumnType, where: string): Cell {
  if (typeof value === 'string' && DECIMAL.test(value)) {
    if (type === 'usd') return decimalToScaled(value, USD_DECIMALS);
    if (type === 'usdPerMTok') return decimalToScaled(value, PRICE_DECIMALS);
  }
  if (value === null) return null;
  if (typeof value === 'number') return num(value, where);
  if (typeof value === 'string') {
    if (type !== 'text' && NUMBER_LIKE.test(value) && !DECIMAL.test(value))
      throw new Bad(
        `${where}: expected ${type === 'usd' || type === 'usdPerMTok' ? 'an exact decimal string such as "0.0125"' : 'a finite JSON number or a plain decimal'} in this ${type} column, not the text ${JSON.stringify(value.slice(0, 40))}`,
      );
    return value;
  }
  throw new Bad(
    `${where}: expected a string, a number or null (a ${type} cell), not ${Array.isArray(value) ? 'a list' : typeof value === 'object' ? 'an object' : `a ${typeof value}`}`,
  );
}

function rowOut(row: Record<string, Cell>, columns: Column[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const c of columns) if (row[c.key] !== undefined) out[c.key] = cellOut(row[c.key], c.type);
  return out;
}

/** The model as a JSON value (for the `report` key of --format json). */
export function reportToDocument(report: Report): Record<string, unknown> {
  return {
    version: REPORT_MODEL_VERSION,
    title: report.title,
    summary: report.summary.map(([label, value]) => ({ label, value })),
    sections: report.sections.map((s) => ({
      id: s.id,
      title: s.title,
      columns: s.columns.map((c) => ({ key: c.key, label: c.label, type: c.type, priority: c.priority, only: c.only, signed: c.signed })),
      rows: s.rows.map((r) => rowOut(r, s.columns)),
      footer: s.footer ? rowOut(s.footer, s.columns) : undefined,
      notes: s.notes,
      limit: s.limit,
      rest: s.rest,
      partlyPriced: s.partlyPriced,
    })),
    notes: report.notes,
    warnings: report.warnings ?? [],
    inputs: report.inputs,
    issues: report.issues?.map((i) => ({
      severity: i.severity,
      code: i.code,
      message: i.message,
      file: i.file,
      line: i.line,
      path: i.path,
      hint: i.hint,
    })),
    assumptions: report.assumptions,
    primarySection: report.primarySection,
    moreHint: report.moreHint,
    marker: report.marker,
    charts: report.charts ?? [],
  };
}

// ---- reading a saved document back (the file may be anything: check every shape) ----

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

class Bad extends Error {}
function need<T>(ok: boolean, value: T, where: string, what: string): T {
  if (!ok) throw new Bad(`${where}: expected ${what}`);
  return value;
}
const str = (v: unknown, where: string): string => need(typeof v === 'string', v as string, where, 'a string');
const strs = (v: unknown, where: string): string[] =>
  v === undefined ? [] : need(Array.isArray(v), v as unknown[], where, 'a list of strings').map((x, i) => str(x, `${where}[${i}]`));
const num = (v: unknown, where: string): number => need(typeof v === 'number' && Number.isFinite(v), v as number, where, 'a number');

function columnIn(v: unknown, where: string): Column {
  need(isObject(v), v, where, 'a column object');
  const c = v as Record<string, unknown>;
  const type = str(c.type, `${where}.type`) as ColumnType;
  need(COLUMN_TYPES.includes(type), type, `${where}.type`, `one of ${COLUMN_TYPES.join(', ')}`);
  const col: Column = { key: str(c.key, `${where}.key`), label: str(c.label, `${where}.label`), type };
  if (c.priority !== undefined) col.priority = num(c.priority, `${where}.priority`);
  if (c.only === 'csv' || c.only === 'display') col.only = c.only;
  if (c.signed === true) col.signed = true;
  return col;
}

function rowIn(v: unknown, columns: Column[], where: string): Record<string, Cell> {
  need(isObject(v), v, where, 'a row object');
  const r = v as Record<string, unknown>;
  const row: Record<string, Cell> = Object.create(null);
  for (const c of columns) if (Object.hasOwn(r, c.key)) row[c.key] = cellIn(r[c.key], c.type, `${where}.${c.key}`);
  return row;
}

function sectionIn(v: unknown, where: string): Section {
  need(isObject(v), v, where, 'a section object');
  const s = v as Record<string, unknown>;
  const columns = need(Array.isArray(s.columns), s.columns as unknown[], `${where}.columns`, 'a list').map((c, i) =>
    columnIn(c, `${where}.columns[${i}]`),
  );
  const section: Section = {
    id: str(s.id, `${where}.id`),
    title: str(s.title, `${where}.title`),
    columns,
    rows: need(Array.isArray(s.rows), s.rows as unknown[], `${where}.rows`, 'a list').map((r, i) =>
      rowIn(r, columns, `${where}.rows[${i}]`),
    ),
  };
  if (s.footer !== undefined && s.footer !== null) section.footer = rowIn(s.footer, columns, `${where}.footer`);
  if (s.notes !== undefined) section.notes = strs(s.notes, `${where}.notes`);
  if (s.limit === false) section.limit = false;
  if (s.rest !== undefined && s.rest !== null) section.rest = restIn(s.rest, `${where}.rest`, columns, section.rows, `${where}.rows`);
  if (s.partlyPriced !== undefined && s.partlyPriced !== null)
    section.partlyPriced = partlyPricedIn(s.partlyPriced, `${where}.partlyPriced`, columns);
  return section;
}

/** A saved partly-priced note rule: its keys columns of the section, its counts whole numbers, and the columns it reads present. */
function partlyPricedIn(v: unknown, where: string, columns: Column[]): PartlyPricedRule {
  need(isObject(v), v, where, 'an object');
  const r = v as Record<string, unknown>;
  const keys = strs(r.keys, `${where}.keys`);
  const has = (key: string, types: readonly ColumnType[]) => columns.some((c) => c.key === key && types.includes(c.type));
  for (const [i, k] of keys.entries()) need(has(k, ['text']), k, `${where}.keys[${i}]`, 'a text column of the section');
  for (const [k, types] of [
    ['cost', ['usd']],
    ['requests', ['int']],
    ['unpricedRequests', ['int']],
  ] as const)
    need(has(k, types), k, where, `a section with a ${types[0]} column "${k}"`);
  const count = (x: unknown, w: string) => need(Number.isSafeInteger(x) && (x as number) >= 0, x as number, w, 'a whole number 0 or more');
  return { keys, rows: count(r.rows, `${where}.rows`), notShown: count(r.notShown, `${where}.notShown`) };
}

/**
 * Which column types each part of a rest rule names (rows.ts computes the rest row from them): the
 * label a text column ("(N more)"), sums of counts and amounts, a share (a fraction) of an amount,
 * an amount per request of an amount and counts, a difference of two amounts.
 */
const NUMBERS: readonly ColumnType[] = ['int', 'number', 'usd'];
const REST_TYPES = {
  share: { key: ['pct'], of: ['usd'] },
  delta: { key: ['usd'], from: ['usd'], to: ['usd'] },
  per: { key: ['usd'], of: ['usd'], count: ['int'], less: ['int'] },
} as const satisfies Record<string, Record<string, readonly ColumnType[]>>;

/**
 * A saved rest rule, checked against its section: every key a column of the type the rule needs, and
 * every cell it sums a number or an amount. A rule naming a missing or mistyped column (or text in a
 * summed column) rendered a rest row of wrong sums, a share in an amount column, or no label.
 */
function restIn(v: unknown, where: string, columns: Column[], rows: Record<string, Cell>[], rowsAt: string): SectionRest {
  need(isObject(v), v, where, 'a rest object');
  const r = v as Record<string, unknown>;
  const pair = <K extends string>(x: unknown, at: string, keys: readonly K[]): Record<K, string> | undefined => {
    if (x === undefined) return undefined;
    need(isObject(x), x, at, 'an object');
    return Object.fromEntries(keys.map((k) => [k, str((x as Record<string, unknown>)[k], `${at}.${k}`)])) as Record<K, string>;
  };
  const column = (key: string, at: string, types: readonly ColumnType[]): string => {
    const c = columns.find((x) => x.key === key);
    if (!c) throw new Bad(`${at}: names no column of this section (${JSON.stringify(key.slice(0, 40))})`);
    need(types.includes(c.type), key, at, `a column of type ${types.join(', ')}, not the ${c.type} column ${JSON.stringify(key)}`);
    return key;
  };
  const rest: SectionRest = {
    label: column(str(r.label, `${where}.label`), `${where}.label`, ['text']),
    sum: strs(r.sum, `${where}.sum`).map((k, i) => column(k, `${where}.sum[${i}]`, NUMBERS)),
  };
  const share = pair(r.share, `${where}.share`, ['key', 'of'] as const);
  if (share) rest.share = share;
  const delta = pair(r.delta, `${where}.delta`, ['key', 'from', 'to'] as const);
  if (delta) rest.delta = delta;
  const per = pair(r.per, `${where}.per`, ['key', 'of', 'count', 'less'] as const);
  if (per) rest.per = per;
  for (const part of ['share', 'delta', 'per'] as const) {
    const keys = rest[part] as Record<string, string> | undefined;
    if (keys) for (const [k, types] of Object.entries(REST_TYPES[part])) column(keys[k], `${where}.${part}.${k}`, types);
  }
  // the request counts an amount per request divides by: whole numbers (a fraction reached BigInt and stopped render as an internal error)
  const divisors = rest.per ? [rest.per.count, rest.per.less] : [];
  rows.forEach((row, i) => {
    for (const k of rest.sum) {
      const cell = row[k];
      if (typeof cell === 'string')
        throw new Bad(`${rowsAt}[${i}].${k}: text in a column the rest row sums (${where}.sum): expected a number, an amount or null`);
    }
    for (const k of divisors) {
      const cell = row[k];
      if (typeof cell === 'number' && !Number.isInteger(cell))
        throw new Bad(
          `${rowsAt}[${i}].${k}: a fraction in a count the rest row divides by (${where}.per): expected a whole number or null`,
        );
    }
  });
  return rest;
}

const SEVERITIES: readonly ReportIssue['severity'][] = ['error', 'warning', 'info'];
const optStr = (v: unknown, where: string): string | undefined => (v === undefined || v === null ? undefined : str(v, where));

function issueIn(v: unknown, where: string): ReportIssue {
  need(isObject(v), v, where, 'an issue object');
  const o = v as Record<string, unknown>;
  const severity = str(o.severity, `${where}.severity`) as ReportIssue['severity'];
  need(SEVERITIES.includes(severity), severity, `${where}.severity`, `one of ${SEVERITIES.join(', ')}`);
  const issue: ReportIssue = { severity, code: str(o.code, `${where}.code`), message: str(o.message, `${where}.message`) };
  const file = optStr(o.file, `${where}.file`);
  if (file !== undefined) issue.file = file;
  if (o.line !== undefined && o.line !== null) issue.line = num(o.line, `${where}.line`);
  const path = optStr(o.path, `${where}.path`);
  if (path !== undefined) issue.path = path;
  const hint = optStr(o.hint, `${where}.hint`);
  if (hint !== undefined) issue.hint = hint;
  return issue;
}

function countsIn(v: unknown, where: string): Record<string, number> {
  need(isObject(v), v, where, 'an object of counts');
  const out: Record<string, number> = Object.create(null);
  for (const [k, n] of Object.entries(v as Record<string, unknown>)) out[k] = num(n, `${where}.${k}`);
  return out;
}

function inputsIn(v: unknown, where: string): ReportInputs {
  need(isObject(v), v, where, 'an inputs object');
  const o = v as Record<string, unknown>;
  const files = need(Array.isArray(o.files), o.files as unknown[], `${where}.files`, 'a list').map((f, i) => {
    const at = `${where}.files[${i}]`;
    need(isObject(f), f, at, 'a file object');
    const x = f as Record<string, unknown>;
    return {
      path: str(x.path, `${at}.path`),
      format: str(x.format, `${at}.format`),
      ...(x.bytes === undefined ? {} : { bytes: num(x.bytes, `${at}.bytes`) }),
    };
  });
  return {
    files,
    read: num(o.read, `${where}.read`),
    counted: num(o.counted, `${where}.counted`),
    skipped: countsIn(o.skipped, `${where}.skipped`),
    rejected: countsIn(o.rejected, `${where}.rejected`),
  };
}

function chartIn(v: unknown, where: string): Chart {
  need(isObject(v), v, where, 'a chart object');
  const c = v as Record<string, unknown>;
  const kind = str(c.kind, `${where}.kind`) as ChartKind;
  need(CHART_KINDS.includes(kind), kind, `${where}.kind`, `one of ${CHART_KINDS.join(', ')}`);
  const points = need(Array.isArray(c.points), c.points as unknown[], `${where}.points`, 'a list').map((p, i) => {
    const at = `${where}.points[${i}]`;
    need(isObject(p), p, at, 'a point object');
    const q = p as Record<string, unknown>;
    // a line is drawn over a numeric x (a point at a text x was left out of the drawing, kept in the table)
    const x = kind === 'line' ? num(q.x, `${at}.x`) : typeof q.x === 'number' ? num(q.x, `${at}.x`) : str(q.x, `${at}.x`);
    return {
      x,
      series: q.series === undefined ? undefined : str(q.series, `${at}.series`),
      value: num(q.value, `${at}.value`),
      text: str(q.text, `${at}.text`),
    };
  });
  // a category is its label: two points of one label and series would be drawn as one bar of their sum
  const seen = new Map<string, number>();
  points.forEach((p, i) => {
    const key = JSON.stringify([typeof p.x, p.x, p.series ?? null]);
    const first = seen.get(key);
    if (first !== undefined)
      throw new Bad(
        `${where}.points[${i}]: the same x${p.series === undefined ? '' : ' and series'} as ${where}.points[${first}] (each point is its own category)`,
      );
    seen.set(key, i);
  });
  return {
    id: str(c.id, `${where}.id`),
    title: str(c.title, `${where}.title`),
    kind,
    xLabel: str(c.xLabel, `${where}.xLabel`),
    yLabel: str(c.yLabel, `${where}.yLabel`),
    seriesLabel: c.seriesLabel === undefined ? undefined : str(c.seriesLabel, `${where}.seriesLabel`),
    points,
    note: c.note === undefined ? undefined : str(c.note, `${where}.note`),
  };
}

/**
 * A saved --format json document back to the model. `file` names it in errors. The whole saved
 * document stays the report's JSON, so `render --format json` writes what was saved.
 */
export function documentToReport(doc: unknown, file: string): Report {
  const hint = 'render reads a report saved with --format json by tokenomics 0.1 or later (it has a "report" key)';
  if (!isObject(doc) || !isObject(doc.report)) throw new UserError(`${file}: not a tokenomics JSON report (no "report" key)`, hint);
  if (doc.schemaVersion !== SCHEMA_VERSION)
    throw new UserError(
      `${file}: schemaVersion ${doc.schemaVersion === undefined ? 'missing' : JSON.stringify(doc.schemaVersion)}: this tokenomics reads schemaVersion ${SCHEMA_VERSION}`,
      `${hint}; a file written by another version of tokenomics renders with that version`,
    );
  const m = doc.report;
  if (m.version !== REPORT_MODEL_VERSION)
    throw new UserError(
      `${file}: report model version ${JSON.stringify(m.version)} is not one this tokenomics reads (${REPORT_MODEL_VERSION})`,
      hint,
    );
  try {
    const summary = need(Array.isArray(m.summary), m.summary as unknown[], 'report.summary', 'a list').map((e, i): [string, string] => {
      need(isObject(e), e, `report.summary[${i}]`, 'a {label, value} object');
      const o = e as Record<string, unknown>;
      return [str(o.label, `report.summary[${i}].label`), str(o.value, `report.summary[${i}].value`)];
    });
    const sections = need(Array.isArray(m.sections), m.sections as unknown[], 'report.sections', 'a list').map((s, i) =>
      sectionIn(s, `report.sections[${i}]`),
    );
    const charts =
      m.charts === undefined
        ? []
        : need(Array.isArray(m.charts), m.charts as unknown[], 'report.charts', 'a list').map((c, i) => chartIn(c, `report.charts[${i}]`));
    return {
      title: str(m.title, 'report.title'),
      summary,
      sections,
      notes: strs(m.notes, 'report.notes'),
      warnings: strs(m.warnings, 'report.warnings'),
      inputs: m.inputs === undefined ? undefined : inputsIn(m.inputs, 'report.inputs'),
      issues:
        m.issues === undefined
          ? undefined
          : need(Array.isArray(m.issues), m.issues as unknown[], 'report.issues', 'a list').map((x, i) =>
              issueIn(x, `report.issues[${i}]`),
            ),
      assumptions: m.assumptions === undefined ? undefined : strs(m.assumptions, 'report.assumptions'),
      primarySection: m.primarySection === undefined ? undefined : str(m.primarySection, 'report.primarySection'),
      moreHint: optStr(m.moreHint, 'report.moreHint'),
      marker: optStr(m.marker, 'report.marker'),
      charts,
      data: { command: 'saved', document: doc },
    };
  } catch (err) {
    if (err instanceof Bad) throw new UserError(`${file}: ${err.message}`, hint);
    throw err;
  }
}
