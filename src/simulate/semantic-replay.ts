/**
 * Semantic-cache replay: queries in time order against an LRU cache of earlier answered queries
 * (per scope), with a TTL from the time an answer was stored. A query hits when a live entry of
 * its scope has exact Jaccard similarity >= threshold (LSH bands choose the candidates, see
 * minhash.ts); the best match wins. A miss stores the query (the model answers it). Copies of one
 * logged request (volume replicas) never match each other: a copy stands for another user.
 *
 * Each LSH bucket keeps its 6 most recent entries, so a query scans at most 32 x 6
 * candidates even when one topic dominates the traffic (an older near-duplicate whose every band
 * bucket has since filled with newer entries can be missed; the newer ones are usually as close).
 *
 * An exact repeat of a live entry (same normalised text) is found first through a map, without
 * scanning buckets.
 *
 * Complexity: O(n · 32 · 6) worst case per threshold; memory O(capacity · 32) per scope.
 */
import { IntListTable } from './int-table.js';
import { BANDS, jaccard } from './minhash.js';

export interface QueryItem {
  timeMs: number;
  scope: string;
  /** Logged record id (copies share it). */
  origin: string;
  shingles: Uint32Array;
  bands: Int32Array;
}

export interface SemanticHits {
  /** Per item: index of the matched earlier item, or -1. */
  match: Int32Array;
  similarity: Float64Array;
}

/** Per scope: band buckets and an LRU list (doubly linked over item indices). */
interface ScopeCache {
  bands: IntListTable;
  /** Latest live entry per distinct shingle set (texts normalising alike share one array). */
  exact: Map<Uint32Array, number>;
  head: number;
  tail: number;
  size: number;
}

/** Entries kept per LSH bucket (the most recent): bounds the work per query on skewed traffic. */
export const BUCKET_CAP = 6;

/** Band keys are table keys already (band index mixed in, never 0; see minhash.ts). */
const bandKey = (keys: Int32Array, b: number): number => keys[b];

class Replay {
  readonly prev: Int32Array;
  readonly next: Int32Array;
  readonly alive: Uint8Array;
  readonly stamp: Int32Array;
  constructor(n: number) {
    this.prev = new Int32Array(n).fill(-1);
    this.next = new Int32Array(n).fill(-1);
    this.alive = new Uint8Array(n);
    this.stamp = new Int32Array(n);
  }
  unlink(sc: ScopeCache, e: number): void {
    const p = this.prev[e];
    const n = this.next[e];
    if (p >= 0) this.next[p] = n;
    else sc.head = n;
    if (n >= 0) this.prev[n] = p;
    else sc.tail = p;
    this.prev[e] = this.next[e] = -1;
  }
  /** Move or add `e` to the most-recent end. */
  touch(sc: ScopeCache, e: number, isNew: boolean): void {
    if (!isNew) this.unlink(sc, e);
    this.prev[e] = sc.tail;
    if (sc.tail >= 0) this.next[sc.tail] = e;
    else sc.head = e;
    sc.tail = e;
  }
}

function bestCandidate(items: readonly QueryItem[], idx: number, sc: ScopeCache, ttlMs: number, st: Replay): { e: number; sim: number } {
  const item = items[idx];
  let best = -1;
  let bestSim = -1;
  for (let b = 0; b < BANDS; b++) {
    const list = sc.bands.get(bandKey(item.bands, b));
    if (!list) continue;
    for (let i = 0; i < list.length; i++) {
      const e = list[i];
      if (st.stamp[e] === idx + 1) continue;
      st.stamp[e] = idx + 1;
      const other = items[e];
      if (other.timeMs + ttlMs < item.timeMs || other.origin === item.origin) continue;
      const sim = jaccard(item.shingles, other.shingles);
      if (sim > bestSim || (sim === bestSim && e > best)) {
        bestSim = sim;
        best = e;
      }
    }
  }
  return { e: best, sim: bestSim };
}

/** A live, fresh entry with the same shingle set (similarity 1), from another logged request. */
function exactRepeat(items: readonly QueryItem[], idx: number, sc: ScopeCache, ttlMs: number): { e: number; sim: number } | undefined {
  const e = sc.exact.get(items[idx].shingles);
  if (e === undefined) return undefined;
  const other = items[e];
  if (other.timeMs + ttlMs < items[idx].timeMs || other.origin === items[idx].origin) return undefined;
  return { e, sim: 1 };
}

function index(sc: ScopeCache, item: QueryItem, idx: number): void {
  for (let b = 0; b < BANDS; b++) {
    const list = sc.bands.upsert(bandKey(item.bands, b));
    if (list.length < BUCKET_CAP) list.push(idx);
    else {
      for (let i = 1; i < list.length; i++) list[i - 1] = list[i];
      list[list.length - 1] = idx;
    }
  }
}

/** Remove an evicted entry from its band buckets, so the index never outgrows the capacity. */
function unindex(sc: ScopeCache, item: QueryItem, idx: number): void {
  for (let b = 0; b < BANDS; b++) {
    const key = bandKey(item.bands, b);
    const list = sc.bands.get(key);
    if (!list) continue;
    let w = 0;
    for (let i = 0; i < list.length; i++) if (list[i] !== idx) list[w++] = list[i];
    list.length = w;
    if (w === 0) sc.bands.delete(key);
  }
}

/** Replay items (already in time order) at one threshold. */
export function replaySemantic(items: readonly QueryItem[], threshold: number, ttlMs: number, capacity: number): SemanticHits {
  const match = new Int32Array(items.length).fill(-1);
  const similarity = new Float64Array(items.length);
  const scopes = new Map<string, ScopeCache>();
  const st = new Replay(items.length);
  for (let idx = 0; idx < items.length; idx++) {
    const item = items[idx];
    let sc = scopes.get(item.scope);
    if (!sc) scopes.set(item.scope, (sc = { bands: new IntListTable(), exact: new Map(), head: -1, tail: -1, size: 0 }));
    if (item.shingles.length === 0) continue;
    const { e, sim } = exactRepeat(items, idx, sc, ttlMs) ?? bestCandidate(items, idx, sc, ttlMs, st);
    if (e >= 0 && sim >= threshold) {
      match[idx] = e;
      similarity[idx] = sim;
      st.touch(sc, e, false);
      continue;
    }
    st.touch(sc, idx, true);
    st.alive[idx] = 1;
    sc.size++;
    index(sc, item, idx);
    sc.exact.set(item.shingles, idx);
    if (sc.size > capacity) {
      const old = sc.head;
      st.unlink(sc, old);
      st.alive[old] = 0;
      sc.size--;
      unindex(sc, items[old], old);
      if (sc.exact.get(items[old].shingles) === old) sc.exact.delete(items[old].shingles);
    }
  }
  return { match, similarity };
}
