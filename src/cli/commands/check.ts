/**
 * `tokenomics check`: the CI gate on prompt-cost regressions. Exit 0 within budget, 1 on a
 * violation, 2 on an error (never a silent pass: a missing ref, an unreadable prompt at either
 * revision, a corrupt baseline or an empty prompt set is exit 2 naming the file or ref).
 */
import { execFileSync } from 'node:child_process';
import { appendFileSync, realpathSync } from 'node:fs';
import { describeWriteError, writeFileAtomic } from '../../core/atomic-write.js';
import { basename, dirname, isAbsolute, join, relative, resolve, sep } from 'node:path';
import type { Command } from 'commander';
import { UserError } from '../../core/issues.js';
import { parseConfigText, type ProjectConfig } from '../../config/project.js';
import { GitRevision, readBaselineFile, textSha256, writeBaselineFile } from '../../gate/baseline.js';
import { readCheckConfig, type Budgets, type CheckConfig, type PromptConfig } from '../../gate/config.js';
import { checkContext, checkData, githubAnnotations, githubOutputs, type CheckMeta } from '../../gate/report.js';
import { checkReport } from '../../report/check-data.js';
import { runCheck, type BaselineSource, type CheckItem, type Side } from '../../gate/run.js';
import { addRecord, emptyTraffic, type LogTraffic } from '../../gate/traffic.js';
import { runPipeline } from '../../pipeline/stream.js';
import { fileWarnings, ingestWarnings } from '../../report/ingest-warnings.js';
import { DEFAULT_CACHE_HIT_RATE, Estimator } from '../../prompts/estimate.js';
import {
  decodePromptBytes,
  expandPromptPaths,
  isLfsPointer,
  isListedPromptFile,
  loadPromptWithText,
  parsePromptText,
} from '../../prompts/load.js';
import { toJson } from '../../report/format.js';
import { globTakes, isGlob, splitGlob } from '../../prompts/glob.js';
import { documentJson } from '../../report/data.js';
import { dateOptionLabel, type CommandContext } from '../context.js';
import { EXIT_GATE_FAILED, EXIT_OK } from '../main.js';
import { SCHEMA_VERSION } from '../version.js';
import { parseAt, parseCount, parseRate, parseTraffic, requireModels } from './estimate.js';
import { withCharts } from '../../report/charts.js';

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
  /** false with --no-merge-base: compare with --base-ref's own commit. */
  mergeBase?: boolean;
  headBudgets?: boolean;
  github?: boolean;
  comment?: string;
  at?: string;
}

type Runner = (fn: (ctx: CommandContext, cmd: Command) => Promise<number> | number) => (...args: unknown[]) => Promise<void>;

export function registerCheck(program: Command, run: Runner): void {
  program
    .command('check')
    .description('CI gate: fail (exit 1) when a prompt breaks a cost budget or regresses against a baseline')
    .argument('[prompts...]', 'prompt files or directories (default: check.prompts in tokenomics.yaml)')
    .option('-m, --model <id>', 'model to price the prompts on, both sides (overrides config and specs)')
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
    .option(
      '--traffic <logs...>',
      'usage logs: monthly volume (dense span of the time series) and output length per prompt, from records tagged prompt=ID (else feature=ID); both sides',
    )
    .option('--baseline <file>', 'a JSON report saved by `check --format json` or --update-baseline')
    .option('--update-baseline', 'write the current costs to the baseline file')
    .option(
      '--base-ref <ref>',
      'compare with everything this git revision states (at its merge-base with HEAD, as a pull request diff): prompt files, specs, tokenomics.yaml (models, output lengths, traffic, caching)',
    )
    .option('--no-merge-base', "with --base-ref: compare with the ref's own commit, not its merge-base with HEAD")
    .option(
      '--head-budgets',
      "with --base-ref: judge the change by the working tree's budgets alone (default: the stricter of the base revision's and the working tree's, rule by rule)",
    )
    .option(
      '--github',
      'emit ::error/::warning annotations, write $GITHUB_OUTPUT values and append the Markdown summary to $GITHUB_STEP_SUMMARY',
    )
    .option('--comment <file>', 'write the pull-request comment (Markdown with a hidden marker) to FILE')
    .option(
      '--at <date>',
      'prices in force on this date (YYYY-MM-DD, as of 00:00 UTC) or at this time (ISO 8601 with Z or an offset); default today',
    )
    .addHelpText(
      'after',
      `
Exit codes: 0 within budget; 1 a budget rule failed; 2 usage, input or config
error (a missing ref, an unreadable prompt, a corrupt baseline: never a silent
pass).

Examples:
  $ cd fixtures/check && tokenomics check  # its tokenomics.yaml's check:
  $ cd fixtures/check && tokenomics check --base-ref HEAD --format markdown
  $ tokenomics check fixtures/prompts --model gpt-4o-mini \\
      --calls-per-day 5000 --max-cost-per-call 0.002
  $ cd fixtures/check && tokenomics check --update-baseline \\
      --baseline new-baseline.json
  # CI annotations, $GITHUB_OUTPUT and the step summary (in a pull
  # request: --base-ref origin/main)
  $ cd fixtures/check && tokenomics check --github --base-ref HEAD`,
    )
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
  if (o.allowedModels)
    b.allowedModels = o.allowedModels
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean);
  return b;
}

