/**
 * Plain words for people who read the memo, not the YAML: assumption paths become phrases
 * ("deep-research: uses per user per month"), and each feature's verdict and fix becomes a sentence.
 * JSON keeps the paths; only the human formats use these.
 */
import { formatUsd, toPlainDecimal } from '../pricing/money.js';
import { formatInt, formatPct } from '../report/cells.js';
import type { WhatifVerdictData } from './data.js';
import type { NoCapReason } from './verdict.js';

const KEY_WORDS = new Map<string, string>([
  ['model', 'model'],
  ['requestsPerMonth', 'requests per month'],
  ['requestsPerUserPerMonth', 'uses per user per month'],
  ['users', 'users'],
  ['inputTokens', 'input tokens per request'],
  ['outputTokens', 'output length (tokens per answer)'],
  ['cachedInputShare', 'cache hit rate (input read from cache)'],
  ['cacheWriteShare', 'input written to cache'],
  ['batchShare', 'share sent through the batch API'],
  ['retryRate', 'retry rate'],
  ['successRate', 'success rate'],
  ['nonTokenCostPerRequestUsd', 'non-token cost per request (USD)'],
  ['route.share', 'share routed to the cheaper model'],
  ['route.model', 'routed model'],
  ['route.retryRate', 'retry rate on the routed model'],
  ['route.outputFactor', 'output length on the routed model (x)'],
  ['floorModel', 'cheapest acceptable model'],
  ['maxCachedInputShare', 'best achievable cache hit rate'],
  ['maxBatchShare', 'most that could be batched'],
  ['note', 'note'],
]);

const PRODUCT_WORDS = new Map<string, string>([
  ['product.name', 'product'],
  ['product.period', 'period'],
  ['product.users', 'users'],
  ['product.pricePoint.perSeatUsd', 'seat price (USD per month)'],
  ['product.pricePoint.seats', 'seats'],
  ['product.pricePoint.users', 'seats'],
  ['product.pricePoint.perRequestUsd', 'price per request (USD)'],
  ['pricesAt', 'prices as of'],
]);

/** "features.deep-research.requestsPerUserPerMonth" -> "deep-research: uses per user per month". */
export function assumptionWords(path: string[], name: (s: string) => string = (s) => s): string {
  const joined = path.join('.');
  const product = PRODUCT_WORDS.get(joined);
  if (product) return product;
  if (path[0] === 'features' && path.length >= 3) {
    const rest = path.slice(2);
    const key = rest.join('.');
    const dist = rest.length === 2 && KEY_WORDS.has(rest[0]) && !KEY_WORDS.has(key) ? `${KEY_WORDS.get(rest[0])} ${rest[1]}` : undefined;
    return `${name(path[1])}: ${KEY_WORDS.get(key) ?? dist ?? name(key)}`;
  }
  return name(joined);
}

const STATUS_WORDS = { ok: 'ok', 'below target': 'below target', 'under water': 'UNDER WATER' } as const;

/** Short verdict for a table cell. */
export function statusCell(v: Pick<WhatifVerdictData, 'status'>, targetPct: number): string {
  return v.status === 'below target' ? `below ${targetPct}%` : STATUS_WORDS[v.status];
}

const uses = (n: number) => `${formatInt(n)} use${n === 1 ? '' : 's'}`;

/** "costs $4.90 per seat a month, 10.9% of the $45.00 seat price" (name escaped by the caller). */
export function costSentence(name: string, v: WhatifVerdictData): string {
  const unit = v.unit === 'seat' ? 'per seat a month' : 'per request';
  const charge =
    v.unit === 'seat' ? `the ${formatUsd(v.chargePerUnitUsd)} seat price` : `the ${formatUsd(v.chargePerUnitUsd)} price per request`;
  const share = v.shareOfCharge === null ? `against ${charge}` : `${formatPct(v.shareOfCharge)} of ${charge}`;
  return `${name} costs ${formatUsd(v.costPerUnitUsd)} ${unit}, ${share}`;
}

const NO_CAP_WORDS: Record<NoCapReason, (targetPct: number) => string> = {
  'seat price $0': () => 'the seat price is $0',
  'other features': (t) => `the other features alone leave less than ${t}%`,
  'one use': (t) => `even 1 use per seat a month leaves less than ${t}%`,
};

/** What restores the target margin: a price per use, or a cap on uses per seat. */
export function fixSentence(v: WhatifVerdictData, targetPct: number, floorModel: string): string {
  const parts = [`≥ ${formatUsd(v.now.pricePerUseUsd)} per use (${formatUsd(v.atFloor.pricePerUseUsd)} at the token floor, ${floorModel})`];
  const cap = v.now.usesPerSeatCap;
  if (v.unit === 'seat' && cap !== null) {
    const now = v.usesPerSeat !== null ? ` (${formatNumber(v.usesPerSeat)} now)` : '';
    parts.push(
      cap === 0
        ? `no usage cap is enough: ${NO_CAP_WORDS[v.now.noCapReason ?? 'one use'](targetPct)}`
        : `at most ${uses(cap)} per seat a month${now}`,
    );
  }
  return `for ${targetPct}% gross margin it needs ${parts.join(', or ')}`;
}

export function formatNumber(x: number): string {
  return Number.isInteger(x) ? formatInt(x) : String(Number(x.toFixed(2)));
}

/** A lever's value to `digits` decimals, or two significant digits below that (0.004x today's is not 0x). */
function leverNumber(x: number, digits: number): string {
  if (x !== 0 && Math.abs(x) < 10 ** -digits) return toPlainDecimal(Number(x.toPrecision(2)));
  return formatNumber(Number(x.toFixed(digits)));
}

/** The break-even of a lever in words: "at 1.8x today's", "at +45%", "never". */
export function breakEvenText(id: string, x: number | null, maxLever: number | null, targetPct: number): string {
  if (x === null) return 'never: the margin does not depend on it';
  const at = `${targetPct}% margin`;
  if (id.startsWith('price:')) {
    // provider or model
    const pct = (x - 1) * 100;
    return x < 0
      ? `never: even free, margin stays under ${targetPct}%`
      : `${at} with a ${pct >= 0 ? '+' : ''}${formatNumber(Number(pct.toFixed(1)))}% price change`;
  }
  if (id === 'cachedInputShare') {
    if (x < 0) return `never: even with no cache hits, margin stays above ${targetPct}%`;
    if (maxLever !== null && x > maxLever) return `not reachable: margin stays under ${targetPct}% at any cache hit rate`;
    return `${at} when cache hit rates are ${leverNumber(x * 100, 1)}% of today's`;
  }
  if (x < 0) return `never: margin stays under ${targetPct}%`;
  return `${at} at ${leverNumber(x, 2)}x today's`;
}
