/**
 * Exact money, the one module for it. Prices are held as integer nano-dollars per million tokens
 * (1e-9 USD / MTok), so a token count times a price is an integer number of femto-dollars
 * (1e-15 USD). Totals are BigInt sums: no float drift, ever. Floats appear only for distributions.
 *
 * Quantities that are not whole (a what-if's shares and rates, a cost at a cache hit rate, a
 * weighted volume) are exact fractions (`Q`, num/den BigInts) and are rounded once, when a figure
 * is produced.
 *
 * One rounding policy everywhere (report, simulate, whatif, estimate): to the nearest unit of the
 * target scale (a femto-dollar for amounts, a nano-dollar per MTok for prices, 10^-d USD when
 * formatting), ties half away from zero (`roundDiv`). On non-negative amounts that is "half up";
 * negative amounts (savings, margins) round to the nearest too, symmetrically.
 */

/** femto-USD in one USD. */
export const USD_SCALE = 1_000_000_000_000_000n;
/** Number of decimal places of a femto-USD amount. */
const USD_DECIMALS = 15;

/** A price, integer nano-USD per million tokens. */
export type PricePerMTok = bigint;
/** Decimal places of a PricePerMTok (nano-USD per million tokens). */
export const PRICE_DECIMALS = 9;
/** An amount of money, integer femto-USD (1e-15 USD). */
export type Femto = bigint;

/** An exact decimal ratio, e.g. 0.5 or 1.1, as numerator/denominator. */
export interface Ratio {
  num: bigint;
  den: bigint;
}

/**
 * Expand a number or numeric string to a plain decimal string without exponent, using the
 * shortest round-trip representation of a float (so 1.875e-7 becomes "0.0000001875").
 */
export function toPlainDecimal(value: number | string): string {
  const s = typeof value === 'number' ? String(value) : value.trim();
  const m = /^([+-]?)(\d*)(?:\.(\d*))?(?:[eE]([+-]?\d+))?$/.exec(s);
  if (!m || (m[2] === '' && (m[3] ?? '') === '')) throw new RangeError(`not a decimal number: ${s}`);
  const sign = m[1] === '-' ? '-' : '';
  let intPart = m[2] || '0';
  let frac = m[3] ?? '';
  const exp = m[4] ? parseInt(m[4], 10) : 0;
  if (exp > 0) {
    const shift = Math.min(exp, frac.length);
    intPart += frac.slice(0, shift) + '0'.repeat(exp - shift);
    frac = frac.slice(shift);
  } else if (exp < 0) {
    const shift = -exp;
    const padded = '0'.repeat(Math.max(0, shift - intPart.length)) + intPart;
    frac = padded.slice(padded.length - shift) + frac;
    intPart = padded.slice(0, padded.length - shift) || '0';
  }
  intPart = intPart.replace(/^0+(?=\d)/, '');
  frac = frac.replace(/0+$/, '');
  return sign + intPart + (frac ? '.' + frac : '');
}

/** Parse a decimal to an integer at `scale` decimal places, rounding half away from zero beyond it. */
export function decimalToScaled(value: number | string, decimals: number): bigint {
  const plain = toPlainDecimal(value);
  const negative = plain.startsWith('-');
  const body = negative ? plain.slice(1) : plain;
  const [intPart, frac = ''] = body.split('.');
  const kept = (frac + '0'.repeat(decimals)).slice(0, decimals);
  let scaled = BigInt(intPart + kept);
  const rest = frac.slice(decimals);
  if (rest.length > 0 && rest.charCodeAt(0) >= 53 /* '5' */) scaled += 1n;
  return negative ? -scaled : scaled;
}

/** USD per MTok (as written in a catalog) to an exact integer price. */
export function pricePerMTok(usdPerMTok: number | string): PricePerMTok {
  return decimalToScaled(usdPerMTok, PRICE_DECIMALS);
}

/** USD per token (LiteLLM style, e.g. 1.5e-7) to an exact integer price per MTok. */
export function pricePerTokenToPerMTok(usdPerToken: number | string): PricePerMTok {
  return decimalToScaled(usdPerToken, 15);
}