/** Paths shown and passed to git are relative to the working directory. */
function shown(cwd: string, abs: string): string {
  const rel = relative(cwd, abs);
  return rel && !rel.startsWith('..') ? rel : abs;
}

/**
 * Prompt files named on the command line, each with its `check.prompts` entries when the config lists the file
 * (its id, model, traffic, output length and budgets: the same prompt as a run over the whole config), else bare.
 */
function entriesFor(files: string[], cfg: CheckConfig | undefined, cwd: string): PromptConfig[] {
  return files.flatMap((file) => {
    const listed = (cfg?.prompts ?? []).filter((p) => resolve(cfg!.dir, p.file) === resolve(cwd, file));
    return listed.length ? listed.map((p) => ({ ...p, file })) : [{ file, budgets: {} }];
  });
}

function configsOf(ctx: CommandContext, paths: string[], cfg: CheckConfig, where: string): PromptConfig[] {
  const cwd = ctx.io.cwd;
  if (paths.length) return entriesFor(expandPromptPaths(paths, cwd), cfg, cwd);
  if (cfg.listsPrompts && cfg.prompts.length === 0)
    throw new UserError(
      `${cfg.file ? shown(cwd, cfg.file) : 'tokenomics.yaml'}: check.prompts is empty${where}: nothing would be checked`,
      'list the prompts to gate under check.prompts, or give prompt files as arguments',
    );
  return cfg.prompts.map((p) => ({ ...p, file: shown(cwd, resolve(cfg.dir, p.file)) }));
}

function uniqueIds(items: CheckItem[], where: string): CheckItem[] {
  const fileOf = new Map<string, string>();
  for (const it of items) {
    const first = fileOf.get(it.prompt.id);
    if (first !== undefined)
      throw new UserError(
        `two prompts have the id "${it.prompt.id}"${where}: ${first} and ${it.prompt.file}`,
        'give each prompt a distinct id: (in the spec or in check.prompts)',
      );
    fileOf.set(it.prompt.id, it.prompt.file);
  }
  return items;
}

function loadItems(ctx: CommandContext, paths: string[], cfg: CheckConfig, model: string | undefined): CheckItem[] {
  const configs = configsOf(ctx, paths, cfg, '');
  if (!configs.length)
    throw new UserError(
      'nothing to check: no prompt files given and no check.prompts in tokenomics.yaml',
      'run `tokenomics check PROMPT_FILES --model ID --max-cost-per-call USD`, or add a check: section (see README)',
    );
  return uniqueIds(
    configs.map((c) => {
      const { prompt, text } = loadPromptWithText(c.file, ctx.io.cwd, c.id);
      if (c.id) prompt.id = c.id;
      return { config: model ? { ...c, model } : c, prompt, text };
    }),
    '',
  );
}

