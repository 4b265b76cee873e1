import { describe, expect, it } from 'vitest';
import { runCli } from '../cli/harness.js';

/**
 * The demo dataset's own generator (scripts/gen-demo.mjs --check) totals the same logs with its own
 * arithmetic and list prices: 3,596 billable requests; input 4,381,087, cache read 4,357,581,
 * cache write 5m 697,068, 1h 333,816, output 645,107 (reasoning 166,144); $20.57 priced, plus 20
 * requests of the unpriced acme-finetune-v2. This is the independent path the report is checked against.
 */
describe('report on the demo dataset', () => {
  it('matches the generator totals and the documented JSON shape', async () => {
    const r = await runCli(['report', 'fixtures/demo', '--by', 'feature', '--format', 'json']);
    expect(r.code).toBe(0);
    const doc = JSON.parse(r.stdout);
    expect(Object.keys(doc)).toEqual([
      'schemaVersion',
      'inputs',
      'period',
      'groupBy',
      'totals',
      'groups',
      'unitEconomics',
      'contextWindowTax',
      'caching',
      'longContext',
      'reprice',
      'warnings',
      'issues',
      // the report model, for `tokenomics render` (added in the same backward-compatible schema)
      'report',
    ]);
    expect(doc.inputs).toMatchObject({
      read: 3784,
      counted: 3596,
      skipped: { 'batch-input-line': 180, 'error-body': 6, expired: 1, duplicate: 1 },
      rejected: {},
    });
    expect(doc.totals.requests).toBe(3596);
    expect(doc.totals.tokens).toEqual({
      input: 4_381_087,
      cacheRead: 4_357_581,
      cacheWrite5m: 697_068,
      cacheWrite1h: 333_816,
      output: 645_107,
      reasoning: 166_144,
    });
    expect(doc.totals.costUsd.toFixed(2)).toBe('20.57');
    expect(doc.totals.unpricedModels).toEqual({ 'acme-finetune-v2': 20 });
    const features = doc.groups.map((g: { key: { feature: string } }) => g.key.feature).sort();
    expect(features).toEqual(['chat-assistant', 'kb-search-answer', 'reply-draft', 'ticket-summary', 'ticket-tagging']);
    for (const g of doc.groups) {
      expect(Object.keys(g)).toEqual([
        'key',
        'requests',
        'tokens',
        'costUsd',
        'components',
        'charges',
        'shareOfSpend',
        'costPerRequestUsd',
        'outputShareOfSpend',
        'costPerRequestDistributionUsd',
        'unpriced',
        'estimatedRecords',
        'pricing',
      ]);
      expect(Object.keys(g.tokens)).toEqual(['input', 'cacheRead', 'cacheWrite5m', 'cacheWrite1h', 'output', 'reasoning']);
      // the demo logs report no web searches or other per-call charges
      expect(g.charges).toEqual({});
    }
    // components add up to the total, exactly as printed
    const c = doc.totals.components;
    expect(Number((c.input + c.cacheRead + c.cacheWrite5m + c.cacheWrite1h + c.output).toFixed(9))).toBe(
      Number(doc.totals.costUsd.toFixed(9)),
    );
    // the batch job is priced at batch rates
    const tagging = doc.groups.find((g: { key: { feature: string } }) => g.key.feature === 'ticket-tagging');
    expect(tagging.pricing[0]).toMatchObject({ entry: 'gpt-4o-mini', serviceTier: 'batch' });
    // generator totals for ticket-tagging: 274,336 input, 3,838 output, no cache; gpt-4o-mini batch $0.075 / $0.30:
    // 274,336 * 0.075 + 3,838 * 0.30 = 20,575.2 + 1,151.4 = 21,726.6 u$
    expect(tagging.tokens).toMatchObject({ input: 274_336, cacheRead: 0, output: 3_838 });
    expect(tagging.costUsd).toBe(0.0217266);
    expect(doc.contextWindowTax.turns).toHaveLength(12);
    expect(doc.unitEconomics.customers).toBe(12);
    // cost per successful outcome: priced cost of known outcomes / priced successes; 14 of the 3,287 successes are
    // on the unpriced acme-finetune-v2 and add no cost: $20.56514995 / 3,273
    expect(doc.unitEconomics.outcomes).toMatchObject({ success: 3287, failure: 309 });
    expect(doc.unitEconomics.outcomes.costPerSuccessfulOutcomeUsd).toBeCloseTo(20.56514995 / 3273, 12);
  });
});
