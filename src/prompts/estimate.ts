/**
 * Estimate a prompt on one or more models: tokens per part, static prefix and cacheable tokens,
 * cost per call with and without caching, and per month at the stated traffic. Pure: prices come
 * from a Pricer, token counts from a shared TokenCounter.
 */
import { UserError } from '../core/issues.js';
import type { Catalog, Resolution } from '../pricing/catalog.js';
import { Pricer, windowsNote } from '../pricing/cost.js';
import type { ModelEntry } from '../pricing/model.js';
import { ratio, type Femto, type Ratio } from '../pricing/money.js';
import { TokenCounter } from '../tokenize/index.js';
import { countPrompt, PromptCounter, tokenizerFor, type PromptTokens, type TokenizerChoice } from './count.js';
import { cacheableTokens, callCost, mixCallCosts, roundExact, timesRatio, type CallCost, type Exact } from './price.js';
import { outputTokensFor, type OutputTokens, type Prompt, type Traffic } from './types.js';
import { inert } from '../core/untrusted.js';
import { formatCount } from '../report/cells.js';

export const DEFAULT_CACHE_HIT_RATE = 0.8;
export const DEFAULT_OUTPUT_TOKENS = 500;

export interface EstimateSettings {
  /** Replace each prompt's own models. */
  models?: string[];
  outputTokens?: OutputTokens;
  traffic?: Traffic;
  cacheHitRate: number;
  /** Prices in force at this time. */
  atMs: number;
}

export interface ModelEstimate {
  model: string;
  entry: ModelEntry;
  tokenizer: TokenizerChoice;
  tokens: PromptTokens;
  outputTokens: number;
  cacheable: number;
  cost: CallCost;
  perCall: { noCache: Femto; cached: Femto };
  /** Undefined without traffic. */
  perMonth?: { noCache: Femto; cached: Femto };
  /** Exact per-call cost at the hit rate (for monthly sums). */
  expected: Exact;
  adjustments: string[];
}

export interface PromptEstimate {
  prompt: Prompt;
  models: ModelEstimate[];
  output: OutputTokens;
  /** Where the output length came from: `spec`, `--output-tokens`, `logs`, `default`. */
  outputSource: string;
  traffic?: Traffic;
  /** Where the traffic came from: a flag, the logs, the spec (undefined: none stated). */
  trafficSource?: 'flag' | 'logs' | 'spec';
}

/** Shared state for a run: catalog, pricer, one token cache. */
export class Estimator {
  readonly pricer: Pricer;
  readonly counter = new TokenCounter();
  readonly hitRate: Ratio;

  constructor(
    readonly catalog: Catalog,
    readonly settings: EstimateSettings,
  ) {
    this.pricer = new Pricer(catalog, { atMs: settings.atMs });
    this.hitRate = ratio(settings.cacheHitRate);
  }

  resolve(model: string): Resolution {
    const res = this.catalog.resolve(model);
    if (res) return res;
    const close = this.catalog.suggest(model);
    throw new UserError(
      `unknown model "${inert(model)}": not in the pricing catalog`,
      close.length ? `closest known ids: ${close.join(', ')}` : 'add it with --prices FILE or a prices: section in tokenomics.yaml',
    );
  }

  modelsFor(prompt: Prompt): string[] {
    const models = this.settings.models?.length ? this.settings.models : prompt.models;
    if (!models.length)
      throw new UserError(
        `${prompt.file}: no model to price it with`,
        'give --model ID (comma-separated for several), or model: in the prompt spec',
      );
    return models;
  }

  estimate(prompt: Prompt, overrides: { output?: OutputTokens; outputSource?: string; traffic?: Traffic } = {}): PromptEstimate {
    const picked = pickOutput(prompt, this.settings, overrides);
    const traffic = overrides.traffic ?? this.settings.traffic ?? prompt.traffic;
    const trafficSource = overrides.traffic ? 'logs' : this.settings.traffic ? 'flag' : prompt.traffic ? 'spec' : undefined;
    const models = this.modelsFor(prompt).map((m) => this.estimateModel(prompt, m, outputTokensFor(picked.output), traffic));
    return {
      prompt,
      models,
      output: picked.output,
      outputSource: picked.source,
      ...(traffic ? { traffic } : {}),
      ...(trafficSource ? { trafficSource } : {}),
    };
  }

  /** `resolve`, naming the spec file and line when the model came from the spec. */
  resolveFor(prompt: Prompt, model: string): Resolution {
    try {
      return this.resolve(model);
    } catch (err) {
      if (!(err instanceof UserError) || !prompt.models.includes(model)) throw err;
      throw new UserError(`${prompt.file}${prompt.lines?.model ? `:${prompt.lines.model}` : ''}: ${err.message}`, err.hint);
    }
  }

