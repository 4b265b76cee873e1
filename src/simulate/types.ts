/**
 * The simulation's intermediate type. A scenario starts from the logs as billed (one SimRequest
 * per usage record, identical token buckets) and each lever returns a new list in which some
 * requests changed buckets, model or service tier, were dropped (answered from a cache), or were
 * added (a summary call, a replicated request for a volume projection).
 *
 * Money stays exact: a state is priced request by request with the catalog's rate cards, in
 * femto-USD bigints (see price.ts). Floats appear only as multipliers (volume, retries), which are
 * converted to exact decimal ratios when a request's cost is scaled.
 */
import type { Pricer, RateCard } from '../pricing/cost.js';
import type { Resolution } from '../pricing/catalog.js';
import { TAG_OUTCOME, type ServiceTier, type UsageRecord } from '../usage/record.js';
import type { EncodingName } from '../tokenize/encodings.js';
import type { LeverDetailsData } from './lever-details.js';

export interface SimRequest {
  /** Record id; replicas get `#k`, added calls a `+lever` suffix. */
  id: string;
  /** The usage record this request comes from (for added calls: the record that triggered it). */
  record: UsageRecord;
  /** Current model id (changes when routed). */
  model: string;
  serviceTier: ServiceTier;
  timeMs?: number;
  inputTokens: number;
  cacheReadTokens: number;
  cacheWrite5mTokens: number;
  cacheWrite1hTokens: number;
  outputTokens: number;
  /** How many copies of this request the traffic holds (volume projections): demand multiplier. */
  weight: number;
  /** Expected calls per request (retries): cost multiplier only, never counted as demand. */
  retryFactor: number;
  /** Expected successful outcomes per request (0..1); 0 when the outcome is unknown. */
  successes: number;
  /**
   * Whether the request's outcome is known (logged `outcome` tag, or an assumed success rate):
   * cost per successful outcome is the cost of requests with a known outcome over their successes,
   * as in the report, so a request without an outcome never counts as a success.
   */
  outcomeKnown: boolean;
  /** Answered without a model call (semantic cache hit): costs only `extraFemto`. */
  dropped: boolean;
  /** Non-token cost per request in femto-USD (cache lookups, embeddings). */
  extraFemto: bigint;
  /** `log`: a logged request; `replica`: a copy made by the volume lever; `added`: a call a lever added. */
  origin: 'log' | 'replica' | 'added';
  /** Lever that added this call. */
  addedBy?: string;
  /** 0 for logged requests; k for the k-th copy (volume). Caches treat the dynamic text of different replicas as different users. */
  replica: number;
  /** Conversation key (conversationId plus replica), when the record is part of a conversation. */
  conversation?: string;
  /**
   * The changes levers made to the prompt's length, in order (prompt-edits.ts): a prefix-cache
   * replay works on the logged text, so it replays these on its buckets to price the prompt as sent.
   */
  edits?: readonly PromptEdit[];
  /** An output cap (outputCap `maxTokens`, per record): max_tokens bounds the answer of any model it is routed to later. */
  maxOutputTokens?: number;
  /** A summary call (summarize): what it needs to re-check its cache read after a later prefixCache. */
  summaryOf?: SummaryOf;
  /**
   * A request answered from a semantic cache: the request whose answer it was served (`by`, an id)
   * and that answer's length (`tokens`, its reasoning `reasoning`; `outputTokens` stay as logged, a
   * dropped request bills none). A later lever that changes that answer's length (outputCap, route's outputFactor)
   * changes what this conversation re-sends too (output-history.ts).
   */
  served?: { by: string; tokens: number; reasoning: number };
  /**
   * Two real cache states the request stands for (a volume projection: another user's request
   * wrote its shared prefix with probability `p`); its buckets are their expectation. Levers that
   * cut or threshold the cached prefix apply to each state (eachCacheState), never to the
   * expectation: a read of 1,400 expected tokens is 2,000 read in one state and 0 in the other.
   */
  cacheMix?: CacheMix;
}

