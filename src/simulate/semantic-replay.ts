/**
 * Semantic-cache replay: queries in time order against an LRU cache of earlier answered queries
 * (per scope), with a TTL from the time an answer was stored. A query hits when a live entry of
 * its scope has exact Jaccard similarity >= threshold (LSH bands choose the candidates, see
 * minhash.ts); the best match wins (ties: the latest entry). A miss stores the query (the model
 * answers it). Copies of one logged request (volume replicas) never match each other: a copy
 * stands for another user. Expired entries stay in the LRU (they hold capacity) until evicted.
 *
 * Each LSH bucket keeps its 6 most recent entries, so a query scans at most 32 x 6
 * candidates even when one topic dominates the traffic (an older near-duplicate whose every band
 * bucket has since filled with newer entries can be missed; the newer ones are usually as close).
 * Candidates whose set sizes alone rule out the threshold (min/max < threshold) are not merged.
 *
 * An exact repeat of a live entry (same normalised text) is found first, without scanning buckets.
 *
 * indexQueries numbers everything once for all thresholds (scopes, origins, entries, and the
 * buckets as dense ids of (scope, band key) pairs); a replay then runs on typed arrays only:
 * bucket -> block of 6 item slots, LRU as linked lists over item indices, no allocation per
 * query. replayThresholds runs several thresholds as one replay while every query gets the same
 * decision at all of them, and copies the state only where they part (exactly as separate runs).
 *
 * Complexity: indexing O(n · 32) hash probes, once. A replay: O(n · 32) array reads, plus per
 * query at most 32 · 6 candidates, each an O(|A| + |B|) sorted merge when the set sizes allow
 * the threshold; a split between thresholds copies O(n + buckets). Memory: O(n · 32) ints for
 * the index; per replay O(n + buckets + 32 · cached entries) ints.
 */
import { Buckets, PairIdTable } from './int-table.js';
import { BANDS, jaccard } from './minhash.js';

export interface QueryItem {
  timeMs: number;
  scope: string;
  /** Logged record id (copies share it). */
  origin: string;
  /** Texts normalising alike share one array: identity marks an exact repeat. */
  shingles: Uint32Array;
  bands: Int32Array;
  /**
   * Shingles of the conversation before the query (semanticCache `context: context`): a cached
   * answer serves the query only when this context is as similar as the threshold asks, too (the
   * similarity of a pair is the smaller of the two). Empty for a first turn; absent: not checked.
   */
  context?: Uint32Array;
}

export interface SemanticHits {
  /** Per item: index of the matched earlier item, or -1. */
  match: Int32Array;
  similarity: Float64Array;
}

/** Items in flat arrays, built once and shared by every threshold's replay. */
export interface SemanticIndex {
  n: number;
  time: Float64Array;
  origin: Int32Array;
  scope: Int32Array;
  scopes: number;
  /** Item -> entry: its (scope, shingle array) pair, or -1 for an empty query. */
  entry: Int32Array;
  entries: number;
  shingles: Uint32Array[];
  /** Item -> its context shingles (undefined: context not checked). */
  context: Array<Uint32Array | undefined>;
  /** Entry -> its 32 bucket ids (dense ids of (scope, band key); equal keys share a bucket). */
  buckets: Int32Array;
  bucketCount: number;
}

function idOf<K>(map: Map<K, number>, key: K): number {
  let id = map.get(key);
  if (id === undefined) map.set(key, (id = map.size));
  return id;
}

