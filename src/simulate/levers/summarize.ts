/**
 * summarize: replace the older turns of long conversations with a summary.
 *
 * Conversations are requests sharing a conversationId (per replica), ordered by turn. A turn's
 * prompt is the template (turn 1's prompt), the history, and the turn's new message. From the
 * token counts: the new message of turn t is u(t) = prompt(t) - prompt(t-1) - answer(t-1) (what the
 * prompt grew by besides the previous answer, from the logged counts; answer(t-1) is its output less
 * its reasoning, which later turns do not re-send: types.ts, resentTokens), and the history before
 * it is H(t) = prompt(t) - prompt(1) - u(t) on the prompts as the levers before left them (on a
 * conversation as logged, prompt(t-1) + answer(t-1) - prompt(1)). When the history not yet summarised holds more than
 * `afterTurns` turns or more than `afterTokens` tokens, a summary call folds that history (never
 * the turn's new message, which is sent verbatim after the summary) into `summaryTokens`; from that
 * turn on the history is S tokens plus whatever accrued since: prompt'(t) = prompt(t) - (H(t0) - S)
 * for the latest summary at t0 (history can be summarised again later).
 *
 * Caching around the summary:
 *   - the summary call reads the conversation's warm cache: when the previous turn cached its prefix
 *     (reads + writes; on an implicit cache, OpenAI's, its whole prompt from the minimum on:
 *     summary-call.ts, cachedAfter) on the same model within the TTL (1h when the conversation's
 *     latest cache write was a 1-hour one, else the model's default), the call sends that prefix (read from the
 *     cache), the previous answer and `instructionTokens`; otherwise it sends only the history and
 *     the instructions, as plain input;
 *   - the turn that first sends the summary re-caches: its template (turn 1's prompt) is still read
 *     when it was cached within the TTL, the rest of its cached prefix (summary, new message) is
 *     written anew; later turns read what it wrote (removed tokens come off their cached prefix).
 * A cached prefix left below the model's minimum cacheable length becomes plain input.
 *
 * Parameters: afterTurns, afterTokens (at least one), summaryTokens (required), model,
 * instructionTokens (200).
 *
 * Worked example (test/simulate/levers.test.ts): prompts 1,000 / 3,000 / 5,000 / 7,000 tokens over
 * turns 1-4 (no output logged, so each turn's 2,000 new tokens are its new message), afterTokens
 * 3,000, summaryTokens 500. Turn 3 carries H = 2,000 (its own 2,000 are the new message); turn 4
 * carries H = 4,000 > 3,000: a summary call reads 4,000 + 200 and writes 500; turn 4 then sends
 * 7,000 - 3,500 = 3,500. At $1/MTok input and $5/MTok output: before $0.016; after
 * 1,000 + 3,000 + 5,000 + 3,500 + 4,200 = 16,700 input tokens and 500 output -> $0.0192.
 * (Before issue 12 the lever folded turn 3's new message into a summary at turn 3: $0.0157.)
 *
 * Complexity: O(n log n) (sorting turns within conversations).
 */
import { UserError } from '../../core/issues.js';
import { int, opt, str, type Field, type ValidationError } from '../../core/validate.js';
import { chooseTtl, fitCacheMinimum } from './cache-rules.js';
import type { SummarizeDetails } from '../lever-details.js';
import { applyEdit, textPromptTokens } from '../prompt-edits.js';
import { cachedAfter, withSummaryCache } from '../summary-call.js';
import {
  promptOf,
  resentTokens,
  withEdit,
  type Lever,
  type LeverContext,
  type LeverOutcome,
  type PromptEdit,
  type SimRequest,
  type SummaryOf,
} from '../types.js';

export interface SummarizeParams {
  afterTurns?: number;
  afterTokens?: number;
  summaryTokens: number;
  model?: string;
  instructionTokens: number;
}

export const summarizeFields: Record<string, Field> = {
  afterTurns: opt(int(1)),
  afterTokens: opt(int(1)),
  summaryTokens: { rule: int(1), required: true },
  model: opt(str()),
  instructionTokens: opt(int()),
};

export function checkSummarize(raw: Record<string, unknown>): ValidationError[] {
  return raw.afterTurns === undefined && raw.afterTokens === undefined
    ? [{ path: [], message: 'give afterTurns or afterTokens (or both)' }]
    : [];
}

