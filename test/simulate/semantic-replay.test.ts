/**
 * The optimised semantic-cache replay against plain references: a brute-force replay that compares
 * every live cache entry by exact Jaccard (no LSH, no bucket cap), separate single-threshold
 * replays against the shared multi-threshold one, and naive shingling/normalisation.
 */
import { describe, expect, it } from 'vitest';
import { hashString } from '../../src/simulate/hash.js';
import { bandKeys, jaccard, normalizeQuery, shingles } from '../../src/simulate/minhash.js';
import { indexQueries, replayThresholds, type QueryItem } from '../../src/simulate/semantic-replay.js';

/** Replay items (already in time order) at one threshold. */
const replaySemantic = (items: readonly QueryItem[], threshold: number, ttlMs: number, capacity: number) =>
  replayThresholds(indexQueries(items), [threshold], ttlMs, capacity)[0];

let seed = 0;
const reseed = (s: number) => void (seed = s);
const rand = () => (seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) / 4294967296;
const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)];

/** Queries (time order) built from the texts, sharing one shingle array per normalised text. */
function itemsOf(rows: Array<{ text: string; timeMs: number; scope: string; origin: string }>, k = 2): QueryItem[] {
  const memo = new Map<string, { sh: Uint32Array; bands: Int32Array }>();
  return rows.map((r) => {
    const norm = normalizeQuery(r.text);
    let m = memo.get(norm);
    if (!m) {
      const sh = shingles(norm, k);
      memo.set(norm, (m = { sh, bands: bandKeys(sh, 1) }));
    }
    return { timeMs: r.timeMs, scope: r.scope, origin: r.origin, shingles: m.sh, bands: m.bands };
  });
}

/** The semantics, plainly: every live entry of the scope is a candidate; LRU as an array. */
function bruteForce(items: readonly QueryItem[], threshold: number, ttlMs: number, capacity: number): Int32Array {
  const match = new Int32Array(items.length).fill(-1);
  const lru = new Map<string, number[]>();
  const exact = new Map<string, Map<Uint32Array, number>>();
  items.forEach((q, idx) => {
    const cache = lru.get(q.scope) ?? lru.set(q.scope, []).get(q.scope)!;
    const same = exact.get(q.scope) ?? exact.set(q.scope, new Map()).get(q.scope)!;
    if (q.shingles.length === 0) return;
    const usable = (e: number) => items[e].timeMs + ttlMs >= q.timeMs && items[e].origin !== q.origin;
    let best = -1;
    let bestSim = -1;
    const repeat = same.get(q.shingles);
    if (repeat !== undefined && usable(repeat)) [best, bestSim] = [repeat, 1];
    else {
      for (const e of cache) {
        const sim = usable(e) ? jaccard(q.shingles, items[e].shingles) : -1;
        if (sim > bestSim || (sim === bestSim && sim >= 0 && e > best)) [best, bestSim] = [e, sim];
      }
    }
    if (best >= 0 && bestSim >= threshold) {
      match[idx] = best;
      cache.splice(cache.indexOf(best), 1);
      cache.push(best);
      return;
    }
    cache.push(idx);
    same.set(q.shingles, idx);
    if (cache.length <= capacity) return;
    const old = cache.shift()!;
    if (same.get(items[old].shingles) === old) same.delete(items[old].shingles);
  });
  return match;
}

/** Checksums recorded with the implementation before the typed-array rewrite. */
const EARLIER = [-1487328735, -2093287646, -1935988841];

const WORDS = Array.from({ length: 20_000 }, (_, i) => `w${i.toString(36)}x${(i * 7919) % 101}`);

/** A variant of a topic sentence: copy, case/punctuation change, word swap, insertion or cut. */
function variant(topic: string[]): string {
  const w = topic.slice();
  const r = rand();
  if (r < 0.25) return w.join(' ');
  if (r < 0.4) return `${w.join(', ').toUpperCase()}?`;
  if (r < 0.6) w[Math.floor(rand() * w.length)] = pick(WORDS);
  else if (r < 0.75) w.splice(Math.floor(rand() * w.length), 0, pick(WORDS));
  else if (r < 0.9) w.splice(Math.floor(rand() * w.length), 1);
  else w.splice(Math.floor(rand() * w.length), 2, pick(WORDS), pick(WORDS), pick(WORDS));
  return w.join(' ');
}

/** Few thousand queries over many small topics (at most 6 per topic, so no LSH bucket overflows). */
function sparseRows(n: number) {
  const rows: Array<{ text: string; timeMs: number; scope: string; origin: string }> = [];
  for (let t = 0; rows.length < n; t++) {
    const start = Math.floor(rand() * 3_600_000 * 24);
    const topic = Array.from({ length: 6 + Math.floor(rand() * 20) }, () => pick(WORDS));
    const copies = 1 + Math.floor(rand() * 6);
    const scope = `s${t % 2}`;
    for (let c = 0; c < copies && rows.length < n; c++) {
      const origin = c > 0 && rand() < 0.1 ? rows[rows.length - 1].origin : `r${rows.length}`;
      rows.push({ text: rand() < 0.01 ? '...' : variant(topic), timeMs: start + Math.floor(rand() * 3_600_000), scope, origin });
    }
  }
  return rows.sort((a, b) => a.timeMs - b.timeMs);
}

