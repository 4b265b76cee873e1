/**
 * Exact money. Prices are held as integer nano-dollars per million tokens (1e-9 USD / MTok),
 * so a token count times a price is an integer number of femto-dollars (1e-15 USD).
 * Totals are BigInt sums: no float drift, ever. Floats appear only for distributions.
 */

/** nano-USD per MTok in one USD per MTok. */
export const PRICE_SCALE = 1_000_000_000n;
/** femto-USD in one USD. */
export const USD_SCALE = 1_000_000_000_000_000n;
/** Number of decimal places of a femto-USD amount. */
const USD_DECIMALS = 15;

/** A price, integer nano-USD per million tokens. */
export type PricePerMTok = bigint;
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
  return decimalToScaled(usdPerMTok, 9);
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

/** Scale a price by a ratio; exact when representable, else rounded half up to 1e-9 USD/MTok. */
export function scalePrice(price: PricePerMTok, factor: Ratio): PricePerMTok {
  if (factor.num === factor.den) return price;
  const n = price * factor.num;
  const q = n / factor.den;
  const r = n % factor.den;
  return r * 2n >= factor.den ? q + 1n : q;
}

/** Cost of `tokens` at `price`: femto-USD, exact. */
export function costOf(tokens: number, price: PricePerMTok): Femto {
  return BigInt(tokens) * price;
}

/** The price as a decimal number of USD per MTok (exact decimal, shortest form). */
export function priceToUsdPerMTok(price: PricePerMTok): number {
  return Number(scaledToDecimalString(price, 9));
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

/** Round a femto amount to `decimals` decimal places of a dollar (half away from zero). */
export function roundFemto(amount: Femto, decimals: number): Femto {
  const step = 10n ** BigInt(USD_DECIMALS - decimals);
  if (step <= 1n) return amount;
  const negative = amount < 0n;
  const abs = negative ? -amount : amount;
  const rounded = ((abs + step / 2n) / step) * step;
  return negative ? -rounded : rounded;
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

/** An amount divided by a count, rounded half up to 1e-15 USD (for per-request averages). */
export function divFemto(amount: Femto, count: number): Femto {
  if (count <= 0) return 0n;
  const n = BigInt(count);
  const q = amount / n;
  const r = amount % n;
  return r * 2n >= n ? q + 1n : q;
}
