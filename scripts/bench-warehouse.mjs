#!/usr/bin/env node
/**
 * The warehouse scale run (issue 15): N usage rows (default 10 million) loaded into an embedded
 * DuckDB and into chDB (ClickHouse embedded), then, timed in each: the report `report postgres://`
 * / `report clickhouse://` compute (reportFromWarehouse: the engine's queries, money in TypeScript)
 * and the script `tokenomics sql --dialect duckdb|clickhouse` emits, run statement by statement
 * (money in SQL). The rows are the bench's Parquet file (`usage-N.parquet` of the engine-parquet
 * workload, generated when absent: scripts/bench/engine-data.mjs), read by each engine into a
 * table, so both engines hold the same rows and every total must agree to the femto-dollar. Not a
 * test and not the main bench (scripts/bench.mjs).
 *
 *   npm run build && bash scripts/test-services.sh up   # installs chDB into the test cache
 *   node scripts/bench-warehouse.mjs [rows] [--only duckdb|clickhouse] [--data DIR] [--json] [--trace]
 * chDB is found at $TOKENOMICS_TEST_CHDB, else in the test cache (scripts/test-services.sh).
 * --trace prints each statement's wall time on stderr. `npm run bench` runs it as workload
 * `engine-warehouse` (scripts/bench/engine.mjs): with --json the last stdout line is { rows,
 * results: [{ engine, loadMs, reportMs, scriptMs, requests, costUsd, costFemto, scriptCostFemto }],
 * skipped: { engine: reason } } (chDB absent: skipped, not an error).
 */
import { existsSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { DuckDBInstance } from '@duckdb/node-api';
import { parseDimensions } from '../dist/aggregate/dims.js';
import { clickhouse, duckdbWarehouse } from '../dist/engine/dialect.js';
import { clickhouseDb } from '../dist/engine/warehouse/connect.js';
import { reportFromWarehouse } from '../dist/engine/warehouse/remote-report.js';
import { usageDocument } from '../dist/report/data.js';
import { buildScript, scriptStatements } from '../dist/engine/warehouse/script.js';
import { loadCatalog } from '../dist/pricing/load.js';
import { USAGE_COLUMNS } from '../dist/usage/table.js';
import { usageParquet } from './bench/engine-data.mjs';

const args = process.argv.slice(2);
const value = (flag) => (args.includes(flag) ? args[args.indexOf(flag) + 1] : undefined);
const rows = Number(args.find((a) => /^\d+$/.test(a)) ?? 10_000_000);
const only = value('--only');
const data = resolve(value('--data') ?? join(dirname(fileURLToPath(import.meta.url)), '..', 'bench-data'));
const json = args.includes('--json');
// --trace: each statement's time on stderr (which of the report's queries cost what)
const trace = args.includes('--trace');
const results = [];
const skipped = {};
const NOW = Date.parse('2026-11-23T00:00:00Z');
const BY = 'feature,model';
const { catalog } = loadCatalog({ priceFiles: [] });
const secs = (ms) => (ms / 1000).toFixed(1);
const file = await usageParquet(join(data, `usage-${rows}.parquet`), rows);

/**
 * The usage table's columns, in its order, from the Parquet file's (`e`: the engine's spelling of
 * the arrival order, from the row id 'r<i>'); the columns the file lacks are 0, NULL where
 * nullable, one request per row.
 */
const IN_FILE = new Set([
  'id',
  'time_ms',
  'model',
  'input_tokens',
  'cache_read_tokens',
  'cache_write_5m_tokens',
  'output_tokens',
  'reasoning_tokens',
  'conversation_id',
  'feature',
  'customer',
  'user_id',
]);
const OTHER = { seq: (e) => e.seq, requests: () => '1', estimated: () => 'FALSE', source_file: () => "'bench'" };
const columnsFromFile = (e) =>
  USAGE_COLUMNS.map((c) => (IN_FILE.has(c.name) ? c.name : Object.hasOwn(OTHER, c.name) ? OTHER[c.name](e) : c.nullable ? 'NULL' : '0'));

const TYPES = { duckdb: duckdbWarehouse, clickhouse };

/** `db` with each statement timed on stderr (--trace). */
function traced(db) {
  if (!trace) return db;
  const timed =
    (f) =>
    async (sql, ...rest) => {
      const t0 = performance.now();
      const out = await f(sql, ...rest);
      process.stderr.write(`${secs(performance.now() - t0).padStart(7)} s  ${String(sql).replace(/\s+/g, ' ').slice(0, 110)}\n`);
      return out;
    };
  return { ...db, run: timed(db.run), query: timed(db.query) };
}

/** The script `tokenomics sql` emits for the engine, run statement by statement: its total cost (femto-USD). */
async function runScript(d, db) {
  const script = buildScript({ dialect: d, table: 'bench_usage', by: BY, catalog, nowMs: NOW, command: 'bench' });
  let total;
  for (const { result, sql } of scriptStatements(script)) {
    if (!result) await db.run(sql);
    else if (result === 'total') total = (await db.query(sql))[0];
    else await db.query(sql);
  }
  return BigInt(String(total.cost_femto));
}

/** The usage table (typed as the engine types it) filled from `select`; the report, then the script. */
async function run(name, untraced, select, engine = '') {
  const db = traced(untraced);
  const d = TYPES[name];
  const t0 = performance.now();
  await db.run(`CREATE TABLE bench_usage (${USAGE_COLUMNS.map((c) => `${c.name} ${d.type(c.type, c.nullable)}`).join(', ')})${engine}`);
  await db.run(`INSERT INTO bench_usage ${select}`);
  const loadMs = performance.now() - t0;
  const t1 = performance.now();
  const r = await reportFromWarehouse(
    db,
    d,
    { table: 'bench_usage', name: 'bench' },
    { dims: parseDimensions(BY) },
    { catalog, nowMs: NOW },
  );
  const reportMs = performance.now() - t1;
  // the report's DuckDB views take the names the script's tables take
  if (name === 'duckdb') for (const v of ['priced', 'inside']) await db.run(`DROP VIEW IF EXISTS ${v}`);
  const t2 = performance.now();
  const scriptCostFemto = await runScript(d, db);
  const scriptMs = performance.now() - t2;
  const t = usageDocument(r.data).totals;
  const costFemto = r.view.total.cost.costFemto;
  results.push({
    engine: name,
    loadMs,
    reportMs,
    scriptMs,
    requests: t.requests,
    costUsd: t.costUsd,
    costFemto: String(costFemto),
    scriptCostFemto: String(scriptCostFemto),
  });
  if (!json)
    console.log(
      `${name.padEnd(10)} ${rows.toLocaleString('en-US')} rows: load ${secs(loadMs)} s, report (--by ${BY}) ${secs(reportMs)} s, script ${secs(scriptMs)} s; ${t.requests.toLocaleString('en-US')} requests, ${costFemto} femto-USD (script: ${scriptCostFemto})`,
    );
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
  const cols = columnsFromFile({ seq: 'CAST(substr(id, 2) AS BIGINT)' });
  try {
    return await run('duckdb', db, `SELECT ${cols.join(', ')} FROM read_parquet(${duckdbWarehouse.literal(file)})`);
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
  const cols = columnsFromFile({ seq: 'toInt64(substring(id, 2))' });
  try {
    return await run(
      'clickhouse',
      db,
      `SELECT ${cols.join(', ')} FROM file(${clickhouse.literal(file)}, Parquet)`,
      ' ENGINE = MergeTree ORDER BY tuple()',
    );
  } finally {
    await db.close();
  }
}

if (only !== 'clickhouse') await duckdb();
if (only !== 'duckdb') await chdb();
if (json) console.log(JSON.stringify({ rows, results, skipped }));
// the same rows in every engine: the report's and the script's totals agree to the femto-dollar
const costs = new Set(results.flatMap((r) => [r.costFemto, r.scriptCostFemto]));
if (costs.size > 1) {
  console.error(`bench-warehouse: the totals differ: ${[...costs].join(', ')} femto-USD`);
  process.exit(1);
}
