/**
 * Edge rows where the data lives: a table built by hand (tag names holding a backslash or a quote),
 * reported in DuckDB (`sql --dialect duckdb`'s engine), PostgreSQL and ClickHouse (chDB), the report
 * and the `sql` script alike.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { parseDimensions } from '../../src/aggregate/dims.js';
import { clickhouse, duckdbWarehouse, postgres, type WarehouseDialect } from '../../src/engine/dialect.js';
import { UsageDb } from '../../src/engine/duckdb.js';
import type { WarehouseDb } from '../../src/engine/warehouse/connect.js';
import { reportFromWarehouse } from '../../src/engine/warehouse/remote-report.js';
import { buildScript, scriptStatements } from '../../src/engine/warehouse/script.js';
import { loadCatalog } from '../../src/pricing/load.js';
import { usageDocument } from '../../src/report/data.js';
import { toJson } from '../../src/report/format.js';
import { USAGE_COLUMNS, type CellValue } from '../../src/usage/table.js';
import { NOW } from '../engine/engine-env.js';
import { service } from '../services.js';
import { loadUsageTable, openChdb, openPostgres } from './engines.js';

/** DuckDB embedded as the warehouse: a fresh database with no usage table (the report creates its view). */
async function openDuckDb(): Promise<WarehouseDb> {
  const db = await UsageDb.open({ threads: 1 });
  await db.seal();
  await db.run('DROP TABLE usage');
  return { run: db.run.bind(db), query: db.query.bind(db), loadTable: db.loadTable.bind(db), close: async () => db.close() };
}

let chdb: Awaited<ReturnType<typeof openChdb>> | undefined;
afterAll(async () => chdb?.close());
const ENGINES: Array<[string, WarehouseDialect, () => Promise<WarehouseDb | undefined>]> = [
  ['duckdb', duckdbWarehouse, openDuckDb],
  [
    'postgres',
    postgres,
    async () => {
      const url = service('TOKENOMICS_TEST_PG_URL');
      return url ? openPostgres(url) : undefined;
    },
  ],
  [
    'clickhouse (chDB)',
    clickhouse,
    async () => {
      const path = service('TOKENOMICS_TEST_CHDB');
      if (!path) return undefined;
      // chDB is one engine per process: every "session" shares it
      chdb ??= await openChdb(path);
      return { ...chdb, close: async () => {} };
    },
  ],
];

const nowMs = Date.parse(NOW);
const catalog = () => loadCatalog({ priceFiles: [] }).catalog;

/** The report JSON of table `table` without the input accounting (a table is read, not files). */
async function tableJson(db: WarehouseDb, d: WarehouseDialect, table: string, by: string, tz?: string): Promise<string> {
  const report = await reportFromWarehouse(
    db,
    d,
    { table, name: `${d.name} table ${table}` },
    { dims: parseDimensions(by, tz), filters: [] },
    {
      catalog: catalog(),
      nowMs,
    },
  );
  return comparable(usageDocument(report.data));
}

function comparable(json: unknown): string {
  const j = JSON.parse(toJson(json)) as Record<string, unknown> & { warnings: Array<{ code: string }> };
  delete j.inputs;
  delete j.issues;
  j.warnings = j.warnings.filter((w) => !/record|line|file|issue|input/.test(w.code));
  return toJson(j);
}

/** The script's result sets (all values as text), run statement by statement as a user would. */
async function scriptResults(
  db: WarehouseDb,
  d: WarehouseDialect,
  table: string,
  by: string,
): Promise<Map<string, Array<Record<string, string | null>>>> {
  const script = buildScript({ dialect: d, table, catalog: catalog(), nowMs, command: 'test', by, models: ['gpt-4o@openai'] });
  const out = new Map<string, Array<Record<string, string | null>>>();
  for (const { result, sql } of scriptStatements(script)) {
    if (!result) await db.run(sql);
    else
      out.set(
        result,
        (await db.query(sql)).map((r) =>
          Object.fromEntries(Object.entries(r).map(([k, v]) => [k, v === null || v === undefined ? null : String(v)])),
        ),
      );
  }
  return out;
}

/** A usage-table row: the given cells, counts 0, one request, other cells NULL. */
function row(seq: number, cells: Record<string, CellValue>): CellValue[] {
  return USAGE_COLUMNS.map((c) =>
    c.name === 'seq'
      ? seq
      : Object.hasOwn(cells, c.name)
        ? cells[c.name]
        : c.name === 'requests'
          ? 1
          : c.name === 'estimated'
            ? false
            : c.name === 'source_file'
              ? 'edge'
              : c.nullable || c.type === 'VARCHAR'
                ? null
                : 0,
  );
}

const JUNE = Date.parse('2026-06-01T00:00:00Z');

describe.each(ENGINES)('a table of edge rows: %s', (_name, d, open) => {
  it('tag names holding a backslash or a quote find their key (--by tag:NAME)', async () => {
    const db = await open();
    if (!db) return;
    try {
      // keys a\b, c\ and it's (JSON text escapes the backslash)
      const tags = (o: Record<string, string>) => JSON.stringify(o);
      await loadUsageTable(db, d, 'edge_tags', [
        row(0, {
          id: 't1',
          model: 'gpt-4o',
          provider: 'openai',
          input_tokens: 1000,
          output_tokens: 0,
          time_ms: JUNE,
          tags: tags({ 'a\\b': 'x', 'c\\': 'y' }),
        }),
        row(1, {
          id: 't2',
          model: 'gpt-4o',
          provider: 'openai',
          input_tokens: 3000,
          output_tokens: 0,
          time_ms: JUNE,
          tags: tags({ "it's": 'z' }),
        }),
      ]);
      const groups = async (by: string) =>
        (
          JSON.parse(await tableJson(db, d, 'edge_tags', by)) as {
            groups: Array<{ key: Record<string, string | null>; requests: number; costUsd: number }>;
          }
        ).groups.map((g) => [Object.values(g.key)[0], g.requests, g.costUsd]);
      // t1: 1,000 x $2.50 / 1M = $0.0025; t2: 3,000 x $2.50 / 1M = $0.0075; most expensive first
      expect(await groups('tag:a\\b')).toEqual([
        [null, 1, 0.0075],
        ['x', 1, 0.0025],
      ]);
      expect(await groups('tag:c\\')).toEqual([
        [null, 1, 0.0075],
        ['y', 1, 0.0025],
      ]);
      expect(await groups("tag:it's")).toEqual([
        ['z', 1, 0.0075],
        [null, 1, 0.0025],
      ]);
      // the script's groups, by the same lookup: 1,000 x 2.5e9 femto-USD per token = 2.5e12
      const r = await scriptResults(db, d, 'edge_tags', 'tag:a\\b');
      expect(r.get('groups')!.map((g) => [g['tag_a\\b'], g.cost_femto])).toEqual([
        ['(none)', '7500000000000'],
        ['x', '2500000000000'],
      ]);
    } finally {
      await db.close();
    }
  }, 120_000);
});
