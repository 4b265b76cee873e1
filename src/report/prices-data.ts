/**
 * `prices`' typed data (its --format json document: prices as exact bigints) and its view: the
 * prices table, the details of the ids asked for, the summary and the notes are derived from the
 * data alone, plus one fact the document does not state (which Bedrock ids bill a regional uplift).
 */
import { adjustText, chargesText, tiersText, type PriceEntryData } from '../pricing/describe.js';
import { col, type Cell, type Report, type Section } from './model.js';

export interface PricesData {
  schemaVersion: number;
  models: PriceEntryData[];
  /** The run's warnings, added by the output step (--format json) when there are any. */
  warnings?: string[];
}

/**
 * What the view shows beside the data: for each model (by position), the regional uplift its id
 * bills (a geo or in-Region Bedrock profile) on that date; the document lists the entry's uplift
 * rules but not the scope of the id asked for.
 */
export interface PricesContext {
  uplifts?: Array<{ scope: 'geo' | 'in-region'; factorText: string } | undefined>;
}

const CATALOG_NOTE = '"as input": no separate price listed; those tokens bill at the input price.';

function priceRow(m: PriceEntryData): Record<string, Cell> {
  const p = m.prices;
  if (!p)
    return {
      model: m.id,
      provider: m.provider,
      input: '-',
      cacheRead: '-',
      write5m: '-',
      write1h: '-',
      output: '-',
      batch: '-',
      tiers: m.noPriceReason ?? '-',
      checked: m.checkedAt,
    };
  return {
    model: m.id,
    provider: m.provider,
    input: p.inputPerMTok,
    cacheRead: p.listed.cacheRead ? p.cacheReadPerMTok : 'as input',
    write5m: p.listed.cacheWrite5m ? p.cacheWrite5mPerMTok : 'as input',
    write1h: p.listed.cacheWrite1h ? p.cacheWrite1hPerMTok : '-',
    output: p.outputPerMTok,
    batch: adjustText(p.batch),
    tiers: tiersText(p),
    checked: m.checkedAt,
  };
}

function pricesSection(data: PricesData): Section {
  return {
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
    rows: data.models.map(priceRow),
  };
}

/**
 * The ids asked for: how each matched, the period in force, service tiers, caching, tokenizer,
 * charges, source. A model with no price on the date has no service tiers or charges then ("-").
 */
function detailSection(data: PricesData, ctx: PricesContext): Section {
  const rows = data.models.map((m, i) => {
    const p = m.prices;
    const uplift = ctx.uplifts?.[i];
    // explicit-cache storage (Gemini) is billed per hour, not per request: a catalog fact shown here, never in a cost
    const storage = m.cache?.storagePerMTokHour !== undefined ? `, storage $${m.cache.storagePerMTokHour}/MTok per hour` : '';
    const cache = m.cache
      ? `${m.cache.mode}, min ${m.cache.minTokens} tokens, TTL ${m.cache.ttl}${m.cache.ttlOptions ? ` (${m.cache.ttlOptions.join('/')})` : ''}${storage}`
      : '-';
    return {
      query: m.query ?? m.id,
      matched: `${m.matchedBy} ${m.matchedKey}${uplift ? ` (regional x${uplift.factorText})` : ''}`,
      period: m.noPriceReason ?? (p?.from ? `since ${p.from}` : 'first listed price'),
      service: p ? `batch ${adjustText(p.batch)}, flex ${adjustText(p.flex)}, priority ${adjustText(p.priority)}` : '-',
      cache,
      tokenizer: m.tokenizer ? `${m.tokenizer.encoding}${m.tokenizer.exact ? '' : ' (estimate)'}` : '-',
      charges: p ? chargesText(p.charges) : '-',
      source: `${m.source} (checked ${m.checkedAt})`,
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

/** The catalog (no ids asked for) or the ids asked for, with their details and notes. */
export function pricesReport(data: PricesData, ctx: PricesContext = {}): Report {
  const date = data.models[0]?.priceAt ?? '';
  const queries = data.models.filter((m) => m.query !== undefined);
  const asked = queries.length > 0;
  const notes = [CATALOG_NOTE];
  if (asked) {
    for (const m of data.models)
      if (m.noPriceReason !== null)
        notes.push(
          `${m.query}: no price on ${m.priceAt} (${m.noPriceReason}): records dated before its first known price are unpriced in reports, not $0.`,
        );
    data.models.forEach((m, i) => {
      const uplift = ctx.uplifts?.[i];
      if (uplift)
        notes.push(
          `${m.query}: a ${uplift.scope === 'geo' ? 'geo (cross-region)' : 'in-region'} Bedrock profile: every price above is multiplied by ${uplift.factorText} (the global. profile is list price).`,
        );
    });
  }
  return {
    title: asked
      ? `Prices for ${queries.map((m) => m.query).join(', ')} (USD per million tokens, in force on ${date})`
      : `Pricing catalog (USD per million tokens, in force on ${date})`,
    summary: [['Models', String(data.models.length)]],
    sections: asked ? [pricesSection(data), detailSection(data, ctx)] : [pricesSection(data)],
    notes,
    data: { command: 'prices', document: data },
    primarySection: 'prices',
  };
}
