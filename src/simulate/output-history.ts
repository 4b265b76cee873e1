/**
 * The context-window tax of an answer: in a conversation every later turn re-sends the earlier
 * answers as history, so a lever that changes an answer's length (an output cap, an answer served
 * from a semantic cache, a routed model that writes more or less) also changes the prompt of every
 * later turn of that conversation by the same number of tokens. What a later turn re-sends is the
 * answer without its reasoning (types.ts, resentTokens): a reasoning model's answer of 500 output
 * tokens, 300 of them reasoning, sits in the next prompt as 200 tokens, and a cap of 250 (reasoning
 * first, then text) takes those 200 out of the later prompts, not 250.
 *
 * Turn t's prompt changes by the sum of the re-sent answers' changes of the turns before it (same
 * conversation and volume replica, ordered by turn, else by time). Each change sits at a place in
 * the later prompt: turn i's answer starts where turn i's prompt ends (a conversation's prompt is the
 * previous prompt, its answer and the new message), so the tokens an answer loses or gains are taken
 * from, or added to, the bucket that holds that place in the later turn's prompt, whose buckets lie
 * in prompt order: cache read, cache write (1h, then 5m), uncached input. On the turn right after
 * the answer, the read is the previous prompt as cached and the answer sits in what the turn writes
 * (or sends uncached); on the turns after that, it sits inside the cached prefix they read.
 * (Taking every change from the cache read made the next turn read tokens that no earlier request
 * had cached, and adding every longer answer as uncached input billed at the input price what later
 * turns read from the cache.) A cached prefix left below the model's minimum becomes plain input.
 * Where summarize (listed earlier) replaced the history holding the answer, the summary call sends
 * the answer at its new length and the turns from the summary on carry the summary instead, so the
 * change stops there.
 * Token counts are carried over as they are (a routed conversation's later turns are routed too,
 * so both sides are counted by the target's tokenizer).
 *
 * Complexity: O(n log n) (ordering the turns of each conversation).
 */
import { fitCacheMinimum } from './levers/cache-rules.js';
import { withSummaryCache } from './summary-call.js';
import { eachCacheState, promptOf, removePromptTokens, resentAnswer, withEdit, type LeverContext, type SimRequest } from './types.js';

export interface HistoryChange {
  /** Later turns whose prompt changed (weighted by volume). */
  requests: number;
  /** Prompt tokens added (negative: removed) across those turns, weighted. */
  tokens: number;
}

/**
 * A request answered from a semantic cache (`servedBy`) got the answer of the request that
 * answered first: when that answer's length changes (an output cap, a routed model's output), the
 * served answer changes with it, and the served conversation's later turns re-send the new length.
 * Returns the changes with those of the served requests added (their `outputTokens` updated in place).
 */
function withServedAnswers(out: SimRequest[], changes: ReadonlyMap<number, number>): ReadonlyMap<number, number> {
  const changedIds = new Map<string, number>();
  for (const i of changes.keys()) changedIds.set(out[i].id, i);
  let all: Map<number, number> | undefined;
  out.forEach((r, j) => {
    const src = r.served && r.dropped ? changedIds.get(r.served.by) : undefined;
    if (src === undefined || !r.served || changes.has(j) || out[src].outputTokens === r.served.tokens) return;
    const next = { ...r, served: { ...r.served, tokens: out[src].outputTokens } };
    all ??= new Map(changes);
    all.set(j, resentAnswer(next) - resentAnswer(r));
    out[j] = next;
  });
  return all ?? changes;
}

/** The answer a request's user got, as later turns re-send it (reasoning left out): the served one for a semantic-cache hit, else its own. */
const answerOf = resentAnswer;

/**
 * Apply answer changes (request index -> tokens the later turns re-send added, negative when
 * shortened: resentAnswer after the change less before it, reasoning left out) to the prompts of
 * later turns of the same conversations, in place. A change to an answer a semantic cache
 * served to other requests changes theirs too (withServedAnswers).
 */
