/**
 * The `check` outputs: a Report (table, csv), the JSON document (also the baseline format), a
 * Markdown PR comment (one-line summary, table, details collapsed), and GitHub annotations.
 * Deterministic: rows sorted by prompt id, no clock.
 */
import { femtoToUsdNumber, formatUsd, type Femto } from '../pricing/money.js';
import { sectionToMarkdown } from '../report/format.js';
import { col, type Cell, type Report, type Section } from '../report/model.js';
import { DAYS_PER_MONTH } from '../prompts/types.js';
import type { Budgets } from './config.js';
import type { CheckResult, PromptResult } from './run.js';

export interface CheckMeta {
  schemaVersion: number;
  cacheHitRate: number;
  baseline?: string;
  /** `--update-baseline`: where this run was saved as the new baseline (output only, not saved in it). */
  savedBaseline?: string;
  pricesAt?: string;
  budgets: Budgets;
}

const usd = (f: Femto | undefined | null) => (f === undefined || f === null ? null : femtoToUsdNumber(f));
const signed = (f: Femto) => (f > 0n ? '+' : '') + formatUsd(f);

export function summaryLine(r: CheckResult): string {
  const delta = r.total.before !== undefined ? r.total.monthly - r.total.before : undefined;
  const change = delta !== undefined ? `; change ${signed(delta)}/month` : '';
  if (r.violations.length === 0) return `PASS: ${r.prompts.length} prompt${r.prompts.length === 1 ? '' : 's'} within budget (${formatUsd(r.total.monthly)}/month${change})`;
  const byPrompt = new Map<string, string[]>();
  for (const v of r.violations) byPrompt.set(v.prompt, [...(byPrompt.get(v.prompt) ?? []), v.rule]);
  const names = [...byPrompt].map(([p, rules]) => `${p} (${rules.join(', ')})`).join('; ');
  return `FAIL: ${r.violations.length} budget violation${r.violations.length === 1 ? '' : 's'}: ${names}${change}`;
}

function promptRow(p: PromptResult): Record<string, Cell> {
  const m = p.measured;
  const b = m.before;
  return {
    prompt: m.id,
    model: m.model + (p.estimatedTokens ? ' (est.)' : ''),
    tokens: m.inputTokens,
    beforeCall: b ? b.costPerCall : '-',
    afterCall: m.costPerCall,
    deltaCall: b ? m.costPerCall - b.costPerCall : '-',
    beforeMonth: b ? b.monthly : '-',
    afterMonth: m.monthly,
    deltaMonth: b ? m.monthly - b.monthly : '-',
    status: p.violations.length ? `FAIL: ${[...new Set(p.violations.map((v) => v.rule))].join(', ')}` : p.status,
  };
}

export function promptsSection(r: CheckResult): Section {
  const footer: Record<string, Cell> = { prompt: 'total', afterMonth: r.total.monthly };
  if (r.total.before !== undefined) Object.assign(footer, { beforeMonth: r.total.before, deltaMonth: r.total.monthly - r.total.before });
  const total = r.violations.find((v) => v.prompt === 'total');
  if (total) footer.status = `FAIL: ${total.rule}`;
  return {
    id: 'prompts',
    title: 'Prompts',
    columns: [col('prompt', 'Prompt'), col('model', 'Model'), col('tokens', 'Input tok', 'int', { priority: 4 }), col('beforeCall', 'Before/call', 'usd', { priority: 3 }), col('afterCall', 'After/call', 'usd', { priority: 3 }), col('deltaCall', 'Δ/call', 'usd', { priority: 3 }),
      col('beforeMonth', 'Before/month', 'usd'), col('afterMonth', 'After/month', 'usd', { priority: 1 }), col('deltaMonth', 'Δ/month', 'usd', { priority: 1 }), col('status', 'Status', 'text', { priority: 1 })],
    rows: r.prompts.map(promptRow),
    footer,
  };
}

function violationsSection(r: CheckResult): Section {
  return {
    id: 'violations',
    title: 'Budget violations',
    columns: [col('prompt', 'Prompt'), col('rule', 'Rule'), col('limit', 'Limit'), col('actual', 'Actual'), col('impact', 'Impact/month', 'usd')],
    rows: r.violations.map((v) => ({ prompt: v.prompt, rule: v.rule, limit: v.limit, actual: v.actual, impact: v.impactMonthly })),
  };
}

function assumptionLines(r: CheckResult, meta: CheckMeta): string[] {
  const lines = r.prompts.map((p) => `${p.measured.id}: ${p.measured.model}, ${p.trafficBasis} (${Number(p.measured.callsPerMonth.toFixed(2)).toLocaleString('en-US')} calls/month), output ${p.outputBasis}, ${p.cacheable.toLocaleString('en-US')} cacheable tokens`);
  lines.push(`Cost per call at a prefix-cache hit rate of ${meta.cacheHitRate}; month = ${DAYS_PER_MONTH} days; "before" is priced at the current model, prices, hit rate, output length and traffic${meta.baseline ? `; baseline: ${meta.baseline}` : meta.savedBaseline ? `; saved as the new baseline ${meta.savedBaseline} (nothing compared)` : '; no baseline (--baseline FILE or --base-ref REF)'}${meta.pricesAt ? `; prices in force on ${meta.pricesAt}` : ''}.`);
  return lines;
}

