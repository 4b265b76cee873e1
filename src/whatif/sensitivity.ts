/**
 * Sensitivity: move each numeric assumption in the document by -20% and +20% (one at a time,
 * exact decimals), re-evaluate the point estimate, and report the change in total monthly cost
 * and gross margin. A distribution moves as a whole (all its parameters scaled), which scales its
 * mean. Shares are capped so they stay valid (at most 1; cache read + write at most 1).
 */
import { ratio, scaledToDecimalString, toPlainDecimal, type Femto } from '../pricing/money.js';
import type { Pricer } from '../pricing/cost.js';
import type { Rule } from '../core/validate.js';
import { evaluate, type Evaluation, type Resolve } from './evaluate.js';
import { MAX_QUANTITY, QUANTITY_FIELDS, toSpec, validateWhatif, whatifRule } from './schema.js';

export interface SensitivityRow {
  /** Dot path of the assumption in the document. */
  path: string;
  base: string;
  low: string;
  high: string;
  costDeltaLow: Femto;
  costDeltaHigh: Femto;
  marginDeltaLow: Femto;
  marginDeltaHigh: Femto;
  capped: boolean;
}

const SHARES = new Set([
  'cachedInputShare',
  'cacheWriteShare',
  'batchShare',
  'successRate',
  'share',
  'maxCachedInputShare',
  'maxBatchShare',
]);
const SKIP = new Set(['version']);

/** value x percent / 100, exactly, as a number whose shortest form is that decimal. */
export function scaleDecimal(value: number, percent: number): number {
  const r = ratio(value);
  const digits = r.den.toString().length - 1 + 2; // den is a power of ten; /100 adds two places
  return Number(scaledToDecimalString(r.num * BigInt(percent), digits));
}

type Leaf = { path: string[]; value: number | Record<string, number> };

/** Numeric assumptions (and whole distributions) of a document, in document order. */
export function numericLeaves(node: unknown, path: string[] = []): Leaf[] {
  if (typeof node === 'number') return SKIP.has(path.join('.')) ? [] : [{ path, value: node }];
  if (typeof node !== 'object' || node === null || Array.isArray(node)) return [];
  const key = path[path.length - 1];
  if ((QUANTITY_FIELDS as readonly string[]).includes(key) && path[0] === 'features')
    return [{ path, value: node as Record<string, number> }];
  return Object.entries(node).flatMap(([k, v]) => numericLeaves(v, [...path, k]));
}

function setIn(doc: unknown, path: string[], value: unknown): void {
  let node = doc as Record<string, unknown>;
  for (const k of path.slice(0, -1)) node = node[k] as Record<string, unknown>;
  node[path[path.length - 1]] = value;
}

function getIn(doc: unknown, path: string[]): unknown {
  let node = doc as Record<string, unknown> | undefined;
  for (const k of path) node = node?.[k] as Record<string, unknown> | undefined;
  return node;
}

/** The largest valid value of a share, given its sibling (cache read + cache write at most 1). */
function shareCap(doc: unknown, path: string[]): number {
  const key = path[path.length - 1];
  const sibling = (k: string) => (getIn(doc, [...path.slice(0, -1), k]) as number | undefined) ?? 0;
  if (key === 'cachedInputShare' || key === 'maxCachedInputShare') return 1 - sibling('cacheWriteShare');
  if (key === 'cacheWriteShare') return 1 - Math.max(sibling('cachedInputShare'), sibling('maxCachedInputShare'));
  return 1;
}

/** The number rule of a path in the what-if schema (its min and max), if any. */
function ruleAt(path: string[]): { min?: number; max?: number } | undefined {
  let rule: Rule | undefined = whatifRule;
  for (const k of path) {
    if (rule?.kind === 'object') rule = rule.fields[k]?.rule;
    else if (rule?.kind === 'record') rule = rule.of;
    else return undefined;
  }
  return rule?.kind === 'number' ? rule : undefined;
}

/** The valid range of a numeric assumption: the schema's bounds, shares' sibling caps, at least one paying seat. */
function boundsOf(doc: unknown, path: string[]): { min: number; max: number } {
  const key = path[path.length - 1];
  if ((QUANTITY_FIELDS as readonly string[]).includes(path[2]) && path[0] === 'features') return { min: 0, max: MAX_QUANTITY };
  const rule = ruleAt(path);
  let min = rule?.min ?? 0;
  let max = rule?.max ?? Number.POSITIVE_INFINITY;
  if (SHARES.has(key)) max = Math.min(max, shareCap(doc, path));
  // per-seat pricing needs a paying seat (schema.ts checkPricePoint)
  if (path[0] === 'product' && path[1] === 'pricePoint' && (key === 'seats' || key === 'users')) min = Math.max(min, 1);
  return { min, max };
}

