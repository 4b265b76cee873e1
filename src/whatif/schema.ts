/**
 * The what-if file (version 1): a product, its price point, and its features' assumptions.
 * Validation rejects unknown keys and wrong types with key paths (lines are added by load.ts),
 * then the document is normalised into a WhatifSpec that the pure evaluator reads.
 */
import { num, obj, oneOfStr, opt, req, str, validate, type PathPart, type Rule, type ValidationError } from '../core/validate.js';
import { MAX_RETRY_RATE } from '../core/retry.js';
import { toPlainDecimal } from '../pricing/money.js';
import { COUNTED_CHARGES, type ChargeCounts } from '../usage/dimensions.js';
import { DIST_KEYS, type Dist, type Quantity } from './dist.js';

/**
 * Upper bounds on what a what-if file may state. Far above any real product (a trillion requests a
 * month, a billion tokens a request, a million dollars a seat), they keep every figure the report
 * derives below 1e21, where numbers would print in exponent form (2.1e+304) instead of decimals.
 */
export const MAX_QUANTITY = 1e12;
export const MAX_USD = 1e6;
export const MAX_COUNT = 1e9;
const MAX_QUANTITY_TEXT = '1,000,000,000,000';

const share = (): Rule => num(0, 1);
const retry = (): Rule => num(0, MAX_RETRY_RATE);
const quantity: Rule = { kind: 'any' }; // a number or a distribution mapping; checked by checkQuantity

export const pricePointRule = obj({
  perSeatUsd: opt(num(0, MAX_USD)),
  seats: opt(num(0, MAX_COUNT)),
  users: opt(num(0, MAX_COUNT)),
  perRequestUsd: opt(num(0, MAX_USD)),
});
export const routeRule = obj({ share: req(share()), model: req(str()), retryRate: opt(retry()), outputFactor: opt(num(0, 100)) });

export const featureRule = obj({
  model: req(str()),
  requestsPerMonth: opt(quantity),
  users: opt(num(0, MAX_COUNT)),
  requestsPerUserPerMonth: opt(quantity),
  inputTokens: req(quantity),
  outputTokens: req(quantity),
  cachedInputShare: opt(share()),
  cacheWriteShare: opt(share()),
  batchShare: opt(share()),
  retryRate: opt(retry()),
  successRate: opt(share()),
  nonTokenCostPerRequestUsd: opt(num(0, MAX_USD)),
  /** Per-call charges per request (web searches, ...), priced from the catalog: usage/dimensions.ts keys. */
  chargesPerRequest: opt(obj(Object.fromEntries(COUNTED_CHARGES.map((d) => [d.key, opt(num(0, MAX_COUNT))])))),
  route: opt(routeRule),
  floorModel: opt(str()),
  maxCachedInputShare: opt(share()),
  maxBatchShare: opt(share()),
  note: opt(str()),
});

export const productRule = obj({
  name: req(str()),
  period: opt(oneOfStr(['month'])),
  users: opt(num(0, MAX_COUNT)),
  pricePoint: req(pricePointRule),
});

export const whatifRule = obj({
  version: req({ kind: 'number', min: 1, max: 1, integer: true }),
  pricesAt: opt({ kind: 'date' }),
  product: req(productRule),
  features: req({ kind: 'record', of: featureRule }),
});

/** Fields that take a number or a distribution. */
export const QUANTITY_FIELDS = ['requestsPerMonth', 'requestsPerUserPerMonth', 'inputTokens', 'outputTokens'] as const;

export type PricePoint = { kind: 'seat'; perSeatUsd: number; seats: number } | { kind: 'request'; perRequestUsd: number };

export interface RouteSpec {
  share: number;
  model: string;
  retryRate: number;
  outputFactor: number;
}

export interface FeatureSpec {
  name: string;
  model: string;
  /** Monthly requests: a quantity, or users x a per-user quantity. */
  requests: { kind: 'total'; perMonth: Quantity } | { kind: 'perUser'; users: number; perUser: Quantity };
  inputTokens: Quantity;
  outputTokens: Quantity;
  cachedInputShare: number;
  cacheWriteShare: number;
  batchShare: number;
  retryRate: number;
  successRate: number;
  nonTokenCostPerRequestUsd: number;
  /** Per-call charges of one request, priced at the feature's model (and route) charge prices. */
  chargesPerRequest?: ChargeCounts;
  route?: RouteSpec;
  floorModel?: string;
  maxCachedInputShare?: number;
  maxBatchShare?: number;
}

export interface WhatifSpec {
  name: string;
  period: 'month';
  pricesAt?: string;
  /** Users for cost per user: product.users, else the price point's seats. */
  users?: number;
  pricePoint: PricePoint;
  features: FeatureSpec[];
}

type Doc = Record<string, unknown>;

