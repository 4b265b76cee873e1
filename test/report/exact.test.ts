/** Amounts print from their exact value: JSON never through a float, no exponent notation anywhere. */
import { describe, expect, it } from 'vitest';
import { ExactDecimal, toJsonText, usdJson } from '../../src/report/json.js';
import { formatInt, formatPct, humanCell, plainCell } from '../../src/report/cells.js';
import { exactJson } from '../../src/report/data.js';

describe('exact amounts', () => {
  it('a femto amount above $9,007 with 12 decimals prints every digit', () => {
    // $9,007.123456789012 = 9007123456789012000 femto (15 decimals); a double would print 9007.123456789011
    const f = 9_007_123_456_789_012_000n;
    expect(Number('9007.123456789012').toString()).not.toBe('9007.123456789012'); // why the digits are kept
    const v = usdJson(f);
    expect(v).toBeInstanceOf(ExactDecimal);
    expect(toJsonText({ costUsd: v })).toBe('{\n  "costUsd": 9007.123456789012\n}');
    // rounded to 1e-12 USD, half away from zero: ...0125 femto-digits -> ...013
    expect(toJsonText(usdJson(12_345_678_901_234_567_500n))).toBe('12345.678901234568');
    // amounts a double holds exactly stay plain numbers
    expect(usdJson(1_500_000_000_000_000n)).toBe(1.5);
  });

  it('JSON text matches JSON.stringify layout, without exponents', () => {
    const doc = { a: 1, b: [1, 'x', null, { c: true }], d: {}, e: [], f: undefined, g: 'q"' };
    expect(toJsonText(doc)).toBe(JSON.stringify(doc, null, 2));
    expect(toJsonText({ tiny: 3e-7, huge: 2.1e304, neg: -1.5e-10 })).toBe(
      `{\n  "tiny": 0.0000003,\n  "huge": 21${'0'.repeat(303)},\n  "neg": -0.00000000015\n}`,
    );
    expect(JSON.parse(toJsonText({ tiny: 3e-7 })).tiny).toBe(3e-7);
  });

  it('a string like the marks the serializer puts on numbers stays a string; bigints and exact digits print as numbers', () => {
    const doc = { s: '\u0000abc:123', n: 12345678901234567890n, list: [new ExactDecimal('0.1000000000000000055'), 1e-7], ['__proto__']: 2 }; // (a computed key: an own one)
    expect(toJsonText(doc)).toBe(
      '{\n  "s": "\\u0000abc:123",\n  "n": 12345678901234567890,\n  "list": [\n    0.1000000000000000055,\n    0.0000001\n  ],\n  "__proto__": 2\n}',
    );
    expect(toJsonText(undefined)).toBe('');
  });

  it('cells never use exponent notation', () => {
    expect(formatInt(2.1e21)).toBe('2,100,000,000,000,000,000,000');
    // 1e20 as a fraction is 1e22 percent: all 23 digits, no "1e+22%"
    expect(formatPct(1e20)).toBe(`1${'0'.repeat(22)}%`);
    expect(humanCell(3e-7, 'text')).toBe('0.0000003');
    expect(humanCell(1e22, 'number')).toBe('10,000,000,000,000,000,000,000');
    expect(plainCell(1.875e-7, 'number')).toBe('0.0000001875');
    expect(plainCell(1e21, 'int')).toBe('1000000000000000000000');
    expect(humanCell(100n, 'usdPerMTok')).toBe('$0.0000001');
  });

  it('typed data keeps keys that come from the data, "__proto__" included, as its own keys', () => {
    // a scenario named "__proto__" keys a group's scenarios: JSON.parse makes it an own key
    const data = JSON.parse('{"scenarios": {"__proto__": {"costUsd": 1}, "caching": {"costUsd": 2}}}');
    Object.getOwnPropertyDescriptor(data.scenarios, '__proto__')!.value.costUsd = 1_500_000_000_000_000n; // $1.5 in femto
    const json = exactJson(data) as { scenarios: Record<string, unknown> };
    expect(Object.keys(json.scenarios)).toEqual(['__proto__', 'caching']);
    expect(toJsonText(json)).toContain('"__proto__": {\n      "costUsd": 1.5\n    }');
    expect(Object.getPrototypeOf(json.scenarios)).toBe(Object.prototype);
  });
});
