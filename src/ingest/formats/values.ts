/** Strict value parsing shared by the formats: counts, timestamps, outcomes, dot paths. */
import { parseCanonicalIso, parseIsoStrict } from '../../core/iso.js';

/**
 * A token count: a JSON integer ≥ 0 or a string of digits. Returns undefined for absent/empty
 * (null, undefined, "" after trimming) and NaN for anything else (negative, fractional, text).
 */
export function parseCount(raw: unknown): number | undefined {
  if (typeof raw === 'number') return Number.isSafeInteger(raw) && raw >= 0 ? raw : NaN;
  if (raw === undefined || raw === null) return undefined;
  if (typeof raw !== 'string') return NaN;
  if (raw.length > 0 && raw.length < 16 && isDigits(raw)) return Number(raw); // hot path: plain digits
  const s = raw.trim();
  if (s === '') return undefined;
  if (!/^\d+$/.test(s)) return NaN;
  const n = Number(s);
  return Number.isSafeInteger(n) ? n : NaN;
}

function isDigits(s: string): boolean {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 48 || c > 57) return false;
  }
  return true;
}

/** Short printable form of a raw value for messages. */
export function show(raw: unknown): string {
  const s = typeof raw === 'string' ? JSON.stringify(raw) : raw === undefined ? 'nothing' : (JSON.stringify(raw) ?? String(raw));
  return s.length > 40 ? s.slice(0, 37) + '...' : s;
}

const NAIVE_DATETIME = /^(\d{4}-\d{2}-\d{2})[ T](\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?)$/;
const DIGITS = /^-?\d+(?:\.\d+)?$/;

/** Epoch ms from a number whose unit is guessed by magnitude: s, ms, µs or ns. */
export function epochMsByMagnitude(n: number): number {
  const abs = Math.abs(n);
  if (abs < 1e11) return n * 1000;
  if (abs < 1e14) return n;
  if (abs < 1e17) return n / 1000;
  return n / 1e6;
}

/**
 * Epoch milliseconds from an ISO 8601 string (a naive `YYYY-MM-DD HH:MM:SS[.fff]` or zone-less ISO value
 * is UTC), or unix seconds/ms/µs/ns (number or digit string, unit by magnitude). Undefined for absent/empty,
 * NaN for unparseable.
 */
export function parseTimeMs(raw: unknown): number | undefined {
  if (raw === undefined || raw === null) return undefined;
  // hot path: canonical ISO (YYYY-MM-DDTHH:MM:SS.sssZ) as most logs write it
  if (typeof raw === 'string' && raw.length === 24) {
    const ms = parseCanonicalIso(raw);
    if (!Number.isNaN(ms)) return ms;
  }
  if (typeof raw === 'number') return Number.isFinite(raw) ? Math.round(epochMsByMagnitude(raw)) : NaN;
  if (typeof raw !== 'string') return NaN;
  const s = raw.trim();
  if (s === '') return undefined;
  if (DIGITS.test(s)) return Math.round(epochMsByMagnitude(Number(s)));
  const naive = NAIVE_DATETIME.exec(s);
  const ms = naive ? parseIsoStrict(`${naive[1]}T${naive[2]}Z`) : parseIsoStrict(s);
  return Number.isNaN(ms) ? NaN : ms;
}

/** ISO 8601 UTC string and epoch ms, or undefined/'invalid'. */
export function parseTimestamp(raw: unknown): { timestamp: string; timeMs: number } | undefined | 'invalid' {
  const ms = parseTimeMs(raw);
  if (ms === undefined) return undefined;
  if (Number.isNaN(ms) || Math.abs(ms) > 8.64e15) return 'invalid';
  // already canonical (YYYY-MM-DDTHH:MM:SS.sssZ): skip re-formatting, the hot case for JSON logs
  if (typeof raw === 'string' && raw.length === 24 && raw.charCodeAt(23) === 90 && raw.charCodeAt(19) === 46 && raw.charCodeAt(10) === 84) {
    return { timestamp: raw, timeMs: ms };
  }
  return { timestamp: new Date(ms).toISOString(), timeMs: ms };
}

/** Outcome words read as a success / failure (lower case; SQL readers match the same lists). */
export const SUCCESS = new Set([
  'success',
  'succeeded',
  'successful',
  'ok',
  'true',
  '1',
  'yes',
  'pass',
  'passed',
  'completed',
  'complete',
  'done',
  'resolved',
  'accepted',
  'good',
  'positive',
]);
export const FAILURE = new Set([
  'failure',
  'failed',
  'fail',
  'error',
  'errored',
  'false',
  '0',
  'no',
  'rejected',
  'abandoned',
  'unresolved',
  'bad',
  'negative',
  'cancelled',
  'canceled',
  'timeout',
]);

/** Outcome normalised to success/failure; undefined when absent; 'invalid' for unknown labels. */
export function normaliseOutcome(raw: unknown): 'success' | 'failure' | undefined | 'invalid' {
  if (raw === undefined || raw === null) return undefined;
  if (typeof raw === 'boolean') return raw ? 'success' : 'failure';
  const s = String(raw).trim().toLowerCase();
  if (s === '') return undefined;
  if (SUCCESS.has(s)) return 'success';
  if (FAILURE.has(s)) return 'failure';
  return 'invalid';
}

export const OUTCOME_HINT = 'use success/failure (also ok, true, 1, completed / error, failed, false, 0)';

/** Read a dot path (`usage.prompt_tokens`); the key itself wins when it contains dots. */
export function getPath(obj: unknown, path: string, parts: readonly string[]): unknown {
  if (obj === null || typeof obj !== 'object') return undefined;
  const direct = (obj as Record<string, unknown>)[path];
  if (direct !== undefined || parts.length === 1) return direct;
  let cur: unknown = obj;
  for (const key of parts) {
    if (cur === null || typeof cur !== 'object') return undefined;
    cur = (cur as Record<string, unknown>)[key];
  }
  return cur;
}

export function isObject(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

/** A free-form string attribute: strings trimmed, numbers/booleans stringified, empty -> undefined. */
export function str(raw: unknown): string | undefined {
  if (typeof raw === 'string') {
    const s = raw.trim();
    return s === '' ? undefined : s;
  }
  if (typeof raw === 'number' || typeof raw === 'boolean') return String(raw);
  return undefined;
}