function conversations(requests: readonly SimRequest[], ctx: LeverContext): Map<string, number[]> {
  const convs = new Map<string, number[]>();
  requests.forEach((r, i) => {
    if (r.origin === 'added' || r.conversation === undefined || r.record.turn === undefined || !ctx.inScope(r)) return;
    const key = `${r.conversation}#${r.replica}`;
    const list = convs.get(key);
    if (list) list.push(i);
    else convs.set(key, [i]);
  });
  for (const list of convs.values()) list.sort((a, b) => requests[a].record.turn! - requests[b].record.turn! || a - b);
  return convs;
}

function summaryCall(r: SimRequest, p: SummarizeParams, summaryOf: SummaryOf): SimRequest {
  return {
    ...r,
    id: `${r.id}+summarize`,
    model: p.model ?? r.model,
    serviceTier: 'standard',
    origin: 'added',
    addedBy: 'summarize',
    inputTokens: 0,
    cacheReadTokens: 0,
    cacheWrite5mTokens: 0,
    cacheWrite1hTokens: 0,
    outputTokens: p.summaryTokens,
    retryFactor: 1,
    successes: 0,
    dropped: false,
    extraFemto: 0n,
    edits: undefined,
    maxOutputTokens: undefined,
    summaryOf,
  };
}

interface ConvResult {
  summaries: number;
  added: SimRequest[];
  /** Summary calls that read the conversation's cache. */
  warmReads: number;
}

const HOUR_MS = 3_600_000;

/**
 * The history turn t sends before its new message: its prompt past the template, less the new
 * message u(t) = prompt(t) - prompt(t-1) - answer(t-1), taken from the logged counts (converted
 * where route converted them). On a conversation as logged this is prompt(t-1) + output(t-1) -
 * prompt(1); after a lever that dropped content from the history (images no longer re-sent) it is
 * what the turn still sends.
 */
function historyOf(r: SimRequest, prev: SimRequest, first: number): number {
  const logged = promptOf(r.record) - promptOf(prev.record) - resentTokens(prev.record.outputTokens, prev.record.reasoningTokens);
  const u = Math.max(0, logged) * (textPromptTokens(r) / Math.max(1, promptOf(r.record)));
  return Math.max(0, Math.round(promptOf(r) - first - u));
}

function summarizeConversation(
  src: readonly SimRequest[],
  out: SimRequest[],
  list: number[],
  p: SummarizeParams,
  ctx: LeverContext,
): ConvResult {
  const first = promptOf(src[list[0]]);
  let removed = 0; // tokens cut from every later turn
  let baseTurn = src[list[0]].record.turn! - 1; // turns up to here are summarised
  const res: ConvResult = { summaries: 0, added: [], warmReads: 0 };
  let wrote1h = false; // the conversation's latest cache write was a 1-hour one (prefixCache { ttl: 1h })
  for (let j = 0; j < list.length; j++) {
    const i = list[j];
    const r = src[i];
    const prev = j > 0 ? src[list[j - 1]] : undefined;
    // history before this turn's new message (the previous prompt and its answer, past the template)
    const H = prev ? historyOf(r, prev, first) : 0;
    const carried = H - removed; // history tokens actually sent
    const turns = r.record.turn! - baseTurn - 1;
    const over = (p.afterTurns !== undefined && turns > p.afterTurns) || (p.afterTokens !== undefined && carried > p.afterTokens);
    let summaryTurn = false;
    let templateWarm = false;
    // a summary is made by a turn that is sent: not by one answered from a cache or refused by a cap
    if (prev && over && carried > p.summaryTokens && !r.dropped) {
      const sent = out[list[j - 1]]; // the previous turn as sent (after earlier summaries)
      const entry = ctx.resolve(sent.model)?.entry;
      const gap = (r.timeMs ?? 0) - (prev.timeMs ?? 0);
      // the conversation's prefix is live in its model's cache for the TTL it was written with (1h
      // when its latest write was a 1h one); the summary call can read it only on that model
      const ttlMs = entry?.cache ? (wrote1h ? HOUR_MS : chooseTtl(entry, undefined).ms) : 0;
      const live = !!entry?.cache && cachedAfter(sent, entry.cache) > 0 && gap <= ttlMs;
      const call = summaryCall(r, p, {
        after: sent.id,
        gapMs: gap,
        history: carried,
        instructionTokens: p.instructionTokens,
        ownModel: p.model !== undefined,
      });
      const sentCall = withSummaryCache(call, sent, ttlMs, ctx);
      // a summary call of a priced conversation on a model with no price on its date would count as $0
      if (ctx.cost(sentCall) === undefined && ctx.cost(r) !== undefined) throw unpricedCallError(sentCall);
      res.added.push(sentCall);
      if (sentCall.cacheReadTokens > 0) res.warmReads++;
      res.summaries++;
      removed = H - p.summaryTokens;
      baseTurn = r.record.turn! - 1;
      summaryTurn = true;
      templateWarm = live && cachedAfter(sent, entry?.cache) >= first;
    }
    if (removed > 0) {
      const edit: PromptEdit = { kind: 'summary', tokens: Math.min(removed, H), template: summaryTurn ? first : undefined, templateWarm };
      const cache = ctx.resolve(r.model)?.entry.cache;
      out[i] = fitCacheMinimum(withEdit(applyEdit(r, edit, false, cache?.increment), edit), cache?.minTokens);
    }
    if (out[i].cacheWrite1hTokens > 0) wrote1h = true;
    else if (out[i].cacheWrite5mTokens > 0) wrote1h = false;
  }
  return res;
}

