/**
 * Small deterministic hashes for the simulation: share selection, jitter, MinHash and prefix
 * blocks. Same input, same output, on every machine (no Math.random anywhere in simulate/).
 */

/** 32-bit FNV-1a of a string. */
export function hashString(s: string, seed = 0x811c9dc5): number {
  let h = seed >>> 0;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return fmix32(h);
}

/** Murmur3 finaliser: a well-mixed 32-bit value from a 32-bit value. */
export function fmix32(x: number): number {
  let h = x >>> 0;
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/** A uniform number in [0, 1) from a string key: deterministic "random" selection. */
export function unitOf(key: string): number {
  return hashString(key) / 4294967296;
}

/** Parse a duration such as "90s", "5m", "1h", "24h" to milliseconds; undefined when malformed. */
export function durationMs(text: string): number | undefined {
  const m = /^(\d+(?:\.\d+)?)(s|m|h|d)$/.exec(text.trim());
  if (!m) return undefined;
  const unit = { s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 }[m[2] as 's' | 'm' | 'h' | 'd'];
  return Math.round(Number(m[1]) * unit);
}

export const DURATION_PATTERN = /^\d+(?:\.\d+)?(s|m|h|d)$/;