function readAt(rev: GitRevision, c: PromptConfig, model: string | undefined): CheckItem | undefined {
  let buf = rev.read(c.file);
  if (buf === undefined) return undefined;
  const label = `${rev.name}:${rev.gitPath(c.file)}`;
  let { text, warnings } = decodePromptBytes(buf, label);
  // a file stored with Git LFS: the revision's blob is its pointer, the prompt is what git lfs smudge gives
  if (isLfsPointer(text)) {
    buf = rev.lfsContent(c.file, buf);
    ({ text, warnings } = decodePromptBytes(buf, label));
  }
  let prompt: ReturnType<typeof parsePromptText>;
  try {
    prompt = parsePromptText(text, c.file, c.id);
  } catch (err) {
    // the file as the base revision has it, not as the working tree does: say so
    if (err instanceof UserError) throw new UserError([`at ${rev.at}: ${err.lines[0]}`, ...err.lines.slice(1)], err.hint);
    throw err;
  }
  prompt.file = c.file;
  prompt.warnings.push(...warnings);
  if (c.id) prompt.id = c.id;
  return { config: model ? { ...c, model } : c, prompt, text };
}

/**
 * "Before" at a git revision: tokenomics.yaml as it was there (its prompts, models, output
 * lengths, traffic, hit rate) and the prompt files as they were. With prompt paths on the command
 * line, the same paths at the revision (directories listed there, so a removed file counts).
 */
