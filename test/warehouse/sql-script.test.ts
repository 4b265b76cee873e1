/**
 * `tokenomics sql` scripts run for real: the script for DuckDB, PostgreSQL and ClickHouse, executed
 * statement by statement on the demo fixtures loaded as a table, gives the exact total (femto-USD)
 * and request count of the file report (the engine's exact total, itself equal to the streaming
 * path). Unsupported dialects and unmapped columns exit 2.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { clickhouse, duckdbWarehouse, postgres, type WarehouseDialect } from '../../src/engine/dialect.js';
import { UsageDb } from '../../src/engine/duckdb.js';
import type { SqlDb } from '../../src/engine/sql-db.js';
import { buildScript } from '../../src/engine/warehouse/script.js';
import { loadCatalog } from '../../src/pricing/load.js';
import { runCli } from '../cli/harness.js';
import { engineReport, NOW } from '../engine/engine-env.js';
import { service } from '../services.js';
import { fixtureRows, loadUsageTable, openChdb, openPostgres } from './engines.js';

const statements = (script: string) =>
  script
    .split(/;\n/)
    .map((s) => s.replace(/^(--.*\n)+/gm, '').trim())
    .filter(Boolean);

/** Runs the script; the result of its first report query (the total). */
async function runScript(db: SqlDb, d: WarehouseDialect, table: string): Promise<Record<string, unknown>> {
  const script = buildScript({
    dialect: d,
    table,
    catalog: loadCatalog({ priceFiles: [] }).catalog,
    nowMs: Date.parse(NOW),
    command: 'test',
  });
  let total: Record<string, unknown> | undefined;
  for (const stmt of statements(script)) {
    if (/^SELECT sum\(requests\)/.test(stmt) && !total) total = (await db.query(stmt))[0];
    else if (/^(SELECT|WITH)/.test(stmt)) await db.query(stmt);
    else await db.run(stmt);
  }
  return total!;
}

/** Logs with web searches, web fetches and grounded prompts, on the routes the script prices (model, provider as logged). */
const CHARGED = [
  'fixtures/logs/claude-code/web-search.jsonl',
  'fixtures/logs/openai/responses-web-search.jsonl',
  'fixtures/logs/gemini/grounding.jsonl',
  'fixtures/logs/litellm/web-search.jsonl',
];

async function expected(inputs = ['fixtures/demo']) {
  const r = await engineReport({ inputs });
  return { femto: r.view.total.cost.costFemto, requests: r.view.total.sums.requests, unpriced: r.view.total.cost.unpriced.requests };
}

function check(total: Record<string, unknown>, e: Awaited<ReturnType<typeof expected>>) {
  expect(BigInt(String(total.cost_femto))).toBe(e.femto);
  expect(Number(total.requests)).toBe(e.requests);
  // unpriced requests (acme-finetune-v2 in the demo) are counted, never priced at $0
  expect(Number(total.unpriced_requests)).toBe(e.unpriced);
  expect(e.unpriced).toBeGreaterThan(0);
}

describe('sql script run in the engine = file report total', () => {
  let chdb: Awaited<ReturnType<typeof openChdb>> | undefined;
  afterAll(async () => chdb?.close());

  it('duckdb', async () => {
    const db = await UsageDb.open({ threads: 1 });
    try {
      await db.seal();
      await db.run('DROP TABLE usage');
      const pg = { ...db, run: db.run.bind(db), query: db.query.bind(db), loadTable: db.loadTable.bind(db), close: async () => {} };
      await loadUsageTable(pg, duckdbWarehouse, 'demo_src', await fixtureRows(['fixtures/demo']));
      check(await runScript(pg, duckdbWarehouse, 'demo_src'), await expected());
    } finally {
      db.close();
    }
  }, 120_000);

  it('duckdb, inputs with per-call charges (web searches) priced like the file report', async () => {
    const db = await UsageDb.open({ threads: 1 });
    try {
      await db.seal();
      await db.run('DROP TABLE usage');
      const pg = { ...db, run: db.run.bind(db), query: db.query.bind(db), loadTable: db.loadTable.bind(db), close: async () => {} };
      await loadUsageTable(pg, duckdbWarehouse, 'logs_src', await fixtureRows(CHARGED));
      const total = await runScript(pg, duckdbWarehouse, 'logs_src');
      expect(Number(total.web_search_calls)).toBeGreaterThan(0);
      const e = await expected(CHARGED);
      expect(BigInt(String(total.cost_femto))).toBe(e.femto);
      expect(Number(total.requests)).toBe(e.requests);
      expect(Number(total.unpriced_requests)).toBe(e.unpriced);
    } finally {
      db.close();
    }
  }, 120_000);

  it('postgres', async () => {
    const url = service('TOKENOMICS_TEST_PG_URL');
    if (!url) return;
    const db = await openPostgres(url);
    try {
      await loadUsageTable(db, postgres, 'script_demo', await fixtureRows(['fixtures/demo']));
      check(await runScript(db, postgres, 'script_demo'), await expected());
    } finally {
      await db.close();
    }
  }, 120_000);

  it('clickhouse (chDB)', async () => {
    const path = service('TOKENOMICS_TEST_CHDB');
    if (!path) return;
    chdb = await openChdb(path);
    await loadUsageTable(chdb, clickhouse, 'script_demo', await fixtureRows(['fixtures/demo']));
    check(await runScript(chdb, clickhouse, 'script_demo'), await expected());
  }, 120_000);
});

describe('sql: bad input', () => {
  it('an unsupported dialect: exit 2 with the list', async () => {
    const r = await runCli(['sql', '--dialect', 'oracle', '--table', 't']);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe(
      'tokenomics: error: unsupported dialect "oracle"\nhint: choose one of: duckdb, postgres, clickhouse, bigquery, snowflake, spark\n',
    );
  });
  it('a mapping that leaves a required column unmapped: exit 2', async () => {
    const r = await runCli(['sql', '--dialect', 'bigquery', '--table', 't', '--map', 'model=llm']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/--map leaves required columns input_tokens, output_tokens unmapped/);
  });
  it('a ready-made mapping for another engine: exit 2', async () => {
    const r = await runCli(['sql', '--dialect', 'postgres', '--table', 'observations', '--map', 'langfuse']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/--map langfuse is written for clickhouse, not postgres/);
  });
});
