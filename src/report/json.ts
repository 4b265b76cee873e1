/**
 * JSON text for --format json: the layout of JSON.stringify(value, null, 2), but numbers never in
 * exponent notation (3e-7 prints 0.0000003) and exact decimals printed from their digits.
 *
 * Why: a USD amount is exact (BigInt femto dollars), but a double holds only ~15-17 significant
 * digits, so $9,007.123456789012 went through a float and came out wrong in the last digit. Such
 * amounts travel as ExactDecimal (digits kept) and are written as they are; JSON readers still see
 * a number.
 */
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
  return toPlainDecimal(n) === digits ? n : new ExactDecimal(digits);
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

/** JSON text with two-space indentation (as JSON.stringify(value, null, 2)); bigints print as integers. */
export function toJsonText(value: unknown): string {
  const out: string[] = [];
  write(value, '', out);
  return out.join('');
}

function write(value: unknown, indent: string, out: string[]): boolean {
  if (value instanceof ExactDecimal) return out.push(value.digits) > 0;
  if (value !== null && typeof value === 'object' && typeof (value as { toJSON?: unknown }).toJSON === 'function')
    value = (value as { toJSON(): unknown }).toJSON();
  switch (typeof value) {
    case 'string':
      out.push(JSON.stringify(value));
      return true;
    case 'number':
      out.push(numberText(value));
      return true;
    case 'bigint':
      out.push(value.toString());
      return true;
    case 'boolean':
      out.push(value ? 'true' : 'false');
      return true;
    case 'undefined':
    case 'function':
    case 'symbol':
      return false;
  }
  if (value === null) {
    out.push('null');
    return true;
  }
  const inner = indent + '  ';
  if (Array.isArray(value)) {
    if (value.length === 0) return out.push('[]') > 0;
    out.push('[\n');
    value.forEach((item, i) => {
      out.push(inner);
      if (!write(item, inner, out)) out.push('null');
      out.push(i < value.length - 1 ? ',\n' : '\n');
    });
    out.push(indent + ']');
    return true;
  }
  const entries = Object.entries(value as Record<string, unknown>).filter(
    ([, v]) => v !== undefined && typeof v !== 'function' && typeof v !== 'symbol',
  );
  if (entries.length === 0) return out.push('{}') > 0;
  out.push('{\n');
  entries.forEach(([k, v], i) => {
    out.push(`${inner}${JSON.stringify(k)}: `);
    write(v, inner, out);
    out.push(i < entries.length - 1 ? ',\n' : '\n');
  });
  out.push(indent + '}');
  return true;
}
