/**
 * `tokenomics sql` scripts run for real: the script for DuckDB, PostgreSQL and ClickHouse, executed
 * statement by statement on the demo fixtures loaded as a table, gives the exact total (femto-USD)
 * and request count of the file report (the engine's exact total, itself equal to the streaming
 * path). Unsupported dialects and unmapped columns exit 2.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { clickhouse, duckdbWarehouse, postgres, type WarehouseDialect } from '../../src/engine/dialect.js';
import { UsageDb } from '../../src/engine/duckdb.js';
import type { SqlDb } from '../../src/engine/sql-db.js';
import { buildScript, scriptStatements, type ScriptOptions } from '../../src/engine/warehouse/script.js';
import type { WarehouseDb } from '../../src/engine/warehouse/connect.js';
import { parseRoutesCsv } from '../../src/engine/warehouse/routes.js';
import type { RouteKey } from '../../src/engine/price-map.js';
import { divFemto, femtoToUsdNumber } from '../../src/pricing/money.js';
import { loadCatalog } from '../../src/pricing/load.js';
import { runCli } from '../cli/harness.js';
import { engineReport, NOW } from '../engine/engine-env.js';
import { service } from '../services.js';
import { fixtureRows, loadUsageTable, openChdb, openPostgres } from './engines.js';

type Rows = Array<Record<string, unknown>>;

/**
 * Runs the script as a user would, statement by statement; the rows of each result set, by the
 * name in its heading (`-- result "turns": ...`).
 */
async function runScript(db: SqlDb, d: WarehouseDialect, table: string, o: Partial<ScriptOptions> = {}): Promise<Map<string, Rows>> {
  const script = buildScript({
    dialect: d,
    table,
    catalog: loadCatalog({ priceFiles: [] }).catalog,
    nowMs: Date.parse(NOW),
    command: 'test',
    ...o,
  });
  const results = new Map<string, Rows>();
  for (const { result, sql } of scriptStatements(script)) {
    if (result) results.set(result, await db.query(sql));
    else await db.run(sql);
  }
  return results;
}

/** Logs with web searches, web fetches and grounded prompts, on the routes the script prices (model, provider as logged). */
const CHARGED = [
  'fixtures/logs/claude-code/web-search.jsonl',
  'fixtures/logs/openai/responses-web-search.jsonl',
  'fixtures/logs/gemini/grounding.jsonl',
  'fixtures/logs/litellm/web-search.jsonl',
];

const int = (v: unknown): bigint | null => (v === null || v === undefined ? null : BigInt(String(v)));
const n = (v: unknown): number => (v === null || v === undefined ? 0 : Number(v));
const usdPer = (cost: unknown, w: unknown) =>
  cost === null || cost === undefined ? undefined : femtoToUsdNumber(divFemto(BigInt(String(cost)), n(w)));

/**
 * Every section of the file report (DuckDB engine over the same inputs, itself equal to the
 * streaming path) against the script's result sets: totals, caching, per group, unpriced models,
 * turns, unread cache writes, the cost-per-request quantiles and the long-context cliffs, to the
 * femto-dollar. The script computes the money in SQL, the file report in TypeScript from sums.
 */
