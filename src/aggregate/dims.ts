/** Group-by dimensions: parsing `--by` and extracting a record's value for each dimension. */
import { UserError } from '../core/issues.js';
import type { UsageRecord } from '../usage/record.js';

export type Dimension =
  | { kind: 'model' | 'provider' | 'feature' | 'customer' | 'user' | 'conversation' | 'outcome' | 'prompt' | 'tier' | 'source' }
  | { kind: 'day' | 'week' | 'month' }
  | { kind: 'tag'; name: string };

export const DIMENSION_NAMES = ['model', 'provider', 'feature', 'customer', 'user', 'conversation', 'outcome', 'prompt', 'tier', 'source', 'day', 'week', 'month', 'tag:NAME'];

export function parseDimensions(spec: string): Dimension[] {
  const dims: Dimension[] = [];
  for (const raw of spec.split(',').map((s) => s.trim()).filter(Boolean)) {
    if (raw.startsWith('tag:') && raw.length > 4) dims.push({ kind: 'tag', name: raw.slice(4) });
    else if (DIMENSION_NAMES.includes(raw) && raw !== 'tag:NAME') dims.push({ kind: raw as Exclude<Dimension['kind'], 'tag'> } as Dimension);
    else throw new UserError(`unknown --by dimension "${raw}"`, `use one or more of: ${DIMENSION_NAMES.join(', ')} (comma-separated)`);
  }
  if (dims.length === 0) throw new UserError('--by needs at least one dimension', `use: ${DIMENSION_NAMES.join(', ')}`);
  return dims;
}

export function dimensionLabel(d: Dimension): string {
  return d.kind === 'tag' ? `tag:${d.name}` : d.kind;
}

/** JSON key for a dimension in group keys. */
export function dimensionKey(d: Dimension): string {
  return d.kind === 'tag' ? `tag:${d.name}` : d.kind;
}

const NONE = '(none)';

/** ISO week start (Monday) date of a UTC time. */
function weekOf(ms: number): string {
  const d = new Date(ms);
  const day = (d.getUTCDay() + 6) % 7;
  return new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate() - day)).toISOString().slice(0, 10);
}

export function dimensionValue(d: Dimension, r: UsageRecord): string {
  switch (d.kind) {
    case 'model':
      return r.model;
    case 'provider':
      return r.provider ?? NONE;
    case 'feature':
    case 'customer':
    case 'user':
    case 'outcome':
    case 'prompt':
      return r.tags[d.kind] ?? NONE;
    case 'conversation':
      return r.conversationId ?? NONE;
    case 'tier':
      return r.serviceTier ?? 'standard';
    case 'source':
      return r.source.file;
    case 'tag':
      return (Object.prototype.hasOwnProperty.call(r.tags, d.name) ? r.tags[d.name] : undefined) ?? NONE;
    case 'day':
      return r.timeMs !== undefined ? new Date(r.timeMs).toISOString().slice(0, 10) : NONE;
    case 'week':
      return r.timeMs !== undefined ? weekOf(r.timeMs) : NONE;
    case 'month':
      return r.timeMs !== undefined ? new Date(r.timeMs).toISOString().slice(0, 7) : NONE;
  }
}

/** A group key string for a record (single dimensions avoid building a composite string). */
export function groupKey(dims: Dimension[], r: UsageRecord): string {
  if (dims.length === 1) return dimensionValue(dims[0], r);
  let key = dimensionValue(dims[0], r);
  for (let i = 1; i < dims.length; i++) key += '\u0000' + dimensionValue(dims[i], r);
  return key;
}

export function splitGroupKey(dims: Dimension[], key: string): Record<string, string> {
  const parts = dims.length === 1 ? [key] : key.split('\u0000');
  const out: Record<string, string> = {};
  dims.forEach((d, i) => (out[dimensionKey(d)] = parts[i]));
  return out;
}
