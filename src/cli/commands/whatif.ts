/** `tokenomics whatif FILE`: unit economics of a product modelled in a what-if YAML file (no logs needed). */
import type { Command } from 'commander';
import { UserError } from '../../core/issues.js';
import { dateToMs } from '../../pricing/compile.js';
import { Pricer } from '../../pricing/cost.js';
import { assumptionRows, type Provenance } from '../../whatif/assumptions.js';
import { loadWhatifText, readWhatifText, type LoadedWhatif } from '../../whatif/load.js';
import { whatifReport } from '../../whatif/report.js';
import { computeWhatif, DEFAULT_OPTIONS, type WhatifOptions } from '../../whatif/result.js';
import { parseSet, type SetOverride } from '../../whatif/setpath.js';
import type { CommandContext } from '../context.js';

interface WhatifCliOptions {
  set?: string[];
  seed?: string;
  samples?: string;
  at?: string;
  volumes?: string;
  step?: string;
  section?: string;
}

const collect = (value: string, previous: string[] = []) => [...previous, value];
const SECTIONS = ['features', 'volume', 'sensitivity', 'bands', 'assumptions'];

export function registerWhatif(program: Command, run: (fn: (ctx: CommandContext, cmd: Command) => Promise<number> | number) => (...args: unknown[]) => Promise<void>): void {
  program
    .command('whatif')
    .description('unit economics from a what-if model of the product (no logs): cost per feature, margin, token floors, volume, sensitivity, bands')
    .argument('<file>', 'what-if YAML file (version: 1)')
    .option('--set <path=value>', 'change one assumption, e.g. features.screening.outputTokens=400 (repeatable)', collect)
    .option('--at <date>', 'price at the catalog in force on this date (YYYY-MM-DD; default: pricesAt in the file, else today)')
    .option('--seed <n>', `Monte Carlo seed (default ${DEFAULT_OPTIONS.seed})`)
    .option('--samples <n>', `Monte Carlo samples (default ${DEFAULT_OPTIONS.samples})`)
    .option('--volumes <list>', 'volume multipliers for the volume table (default 1,10,100)')
    .option('--step <percent>', `sensitivity step in percent (default ${DEFAULT_OPTIONS.stepPercent})`)
    .option('--section <id>', `CSV: which table (${SECTIONS.join(', ')}; default features)`)
    .addHelpText('after', `
Examples:
  $ tokenomics whatif fixtures/whatif/acme-copilot.yaml
  $ tokenomics whatif acme.yaml --set features.screening.outputTokens=400 --set product.pricePoint.perSeatUsd=39
  $ tokenomics whatif acme.yaml --format csv > features.csv
  $ tokenomics whatif acme.yaml --format markdown --samples 5000 --seed 7 > memo.md`)
    .action(run((ctx, cmd) => whatif(ctx, cmd.args[0], cmd.opts<WhatifCliOptions>())));
}

function intOption(name: string, raw: string | undefined, dflt: number, min: number, max: number): number {
  if (raw === undefined) return dflt;
  const n = Number(raw);
  if (!/^\d+$/.test(raw.trim()) || n < min || n > max) throw new UserError(`${name} expects an integer from ${min} to ${max} (got "${raw}")`);
  return n;
}

export function parseOptions(o: WhatifCliOptions): WhatifOptions {
  const volumes = o.volumes === undefined ? DEFAULT_OPTIONS.volumes : o.volumes.split(',').map((v) => Number(v.trim()));
  if (volumes.length === 0 || volumes.some((v) => !Number.isFinite(v) || v <= 0)) throw new UserError(`--volumes expects positive numbers separated by commas (got "${o.volumes}")`, 'e.g. --volumes 1,10,100');
  return {
    seed: intOption('--seed', o.seed, DEFAULT_OPTIONS.seed, 0, 4294967295),
    samples: intOption('--samples', o.samples, DEFAULT_OPTIONS.samples, 1, 1_000_000),
    volumes,
    stepPercent: intOption('--step', o.step, DEFAULT_OPTIONS.stepPercent, 1, 99),
  };
}

function pricesDate(at: string | undefined, loaded: LoadedWhatif, nowMs: number): { date: string; source: string; ms: number } {
  if (at !== undefined) {
    if (!/^\d{4}-\d{2}-\d{2}$/.test(at) || Number.isNaN(dateToMs(at))) throw new UserError(`--at expects a date YYYY-MM-DD (got "${at}")`);
    return { date: at, source: '--at', ms: dateToMs(at) };
  }
  if (loaded.spec.pricesAt) return { date: loaded.spec.pricesAt, source: `${loaded.file}:${loaded.lineOf(['pricesAt']) ?? ''}`.replace(/:$/, ''), ms: dateToMs(loaded.spec.pricesAt) };
  return { date: new Date(nowMs).toISOString().slice(0, 10), source: 'today', ms: nowMs };
}

function provenance(loaded: LoadedWhatif, sets: SetOverride[]): Provenance {
  const get = (path: string[]) => path.reduce<unknown>((n, k) => (n && typeof n === 'object' ? (n as Record<string, unknown>)[k] : undefined), loaded.doc);
  return {
    file: loaded.file,
    lineOf: loaded.lineOf,
    stated: (path) => get(path) !== undefined,
    setBy: (path) => [...sets].reverse().find((s) => s.path.length <= path.length && s.path.every((p, i) => p === path[i]))?.raw,
  };
}

function whatif(ctx: CommandContext, file: string, o: WhatifCliOptions): number {
  if (o.section !== undefined && !SECTIONS.includes(o.section)) throw new UserError(`unknown section "${o.section}"`, `use one of: ${SECTIONS.join(', ')}`);
  const options = parseOptions(o);
  const sets = (o.set ?? []).map(parseSet);
  const text = readWhatifText(file);
  const { catalog } = ctx.loadCatalog();
  const loaded = loadWhatifText(text, file, sets, catalog);
  const at = pricesDate(o.at, loaded, ctx.io.now());
  const pricer = new Pricer(catalog, { atMs: at.ms });
  const resolve = (model: string) => {
    const res = loaded.resolutions.get(model);
    if (!res) throw new Error(`unresolved model ${model}`);
    return res;
  };
  const result = computeWhatif(loaded.doc, loaded.spec, pricer, resolve, options);
  if (o.section === 'bands' && !result.bands) throw new UserError('no bands: the file has no distributions', 'give inputTokens or outputTokens as {p50, p90}, {mean, sd} or {min, max}');
  const assumptions = assumptionRows(loaded.spec, provenance(loaded, sets), at);
  const report = whatifReport(result, { file, pricesAt: at.date, overrides: sets.map((s) => s.raw), assumptions, doc: loaded.doc });
  // notes starting with "warning: " reach stderr in every format through ctx.emit
  ctx.emit(report, o.section);
  return 0;
}
