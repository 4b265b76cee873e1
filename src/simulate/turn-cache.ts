/**
 * A conversation's prompt cache across turns after a lever moved a turn to another model (route) or
 * answered it without a call (a semantic-cache hit).
 *
 * As logged, turn t reads from cache the prefix turn t-1 cached on the same model (its reads and
 * writes: the previous prompt). A turn routed to another model does not write the source model's
 * cache, and a turn answered from a semantic cache writes no cache at all, so the next turn that
 * still runs on the source model cannot read what the logs show it read. Each turn whose previous
 * turn changed where it ran (or that itself moved) therefore reads at most:
 *   - what the latest earlier turn of its conversation that ran on its model cached, when that
 *     turn came within the model's TTL (1h when that turn wrote 1h entries), and
 *   - what its previous turn, as logged on the same model, had found in the cache already (a shared
 *     system prompt that other traffic keeps warm);
 * the rest of its logged read is written anew, at the bucket it writes (5m unless it writes 1h). A
 * cached prefix left below the model's minimum becomes plain input. Turns whose previous turn ran as
 * logged keep their buckets.
 *
 * Worked example (test/simulate/cross-turn-cache.test.ts): a 3-turn conversation on big-t where
 * turn 1 (1,550 prompt tokens) is routed to claude-t and turns 2 and 3 stay: turn 2 logged a read of
 * 1,500 that turn 1 wrote on big-t; now nothing of it is on big-t, so it writes 1,650 instead.
 *
 * Complexity: O(n log n) (ordering the turns of each conversation).
 */
import { chooseTtl, fitCacheMinimum } from './levers/cache-rules.js';
import { readable as readInSteps } from './prompt-edits.js';
import type { LeverContext, SimRequest } from './types.js';

/** The conversation key a lever groups turns by (volume replicas apart). */
export const conversationKey = (r: SimRequest): string => `${r.conversation}\u0000${r.replica}`;

const HOUR_MS = 3_600_000;

interface Cached {
  timeMs: number;
  /** Prompt tokens the turn left in the cache (its reads and writes), per request. */
  tokens: number;
  wrote1h: boolean;
}

/**
 * Re-check the cache reads of the turns of `conversations` (keys from conversationKey) after a lever
 * changed `before` into `out` (same indices; added calls are ignored). Updates `out` in place and
 * returns how many turns lost some of their logged read. `keepMoved`: a turn that moved keeps its
 * reads (route's `sharedCache`: the target already holds the traffic's prefixes); the turns left on
 * their model after a moved one are still checked.
 */
export function carryTurnCaches(
  before: readonly SimRequest[],
  out: SimRequest[],
  conversations: ReadonlySet<string>,
  ctx: Pick<LeverContext, 'resolve'>,
  keepMoved = false,
): number {
  if (conversations.size === 0) return 0;
  const convs = new Map<string, number[]>();
  out.forEach((r, i) => {
    if (r.origin === 'added' || r.conversation === undefined || r.record.requests > 1 || i >= before.length) return;
    const k = conversationKey(r);
    if (!conversations.has(k)) return;
    const list = convs.get(k);
    if (list) list.push(i);
    else convs.set(k, [i]);
  });
  const modelKey = (m: string) => ctx.resolve(m)?.entry.id ?? m;
  const ranOn = (r: SimRequest) => (r.dropped ? undefined : modelKey(r.model));
  const turnOf = (r: SimRequest) => r.record.turn ?? Number.MAX_SAFE_INTEGER;
  let cut = 0;
  for (const list of convs.values()) {
    list.sort((a, b) => turnOf(out[a]) - turnOf(out[b]) || (out[a].timeMs ?? 0) - (out[b].timeMs ?? 0) || a - b);
    const last = new Map<string, Cached>();
    let prev: number | undefined;
    for (const i of list) {
      const r = out[i];
      const model = ranOn(r);
      if (model === undefined) {
        prev = i;
        continue;
      }
      const moved = ranOn(before[i]) !== model;
      const prevChanged = prev !== undefined && ranOn(before[prev]) !== ranOn(out[prev]);
      if ((moved ? !keepMoved : prevChanged) && r.cacheReadTokens > 0) {
        const entry = ctx.resolve(r.model)?.entry;
        const own = last.get(model);
        const ttlMs = own?.wrote1h ? HOUR_MS : entry?.cache ? chooseTtl(entry, undefined).ms : 0;
        const live = own !== undefined && (r.timeMs ?? 0) - own.timeMs <= ttlMs ? own.tokens : 0;
        // what the previous turn, as logged on this model, found cached already (kept warm by other traffic)
        const shared = prev !== undefined && ranOn(before[prev]) === model ? before[prev].cacheReadTokens : 0;
        // what it can read of that prefix: a whole number of steps on a model that reads in increments
        const readable = readInSteps(Math.max(live, shared), entry?.cache?.increment);
        if (r.cacheReadTokens > readable) {
          const rewrite = r.cacheReadTokens - readable;
          const next =
            r.cacheWrite1hTokens > 0
              ? { ...r, cacheReadTokens: readable, cacheWrite1hTokens: r.cacheWrite1hTokens + rewrite }
              : { ...r, cacheReadTokens: readable, cacheWrite5mTokens: r.cacheWrite5mTokens + rewrite };
          out[i] = fitCacheMinimum(next, entry?.cache?.minTokens);
          cut++;
        }
      }
      const s = out[i];
      const tokens = s.cacheReadTokens + s.cacheWrite5mTokens + s.cacheWrite1hTokens;
      if (tokens > 0) last.set(model, { timeMs: s.timeMs ?? 0, tokens, wrote1h: s.cacheWrite1hTokens > 0 });
      prev = i;
    }
  }
  return cut;
}
