/** Fast parsing of the canonical ISO 8601 form most logs write: `YYYY-MM-DDTHH:MM:SS.sssZ`. */

function digits(s: string, from: number, count: number): number {
  let n = 0;
  for (let i = from; i < from + count; i++) {
    const c = s.charCodeAt(i) - 48;
    if (c < 0 || c > 9) return NaN;
    n = n * 10 + c;
  }
  return n;
}

/**
 * Epoch ms of a 24-character `YYYY-MM-DDTHH:MM:SS.sssZ` string, or NaN when the string is not
 * exactly that form or names an impossible date (then callers fall back to Date.parse).
 */
export function parseCanonicalIso(s: string): number {
  if (
    s.length !== 24 ||
    s.charCodeAt(4) !== 45 ||
    s.charCodeAt(7) !== 45 ||
    s.charCodeAt(10) !== 84 ||
    s.charCodeAt(13) !== 58 ||
    s.charCodeAt(16) !== 58 ||
    s.charCodeAt(19) !== 46 ||
    s.charCodeAt(23) !== 90
  )
    return NaN;
  const year = digits(s, 0, 4);
  const month = digits(s, 5, 2);
  const day = digits(s, 8, 2);
  const dayKey = year * 10_000 + month * 100 + day;
  let dayMs: number;
  if (dayKey === lastDayKey) dayMs = lastDayMs;
  else {
    dayMs = validDayMs(year, month, day);
    if (Number.isNaN(dayMs)) return NaN;
    lastDayKey = dayKey;
    lastDayMs = dayMs;
  }
  const hour = digits(s, 11, 2);
  const minute = digits(s, 14, 2);
  const second = digits(s, 17, 2);
  const ms = digits(s, 20, 3);
  if (!(hour <= 23 && minute <= 59 && second <= 59 && ms >= 0)) return NaN;
  return dayMs + ((hour * 60 + minute) * 60 + second) * 1000 + ms;
}

// logs are sorted: the day of the previous timestamp is usually the day of the next one
let lastDayKey = -1;
let lastDayMs = NaN;

/** Epoch ms of a calendar day, NaN for impossible dates (Date.UTC rolls Feb 30 over to Mar 2; Date.parse rejects it). */
function validDayMs(year: number, month: number, day: number): number {
  if (!(year >= 100 && month >= 1 && month <= 12 && day >= 1 && day <= 31)) return NaN; // years < 100: Date.UTC would add 1900
  const t = Date.UTC(year, month - 1, day);
  return new Date(t).getUTCDate() === day ? t : NaN;
}

const ISO_PREFIX = /^(\d{4})-(\d{2})-(\d{2})(?:[Tt ](\d{2}):(\d{2})(?::(\d{2}))?)?/;
const EXPANDED_YEAR = /^\s*[+-]\d{5,}/;

/**
 * `Date.parse` that refuses impossible calendar values instead of rolling them over: V8 reads
 * `2025-02-30` as March 2 and accepts year 0000 and expanded years (+275760). A string that starts
 * like an ISO date must name a real day (years 0100-9999) and a real time of day; other strings
 * are left to `Date.parse` as before. NaN when invalid. Readers and option parsers share this.
 */
export function parseIsoStrict(s: string): number {
  const fast = s.length === 24 ? parseCanonicalIso(s) : NaN;
  if (!Number.isNaN(fast)) return fast;
  if (EXPANDED_YEAR.test(s)) return NaN;
  const m = ISO_PREFIX.exec(s);
  if (m) {
    if (Number.isNaN(validDayMs(Number(m[1]), Number(m[2]), Number(m[3])))) return NaN;
    if (m[4] !== undefined && (Number(m[4]) > 23 || Number(m[5]) > 59 || (m[6] !== undefined && Number(m[6]) > 59))) return NaN;
  }
  return Date.parse(s);
}