/** Skewed traffic: popular topics overflow their LSH buckets (the 6-entry cap matters). */
function skewedItems(): QueryItem[] {
  reseed(4242);
  const topics = Array.from({ length: 60 }, () => Array.from({ length: 8 + Math.floor(rand() * 10) }, () => pick(WORDS.slice(0, 300))));
  const rows = Array.from({ length: 3000 }, (_, i) => ({
    text: variant(topics[Math.floor(rand() ** 3 * topics.length)]),
    timeMs: i * 60_000,
    scope: `s${i % 3}`,
    origin: `r${i}`,
  }));
  return itemsOf(rows, 1);
}

/** Order-sensitive checksum of a match array. */
const checksum = (m: Int32Array) => m.reduce((a, b, i) => (Math.imul(a, 31) + b * (i + 1)) | 0, 7);

describe('semantic replay', () => {
  reseed(777);
  const items = itemsOf(sparseRows(4000));

  it.each([[0.75], [0.8], [0.9], [1]])('matches the brute-force replay at threshold %s', (th) => {
    for (const [ttlMs, capacity] of [
      [3_600_000 * 3, 10_000],
      [3_600_000 * 24, 20],
      [600_000, 40],
    ]) {
      const fast = replaySemantic(items, th, ttlMs, capacity).match;
      const ref = bruteForce(items, th, ttlMs, capacity);
      expect(fast.filter((m) => m >= 0).length).toBeGreaterThan(100);
      expect([...fast]).toEqual([...ref]);
    }
  });

  it('shares one replay across thresholds exactly as separate replays would', () => {
    const skewed = skewedItems();
    const ths = [0.95, 0.5, 0.7, 0.8, 0.7, 0.9, 1, 0.6];
    for (const [ttlMs, capacity] of [
      [3_600_000 * 24, 10_000],
      [3_600_000, 25],
    ]) {
      const all = replayThresholds(indexQueries(skewed), ths, ttlMs, capacity);
      ths.forEach((th, i) => {
        const one = replaySemantic(skewed, th, ttlMs, capacity);
        expect([...all[i].match]).toEqual([...one.match]);
        expect([...all[i].similarity]).toEqual([...one.similarity]);
      });
      expect(all[1].match.filter((m) => m >= 0).length).toBeGreaterThan(all[2].match.filter((m) => m >= 0).length);
    }
  });

  it('gives the matches of the earlier (Map-based) implementation on skewed traffic', () => {
    const skewed = skewedItems();
    const sums = [
      [0.5, 3_600_000 * 24, 10_000],
      [0.8, 3_600_000, 25],
      [1, 3_600_000 * 24, 50],
    ].map(([th, ttl, cap]) => checksum(replaySemantic(skewed, th, ttl, cap).match));
    expect(sums).toEqual(EARLIER);
  });
});

describe('shingles and normalisation', () => {
  const naiveShingles = (text: string, k: number) => {
    const words = text.split(' ').filter((w) => w.length > 0);
    const set = new Set<number>();
    if (words.length > 0 && words.length < k) set.add(hashString(words.join(' ')));
    for (let i = 0; i + k <= words.length; i++) set.add(hashString(words.slice(i, i + k).join(' ')));
    return [...set].sort((a, b) => a - b);
  };

  it('hashes word k-grams like hashing the joined words', () => {
    for (const text of [
      '',
      ' ',
      'a',
      'a b',
      ' a  b ',
      'a b a b a b',
      'héllo wörld ünïcode 東京 タワー',
      'x y z x y z q',
      'one two three four five six',
    ]) {
      for (const k of [1, 2, 3, 5]) expect([...shingles(text, k)]).toEqual(naiveShingles(text, k));
    }
  });

  it('normalises ASCII text exactly like the Unicode rule', () => {
    const ascii = String.fromCharCode(...Array.from({ length: 128 }, (_, i) => i));
    const texts = [ascii, 'How do I reset my PASSWORD?!', '  tabs\tand\nnewlines  ', 'A1-b2_c3', 'Ünïcode Straße ﬁ ２'];
    for (const t of texts)
      expect(normalizeQuery(t)).toBe(
        t
          .normalize('NFKC')
          .toLowerCase()
          .replace(/[^\p{L}\p{N}]+/gu, ' ')
          .trim(),
      );
  });

  it('keeps the MinHash band keys of earlier versions', () => {
    const keys = (text: string, k: number, s: number) => bandKeys(shingles(normalizeQuery(text), k), s);
    const fold = (xs: Int32Array) => xs.reduce((a, b) => (Math.imul(a, 31) + b) | 0, 0);
    expect([...keys('how do i reset my password', 2, 1).slice(0, 4)]).toEqual([695223051, 1782827151, 1405992518, 1134427565]);
    expect(fold(keys('how do i reset my password', 2, 1))).toBe(-53384349);
    expect(fold(keys('the quick brown fox jumps over the lazy dog', 1, 7))).toBe(-1002234627);
    expect(fold(keys('', 2, 1))).toBe(1922564331);
  });
});
