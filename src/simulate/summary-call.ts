/**
 * A summary call's prompt (summarize), shared by the levers that change what the call can read or
 * send after summarize ran: prefixCache (the turn before the summary re-cached) and the levers that
 * change the length of an answer the summary folds (output-history.ts).
 */
import { readable } from './prompt-edits.js';
import { promptOf, resentAnswer, type LeverContext, type SimRequest } from './types.js';

const cachedOf = (r: SimRequest) => r.cacheReadTokens + r.cacheWrite5mTokens + r.cacheWrite1hTokens;

/**
 * The prefix a sent turn left in its model's cache: its cache reads and writes; on an implicit cache
 * (OpenAI, Gemini) its whole prompt once that reaches the minimum, as the provider caches every such
 * prompt and logs no write ("Caching is enabled automatically for prompts that are 1024 tokens or
 * longer", https://platform.openai.com/docs/guides/prompt-caching): a turn logged as reading 1,280
 * of its 1,550 tokens leaves all 1,550 cached for the next request.
 */
export function cachedAfter(sent: SimRequest, cache: { mode: string; minTokens: number } | undefined): number {
  const C = cachedOf(sent);
  if (cache?.mode !== 'implicit' || sent.record.requests > 1) return C;
  const P = promptOf(sent);
  return P >= cache.minTokens ? P : C;
}

/**
 * A summary call's prompt from the turn before the summarised one (`sent`, as sent): when that
 * turn cached its prefix on the call's model within `ttlMs`, the call sends that prefix (read from
 * the cache), the turn's answer (its text: reasoning is not re-sent) and the instructions; otherwise only the history and the
 * instructions, as plain input.
 */
export function withSummaryCache(call: SimRequest, sent: SimRequest, ttlMs: number, ctx: Pick<LeverContext, 'resolve'>): SimRequest {
  const s = call.summaryOf!;
  const entry = ctx.resolve(sent.model)?.entry;
  const C = cachedAfter(sent, entry?.cache);
  const warm = !!entry?.cache && C > 0 && s.gapMs <= ttlMs && ctx.resolve(call.model)?.entry === entry;
  // a model that reads in increments reads the prefix rounded down to one, the rest as input
  const read = warm ? readable(C, entry?.cache?.increment) : 0;
  return warm
    ? { ...call, inputTokens: promptOf(sent) - read + resentAnswer(sent) + s.instructionTokens, cacheReadTokens: read }
    : { ...call, inputTokens: s.history + s.instructionTokens, cacheReadTokens: 0 };
}

/**
 * Summary calls that read the cached prefix of a turn a lever changed (`before` -> `out`, same
 * indices): they read and send that turn as it now is (compress shortens the instructions the
 * call re-sends with the history). Updates `out` in place.
 */
export function refreshSummaryCalls(before: readonly SimRequest[], out: SimRequest[], ctx: Pick<LeverContext, 'resolve'>): void {
  const changed = new Map<string, number>();
  out.forEach((r, i) => {
    if (r.origin !== 'added' && i < before.length && r !== before[i]) changed.set(r.id, i);
  });
  if (changed.size === 0) return;
  out.forEach((r, i) => {
    const k = r.summaryOf && r.cacheReadTokens > 0 ? changed.get(r.summaryOf.after) : undefined;
    if (k !== undefined) out[i] = withSummaryCache(r, out[k], Number.POSITIVE_INFINITY, ctx);
  });
}
