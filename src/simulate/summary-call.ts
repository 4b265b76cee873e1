/**
 * A summary call's prompt (summarize), shared by the levers that change what the call can read or
 * send after summarize ran: prefixCache (the turn before the summary re-cached) and the levers that
 * change the length of an answer the summary folds (output-history.ts).
 */
import { promptOf, type LeverContext, type SimRequest } from './types.js';

const cachedOf = (r: SimRequest) => r.cacheReadTokens + r.cacheWrite5mTokens + r.cacheWrite1hTokens;

/**
 * A summary call's prompt from the turn before the summarised one (`sent`, as sent): when that
 * turn cached its prefix on the call's model within `ttlMs`, the call sends that prefix (read from
 * the cache), the turn's answer and the instructions; otherwise only the history and the
 * instructions, as plain input.
 */
export function withSummaryCache(call: SimRequest, sent: SimRequest, ttlMs: number, ctx: Pick<LeverContext, 'resolve'>): SimRequest {
  const s = call.summaryOf!;
  const entry = ctx.resolve(sent.model)?.entry;
  const C = cachedOf(sent);
  const warm = !!entry?.cache && C > 0 && s.gapMs <= ttlMs && ctx.resolve(call.model)?.entry === entry;
  return warm
    ? { ...call, inputTokens: promptOf(sent) - C + sent.outputTokens + s.instructionTokens, cacheReadTokens: C }
    : { ...call, inputTokens: s.history + s.instructionTokens, cacheReadTokens: 0 };
}
