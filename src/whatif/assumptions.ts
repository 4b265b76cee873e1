/**
 * The assumptions appendix: every assumption the numbers rest on, with its effective value and
 * where it came from (a line of the file, a --set flag, or the documented default).
 */
import { toPlainDecimal } from '../pricing/money.js';
import { formatInt } from '../report/cells.js';
import { meanOf, type Quantity } from './dist.js';
import type { FeatureSpec, WhatifSpec } from './schema.js';

export interface AssumptionRow {
  path: string;
  value: string;
  source: string;
}

export interface Provenance {
  file: string;
  /** Line of a key path in the file, when it is stated there. */
  lineOf(path: string[]): number | undefined;
  /** Whether the value at a path is stated in the file. */
  stated(path: string[]): boolean;
  /** The --set flag that gave the value, if any. */
  setBy(path: string[]): string | undefined;
}

/** A distribution's mean: whole above 100, else to two decimals (a mean of 0.4 uses a user is not 0). */
const meanText = (x: Quantity): string => {
  const m = meanOf(x);
  return m >= 100 ? formatInt(m) : toPlainDecimal(Number(m.toFixed(2)));
};

export function quantityText(x: Quantity): string {
  switch (x.kind) {
    case 'fixed':
      return toPlainDecimal(x.value);
    case 'lognormal':
      return `lognormal p50 ${toPlainDecimal(x.p50)}, p90 ${toPlainDecimal(x.p90)} (mean ${meanText(x)})`;
    case 'normal':
      return `normal mean ${toPlainDecimal(x.mean)}, sd ${toPlainDecimal(x.sd)}, truncated at 0 (mean ${meanText(x)})`;
    case 'uniform':
      return `uniform ${toPlainDecimal(x.min)}..${toPlainDecimal(x.max)} (mean ${meanText(x)})`;
  }
}

function featureValues(f: FeatureSpec): Array<[string, string]> {
  const out: Array<[string, string]> = [['model', f.model]];
  if (f.requests.kind === 'total') out.push(['requestsPerMonth', quantityText(f.requests.perMonth)]);
  else out.push(['users', toPlainDecimal(f.requests.users)], ['requestsPerUserPerMonth', quantityText(f.requests.perUser)]);
  out.push(
    ['inputTokens', quantityText(f.inputTokens)],
    ['outputTokens', quantityText(f.outputTokens)],
    ['cachedInputShare', toPlainDecimal(f.cachedInputShare)],
    ['cacheWriteShare', toPlainDecimal(f.cacheWriteShare)],
    ['batchShare', toPlainDecimal(f.batchShare)],
    ['retryRate', toPlainDecimal(f.retryRate)],
    ['successRate', toPlainDecimal(f.successRate)],
    ['nonTokenCostPerRequestUsd', toPlainDecimal(f.nonTokenCostPerRequestUsd)],
  );
  if (f.route)
    out.push(
      ['route.share', toPlainDecimal(f.route.share)],
      ['route.model', f.route.model],
      ['route.retryRate', toPlainDecimal(f.route.retryRate)],
      ['route.outputFactor', toPlainDecimal(f.route.outputFactor)],
    );
  if (f.floorModel) out.push(['floorModel', f.floorModel]);
  out.push(
    ['maxCachedInputShare', toPlainDecimal(f.maxCachedInputShare ?? f.cachedInputShare)],
    ['maxBatchShare', toPlainDecimal(f.maxBatchShare ?? f.batchShare)],
  );
  return out;
}

function productValues(spec: WhatifSpec): Array<[string, string]> {
  const pp = spec.pricePoint;
  const out: Array<[string, string]> = [
    ['product.name', spec.name],
    ['product.period', spec.period],
  ];
  if (pp.kind === 'seat')
    out.push(['product.pricePoint.perSeatUsd', toPlainDecimal(pp.perSeatUsd)], ['product.pricePoint.seats', toPlainDecimal(pp.seats)]);
  else out.push(['product.pricePoint.perRequestUsd', toPlainDecimal(pp.perRequestUsd)]);
  if (spec.users !== undefined) out.push(['product.users', toPlainDecimal(spec.users)]);
  return out;
}

const DEFAULT_TEXT: Record<string, string> = {
  'route.retryRate': 'default: feature retryRate',
  maxCachedInputShare: 'default: cachedInputShare',
  maxBatchShare: 'default: batchShare',
  users: 'default: product users',
  'product.users': 'default: seats',
  'product.period': 'default',
  'product.pricePoint.seats': 'file (users)',
};

export function assumptionRows(spec: WhatifSpec, prov: Provenance, pricesAt: { date: string; source: string }): AssumptionRow[] {
  const source = (path: string[], shortKey: string): string => {
    const set = prov.setBy(path);
    if (set) return `--set ${set}`;
    if (prov.stated(path)) {
      const line = prov.lineOf(path);
      return `${prov.file}${line ? `:${line}` : ''}`;
    }
    return DEFAULT_TEXT[shortKey] ?? 'default';
  };
  const rows: AssumptionRow[] = productValues(spec).map(([p, value]) => ({ path: p, value, source: source(p.split('.'), p) }));
  for (const f of spec.features) {
    for (const [k, value] of featureValues(f)) {
      const path = ['features', f.name, ...k.split('.')];
      rows.push({ path: path.join('.'), value, source: source(path, k) });
    }
  }
  rows.push({ path: 'pricesAt', value: pricesAt.date, source: pricesAt.source });
  return rows;
}