/**
 * The tokens of an answer of `output` tokens that the later turns of its conversation re-send as
 * history: the answer less the reasoning the model spent before writing it. Reasoning is billed as
 * output but is not part of the history: "Input and output tokens from each step are carried over,
 * while reasoning tokens are discarded" (https://platform.openai.com/docs/guides/reasoning), and
 * previous thinking blocks are "not part of the conversation history the model sees for subsequent
 * turns" (https://docs.anthropic.com/en/docs/build-with-claude/context-windows); the logged prompts
 * grow by the visible answer only. The reasoning comes first, so an answer cut short (max_tokens
 * bounds reasoning and text together) loses its text first; `reasoning` is the count as logged.
 * Not modelled: Claude Opus 4.5+ and Sonnet 4.6+ keep earlier thinking blocks in context
 * (https://platform.claude.com/docs/en/build-with-claude/extended-thinking); Anthropic's usage has no
 * reasoning count, so its readers log 0 and the whole answer is re-sent, which is right for them.
 */
export const resentTokens = (output: number, reasoning: number): number => Math.max(0, output - reasoning);

/** The answer a request's user got, as later turns re-send it: the served one for a semantic-cache hit, else its own. */
export function resentAnswer(r: Pick<SimRequest, 'served' | 'outputTokens' | 'record'>): number {
  return r.served ? resentTokens(r.served.tokens, r.served.reasoning) : resentTokens(r.outputTokens, r.record.reasoningTokens);
}

/** A request's prompt buckets. */
export interface Buckets {
  inputTokens: number;
  cacheReadTokens: number;
  cacheWrite5mTokens: number;
  cacheWrite1hTokens: number;
}

/** Cold with probability 1 - p, warm with probability p. */
export interface CacheMix {
  p: number;
  cold: Buckets;
  warm: Buckets;
}

/**
 * A change to a request's prompt length, as the lever applied it (prompt-edits.ts):
 *   - `remove`: tokens cut from the front of the cached prefix first (compress, images);
 *   - `history`: earlier answers' length changes at their prompt positions (output-history.ts);
 *   - `summary`: history replaced by a summary (summarize), `template` set on the turn that first
 *     sends it (its template is read when cached, the rest written anew);
 *   - `scale`: token counts converted to another tokenizer (route).
 */
export type PromptEdit =
  | { kind: 'remove'; tokens: number }
  | { kind: 'history'; changes: ReadonlyArray<{ at: number; tokens: number }> }
  | { kind: 'summary'; tokens: number; template?: number; templateWarm: boolean }
  | { kind: 'scale'; ratio: number; keepCache: boolean };

export interface SummaryOf {
  /** Id of the turn before the summarised one (whose cached prefix the call can read). */
  after: string;
  /** Milliseconds from that turn to the summarised one. */
  gapMs: number;
  /** History tokens the call sends when it reads no cache. */
  history: number;
  instructionTokens: number;
  /** Whether summarize named the call's model; otherwise the call runs where its conversation runs (route moves it along). */
  ownModel: boolean;
}

/** A request with one more prompt edit recorded. */
export function withEdit(r: SimRequest, edit: PromptEdit): SimRequest {
  return { ...r, edits: [...(r.edits ?? []), edit] };
}

/** Scope of a lever: which requests it touches. */
export interface Where {
  feature?: string[];
  model?: string[];
  provider?: string[];
  customer?: string[];
  tag?: Record<string, string>;
  minInputTokens?: number;
  maxInputTokens?: number;
}

/** Everything a lever may use from outside: pricing, tokenization, options. */
export interface SimEnv {
  pricer: Pricer;
  /** Token ids of `text` under an encoding (undefined: no tokenizer available, text levers go parametric). */
  encode?: (text: string, encoding: EncodingName) => ArrayLike<number>;
  explain: boolean;
  /** Progress lines (only set when stderr is a terminal). */
  progress?: (message: string) => void;
}

