/**
 * Skip and rejection reasons are listed in one order whatever reader counted them: the SQL readers
 * meet the reasons in another order than the TypeScript readers (kinds grouped, rows judged after),
 * so the order the counts were made in must not show through (ties by name).
 */
import { describe, expect, it } from 'vitest';
import { reasonsByCount } from '../../src/ingest/types.js';
import { ingestWarnings } from '../../src/report/ingest-warnings.js';
import { inputLines } from '../../src/report/parts.js';

describe('reasons in one order', () => {
  const first = { 'gateway-cache-hit': 2, 'failed-request': 2, 'no-usage': 5 };
  const second = { 'no-usage': 5, 'failed-request': 2, 'gateway-cache-hit': 2 };

  it('largest first, ties by name, whatever order they were counted in', () => {
    expect(reasonsByCount(first)).toEqual([
      ['no-usage', 5],
      ['failed-request', 2],
      ['gateway-cache-hit', 2],
    ]);
    expect(reasonsByCount(second)).toEqual(reasonsByCount(first));
  });

  it('the report lines and the rejection warning read the same either way', () => {
    const inputs = (skipped: Record<string, number>) => ({ files: [], read: 9, counted: 0, skipped, rejected: {} });
    expect(inputLines(inputs(first))).toEqual(inputLines(inputs(second)));
    expect(inputLines(inputs(first))[1]).toBe('Skipped (not billable): no-usage 5, failed-request 2, gateway-cache-hit 2.');
    const warning = (rejected: Record<string, number>) => ingestWarnings({ read: 9, counted: 0, skipped: {}, rejected }, [])[0].message;
    expect(warning({ 'invalid-count': 1, 'bad-time': 1 })).toBe(warning({ 'bad-time': 1, 'invalid-count': 1 }));
    expect(warning({ 'invalid-count': 1, 'bad-time': 1 })).toMatch(/\(bad-time 1, invalid-count 1\)/);
  });
});
