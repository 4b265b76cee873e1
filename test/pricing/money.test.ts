import { describe, expect, it } from 'vitest';
import {
  costOf,
  decimalToScaled,
  divFemto,
  femtoToUsdNumber,
  femtoToUsdString,
  formatUsd,
  pricePerMTok,
  pricePerTokenToPerMTok,
  perUnit,
  ratio,
  roundDiv,
  roundFemto,
  scaleFemto,
  scalePrice,
  toFemto,
  toPlainDecimal,
} from '../../src/pricing/money.js';
import { mixAt, roundExact } from '../../src/prompts/price.js';

describe('exact money', () => {
  it('expands floats to plain decimals without exponent', () => {
    expect(toPlainDecimal(1.875e-7)).toBe('0.0000001875');
    expect(toPlainDecimal(2.5e-6)).toBe('0.0000025');
    expect(toPlainDecimal(1e21)).toBe('1000000000000000000000');
    expect(toPlainDecimal('0.150')).toBe('0.15');
  });

  it('parses prices exactly at nano-dollar per MTok', () => {
    expect(pricePerMTok(0.15)).toBe(150_000_000n);
    expect(pricePerMTok(3.75)).toBe(3_750_000_000n);
    expect(pricePerMTok('0.0275')).toBe(27_500_000n);
    // LiteLLM per-token 3e-6 = $3/MTok; a float artifact 1.3500000000000002e-6 rounds to $1.35/MTok
    expect(pricePerTokenToPerMTok(3e-6)).toBe(3_000_000_000n);
    expect(pricePerTokenToPerMTok(1.3500000000000002e-6)).toBe(1_350_000_000n);
    expect(decimalToScaled('0.0000000005', 9)).toBe(1n); // half rounds away from zero
  });

  it('totals 10,000,000 records of 1 token at $0.15/MTok to exactly $1.50', () => {
    const price = pricePerMTok(0.15);
    let total = 0n;
    for (let i = 0; i < 10_000_000; i++) total += costOf(1, price);
    expect(femtoToUsdString(total)).toBe('1.5');
    expect(femtoToUsdNumber(total)).toBe(1.5);
    // the naive float path drifts
    let naive = 0;
    for (let i = 0; i < 1_000_000; i++) naive += 0.15 / 1e6;
    expect(naive).not.toBe(0.15);
  });

  it('never prints float artifacts in JSON amounts', () => {
    // 0.46 = 0.23 + 0.23: 230,000 tokens at $1/MTok twice; floats give 0.46000000000000002-style sums elsewhere
    const a = costOf(230_000, pricePerMTok(1));
    expect(JSON.stringify({ costUsd: femtoToUsdNumber(a + a) })).toBe('{"costUsd":0.46}');
    const b = costOf(1, pricePerMTok(0.1)) + costOf(2, pricePerMTok(0.1));
    expect(JSON.stringify(femtoToUsdNumber(b))).toBe('3e-7');
  });

  it('scales prices by exact ratios', () => {
    expect(scalePrice(pricePerMTok(3.75), ratio(1.1))).toBe(pricePerMTok(4.125));
    expect(scalePrice(pricePerMTok(0.075), ratio(0.5))).toBe(pricePerMTok(0.0375));
    expect(scalePrice(pricePerMTok(10), { num: 1n, den: 3n })).toBe(3_333_333_333n);
  });

  it('formats for people', () => {
    expect(formatUsd(costOf(1_234_567, pricePerMTok(1000)))).toBe('$1,234.57');
    expect(formatUsd(costOf(123, pricePerMTok(1)))).toBe('$0.000123');
    expect(formatUsd(costOf(12_700, pricePerMTok(1)))).toBe('$0.0127');
    expect(formatUsd(costOf(500_000, pricePerMTok(1)))).toBe('$0.50');
    expect(formatUsd(costOf(999_999, pricePerMTok(1)))).toBe('$1.00');
    expect(formatUsd(0n)).toBe('$0.00');
    expect(formatUsd(null)).toBe('unpriced');
  });
});

describe('one rounding policy: nearest, ties half away from zero', () => {
  it('roundDiv on both signs', () => {
    // 7/2 = 3.5 -> 4; -7/2 = -3.5 -> -4; 5/3 = 1.67 -> 2; -5/3 -> -2; 4/3 = 1.33 -> 1; -4/3 -> -1
    expect([roundDiv(7n, 2n), roundDiv(-7n, 2n), roundDiv(5n, 3n), roundDiv(-5n, 3n), roundDiv(4n, 3n), roundDiv(-4n, 3n)]).toEqual([
      4n,
      -4n,
      2n,
      -2n,
      1n,
      -1n,
    ]);
    // a negative denominator is the same fraction: 7/-2 = -3.5 -> -4
    expect(roundDiv(7n, -2n)).toBe(-4n);
    expect(() => roundDiv(1n, 0n)).toThrow(RangeError);
  });

  it('every caller rounds the same way (report, simulate, whatif, estimate)', () => {
    // report's per-request mean: -27 / 10 = -2.7 -> -3 (it truncated to -2 before); 25 / 10 = 2.5 -> 3
    expect([divFemto(-27n, 10), divFemto(25n, 10), divFemto(-25n, 10)]).toEqual([-3n, 3n, -3n]);
    // simulate's weights: 3 x 2.5 = 7.5 -> 8, -3 x 2.5 = -7.5 -> -8
    expect([scaleFemto(3n, 2.5), scaleFemto(-3n, 2.5)]).toEqual([8n, -8n]);
    // per unit over a fractional count: 10 / 2.5 = 4; 10 / 4.0001 = 2.49994 -> 2; 1 / 0 -> null
    expect([perUnit(10n, 2.5), perUnit(10n, 4.0001), perUnit(1n, 0)]).toEqual([4n, 2n, null]);
    // whatif's fractions: -5/2 -> -3; estimate's rounding is the same function
    expect(toFemto({ num: -5n, den: 2n })).toBe(-3n);
    expect(roundExact({ num: -5n, den: 2n })).toBe(-3n);
    // a cost at an 80% hit rate: 0.8 x 3 + 0.2 x 8 = 4 exactly; at 1/3: (1 x 3 + 2 x 8) / 3 = 6.33 -> 6
    expect(roundExact(mixAt(3n, 8n, { num: 4n, den: 5n }))).toBe(4n);
    expect(roundExact(mixAt(3n, 8n, { num: 1n, den: 3n }))).toBe(6n);
    // prices and formatting: 3 nano-USD/MTok x 1/4 = 0.75 -> 1; -$0.005 at 2 decimals -> -$0.01
    expect(scalePrice(3n, { num: 1n, den: 4n })).toBe(1n);
    expect(roundFemto(-5_000_000_000_000n, 2)).toBe(-10_000_000_000_000n);
  });
});
