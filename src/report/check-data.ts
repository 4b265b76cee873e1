/**
 * `check`'s typed data (CheckData: its --format json document, which is also the baseline file
 * format; amounts as Femto) and its view: the verdict, the prompts and violations tables, the
 * issues with file:line and the assumptions are derived from the data alone, plus two facts the
 * document does not carry (CheckContext). The markdown formatter's rendering of this report is the
 * pull-request comment. gate/report.ts builds the data from a run.
 *
 * Prompt ids, model names and file names are untrusted (they come from files in the pull
 * request): they reach the terminal through `inert` and the comment through `inertMarkdown`.
 */
import { formatCount } from './cells.js';
import { inert } from '../core/untrusted.js';
import type { Femto } from '../pricing/money.js';
import { col, type Cell, type Column, type Report, type Section } from './model.js';

/** Hidden marker at the top of the PR comment: a workflow finds and updates the one comment by it. */
const COMMENT_MARKER = 'tokenomics-check';

/** Where a figure came from: a flag, the logs, tokenomics.yaml, the spec, a saved baseline, or a default. */
export type CheckSource = 'flag' | 'logs' | 'config' | 'spec' | 'baseline' | 'default';
export type CheckStatus = 'ok' | 'fail' | 'new' | 'removed' | 'unchanged' | 'changed';

/** One side of a prompt as the baseline states it (its model, token counts, output length, traffic). */
export interface CheckSideData {
  model: string;
  inputTokens: number;
  cacheableTokens: number;
  staticPrefixTokens: number;
  outputTokens: number;
  callsPerMonth: number;
  costPerCallUsd: Femto;
  monthlyUsd: Femto;
}

export interface CheckViolationData {
  rule: string;
  limit: string;
  actual: string;
  impactMonthlyUsd: Femto;
  message: string;
}

export interface CheckPromptData {
  id: string;
  file: string;
  model: string;
  resolvedModel: string;
  status: CheckStatus;
  changes: string[];
  callsPerMonth: number;
  traffic: string;
  outputTokens: number;
  output: string;
  estimatedTokens: boolean;
  assumptions: {
    traffic: { callsPerDay: number; callsPerMonth: number; source: CheckSource; basis: string; share?: number };
    outputTokens: { value: number; source: CheckSource; basis: string };
  };
  current: {
    inputTokens: number;
    cacheableTokens: number;
    staticPrefixTokens: number;
    costPerCallUsd: Femto;
    monthlyUsd: Femto;
    /** SHA-256 of the prompt's text (hex): a baseline saved from this report matches a renamed prompt by it. */
    textSha256?: string;
  };
  /** null: no baseline run, or a new prompt (`delta` tells them apart). */
  baseline: CheckSideData | { inputTokens: number; costPerCallUsd: Femto; monthlyUsd: Femto } | null;
  /** null: no baseline run; without inputTokens: a new prompt (its whole cost is the change). */
  delta: { inputTokens: number; costPerCallUsd: Femto; monthlyUsd: Femto; pct: number | null } | { monthlyUsd: Femto; pct: null } | null;
  violations: Array<CheckViolationData & { file: string | null; line: number | null }>;
}

export interface CheckData {
  schemaVersion: number;
  command: 'check';
  verdict: 'pass' | 'fail';
  /** The one-line verdict (the report's title). */
  summary: string;
  source: { config: string | null };
  assumptions: { cacheHitRate: number; daysPerMonth: number; baseline: string | null; pricesAt: string | null };
  /** The budgets applied, as configured (gate/config.ts Budgets). */
  budgets: object;
  prompts: CheckPromptData[];
  /** Baseline and delta null without a baseline. */
  total: { monthlyUsd: Femto; baselineMonthlyUsd: Femto | null; deltaMonthlyUsd: Femto | null };
  /** Every violation: each prompt's (in prompt order), then the total's. */
  violations: Array<CheckViolationData & { prompt: string }>;
  warnings: string[];
}

/**
 * What the view shows beside the data, which the document (the baseline format) does not carry:
 * where each prompt's baseline traffic and output length came from (by prompt, in order), and
 * where --update-baseline saved this run.
 */
export interface CheckContext {
  baseSources?: Array<{ traffic: CheckSource; output: CheckSource } | undefined>;
  savedBaseline?: string;
}

// ---- the view: tables, issues and assumptions from the data ----

function statusText(p: CheckPromptData): string {
  const rules = [...new Set(p.violations.map((v) => v.rule))];
  if (!rules.length) return p.status;
  return rules.length <= 2 ? `FAIL: ${rules.join(', ')}` : `FAIL: ${rules.length} rules (see below)`;
}

