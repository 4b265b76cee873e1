/** Timestamps of provider logs: parsing (ISO, epoch s/ms/ns) and fast ISO formatting. */
import { parseCanonicalIso, parseIsoStrict } from '../../core/iso.js';

export interface Time {
  timestamp: string;
  timeMs: number;
}
export type TimeUnit = 'auto' | 's' | 'ms' | 'ns';

const MIN_MS = Date.UTC(1990, 0, 1);
const MAX_MS = Date.UTC(2200, 0, 1);

/**
 * ISO strings (zone-less ISO is taken as UTC), or epoch numbers / digit strings in seconds,
 * milliseconds or nanoseconds ('auto' picks by magnitude).
 */
export function parseTime(v: unknown, unit: TimeUnit = 'auto'): Time | undefined {
  let ms: number | undefined;
  if (typeof v === 'string' && v.length === 24) {
    // already in toISOString() form: keep the string, skip Date.parse and the re-formatting
    ms = parseCanonicalIso(v);
    if (!Number.isNaN(ms)) return ms >= MIN_MS && ms <= MAX_MS ? { timestamp: v, timeMs: ms } : undefined;
  }
  if (typeof v === 'number' || (typeof v === 'string' && /^\d+(\.\d+)?$/.test(v))) {
    ms = epochToMs(v, unit);
  } else if (typeof v === 'string') {
    const iso = /[zZ]|[+-]\d\d:?\d\d$/.test(v) || !/T|\d \d/.test(v) ? v : v.replace(' ', 'T') + 'Z';
    ms = parseIsoStrict(iso);
  }
  if (ms === undefined || !Number.isFinite(ms) || ms < MIN_MS || ms > MAX_MS) return undefined;
  return { timestamp: isoString(ms), timeMs: ms };
}

const DAY_MS = 86_400_000;
const TWO_DIGITS = Array.from({ length: 60 }, (_, i) => String(i).padStart(2, '0'));
const THREE_DIGITS = Array.from({ length: 1000 }, (_, i) => String(i).padStart(3, '0'));
let lastIsoDay = NaN;
let lastIsoDayPrefix = '';

/**
 * `new Date(ms).toISOString()` for whole milliseconds, without a Date per call: the
 * `YYYY-MM-DDT` prefix is memoised per day (logs are sorted, so it rarely changes) and the time of
 * day comes from lookup tables.
 */
export function isoString(ms: number): string {
  if (!Number.isInteger(ms)) return new Date(ms).toISOString();
  const day = Math.floor(ms / DAY_MS);
  if (day !== lastIsoDay) {
    const iso = new Date(day * DAY_MS).toISOString();
    if (iso.length !== 24) return new Date(ms).toISOString(); // years outside 0000-9999
    lastIsoDay = day;
    lastIsoDayPrefix = iso.slice(0, 11);
  }
  let t = ms - day * DAY_MS;
  const milli = t % 1000;
  t = (t - milli) / 1000;
  const second = t % 60;
  t = (t - second) / 60;
  const minute = t % 60;
  const hour = (t - minute) / 60;
  return lastIsoDayPrefix + TWO_DIGITS[hour] + ':' + TWO_DIGITS[minute] + ':' + TWO_DIGITS[second] + '.' + THREE_DIGITS[milli] + 'Z';
}

function epochToMs(v: number | string, unit: TimeUnit): number | undefined {
  if (typeof v === 'string' && (unit === 'ns' || (unit === 'auto' && v.length > 16))) {
    if (!/^\d+$/.test(v)) return undefined;
    return Number(BigInt(v) / 1_000_000n);
  }
  const n = Number(v);
  if (!Number.isFinite(n)) return undefined;
  const u = unit !== 'auto' ? unit : n > 1e16 ? 'ns' : n > 1e11 ? 'ms' : 's';
  return u === 's' ? Math.round(n * 1000) : u === 'ms' ? Math.round(n) : Math.floor(n / 1e6);
}
