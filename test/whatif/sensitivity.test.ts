import { describe, expect, it } from 'vitest';
import { doc, run, usd } from './helpers.js';

// tk-test (test-prices.yaml): input $1, output $4 per MTok. 10,000 requests of 1,000 in + 500 out:
// $0.003 a call. Each assumption moves -/+20% on its own, inside the values the file may hold.
describe("sensitivity at the edge of an assumption's range", () => {
  it('a retry rate near its maximum and a single seat move as far as they may, never "no effect"', () => {
    const r = run(doc('    inputTokens: 1000\n    outputTokens: 500\n    retryRate: 0.9\n', 'perSeatUsd: 10\n    seats: 1'));
    const by = new Map(r.sensitivity.map((s) => [s.path, s]));
    // retry rate 0.9: 1 / 0.1 = 10 attempts x $0.003 x 10,000 = $300 a month.
    // -20%: 0.72 -> 1 / 0.28 attempts: $30 / 0.28 = $107.142857142857142857... (cost change -$192.857142857142857 to the femto-dollar);
    // +20% would be 1.08, above the 0.99 maximum: capped at 0.99 -> 100 attempts = $3,000 (+$2,700)
    expect(by.get('features.chat.retryRate')).toMatchObject({
      low: '0.72',
      high: '0.99',
      capped: true,
      costDeltaLow: usd('-192.857142857142857'),
      costDeltaHigh: usd('2700'),
    });
    // one seat at $10: -20% would be 0.8 seats (per-seat pricing needs one): stays 1, no change;
    // +20%: 1.2 seats x $10 = $12 revenue, margin +$2
    expect(by.get('product.pricePoint.seats')).toMatchObject({
      low: '1',
      high: '1.2',
      capped: true,
      marginDeltaLow: 0n,
      marginDeltaHigh: usd('2'),
    });
    expect(r.unaffected).not.toContain('features.chat.retryRate');
    expect(r.unaffected).not.toContain('product.pricePoint.seats');
  });
});
