/** `tokenomics estimate`: tokens, caching, compression and output cost of prompt files, per model. */
import type { Command } from 'commander';
import { UserError } from '../../core/issues.js';
import { decimalNumber } from '../../core/validate.js';
import { analyzePrompt, sharedSaving } from '../../prompts/analysis.js';
import { sharedAcrossFiles } from '../../prompts/compress.js';
import { PromptCounter } from '../../prompts/count.js';
import { DEFAULT_CACHE_HIT_RATE, Estimator } from '../../prompts/estimate.js';
import { loadPrompts } from '../../prompts/load.js';
import type { Prompt } from '../../prompts/types.js';
import { estimateReport } from '../../prompts/report.js';
import { DAYS_PER_MONTH, type Traffic } from '../../prompts/types.js';
import { dateOptionLabel, dateOptionMs, type CommandContext } from '../context.js';
import { SCHEMA_VERSION } from '../version.js';
import { withCharts } from '../../report/charts.js';

export interface EstimateOptions {
  model?: string[];
  outputTokens?: string;
  callsPerDay?: string;
  callsPerMonth?: string;
  cacheHitRate?: string;
  outputCap?: string;
  structuredOutput?: string;
  at?: string;
}

const collect = (value: string, previous: string[] = []) => [
  ...previous,
  ...value
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean),
];

type Runner = (fn: (ctx: CommandContext, cmd: Command) => Promise<number> | number) => (...args: unknown[]) => Promise<void>;

export function registerEstimate(program: Command, run: Runner): void {
  program
    .command('estimate')
    .description('estimate tokens and cost of prompt files per model: parts, prefix caching, compression, output')
    .argument('<prompts...>', 'prompt files or directories: .yaml spec, .json chat (OpenAI or Anthropic), .md/.txt')
    .option('-m, --model <ids>', "models to price on, comma-separated (repeatable); default: the spec's model(s)", collect)
    .option('--output-tokens <n>', 'expected output tokens per call (overrides the spec)')
    .option('--calls-per-day <n>', 'traffic (overrides the spec)')
    .option('--calls-per-month <n>', 'traffic (overrides the spec)')
    .option('--cache-hit-rate <r>', `share of calls that hit the prefix cache, 0..1 (default ${DEFAULT_CACHE_HIT_RATE})`)
    .option('--output-cap <n>', 'show what capping output at N tokens would change')
    .option('--structured-output <n>', 'show what a structured output of N tokens would change')
    .option(
      '--at <date>',
      'prices in force on this date (YYYY-MM-DD, as of 00:00 UTC) or at this time (ISO 8601 with Z or an offset); default today',
    )
    .addHelpText(
      'after',
      `
Examples:
  $ tokenomics estimate fixtures/prompts/support-bot.yaml
  $ tokenomics estimate fixtures/prompts/ \\
      --model gpt-4o-mini,claude-haiku-4-5 --calls-per-day 20000
  $ tokenomics estimate fixtures/prompts/summarize-ticket.md --model gpt-4o \\
      --output-tokens 400 --output-cap 250 --format json`,
    )
    .action(run((ctx, cmd) => estimate(ctx, cmd.args, cmd.opts<EstimateOptions>())));
}

/**
 * A model option that names no model (`--model ''`, `--model ,`: an unset shell variable, a CI input left
 * empty) is a usage error: read as absent, the run priced the spec's models, or stopped on a prompt
 * without one, and said nothing of the option.
 */
export function requireModels(ids: readonly string[] | string | undefined, without = "the spec's model(s)"): void {
  if (ids === undefined) return;
  const given = typeof ids === 'string' ? ids.split(',').filter((s) => s.trim()) : ids;
  if (given.length === 0)
    throw new UserError(
      '--model is empty: give a model id',
      `e.g. --model gpt-4o-mini (tokenomics prices lists the known ids); without --model: ${without}`,
    );
}

export function parseCount(value: string | undefined, flag: string, integer = true): number | undefined {
  if (value === undefined) return undefined;
  const n = decimalNumber(value);
  if (!Number.isFinite(n) || n < 0 || (integer && !Number.isInteger(n)))
    throw new UserError(
      `${flag} expects a non-negative ${integer ? 'integer' : 'number'} (got "${value}")`,
      countHint(value, flag, integer),
    );
  return n;
}

