/** `tokenomics report <inputs...>`: what did it cost, where did the money go, per unit. */
import type { Command } from 'commander';
import { UserError } from '../../core/issues.js';
import { decimalNumber } from '../../core/validate.js';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { statSync } from 'node:fs';
import { checkTimeZone } from '../../aggregate/dims.js';
import { listFormats } from '../../ingest/index.js';
import { holdsLogFile } from '../../ingest/inputs.js';
import { REPORT_SECTIONS, usageReport } from '../../report/usage-sections.js';
import { nothingReadError } from '../../report/ingest-warnings.js';
import { planReport, runReport, type ReportTask } from '../report-task.js';
import { DEFAULT_MAX_ROWS, type CommandContext } from '../context.js';
import type { Runner } from '../main.js';
import { isWarehouseUrl } from '../../engine/warehouse/connect.js';
import { withCharts } from '../../report/charts.js';

interface ReportOptions {
  by: string;
  top?: string;
  since?: string;
  until?: string;
  reprice?: string;
  inputFormat?: string;
  map?: string;
  section?: string;
  tz?: string;
  memoryLimit?: string;
}

export function registerReport(program: Command, run: Runner): void {
  program
    .command('report')
    .description('cost report from exported request logs: totals, breakdowns, unit economics, caching, long-context cliffs')
    .argument(
      '[inputs...]',
      'log files, directories, glob patterns, .gz files, - for stdin, or a database URL postgres://…?table=NAME / clickhouse://…?table=NAME (none: the local Claude Code and Codex CLI logs)',
    )
    .option(
      '--by <dims>',
      'group by: model, provider, feature, customer, user, conversation, session, project, outcome, prompt, tier, source, day, week, month, tag:NAME (comma-separated)',
      'model',
    )
    .option(
      '--top <n>',
      `show the N most expensive groups, the rest summed in one row (default ${DEFAULT_MAX_ROWS}; --all shows every group)`,
    )
    .option('--since <date>', 'only requests at or after this date/time (ISO 8601; in --tz, else UTC, unless it names a zone)')
    .option('--until <date>', 'only requests before this date/time (ISO 8601; in --tz, else UTC, unless it names a zone)')
    .option('--tz <zone>', 'time zone for --by day/week/month and the period shown (IANA name, e.g. Europe/Berlin; default UTC)')
    .option(
      '--reprice <what>',
      'side by side with another price: "current" (today\'s catalog), a date YYYY-MM-DD, or a proposed price FILE',
    )
    .option(
      '--input-format <name>',
      `force a log format instead of detecting it (${listFormats()
        .map((f) => f.name)
        .join(', ')})`,
    )
    .option(
      '--map <spec>',
      'column mapping for generic CSV/JSONL, e.g. model=llm_model,input=tokens_in,output=tokens_out; for a database URL: litellm, langfuse, otel or usage_column=their_column pairs',
    )
    .option(
      '--memory-limit <size>',
      'memory the SQL engine may use before it spills to a temporary directory (e.g. 512MB, 2GB; default: a quarter of RAM, at most 400 MiB)',
    )
    .option('--section <id>', `with --format csv: which table (${REPORT_SECTIONS.join(', ')})`)
    .addHelpText(
      'after',
      `
Examples:
  $ tokenomics report                  # your Claude Code and Codex CLI logs
  $ tokenomics report --by day --tz Europe/Berlin      # daily, in date order
  $ tokenomics report fixtures/demo
  $ tokenomics report fixtures/demo --by feature,model --top 5
  $ tokenomics report 'fixtures/demo/*.jsonl' --since 2026-10-15 \\
      --until 2026-11-01 --format json > late-october.json
  $ tokenomics report fixtures/demo --reprice current  # billed vs today's
  $ tokenomics report fixtures/demo --reprice fixtures/prices/proposed.yaml
  $ cat fixtures/logs/generic/requests.csv | tokenomics report - \\
      --map model=llm_model,prompt=tokens_in,cacheRead=cached,output=tokens_out
  $ tokenomics report fixtures/demo --format csv --section groups > spend.csv
  $ tokenomics report \\
      'postgres://litellm@db:5432/litellm?table=LiteLLM_SpendLogs&map=litellm' \\
      --by model,user
  $ tokenomics report \\
      'clickhouse://default@ch:8123/langfuse?table=observations' --map langfuse

Inputs may mix formats; each file's format is detected from its content.
Unknown models are reported as unpriced (never $0); records without counts are
estimated and marked.`,
    )
    .action(run((ctx, cmd) => report(ctx, cmd.processedArgs[0] as string[], cmd.opts<ReportOptions>())));
}

/** Local Claude Code transcript directories: $CLAUDE_CONFIG_DIR (comma-separated) or ~/.claude and ~/.config/claude, each /projects. */
export function claudeCodeDirs(env: Record<string, string | undefined>): { dirs: string[]; looked: string[] } {
  const home = env.HOME ?? env.USERPROFILE ?? homedir();
  const roots = env.CLAUDE_CONFIG_DIR?.trim()
    ? env.CLAUDE_CONFIG_DIR.split(',')
        .map((d) => d.trim())
        .filter(Boolean)
    : [join(home, '.claude'), join(home, '.config', 'claude')];
  const looked = roots.map((r) => join(r, 'projects'));
  return { dirs: looked.filter((d) => isDir(d)), looked };
}