/**
 * The assumption moved by `percent`, kept inside its valid range (capped: moved less than asked).
 * An assumption at a bound (a retry rate of 0.9 cannot rise 20%, one seat cannot fall 20%) moves as
 * far as it may; it is never dropped, which listed it as having no effect on cost or margin.
 */
function scaled(doc: unknown, leaf: Leaf, percent: number): { value: number | Record<string, number>; capped: boolean } {
  const { min, max } = boundsOf(doc, leaf.path);
  let capped = false;
  const clamp = (x: number) => {
    if (x > max) return ((capped = true), Number(max.toPrecision(12)));
    if (x < min) return ((capped = true), min);
    return x;
  };
  if (typeof leaf.value !== 'number') {
    const value = Object.fromEntries(Object.entries(leaf.value).map(([k, v]) => [k, clamp(scaleDecimal(v, percent))]));
    return { value, capped };
  }
  return { value: clamp(scaleDecimal(leaf.value, percent)), capped };
}

const show = (v: number | Record<string, number>) =>
  typeof v === 'number'
    ? toPlainDecimal(v)
    : `{${Object.entries(v)
        .map(([k, x]) => `${k}: ${toPlainDecimal(x)}`)
        .join(', ')}}`;

export function sensitivity(doc: unknown, base: Evaluation, pricer: Pricer, resolve: Resolve, stepPercent = 20): SensitivityRow[] {
  return sensitivityOf(doc, base, pricer, resolve, stepPercent).rows;
}

/**
 * The sensitivity rows, and the assumptions that could not be moved at all (a move the file's
 * rules refuse even within its range): those are not said to have no effect.
 */
export function sensitivityOf(
  doc: unknown,
  base: Evaluation,
  pricer: Pricer,
  resolve: Resolve,
  stepPercent = 20,
): { rows: SensitivityRow[]; unmoved: string[] } {
  const rows: SensitivityRow[] = [];
  const unmoved: string[] = [];
  for (const leaf of numericLeaves(doc)) {
    const variant = (percent: number) => {
      const s = scaled(doc, leaf, percent);
      const copy = structuredClone(doc);
      setIn(copy, leaf.path, s.value);
      if (validateWhatif(copy).length > 0) return undefined;
      const e = evaluate(toSpec(copy), pricer, resolve);
      return { ...s, cost: e.totals.cost - base.totals.cost, margin: e.totals.margin - base.totals.margin };
    };
    const lo = variant(100 - stepPercent);
    const hi = variant(100 + stepPercent);
    if (!lo || !hi) {
      unmoved.push(leaf.path.join('.'));
      continue;
    }
    if (lo.cost === 0n && hi.cost === 0n && lo.margin === 0n && hi.margin === 0n) continue;
    rows.push({
      path: leaf.path.join('.'),
      base: show(leaf.value),
      low: show(lo.value),
      high: show(hi.value),
      costDeltaLow: lo.cost,
      costDeltaHigh: hi.cost,
      marginDeltaLow: lo.margin,
      marginDeltaHigh: hi.margin,
      capped: lo.capped || hi.capped,
    });
  }
  const abs = (x: bigint) => (x < 0n ? -x : x);
  const impact = (r: SensitivityRow) =>
    // biome-ignore lint/complexity/useMathMinMax: bigints, which Math.max does not take
    [abs(r.marginDeltaLow), abs(r.marginDeltaHigh), abs(r.costDeltaLow), abs(r.costDeltaHigh)].reduce((a, b) => (b > a ? b : a));
  rows.sort((a, b) => {
    const d = impact(b) - impact(a);
    return d > 0n ? 1 : d < 0n ? -1 : a.path.localeCompare(b.path);
  });
  return { rows, unmoved };
}

/** Assumptions with no effect on cost or margin (omitted from the table), for a note; `unmoved` could not be moved, so are not among them. */
export function unaffected(doc: unknown, rows: SensitivityRow[], unmoved: string[] = []): string[] {
  const shown = new Set([...rows.map((r) => r.path), ...unmoved]);
  return numericLeaves(doc)
    .map((l) => l.path.join('.'))
    .filter((p) => !shown.has(p));
}
