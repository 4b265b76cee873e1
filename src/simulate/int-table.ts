/**
 * A hash map from non-zero 32-bit integer keys to small lists of integers, in typed arrays with
 * linear probing and backward-shift deletion (no tombstones). JS Maps with millions of keys, or
 * with many deletions (an LRU built on Map.delete/set), slow down by 10-100x; this stays O(1).
 */
export class IntListTable {
  private keys: Int32Array;
  private slots: Int32Array;
  private mask: number;
  private size = 0;
  private readonly lists: number[][] = [];
  private readonly free: number[] = [];

  constructor(capacityPow2 = 1 << 12) {
    this.keys = new Int32Array(capacityPow2);
    this.slots = new Int32Array(capacityPow2);
    this.mask = capacityPow2 - 1;
  }

  private index(key: number): number {
    let i = Math.imul(key, 0x9e3779b1) >>> 0 & this.mask;
    while (this.keys[i] !== 0 && this.keys[i] !== key) i = (i + 1) & this.mask;
    return i;
  }

  get(key: number): number[] | undefined {
    const i = this.index(key);
    return this.keys[i] === 0 ? undefined : this.lists[this.slots[i]];
  }

  /** The list for `key`, created empty when missing. */
  upsert(key: number): number[] {
    let i = this.index(key);
    if (this.keys[i] !== 0) return this.lists[this.slots[i]];
    if ((this.size + 1) * 2 > this.keys.length) {
      this.grow();
      i = this.index(key);
    }
    const id = this.free.pop() ?? this.lists.length;
    if (id === this.lists.length) this.lists.push([]);
    else this.lists[id].length = 0;
    this.keys[i] = key;
    this.slots[i] = id;
    this.size++;
    return this.lists[id];
  }

  delete(key: number): void {
    let i = this.index(key);
    if (this.keys[i] === 0) return;
    this.free.push(this.slots[i]);
    this.size--;
    // backward-shift deletion keeps every probe chain unbroken
    for (let j = (i + 1) & this.mask; this.keys[j] !== 0; j = (j + 1) & this.mask) {
      const home = Math.imul(this.keys[j], 0x9e3779b1) >>> 0 & this.mask;
      if ((j - home & this.mask) >= (j - i & this.mask)) {
        this.keys[i] = this.keys[j];
        this.slots[i] = this.slots[j];
        i = j;
      }
    }
    this.keys[i] = 0;
  }

  private grow(): void {
    const oldKeys = this.keys;
    const oldSlots = this.slots;
    this.keys = new Int32Array(oldKeys.length * 2);
    this.slots = new Int32Array(oldKeys.length * 2);
    this.mask = this.keys.length - 1;
    for (let j = 0; j < oldKeys.length; j++) {
      if (oldKeys[j] === 0) continue;
      const i = this.index(oldKeys[j]);
      this.keys[i] = oldKeys[j];
      this.slots[i] = oldSlots[j];
    }
  }
}
