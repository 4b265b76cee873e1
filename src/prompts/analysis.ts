/**
 * What `estimate` says beyond the numbers: compression findings priced by re-estimating the
 * edited prompt, the dynamic-before-static warning with the tokens it costs, and the output
 * contract (share of cost that is output; what a cap or a structured output would change).
 * Dollars are measured on the prompt's first model.
 */
import type { Femto } from '../pricing/money.js';
import { clip, loadBearingList, promptFindings, type FindingKind } from './compress.js';
import { PromptCounter } from './count.js';
import type { Estimator, ModelEstimate, PromptEstimate } from './estimate.js';
import { staticFirst } from './order.js';
import type { Prompt } from './types.js';

export interface Saving {
  kind: FindingKind;
  where: string;
  detail: string;
  tokensSaved: number;
  perCallSaved: Femto | null;
  perMonthSaved: Femto | null;
}

export interface OrderWarning {
  ahead: string[];
  /** Per model: more cacheable tokens, and the monthly saving when traffic is known. */
  models: { model: string; moreCacheable: number; perCallSaved: Femto; perMonthSaved: Femto | null }[];
  message: string;
}

export interface OutputOption {
  model: string;
  option: string;
  outputTokens: number;
  perCall: Femto;
  perCallSaved: Femto;
  perMonthSaved: Femto | null;
}

export interface PromptAnalysis {
  savings: Saving[];
  loadBearing: string[];
  order?: OrderWarning;
  outputShare: { model: string; share: number }[];
  outputOptions: OutputOption[];
}

export interface AnalysisOptions {
  outputCap?: number;
  structuredOutputTokens?: number;
}

function remeasure(est: Estimator, pe: PromptEstimate, me: ModelEstimate, prompt: Prompt, outputTokens = me.outputTokens): ModelEstimate {
  return est.estimateModel(prompt, me.model, outputTokens, pe.traffic);
}

function savingOf(est: Estimator, pe: PromptEstimate, edited: Prompt): Omit<Saving, 'kind' | 'where' | 'detail'> {
  const me = pe.models[0];
  const after = remeasure(est, pe, me, edited);
  return {
    tokensSaved: me.tokens.input - after.tokens.input,
    perCallSaved: me.perCall.cached - after.perCall.cached,
    perMonthSaved: me.perMonth && after.perMonth ? me.perMonth.cached - after.perMonth.cached : null,
  };
}

export function orderWarning(est: Estimator, pe: PromptEstimate): OrderWarning | undefined {
  const first = pe.models[0];
  const pc = new PromptCounter(first.tokenizer, est.counter);
  const r = staticFirst(pe.prompt, (s) => pc.scale(pc.raw(s)));
  if (!r) return undefined;
  const models = pe.models.map((me) => {
    const after = remeasure(est, pe, me, r.prompt);
    return {
      model: me.model,
      moreCacheable: after.cacheable - me.cacheable,
      perCallSaved: me.perCall.cached - after.perCall.cached,
      perMonthSaved: me.perMonth && after.perMonth ? me.perMonth.cached - after.perMonth.cached : null,
    };
  });
  const best = models.reduce((a, b) => (b.moreCacheable > a.moreCacheable ? b : a));
  if (best.moreCacheable <= 0) return undefined;
  const vars = r.ahead.map((v) => `{{${v}}}`).join(', ') || 'dynamic content';
  const per = models.map((m) => `${m.model}: ${m.moreCacheable.toLocaleString('en-US')}`).join('; ');
  const message = `${pe.prompt.id}: dynamic content (${vars}) comes before static instructions; move the retrieved context after the instructions to cache ${best.moreCacheable.toLocaleString('en-US')} more tokens (${per})`;
  return { ahead: r.ahead, models, message };
}

function outputOptions(est: Estimator, pe: PromptEstimate, opts: AnalysisOptions): OutputOption[] {
  const out: OutputOption[] = [];
  const add = (option: string, tokens: number) => {
    for (const me of pe.models) {
      const after = remeasure(est, pe, me, pe.prompt, tokens);
      out.push({
        model: me.model,
        option,
        outputTokens: tokens,
        perCall: after.perCall.cached,
        perCallSaved: me.perCall.cached - after.perCall.cached,
        perMonthSaved: me.perMonth && after.perMonth ? me.perMonth.cached - after.perMonth.cached : null,
      });
    }
  };
  if (opts.outputCap !== undefined) add(`cap at ${opts.outputCap} tokens`, Math.min(opts.outputCap, pe.models[0].outputTokens));
  if (opts.structuredOutputTokens !== undefined)
    add(`structured output (${opts.structuredOutputTokens} tokens)`, opts.structuredOutputTokens);
  return out;
}

export function analyzePrompt(est: Estimator, pe: PromptEstimate, opts: AnalysisOptions): PromptAnalysis {
  const savings: Saving[] = [];
  for (const f of promptFindings(pe.prompt)) {
    if (!f.edited) continue;
    const s = savingOf(est, pe, f.edited);
    if (s.tokensSaved > 0) savings.push({ kind: f.kind, where: f.where, detail: f.detail, ...s });
  }
  const order = orderWarning(est, pe);
  return {
    savings,
    loadBearing: loadBearingList(pe.prompt),
    ...(order ? { order } : {}),
    outputShare: pe.models.map((me) => ({
      model: me.model,
      share: me.perCall.cached > 0n ? Number((me.cost.output * 1_000_000n) / me.perCall.cached) / 1_000_000 : 0,
    })),
    outputOptions: outputOptions(est, pe, opts),
  };
}

/** An instruction shared by several prompt files, as a finding with its token count. */
export function sharedSaving(sentence: string, ids: string[], tokens: number): Saving {
  return {
    kind: 'shared-across-files',
    where: ids.join(', '),
    detail: `"${clip(sentence)}" in ${ids.length} files`,
    tokensSaved: tokens,
    perCallSaved: null,
    perMonthSaved: null,
  };
}
