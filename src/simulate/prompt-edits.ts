/**
 * Prompt edits: the levers that change a prompt's length (summarize, compress, images, an answer's
 * new length in later turns, a tokenizer conversion on route) record each change on the request, in
 * the order they made them (SimRequest.edits). A prefix-cache replay works on the logged text, which
 * no lever rewrites, so after those levers its read and write shares describe the logged prompt,
 * not the one sent. prefixCache therefore puts its replayed buckets on the logged prompt and
 * replays the edits on them, each as the lever applied it: a summarised turn reads the template it
 * shares with the earlier turns and writes the summary, a later turn reads what the summarised turn
 * cached, and the same scenario costs the same whether prefixCache is listed before or after
 * summarize, compress, images, outputCap or route.
 *
 * Complexity: O(edits) per request.
 */
import { fitCacheMinimum } from './levers/cache-rules.js';
import { withPromptChanges } from './output-history.js';
import { eachCacheState, promptOf, removePromptTokens, type PromptEdit, type SimRequest } from './types.js';

const cachedOf = (r: SimRequest) => r.cacheReadTokens + r.cacheWrite5mTokens + r.cacheWrite1hTokens;

/**
 * A cached prefix of `n` tokens as read on a model that reads in `increment`-token steps (catalog
 * `cache.increment`; OpenAI before GPT-5.6: 128, "cache hits occurring in increments of 128 tokens",
 * https://developers.openai.com/cookbook/examples/prompt_caching_201; docs/pricing.md, Open conflicts).
 */
export const readable = (n: number, increment: number | undefined): number => (increment ? Math.floor(n / increment) * increment : n);

/**
 * The turn that first sends a summary: its template (the first `template` tokens) is read when it
 * was cached, the rest of its cached prefix (the summary, the new message) is written anew. On a
 * model that reads in increments the read is the template rounded down to one (a 1,300-token
 * template is read as 1,280 in 128-token steps).
 */
export function recache(r: SimRequest, template: number, templateWarm: boolean, increment?: number): SimRequest {
  const cached = cachedOf(r);
  if (cached === 0) return r;
  const read = templateWarm ? readable(Math.min(template, cached), increment) : 0;
  const write = cached - read;
  return r.cacheWrite1hTokens > 0
    ? { ...r, cacheReadTokens: read, cacheWrite5mTokens: 0, cacheWrite1hTokens: write }
    : { ...r, cacheReadTokens: read, cacheWrite5mTokens: write, cacheWrite1hTokens: 0 };
}

/** Token counts converted by `ratio` (route): each cached bucket rounded, the rest input; no cache on the target: all input. */
export function scaleBuckets(r: SimRequest, ratio: number, keepCache: boolean): SimRequest {
  return eachCacheState(r, (x) => scaleState(x, ratio, keepCache));
}

function scaleState(r: SimRequest, ratio: number, keepCache: boolean): SimRequest {
  const read = keepCache ? Math.round(r.cacheReadTokens * ratio) : 0;
  const w5 = keepCache ? Math.round(r.cacheWrite5mTokens * ratio) : 0;
  const w1 = keepCache ? Math.round(r.cacheWrite1hTokens * ratio) : 0;
  const total = Math.round(promptOf(r) * ratio);
  return {
    ...r,
    inputTokens: Math.max(0, total - read - w5 - w1),
    cacheReadTokens: read,
    cacheWrite5mTokens: w5,
    cacheWrite1hTokens: w1,
  };
}

/**
 * One edit on a request's buckets, as the lever applies it. `replay`: the buckets come from a
 * prefix-cache replay, which says itself whether a summarised turn's template was cached (it read
 * at least the template).
 */
export function applyEdit(r: SimRequest, e: PromptEdit, replay = false, increment?: number): SimRequest {
  return eachCacheState(r, (x) => editState(x, e, replay, increment));
}

function editState(r: SimRequest, e: PromptEdit, replay: boolean, increment: number | undefined): SimRequest {
  switch (e.kind) {
    case 'remove':
      return removePromptTokens(r, e.tokens);
    case 'history':
      return withPromptChanges(r, e.changes);
    case 'scale':
      return scaleBuckets(r, e.ratio, e.keepCache);
    case 'summary': {
      const warm = replay && e.template !== undefined ? r.cacheReadTokens >= e.template : e.templateWarm;
      const next = removePromptTokens(r, e.tokens);
      return e.template === undefined ? next : recache(next, e.template, warm, increment);
    }
  }
}

/**
 * Cache buckets a prefix cache computes (`at`) on the request's logged prompt, with its edits
 * replayed on them and the model's minimum applied; `at(r)` itself when the request has no edits
 * or its edits do not replay to its prompt.
 */
export function onLoggedPrompt(
  r: SimRequest,
  at: (x: SimRequest) => SimRequest,
  cache: { minTokens: number; increment?: number } | undefined,
): SimRequest {
  if (!r.edits?.length) return at(r);
  const logged = {
    ...r,
    inputTokens: r.record.inputTokens,
    cacheReadTokens: r.record.cacheReadTokens,
    cacheWrite5mTokens: r.record.cacheWrite5mTokens,
    cacheWrite1hTokens: r.record.cacheWrite1hTokens,
  };
  const sent = replayEdits(r, at(logged), cache?.increment);
  return sent ? fitCacheMinimum(sent, cache?.minTokens) : at(r);
}

/**
 * The request as sent, from buckets put on its logged prompt (`logged`, a prefix-cache replay of
 * the logged text): its edits replayed in order. Undefined when the result's prompt differs from
 * the request's (a lever changed the length without recording it): the caller keeps its shares.
 */
export function replayEdits(r: SimRequest, logged: SimRequest, increment?: number): SimRequest | undefined {
  let s = logged;
  for (const e of r.edits ?? []) s = applyEdit(s, e, true, increment);
  return promptOf(s) === promptOf(r) ? { ...s, edits: r.edits } : undefined;
}

/**
 * The billed size of the prompt the logged text describes, in the request's current tokens: the
 * logged prompt, converted as route converted it. A lever that measures a part of the text (the
 * instructions) scales it by this, not by the current prompt, which other levers may have shortened.
 */
export function textPromptTokens(r: SimRequest): number {
  let n = promptOf(r.record);
  for (const e of r.edits ?? []) if (e.kind === 'scale') n *= e.ratio;
  return n;
}
