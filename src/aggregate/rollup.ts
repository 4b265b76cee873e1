/**
 * One streaming pass over priced records that gathers everything `report` shows: totals, groups,
 * cost-per-request distribution, unit economics, the context-window tax by turn, caching as it
 * happened, long-context cliffs and (optionally) a repricing. Memory grows with the number of
 * groups, conversations and distinct customers/users, not with the number of records.
 */
import type { Pricer, RateCard } from '../pricing/cost.js';
import { floatCost } from '../pricing/cost.js';
import { NO_MODEL, type UsageRecord } from '../usage/record.js';
import { CostAccumulator } from './accumulator.js';
import { CacheWriteTracker } from './cache-writes.js';
import { groupKey, type Dimension } from './dims.js';
import { bucketOf, QuantileSketch } from './sketch.js';

export interface GroupState {
  acc: CostAccumulator;
  perRequest: QuantileSketch;
  repriced?: CostAccumulator;
}

export interface TurnState {
  acc: CostAccumulator;
  promptTokens: number;
}

/**
 * Turns of conversations that continue across a split wait for the merge; past this many (long
 * conversations interleaved through a whole file) memory would grow with the input, so the second
 * half gives up and the file is read in one pass.
 */
export const MAX_DEFERRED_TURNS = 100_000;

export interface ConversationState {
  turns: number;
  costUsd: number;
}

/**
 * A request of a conversation first seen near the start of a later part of a split file: its turn
 * number depends on how many turns the earlier part saw, so it waits for the merge (rollup-partial.ts).
 */
export interface DeferredTurn {
  conversationId: string;
  /** Turn number counted within this part. */
  localTurn: number;
  ref: string | undefined;
  record: Pick<
    UsageRecord,
    | 'model'
    | 'requests'
    | 'inputTokens'
    | 'cacheReadTokens'
    | 'cacheWrite5mTokens'
    | 'cacheWrite1hTokens'
    | 'outputTokens'
    | 'reasoningTokens'
    | 'charges'
    | 'tokenSource'
  >;
}

export interface RollupOptions {
  dims: Dimension[];
  /** A second pricer for side-by-side repricing (today's catalog, a date, or a proposed card). */
  repricer?: Pricer;
  /** Only records in [sinceMs, untilMs). */
  sinceMs?: number;
  untilMs?: number;
  /**
   * This rollup reads a later part of a split file: conversations first seen within the first
   * `laterPartWindow` records defer their turns (see DeferredTurn); the rest number turns locally.
   */
  laterPartWindow?: number;
}

/** Records whose log had usage but no model id (readers count them under NO_MODEL). */
export const NO_MODEL_WARNING = `records without a model id are counted under "${NO_MODEL}" and left unpriced`;

export class ReportRollup {
  readonly total = new CostAccumulator();
  readonly repricedTotal?: CostAccumulator;
  readonly groups = new Map<string, GroupState>();
  readonly perRequest = new QuantileSketch();
  readonly turns = new Map<number, TurnState>();
  readonly conversations = new Map<string, ConversationState>();
  readonly customers = new Set<string>();
  readonly users = new Set<string>();
  readonly outcomes = { success: 0, failure: 0, successCost: new CostAccumulator(), knownCost: new CostAccumulator() };
  /** Cost of the requests attributed to a conversation / customer / user (the numerators of "per X"). */
  readonly attributedCost = { conversation: new CostAccumulator(), customer: new CostAccumulator(), user: new CostAccumulator() };
  readonly cacheWrites: CacheWriteTracker;
  readonly cardWarnings = new Map<string, number>();
  /** Later part of a split file only: conversations that may continue an earlier part, and their turns. */
  readonly earlyConversations = new Set<string>();
  readonly deferredTurns: DeferredTurn[] = [];
  /** More deferred turns than MAX_DEFERRED_TURNS: the part cannot be merged (its reader gives up). */
  deferredOverflow = false;
  private added = 0;
  filteredOut = 0;
  firstMs = Infinity;
  lastMs = -Infinity;

  constructor(readonly options: RollupOptions) {
    if (options.repricer) this.repricedTotal = new CostAccumulator();
    this.cacheWrites = new CacheWriteTracker({ laterPart: options.laterPartWindow !== undefined });
  }

