/**
 * The gate: measure each prompt now and at the baseline (same model, traffic and output length,
 * so a delta is the prompt change alone), then apply the budgets. Pure given loaded prompts.
 *
 * Precedence for traffic and output length: command-line flags, then logs (--traffic), then the
 * prompt's entry in `check:`, then the prompt spec; output length falls back to a stated default.
 */
import { UserError } from '../core/issues.js';
import type { Femto } from '../pricing/money.js';
import { DEFAULT_OUTPUT_TOKENS, Estimator, monthlyOf, type ModelEstimate } from '../prompts/estimate.js';
import { describeOutputTokens, outputTokensFor, type OutputTokens, type Prompt, type Traffic } from '../prompts/types.js';
import { tokenizerFor, type TokenizerChoice } from '../prompts/count.js';
import { cacheableTokens } from '../prompts/price.js';
import type { Snapshot } from './baseline.js';
import { effectiveBudgets, type Budgets, type PromptConfig } from './config.js';
import { checkPrompt, checkTotal, type Measured, type Violation } from './rules.js';
import { trafficFromLogs, type TrafficByPrompt } from './traffic.js';

export type BaselineSource =
  | { kind: 'none' }
  | { kind: 'file'; label: string; snapshots: Map<string, Snapshot> }
  /** `read` returns the prompt at the revision, or null when the file did not exist there. */
  | { kind: 'git'; label: string; read: (item: CheckItem) => Prompt | null };

export interface CheckItem {
  config: PromptConfig;
  prompt: Prompt;
}

export interface CheckOverrides {
  traffic?: Traffic;
  output?: OutputTokens;
  logs?: TrafficByPrompt;
}

export interface PromptResult {
  measured: Measured;
  cacheable: number;
  staticPrefix: number;
  outputTokens: number;
  outputBasis: string;
  trafficBasis: string;
  estimatedTokens: boolean;
  /** Baseline status: no baseline, new prompt, or compared. */
  status: 'ok' | 'fail' | 'new' | 'unchanged';
  violations: Violation[];
  warnings: string[];
}

export interface CheckResult {
  prompts: PromptResult[];
  total: { monthly: Femto; before?: Femto };
  violations: Violation[];
  warnings: string[];
}

function pickTraffic(item: CheckItem, o: CheckOverrides, warnings: string[]): { traffic: Traffic; output?: { value: OutputTokens; basis: string } } {
  const logs = o.logs?.get(item.prompt.id);
  if (o.logs && !logs) warnings.push(`${item.prompt.id}: no log records tagged prompt=${item.prompt.id}; using the configured traffic`);
  const fromLogs = logs ? trafficFromLogs(logs) : undefined;
  const traffic = o.traffic ?? fromLogs?.traffic ?? item.config.traffic ?? item.prompt.traffic;
  if (!traffic) throw new UserError(`${item.config.file}: no traffic for prompt "${item.prompt.id}"`, 'set traffic: {callsPerDay: N} in check.prompts (or the spec), pass --calls-per-day, or --traffic LOGS with tags.prompt');
  if (o.output) return { traffic, output: { value: o.output, basis: '--output-tokens' } };
  if (fromLogs) return { traffic, output: { value: fromLogs.output, basis: 'logs' } };
  if (item.config.expectedOutputTokens) return { traffic, output: { value: item.config.expectedOutputTokens, basis: 'config' } };
  if (item.prompt.expectedOutputTokens) return { traffic, output: { value: item.prompt.expectedOutputTokens, basis: 'spec' } };
  return { traffic };
}

function modelOf(item: CheckItem): string {
  const m = item.config.model ?? item.prompt.models[0];
  if (!m) throw new UserError(`${item.config.file}: no model for prompt "${item.prompt.id}"`, 'set model: in check.prompts or in the spec, or pass --model');
  return m;
}

const sameTokenizer = (a: TokenizerChoice, b: TokenizerChoice) => a.encoding === b.encoding && a.factor === b.factor;

/**
 * A saved snapshot as "before": its token counts repriced at the current model, prices, hit rate,
 * output length and traffic, so the delta is the prompt change alone. That needs counts valid for
 * the current model (the same catalog entry, or the same tokenizer and a saved static prefix);
 * otherwise the saved cost per call is used, with a warning.
 */