function gitSide(
  ctx: CommandContext,
  rev: GitRevision,
  paths: string[],
  model: string | undefined,
  warnings: string[],
): { side: Side; configFile?: string; project?: ProjectConfig; budgets: Budgets } {
  const cwd = ctx.io.cwd;
  const current = ctx.config;
  let baseCfg: CheckConfig | undefined;
  let configFile: string | undefined;
  let project: ProjectConfig | undefined;
  if (current && !rev.inside(current.file)) {
    // a config outside the repository (--config ../shared/tokenomics.yaml) has no revisions: both sides read it as it is
    project = current;
    baseCfg = readCheckConfig(current, cwd);
    warnings.push(
      `${shown(cwd, current.file)} is outside the git repository: "before" uses it as it is now (its prompts, models, output lengths, traffic), not as at ${rev.at}`,
    );
  } else if (current) {
    let gp = rev.gitPath(current.file);
    let buf = rev.read(current.file);
    let dir = current.dir;
    let moved = buf === undefined ? rev.renames().get(gp) : undefined;
    if (moved !== undefined) warnings.push(`${shown(cwd, current.file)} was ${moved} at ${rev.at}: "before" reads that`);
    else if (buf === undefined) {
      // moved and rewritten past git's rename threshold (50% similar): no rename, but the one config the change
      // deleted (named as the config is, or tokenomics.yaml/.yml) is the base's. Without this every prompt was new
      // and a model switch in the rewritten config passed maxIncreasePct
      const names = new Set(['tokenomics.yaml', 'tokenomics.yml', basename(current.file)]);
      const gone = rev.deleted().filter((f) => names.has(f.slice(f.lastIndexOf('/') + 1)));
      if (gone.length === 1) {
        moved = gone[0];
        warnings.push(
          `${shown(cwd, current.file)} does not exist at ${rev.at}, and git sees no rename: "before" reads ${moved}, the config deleted since`,
        );
      } else if (gone.length > 1)
        warnings.push(
          `${shown(cwd, current.file)} does not exist at ${rev.at}, and the change deletes ${gone.length} configs there (${gone.join(', ')}): "before" reads none of them`,
        );
    }
    if (moved !== undefined) {
      // the config moved since: the base's is at its old path, its prompt paths relative to that. Without this
      // "before" had no config, every prompt was new, and a model switch beside the move passed
      gp = moved;
      dir = join(rev.root, ...dirname(moved).split('/'));
      buf = rev.read(join(rev.root, ...moved.split('/')));
    }
    configFile = `${rev.name}:${gp}`;
    if (buf === undefined) warnings.push(`${shown(cwd, current.file)} does not exist at ${rev.at}: "before" has no config there`);
    else {
      project = parseConfigText(decodePromptBytes(buf, configFile).text, configFile, dir);
      baseCfg = readCheckConfig(project, cwd);
    }
    const pricing = (c: ProjectConfig | undefined) => JSON.stringify([c?.doc.prices ?? null, c?.doc.modelAliases ?? null]);
    if (pricing(project) !== pricing(current))
      warnings.push(
        `prices: or modelAliases in ${shown(cwd, current.file)} differ from ${configFile}: "before" is priced with the base revision's, "after" with the working tree's`,
      );
  }
  const cacheHitRate = baseCfg?.cacheHitRate ?? DEFAULT_CACHE_HIT_RATE;
  // the base revision's check.budgets: what a change is judged by, with the working tree's where those are stricter
  const budgets = baseCfg?.budgets ?? {};
  if (paths.length) {
    /** The revision's files below directory `p` that `takes` takes, by their path below it. */
    const filesBelow = (p: string, takes: (pathBelow: string) => boolean): string[] => {
      const dir = rev.gitPath(p);
      return rev
        .list(p)
        .filter((f) => takes(dir ? f.slice(dir.length + 1) : f))
        .map((f) => rev.shown(f));
    };
    const files: string[] = [];
    for (const p of paths) {
      const kind = rev.kind(p);
      // the files the working tree's listing takes (expandPromptPaths): no hidden or node_modules paths below the directory
      if (kind === 'tree') files.push(...filesBelow(p, isListedPromptFile));
      else if (kind === undefined && isGlob(p)) {
        // a pattern (quoted, so the shell did not expand it): matched against the revision's listing below its
        // directory, as the working tree's files are (expandPromptPaths), so a file removed since counts
        const { base, rest } = splitGlob(p);
        if (rev.kind(base || '.') === 'tree') files.push(...filesBelow(base || '.', globTakes(rest)));
      } else files.push(shown(cwd, resolve(cwd, p)));
    }
    const items = entriesFor([...new Set(files)], baseCfg, cwd)
      .map((c) => readAt(rev, c, model))
      .filter((x): x is CheckItem => x !== undefined);
    return { side: { items: uniqueIds(items, ` at ${rev.at}`), cacheHitRate }, ...(configFile ? { configFile } : {}), project, budgets };
  }
  if (!baseCfg) return { side: { items: [], cacheHitRate }, project, budgets };
  // an empty check.prompts at the base is no prompt before (the pull request that adds the first ones), not an error
  if (baseCfg.prompts.length === 0) return { side: { items: [], cacheHitRate }, ...(configFile ? { configFile } : {}), project, budgets };
  const items = configsOf(ctx, [], baseCfg, ` at ${rev.at}`).map((c) => {
    const item = readAt(rev, c, model);
    if (!item)
      throw new UserError(
        `--base-ref ${rev.ref}: ${configFile} names ${c.file}, which does not exist at ${rev.at}`,
        'the base revision is inconsistent; compare with another --base-ref, or with --baseline FILE',
      );
    return item;
  });
  return { side: { items: uniqueIds(items, ` at ${rev.at}`), cacheHitRate }, ...(configFile ? { configFile } : {}), project, budgets };
}

interface Baselined {
  source: BaselineSource;
  writeTo?: { path: string; shown: string };
  baseConfigFile?: string;
  /** --base-ref: the base revision's tokenomics.yaml (its `prices:` and `modelAliases` price "before"); undefined when it has none. */
  baseProject?: ProjectConfig;
  /** --base-ref: the base revision's check.budgets ({} where it has no config). */
  baseBudgets?: Budgets;
}

