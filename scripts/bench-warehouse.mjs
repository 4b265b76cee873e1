#!/usr/bin/env node
/**
 * The warehouse scale run (issue 15): N generated usage rows (default 10 million) loaded into an
 * embedded DuckDB and into chDB (ClickHouse embedded), then the report computed inside each with
 * the same queries `report postgres://` / `report clickhouse://` run (reportFromWarehouse), timed.
 * Rows are generated inside each engine (range / numbers), so the figures are the engine's, not
 * Node's. Not a test and not the main bench (scripts/bench.mjs).
 *
 *   npm run build && bash scripts/test-services.sh up   # installs chDB into the test cache
 *   node scripts/bench-warehouse.mjs [rows] [--only duckdb|clickhouse] [--json]
 * chDB is found at $TOKENOMICS_TEST_CHDB, else in the test cache (scripts/test-services.sh).
 * `npm run bench` runs it as workload `engine-warehouse` (scripts/bench/engine.mjs): with --json
 * the last stdout line is { rows, results: [{ engine, loadMs, reportMs, requests, costUsd }],
 * skipped: { engine: reason } } (chDB absent: skipped, not an error).
 */
import { existsSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { DuckDBInstance } from '@duckdb/node-api';
import { parseDimensions } from '../dist/aggregate/dims.js';
import { clickhouse, duckdbWarehouse } from '../dist/engine/dialect.js';
import { clickhouseDb } from '../dist/engine/warehouse/connect.js';
import { reportFromWarehouse } from '../dist/engine/warehouse/remote-report.js';
import { loadCatalog } from '../dist/pricing/load.js';
import { USAGE_COLUMNS } from '../dist/usage/table.js';

const args = process.argv.slice(2);
const rows = Number(args.find((a) => /^\d+$/.test(a)) ?? 10_000_000);
const only = args.includes('--only') ? args[args.indexOf('--only') + 1] : undefined;
const json = args.includes('--json');
const results = [];
const skipped = {};
const NOW = Date.parse('2026-11-23T00:00:00Z');
const START = Date.parse('2026-10-01T00:00:00Z');
const { catalog } = loadCatalog({ priceFiles: [] });
const secs = (ms) => (ms / 1000).toFixed(1);

const MODELS = ['gpt-4o-mini', 'gpt-4.1', 'claude-sonnet-4-5', 'claude-haiku-4-5', 'gemini-2.5-pro', 'unknown-model'];
const FEATURES = ['chat', 'search', 'summary', 'tagging', 'draft'];
const list = (xs) => `[${xs.map((x) => `'${x}'`).join(', ')}]`;

/**
 * The usage table's columns as expressions of a row number `i` (one spelling per engine), in the
 * table's order; columns not generated here (per-call charges, ...) are 0, or NULL where nullable.
 */
function generator(e) {
  const given = new Map(generated(e));
  return USAGE_COLUMNS.map((c) => [c.name, given.get(c.name) ?? (c.nullable ? 'NULL' : '0')]);
}

function generated(e) {
  const h = (k) => `CAST(${e.hash(`i * ${k}`)} % 1000003 AS BIGINT)`;
  return [
    ['seq', 'i'],
    ['id', e.concat("'r'", e.str('i'))],
    ['time_ms', `${START} + i * 250`],
    ['model', `${list(MODELS)}[1 + ${h(7)} % ${MODELS.length}]`],
    ['provider', 'NULL'],
    ['service_tier', `CASE WHEN ${h(11)} % 10 = 0 THEN 'batch' ELSE NULL END`],
    ['fast', 'NULL'],
    ['regional', 'NULL'],
    ['input_tokens', `100 + ${h(13)} % 5000`],
    ['cache_read_tokens', `CASE WHEN ${h(17)} % 3 = 0 THEN ${h(19)} % 20000 ELSE 0 END`],
    ['cache_write_5m_tokens', `CASE WHEN ${h(23)} % 7 = 0 THEN 1000 ELSE 0 END`],
    ['cache_write_1h_tokens', '0'],
    ['output_tokens', `10 + ${h(29)} % 1500`],
    ['reasoning_tokens', '0'],
    ['requests', '1'],
    ['image_count', 'NULL'],
    ['estimated', 'FALSE'],
    ['conversation_id', e.concat("'c'", e.str(`i % ${Math.max(1, Math.floor(rows / 8))}`))],
    ['turn', 'NULL'],
    ['feature', `${list(FEATURES)}[1 + ${h(31)} % ${FEATURES.length}]`],
    ['customer', e.concat("'cust'", e.str(`${h(37)} % 500`))],
    ['user_id', 'NULL'],
    ['outcome', 'NULL'],
    ['prompt', 'NULL'],
    ['tags', 'NULL'],
    ['source_file', "'bench'"],
    ['source_line', 'NULL'],
  ];
}

const TYPES = { duckdb: duckdbWarehouse, clickhouse };

/** The usage table (typed as the engine types it), then the generated rows. */
async function run(name, db, select, engine = '') {
  const d = TYPES[name];
  const t0 = performance.now();
  await db.run(`CREATE TABLE bench_usage (${USAGE_COLUMNS.map((c) => `${c.name} ${d.type(c.type, c.nullable)}`).join(', ')})${engine}`);
  await db.run(`INSERT INTO bench_usage ${select}`);
  const loadMs = performance.now() - t0;
  const t1 = performance.now();
  const r = await reportFromWarehouse(
    db,
    TYPES[name],
    { table: 'bench_usage', name: 'bench' },
    { dims: parseDimensions('feature,model') },
    { catalog, nowMs: NOW },
  );
  const reportMs = performance.now() - t1;
  const t = r.json.totals;
  results.push({ engine: name, loadMs, reportMs, requests: t.requests, costUsd: t.costUsd });
  if (!json)
    console.log(
      `${name.padEnd(10)} ${rows.toLocaleString('en-US')} rows: load ${secs(loadMs)} s, report (--by feature,model) ${secs(reportMs)} s; ${t.requests.toLocaleString('en-US')} requests, $${t.costUsd}`,
    );
  return t.costUsd;
}

async function duckdb() {
  const instance = await DuckDBInstance.create(':memory:');
  const c = await instance.connect();
  const db = {
    run: async (sql) => void (await c.run(sql)),
    query: async (sql) => (await c.runAndReadAll(sql)).getRowObjectsJS(),
    loadTable: async (n, cols, rs) => {
      for (const s of duckdbWarehouse.tableFromRows(n, cols, rs)) await c.run(s);
    },
  };
  const e = { hash: (x) => `hash(${x})`, concat: (a, b) => `${a} || ${b}`, str: (x) => `CAST(${x} AS VARCHAR)` };
  const cols = generator(e).map(([n, x]) => `${x} AS ${n}`);
  try {
    return await run('duckdb', db, `SELECT ${cols.join(', ')} FROM range(${rows}) t(i)`);
  } finally {
    c.closeSync();
    instance.closeSync();
  }
}

async function chdb() {
  const path =
    process.env.TOKENOMICS_TEST_CHDB ??
    join(
      process.env.TOKENOMICS_TEST_CACHE ?? join(homedir(), '.cache', 'tokenomics-test'),
      'chdb-3.4.0',
      'node_modules',
      'chdb',
      'index.mjs',
    );
  if (!existsSync(path)) {
    const reason = `chDB not found at ${path}: run bash scripts/test-services.sh up first`;
    if (json) return void (skipped.clickhouse = reason);
    throw new Error(reason);
  }
  const { Session } = await import(path);
  const session = new Session();
  const db = clickhouseDb({
    command: async (sql) => void session.query(sql, 'CSV'),
    rows: async (sql) =>
      session
        .query(sql, 'JSONEachRow')
        .split('\n')
        .filter(Boolean)
        .map((l) => JSON.parse(l)),
    close: async () => session.cleanup(),
  });
  const e = { hash: (x) => `cityHash64(${x})`, concat: (a, b) => `concat(${a}, ${b})`, str: (x) => `toString(${x})` };
  const cols = generator(e).map(([n, x]) => `${x} AS ${n}`);
  try {
    return await run(
      'clickhouse',
      db,
      `SELECT ${cols.join(', ')} FROM (SELECT toInt64(number) AS i FROM numbers(${rows}))`,
      ' ENGINE = MergeTree ORDER BY tuple()',
    );
  } finally {
    await db.close();
  }
}

const costs = [];
if (only !== 'clickhouse') costs.push(await duckdb());
if (only !== 'duckdb') costs.push(await chdb());
if (json) console.log(JSON.stringify({ rows, results, skipped }));
else if (costs.length === 2 && costs[0] !== costs[1])
  console.log(`note: the engines' totals differ (their generated rows differ: each engine's own hash function)`);
