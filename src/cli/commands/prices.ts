/** `tokenomics prices`: the resolved catalog entry for model ids, or the whole catalog. */
import type { Command } from 'commander';
import { UserError } from '../../core/issues.js';
import type { Resolution } from '../../pricing/catalog.js';
import { entryData } from '../../pricing/describe.js';
import { litellmBadPriceWarning, loadCatalog } from '../../pricing/load.js';
import { upliftRuleFor } from '../../pricing/cost.js';
import { pricesReport, type PricesContext, type PricesData } from '../../report/prices-data.js';
import { dateOptionMs, type CommandContext } from '../context.js';
import { SCHEMA_VERSION } from '../version.js';
import { inert } from '../../core/untrusted.js';
import { wrapText } from '../../report/table.js';

interface PricesOptions {
  at?: string;
  provider?: string;
  check?: string;
}

export function registerPrices(
  program: Command,
  run: (fn: (ctx: CommandContext, cmd: Command) => Promise<number> | number) => (...args: unknown[]) => Promise<void>,
): void {
  program
    .command('prices')
    .description('show the resolved price entry for model ids, or the whole catalog')
    .argument('[models...]', 'model ids as they appear in logs (snapshots, provider prefixes and Bedrock ids resolve)')
    .option(
      '--at <date>',
      'show the price in force on this date (YYYY-MM-DD, as of 00:00 UTC) or at this time (ISO 8601 with Z or an offset)',
      undefined,
    )
    .option('--provider <name>', 'only this provider (openai, anthropic, google, bedrock, mistral, deepseek, xai)')
    .option('--check <file>', 'validate a user price file (catalog YAML or LiteLLM JSON) and exit 0 (valid) or 2')
    .addHelpText(
      'after',
      `
Examples:
  $ tokenomics prices gpt-4o-mini claude-sonnet-4-5 gemini-2.5-flash
  $ tokenomics prices us.anthropic.claude-sonnet-4-5-20250929-v1:0 --format json
  $ tokenomics prices o3 --at 2025-06-01   # the price before the 2025-06-10 cut
  $ tokenomics prices --provider anthropic --format markdown
  $ tokenomics prices --check fixtures/prices/acme-contract.yaml
  $ tokenomics prices --prices fixtures/prices/litellm-sample.json gpt-4o`,
    )
    .action(run((ctx, cmd) => prices(ctx, cmd.args, cmd.opts<PricesOptions>())));
}

function parseAt(at: string | undefined, now: number): number {
  if (at === undefined) return now;
  return dateOptionMs('--at', at);
}

async function prices(ctx: CommandContext, models: string[], opts: PricesOptions): Promise<number> {
  // an option the command would ignore is a usage error (as --format on sql): the user asked for something not shown
  if (opts.check !== undefined && (models.length > 0 || opts.at !== undefined || opts.provider !== undefined))
    throw new UserError(
      `--check validates a price file: it takes no ${models.length > 0 ? 'model ids' : opts.at !== undefined ? '--at' : '--provider'}`,
      `run tokenomics prices --check FILE alone; to see the prices it sets: tokenomics prices --prices FILE MODEL`,
    );
  if (opts.check) return checkFile(ctx, opts.check);
  if (opts.provider !== undefined && models.length > 0)
    throw new UserError(
      `--provider lists one provider's models: it does not apply to model ids (${inert(models.join(' '))})`,
      `drop --provider to show those ids, or drop the ids to list every ${inert(opts.provider)} model`,
    );
  const atMs = parseAt(opts.at, ctx.io.now());
  const { catalog } = ctx.loadCatalog();
  if (models.length === 0) {
    let entries = catalog.effectiveEntries();
    if (opts.provider) entries = entries.filter((e) => e.provider === opts.provider);
    if (entries.length === 0)
      throw new UserError(
        `no models for provider "${opts.provider}"`,
        `providers: ${[...new Set(catalog.entries.map((e) => e.provider))].sort().join(', ')}`,
      );
    await ctx.emit(pricesReport({ schemaVersion: SCHEMA_VERSION, models: entries.map((e) => entryData(e, atMs)) }));
    return 0;
  }
  const found = [];
  for (const m of models) {
    const res = catalog.resolve(m);
    if (!res) {
      const close = catalog.suggest(m);
      throw new UserError(
        `unknown model "${inert(m)}": not in the pricing catalog`,
        close.length ? `closest known ids: ${close.join(', ')}` : 'add it with --prices FILE or a prices: section in tokenomics.yaml',
      );
    }
    found.push({ query: m, res });
  }
  const data: PricesData = { schemaVersion: SCHEMA_VERSION, models: found.map((f) => entryData(f.res.entry, atMs, f.res, f.query)) };
  await ctx.emit(pricesReport(data, { uplifts: found.map((f) => bedrockUplift(f.res, atMs)) }));
  return 0;
}

/** The catalog's Bedrock uplift a geo / in-Region id bills on that date, if it states one. */
function bedrockUplift(res: Resolution, atMs: number): NonNullable<PricesContext['uplifts']>[number] {
  if (res.bedrockScope !== 'geo' && res.bedrockScope !== 'in-region') return undefined;
  const rule = upliftRuleFor(res.entry, 'bedrock', atMs);
  return rule > 0 ? { scope: res.bedrockScope, factorText: res.entry.regional[rule - 1].factorText } : undefined;
}

function checkFile(ctx: CommandContext, file: string): number {
  // over the bundled catalog, as a run loads it: an alias that names a bundled model's id is an error too
  const { report } = loadCatalog({ priceFiles: [file] });
  const count = report.sources.at(-1)?.entries ?? 0;
  // an entry skipped for a price that is none (negative, a word) was counted as having no per-token text
  // price, and the check said nothing more: its model is unpriced in every run that loads the file
  const bad = report.litellmSkipped.filter((s) => s.badPrice).length;
  const noText = report.litellmSkipped.length - bad;
  const line = `${inert(file, 0)}: ok, ${count} entr${count === 1 ? 'y' : 'ies'}${noText ? `; ${noText} LiteLLM entr${noText === 1 ? 'y' : 'ies'} not mappable (no per-token text prices)` : ''}${bad ? `; ${bad} skipped: a price that is not one (see the warning)` : ''}`;
  // fitted as a table is (COLUMNS, the terminal; --wide: whole), continuation lines indented by two
  ctx.write(`${wrapText(line, ctx.width, '  ').join('\n')}\n`);
  const warning = litellmBadPriceWarning(report.litellmSkipped);
  if (warning) ctx.warn(warning);
  return 0;
}
