import { describe, expect, it } from 'vitest';
import { doc, run, usd } from './helpers.js';

// Test prices (fixtures/whatif/test-prices.yaml), USD per MTok:
//   tk-test  input 1, cache read 0.10, cache write 1.25, output 4, batch x0.5
//   tk-cheap input 0.5, output 1 (no batch price)

describe('whatif point estimates (exact)', () => {
  it('prices a fixed request: tokens, non-token cost, margin, cost per success', () => {
    const r = run(doc('    inputTokens: 1000\n    outputTokens: 500\n    successRate: 0.8\n    nonTokenCostPerRequestUsd: 0.001\n'));
    const f = r.evaluation.features[0];
    // tokens per request: 1000 x $1/M + 500 x $4/M = $0.001 + $0.002 = $0.003; plus $0.001 non-token = $0.004
    expect(f.tokenCostPerRequest).toBe(usd('0.003'));
    expect(f.costPerRequest).toBe(usd('0.004'));
    // per success: $0.004 / 0.8 = $0.005
    expect(f.costPerSuccess).toBe(usd('0.005'));
    // month: 10,000 x $0.004 = $40 (tokens $30: input $10 + output $20; non-token $10)
    expect(f.components).toEqual({ input: usd('10'), cacheRead: 0n, cacheWrite: 0n, output: usd('20') });
    expect(r.evaluation.totals).toMatchObject({ tokenCost: usd('30'), nonTokenCost: usd('10'), cost: usd('40') });
    // revenue: $10 x 100 seats = $1,000; margin $960; per request $1,000 / 10,000 = $0.10; per user $40 / 100 = $0.40
    expect(r.evaluation.totals).toMatchObject({
      revenue: usd('1000'),
      margin: usd('960'),
      revenuePerRequest: usd('0.1'),
      costPerUser: usd('0.4'),
    });
  });

  it('a per-user distribution of uses enters as users x its mean, not its mean per user rounded to a whole use', () => {
    const text = (perUser: string) =>
      `version: 1\nproduct:\n  name: T\n  pricePoint: { perSeatUsd: 10, seats: 1000 }\nfeatures:\n  chat:\n    model: tk-test\n    requestsPerUserPerMonth: ${perUser}\n    inputTokens: 1000\n    outputTokens: 500\n`;
    // uniform 0..0.8 uses a user: mean 0.4 x 1,000 users = 400 requests (rounded per user first: 0 requests, $0)
    // 400 x (1000 x $1/M + 500 x $4/M = $0.003) = $1.20
    const a = run(text('{ min: 0, max: 0.8 }')).evaluation;
    expect(a.totals.requests).toEqual({ num: 400n, den: 1n });
    expect(a.totals.cost).toBe(usd('1.2'));
    // uniform 1..2: mean 1.5 x 1,000 = 1,500 requests (not 2 x 1,000): $4.50, as the fixed 1.5 a user gives
    expect(run(text('{ min: 1, max: 2 }')).evaluation.totals.cost).toBe(usd('4.5'));
    expect(run(text('1.5')).evaluation.totals.cost).toBe(usd('4.5'));
  });

  it('applies cache reads, cache writes, batch share and retries exactly', () => {
    const r = run(
      doc(
        '    inputTokens: 1000\n    outputTokens: 500\n    cachedInputShare: 0.5\n    cacheWriteShare: 0.1\n    batchShare: 0.5\n    retryRate: 0.1\n',
      ),
    );
    // per call at standard: 400 uncached x $1/M = $0.0004; 500 read x $0.10/M = $0.00005;
    //   100 written x $1.25/M = $0.000125; 500 out x $4/M = $0.002; sum $0.002575
    // half the calls at batch (x0.5): 0.5 x 0.002575 + 0.5 x 0.0012875 = $0.00193125
    // retryRate 0.1 = 1 / (1 - 0.1) = 10/9 attempts per request (core/retry.ts), not 1 + 0.1:
    // $0.00193125 x 10/9 = $0.0021458333... per request; x 10,000 = $21.458333333333333... per month
    const f = r.evaluation.features[0];
    expect(f.tokenCostPerRequest).toBe(usd('0.002145833333333'));
    expect(f.monthlyTokenCost).toBe(usd('21.458333333333333'));
    // calls per month: 10,000 x 10/9 = 100,000/9
    expect([f.calls.num, f.calls.den]).toEqual([100000n, 9n]);
  });

  it('retryRate 0.5 means two attempts per request (the meaning simulate uses), not one and a half', () => {
    const r = run(doc('    inputTokens: 1000\n    outputTokens: 500\n    retryRate: 0.5\n'));
    // $0.003 per attempt x 1 / (1 - 0.5) = 2 attempts = $0.006 per request; x 10,000 = $60
    expect(r.evaluation.features[0].tokenCostPerRequest).toBe(usd('0.006'));
    expect(r.evaluation.totals.tokenCost).toBe(usd('60'));
  });

  it('mixes a route share with its own retry rate and output factor; the floor takes the cheapest option', () => {
    const r = run(
      doc('    inputTokens: 1000\n    outputTokens: 500\n    route: { share: 0.5, model: tk-cheap, retryRate: 0.2, outputFactor: 1.5 }\n'),
    );
    // model: $0.003 per request (above). route: 1 / (1 - 0.2) = 1.25 attempts x (1000 x $0.5/M + 750 x $1/M)
    //   = 1.25 x $0.00125 = $0.0015625; mix: 0.5 x $0.003 + 0.5 x $0.0015625 = $0.00228125
    const f = r.evaluation.features[0];
    expect(f.tokenCostPerRequest).toBe(usd('0.00228125'));
    expect(f.floorPerRequest).toBe(usd('0.0015625'));
    expect([f.floorModel, f.floorVia]).toEqual(['tk-cheap', 'route']);
  });

  it('floor uses floorModel and the stated maximum cache and batch shares', () => {
    const r = run(
      doc('    inputTokens: 1000\n    outputTokens: 500\n    floorModel: tk-cheap\n    maxCachedInputShare: 0.9\n    maxBatchShare: 1\n'),
    );
    // tk-test at 90% cached, all batch: (100 x $1 + 900 x $0.10 + 500 x $4)/M x 0.5 = $0.00219 / 2 = $0.001095
    // tk-cheap (no cache or batch prices): 1000 x $0.5/M + 500 x $1/M = $0.001 -> the floor
    const f = r.evaluation.features[0];
    expect(f.floorPerRequest).toBe(usd('0.001'));
    expect(f.floorModel).toBe('tk-cheap');
    // the current cost is unchanged by floor-only assumptions
    expect(f.tokenCostPerRequest).toBe(usd('0.003'));
  });

  it('per-request pricing: revenue follows requests and unit economics can be negative', () => {
    const r = run(doc('    inputTokens: 1000\n    outputTokens: 500\n', 'perRequestUsd: 0.002'));
    // revenue 10,000 x $0.002 = $20; cost $30; margin -$10; $0.003 > $0.002 per use
    expect(r.evaluation.totals).toMatchObject({ revenue: usd('20'), cost: usd('30'), margin: usd('-10'), revenuePerRequest: usd('0.002') });
    expect(r.evaluation.features[0].costPerRequest > r.evaluation.totals.revenuePerRequest!).toBe(true);
  });

  it('users x requests per user, defaulting to the seats', () => {
    const text = doc('    inputTokens: 1000\n    outputTokens: 500\n').replace('requestsPerMonth: 10000', 'requestsPerUserPerMonth: 25');
    // 100 seats x 25 = 2,500 requests x $0.003 = $7.50
    expect(run(text).evaluation.totals.cost).toBe(usd('7.5'));
  });
});

