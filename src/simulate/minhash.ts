/**
 * Near-duplicate detection for the semantic cache: normalised text -> word shingles -> MinHash
 * signature -> LSH band keys; candidates are verified with the exact Jaccard similarity of the
 * shingle sets, so a match never depends on signature noise (LSH only decides who is compared).
 *
 * With 32 bands of 4 rows, a pair of Jaccard similarity s becomes a candidate with probability
 * 1 - (1 - s^4)^32: 0.9998 at s = 0.7, 0.87 at s = 0.5. Deterministic: seeded hash functions.
 *
 * Complexity: O(characters · k) per text for the shingles (hashed in place, no substrings),
 * O(shingles x 128) for the signature; callers compute both once per distinct normalised text.
 * Jaccard is a linear merge of two sorted arrays.
 */
import { fmix32 } from './hash.js';

export const BANDS = 32;
export const ROWS = 4;
const PERMS = BANDS * ROWS;

const ASCII = /^[\x00-\x7f]*$/;

/** Lowercase, NFKC, punctuation to spaces, whitespace collapsed (ASCII text: the same, faster). */
export function normalizeQuery(text: string): string {
  if (ASCII.test(text))
    return text
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, ' ')
      .trim();
  return text
    .normalize('NFKC')
    .toLowerCase()
    .replace(/[^\p{L}\p{N}]+/gu, ' ')
    .trim();
}

/** Word boundaries of `text` split on single spaces (empty words skipped): start, end pairs. */
let bounds = new Int32Array(64);

function splitWords(text: string): number {
  let n = 0;
  for (let i = 0; i <= text.length; ) {
    let j = text.indexOf(' ', i);
    if (j < 0) j = text.length;
    if (j > i) {
      if (2 * n + 2 > bounds.length) {
        const more = new Int32Array(bounds.length * 2);
        more.set(bounds);
        bounds = more;
      }
      bounds[2 * n] = i;
      bounds[2 * n + 1] = j;
      n++;
    }
    i = j + 1;
  }
  return n;
}

/** hashString of words `from` .. `to` - 1 joined by single spaces, without building the string. */
function hashWords(text: string, from: number, to: number): number {
  let h = 0x811c9dc5;
  for (let w = from; w < to; w++) {
    if (w > from) h = Math.imul(h ^ 32, 0x01000193);
    for (let c = bounds[2 * w], end = bounds[2 * w + 1]; c < end; c++) h = Math.imul(h ^ text.charCodeAt(c), 0x01000193);
  }
  return fmix32(h);
}

/** Sorted distinct 32-bit hashes of the word k-grams (the whole text when shorter than k). */
export function shingles(normalized: string, k: number): Uint32Array {
  const words = splitWords(normalized);
  if (words === 0) return new Uint32Array(0);
  if (words < k) return Uint32Array.of(hashWords(normalized, 0, words));
  const out = new Uint32Array(words - k + 1);
  for (let i = 0; i + k <= words; i++) out[i] = hashWords(normalized, i, i + k);
  out.sort();
  let n = 1;
  for (let i = 1; i < out.length; i++) if (out[i] !== out[n - 1]) out[n++] = out[i];
  return n === out.length ? out : out.slice(0, n);
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
const MINS = new Int32Array(PERMS);

/** MinHash band keys of a shingle set: one non-zero 32-bit key per band, band index mixed in. */
export function bandKeys(sh: Uint32Array, seed: number): Int32Array {
  // minimum of the unsigned hashes, kept as int32 with the sign bit flipped (signed order = unsigned order)
  const mins = MINS.fill(0x7fffffff);
  for (let s = 0; s < sh.length; s++) {
    const x = fmix32(sh[s] ^ seed);
    for (let p = 0; p < PERMS; p++) {
      const h = Math.imul(x ^ SEEDS[p], ODD[p]) ^ 0x80000000;
      if (h < mins[p]) mins[p] = h;
    }
  }
  for (let p = 0; p < PERMS; p++) mins[p] ^= 0x80000000;
  const keys = new Int32Array(BANDS);
  for (let b = 0; b < BANDS; b++) {
    let h = 0x811c9dc5 ^ b;
    for (let r = 0; r < ROWS; r++) h = fmix32(h ^ mins[b * ROWS + r]) + r;
    keys[b] = fmix32(h) | 0 || 1;
  }
  return keys;
}