export function propagateOutputChanges(
  out: SimRequest[],
  logged: ReadonlyMap<number, number>,
  ctx: Pick<LeverContext, 'resolve'>,
): HistoryChange {
  const res: HistoryChange = { requests: 0, tokens: 0 };
  if (logged.size === 0) return res;
  const changes = withServedAnswers(out, logged);
  const keyOf = (r: SimRequest) => `${r.conversation}\u0000${r.replica}`;
  const touched = new Set<string>();
  for (const i of changes.keys()) if (out[i].conversation !== undefined) touched.add(keyOf(out[i]));
  if (touched.size === 0) return res;
  const convs = new Map<string, number[]>();
  const summaryCalls = new Map<string, number>(); // id of the turn before a summary -> its summary call
  out.forEach((r, i) => {
    if (r.summaryOf) summaryCalls.set(r.summaryOf.after, i);
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
    const earlier: PromptChange[] = [];
    let prev: number | undefined;
    for (const i of list) {
      const r = out[i];
      if (earlier.length > 0 && prev !== undefined && sendsSummary(r)) {
        // a summary (summarize) replaced the history that held these answers: the summary call sends
        // them at their new length, and from this turn on the prompt carries the summary instead
        const k = summaryCalls.get(out[prev].id);
        if (k !== undefined) {
          const call = out[k];
          out[k] = refold(
            call,
            out[prev],
            earlier.reduce((s, c) => s + c.tokens, 0),
            ctx,
          );
          res.requests += call.weight;
          res.tokens += (promptOf(out[k]) - promptOf(call)) * call.weight;
        }
        earlier.length = 0;
      }
      prev = i;
      if (earlier.length > 0 && !r.dropped) {
        const next = withEdit(withPromptChanges(r, earlier), { kind: 'history', changes: earlier.slice() });
        out[i] = fitCacheMinimum(next, ctx.resolve(r.model)?.entry.cache?.minTokens);
        res.requests += r.weight;
        res.tokens += (promptOf(next) - promptOf(r)) * r.weight;
      }
      const d = changes.get(i) ?? 0;
      if (d === 0) continue;
      // turn i's answer begins where its prompt (before the changes above) ends; `r` holds the new
      // answer length, and the change is the tail past the shorter of the old and new answers
      earlier.push({ at: promptOf(r) + Math.min(answerOf(r), answerOf(r) - d), tokens: d });
    }
  }
  return res;
}

/** Whether a turn is the one that first sends a summary in place of its history (summarize). */
const sendsSummary = (r: SimRequest) => r.edits?.some((e) => e.kind === 'summary' && e.template !== undefined) ?? false;

/**
 * A summary call after the answers it folds changed length by `tokens` in all: sent cold, its
 * history changes by as much; reading the previous turn's cached prefix, it reads and sends that
 * turn as it now is (`sent`).
 */
function refold(call: SimRequest, sent: SimRequest, tokens: number, ctx: Pick<LeverContext, 'resolve'>): SimRequest {
  const s = call.summaryOf!;
  const next = { ...call, summaryOf: { ...s, history: Math.max(0, s.history + tokens) } };
  return call.cacheReadTokens > 0
    ? withSummaryCache(next, sent, Number.POSITIVE_INFINITY, ctx)
    : { ...next, inputTokens: next.summaryOf.history + s.instructionTokens };
}

/** An answer's change as a later prompt sees it: `tokens` removed (negative) from, or added at, prompt position `at`. */
interface PromptChange {
  at: number;
  tokens: number;
}

/**
 * A later turn's buckets after earlier answers changed: each change is taken from, or added to, the
 * bucket that holds its position (buckets in prompt order: read, 1h write, 5m write, input). The
 * positions are those of the prompt as it was before the lever, where the changes do not overlap.
 */
export function withPromptChanges(r: SimRequest, changes: readonly PromptChange[]): SimRequest {
  return eachCacheState(r, (x) => changeState(x, changes));
}

function changeState(r: SimRequest, changes: readonly PromptChange[]): SimRequest {
  const bounds = [r.cacheReadTokens, r.cacheWrite1hTokens, r.cacheWrite5mTokens, r.inputTokens];
  const delta = [0, 0, 0, 0];
  const P = promptOf(r);
  let unplaced = 0;
  for (const c of changes) {
    if (c.tokens > 0) {
      // an insertion at position `at` joins the bucket that holds the token at `at` (past the end: input)
      let start = 0;
      let b = 0;
      while (b < 3 && !(c.at < start + bounds[b])) start += bounds[b++];
      delta[b] += c.tokens;
      continue;
    }
    // a removal of [at, at + n) takes each bucket's overlap with it
    const from = Math.min(c.at, P);
    const to = Math.min(c.at - c.tokens, P);
    let start = 0;
    for (let b = 0; b < 4; b++) {
      const end = start + bounds[b];
      delta[b] -= Math.max(0, Math.min(to, end) - Math.max(from, start));
      start = end;
    }
    unplaced += -c.tokens - Math.max(0, to - from);
  }
  const next: SimRequest = {
    ...r,
    cacheReadTokens: r.cacheReadTokens + delta[0],
    cacheWrite1hTokens: r.cacheWrite1hTokens + delta[1],
    cacheWrite5mTokens: r.cacheWrite5mTokens + delta[2],
    inputTokens: r.inputTokens + delta[3],
  };
  // a change past the end of the prompt (counts that do not add up as a conversation): from the cached prefix first
  return unplaced > 0 ? removePromptTokens(next, unplaced) : next;
}
