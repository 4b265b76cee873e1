/**
 * Import of LiteLLM's `model_prices_and_context_window.json` as catalog entries, field by field:
 * `input_cost_per_token` / `output_cost_per_token` (USD per token), `cache_read_input_token_cost`,
 * `cache_creation_input_token_cost` (5m write) and `..._above_1hr` (1h write), long-context tiers
 * `..._above_NNNk_tokens` (whole request above NNN thousand prompt tokens), and the
 * `_batches`, `_flex`, `_priority` service-tier prices. Entries without per-token text prices
 * (image, audio-seconds, rerank, search...) are counted and reported, never fatal.
 */
import { pricePerTokenToPerMTok, scaledToDecimalString } from './money.js';
import type { LongContextTierYaml, ModelEntryYaml, PriceSetYaml } from './types.js';

export interface LiteLlmImport {
  models: ModelEntryYaml[];
  /** `badPrice`: skipped for a price field that holds no price (the others have no per-token text price). */
  skipped: { key: string; reason: string; badPrice?: true }[];
}

type Row = Record<string, unknown>;

/** True when a parsed JSON document looks like LiteLLM's price map. */
export function isLiteLlmPriceMap(doc: unknown): boolean {
  if (typeof doc !== 'object' || doc === null || Array.isArray(doc)) return false;
  let seen = 0;
  for (const v of Object.values(doc as Row)) {
    if (typeof v !== 'object' || v === null) continue;
    const row = v as Row;
    if ('input_cost_per_token' in row || 'litellm_provider' in row) return true;
    if (++seen > 20) break;
  }
  return false;
}

/** A price field holding something that is not a price (negative, not a number): the entry is skipped with this said. */
class BadPrice {
  constructor(
    readonly field: string,
    readonly value: unknown,
  ) {}
}

function perMTok(v: unknown): number | undefined {
  if (typeof v === 'number' && Number.isFinite(v) && v >= 0) return Number(scaledToDecimalString(pricePerTokenToPerMTok(v), 9));
  if (typeof v === 'string' && /^\d+(\.\d+)?(e-?\d+)?$/i.test(v.trim())) return perMTok(Number(v));
  return undefined;
}

/** The field's price per MTok; undefined when absent (or null); BadPrice thrown when present but not a price. */
function fieldPrice(row: Row, field: string): number | undefined {
  const v = row[field];
  if (v === undefined || v === null) return undefined;
  const price = perMTok(v);
  if (price === undefined) throw new BadPrice(field, v);
  return price;
}

function priceSet(row: Row, suffix: string): PriceSetYaml | undefined {
  const input = fieldPrice(row, `input_cost_per_token${suffix}`);
  const output = fieldPrice(row, `output_cost_per_token${suffix}`);
  const read = fieldPrice(row, `cache_read_input_token_cost${suffix}`);
  const write = fieldPrice(row, `cache_creation_input_token_cost${suffix}`);
  const write1h = fieldPrice(row, `cache_creation_input_token_cost_above_1hr${suffix}`);
  if (input === undefined || output === undefined) return undefined;
  const set: PriceSetYaml = { inputPerMTok: input, outputPerMTok: output };
  if (read !== undefined) set.cacheReadPerMTok = read;
  if (write !== undefined) set.cacheWrite5mPerMTok = write;
  if (write1h !== undefined) set.cacheWrite1hPerMTok = write1h;
  return set;
}

/**
 * A service-tier price set that scales input and output by the same factor and lists no cache
 * prices of its own becomes a multiplier, so cache reads/writes scale too (as the providers bill
 * batch: the discount stacks with caching). Otherwise the explicit set is kept.
 */
function asAdjust(set: PriceSetYaml, standard: PriceSetYaml): PriceSetYaml | { multiplier: number } {
  const hasCache = set.cacheReadPerMTok !== undefined || set.cacheWrite5mPerMTok !== undefined;
  if (hasCache || standard.inputPerMTok === 0 || standard.outputPerMTok === 0) return set;
  const rIn = set.inputPerMTok / standard.inputPerMTok;
  const rOut = set.outputPerMTok / standard.outputPerMTok;
  const rounded = Math.round(rIn * 1e6) / 1e6;
  return Math.abs(rIn - rOut) < 1e-9 && Math.abs(rIn - rounded) < 1e-9 ? { multiplier: rounded } : set;
}