/**
 * The hint of a refused count: a figure written as a person writes it (`20,000`, `$0.002`, `10%`) is
 * given back as the number alone; anything else gets an example. (Before, the error had no hint.)
 */
function countHint(value: string, flag: string, integer: boolean): string {
  const bare = value
    .trim()
    .replace(/^\$/, '')
    .replace(/%$/, '')
    .replace(/,(?=\d{3}(?:\D|$))/g, '');
  const n = decimalNumber(bare);
  if (bare !== value.trim() && Number.isFinite(n) && n >= 0 && (!integer || Number.isInteger(n)))
    return `write the number alone, without a unit or separators: ${flag} ${bare}`;
  return `give ${integer ? 'a whole number' : 'a number'} of 0 or more, e.g. ${flag} ${integer ? '500' : '1000'}`;
}

export function parseRate(value: string | undefined, flag = '--cache-hit-rate'): number | undefined {
  const n = parseCount(value, flag, false);
  if (n !== undefined && n > 1)
    throw new UserError(`${flag} expects a share between 0 and 1 (got "${value}")`, 'e.g. 0.8 for 80% of calls hitting the cache');
  return n;
}

export function parseTraffic(perDay: string | undefined, perMonth: string | undefined): Traffic | undefined {
  if (perDay !== undefined && perMonth !== undefined)
    throw new UserError('give --calls-per-day or --calls-per-month, not both', 'keep one of them: a month is 30 days of --calls-per-day');
  const day = parseCount(perDay, '--calls-per-day', false);
  if (day !== undefined) return { callsPerMonth: day * DAYS_PER_MONTH, basis: `--calls-per-day ${perDay}` };
  const month = parseCount(perMonth, '--calls-per-month', false);
  return month !== undefined ? { callsPerMonth: month, basis: `--calls-per-month ${perMonth}` } : undefined;
}

export function parseAt(at: string | undefined, now: number): number {
  if (at === undefined) return now;
  return dateOptionMs('--at', at);
}

/**
 * Prompts of one id (variants/v1/prompt.md beside variants/v2/prompt.md, ids from the file name) are
 * shown by their file: under the one id their rows, costs and notes read alike and could not be told apart.
 * The id is kept where it is unique (check, which joins by id, refuses a repeated one).
 */
function distinctIds(prompts: Prompt[]): void {
  const count = new Map<string, number>();
  for (const p of prompts) count.set(p.id, (count.get(p.id) ?? 0) + 1);
  for (const p of prompts) if ((count.get(p.id) ?? 0) > 1) p.id = p.file;
}

async function estimate(ctx: CommandContext, paths: string[], opts: EstimateOptions): Promise<number> {
  requireModels(opts.model);
  const atMs = parseAt(opts.at, ctx.io.now());
  const rate = parseRate(opts.cacheHitRate);
  const output = parseCount(opts.outputTokens, '--output-tokens');
  const prompts = loadPrompts(paths, ctx.io.cwd);
  distinctIds(prompts);
  const { catalog } = ctx.loadCatalog();
  const est = new Estimator(catalog, {
    models: opts.model,
    ...(output !== undefined ? { outputTokens: { value: output } } : {}),
    traffic: parseTraffic(opts.callsPerDay, opts.callsPerMonth),
    cacheHitRate: rate ?? DEFAULT_CACHE_HIT_RATE,
    atMs,
  });
  const analysisOpts = {
    outputCap: parseCount(opts.outputCap, '--output-cap'),
    structuredOutputTokens: parseCount(opts.structuredOutput, '--structured-output'),
  };
  const estimates = prompts.map((p) => est.estimate(p));
  const analyses = estimates.map((pe) => analyzePrompt(est, pe, analysisOpts));
  const shared = [...sharedAcrossFiles(prompts)].map(([sentence, ids]) => {
    const pc = new PromptCounter(estimates[0].models[0].tokenizer, est.counter);
    return sharedSaving(sentence, ids, pc.scale(pc.raw(sentence)));
  });
  const report = estimateReport({
    estimates,
    analyses,
    shared,
    cacheHitRate: rate ?? DEFAULT_CACHE_HIT_RATE,
    hitRateSource: rate === undefined ? 'default' : 'option',
    pricesAt: opts.at === undefined ? new Date(atMs).toISOString().slice(0, 10) : dateOptionLabel(opts.at, atMs),
    schemaVersion: SCHEMA_VERSION,
  });
  await ctx.emit(withCharts('estimate', report));
  return 0;
}
