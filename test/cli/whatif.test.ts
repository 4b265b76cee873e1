import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
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
    expect(j.features[0].perRequest).toEqual({
      costUsd: 0.004,
      tokenCostUsd: 0.003,
      nonTokenCostUsd: 0.001,
      chargesCostUsd: 0,
      costPerSuccessUsd: 0.005,
    });
    // month: 10,000 x $0.004 = $40; revenue $1,000; margin $960 (96%); per user $40 / 100 = $0.40;
    // per request (the features table's total row) $40 / 10,000 = $0.004; per seat $40 / 100 seats = $0.40
    expect(j.totals).toEqual({
      requestsPerMonth: 10000,
      revenueUsd: 1000,
      tokenCostUsd: 30,
      nonTokenCostUsd: 10,
      costUsd: 40,
      marginUsd: 960,
      marginPct: 0.96,
      costPerUserUsd: 0.4,
      revenuePerRequestUsd: 0.1,
      costPerRequestUsd: 0.004,
      costPerSeatUsd: 0.4,
    });
    // default volumes 1x, 3x, 10x: $40 / $1,000 / $960 times 3 and 10
    expect(j.volume.map((v: { costUsd: number; revenueUsd: number; marginUsd: number }) => [v.costUsd, v.revenueUsd, v.marginUsd])).toEqual(
      [
        [40, 1000, 960],
        [120, 3000, 2880],
        [400, 10000, 9600],
      ],
    );
    // outputTokens 500 -> 400 / 600: -/+ 100 x $4/M x 10,000 = $4
    expect(j.sensitivity.rows.find((s: { assumption: string }) => s.assumption === 'features.chat.outputTokens')).toMatchObject({
      low: '400',
      high: '600',
      costChangeLowUsd: -4,
      costChangeHighUsd: 4,
      marginChangeLowUsd: 4,
      marginChangeHighUsd: -4,
    });
    expect(j.sensitivity.noEffect).toEqual(['features.chat.successRate']);
    expect(j.features[0].unitEconomics).toBe('positive');
    // judged per seat: $40 / 100 seats = $0.40 a seat, 4% of the $10 seat price; for 75% margin a use
    // must earn $0.004 / 0.25 = $0.016; cap: ($1,000 x 0.25 - $0 other features) / (100 seats x $0.004) = 625 uses a seat
    expect(j.features[0].verdict).toMatchObject({
      unit: 'seat',
      costPerUnitUsd: 0.4,
      chargePerUnitUsd: 10,
      shareOfCharge: 0.04,
      status: 'ok',
      usesPerSeat: 100,
      now: { costPerRequestUsd: 0.004, pricePerUseUsd: 0.016, usesPerSeatCap: 625 },
    });
    expect(j.bands).toBeNull();
    expect(j.assumptions.find((a: { path: string }) => a.path === 'features.chat.outputTokens')).toEqual({
      path: 'features.chat.outputTokens',
      value: '500',
      source: `${TINY}:15`,
    });
  });

  it('writes the per-feature table as CSV', async () => {
    const r = await runCli(['whatif', TINY, ...PRICES, '--format', 'csv']);
    expect(r.code).toBe(0);
    const lines = r.stdout.trim().split('\n');
    expect(lines[0]).toBe(
      'Feature,Model,Requests/mo,Token cost/mo,Non-token cost/mo,Cost/mo,Share,Cost/request,Cost/success,Cost/seat,Of seat price,Token floor/request,Floor model,Verdict',
    );
    expect(lines[1]).toBe('chat,tk-test,10000,30,10,40,1,0.004,0.005,0.4,0.04,0.003,tk-test,ok');
    expect(lines[2]).toBe('Total,,10000,30,10,40,1,0.004,,0.4,0.04,,,');
    const vol = await runCli(['whatif', TINY, ...PRICES, '--format', 'csv', '--section', 'volume']);
    expect(vol.stdout.split('\n')[3]).toBe('10x,400,10000,9600,0.96');
  });

  it('prints a markdown memo with an assumptions appendix', async () => {
    const r = await runCli(['whatif', TINY, ...PRICES, '--format', 'markdown']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('- **Gross margin/month:** $960.00 (96.0%)');
    expect(r.stdout).toContain('### Assumptions');
    expect(r.stdout).toContain('| chat: retry rate | 0 | default |');
  });

  it('--set changes one assumption and is echoed', async () => {
    const r = await runCli([
      'whatif',
      TINY,
      ...PRICES,
      '--format',
      'json',
      '--set',
      'features.chat.outputTokens=400',
      '--set',
      'product.pricePoint.perSeatUsd=2',
    ]);
    expect(r.code).toBe(0);
    const j = JSON.parse(r.stdout);
    // tokens: 1000 x $1/M + 400 x $4/M = $0.0026; + $0.001 = $0.0036 x 10,000 = $36; revenue $2 x 100 = $200
    expect(j.totals).toMatchObject({ costUsd: 36, revenueUsd: 200, marginUsd: 164 });
    expect(j.overrides).toEqual(['features.chat.outputTokens=400', 'product.pricePoint.perSeatUsd=2']);
    expect(j.assumptions.find((a: { path: string }) => a.path === 'features.chat.outputTokens').source).toBe(
      '--set features.chat.outputTokens=400',
    );
  });

  it('--set with an unknown path exits 2 with the valid keys', async () => {
    const r = await runCli(['whatif', TINY, ...PRICES, '--set', 'features.chat.outputTokns=400']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('tokenomics: error: --set: unknown key "outputTokns" at features.chat');
    expect(r.stderr).toMatch(/hint: did you mean features\.chat\.outputTokens\? valid keys at features\.chat: model, /);
    const bad = await runCli(['whatif', TINY, ...PRICES, '--set', 'features.chat.outputTokens=lots']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain(
      '--set features.chat.outputTokens=lots: features.chat.outputTokens: expected a non-negative number or a distribution',
    );
  });

  it('reports validation errors with file:line and key path', async () => {
    const f = tmpFile(
      'version: 1\nproduct:\n  name: T\n  pricePoint:\n    perSeatUsd: ten\n    seats: 5\nfeatures:\n  chat:\n    model: tk-test\n    requestsPerMonth: 10\n    inputTokens: 100\n    outputTokens: { p50: 10 }\n    cacheShare: 0.5\n',
    );
    const r = await runCli(['whatif', f, ...PRICES]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`${f}:5: product.pricePoint.perSeatUsd: expected a non-negative number (got "ten")`);
    expect(r.stderr).toContain(`${f}:13: features.chat.cacheShare: unknown key (did you mean "batchShare"?)`);
    expect(r.stderr).toContain('hint: see README.md#whatif for the format');
  });

  it('reports distribution and consistency errors', async () => {
    const f = tmpFile(
      'version: 1\nproduct:\n  name: T\n  pricePoint: { perRequestUsd: 0.1 }\nfeatures:\n  chat:\n    model: tk-test\n    requestsPerMonth: 10\n    inputTokens: { p50: 10, p90: 5 }\n    outputTokens: 5\n    cachedInputShare: 0.8\n    cacheWriteShare: 0.3\n',
    );
    const r = await runCli(['whatif', f, ...PRICES]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`${f}:9: features.chat.inputTokens: expected 0 < p50 <= p90`);
    expect(r.stderr).toContain(`${f}:11: features.chat.cachedInputShare: cachedInputShare + cacheWriteShare must be at most 1`);
  });

  it('seats: 0 under per-seat pricing exits 2 at file:line (no revenue, no cost per seat to judge)', async () => {
    // 10,000 requests x $0.003 = $30 a month against $10 x 0 seats = $0: was verdict "ok" at $0.00 a seat
    const f = tmpFile(
      'version: 1\nproduct:\n  name: T\n  pricePoint:\n    perSeatUsd: 10\n    seats: 0\nfeatures:\n  chat:\n    model: tk-test\n    requestsPerMonth: 10000\n    inputTokens: 1000\n    outputTokens: 500\n',
    );
    const r = await runCli(['whatif', f, ...PRICES]);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toContain(`${f}:6: product.pricePoint.seats: expected at least 1 (got 0)`);
    expect(r.stderr).toContain('for a product without seats use perRequestUsd');
    // the same through --set, and for users: in place of seats:
    const set = await runCli(['whatif', TINY, ...PRICES, '--set', 'product.pricePoint.seats=0']);
    expect(set.code).toBe(2);
    expect(set.stderr).toContain('product.pricePoint.seats: expected at least 1 (got 0)');
    const users = await runCli(['whatif', tmpFile(readFileSync(f, 'utf8').replace('seats: 0', 'users: 0.5')), ...PRICES]);
    expect(users.code).toBe(2);
    expect(users.stderr).toContain(':6: product.pricePoint.users: expected at least 1 (got 0.5)');
  });

  it('a $0 seat price with one feature: no usage cap is enough because the seat price is $0 (no "other features")', async () => {
    const f = tmpFile(
      'version: 1\nproduct:\n  name: T\n  pricePoint:\n    perSeatUsd: 0\n    seats: 100\nfeatures:\n  chat:\n    model: tk-test\n    requestsPerMonth: 10000\n    inputTokens: 1000\n    outputTokens: 500\n',
    );
    const r = await runCli(['whatif', f, ...PRICES]);
    expect(r.code).toBe(0);
    // $30 a month / 100 seats = $0.30 a seat against $0: under water; cap budget $0 x 0.25 - $0 (no other feature) = 0
    const text = r.stdout.replace(/\s+/g, ' ');
    expect(text).toContain('or no usage cap is enough: the seat price is $0');
    expect(text).not.toContain('other features alone');
    const j = JSON.parse((await runCli(['whatif', f, ...PRICES, '--format', 'json'])).stdout);
    expect(j.features[0].verdict.now).toMatchObject({ usesPerSeatCap: 0, noCapReason: 'seat price $0' });
  });

  it('no usage cap restores the target when the other features alone break it: the cap is blank, not 0', async () => {
    const f = tmpFile(
      'version: 1\nproduct:\n  name: T\n  pricePoint:\n    perSeatUsd: 10\n    seats: 100\nfeatures:\n  chat:\n    model: tk-test\n    requestsPerMonth: 10000\n    inputTokens: 1000\n    outputTokens: 500\n  bulk:\n    model: tk-test\n    requestsPerMonth: 300000\n    inputTokens: 1000\n    outputTokens: 0\n',
    );
    // revenue $10 x 100 = $1,000; a 75% margin leaves a cost budget of $250.
    // chat: 10,000 x (1000 x $1/M + 500 x $4/M) = 10,000 x $0.003 = $30; bulk: 300,000 x 1000 x $1/M = $300.
    // chat's cap: ($250 - bulk's $300) < 0: even 0 uses of chat leave 1 - 300/1000 = 70% < 75%: no cap (blank, was "0");
    // bulk's cap: ($250 - $30) / (100 seats x $0.001) = 2,200 uses a seat (3,000 now)
    const r = await runCli(['whatif', f, ...PRICES, '--format', 'csv', '--section', 'floors']);
    expect(r.code).toBe(0);
    const rows = r.stdout.trim().split('\n');
    expect(rows[0]).toBe(
      'Feature,Cost/request,Floor cost/request,Floor mix,Price/use for 75%,Price/use for 75% at floor,Uses/seat now,Max uses/seat for 75%,Max at floor',
    );
    // chat: $0.003 / 0.25 = $0.012 a use; 10,000 / 100 = 100 uses a seat
    expect(rows[1]).toBe('chat,0.003,0.003,"tk-test, 0 cached, 0 batch",0.012,0.012,100,,');
    expect(rows[2]).toBe('bulk,0.001,0.001,"tk-test, 0 cached, 0 batch",0.004,0.004,3000,2200,2200');
    const table = (await runCli(['whatif', f, ...PRICES, '--wide'])).stdout.replace(/\s+/g, ' ');
    expect(table).toContain('No usage cap (blank) for chat: the other features alone leave less than 75%');
    // the JSON keeps the documented 0 with its reason
    const j = JSON.parse((await runCli(['whatif', f, ...PRICES, '--format', 'json'])).stdout);
    expect(j.features[0].verdict.now).toMatchObject({ usesPerSeatCap: 0, noCapReason: 'other features' });
  });

  it("--help names --revenue's CSV sections too (--section features is refused with --revenue)", async () => {
    const help = (await runCli(['whatif', '--help'])).stdout.replace(/\s+/g, ' ');
    expect(help).toContain('with --revenue: customers, plans, volume; default customers)');
  });

  it('a feature name with a dot exits 2 at its line (--set features.a.b.outputTokens could not reach it)', async () => {
    const f = tmpFile(
      'version: 1\nproduct:\n  name: T\n  pricePoint: { perRequestUsd: 0.1 }\nfeatures:\n  a.b:\n    model: tk-test\n    requestsPerMonth: 10\n    inputTokens: 10\n    outputTokens: 5\n',
    );
    const r = await runCli(['whatif', f, ...PRICES]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`${f}:6: features.a.b: a feature name cannot contain a dot ("a.b")`);
    expect(r.stderr).toContain('rename it, e.g. "a-b"');
  });

  it('exits 2 on an unknown model with the closest ids', async () => {
    const f = tmpFile(
      'version: 1\nproduct:\n  name: T\n  pricePoint: { perRequestUsd: 0.1 }\nfeatures:\n  chat:\n    model: gpt-4o-minii\n    requestsPerMonth: 10\n    inputTokens: 10\n    outputTokens: 5\n',
    );
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

  it('acme-copilot: deep-research below the 75% target on its own, deterministic bands', async () => {
    const a = await runCli(['whatif', ACME, '--format', 'json']);
    expect(a.code).toBe(0);
    const j = JSON.parse(a.stdout);
    expect(j.features.map((f: { name: string; verdict: { status: string } }) => [f.name, f.verdict.status])).toEqual([
      ['screening', 'ok'],
      ['interview-summary', 'ok'],
      ['outreach-drafts', 'ok'],
      ['deep-research', 'below target'],
    ]);
    expect(j.bands.total.p10Usd).toBeLessThanOrEqual(j.bands.total.p50Usd);
    expect(j.bands.total.p50Usd).toBeLessThanOrEqual(j.bands.total.p90Usd);
    const b = await runCli(['whatif', ACME, '--format', 'json']);
    expect(b.stdout).toBe(a.stdout);
    const c = JSON.parse((await runCli(['whatif', ACME, '--format', 'json', '--seed', '2'])).stdout);
    expect(c.bands.total.p50Usd).not.toBe(j.bands.total.p50Usd);
    expect(c.totals).toEqual(j.totals); // point estimates do not depend on the seed
    // --wide: the sentence on one line (at 80 columns it wraps under the value column)
    const t = await runCli(['whatif', ACME, '--wide']);
    expect(t.stdout).toMatch(
      /\n {2}Below 75% margin: +deep-research costs \$[\d.]+ per seat a month, [\d.]+% of the \$45\.00 seat price; for 75% gross margin it needs ≥ \$[\d.]+ per use/,
    );
  });
});

describe("whatif: a feature is not judged by another feature's volume (issue 12, defect 8)", () => {
  const model = (bulkRequests: number) =>
    tmpFile(
      `version: 1\nproduct:\n  name: T\n  pricePoint:\n    perSeatUsd: 10\n    seats: 100\nfeatures:\n  chat:\n    model: tk-test\n    requestsPerMonth: 10000\n    inputTokens: 1000\n    outputTokens: 500\n  bulk:\n    model: tk-test\n    requestsPerMonth: ${bulkRequests}\n    inputTokens: 10\n    outputTokens: 0\n`,
    );

  it('chat stays positive when bulk grows from 1,000 to 1,000,000 requests', async () => {
    for (const n of [1000, 1000000]) {
      const r = await runCli(['whatif', model(n), ...PRICES, '--format', 'json']);
      expect(r.code).toBe(0);
      const chat = JSON.parse(r.stdout).features[0];
      // $30 a month / 100 seats = $0.30 a seat against $10; the old rule compared $0.003 a request with
      // $1,000 / 1,010,000 requests = $0.00099 and called chat negative
      expect([chat.unitEconomics, chat.verdict.costPerUnitUsd, chat.verdict.status]).toEqual(['positive', 0.3, 'ok']);
    }
  });
});

describe('whatif: keys from data are data', () => {
  it('refuses __proto__, constructor and prototype in --set paths with exit 2 and leaves Object.prototype alone', async () => {
    for (const path of ['features.__proto__.model=x', 'features.chat.constructor=5', 'product.prototype.x=1', '__proto__.polluted=1']) {
      const r = await runCli(['whatif', TINY, ...PRICES, '--set', path]);
      expect(r.code).toBe(2);
      expect(r.stderr).toMatch(/--set: "(__proto__|constructor|prototype)" is not allowed in a path/);
    }
    expect(({} as Record<string, unknown>).model).toBeUndefined();
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('features named constructor and toString are priced as data; constructor as a product key is unknown', async () => {
    const f = tmpFile(
      'version: 1\nproduct:\n  name: T\n  pricePoint: { perRequestUsd: 0.1 }\nfeatures:\n  constructor:\n    model: tk-test\n    requestsPerMonth: 10000\n    inputTokens: 1000\n    outputTokens: 500\n  toString:\n    model: tk-test\n    requestsPerMonth: 10\n    inputTokens: 1000\n    outputTokens: 500\n',
    );
    const r = await runCli(['whatif', f, ...PRICES, '--format', 'json']);
    expect(r.code).toBe(0);
    const j = JSON.parse(r.stdout);
    // 10,000 x $0.003 = $30 and 10 x $0.003 = $0.03
    expect(j.features.map((x: { name: string; monthly: { costUsd: number } }) => [x.name, x.monthly.costUsd])).toEqual([
      ['constructor', 30],
      ['toString', 0.03],
    ]);
    const set = await runCli(['whatif', f, ...PRICES, '--format', 'json', '--set', 'features.toString.outputTokens=250']);
    // 10 x (1000 x $1/M + 250 x $4/M) = 10 x $0.002 = $0.02
    expect(JSON.parse(set.stdout).features[1].monthly.costUsd).toBe(0.02);
    const bad = tmpFile(
      'version: 1\nproduct:\n  name: T\n  constructor: 3\n  pricePoint: { perRequestUsd: 0.1 }\nfeatures:\n  __proto__:\n    model: tk-test\n    requestsPerMonth: 1\n    inputTokens: 1\n    outputTokens: 1\n',
    );
    const e = await runCli(['whatif', bad, ...PRICES]);
    expect(e.code).toBe(2);
    expect(e.stderr).toContain(`${bad}:4: product.constructor: unknown key`);
  });

  it('retryRate is a share of failing attempts: 1 (endless retries) is refused', async () => {
    const r = await runCli(['whatif', TINY, ...PRICES, '--set', 'features.chat.retryRate=1']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('features.chat.retryRate: expected at most 0.99 (got 1)');
    // 0.2: 1 / 0.8 = 1.25 attempts x $0.003 = $0.00375 + $0.001 non-token = $0.00475 a request
    const ok = JSON.parse((await runCli(['whatif', TINY, ...PRICES, '--format', 'json', '--set', 'features.chat.retryRate=0.2'])).stdout);
    expect(ok.features[0].perRequest.costUsd).toBe(0.00475);
  });

  it('huge values are refused with a bound, never printed in exponent form', async () => {
    const r = await runCli(['whatif', TINY, ...PRICES, '--set', 'features.chat.requestsPerMonth=2.1e300']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('features.chat.requestsPerMonth: expected at most 1,000,000,000,000');
    // the largest allowed values print as decimals: 10^12 requests x $0.004 = $4,000,000,000
    const big = await runCli([
      'whatif',
      TINY,
      ...PRICES,
      '--set',
      'features.chat.requestsPerMonth=1e12',
      '--set',
      'product.pricePoint.perSeatUsd=1e6',
      '--set',
      'product.pricePoint.seats=1e9',
    ]);
    expect(big.code).toBe(0);
    expect(big.stdout).not.toMatch(/\de[+-]\d/);
    expect(big.stdout).toContain('$4,000,000,000.00');
  });
});

describe('README worked CFO example runs as shown', () => {
  const readme = readFileSync(fileURLToPath(new URL('../../README.md', import.meta.url)), 'utf8');
  const section = readme.slice(readme.indexOf('#### A worked CFO example'), readme.indexOf('## Where prices come from'));
  const quoted = (after: string) => {
    const from = section.indexOf(after);
    // after a command (inside its sh block), skip that block's closing fence to the output block
    const at =
      (after.startsWith('npx') ? section.indexOf('```\n', section.indexOf('\n```\n', from) + 5) : section.indexOf('```\n', from)) + 4;
    return section
      .slice(at, section.indexOf('```', at))
      .split('\n')
      .filter((l) => l.trim() !== '');
  };

  it('margin per customer', async () => {
    const r = await runCli([
      'whatif',
      '--revenue',
      fixture('revenue.csv'),
      '--logs',
      fileURLToPath(new URL('../../fixtures/demo', import.meta.url)),
      '--volumes',
      '1,3,10',
    ]);
    expect(r.code).toBe(0);
    const lines = quoted('npx tokenomics whatif --revenue fixtures/whatif/revenue.csv --logs fixtures/demo --volumes 1,3,10');
    // the four statements as printed at 80 columns (wrapped under the value column), in one piece
    expect(lines.filter((l) => /^ {2}\S/.test(l)).map((l) => l.slice(2, l.indexOf(':')))).toEqual([
      'Bottom line',
      'Under water',
      'Weakest plan',
      'Margin across customers',
    ]);
    expect(r.stdout.replaceAll(fileURLToPath(new URL('../../', import.meta.url)), '')).toContain(lines.join('\n'));
  }, 30_000);

  it('the demo month as a what-if model: below target, fix, levers', async () => {
    const r = await runCli(['whatif', fixture('demo-support.yaml')]);
    expect(r.code).toBe(0);
    const words = quoted('npx tokenomics whatif fixtures/whatif/demo-support.yaml');
    expect(words.filter((l) => /^ {2}\S/.test(l)).map((l) => l.slice(2, l.indexOf(':')))).toEqual([
      'Bottom line',
      'Biggest costs',
      'Below 75% margin',
      'Top lever',
    ]);
    const levers = quoted('How sensitive is margin');
    expect(levers.filter((l) => !l.startsWith('─')).map((l) => l.slice(0, l.indexOf('  ')))).toEqual([
      'Lever',
      'output length (all features)',
      'cache hit rate (all features)',
      'usage per seat (requests, seats fixed)',
      'anthropic prices',
    ]);
    // each block as printed at 80 columns, in one piece
    for (const block of [words, levers]) expect(r.stdout).toContain(block.join('\n'));
  });
});

describe('whatif: untrusted names are inert in words', () => {
  it('escapes control characters of feature names in the bottom line and in markdown', async () => {
    const f = tmpFile(
      'version: 1\nproduct:\n  name: "T\\e]52;c;AAAA\\a"\n  pricePoint: { perRequestUsd: 0.002 }\nfeatures:\n  "evil\\e[2J":\n    model: tk-test\n    requestsPerMonth: 10000\n    inputTokens: 1000\n    outputTokens: 500\n',
    );
    const t = await runCli(['whatif', f, ...PRICES]);
    expect(t.code).toBe(0);
    // $0.003 a request against $0.002: under water, named with the escape made visible
    expect(t.stdout).toContain('Biggest costs:');
    const words = t.stdout.split('\nCost per feature')[0] + t.stdout.split('\n\n').slice(-1)[0];
    expect(words).not.toContain('\u001b');
    expect(words).not.toContain('\u0007');
    // the warning goes to stderr (never stdout), escaped once
    expect(t.stderr).toContain('warning: evil\\x1b[2J loses money on every request');
    expect(t.stdout).not.toContain('loses money on every request');
    const md = await runCli(['whatif', f, ...PRICES, '--format', 'markdown']);
    expect(md.stdout.split('### Cost per feature')[0]).not.toContain('\u001b');
    // markdown escapes once: the visible \x1b gets its backslash escaped, [ becomes \[ (never \\\\x1b\\\[)
    expect(md.stdout).toContain('- **Biggest costs:** evil\\\\x1b\\[2J $30.00 (100.0%)');
    expect(md.stdout).toContain('- **warning:** evil\\\\x1b\\[2J loses money on every request');
    expect(md.stdout).not.toContain('\\\\\\');
    // stderr is a terminal's: inert, without markdown escapes
    expect(md.stderr).toContain('warning: evil\\x1b[2J loses money on every request');
  });
});

describe('whatif: time-of-day prices', () => {
  it('requests spread over the week pay the windows for their share of its hours, whatever the hour the command runs', async () => {
    const file = tmpFile(`version: 1
product:
  name: Peak
  pricePoint:
    perRequestUsd: 0.01
features:
  chat:
    model: deepseek-v4-flash
    requestsPerMonth: 30000
    inputTokens: 1000
    outputTokens: 100
`);
    // deepseek-v4-flash: $0.22 in / $0.66 out per MTok off-peak, x2 in 35 of the week's 168 hours (weekdays 01-04
    // and 06-10 UTC): a request costs (1000 x 0.22 + 100 x 0.66) = 286 micro-USD x (133 + 2 x 35) / 168 = x 29/24;
    // a month 30,000 x 286 x 29/24 = 10,367,500 micro-USD = $10.3675 (at 02:00 on a Monday it was x2: $17.16)
    const monthly = [];
    for (const now of ['2026-11-23T02:00:00Z', '2026-11-23T14:00:00Z']) {
      const r = await runCli(['whatif', file, '--format', 'json'], { now });
      expect(r.code, r.stderr).toBe(0);
      const f = JSON.parse(r.stdout).features[0];
      monthly.push(f.monthly.costUsd);
      expect(f.warnings).toEqual(["deepseek-v4-flash: peak hours x2 in 35 of the week's 168 hours (calls spread evenly over the week)"]);
    }
    expect(monthly).toEqual([10.3675, 10.3675]);
  });
});

describe('whatif: small prices print as decimals', () => {
  it('a price of $0.0000001 a request is not "$1e-7"', async () => {
    const f = tmpFile(
      'version: 1\nproduct:\n  name: P\n  pricePoint: { perRequestUsd: 0.0000001 }\nfeatures:\n  chat:\n    model: tk-test\n    requestsPerMonth: 100\n    inputTokens: 1000\n    outputTokens: 500\n',
    );
    const r = await runCli(['whatif', f, ...PRICES]);
    expect(r.stdout).toMatch(/Price point: +\$0\.0000001 per request/);
    expect(r.stdout).not.toMatch(/\de-\d/);
  });

  it('small shares and distribution parameters in the floors and assumptions tables are decimals too', async () => {
    const f = tmpFile(
      'version: 1\nproduct:\n  name: P\n  pricePoint: { perRequestUsd: 0.01 }\nfeatures:\n  chat:\n    model: tk-test\n    requestsPerMonth: 100\n    inputTokens: 1000\n    outputTokens: { min: 0.0000001, max: 0.0000003 }\n    maxCachedInputShare: 0.0000002\n    maxBatchShare: 0.0000001\n',
    );
    for (const section of ['floors', 'assumptions']) {
      const r = await runCli(['whatif', f, ...PRICES, '--format', 'csv', '--section', section]);
      expect(r.code).toBe(0);
      expect(r.stdout).not.toMatch(/\de-\d/);
    }
    const a = await runCli(['whatif', f, ...PRICES, '--format', 'csv', '--section', 'assumptions']);
    expect(a.stdout).toContain('uniform 0.0000001..0.0000003 (mean 0)');
    expect(a.stdout).toContain('best achievable cache hit rate,0.0000002,');
  });
});

describe('whatif: a month that costs nothing', () => {
  it('no requests: shares of a $0 month are n/a, never 0.0%, NaN or Infinity', async () => {
    const f = tmpFile(
      'version: 1\nproduct:\n  name: Z\n  pricePoint: { perSeatUsd: 0, seats: 5 }\nfeatures:\n  chat:\n    model: tk-test\n    requestsPerMonth: 0\n    inputTokens: 1000\n    outputTokens: 500\n',
    );
    const r = await runCli(['whatif', f, ...PRICES, '--wide']);
    expect(r.code).toBe(0);
    // $0 of $0: chat's share of the month's cost is 0 / 0
    expect(r.stdout).toMatch(/Biggest costs: +chat \$0\.00 \(n\/a\)/);
    expect(r.stdout).not.toMatch(/NaN|Infinity/);
  });
});

describe('whatif --revenue: logs longer than a month', () => {
  const record = (iso: string, customer: string, model = 'gpt-4.1') =>
    JSON.stringify({
      timestamp: iso,
      request: { model, messages: [{ role: 'user', content: 'hi' }], metadata: { customer } },
      response: {
        id: `r-${iso}`,
        object: 'chat.completion',
        created: Date.parse(iso) / 1000,
        model,
        choices: [{ index: 0, message: { role: 'assistant', content: 'ok' }, finish_reason: 'stop' }],
        usage: { prompt_tokens: 1000, completion_tokens: 10, total_tokens: 1010 },
      },
    });

  it('says that two months of logs are set against one month of contract', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tk-whatif-span-'));
    // 2026-09-01 to 2026-10-31: 60 days, more than the longest month (31)
    writeFileSync(join(dir, 'logs.jsonl'), `${record('2026-09-01T00:00:00Z', 'a')}\n${record('2026-10-31T00:00:00Z', 'a')}\n`);
    writeFileSync(join(dir, 'revenue.csv'), 'customer,plan,seats,perSeatUsd\na,team,2,5\n');
    const r = await runCli(['whatif', '--revenue', join(dir, 'revenue.csv'), '--logs', join(dir, 'logs.jsonl'), '--volumes', '1']);
    expect(r.code).toBe(0);
    expect(r.stderr).toContain('the logs span 60 days (2026-09-01 to 2026-10-31) but are taken as one month');
    // one month (31 days, 2026-10-01 to 2026-10-31 23:59) says nothing
    writeFileSync(join(dir, 'logs.jsonl'), `${record('2026-10-01T00:00:00Z', 'a')}\n${record('2026-10-31T23:59:00Z', 'a')}\n`);
    const one = await runCli(['whatif', '--revenue', join(dir, 'revenue.csv'), '--logs', join(dir, 'logs.jsonl'), '--volumes', '1']);
    expect(one.code).toBe(0);
    expect(one.stderr).not.toContain('the logs span');
    expect(one.stderr).not.toContain('the logs cover');
    // February 2026 (28 days): first and last requests 27 days and 23 hours apart, one month, nothing said
    writeFileSync(join(dir, 'logs.jsonl'), `${record('2026-02-01T00:30:00Z', 'a')}\n${record('2026-02-28T23:30:00Z', 'a')}\n`);
    const feb = await runCli(['whatif', '--revenue', join(dir, 'revenue.csv'), '--logs', join(dir, 'logs.jsonl'), '--volumes', '1']);
    expect([feb.code, feb.stderr]).toEqual([0, expect.not.stringContaining('the logs cover')]);
  });

  it('says that a week of logs is set against a whole month of contract (margins read too high)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tk-whatif-part-'));
    // 2026-10-01 to 2026-10-07 23:00: 6 days 23 hours apart (< 27 days), 7 calendar days
    writeFileSync(join(dir, 'logs.jsonl'), `${record('2026-10-01T00:00:00Z', 'a')}\n${record('2026-10-07T23:00:00Z', 'a')}\n`);
    writeFileSync(join(dir, 'revenue.csv'), 'customer,plan,seats,perSeatUsd\na,team,2,5\n');
    const r = await runCli(['whatif', '--revenue', join(dir, 'revenue.csv'), '--logs', join(dir, 'logs.jsonl'), '--volumes', '1']);
    expect(r.code).toBe(0);
    expect(r.stderr).toContain(
      "the logs cover 7 days (2026-10-01 to 2026-10-07) but are taken as one month: each customer's cost covers only those days against a whole month of its contract",
    );
    // one day of logs: "1 day"
    writeFileSync(join(dir, 'logs.jsonl'), `${record('2026-10-03T10:00:00Z', 'a')}\n`);
    const one = await runCli(['whatif', '--revenue', join(dir, 'revenue.csv'), '--logs', join(dir, 'logs.jsonl'), '--volumes', '1']);
    expect(one.stderr).toContain('the logs cover 1 day (2026-10-03 to 2026-10-03) but are taken as one month');
  });
});

describe('whatif: shares are fractions, not percentages', () => {
  it('a share written as a percentage stops with exit 2 at its line and says how to write it', async () => {
    const f = tmpFile(
      'version: 1\nproduct:\n  name: P\n  pricePoint: { perSeatUsd: 10, seats: 10 }\nfeatures:\n  chat:\n    model: tk-test\n    requestsPerMonth: 100\n    inputTokens: 1000\n    outputTokens: 500\n    batchShare: 50\n',
    );
    const r = await runCli(['whatif', f, ...PRICES, '--set', 'features.chat.cachedInputShare=40']);
    expect(r.code).toBe(2);
    // 50 meant as 50%: 0.5; 40 meant as 40%: 0.4
    expect(r.stderr).toContain(
      `${f}:11: features.chat.batchShare: expected at most 1 (got 50): a share is a fraction of 1, not a percentage (50% is 0.5)`,
    );
    expect(r.stderr).toContain(
      '--set features.chat.cachedInputShare=40: features.chat.cachedInputShare: expected at most 1 (got 40): a share is a fraction of 1, not a percentage (40% is 0.4)',
    );
  });
});

describe('whatif --at on a day its prices change', () => {
  it('prices the day as of 00:00 UTC and says that the price changes later that day', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tk-whatif-at-'));
    const prices = join(dir, 'prices.yaml');
    writeFileSync(
      prices,
      'provider: acme\nsource: test fixture\ncheckedAt: 2026-11-01\nmodels:\n  - id: tk-noon\n    prices:\n      - from: 2026-01-01\n        inputPerMTok: 1\n        outputPerMTok: 4\n      - from: 2026-03-01T12:00Z\n        inputPerMTok: 2\n        outputPerMTok: 8\n',
    );
    const f = tmpFile(
      'version: 1\nproduct:\n  name: N\n  pricePoint: { perSeatUsd: 10, seats: 10 }\nfeatures:\n  chat:\n    model: tk-noon\n    requestsPerMonth: 1000\n    inputTokens: 1000\n    outputTokens: 100\n',
    );
    // 2026-03-01 00:00 UTC: 1,000 x (1000 x $1/M + 100 x $4/M) = 1,000 x $0.0014 = $1.40, with a warning
    const before = await runCli(['whatif', f, '--prices', prices, '--at', '2026-03-01', '--format', 'json']);
    expect(before.code).toBe(0);
    expect(JSON.parse(before.stdout).totals.costUsd).toBe(1.4);
    expect(before.stderr).toContain(
      'warning: tk-noon: its prices change at 12:00 UTC on 2026-03-01; priced as of 00:00 UTC, before the change (--at 2026-03-01T12:00Z or --at 2026-03-02 for the new prices)',
    );
    // a time with its zone prices that instant, without the warning (before: "--at expects a date YYYY-MM-DD", exit 2).
    // 11:59:59Z is before the change: $1.40; 13:00+01:00 is 12:00Z, the change: $2.80
    for (const [at, usd] of [
      ['2026-03-01T11:59:59Z', 1.4],
      ['2026-03-01T13:00+01:00', 2.8],
    ] as const) {
      const r = await runCli(['whatif', f, '--prices', prices, '--at', at, '--format', 'json']);
      expect(r.code).toBe(0);
      expect(JSON.parse(r.stdout).totals.costUsd).toBe(usd);
      expect(r.stderr).not.toContain('prices change');
    }
    // 2026-03-02: 1,000 x (1000 x $2/M + 100 x $8/M) = $2.80, nothing to say
    const after = await runCli(['whatif', f, '--prices', prices, '--at', '2026-03-02', '--format', 'json']);
    expect(JSON.parse(after.stdout).totals.costUsd).toBe(2.8);
    expect(after.stderr).not.toContain('prices change');
  });
});

describe('whatif: a break-even far below today is not rounded to 0', () => {
  it("output length must fall to 0.004x today's, not '0x'", async () => {
    // tiny at $0.8032 a seat x 100 = $80.32 revenue; 75% margin leaves $20.08 for cost.
    // cost = $20 (input + non-token) + $20 x output length  ->  output length (20.08 - 20) / 20 = 0.004 of today's
    const r = await runCli([
      'whatif',
      TINY,
      ...PRICES,
      '--set',
      'product.pricePoint.perSeatUsd=0.8032',
      '--format',
      'csv',
      '--section',
      'levers',
    ]);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain("output length (all features),4,-4,0.551792828,0.452191235,75% margin at 0.004x today's");
  });
});

describe('whatif: bands at very large volumes', () => {
  it('print the quantiles to the digits a double holds, without float noise', async () => {
    // 10^12 requests x (10^12 in x $1/M + 10^12 out x $4/M = $5,000,000) = $5 x 10^18, every sample alike (p50 = p90)
    const f = tmpFile(
      'version: 1\nproduct:\n  name: B\n  pricePoint: { perSeatUsd: 10, seats: 10 }\nfeatures:\n  big:\n    model: tk-test\n    requestsPerMonth: 1000000000000\n    inputTokens: 1000000000000\n    outputTokens: { p50: 1000000000000, p90: 1000000000000 }\n',
    );
    const r = await runCli(['whatif', f, ...PRICES, '--format', 'csv', '--section', 'bands', '--samples', '10']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('\nbig,5000000000000000000,5000000000000000000,5000000000000000000,5000000000000000000\n');
  });
});

describe('whatif levers without revenue', () => {
  it('a $0 seat price has no break-even margin %, and the lever still moves the margin in dollars', async () => {
    const r = await runCli([
      'whatif',
      TINY,
      ...PRICES,
      '--set',
      'product.pricePoint.perSeatUsd=0',
      '--format',
      'csv',
      '--section',
      'levers',
    ]);
    expect(r.code).toBe(0);
    // output: 10,000 x 500 x $4/M = $20 a month; -/+20% = +/-$4 of margin; no revenue, no margin %
    expect(r.stdout).toContain('output length (all features),4,-4,,,n/a: no revenue (no margin %)');
    expect(r.stdout).not.toContain('does not depend on it');
  });
});
