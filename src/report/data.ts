/**
 * A report's data: the typed document a command computed, one shape per command (a discriminated
 * union on `command`). It is the single source of the command's `--format json` document and of
 * its tables: `documentJson` serializes it (exact amounts, Femto bigints, written as USD), and the
 * command's view function derives its sections and summary from the same value, so a table cell
 * and the JSON field it quotes cannot disagree.
 *
 * Typed so far: `report` (UsageReportData, report/usage-json.ts), `tokens` (TokensData,
 * report/tokens-data.ts), `simulate` (SimulateData, simulate/data.ts), `whatif` (WhatifData,
 * whatif/data.ts), `whatif --revenue` (MarginData, whatif/margin-report.ts), `check` (CheckData,
 * report/check-data.ts), `estimate` (EstimateData, report/estimate-data.ts) and `prices`
 * (PricesData, report/prices-data.ts): every command. A report read back by `render` carries the
 * saved JSON document as it was.
 *
 * The commands whose data lives in their own folder (simulate, whatif) add their document type to
 * `CommandDocuments` from there (a `declare module` augmentation beside the type): report/ names no
 * type of theirs, so the folders depend one way (simulate -> report, whatif -> report).
 */
import { femtoToUsdNumber, type Femto } from '../pricing/money.js';
import { type ExactDecimal, perMTokJson, usdJson } from './json.js';
import type { CheckData } from './check-data.js';
import type { EstimateData } from './estimate-data.js';
import type { PricesData } from './prices-data.js';
import type { TokensData } from './tokens-data.js';
import type { UsageReportData } from './usage-json.js';

/** A saved JSON document read back by `render`, as JSON values. */
export type JsonDocument = Record<string, unknown>;

/**
 * Each command's typed document, by command name. simulate/data.ts adds `simulate`, whatif/data.ts
 * `whatif` and whatif/margin-report.ts `margin`.
 */
export interface CommandDocuments {
  report: UsageReportData;
  tokens: TokensData;
  check: CheckData;
  estimate: EstimateData;
  prices: PricesData;
  /** A report read back from a saved --format json file (`tokenomics render`): written back as saved. */
  saved: JsonDocument;
}

/** A command's data: a discriminated union on `command`, one member per CommandDocuments entry. */
export type ReportData = { [C in keyof CommandDocuments]: { command: C; document: CommandDocuments[C] } }[keyof CommandDocuments];

/**
 * Typed data as JSON values: a bigint under a key ending in `PerMTok` is a price (nano-USD per
 * million tokens, PricePerMTok) and is written as USD per MTok; every other bigint is an exact USD
 * amount in femto-dollars and is written as USD (report/json.ts: a plain number when a double
 * holds it, else its digits); arrays and objects keep their order. The typed documents hold no
 * other bigint.
 */
export function exactJson(value: unknown, usd: (amount: Femto) => number | ExactDecimal = usdJson, key = ''): unknown {
  if (typeof value === 'bigint') return key.endsWith('PerMTok') ? perMTokJson(value) : usd(value);
  if (Array.isArray(value)) return value.map((v) => exactJson(v, usd));
  if (value === null || typeof value !== 'object') return value;
  const proto = Object.getPrototypeOf(value);
  if (proto !== Object.prototype && proto !== null) return value;
  // keys can come from the data (scenario names, message roles): "__proto__" is defined as an own
  // key, where an assignment would send it to the prototype setter
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
    const json = exactJson(v, usd, k);
    if (k === '__proto__') Object.defineProperty(out, k, { value: json, enumerable: true, writable: true, configurable: true });
    else out[k] = json;
  }
  return out;
}

/** How a command's JSON writes its amounts (documentJson); undefined: its document is JSON as it is. */
function amountsOf(command: ReportData['command']): ((amount: Femto) => number | ExactDecimal) | undefined {
  switch (command) {
    case 'report':
    case 'tokens':
    case 'check':
    case 'estimate':
    case 'prices':
      return usdJson;
    // simulate and whatif have always written amounts as the nearest double of the 1e-12-rounded
    // decimal (femtoToUsdNumber): kept, so their documents stay byte-identical. It differs from
    // usdJson only for amounts of more than ~15 significant digits (e.g. $12,345.678901234567).
    case 'simulate':
    case 'whatif':
    case 'margin':
      return femtoToUsdNumber;
    default:
      return undefined;
  }
}

/** The command's JSON document (without the model under `report`, which the json formatter adds). */
export function documentJson(data: ReportData): unknown {
  const usd = amountsOf(data.command);
  return usd ? exactJson(data.document, usd) : data.document;
}

/**
 * The value at `path` in documentJson(data), converting that value only (a chart reading two fields
 * of a report of many groups converted every group, twice; undefined: no such path).
 */
export function documentJsonAt(data: ReportData, ...path: string[]): unknown {
  let at: unknown = data.document;
  for (const key of path)
    at = at !== null && typeof at === 'object' && Object.hasOwn(at, key) ? (at as Record<string, unknown>)[key] : undefined;
  const usd = amountsOf(data.command);
  return usd && at !== undefined ? exactJson(at, usd, path.at(-1)) : at;
}

/** `report`'s JSON document from its typed data (what `report --format json` prints, without `report`). */
export const usageDocument = (data: UsageReportData): unknown => exactJson(data);