function promptRow(p: CheckPromptData): Record<string, Cell> {
  const removed = p.status === 'removed';
  return {
    prompt: inert(p.id),
    // no baseline run: blank; a baseline and no change: "-"
    change: p.changes.length ? inert(p.changes.join('; ')) : p.delta === null ? '' : '-',
    model: inert(p.model) + (p.estimatedTokens ? ' (est.)' : ''),
    tokens: removed ? '-' : p.current.inputTokens,
    beforeCall: p.baseline ? p.baseline.costPerCallUsd : '-',
    afterCall: removed ? '-' : p.current.costPerCallUsd,
    beforeMonth: p.baseline ? p.baseline.monthlyUsd : '-',
    afterMonth: p.current.monthlyUsd,
    deltaMonth: p.delta ? p.delta.monthlyUsd : '-',
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
  col('deltaMonth', 'Δ/month', 'usd', { priority: 1, signed: true }),
  col('status', 'Status', 'text', { priority: 1 }),
];

function footerOf(d: CheckData): Record<string, Cell> {
  const footer: Record<string, Cell> = { prompt: 'total', afterMonth: d.total.monthlyUsd };
  if (d.total.baselineMonthlyUsd !== null)
    Object.assign(footer, { beforeMonth: d.total.baselineMonthlyUsd, deltaMonth: d.total.deltaMonthlyUsd });
  const total = d.violations.find((v) => v.prompt === 'total' && v.rule === 'maxTotalMonthlyUsd');
  if (total) footer.status = `FAIL: ${total.rule}`;
  return footer;
}

function promptsSection(d: CheckData): Section {
  const hasBase = d.total.baselineMonthlyUsd !== null;
  const columns = hasBase ? COLUMNS : COLUMNS.filter((c) => !['change', 'beforeCall', 'beforeMonth', 'deltaMonth'].includes(c.key));
  return { id: 'prompts', title: 'Prompts', columns, rows: d.prompts.map((p) => promptRow(p)), footer: footerOf(d) };
}

function violationsSection(d: CheckData): Section {
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
    rows: d.violations.map((v) => ({
      prompt: inert(v.prompt),
      rule: v.rule,
      limit: v.limit,
      actual: v.actual,
      impact: v.impactMonthlyUsd,
    })),
  };
}

const SOURCE_TEXT: Record<CheckSource, string> = {
  flag: 'flag',
  logs: 'logs',
  config: 'tokenomics.yaml',
  spec: 'spec',
  baseline: 'baseline',
  default: 'default',
};

/** The traffic and output length behind each monthly figure, stated (untrusted parts through `inert`; the markdown formatter escapes for markdown). */
function assumptionLines(d: CheckData, ctx: CheckContext): string[] {
  const lines = d.prompts.flatMap((p, i) => {
    if (p.status === 'removed') return [];
    const t = p.assumptions.traffic;
    const share = t.share !== undefined ? `, ${(t.share * 100).toFixed(1)}% of logged requests` : '';
    const base = p.baseline && 'callsPerMonth' in p.baseline ? p.baseline : undefined;
    const sources = ctx.baseSources?.[i];
    const before =
      base && sources && (base.callsPerMonth !== p.callsPerMonth || base.outputTokens !== p.outputTokens)
        ? `; before: ${formatCount(base.callsPerMonth)} calls/month (${SOURCE_TEXT[sources.traffic]}), output ${base.outputTokens} (${SOURCE_TEXT[sources.output]})`
        : '';
    // the Model column's "(est.)" mark, said again here: that column may be dropped at 80 columns
    return [
      `${inert(p.id)}: ${inert(p.model)}${p.estimatedTokens ? ' (token counts estimated)' : ''}; traffic ${formatCount(p.callsPerMonth / d.assumptions.daysPerMonth)} calls/day = ${formatCount(p.callsPerMonth)} calls/month from ${SOURCE_TEXT[t.source]} (${inert(p.traffic)}${share}); output ${inert(p.output)}; ${p.current.cacheableTokens.toLocaleString('en-US')} cacheable tokens${before}`,
    ];
  });
  const a = d.assumptions;
  const base = a.baseline
    ? `"before" is what the baseline ${inert(a.baseline)} states (its models, output lengths, traffic, hit rate), priced at the same catalog; flags apply to both sides`
    : ctx.savedBaseline
      ? `saved as the new baseline ${inert(ctx.savedBaseline)} (nothing compared)`
      : 'no baseline (--baseline FILE or --base-ref REF)';
  lines.push(
    `Cost per call at a prefix-cache hit rate of ${a.cacheHitRate}; month = ${a.daysPerMonth} days; ${base}${a.pricesAt ? `; prices in force on ${a.pricesAt}` : ''}.`,
  );
  return lines;
}

/** Violations as issues with file:line: each prompt's, then the total's (the document's order). */
function issuesOf(d: CheckData): Report['issues'] {
  const ofPrompts = d.prompts.flatMap((p) => p.violations);
  return [...ofPrompts, ...d.violations.slice(ofPrompts.length)].map((v) => ({
    severity: 'error' as const,
    code: v.rule,
    message: v.message,
    ...('file' in v && v.file !== null ? { file: v.file } : {}),
    ...('line' in v && v.line !== null ? { line: v.line } : {}),
  }));
}

/** `check`'s report: the verdict, the prompts and violations tables, issues and assumptions, from its data alone. */
export function checkReport(d: CheckData, ctx: CheckContext = {}): Report {
  return {
    title: d.summary,
    summary: [],
    // a gate lists every prompt and every violation, in every format (never cut to the row limit)
    sections: [
      { ...promptsSection(d), limit: false },
      ...(d.violations.length ? [{ ...violationsSection(d), limit: false as const }] : []),
    ],
    issues: issuesOf(d),
    warnings: d.warnings,
    assumptions: assumptionLines(d, ctx),
    notes: [],
    data: { command: 'check', document: d },
    primarySection: 'prompts',
    marker: COMMENT_MARKER,
  };
}
