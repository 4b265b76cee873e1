/**
 * Parity where the data lives: the same fixtures, loaded into a real PostgreSQL server and into
 * ClickHouse (chDB), give the report JSON of the file path (DuckDB engine, itself equal to the
 * streaming path: test/engine/parity.test.ts), costs to the femto-dollar. Only the input
 * accounting differs by nature (a table is read, not files), so `inputs` and `issues` are left out
 * of the comparison; every total, group, quantile and warning about the data must be identical.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { WarehouseDialect } from '../../src/engine/dialect.js';
import type { WarehouseDb } from '../../src/engine/warehouse/connect.js';
import { reportFromWarehouse } from '../../src/engine/warehouse/remote-report.js';
import { parseDimensions } from '../../src/aggregate/dims.js';
import { toJson } from '../../src/report/format.js';
import { engineReport, type Flags } from '../engine/engine-env.js';
import { service } from '../services.js';
import { clickhouse, fixtureRows, loadUsageTable, openChdb, openPostgres, postgres } from './engines.js';
import { loadCatalog } from '../../src/pricing/load.js';
import { Pricer } from '../../src/pricing/cost.js';
import { dateToMs } from '../../src/pricing/compile.js';
import { usageDocument } from '../../src/report/data.js';

const NOW = '2026-11-23T00:00:00Z';
const CASES: Flags[] = [
  { inputs: ['fixtures/demo'] },
  { inputs: ['fixtures/demo'], by: 'feature,model' },
  { inputs: ['fixtures/demo'], by: 'customer' },
  { inputs: ['fixtures/demo'], by: 'user,outcome' },
  { inputs: ['fixtures/demo'], by: 'conversation' },
  { inputs: ['fixtures/demo'], by: 'day,provider,tier' },
  { inputs: ['fixtures/demo'], by: 'week' },
  { inputs: ['fixtures/demo'], by: 'month,source' },
  { inputs: ['fixtures/demo'], by: 'day,week', tz: 'America/Los_Angeles' },
  { inputs: ['fixtures/demo'], by: 'prompt,tag:feature' },
  { inputs: ['fixtures/demo'], since: '2026-10-10', until: '2026-10-20T12:00:00Z', by: 'feature' },
  { inputs: ['fixtures/demo'], reprice: 'current', by: 'feature' },
  { inputs: ['fixtures/demo'], reprice: '2025-01-01' },
  { inputs: ['fixtures/logs'], by: 'provider,tier' },
  { inputs: ['fixtures/logs'], by: 'project,model' },
  { inputs: ['fixtures/logs/anthropic', 'fixtures/logs/openai'], by: 'tag:context_window,tag:project_id' },
  // --top: only the shown groups leave the database, the rest in groupsLeftOut (time keys first; ties
  // at the cut all kept; repriced sums of the shown groups only)
  { inputs: ['fixtures/demo'], by: 'customer', top: 3 },
  { inputs: ['fixtures/demo'], by: 'day,feature', top: 4 },
  { inputs: ['fixtures/demo'], by: 'feature', top: 2, reprice: 'current' },
  { inputs: ['fixtures/logs'], by: 'provider,tier', top: 1 },
];

const time = (v: string | undefined) => (v === undefined ? undefined : /^\d{4}-\d{2}-\d{2}$/.test(v) ? dateToMs(v) : Date.parse(v));

/** The report JSON without the input accounting (files and their issues). */
function comparable(json: unknown): string {
  const j = JSON.parse(toJson(json)) as Record<string, unknown> & { warnings: Array<{ code: string }> };
  delete j.inputs;
  delete j.issues;
  j.warnings = j.warnings.filter((w) => !/record|line|file|issue|input/.test(w.code));
  return toJson(j);
}

async function warehouseJson(db: WarehouseDb, d: WarehouseDialect, table: string, f: Flags): Promise<string> {
  const nowMs = Date.parse(NOW);
  const { catalog } = loadCatalog({ priceFiles: [] });
  const reprice =
    f.reprice === 'current'
      ? { pricer: new Pricer(catalog, { atMs: nowMs }), label: `today's prices (${NOW.slice(0, 10)})` }
      : f.reprice
        ? { pricer: new Pricer(catalog, { atMs: dateToMs(f.reprice) }), label: `prices on ${f.reprice}` }
        : undefined;
  const report = await reportFromWarehouse(
    db,
    d,
    { table, name: `${d.name} table ${table}` },
    {
      dims: parseDimensions(f.by ?? 'model', f.tz),
      sinceMs: time(f.since),
      untilMs: time(f.until),
      filters: [f.since !== undefined ? `--since ${f.since}` : '', f.until !== undefined ? `--until ${f.until}` : ''].filter(Boolean),
      top: f.top,
    },
    { catalog, nowMs, reprice },
  );
  return comparable(usageDocument(report.data));
}

const tableOf = (f: Flags) => `fx_${f.inputs.join('_').replace(/[^a-z0-9]+/gi, '_')}`.toLowerCase();

function parity(name: string, d: WarehouseDialect, open: () => Promise<WarehouseDb> | undefined) {
  describe(`report JSON: ${name} = file path`, () => {
    let db: WarehouseDb | undefined;
    const loaded = new Set<string>();
    beforeAll(async () => {
      db = await open();
    }, 120_000);
    afterAll(async () => db?.close());
    it.each(CASES.map((f) => [JSON.stringify(f), f] as const))(
      '%s',
      async (_n, f) => {
        if (!db) return;
        const table = tableOf(f);
        if (!loaded.has(table)) {
          // a fresh connection per load would drop temporary tables; load once per input set
          await loadUsageTable(db, d, table, await fixtureRows(f.inputs));
          loaded.add(table);
        }
        const expected = comparable(usageDocument((await engineReport(f)).data));
        // each report runs in its own session (temporary tables)
        const session = await open();
        try {
          expect(await warehouseJson(session!, d, table, f)).toBe(expected);
        } finally {
          await session?.close();
        }
      },
      120_000,
    );
  });
}

parity('PostgreSQL', postgres, () => {
  const url = service('TOKENOMICS_TEST_PG_URL');
  return url ? openPostgres(url) : undefined;
});

let chdb: Awaited<ReturnType<typeof openChdb>> | undefined;
parity('ClickHouse (chDB)', clickhouse, () => {
  const path = service('TOKENOMICS_TEST_CHDB');
  if (!path) return undefined;
  // chDB is one engine per process: every "session" shares it (its temporary tables dropped per report)
  return (async () => {
    chdb ??= await openChdb(path);
    return { ...chdb, close: async () => {} };
  })();
});
afterAll(async () => chdb?.close());