async function checkWholeReport(r: Map<string, Rows>, inputs: string[], by = 'model') {
  const { view, unpricedModels } = await engineReport({ inputs, by });
  const total = r.get('total')![0];
  const c = view.total.cost;
  expect(int(total.cost_femto)).toBe(c.costFemto);
  expect(n(total.requests)).toBe(view.total.sums.requests);
  // unpriced requests are counted, never priced at $0
  expect(n(total.unpriced_requests)).toBe(c.unpriced.requests);
  expect(n(total.cache_read_tokens)).toBe(view.total.sums.cacheReadTokens);
  expect(int(total.cost_without_caching_femto)).toBe(c.uncachedEquivalentFemto);

  const groups = r.get('groups')!.map((g) => ({ key: String(g[by]), requests: n(g.requests), costFemto: int(g.cost_femto) }));
  const want = view.groups.map((g) => ({ key: String(Object.values(g.key)[0]), requests: g.sums.requests, costFemto: g.cost.costFemto }));
  // in the report's order: most expensive first, unpriced (NULL cost) groups last whatever the engine's default
  const priced = groups.findIndex((g) => g.costFemto === null);
  const costs = (priced < 0 ? groups : groups.slice(0, priced)).map((g) => g.costFemto!);
  expect(costs).toEqual([...costs].sort((a, b) => (a < b ? 1 : a > b ? -1 : 0)));
  if (priced >= 0) expect(groups.slice(priced).every((g) => g.costFemto === null)).toBe(true);
  const byKey = (a: { key: string }, b: { key: string }) => a.key.localeCompare(b.key);
  expect(groups.sort(byKey)).toEqual(want.sort(byKey));
  const perGroup = new Map(r.get('group_distribution')!.map((g) => [String(g.g0), g]));
  for (const g of view.groups) {
    const q = perGroup.get(String(Object.values(g.key)[0]));
    expect({ p50: usdPer(q?.p50_cost, q?.p50_w), p99: usdPer(q?.p99_cost, q?.p99_w), max: usdPer(q?.max_cost, q?.max_w) }).toEqual({
      p50: g.p50,
      p99: g.p99,
      max: g.max,
    });
  }

  expect(new Map(r.get('unpriced')!.map((u) => [String(u.model), n(u.requests)]))).toEqual(unpricedModels);

  const turns = r
    .get('turns')!
    .map((t) => ({ turn: n(t.turn_no), requests: n(t.requests), promptTokens: n(t.prompt_tokens), costFemto: int(t.cost_femto) }));
  expect(turns).toEqual(
    view.turns.map((t) => ({ turn: t.turn, requests: t.requests, promptTokens: t.promptTokens, costFemto: t.cost.costFemto })),
  );

  const w = r.get('unread_writes')![0] ?? {};
  expect({
    writes: n(w.writes),
    tokens: n(w.tokens),
    costFemto: int(w.cost_femto) ?? 0n,
    premiumFemto: int(w.premium_femto) ?? 0n,
  }).toEqual(view.unreadWrites);

  const q = r.get('distribution')![0];
  const dist = view.distribution;
  expect({
    p50: usdPer(q.p50_cost, q.p50_w),
    p90: usdPer(q.p90_cost, q.p90_w),
    p99: usdPer(q.p99_cost, q.p99_w),
    max: usdPer(q.max_cost, q.max_w),
  }).toEqual({
    p50: dist.p50,
    p90: dist.p90,
    p99: dist.p99,
    max: dist.max,
  });

  const cliffs = r.get('cliffs')!.map((x) => ({
    model: String(x.model),
    threshold: n(x.threshold),
    operator: String(x.operator),
    requests: n(x.requests),
    premiumFemto: int(x.premium_femto),
    costFemto: int(x.cost_femto),
  }));
  expect(cliffs).toEqual(view.cliffs);
  return view;
}

const DEMO = ['fixtures/demo'];

/**
 * Anthropic Messages responses for claude-sonnet-4-5 (long-context tier: whole request over 200,000
 * prompt tokens): 150,000 input + 60,000 cache read = 210,000 and 200,001 input are over, 200,000
 * (not over: the operator is ">") is not.
 */
