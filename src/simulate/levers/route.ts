/**
 * route: send a slice of traffic (scope `where` and `share`) to another model.
 *
 * Token counts are converted between tokenizer families: measured on the request's text with both
 * encodings when the log has text (exact when both models' tokenizers are public, else each
 * encoding times the catalog's `tokenizer.factor`), otherwise by the ratio of the catalog factors.
 * Output is converted the same way (on the completion text when present) and multiplied by
 * `outputFactor` (a terser or wordier model). `retryRate` is the share of calls that fail and are
 * retried: expected calls per request 1 / (1 - retryRate). `successRate` overrides the share of
 * routed requests that end in a successful outcome, which drives cost per successful outcome.
 * Cache buckets keep their proportions when the target caches, else they become plain input; a
 * cached prefix below the target's minimum cacheable length becomes plain input, and a read below it
 * becomes a write (the prefix it would read was too short to be cached on the target).
 *
 * The target's cache starts cold: nothing the source model cached is readable on another model. A
 * routed request reads what it read on the source only when an earlier routed request of the same
 * conversation (outside conversations: the same feature) reached the target within its TTL and
 * wrote that prefix (a turn reads at most what that turn cached); otherwise its reads are written
 * (at the 5-minute write price) first. `sharedCache: true` keeps the routed requests' reads (a
 * scenario where the target already serves that traffic); the turns left on the source after a
 * routed one are still re-checked, as below. A read carried over to a target that reads in
 * increments (OpenAI before GPT-5.6: 128 tokens) is rounded down to one and the rest of the prefix
 * written, shared cache or cold (cache-rules.ts readInIncrements): the source's reads are exact
 * prefixes (Anthropic's breakpoints) that such a target cannot read whole. These rules price the cache buckets a request brought;
 * a prefixCache listed before route is replayed after it instead (engine.ts recacheAfterChanges) on
 * the scopes the moved requests left and joined, which also sees the target's cache warmed by
 * other conversations and the source's left cold by the moved ones. The share is drawn per conversation, but a scope such as
 * `maxInputTokens` can route some turns of a conversation and not others: a turn that stays on the
 * source after a routed one cannot read what the routed turn would have cached there, so it too
 * reads only what its conversation left on the source within the TTL (turn-cache.ts). A retry
 * re-bills the attempt's input and output, reading the prefix the first attempt wrote (price.ts,
 * `retryAttemptCost`); `retryRate` is the share of attempts that fail: 1 / (1 - retryRate) attempts
 * per request (src/core/retry.ts).
 * A different output length (`outputFactor`, or a tokenizer with another ratio) also changes the
 * history every later turn of the conversation re-sends (output-history.ts).
 *
 * Parameters: to (required), share (1), retryRate (0), outputFactor (1), successRate, sharedCache (false).
 *
 * Worked example (test/simulate/levers.test.ts): 1,000 input + 200 output tokens from a $3/$15
 * model (factor 1.0) to a $0.25/$1.25 model (factor 1.2, no text): 1,200 input + 240 output;
 * with retryRate 0.2: cost x 1.25 -> (1,200 x 0.25 + 240 x 1.25) / 1e6 x 1.25 = $0.00075, down
 * from $0.006. A request that read 2,000 cached tokens on the source writes them on a cold target:
 * 2,000 x $1.25 + 100 x $1 = $0.0026 on claude-t, not the warm $0.0003.
 *
 * Complexity: O(n) plus tokenizing each distinct routed text once per encoding.
 */
import { UserError } from '../../core/issues.js';
import { num, opt, str, type Field } from '../../core/validate.js';
import { noPriceReason } from '../../pricing/catalog.js';
import type { ModelEntry } from '../../pricing/model.js';
import type { EncodingName } from '../../tokenize/encodings.js';
import { unitOf } from '../hash.js';
import { attemptsPerRequest, MAX_RETRY_RATE } from '../../core/retry.js';
import { chooseTtl, fitCacheMinimum, readInIncrements } from './cache-rules.js';
import { propagateOutputChanges } from '../output-history.js';
import { carryTurnCaches, conversationKey } from '../turn-cache.js';
import { scaleBuckets } from '../prompt-edits.js';
import { withSummaryCache } from '../summary-call.js';
import { resentAnswer, withEdit, type Lever, type LeverContext, type LeverOutcome, type SimEnv, type SimRequest } from '../types.js';

