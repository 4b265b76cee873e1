import { describe, expect, it } from 'vitest';
import { simulateBottomLine } from '../../src/simulate/bottom-line.js';
import { baselineRequests, runScenario } from '../../src/simulate/engine.js';
import { priceState } from '../../src/simulate/price.js';
import { env, minutes, pricer, rec } from './helpers.js';

describe('simulate bottom line in words', () => {
  // Two requests of 10,000 input tokens on claude-t ($1/MTok): $0.01 each, $0.02 in all, on two
  // calendar days. batch (x0.5) on everything: $0.005 each, saving $0.01 (50.0%).
  // A month at this traffic: $0.01 x 30.4375 / 2 days = $0.1521875 (shown $0.152).
  const recs = [
    rec('claude-t', { timeMs: minutes(0), inputTokens: 10_000 }),
    rec('claude-t', { timeMs: minutes(24 * 60), inputTokens: 10_000 }),
  ];
  const base = baselineRequests(recs);
  const baseline = priceState(pricer, base);
  const scenario = { name: 'night-batch', levers: [{ kind: 'batch' as const, name: 'batch', params: { share: 1 }, at: 't:1' }], at: 't:1' };
  const result = runScenario(base, baseline, scenario, env);

  it('says what it saves on the period and a month, per unit, from which lever, on what evidence and assumption', () => {
    const b = simulateBottomLine(baseline, result, { days: 2, records: 2, withText: 0 });
    expect(b.saving).toBe(10_000_000_000_000n);
    expect(b.monthlySaving).toBe(152_187_500_000_000n);
    expect(Object.fromEntries(b.lines)).toEqual({
      'Bottom line': 'night-batch saves $0.01 on the 2 days logged (50.0% of $0.02), about $0.152 a month at this traffic',
      'Per unit': 'per request $0.01 to $0.005',
      'Where it comes from': 'batch $0.01',
      Evidence:
        '2 logged requests replayed with their timestamps and token counts; 2 without prompt text use the parametric or factor modes',
      Assumes: 'the batched work can wait for the batch window (up to 24h)',
    });
  });

  it('a scenario that costs more says so, and without dates gives no monthly figure', () => {
    // volume x2 doubles the cost: $0.04, $0.02 more than billed (+100.0%)
    const grow = { name: 'growth', levers: [{ kind: 'volume' as const, name: 'volume', params: { k: 2 }, at: 't:1' }], at: 't:1' };
    const b = simulateBottomLine(baseline, runScenario(base, baseline, grow, env), { records: 2, withText: 2 });
    expect(b.monthlySaving).toBeUndefined();
    expect(b.lines[0][1]).toBe('growth costs $0.02 more on the logged traffic (+100.0% on $0.02)');
    expect(Object.fromEntries(b.lines).Volume).toMatch(/^x2 the logged traffic/);
  });
});