function longContextLog(): string {
  const dir = mkdtempSync(join(tmpdir(), 'tokenomics-lc-'));
  const line = (id: string, input: number, cacheRead: number) =>
    JSON.stringify({
      id,
      type: 'message',
      role: 'assistant',
      model: 'claude-sonnet-4-5-20250929',
      content: [{ type: 'text', text: 'ok' }],
      usage: { input_tokens: input, cache_creation_input_tokens: 0, cache_read_input_tokens: cacheRead, output_tokens: 500 },
    });
  const file = join(dir, 'long-context.jsonl');
  writeFileSync(file, `${[line('msg_lc1', 150_000, 60_000), line('msg_lc2', 200_001, 0), line('msg_lc3', 200_000, 0)].join('\n')}\n`);
  return file;
}
const LOGS = ['fixtures/logs'];
const csvCell = (v: unknown) => (/[",\n]/.test(String(v)) ? `"${String(v).replace(/"/g, '""')}"` : String(v));

/** The route keys of a first run's "routes" result, written as CSV and read back as --models-file reads it. */
function routesOf(first: Map<string, Rows>): RouteKey[] {
  const csv = [
    'model,provider,regional',
    ...first.get('routes')!.map((k) => [k.model, k.provider ?? '', k.regional ?? ''].map(csvCell).join(',')),
  ];
  return parseRoutesCsv(`${csv.join('\n')}\n`, 'routes.csv');
}

type Opener = () => Promise<{ db: WarehouseDb; d: WarehouseDialect } | undefined>;

function scriptParity(name: string, open: Opener) {
  describe(`sql script run in ${name} = the whole file report`, () => {
    let conn: { db: WarehouseDb; d: WarehouseDialect } | undefined;
    afterAll(async () => conn?.db.close());
    const ready = async () => (conn ??= await open());

    it('demo: totals, caching, groups, turns, unread writes, quantiles, unpriced', async () => {
      const c = await ready();
      if (!c) return;
      await loadUsageTable(c.db, c.d, 'script_demo', await fixtureRows(DEMO));
      const view = await checkWholeReport(await runScript(c.db, c.d, 'script_demo'), DEMO);
      // the demo exercises these sections: unpriced requests, cache writes never read, turns
      expect(view.total.cost.unpriced.requests).toBeGreaterThan(0);
      expect(view.unreadWrites.writes).toBeGreaterThan(0);
      expect(view.turns.length).toBeGreaterThan(1);
    }, 120_000);

    it("fixtures/logs (Bedrock, Vertex, regional routes) and long context, priced from the table's own route keys", async () => {
      const c = await ready();
      if (!c) return;
      const inputs = [...LOGS, longContextLog()];
      await loadUsageTable(c.db, c.d, 'script_logs', await fixtureRows(inputs));
      // first run: the catalog's ids on their providers; its "routes" result saved as CSV
      const first = await runScript(c.db, c.d, 'script_logs');
      const view = await checkWholeReport(await runScript(c.db, c.d, 'script_logs', { routes: routesOf(first) }), inputs);
      // Bedrock and regional ids are priced only from the table's keys: the first run leaves more unpriced
      expect(n(first.get('total')![0].unpriced_requests)).toBeGreaterThan(view.total.cost.unpriced.requests);
      expect(view.cliffs.map((x) => [x.model, x.requests])).toEqual([['claude-sonnet-4-5', 2]]);
    }, 180_000);

    it('per-call charges (web searches, fetches, grounding) priced like the file report', async () => {
      const c = await ready();
      if (!c) return;
      await loadUsageTable(c.db, c.d, 'script_charged', await fixtureRows(CHARGED));
      const r = await runScript(c.db, c.d, 'script_charged');
      expect(n(r.get('total')![0].web_search_calls)).toBeGreaterThan(0);
      await checkWholeReport(r, CHARGED);
    }, 120_000);
  });
}

/** DuckDB embedded: a fresh database with no usage table (the script creates its own view). */
async function openDuckDb(): Promise<WarehouseDb> {
  const db = await UsageDb.open({ threads: 1 });
  await db.seal();
  await db.run('DROP TABLE usage');
  return { run: db.run.bind(db), query: db.query.bind(db), loadTable: db.loadTable.bind(db), close: async () => db.close() };
}

scriptParity('duckdb', async () => ({ db: await openDuckDb(), d: duckdbWarehouse }));
// the rows numbered in an order, as Snowflake and Spark require (dialect.ts orderedRowNumber): the same report
scriptParity('duckdb, row_number() windows ordered', async () => ({
  db: await openDuckDb(),
  d: { ...duckdbWarehouse, orderedRowNumber: true },
}));
scriptParity('postgres', async () => {
  const url = service('TOKENOMICS_TEST_PG_URL');
  return url ? { db: await openPostgres(url), d: postgres } : undefined;
});
scriptParity('clickhouse (chDB)', async () => {
  const path = service('TOKENOMICS_TEST_CHDB');
  return path ? { db: await openChdb(path), d: clickhouse } : undefined;
});

/**
 * Where NULLs sort by default differs between engines: last in DuckDB and ClickHouse, first in a
 * descending order in PostgreSQL and Snowflake, first in an ascending one in BigQuery and Spark. DuckDB
 * takes each default as a setting (default_null_order), so the script runs here under each one.
 */
describe('sql script under each engine default NULL order (DuckDB default_null_order)', () => {
  const ORDERS = [
    ['nulls_last_on_asc_first_on_desc', 'PostgreSQL, Snowflake'],
    ['nulls_first_on_asc_last_on_desc', 'BigQuery, Spark'],
  ];
  it.each(ORDERS)(
    '%s (%s): the demo report, its unpriced groups last',
    async (order) => {
      const db = await openDuckDb();
      try {
        await db.run(`SET GLOBAL default_null_order = '${order}'`);
        await loadUsageTable(db, duckdbWarehouse, 'null_order_demo', await fixtureRows(DEMO));
        const r = await runScript(db, duckdbWarehouse, 'null_order_demo');
        // the demo has unpriced models: a group each, with a NULL cost
        expect(r.get('groups')!.some((g) => g.cost_femto === null)).toBe(true);
        await checkWholeReport(r, DEMO);
      } finally {
        await db.close();
      }
    },
    120_000,
  );

  it.each(ORDERS)(
    "%s (%s): untimed rows without an id come after those with one (the arrival order numbering a conversation's turns)",
    async (order) => {
      const db = await openDuckDb();
      try {
        await db.run(`SET GLOBAL default_null_order = '${order}'`);
        await db.run(
          'CREATE TABLE untimed (id VARCHAR, model VARCHAR, conversation_id VARCHAR, input_tokens BIGINT, output_tokens BIGINT)',
        );
        // one conversation, no times: the rows are numbered by id, the one without an id last (as DuckDB, the
        // file report's engine, sorts by default), so its turns hold 100, 200 and 300 prompt tokens in that order
        await db.run(
          "INSERT INTO untimed VALUES (NULL, 'gpt-4o', 'c', 300, 1), ('b', 'gpt-4o', 'c', 200, 1), ('a', 'gpt-4o', 'c', 100, 1)",
        );
        const r = await runScript(db, duckdbWarehouse, 'untimed', { map: 'id,model,conversation_id,input_tokens,output_tokens' });
        expect(r.get('turns')!.map((t) => [n(t.turn_no), n(t.prompt_tokens)])).toEqual([
          [1, 100],
          [2, 200],
          [3, 300],
        ]);
      } finally {
        await db.close();
      }
    },
    60_000,
  );
});

describe('sql script: cost per request by nearest rank over requests, rows of several requests', () => {
  // DuckDB's arg_min, and the portable picks (max over a CASE) the dialects without one use
  it.each([
    ['arg_min', duckdbWarehouse],
    ['max(CASE …)', { ...duckdbWarehouse, argMin: undefined, argMax: undefined }],
  ] as const)(
    'the row holding the ceil(n q / 100)-th request, by hand (%s)',
    async (_, d) => {
      const db = await openDuckDb();
      try {
        await db.run('CREATE TABLE multi (model VARCHAR, provider VARCHAR, input_tokens BIGINT, output_tokens BIGINT, requests BIGINT)');
        // per request: a 1,000 input tokens (1 request), b 2,000 (3 requests, 6,000 tokens), c 10,000 (1 request).
        // In per-request order the 5 requests are a, b, b, b, c (running counts 1, 4, 5). p50: request
        // ceil(5 * 50 / 100) = 3, in b; p90: ceil(4.5) = 5, in c; p99: ceil(4.95) = 5, c; the maximum: c
        await db.run(
          "INSERT INTO multi VALUES ('gpt-4o', 'openai', 10000, 0, 1), ('gpt-4o', 'openai', 1000, 0, 1), ('gpt-4o', 'openai', 6000, 0, 3)",
        );
        const r = await runScript(db, d, 'multi', { map: 'model,provider,input_tokens,output_tokens,requests' });
        const q = r.get('distribution')![0];
        expect([n(q.p50_w), n(q.p90_w), n(q.p99_w), n(q.max_w)]).toEqual([3, 1, 1, 1]);
        // one price per input token P: b's row costs 6,000 P and c's 10,000 P (no per-request fee on this card)
        const b = int(q.p50_cost)!;
        const c = int(q.p90_cost)!;
        expect(b * 10_000n).toBe(c * 6_000n);
        expect([int(q.p99_cost), int(q.max_cost)]).toEqual([c, c]);
      } finally {
        await db.close();
      }
    },
    60_000,
  );
});

describe('sql script in a DuckDB database of the user', () => {
  it("creates only temporary tables: the user's own agg, priced and turn_sums are left as they were", async () => {
    const db = await openDuckDb();
    try {
      for (const t of ['agg', 'priced', 'turn_sums']) await db.run(`CREATE TABLE memory.main.${t} AS SELECT 42 AS mine`);
      await loadUsageTable(db, duckdbWarehouse, 'user_usage', await fixtureRows(DEMO));
      const before = await db.query(`SELECT table_name FROM duckdb_tables() WHERE NOT temporary ORDER BY 1`);
      const r = await runScript(db, duckdbWarehouse, 'user_usage');
      expect(r.get('total')!.length).toBe(1);
      // the same permanent tables as before the script, and each of the user's still holds its one row
      expect(await db.query(`SELECT table_name FROM duckdb_tables() WHERE NOT temporary ORDER BY 1`)).toEqual(before);
      for (const t of ['agg', 'priced', 'turn_sums']) expect(await db.query(`SELECT * FROM memory.main.${t}`)).toEqual([{ mine: 42 }]);
    } finally {
      await db.close();
    }
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
  it('--map with bare usage column names reads only those columns; the others are 0 or NULL', async () => {
    const r = await runCli(['sql', '--dialect', 'postgres', '--table', 't', '--map', 'model,input_tokens,output_tokens,web_search_calls']);
    expect(r.code, r.stderr).toBe(0);
    const view = r.stdout.slice(r.stdout.indexOf('CREATE TEMP VIEW usage'));
    expect(view).toContain('src."model" AS model, CAST(NULL AS TEXT) AS provider');
    expect(view).toContain('src."input_tokens" AS input_tokens, 0 AS cache_read_tokens');
    expect(view).toContain('src."web_search_calls" AS web_search_calls, 0 AS web_search_preview_calls');
  });

  it('--models-file: route keys from CSV; a bad regional value or no model column: exit 2 with file:line', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tokenomics-routes-'));
    const good = join(dir, 'routes.csv');
    writeFileSync(good, 'model,provider,regional\nus.anthropic.claude-sonnet-4-5-20250929-v1:0,bedrock,\nclaude-sonnet-4-5,anthropic,t\n');
    const ok = await runCli(['sql', '--dialect', 'duckdb', '--table', 't', '--models-file', good]);
    expect(ok.code, ok.stderr).toBe(0);
    // one price segment per key (no price changes or dated uplift rules for these two)
    expect(ok.stdout).toMatch(/-- Price rows: 2 model routes/);
    expect(ok.stdout).toContain("'us.anthropic.claude-sonnet-4-5-20250929-v1:0', 'bedrock', NULL,");
    const bad = join(dir, 'bad.csv');
    writeFileSync(bad, 'model,provider,regional\ngpt-4o,openai,maybe\n');
    const r = await runCli(['sql', '--dialect', 'duckdb', '--table', 't', '--models-file', bad]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/bad\.csv:2: regional "maybe" is not true, false or empty/);
    writeFileSync(bad, 'id,provider\ngpt-4o,openai\n');
    const noModel = await runCli(['sql', '--dialect', 'duckdb', '--table', 't', '--models-file', bad]);
    expect(noModel.code).toBe(2);
    expect(noModel.stderr).toMatch(/bad\.csv:1: no "model" column in the header/);
  });

  it('a ready-made mapping for another engine: exit 2', async () => {
    const r = await runCli(['sql', '--dialect', 'postgres', '--table', 'observations', '--map', 'langfuse']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/--map langfuse is written for clickhouse, not postgres/);
  });
});
