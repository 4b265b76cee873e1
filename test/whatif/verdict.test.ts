import { describe, expect, it } from 'vitest';
import { run, usd } from './helpers.js';

// Test prices (fixtures/whatif/test-prices.yaml), USD per MTok: tk-test input 1, output 4; tk-cheap input 0.5, output 1.

/** Two features on a $10 x 100 seat plan ($1,000 a month); `second` is the second feature's body. */
function twoFeatures(second: string, chatExtra = ''): string {
  return [
    'version: 1',
    'product:',
    '  name: T',
    '  pricePoint:',
    '    perSeatUsd: 10',
    '    seats: 100',
    'features:',
    '  chat:',
    '    model: tk-test',
    '    requestsPerUserPerMonth: 100',
    '    inputTokens: 1000',
    '    outputTokens: 500',
    chatExtra,
    '  bulk:',
    '    model: tk-test',
    second,
    '',
  ]
    .filter((l) => l !== '')
    .join('\n');
}

describe('feature verdicts (defect 8: judged per seat, not by seat revenue spread over all requests)', () => {
  it('a feature does not flip because another feature grew', () => {
    // chat: 100 seats x 100 = 10,000 requests x $0.003 (1000 x $1/M + 500 x $4/M) = $30 a month = $0.30 a seat, 3% of $10.
    const small = run(twoFeatures('    requestsPerMonth: 1000\n    inputTokens: 10\n    outputTokens: 0'));
    // bulk grows to 1,000,000 requests of 10 input tokens ($0.00001 each, $10 a month). Seat revenue spread over
    // all 1,010,000 requests would be $1,000 / 1,010,000 = $0.00099 < chat's $0.003 and flip chat to negative.
    const grown = run(twoFeatures('    requestsPerMonth: 1000000\n    inputTokens: 10\n    outputTokens: 0'));
    for (const r of [small, grown]) {
      const chat = r.verdicts[0];
      expect(chat).toMatchObject({ unit: 'seat', costPerUnit: usd('0.3'), chargePerUnit: usd('10'), shareOfCharge: 0.03, status: 'ok' });
    }
    // bulk itself: $10 / 100 seats = $0.10 a seat, 1% of the seat price
    expect(grown.verdicts[1]).toMatchObject({ costPerUnit: usd('0.1'), shareOfCharge: 0.01, status: 'ok' });
  });

  it('under water above the seat price, below target above (1 - target) of it', () => {
    // bulk: 400,000 requests x $0.003 = $1,200 a month = $12 a seat > $10: under water
    const r = run(twoFeatures('    requestsPerMonth: 400000\n    inputTokens: 1000\n    outputTokens: 500'));
    expect(r.verdicts[1]).toMatchObject({ costPerUnit: usd('12'), status: 'under water' });
    // bulk at 100,000 requests: $300 = $3 a seat, 30% of $10 > 25%: below a 75% target, ok at 60%
    const b = run(twoFeatures('    requestsPerMonth: 100000\n    inputTokens: 1000\n    outputTokens: 500'));
    expect(b.verdicts[1].status).toBe('below target');
    expect(
      run(twoFeatures('    requestsPerMonth: 100000\n    inputTokens: 1000\n    outputTokens: 500'), [], { targetMarginPct: 60 })
        .verdicts[1].status,
    ).toBe('ok');
  });

  it('price per use and usage cap that restore the target margin, now and at the token floor', () => {
    // bulk: 200,000 x 1000 input tokens x $1/M = $200 a month; chat $30 (above); revenue $1,000.
    const text = twoFeatures('    requestsPerMonth: 200000\n    inputTokens: 1000\n    outputTokens: 0', '    floorModel: tk-cheap');
    const chat = run(text).verdicts[0];
    // price per use for 75%: $0.003 / (1 - 0.75) = $0.012; at the floor (tk-cheap: 1000 x $0.5/M + 500 x $1/M = $0.001): $0.004
    expect(chat.now.pricePerUse).toBe(usd('0.012'));
    expect(chat.atFloor).toMatchObject({ costPerRequest: usd('0.001'), pricePerUse: usd('0.004') });
    // cap: cost budget $1,000 x 0.25 = $250, minus bulk's $200 = $50 for chat; $50 / (100 seats x $0.003) = 166.67 -> 166 uses a seat
    // at the floor: $50 / (100 x $0.001) = 500
    expect([chat.now.usesPerSeatCap, chat.atFloor.usesPerSeatCap]).toEqual([166n, 500n]);
    // at an 80% target the budget is $200, all taken by bulk: no cap on chat restores it
    const at80 = run(text, [], { targetMarginPct: 80 }).verdicts;
    expect(at80[0].now).toMatchObject({ usesPerSeatCap: 0n, noCapReason: 'other features' });
    // bulk at 80%: $2 a seat is exactly 20% of $10, not above it: ok; its cap ($200 - $30) / (100 x $0.001) = 1,700 (2,000 now)
    expect(at80[1]).toMatchObject({ status: 'ok', now: { usesPerSeatCap: 1700n } });
  });

  it('a zero cap says why: the seat price is $0, or one use per seat already takes the budget', () => {
    // one feature, $0 seat price: budget $0 x 0.25 - $0 = $0, and no other feature to blame
    const free = run(
      twoFeatures('    requestsPerMonth: 0\n    inputTokens: 0\n    outputTokens: 0').replace('perSeatUsd: 10', 'perSeatUsd: 0'),
    );
    expect(free.verdicts[0].now).toMatchObject({ usesPerSeatCap: 0n, noCapReason: 'seat price $0' });
    // chat at 4,000,000 input + 500 output tokens = $4 + $0.002 = $4.002 a request, bulk free: budget
    // $1,000 x 0.25 - $0 = $250 > 0, but one use per seat is 100 seats x $4.002 = $400.20: $250 / $400.20 = 0.62 -> 0
    const big = run(
      twoFeatures('    requestsPerMonth: 0\n    inputTokens: 0\n    outputTokens: 0').replace(
        'inputTokens: 1000\n',
        'inputTokens: 4000000\n',
      ),
    );
    expect(big.verdicts[0].now).toMatchObject({ usesPerSeatCap: 0n, noCapReason: 'one use' });
  });

  it('per-request pricing: judged per request against the price', () => {
    const text =
      'version: 1\nproduct:\n  name: T\n  pricePoint:\n    perRequestUsd: 0.002\nfeatures:\n  chat:\n    model: tk-test\n    requestsPerMonth: 10000\n    inputTokens: 1000\n    outputTokens: 500\n';
    const v = run(text).verdicts[0];
    // $0.003 a request against $0.002: under water; for 75%: $0.003 / 0.25 = $0.012 a use
    expect(v).toMatchObject({
      unit: 'request',
      costPerUnit: usd('0.003'),
      chargePerUnit: usd('0.002'),
      shareOfCharge: 1.5,
      status: 'under water',
      now: { pricePerUse: usd('0.012') },
    });
    expect(v.now.usesPerSeatCap).toBeUndefined();
  });
});
