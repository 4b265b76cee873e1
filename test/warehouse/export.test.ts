/**
 * `tokenomics export`: the files are read back with DuckDB (an independent reader of Parquet, CSV
 * and JSON). Costs are checked by hand on one record and, summed, against the report's exact total;
 * FOCUS rows split each record by token bucket with the specification's units.
 */
import {
  chmodSync,
  existsSync,
  lstatSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawn, spawnSync } from 'node:child_process';
import { duckdbRows } from '../duckdb-rows.js';
import { describe, expect, it } from 'vitest';
import { femtoToUsdString } from '../../src/pricing/money.js';
import { runCli } from '../cli/harness.js';
import { engineReport } from '../engine/engine-env.js';

const dir = mkdtempSync(join(tmpdir(), 'tokenomics-export-'));
const BAD = 'fixtures/logs/openai/bad.jsonl';

const read = duckdbRows;

describe('export', () => {
  it('parquet: one row per record, the sum of exact costs = the report total', async () => {
    const file = join(dir, 'usage.parquet');
    const r = await runCli(['export', file, 'fixtures/demo']);
    expect(r.code).toBe(0);
    // 3,596 counted + 188 skipped (duplicates, events and other lines that are no request) = 3,784 read
    expect(r.stderr).toMatch(/wrote 3,596 rows to .*usage\.parquet \(parquet; 3,596 records of 3,784 read; 188 skipped\)/);
    expect(r.stderr).toMatch(/20 records of unpriced models exported with no cost \(not \$0\)/);
    const [row] = await read(
      `SELECT count(*) AS n, count(cost_usd) AS priced, CAST(sum(cost_usd) AS VARCHAR) AS total, typeof(any_value(cost_usd)) AS t FROM '${file}'`,
    );
    const report = await engineReport({ inputs: ['fixtures/demo'] });
    expect(Number(row.n)).toBe(3596);
    expect(Number(row.priced)).toBe(3596 - 20);
    expect(row.t).toBe('DECIMAL(38,15)');
    // DECIMAL(38,15) sum: the exact femto total, printed with 15 places
    expect(String(row.total).replace(/0+$/, '')).toBe(femtoToUsdString(report.view.total.cost.costFemto!));
  }, 60_000);

  it('says which prices stood in, with the requests, as a report on the same logs does; and read = counted + skipped + rejected', async () => {
    const file = join(dir, 'logs.csv');
    const r = await runCli(['export', file, 'fixtures/logs']);
    expect(r.code).toBe(0);
    const report = await runCli(['report', 'fixtures/logs', '--format', 'json']);
    const j = JSON.parse(report.stdout);
    const pricing = j.warnings.filter((w: { code: string }) => w.code === 'pricing').map((w: { message: string }) => w.message);
    // the report's engine (SQL over the usage table) and export's per-record pricing are two paths
    expect(pricing).toContain('no flex price for gpt-4o-mini; priced at standard (3 requests)');
    for (const m of pricing.filter((m: string) => !m.startsWith('records without a model id')))
      expect(r.stderr).toContain(`warning: ${m}\n`);
    const sum = (o: Record<string, number>) => Object.values(o).reduce((a, b) => a + b, 0);
    const { read, counted, skipped, rejected } = j.inputs;
    expect(counted + sum(skipped) + sum(rejected)).toBe(read);
    expect(r.stderr).toContain(`(csv; ${counted} records of ${read} read; ${sum(skipped)} skipped, ${sum(rejected)} rejected)`);
  }, 60_000);

  it('csv by extension: a record priced by hand, unpriced records with no cost', async () => {
    const file = join(dir, 'bad.csv');
    const r = await runCli(['export', file, BAD]);
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(/9 records rejected as invalid \(.*\); first at fixtures\/logs\/openai\/bad\.jsonl:1/);
    const lines = readFileSync(file, 'utf8').trim().split('\n');
    expect(lines).toHaveLength(3);
    // gpt-4o-mini: 10 input x $0.15/MTok + 5 output x $0.60/MTok = $0.0000015 + $0.000003
    expect(lines[2]).toMatch(/^[^,]+,chatcmpl-B11,gpt-4o-mini-2024-07-18,.*,gpt-4o-mini,0\.000004500000000$/);
    expect(lines[1]).toMatch(/,\(no model\),.*,$/);
  });

  it('--focus: one charge per token bucket, FOCUS units, x_ columns', async () => {
    const file = join(dir, 'focus.jsonl');
    const r = await runCli(['export', file, BAD, '--focus']);
    expect(r.code).toBe(0);
    const rows = readFileSync(file, 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    // only the priced record (10 input, 5 output): two charges; the unpriced one has none
    expect(rows).toHaveLength(2);
    expect(rows[0]).toMatchObject({
      BilledCost: 0.0000015,
      EffectiveCost: 0.0000015,
      BillingCurrency: 'USD',
      ChargeCategory: 'Usage',
      ConsumedQuantity: 10,
      ConsumedUnit: 'Tokens',
      PricingQuantity: 0.00001,
      PricingUnit: '1000000 Tokens',
      ListUnitPrice: 0.15,
      ProviderName: 'openai',
      x_Model: 'gpt-4o-mini-2024-07-18',
      x_PricedModel: 'gpt-4o-mini',
      x_TokenDirection: 'input',
      x_CacheAction: 'none',
      x_RequestId: 'chatcmpl-B11',
    });
    expect(rows[1]).toMatchObject({ BilledCost: 0.000003, ConsumedQuantity: 5, ListUnitPrice: 0.6, x_TokenDirection: 'output' });
    expect(rows[0]).toMatchObject({
      ChargeClass: null,
      ChargeFrequency: 'Usage-Based',
      PricingCategory: 'Standard',
      ServiceCategory: 'AI and Machine Learning',
      x_ChargeType: 'tokens',
    });
    expect(rows[0].ChargePeriodEnd > rows[0].ChargePeriodStart).toBe(true);
    // FOCUS date/times in text: UTC as YYYY-MM-DDTHH:mm:ssZ (the hour of the request, its calendar month)
    for (const k of ['ChargePeriodStart', 'ChargePeriodEnd', 'BillingPeriodStart', 'BillingPeriodEnd'])
      expect(rows[0][k], k).toMatch(/^\d{4}-\d\d-\d\dT\d\d:00:00Z$/);
    // the billing period is the calendar month (UTC) holding the charge period
    const month = String(rows[0].ChargePeriodStart).slice(0, 7);
    expect(String(rows[0].BillingPeriodStart)).toMatch(new RegExp(`^${month}-01[ T]00:00:00`));
    expect(String(rows[0].BillingPeriodEnd) > String(rows[0].ChargePeriodEnd)).toBe(true);
  });

  it('--focus: a SkuPriceId names one unit price (service tier, long-context band, regional uplift apart)', async () => {
    // Sonnet 4.5: one prompt over 200,000 tokens (long-context prices), one under, one through the Batch API
    const lc = join(dir, 'lc.jsonl');
    const msg = (id: string, input: number) =>
      JSON.stringify({
        id,
        type: 'message',
        role: 'assistant',
        model: 'claude-sonnet-4-5-20250929',
        content: [],
        usage: { input_tokens: input, output_tokens: 100 },
      });
    writeFileSync(lc, `${msg('msg_a', 200_001)}\n${msg('msg_b', 1000)}\n`);
    const file = join(dir, 'skus.csv');
    const r = await runCli(['export', file, 'fixtures/demo', lc, '--focus']);
    expect(r.code).toBe(0);
    // every SkuPriceId has one ListUnitPrice (the demo's batch lines, its cache buckets, the two bands)
    const mixed = await read(
      `SELECT SkuPriceId, count(DISTINCT ListUnitPrice) AS n FROM read_csv('${file}', all_varchar = true) GROUP BY 1 HAVING n > 1`,
    );
    expect(mixed).toEqual([]);
    const ids = await read(
      `SELECT DISTINCT SkuPriceId AS id, ListUnitPrice AS p FROM read_csv('${file}', all_varchar = true) WHERE x_RequestId IN ('msg_a', 'msg_b') AND x_TokenDirection = 'input' ORDER BY 1`,
    );
    // input $3 / MTok, over 200,000 tokens $6 / MTok
    expect(ids.map((x) => [x.id, Number(x.p)])).toEqual([
      ['claude-sonnet-4-5:input:none', 3],
      ['claude-sonnet-4-5:input:none:over-200000', 6],
    ]);
  });

  it('--focus: a record without a time is charged in the hour of the run, and said', async () => {
    const file = join(dir, 'undated.csv');
    const r = await runCli(['export', file, 'fixtures/logs/anthropic/messages.jsonl', '--focus']);
    expect(r.code).toBe(0);
    // the harness's clock: 2026-11-23T00:00:00Z
    const undated = r.stderr.match(/warning: (\d+) records? without a time charged in the hour of this run/);
    expect(undated).not.toBeNull();
    const header = readFileSync(file, 'utf8').split('\n')[0].split(',');
    const start = header.indexOf('ChargePeriodStart');
    const runHour = readFileSync(file, 'utf8')
      .trim()
      .split('\n')
      .slice(1)
      .filter((l) => l.split(',')[start] === '2026-11-23T00:00:00Z');
    expect(runHour.length).toBeGreaterThan(0);
  });

  it('--focus parquet: BilledCost sums to the report total, quantities to the priced tokens', async () => {
    const file = join(dir, 'focus.parquet');
    expect((await runCli(['export', file, 'fixtures/demo', '--focus'])).code).toBe(0);
    const [row] = await read(`SELECT CAST(sum(BilledCost) AS VARCHAR) AS total, sum(ConsumedQuantity) AS q FROM '${file}'`);
    // date/times marked UTC (FOCUS: UTC), not zone-less timestamps
    const [t] = await read(`SELECT typeof(ChargePeriodStart) AS t FROM '${file}' LIMIT 1`);
    expect(t.t).toBe('TIMESTAMP WITH TIME ZONE');
    const report = await engineReport({ inputs: ['fixtures/demo'] });
    expect(String(row.total).replace(/0+$/, '')).toBe(femtoToUsdString(report.view.total.cost.costFemto!));
    const s = report.view.total.sums;
    const u = report.view.total.cost.unpriced;
    const priced = (k: 'inputTokens' | 'cacheReadTokens' | 'cacheWrite5mTokens' | 'cacheWrite1hTokens' | 'outputTokens') => s[k] - u[k];
    expect(Number(row.q)).toBe(
      priced('inputTokens') +
        priced('cacheReadTokens') +
        priced('cacheWrite5mTokens') +
        priced('cacheWrite1hTokens') +
        priced('outputTokens'),
    );
  }, 60_000);

  it('per-call charges: in the plain cost and as FOCUS rows of their own (web searches per 1000), both summing to the report total', async () => {
    const inputs = [
      'fixtures/logs/claude-code/web-search.jsonl',
      'fixtures/logs/openai/responses-web-search.jsonl',
      'fixtures/logs/gemini/grounding.jsonl',
    ];
    const report = await engineReport({ inputs });
    const total = femtoToUsdString(report.view.total.cost.costFemto!).replace(/0+$/, '');
    const plain = join(dir, 'charged.parquet');
    expect((await runCli(['export', plain, ...inputs])).code).toBe(0);
    const [p] = await read(`SELECT CAST(sum(cost_usd) AS VARCHAR) AS total, sum(web_search_calls) AS searches FROM '${plain}'`);
    expect(Number(p.searches)).toBeGreaterThan(0);
    expect(String(p.total).replace(/0+$/, '')).toBe(total);
    const focus = join(dir, 'charged-focus.parquet');
    expect((await runCli(['export', focus, ...inputs, '--focus'])).code).toBe(0);
    const [f] = await read(`SELECT CAST(sum(BilledCost) AS VARCHAR) AS total FROM '${focus}'`);
    expect(String(f.total).replace(/0+$/, '')).toBe(total);
    const searches = await read(
      `SELECT ConsumedQuantity AS q, ConsumedUnit AS u, CAST(PricingQuantity AS VARCHAR) AS pq, PricingUnit AS pu, CAST(ListUnitPrice AS DOUBLE) AS lp, CAST(BilledCost AS DOUBLE) AS cost, x_TokenDirection AS dir FROM '${focus}' WHERE x_ChargeType = 'webSearch' AND x_PricedModel LIKE 'claude%' LIMIT 1`,
    );
    // Anthropic web search: $10 per 1,000 searches; n searches cost n x $0.01, PricingQuantity n / 1000
    const s = searches[0];
    expect(s).toMatchObject({ u: 'Searches', pu: '1000 Searches', lp: 10, dir: null });
    expect(s.cost).toBeCloseTo(Number(s.q) * 0.01, 12);
    expect(Number(s.pq)).toBe(Number(s.q) / 1000);
  }, 60_000);

  it('--memory-limit: a size bounds the staging engine; anything else exits 2', async () => {
    const file = join(dir, 'bounded.csv');
    expect((await runCli(['export', file, BAD, '--memory-limit', '64MB'])).code).toBe(0);
    const r = await runCli(['export', file, BAD, '--memory-limit', 'lots']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/memory limit "lots" is not a size\nhint: e\.g\. 512MB or 2GB/);
  });

  it('a --memory-limit too small to stage the rows is an engine error with its hint (exit 2), not an internal error or a path hint', async () => {
    const file = join(dir, 'starved.parquet');
    // the demo's 3,596 rows do not fit 1 MB: DuckDB's appender cannot allocate a block
    const r = await runCli(['export', file, 'fixtures/demo', '--memory-limit', '1MB', '-q']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^tokenomics: error: engine: cannot stage the rows to export: out of memory \(/);
    expect(r.stderr).toMatch(/hint: raise --memory-limit/);
    expect(r.stderr).not.toMatch(/internal error|check the path/);
    expect(existsSync(file)).toBe(false);
  }, 60_000);

  it('bad file names: unknown extension, unknown --file-format, no directory: exit 2, no partial file', async () => {
    const a = await runCli(['export', join(dir, 'x.xlsx'), BAD]);
    expect(a.code).toBe(2);
    expect(a.stderr).toMatch(
      /cannot tell the file format of .*x\.xlsx.*\nhint: name it \.parquet, \.csv or \.jsonl, or give --file-format/,
    );
    const b = await runCli(['export', join(dir, 'x.out'), BAD, '--file-format', 'xml']);
    expect(b.code).toBe(2);
    expect(b.stderr).toMatch(/--file-format "xml" is not one of parquet, csv, jsonl/);
    const missing = join(dir, 'no-such-dir', 'x.parquet');
    const c = await runCli(['export', missing, BAD]);
    expect(c.code).toBe(2);
    expect(c.stderr).toMatch(/cannot write .*x\.parquet: its directory does not exist\nhint: create the directory first/);
    expect(existsSync(missing)).toBe(false);
  });

  it("writes through a symbolic link, into a FIFO or device as it is, and keeps a file's mode (never replaces them)", async () => {
    const w = mkdtempSync(join(dir, 'targets-'));
    const target = join(w, 'target.csv');
    writeFileSync(target, 'orig\n');
    symlinkSync(target, join(w, 'link.csv'));
    expect((await runCli(['export', join(w, 'link.csv'), BAD])).code).toBe(0);
    expect(lstatSync(join(w, 'link.csv')).isSymbolicLink()).toBe(true);
    expect(readFileSync(target, 'utf8')).toMatch(/^time,id,model,/);
    // a private file stays private
    const priv = join(w, 'priv.csv');
    writeFileSync(priv, 'x\n', { mode: 0o600 });
    chmodSync(priv, 0o600);
    expect((await runCli(['export', priv, BAD])).code).toBe(0);
    expect(statSync(priv).mode & 0o777).toBe(0o600);
    // a FIFO (as a device): written as it is, never replaced by a file (a reader takes what comes through)
    const fifo = join(w, 'pipe.csv');
    expect(spawnSync('mkfifo', [fifo]).status).toBe(0);
    const reader = spawn('cat', [fifo]);
    let through = '';
    reader.stdout.on('data', (b: Buffer) => (through += b.toString()));
    const read = new Promise((resolve) => reader.on('close', resolve));
    expect((await runCli(['export', fifo, BAD])).code).toBe(0);
    await read;
    expect(through).toMatch(/^time,id,model,/);
    expect(lstatSync(fifo).isFIFO()).toBe(true);
    // a directory: exit 2 saying so; no temporary file left beside the targets
    mkdirSync(join(w, 'dir.csv'));
    const d = await runCli(['export', join(w, 'dir.csv'), BAD]);
    expect(d.code).toBe(2);
    expect(d.stderr).toMatch(/cannot write .*dir\.csv: EISDIR/);
    expect(readdirSync(w).sort()).toEqual(['dir.csv', 'link.csv', 'pipe.csv', 'priv.csv', 'target.csv']);
  });
});
