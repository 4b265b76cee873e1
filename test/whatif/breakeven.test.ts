import { describe, expect, it } from 'vitest';
import { doc, run, usd } from './helpers.js';

// tk-test (provider acme in test-prices.yaml): input $1, cache read $0.10, output $4 per MTok.
describe('CFO levers and their break-even', () => {
  it('output length, usage per seat and provider prices, exactly', () => {
    // tiny model: 10,000 x (1000 in, 500 out) = input $10 + output $20 + non-token $10 = $40; revenue $1,000
    const rows = run(doc('    inputTokens: 1000\n    outputTokens: 500\n    nonTokenCostPerRequestUsd: 0.001\n')).breakEvens;
    const by = new Map(rows.map((r) => [r.id, r]));
    expect([...by.keys()]).toEqual(['outputTokens', 'usagePerSeat', 'price:acme']);
    const val = (id: string) => {
      const b = by.get(id)!.breakEven!;
      return Number(b.num) / Number(b.den);
    };
    // output: cost = $20 + $20 x s; 75% margin = cost $250 -> s = 230 / 20 = 11.5; -/+20%: margin +/- $4
    expect(by.get('outputTokens')).toMatchObject({ marginDeltaLow: usd('4'), marginDeltaHigh: usd('-4') });
    expect(val('outputTokens')).toBe(11.5);
    // usage per seat: cost = $40 x s -> s = 250 / 40 = 6.25
    expect(val('usagePerSeat')).toBe(6.25);
    // acme prices: cost = $10 + $30 x s -> s = 240 / 30 = 8 (a +700% price change)
    expect(val('price:acme')).toBe(8);
    expect(by.get('price:acme')).toMatchObject({ marginDeltaLow: usd('6'), marginDeltaHigh: usd('-6') });
  });

  it("cache hit rate: break-even as a share of today's hit rates, capped by the write share", () => {
    // 10,000 x 1000 input at 50% cached: uncached 500 x $1/M = $0.0005, read 500 x $0.10/M = $0.00005, output $0.002
    // cost(s) with hit rate 0.5 s: no cache $30; today $25.50 -> cost = 30 - 4.5 s. Target 98%: budget $20 -> s = 10 / 4.5 = 2.2222 > cap 1 / 0.5 = 2
    const r = run(doc('    inputTokens: 1000\n    outputTokens: 500\n    cachedInputShare: 0.5\n'), [], { targetMarginPct: 98 });
    const c = r.breakEvens.find((b) => b.id === 'cachedInputShare')!;
    expect([c.breakEven!.num, c.breakEven!.den]).toEqual([20n, 9n]);
    expect([c.maxLever!.num, c.maxLever!.den]).toEqual([2n, 1n]);
    const c2 = run(doc('    inputTokens: 1000\n    outputTokens: 500\n    cachedInputShare: 0.5\n'), [], {
      targetMarginPct: 97,
    }).breakEvens.find((b) => b.id === 'cachedInputShare')!;
    // 97%: budget $30 -> s = 0: even with no cache hits margin is 97%
    expect(c2.breakEven!.num).toBe(0n);
  });

  it('a provider with two models in use gets a row per model too', () => {
    // half the 10,000 requests on tk-test at $0.003 = $15; half routed to tk-cheap at 1.25 attempts x $0.00125 = $7.8125
    const rows = run(
      doc('    inputTokens: 1000\n    outputTokens: 500\n    route: { share: 0.5, model: tk-cheap, retryRate: 0.2, outputFactor: 1.5 }\n'),
    ).breakEvens;
    expect(rows.map((r) => r.id).filter((id) => id.startsWith('price:'))).toEqual([
      'price:acme',
      'price:model:tk-test',
      'price:model:tk-cheap',
    ]);
    const cheap = rows.find((r) => r.id === 'price:model:tk-cheap')!;
    // +20% on tk-cheap: -$1.5625 margin; 75% margin at (250 - 15) / 7.8125 = 30.08x its price
    expect(cheap.marginDeltaHigh).toBe(usd('-1.5625'));
    expect(Number(cheap.breakEven!.num) / Number(cheap.breakEven!.den)).toBe(30.08);
    expect(rows.find((r) => r.id === 'price:model:tk-test')!.marginDeltaHigh).toBe(usd('-3'));
  });
});
