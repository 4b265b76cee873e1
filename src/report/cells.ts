/** Cell rendering shared by the formatters. */
import { femtoToUsdString, formatUsd, priceToUsdPerMTok, roundFemto, toPlainDecimal } from '../pricing/money.js';
import type { Cell, ColumnType } from './model.js';
import { groupThousands } from '../core/digits.js';

/** n.toFixed(digits), but never in exponent notation (toFixed switches to it from 1e21). */
export function fixed(n: number, digits: number): string {
  if (!Number.isFinite(n)) return String(n);
  return Math.abs(n) >= 1e21 ? toPlainDecimal(n) : n.toFixed(digits);
}

/** 1234567 -> "1,234,567" (without toLocaleString, whose first call loads ICU data); never exponent notation. */
/** A count that may be fractional (calls a month at a daily rate, mean tokens): up to 2 decimals, en-US grouping. */
export function formatCount(n: number): string {
  return Number(n.toFixed(2)).toLocaleString('en-US');
}

export function formatInt(n: number): string {
  if (!Number.isFinite(n)) return String(n);
  const s = groupThousands(fixed(Math.round(Math.abs(n)), 0));
  return n < 0 && Math.round(n) !== 0 ? '-' + s : s;
}

export function formatPct(fraction: number, digits = 1): string {
  return `${fixed(fraction * 100, digits)}%`;
}

/** For people: thousands separators, $ amounts, percentages. */
export function humanCell(value: Cell, type: ColumnType): string {
  if (value === null) return type === 'usd' ? 'unpriced' : '-';
  if (value === undefined || value === '') return '';
  switch (type) {
    case 'usd':
      return typeof value === 'bigint' ? formatUsd(value) : String(value);
    case 'usdPerMTok':
      return typeof value === 'bigint' ? `$${toPlainDecimal(priceToUsdPerMTok(value))}` : String(value);
    case 'int':
      return typeof value === 'number' ? formatInt(value) : String(value);
    case 'pct':
      return typeof value === 'number' ? formatPct(value) : String(value);
    case 'number':
      return typeof value === 'number' ? (Number.isInteger(value) ? formatInt(value) : fixed(value, 2)) : String(value);
    default:
      return typeof value === 'number' && Number.isFinite(value) ? toPlainDecimal(value) : String(value);
  }
}

/** For machines (CSV): exact decimals, no separators; fractions stay fractions. */
export function plainCell(value: Cell, type: ColumnType): string {
  if (value === null || value === undefined) return '';
  // amounts to 1e-12 USD, as in JSON: exact sums of scaled prices carry femto-level remainders
  if (typeof value === 'bigint')
    return type === 'usdPerMTok' ? toPlainDecimal(priceToUsdPerMTok(value)) : femtoToUsdString(roundFemto(value, 12));
  if (typeof value === 'number')
    return !Number.isFinite(value) ? '' : toPlainDecimal(Number.isInteger(value) ? value : Number(value.toPrecision(12)));
  return value;
}

export function isNumeric(type: ColumnType): boolean {
  return type !== 'text';
}
