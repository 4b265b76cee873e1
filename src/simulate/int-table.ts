/**
 * Typed-array tables for the semantic cache. PairIdTable gives dense ids to pairs of 32-bit
 * integers (linear probing, no deletion): the LSH buckets, (scope, band key) pairs, are numbered
 * once, so every replay addresses them by plain array index instead of hashing. Buckets holds
 * the bucket contents of one replay in fixed blocks. JS Maps keyed by strings or holding millions
 * of small arrays cost 10-100x more, mostly in allocation and GC.
 */

/** Entries kept per LSH bucket (the most recent): bounds the work per query on skewed traffic. */
export const BUCKET_CAP = 6;
const CAP = BUCKET_CAP;
export class PairIdTable {
  private first: Int32Array;
  private second: Int32Array;
  /** Dense id + 1 per slot; 0 marks an empty slot. */
  private ids: Int32Array;
  private mask: number;
  /** Number of distinct pairs seen: ids are 0 .. size - 1. */
  size = 0;

  constructor(expected = 1 << 10) {
    let cap = 1 << 4;
    while (cap < expected * 2) cap *= 2;
    this.first = new Int32Array(cap);
    this.second = new Int32Array(cap);
    this.ids = new Int32Array(cap);
    this.mask = cap - 1;
  }

  private slot(a: number, b: number): number {
    let h = Math.imul(a, 0x9e3779b1) ^ b;
    h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
    let i = (h ^ (h >>> 13)) & this.mask;
    while (this.ids[i] !== 0 && (this.first[i] !== a || this.second[i] !== b)) i = (i + 1) & this.mask;
    return i;
  }

  /** The id of (a, b), numbered in order of first appearance. */
  id(a: number, b: number): number {
    a |= 0;
    b |= 0;
    let i = this.slot(a, b);
    if (this.ids[i] !== 0) return this.ids[i] - 1;
    if ((this.size + 1) * 2 > this.ids.length) {
      this.grow();
      i = this.slot(a, b);
    }
    this.first[i] = a;
    this.second[i] = b;
    this.ids[i] = ++this.size;
    return this.size - 1;
  }

  private grow(): void {
    const { first, second, ids } = this;
    this.first = new Int32Array(ids.length * 2);
    this.second = new Int32Array(ids.length * 2);
    this.ids = new Int32Array(ids.length * 2);
    this.mask = this.ids.length - 1;
    for (let j = 0; j < ids.length; j++) {
      if (ids[j] === 0) continue;
      const i = this.slot(first[j], second[j]);
      this.first[i] = first[j];
      this.second[i] = second[j];
      this.ids[i] = ids[j];
    }
  }
}

/** LSH buckets of one replay: bucket id -> block of CAP item slots, oldest first. */
export class Buckets {
  /** Bucket id -> its block, or -1 when empty. */
  block: Int32Array;
  private slots: Int32Array;
  private fill: Uint8Array;
  private free: Int32Array;
  private freeTop = 0;
  private used = 0;

  constructor(bucketCount: number, blocks: number) {
    this.block = new Int32Array(bucketCount).fill(-1);
    this.slots = new Int32Array(blocks * CAP);
    this.fill = new Uint8Array(blocks);
    this.free = new Int32Array(blocks);
  }

  /** An independent copy (same contents). */
  clone(): Buckets {
    const c = new Buckets(0, 0);
    c.block = this.block.slice();
    c.slots = this.slots.slice();
    c.fill = this.fill.slice();
    c.free = this.free.slice();
    c.freeTop = this.freeTop;
    c.used = this.used;
    return c;
  }

  size(k: number): number {
    return this.fill[k];
  }

  at(k: number, i: number): number {
    return this.slots[k * CAP + i];
  }

  /** Append `e` (the newest entry) to bucket `id`, dropping its oldest when full. */
  add(id: number, e: number): void {
    let k = this.block[id];
    if (k < 0) this.block[id] = k = this.alloc();
    const base = k * CAP;
    const f = this.fill[k];
    if (f < CAP) {
      this.slots[base + f] = e;
      this.fill[k] = f + 1;
      return;
    }
    for (let i = base + 1; i < base + CAP; i++) this.slots[i - 1] = this.slots[i];
    this.slots[base + CAP - 1] = e;
  }

  /** Remove `e` (every copy) from bucket `id`, releasing the block when it empties. */
  remove(id: number, e: number): void {
    const k = this.block[id];
    if (k < 0) return;
    const base = k * CAP;
    const f = this.fill[k];
    let w = 0;
    for (let i = 0; i < f; i++) if (this.slots[base + i] !== e) this.slots[base + w++] = this.slots[base + i];
    this.fill[k] = w;
    if (w > 0) return;
    this.block[id] = -1;
    this.free[this.freeTop++] = k;
  }

  private alloc(): number {
    if (this.freeTop > 0) return this.free[--this.freeTop];
    if (this.used === this.fill.length) this.growBlocks();
    return this.used++;
  }

  private growBlocks(): void {
    const blocks = Math.max(16, this.fill.length * 2);
    const slots = new Int32Array(blocks * CAP);
    slots.set(this.slots);
    const fill = new Uint8Array(blocks);
    fill.set(this.fill);
    this.slots = slots;
    this.fill = fill;
    this.free = new Int32Array(blocks);
  }
}
