/**
 * The test oracle of the engine's unread-cache-writes query (report-queries.ts): the same rule,
 * written as a streaming pass in TypeScript (it was `report`'s own implementation before the SQL
 * engine). Cache writes that were never read. A write opens a window (its TTL) in a cache scope
 * (model + conversation, else prompt id, else feature); a later cache read in the same scope
 * within the window marks it used. A window expires once a record of its scope is more than
 * EXPIRE_MS past its end (records may be that much out of time order), and a read never marks an
 * expired window. The rule depends only on each scope's own records, in their order: not on how
 * records of different scopes interleave (a log sorted by conversation, concatenated exports,
 * adapters that emit streamed records late).
 */
import type { UnreadWrites } from '../../src/aggregate/view.js';
import type { RateCard } from '../../src/pricing/cost.js';
import type { UsageRecord } from '../../src/usage/record.js';

const TTL_5M_MS = 5 * 60_000;
const TTL_1H_MS = 60 * 60_000;
/** How far behind its scope's newest record a window may end and still be read (tolerated disorder). */
const EXPIRE_MS = 2 * TTL_1H_MS;

interface OpenWrite {
  untilMs: number;
  /** Newest record time seen in this window's scope since the write. */
  scopeNewestMs: number;
  tokens5m: number;
  tokens1h: number;
  card: RateCard;
  read: boolean;
}

export class CacheWriteTracker {
  private readonly open = new Map<string, OpenWrite>();
  readonly unread: UnreadWrites = { writes: 0, tokens: 0, costFemto: 0n, premiumFemto: 0n };
  add(r: UsageRecord, card: RateCard | undefined): void {
    const hasWrite = r.cacheWrite5mTokens > 0 || r.cacheWrite1hTokens > 0;
    if (!card || r.timeMs === undefined || (!hasWrite && r.cacheReadTokens === 0)) return;
    const scope = `${r.model}\u0000${r.conversationId ?? r.tags.prompt ?? r.tags.feature ?? ''}`;
    const prev = this.open.get(scope);
    if (prev && r.cacheReadTokens > 0 && readable(prev.untilMs, r.timeMs, prev.scopeNewestMs)) prev.read = true;
    if (prev && r.timeMs > prev.scopeNewestMs) prev.scopeNewestMs = r.timeMs;
    if (hasWrite) {
      if (prev) this.close(prev);
      const ttl = r.cacheWrite1hTokens > 0 ? TTL_1H_MS : TTL_5M_MS;
      this.open.set(scope, {
        untilMs: r.timeMs + ttl,
        scopeNewestMs: r.timeMs,
        tokens5m: r.cacheWrite5mTokens,
        tokens1h: r.cacheWrite1hTokens,
        card,
        read: false,
      });
    } else if (prev) {
      if (prev.read) prev.untilMs = Math.max(prev.untilMs, r.timeMs + TTL_5M_MS); // reads refresh the TTL
      if (prev.untilMs < prev.scopeNewestMs - EXPIRE_MS) {
        // expired: no later read can use it, so it is settled now (and its memory freed)
        this.close(prev);
        this.open.delete(scope);
      }
    }
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

  finish(): UnreadWrites {
    for (const w of this.open.values()) this.close(w);
    this.open.clear();
    return this.unread;
  }
}

/** A read at `timeMs` uses a window ending at `untilMs` unless the window expired before the read arrived. */
function readable(untilMs: number, timeMs: number, newestMs: number): boolean {
  return timeMs <= untilMs && untilMs >= newestMs - EXPIRE_MS;
}