export function checkReport(r: CheckResult, meta: CheckMeta): Report {
  return {
    title: summaryLine(r),
    summary: [],
    sections: [promptsSection(r), ...(r.violations.length ? [violationsSection(r)] : [])],
    notes: [...r.violations.map((v) => `error: ${v.message}`), ...r.warnings.map((w) => `warning: ${w}`), ...assumptionLines(r, meta)],
    json: checkJson(r, meta),
    primarySection: 'prompts',
  };
}

export function checkJson(r: CheckResult, meta: CheckMeta) {
  return {
    schemaVersion: meta.schemaVersion,
    command: 'check',
    verdict: r.violations.length ? 'fail' : 'pass',
    summary: summaryLine(r),
    assumptions: { cacheHitRate: meta.cacheHitRate, daysPerMonth: DAYS_PER_MONTH, baseline: meta.baseline ?? null, pricesAt: meta.pricesAt ?? null },
    budgets: meta.budgets,
    prompts: r.prompts.map((p) => {
      const m = p.measured;
      const b = m.before;
      return {
        id: m.id, file: m.file, model: m.model, resolvedModel: m.resolvedModel, status: p.status,
        callsPerMonth: m.callsPerMonth, traffic: p.trafficBasis, outputTokens: p.outputTokens, output: p.outputBasis, estimatedTokens: p.estimatedTokens,
        current: { inputTokens: m.inputTokens, cacheableTokens: p.cacheable, staticPrefixTokens: p.staticPrefix, costPerCallUsd: usd(m.costPerCall), monthlyUsd: usd(m.monthly) },
        baseline: b ? { inputTokens: b.inputTokens, costPerCallUsd: usd(b.costPerCall), monthlyUsd: usd(b.monthly) } : null,
        delta: b ? { inputTokens: m.inputTokens - b.inputTokens, costPerCallUsd: usd(m.costPerCall - b.costPerCall), monthlyUsd: usd(m.monthly - b.monthly), pct: b.costPerCall ? Number(((m.costPerCall - b.costPerCall) * 10_000n) / b.costPerCall) / 100 : null } : null,
        violations: p.violations.map((v) => ({ rule: v.rule, limit: v.limit, actual: v.actual, impactMonthlyUsd: usd(v.impactMonthly), message: v.message })),
      };
    }),
    total: { monthlyUsd: usd(r.total.monthly), baselineMonthlyUsd: usd(r.total.before), deltaMonthlyUsd: r.total.before !== undefined ? usd(r.total.monthly - r.total.before) : null },
    violations: r.violations.map((v) => ({ prompt: v.prompt, rule: v.rule, limit: v.limit, actual: v.actual, impactMonthlyUsd: usd(v.impactMonthly), message: v.message })),
    warnings: r.warnings,
  };
}

/** A PR comment body: summary line, the table, then details in a collapsed section. */
export function checkMarkdown(r: CheckResult, meta: CheckMeta): string {
  const out = [`**tokenomics check ${r.violations.length ? 'failed' : 'passed'}** — ${summaryLine(r)}`, '', sectionToMarkdown(promptsSection(r)), ''];
  out.push('<details><summary>Details</summary>', '');
  if (r.violations.length) {
    out.push('**Violations**', '');
    for (const v of r.violations) out.push(`- \`${v.rule}\` on **${v.prompt}**: ${v.message}`);
    out.push('');
  }
  if (r.warnings.length) {
    out.push('**Warnings**', '');
    for (const w of r.warnings) out.push(`- ${w}`);
    out.push('');
  }
  out.push('**Assumptions**', '');
  for (const a of assumptionLines(r, meta)) out.push(`- ${a}`);
  out.push('', '</details>');
  return out.join('\n') + '\n';
}

const escapeData = (s: string) => s.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
const escapeProp = (s: string) => escapeData(s).replace(/:/g, '%3A').replace(/,/g, '%2C');

/**
 * GitHub workflow commands: one ::error per violation, one ::warning per warning. `pathOf` maps a
 * file as shown (relative to the working directory) to the path GitHub expects (from the
 * repository root), so annotations land on the files when `check` runs in a subdirectory.
 */
export function githubAnnotations(r: CheckResult, configFile?: string, pathOf: (file: string) => string = (f) => f): string {
  const lines: string[] = [];
  for (const v of r.violations) {
    const shownFile = v.file ?? configFile;
    const file = shownFile === undefined ? undefined : pathOf(shownFile);
    lines.push(`::error ${file ? `file=${escapeProp(file)},` : ''}title=${escapeProp(`tokenomics ${v.rule}`)}::${escapeData(v.message)}`);
  }
  for (const w of r.warnings) lines.push(`::warning title=tokenomics::${escapeData(w)}`);
  return lines.length ? lines.join('\n') + '\n' : '';
}
