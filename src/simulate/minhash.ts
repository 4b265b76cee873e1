/**
 * Near-duplicate detection for the semantic cache: normalised text -> word shingles -> MinHash
 * signature -> LSH band keys; candidates are verified with the exact Jaccard similarity of the
 * shingle sets, so a match never depends on signature noise (LSH only decides who is compared).
 *
 * With 32 bands of 4 rows, a pair of Jaccard similarity s becomes a candidate with probability
 * 1 - (1 - s^4)^32: 0.9998 at s = 0.7, 0.87 at s = 0.5. Deterministic: seeded hash functions.
 *
 * Complexity: O(shingles x 128) per text for the signature; O(32) map lookups per query.
 */
import { fmix32, hashString } from './hash.js';

export const BANDS = 32;
export const ROWS = 4;
const PERMS = BANDS * ROWS;

/** Lowercase, NFKC, punctuation to spaces, whitespace collapsed. */
export function normalizeQuery(text: string): string {
  return text.normalize('NFKC').toLowerCase().replace(/[^\p{L}\p{N}]+/gu, ' ').trim();
}

/** Sorted distinct 32-bit hashes of the word k-grams (the whole text when shorter than k). */
export function shingles(normalized: string, k: number): Uint32Array {
  const words = normalized.split(' ').filter((w) => w.length > 0);
  const set = new Set<number>();
  if (words.length === 0) return new Uint32Array(0);
  if (words.length < k) set.add(hashString(words.join(' ')));
  for (let i = 0; i + k <= words.length; i++) set.add(hashString(words.slice(i, i + k).join(' ')));
  return Uint32Array.from(set).sort();
}

/** Exact Jaccard similarity of two sorted distinct arrays. */
export function jaccard(a: Uint32Array, b: Uint32Array): number {
  if (a.length === 0 && b.length === 0) return 1;
  let i = 0;
  let j = 0;
  let common = 0;
  while (i < a.length && j < b.length) {
    if (a[i] === b[j]) {
      common++;
      i++;
      j++;
    } else if (a[i] < b[j]) i++;
    else j++;
  }
  return common / (a.length + b.length - common);
}

const SEEDS = Int32Array.from({ length: PERMS }, (_, i) => fmix32(0x9e3779b9 ^ Math.imul(i + 1, 0x85ebca6b)));
const ODD = Int32Array.from({ length: PERMS }, (_, i) => fmix32(0x27d4eb2f + i) | 1);

/** MinHash band keys of a shingle set: one non-zero 32-bit key per band, band index mixed in. */
export function bandKeys(sh: Uint32Array, seed: number): Int32Array {
  const mins = new Uint32Array(PERMS).fill(0xffffffff);
  for (let s = 0; s < sh.length; s++) {
    const x = fmix32(sh[s] ^ seed);
    for (let p = 0; p < PERMS; p++) {
      const h = Math.imul(x ^ SEEDS[p], ODD[p]) >>> 0;
      if (h < mins[p]) mins[p] = h;
    }
  }
  const keys = new Int32Array(BANDS);
  for (let b = 0; b < BANDS; b++) {
    let h = 0x811c9dc5 ^ b;
    for (let r = 0; r < ROWS; r++) h = fmix32(h ^ mins[b * ROWS + r]) + r;
    keys[b] = fmix32(h) | 0 || 1;
  }
  return keys;
}
