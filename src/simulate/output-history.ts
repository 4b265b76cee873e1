/**
 * The context-window tax of an answer: in a conversation every later turn re-sends the earlier
 * answers as history, so a lever that changes an answer's length (an output cap, an answer served
 * from a semantic cache, a routed model that writes more or less) also changes the prompt of every
 * later turn of that conversation by the same number of tokens.
 *
 * Turn t's prompt changes by the sum of the output changes of the turns before it (same
 * conversation and volume replica, ordered by turn, else by time). Shorter history comes off the
 * cached prefix first (history is what a cache holds, see removePromptTokens); longer history is
 * added as uncached input. A cached prefix left below the model's minimum becomes plain input.
 * Token counts are carried over as they are (a routed conversation's later turns are routed too,
 * so both sides are counted by the target's tokenizer).
 *
 * Complexity: O(n log n) (ordering the turns of each conversation).
 */
import { fitCacheMinimum } from './levers/cache-rules.js';
import { removePromptTokens, type LeverContext, type SimRequest } from './types.js';

export interface HistoryChange {
  /** Later turns whose prompt changed (weighted by volume). */
  requests: number;
  /** Prompt tokens added (negative: removed) across those turns, weighted. */
  tokens: number;
}

/**
 * Apply output changes (request index -> output tokens added, negative when shortened) to the
 * prompts of later turns of the same conversations, in place.
 */
export function propagateOutputChanges(
  out: SimRequest[],
  changes: ReadonlyMap<number, number>,
  ctx: Pick<LeverContext, 'resolve'>,
): HistoryChange {
  const res: HistoryChange = { requests: 0, tokens: 0 };
  if (changes.size === 0) return res;
  const keyOf = (r: SimRequest) => `${r.conversation}\u0000${r.replica}`;
  const touched = new Set<string>();
  for (const i of changes.keys()) if (out[i].conversation !== undefined) touched.add(keyOf(out[i]));
  if (touched.size === 0) return res;
  const convs = new Map<string, number[]>();
  out.forEach((r, i) => {
    if (r.origin === 'added' || r.conversation === undefined || r.record.requests > 1) return;
    const k = keyOf(r);
    if (!touched.has(k)) return;
    const list = convs.get(k);
    if (list) list.push(i);
    else convs.set(k, [i]);
  });
  const turnOf = (r: SimRequest) => r.record.turn ?? Number.MAX_SAFE_INTEGER;
  for (const list of convs.values()) {
    list.sort((a, b) => turnOf(out[a]) - turnOf(out[b]) || (out[a].timeMs ?? 0) - (out[b].timeMs ?? 0) || a - b);
    let delta = 0;
    for (const i of list) {
      if (delta !== 0 && !out[i].dropped) {
        const r = out[i];
        const next = delta < 0 ? removePromptTokens(r, -delta) : { ...r, inputTokens: r.inputTokens + delta };
        out[i] = fitCacheMinimum(next, ctx.resolve(r.model)?.entry.cache?.minTokens);
        res.requests += r.weight;
        res.tokens +=
          (next.inputTokens +
            next.cacheReadTokens +
            next.cacheWrite5mTokens +
            next.cacheWrite1hTokens -
            (r.inputTokens + r.cacheReadTokens + r.cacheWrite5mTokens + r.cacheWrite1hTokens)) *
          r.weight;
      }
      delta += changes.get(i) ?? 0;
    }
  }
  return res;
}
