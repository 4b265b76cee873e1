/**
 * A report's data: the typed document a command computed, one shape per command (a discriminated
 * union on `command`). It is the single source of the command's `--format json` document and of
 * its tables: `documentJson` serializes it (exact amounts, Femto bigints, written as USD), and the
 * command's view function derives its sections and summary from the same value, so a table cell
 * and the JSON field it quotes cannot disagree.
 *
 * Typed so far: `report` (UsageReportData, report/usage-json.ts), `tokens` (TokensData,
 * report/tokens-data.ts), `check` (CheckData, report/check-data.ts), `estimate` (EstimateData,
 * report/estimate-data.ts) and `prices` (PricesData, report/prices-data.ts). The other commands still
 * carry their JSON document as built (`command` names them; their sections are built beside it).
 */
import { priceToUsdPerMTok, scaledToDecimalString, toPlainDecimal } from '../pricing/money.js';
import { ExactDecimal, usdJson } from './json.js';
import type { CheckData } from './check-data.js';
import type { EstimateData } from './estimate-data.js';
import type { PricesData } from './prices-data.js';
import type { TokensData } from './tokens-data.js';
import type { UsageReportData } from './usage-json.js';

/** A JSON document built as JSON values (commands whose tables are not derived from it yet). */
export type JsonDocument = Record<string, unknown>;

export type ReportData =
  | { command: 'report'; document: UsageReportData }
  | { command: 'tokens'; document: TokensData }
  // check, estimate and prices: typed (one block, kept together for merges)
  | { command: 'check'; document: CheckData }
  | { command: 'estimate'; document: EstimateData }
  | { command: 'prices'; document: PricesData }
  // end of check, estimate and prices
  | { command: 'simulate' | 'whatif' | 'margin'; document: JsonDocument }
  /** A report read back from a saved --format json file (`tokenomics render`): written back as saved. */
  | { command: 'saved'; document: JsonDocument };

/** A price (nano-USD per MTok) as JSON USD per MTok: a plain number when a double holds it, else its digits. */
function perMTokJson(price: bigint): number | ExactDecimal {
  const n = priceToUsdPerMTok(price);
  const digits = scaledToDecimalString(price, 9);
  return toPlainDecimal(n) === digits ? n : new ExactDecimal(digits);
}

/**
 * Typed data as JSON values: a bigint under a key ending in `PerMTok` is a price (nano-USD per
 * million tokens, PricePerMTok) and is written as USD per MTok; every other bigint is an exact USD
 * amount in femto-dollars and is written as USD (report/json.ts: a plain number when a double
 * holds it, else its digits); arrays and objects keep their order. The typed documents hold no
 * other bigint.
 */
export function exactJson(value: unknown, key = ''): unknown {
  if (typeof value === 'bigint') return key.endsWith('PerMTok') ? perMTokJson(value) : usdJson(value);
  if (Array.isArray(value)) return value.map((v) => exactJson(v));
  if (value === null || typeof value !== 'object') return value;
  const proto = Object.getPrototypeOf(value);
  if (proto !== Object.prototype && proto !== null) return value;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value as Record<string, unknown>)) out[k] = exactJson(v, k);
  return out;
}

/** The command's JSON document (without the model under `report`, which the json formatter adds). */
export function documentJson(data: ReportData): unknown {
  return data.command === 'saved' || data.command === 'simulate' || data.command === 'whatif' || data.command === 'margin'
    ? data.document
    : exactJson(data.document);
}

/** `report`'s JSON document from its typed data (what `report --format json` prints, without `report`). */
export const usageDocument = (data: UsageReportData): unknown => exactJson(data);
