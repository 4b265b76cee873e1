/**
 * Per-call charges in `whatif`: `chargesPerRequest` priced at the catalog's charge prices of each
 * model the traffic runs on, per request (retries re-bill tokens, not searches). By hand from
 * fixtures/charges/whatif-search.yaml and the bundled catalog.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../cli/harness.js';

describe('whatif with per-call charges', () => {
  it('prices the searches of each arm once per request', async () => {
    // claude-sonnet-4-5 ($3 / $15): 1,000 x 3 + 100 x 15 = 4,500 u$ per call; gpt-4.1 ($2 / $8): 2,000 + 800 = 2,800 u$.
    // retryRate 0.2 -> 1.25 calls per request on both arms; half the traffic each:
    //   tokens 0.5 x 1.25 x 4,500 + 0.5 x 1.25 x 2,800 = 2,812.5 + 1,750 = 4,562.5 u$ per request
    // searches: 2 per request at $10 per 1,000 on both models = $0.02 per request (not x 1.25)
    // per request $0.0245625; a month of 10,000 requests: $245.625, of which $200 searches
    const r = await runCli(['whatif', 'fixtures/charges/whatif-search.yaml', '--format', 'json']);
    expect(r.code).toBe(0);
    const doc = JSON.parse(r.stdout);
    const f = doc.features[0];
    expect(f.perRequest).toMatchObject({ costUsd: 0.0245625, tokenCostUsd: 0.0045625, chargesCostUsd: 0.02 });
    expect(doc.totals).toMatchObject({ costUsd: 245.625, nonTokenCostUsd: 200, tokenCostUsd: 45.625 });
  });

  it('a charge the model cannot price is an error (exit 2), never $0', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tk-whatif-charges-'));
    const file = join(dir, 'w.yaml');
    // Bedrock's catalog states no web search price
    writeFileSync(
      file,
      'version: 1\nproduct: { name: P, pricePoint: { perRequestUsd: 1 } }\nfeatures:\n  a:\n    model: anthropic.claude-3-haiku-20240307-v1:0\n    requestsPerMonth: 10\n    inputTokens: 10\n    outputTokens: 10\n    chargesPerRequest: { webSearch: 1 }\n',
    );
    const r = await runCli(['whatif', file]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/chargesPerRequest\.webSearch: .* has no catalog price for web search calls/);
    expect(r.stderr).not.toMatch(/at .*\.ts:\d+/);
  });
});
