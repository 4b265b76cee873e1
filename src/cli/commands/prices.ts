/** `tokenomics prices`: the resolved catalog entry for model ids, or the whole catalog. */
import type { Command } from 'commander';
import { UserError } from '../../core/issues.js';
import { dateToMs } from '../../pricing/compile.js';
import { noPriceReason, periodAt, type Resolution } from '../../pricing/catalog.js';
import { adjustText, chargesText, entryJson, tiersText } from '../../pricing/describe.js';
import { loadPriceFile, type LoadReport } from '../../pricing/load.js';
import type { ModelEntry, RegionalUplift } from '../../pricing/model.js';
import { upliftRuleFor } from '../../pricing/cost.js';
import type { JsonDocument } from '../../report/data.js';
import { col, type Report } from '../../report/model.js';
import type { CommandContext } from '../context.js';
import { SCHEMA_VERSION } from '../version.js';
import { inert } from '../../core/untrusted.js';

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
    .option('--at <date>', 'show the price in force on this date (YYYY-MM-DD)', undefined)
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
  $ tokenomics prices --check my-prices.yaml
  $ tokenomics prices --prices model_prices_and_context_window.json gpt-4o`,
    )
    .action(run((ctx, cmd) => prices(ctx, cmd.args, cmd.opts<PricesOptions>())));
}

function parseAt(at: string | undefined, now: number): number {
  if (at === undefined) return now;
  if (!/^\d{4}-\d{2}-\d{2}$/.test(at) || Number.isNaN(dateToMs(at))) throw new UserError(`--at expects a date YYYY-MM-DD (got "${at}")`);
  return dateToMs(at);
}

async function prices(ctx: CommandContext, models: string[], opts: PricesOptions): Promise<number> {
  if (opts.check) return checkFile(ctx, opts.check);
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
    await ctx.emit(catalogReport(entries, atMs));
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
  const json = { schemaVersion: SCHEMA_VERSION, models: found.map((f) => entryJson(f.res.entry, atMs, f.res, f.query)) };
  const report = catalogReport(
    found.map((f) => f.res.entry),
    atMs,
    json,
  );
  report.title = `Prices for ${models.join(', ')} (USD per million tokens, in force on ${new Date(atMs).toISOString().slice(0, 10)})`;
  report.sections.push(
    detailSection(
      found.map((f) => ({ query: f.query, entry: f.res.entry, matched: matchedText(f.res, atMs) })),
      atMs,
    ),
  );
  for (const f of found) {
    const reason = noPriceReason(f.res.entry, atMs);
    if (reason)
      report.notes.push(
        `${f.query}: no price on ${new Date(atMs).toISOString().slice(0, 10)} (${reason}): records dated before its first known price are unpriced in reports, not $0.`,
      );
  }
  for (const f of found) {
    const uplift = bedrockUplift(f.res, atMs);
    if (uplift)
      report.notes.push(
        `${f.query}: a ${f.res.bedrockScope === 'geo' ? 'geo (cross-region)' : 'in-region'} Bedrock profile: every price above is multiplied by ${uplift.factorText} (the global. profile is list price).`,
      );
  }
  await ctx.emit(report);
  return 0;
}

/** The catalog's Bedrock uplift for a geo / in-Region id on that date, if it states one. */
function bedrockUplift(res: Resolution, atMs: number): RegionalUplift | undefined {
  if (res.bedrockScope !== 'geo' && res.bedrockScope !== 'in-region') return undefined;
  const rule = upliftRuleFor(res.entry, 'bedrock', atMs);
  return rule > 0 ? res.entry.regional[rule - 1] : undefined;
}

function matchedText(res: Resolution, atMs: number): string {
  const base = `${res.matchedBy} ${res.matchedKey}`;
  const uplift = bedrockUplift(res, atMs);
  return uplift ? `${base} (regional x${uplift.factorText})` : base;
}

function catalogReport(entries: ModelEntry[], atMs: number, json?: JsonDocument): Report {
  const rows = entries.map((e) => {
    const { period } = periodAt(e, atMs);
    const reason = noPriceReason(e, atMs);
    if (reason)
      return {
        model: e.id,
        provider: e.provider,
        input: '-',
        cacheRead: '-',
        write5m: '-',
        write1h: '-',
        output: '-',
        batch: '-',
        tiers: reason,
        checked: e.checkedAt,
      };
    const y = period.yaml;
    return {
      model: e.id,
      provider: e.provider,
      input: period.standard.input,
      cacheRead: y.cacheReadPerMTok !== undefined ? period.standard.cacheRead : 'as input',
      write5m: y.cacheWrite5mPerMTok !== undefined ? period.standard.cacheWrite5m : 'as input',
      write1h: y.cacheWrite1hPerMTok !== undefined ? period.standard.cacheWrite1h : '-',
      output: period.standard.output,
      batch: adjustText(period.batch),
      tiers: tiersText(period),
      checked: e.checkedAt,
    };
  });
  const date = new Date(atMs).toISOString().slice(0, 10);
  return {
    title: `Pricing catalog (USD per million tokens, in force on ${date})`,
    summary: [['Models', String(entries.length)]],
    sections: [
      {
        id: 'prices',
        title: 'Prices',
        // at 80 columns: model, input, output and cache prices stay; the rest give way (--wide shows them)
        columns: [
          col('model', 'Model'),
          col('provider', 'Provider', 'text', { priority: 4 }),
          col('input', 'Input', 'usdPerMTok', { priority: 1 }),
          col('cacheRead', 'Cache read', 'usdPerMTok', { priority: 3 }),
          col('write5m', 'Write 5m', 'usdPerMTok', { priority: 5 }),
          col('write1h', 'Write 1h', 'usdPerMTok', { priority: 5 }),
          col('output', 'Output', 'usdPerMTok', { priority: 1 }),
          col('batch', 'Batch', 'text', { priority: 4 }),
          col('tiers', 'Long context', 'text', { priority: 6 }),
          col('checked', 'Checked', 'text', { priority: 6 }),
        ],
        rows,
      },
    ],
    notes: ['"as input": no separate price listed; those tokens bill at the input price.'],
    data: { command: 'prices', document: json ?? { schemaVersion: SCHEMA_VERSION, models: entries.map((e) => entryJson(e, atMs)) } },
    primarySection: 'prices',
  };
}

function detailSection(items: { query: string; entry: ModelEntry; matched: string }[], atMs: number) {
  const rows = items.map(({ query, entry, matched }) => {
    const { period } = periodAt(entry, atMs);
    const cache = entry.cache
      ? `${entry.cache.mode}, min ${entry.cache.minTokens} tokens, TTL ${entry.cache.ttl}${entry.cache.ttlOptions ? ` (${entry.cache.ttlOptions.join('/')})` : ''}`
      : '-';
    return {
      query,
      matched,
      period: noPriceReason(entry, atMs) ?? (period.from ? `since ${period.from}` : 'first listed price'),
      service: `batch ${adjustText(period.batch)}, flex ${adjustText(period.flex)}, priority ${adjustText(period.priority)}`,
      cache,
      tokenizer: entry.tokenizer ? `${entry.tokenizer.encoding}${entry.tokenizer.exact ? '' : ' (estimate)'}` : '-',
      charges: chargesText(period.charges),
      source: `${entry.source} (checked ${entry.checkedAt})`,
    };
  });
  return {
    id: 'details',
    title: 'Details',
    columns: [
      col('query', 'Query'),
      col('matched', 'Matched', 'text', { priority: 1 }),
      col('period', 'Period', 'text', { priority: 3 }),
      col('service', 'Service tiers', 'text', { priority: 1 }),
      col('cache', 'Caching', 'text', { priority: 1 }),
      col('tokenizer', 'Tokenizer', 'text', { priority: 3 }),
      col('charges', 'Charges', 'text', { priority: 4 }),
      col('source', 'Source', 'text', { priority: 1 }),
    ],
    rows,
  };
}

function checkFile(ctx: CommandContext, file: string): number {
  const report: LoadReport = { sources: [], litellmSkipped: [] };
  const { entries } = loadPriceFile(file, report);
  const skipped = report.litellmSkipped.length;
  ctx.write(
    `${file}: ok, ${entries.length} entr${entries.length === 1 ? 'y' : 'ies'}${skipped ? `; ${skipped} LiteLLM entries not mappable (no per-token text prices)` : ''}\n`,
  );
  return 0;
}