/** What a lever sees besides its parameters. */
export interface LeverContext {
  env: SimEnv;
  /** Whether a request is in the lever's scope (`where`). */
  inScope(r: SimRequest): boolean;
  /** Volume factor k of a compressed volume projection (1 otherwise): the semantic cache's TTL x k and capacity / k. */
  ttlScale: number;
  /** Exact cost of one request in the current state (femto-USD), or undefined when unpriced. */
  cost(r: SimRequest): bigint | undefined;
  resolve(model: string): Resolution | undefined;
  card(r: SimRequest): RateCard | undefined;
  /** Label used in notes, e.g. `prefixCache#2`. */
  label: string;
}

export interface LeverOutcome {
  requests: SimRequest[];
  /** Assumptions behind the numbers, shown beside them: [name, value]. */
  assumptions: Array<[string, string]>;
  /** Honest notes: what could not apply and why. */
  notes: string[];
  /** Headline measures: [name, value as text]. */
  metrics: Array<[string, string]>;
  /** The lever's own detail tables as typed data (threshold curve, caps, output lengths, summaries; lever-details.ts). */
  details?: LeverDetailsData;
  /** Machine-readable lever results. */
  json?: Record<string, unknown>;
  /** New TTL multiplier (volume, compressed mode). */
  ttlScale?: number;
}

export interface LeverSpec {
  kind: LeverKind;
  /** Name used for inheritance overrides and in the waterfall (default: kind). */
  name: string;
  params: Record<string, unknown>;
  where?: Where;
  /** Insert before the inherited lever of this name. */
  before?: string;
  /** Where the lever was written, `file:line`. */
  at: string;
}

export const LEVER_KINDS = [
  'prefixCache',
  'semanticCache',
  'summarize',
  'route',
  'batch',
  'outputCap',
  'compress',
  'volume',
  'images',
  'budgetCap',
] as const;
export type LeverKind = (typeof LEVER_KINDS)[number];

export interface Lever<P> {
  kind: LeverKind;
  /** Parameters as validated from YAML to a typed object with defaults. */
  parse(raw: Record<string, unknown>): P;
  apply(requests: readonly SimRequest[], params: P, ctx: LeverContext): LeverOutcome;
}

export function promptOf(r: Pick<SimRequest, 'inputTokens' | 'cacheReadTokens' | 'cacheWrite5mTokens' | 'cacheWrite1hTokens'>): number {
  return r.inputTokens + r.cacheReadTokens + r.cacheWrite5mTokens + r.cacheWrite1hTokens;
}

/** A request from a usage record, buckets as billed. */
export function fromRecord(r: UsageRecord): SimRequest {
  return {
    id: r.id,
    record: r,
    model: r.model,
    serviceTier: r.serviceTier ?? 'standard',
    timeMs: r.timeMs,
    inputTokens: r.inputTokens,
    cacheReadTokens: r.cacheReadTokens,
    cacheWrite5mTokens: r.cacheWrite5mTokens,
    cacheWrite1hTokens: r.cacheWrite1hTokens,
    outputTokens: r.outputTokens,
    weight: 1,
    retryFactor: 1,
    successes: r.tags[TAG_OUTCOME] === 'success' ? 1 : 0,
    outcomeKnown: r.tags[TAG_OUTCOME] === 'success' || r.tags[TAG_OUTCOME] === 'failure',
    dropped: false,
    extraFemto: 0n,
    origin: 'log',
    replica: 0,
    conversation: r.conversationId,
  };
}

const bucketsOf = (r: Buckets): Buckets => ({
  inputTokens: r.inputTokens,
  cacheReadTokens: r.cacheReadTokens,
  cacheWrite5mTokens: r.cacheWrite5mTokens,
  cacheWrite1hTokens: r.cacheWrite1hTokens,
});

/**
 * Expected buckets of a mix, in whole tokens: each cached bucket rounded, the rest input, the
 * prompt the rounded expectation of the two prompts.
 */
