/** `tokenomics whatif FILE`: unit economics of a product modelled in a what-if YAML file (no logs needed). */
import type { Command } from 'commander';
import { UserError } from '../../core/issues.js';
import { decimalNumber } from '../../core/validate.js';
import { inert } from '../../core/untrusted.js';
import { dateToMs } from '../../pricing/compile.js';
import { Pricer } from '../../pricing/cost.js';
import { assumptionRows, type Provenance } from '../../whatif/assumptions.js';
import { loadWhatifText, readWhatifText, type LoadedWhatif } from '../../whatif/load.js';
import { whatifReport } from '../../whatif/report.js';
import { computeWhatif, DEFAULT_OPTIONS, type WhatifOptions } from '../../whatif/result.js';
import { parseSet, type SetOverride } from '../../whatif/setpath.js';
import { dateOptionLabel, dateOptionMs, isDateOption, type CommandContext } from '../context.js';
import { ingestInputs, usageWarnings } from '../../report/usage-sections.js';
import { labelUnpriced, noPriceError, noPriceReason } from '../../pricing/catalog.js';
import { planReport, runReport, type ReportTask } from '../report-task.js';
import { customerMargins, type CustomerCost } from '../../whatif/margin.js';
import { dimensionValue } from '../../aggregate/dims.js';
import { pretokenize } from '../../simulate/pretokenize.js';
import { cachesInLogs, scaleLevers, scaleModel } from '../../whatif/scale.js';
import type { UsageRecord } from '../../usage/record.js';
import { marginReport } from '../../whatif/margin-report.js';
import { readRevenueFile } from '../../whatif/revenue.js';
import { withCharts } from '../../report/charts.js';

interface WhatifCliOptions {
  set?: string[];
  seed?: string;
  samples?: string;
  at?: string;
  volumes?: string;
  step?: string;
  targetMargin?: string;
  section?: string;
  revenue?: string;
  logs?: string[];
}

const collect = (value: string, previous: string[] = []) => [...previous, value];
const SECTIONS = ['features', 'floors', 'levers', 'volume', 'sensitivity', 'bands', 'assumptions'];
/** `--revenue`'s tables. */
const MARGIN_SECTIONS = ['customers', 'plans', 'volume'];

export function registerWhatif(
  program: Command,
  run: (fn: (ctx: CommandContext, cmd: Command) => Promise<number> | number) => (...args: unknown[]) => Promise<void>,
): void {
  program
    .command('whatif')
    .description(
      'unit economics for finance: from a what-if model (cost per feature and seat, margin, floors and the price that fixes them, break-evens, bands), or margin per customer from logs and a revenue file',
    )
    .argument('[file]', 'what-if YAML file (version: 1); omit with --revenue and --logs')
    .option(
      '--revenue <file>',
      'margin per customer: revenue file (CSV or YAML: customer, plan, seats, perSeatUsd, contractUsd, perRequestUsd, discountPct), with --logs',
    )
    .option(
      '--logs <path>',
      'margin per customer: request logs (file, directory or glob; repeatable), priced as `report` prices them',
      collect,
    )
    .option('--set <path=value>', 'change one assumption, e.g. features.screening.outputTokens=400 (repeatable)', collect)
    .option(
      '--at <date>',
      'price at the catalog in force on this date (YYYY-MM-DD, as of 00:00 UTC) or at this time (ISO 8601 with Z or an offset); default: pricesAt in the file, else today',
    )
    .option('--seed <n>', `Monte Carlo seed (default ${DEFAULT_OPTIONS.seed})`)
    .option('--samples <n>', `Monte Carlo samples (default ${DEFAULT_OPTIONS.samples})`)
    .option('--volumes <list>', `volume multipliers for the volume table (default ${DEFAULT_OPTIONS.volumes.join(',')})`)
    .option(
      '--target-margin <percent>',
      `target gross margin that features are judged against and fixes restore (default ${DEFAULT_OPTIONS.targetMarginPct})`,
    )
    .option('--step <percent>', `sensitivity step in percent (default ${DEFAULT_OPTIONS.stepPercent})`)
    .option(
      '--section <id>',
      `CSV: which table (${SECTIONS.join(', ')}; default features; with --revenue: ${MARGIN_SECTIONS.join(', ')}; default customers)`,
    )
    .addHelpText(
      'after',
      `
Examples:
  $ tokenomics whatif fixtures/whatif/acme-copilot.yaml
  $ tokenomics whatif fixtures/whatif/acme-copilot.yaml \\
      --set features.screening.outputTokens=400 \\
      --set product.pricePoint.perSeatUsd=39
  $ tokenomics whatif fixtures/whatif/acme-copilot.yaml --format csv \\
      > features.csv
  $ tokenomics whatif fixtures/whatif/acme-copilot.yaml --format markdown \\
      --samples 5000 > memo.md
  $ tokenomics whatif --revenue fixtures/whatif/revenue.csv \\
      --logs fixtures/demo --volumes 1,3,10`,
    )
    .action(
      run((ctx, cmd) => {
        const o = cmd.opts<WhatifCliOptions>();
        const file = cmd.args[0] as string | undefined;
        if (o.revenue !== undefined || o.logs !== undefined) {
          if (file !== undefined)
            throw new UserError(
              'give either a what-if FILE or --revenue with --logs, not both',
              'margin per customer: tokenomics whatif --revenue FILE --logs DIR',
            );
          return margin(ctx, o);
        }
        if (file === undefined)
          throw new UserError(
            'missing what-if FILE',
            'tokenomics whatif FILE, or tokenomics whatif --revenue FILE --logs DIR for margin per customer',
          );
        return whatif(ctx, file, o);
      }),
    );
}