describe('volume and sensitivity', () => {
  const tiny = doc('    inputTokens: 1000\n    outputTokens: 500\n    nonTokenCostPerRequestUsd: 0.001\n');

  it('scales cost, revenue and margin linearly', () => {
    const v = run(tiny, [], { volumes: [1, 10, 100] }).volume;
    // 1x: $40 / $1,000 / $960; 10x: $400 / $10,000 / $9,600; 100x: $4,000 / $100,000 / $96,000
    expect(v.map((x) => [x.multiplier, x.cost, x.revenue, x.margin])).toEqual([
      [1, usd('40'), usd('1000'), usd('960')],
      [10, usd('400'), usd('10000'), usd('9600')],
      [100, usd('4000'), usd('100000'), usd('96000')],
    ]);
  });

  it('moves each assumption by 20% and sorts by impact', () => {
    const rows = run(tiny).sensitivity;
    // perSeatUsd 10 -> 8 / 12: revenue -/+ $200. seats 100 -> 80 / 120: same (requests are stated per month).
    // requestsPerMonth 8,000 / 12,000: cost -/+ 2,000 x $0.004 = $8. outputTokens 400 / 600: 100 x $4/M x 10,000 = $4.
    // inputTokens 800 / 1,200: 200 x $1/M x 10,000 = $2. non-token $0.0008 / $0.0012: $0.0002 x 10,000 = $2.
    expect(rows.map((r) => r.path)).toEqual([
      'product.pricePoint.perSeatUsd',
      'product.pricePoint.seats',
      'features.chat.requestsPerMonth',
      'features.chat.outputTokens',
      'features.chat.inputTokens',
      'features.chat.nonTokenCostPerRequestUsd',
    ]);
    const out = rows.find((r) => r.path === 'features.chat.outputTokens')!;
    expect(out).toMatchObject({
      base: '500',
      low: '400',
      high: '600',
      costDeltaLow: usd('-4'),
      costDeltaHigh: usd('4'),
      marginDeltaLow: usd('4'),
      marginDeltaHigh: usd('-4'),
    });
    expect(rows[0]).toMatchObject({ costDeltaLow: 0n, marginDeltaLow: usd('-200'), marginDeltaHigh: usd('200') });
  });

  it('caps shares at 1 and keeps cache read + write within 1', () => {
    const rows = run(
      doc('    inputTokens: 1000\n    outputTokens: 500\n    cachedInputShare: 0.9\n    cacheWriteShare: 0.05\n'),
    ).sensitivity;
    const cached = rows.find((r) => r.path === 'features.chat.cachedInputShare')!;
    // 0.9 x 1.2 = 1.08 -> capped at 1 - 0.05 = 0.95
    expect([cached.low, cached.high, cached.capped]).toEqual(['0.72', '0.95', true]);
  });
});
