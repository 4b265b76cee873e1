/**
 * Charges carried through `simulate`: a lever that drops requests drops their web searches too.
 * Expected values by hand from the catalog: claude-sonnet-4-5 $3 / $15 per MTok, web search $0.01 each.
 */
import { describe, expect, it } from 'vitest';
import { runCli } from '../cli/harness.js';

describe('simulate with per-call charges', () => {
  it('a semantic-cache hit drops the call and its searches', async () => {
    // each request: 1,000 x 3 + 100 x 15 = 4,500 u$; requests 1-3 (the same question) 2 searches each = $0.02,
    // request 4 one search = $0.01. Baseline: 3 x (4,500 + 20,000) + (4,500 + 10,000) = 88,000 u$ = $0.088
    // (tokens alone would be 18,000 u$). Requests 2 and 3 repeat request 1 (similarity 1): both dropped with
    // their searches, lookups free in this scenario: 88,000 - 2 x 24,500 = 39,000 u$ = $0.039.
    const r = await runCli([
      'simulate',
      'fixtures/charges/searches.jsonl',
      '-s',
      'fixtures/charges/semantic-cache.yaml',
      '--format',
      'json',
    ]);
    expect(r.code).toBe(0);
    const doc = JSON.parse(r.stdout);
    expect(doc.baseline.totalUsd).toBe(0.088);
    expect(doc.scenarios[0].totalUsd).toBe(0.039);
    expect(doc.scenarios[0].savingUsd).toBe(0.049);
    expect(doc.scenarios[0].modelCalls).toBe(2);
  });

  it('the baseline equals the report total (charges included in both)', async () => {
    const rep = await runCli(['report', 'fixtures/charges/searches.jsonl', '--format', 'json']);
    expect(JSON.parse(rep.stdout).totals.costUsd).toBe(0.088);
  });
});
