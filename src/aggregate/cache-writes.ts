/**
 * Cache writes that were never read. A write opens a window (its TTL) in a cache scope
 * (model + conversation, else prompt id, else feature); a later cache read in the same scope
 * within the window marks it used. A window expires once a record of its scope is more than
 * EXPIRE_MS past its end (records may be that much out of time order), and a read never marks an
 * expired window. The rule depends only on each scope's own records, in their order: not on how
 * records of different scopes interleave (a log sorted by conversation, concatenated exports,
 * adapters that emit streamed records late), and not on where a file was split (see merge()).
 * Memory: one open window per scope with a write (about as many as conversations).
 */
import type { RateCard } from '../pricing/cost.js';
import type { Femto } from '../pricing/money.js';
import type { UsageRecord } from '../usage/record.js';

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

export interface UnreadWrites {
  writes: number;
  tokens: number;
  costFemto: Femto;
  /** What those writes cost above plain input. */
  premiumFemto: Femto;
}

/** A tracker's state in plain form (for merging the second half of a split file). */
export interface CacheWritesPartial {
  open: Array<[string, { untilMs: number; scopeNewestMs: number; tokens5m: number; tokens1h: number; ref: string; read: boolean }]>;
  unread: UnreadWrites;
  /**
   * Per scope not yet written in this part, its cache reads that may read an earlier part's write:
   * [newest time of the scope in this part before the read, read time], kept when the read time decreases.
   */
  earlyReads: Map<string, Array<[number, number]>>;
  /** Newest time of each scope this part never wrote to (it ages the earlier part's window there). */
  scopeNewest: Map<string, number>;
  /** Scopes this part wrote to (a write closes the earlier part's open window in that scope). */
  wroteScopes: Set<string>;
}

export class CacheWriteTracker {
  private readonly open = new Map<string, OpenWrite>();
  readonly unread: UnreadWrites = { writes: 0, tokens: 0, costFemto: 0n, premiumFemto: 0n };
  /** Kept only by the reader of a later part of a file (see CacheWritesPartial). */
  private readonly split?: { earlyReads: Map<string, Array<[number, number]>>; scopeNewest: Map<string, number>; wroteScopes: Set<string> };

  constructor(options: { laterPart?: boolean } = {}) {
    if (options.laterPart) this.split = { earlyReads: new Map(), scopeNewest: new Map(), wroteScopes: new Set() };
  }

  add(r: UsageRecord, card: RateCard | undefined): void {
    const hasWrite = r.cacheWrite5mTokens > 0 || r.cacheWrite1hTokens > 0;
    if (!card || r.timeMs === undefined || (!hasWrite && r.cacheReadTokens === 0)) return;
    const scope = `${r.model}\u0000${r.conversationId ?? r.tags.prompt ?? r.tags.feature ?? ''}`;
    if (this.split) this.noteSplit(scope, r.timeMs, hasWrite, r.cacheReadTokens > 0);
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

  private noteSplit(scope: string, timeMs: number, hasWrite: boolean, hasRead: boolean): void {
    const { earlyReads, scopeNewest, wroteScopes } = this.split!;
    if (wroteScopes.has(scope)) return;
    const newest = scopeNewest.get(scope) ?? -Infinity;
    if (hasRead) {
      const reads = earlyReads.get(scope);
      if (!reads) earlyReads.set(scope, [[newest, timeMs]]);
      else if (timeMs < reads[reads.length - 1][1]) reads.push([newest, timeMs]);
    }
    if (hasWrite) {
      wroteScopes.add(scope);
      scopeNewest.delete(scope);
    } else if (timeMs > newest) scopeNewest.set(scope, timeMs);
  }

  toPartial(): CacheWritesPartial {
    return {
      open: [...this.open].map(([scope, w]) => [
        scope,
        { untilMs: w.untilMs, scopeNewestMs: w.scopeNewestMs, tokens5m: w.tokens5m, tokens1h: w.tokens1h, ref: w.card.ref, read: w.read },
      ]),
      unread: this.unread,
      earlyReads: this.split?.earlyReads ?? new Map(),
      scopeNewest: this.split?.scopeNewest ?? new Map(),
      wroteScopes: this.split?.wroteScopes ?? new Set(),
    };
  }

  /**
   * Continues with a later part of the same file: its early reads may read this part's open writes,
   * its writes close them, and its own windows carry on: the same result as one pass over both parts.
   */
  merge(p: CacheWritesPartial, card: (ref: string) => RateCard): void {
    for (const [scope, reads] of p.earlyReads) {
      const prev = this.open.get(scope);
      if (!prev) continue;
      if (reads.some(([newestMs, t]) => readable(prev.untilMs, t, Math.max(newestMs, prev.scopeNewestMs)))) prev.read = true;
    }
    for (const [scope, newestMs] of p.scopeNewest ?? []) {
      const prev = this.open.get(scope);
      if (prev && newestMs > prev.scopeNewestMs) prev.scopeNewestMs = newestMs;
    }
    for (const scope of p.wroteScopes) {
      const prev = this.open.get(scope);
      if (!prev) continue;
      this.close(prev);
      this.open.delete(scope);
    }
    for (const [scope, w] of p.open)
      this.open.set(scope, {
        untilMs: w.untilMs,
        scopeNewestMs: w.scopeNewestMs,
        tokens5m: w.tokens5m,
        tokens1h: w.tokens1h,
        card: card(w.ref),
        read: w.read,
      });
    this.unread.writes += p.unread.writes;
    this.unread.tokens += p.unread.tokens;
    this.unread.costFemto += p.unread.costFemto;
    this.unread.premiumFemto += p.unread.premiumFemto;
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
