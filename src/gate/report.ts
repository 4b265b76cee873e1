/**
 * The `check` outputs: the typed data (CheckData, report/check-data.ts: the JSON document, also
 * the baseline format, amounts as Femto; its view derives the report, whose markdown is the PR
 * comment), GitHub annotations and `$GITHUB_OUTPUT` values. Deterministic: rows sorted by prompt
 * id, no clock.
 *
 * Prompt ids, model names and file names are untrusted (they come from files in the pull
 * request): they reach the terminal through `inert`, the comment through `inertMarkdown` and
 * workflow commands through `githubMessage`/`githubProperty`.
 */
import { githubMessage, githubProperty, inert } from '../core/untrusted.js';
import { femtoToUsdString, formatUsd, type Femto } from '../pricing/money.js';
import type { CheckContext, CheckData, CheckPromptData, CheckSideData } from '../report/check-data.js';
import { DAYS_PER_MONTH } from '../prompts/types.js';
import type { Budgets } from './config.js';
import type { CheckResult, PromptResult } from './run.js';

export interface CheckMeta {
  schemaVersion: number;
  cacheHitRate: number;
  baseline?: string;
  pricesAt?: string;
  budgets: Budgets;
  /** The config the run read (recorded in a saved baseline). */
  configFile?: string;
}

const signed = (f: Femto) => (f > 0n ? '+' : '') + formatUsd(f);

function summaryLine(r: CheckResult): string {
  const delta = r.total.before !== undefined ? r.total.monthly - r.total.before : undefined;
  const change = delta !== undefined ? `; change ${signed(delta)}/month` : '';
  const checked = r.prompts.filter((p) => p.status !== 'removed').length;
  if (r.violations.length === 0)
    return `PASS: ${checked} prompt${checked === 1 ? '' : 's'} within budget (${formatUsd(r.total.monthly)}/month${change})`;
  const byPrompt = new Map<string, string[]>();
  for (const v of r.violations) byPrompt.set(v.prompt, [...(byPrompt.get(v.prompt) ?? []), v.rule]);
  const names = [...byPrompt].map(([p, rules]) => `${inert(p)} (${rules.join(', ')})`).join('; ');
  return `FAIL: ${r.violations.length} budget violation${r.violations.length === 1 ? '' : 's'}: ${names}${change}`;
}

const pctOf = (before: Femto, after: Femto) => (before ? Number(((after - before) * 10_000n) / before) / 100 : null);

function sideData(p: PromptResult['base'] & {}): CheckSideData {
  return {
    model: p.model,
    inputTokens: p.inputTokens,
    cacheableTokens: p.cacheable,
    staticPrefixTokens: p.staticPrefix,
    outputTokens: p.outputTokens,
    callsPerMonth: p.callsPerMonth,
    costPerCallUsd: p.costPerCall,
    monthlyUsd: p.monthly,
  };
}

function promptData(p: PromptResult): CheckPromptData {
  const m = p.measured;
  const b = m.before;
  return {
    id: m.id,
    file: m.file,
    model: m.model,
    resolvedModel: m.resolvedModel,
    status: p.status,
    changes: p.changes,
    callsPerMonth: m.callsPerMonth,
    traffic: p.trafficBasis,
    outputTokens: p.outputTokens,
    output: p.outputBasis,
    estimatedTokens: p.estimatedTokens,
    assumptions: {
      traffic: {
        callsPerDay: Number((m.callsPerMonth / DAYS_PER_MONTH).toFixed(6)),
        callsPerMonth: m.callsPerMonth,
        source: p.trafficSource,
        basis: p.trafficBasis,
        ...(p.trafficShare !== undefined ? { share: Number(p.trafficShare.toFixed(6)) } : {}),
      },
      outputTokens: { value: p.outputTokens, source: p.outputSource, basis: p.outputBasis },
    },
    current: {
      inputTokens: m.inputTokens,
      cacheableTokens: p.cacheable,
      staticPrefixTokens: p.staticPrefix,
      costPerCallUsd: m.costPerCall,
      monthlyUsd: m.monthly,
      ...(p.textSha256 !== undefined ? { textSha256: p.textSha256 } : {}),
    },
    baseline: p.base ? sideData(p.base) : b ? { inputTokens: b.inputTokens, costPerCallUsd: b.costPerCall, monthlyUsd: b.monthly } : null,
    delta: b
      ? {
          inputTokens: m.inputTokens - b.inputTokens,
          costPerCallUsd: m.costPerCall - b.costPerCall,
          monthlyUsd: m.monthly - b.monthly,
          pct: pctOf(b.costPerCall, m.costPerCall),
        }
      : b === null
        ? { monthlyUsd: m.monthly, pct: null }
        : null,
    violations: p.violations.map((v) => ({
      rule: v.rule,
      limit: v.limit,
      actual: v.actual,
      impactMonthlyUsd: v.impactMonthly,
      message: v.message,
      file: v.file ?? null,
      line: v.line ?? null,
    })),
  };
}

