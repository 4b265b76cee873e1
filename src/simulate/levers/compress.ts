/**
 * compress: shrink the static part of prompts (instructions, few-shot examples, shared documents)
 * to `factor` of its size, in scope. The static part of a request is, in order of preference:
 * measured from its text (segments that repeat across the log, see segments.ts); `staticTokens`
 * (a given size per request); or its cached prefix (cache read + write buckets) in the current
 * state. Removed tokens come off the cached prefix first; a cached prefix left below the model's
 * minimum cacheable length becomes plain input.
 *
 * Parameters: factor (required, 0..1: the share kept), staticTokens.
 *
 * Worked example (test/simulate/levers.test.ts): 3,000 input tokens of which staticTokens 2,000,
 * factor 0.6: 800 tokens removed -> 2,200 input; at $1/MTok $0.003 -> $0.0022.
 *
 * Complexity: O(n) plus tokenizing each distinct segment once.
 */
import { int, num, opt, type Field } from '../../core/validate.js';
import { segmentFrequencies, SegmentTokenizer, staticTokens } from '../segments.js';
import { promptOf, removePromptTokens, type Lever, type LeverContext, type LeverOutcome, type SimRequest } from '../types.js';
import type { EncodingName } from '../../tokenize/encodings.js';
import { fitCacheMinimum } from './cache-rules.js';

export interface CompressParams {
  factor: number;
  staticTokens?: number;
}

export const compressFields: Record<string, Field> = { factor: { rule: num(0, 1), required: true }, staticTokens: opt(int()) };

function applyCompress(requests: readonly SimRequest[], p: CompressParams, ctx: LeverContext): LeverOutcome {
  const out = requests.slice();
  const freq = ctx.env.encode ? segmentFrequencies(requests) : new Map<string, number>();
  const toks = new Map<EncodingName, SegmentTokenizer>();
  const how = { text: 0, given: 0, cached: 0, none: 0 };
  let removedTotal = 0;
  requests.forEach((r, i) => {
    if (r.dropped || r.origin === 'added' || !ctx.inScope(r) || p.factor === 1) return;
    const P = promptOf(r);
    const n = Math.max(1, r.record.requests);
    let st: number;
    const enc = ctx.resolve(r.model)?.entry.tokenizer?.encoding ?? 'o200k_base';
    const tk = toks.get(enc) ?? toks.set(enc, new SegmentTokenizer(ctx.env, enc, freq)).get(enc)!;
    const seg = ctx.env.encode ? tk.segments(r, false) : undefined;
    if (seg && seg.tokens > 0) {
      st = Math.round((P * staticTokens(seg)) / seg.tokens);
      how.text++;
    } else if (p.staticTokens !== undefined) {
      st = Math.min(P, p.staticTokens * n);
      how.given++;
    } else if (r.cacheReadTokens + r.cacheWrite5mTokens + r.cacheWrite1hTokens > 0) {
      st = r.cacheReadTokens + r.cacheWrite5mTokens + r.cacheWrite1hTokens;
      how.cached++;
    } else {
      how.none++;
      return;
    }
    const cut = Math.round(st * (1 - p.factor));
    if (cut <= 0) return;
    removedTotal += cut * r.weight;
    out[i] = fitCacheMinimum(removePromptTokens(r, cut), ctx.resolve(r.model)?.entry.cache?.minTokens);
  });
  const notes = how.none > 0 ? [`${how.none} request(s) with no known static part (no text, no staticTokens, nothing cached) left as logged`] : [];
  return {
    requests: out,
    assumptions: [
      ['compression', `static prompt tokens kept at x${p.factor}; output quality assumed unchanged`],
      ['static part from', `text ${how.text}, staticTokens ${how.given}, cached prefix ${how.cached} request(s)`],
    ],
    notes,
    metrics: [['prompt tokens removed', String(Math.round(removedTotal))]],
    json: { removedTokens: removedTotal, staticFrom: how },
  };
}

export const compress: Lever<CompressParams> = {
  kind: 'compress',
  parse: (raw) => ({ factor: raw.factor as number, staticTokens: raw.staticTokens as number | undefined }),
  apply: applyCompress,
};