function isDir(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}

/** Local Codex CLI session logs: $CODEX_HOME/sessions, CODEX_HOME defaulting to ~/.codex. */
export function codexSessionsDir(env: Record<string, string | undefined>): string {
  const home = env.CODEX_HOME?.trim() || join(env.HOME ?? env.USERPROFILE ?? homedir(), '.codex');
  return join(home, 'sessions');
}

/** Inputs when none are given: the local Claude Code logs and Codex CLI logs, those that exist. */
function defaultInputs(ctx: CommandContext): { inputs: string[]; notes: string[]; label: string } {
  // a default directory is read when it holds a log: an empty ~/.claude/projects (Claude Code installed,
  // never used) beside Codex CLI logs, or beside the other Claude Code directory, is not an error
  const { dirs: found, looked } = claudeCodeDirs(ctx.io.env);
  const dirs = found.filter((d) => holdsLogFile(d));
  const codex = codexSessionsDir(ctx.io.env);
  const hasCodex = isDir(codex) && holdsLogFile(codex);
  if (dirs.length === 0 && !hasCodex) {
    throw new UserError(
      `no inputs given and no Claude Code or Codex CLI logs found (looked in ${[...looked, codex].join(', ')})`,
      'pass log files or directories, e.g. tokenomics report logs/ (see README.md#report); set CLAUDE_CONFIG_DIR or CODEX_HOME if the logs are elsewhere',
    );
  }
  if (dirs.length > 0) ctx.info(`reading Claude Code logs in ${dirs.join(', ')}`);
  if (hasCodex) ctx.info(`reading Codex CLI logs in ${codex}`);
  const label = [dirs.length > 0 ? 'Claude Code' : '', hasCodex ? 'Codex CLI' : ''].filter(Boolean).join(' and ');
  return { inputs: hasCodex ? [...dirs, codex] : dirs, notes: [], label: `${label} logs` };
}

async function report(ctx: CommandContext, given: string[], opts: ReportOptions): Promise<number> {
  const tz = opts.tz === undefined ? undefined : checkTimeZone(opts.tz);
  // a section no report has is a usage error before the logs are read (one the run has no data for is said after)
  if (opts.section !== undefined && !(REPORT_SECTIONS as readonly string[]).includes(opts.section))
    throw new UserError(`unknown section "${opts.section}"`, `use one of: ${REPORT_SECTIONS.join(', ')}`);
  const explicitTop = opts.top !== undefined ? decimalNumber(opts.top) : undefined;
  if (explicitTop !== undefined && (!Number.isInteger(explicitTop) || explicitTop < 1))
    throw new UserError(
      `--top expects a positive whole number (got "${opts.top}")`,
      '--top N lists the N most expensive groups and sums the rest in one row; --all shows every group',
    );
  // tables and markdown: only the top groups leave the SQL engine (bounded memory for --by user over
  // millions), the rest summed exactly in one row. JSON, CSV and html hold every group unless --top
  // is given; tables rendered from them sum the same rest by the section's rule (report/rows.ts), so
  // `render` of a saved JSON report prints the table the command printed. html keeps every group for
  // its charts (spend over time covers every day).
  const top = explicitTop ?? (ctx.format === 'table' || ctx.format === 'markdown' ? ctx.maxRows : undefined);
  const task: ReportTask = {
    by: opts.by,
    since: opts.since,
    until: opts.until,
    reprice: opts.reprice,
    tz,
    inputFormat: opts.inputFormat,
    map: opts.map,
    memoryLimit: opts.memoryLimit,
  };
  const plan = { ...planReport(ctx, task), top };
  const { dims } = plan;
  // a database URL: the same report computed where the data lives (report-remote.ts)
  if (given.some(isWarehouseUrl))
    return (await import('./report-remote.js')).reportRemote(ctx, { inputs: given, task, dims, top, map: opts.map, section: opts.section });
  const fromDefault = given.length === 0 ? defaultInputs(ctx) : undefined;
  const inputs = fromDefault?.inputs ?? given;
  const result = await runReport(ctx, inputs, task, plan);
  const nothingRead = nothingReadError(result.ingest.counts, result.ingest.issues, ctx.strict);
  if (nothingRead) throw nothingRead;
  const { data } = result;
  const files = data.inputs.files;
  const formats = [...new Set(files.map((f) => f.format))].join(', ');
  const out = usageReport(data, {
    top,
    tz,
    source: [
      'Inputs',
      `${files.length} file${files.length === 1 ? '' : 's'} (${formats || 'none'})${fromDefault ? `: ${fromDefault.label}` : ''}`,
    ],
    nothingBillable: 'no billable records in the inputs',
    notes: fromDefault?.notes,
  });
  await ctx.emit(withCharts('report', out), opts.section);
  return 0;
}