/** The run as `check`'s typed data (its --format json document and the baseline file, written by report/data.ts). */
export function checkData(r: CheckResult, meta: CheckMeta): CheckData {
  return {
    schemaVersion: meta.schemaVersion,
    command: 'check',
    verdict: r.violations.length ? 'fail' : 'pass',
    summary: summaryLine(r),
    source: { config: meta.configFile ?? null },
    assumptions: {
      cacheHitRate: meta.cacheHitRate,
      daysPerMonth: DAYS_PER_MONTH,
      baseline: meta.baseline ?? null,
      pricesAt: meta.pricesAt ?? null,
    },
    budgets: meta.budgets,
    prompts: r.prompts.map(promptData),
    total: {
      monthlyUsd: r.total.monthly,
      baselineMonthlyUsd: r.total.before ?? null,
      deltaMonthlyUsd: r.total.before !== undefined ? r.total.monthly - r.total.before : null,
    },
    violations: r.violations.map((v) => ({
      prompt: v.prompt,
      rule: v.rule,
      limit: v.limit,
      actual: v.actual,
      impactMonthlyUsd: v.impactMonthly,
      message: v.message,
    })),
    warnings: r.warnings,
  };
}

/** What the view needs from the run beside its data: the baseline side's sources per prompt. */
export function checkContext(r: CheckResult, savedBaseline?: string): CheckContext {
  return {
    baseSources: r.prompts.map((p) => (p.base ? { traffic: p.base.trafficSource, output: p.base.outputSource } : undefined)),
    ...(savedBaseline !== undefined ? { savedBaseline } : {}),
  };
}

/**
 * GitHub workflow commands: one ::error per violation (at the line of the change that caused
 * it), one ::warning per warning. `pathOf` maps a file as shown (relative to the working
 * directory) to the path GitHub expects (from the repository root).
 */
export function githubAnnotations(r: CheckResult, configFile?: string, pathOf: (file: string) => string = (f) => f): string {
  const lines: string[] = [];
  for (const v of r.violations) {
    const shownFile = v.file ?? configFile;
    const file = shownFile === undefined ? undefined : pathOf(shownFile);
    const props = [
      file ? `file=${githubProperty(file)}` : '',
      v.line !== undefined && file ? `line=${v.line}` : '',
      `title=${githubProperty(`tokenomics ${v.rule}`)}`,
    ]
      .filter(Boolean)
      .join(',');
    lines.push(`::error ${props}::${githubMessage(v.message)}`);
  }
  for (const w of r.warnings) lines.push(`::warning title=tokenomics::${githubMessage(w)}`);
  return lines.length ? lines.join('\n') + '\n' : '';
}

/** Plain decimal USD from the exact amount (no float, no exponent). */
const usdText = (f: Femto) => femtoToUsdString(f);

/**
 * `$GITHUB_OUTPUT` values. "cost" is per call (summed over the prompts checked, as in the
 * Before/call and After/call columns); `monthly-*` are per month at the stated traffic;
 * `delta-pct` is the change of the monthly total. Without a baseline the before/delta values are empty.
 */
export function githubOutputs(r: CheckResult): Record<string, string> {
  const t = r.total;
  const has = t.before !== undefined && t.perCallBefore !== undefined;
  const pct =
    has && t.before! > 0n
      ? (Number(((t.monthly - t.before!) * 1_000_000n) / t.before!) / 10_000).toFixed(2)
      : has && t.monthly === t.before
        ? '0.00'
        : '';
  return {
    status: r.violations.length ? 'fail' : 'pass',
    'cost-before-usd': has ? usdText(t.perCallBefore!) : '',
    'cost-after-usd': usdText(t.perCall),
    'delta-usd': has ? usdText(t.perCall - t.perCallBefore!) : '',
    'delta-pct': pct,
    'monthly-before-usd': has ? usdText(t.before!) : '',
    'monthly-after-usd': usdText(t.monthly),
    'monthly-delta-usd': has ? usdText(t.monthly - t.before!) : '',
    violations: String(r.violations.length),
  };
}