function tiers(row: Row, base: PriceSetYaml): LongContextTierYaml[] {
  const thresholds = new Set<number>();
  for (const key of Object.keys(row)) {
    const m = /^input_cost_per_token_above_(\d+)k_tokens$/.exec(key);
    if (m) thresholds.add(Number(m[1]));
  }
  return [...thresholds]
    .sort((a, b) => a - b)
    .map((k) => {
      const suffix = `_above_${k}k_tokens`;
      const prices: PriceSetYaml = {
        inputPerMTok: fieldPrice(row, `input_cost_per_token${suffix}`) ?? base.inputPerMTok,
        outputPerMTok: fieldPrice(row, `output_cost_per_token${suffix}`) ?? base.outputPerMTok,
      };
      const read = fieldPrice(row, `cache_read_input_token_cost${suffix}`) ?? base.cacheReadPerMTok;
      const write = fieldPrice(row, `cache_creation_input_token_cost${suffix}`) ?? base.cacheWrite5mPerMTok;
      const write1h = fieldPrice(row, `cache_creation_input_token_cost_above_1hr${suffix}`) ?? base.cacheWrite1hPerMTok;
      if (read !== undefined) prices.cacheReadPerMTok = read;
      if (write !== undefined) prices.cacheWrite5mPerMTok = write;
      if (write1h !== undefined) prices.cacheWrite1hPerMTok = write1h;
      return { threshold: k * 1000, operator: '>' as const, rule: 'whole-request' as const, counts: 'prompt' as const, prices };
    });
}

function providerOf(row: Row, key: string): string {
  const p = typeof row.litellm_provider === 'string' ? row.litellm_provider : key.split('/')[0];
  if (p.startsWith('vertex_ai')) return 'google';
  if (p === 'gemini') return 'google';
  if (p === 'text-completion-openai') return 'openai';
  return p;
}

export function importLiteLlm(doc: Record<string, unknown>, checkedAt: string, fileLabel: string): LiteLlmImport {
  const models: ModelEntryYaml[] = [];
  const skipped: LiteLlmImport['skipped'] = [];
  for (const [key, value] of Object.entries(doc)) {
    if (key === 'sample_spec') continue;
    if (typeof value !== 'object' || value === null || Array.isArray(value)) {
      skipped.push({ key, reason: 'not an object' });
      continue;
    }
    const row = value as Row;
    try {
      const entry = entryOf(key, row, checkedAt, fileLabel);
      if (entry) models.push(entry);
      else skipped.push({ key, reason: 'no per-token input/output price (image, audio, search or per-request pricing)' });
    } catch (err) {
      if (!(err instanceof BadPrice)) throw err;
      // (not a price: a negative or non-numeric value would price the model wrongly, or a cache read at the input price)
      skipped.push({
        key,
        reason: `${err.field} is ${JSON.stringify(err.value) ?? String(err.value)}: not a price (negative or not a number)`,
        badPrice: true,
      });
    }
  }
  return { models, skipped };
}

/** The entry of one row; undefined when it has no per-token input and output price. */
function entryOf(key: string, row: Row, checkedAt: string, fileLabel: string): ModelEntryYaml | undefined {
  const standard = priceSet(row, '');
  if (!standard) return undefined;
  const period: ModelEntryYaml['prices'][number] = { ...standard };
  const batch = priceSet(row, '_batches');
  const flex = priceSet(row, '_flex');
  const priority = priceSet(row, '_priority');
  if (batch) period.batch = asAdjust(batch, standard);
  if (flex) period.flex = asAdjust(flex, standard);
  if (priority) period.priority = asAdjust(priority, standard);
  const t = tiers(row, standard);
  if (t.length > 0) period.tiers = t;
  const entry: ModelEntryYaml = {
    id: key,
    provider: providerOf(row, key),
    prices: [period],
    source: `LiteLLM price map (${fileLabel})`,
    checkedAt,
  };
  if (typeof row.max_input_tokens === 'number' && row.max_input_tokens > 0) entry.contextWindow = Math.floor(row.max_input_tokens);
  if (typeof row.max_output_tokens === 'number' && row.max_output_tokens > 0) entry.maxOutputTokens = Math.floor(row.max_output_tokens);
  return entry;
}