/** Number scopes, origins, entries and buckets of items already in time order. */
export function indexQueries(items: readonly QueryItem[]): SemanticIndex {
  const n = items.length;
  const scopes = new Map<string, number>();
  const origins = new Map<string, number>();
  const texts = new Map<Uint32Array, number>();
  const entryIds = new PairIdTable(n);
  /** Entry -> its first item (whose band keys it uses). */
  const firstItem = new Int32Array(n);
  const ix = {
    n,
    time: new Float64Array(n),
    origin: new Int32Array(n),
    scope: new Int32Array(n),
    scopes: 0,
    entry: new Int32Array(n),
    entries: 0,
    shingles: items.map((it) => it.shingles),
    context: items.map((it) => it.context),
    buckets: new Int32Array(0),
    bucketCount: 0,
  };
  for (let i = 0; i < n; i++) {
    const it = items[i];
    const s = idOf(scopes, it.scope);
    ix.time[i] = it.timeMs;
    ix.origin[i] = idOf(origins, it.origin);
    ix.scope[i] = s;
    const p = it.shingles.length === 0 ? -1 : entryIds.id(s, idOf(texts, it.shingles));
    ix.entry[i] = p;
    if (p === ix.entries) firstItem[ix.entries++] = i;
  }
  ix.scopes = scopes.size;
  ix.buckets = new Int32Array(ix.entries * BANDS);
  const bucketIds = new PairIdTable(ix.entries * BANDS);
  for (let p = 0; p < ix.entries; p++) {
    const i = firstItem[p];
    for (let b = 0; b < BANDS; b++) ix.buckets[p * BANDS + b] = bucketIds.id(ix.scope[i], items[i].bands[b]);
  }
  ix.bucketCount = bucketIds.size;
  return ix;
}

/** State of one replay: per-scope LRU lists over item indices, exact-repeat slots, buckets. */
class Replay {
  prev!: Int32Array;
  next!: Int32Array;
  stamp!: Int32Array;
  head!: Int32Array;
  tail!: Int32Array;
  size!: Int32Array;
  /** Entry -> latest live item holding it, or -1. */
  exact!: Int32Array;
  buckets!: Buckets;

  static create(ix: SemanticIndex, capacity: number): Replay {
    const st = new Replay();
    st.prev = new Int32Array(ix.n).fill(-1);
    st.next = new Int32Array(ix.n).fill(-1);
    st.stamp = new Int32Array(ix.n);
    st.head = new Int32Array(ix.scopes).fill(-1);
    st.tail = new Int32Array(ix.scopes).fill(-1);
    st.size = new Int32Array(ix.scopes);
    st.exact = new Int32Array(ix.entries).fill(-1);
    const live = Math.min(ix.n, (capacity + 1) * ix.scopes);
    st.buckets = new Buckets(ix.bucketCount, Math.min(ix.bucketCount, live * BANDS, 1 << 16));
    return st;
  }

  clone(): Replay {
    const c = new Replay();
    for (const k of ['prev', 'next', 'stamp', 'head', 'tail', 'size', 'exact'] as const) c[k] = this[k].slice();
    c.buckets = this.buckets.clone();
    return c;
  }

  unlink(s: number, e: number): void {
    const p = this.prev[e];
    const n = this.next[e];
    if (p >= 0) this.next[p] = n;
    else this.head[s] = n;
    if (n >= 0) this.prev[n] = p;
    else this.tail[s] = p;
    this.prev[e] = this.next[e] = -1;
  }

  /** Put `e` (unlinked) at the most-recent end of scope `s`. */
  append(s: number, e: number): void {
    this.prev[e] = this.tail[s];
    if (this.tail[s] >= 0) this.next[this.tail[s]] = e;
    else this.head[s] = e;
    this.tail[s] = e;
  }
}

/** Similarity of two items' contexts (1 when not checked). */
function contextSimilarity(ix: SemanticIndex, a: number, b: number): number {
  const x = ix.context[a];
  const y = ix.context[b];
  return x === undefined || y === undefined ? 1 : jaccard(x, y);
}

/** Fresh (stored within the TTL) and from another logged request. */
const usable = (ix: SemanticIndex, e: number, idx: number, ttlMs: number): boolean =>
  !(ix.time[e] + ttlMs < ix.time[idx]) && ix.origin[e] !== ix.origin[idx];

/**
 * Best usable candidate in the query's buckets, or -1 when none reaches `threshold`; `out[0]`
 * gets its similarity (exact whenever >= threshold: only candidates below it are skipped).
 */