  estimateModel(prompt: Prompt, model: string, outputTokens: number, traffic: Traffic | undefined): ModelEstimate {
    const res = this.resolveFor(prompt, model);
    const tokenizer = tokenizerFor(res.entry);
    const tokens = countPrompt(prompt, new PromptCounter(tokenizer, this.counter));
    const cacheable = cacheableTokens(tokens.staticPrefix, res.entry.cache);
    const priced = this.priceTokens(res, tokens.input, cacheable, outputTokens, traffic);
    return { model, entry: res.entry, tokenizer, tokens, outputTokens, cacheable, ...priced };
  }

  /**
   * Price known token counts on a resolved model: per call with and without caching, and per
   * month at `traffic`. Used for prompts just counted and for baseline snapshots (their saved
   * token counts repriced at the current model, prices, hit rate and output length).
   */
  priceTokens(
    res: Resolution,
    inputTokens: number,
    cacheable: number,
    outputTokens: number,
    traffic: Traffic | undefined,
  ): Pick<ModelEstimate, 'cost' | 'perCall' | 'perMonth' | 'expected' | 'adjustments'> {
    // calls have no time of day: where prices change by the hour, the week's share of calls inside the windows pays theirs
    const { outside, inside } = this.pricer.cardsOverTheWeek(
      res,
      { inputTokens, cacheReadTokens: 0, cacheWrite5mTokens: 0, cacheWrite1hTokens: 0, outputTokens },
      'standard',
    );
    const costAt = (prices: typeof outside.prices) => callCost(prices, inputTokens, cacheable, outputTokens, this.hitRate);
    const cost = inside ? mixCallCosts(costAt(outside.prices), costAt(inside.card.prices), inside.weekShare) : costAt(outside.prices);
    return {
      cost,
      perCall: { noCache: cost.noCache, cached: roundExact(cost.expected) },
      ...(traffic ? { perMonth: monthly(cost, traffic.callsPerMonth) } : {}),
      expected: cost.expected,
      adjustments: [...outside.adjustments, ...outside.warnings, ...(inside ? [windowsNote(outside.adjustments, inside)] : [])],
    };
  }
}

/**
 * What a call priced here cannot be on its model, from the catalog: the model retired before the pricing
 * date (`--at`, default today: calls to it fail), a prompt longer than the
 * model's context window (the provider refuses the request, so the cost shown is of a call that cannot
 * be made) or an output per call longer than the model's maximum output (a reply stops there). A model
 * whose prices go past its window (a long-context band at or above it: a larger window to opt into, as
 * claude-sonnet-4-5's 1M beta) is not held to the window.
 */
export function callLimitWarnings(me: ModelEstimate, pricesAt: string): string[] {
  const out: string[] = [];
  // the catalog's retiredAt is the day the model stopped answering (deepseek-chat: after 15:59 UTC that day)
  if (me.entry.retiredAt !== undefined && pricesAt.slice(0, 10) > me.entry.retiredAt)
    out.push(`${inert(me.model)}: retired on ${me.entry.retiredAt}: calls to it fail (prices as of ${pricesAt}, --at)`);
  const est = me.tokenizer.exact ? '' : ' (estimated)';
  const window = me.entry.contextWindow;
  const wider = (w: number) => me.entry.periods.some((p) => p.tiers.some((t) => t.threshold >= w));
  if (window !== undefined && me.tokens.input > window && !wider(window))
    out.push(
      `${inert(me.model)}: ${formatCount(me.tokens.input)} input tokens${est} are more than its context window of ${formatCount(window)}: the provider refuses such a call`,
    );
  const max = me.entry.maxOutputTokens;
  if (max !== undefined && me.outputTokens > max)
    out.push(
      `${inert(me.model)}: ${formatCount(me.outputTokens)} output tokens per call are more than its maximum output of ${formatCount(max)}: a reply stops there`,
    );
  return out;
}

function pickOutput(
  prompt: Prompt,
  s: EstimateSettings,
  o: { output?: OutputTokens; outputSource?: string },
): { output: OutputTokens; source: string } {
  if (o.output) return { output: o.output, source: o.outputSource ?? 'logs' };
  if (s.outputTokens) return { output: s.outputTokens, source: '--output-tokens' };
  if (prompt.expectedOutputTokens) return { output: prompt.expectedOutputTokens, source: 'spec' };
  return { output: { value: DEFAULT_OUTPUT_TOKENS }, source: 'default' };
}

export function monthlyOf(perCall: Exact, callsPerMonth: number): Femto {
  return roundExact(timesRatio(perCall, ratio(callsPerMonth)));
}

function monthly(cost: CallCost, callsPerMonth: number): { noCache: Femto; cached: Femto } {
  return { noCache: monthlyOf(cost.noCacheExact, callsPerMonth), cached: monthlyOf(cost.expected, callsPerMonth) };
}
