/**
 * The `check` outputs: a Report (table, csv), the JSON document (also the baseline format), a
 * Markdown PR comment (hidden marker, one-line summary, table, details collapsed), GitHub
 * annotations and `$GITHUB_OUTPUT` values. Deterministic: rows sorted by prompt id, no clock.
 *
 * Prompt ids, model names and file names are untrusted (they come from files in the pull
 * request): they reach the terminal through `inert`, the comment through `inertMarkdown` and
 * workflow commands through `githubMessage`/`githubProperty`.
 */
import { githubMessage, githubProperty, inert } from '../core/untrusted.js';
import { femtoToUsdNumber, femtoToUsdString, formatUsd, type Femto } from '../pricing/money.js';
import { col, type Cell, type Column, type Report, type Section } from '../report/model.js';
import { DAYS_PER_MONTH } from '../prompts/types.js';
import type { Budgets } from './config.js';
import type { CheckResult, PromptResult, Source } from './run.js';

export interface CheckMeta {
  schemaVersion: number;
  cacheHitRate: number;
  baseline?: string;
  /** `--update-baseline`: where this run was saved as the new baseline (output only, not saved in it). */
  savedBaseline?: string;
  pricesAt?: string;
  budgets: Budgets;
  /** The config the run read (recorded in a saved baseline). */
  configFile?: string;
}

/** Hidden marker at the top of the PR comment: a workflow finds and updates the one comment by it. */
const COMMENT_MARKER = 'tokenomics-check';

const usd = (f: Femto | undefined | null) => (f === undefined || f === null ? null : femtoToUsdNumber(f));
const signed = (f: Femto) => (f > 0n ? '+' : '') + formatUsd(f);
const calls = (x: number) => Number(x.toFixed(2)).toLocaleString('en-US');

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

function statusText(p: PromptResult): string {
  const rules = [...new Set(p.violations.map((v) => v.rule))];
  if (!rules.length) return p.status;
  return rules.length <= 2 ? `FAIL: ${rules.join(', ')}` : `FAIL: ${rules.length} rules (see below)`;
}

function promptRow(p: PromptResult, esc: (s: string) => string): Record<string, Cell> {
  const m = p.measured;
  const b = m.before;
  return {
    prompt: esc(m.id),
    change: p.changes.length ? esc(p.changes.join('; ')) : b === undefined ? '' : '-',
    model: esc(m.model) + (p.estimatedTokens ? ' (est.)' : ''),
    tokens: p.status === 'removed' ? '-' : m.inputTokens,
    beforeCall: b ? b.costPerCall : '-',
    afterCall: p.status === 'removed' ? '-' : m.costPerCall,
    beforeMonth: b ? b.monthly : '-',
    afterMonth: m.monthly,
    deltaMonth: b ? m.monthly - b.monthly : b === null ? m.monthly : '-',
    status: statusText(p),
  };
}

// priorities: what stays at 80 columns (1 = never dropped): the change (the gate's key fact: why a
// prompt costs more; long text goes to footnotes), the monthly impact and the verdict
const COLUMNS: Column[] = [
  col('prompt', 'Prompt'),
  col('change', 'Change', 'text', { priority: 1 }),
  col('model', 'Model'),
  col('tokens', 'Input tok', 'int', { priority: 4 }),
  col('beforeCall', 'Before/call', 'usd', { priority: 3 }),
  col('afterCall', 'After/call', 'usd', { priority: 3 }),
  col('beforeMonth', 'Before/month', 'usd', { priority: 2 }),
  col('afterMonth', 'After/month', 'usd', { priority: 1 }),
  col('deltaMonth', 'Δ/month', 'usd', { priority: 1 }),
  col('status', 'Status', 'text', { priority: 1 }),
];

function footerOf(r: CheckResult): Record<string, Cell> {
  const footer: Record<string, Cell> = { prompt: 'total', afterMonth: r.total.monthly };
  if (r.total.before !== undefined) Object.assign(footer, { beforeMonth: r.total.before, deltaMonth: r.total.monthly - r.total.before });
  const total = r.violations.find((v) => v.prompt === 'total' && v.rule === 'maxTotalMonthlyUsd');
  if (total) footer.status = `FAIL: ${total.rule}`;
  return footer;
}

function promptsSection(r: CheckResult, esc: (s: string) => string = inert): Section {
  const hasBase = r.total.before !== undefined;
  const columns = hasBase ? COLUMNS : COLUMNS.filter((c) => !['change', 'beforeCall', 'beforeMonth', 'deltaMonth'].includes(c.key));
  return { id: 'prompts', title: 'Prompts', columns, rows: r.prompts.map((p) => promptRow(p, esc)), footer: footerOf(r) };
}

function violationsSection(r: CheckResult): Section {
  return {
    id: 'violations',
    title: 'Budget violations',
    columns: [
      col('prompt', 'Prompt'),
      col('rule', 'Rule'),
      col('limit', 'Limit'),
      col('actual', 'Actual'),
      col('impact', 'Impact/month', 'usd'),
    ],
    rows: r.violations.map((v) => ({ prompt: inert(v.prompt), rule: v.rule, limit: v.limit, actual: v.actual, impact: v.impactMonthly })),
  };
}

const SOURCE_TEXT: Record<Source, string> = {
  flag: 'flag',
  logs: 'logs',
  config: 'tokenomics.yaml',
  spec: 'spec',
  baseline: 'baseline',
  default: 'default',
};