/** A decimal factor (0.5, "1.1", 0.8) as an exact ratio. */
export function ratio(value: number | string): Ratio {
  const plain = toPlainDecimal(value);
  const frac = plain.split('.')[1] ?? '';
  const den = 10n ** BigInt(frac.length);
  return { num: BigInt(plain.replace('.', '')), den };
}

export const ONE: Ratio = { num: 1n, den: 1n };

export function mulRatio(a: Ratio, b: Ratio): Ratio {
  return { num: a.num * b.num, den: a.den * b.den };
}

/** num / den rounded to the nearest integer, ties half away from zero: the one rounding policy. */
export function roundDiv(num: bigint, den: bigint): bigint {
  if (den === 0n) throw new RangeError('division by zero');
  if (den < 0n) [num, den] = [-num, -den];
  const neg = num < 0n;
  const n = neg ? -num : num;
  const r = (2n * n + den) / (2n * den);
  return neg ? -r : r;
}

// ---- exact fractions (Q): what-if arithmetic, costs at a hit rate, weighted volumes ----

/** An exact fraction num/den (den > 0 once normalised). The same shape as a Ratio. */
export type Q = Ratio;

export const Q0: Q = { num: 0n, den: 1n };
export const Q1: Q = { num: 1n, den: 1n };

function gcd(a: bigint, b: bigint): bigint {
  let x = a < 0n ? -a : a;
  let y = b < 0n ? -b : b;
  while (y !== 0n) [x, y] = [y, x % y];
  return x;
}

function norm(num: bigint, den: bigint): Q {
  if (den < 0n) [num, den] = [-num, -den];
  const g = gcd(num, den);
  return g > 1n ? { num: num / g, den: den / g } : { num, den };
}

/** A decimal number (as written in YAML, shortest round-trip form) as an exact fraction. */
export function q(value: number): Q {
  const r = ratio(value);
  return norm(r.num, r.den);
}

export function qInt(value: bigint | number): Q {
  return { num: BigInt(value), den: 1n };
}

export const add = (a: Q, b: Q): Q => norm(a.num * b.den + b.num * a.den, a.den * b.den);
export const sub = (a: Q, b: Q): Q => norm(a.num * b.den - b.num * a.den, a.den * b.den);
export const mul = (a: Q, b: Q): Q => norm(a.num * b.num, a.den * b.den);
export const div = (a: Q, b: Q): Q => {
  if (b.num === 0n) throw new RangeError('division by zero');
  return norm(a.num * b.den, a.den * b.num);
};

export function sum(values: Iterable<Q>): Q {
  let s = Q0;
  for (const v of values) s = add(s, v);
  return s;
}

/** Round to the nearest integer (the rounding policy). */
export const round = (value: Q): bigint => roundDiv(value.num, value.den);

/** Femto-USD fraction to exact femto (rounded to 1e-15 USD, the only rounding step). */
export const toFemto = (value: Q): Femto => round(value);

/** USD amount as written (e.g. 0.015) to a femto-USD fraction. */
export const usdToFemto = (usd: Q): Q => mul(usd, qInt(USD_SCALE));

export function toFloat(value: Q): number {
  return Number(value.num) / Number(value.den);
}

export function cmp(a: Q, b: Q): number {
  const d = a.num * b.den - b.num * a.den;
  return d < 0n ? -1 : d > 0n ? 1 : 0;
}

/** value / whole as a float fraction (for percentages), or undefined when whole is zero. */
export function fraction(value: bigint, whole: bigint): number | undefined {
  if (whole === 0n) return undefined;
  return Number((value * 1_000_000_000n) / whole) / 1e9;
}

/** Scale a price by a ratio; exact when representable, else rounded to 1e-9 USD/MTok. */
export function scalePrice(price: PricePerMTok, factor: Ratio): PricePerMTok {
  if (factor.num === factor.den) return price;
  return roundDiv(price * factor.num, factor.den);
}

