/**
 * TokenCounter: a content-addressed cache of token counts.
 *
 * Chat logs resend the same system prompt and history on every turn, so a
 * conversation of n turns holds O(n²) characters but only O(n) distinct
 * message contents. Keying counts by a hash of the content makes tokenizing
 * such a log cost about its distinct text. Only the hash and the count are
 * stored, never the text.
 */
import { chatTokens, type ChatMessage } from './chat.js';
import { getEncoder } from './encoder.js';
import type { EncodingName } from './encodings.js';

export interface TokenCounterOptions {
  /** Maximum cached counts before least-recently-used ones are evicted. */
  maxEntries?: number;
}

export interface TokenCounterStats {
  hits: number;
  misses: number;
  /** UTF-8 bytes actually tokenized (cache misses only). */
  bytesTokenized: number;
  entries: number;
  evictions: number;
}

const DEFAULT_MAX_ENTRIES = 100_000;

/**
 * A 64-bit content hash as two independent 32-bit multiplicative lanes over
 * the UTF-16 code units, finalized with an avalanche mix. Not cryptographic:
 * with the length also in the key, an accidental collision among 10^5 cached
 * entries has probability around 10^-9 per lookup or less.
 */
export function contentHash(s: string): string {
  let a = 0x9e3779b9 ^ s.length;
  let b = 0x85ebca6b ^ Math.imul(s.length, 0x27d4eb2f);
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    a = Math.imul(a ^ c, 0x01000193);
    b = Math.imul(b ^ c, 0x5bd1e995);
    b ^= b >>> 13;
  }
  a = Math.imul(a ^ (a >>> 16), 0x85ebca6b) ^ Math.imul(b ^ (b >>> 13), 0xc2b2ae35);
  b = Math.imul(b ^ (b >>> 16), 0xcc9e2d51) ^ Math.imul(a ^ (a >>> 15), 0x1b873593);
  a ^= a >>> 16;
  b ^= b >>> 16;
  return (a >>> 0).toString(36) + ':' + (b >>> 0).toString(36) + ':' + s.length.toString(36);
}

export class TokenCounter {
  private readonly maxEntries: number;
  /** key → count; Map iteration order doubles as LRU order (oldest first). */
  private readonly counts = new Map<string, number>();
  private hits = 0;
  private misses = 0;
  private bytesTokenized = 0;
  private evictions = 0;

  constructor(opts: TokenCounterOptions = {}) {
    const max = opts.maxEntries ?? DEFAULT_MAX_ENTRIES;
    if (!Number.isInteger(max) || max < 1) throw new RangeError(`maxEntries must be a positive integer (got ${max})`);
    this.maxEntries = max;
  }

  /** Token count of `text`, tokenizing it only if this content was not seen recently. */
  count(text: string, encoding: EncodingName): number {
    const key = encoding + ':' + contentHash(text);
    const cached = this.counts.get(key);
    if (cached !== undefined) {
      this.hits++;
      this.counts.delete(key);
      this.counts.set(key, cached);
      return cached;
    }
    this.misses++;
    const n = getEncoder(encoding).count(text);
    this.bytesTokenized += Buffer.byteLength(text, 'utf8');
    this.counts.set(key, n);
    if (this.counts.size > this.maxEntries) this.evictOldest();
    return n;
  }

  /** Chat tokens with the overhead rule of chat.ts; each distinct string is tokenized once. */
  countChat(messages: readonly ChatMessage[], encoding: EncodingName): number {
    return chatTokens(messages, (t) => this.count(t, encoding));
  }

  stats(): TokenCounterStats {
    return {
      hits: this.hits,
      misses: this.misses,
      bytesTokenized: this.bytesTokenized,
      entries: this.counts.size,
      evictions: this.evictions,
    };
  }

  clear(): void {
    this.counts.clear();
  }

  private evictOldest(): void {
    const oldest = this.counts.keys().next();
    if (!oldest.done) {
      this.counts.delete(oldest.value);
      this.evictions++;
    }
  }
}