function unpricedCallError(call: SimRequest): UserError {
  const day = call.timeMs === undefined ? "the requests' date" : new Date(call.timeMs).toISOString().slice(0, 10);
  return new UserError(
    `summarize: model "${call.model}" has no price on ${day}, so its summary calls would count as $0`,
    'use a model priced on the logged dates (`tokenomics prices MODEL`), or add its earlier price with --prices FILE',
  );
}

function applySummarize(requests: readonly SimRequest[], p: SummarizeParams, ctx: LeverContext): LeverOutcome {
  if (p.model && !ctx.resolve(p.model))
    throw new UserError(
      `summarize: model "${p.model}" is not in the pricing catalog`,
      'use a model id that `tokenomics prices MODEL` resolves',
    );
  const out = requests.slice();
  const convs = conversations(requests, ctx);
  const added: SimRequest[] = [];
  let touched = 0;
  let warmReads = 0;
  let before = 0n;
  let after = 0n;
  for (const list of convs.values()) {
    const res = summarizeConversation(requests, out, list, p, ctx);
    if (res.summaries === 0) continue;
    touched++;
    warmReads += res.warmReads;
    added.push(...res.added);
    for (const i of list) {
      before += ctx.cost(requests[i]) ?? 0n;
      after += ctx.cost(out[i]) ?? 0n;
    }
    for (const a of res.added) after += ctx.cost(a) ?? 0n;
  }
  const n = BigInt(Math.max(1, touched));
  const details: SummarizeDetails = {
    lever: 'summarize',
    conversations: convs.size,
    summarised: touched,
    summaryCalls: added.length,
    costPerConversationBeforeUsd: touched ? before / n : null,
    costPerConversationAfterUsd: touched ? after / n : null,
  };
  return {
    requests: [...out, ...added],
    assumptions: [
      [
        'trigger',
        [
          p.afterTurns !== undefined ? `> ${p.afterTurns} turns` : '',
          p.afterTokens !== undefined ? `> ${p.afterTokens} history tokens` : '',
        ]
          .filter(Boolean)
          .join(' or '),
      ],
      [
        'summary',
        `${p.summaryTokens} tokens by ${p.model ?? 'the conversation model'}, ${p.instructionTokens} instruction tokens per call`,
      ],
      [
        'history',
        'turn t carries prompt(t-1) + output(t-1) - prompt(turn 1) history tokens; its new message is sent verbatim after the summary; removed tokens come off the cached prefix first',
      ],
      [
        'cache',
        `${warmReads} summary call(s) read the conversation's warm prefix; the turn that first sends a summary reads its template and writes the rest anew`,
      ],
    ],
    notes: convs.size === 0 ? ['no multi-turn conversations in scope (records need conversationId and turn)'] : [],
    metrics: [
      ['conversations summarised', `${touched} of ${convs.size}`],
      ['summary calls added', String(added.length)],
    ],
    details,
    json: { conversations: convs.size, summarised: touched, summaryCalls: added.length, summaryCallsReadingCache: warmReads },
  };
}

export const summarize: Lever<SummarizeParams> = {
  kind: 'summarize',
  parse: (raw) => ({
    afterTurns: raw.afterTurns as number | undefined,
    afterTokens: raw.afterTokens as number | undefined,
    summaryTokens: raw.summaryTokens as number,
    model: raw.model as string | undefined,
    instructionTokens: (raw.instructionTokens as number | undefined) ?? 200,
  }),
  apply: applySummarize,
};
