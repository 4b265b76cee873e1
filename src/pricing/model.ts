/** The compiled, in-memory catalog: exact integer prices (see money.ts) with their provenance. */
import type { ChargeKey } from '../usage/dimensions.js';
import type { Femto, Ratio, PricePerMTok } from './money.js';
import type { CacheRulesYaml, ImageRulesYaml, PricePeriodYaml, RegionalRoute, TokenizerYaml } from './types.js';

export interface PriceSet {
  input: PricePerMTok;
  cacheRead: PricePerMTok;
  cacheWrite5m: PricePerMTok;
  cacheWrite1h: PricePerMTok;
  output: PricePerMTok;
}

/** Per-call / per-unit charges of a period: exact femto-USD per unit for each priced charge. */
export interface ChargePrices {
  perUnit: Map<ChargeKey, Femto>;
  source: string;
  note?: string;
  freeAllowance?: string;
}

export type PriceAdjust = { kind: 'multiplier'; factor: Ratio; factorText: string } | { kind: 'prices'; prices: PriceSet };

export interface LongContextTier {
  threshold: number;
  /** true for `>=` (a prompt of exactly `threshold` tokens is in the tier). */
  inclusive: boolean;
  rule: 'whole-request';
  counts: 'prompt' | 'input';
  prices: PriceSet;
}

export interface PeakRule {
  /** [startMinute, endMinute) of the UTC day. */
  windows: Array<[number, number]>;
  /** Multiplier on the period's prices inside the windows (1 when `prices` is given). */
  factor: Ratio;
  factorText: string;
  /** Full prices inside the windows, instead of a multiplier. */
  prices?: PriceSet;
  /** Saturdays and Sundays at this offset from UTC (minutes) are off-peak. */
  weekendOffsetMinutes?: number;
}

export interface PricePeriod {
  /** Inclusive start (epoch ms, UTC midnight); -Infinity for an open start. */
  fromMs: number;
  from?: string;
  /** First period only: it also prices records dated before `from` (see PricePeriodYaml). */
  sinceLaunch: boolean;
  standard: PriceSet;
  batch?: PriceAdjust;
  flex?: PriceAdjust;
  priority?: PriceAdjust;
  fast?: { factor: Ratio; factorText: string };
  tiers: LongContextTier[];
  /** Charges beside tokens (the period's, else the entry's, else the file's); undefined: none priced. */
  charges?: ChargePrices;
  peak?: PeakRule;
  note?: string;
  source?: string;
  /** The period as written, for display. */
  yaml: PricePeriodYaml;
}

export interface RegionalUplift {
  via: RegionalRoute[];
  factor: Ratio;
  factorText: string;
  /** First day it applies (epoch ms); -Infinity: since launch. */
  fromMs: number;
  from?: string;
  source: string;
  note?: string;
}

export interface ModelEntry {
  id: string;
  provider: string;
  displayName?: string;
  aliases: string[];
  snapshots: boolean;
  periods: PricePeriod[];
  /** Regional uplifts, each for the routes (and from the date) the catalog states. */
  regional: RegionalUplift[];
  discount?: { factor: Ratio; discountText: string };
  cache?: CacheRulesYaml;
  tokenizer?: TokenizerYaml;
  images?: ImageRulesYaml;
  contextWindow?: number;
  maxOutputTokens?: number;
  retiredAt?: string;
  source: string;
  checkedAt: string;
  note?: string;
  /** Where the entry came from: `bundled:openai.yaml`, a user file path, or `litellm:FILE`. */
  origin: string;
}