export interface RouteParams {
  to: string;
  share: number;
  retryRate: number;
  outputFactor: number;
  successRate?: number;
  sharedCache: boolean;
}

export const routeFields: Record<string, Field> = {
  to: { rule: str(), required: true },
  share: opt(num(0, 1)),
  retryRate: opt(num(0, MAX_RETRY_RATE)),
  outputFactor: opt(num(0)),
  successRate: opt(num(0, 1)),
  sharedCache: opt({ kind: 'boolean' }),
};

export type ConversionMethod = 'measured' | 'measured+factor' | 'factor' | 'same' | 'none';

class Counter {
  private readonly memo = new Map<string, number>();
  constructor(private readonly env: SimEnv) {}
  count(text: string, enc: EncodingName): number {
    const key = `${enc}\u0000${text}`;
    let n = this.memo.get(key);
    if (n === undefined) this.memo.set(key, (n = this.env.encode!(text, enc).length));
    return n;
  }
}

/** Target/source token ratio for a text (or the catalog factors without text). */
export function conversion(
  src: ModelEntry,
  dst: ModelEntry,
  text: string | undefined,
  counter: Counter | undefined,
): { ratio: number; method: ConversionMethod } {
  const a = src.tokenizer;
  const b = dst.tokenizer;
  if (!a || !b) return { ratio: 1, method: 'none' };
  const fa = a.factor ?? 1;
  const fb = b.factor ?? 1;
  if (a.encoding === b.encoding) return { ratio: fb / fa, method: fa === fb ? 'same' : 'factor' };
  if (text && counter) {
    const ca = counter.count(text, a.encoding) * fa;
    const cb = counter.count(text, b.encoding) * fb;
    if (ca > 0) return { ratio: cb / ca, method: a.exact && b.exact ? 'measured' : 'measured+factor' };
  }
  return { ratio: fb / fa, method: 'factor' };
}

function promptText(r: SimRequest): string | undefined {
  const t = r.record.text;
  return t?.prompt ?? t?.messages?.map((m) => m.content).join('\n');
}

function routeOne(
  r: SimRequest,
  src: ModelEntry,
  dst: ModelEntry,
  p: RouteParams,
  counter: Counter | undefined,
  methods: Map<string, number>,
): SimRequest {
  const inConv = conversion(src, dst, promptText(r), counter);
  const outConv = r.record.text?.completion ? conversion(src, dst, r.record.text.completion, counter) : inConv;
  methods.set(inConv.method, (methods.get(inConv.method) ?? 0) + 1);
  const scale = { kind: 'scale', ratio: inConv.ratio, keepCache: !!dst.cache } as const;
  // reads carried over from the source are exact prefixes: a target that reads in increments reads them rounded down
  return fitCacheMinimum(
    {
      ...withEdit(readInIncrements(scaleBuckets(r, scale.ratio, scale.keepCache), dst.cache?.increment), scale),
      model: dst.id,
      outputTokens: Math.min(Math.round(r.outputTokens * outConv.ratio * p.outputFactor), r.maxOutputTokens ?? Infinity),
      retryFactor: r.retryFactor * attemptsPerRequest(p.retryRate),
      successes: p.successRate ?? r.successes,
      outcomeKnown: p.successRate !== undefined || r.outcomeKnown,
    },
    dst.cache?.minTokens,
  );
}

