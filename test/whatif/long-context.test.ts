import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { dateToMs } from '../../src/pricing/compile.js';
import { Pricer } from '../../src/pricing/cost.js';
import { loadCatalog } from '../../src/pricing/load.js';
import { loadWhatifText } from '../../src/whatif/load.js';
import { computeWhatif, DEFAULT_OPTIONS } from '../../src/whatif/result.js';
import { usd } from './helpers.js';

// tk-long: $1 input / $0.10 cache read / $4 output per MTok, and a whole-request tier above 1,000 prompt
// tokens at $2 / $0.20 / $8 (a long-context tier, scaled down so the arithmetic stays small).
const PRICES = `provider: acme
source: test fixture
checkedAt: 2026-11-01
models:
  - id: tk-long
    prices:
      - inputPerMTok: 1
        cacheReadPerMTok: 0.1
        outputPerMTok: 4
        batch: { multiplier: 0.5 }
        tiers:
          - { threshold: 1000, operator: ">", rule: whole-request, counts: prompt,
              prices: { inputPerMTok: 2, cacheReadPerMTok: 0.2, outputPerMTok: 8 } }
`;
const dir = mkdtempSync(join(tmpdir(), 'tk-whatif-long-'));
writeFileSync(join(dir, 'prices.yaml'), PRICES);
const { catalog } = loadCatalog({ priceFiles: [join(dir, 'prices.yaml')] });

function run(feature: string) {
  const text = `version: 1\nproduct:\n  name: T\n  pricePoint: { perSeatUsd: 10, seats: 10 }\nfeatures:\n  chat:\n    model: tk-long\n    requestsPerMonth: 1000\n    outputTokens: 100\n${feature}`;
  const loaded = loadWhatifText(text, 'test.yaml', [], catalog);
  const pricer = new Pricer(catalog, { atMs: dateToMs('2026-11-01') });
  return computeWhatif(loaded.doc, loaded.spec, pricer, (m) => loaded.resolutions.get(m)!, { ...DEFAULT_OPTIONS, samples: 10 });
}

describe('a per-call distribution across a long-context threshold', () => {
  it('prices the calls above the threshold at the tier, not all at the mean tier', () => {
    // input uniform on [0, 2000]: mean 1,000 (not above 1,000, so the mean alone is all at the base price:
    // 1000 x $1 + 100 x $4 = $1,400 per million calls). Half the calls are above 1,000, averaging 1,500 tokens:
    //   input  0.5 x 500 x $1 + 0.5 x 1500 x $2 = $250 + $1,500 = $1,750 per million calls
    //   output 0.5 x 100 x $4 + 0.5 x 100 x $8  = $200 + $400   = $600
    // $2,350 per million calls = $0.00235 a call; x 1,000 calls = $2.35 a month
    const f = run('    inputTokens: { min: 0, max: 2000 }\n').evaluation.features[0];
    expect(f.tokenCostPerRequest).toBe(usd('0.00235'));
    expect(f.components).toEqual({ input: usd('1.75'), cacheRead: 0n, cacheWrite: 0n, output: usd('0.6') });
    expect(f.monthlyCost).toBe(usd('2.35'));
  });

  it('prices the calls below it at the base price when the mean is above', () => {
    // uniform on [500, 2500]: mean 1,500 (all at the tier: 1500 x $2 + 100 x $8 = $3,800 per million calls).
    // A quarter of the calls are at or below 1,000 (mean 750), three quarters above (mean 1,750):
    //   input  0.25 x 750 x $1 + 0.75 x 1750 x $2 = $187.5 + $2,625 = $2,812.5
    //   output 0.25 x 100 x $4 + 0.75 x 100 x $8  = $100 + $600     = $700
    // $3,512.5 per million calls; cached half of the input and half the calls batched at x0.5 as well:
    const f = run('    inputTokens: { min: 500, max: 2500 }\n').evaluation.features[0];
    expect(f.tokenCostPerRequest).toBe(usd('0.0035125'));
    // 50% read from cache, 50% of calls at batch x0.5 (every price x 0.75 on average):
    //   uncached 0.25 x 375 x $1 + 0.75 x 875 x $2     = $93.75 + $1,312.5 = $1,406.25
    //   read     0.25 x 375 x $0.1 + 0.75 x 875 x $0.2 = $9.375 + $131.25  = $140.625
    //   output   $700;  sum $2,246.875 x 0.75 = $1,685.15625 per million calls
    const g = run('    inputTokens: { min: 500, max: 2500 }\n    cachedInputShare: 0.5\n    batchShare: 0.5\n').evaluation.features[0];
    expect(g.tokenCostPerRequest).toBe(usd('0.00168515625'));
  });

  it('a lognormal whose p90 is above the threshold while its mean is below', () => {
    // {p50: 500, p90: 2000}: sigma = ln 4 / 1.2815516 = 1.0817282, mean = 500 exp(sigma^2 / 2) = 897.59 (898 a call).
    // P(X > 1000) = 1 - Phi(ln 2 / sigma) = 1 - Phi(0.640779) = 0.260834;
    // E[X; X > 1000] = mean x (1 - Phi(0.640779 - 1.081728)) = 897.59 x Phi(0.440949) = 897.59 x 0.670380 = 601.72,
    // so 601.72 / 897.59 = 67.038% of the input tokens are in calls above the threshold:
    //   input  898 x (0.32962 x $1 + 0.67038 x $2) = $1,500.0 per million calls
    //   output 100 x (0.739166 x $4 + 0.260834 x $8) = $504.33
    // about $2,004.3 per million calls (the mean alone, all at the base price: 898 + 400 = $1,298)
    const f = run('    inputTokens: { p50: 500, p90: 2000 }\n').evaluation.features[0];
    const perMillion = Number(f.tokenCostPerRequest) / 1e9;
    expect(perMillion).toBeGreaterThan(2004.2);
    expect(perMillion).toBeLessThan(2004.45);
  });

  it('a distribution entirely on one side of the threshold is priced at the mean as before', () => {
    // uniform on [0, 1000]: mean 500, every call at the base price: 500 x $1 + 100 x $4 = $900 per million calls
    expect(run('    inputTokens: { min: 0, max: 1000 }\n').evaluation.features[0].tokenCostPerRequest).toBe(usd('0.0009'));
  });
});
