/**
 * outputCap: cap output at `maxTokens` per request, or scale it by `factor` (<= 1), in scope.
 * Reasoning tokens are part of output and count toward the cap. The real output-length
 * distribution in scope is reported (p50/p90/p99/max) with how many responses the cap would
 * truncate; the quality cost of truncation is not modelled. A shortened answer also shortens the
 * history every later turn of its conversation re-sends (output-history.ts): those prompts lose the
 * same tokens where the answer sits, from what the next turn writes and from the cached prefix of
 * the turns after it. Those prompts hold the answer's text, not its reasoning (which comes first and
 * is not re-sent): an answer of 500 tokens, 300 of them reasoning, capped at 250 keeps no text, and
 * the later prompts lose its 200 text tokens.
 *
 * Parameters: maxTokens, factor (one of them).
 *
 * Worked example (test/simulate/levers.test.ts): outputs 100, 300, 800, 2,000 tokens at
 * $5/MTok, maxTokens 500: 100 + 300 + 500 + 500 = 1,400 tokens, $0.007 instead of $0.016;
 * 2 of 4 responses (50%) truncated, p50 300, max 2,000. In a conversation whose turn 1 answer is
 * cut from 800 to 500 tokens, turns 2 and 3 each send 300 prompt tokens less.
 *
 * Complexity: O(n log n) (percentiles).
 */
import { int, num, opt, type Field, type ValidationError } from '../../core/validate.js';
import { propagateOutputChanges } from '../output-history.js';
import { resentAnswer, type Lever, type LeverContext, type LeverOutcome, type SimRequest } from '../types.js';
import type { OutputCapDetails } from '../lever-details.js';

export interface OutputCapParams {
  maxTokens?: number;
  factor?: number;
}

export const outputCapFields: Record<string, Field> = { maxTokens: opt(int(1)), factor: opt(num(0, 1)) };

export function checkOutputCap(raw: Record<string, unknown>): ValidationError[] {
  return raw.maxTokens === undefined && raw.factor === undefined ? [{ path: [], message: 'give maxTokens or factor' }] : [];
}

export function percentile(sorted: number[], q: number): number {
  if (sorted.length === 0) return 0;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))];
}

function capped(out: number, n: number, p: OutputCapParams): number {
  let v = out;
  if (p.factor !== undefined) v = Math.round(v * p.factor);
  if (p.maxTokens !== undefined) v = Math.min(v, p.maxTokens * n);
  return v;
}

function applyOutputCap(requests: readonly SimRequest[], p: OutputCapParams, ctx: LeverContext): LeverOutcome {
  const out = requests.slice();
  const lengths: number[] = [];
  let truncated = 0;
  let total = 0;
  const changed = new Map<number, number>();
  requests.forEach((r, i) => {
    if (r.dropped || r.origin === 'added' || !ctx.inScope(r)) return;
    const n = Math.max(1, r.record.requests);
    lengths.push(r.outputTokens / n);
    total += n * r.weight;
    const v = capped(r.outputTokens, n, p);
    // the cap stays with the request: a model it is routed to later answers within it too
    const maxOutputTokens = p.maxTokens === undefined ? r.maxOutputTokens : Math.min(r.maxOutputTokens ?? Infinity, p.maxTokens * n);
    if (maxOutputTokens !== r.maxOutputTokens) out[i] = { ...r, maxOutputTokens };
    if (v < r.outputTokens) {
      truncated += n * r.weight;
      out[i] = { ...out[i], outputTokens: v };
      // later turns re-send the answer's text, not its reasoning: a cut takes the text first
      const d = resentAnswer(out[i]) - resentAnswer(r);
      if (d !== 0) changed.set(i, d);
    }
  });
  const history = propagateOutputChanges(out, changed, ctx);
  lengths.sort((a, b) => a - b);
  const q = (x: number) => Math.round(percentile(lengths, x));
  const details: OutputCapDetails = {
    lever: 'outputCap',
    maxTokens: p.maxTokens ?? null,
    factor: p.factor ?? null,
    responses: total,
    p50: q(0.5),
    p90: q(0.9),
    p99: q(0.99),
    max: q(1),
    truncated,
    share: total ? truncated / total : 0,
  };
  return {
    requests: out,
    assumptions: [
      [
        'output cap',
        `${p.maxTokens !== undefined ? `max ${p.maxTokens} tokens` : ''}${p.maxTokens !== undefined && p.factor !== undefined ? ' and ' : ''}${p.factor !== undefined ? `x${p.factor}` : ''} per response (reasoning included); quality effect of truncation not modelled`,
      ],
    ],
    notes: [],
    metrics: [
      ['responses shortened', `${Math.round(truncated)} of ${Math.round(total)}`],
      ['output p50 / p90 / p99', `${details.p50} / ${details.p90} / ${details.p99}`],
      ['later-turn prompt tokens removed', String(Math.round(-history.tokens))],
    ],
    details,
    json: {
      responses: total,
      truncated,
      p50: details.p50,
      p90: details.p90,
      p99: details.p99,
      max: details.max,
      laterTurns: history.requests,
      laterTurnTokens: history.tokens,
    },
  };
}

export const outputCap: Lever<OutputCapParams> = {
  kind: 'outputCap',
  parse: (raw) => ({ maxTokens: raw.maxTokens as number | undefined, factor: raw.factor as number | undefined }),
  apply: applyOutputCap,
};
