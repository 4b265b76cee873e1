/**
 * A hash table of strings kept in typed arrays: an open-addressing table of entry numbers by hash,
 * and per entry its hash, an int32 value and its characters (copied into one Uint16Array). No JS
 * object per key: the keys are not retained as strings (on a hot path they would outlive V8's young
 * generation and be promoted, garbage that grows the old space with the input), and a lookup
 * touches a few cache lines of typed arrays instead of a hash map's objects.
 */

/** 32-bit FNV-1a over UTF-16 code units. */
export function hash32(key: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < key.length; i++) h = Math.imul(h ^ key.charCodeAt(i), 0x01000193);
  return h | 0;
}

export class StringTable {
  private count = 0;
  private charCount = 0;
  private slots: Int32Array;
  private hashes: Int32Array;
  private values: Int32Array;
  private starts: Int32Array;
  private chars: Uint16Array;

  constructor(capacity = 1024) {
    this.slots = new Int32Array(tableSize(capacity)).fill(-1);
    this.hashes = new Int32Array(capacity);
    this.values = new Int32Array(capacity);
    this.starts = new Int32Array(capacity + 1);
    this.chars = new Uint16Array(capacity * 32);
  }

  /** Empties the table for reuse (no allocation). */
  clear(): void {
    if (this.count > 0) this.slots.fill(-1);
    this.count = 0;
    this.charCount = 0;
  }

  /** Entry number of `key` (whose hash32 is `h`), or -1. */
  find(key: string, h: number): number {
    const mask = this.slots.length - 1;
    for (let i = h & mask; ; i = (i + 1) & mask) {
      const e = this.slots[i];
      if (e < 0) return -1;
      if (this.hashes[e] === h && this.equals(e, key)) return e;
    }
  }

  valueAt(e: number): number {
    return this.values[e];
  }

  setValue(e: number, value: number): void {
    this.values[e] = value;
  }

  /** Adds a key that is not in the table (check with find first); returns its entry number. */
  insert(key: string, h: number, value: number): number {
    if (this.count === this.hashes.length || 2 * (this.count + 1) > this.slots.length) this.grow();
    if (this.charCount + key.length > this.chars.length)
      this.chars = copyInto(new Uint16Array(2 * (this.charCount + key.length)), this.chars, this.charCount);
    const e = this.count++;
    this.hashes[e] = h;
    this.values[e] = value;
    const start = this.charCount;
    for (let i = 0; i < key.length; i++) this.chars[start + i] = key.charCodeAt(i);
    this.charCount += key.length;
    this.starts[e + 1] = this.charCount;
    this.place(e, h);
    return e;
  }

  private equals(e: number, key: string): boolean {
    const start = this.starts[e];
    if (this.starts[e + 1] - start !== key.length) return false;
    for (let i = 0; i < key.length; i++) if (this.chars[start + i] !== key.charCodeAt(i)) return false;
    return true;
  }

  private place(e: number, h: number): void {
    const mask = this.slots.length - 1;
    let i = h & mask;
    while (this.slots[i] >= 0) i = (i + 1) & mask;
    this.slots[i] = e;
  }

  private grow(): void {
    const capacity = 2 * this.hashes.length;
    this.hashes = copyInto(new Int32Array(capacity), this.hashes, this.count);
    this.values = copyInto(new Int32Array(capacity), this.values, this.count);
    this.starts = copyInto(new Int32Array(capacity + 1), this.starts, this.count + 1);
    this.slots = new Int32Array(tableSize(capacity)).fill(-1);
    for (let e = 0; e < this.count; e++) this.place(e, this.hashes[e]);
  }
}

function tableSize(capacity: number): number {
  let size = 1024;
  while (size < 2 * capacity) size *= 2;
  return size;
}

function copyInto<T extends Int32Array | Uint16Array>(to: T, from: T, length: number): T {
  to.set(from.subarray(0, length));
  return to;
}
