/**
 * Cache writes that were never read. A write opens a window (its TTL) in a cache scope
 * (model + conversation, else prompt id, else feature); a later cache read in the same scope
 * within the window marks it used. Records are assumed roughly time-ordered (as logs are);
 * windows older than the newest time seen minus twice the longest TTL are closed, so memory is
 * bounded by the number of scopes active at once, not by the size of the input.
 */
import type { RateCard } from '../pricing/cost.js';
import type { Femto } from '../pricing/money.js';
import type { UsageRecord } from '../usage/record.js';

const TTL_5M_MS = 5 * 60_000;
const TTL_1H_MS = 60 * 60_000;
const SWEEP_EVERY = 5000;

interface OpenWrite {
  untilMs: number;
  tokens5m: number;
  tokens1h: number;
  card: RateCard;
  read: boolean;
}

export interface UnreadWrites {
  writes: number;
  tokens: number;
  costFemto: Femto;
  /** What those writes cost above plain input. */
  premiumFemto: Femto;
}

export class CacheWriteTracker {
  private readonly open = new Map<string, OpenWrite>();
  private newestMs = -Infinity;
  private seen = 0;
  readonly unread: UnreadWrites = { writes: 0, tokens: 0, costFemto: 0n, premiumFemto: 0n };

  add(r: UsageRecord, card: RateCard | undefined): void {
    const hasWrite = r.cacheWrite5mTokens > 0 || r.cacheWrite1hTokens > 0;
    if (!card || r.timeMs === undefined || (!hasWrite && r.cacheReadTokens === 0)) return;
    const scope = `${r.model}\u0000${r.conversationId ?? r.tags.prompt ?? r.tags.feature ?? ''}`;
    const prev = this.open.get(scope);
    if (prev && r.cacheReadTokens > 0 && r.timeMs <= prev.untilMs) prev.read = true;
    if (hasWrite) {
      if (prev) this.close(prev);
      const ttl = r.cacheWrite1hTokens > 0 ? TTL_1H_MS : TTL_5M_MS;
      this.open.set(scope, { untilMs: r.timeMs + ttl, tokens5m: r.cacheWrite5mTokens, tokens1h: r.cacheWrite1hTokens, card, read: false });
    } else if (prev && prev.read) {
      prev.untilMs = Math.max(prev.untilMs, r.timeMs + TTL_5M_MS); // reads refresh the TTL
    }
    if (r.timeMs > this.newestMs) this.newestMs = r.timeMs;
    if (++this.seen % SWEEP_EVERY === 0) this.sweep(this.newestMs - 2 * TTL_1H_MS);
  }

  private close(w: OpenWrite): void {
    if (w.read) return;
    const p = w.card.prices;
    this.unread.writes += 1;
    this.unread.tokens += w.tokens5m + w.tokens1h;
    const cost = BigInt(w.tokens5m) * p.cacheWrite5m + BigInt(w.tokens1h) * p.cacheWrite1h;
    this.unread.costFemto += cost;
    this.unread.premiumFemto += cost - BigInt(w.tokens5m + w.tokens1h) * p.input;
  }

  private sweep(beforeMs: number): void {
    for (const [k, w] of this.open) {
      if (w.untilMs < beforeMs) {
        this.close(w);
        this.open.delete(k);
      }
    }
  }

  finish(): UnreadWrites {
    for (const w of this.open.values()) this.close(w);
    this.open.clear();
    return this.unread;
  }
}
