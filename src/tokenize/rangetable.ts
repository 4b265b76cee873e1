/**
 * Rank lookup for a byte range of a byte string, without allocating the
 * substring: an open-addressing hash table over the token byte sequences.
 * The merge loops look up millions of candidate pairs; `Map.get(b.substring(..))`
 * spends most of that time creating and hashing short-lived strings.
 */

function hashRange(b: string, start: number, end: number): number {
  let h = 0x811c9dc5 ^ (end - start);
  for (let i = start; i < end; i++) h = Math.imul(h ^ b.charCodeAt(i), 0x01000193);
  h ^= h >>> 15;
  h = Math.imul(h, 0x2c1b3c6d);
  return h ^ (h >>> 12);
}

export class RangeTable {
  private readonly bytes: Uint8Array;
  private readonly offset: Int32Array;
  private readonly length: Int32Array;
  private readonly rank: Int32Array;
  private readonly hash: Int32Array;
  /** entry index + 1 per slot; 0 = empty */
  private readonly slots: Int32Array;
  private readonly mask: number;

  constructor(ranks: Map<string, number>) {
    const n = ranks.size;
    let total = 0;
    for (const key of ranks.keys()) total += key.length;
    this.bytes = new Uint8Array(total);
    this.offset = new Int32Array(n);
    this.length = new Int32Array(n);
    this.rank = new Int32Array(n);
    this.hash = new Int32Array(n);
    let cap = 1;
    while (cap < n * 2) cap *= 2;
    this.slots = new Int32Array(cap);
    this.mask = cap - 1;
    let idx = 0;
    let pos = 0;
    for (const [key, r] of ranks) {
      for (let i = 0; i < key.length; i++) this.bytes[pos + i] = key.charCodeAt(i);
      this.offset[idx] = pos;
      this.length[idx] = key.length;
      this.rank[idx] = r;
      const h = hashRange(key, 0, key.length);
      this.hash[idx] = h;
      let s = h & this.mask;
      while (this.slots[s] !== 0) s = (s + 1) & this.mask;
      this.slots[s] = idx + 1;
      pos += key.length;
      idx++;
    }
  }

  /** Rank of the bytes b[start..end), or -1. */
  get(b: string, start: number, end: number): number {
    const h = hashRange(b, start, end);
    const len = end - start;
    for (let s = h & this.mask; ; s = (s + 1) & this.mask) {
      const e = this.slots[s];
      if (e === 0) return -1;
      const idx = e - 1;
      if (this.hash[idx] === h && this.length[idx] === len && this.sameBytes(idx, b, start, len)) return this.rank[idx];
    }
  }

  private sameBytes(idx: number, b: string, start: number, len: number): boolean {
    const off = this.offset[idx];
    for (let i = 0; i < len; i++) if (this.bytes[off + i] !== b.charCodeAt(start + i)) return false;
    return true;
  }
}