function bestCandidate(ix: SemanticIndex, st: Replay, idx: number, ttlMs: number, threshold: number, out: Float64Array): number {
  const sh = ix.shingles[idx];
  const base = ix.entry[idx] * BANDS;
  const bk = st.buckets;
  let best = -1;
  let bestSim = -1;
  for (let b = 0; b < BANDS; b++) {
    const k = bk.block[ix.buckets[base + b]];
    if (k < 0) continue;
    for (let i = 0, f = bk.size(k); i < f; i++) {
      const e = bk.at(k, i);
      if (st.stamp[e] === idx + 1) continue;
      st.stamp[e] = idx + 1;
      if (!usable(ix, e, idx, ttlMs)) continue;
      const other = ix.shingles[e];
      if (Math.min(sh.length, other.length) / Math.max(sh.length, other.length) < threshold) continue; // J <= min/max
      let sim = jaccard(sh, other);
      if (sim >= threshold) sim = Math.min(sim, contextSimilarity(ix, e, idx));
      if (sim > bestSim || (sim === bestSim && e > best)) {
        bestSim = sim;
        best = e;
      }
    }
  }
  out[0] = bestSim;
  return bestSim >= threshold ? best : -1;
}

/** Store a missed query; evict the scope's least recently used entry beyond capacity. */
function insert(ix: SemanticIndex, st: Replay, idx: number, capacity: number): void {
  const s = ix.scope[idx];
  const p = ix.entry[idx];
  st.append(s, idx);
  st.size[s]++;
  for (let b = 0; b < BANDS; b++) st.buckets.add(ix.buckets[p * BANDS + b], idx);
  st.exact[p] = idx;
  if (st.size[s] <= capacity) return;
  const old = st.head[s];
  const q = ix.entry[old];
  st.unlink(s, old);
  st.size[s]--;
  for (let b = 0; b < BANDS; b++) st.buckets.remove(ix.buckets[q * BANDS + b], old);
  if (st.exact[q] === old) st.exact[q] = -1;
}

/** Thresholds (ascending) whose replays have made the same decisions so far share one state. */
interface Run {
  st: Replay;
  members: number[];
  hits: SemanticHits;
  from: number;
}

/** Continue a run to the end; where its members disagree, the missing ones fork onto `pending`. */
function runFrom(ix: SemanticIndex, run: Run, ttlMs: number, capacity: number, pending: Run[]): void {
  const { st, hits } = run;
  const out = new Float64Array(1);
  for (let idx = run.from; idx < ix.n; idx++) {
    const p = ix.entry[idx];
    if (p < 0) continue;
    let e = st.exact[p];
    let sim = e >= 0 ? contextSimilarity(ix, e, idx) : 1;
    if (e < 0 || !usable(ix, e, idx, ttlMs) || sim < 1) {
      e = bestCandidate(ix, st, idx, ttlMs, run.members[0], out);
      sim = out[0];
    }
    let split = 0;
    while (e >= 0 && split < run.members.length && run.members[split] <= sim) split++;
    if (split > 0 && split < run.members.length) {
      const fork = {
        st: st.clone(),
        members: run.members.slice(split),
        from: idx + 1,
        hits: { match: hits.match.slice(), similarity: hits.similarity.slice() },
      };
      insert(ix, fork.st, idx, capacity);
      pending.push(fork);
      run.members = run.members.slice(0, split);
    }
    if (split === 0) {
      insert(ix, st, idx, capacity);
      continue;
    }
    hits.match[idx] = e;
    hits.similarity[idx] = sim;
    st.unlink(ix.scope[e], e);
    st.append(ix.scope[e], e);
  }
}

/**
 * Replay indexed items at each threshold; exactly as separate replays would, but thresholds
 * share one replay for as long as every query gets the same decision at all of them (only the
 * queries whose best similarity lies between two thresholds split a run, copying its state).
 */
export function replayThresholds(ix: SemanticIndex, thresholds: readonly number[], ttlMs: number, capacity: number): SemanticHits[] {
  const members = [...new Set(thresholds)].sort((a, b) => a - b);
  const done = new Map<number, SemanticHits>();
  const pending: Run[] = [
    {
      st: Replay.create(ix, capacity),
      members,
      from: 0,
      hits: { match: new Int32Array(ix.n).fill(-1), similarity: new Float64Array(ix.n) },
    },
  ];
  for (let run = pending.pop(); run; run = pending.pop()) {
    runFrom(ix, run, ttlMs, capacity, pending);
    for (const t of run.members) done.set(t, run.hits);
  }
  return thresholds.map((t) => done.get(t)!);
}