function baselineSource(ctx: CommandContext, o: CheckOptions, cfg: CheckConfig, paths: string[], warnings: string[]): Baselined {
  const file = o.baseline
    ? { path: resolve(ctx.io.cwd, o.baseline), shown: o.baseline }
    : cfg.baseline
      ? { path: resolve(cfg.dir, cfg.baseline), shown: shown(ctx.io.cwd, resolve(cfg.dir, cfg.baseline)) }
      : undefined;
  if (o.baseRef && o.baseline) throw new UserError('give --baseline or --base-ref, not both');
  // --update-baseline compares with nothing: with --base-ref the run would pass what the comparison fails
  if (o.baseRef !== undefined && o.updateBaseline)
    throw new UserError(
      'give --update-baseline or --base-ref, not both: --update-baseline writes the current costs and compares with nothing',
      'write the baseline on the main branch (check --update-baseline); gate a pull request with check --base-ref REF',
    );
  if (o.headBudgets && o.baseRef === undefined)
    throw new UserError('--head-budgets applies to --base-ref', 'give --base-ref REF --head-budgets, or drop --head-budgets');
  if (o.mergeBase === false && o.baseRef === undefined)
    throw new UserError('--no-merge-base applies to --base-ref', 'give --base-ref REF --no-merge-base, or drop --no-merge-base');
  if (o.updateBaseline) {
    if (!file)
      throw new UserError('--update-baseline needs a baseline file', 'pass --baseline FILE or set check.baseline in tokenomics.yaml');
    return { source: { kind: 'none' }, writeTo: file };
  }
  if (o.baseRef !== undefined) {
    if (!o.baseRef.trim())
      throw new UserError(
        '--base-ref is empty',
        'in GitHub Actions use the pull request base, e.g. --base-ref origin/${{ github.base_ref }}, after fetching it',
      );
    const rev = new GitRevision(o.baseRef, ctx.io.cwd, { mergeBase: o.mergeBase !== false });
    const { side, configFile, project, budgets } = gitSide(ctx, rev, paths, o.model, warnings);
    const label = `git ${o.baseRef}${rev.name !== rev.ref ? ` (merge-base ${rev.name})` : ''}`;
    return {
      source: { kind: 'git', label, side, renamed: (a, b) => rev.renamed(a, b) },
      ...(configFile ? { baseConfigFile: configFile } : {}),
      baseProject: project,
      baseBudgets: budgets,
    };
  }
  if (file) return { source: { kind: 'file', label: file.shown, baseline: readBaselineFile(file.path, file.shown, SCHEMA_VERSION) } };
  return { source: { kind: 'none' } };
}

async function logTraffic(ctx: CommandContext, logs: string[] | undefined, wanted: ReadonlySet<string>): Promise<LogTraffic | undefined> {
  if (!logs?.length) return undefined;
  const t = emptyTraffic(wanted);
  const { ingest } = await runPipeline(
    ctx,
    logs.map((l) => (l === '-' ? l : resolve(ctx.io.cwd, l))),
    { keepText: false },
    (r) => addRecord(t, r),
  );
  // rejected records and unreadable files are said, as report says them (never a quieter traffic figure)
  for (const w of ingestWarnings(ingest.counts, ingest.issues)) ctx.warn(`--traffic: ${w.message}`);
  for (const w of fileWarnings(ingest.issues)) ctx.warn(`--traffic: ${w}`);
  if (t.requests === 0)
    throw new UserError(
      `--traffic ${logs.join(' ')}: no usable records`,
      'give usage logs with timestamps and a prompt (or feature) tag per record',
    );
  return t;
}

/** A saved baseline must cover the prompts checked: none in common means it was written from something else. */
function checkCoverage(source: BaselineSource, items: CheckItem[]): void {
  if (source.kind !== 'file') return;
  const snaps = source.baseline.snapshots;
  if (snaps.size === 0)
    throw new UserError(`${source.label}: the baseline lists no prompts`, 'recreate it with `tokenomics check --update-baseline`');
  // a prompt renamed since (the same text under another id) is covered too
  const texts = new Set([...snaps.values()].flatMap((s) => (s.textSha256 ? [s.textSha256] : [])));
  // so is one whose id was edited in its file
  const files = new Set([...snaps.values()].flatMap((s) => (s.file ? [s.file] : [])));
  if (
    !items.some((it) => snaps.has(it.prompt.id) || files.has(it.prompt.file) || (it.text !== undefined && texts.has(textSha256(it.text))))
  ) {
    const list = (xs: string[]) =>
      xs
        .slice(0, 5)
        .map((x) => JSON.stringify(x))
        .join(', ') + (xs.length > 5 ? ', ...' : '');
    throw new UserError(
      `${source.label}: the baseline has no entry for any prompt checked (it has ${list([...snaps.keys()])}; checked ${list(items.map((i) => i.prompt.id))}): written from another config?`,
      'check the prompt ids, or recreate the baseline with `tokenomics check --update-baseline`',
    );
  }
}

