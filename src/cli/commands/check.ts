/** `tokenomics check`: the CI gate on prompt-cost regressions. Exit 0 within budget, 1 on a violation, 2 on an error. */
import { appendFileSync } from 'node:fs';
import { isAbsolute, relative, resolve, sep } from 'node:path';
import type { Command } from 'commander';
import { UserError } from '../../core/issues.js';
import { GitRevision, readBaselineFile, writeBaselineFile } from '../../gate/baseline.js';
import { readCheckConfig, type Budgets, type CheckConfig, type PromptConfig } from '../../gate/config.js';
import { checkJson, checkMarkdown, checkReport, githubAnnotations, type CheckMeta } from '../../gate/report.js';
import { runCheck, type BaselineSource, type CheckItem } from '../../gate/run.js';
import { addRecord, type TrafficByPrompt } from '../../gate/traffic.js';
import { runPipeline } from '../../pipeline/stream.js';
import { DEFAULT_CACHE_HIT_RATE, Estimator } from '../../prompts/estimate.js';
import { expandPromptPaths, loadPromptFile, parsePromptText } from '../../prompts/load.js';
import { toJson } from '../../report/format.js';
import type { CommandContext } from '../context.js';
import { SCHEMA_VERSION } from '../version.js';
import { parseAt, parseCount, parseRate, parseTraffic } from './estimate.js';

interface CheckOptions {
  model?: string;
  maxCostPerCall?: string;
  maxMonthlyUsd?: string;
  maxTotalMonthlyUsd?: string;
  maxIncreasePct?: string;
  maxIncreaseUsd?: string;
  maxTokens?: string;
  allowedModels?: string;
  callsPerDay?: string;
  callsPerMonth?: string;
  outputTokens?: string;
  cacheHitRate?: string;
  traffic?: string[];
  baseline?: string;
  updateBaseline?: boolean;
  baseRef?: string;
  github?: boolean;
  at?: string;
}

type Runner = (fn: (ctx: CommandContext, cmd: Command) => Promise<number> | number) => (...args: unknown[]) => Promise<void>;

export function registerCheck(program: Command, run: Runner): void {
  program
    .command('check')
    .description('CI gate: fail (exit 1) when a prompt breaks a cost budget or regresses against a baseline')
    .argument('[prompts...]', 'prompt files or directories (default: check.prompts in tokenomics.yaml)')
    .option('-m, --model <id>', 'model to price the prompts on (overrides config and specs)')
    .option('--max-cost-per-call <usd>', 'budget: cost per call, USD')
    .option('--max-monthly-usd <usd>', 'budget: cost per month of each prompt, USD')
    .option('--max-total-monthly-usd <usd>', 'budget: cost per month of all prompts, USD')
    .option('--max-increase-pct <pct>', 'budget: increase of cost per call vs the baseline, percent')
    .option('--max-increase-usd <usd>', 'budget: increase per month vs the baseline at current traffic, USD')
    .option('--max-tokens <n>', 'budget: input tokens per call')
    .option('--allowed-models <ids>', 'budget: models allowed, comma-separated')
    .option('--calls-per-day <n>', 'traffic for every prompt (overrides logs, config and specs)')
    .option('--calls-per-month <n>', 'traffic for every prompt')
    .option('--output-tokens <n>', 'expected output tokens per call for every prompt')
    .option('--cache-hit-rate <r>', `prefix-cache hit rate, 0..1 (default check.cacheHitRate, else ${DEFAULT_CACHE_HIT_RATE})`)
    .option('--traffic <logs...>', 'usage logs: monthly volume and output length per prompt from records tagged prompt=ID')
    .option('--baseline <file>', 'a JSON report saved by `check --format json` or --update-baseline')
    .option('--update-baseline', 'write the current costs to the baseline file')
    .option('--base-ref <ref>', 'compare with the prompt files at this git revision (git show REF:path)')
    .option('--github', 'emit ::error/::warning annotations and append the Markdown summary to $GITHUB_STEP_SUMMARY')
    .option('--at <date>', 'prices in force on this date (YYYY-MM-DD); default today')
    .addHelpText('after', `
Exit codes: 0 within budget; 1 a budget rule failed; 2 usage or config error.

Examples:
  $ tokenomics check                                   # check: section of tokenomics.yaml
  $ tokenomics check --base-ref origin/main --format markdown
  $ tokenomics check prompts/ --model gpt-4o-mini --calls-per-day 5000 --max-cost-per-call 0.002
  $ tokenomics check --baseline .tokenomics/baseline.json --update-baseline
  $ tokenomics check --github --base-ref origin/main --traffic logs/last-month.jsonl`)
    .action(run((ctx, cmd) => check(ctx, cmd.args, cmd.opts<CheckOptions>())));
}

function usd(value: string | undefined, flag: string): number | undefined {
  return parseCount(value, flag, false);
}

function cliBudgets(o: CheckOptions): Budgets {
  const b: Budgets = {};
  const set = <K extends keyof Budgets>(k: K, v: Budgets[K] | undefined) => v !== undefined && (b[k] = v);
  set('maxCostPerCall', usd(o.maxCostPerCall, '--max-cost-per-call'));
  set('maxMonthlyUsd', usd(o.maxMonthlyUsd, '--max-monthly-usd'));
  set('maxTotalMonthlyUsd', usd(o.maxTotalMonthlyUsd, '--max-total-monthly-usd'));
  set('maxIncreasePct', usd(o.maxIncreasePct, '--max-increase-pct'));
  set('maxIncreaseUsd', usd(o.maxIncreaseUsd, '--max-increase-usd'));
  set('maxTokens', parseCount(o.maxTokens, '--max-tokens'));
  if (o.allowedModels) b.allowedModels = o.allowedModels.split(',').map((s) => s.trim()).filter(Boolean);
  return b;
}

