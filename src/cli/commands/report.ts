/** `tokenomics report <inputs...>`: what did it cost, where did the money go, per unit. */
import type { Command } from 'commander';
import { UserError } from '../../core/issues.js';
import { parseDimensions } from '../../aggregate/dims.js';
import { mergeRollup, rollupConflict } from '../../aggregate/rollup-partial.js';
import { buildView } from '../../aggregate/view.js';
import { formatUsd } from '../../pricing/money.js';
import { listFormats } from '../../ingest/index.js';
import { reportRollup, type ReportTask } from '../../pipeline/report-task.js';
import { runPipeline } from '../../pipeline/stream.js';
import { formatInt } from '../../report/cells.js';
import type { Report, Section } from '../../report/model.js';
import { usageJson } from '../../report/usage-json.js';
import { labelUnpriced, unpricedReason } from '../../pricing/catalog.js';
import { cachingSection, cliffsSection, componentsSection, inputNotes, repriceSection, spendSection, turnsSection, unitSection } from '../../report/usage-sections.js';
import type { CommandContext } from '../context.js';
import type { Runner } from '../main.js';

interface ReportOptions {
  by: string;
  top?: string;
  since?: string;
  until?: string;
  reprice?: string;
  inputFormat?: string;
  map?: string;
  section?: string;
}

export function registerReport(program: Command, run: Runner): void {
  program
    .command('report')
    .description('cost report from exported request logs: totals, breakdowns, unit economics, caching, long-context cliffs')
    .argument('<inputs...>', 'log files, directories, glob patterns, .gz files, or - for stdin')
    .option('--by <dims>', 'group by: model, provider, feature, customer, user, conversation, outcome, prompt, tier, source, day, week, month, tag:NAME (comma-separated)', 'model')
    .option('--top <n>', 'show the N most expensive groups (the rest summed in one row)')
    .option('--since <date>', 'only requests at or after this date/time (ISO 8601, UTC)')
    .option('--until <date>', 'only requests before this date/time (ISO 8601, UTC)')
    .option('--reprice <what>', 'side by side with another price: "current" (today\'s catalog), a date YYYY-MM-DD, or a proposed price FILE')
    .option('--input-format <name>', `force a log format instead of detecting it (${listFormats().map((f) => f.name).join(', ')})`)
    .option('--map <spec>', 'column mapping for generic CSV/JSONL, e.g. model=llm_model,input=tokens_in,output=tokens_out')
    .option('--section <id>', 'with --format csv: which table (groups, components, unit, turns, caching, long-context, reprice)')
    .addHelpText('after', `
Examples:
  $ tokenomics report fixtures/demo
  $ tokenomics report logs/ --by feature,model --top 10
  $ tokenomics report 'exports/**/*.jsonl.gz' --since 2026-10-01 --until 2026-11-01 --format json > october.json
  $ tokenomics report fixtures/demo --reprice current          # billed prices vs today's catalog
  $ tokenomics report fixtures/demo --reprice proposed-prices.yaml
  $ cat app.csv | tokenomics report - --input-format generic --map model=llm,input=tok_in,output=tok_out
  $ tokenomics report logs/ --format csv --section groups > spend.csv

Inputs may mix formats; each file's format is detected from its content.
Unknown models are reported as unpriced (never $0); records without counts are estimated and marked.`)
    .action(run((ctx, cmd) => report(ctx, cmd.args, cmd.opts<ReportOptions>())));
}

async function report(ctx: CommandContext, inputs: string[], opts: ReportOptions): Promise<number> {
  const dims = parseDimensions(opts.by);
  const top = opts.top !== undefined ? Number(opts.top) : undefined;
  if (top !== undefined && (!Number.isInteger(top) || top < 1)) throw new UserError(`--top expects a positive whole number (got "${opts.top}")`);
  const task: ReportTask = { by: opts.by, since: opts.since, until: opts.until, reprice: opts.reprice };
  const { rollup, reprice: rp } = reportRollup(ctx, task);
  const result = await runPipeline(ctx, inputs, { keepText: false, inputFormat: opts.inputFormat, map: opts.map }, (r, card) => rollup.add(r, card), {
    task,
    conflict: (part) => rollupConflict(rollup, part),
    merge: (part, pricer) => mergeRollup(rollup, part, pricer, rp?.pricer),
  });
  const issues = result.ingest.issues;
  const fileErrors = issues.filter((i) => i.severity === 'error');
  if (result.ingest.counts.read === 0 && fileErrors.length > 0) {
    const first = fileErrors[0];
    throw new UserError(`no records could be read from the inputs: ${first.file ? `${first.file}: ` : ''}${first.message}${fileErrors.length > 1 ? ` (and ${fileErrors.length - 1} more)` : ''}`, first.hint);
  }
  const view = buildView(rollup);
  const json = usageJson({ view, ingest: result.ingest, dims, issues, estimatedRecords: view.total.sums.estimatedRecords, unpricedModels: Object.fromEntries([...rollup.total.unpricedModels.entries()].sort((a, b) => b[1] - a[1])), reprice: rp ? { label: rp.label } : undefined });
  // records of a catalogued model dated before its first known price: say why they are unpriced (docs/pricing.md)
  for (const [model, requests] of rollup.total.unpricedModels) if (ctx.loadCatalog().catalog.resolve(model)) json.warnings.push({ message: `${model}: unpriced, ${unpricedReason(ctx.loadCatalog().catalog, model)}`, requests });
  const sections: Section[] = [spendSection(view, dims, top), componentsSection(view), unitSection(view)];
  for (const s of [turnsSection(view), cachingSection(view), cliffsSection(view), rp ? repriceSection(view, dims, rp.label) : undefined]) if (s) sections.push(s);
  const files = result.ingest.files;
  const formats = [...new Set(files.map((f) => f.format))].join(', ');
  const period = view.period ? `${new Date(view.period.fromMs).toISOString().slice(0, 16).replace('T', ' ')} to ${new Date(view.period.toMs).toISOString().slice(0, 16).replace('T', ' ')} UTC` : 'no timestamps';
  const out: Report = {
    title: 'tokenomics report',
    summary: [
      ['Inputs', `${files.length} file${files.length === 1 ? '' : 's'} (${formats || 'none'})`],
      ['Period', period],
      ['Requests', formatInt(view.total.sums.requests)],
      ['Total cost', view.total.sums.records === 0 ? '$0.00 (no billable records in the inputs)' : formatUsd(view.total.cost.costFemto) + (view.total.cost.unpriced.records ? ` + ${formatInt(view.total.cost.unpriced.requests)} unpriced requests` : '')],
    ],
    sections,
    notes: inputNotes(result.ingest, issues, labelUnpriced(rollup.total.unpricedModels, ctx.loadCatalog().catalog), view, view.total.sums.estimatedRecords),
    json,
    primarySection: 'groups',
  };
  ctx.emit(out, opts.section);
  return 0;
}