function intOption(name: string, raw: string | undefined, dflt: number, min: number, max: number): number {
  if (raw === undefined) return dflt;
  const n = decimalNumber(raw);
  if (!Number.isInteger(n) || n < min || n > max)
    throw new UserError(`${name} expects an integer from ${min} to ${max} (got "${raw}")`, `e.g. ${name} ${dflt} (the default)`);
  return n;
}

export function parseOptions(o: WhatifCliOptions): WhatifOptions {
  const volumes = o.volumes === undefined ? DEFAULT_OPTIONS.volumes : o.volumes.split(',').map(decimalNumber);
  if (volumes.length === 0 || volumes.some((v) => !Number.isFinite(v) || v <= 0))
    throw new UserError(`--volumes expects positive numbers separated by commas (got "${o.volumes}")`, 'e.g. --volumes 1,10,100');
  return {
    seed: intOption('--seed', o.seed, DEFAULT_OPTIONS.seed, 0, 4294967295),
    samples: intOption('--samples', o.samples, DEFAULT_OPTIONS.samples, 1, 1_000_000),
    volumes,
    stepPercent: intOption('--step', o.step, DEFAULT_OPTIONS.stepPercent, 1, 99),
    targetMarginPct: intOption('--target-margin', o.targetMargin, DEFAULT_OPTIONS.targetMarginPct, 0, 99),
  };
}

function pricesDate(at: string | undefined, loaded: LoadedWhatif, nowMs: number): { date: string; source: string; ms: number } {
  if (at !== undefined) {
    // a real calendar date: 2026-02-30 must not roll over into March (dateToMs refuses it)
    const ms = dateOptionMs('--at', at);
    return { date: dateOptionLabel(at, ms), source: '--at', ms };
  }
  if (loaded.spec.pricesAt)
    return {
      date: loaded.spec.pricesAt,
      source: `${loaded.file}:${loaded.lineOf(['pricesAt']) ?? ''}`.replace(/:$/, ''),
      ms: dateToMs(loaded.spec.pricesAt),
    };
  return { date: new Date(nowMs).toISOString().slice(0, 10), source: 'today', ms: nowMs };
}

function provenance(loaded: LoadedWhatif, sets: SetOverride[]): Provenance {
  const get = (path: string[]) =>
    path.reduce<unknown>((n, k) => (n && typeof n === 'object' ? (n as Record<string, unknown>)[k] : undefined), loaded.doc);
  return {
    file: loaded.file,
    lineOf: loaded.lineOf,
    stated: (path) => get(path) !== undefined,
    setBy: (path) => [...sets].reverse().find((s) => s.path.length <= path.length && s.path.every((p, i) => p === path[i]))?.raw,
  };
}

/**
 * Names in sentences (bottom line, notes, warnings): control characters made visible and length
 * capped; raw for JSON. Markdown structure is escaped once, by the markdown formatter, which escapes
 * every text it prints; escaping it here too doubled the backslashes and put markdown escapes into
 * the warnings on stderr.
 */
const escaper = (ctx: CommandContext) => (ctx.format === 'json' ? (s: string) => s : (s: string) => inert(s));