function toQuantity(value: unknown): Quantity {
  if (typeof value === 'number') return { kind: 'fixed', value };
  const v = value as Record<string, number>;
  if ('p50' in v) return { kind: 'lognormal', p50: v.p50, p90: v.p90 };
  if ('mean' in v) return { kind: 'normal', mean: v.mean, sd: v.sd };
  return { kind: 'uniform', min: v.min, max: v.max };
}

/** A number, or exactly one distribution form with sensible parameters. */
export function checkQuantity(value: unknown, path: PathPart[], errors: ValidationError[]): void {
  const fail = (message: string, at = path): void => {
    errors.push({ path: at, message });
  };
  const forms = 'a non-negative number or a distribution {p50, p90}, {mean, sd} or {min, max}';
  if (typeof value === 'number') {
    if (!Number.isFinite(value) || value < 0) fail(`expected ${forms} (got ${value})`);
    else if (value > MAX_QUANTITY) fail(`expected at most ${MAX_QUANTITY_TEXT} (got ${toPlainDecimal(value)})`);
    return;
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return fail(`expected ${forms}`);
  const keys = Object.keys(value);
  const kind = (Object.keys(DIST_KEYS) as Dist['kind'][]).find((k) => DIST_KEYS[k].every((x) => keys.includes(x)));
  if (!kind || keys.length !== 2) return fail(`expected ${forms} (got keys ${keys.join(', ') || 'none'})`);
  const v = value as Record<string, unknown>;
  for (const k of keys) {
    if (typeof v[k] !== 'number' || !Number.isFinite(v[k]) || (v[k] as number) < 0)
      fail(`expected a non-negative number (got ${JSON.stringify(v[k])})`, [...path, k]);
    else if ((v[k] as number) > MAX_QUANTITY)
      fail(`expected at most ${MAX_QUANTITY_TEXT} (got ${toPlainDecimal(v[k] as number)})`, [...path, k]);
  }
  if (errors.length > 0) return;
  const n = v as Record<string, number>;
  if (kind === 'lognormal' && !(n.p50 > 0 && n.p90 >= n.p50)) fail('expected 0 < p50 <= p90');
  if (kind === 'uniform' && n.min > n.max) fail('expected min <= max');
}

function checkFeature(name: string, f: Doc, productUsers: number | undefined, errors: ValidationError[]): void {
  const base: PathPart[] = ['features', name];
  const fail = (key: string, message: string) => errors.push({ path: [...base, key], message });
  for (const k of QUANTITY_FIELDS) if (f[k] !== undefined && f[k] !== null) checkQuantity(f[k], [...base, k], errors);
  const hasTotal = f.requestsPerMonth !== undefined;
  const hasPerUser = f.requestsPerUserPerMonth !== undefined;
  if (hasTotal === hasPerUser)
    fail(
      hasTotal ? 'requestsPerUserPerMonth' : 'requestsPerMonth',
      'give exactly one of requestsPerMonth or requestsPerUserPerMonth (with users)',
    );
  if (f.users !== undefined && !hasPerUser) fail('users', 'users needs requestsPerUserPerMonth');
  if (hasPerUser && f.users === undefined && productUsers === undefined)
    fail('users', 'is required with requestsPerUserPerMonth (or set product.users or pricePoint seats)');
  const write = (f.cacheWriteShare as number | undefined) ?? 0;
  if (((f.cachedInputShare as number | undefined) ?? 0) + write > 1)
    fail('cachedInputShare', 'cachedInputShare + cacheWriteShare must be at most 1');
  if (((f.maxCachedInputShare as number | undefined) ?? 0) + write > 1)
    fail('maxCachedInputShare', 'maxCachedInputShare + cacheWriteShare must be at most 1');
  if (f.successRate === 0) fail('successRate', 'must be above 0');
}

function checkPricePoint(p: Doc, errors: ValidationError[]): void {
  const path = ['product', 'pricePoint'];
  const seat = p.perSeatUsd !== undefined;
  if (seat === (p.perRequestUsd !== undefined))
    errors.push({ path, message: 'give exactly one of perSeatUsd (with seats) or perRequestUsd' });
  else if (seat && (p.seats === undefined) === (p.users === undefined))
    errors.push({ path, message: 'perSeatUsd needs exactly one of seats or users' });
  else if (!seat && (p.seats !== undefined || p.users !== undefined))
    errors.push({ path, message: 'seats/users go with perSeatUsd; use product.users for cost per user' });
  else if (seat) {
    // revenue, cost per seat and each feature's verdict are per seat: with no seat there is nothing to judge
    const key = p.seats !== undefined ? 'seats' : 'users';
    if ((p[key] as number) < 1)
      errors.push({
        path: [...path, key],
        message: `expected at least 1 (got ${p[key]}): per-seat pricing needs a paying seat (cost per seat and the verdict divide by it); for a product without seats use perRequestUsd`,
      });
  }
}

/** Keys whose values are shares of 1 (rates, hit rates, success), never percentages. */
const SHARE_KEYS = new Set([
  'cachedInputShare',
  'cacheWriteShare',
  'batchShare',
  'retryRate',
  'successRate',
  'share',
  'maxCachedInputShare',
  'maxBatchShare',
]);

/** A share written as a percentage (cachedInputShare: 40) is told how to write it (0.4). */
function percentHint(doc: unknown, e: ValidationError): ValidationError {
  const key = e.path[e.path.length - 1];
  if (typeof key !== 'string' || !SHARE_KEYS.has(key)) return e;
  const value = e.path.reduce<unknown>((n, k) => (n && typeof n === 'object' ? (n as Record<string, unknown>)[k] : undefined), doc);
  if (typeof value !== 'number' || !(value > 1 && value <= 100)) return e;
  return { ...e, message: `${e.message}: a share is a fraction of 1, not a percentage (${value}% is ${toPlainDecimal(value / 100)})` };
}

/** Validate a parsed document; errors carry key paths. */
export function validateWhatif(doc: unknown): ValidationError[] {
  const errors = validate(doc, whatifRule).map((e) => percentHint(doc, e));
  if (errors.length > 0) return errors;
  const d = doc as Doc;
  const product = d.product as Doc;
  const pp = product.pricePoint as Doc;
  checkPricePoint(pp, errors);
  const productUsers = (product.users ?? pp.seats ?? pp.users) as number | undefined;
  const features = d.features as Record<string, Doc>;
  if (Object.keys(features).length === 0) errors.push({ path: ['features'], message: 'expected at least one feature' });
  for (const [name, f] of Object.entries(features)) {
    if (name === '__proto__')
      errors.push({ path: ['features', name], message: 'unknown key: "__proto__" cannot name a feature (rename it)' });
    else if (name.includes('.'))
      errors.push({
        path: ['features', name],
        message: `a feature name cannot contain a dot ("${name}"): --set features.NAME.KEY=VALUE could not reach it (rename it, e.g. "${name.replaceAll('.', '-')}")`,
      });
    else checkFeature(name, f, productUsers, errors);
  }
  return errors;
}

function toFeature(name: string, f: Doc, productUsers: number | undefined): FeatureSpec {
  const n = (k: string, dflt: number) => (f[k] as number | undefined) ?? dflt;
  const retryRate = n('retryRate', 0);
  const r = f.route as Doc | undefined;
  return {
    name,
    model: f.model as string,
    requests:
      f.requestsPerMonth !== undefined
        ? { kind: 'total', perMonth: toQuantity(f.requestsPerMonth) }
        : {
            kind: 'perUser',
            users: (f.users as number | undefined) ?? (productUsers as number),
            perUser: toQuantity(f.requestsPerUserPerMonth),
          },
    inputTokens: toQuantity(f.inputTokens),
    outputTokens: toQuantity(f.outputTokens),
    cachedInputShare: n('cachedInputShare', 0),
    cacheWriteShare: n('cacheWriteShare', 0),
    batchShare: n('batchShare', 0),
    retryRate,
    successRate: n('successRate', 1),
    nonTokenCostPerRequestUsd: n('nonTokenCostPerRequestUsd', 0),
    chargesPerRequest: f.chargesPerRequest as ChargeCounts | undefined,
    route: r
      ? {
          share: r.share as number,
          model: r.model as string,
          retryRate: (r.retryRate as number | undefined) ?? retryRate,
          outputFactor: (r.outputFactor as number | undefined) ?? 1,
        }
      : undefined,
    floorModel: f.floorModel as string | undefined,
    maxCachedInputShare: f.maxCachedInputShare as number | undefined,
    maxBatchShare: f.maxBatchShare as number | undefined,
  };
}

/** Normalise a valid document (call validateWhatif first). */
export function toSpec(doc: unknown): WhatifSpec {
  const d = doc as Doc;
  const product = d.product as Doc;
  const pp = product.pricePoint as Doc;
  const seats = (pp.seats ?? pp.users) as number | undefined;
  const users = (product.users as number | undefined) ?? seats;
  const pricePoint: PricePoint =
    pp.perSeatUsd !== undefined
      ? { kind: 'seat', perSeatUsd: pp.perSeatUsd as number, seats: seats as number }
      : { kind: 'request', perRequestUsd: pp.perRequestUsd as number };
  const features = Object.entries(d.features as Record<string, Doc>).map(([name, f]) => toFeature(name, f, users));
  const pricesAt = d.pricesAt instanceof Date ? d.pricesAt.toISOString().slice(0, 10) : (d.pricesAt as string | undefined);
  return { name: product.name as string, period: 'month', pricesAt, users, pricePoint, features };
}