/** Repository root of `cwd` (annotations are from there), else $GITHUB_WORKSPACE, else none. */
function repoRoot(ctx: CommandContext): string | undefined {
  try {
    return realpathSync(
      execFileSync('git', ['rev-parse', '--show-toplevel'], {
        cwd: ctx.io.cwd,
        encoding: 'utf8',
        stdio: ['ignore', 'pipe', 'ignore'],
      }).trim(),
    );
  } catch {
    return ctx.io.env.GITHUB_WORKSPACE ? resolve(ctx.io.env.GITHUB_WORKSPACE) : undefined;
  }
}

/** Append to a GitHub file ($GITHUB_OUTPUT, $GITHUB_STEP_SUMMARY); a failure is a one-line warning, never the verdict. */
function appendGithub(ctx: CommandContext, variable: string, text: string): void {
  const path = ctx.io.env[variable];
  if (!path) return;
  try {
    appendFileSync(path, text);
  } catch (err) {
    ctx.io.stderr.write(
      `warning: cannot write $${variable} (${(err as NodeJS.ErrnoException).code ?? 'error'}); the check result is unaffected\n`,
    );
  }
}

function github(ctx: CommandContext, result: ReturnType<typeof runCheck>, cfg: CheckConfig, markdown: string): void {
  const root = repoRoot(ctx);
  let cwdReal = ctx.io.cwd;
  try {
    cwdReal = realpathSync(ctx.io.cwd);
  } catch {
    // keep as given
  }
  const pathOf = (file: string) => {
    if (!root) return file.split(sep).join('/');
    const rel = relative(root, resolve(cwdReal, file));
    return rel && !rel.startsWith('..') && !isAbsolute(rel) ? rel.split(sep).join('/') : file;
  };
  // the runner reads workflow commands on stdout and stderr alike: stderr where stdout carries a document another
  // program reads (json, csv, html), which a line before it would break (`check --github --format json | jq`)
  const documentOnStdout = !ctx.opts.output && ctx.format !== 'table' && ctx.format !== 'markdown';
  (documentOnStdout ? ctx.io.stderr : ctx.io.stdout).write(
    githubAnnotations(result, cfg.file ? shown(ctx.io.cwd, cfg.file) : undefined, pathOf),
  );
  appendGithub(
    ctx,
    'GITHUB_OUTPUT',
    Object.entries(githubOutputs(result))
      .map(([k, v]) => `${k}=${v}\n`)
      .join(''),
  );
  appendGithub(ctx, 'GITHUB_STEP_SUMMARY', markdown);
}

