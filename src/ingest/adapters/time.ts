/** Timestamps of provider logs: parsing (ISO, epoch s/ms/ns) and fast ISO formatting. */
import { parseCanonicalIso } from '../../core/iso.js';

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
    ms = Date.parse(iso);
  }
  if (ms === undefined || !Number.isFinite(ms) || ms < MIN_MS || ms > MAX_MS) return undefined;
  return { timestamp: isoString(ms), timeMs: ms };
}

let lastIsoSecond = NaN;
let lastIsoPrefix = '';

/**
 * `new Date(ms).toISOString()`, with the date-and-second prefix memoised: sorted logs put many
 * records in the same second, and the hot path then only formats the milliseconds.
 */
export function isoString(ms: number): string {
  const second = Math.floor(ms / 1000);
  if (second !== lastIsoSecond) {
    lastIsoSecond = second;
    lastIsoPrefix = new Date(second * 1000).toISOString().slice(0, 20);
  }
  const frac = ms - second * 1000;
  return `${lastIsoPrefix}${frac < 10 ? '00' : frac < 100 ? '0' : ''}${Math.floor(frac)}Z`;
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
