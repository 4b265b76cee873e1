/**
 * summarize: replace the older turns of long conversations with a summary.
 *
 * Conversations are requests sharing a conversationId (per replica), ordered by turn. The history
 * carried at turn t is its prompt minus the first turn's prompt: H(t) = prompt(t) - prompt(1).
 * When the history not yet summarised holds more than `afterTurns` turns or more than
 * `afterTokens` tokens, a summary call is added (input: that history plus `instructionTokens`,
 * output: `summaryTokens`, on `model`, default the conversation's model) and from that turn on the
 * history is S tokens plus whatever accrued since: prompt'(t) = prompt(t) - (H(t0) - S) for the
 * latest summary at t0 (history can be summarised again later, folding the old summary in).
 * Removed tokens come off the cached prefix first (history is what a cache holds), and a cached
 * prefix left below the model's minimum cacheable length becomes plain input; otherwise the cache
 * effect after a summary (a new prefix to write) is not modelled: put prefixCache after this
 * lever to re-simulate it.
 *
 * Parameters: afterTurns, afterTokens (at least one), summaryTokens (required), model,
 * instructionTokens (200).
 *
 * Worked example (test/simulate/levers.test.ts): prompts 1,000 / 3,000 / 5,000 / 7,000 tokens
 * over turns 1-4, afterTokens 3,000, summaryTokens 500. Turn 3 carries H = 4,000 > 3,000: a summary
 * call reads 4,200 and writes 500; turn 3 then sends 5,000 - 3,500 = 1,500 and turn 4 sends
 * 7,000 - 3,500 = 3,500 (its history 500 + 2,000 = 2,500 stays under the limit). At $1/MTok input
 * and $5/MTok output: before $0.016; after 1,000 + 3,000 + 1,500 + 3,500 + 4,200 = 13,200 input
 * tokens and 500 output -> $0.0132 + $0.0025 = $0.0157.
 *
 * Complexity: O(n log n) (sorting turns within conversations).
 */
import { UserError } from '../../core/issues.js';
import { int, opt, str, type Field, type ValidationError } from '../../core/validate.js';
import { col, type Section } from '../../report/model.js';
import { fitCacheMinimum } from './cache-rules.js';
import { promptOf, removePromptTokens, type Lever, type LeverContext, type LeverOutcome, type SimRequest } from '../types.js';

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
  return raw.afterTurns === undefined && raw.afterTokens === undefined ? [{ path: [], message: 'give afterTurns or afterTokens (or both)' }] : [];
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

function summaryCall(r: SimRequest, p: SummarizeParams, history: number): SimRequest {
  return {
    ...r, id: `${r.id}+summarize`, model: p.model ?? r.model, serviceTier: 'standard', origin: 'added', addedBy: 'summarize',
    inputTokens: history + p.instructionTokens, cacheReadTokens: 0, cacheWrite5mTokens: 0, cacheWrite1hTokens: 0, outputTokens: p.summaryTokens,
    retryFactor: 1, successes: 0, dropped: false, extraFemto: 0n,
  };
}

interface ConvResult {
  summaries: number;
  added: SimRequest[];
}

function summarizeConversation(out: SimRequest[], list: number[], p: SummarizeParams, minTokens: (r: SimRequest) => number | undefined): ConvResult {
  const first = promptOf(out[list[0]]);
  let removed = 0; // tokens cut from every later turn
  let baseTurn = out[list[0]].record.turn! - 1; // turns up to here are summarised
  const res: ConvResult = { summaries: 0, added: [] };
  for (const i of list) {
    const r = out[i];
    const H = Math.max(0, promptOf(r) - first);
    const carried = H - removed; // history tokens actually sent
    const turns = r.record.turn! - baseTurn - 1;
    const over = (p.afterTurns !== undefined && turns > p.afterTurns) || (p.afterTokens !== undefined && carried > p.afterTokens);
    if (over && carried > p.summaryTokens) {
      res.added.push(summaryCall(r, p, carried));
      res.summaries++;
      removed = H - p.summaryTokens;
      baseTurn = r.record.turn! - 1;
    }
    if (removed > 0) out[i] = fitCacheMinimum(removePromptTokens(r, Math.min(removed, H)), minTokens(r));
  }
  return res;
}

function applySummarize(requests: readonly SimRequest[], p: SummarizeParams, ctx: LeverContext): LeverOutcome {
  if (p.model && !ctx.resolve(p.model)) throw new UserError(`summarize: model "${p.model}" is not in the pricing catalog`, 'use a model id that `tokenomics prices MODEL` resolves');
  const out = requests.slice();
  const convs = conversations(requests, ctx);
  const added: SimRequest[] = [];
  let touched = 0;
  let before = 0n;
  let after = 0n;
  for (const list of convs.values()) {
    const res = summarizeConversation(out, list, p, (r) => ctx.resolve(r.model)?.entry.cache?.minTokens);
    if (res.summaries === 0) continue;
    touched++;
    added.push(...res.added);
    for (const i of list) {
      before += ctx.cost(requests[i]) ?? 0n;
      after += ctx.cost(out[i]) ?? 0n;
    }
    for (const a of res.added) after += ctx.cost(a) ?? 0n;
  }
  const n = BigInt(Math.max(1, touched));
  const details: Section[] = [{
    id: 'summarize', title: 'Summarization: conversations summarised',
    columns: [col('conversations', 'Conversations', 'int'), col('summarised', 'Summarised', 'int'), col('calls', 'Summary calls', 'int'), col('before', 'Cost/conv before', 'usd'), col('after', 'Cost/conv after', 'usd')],
    rows: [{ conversations: convs.size, summarised: touched, calls: added.length, before: touched ? before / n : undefined, after: touched ? after / n : undefined }],
  }];
  return {
    requests: [...out, ...added],
    assumptions: [
      ['trigger', [p.afterTurns !== undefined ? `> ${p.afterTurns} turns` : '', p.afterTokens !== undefined ? `> ${p.afterTokens} history tokens` : ''].filter(Boolean).join(' or ')],
      ['summary', `${p.summaryTokens} tokens by ${p.model ?? 'the conversation model'}, ${p.instructionTokens} instruction tokens per call`],
      ['history', 'turn t carries prompt(t) - prompt(turn 1) history tokens; removed tokens come off the cached prefix first'],
    ],
    notes: convs.size === 0 ? ['no multi-turn conversations in scope (records need conversationId and turn)'] : [],
    metrics: [['conversations summarised', `${touched} of ${convs.size}`], ['summary calls added', String(added.length)]],
    details,
    json: { conversations: convs.size, summarised: touched, summaryCalls: added.length },
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