async function check(ctx: CommandContext, paths: string[], o: CheckOptions): Promise<number> {
  requireModels(o.model, 'each prompt on its model in check.prompts or its spec');
  const cfg = readCheckConfig(ctx.config, ctx.io.cwd);
  const atMs = parseAt(o.at, ctx.io.now());
  const flagRate = parseRate(o.cacheHitRate);
  const rate = flagRate ?? cfg.cacheHitRate ?? DEFAULT_CACHE_HIT_RATE;
  const output = parseCount(o.outputTokens, '--output-tokens');
  const traffic = parseTraffic(o.callsPerDay, o.callsPerMonth);
  // a budget flag is the run's: it applies to every prompt, over check.budgets and a prompt's own budgets alike
  const flagBudgets = cliBudgets(o);
  const budgets = { ...cfg.budgets, ...flagBudgets };
  const items = loadItems(ctx, paths, cfg, o.model).map((it) => ({
    ...it,
    config: { ...it.config, budgets: { ...it.config.budgets, ...flagBudgets } },
  }));
  const warnings: string[] = [];
  const { source, writeTo, baseConfigFile, baseProject, baseBudgets } = baselineSource(ctx, o, cfg, paths, warnings);
  // the base revision's budgets carry the run's flags too: a flag is the run's, the same on both sides
  if (source.kind === 'git')
    for (const it of source.side.items) it.config = { ...it.config, budgets: { ...it.config.budgets, ...flagBudgets } };
  checkCoverage(source, items);
  // the logs' traffic is kept for the prompts checked, on either side (a git base's own prompts too)
  const wanted = new Set([...items, ...(source.kind === 'git' ? source.side.items : [])].map((it) => it.prompt.id));
  const logs = await logTraffic(ctx, o.traffic, wanted);
  const est = new Estimator(ctx.loadCatalog().catalog, { cacheHitRate: rate, atMs });
  // the base revision is priced with its own prices: and modelAliases (and the run's --prices files), at the same date
  const baseEstimator =
    source.kind === 'git' ? new Estimator(ctx.catalogFor(baseProject).catalog, { cacheHitRate: rate, atMs }) : undefined;
  const configFile = cfg.file ? shown(ctx.io.cwd, cfg.file) : undefined;
  const result = runCheck(est, {
    after: { items, cacheHitRate: cfg.cacheHitRate ?? DEFAULT_CACHE_HIT_RATE },
    base: source,
    budgets,
    overrides: {
      ...(traffic ? { traffic } : {}),
      ...(output !== undefined ? { output: { value: output } } : {}),
      ...(logs ? { logs } : {}),
      ...(flagRate !== undefined ? { cacheHitRate: flagRate } : {}),
      ...(o.model ? { model: o.model } : {}),
    },
    ...(configFile ? { configFile } : {}),
    ...(baseConfigFile ? { baseConfigFile } : {}),
    ...(baseEstimator ? { baseEstimator } : {}),
    ...(baseBudgets ? { baseBudgets: { budgets: { ...baseBudgets, ...flagBudgets }, apply: !o.headBudgets } } : {}),
    // a saved baseline covers the config's prompts: checking some files by path removes none
    reportRemoved: !(source.kind === 'file' && paths.length > 0),
  });
  result.warnings.unshift(...warnings);
  if (source.kind === 'file' && source.baseline.configFile && configFile && source.baseline.configFile !== configFile) {
    result.warnings.unshift(`the baseline ${source.label} was written from ${source.baseline.configFile}, not ${configFile}`);
  }
  const meta: CheckMeta = {
    schemaVersion: SCHEMA_VERSION,
    cacheHitRate: rate,
    budgets: result.budgets,
    ...(source.kind !== 'none' ? { baseline: source.label } : {}),
    ...(o.at ? { pricesAt: dateOptionLabel(o.at, atMs) } : {}),
    ...(configFile ? { configFile } : {}),
  };
  const data = checkData(result, meta);
  if (writeTo) {
    // the baseline file is the run's JSON document (without the report model)
    writeBaselineFile(writeTo.path, writeTo.shown, toJson(documentJson({ command: 'check', document: data })) + '\n');
    ctx.info(`wrote baseline ${writeTo.shown}`);
  }
  const report = withCharts('check', checkReport(data, checkContext(result, writeTo?.shown)));
  // the PR comment and the step summary are the markdown formatter's rendering of the same report
  const markdown = o.comment || o.github ? await ctx.render(report, 'markdown') : '';
  if (o.comment) {
    try {
      writeFileAtomic(resolve(ctx.io.cwd, o.comment), markdown);
    } catch (err) {
      throw new UserError(
        `cannot write --comment ${o.comment}: ${describeWriteError(err)}`,
        'check the path, or write the comment elsewhere',
      );
    }
  }
  if (o.github) github(ctx, result, cfg, markdown);
  await ctx.emit(report);
  const requireBaseline = ctx.strict || cfg.requireBaseline;
  if (requireBaseline && result.missingFromBaseline.length && source.kind === 'file') {
    throw new UserError(
      `${source.label}: no baseline entry for ${result.missingFromBaseline.map((id) => JSON.stringify(id)).join(', ')} (${ctx.strict ? '--strict' : 'check.requireBaseline'})`,
      'refresh the baseline with `tokenomics check --update-baseline` and commit it',
    );
  }
  return result.violations.length ? EXIT_GATE_FAILED : EXIT_OK;
}
