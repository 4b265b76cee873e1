/**
 * JSON text for --format json: the layout of JSON.stringify(value, null, 2), but numbers never in
 * exponent notation (3e-7 prints 0.0000003) and exact decimals printed from their digits.
 *
 * Why: a USD amount is exact (BigInt femto dollars), but a double holds only ~15-17 significant
 * digits, so $9,007.123456789012 went through a float and came out wrong in the last digit. Such
 * amounts travel as ExactDecimal (digits kept) and are written as they are; JSON readers still see
 * a number.
 */
import { jsonInert } from '../core/untrusted.js';
import { PRICE_DECIMALS, roundFemto, scaledToDecimalString, toPlainDecimal, type Femto } from '../pricing/money.js';

/** A decimal number kept as its digits until it is printed. */
export class ExactDecimal {
  constructor(readonly digits: string) {}
  /** For JSON.stringify and arithmetic elsewhere: the nearest double. */
  toJSON(): number {
    return Number(this.digits);
  }
  valueOf(): number {
    return Number(this.digits);
  }
}

/** Decimal digits as JSON: a plain number when a double prints them back the same, else the digits themselves. */
function exactNumber(digits: string): number | ExactDecimal {
  const n = Number(digits);
  // (numberText: the double as JSON writes it, plain decimal; most print without an exponent, and are not parsed again)
  return numberText(n) === digits ? n : new ExactDecimal(digits);
}

/** A JSON amount in USD: femto rounded to 1e-12 USD; a plain number when a double holds it exactly, else its digits. */
export function usdJson(amount: Femto): number | ExactDecimal {
  return exactNumber(scaledToDecimalString(roundFemto(amount, 12), 15));
}

/** A price (nano-USD per MTok, PricePerMTok) as JSON USD per MTok: a plain number when a double holds it, else its digits. */
export function perMTokJson(price: bigint): number | ExactDecimal {
  return exactNumber(scaledToDecimalString(price, PRICE_DECIMALS));
}

function numberText(n: number): string {
  if (!Number.isFinite(n)) return 'null';
  const s = String(n);
  return /e/i.test(s) ? toPlainDecimal(s) : s;
}

/**
 * JSON text with two-space indentation: JSON.stringify(value, null, 2), but numbers never in exponent
 * notation (3e-7 prints 0.0000003), exact decimals printed from their digits and bigints as integers.
 * Those three leave the replacer as strings behind a mark no other string can hold (a NUL, which
 * JSON.stringify escapes, and a nonce of this call), and the marked strings are then unquoted: the
 * native serializer writes the rest (a report of 25,000 groups: 0.9 s instead of 3 s by hand). Characters a
 * terminal acts on or does not show (C1 controls, bidi and other invisible formats) are then written as \u
 * escapes (jsonInert): the same strings, inert wherever the JSON is shown.
 */
export function toJsonText(value: unknown): string {
  const nonce = Math.random().toString(36).slice(2);
  const mark = `\u0000${nonce}:`;
  let marked = false;
  const json = JSON.stringify(
    value,
    function (this: Record<string, unknown>, key: string, v: unknown) {
      // (the holder's own value: JSON.stringify hands the replacer what toJSON made of it)
      const own = this[key];
      if (own instanceof ExactDecimal) {
        marked = true;
        return mark + own.digits;
      }
      if (typeof v === 'bigint') {
        marked = true;
        return mark + v.toString();
      }
      if (typeof v === 'number' && Number.isFinite(v)) {
        const text = numberText(v);
        if (text !== String(v)) {
          marked = true;
          return mark + text;
        }
      }
      return v;
    },
    2,
  ) as string | undefined;
  if (json === undefined) return '';
  const text = marked ? json.replace(new RegExp(`"\\\\u0000${nonce}:([^"]*)"`, 'g'), '$1') : json;
  return jsonInert(text);
}
