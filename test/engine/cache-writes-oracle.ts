/**
 * The test oracle of the engine's unread-cache-writes query (report-queries.ts): the same rule,
 * written as a streaming pass in TypeScript (it was `report`'s own implementation before the SQL
 * engine). Cache writes that were never read. Each cache scope's records (model + conversation, else
 * prompt id, else feature) are taken in time order, ties in the order given (`unreadWritesOf` sorts
 * them so; `add` takes them already in that order): a write opens a window (its TTL) that lasts until
 * the scope's next write, and a cache read in the same scope by the window's end marks it used. The
 * rule depends only on each scope's own records and their times: not on the order the lines were
 * written in (a log sorted newest first, a scope's records in two files, adapters that emit
 * streamed records late) nor on how records of different scopes interleave.
 */
import type { UnreadWrites } from '../../src/aggregate/view.js';
import type { RateCard } from '../../src/pricing/cost.js';
import type { UsageRecord } from '../../src/usage/record.js';

const TTL_5M_MS = 5 * 60_000;
const TTL_1H_MS = 60 * 60_000;

interface OpenWrite {
  untilMs: number;
  tokens5m: number;
  tokens1h: number;
  card: RateCard;
  read: boolean;
}

export class CacheWriteTracker {
  private readonly open = new Map<string, OpenWrite>();
  private readonly lastMs = new Map<string, number>();
  readonly unread: UnreadWrites = { writes: 0, tokens: 0, costFemto: 0n, premiumFemto: 0n };
  /** One record; each scope's records must come in time order (ties in the order read). */
  add(r: UsageRecord, card: RateCard | undefined): void {
    const hasWrite = r.cacheWrite5mTokens > 0 || r.cacheWrite1hTokens > 0;
    if (!card || r.timeMs === undefined || (!hasWrite && r.cacheReadTokens === 0)) return;
    const scope = `${r.model}\u0000${r.conversationId ?? r.tags.prompt ?? r.tags.feature ?? ''}`;
    if (r.timeMs < (this.lastMs.get(scope) ?? -Infinity)) throw new Error(`records of scope ${scope} out of time order`);
    this.lastMs.set(scope, r.timeMs);
    const prev = this.open.get(scope);
    if (prev && r.cacheReadTokens > 0 && r.timeMs <= prev.untilMs) prev.read = true;
    if (hasWrite) {
      if (prev) this.close(prev);
      const ttl = r.cacheWrite1hTokens > 0 ? TTL_1H_MS : TTL_5M_MS;
      this.open.set(scope, {
        untilMs: r.timeMs + ttl,
        tokens5m: r.cacheWrite5mTokens,
        tokens1h: r.cacheWrite1hTokens,
        card,
        read: false,
      });
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

/** The unread writes of `records` in any order: each taken in time order, ties in the given order (a stable sort). */
export function unreadWritesOf(records: UsageRecord[], cardFor: (r: UsageRecord) => RateCard | undefined): UnreadWrites {
  const tracker = new CacheWriteTracker();
  const timed = records.filter((r) => r.timeMs !== undefined).sort((a, b) => (a.timeMs as number) - (b.timeMs as number));
  for (const r of timed) tracker.add(r, cardFor(r));
  return tracker.finish();
}
