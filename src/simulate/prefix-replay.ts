/**
 * Prefix-cache replay over hashed token blocks.
 *
 * Requests of one cache scope are replayed in time order. Every B-token prefix of a request has
 * a 53-bit key (two 32-bit hash lanes chained over the tokens); the map holds, per key, when
 * the cached prefix expires and which request last wrote it (the representative). A request's
 * hit is the longest run of leading keys present and unexpired, extended token by token against
 * the representative inside the next block, then rounded to the provider's granularity:
 *   - `increment` (OpenAI before GPT-5.6: 128) -> floor to a multiple of it;
 *   - `segment` (explicit breakpoints, Anthropic/Bedrock) -> floor to a message boundary;
 *   - otherwise exact tokens.
 * A hit shorter than the minimum cacheable length counts as no hit; a prompt shorter than the
 * minimum is neither read nor written. Reads and writes stop at the request's breakpoint
 * (`cacheUpTo`: the whole prompt for implicit caching and conversations, the end of the static
 * prefix otherwise; see prefix-cache.ts): an eligible request writes from its hit to the
 * breakpoint, and a write (re)starts the TTL of every block up to the breakpoint. A request read entirely from cache writes nothing and
 * restarts the TTL only where the provider refreshes on hit (`refreshOnHit`).
 *
 * Replicas (volume projections) salt the tokens of their dynamic segments, so a copy of a request
 * shares its static prefix with the original but not its user-specific text.
 *
 * Complexity: O(T) time for T prompt tokens in the scope (each token hashed once; a leading
 * segment shared by many requests, such as a system prompt, is hashed once per distinct segment;
 * each block costs one map lookup and one insert; at most B extra comparisons per request) and
 * O(distinct blocks alive within the TTL) memory; expired keys are swept when the map grows.
 */
import { fmix32 } from './hash.js';
import type { Segments } from './segments.js';

export interface ReplayRule {
  minTokens: number;
  increment?: number;
  boundaries: 'token' | 'segment';
  ttlMs: number;
  refreshOnHit: boolean;
}

export interface ReplayItem {
  timeMs: number;
  seg: Segments;
  /** The cache breakpoint: tokens up to here can be read and are written (default: the whole prompt). */
  cacheUpTo?: number;
  /** 0 for logged requests; the replica number for volume copies. */
  salt: number;
}

export interface ReplayHit {
  /** Prompt tokens (encoder count). */
  prompt: number;
  /** Tokens read from cache. */
  hit: number;
  /** Tokens written (from the hit to the breakpoint). */
  write: number;
  /** Breakpoint at or past the minimum cacheable length. */
  eligible: boolean;
}

interface Entry {
  expiresMs: number;
  rep: number;
  repMs: number;
}

/** Block size: 128 tokens, smaller when the minimum cacheable length is below it (DeepSeek: 64). */
export function blockSize(minTokens: number): number {
  let b = 128;
  while (b > 16 && b > minTokens) b >>= 1;
  return b;
}

const saltOf = (salt: number, isStatic: boolean): number => (salt === 0 || isStatic ? 0 : Math.imul(salt, 0x9e3779b1) | 1);

interface HashState {
  keys: number[];
  h1: number;
  h2: number;
  n: number;
}

function hashPart(st: HashState, part: ArrayLike<number>, x: number, B: number): void {
  let { h1, h2, n } = st;
  for (let i = 0; i < part.length; i++) {
    const t = part[i] ^ x;
    h1 = Math.imul(h1 ^ t, 0x01000193);
    h2 = Math.imul(h2 ^ t, 0x5bd1e995);
    h2 ^= h2 >>> 15;
    if (++n % B === 0) st.keys.push(fmix32(h1) * 2097152 + (fmix32(h2 ^ n) >>> 11));
  }
  st.h1 = h1;
  st.h2 = h2;
  st.n = n;
}

/** Hash state after a shared leading segment (a system prompt), per block size: hashed once. */
const leadingMemo = new WeakMap<object, Map<number, HashState>>();

function leadingState(part: ArrayLike<number>, B: number): HashState {
  let byB = leadingMemo.get(part);
  if (!byB) leadingMemo.set(part, (byB = new Map()));
  let st = byB.get(B);
  if (!st) {
    st = { keys: [], h1: 0x811c9dc5, h2: 0x2545f491, n: 0 };
    hashPart(st, part, 0, B);
    byB.set(B, st);
  }
  return { keys: st.keys.slice(), h1: st.h1, h2: st.h2, n: st.n };
}