  add(r: UsageRecord, card: RateCard | undefined): void {
    const t = r.timeMs;
    if (
      t !== undefined &&
      ((this.options.sinceMs !== undefined && t < this.options.sinceMs) ||
        (this.options.untilMs !== undefined && t >= this.options.untilMs))
    ) {
      this.filteredOut += 1;
      return;
    }
    this.added += 1;
    if (t !== undefined) {
      if (t < this.firstMs) this.firstMs = t;
      if (t > this.lastMs) this.lastMs = t;
    }
    this.total.add(r, card);
    const key = groupKey(this.options.dims, r);
    let g = this.groups.get(key);
    if (!g)
      this.groups.set(
        key,
        (g = {
          acc: new CostAccumulator(),
          perRequest: new QuantileSketch(),
          repriced: this.repricedTotal ? new CostAccumulator() : undefined,
        }),
      );
    g.acc.add(r, card);
    if (this.options.repricer && this.repricedTotal) {
      const rc = this.options.repricer.cardFor(r);
      this.repricedTotal.add(r, rc);
      g.repriced!.add(r, rc);
    }
    const costUsd = card ? floatCost(r, card) : undefined;
    if (costUsd !== undefined && r.requests > 0) {
      const each = costUsd / r.requests;
      const bucket = each > 0 ? bucketOf(each) : 0;
      this.perRequest.addAt(each, bucket, r.requests);
      g.perRequest.addAt(each, bucket, r.requests);
    }
    if (card?.warnings.length) for (const w of card.warnings) this.cardWarnings.set(w, (this.cardWarnings.get(w) ?? 0) + r.requests);
    if (r.model === NO_MODEL) this.cardWarnings.set(NO_MODEL_WARNING, (this.cardWarnings.get(NO_MODEL_WARNING) ?? 0) + r.requests);
    this.attribution(r, card, costUsd);
    this.cacheWrites.add(r, card);
  }

  private attribution(r: UsageRecord, card: RateCard | undefined, costUsd: number | undefined): void {
    const customer = r.tags.customer;
    if (customer) {
      this.customers.add(customer);
      this.attributedCost.customer.add(r, card);
    }
    const user = r.tags.user;
    if (user) {
      this.users.add(user);
      this.attributedCost.user.add(r, card);
    }
    const outcome = r.tags.outcome;
    if (outcome === 'success' || outcome === 'failure') {
      this.outcomes[outcome] += r.requests;
      this.outcomes.knownCost.add(r, card);
      if (outcome === 'success') this.outcomes.successCost.add(r, card);
    }
    if (r.conversationId === undefined) return;
    this.attributedCost.conversation.add(r, card);
    let c = this.conversations.get(r.conversationId);
    if (!c) {
      this.conversations.set(r.conversationId, (c = { turns: 0, costUsd: 0 }));
      const window = this.options.laterPartWindow;
      if (window !== undefined && this.added <= window) this.earlyConversations.add(r.conversationId);
    }
    c.turns += 1;
    if (costUsd !== undefined) c.costUsd += costUsd;
    if (r.turn === undefined && this.earlyConversations.size > 0 && this.earlyConversations.has(r.conversationId)) {
      if (this.deferredTurns.length >= MAX_DEFERRED_TURNS) this.deferredOverflow = true;
      else this.deferredTurns.push({ conversationId: r.conversationId, localTurn: c.turns, ref: card?.ref, record: turnRecord(r) });
      return;
    }
    this.addTurn(r.turn ?? c.turns, r, card);
  }

  /** Adds one request to the context-window-tax-by-turn table. */
  addTurn(turn: number, r: DeferredTurn['record'], card: RateCard | undefined): void {
    let ts = this.turns.get(turn);
    if (!ts) this.turns.set(turn, (ts = { acc: new CostAccumulator(), promptTokens: 0 }));
    ts.acc.add(r as UsageRecord, card);
    ts.promptTokens += r.inputTokens + r.cacheReadTokens + r.cacheWrite5mTokens + r.cacheWrite1hTokens;
  }
}

function turnRecord(r: UsageRecord): DeferredTurn['record'] {
  return {
    model: r.model,
    requests: r.requests,
    inputTokens: r.inputTokens,
    cacheReadTokens: r.cacheReadTokens,
    cacheWrite5mTokens: r.cacheWrite5mTokens,
    cacheWrite1hTokens: r.cacheWrite1hTokens,
    outputTokens: r.outputTokens,
    reasoningTokens: r.reasoningTokens,
    charges: r.charges,
    tokenSource: r.tokenSource,
  };
}
