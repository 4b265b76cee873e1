import { describe, expect, it } from 'vitest';
import { parseCanonicalIso } from '../../../src/core/iso.js';
import { parseCount } from '../../../src/ingest/formats/values.js';

describe('fast value parsing', () => {
  it('parses canonical ISO timestamps exactly like Date.parse', () => {
    let t = Date.UTC(2024, 0, 1);
    for (let i = 0; i < 3000; i++) {
      t += 3_600_000 * 7 + 1234567 * (i % 13);
      const iso = new Date(t).toISOString();
      expect(parseCanonicalIso(iso)).toBe(Date.parse(iso));
    }
  });

  it('rejects what is not exactly the canonical form, or an impossible date', () => {
    for (const s of [
      '2026-02-30T00:00:00.000Z',
      '2026-13-01T00:00:00.000Z',
      '2026-10-01T24:00:00.000Z',
      '2026-10-01 00:00:00.000Z',
      '2026-10-01T00:00:00.000+',
      'x026-10-01T00:00:00.000Z',
      '2026-10-01T00:00:00Z',
    ]) {
      expect(parseCanonicalIso(s)).toBeNaN();
    }
  });

  it('the memoised day never lets an invalid date or time through', () => {
    const valid = '2026-10-01T12:00:00.000Z';
    for (const s of [
      valid,
      '2026-10-01T24:00:00.000Z',
      valid,
      '2026-10-01T23:60:00.000Z',
      '2026-02-30T00:00:00.000Z',
      '2026-02-30T00:00:00.000Z',
      '0050-01-01T00:00:00.000Z',
    ]) {
      const expected = Date.parse(s);
      const got = parseCanonicalIso(s);
      if (Number.isNaN(got))
        expect(s === valid).toBe(false); // NaN sends callers to Date.parse, which then decides
      else expect(got).toBe(expected);
    }
    expect(parseCanonicalIso('2026-10-01T24:00:00.000Z')).toBeNaN();
    expect(parseCanonicalIso('2026-02-30T00:00:00.000Z')).toBeNaN();
  });

  it('keeps strict count parsing on the digit fast path', () => {
    expect(parseCount('1234')).toBe(1234);
    expect(parseCount(' 12 ')).toBe(12);
    expect(parseCount('')).toBeUndefined();
    expect(parseCount('-3')).toBeNaN();
    expect(parseCount('1.5')).toBeNaN();
    expect(parseCount('99999999999999999999')).toBeNaN(); // beyond safe integers
  });
});