function expectation(m: CacheMix): Buckets {
  const e = (f: (b: Buckets) => number) => (1 - m.p) * f(m.cold) + m.p * f(m.warm);
  const P = Math.round(e(promptOf));
  const cached = [e((b) => b.cacheReadTokens), e((b) => b.cacheWrite1hTokens), e((b) => b.cacheWrite5mTokens)].map(Math.round);
  // rounding three buckets up can pass the prompt by a token: taken back from the last bucket that has one
  for (let i = 2, over = cached[0] + cached[1] + cached[2] - P; over > 0 && i >= 0; i--) {
    const t = Math.min(over, cached[i]);
    cached[i] -= t;
    over -= t;
  }
  const [cacheReadTokens, cacheWrite1hTokens, cacheWrite5mTokens] = cached;
  return {
    inputTokens: P - cacheReadTokens - cacheWrite5mTokens - cacheWrite1hTokens,
    cacheReadTokens,
    cacheWrite5mTokens,
    cacheWrite1hTokens,
  };
}

const sameBuckets = (a: Buckets, b: Buckets) =>
  a.inputTokens === b.inputTokens &&
  a.cacheReadTokens === b.cacheReadTokens &&
  a.cacheWrite5mTokens === b.cacheWrite5mTokens &&
  a.cacheWrite1hTokens === b.cacheWrite1hTokens;

/**
 * A request that is `cold` with probability 1 - p and `warm` with probability p (same request but
 * for the buckets; the other fields are taken from `cold`): its buckets are the expectation and
 * the two states are kept (cacheMix). p of 0 or 1, or two equal states, is a plain request.
 */
export function withCacheMix(cold: SimRequest, warm: SimRequest, p: number): SimRequest {
  if (p <= 0 || sameBuckets(cold, warm)) return { ...cold, cacheMix: undefined };
  if (p >= 1) return { ...cold, ...bucketsOf(warm), cacheMix: undefined };
  const m: CacheMix = { p, cold: bucketsOf(cold), warm: bucketsOf(warm) };
  return { ...cold, ...expectation(m), cacheMix: m };
}

/**
 * Apply a change of the prompt's buckets to each cache state a request stands for and take the
 * expectation again. A request without states, or whose buckets a lever changed without keeping
 * its states (they no longer average to its buckets), is changed as it is.
 */
export function eachCacheState(r: SimRequest, f: (x: SimRequest) => SimRequest): SimRequest {
  const m = r.cacheMix;
  if (!m) return f(r);
  if (!sameBuckets(r, expectation(m))) return f({ ...r, cacheMix: undefined });
  const cold = f({ ...r, ...m.cold, cacheMix: undefined });
  const warm = f({ ...r, ...m.warm, cacheMix: undefined });
  return withCacheMix(cold, warm, m.p);
}

/**
 * Remove `tokens` prompt tokens from a request, taking them from the cached prefix first (reads,
 * then writes) and then from uncached input: what a lever removes from the front of a prompt
 * (history, images, static instructions) is what a cache holds. Returns the updated copy.
 */
export function removePromptTokens(r: SimRequest, tokens: number): SimRequest {
  return eachCacheState(r, (x) => removeFromState(x, tokens));
}

function removeFromState(r: SimRequest, tokens: number): SimRequest {
  let left = Math.max(0, Math.min(tokens, promptOf(r)));
  const take = (have: number): number => {
    const t = Math.min(have, left);
    left -= t;
    return have - t;
  };
  const cacheReadTokens = take(r.cacheReadTokens);
  const cacheWrite5mTokens = take(r.cacheWrite5mTokens);
  const cacheWrite1hTokens = take(r.cacheWrite1hTokens);
  const inputTokens = take(r.inputTokens);
  return { ...r, cacheReadTokens, cacheWrite5mTokens, cacheWrite1hTokens, inputTokens };
}

/** An empty outcome that leaves the requests untouched. */
export function unchanged(requests: readonly SimRequest[], note?: string): LeverOutcome {
  return { requests: requests.slice(), assumptions: [], notes: note ? [note] : [], metrics: [] };
}
