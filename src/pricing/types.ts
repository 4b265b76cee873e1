/**
 * The pricing catalog schema. Catalog YAML files (src/pricing/catalog/*.yaml), user price files
 * (--prices FILE) and the `prices:` section of tokenomics.yaml all have this shape and go through
 * the same validator (schema.ts). Units live in key names: every `...PerMTok` is USD per million tokens.
 *
 * File shape:
 *   provider: openai                # provider id for every model in the file
 *   source: https://...             # default source for the file's entries (optional)
 *   checkedAt: 2026-11-23           # default checked date (optional)
 *   discount: 0.2                   # negotiated discount for the whole provider (optional, user files)
 *   models: [ModelEntry, ...]
 */
import type { ChargePriceKey } from '../usage/dimensions.js';

/** One set of per-bucket prices, USD per MTok. */
export interface PriceSetYaml {
  inputPerMTok: number;
  /** Absent: cache reads bill at the input price. */
  cacheReadPerMTok?: number;
  /** 5-minute (or provider's default TTL) cache write. Absent: billed as plain input (no write fee). */
  cacheWrite5mPerMTok?: number;
  /** 1-hour cache write. Absent: falls back to cacheWrite5mPerMTok, then input. */
  cacheWrite1hPerMTok?: number;
  outputPerMTok: number;
}

/**
 * Per-call / per-unit charges beside tokens (web search, web fetch, grounding, output images,
 * request fees), one price key per charge dimension (usage/dimensions.ts), in USD per 1,000
 * (`...Per1k`) or per unit (`...PerUnit`). A charge whose key is absent is unpriced where a
 * record counts it (never $0); a provider that bills nothing for a counted call states 0.
 */
export type ChargePricesYaml = Partial<Record<ChargePriceKey, number>> & {
  /** Where the provider states these prices. */
  source: string;
  note?: string;
  /**
   * A free allowance the provider grants (e.g. "1,500 grounded prompts per day"). Not modelled per
   * record: the report says the charge is priced without it.
   */
  freeAllowance?: string;
};

/** A service-tier adjustment: either full prices, or a multiplier on the standard prices. */
export type TierAdjustYaml = { multiplier: number } | PriceSetYaml;

/**
 * A long-context tier. rule `whole-request`: when the deciding count passes the threshold, every
 * token of the request (output included) bills at the tier prices (a cliff). This is how every
 * provider documents its tiers; a `marginal` rule (only tokens beyond the threshold at the tier
 * rate) is rejected by the validator rather than priced wrongly.
 */
export interface LongContextTierYaml {
  /** Threshold in tokens. */
  threshold: number;
  /** `>` (default) or `>=`: whether a prompt of exactly `threshold` tokens is in the tier. */
  operator?: '>' | '>=';
  rule: 'whole-request';
  /** Which counts decide: `prompt` = uncached + cache read + cache write (default); `input` = uncached only. */
  counts?: 'prompt' | 'input';
  prices: PriceSetYaml;
}

/**
 * Prices in force from `from` (inclusive, UTC date) until the next period's `from`. A record dated
 * before the first period's `from` is unpriced ("no known price before DATE"): an earlier price may
 * have existed and is not known. Only a first period marked `sinceLaunch: true` (its `from` is the
 * model's launch, so nothing earlier was ever billed at another price) also prices earlier records
 * (preview access, clock skew). A first period without `from` is open-ended. See docs/pricing.md.
 */
export interface PricePeriodYaml extends PriceSetYaml {
  /** Start: a UTC date `YYYY-MM-DD` (midnight), or a UTC time `YYYY-MM-DDTHH:MMZ` for a change announced to the minute. */
  from?: string;
  /** First period only: its prices are the model's prices since launch (records before `from` are priced at it). */
  sinceLaunch?: boolean;
  batch?: TierAdjustYaml;
  flex?: TierAdjustYaml;
  priority?: TierAdjustYaml;
  /** Fast mode (Anthropic fast, OpenAI fast/ultrafast): multiplier on standard prices. */
  fast?: { multiplier: number };
  tiers?: LongContextTierYaml[];
  /** Per-call / per-unit charges in force in this period (else the entry's, else the file's). */
  charges?: ChargePricesYaml;
  /**
   * Time-of-day pricing (DeepSeek): windows in UTC "HH:MM-HH:MM" (end exclusive; "24:00" ends the day)
   * where other prices apply: the standard prices times `multiplier` (2 for peak hours, 0.5 for an
   * off-peak discount), or full `prices` where the provider's window rates are not a clean multiple.
   */
  peak?: {
    windowsUtc: string[];
    multiplier?: number;
    prices?: PriceSetYaml;
    /** Weekends (Saturday and Sunday at this UTC offset, e.g. "+08:00" for Beijing time) are off-peak all day. */
    weekendsOffPeakUtcOffset?: string;
  };
  note?: string;
  source?: string;
}