/** The traffic and output length behind each monthly figure, stated (untrusted parts escaped by `esc`). */
function assumptionLines(r: CheckResult, meta: CheckMeta, esc: (s: string) => string = inert): string[] {
  const lines = r.prompts
    .filter((p) => p.status !== 'removed')
    .map((p) => {
      const m = p.measured;
      const share = p.trafficShare !== undefined ? `, ${(p.trafficShare * 100).toFixed(1)}% of logged requests` : '';
      const before =
        p.base && (p.base.callsPerMonth !== m.callsPerMonth || p.base.outputTokens !== p.outputTokens)
          ? `; before: ${calls(p.base.callsPerMonth)} calls/month (${SOURCE_TEXT[p.base.trafficSource]}), output ${p.base.outputTokens} (${SOURCE_TEXT[p.base.outputSource]})`
          : '';
      // the Model column's "(est.)" mark, said again here: that column may be dropped at 80 columns
      return `${esc(m.id)}: ${esc(m.model)}${p.estimatedTokens ? ' (token counts estimated)' : ''}; traffic ${calls(m.callsPerMonth / DAYS_PER_MONTH)} calls/day = ${calls(m.callsPerMonth)} calls/month from ${SOURCE_TEXT[p.trafficSource]} (${esc(p.trafficBasis)}${share}); output ${esc(p.outputBasis)}; ${p.cacheable.toLocaleString('en-US')} cacheable tokens${before}`;
    });
  const base = meta.baseline
    ? `"before" is what the baseline ${esc(meta.baseline)} states (its models, output lengths, traffic, hit rate), priced at the same catalog; flags apply to both sides`
    : meta.savedBaseline
      ? `saved as the new baseline ${esc(meta.savedBaseline)} (nothing compared)`
      : 'no baseline (--baseline FILE or --base-ref REF)';
  lines.push(
    `Cost per call at a prefix-cache hit rate of ${meta.cacheHitRate}; month = ${DAYS_PER_MONTH} days; ${base}${meta.pricesAt ? `; prices in force on ${meta.pricesAt}` : ''}.`,
  );
  return lines;
}

export function checkReport(r: CheckResult, meta: CheckMeta): Report {
  return {
    title: summaryLine(r),
    summary: [],
    // a gate lists every prompt and every violation, in every format (never cut to the row limit)
    sections: [
      { ...promptsSection(r), limit: false },
      ...(r.violations.length ? [{ ...violationsSection(r), limit: false as const }] : []),
    ],
    issues: r.violations.map((v) => ({
      severity: 'error' as const,
      code: v.rule,
      message: v.message,
      ...(v.file !== undefined ? { file: v.file } : {}),
      ...(v.line !== undefined ? { line: v.line } : {}),
    })),
    warnings: r.warnings,
    assumptions: assumptionLines(r, meta),
    notes: [],
    data: { command: 'check', document: checkJson(r, meta) },
    primarySection: 'prompts',
    marker: COMMENT_MARKER,
  };
}

const pctOf = (before: Femto, after: Femto) => (before ? Number(((after - before) * 10_000n) / before) / 100 : null);

function sideJson(p: {
  inputTokens: number;
  cacheable: number;
  staticPrefix: number;
  costPerCall: Femto;
  monthly: Femto;
  model: string;
  outputTokens: number;
  callsPerMonth: number;
  cacheHitRate?: number;
}) {
  return {
    model: p.model,
    inputTokens: p.inputTokens,
    cacheableTokens: p.cacheable,
    staticPrefixTokens: p.staticPrefix,
    outputTokens: p.outputTokens,
    callsPerMonth: p.callsPerMonth,
    costPerCallUsd: usd(p.costPerCall),
    monthlyUsd: usd(p.monthly),
  };
}

export function checkJson(r: CheckResult, meta: CheckMeta) {
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
    prompts: r.prompts.map((p) => {
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
          costPerCallUsd: usd(m.costPerCall),
          monthlyUsd: usd(m.monthly),
        },
        baseline: p.base
          ? sideJson(p.base)
          : b
            ? { inputTokens: b.inputTokens, costPerCallUsd: usd(b.costPerCall), monthlyUsd: usd(b.monthly) }
            : null,
        delta: b
          ? {
              inputTokens: m.inputTokens - b.inputTokens,
              costPerCallUsd: usd(m.costPerCall - b.costPerCall),
              monthlyUsd: usd(m.monthly - b.monthly),
              pct: pctOf(b.costPerCall, m.costPerCall),
            }
          : b === null
            ? { monthlyUsd: usd(m.monthly), pct: null }
            : null,
        violations: p.violations.map((v) => ({
          rule: v.rule,
          limit: v.limit,
          actual: v.actual,
          impactMonthlyUsd: usd(v.impactMonthly),
          message: v.message,
          file: v.file ?? null,
          line: v.line ?? null,
        })),
      };
    }),
    total: {
      monthlyUsd: usd(r.total.monthly),
      baselineMonthlyUsd: usd(r.total.before),
      deltaMonthlyUsd: r.total.before !== undefined ? usd(r.total.monthly - r.total.before) : null,
    },
    violations: r.violations.map((v) => ({
      prompt: v.prompt,
      rule: v.rule,
      limit: v.limit,
      actual: v.actual,
      impactMonthlyUsd: usd(v.impactMonthly),
      message: v.message,
    })),
    warnings: r.warnings,
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
