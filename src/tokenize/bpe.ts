/**
 * Byte-pair merging over a rank table, with tiktoken's exact semantics:
 * repeatedly merge the adjacent pair of parts whose concatenation has the
 * lowest rank (leftmost pair on ties) until no adjacent pair has a rank.
 *
 * Two implementations with identical results:
 * - `mergeSmall`: parts in a flat array, linear scan for the minimum each
 *   step. O(n²), but fastest for the short pieces that make up normal text.
 * - `mergeHeap`: parts in a doubly-linked list over byte offsets, candidate
 *   pairs in a binary min-heap keyed by (rank, start offset) with lazy
 *   invalidation. O(n log n), so a 1 MB run of one character stays cheap
 *   (js-tiktoken's rescan-everything loop is quadratic there).
 *
 * Pieces are "byte strings" (one code unit per UTF-8 byte); see encodings.ts.
 */

import type { RangeTable } from './rangetable.js';

const NONE = -1;
/** Pieces up to this many bytes use the quadratic merge. */
const SMALL_PIECE_BYTES = 24;
/** 2^32: heap keys are rank * 2^32 + start, exact in a double for rank < 2^21. */
const SHIFT = 4294967296;

export interface RankTable {
  readonly ranks: Map<string, number>;
  /** the same ranks, looked up by byte range without allocating substrings */
  readonly rangeRanks: RangeTable;
  readonly maxTokenBytes: number;
  /** rank of each two-byte token at index (b0 << 8 | b1), -1 if none; see pairRankTable. */
  readonly pairRanks: Int32Array;
}

/** Two-byte ranks as a flat table: the first merge round needs no string hashing. */
export function pairRankTable(ranks: Map<string, number>): Int32Array {
  const table = new Int32Array(65536).fill(NONE);
  for (const [key, rank] of ranks) {
    if (key.length === 2) table[(key.charCodeAt(0) << 8) | key.charCodeAt(1)] = rank;
  }
  return table;
}

function firstPairRank(t: RankTable, b: string, i: number): number {
  return t.pairRanks[(b.charCodeAt(i) << 8) | b.charCodeAt(i + 1)];
}

function rankOf(t: RankTable, b: string, start: number, end: number): number {
  if (end - start > t.maxTokenBytes) return NONE;
  return t.rangeRanks.get(b, start, end);
}

const smallStarts = new Int32Array(SMALL_PIECE_BYTES + 2);
const smallRanks = new Int32Array(SMALL_PIECE_BYTES + 2);

/** Quadratic merge for short pieces; appends the token ids to `out`. */
export function mergeSmall(t: RankTable, b: string, out: number[]): void {
  const n = b.length;
  const st = n <= SMALL_PIECE_BYTES ? smallStarts : new Int32Array(n + 2);
  const rk = n <= SMALL_PIECE_BYTES ? smallRanks : new Int32Array(n + 2);
  for (let i = 0; i <= n; i++) st[i] = i;
  for (let i = 0; i < n - 1; i++) rk[i] = firstPairRank(t, b, i);
  rk[n - 1] = NONE;
  let m = n; // number of parts; st[0..m] are part boundaries, rk[0..m-1] pair ranks
  while (m > 1) {
    let best = NONE;
    let bi = -1;
    for (let i = 0; i < m - 1; i++) {
      const r = rk[i];
      if (r !== NONE && (best === NONE || r < best)) {
        best = r;
        bi = i;
      }
    }
    if (bi < 0) break;
    for (let i = bi + 1; i < m; i++) {
      st[i] = st[i + 1];
      rk[i] = rk[i + 1];
    }
    m--;
    rk[m - 1] = NONE;
    if (bi < m - 1) rk[bi] = rankOf(t, b, st[bi], st[bi + 2]);
    if (bi > 0) rk[bi - 1] = rankOf(t, b, st[bi - 1], st[bi + 1]);
  }
  for (let i = 0; i < m; i++) out.push(t.rangeRanks.get(b, st[i], st[i + 1]));
}

