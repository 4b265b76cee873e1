import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import type { UserError } from '../../src/core/issues.js';
import { Q0, q } from '../../src/pricing/money.js';
import { parseRevenueCsv, parseRevenueYaml, revenueUsd } from '../../src/whatif/revenue.js';
import { customerMargins } from '../../src/whatif/margin.js';
import { runCli } from '../cli/harness.js';

const PRICES = ['--prices', fileURLToPath(new URL('../../fixtures/whatif/test-prices.yaml', import.meta.url))];

/** `whatif --revenue` of the files `f` (revenue.csv, logs.csv) at the test prices, with `more` arguments. */
const margins = (f: Record<string, string>, ...more: string[]) =>
  runCli(['whatif', '--revenue', f['revenue.csv'], '--logs', f['logs.csv'], ...PRICES, ...more]);

function files(entries: Record<string, string>): Record<string, string> {
  const dir = mkdtempSync(join(tmpdir(), 'tk-margin-'));
  return Object.fromEntries(
    Object.entries(entries).map(([name, text]) => {
      writeFileSync(join(dir, name), text);
      return [name, join(dir, name)];
    }),
  );
}

// tk-test: input $1, output $4 per MTok. a: 2 x (1000 in + 500 out) = 2 x $0.003 = $0.006; b: 10,000 in = $0.01;
// c: 1000 in = $0.001 (no contract).
const LOGS =
  'timestamp,model,input_tokens,output_tokens,customer\n2026-10-01T00:00:00Z,tk-test,1000,500,a\n2026-10-02T00:00:00Z,tk-test,1000,500,a\n2026-10-03T00:00:00Z,tk-test,10000,0,b\n2026-10-04T00:00:00Z,tk-test,1000,0,c\n';
const REVENUE =
  'customer,plan,seats,perSeatUsd,contractUsd,perRequestUsd,discountPct\na,team,2,0.01,,,50\nb,usage,,,,0.004,\nd,team,1,0.05,,,\n';

