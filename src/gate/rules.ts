/**
 * Budget rules. Each broken rule is a Violation naming the prompt, the rule, the limit, the
 * actual value and the dollar impact per month:
 *  - maxCostPerCall: (cost per call - limit) x calls per month
 *  - maxMonthlyUsd, total: monthly cost - limit
 *  - maxIncreasePct, maxIncreaseUsd: the increase per month at current traffic
 *  - maxTokens, allowedModels: the increase per month vs the baseline, else the monthly cost
 * Comparisons are exact (integer femto-dollars, limits as exact decimals).
 */
import { formatCount } from '../report/cells.js';
import { decimalToScaled, formatUsd, ratio, type Femto } from '../pricing/money.js';
import { monthlyOf } from '../prompts/estimate.js';
import type { Budgets } from './config.js';

type RuleName =
  | 'maxCostPerCall'
  | 'maxMonthlyUsd'
  | 'maxTotalMonthlyUsd'
  | 'maxIncreasePct'
  | 'maxIncreaseUsd'
  | 'maxTokens'
  | 'allowedModels';

export interface Violation {
  prompt: string;
  file?: string;
  /** Line of the change that caused it (the model, the first edited prompt line...), for annotations. */
  line?: number;
  rule: RuleName;
  limit: string;
  actual: string;
  impactMonthly: Femto;
  message: string;
}

export interface Measured {
  id: string;
  file: string;
  model: string;
  /** Resolved catalog id of the model. */
  resolvedModel: string;
  inputTokens: number;
  costPerCall: Femto;
  callsPerMonth: number;
  monthly: Femto;
  /** Whether either side's token counts are estimates (a model without a public tokenizer): the message says so. */
  estimatedTokens?: boolean;
  /** Undefined: no baseline run; null: new prompt (absent from the baseline). */
  before?: { costPerCall: Femto; monthly: Femto; inputTokens: number } | null;
}

const usdLimit = (usd: number): Femto => decimalToScaled(usd, 15);
const signed = (f: Femto) => (f >= 0n ? '+' : '') + formatUsd(f);
const perMonth = (f: Femto) => `${signed(f)}/month`;

function impactVsBefore(m: Measured): Femto {
  return m.before ? m.monthly - m.before.monthly : m.monthly;
}

function increasePct(m: Measured): number | undefined {
  if (!m.before || m.before.costPerCall === 0n) return undefined;
  return Number(((m.costPerCall - m.before.costPerCall) * 1_000_000n) / m.before.costPerCall) / 10_000;
}

function contextOf(m: Measured): string {
  const calls = `${formatCount(m.callsPerMonth)} calls/month`;
  const est = m.estimatedTokens ? ' (token counts estimated)' : '';
  if (!m.before) return `${formatUsd(m.costPerCall)}/call at ${calls}${est}`;
  return `${formatUsd(m.before.costPerCall)} -> ${formatUsd(m.costPerCall)} per call (${signed(m.costPerCall - m.before.costPerCall)}) at ${calls}${est}`;
}

function pctText(pct: number): string {
  return `${pct >= 0 ? '+' : ''}${pct.toFixed(1)}%`;
}

/** Violations of one prompt's budgets. `allowed` holds the resolved ids of allowedModels. */
export function checkPrompt(m: Measured, b: Budgets, allowed?: Set<string>): Violation[] {
  const out: Violation[] = [];
  const add = (rule: RuleName, limit: string, actual: string, impactMonthly: Femto) =>
    out.push({
      prompt: m.id,
      file: m.file,
      rule,
      limit,
      actual,
      impactMonthly,
      message: `${m.id}: ${rule} exceeded: ${actual} (limit ${limit}); ${contextOf(m)}; impact ${perMonth(impactMonthly)}`,
    });
  if (b.maxCostPerCall !== undefined && m.costPerCall > usdLimit(b.maxCostPerCall)) {
    const over = monthlyOf({ num: m.costPerCall - usdLimit(b.maxCostPerCall), den: 1n }, m.callsPerMonth);
    add('maxCostPerCall', `${formatUsd(usdLimit(b.maxCostPerCall))}/call`, `${formatUsd(m.costPerCall)}/call`, over);
  }
  if (b.maxMonthlyUsd !== undefined && m.monthly > usdLimit(b.maxMonthlyUsd))
    add(
      'maxMonthlyUsd',
      `${formatUsd(usdLimit(b.maxMonthlyUsd))}/month`,
      `${formatUsd(m.monthly)}/month`,
      m.monthly - usdLimit(b.maxMonthlyUsd),
    );
  if (b.maxIncreasePct !== undefined && m.before) {
    const r = ratio(b.maxIncreasePct);
    const delta = m.costPerCall - m.before.costPerCall;
    // delta / before > limit / 100, multiplied out: a rise from $0 per call (a free or self-hosted model
    // before) is an unbounded increase, over any limit
    if (delta > 0n && delta * 100n * r.den > r.num * m.before.costPerCall) {
      const pct = increasePct(m);
      const actual = pct === undefined ? `from ${formatUsd(0n)} per call (no percentage of $0)` : `${pctText(pct)} per call`;
      add('maxIncreasePct', `+${b.maxIncreasePct}%`, actual, m.monthly - m.before.monthly);
    }
  }
  // a new prompt (absent from the baseline) adds its whole monthly cost
  const increase = m.before ? m.monthly - m.before.monthly : m.before === null ? m.monthly : undefined;
  if (b.maxIncreaseUsd !== undefined && increase !== undefined && increase > usdLimit(b.maxIncreaseUsd)) {
    add('maxIncreaseUsd', perMonth(usdLimit(b.maxIncreaseUsd)), perMonth(increase), increase);
  }
  if (b.maxTokens !== undefined && m.inputTokens > b.maxTokens)
    add(
      'maxTokens',
      `${b.maxTokens.toLocaleString('en-US')} input tokens`,
      `${m.inputTokens.toLocaleString('en-US')} input tokens`,
      impactVsBefore(m),
    );
  if (allowed && !allowed.has(m.resolvedModel))
    add('allowedModels', b.allowedModels?.length ? b.allowedModels.join(', ') : 'none', m.model, impactVsBefore(m));
  return out;
}

export function checkTotal(all: readonly Measured[], global: Budgets): Violation[] {
  if (global.maxTotalMonthlyUsd === undefined) return [];
  const total = all.reduce((s, m) => s + m.monthly, 0n);
  const limit = usdLimit(global.maxTotalMonthlyUsd);
  if (total <= limit) return [];
  return [
    {
      prompt: 'total',
      rule: 'maxTotalMonthlyUsd',
      limit: `${formatUsd(limit)}/month`,
      actual: `${formatUsd(total)}/month`,
      impactMonthly: total - limit,
      message: `total: maxMonthlyUsd.total exceeded: ${formatUsd(total)}/month (limit ${formatUsd(limit)}/month); impact ${perMonth(total - limit)}`,
    },
  ];
}
