/** Cell rendering shared by the formatters. */
import { femtoToUsdString, formatUsd, priceToUsdPerMTok, roundFemto } from '../pricing/money.js';
import type { Cell, ColumnType } from './model.js';

/** 1234567 -> "1,234,567" (without toLocaleString, whose first call loads ICU data). */
export function formatInt(n: number): string {
  const s = String(Math.round(Math.abs(n))).replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  return n < 0 && Math.round(n) !== 0 ? '-' + s : s;
}

export function formatPct(fraction: number, digits = 1): string {
  return `${(fraction * 100).toFixed(digits)}%`;
}

/** For people: thousands separators, $ amounts, percentages. */
export function humanCell(value: Cell, type: ColumnType): string {
  if (value === null) return type === 'usd' ? 'unpriced' : '-';
  if (value === undefined || value === '') return '';
  switch (type) {
    case 'usd':
      return typeof value === 'bigint' ? formatUsd(value) : String(value);
    case 'usdPerMTok':
      return typeof value === 'bigint' ? `$${priceToUsdPerMTok(value)}` : String(value);
    case 'int':
      return typeof value === 'number' ? formatInt(value) : String(value);
    case 'pct':
      return typeof value === 'number' ? formatPct(value) : String(value);
    case 'number':
      return typeof value === 'number' ? (Number.isInteger(value) ? formatInt(value) : value.toFixed(2)) : String(value);
    default:
      return String(value);
  }
}

/** For machines (CSV): exact decimals, no separators; fractions stay fractions. */
export function plainCell(value: Cell, type: ColumnType): string {
  if (value === null || value === undefined) return '';
  // amounts to 1e-12 USD, as in JSON: exact sums of scaled prices carry femto-level remainders
  if (typeof value === 'bigint') return type === 'usdPerMTok' ? String(priceToUsdPerMTok(value)) : femtoToUsdString(roundFemto(value, 12));
  if (typeof value === 'number') return Number.isInteger(value) ? String(value) : String(Number(value.toPrecision(12)));
  return value;
}

export function isNumeric(type: ColumnType): boolean {
  return type !== 'text';
}
