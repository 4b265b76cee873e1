/**
 * Exact rationals for what-if arithmetic. Every assumption in a what-if file is a decimal, so
 * shares, rates and token counts become exact fractions (money.ts `ratio`); products of them
 * with integer prices (nano-USD per MTok) are exact femto-USD fractions, rounded once at the end.
 */
import { ratio, type Femto, type Ratio } from '../pricing/money.js';

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
  return norm(ratio(value).num, ratio(value).den);
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

/** Round to the nearest integer, half away from zero. */
export function round(value: Q): bigint {
  const neg = value.num < 0n;
  const n = neg ? -value.num : value.num;
  const r = (2n * n + value.den) / (2n * value.den);
  return neg ? -r : r;
}

/** Femto-USD fraction to exact femto (rounded to 1e-15 USD, the only rounding step). */
export const toFemto = (value: Q): Femto => round(value);

/** USD amount as written (e.g. 0.015) to a femto-USD fraction. */
export const usdToFemto = (usd: Q): Q => mul(usd, qInt(1_000_000_000_000_000n));

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