/** An amount times a decimal multiplier (a weight, a retry factor), exactly at its decimal value, rounded to 1e-15 USD. */
export function scaleFemto(amount: Femto, multiplier: number): Femto {
  if (multiplier === 1) return amount;
  const r = ratio(multiplier);
  return roundDiv(amount * r.num, r.den);
}

/** Cost of `tokens` at `price`: femto-USD, exact (a count past 2^53 comes as a bigint). */
export function costOf(tokens: number | bigint, price: PricePerMTok): Femto {
  return BigInt(tokens) * price;
}

/** The price as a decimal number of USD per MTok (exact decimal, shortest form). */
export function priceToUsdPerMTok(price: PricePerMTok): number {
  return Number(scaledToDecimalString(price, PRICE_DECIMALS));
}

export function scaledToDecimalString(value: bigint, decimals: number): string {
  const negative = value < 0n;
  const abs = (negative ? -value : value).toString().padStart(decimals + 1, '0');
  const intPart = abs.slice(0, abs.length - decimals);
  const frac = abs.slice(abs.length - decimals).replace(/0+$/, '');
  return (negative ? '-' : '') + intPart + (frac ? '.' + frac : '');
}

/** Exact decimal string of a femto amount in USD, trailing zeros trimmed ("1.5", "0.000000123"). */
export function femtoToUsdString(amount: Femto): string {
  return scaledToDecimalString(amount, USD_DECIMALS);
}

/**
 * USD as a JSON number. Converted from the exact decimal string, so the printed form is the
 * decimal itself (never a float sum like 0.4600000000000001). Amounts are rounded to 1e-12 USD,
 * which keeps every figure within a double's exact decimal range.
 */
export function femtoToUsdNumber(amount: Femto): number {
  return Number(scaledToDecimalString(roundFemto(amount, 12), USD_DECIMALS));
}

/** Round a femto amount to `decimals` decimal places of a dollar (the rounding policy). */
export function roundFemto(amount: Femto, decimals: number): Femto {
  const step = 10n ** BigInt(USD_DECIMALS - decimals);
  if (step <= 1n) return amount;
  return roundDiv(amount, step) * step;
}

/** Human format: "$1,234.56"; amounts under $1 keep 3 significant digits ("$0.0127", "$0.000123"). */
export function formatUsd(amount: Femto | null | undefined, opts: { decimals?: number } = {}): string {
  if (amount === null || amount === undefined) return 'unpriced';
  const negative = amount < 0n;
  const abs = negative ? -amount : amount;
  let decimals = opts.decimals ?? 2;
  let trim = false;
  if (opts.decimals === undefined && abs > 0n && abs < USD_SCALE) {
    const digits = abs.toString().length; // femto digits
    decimals = Math.max(2, Math.min(8, USD_DECIMALS - digits + 3));
    trim = true;
  }
  const s = scaledToDecimalString(roundFemto(abs, decimals), USD_DECIMALS);
  const [i, f = ''] = s.split('.');
  const grouped = i.replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  let frac = (f + '0'.repeat(decimals)).slice(0, decimals);
  if (trim) frac = frac.replace(/0+$/, '').padEnd(2, '0');
  return `${negative ? '-' : ''}$${grouped}${decimals > 0 ? '.' + frac : ''}`;
}

/** An amount divided by a whole count, rounded to 1e-15 USD (for per-request averages). */
export function divFemto(amount: Femto, count: number): Femto {
  if (count <= 0) return 0n;
  return roundDiv(amount, BigInt(count));
}

/**
 * Cost per unit: amount / count rounded to 1e-15 USD, or null when count is 0. A fractional count
 * (weighted successes, scaled volumes) divides by its exact decimal value (12 significant digits).
 */
export function perUnit(amount: Femto, count: number): Femto | null {
  if (!(count > 0)) return null;
  if (Number.isSafeInteger(count)) return divFemto(amount, count);
  const r = ratio(Number(count.toPrecision(12)));
  return roundDiv(amount * r.den, r.num);
}
