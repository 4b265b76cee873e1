/** Group-by dimensions: parsing `--by` and extracting a record's value for each dimension. */
import { UserError } from '../core/issues.js';
import { TAG_CWD, type UsageRecord } from '../usage/record.js';

export type Dimension =
  | {
      kind:
        | 'model'
        | 'provider'
        | 'feature'
        | 'customer'
        | 'user'
        | 'conversation'
        | 'session'
        | 'project'
        | 'outcome'
        | 'prompt'
        | 'tier'
        | 'source';
    }
  | { kind: 'day' | 'week' | 'month'; tz?: string }
  | { kind: 'tag'; name: string };

export const DIMENSION_NAMES = [
  'model',
  'provider',
  'feature',
  'customer',
  'user',
  'conversation',
  'session',
  'project',
  'outcome',
  'prompt',
  'tier',
  'source',
  'day',
  'week',
  'month',
  'tag:NAME',
];

/** Day, week and month groups list in date order (not by cost). */
export function isTimeDimension(d: Dimension): d is Extract<Dimension, { kind: 'day' | 'week' | 'month' }> {
  return d.kind === 'day' || d.kind === 'week' || d.kind === 'month';
}

/** An IANA time zone name checked with Intl (`UTC` by default); a usage error when unknown. */
export function checkTimeZone(tz: string): string {
  try {
    return new Intl.DateTimeFormat('en-US', { timeZone: tz }).resolvedOptions().timeZone;
  } catch {
    throw new UserError(`--tz: unknown time zone "${tz}"`, 'use an IANA name such as UTC, Europe/Berlin or America/New_York');
  }
}

export function parseDimensions(spec: string, tz?: string): Dimension[] {
  const dims: Dimension[] = [];
  const zone = tz === undefined ? undefined : checkTimeZone(tz);
  for (const raw of spec
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean)) {
    if (raw.startsWith('tag:') && raw.length > 4) dims.push({ kind: 'tag', name: raw.slice(4) });
    else if ((raw === 'day' || raw === 'week' || raw === 'month') && zone !== undefined && zone !== 'UTC')
      dims.push({ kind: raw, tz: zone });
    else if (DIMENSION_NAMES.includes(raw) && raw !== 'tag:NAME')
      dims.push({ kind: raw as Exclude<Dimension['kind'], 'tag'> } as Dimension);
    else throw new UserError(`unknown --by dimension "${raw}"`, `use one or more of: ${DIMENSION_NAMES.join(', ')} (comma-separated)`);
  }
  if (dims.length === 0) throw new UserError('--by needs at least one dimension', `use: ${DIMENSION_NAMES.join(', ')}`);
  // a dimension twice would group by the same value twice: two equal columns, "Total Total", one JSON key for both
  const keys = dims.map(dimensionKey);
  const twice = keys.find((k, i) => keys.indexOf(k) !== i);
  if (twice !== undefined) throw new UserError(`--by names ${twice} twice`, 'give each dimension once, e.g. --by feature,model');
  return dims;
}

/** JSON key for a dimension in group keys (also its label in the tables). */
export function dimensionKey(d: Dimension): string {
  return d.kind === 'tag' ? `tag:${d.name}` : d.kind;
}

/** The value of a record that has none, in group keys of the TypeScript paths. */
export const NONE = '(none)';

/** ISO week start (Monday) date of a UTC time. */
function weekOf(ms: number): string {
  const d = new Date(ms);
  const day = (d.getUTCDay() + 6) % 7;
  return new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate() - day)).toISOString().slice(0, 10);
}

const zoneFormats = new Map<string, Intl.DateTimeFormat>();
// logs are mostly sorted: the local date of the previous 15-minute slot is usually the next one's
let lastZone = '';
let lastSlot = NaN;
let lastLocal = '';