/** `whatif --revenue FILE --logs DIR`: margin per customer, costs from the report engine's per-customer groups. */
async function margin(ctx: CommandContext, o: WhatifCliOptions): Promise<number> {
  if (o.revenue === undefined || !o.logs?.length)
    throw new UserError(
      'margin per customer needs both --revenue FILE and --logs PATH',
      'e.g. tokenomics whatif --revenue fixtures/whatif/revenue.csv --logs fixtures/demo',
    );
  if (o.section !== undefined && !MARGIN_SECTIONS.includes(o.section))
    throw new UserError(`unknown section "${o.section}"`, `use one of: ${MARGIN_SECTIONS.join(', ')}`);
  const options = parseOptions(o);
  const revenue = readRevenueFile(o.revenue);
  const task: ReportTask = { by: 'customer' };
  // at k x volume the records are replayed through simulate's volume model (scale.ts): kept in
  // memory, from the same read, only then (otherwise the costs come from the engine in bounded memory)
  const scaled = options.volumes.some((k) => k !== 1);
  const records: UsageRecord[] = [];
  const pricer = new Pricer(ctx.loadCatalog().catalog, { defaultMs: ctx.io.now() });
  // only the requests that cache in the logs take part in the volume model (scale.ts): the others
  // are counted, not held (memory grows with the caching requests, not with every request read)
  let logged = 0;
  const keep = (r: UsageRecord) => {
    logged++;
    if (cachesInLogs(r, pricer)) records.push(r);
  };
  // the margins need every customer: no bound on the groups held (memory grows with the customers);
  // only each customer's cost is used, so no cost-per-request quantiles per customer are computed or held
  const plan = { ...planReport(ctx, task), maxGroups: Number.POSITIVE_INFINITY, groupQuantiles: false };
  const result = await runReport(ctx, o.logs, task, plan, scaled ? keep : undefined);
  if (result.ingest.counts.read === 0)
    throw new UserError(
      `no records could be read from ${o.logs.join(', ')}`,
      'give request log files or directories, as for tokenomics report',
    );
  const view = result.view;
  const costs: CustomerCost[] = view.groups.map((g) => ({
    // the margin report names requests without a customer "(none)" (a customer so named is not told apart there)
    customer: g.key.customer ?? '(none)',
    requests: g.sums.requests,
    costFemto: g.cost.costFemto,
    unpricedRequests: g.cost.unpriced.requests,
  }));
  // the engine's group views (every customer's token sums, cost parts and pricing) are not read again:
  // let them go before the margins and the report are built (they held most of the heap at 100k customers)
  view.groups = [];
  records.sort((a, b) => (a.timeMs ?? 0) - (b.timeMs ?? 0));
  const scenarios = [{ name: 'volume', levers: scaleLevers(2, []), at: 'whatif volume model' }];
  const encode = scaled ? await pretokenize(records, scenarios, pricer) : undefined;
  const scale = scaleModel(records, { pricer, encode, explain: false }, options.volumes, (r) => dimensionValue({ kind: 'customer' }, r));
  const m = customerMargins(revenue, costs, options.volumes, scale.saving);
  const period = view.period
    ? `${new Date(view.period.fromMs).toISOString().slice(0, 10)} to ${new Date(view.period.toMs).toISOString().slice(0, 10)}`
    : 'no timestamps';
  const out = marginReport(m, {
    revenueFile: o.revenue,
    logs: o.logs,
    period,
    requestsRead: view.total.sums.requests,
    name: escaper(ctx),
    scale: { replayed: scale.replayed, caching: scale.caching, requests: logged },
  });
  // what was read, skipped and rejected, and the problems found: the typed parts `report` has too
  out.inputs = ingestInputs(result.ingest);
  out.issues = result.ingest.issues;
  const unpricedModels = labelUnpriced(result.unpricedModels, ctx.loadCatalog().catalog);
  const warnings = usageWarnings({
    ingest: result.ingest,
    issues: result.ingest.issues,
    unpricedModels,
    view,
    estimated: view.total.sums.estimatedRecords,
    dims: [{ kind: 'customer' }],
    filters: [],
  });
  out.warnings = [...(out.warnings ?? []), ...warnings.map((w) => w.message), ...spanWarning(view.period)];
  await ctx.emit(withCharts('whatif', out), o.section);
  return 0;
}

const DAY_MS = 86_400_000;
/** Logs whose first and last requests are less than this apart are part of a month. */
const PART_OF_A_MONTH_MS = 27 * DAY_MS;

/**
 * The logs are taken as one month (each customer's cost against one month of its contract): logs
 * that span more than the longest month (31 days) hold more than a month of cost, and logs that
 * span less than 27 days less than a month of it: either is said in a warning.
 */