export interface CacheRulesYaml {
  /** `implicit` (automatic), `explicit` (breakpoints), or `both`. */
  mode: 'implicit' | 'explicit' | 'both';
  /** Minimum cacheable prompt length, tokens. */
  minTokens: number;
  /** Cache hits come in multiples of this many tokens (OpenAI older models: 128). */
  increment?: number;
  /** Default TTL, e.g. "5m", "30m", "1h", "24h". */
  ttl: string;
  /** Other TTLs the provider offers. */
  ttlOptions?: string[];
  /** Whether a hit refreshes the TTL. */
  refreshOnHit?: boolean;
  /** Explicit-cache storage, USD per MTok per hour (Gemini). */
  storagePerMTokHour?: number;
}

export interface TokenizerYaml {
  /** js-tiktoken encoding used to count (or estimate) tokens. */
  encoding: 'o200k_base' | 'cl100k_base' | 'p50k_base' | 'r50k_base';
  /** True when the encoding is the model's own tokenizer; false means counts are estimates. */
  exact: boolean;
  /** Multiply counts of `encoding` by this factor to estimate the model's own count. */
  factor?: number;
}

export interface ImageRulesYaml {
  /** `tiles` (OpenAI tile models), `patches` (OpenAI patch models), `area` (Anthropic w*h/750), `fixed` (Gemini 258 per tile). */
  rule: 'tiles' | 'patches' | 'area' | 'fixed';
  baseTokens?: number;
  perTileTokens?: number;
  multiplier?: number;
  /** Typical tokens per image used when the log does not give dimensions. */
  typicalTokens: number;
}

/**
 * How a record came to run in one region, each priced by its own provider rule:
 * - `inference-geo`: Claude API (and Claude Platform on AWS) `inference_geo` other than "global";
 * - `bedrock`: an AWS Bedrock geographic cross-Region profile (`us.`, `eu.`, ...) or in-Region model id
 *   (the `global.` profile is list price);
 * - `vertex`: a Google Vertex AI regional or multi-region endpoint (the global endpoint is list price);
 * - `data-residency`: OpenAI regional processing / data-residency projects.
 */
export type RegionalRoute = 'inference-geo' | 'bedrock' | 'vertex' | 'data-residency';
export const REGIONAL_ROUTES: readonly RegionalRoute[] = ['inference-geo', 'bedrock', 'vertex', 'data-residency'];

export interface RegionalUpliftYaml {
  /** Routes on which the provider charges this uplift. */
  via: RegionalRoute[];
  /** Multiplier on every price of the record (e.g. 1.1). */
  multiplier: number;
  /** First day the uplift applies (UTC date); absent: since the model's launch. */
  from?: string;
  /** Where the provider states it. */
  source: string;
  note?: string;
}

export interface ModelEntryYaml {
  /** Canonical id (also matched exactly). */
  id: string;
  /** Other exact ids that resolve to this entry (snapshots, Vertex/Azure names, Bedrock ids). */
  aliases?: string[];
  /** Also match `id`/aliases followed by a date snapshot suffix (-YYYY-MM-DD, -YYYYMMDD, @YYYYMMDD). */
  snapshots?: boolean;
  displayName?: string;
  /** Overrides the file's provider (rare). */
  provider?: string;
  /**
   * Regional / data-residency uplifts, each for the routes (and from the date) its source states.
   * A record gets an uplift only where a rule names the route it ran on. See docs/pricing.md.
   */
  regional?: RegionalUpliftYaml[];
  /**
   * Older shorthand (user files): one multiplier for a regional record on any route. The bundled
   * catalog uses `regional`, which says on which routes the uplift exists.
   */
  regionalMultiplier?: number;
  contextWindow?: number;
  maxOutputTokens?: number;
  tokenizer?: TokenizerYaml;
  cache?: CacheRulesYaml;
  images?: ImageRulesYaml;
  /** Date the model was retired (stopped answering), if any: estimate warns of a call priced after it. */
  retiredAt?: string;
  /** Negotiated discount on this model (user files), 0..1. */
  discount?: number;
  /** Per-call / per-unit charges of every period that states none of its own (else the file's). */
  charges?: ChargePricesYaml;
  /** Price history, oldest first. A single period may omit `from`. */
  prices: PricePeriodYaml[];
  source: string;
  checkedAt: string;
  note?: string;
}

export interface CatalogFileYaml {
  provider: string;
  source?: string;
  checkedAt?: string;
  discount?: number;
  /** Per-call / per-unit charges of every model in the file that states none of its own. */
  charges?: ChargePricesYaml;
  /** Model-specific discounts in a user file without re-stating prices: { "gpt-4o": 0.15 }. */
  modelDiscounts?: Record<string, number>;
  models?: ModelEntryYaml[];
}
