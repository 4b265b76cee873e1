/** `tokenomics simulate`: replay logs through the levers of one or more scenario files. */
import type { Command } from 'commander';
import { DIMENSION_NAMES, parseDimensions } from '../../aggregate/dims.js';
import { UserError } from '../../core/issues.js';
import { reasonTotal } from '../../ingest/types.js';
import { listFormats } from '../../ingest/index.js';
import { loadRecords } from '../../pipeline/records.js';
import { progressLine } from '../../pipeline/progress.js';
import { fileWarnings, ingestWarnings, nothingReadError } from '../../report/ingest-warnings.js';
import { pretokenize } from '../../simulate/pretokenize.js';
import { baselineRequests, runScenarios, unmatchedScopeWarnings } from '../../simulate/engine.js';
import { simGroupKey } from '../../simulate/data.js';
import { priceState } from '../../simulate/price.js';
import { buildSimulateReport, SIMULATE_SECTIONS } from '../../simulate/report.js';
import { loadScenarioFile, resolveInheritance } from '../../simulate/scenario.js';
import type { SimEnv } from '../../simulate/types.js';
import type { UsageRecord } from '../../usage/record.js';
import type { CommandContext } from '../context.js';
import { SCHEMA_VERSION } from '../version.js';
import { withCharts } from '../../report/charts.js';

interface SimulateOptions {
  scenario?: string[];
  only?: string[];
  by?: string;
  explain?: boolean;
  inputFormat?: string;
  map?: string;
  section?: string;
}

const collect = (value: string, previous: string[] = []) => [...previous, value];

export function registerSimulate(
  program: Command,
  run: (fn: (ctx: CommandContext, cmd: Command) => Promise<number> | number) => (...args: unknown[]) => Promise<void>,
): void {
  program
    .command('simulate')
    .description(
      'what would this traffic have cost with other settings? replay logs through caching, summarization, routing, batch and output levers',
    )
    .argument('<inputs...>', 'log files, directories or glob patterns (- for stdin)')
    .option('-s, --scenario <file>', 'scenario YAML file (repeatable; see README.md#simulate)', collect)
    .option('--only <name>', 'run only this scenario (repeatable)', collect)
    .option('--by <dims>', `group costs by ${DIMENSION_NAMES.join(', ')} (comma-separated; model and tier are where a request went)`)
    .option('--explain', 'add lever details: matched query pairs per threshold, per-lever timing')
    .option(
      '--input-format <name>',
      `force a log format instead of detecting it (${listFormats()
        .map((f) => f.name)
        .join(', ')})`,
    )
    .option('--map <spec>', 'column mapping for generic CSV/JSONL, e.g. model=llm_model,input=tokens_in,output=tokens_out')
    .option('--section <id>', 'with --format csv: which table (scenarios, waterfall, groups, assumptions, volume-curve)')
    .addHelpText(
      'after',
      `
Examples:
  $ tokenomics simulate fixtures/demo --scenario fixtures/scenarios/demo.yaml
  $ tokenomics simulate fixtures/demo -s fixtures/scenarios/demo.yaml \\
      -s fixtures/scenarios/levers.yaml --by feature --format markdown
  $ tokenomics simulate fixtures/demo -s fixtures/scenarios/demo.yaml \\
      --only full-plan --by week,feature
  $ tokenomics simulate fixtures/demo -s fixtures/scenarios/demo.yaml \\
      --only caching --explain
  $ tokenomics simulate fixtures/demo -s fixtures/scenarios/demo.yaml \\
      --format csv --section waterfall`,
    )
    .action(run((ctx, cmd) => simulate(ctx, cmd.args, cmd.opts<SimulateOptions>())));
}

/** Calendar days (UTC) from the first request's date to the last's, inclusive; undefined without timestamps. */
function daysCovered(records: UsageRecord[]): number | undefined {
  let first = Infinity;
  let last = -Infinity;
  for (const r of records)
    if (r.timeMs !== undefined) {
      first = Math.min(first, r.timeMs);
      last = Math.max(last, r.timeMs);
    }
  if (first > last) return undefined;
  const day = 86_400_000;
  return Math.floor(last / day) - Math.floor(first / day) + 1;
}