function applyRoute(requests: readonly SimRequest[], p: RouteParams, ctx: LeverContext): LeverOutcome {
  const dst = ctx.resolve(p.to)?.entry;
  if (!dst)
    throw new UserError(
      `route: target model "${p.to}" is not in the pricing catalog`,
      'use a model id that `tokenomics prices MODEL` resolves, or add it with --prices',
    );
  const counter = ctx.env.encode ? new Counter(ctx.env) : undefined;
  const methods = new Map<string, number>();
  const out = requests.slice();
  let moved = 0;
  let unpriced = 0;
  const routed: number[] = [];
  const unpriceable: number[] = [];
  requests.forEach((r, i) => {
    if (r.dropped || r.origin === 'added' || !ctx.inScope(r)) return;
    if (p.share < 1 && unitOf(`${r.record.conversationId ?? r.record.id}:route:${p.to}`) >= p.share) return;
    const src = ctx.resolve(r.model)?.entry;
    if (!src) return void unpriced++;
    if (src === dst) return;
    out[i] = routeOne(r, src, dst, p, counter, methods);
    // a request the source prices and the target cannot (dated before the target's first known price,
    // or a per-call charge it has no price for) would drop out of the total: a saving counted against $0
    if (ctx.cost(out[i]) === undefined && ctx.cost(r) !== undefined) unpriceable.push(i);
    routed.push(i);
    moved++;
  });
  if (unpriceable.length > 0) throw unpriceableError(requests[unpriceable[0]], dst, unpriceable.length);
  // conversations: every turn's reads against what its conversation left on its model (routed turns on
  // the target, the turns that stayed on the source); other requests: the target's cache by feature
  const conversations = new Set(routed.filter((i) => out[i].conversation !== undefined).map((i) => conversationKey(out[i])));
  const cold =
    (p.sharedCache || !dst.cache
      ? 0
      : coldStart(
          out,
          routed.filter((i) => out[i].conversation === undefined),
          chooseTtl(dst, undefined).ms,
        )) + carryTurnCaches(requests, out, conversations, ctx, p.sharedCache);
  const summaries = followConversations(out, routed, dst, p, ctx);
  const changed = new Map<number, number>();
  for (const i of routed)
    if (resentAnswer(out[i]) !== resentAnswer(requests[i])) changed.set(i, resentAnswer(out[i]) - resentAnswer(requests[i]));
  const history = propagateOutputChanges(out, changed, ctx);
  const how = [...methods].map(([m, n]) => `${n} ${m}`).join(', ') || 'none';
  const notes = unpriced > 0 ? [`${unpriced} request(s) on unpriced models not routed (no source price to compare)`] : [];
  if (dst.tokenizer && !dst.tokenizer.exact)
    notes.push(`${dst.id}: tokenizer not public; counts estimated with ${dst.tokenizer.encoding} x ${dst.tokenizer.factor ?? 1}`);
  return {
    requests: out,
    assumptions: [
      ['target', `${dst.id}, share ${p.share} of scope (deterministic by request id)`],
      ['token conversion', `per request: ${how} (measured = both encodings on the logged text; factor = catalog tokenizer.factor ratio)`],
      [
        'quality',
        `retry rate ${p.retryRate} (x${attemptsPerRequest(p.retryRate).toFixed(3)} attempts per request; a retry re-bills input and output and reads the prefix the first attempt cached), output x${p.outputFactor}${p.successRate !== undefined ? `, success rate ${p.successRate}` : ', success rate unchanged'}`,
      ],
      [
        'target cache',
        p.sharedCache
          ? `shared: the target already holds this traffic's prefixes (routed reads kept); ${cold} turn(s) left on the source after a routed one write what only the routed turn would have cached there`
          : `starts cold: ${cold} routed request(s) write what they read on the source (no earlier routed request of the conversation/feature within the TTL)`,
      ],
      [
        'later turns',
        `${history.requests} later turn(s) re-send the routed answers at their new length (${history.tokens >= 0 ? '+' : ''}${Math.round(history.tokens)} prompt tokens)`,
      ],
      ...(summaries > 0
        ? [['summary calls', `${summaries} summary call(s) on the conversation's model moved with their conversation`] as [string, string]]
        : []),
    ],
    notes,
    metrics: [
      ['requests routed', String(moved)],
      ['cold-cache writes', String(cold)],
    ],
    json: {
      routed: moved,
      coldStarts: cold,
      laterTurnTokens: history.tokens,
      summaryCallsMoved: summaries,
      conversion: Object.fromEntries(methods),
    },
  };
}

