/**
 * Semantic-cache replay: queries in time order against an LRU cache of earlier answered queries
 * (per scope), with a TTL from the time an answer was stored. A query hits when a live entry of
 * its scope has exact Jaccard similarity >= threshold (LSH bands choose the candidates, see
 * minhash.ts); the best match wins. A miss stores the query (the model answers it). Copies of one
 * logged request (volume replicas) never match each other: a copy stands for another user.
 *
 * Complexity: O(n · (bands + candidates)) per threshold; memory O(capacity · bands) per scope.
 */
import { BANDS, jaccard } from './minhash.js';

export interface QueryItem {
  timeMs: number;
  scope: string;
  /** Logged record id (copies share it). */
  origin: string;
  shingles: Uint32Array;
  bands: Uint32Array;
}

export interface SemanticHits {
  /** Per item: index of the matched earlier item, or -1. */
  match: Int32Array;
  similarity: Float64Array;
}

interface ScopeCache {
  bands: Map<number, number[]>;
  lru: Map<number, true>;
}

function bestCandidate(items: readonly QueryItem[], idx: number, sc: ScopeCache, ttlMs: number): { e: number; sim: number } {
  const item = items[idx];
  let best = -1;
  let bestSim = -1;
  const seen = new Set<number>();
  for (let b = 0; b < BANDS; b++) {
    const list = sc.bands.get(item.bands[b] * 64 + b);
    if (!list) continue;
    let w = 0;
    for (let i = 0; i < list.length; i++) {
      const e = list[i];
      if (!sc.lru.has(e)) continue; // evicted: drop from the list
      list[w++] = e;
      if (seen.has(e)) continue;
      seen.add(e);
      const other = items[e];
      if (other.timeMs + ttlMs < item.timeMs || other.origin === item.origin) continue;
      const sim = jaccard(item.shingles, other.shingles);
      if (sim > bestSim || (sim === bestSim && e > best)) {
        bestSim = sim;
        best = e;
      }
    }
    list.length = w;
  }
  return { e: best, sim: bestSim };
}

/** Replay items (already in time order) at one threshold. */
export function replaySemantic(items: readonly QueryItem[], threshold: number, ttlMs: number, capacity: number): SemanticHits {
  const match = new Int32Array(items.length).fill(-1);
  const similarity = new Float64Array(items.length);
  const scopes = new Map<string, ScopeCache>();
  for (let idx = 0; idx < items.length; idx++) {
    const item = items[idx];
    let sc = scopes.get(item.scope);
    if (!sc) scopes.set(item.scope, (sc = { bands: new Map(), lru: new Map() }));
    if (item.shingles.length === 0) continue;
    const { e, sim } = bestCandidate(items, idx, sc, ttlMs);
    if (e >= 0 && sim >= threshold) {
      match[idx] = e;
      similarity[idx] = sim;
      sc.lru.delete(e);
      sc.lru.set(e, true);
      continue;
    }
    sc.lru.set(idx, true);
    for (let b = 0; b < BANDS; b++) {
      const key = item.bands[b] * 64 + b;
      const list = sc.bands.get(key);
      if (list) list.push(idx);
      else sc.bands.set(key, [idx]);
    }
    if (sc.lru.size > capacity) sc.lru.delete(sc.lru.keys().next().value as number);
  }
  return { match, similarity };
}
