/**
 * The figures of a report (exact femto amounts as bigints), as the engine computes them from SQL
 * (engine/report.ts): both the JSON contract and the tables are rendered from them.
 */
import type { Femto } from '../pricing/money.js';
import { NO_MODEL } from '../usage/record.js';
import type { CostResult, TokenSums } from './accumulator.js';

/** Records whose log had usage but no model id (readers count them under NO_MODEL). */
export const NO_MODEL_WARNING = `records without a model id are counted under "${NO_MODEL}" and left unpriced`;

/** Cache writes that were never read (see the engine's unread-writes query). */
export interface UnreadWrites {
  writes: number;
  tokens: number;
  costFemto: Femto;
  /** What those writes cost above plain input. */
  premiumFemto: Femto;
}

export interface GroupView {
  key: Record<string, string | null>;
  sums: TokenSums;
  cost: CostResult;
  repriced?: CostResult;
  /** Per-request distribution (float USD). */
  p50?: number;
  p90?: number;
  p99?: number;
  max?: number;
}

export interface TurnView {
  turn: number;
  /** This row sums turn `turn` and every later one: this many distinct turn numbers (memory stays bounded). */
  laterTurns?: number;
  requests: number;
  promptTokens: number;
  cost: CostResult;
}

export interface CliffView {
  model: string;
  threshold: number;
  operator: string;
  requests: number;
  premiumFemto: Femto;
  costFemto: Femto;
}

export interface GroupsLeftOut {
  groups: number;
  requests: number;
  /** Exact cost of their priced part; null when none of them is priced. */
  costFemto: Femto | null;
  unpricedRequests: number;
  /** Their token sums (the total's less the shown groups'), exact. */
  tokens: Pick<
    TokenSums,
    'inputTokens' | 'cacheReadTokens' | 'cacheWrite5mTokens' | 'cacheWrite1hTokens' | 'outputTokens' | 'reasoningTokens'
  >;
  /** How many of them are partly priced (some requests priced, some not). */
  partlyPriced: number;
  /** With a repricing: their repriced cost (null when none is priced there). */
  repricedFemto?: Femto | null;
}

export interface UsageView {
  total: { sums: TokenSums; cost: CostResult; repriced?: CostResult };
  /** The groups shown (all, unless only the top N were asked for). */
  groups: GroupView[];
  /** The groups not shown, summed exactly (only when some were left out). */
  groupsLeftOut?: GroupsLeftOut;
  distribution: { p50?: number; p90?: number; p99?: number; max?: number; mean?: number };
  conversations: number;
  customers: number;
  users: number;
  /** Cost of the requests attributed to conversations / customers / users. */
  attributed: { conversation: CostResult; customer: CostResult; user: CostResult };
  outcomes: { success: number; failure: number; successCost: CostResult; knownCost: CostResult };
  turns: TurnView[];
  cliffs: CliffView[];
  unreadWrites: UnreadWrites;
  cardWarnings: Array<[string, number]>;
  period?: { fromMs: number; toMs: number };
  filteredOut: number;
  /** Records without a time when --since/--until is given: they cannot be placed, and are kept in every window. */
  untimedInWindow: number;
}

/** Price cards' warnings with the requests each applied to, the most requests first (then by text). */
export function cardWarningsOf(counts: Map<string, number>): Array<[string, number]> {
  return [...counts.entries()].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]));
}

/** Date keys (YYYY-MM-DD, YYYY-MM) compare as strings; groups without a time (null, or "(none)") go last. */
export function compareTime(a: GroupView, b: GroupView, keys: string[]): number {
  for (const k of keys) {
    const x = a.key[k];
    const y = b.key[k];
    if (x === y) continue;
    if (x === null || x.startsWith('(')) return 1;
    if (y === null || y.startsWith('(')) return -1;
    return x < y ? -1 : 1;
  }
  return 0;
}

/** A group's key as the text ties are ordered by, written once per group (a sort asks for it n log n times). */
const keyTexts = new WeakMap<GroupView, string>();
function keyText(g: GroupView): string {
  let text = keyTexts.get(g);
  if (text === undefined) {
    text = JSON.stringify(g.key);
    keyTexts.set(g, text);
  }
  return text;
}
/** localeCompare's order (the default locale), from one collator rather than one per comparison. */
const byText = new Intl.Collator().compare;

export function compareCost(a: GroupView, b: GroupView): number {
  const ca = a.cost.costFemto ?? -1n;
  const cb = b.cost.costFemto ?? -1n;
  if (ca !== cb) return cb > ca ? 1 : -1;
  if (a.sums.requests !== b.sums.requests) return b.sums.requests - a.sums.requests;
  return byText(keyText(a), keyText(b));
}