/** The error for routed requests the target has no price for (the first one's reason). */
function unpriceableError(r: SimRequest, dst: ModelEntry, n: number): UserError {
  const when = r.timeMs ?? Date.now();
  const dated = noPriceReason(dst, when);
  const why = dated
    ? `${dst.id} has no price on ${new Date(when).toISOString().slice(0, 10)} (${dated})`
    : `${dst.id} has no price for a per-call charge of theirs (${Object.keys(r.record.charges ?? {}).join(', ')})`;
  return new UserError(
    `route: ${n.toLocaleString('en-US')} request(s) in scope would be unpriced on the target: ${why}; an unpriced request is left out of the total, which would count its cost as a saving`,
    `route only what ${dst.id} prices (where: ...), or add the missing price with --prices FILE`,
  );
}

/**
 * Summary calls (summarize) on their conversation's model follow a routed conversation to the
 * target: token counts converted by the catalog factors, the route's retries, the cache read
 * decided again on the target (the previous turn as routed, within the target's TTL). A call on a
 * model summarize named stays there. Returns how many moved.
 */
function followConversations(out: SimRequest[], routed: readonly number[], dst: ModelEntry, p: RouteParams, ctx: LeverContext): number {
  const turns = new Map(routed.map((i) => [out[i].id, i]));
  let moved = 0;
  out.forEach((r, i) => {
    const s = r.summaryOf;
    const k = s && !s.ownModel && !r.dropped ? turns.get(s.after) : undefined;
    const src = k === undefined ? undefined : ctx.resolve(r.model)?.entry;
    if (k === undefined || !s || !src || src === dst) return;
    const { ratio } = conversion(src, dst, undefined, undefined);
    const call: SimRequest = {
      ...r,
      model: dst.id,
      summaryOf: { ...s, history: Math.round(s.history * ratio), instructionTokens: Math.round(s.instructionTokens * ratio) },
      retryFactor: r.retryFactor * attemptsPerRequest(p.retryRate),
    };
    out[i] = withSummaryCache(call, out[k], dst.cache ? chooseTtl(dst, undefined).ms : 0, ctx);
    moved++;
  });
  return moved;
}

/**
 * Routed requests outside conversations in time order, keyed by feature: a request reads what it
 * read on the source only when an earlier routed request of its feature reached the target within
 * the TTL; otherwise its reads become writes. Returns how many requests started cold.
 * (Conversations: turn-cache.ts.)
 */
function coldStart(out: SimRequest[], routed: number[], ttlMs: number): number {
  const order = routed
    .slice()
    .sort((a, b) => (out[a].timeMs ?? 0) - (out[b].timeMs ?? 0) || (out[a].record.turn ?? 0) - (out[b].record.turn ?? 0) || a - b);
  const last = new Map<string, number>();
  let cold = 0;
  for (const i of order) {
    const r = out[i];
    const key = r.record.tags.feature ?? '';
    const t = r.timeMs ?? 0;
    const prev = last.get(key);
    last.set(key, t);
    if (r.cacheReadTokens === 0 || (prev !== undefined && t - prev <= ttlMs)) continue;
    cold++;
    out[i] =
      r.cacheWrite1hTokens > 0
        ? { ...r, cacheReadTokens: 0, cacheWrite1hTokens: r.cacheWrite1hTokens + r.cacheReadTokens }
        : { ...r, cacheReadTokens: 0, cacheWrite5mTokens: r.cacheWrite5mTokens + r.cacheReadTokens };
  }
  return cold;
}

export const route: Lever<RouteParams> = {
  kind: 'route',
  parse: (raw) => ({
    to: raw.to as string,
    share: (raw.share as number | undefined) ?? 1,
    retryRate: (raw.retryRate as number | undefined) ?? 0,
    outputFactor: (raw.outputFactor as number | undefined) ?? 1,
    successRate: raw.successRate as number | undefined,
    sharedCache: raw.sharedCache === true,
  }),
  apply: applyRoute,
};
