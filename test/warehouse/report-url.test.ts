/**
 * `report postgres://…?table=…` end to end through the CLI against the real PostgreSQL server of
 * scripts/test-services.sh: the same JSON as the file path, rejected rows counted, and every
 * failure (no server, bad password, missing table or column, unmapped required column) exits 2
 * with the engine's message and a hint, the password never in stdout or stderr (--verbose too).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { WarehouseDb } from '../../src/engine/warehouse/connect.js';
import { runCli } from '../cli/harness.js';
import { engineReport } from '../engine/engine-env.js';
import { toJson } from '../../src/report/format.js';
import { service } from '../services.js';
import { fixtureRows, loadUsageTable, openPostgres, postgres } from './engines.js';
import { usageDocument } from '../../src/report/data.js';

const pgUrl = service('TOKENOMICS_TEST_PG_URL');
const password = pgUrl ? decodeURIComponent(new URL(pgUrl).password) : '';
const withTable = (url: string, query: string) => `${url}?${query}`;

function noSecret(r: { stdout: string; stderr: string }) {
  expect(password.length).toBeGreaterThan(4);
  expect(r.stdout).not.toContain(password);
  expect(r.stderr).not.toContain(password);
}

describe.skipIf(!pgUrl)('report postgres://', () => {
  let db: WarehouseDb;
  beforeAll(async () => {
    db = await openPostgres(pgUrl!);
    await loadUsageTable(db, postgres, 'demo_usage', await fixtureRows(['fixtures/demo']));
    await db.run('DROP TABLE IF EXISTS odd_rows');
    await db.run('CREATE TABLE odd_rows (llm TEXT, tok_in NUMERIC, tok_out BIGINT, at TIMESTAMP)');
    await db.run(`INSERT INTO odd_rows VALUES
      ('gpt-4o', 1000, 100, '2026-10-01 10:00:00'),
      ('gpt-4o', -5, 10, '2026-10-01 10:01:00'),
      ('gpt-4o', 1.5, 10, '2026-10-01 10:02:00')`);
  }, 120_000);
  afterAll(async () => db?.close());

  it('gives the JSON of the file path (inputs aside)', async () => {
    const r = await runCli(['report', withTable(pgUrl!, 'table=demo_usage'), '--format', 'json', '--by', 'feature,model']);
    expect(r.stderr).not.toMatch(/error/);
    expect(r.code).toBe(0);
    const actual = JSON.parse(r.stdout);
    const expected = JSON.parse(toJson(usageDocument((await engineReport({ inputs: ['fixtures/demo'], by: 'feature,model' })).data)));
    // --format json adds the report model under `report` (for `tokenomics render`); the engine's JSON is the command's part only
    expect(actual.report.title).toBe('tokenomics report');
    delete actual.report;
    for (const j of [actual, expected]) {
      delete j.inputs;
      delete j.issues;
    }
    expect(toJson(actual)).toBe(toJson(expected));
    noSecret(r);
  }, 60_000);

  it('--top N: the N groups and the rest in groupsLeftOut, as the file path gives them', async () => {
    const r = await runCli(['report', withTable(pgUrl!, 'table=demo_usage'), '--format', 'json', '--by', 'customer', '--top', '3']);
    expect(r.code).toBe(0);
    const actual = JSON.parse(r.stdout);
    const expected = JSON.parse(toJson(usageDocument((await engineReport({ inputs: ['fixtures/demo'], by: 'customer', top: 3 })).data)));
    // the demo's 12 customer groups: 3 shown, 12 - 3 = 9 summed in one row
    expect(actual.groups).toHaveLength(3);
    expect(actual.groupsLeftOut.groups).toBe(9);
    delete actual.report;
    for (const j of [actual, expected]) {
      delete j.inputs;
      delete j.issues;
    }
    expect(toJson(actual)).toBe(toJson(expected));
  }, 60_000);

  it('renders the table at 80 columns with the source named, URL never shown', async () => {
    const r = await runCli(['report', withTable(pgUrl!, 'table=demo_usage'), '-v'], { env: { COLUMNS: '80' } });
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('postgres table demo_usage');
    // -v lines wrap at the terminal's width as warnings do: read each as one line
    expect(r.stderr.replace(/\n +/g, ' ')).toContain('connecting to postgres://tokenomics:***@');
    noSecret(r);
  }, 60_000);

  it('counts rows with negative or fractional counts as rejected, prices the rest', async () => {
    const url = withTable(pgUrl!, 'table=odd_rows&map=model=llm,input_tokens=tok_in,output_tokens=tok_out');
    const r = await runCli(['report', url, '--format', 'json']);
    expect(r.stderr).toBe(
      'warning: 2 records rejected as invalid (invalid-count 2); first at postgres table odd_rows; --strict makes this an error\n',
    );
    expect(r.code).toBe(0);
    const j = JSON.parse(r.stdout);
    expect(j.inputs.read).toBe(3);
    expect(j.inputs.counted).toBe(1);
    expect(j.inputs.rejected).toEqual({ 'invalid-count': 2 });
    // gpt-4o: 1000 input x $2.50/MTok + 100 output x $10/MTok = $0.0025 + $0.001
    expect(j.totals.costUsd).toBe(0.0035);
    const strict = await runCli(['--strict', 'report', url]);
    expect(strict.code).toBe(2);
    expect(strict.stderr).toMatch(
      /--strict: 2 rows of postgres table odd_rows rejected \(row #2: input_tokens = -5 is not a whole non-negative number\)/,
    );
  }, 60_000);

  it('prices a mapped charge column (web searches); charges the mapping leaves out are 0', async () => {
    await db.run('DROP TABLE IF EXISTS search_rows');
    await db.run('CREATE TABLE search_rows (llm TEXT, tok_in BIGINT, tok_out BIGINT, searches NUMERIC)');
    await db.run(`INSERT INTO search_rows VALUES ('gpt-4o', 1000, 100, 3), ('gpt-4o', 1000, 100, 0.5)`);
    const url = withTable(pgUrl!, 'table=search_rows&map=model=llm,input_tokens=tok_in,output_tokens=tok_out,web_search_calls=searches');
    const r = await runCli(['report', url, '--format', 'json']);
    expect(r.code, r.stderr).toBe(0);
    const j = JSON.parse(r.stdout);
    // a fractional search count is an invalid count, as for tokens
    expect(j.inputs.rejected).toEqual({ 'invalid-count': 1 });
    // gpt-4o: $0.0025 input + $0.001 output + 3 web searches x $10/1k = $0.0335
    expect(j.totals.costUsd).toBe(0.0335);
    expect(j.totals.charges).toMatchInlineSnapshot(`
      {
        "webSearch": {
          "costUsd": 0.03,
          "count": 3,
          "unit": "searches",
          "unpricedCount": 0,
        },
      }
    `);
  }, 60_000);

  it('a missing table: exit 2 with the engine message and a hint', async () => {
    const r = await runCli(['report', withTable(pgUrl!, 'table=no_such_table'), '-v']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/relation "no_such_table" does not exist/);
    expect(r.stderr).toMatch(/hint: check the table and column names/);
    expect(r.stderr).not.toMatch(/\n\s+at /);
    noSecret(r);
  });

  it('a missing column and an unmapped required column: exit 2', async () => {
    const missing = await runCli([
      'report',
      withTable(pgUrl!, 'table=odd_rows'),
      '--map',
      'model=nope,input_tokens=tok_in,output_tokens=tok_out',
    ]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/column src\.nope does not exist/);
    const unmapped = await runCli(['report', withTable(pgUrl!, 'table=odd_rows'), '--map', 'model=llm,input_tokens=tok_in']);
    expect(unmapped.code).toBe(2);
    expect(unmapped.stderr).toMatch(/--map leaves required column output_tokens unmapped\nhint: map output_tokens=your_column/);
  });

  it('a table with the usage columns but no charge columns: those read as 0 (said with -v); no model column: exit 2 naming it', async () => {
    await db.run('DROP TABLE IF EXISTS plain_usage');
    await db.run('CREATE TABLE plain_usage (model TEXT, input_tokens BIGINT, output_tokens BIGINT, time_ms BIGINT)');
    await db.run(`INSERT INTO plain_usage VALUES ('gpt-4o', 1000, 100, 1790000000000), ('gpt-4o', 2000, 0, 1790000060000)`);
    const r = await runCli(['report', withTable(pgUrl!, 'table=plain_usage'), '--format', 'json', '-v']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toMatch(
      /postgres table plain_usage has no column id, provider, .*web_search_calls.*: read as 0 \(counts, charges\) or NULL/,
    );
    // gpt-4o: 3000 input x $2.50/MTok + 100 output x $10/MTok = $0.0075 + $0.001
    const j = JSON.parse(r.stdout);
    expect(j.totals.costUsd).toBe(0.0085);
    expect(j.totals.requests).toBe(2);
    noSecret(r);

    await db.run('DROP TABLE IF EXISTS no_model');
    await db.run('CREATE TABLE no_model (llm TEXT, input_tokens BIGINT, output_tokens BIGINT)');
    const bad = await runCli(['report', withTable(pgUrl!, 'table=no_model')]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toBe(
      'tokenomics: error: table no_model has no column model (required: model, input_tokens, output_tokens)\nhint: map them onto your columns with --map (or ?map=), e.g. model=your_column\n',
    );
  }, 60_000);

  it('a wrong password and a server that is not there: exit 2, the password never shown', async () => {
    const u = new URL(pgUrl!);
    u.password = `${password}-wrong`;
    const bad = await runCli(['report', withTable(u.href, 'table=demo_usage'), '-v']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/password authentication failed/);
    expect(bad.stderr).not.toContain(`${password}-wrong`);
    noSecret(bad);
    u.password = password;
    u.port = '1';
    const down = await runCli(['report', withTable(u.href, 'table=demo_usage'), '-v']);
    expect(down.code).toBe(2);
    expect(down.stderr).toMatch(/ECONNREFUSED/);
    expect(down.stderr).toMatch(/hint: check the host, port and credentials/);
    noSecret(down);
  });

  it('a URL without a table: exit 2 with the URL redacted', async () => {
    const r = await runCli(['report', pgUrl!]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/no table given\nhint: add \?table=NAME/);
    noSecret(r);
  });
});