/**
 * A 4-ary min-heap of doubles in a growable Float64Array (shallower than a
 * binary heap, so fewer cache misses on the million-entry heaps of long runs).
 */
class MinHeap {
  private a: Float64Array;
  size = 0;
  constructor(capacity: number) {
    this.a = new Float64Array(Math.max(16, capacity));
  }
  /** Adds `v` without restoring heap order; call `heapify` before `pop`. */
  append(v: number): void {
    if (this.size === this.a.length) this.grow();
    this.a[this.size++] = v;
  }
  heapify(): void {
    for (let i = (this.size - 2) >> 2; i >= 0; i--) this.siftDown(i, this.a[i]);
  }
  push(v: number): void {
    if (this.size === this.a.length) this.grow();
    const a = this.a;
    let i = this.size++;
    while (i > 0) {
      const p = (i - 1) >> 2;
      if (a[p] <= v) break;
      a[i] = a[p];
      i = p;
    }
    a[i] = v;
  }
  pop(): number {
    const top = this.a[0];
    const last = this.a[--this.size];
    if (this.size > 0) this.siftDown(0, last);
    return top;
  }
  private siftDown(start: number, v: number): void {
    const a = this.a;
    const n = this.size;
    let i = start;
    for (;;) {
      const c0 = 4 * i + 1;
      if (c0 >= n) break;
      let c = c0;
      let cv = a[c0];
      const end = Math.min(c0 + 4, n);
      for (let k = c0 + 1; k < end; k++) {
        if (a[k] < cv) {
          cv = a[k];
          c = k;
        }
      }
      if (cv >= v) break;
      a[i] = cv;
      i = c;
    }
    a[i] = v;
  }
  private grow(): void {
    const grown = new Float64Array(this.a.length * 2);
    grown.set(this.a);
    this.a = grown;
  }
}

/** O(n log n) merge for long pieces; appends the token ids to `out`. */
export function mergeHeap(t: RankTable, b: string, out: number[]): void {
  const n = b.length;
  // Parts are identified by their start offset; next[s] is the next part's start.
  const next = new Int32Array(n + 1);
  const prev = new Int32Array(n + 1);
  // pairRank[s]: rank of (part at s + following part), NONE if none / dead part.
  const pairRank = new Int32Array(n);
  const heap = new MinHeap(n);
  for (let i = 0; i <= n; i++) {
    next[i] = i + 1;
    prev[i] = i - 1;
  }
  for (let i = 0; i < n; i++) {
    const r = i + 1 < n ? firstPairRank(t, b, i) : NONE;
    pairRank[i] = r;
    if (r !== NONE) heap.append(r * SHIFT + i);
  }
  heap.heapify();
  while (heap.size > 0) {
    const key = heap.pop();
    const r = Math.floor(key / SHIFT);
    const s = key - r * SHIFT;
    if (pairRank[s] !== r) continue; // stale entry: the pair changed or s was absorbed
    const j = next[s]; // right part, absorbed into s
    const k = next[j]; // part after the merged one
    next[s] = k;
    if (k < n) prev[k] = s;
    pairRank[j] = NONE;
    const rs = k < n ? rankOf(t, b, s, next[k]) : NONE;
    pairRank[s] = rs;
    if (rs !== NONE) heap.push(rs * SHIFT + s);
    const p = prev[s];
    if (p >= 0) {
      const rp = rankOf(t, b, p, k);
      pairRank[p] = rp;
      if (rp !== NONE) heap.push(rp * SHIFT + p);
    }
  }
  for (let s = 0; s < n; s = next[s]) out.push(t.rangeRanks.get(b, s, next[s]));
}

/** Token ids of one pre-token (as a byte string), appended to `out`. */
export function bytePairEncode(t: RankTable, b: string, out: number[]): void {
  if (b.length <= SMALL_PIECE_BYTES) mergeSmall(t, b, out);
  else mergeHeap(t, b, out);
}
