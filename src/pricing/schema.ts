/** Schema of catalog YAML files and user price files (see types.ts for the meaning of each key). */
import { REGIONAL_ROUTES } from './types.js';
import { PRICED_CHARGES } from '../usage/dimensions.js';
import { arr, int, num, obj, oneOfStr, opt, req, str, type Rule } from '../core/validate.js';

const date: Rule = { kind: 'date' };
/** A period start: a UTC date, or a UTC date and time to the minute (checked for a real instant in compile). */
const periodStart: Rule = {
  kind: 'string',
  pattern: /^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}Z)?$/,
  patternHint: 'a UTC date YYYY-MM-DD or time YYYY-MM-DDTHH:MMZ',
};
const ttl: Rule = { kind: 'string', pattern: /^\d+(m|h)$/, patternHint: 'a duration such as "5m" or "1h"' };
const window: Rule = { kind: 'string', pattern: /^\d{2}:\d{2}-\d{2}:\d{2}$/, patternHint: 'a UTC window "HH:MM-HH:MM"' };

const priceSetFields = {
  inputPerMTok: req(num()),
  cacheReadPerMTok: opt(num()),
  cacheWrite5mPerMTok: opt(num()),
  cacheWrite1hPerMTok: opt(num()),
  outputPerMTok: req(num()),
};

export const priceSetRule = obj(priceSetFields);

/** One optional price per charge dimension (usage/dimensions.ts), with its source. */
export const chargePricesRule = obj({
  ...Object.fromEntries(PRICED_CHARGES.map((d) => [d.priceKey, opt(num())])),
  source: req(str()),
  note: opt(str()),
  freeAllowance: opt(str()),
});

const tierAdjustRule: Rule = {
  kind: 'oneOf',
  describe: '{multiplier: N} or a price set',
  pick: (v) => ('multiplier' in v ? obj({ multiplier: req(num()) }) : priceSetRule),
};

const longContextTierRule = obj({
  threshold: req(int(1)),
  operator: opt(oneOfStr(['>', '>='])),
  // Every documented long-context tier is a cliff (the whole request at the tier rate). Marginal
  // tiers (only tokens beyond the threshold at the tier rate) are rejected rather than mispriced.
  rule: req({ kind: 'string', enum: ['whole-request'], patternHint: 'whole-request' }),
  counts: opt(oneOfStr(['prompt', 'input'])),
  prices: req(priceSetRule),
});

export const pricePeriodRule = obj({
  ...priceSetFields,
  from: opt(periodStart),
  sinceLaunch: opt({ kind: 'boolean' }),
  batch: opt(tierAdjustRule),
  flex: opt(tierAdjustRule),
  priority: opt(tierAdjustRule),
  fast: opt(obj({ multiplier: req(num()) })),
  tiers: opt(arr(longContextTierRule)),
  charges: opt(chargePricesRule),
  peak: opt(
    obj({
      windowsUtc: req(arr(window, 1)),
      multiplier: opt(num()),
      prices: opt(priceSetRule),
      weekendsOffPeakUtcOffset: opt({ kind: 'string', pattern: /^[+-]\d{2}:\d{2}$/, patternHint: 'a UTC offset such as "+08:00"' }),
    }),
  ),
  note: opt(str()),
  source: opt(str()),
});

const cacheRule = obj({
  mode: req(oneOfStr(['implicit', 'explicit', 'both'])),
  minTokens: req(int()),
  increment: opt(int(1)),
  ttl: req(ttl),
  ttlOptions: opt(arr(ttl)),
  refreshOnHit: opt({ kind: 'boolean' }),
  storagePerMTokHour: opt(num()),
});

const tokenizerRule = obj({
  encoding: req(oneOfStr(['o200k_base', 'cl100k_base', 'p50k_base', 'r50k_base'])),
  exact: req({ kind: 'boolean' }),
  factor: opt(num(0.01)),
});

const imagesRule = obj({
  rule: req(oneOfStr(['tiles', 'patches', 'area', 'fixed'])),
  baseTokens: opt(int()),
  perTileTokens: opt(int()),
  multiplier: opt(num()),
  typicalTokens: req(int()),
});

const regionalRule = obj({
  via: req(arr(oneOfStr(REGIONAL_ROUTES), 1)),
  multiplier: req(num(1)),
  from: opt(date),
  source: req(str()),
  note: opt(str()),
});

const discount: Rule = { kind: 'number', min: 0, max: 1 };

export const modelEntryRule = obj({
  id: req(str()),
  aliases: opt(arr(str())),
  snapshots: opt({ kind: 'boolean' }),
  displayName: opt(str()),
  provider: opt(str()),
  regional: opt(arr(regionalRule, 1)),
  regionalMultiplier: opt(num(1)),
  contextWindow: opt(int(1)),
  maxOutputTokens: opt(int(1)),
  tokenizer: opt(tokenizerRule),
  cache: opt(cacheRule),
  images: opt(imagesRule),
  retiredAt: opt(date),
  discount: opt(discount),
  charges: opt(chargePricesRule),
  prices: req(arr(pricePeriodRule, 1)),
  source: req(str()),
  checkedAt: req(date),
  note: opt(str()),
});

export const catalogFileRule = obj({
  provider: req(str()),
  source: opt(str()),
  checkedAt: opt(date),
  discount: opt(discount),
  modelDiscounts: opt({ kind: 'record', of: discount }),
  charges: opt(chargePricesRule),
  models: opt(arr(modelEntryRule)),
});

/**
 * User files may omit source/checkedAt per entry when the file gives them at the top; the
 * loader fills them in before validation, so the bundled catalog stays strict.
 */
export function withFileDefaults(doc: unknown): unknown {
  if (typeof doc !== 'object' || doc === null || Array.isArray(doc)) return doc;
  const file = doc as Record<string, unknown>;
  if (!Array.isArray(file.models)) return doc;
  const models = file.models.map((m) => {
    if (typeof m !== 'object' || m === null || Array.isArray(m)) return m;
    const entry = { ...(m as Record<string, unknown>) };
    if (entry.source === undefined && typeof file.source === 'string') entry.source = file.source;
    if (entry.checkedAt === undefined && typeof file.checkedAt === 'string') entry.checkedAt = file.checkedAt;
    return entry;
  });
  return { ...file, models };
}
