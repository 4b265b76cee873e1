/**
 * The `check:` section of tokenomics.yaml: prompts to gate and their budgets. Unknown keys are
 * errors; every error names file:line and the key path.
 *
 *   check:
 *     cacheHitRate: 0.8            # optional
 *     baseline: baseline.json      # optional default for --baseline
 *     requireBaseline: true        # a prompt without an entry in the saved baseline is an error (exit 2)
 *     budgets:                     # apply to every prompt unless a prompt overrides them
 *       maxCostPerCall: 0.02       # USD
 *       maxMonthlyUsd: {perPrompt: 5000, total: 8000}   # or a number (per prompt)
 *       maxIncreasePct: 10         # vs the baseline, per call
 *       maxIncreaseUsd: 250        # vs the baseline, per month at current traffic
 *       maxTokens: 8000            # input tokens per call
 *       allowedModels: [claude-sonnet-4-5, gpt-4o-mini]
 *     prompts:
 *       - file: prompts/support-bot.yaml
 *         model: claude-sonnet-4-5
 *         id: support-bot
 *         traffic: {callsPerDay: 20000}
 *         expectedOutputTokens: 180
 *         budgets: {maxCostPerCall: 0.01}
 */
import { UserError } from '../core/issues.js';
import { arr, num, obj, opt, str, validate, type PathPart, type Rule, type ValidationError } from '../core/validate.js';
import { describeErrors } from '../core/yaml.js';
import type { ProjectConfig } from '../config/project.js';
import { outputTokensOf, trafficOf, validateOutputTokens, validateTraffic } from '../prompts/parse-spec.js';
import type { OutputTokens, Traffic } from '../prompts/types.js';

export interface Budgets {
  maxCostPerCall?: number;
  /** Per prompt, USD per month. */
  maxMonthlyUsd?: number;
  /** All prompts together, USD per month (global budgets only). */
  maxTotalMonthlyUsd?: number;
  maxIncreasePct?: number;
  maxIncreaseUsd?: number;
  maxTokens?: number;
  allowedModels?: string[];
}

export interface PromptConfig {
  file: string;
  model?: string;
  id?: string;
  traffic?: Traffic;
  expectedOutputTokens?: OutputTokens;
  budgets: Budgets;
  /** Line in tokenomics.yaml, for annotations. */
  line?: number;
  /** Lines of this entry's model, expectedOutputTokens and traffic keys in tokenomics.yaml. */
  lines?: { model?: number; expectedOutputTokens?: number; traffic?: number };
}

export interface CheckConfig {
  prompts: PromptConfig[];
  budgets: Budgets;
  cacheHitRate?: number;
  baseline?: string;
  requireBaseline?: boolean;
  /** Whether the config has a `check.prompts` list (even an empty one). */
  listsPrompts?: boolean;
  /** Directory that prompt paths are relative to. */
  dir: string;
  file?: string;
}

const budgetFields = {
  maxCostPerCall: opt(num()),
  maxIncreasePct: opt(num()),
  maxIncreaseUsd: opt(num()),
  maxTokens: opt({ kind: 'number', min: 0, integer: true }),
  allowedModels: opt(arr(str(), 1)),
} as const;

const monthlyRule: Rule = { kind: 'any' };

const promptRule: Rule = obj({
  file: { rule: str(), required: true },
  model: opt(str()),
  id: opt(str()),
  traffic: opt({ kind: 'any' }),
  expectedOutputTokens: opt({ kind: 'any' }),
  budgets: opt(obj({ ...budgetFields, maxMonthlyUsd: opt(num()) })),
});

const checkRule: Rule = obj({
  cacheHitRate: opt(num(0, 1)),
  baseline: opt(str()),
  requireBaseline: opt({ kind: 'boolean' }),
  budgets: opt(obj({ ...budgetFields, maxMonthlyUsd: opt(monthlyRule) })),
  prompts: opt(arr(promptRule)),
});

function validateMonthly(value: unknown, path: PathPart[], errors: ValidationError[]): void {
  if (value === undefined || value === null) return;
  if (typeof value === 'number') validate(value, num(), path, errors);
  else validate(value, obj({ perPrompt: opt(num()), total: opt(num()) }), path, errors);
}

