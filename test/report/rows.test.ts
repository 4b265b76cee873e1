import { describe, expect, it } from 'vitest';
import { col, type Section } from '../../src/report/model.js';
import { shownRows } from '../../src/report/rows.js';

const USD = 1_000_000_000_000_000n; // femto per dollar

function section(rows: Section['rows'], extra: Partial<Section> = {}): Section {
  return {
    id: 'groups',
    title: 'Spend',
    columns: [col('model', 'Model'), col('requests', 'Requests', 'int'), col('cost', 'Cost', 'usd'), col('share', 'Share', 'pct')],
    rows,
    footer: { model: 'Total', requests: 10, cost: 10n * USD },
    rest: { label: 'model', sum: ['requests', 'cost'], share: { key: 'share', of: 'cost' } },
    ...extra,
  };
}

describe('rows past the limit', () => {
  const rows = [
    { model: 'a', requests: 4, cost: 6n * USD },
    { model: 'b', requests: 3, cost: 3n * USD },
    { model: 'c', requests: 2, cost: null }, // unpriced
    { model: 'd', requests: 1, cost: 1n * USD },
  ];

  it('sums the rest exactly into one row: unpriced rows add requests, never $0 of cost; the share from the summed cost', () => {
    const { rows: shown, left } = shownRows(section(rows), 1);
    expect(left).toBe(0);
    expect(shown.slice(0, 1)).toEqual([rows[0]]);
    // b + c + d: 3 + 2 + 1 = 6 requests; $3 + (unpriced) + $1 = $4; $4 of the $10 total = 0.4
    expect(shown[1]).toEqual({ model: '(3 more)', requests: 6, cost: 4n * USD, share: 0.4 });
  });

  it('a rest of unpriced rows only is unpriced (null), with no share', () => {
    const { rows: shown } = shownRows(section([rows[0], rows[2]]), 1);
    expect(shown[1]).toEqual({ model: '(1 more)', requests: 2, cost: null, share: undefined });
  });

  it('without a rest rule counts the rows left out; limit false and no limit show every row', () => {
    expect(shownRows(section(rows, { rest: undefined }), 2)).toEqual({ rows: rows.slice(0, 2), left: 2 });
    expect(shownRows(section(rows, { limit: false }), 1)).toEqual({ rows, left: 0 });
    expect(shownRows(section(rows), undefined)).toEqual({ rows, left: 0 });
    expect(shownRows(section(rows), 4)).toEqual({ rows, left: 0 });
  });

  it('recomputes a difference from the two sums', () => {
    const s: Section = {
      id: 'reprice',
      title: 'Repricing',
      columns: [col('model', 'Model'), col('billed', 'Billed', 'usd'), col('repriced', 'Repriced', 'usd'), col('delta', 'Delta', 'usd')],
      rows: [
        { model: 'a', billed: 5n * USD, repriced: 4n * USD, delta: -1n * USD },
        { model: 'b', billed: 2n * USD, repriced: 3n * USD, delta: 1n * USD },
        { model: 'c', billed: 1n * USD, repriced: 3n * USD, delta: 2n * USD },
      ],
      rest: { label: 'model', sum: ['billed', 'repriced'], delta: { key: 'delta', from: 'billed', to: 'repriced' } },
    };
    // b + c: billed $3, repriced $6, delta $6 - $3 = $3
    expect(shownRows(s, 1).rows[1]).toEqual({ model: '(2 more)', billed: 3n * USD, repriced: 6n * USD, delta: 3n * USD });
  });
});
