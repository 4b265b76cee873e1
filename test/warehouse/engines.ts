/**
 * The real engines of the warehouse tests: a PostgreSQL connection (the server from
 * scripts/test-services.sh) and chDB (ClickHouse embedded, imported by path from its cache
 * folder), plus loading fixture logs into a table of the usage-table shape, read by the same
 * readers as a file report (counts estimated where missing, as the file path does).
 */
import { clickhouse, postgres, type WarehouseDialect } from '../../src/engine/dialect.js';
import { clickhouseDb, connectPostgres, type ClickHouseExec, type WarehouseDb } from '../../src/engine/warehouse/connect.js';
import { ingest, parseColumnMap } from '../../src/ingest/index.js';
import { CountEstimator } from '../../src/pipeline/estimate.js';
import { loadCatalog } from '../../src/pricing/load.js';
import { USAGE_COLUMNS, type CellValue } from '../../src/usage/table.js';

export async function fixtureRows(inputs: string[], map?: string): Promise<CellValue[][]> {
  const { catalog } = loadCatalog({ priceFiles: [] });
  const estimator = new CountEstimator(catalog);
  const rows: CellValue[][] = [];
  await ingest(inputs, { keepText: false, columns: map ? parseColumnMap(map) : undefined }, (r) => {
    if (r.countsMissing) estimator.fill(r);
    const seq = rows.length;
    rows.push(USAGE_COLUMNS.map((c) => c.get(r, seq)));
  });
  return rows;
}

/** Creates table `name` (usage-table columns) holding `rows`, as a plain table of the database. */
export async function loadUsageTable(db: WarehouseDb, d: WarehouseDialect, name: string, rows: CellValue[][]): Promise<void> {
  const [create, ...inserts] = d.tableFromRows(
    name,
    USAGE_COLUMNS.map((c) => ({ name: c.name, type: c.type })),
    rows,
  );
  await db.run(`DROP TABLE IF EXISTS ${name}`);
  await db.run(
    create.replace(/^DROP TABLE IF EXISTS pg_temp\.\w+;\n/, '').replace(/^CREATE (OR REPLACE )?TEMP(ORARY)? TABLE/, 'CREATE TABLE'),
  );
  for (const stmt of inserts) await db.run(stmt);
}

export async function openPostgres(url: string): Promise<WarehouseDb> {
  return connectPostgres(new URL(url), {});
}

/** chDB as a ClickHouse connection: one session (temporary tables), JSON rows like the HTTP client's. */
export async function openChdb(modulePath: string): Promise<WarehouseDb & { exec: ClickHouseExec }> {
  const { Session } = (await import(modulePath)) as {
    Session: new () => { query(sql: string, format?: string): string; cleanup(): void };
  };
  const session = new Session();
  const exec: ClickHouseExec = {
    command: async (sql) => {
      session.query(sql, 'CSV');
    },
    rows: async (sql) =>
      session
        .query(sql, 'JSONEachRow')
        .split('\n')
        .filter((l) => l.trim() !== '')
        .map((l) => JSON.parse(l) as Record<string, unknown>),
    close: async () => session.cleanup(),
  };
  return Object.assign(clickhouseDb(exec), { exec });
}

export { clickhouse, postgres };