function snapshotBefore(est: Estimator, item: CheckItem, s: Snapshot, me: ModelEstimate, traffic: Traffic, warnings: string[]): NonNullable<Measured['before']> {
  const old = s.model ? est.catalog.resolve(s.model) : undefined;
  let cacheable: number | undefined;
  if (old && s.staticPrefixTokens !== undefined && sameTokenizer(tokenizerFor(old.entry), me.tokenizer)) cacheable = cacheableTokens(s.staticPrefixTokens, me.entry.cache);
  else if (old && old.entry.id === me.entry.id) cacheable = s.cacheableTokens;
  if (cacheable !== undefined) {
    const p = est.priceTokens(est.resolve(me.model), s.inputTokens, cacheable, me.outputTokens, traffic);
    return { costPerCall: p.perCall.cached, monthly: p.perMonth!.cached, inputTokens: s.inputTokens };
  }
  warnings.push(`${item.prompt.id}: the baseline was measured on ${s.model || 'an unnamed model'}, not ${me.model}: its saved cost per call is used, so the change includes the model switch (refresh it with --update-baseline)`);
  return { costPerCall: s.costPerCall, monthly: monthlyOf({ num: s.costPerCall, den: 1n }, traffic.callsPerMonth), inputTokens: s.inputTokens };
}

function beforeOf(est: Estimator, item: CheckItem, base: BaselineSource, me: ModelEstimate, traffic: Traffic, warnings: string[]): Measured['before'] {
  if (base.kind === 'none') return undefined;
  if (base.kind === 'file') {
    const s = base.snapshots.get(item.prompt.id);
    return s ? snapshotBefore(est, item, s, me, traffic, warnings) : null;
  }
  const old = base.read(item);
  if (!old) return null;
  const b = est.estimateModel(old, me.model, me.outputTokens, traffic);
  return { costPerCall: b.perCall.cached, monthly: b.perMonth!.cached, inputTokens: b.tokens.input };
}

function statusOf(v: Violation[], before: Measured['before'], costPerCall: Femto): PromptResult['status'] {
  if (v.length) return 'fail';
  if (before === null) return 'new';
  if (before && before.costPerCall === costPerCall) return 'unchanged';
  return 'ok';
}

export function runCheck(est: Estimator, items: CheckItem[], global: Budgets, base: BaselineSource, o: CheckOverrides): CheckResult {
  const warnings: string[] = [];
  const allowedCache = new Map<string, Set<string>>();
  const allowedFor = (b: Budgets) => {
    if (!b.allowedModels) return undefined;
    const key = b.allowedModels.join('\n');
    if (!allowedCache.has(key)) allowedCache.set(key, new Set(b.allowedModels.map((m) => est.resolve(m).entry.id)));
    return allowedCache.get(key);
  };
  const prompts = items.map((item): PromptResult => {
    const w: string[] = [...item.prompt.warnings.map((x) => `${item.prompt.id}: ${x}`)];
    const { traffic, output } = pickTraffic(item, o, w);
    const outputTokens = output ? outputTokensFor(output.value) : DEFAULT_OUTPUT_TOKENS;
    const me = est.estimateModel(item.prompt, modelOf(item), outputTokens, traffic);
    const measured: Measured = {
      id: item.prompt.id, file: item.prompt.file, model: me.model, resolvedModel: me.entry.id, inputTokens: me.tokens.input,
      costPerCall: me.perCall.cached, callsPerMonth: traffic.callsPerMonth, monthly: me.perMonth!.cached,
    };
    const before = beforeOf(est, item, base, me, traffic, w);
    if (before !== undefined) measured.before = before;
    const budgets = effectiveBudgets(global, item.config.budgets);
    const violations = checkPrompt(measured, budgets, allowedFor(budgets));
    return {
      measured, cacheable: me.cacheable, staticPrefix: me.tokens.staticPrefix, outputTokens, outputBasis: output ? `${describeOutputTokens(output.value)} (${output.basis})` : `${DEFAULT_OUTPUT_TOKENS} (default)`,
      trafficBasis: traffic.basis, estimatedTokens: !me.tokenizer.exact, status: statusOf(violations, before, measured.costPerCall), violations, warnings: w,
    };
  });
  prompts.sort((a, b) => (a.measured.id < b.measured.id ? -1 : a.measured.id > b.measured.id ? 1 : 0));
  const measured = prompts.map((p) => p.measured);
  const totalViolations = checkTotal(measured, global);
  const monthly = measured.reduce((s, m) => s + m.monthly, 0n);
  const hasBase = base.kind !== 'none';
  const before = hasBase ? measured.reduce((s, m) => s + (m.before ? m.before.monthly : 0n), 0n) : undefined;
  return {
    prompts,
    total: { monthly, ...(before !== undefined ? { before } : {}) },
    violations: [...prompts.flatMap((p) => p.violations), ...totalViolations],
    warnings: [...warnings, ...prompts.flatMap((p) => p.warnings)],
  };
}
