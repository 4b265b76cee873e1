/** Lever scopes (`where:`) and grouping keys shared by levers and reports. */
import type { Catalog } from '../pricing/catalog.js';
import { knownDimensionValue, NONE, parseDimensions, type Dimension } from '../aggregate/dims.js';
import { ownValue } from './keys.js';
import { promptOf, type SimRequest, type Where } from './types.js';

/**
 * A predicate for a `where` block. `model` matches the request's current model id as logged or
 * the catalog entry it resolves to (so `claude-sonnet-4-5` matches its dated snapshots).
 */
export function scopePredicate(where: Where | undefined, catalog: Catalog): (r: SimRequest) => boolean {
  if (!where) return () => true;
  const models = where.model ? new Set(where.model) : undefined;
  const matchModel = (m: string): boolean => {
    if (!models) return true;
    if (models.has(m)) return true;
    const id = catalog.resolve(m)?.entry.id;
    return id !== undefined && models.has(id);
  };
  const inList = (list: string[] | undefined, v: string | undefined) => !list || (v !== undefined && list.includes(v));
  return (r) => {
    const tags = r.record.tags;
    if (!inList(where.feature, tags.feature)) return false;
    if (!inList(where.customer, tags.customer)) return false;
    if (!inList(where.provider, r.record.provider)) return false;
    if (!matchModel(r.model)) return false;
    if (where.tag) for (const [k, v] of Object.entries(where.tag)) if (ownValue(tags, k) !== v) return false;
    const p = promptOf(r) / Math.max(1, r.record.requests);
    if (where.minInputTokens !== undefined && p < where.minInputTokens) return false;
    if (where.maxInputTokens !== undefined && p > where.maxInputTokens) return false;
    return true;
  };
}

/** Human text of a scope, e.g. `feature=screening, input>=2000`. */
export function describeWhere(where: Where | undefined): string {
  if (!where) return 'all traffic';
  const parts: string[] = [];
  const list = (k: string, v?: string[]) => v && parts.push(`${k}=${v.join('|')}`);
  list('feature', where.feature);
  list('model', where.model);
  list('provider', where.provider);
  list('customer', where.customer);
  if (where.tag) for (const [k, v] of Object.entries(where.tag)) parts.push(`tag:${k}=${v}`);
  if (where.minInputTokens !== undefined) parts.push(`input>=${where.minInputTokens}`);
  if (where.maxInputTokens !== undefined) parts.push(`input<=${where.maxInputTokens}`);
  return parts.join(', ') || 'all traffic';
}

/**
 * A request's value for one dimension, through the one group-by of src/aggregate (dims.ts), except
 * that `model` and `tier` are the request's current ones (a routed or batched request groups under
 * where it went, not where it was logged).
 */
export function dimensionOf(r: SimRequest, d: Dimension): string {
  return knownDimensionOf(r, d) ?? NONE;
}

/** dimensionOf, null where the request has no value (the report's groups tell it apart from a value spelled "(none)"). */
export function knownDimensionOf(r: SimRequest, d: Dimension): string | null {
  if (d.kind === 'model') return r.model;
  if (d.kind === 'tier') return r.serviceTier;
  return knownDimensionValue(d, r.record);
}

const parsed = new Map<string, Dimension>();

/** Group key of a request for one dimension name: feature, model, customer, user, tag:NAME, day, ... */
export function groupKey(r: SimRequest, by: string): string {
  let d = parsed.get(by);
  if (d === undefined) parsed.set(by, (d = parseDimensions(by)[0]));
  return dimensionOf(r, d);
}

/** Cache scope key for a request: provider+model, optionally per customer/user/feature/tag. */
export function cacheScopeKey(r: SimRequest, entryId: string, scope: string): string {
  const base = `${r.record.provider ?? ''}/${entryId}`;
  if (scope === 'model') return base;
  return `${base}/${groupKey(r, scope)}`;
}