export function spanWarning(period: { fromMs: number; toMs: number } | undefined): string[] {
  if (!period) return [];
  const day = (ms: number) => new Date(ms).toISOString().slice(0, 10);
  // a part of a month (a week of logs) set against a whole month of contract reads as a margin
  // the month does not have: said too. The first and last requests of a whole month of February are
  // 27 days and some hours apart at least, unless the first or last day is quiet; below 27 days, it is a part.
  if (period.toMs - period.fromMs < PART_OF_A_MONTH_MS) {
    const days = Math.floor(period.toMs / DAY_MS) - Math.floor(period.fromMs / DAY_MS) + 1;
    return [
      `the logs cover ${days} day${days === 1 ? '' : 's'} (${day(period.fromMs)} to ${day(period.toMs)}) but are taken as one month: each customer's cost covers only those days against a whole month of its contract, so margins read higher than a month's would be; give a whole month of logs`,
    ];
  }
  if (period.toMs - period.fromMs <= 31 * DAY_MS) return [];
  const days = Math.ceil((period.toMs - period.fromMs) / DAY_MS);
  return [
    `the logs span ${days} days (${day(period.fromMs)} to ${day(period.toMs)}) but are taken as one month: each customer's cost covers them all against one month of its contract; give one month of logs`,
  ];
}

/** A model the file names with no price on the date priced at: exit 2 at the line that names it (the pricer would say the same without the line). */
function refuseUnpricedAt(loaded: ReturnType<typeof loadWhatifText>, atMs: number): void {
  for (const f of loaded.spec.features) {
    const named: Array<[string, string[]]> = [[f.model, ['features', f.name, 'model']]];
    if (f.route) named.push([f.route.model, ['features', f.name, 'route', 'model']]);
    if (f.floorModel) named.push([f.floorModel, ['features', f.name, 'floorModel']]);
    for (const [model, path] of named) {
      const res = loaded.resolutions.get(model);
      const line = loaded.lineOf(path);
      if (res && noPriceReason(res.entry, atMs) !== undefined)
        throw noPriceError(res.entry, atMs, `${loaded.file}${line ? `:${line}` : ''}`);
    }
  }
}

/**
 * Models whose prices change during the day priced at (a period starting after 00:00 UTC of it, e.g.
 * `from: 2025-09-05T16:00Z`): the date is priced as of its start, so the day's later price is not
 * the one shown; said in a warning, with the date that takes it.
 */
export function changesWithinDay(loaded: Pick<LoadedWhatif, 'spec' | 'resolutions'>, atMs: number): string[] {
  const models = new Set(
    loaded.spec.features.flatMap((f) => [f.model, ...(f.route ? [f.route.model] : []), ...(f.floorModel ? [f.floorModel] : [])]),
  );
  const out: string[] = [];
  for (const model of models) {
    const entry = loaded.resolutions.get(model)?.entry;
    const change = entry?.periods.find((p) => p.fromMs > atMs && p.fromMs < atMs + DAY_MS);
    if (!change) continue;
    const at = new Date(change.fromMs).toISOString();
    out.push(
      `warning: ${model}: its prices change at ${at.slice(11, 16)} UTC on ${at.slice(0, 10)}; priced as of 00:00 UTC, before the change (--at ${at.slice(0, 16)}Z or --at ${new Date(atMs + DAY_MS).toISOString().slice(0, 10)} for the new prices)`,
    );
  }
  return out;
}

async function whatif(ctx: CommandContext, file: string, o: WhatifCliOptions): Promise<number> {
  if (o.section !== undefined && !SECTIONS.includes(o.section))
    throw new UserError(`unknown section "${o.section}"`, `use one of: ${SECTIONS.join(', ')}`);
  const options = parseOptions(o);
  const sets = (o.set ?? []).map(parseSet);
  const text = readWhatifText(file);
  const { catalog } = ctx.loadCatalog();
  const loaded = loadWhatifText(text, file, sets, catalog);
  const at = pricesDate(o.at, loaded, ctx.io.now());
  refuseUnpricedAt(loaded, at.ms);
  const pricer = new Pricer(catalog, { atMs: at.ms });
  const resolve = (model: string) => {
    const res = loaded.resolutions.get(model);
    if (!res) throw new Error(`unresolved model ${model}`);
    return res;
  };
  const result = computeWhatif(loaded.doc, loaded.spec, pricer, resolve, options);
  if (o.section === 'bands' && !result.bands)
    throw new UserError(
      'no bands: the file has no distributions',
      'give inputTokens or outputTokens as {p50, p90}, {mean, sd} or {min, max}',
    );
  const assumptions = assumptionRows(loaded.spec, provenance(loaded, sets), at);
  const name = escaper(ctx);
  const report = whatifReport(result, { file, pricesAt: at.date, overrides: sets.map((s) => s.raw), assumptions, doc: loaded.doc, name });
  // a date (--at, pricesAt) is priced as of its 00:00 UTC; today and a time (--at) are priced as of that instant
  if (at.source !== 'today' && isDateOption(at.date)) report.notes.push(...changesWithinDay(loaded, at.ms).map(name));
  // notes starting with "warning: " reach stderr in every format through ctx.emit
  await ctx.emit(withCharts('whatif', report), o.section);
  return 0;
}