describe('margin per customer', () => {
  it('one unpriced request is "1 request is unpriced" (not "1 requests are")', async () => {
    const f = files({
      'logs.csv': 'timestamp,model,input_tokens,output_tokens,customer\n2026-10-01T00:00:00Z,no-such-model,10,5,a\n',
      'revenue.csv': REVENUE,
    });
    const r = await margins(f, '--volumes', '1');
    expect(r.code).toBe(0);
    expect(r.stderr.replace(/\n {2}/g, ' ')).toContain('warning: 1 request is unpriced (unknown model or price)');
  });

  it('a customer none of whose requests is priced has no cost or margin (n/a), never $0 and 100%', async () => {
    const f = files({
      // a: 2 x (1000 in + 500 out) on tk-test = $0.006; b: one request on a model no catalog prices
      'logs.csv':
        'timestamp,model,input_tokens,output_tokens,customer\n2026-10-01T00:00:00Z,tk-test,1000,500,a\n2026-10-02T00:00:00Z,tk-test,1000,500,a\n2026-10-03T00:00:00Z,no-such-model,10000,0,b\n',
      'revenue.csv': REVENUE,
    });
    const r = await margins(f, '--volumes', '1,2', '--format', 'json');
    expect(r.code).toBe(0);
    const doc = JSON.parse(r.stdout);
    const b = doc.margin.customers.find((c: { customer: string }) => c.customer === 'b');
    // b pays 1 request x $0.004 = $0.004; what it costs is unknown
    expect(b).toMatchObject({ revenueUsd: 0.004, costUsd: null, marginUsd: null, marginPct: null, underWater: false });
    expect(b.atVolume[1]).toMatchObject({ multiplier: 2, revenueUsd: 0.008, costUsd: null, marginUsd: null });
    // the spread of margins is a's alone: 2 seats x $0.01 x 50% = $0.01 revenue, $0.006 cost: 40%;
    // d (1 seat x $0.05, no traffic) 100%
    expect(doc.margin.distribution).toMatchObject({ min: 0.4, max: 1 });
    const csv = await margins(f, '--volumes', '1', '--format', 'csv');
    // ...,verdict, unpriced requests 1, unpriced revenue $0.004 (CSV only)
    expect(csv.stdout.split('\n').find((l) => l.startsWith('b,'))).toBe('b,usage,1,0.004,,,,unpriced,1,0.004');
    expect(csv.stderr.replace(/\n {2}/g, ' ')).toContain('no request of b is priced, so its cost and margin are n/a');
  });

  it("plan and total rows set revenue against cost over the priced customers: an unpriced customer's revenue is stated apart, not against $0", async () => {
    const f = files({
      // tk-test input $1/MTok. p: 40M in = $40; u: unknown model only; m: 10M in = $10 and one unknown-model
      // request (partly priced); z: unknown model only, alone in its plan
      'logs.csv':
        'timestamp,model,input_tokens,output_tokens,customer\n2026-10-01T00:00:00Z,tk-test,40000000,0,p\n2026-10-02T00:00:00Z,no-such-model,1000,0,u\n2026-10-03T00:00:00Z,tk-test,10000000,0,m\n2026-10-04T00:00:00Z,no-such-model,1000,0,m\n2026-10-05T00:00:00Z,no-such-model,1000,0,z\n',
      'revenue.csv':
        'customer,plan,seats,perSeatUsd,contractUsd,perRequestUsd,discountPct\np,team,,,100,,\nu,team,,,100,,\nm,mix,,,50,,\nz,dark,,,30,,\n',
    });
    const r = await margins(f, '--volumes', '1,2', '--format', 'json');
    expect(r.code).toBe(0);
    const m = JSON.parse(r.stdout).margin;
    const plan = (p: string) => m.plans.find((x: { plan: string }) => x.plan === p);
    // team: p's $100 against $40 = $60, 60% (not $200 against $40, 80%); u's $100 apart
    expect(plan('team')).toMatchObject({
      customers: 2,
      requests: 2,
      unpricedRequests: 1,
      revenueUsd: 100,
      costUsd: 40,
      marginUsd: 60,
      marginPct: 0.6,
      unpricedCustomers: 1,
      unpricedRevenueUsd: 100,
    });
    // mix: m is partly priced: $50 against its priced $10 = $40, 80%; nothing apart
    expect(plan('mix')).toMatchObject({
      revenueUsd: 50,
      costUsd: 10,
      marginUsd: 40,
      marginPct: 0.8,
      unpricedCustomers: 0,
      unpricedRevenueUsd: 0,
    });
    // dark: no customer priced: nothing to set its $30 against
    expect(plan('dark')).toMatchObject({ revenueUsd: 0, costUsd: null, marginUsd: null, marginPct: null, unpricedRevenueUsd: 30 });
    // total: $100 + $50 = $150 against $40 + $10 = $50: $100, 100 / 150 = 66.7%; u's $100 + z's $30 = $130 apart
    expect(m.totals).toMatchObject({
      revenueUsd: 150,
      costUsd: 50,
      marginUsd: 100,
      unpricedCustomers: 2,
      unpricedRevenueUsd: 130,
      unpricedRequests: 3,
    });
    expect(m.totals.marginPct).toBeCloseTo(2 / 3, 6);
    // at 2x: fixed contracts, $150 against 2 x $50 = $100: $50
    expect(m.volumes[1]).toMatchObject({ multiplier: 2, revenueUsd: 150, costUsd: 100, marginUsd: 50, unpricedRevenueUsd: 130 });
    // m's row: the cost of its priced request only, named partly priced
    const cm = m.customers.find((x: { customer: string }) => x.customer === 'm');
    expect(cm).toMatchObject({ requests: 2, unpricedRequests: 1, revenueUsd: 50, costUsd: 10, marginUsd: 40, marginPct: 0.8 });

    const md = await margins(f, '--volumes', '1', '--format', 'markdown');
    expect(md.code).toBe(0);
    const lines = md.stdout.split('\n');
    // the total row: p (1 request) + m (2) = 3 requests, $150, $50, $100, 66.7%
    expect(lines).toContain('| **Total (priced customers)** |  | **3** | **$150.00** | **$50.00** | **$100.00** | **66.7%** |  |');
    expect(lines).toContain('| team | 2 | 0 | $100.00 | $40.00 | $60.00 | 60.0% | $100.00 |');
    expect(lines).toContain('| dark | 1 | 0 | $0.00 | unpriced | unpriced |  | $30.00 |');
    expect(lines).toContain('| 1x | $150.00 | $50.00 | $100.00 | 66.7% | 0 | $130.00 |');
    // (a margin table has no $/request column: the note names what its amounts are)
    expect(md.stdout).toContain('> Partly priced: m (1 of 2 requests unpriced). Cost and margin cover only the priced requests');
    expect(md.stdout).toContain('> Partly priced: mix (1 of 2 requests unpriced), team (1 of 2 requests unpriced).');
    expect(md.stdout).toContain('the $130.00 revenue of the 2 customers none of whose requests is priced is left out');
    expect(md.stdout).toContain(
      'gross margin 66.7% ($100.00 of $150.00) across 2 priced customers (2 unpriced, their $130.00 revenue left out)',
    );
    // the weakest plan is one with a margin (mix, $40), not dark's unknown one
    expect(md.stdout).toContain('**Weakest plan:** mix: margin $40.00 on $50.00 revenue (80.0%)');

    const csv = await margins(f, '--volumes', '1', '--format', 'csv');
    const rows = csv.stdout.split('\n');
    // the margin is a fraction (100/150 = 0.666666666), so its heading says so: "Margin %" over 0.67 read as 0.67%
    expect(rows[0]).toBe('Customer,Plan,Requests,Revenue,Cost,Margin,Margin (fraction),Verdict,Unpriced requests,Unpriced revenue');
    // total: 3 requests, $150, $50, $100, 100/150; 1 unpriced request (m's) among them; $130 apart
    expect(rows).toContain('Total (priced customers),,3,150,50,100,0.666666666,,1,130');
    expect(rows).toContain('m,mix,2,50,10,40,0.8,ok,1,');
  });

  it('requests without a customer are said apart, not listed as a customer named "(none)"', async () => {
    const f = files({
      'logs.csv': `${LOGS}2026-10-05T00:00:00Z,tk-test,1000,0,\n`,
      'revenue.csv': REVENUE,
    });
    const r = await margins(f, '--volumes', '1');
    expect(r.code).toBe(0);
    const stderr = r.stderr.replace(/\n {2}/g, ' ');
    // c is a customer without a contract; the untagged request is not a customer
    expect(stderr).toContain('1 customer in the logs with no contract in the revenue file (counted with $0 revenue): c\n');
    expect(stderr).toContain('some requests in the logs name no customer: their cost is shown as (none) with $0 revenue');
    expect(stderr).not.toContain(': (none)');
  });

  it('adds the requests without a customer and a customer named "(none)" (both shown "(none)"), losing neither', async () => {
    const f = files({
      // LOGS ($0.017) + 1000 in without a customer ($0.001) + 2000 in for a customer named "(none)" ($0.002)
      'logs.csv': `${LOGS}2026-10-05T00:00:00Z,tk-test,1000,0,\n2026-10-06T00:00:00Z,tk-test,2000,0,(none)\n`,
      'revenue.csv': REVENUE,
    });
    const r = await margins(f, '--volumes', '1', '--format', 'json');
    expect(r.code).toBe(0);
    const doc = JSON.parse(r.stdout);
    // $0.006 + $0.01 + $0.001 + $0.001 + $0.002 = $0.02 over 6 requests
    expect(doc.margin.totals.costUsd).toBe(0.02);
    const none = doc.margin.customers.find((c: { customer: string }) => c.customer === '(none)');
    expect(none).toMatchObject({ requests: 2, costUsd: 0.003 });
  });

  it('reads the logs once when it scales to other volumes (the engine hands the records to the volume replay)', async () => {
    const f = files({ 'logs.csv': LOGS, 'revenue.csv': REVENUE });
    const args = ['whatif', '--revenue', f['revenue.csv'], '--logs', f['logs.csv'], ...PRICES, '--format', 'json', '--verbose'];
    // --verbose prints "read FILE: FORMAT, BYTES bytes" once for every read of a log file
    const reads = (stderr: string) => stderr.split('\n').filter((l) => l.startsWith(`read ${f['logs.csv']}:`)).length;
    const scaled = await runCli([...args, '--volumes', '1,3']);
    expect(scaled.code).toBe(0);
    expect(reads(scaled.stderr)).toBe(1);
    const once = await runCli([...args, '--volumes', '1']);
    expect(reads(once.stderr)).toBe(1);
    // the same margins as without --verbose (a: $0.006 at 1x, $0.018 at 3x: see the test below)
    const a = JSON.parse(scaled.stdout).margin.customers.find((x: { customer: string }) => x.customer === 'a');
    expect([a.costUsd, a.atVolume[1].costUsd]).toEqual([0.006, 0.018]);
  });

  it('joins contracts with per-customer cost from the logs, exactly, now and at 3x', async () => {
    const f = files({ 'logs.csv': LOGS, 'revenue.csv': REVENUE });
    const r = await margins(f, '--format', 'json', '--volumes', '1,3');
    // c sends traffic without a contract: a warning, on stderr (never in stdout) and in the JSON's warnings
    const noContract = '1 customer in the logs with no contract in the revenue file (counted with $0 revenue): c';
    // and the logs cover 4 days (2026-10-01 to 2026-10-04), set against a month of contract
    const part =
      "the logs cover 4 days (2026-10-01 to 2026-10-04) but are taken as one month: each customer's cost covers only those days against a whole month of its contract, so margins read higher than a month's would be; give a whole month of logs";
    expect(r.stderr).toBe(`warning: ${part}\nwarning: ${noContract}\n`);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout).warnings).toEqual([part, noContract]);
    const m = JSON.parse(r.stdout).margin;
    const row = (c: string) => m.customers.find((x: { customer: string }) => x.customer === c);
    // a: 2 seats x $0.01 less 50% = $0.01 revenue, $0.006 cost, $0.004 margin (40%); at 3x: $0.01 - $0.018 = -$0.008
    expect(row('a')).toMatchObject({
      plan: 'team',
      requests: 2,
      revenueUsd: 0.01,
      costUsd: 0.006,
      marginUsd: 0.004,
      marginPct: 0.4,
      underWater: false,
    });
    expect(row('a').atVolume[1]).toMatchObject({ multiplier: 3, revenueUsd: 0.01, costUsd: 0.018, marginUsd: -0.008 });
    // cost per request, by the unit-economics computation report uses: $0.006 / 2 = $0.003
    expect(row('a').costPerRequestUsd).toBe(0.003);
    // b: 1 request x $0.004 = $0.004 revenue against $0.01: -$0.006; at 3x: $0.012 - $0.03 = -$0.018
    expect(row('b')).toMatchObject({ revenueUsd: 0.004, costUsd: 0.01, marginUsd: -0.006, underWater: true });
    expect(row('b').atVolume[1].marginUsd).toBe(-0.018);
    // c: no contract, $0 revenue; d: a contract and no traffic, $0.05 margin
    expect(row('c')).toMatchObject({ inRevenueFile: false, plan: null, revenueUsd: 0, marginUsd: -0.001 });
    expect(row('d')).toMatchObject({ requests: 0, revenueUsd: 0.05, marginUsd: 0.05 });
    expect([m.noContract, m.noTraffic]).toEqual([['c'], ['d']]);
    // totals: revenue $0.01 + $0.004 + $0.05 = $0.064; cost $0.017; margin $0.047. At 3x: revenue $0.072, cost $0.051, 3 under water
    expect(m.totals).toMatchObject({ revenueUsd: 0.064, costUsd: 0.017, marginUsd: 0.047 });
    expect(m.volumes[1]).toMatchObject({ multiplier: 3, revenueUsd: 0.072, costUsd: 0.051, marginUsd: 0.021, underWater: 3 });
    // plans, worst first: usage -$0.006, no contract -$0.001, team (a + d) $0.054 on $0.06
    expect(m.plans.map((p: { plan: string; marginUsd: number }) => [p.plan, p.marginUsd])).toEqual([
      ['usage', -0.006],
      ['(not in the revenue file)', -0.001],
      ['team', 0.054],
    ]);
    expect(m.volumeAssumption).toBe('linear');
  });

  it('opens the terminal report with the bottom line in words', async () => {
    const f = files({ 'logs.csv': LOGS, 'revenue.csv': REVENUE });
    const r = await margins(f);
    expect(r.code).toBe(0);
    const lines = r.stdout.split('\n');
    // the header block fits 80 columns (not a terminal): values wrap under the value column, labels stay aligned
    const block = lines.slice(1, lines.indexOf(''));
    const valueAt = '  Margin across customers: '.length;
    const values = new Map<string, string>();
    let label = '';
    for (const l of block) {
      // a label line pads its label up to the value column; a continuation line starts in it
      const continued = l.startsWith(' '.repeat(valueAt));
      expect(continued || /^ {2}[A-Z][\w /]+: +$/.test(l.slice(0, valueAt)), l).toBe(true);
      expect(l[valueAt] !== ' ' && l.length <= 80, l).toBe(true);
      if (!continued) label = l.slice(2, l.indexOf(':'));
      values.set(label, `${values.get(label) ?? ''} ${l.slice(valueAt)}`.trim());
    }
    expect(values.size).toBe(6);
    // margin $0.047 / revenue $0.064 = 73.4%; at 3x $0.021 / $0.072 = 29.2%
    expect(values.get('Bottom line')).toMatch(
      /^gross margin 73\.4% \(\$0\.047 of \$0\.064\) across 4 customers; 29\.2% at 3x \(3 under water\), /,
    );
    expect(values.get('Under water')).toMatch(/^b \(usage: pays \$0\.004, costs \$0\.01\), c \(/);
    expect(r.stderr).toContain('warning: 1 customer in the logs with no contract in the revenue file');
    expect(r.stdout).not.toContain('warning');
  });

  it('counts read with thousands separators, and a sentence names at most 10 customers, then how many more', async () => {
    const pad = (i: number, n: number) => String(i).padStart(n, '0');
    // 1,000 contract customers c0000..c0999 and 11 without a contract x00..x10, one request each of
    // 1000 input + 500 output tokens on tk-test: 1000 x $1/M + 500 x $4/M = $0.003 a customer
    const logged = [...Array.from({ length: 1000 }, (_, i) => `c${pad(i, 4)}`), ...Array.from({ length: 11 }, (_, i) => `x${pad(i, 2)}`)];
    const f = files({
      'logs.csv': `timestamp,model,input_tokens,output_tokens,customer\n${logged.map((c) => `2026-10-01T00:00:00Z,tk-test,1000,500,${c}`).join('\n')}\n`,
      // each contract pays $0.001: margin $0.001 - $0.003 = -$0.002, under water; the 11 without one: $0 - $0.003 = -$0.003
      'revenue.csv': `customer,plan,contractUsd\n${logged
        .slice(0, 1000)
        .map((c) => `${c},team,0.001`)
        .join('\n')}\n`,
    });
    const r = await margins(f, '--volumes', '1,3');
    expect(r.code).toBe(0);
    const out = r.stdout.replace(/\s+/g, ' ');
    // 1,000 + 11 = 1,011 customers, all under water now and at 3x
    expect(out).toContain('across 1,011 customers; ');
    expect(out).toContain('at 3x (1,011 under water)');
    // worst first: the 11 at -$0.003 (by name), then c0000..; 10 named, 1,011 - 10 = 1,001 more
    expect(out).toContain('x09 ((not in the revenue file): pays $0.00, costs $0.003) and 1,001 more (the customers table lists them)');
    expect(out).not.toContain('x10 ((not');
    // team: 1,000 x -$0.002 = -$2.00, the weakest plan (the 11 without a contract: -$0.033)
    expect(out).toContain('team: margin -$2.00 on $1.00 revenue (-200.0%) over 1,000 customers');
    const warning = r.stderr.replace(/\s+/g, ' ');
    expect(warning).toContain(
      '11 customers in the logs with no contract in the revenue file (counted with $0 revenue): x00, x01, x02, x03, x04, x05, x06, x07, x08, x09 and 1 more (the customers table lists them)',
    );
    // the JSON keeps every name
    const j = JSON.parse((await margins(f, '--volumes', '1', '--format', 'json')).stdout);
    expect(j.margin.noContract).toHaveLength(11);
  });

  it('20,000 customers on a plan of their own each: every plan summed over its own customers', () => {
    const n = 20_000;
    const name = (i: number) => `c${String(i).padStart(5, '0')}`;
    const revenue = parseRevenueCsv(
      `customer,plan,contractUsd\n${Array.from({ length: n }, (_, i) => `${name(i)},plan-${name(i)},2`).join('\n')}\n`,
      'r.csv',
    );
    // each customer: $2 contract against 1 request costing $0.5 (5e14 femto-USD): margin $1.50, 75%
    const costs = Array.from({ length: n }, (_, i) => ({
      customer: name(i),
      requests: 1,
      costFemto: 500_000_000_000_000n,
      unpricedRequests: 0,
    }));
    // (no timing here: a unit test does not time; a filter per plan was 20,000 x 20,000 = 4e8 comparisons, 29 s on a
    // loaded 2-core machine against about a second in one pass)
    const m = customerMargins(revenue, costs, [1]);
    expect(m.plans).toHaveLength(n);
    expect(m.plans[0]).toMatchObject({ customers: 1, revenue: 2_000_000_000_000_000n, cost: 500_000_000_000_000n, marginPct: 0.75 });
    // totals: 20,000 x $2 = $40,000 revenue, 20,000 x $0.50 = $10,000 cost
    expect([m.totals.revenue, m.totals.cost]).toEqual([40_000n * 10n ** 15n, 10_000n * 10n ** 15n]);
  }, 60_000);

  it('the requests that name no customer are not counted as a customer in the bottom line', async () => {
    const f = files({
      // a: 1000 input tokens = $0.001; b: 10,000 = $0.01; untagged: 2000 = $0.002
      'logs.csv':
        'timestamp,model,input_tokens,output_tokens,customer\n2026-10-01T00:00:00Z,tk-test,1000,0,a\n2026-10-02T00:00:00Z,tk-test,10000,0,b\n2026-10-03T00:00:00Z,tk-test,2000,0,\n',
      'revenue.csv': 'customer,plan,contractUsd\na,team,0.01\nb,team,0.02\n',
    });
    const r = await margins(f, '--volumes', '1');
    expect(r.code).toBe(0);
    // revenue $0.01 + $0.02 = $0.03; cost $0.001 + $0.01 + $0.002 = $0.013; margin $0.017 = 56.7%; 2 customers, not 3
    expect(r.stdout.replace(/\s+/g, ' ')).toContain(
      'gross margin 56.7% ($0.017 of $0.03) across 2 customers and the requests that name no customer, shown as (none)',
    );
  });

  it('reads a line without quotes as the same cells as its quoted spelling', () => {
    // line 2 is split at its commas, line 3 by the CSV parser: both are acme-like contracts with trimmed cells
    const r = parseRevenueCsv(
      'customer, plan ,seats,perSeatUsd,discountPct\n acme , team ,3, 10 ,20\n"beta"," team ","3","10","20"\n',
      'r.csv',
    );
    const acme = r.contracts.get('acme');
    const beta = r.contracts.get('beta');
    expect(acme).toEqual({
      customer: 'acme',
      plan: 'team',
      seats: 3,
      perSeatUsd: 10,
      contractUsd: undefined,
      perRequestUsd: undefined,
      discountPct: 20,
      at: 'r.csv:2',
    });
    expect({ ...beta, customer: 'acme', at: 'r.csv:2' }).toEqual(acme);
    // 3 seats x $10 less 20% = $24, for both
    expect(revenueUsd(acme!, { num: 0n, den: 1n })).toEqual({ num: 24n, den: 1n });
    expect(revenueUsd(beta!, { num: 5n, den: 1n })).toEqual({ num: 24n, den: 1n });
  });

  it('validates the revenue file with file:line', () => {
    const err = (fn: () => unknown) => {
      try {
        fn();
      } catch (e) {
        return (e as UserError).message;
      }
      throw new Error('expected an error');
    };
    expect(err(() => parseRevenueCsv('customer,plan,seat\nx,team,1\n', 'r.csv'))).toContain('r.csv:1: unknown column "seat"');
    const m = err(() => parseRevenueCsv('customer,seats,perSeatUsd,discountPct\nx,1,ten,\ny,2,,\nx,1,1,\nz,1,1,120\n"q,1,1,\n', 'r.csv'));
    expect(m).toContain('r.csv:2: perSeatUsd: expected a non-negative decimal number (got "ten")');
    expect(m).toContain('r.csv:3: y: perSeatUsd is missing (seat pricing needs both)');
    expect(m).toContain('r.csv:5: discountPct: expected at most 100 (got 120)');
    expect(m).toContain('r.csv:6: unbalanced quote');
    expect(err(() => parseRevenueCsv('customer,seats,perSeatUsd\nx,1,1\nx,2,1\n', 'r.csv'))).toContain(
      'r.csv:3: customer "x" is already stated at r.csv:2',
    );
    const y = err(() =>
      parseRevenueYaml(
        'plans:\n  team: { perSeatUsd: 10 }\ncustomers:\n  acme: { plan: teem, seats: 3 }\n  __proto__: { plan: team, seats: 1 }\n',
        'r.yaml',
      ),
    );
    expect(y).toContain('r.yaml:4: customers.acme.plan: unknown plan "teem" (plans: team)');
    expect(y).toContain('"__proto__" is not allowed as an id');
    // YAML: plan prices apply unless the customer overrides them
    const ok = parseRevenueYaml(
      'plans:\n  team: { perSeatUsd: 10, discountPct: 5 }\ncustomers:\n  acme: { plan: team, seats: 3 }\n  globex: { plan: team, seats: 2, perSeatUsd: 8 }\n',
      'r.yaml',
    );
    expect(ok.contracts.get('acme')).toMatchObject({ plan: 'team', seats: 3, perSeatUsd: 10, discountPct: 5, at: 'r.yaml:4' });
    expect(ok.contracts.get('globex')).toMatchObject({ perSeatUsd: 8 });
  });

  it("YAML: a customer's own contract price on a seat plan replaces the plan's seat price (and the reverse)", () => {
    const r = parseRevenueYaml(
      'plans:\n  team: { perSeatUsd: 10, discountPct: 5 }\n  flat: { contractUsd: 100 }\ncustomers:\n  initech: { plan: team, contractUsd: 2 }\n  hooli: { plan: flat, seats: 4, perSeatUsd: 3 }\n',
      'r.yaml',
    );
    // initech: a $2 contract, the plan's 5% discount still applies: $2 x 0.95 = $1.90 a month
    expect(r.contracts.get('initech')).toMatchObject({ contractUsd: 2, perSeatUsd: undefined, discountPct: 5 });
    expect(revenueUsd(r.contracts.get('initech')!, Q0)).toEqual(q(1.9));
    // hooli: 4 seats x $3 = $12 a month instead of the plan's $100 contract
    expect(r.contracts.get('hooli')).toMatchObject({ contractUsd: undefined, seats: 4, perSeatUsd: 3 });
    expect(revenueUsd(r.contracts.get('hooli')!, Q0)).toEqual(q(12));
  });

  it('exits 2 with a usage message when --revenue comes without --logs, or with a what-if file', async () => {
    const f = files({ 'revenue.csv': REVENUE });
    const a = await runCli(['whatif', '--revenue', f['revenue.csv']]);
    expect([a.code, a.stderr]).toEqual([2, expect.stringContaining('needs both --revenue FILE and --logs PATH')]);
    const b = await runCli(['whatif', 'x.yaml', '--revenue', f['revenue.csv'], '--logs', 'x']);
    expect([b.code, b.stderr]).toEqual([2, expect.stringContaining('give either a what-if FILE or --revenue with --logs')]);
  });
});