/** Keys of every full B-token prefix of a request. */
export function blockKeys(item: ReplayItem, B: number): number[] {
  const { parts, staticPart } = item.seg;
  if (parts.length === 0) return [];
  const shared = saltOf(item.salt, staticPart[0]) === 0 && typeof parts[0] === 'object';
  const st = shared ? leadingState(parts[0], B) : { keys: [], h1: 0x811c9dc5, h2: 0x2545f491, n: 0 };
  for (let p = shared ? 1 : 0; p < parts.length; p++) hashPart(st, parts[p], saltOf(item.salt, staticPart[p]), B);
  return st.keys;
}

/** A cursor over a request's (salted) tokens. */
class Cursor {
  private p = 0;
  private i = 0;
  private x = 0;
  constructor(
    private readonly item: ReplayItem,
    from: number,
  ) {
    const parts = item.seg.parts;
    let skip = from;
    while (this.p < parts.length && skip >= parts[this.p].length) skip -= parts[this.p++].length;
    this.i = skip;
    this.setSalt();
  }
  private setSalt(): void {
    if (this.p < this.item.seg.parts.length) this.x = saltOf(this.item.salt, this.item.seg.staticPart[this.p]);
  }
  /** Next token, or -1 at the end. */
  next(): number {
    const parts = this.item.seg.parts;
    while (this.p < parts.length && this.i >= parts[this.p].length) {
      this.p++;
      this.i = 0;
      this.setSalt();
    }
    if (this.p >= parts.length) return -1;
    return (parts[this.p][this.i++] ^ this.x) >>> 0;
  }
}

/** Equal tokens of a and b from `from`, at most `limit`. */
function commonFrom(a: ReplayItem, b: ReplayItem, from: number, limit: number): number {
  const ca = new Cursor(a, from);
  const cb = new Cursor(b, from);
  let n = 0;
  while (n < limit) {
    const t = ca.next();
    if (t < 0 || t !== cb.next()) break;
    n++;
  }
  return n;
}

/** Round a shared-prefix length to what the provider can actually read. */
export function granular(L: number, item: ReplayItem, rule: ReplayRule): number {
  if (rule.increment) return Math.floor(L / rule.increment) * rule.increment;
  if (rule.boundaries === 'segment' && L < item.seg.tokens) {
    let best = 0;
    let at = 0;
    for (const p of item.seg.parts) {
      at += p.length;
      if (at > L) break;
      best = at;
    }
    return best;
  }
  return L;
}

/** Replay one scope's requests (already in time order). */
export function replayScope(items: readonly ReplayItem[], rule: ReplayRule): ReplayHit[] {
  const B = blockSize(rule.minTokens);
  const map = new Map<number, Entry>();
  const out: ReplayHit[] = new Array(items.length);
  let inserts = 0;
  for (let idx = 0; idx < items.length; idx++) {
    const item = items[idx];
    const now = item.timeMs;
    const P = item.seg.tokens;
    const upTo = Math.min(P, item.cacheUpTo ?? P);
    if (upTo < rule.minTokens) {
      out[idx] = { prompt: P, hit: 0, write: 0, eligible: false };
      continue;
    }
    const keys = blockKeys(item, B).slice(0, Math.floor(upTo / B));
    let k = 0;
    let rep = -1;
    for (; k < keys.length; k++) {
      const e = map.get(keys[k]);
      if (!e || e.expiresMs < now) break;
      rep = e.rep;
      if (e.repMs + rule.ttlMs < now) rep = -1;
    }
    let L = k * B;
    if (rep >= 0 && L < upTo) L += commonFrom(item, items[rep], L, Math.min(B, upTo - L, (items[rep].cacheUpTo ?? Infinity) - L));
    let hit = Math.min(granular(L, item, rule), upTo);
    if (hit < rule.minTokens) hit = 0;
    out[idx] = { prompt: P, hit, write: upTo - hit, eligible: true };
    const writes = hit < upTo;
    for (let j = 0; j < keys.length; j++) {
      const e = map.get(keys[j]);
      if (!e || e.expiresMs < now) {
        map.set(keys[j], { expiresMs: now + rule.ttlMs, rep: idx, repMs: now });
        inserts++;
      } else if (writes || rule.refreshOnHit) {
        e.expiresMs = now + rule.ttlMs;
        e.rep = idx;
        e.repMs = now;
      }
    }
    if (inserts > 1 << 18 && map.size > 1 << 20) {
      for (const [key, e] of map) if (e.expiresMs < now) map.delete(key);
      inserts = 0;
    }
  }
  return out;
}
