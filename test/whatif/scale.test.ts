import { describe, expect, it } from 'vitest';
import { femtoToUsdString } from '../../src/pricing/money.js';
import { customerMargins } from '../../src/whatif/margin.js';
import { parseRevenueCsv } from '../../src/whatif/revenue.js';
import { scaleModel } from '../../src/whatif/scale.js';
import { env, minutes, rec, words } from '../simulate/helpers.js';

// claude-t (test catalog): input $1, cache read $0.10, 5m write $1.25 per MTok; minimum 1,024
// tokens, TTL 5m refreshed on hit. The test encoder counts one token per word.
const SYS = words('scalesys', 2000);
const mk = (m: number, customer: string, user: string, cached: boolean) =>
  rec('claude-t', {
    timeMs: minutes(m),
    inputTokens: cached ? 500 : 2500,
    cacheWrite5mTokens: cached ? 2000 : 0,
    tags: { customer },
    text: {
      messages: [
        { role: 'system', content: SYS },
        { role: 'user', content: words(user, 500) },
      ],
    },
  });

describe('margin per customer at k x volume uses simulate volume model', () => {
  // Customer a caches its 2,000-token system prompt (logged writes) at 0 and 30 minutes: both cold
  // (30 > 5 minutes). Logged: 2 x (2,000 x $1.25 + 500 x $1) = 2 x 3,000 µ$ = $0.006.
  // Customer b sends the same prompt at 10 minutes without caching (no cache tokens logged on an
  // explicit-cache model): 2,500 µ$, and it takes no part in the replay.
  //
  // Replay at 1x (a's two requests): each writes SYS and sends 500 input: 6,000 µ$.
  // Replay at 3x: weights 3, the extra users send SYS at (6 - 2) / 30 min, λ·TTL = 4/30 x 5 = 2/3,
  // a cold SYS is warm with P = 1 - e^(-2/3) = 0.48658: read round(2,000 x 0.48658) = 973, write
  // 1,027, input 500 -> 97.3 + 1,283.75 + 500 = 1,881.05 µ$ a copy, x 3 copies x 2 requests =
  // 11,286.3 µ$. Scale saving = 3 x 6,000 - 11,286.3 = 6,713.7 µ$.
  // a at 3x: 3 x 6,000 - 6,713.7 = 11,286.3 µ$ = $0.0112863 (linear: $0.018).
  // b at 3x: 3 x 2,500 = 7,500 µ$ (linear: it does not cache).
  const records = [mk(0, 'a', 'ua1', true), mk(10, 'b', 'ub1', false), mk(30, 'a', 'ua2', true)];

  it('the saving is what k-times traffic warms on shared prefixes, per customer', () => {
    const s = scaleModel(records, env, [1, 3], (r) => r.tags.customer ?? '(none)');
    expect(s.caching).toBe(2);
    expect(s.replayed).toBe(2);
    expect(femtoToUsdString(s.saving('a', 3))).toBe('0.0067137');
    expect(s.saving('b', 3)).toBe(0n);
    expect(s.saving('a', 1)).toBe(0n);
  });

  it('cost and margin at 3x differ from linear scaling', () => {
    const s = scaleModel(records, env, [1, 3], (r) => r.tags.customer ?? '(none)');
    // a pays a flat $0.02, b $0.01: a's margin at 3x is $0.02 - $0.0112863 = $0.0087137 (linear: $0.002)
    const revenue = parseRevenueCsv('customer,contractUsd\na,0.02\nb,0.01\n', 'r.csv');
    const m = customerMargins(
      revenue,
      [
        { customer: 'a', requests: 2, costFemto: 6_000_000_000_000n, unpricedRequests: 0 },
        { customer: 'b', requests: 1, costFemto: 2_500_000_000_000n, unpricedRequests: 0 },
      ],
      [1, 3],
      s.saving,
    );
    const a = m.customers.find((c) => c.customer === 'a')!;
    const b = m.customers.find((c) => c.customer === 'b')!;
    expect(femtoToUsdString(a.cost)).toBe('0.006');
    expect(femtoToUsdString(a.atVolume[1].cost)).toBe('0.0112863');
    expect(femtoToUsdString(a.atVolume[1].margin)).toBe('0.0087137');
    expect(femtoToUsdString(b.atVolume[1].cost)).toBe('0.0075');
    // totals at 3x: cost 0.0112863 + 0.0075 = $0.0187863 against revenue $0.03
    expect(femtoToUsdString(m.volumes[1].cost)).toBe('0.0187863');
  });
});