function budgetsOf(b: Record<string, unknown> | undefined): Budgets {
  if (!b) return {};
  const out: Budgets = {};
  for (const k of ['maxCostPerCall', 'maxIncreasePct', 'maxIncreaseUsd', 'maxTokens'] as const)
    if (typeof b[k] === 'number') out[k] = b[k] as number;
  if (Array.isArray(b.allowedModels)) out.allowedModels = b.allowedModels as string[];
  const m = b.maxMonthlyUsd;
  if (typeof m === 'number') out.maxMonthlyUsd = m;
  else if (m && typeof m === 'object') {
    const mm = m as { perPrompt?: number; total?: number };
    if (mm.perPrompt !== undefined) out.maxMonthlyUsd = mm.perPrompt;
    if (mm.total !== undefined) out.maxTotalMonthlyUsd = mm.total;
  }
  return out;
}

/** Validate and read `check:`; an absent section is an empty config. */
export function readCheckConfig(config: ProjectConfig | undefined, cwd: string): CheckConfig {
  const raw = config?.doc.check;
  if (!config || raw === undefined || raw === null) return { prompts: [], budgets: {}, dir: cwd };
  const errors = validate(raw, checkRule, ['check']);
  if (errors.length === 0) {
    const c = raw as Record<string, unknown>;
    validateMonthly((c.budgets as Record<string, unknown> | undefined)?.maxMonthlyUsd, ['check', 'budgets', 'maxMonthlyUsd'], errors);
    ((c.prompts as Record<string, unknown>[] | undefined) ?? []).forEach((p, i) => {
      if (p.traffic !== undefined) validateTraffic(p.traffic, ['check', 'prompts', i, 'traffic'], errors);
      if (p.expectedOutputTokens !== undefined)
        validateOutputTokens(p.expectedOutputTokens, ['check', 'prompts', i, 'expectedOutputTokens'], errors);
    });
  }
  if (errors.length)
    throw new UserError(
      ['invalid check config:', ...describeErrors(config.file, config.loaded, errors)],
      'check: keys are cacheHitRate, baseline, requireBaseline, budgets, prompts (see README.md#check)',
    );
  const c = raw as Record<string, unknown>;
  const prompts = ((c.prompts as Record<string, unknown>[] | undefined) ?? []).map(
    (p, i): PromptConfig => ({
      file: p.file as string,
      ...(typeof p.model === 'string' ? { model: p.model } : {}),
      ...(typeof p.id === 'string' ? { id: p.id } : {}),
      ...(p.traffic !== undefined ? { traffic: trafficOf(p.traffic) } : {}),
      ...(p.expectedOutputTokens !== undefined ? { expectedOutputTokens: outputTokensOf(p.expectedOutputTokens) } : {}),
      budgets: budgetsOf(p.budgets as Record<string, unknown> | undefined),
      line: config.loaded.lineOf(['check', 'prompts', i]),
      lines: keyLines(config, p, i),
    }),
  );
  return {
    prompts,
    budgets: budgetsOf(c.budgets as Record<string, unknown> | undefined),
    ...(typeof c.cacheHitRate === 'number' ? { cacheHitRate: c.cacheHitRate } : {}),
    ...(typeof c.baseline === 'string' ? { baseline: c.baseline } : {}),
    ...(c.requireBaseline === true ? { requireBaseline: true } : {}),
    listsPrompts: Array.isArray(c.prompts),
    dir: config.dir,
    file: config.file,
  };
}

function keyLines(config: ProjectConfig, p: Record<string, unknown>, i: number): NonNullable<PromptConfig['lines']> {
  const out: NonNullable<PromptConfig['lines']> = {};
  for (const k of ['model', 'expectedOutputTokens', 'traffic'] as const)
    if (p[k] !== undefined) out[k] = config.loaded.lineOf(['check', 'prompts', i, k]);
  return out;
}

/** A prompt's budgets: its own, else the global ones (the total is global only). */
export function effectiveBudgets(global: Budgets, own: Budgets): Budgets {
  const { maxTotalMonthlyUsd: _total, ...perPrompt } = global;
  void _total;
  return { ...perPrompt, ...own };
}