/** `YYYY-MM-DD` of an instant in an IANA zone (offsets are whole quarter hours, so a 15-minute slot has one date). */
export function localDate(ms: number, tz: string): string {
  const slot = Math.floor(ms / 900_000);
  if (slot === lastSlot && tz === lastZone) return lastLocal;
  let f = zoneFormats.get(tz);
  if (!f) zoneFormats.set(tz, (f = new Intl.DateTimeFormat('en-CA', { timeZone: tz, year: 'numeric', month: '2-digit', day: '2-digit' })));
  const p = f.formatToParts(new Date(ms));
  const get = (t: string) => p.find((x) => x.type === t)!.value;
  lastLocal = `${get('year')}-${get('month')}-${get('day')}`;
  lastSlot = slot;
  lastZone = tz;
  return lastLocal;
}

/** `YYYY-MM-DD HH:MM` of an instant in an IANA zone (UTC when none). */
export function localDateTime(ms: number, tz?: string): string {
  if (!tz || tz === 'UTC') return new Date(ms).toISOString().slice(0, 16).replace('T', ' ');
  const p = new Intl.DateTimeFormat('en-CA', {
    timeZone: tz,
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    hourCycle: 'h23',
  }).formatToParts(new Date(ms));
  const get = (t: string) => p.find((x) => x.type === t)!.value;
  return `${get('year')}-${get('month')}-${get('day')} ${get('hour')}:${get('minute')}`;
}

export function weekOfDate(date: string): string {
  const t = Date.UTC(Number(date.slice(0, 4)), Number(date.slice(5, 7)) - 1, Number(date.slice(8, 10)));
  return weekOf(t);
}

/**
 * A Claude Code project: the directory under `projects/` that holds the transcript (else the file's
 * directory). A record whose log names its working directory (the `cwd` tag) has that as its project.
 */
export function projectOf(file: string): string {
  return knownProjectOf(file) ?? NONE;
}

/** projectOf, undefined where the file has no directory to tell (stdin, a bare name): not a folder named "(none)". */
export function knownProjectOf(file: string): string | undefined {
  const parts = file.split(/[\\/]/);
  const at = parts.lastIndexOf('projects');
  if (at >= 0 && at < parts.length - 2) return parts[at + 1];
  return parts.length > 1 ? parts[parts.length - 2] || undefined : undefined;
}

export function dimensionValue(d: Dimension, r: UsageRecord): string {
  return knownDimensionValue(d, r) ?? NONE;
}

/** dimensionValue, null where the record has no value (a missing customer; a value spelled "(none)" is a value). */
export function knownDimensionValue(d: Dimension, r: UsageRecord): string | null {
  switch (d.kind) {
    case 'model':
      return r.model;
    case 'provider':
      return r.provider ?? null;
    case 'feature':
    case 'customer':
    case 'user':
    case 'outcome':
    case 'prompt':
      return r.tags[d.kind] ?? null;
    case 'conversation':
    case 'session':
      return r.conversationId ?? null;
    case 'project':
      // the session's working directory when the log names it (Codex CLI), else from the file's path
      return (Object.hasOwn(r.tags, TAG_CWD) ? r.tags[TAG_CWD] : undefined) ?? knownProjectOf(r.source.file) ?? null;
    case 'tier':
      return r.serviceTier ?? 'standard';
    case 'source':
      return r.source.file;
    case 'tag':
      return (Object.hasOwn(r.tags, d.name) ? r.tags[d.name] : undefined) ?? null;
    case 'day':
      if (r.timeMs === undefined) return null;
      return d.tz ? localDate(r.timeMs, d.tz) : new Date(r.timeMs).toISOString().slice(0, 10);
    case 'week':
      if (r.timeMs === undefined) return null;
      return d.tz ? weekOfDate(localDate(r.timeMs, d.tz)) : weekOf(r.timeMs);
    case 'month':
      if (r.timeMs === undefined) return null;
      return d.tz ? localDate(r.timeMs, d.tz).slice(0, 7) : new Date(r.timeMs).toISOString().slice(0, 7);
  }
}