/** Paths shown and passed to git are relative to the working directory. */
function shown(cwd: string, abs: string): string {
  const rel = relative(cwd, abs);
  return rel && !rel.startsWith('..') ? rel : abs;
}

function loadItems(ctx: CommandContext, paths: string[], cfg: CheckConfig, model: string | undefined): CheckItem[] {
  const cwd = ctx.io.cwd;
  const configs: PromptConfig[] = paths.length
    ? expandPromptPaths(paths, cwd).map((file) => ({ file, budgets: {} }))
    : cfg.prompts.map((p) => ({ ...p, file: shown(cwd, resolve(cfg.dir, p.file)) }));
  if (!configs.length) throw new UserError('nothing to check: no prompt files given and no check.prompts in tokenomics.yaml', 'run `tokenomics check PROMPT_FILES --model ID --max-cost-per-call USD`, or add a check: section (see README)');
  const items = configs.map((c) => {
    const prompt = loadPromptFile(c.file, cwd, c.id);
    if (c.id) prompt.id = c.id;
    return { config: model ? { ...c, model } : c, prompt };
  });
  const seen = new Set<string>();
  for (const it of items) {
    if (seen.has(it.prompt.id)) throw new UserError(`two prompts have the id "${it.prompt.id}"`, 'give each prompt a distinct id: (in the spec or in check.prompts)');
    seen.add(it.prompt.id);
  }
  return items;
}

function baselineSource(ctx: CommandContext, o: CheckOptions, cfg: CheckConfig): { source: BaselineSource; writeTo?: { path: string; shown: string } } {
  const file = o.baseline ? { path: resolve(ctx.io.cwd, o.baseline), shown: o.baseline } : cfg.baseline ? { path: resolve(cfg.dir, cfg.baseline), shown: shown(ctx.io.cwd, resolve(cfg.dir, cfg.baseline)) } : undefined;
  if (o.baseRef && o.baseline) throw new UserError('give --baseline or --base-ref, not both');
  if (o.updateBaseline) {
    if (!file) throw new UserError('--update-baseline needs a baseline file', 'pass --baseline FILE or set check.baseline in tokenomics.yaml');
    return { source: { kind: 'none' }, writeTo: file };
  }
  if (o.baseRef) {
    const rev = new GitRevision(o.baseRef, ctx.io.cwd);
    return { source: { kind: 'git', label: `git ${o.baseRef}`, read: (item) => {
      const text = rev.read(item.prompt.file);
      return text === undefined ? null : parsePromptText(text, item.prompt.file, item.prompt.id);
    } } };
  }
  if (file) return { source: { kind: 'file', label: file.shown, snapshots: readBaselineFile(file.path, file.shown) } };
  return { source: { kind: 'none' } };
}

async function logTraffic(ctx: CommandContext, logs: string[] | undefined): Promise<TrafficByPrompt | undefined> {
  if (!logs?.length) return undefined;
  const map: TrafficByPrompt = new Map();
  await runPipeline(ctx, logs.map((l) => (l === '-' ? l : resolve(ctx.io.cwd, l))), { keepText: false }, (r) => addRecord(map, r));
  return map;
}

async function check(ctx: CommandContext, paths: string[], o: CheckOptions): Promise<number> {
  const cfg = readCheckConfig(ctx.config, ctx.io.cwd);
  const atMs = parseAt(o.at, ctx.io.now());
  const rate = parseRate(o.cacheHitRate) ?? cfg.cacheHitRate ?? DEFAULT_CACHE_HIT_RATE;
  const output = parseCount(o.outputTokens, '--output-tokens');
  const traffic = parseTraffic(o.callsPerDay, o.callsPerMonth);
  const budgets = { ...cfg.budgets, ...cliBudgets(o) };
  const items = loadItems(ctx, paths, cfg, o.model);
  const { source, writeTo } = baselineSource(ctx, o, cfg);
  const logs = await logTraffic(ctx, o.traffic);
  const est = new Estimator(ctx.loadCatalog().catalog, { cacheHitRate: rate, atMs });
  const result = runCheck(est, items, budgets, source, { ...(traffic ? { traffic } : {}), ...(output !== undefined ? { output: { value: output } } : {}), ...(logs ? { logs } : {}) });
  let meta: CheckMeta = { schemaVersion: SCHEMA_VERSION, cacheHitRate: rate, budgets, ...(source.kind !== 'none' ? { baseline: source.label } : {}), ...(o.at ? { pricesAt: o.at } : {}) };
  if (writeTo) {
    writeBaselineFile(writeTo.path, writeTo.shown, toJson(checkJson(result, meta)) + '\n');
    ctx.info(`wrote baseline ${writeTo.shown}`);
    meta = { ...meta, savedBaseline: writeTo.shown };
  }
  if (o.github) {
    const workspace = ctx.io.env.GITHUB_WORKSPACE;
    const pathOf = (file: string) => {
      if (!workspace) return file;
      const rel = relative(resolve(workspace), resolve(ctx.io.cwd, file));
      return rel && !rel.startsWith('..') && !isAbsolute(rel) ? rel.split(sep).join('/') : file;
    };
    ctx.io.stdout.write(githubAnnotations(result, cfg.file ? shown(ctx.io.cwd, cfg.file) : undefined, pathOf));
    const summary = ctx.io.env.GITHUB_STEP_SUMMARY;
    if (summary) appendFileSync(summary, checkMarkdown(result, meta));
  }
  if (ctx.format === 'markdown') ctx.write(checkMarkdown(result, meta));
  else if (ctx.format === 'json') ctx.write(toJson(checkJson(result, meta)) + '\n');
  else ctx.emit(checkReport(result, meta));
  return result.violations.length ? 1 : 0;
}