/** The first and last timestamps as logged (sorted as text, as the summary has always shown them). */
function periodOf(records: UsageRecord[]): { from: string; to: string } | null {
  const times = records
    .map((r) => r.timestamp)
    .filter((t): t is string => t !== undefined)
    .sort();
  return times.length ? { from: times[0], to: times[times.length - 1] } : null;
}

async function simulate(ctx: CommandContext, inputs: string[], opts: SimulateOptions): Promise<number> {
  if (!opts.scenario?.length) throw new UserError('simulate needs at least one --scenario FILE', 'see fixtures/scenarios/ for examples');
  const dims = opts.by !== undefined ? parseDimensions(opts.by) : undefined;
  let scenarios = resolveInheritance(opts.scenario.flatMap((f) => loadScenarioFile(f)));
  if (opts.only?.length) {
    const unknown = opts.only.filter((n) => !scenarios.some((s) => s.name === n));
    if (unknown.length)
      throw new UserError(
        `--only: no scenario named ${unknown.map((n) => `"${n}"`).join(', ')}`,
        `scenarios: ${scenarios.map((s) => s.name).join(', ')}`,
      );
    scenarios = scenarios.filter((s) => opts.only!.includes(s.name));
  }
  // a section no simulation of these scenarios has is a usage error before the logs are read
  const section = opts.section;
  if (
    section !== undefined &&
    !(SIMULATE_SECTIONS as readonly string[]).includes(section) &&
    !scenarios.some((s) => section.startsWith(`${s.name}:`))
  )
    throw new UserError(
      `unknown section "${section}"`,
      `use one of: ${SIMULATE_SECTIONS.join(', ')}, or a lever's table as scenario:lever:table (scenarios: ${scenarios.map((s) => s.name).join(', ')})`,
    );
  const { records, ingest, pricer } = await loadRecords(ctx, inputs, { keepText: true, inputFormat: opts.inputFormat, map: opts.map });
  const nothingRead = nothingReadError(ingest.counts, ingest.issues, ctx.strict);
  if (nothingRead) throw nothingRead;
  const progress =
    ctx.progressAllowed && records.length > 20_000
      ? (m: string) => ctx.io.stderr.write(progressLine([m], ctx.io.stderr.columns))
      : undefined;
  const env: SimEnv = { pricer, encode: await pretokenize(records, scenarios, pricer), explain: !!opts.explain, progress };
  const base = baselineRequests(records);
  const baseline = priceState(pricer, base);
  // each result released once run (its group totals taken first under --by): one scenario's requests held at a time
  const results = runScenarios(base, baseline, scenarios, env, ctx.io.now, dims ? simGroupKey(dims) : undefined);
  if (progress) ctx.io.stderr.write('\r\x1b[K');
  const skipped = reasonTotal(ingest.counts.skipped);
  const rejected = reasonTotal(ingest.counts.rejected);
  const withText = records.filter((r) => r.text?.messages?.length || r.text?.prompt !== undefined).length;
  const inputFacts = { records: records.length, read: ingest.counts.read, skipped, rejected, withText, period: periodOf(records) };
  const report = buildSimulateReport({
    baselineRequests: base,
    baseline,
    results,
    by: opts.by,
    dims,
    schemaVersion: SCHEMA_VERSION,
    facts: { days: daysCovered(records), records: inputFacts.records, withText: inputFacts.withText },
    inputs: inputFacts,
    notes: [
      // rejected records and unreadable files: warnings, on stderr and in JSON (as report prints them)
      ...ingestWarnings(ingest.counts, ingest.issues).map((w) => `warning: ${w.message}`),
      ...fileWarnings(ingest.issues).map((w) => `warning: ${w}`),
      ...unmatchedScopeWarnings(results).map((w) => `warning: ${w}`),
      ...(withText < records.length
        ? [
            `${records.length - withText} record(s) carry no prompt text: text levers (prefix replay, semantic cache, measured token conversion) use their parametric or factor modes there`,
          ]
        : []),
    ],
  });
  // timings vary run to run: on stderr, so the report itself stays deterministic
  if (opts.explain)
    for (const r of results) for (const s of r.steps) ctx.info(`timing: ${r.scenario.name} / ${s.label}: ${s.elapsedMs} ms`);
  await ctx.emit(withCharts('simulate', report), opts.section);
  return 0;
}
