import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { runCli } from './harness.js';

const fixture = (name: string) => fileURLToPath(new URL(`../../fixtures/whatif/${name}`, import.meta.url));
const TINY = fixture('tiny.yaml');
const ACME = fixture('acme-copilot.yaml');
const PRICES = ['--prices', fixture('test-prices.yaml')];

function tmpFile(text: string): string {
  const f = join(mkdtempSync(join(tmpdir(), 'tk-whatif-')), 'model.yaml');
  writeFileSync(f, text);
  return f;
}

// tiny.yaml: 10,000 requests/month of 1,000 input + 500 output tokens on tk-test ($1 / $4 per MTok),
// $0.001 non-token cost per request, successRate 0.8, $10 x 100 seats.
describe('tokenomics whatif', () => {
  it('prints exact costs, margin, volume and sensitivity as JSON', async () => {
    const r = await runCli(['whatif', TINY, ...PRICES, '--format', 'json']);
    expect(r.code).toBe(0);
    const j = JSON.parse(r.stdout);
    expect(j.schemaVersion).toBe(1);
    // per request: 1000 x $1/M + 500 x $4/M = $0.003 tokens + $0.001 = $0.004; per success $0.004 / 0.8 = $0.005
    expect(j.features[0].perRequest).toEqual({ costUsd: 0.004, tokenCostUsd: 0.003, nonTokenCostUsd: 0.001, costPerSuccessUsd: 0.005, revenueUsd: 0.1 });
    // month: 10,000 x $0.004 = $40; revenue $1,000; margin $960 (96%); per user $40 / 100 = $0.40
    expect(j.totals).toEqual({ requestsPerMonth: 10000, revenueUsd: 1000, tokenCostUsd: 30, nonTokenCostUsd: 10, costUsd: 40, marginUsd: 960, marginPct: 0.96, costPerUserUsd: 0.4, revenuePerRequestUsd: 0.1 });
    expect(j.volume.map((v: { costUsd: number; revenueUsd: number; marginUsd: number }) => [v.costUsd, v.revenueUsd, v.marginUsd])).toEqual([[40, 1000, 960], [400, 10000, 9600], [4000, 100000, 96000]]);
    // outputTokens 500 -> 400 / 600: -/+ 100 x $4/M x 10,000 = $4
    expect(j.sensitivity.rows.find((s: { assumption: string }) => s.assumption === 'features.chat.outputTokens')).toMatchObject({ low: '400', high: '600', costChangeLowUsd: -4, costChangeHighUsd: 4, marginChangeLowUsd: 4, marginChangeHighUsd: -4 });
    expect(j.sensitivity.noEffect).toEqual(['features.chat.successRate']);
    expect(j.features[0].unitEconomics).toBe('positive');
    expect(j.bands).toBeNull();
    expect(j.assumptions.find((a: { path: string }) => a.path === 'features.chat.outputTokens')).toEqual({ path: 'features.chat.outputTokens', value: '500', source: `${TINY}:15` });
  });

  it('writes the per-feature table as CSV', async () => {
    const r = await runCli(['whatif', TINY, ...PRICES, '--format', 'csv']);
    expect(r.code).toBe(0);
    const lines = r.stdout.trim().split('\n');
    expect(lines[0]).toBe('Feature,Model,Requests/mo,Token cost/mo,Non-token cost/mo,Cost/mo,Share,Cost/request,Cost/success,Cost/user,Token floor/request,Floor model,Revenue/request,Unit economics');
    expect(lines[1]).toBe('chat,tk-test,10000,30,10,40,1,0.004,0.005,0.4,0.003,tk-test,0.1,ok');
    expect(lines[2]).toBe('Total,,10000,30,10,40,1,0.004,,0.4,,,0.1,');
    const vol = await runCli(['whatif', TINY, ...PRICES, '--format', 'csv', '--section', 'volume']);
    expect(vol.stdout.split('\n')[2]).toBe('10x,400,10000,9600,0.96');
  });

  it('prints a markdown memo with an assumptions appendix', async () => {
    const r = await runCli(['whatif', TINY, ...PRICES, '--format', 'markdown']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('- **Gross margin/month:** $960.00 (96.0%)');
    expect(r.stdout).toContain('### Assumptions');
    expect(r.stdout).toContain('| features.chat.retryRate | 0 | default |');
  });

  it('--set changes one assumption and is echoed', async () => {
    const r = await runCli(['whatif', TINY, ...PRICES, '--format', 'json', '--set', 'features.chat.outputTokens=400', '--set', 'product.pricePoint.perSeatUsd=2']);
    expect(r.code).toBe(0);
    const j = JSON.parse(r.stdout);
    // tokens: 1000 x $1/M + 400 x $4/M = $0.0026; + $0.001 = $0.0036 x 10,000 = $36; revenue $2 x 100 = $200
    expect(j.totals).toMatchObject({ costUsd: 36, revenueUsd: 200, marginUsd: 164 });
    expect(j.overrides).toEqual(['features.chat.outputTokens=400', 'product.pricePoint.perSeatUsd=2']);
    expect(j.assumptions.find((a: { path: string }) => a.path === 'features.chat.outputTokens').source).toBe('--set features.chat.outputTokens=400');
  });

  it('--set with an unknown path exits 2 with the valid keys', async () => {
    const r = await runCli(['whatif', TINY, ...PRICES, '--set', 'features.chat.outputTokns=400']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('tokenomics: error: --set: unknown key "outputTokns" at features.chat');
    expect(r.stderr).toMatch(/hint: did you mean features\.chat\.outputTokens\? valid keys at features\.chat: model, /);
    const bad = await runCli(['whatif', TINY, ...PRICES, '--set', 'features.chat.outputTokens=lots']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('--set features.chat.outputTokens=lots: features.chat.outputTokens: expected a non-negative number or a distribution');
  });

  it('reports validation errors with file:line and key path', async () => {
    const f = tmpFile('version: 1\nproduct:\n  name: T\n  pricePoint:\n    perSeatUsd: ten\n    seats: 5\nfeatures:\n  chat:\n    model: tk-test\n    requestsPerMonth: 10\n    inputTokens: 100\n    outputTokens: { p50: 10 }\n    cacheShare: 0.5\n');
    const r = await runCli(['whatif', f, ...PRICES]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`${f}:5: product.pricePoint.perSeatUsd: expected a non-negative number (got "ten")`);
    expect(r.stderr).toContain(`${f}:13: features.chat.cacheShare: unknown key (did you mean "batchShare"?)`);
    expect(r.stderr).toContain('hint: see README.md#whatif for the format');
  });

  it('reports distribution and consistency errors', async () => {
    const f = tmpFile('version: 1\nproduct:\n  name: T\n  pricePoint: { perRequestUsd: 0.1 }\nfeatures:\n  chat:\n    model: tk-test\n    requestsPerMonth: 10\n    inputTokens: { p50: 10, p90: 5 }\n    outputTokens: 5\n    cachedInputShare: 0.8\n    cacheWriteShare: 0.3\n');
    const r = await runCli(['whatif', f, ...PRICES]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`${f}:9: features.chat.inputTokens: expected 0 < p50 <= p90`);
    expect(r.stderr).toContain(`${f}:11: features.chat.cachedInputShare: cachedInputShare + cacheWriteShare must be at most 1`);
  });

  it('exits 2 on an unknown model with the closest ids', async () => {
    const f = tmpFile('version: 1\nproduct:\n  name: T\n  pricePoint: { perRequestUsd: 0.1 }\nfeatures:\n  chat:\n    model: gpt-4o-minii\n    requestsPerMonth: 10\n    inputTokens: 10\n    outputTokens: 5\n');
    const r = await runCli(['whatif', f]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`${f}:7: features.chat.model: unknown model "gpt-4o-minii": not in the pricing catalog`);
    expect(r.stderr).toMatch(/hint: closest known ids: .*gpt-4o-mini/);
  });

  it('exits 2 on a missing file and bad options', async () => {
    expect((await runCli(['whatif', 'no-such.yaml'])).code).toBe(2);
    const r = await runCli(['whatif', TINY, ...PRICES, '--samples', '0']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('--samples expects an integer from 1 to 1000000 (got "0")');
  });

  it('acme-copilot: one feature with negative unit economics, deterministic bands', async () => {
    const a = await runCli(['whatif', ACME, '--format', 'json']);
    expect(a.code).toBe(0);
    const j = JSON.parse(a.stdout);
    expect(j.features.map((f: { name: string; unitEconomics: string }) => [f.name, f.unitEconomics])).toEqual([
      ['screening', 'positive'], ['interview-summary', 'positive'], ['outreach-drafts', 'positive'], ['deep-research', 'negative'],
    ]);
    expect(j.bands.total.p10Usd).toBeLessThanOrEqual(j.bands.total.p50Usd);
    expect(j.bands.total.p50Usd).toBeLessThanOrEqual(j.bands.total.p90Usd);
    const b = await runCli(['whatif', ACME, '--format', 'json']);
    expect(b.stdout).toBe(a.stdout);
    const c = JSON.parse((await runCli(['whatif', ACME, '--format', 'json', '--seed', '2'])).stdout);
    expect(c.bands.total.p50Usd).not.toBe(j.bands.total.p50Usd);
    expect(c.totals).toEqual(j.totals); // point estimates do not depend on the seed
    const t = await runCli(['whatif', ACME]);
    expect(t.stderr).toContain('warning: deep-research loses money per use');
  });
});
