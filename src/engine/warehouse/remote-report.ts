/**
 * `report` where the data lives: the user's table seen through the normalization view as the
 * usage table, then the very same report queries (report-queries.ts) and the same TypeScript money
 * and JSON as the file path (engine/report.ts). Rows with negative or fractional counts are
 * rejected and counted, as a file's invalid records are; `--strict` makes any of them exit 2.
 */
import type { Issue } from '../../core/issues.js';
import { UserError } from '../../core/issues.js';
import type { IngestResult } from '../../ingest/index.js';
import type { WarehouseDialect } from '../dialect.js';
import { reportFromTable, withWarningsAndData, type EngineEnv, type EngineReport, type EngineTask } from '../report.js';
import type { SqlDb } from '../sql-db.js';
import {
  accountingSql,
  COUNT_COLUMNS,
  fitMapping,
  parseMapping,
  rejectedSampleSql,
  tableParts,
  tableSql,
  usageViewSelect,
} from './mapping.js';

export interface WarehouseSource {
  table: string;
  map?: string;
  /** How the source is named in the report ("postgres table LiteLLM_SpendLogs"). */
  name: string;
}

/**
 * The mapping, fitted to the table's columns as the database's catalog lists them: optional usage
 * columns the table lacks are read as 0 (counts, charges) or NULL; a missing required or named
 * column exits 2 naming it.
 */
async function fittedMapping(db: SqlDb, d: WarehouseDialect, source: WarehouseSource, log: (line: string) => void) {
  const mapping = parseMapping(source.map, d);
  tableSql(source.table, d);
  if (!mapping.byName || !d.columnsSql) return mapping;
  const parts = tableParts(source.table);
  const name = parts[parts.length - 1];
  const schema = parts.length > 1 ? parts[parts.length - 2] : undefined;
  const columns = new Set((await db.query(d.columnsSql(schema, name))).map((r) => String(r.column_name)));
  // no columns listed: no such table (or none visible); the engine's own message says which
  if (columns.size === 0) return mapping;
  const { mapping: fitted, defaulted } = fitMapping(mapping, columns, source.table);
  // no seq column: arrival order is time, then id (mapping.ts)
  const shown = defaulted.filter((c) => c !== 'seq');
  if (shown.length) log(`${source.name} has no column ${shown.join(', ')}: read as 0 (counts, charges) or NULL`);
  return fitted;
}

const n = (v: unknown): number => (v === null || v === undefined ? 0 : Number(v));

export async function reportFromWarehouse(
  db: SqlDb,
  d: WarehouseDialect,
  source: WarehouseSource,
  task: EngineTask,
  env: Pick<EngineEnv, 'catalog' | 'nowMs' | 'reprice' | 'strict'>,
  /** --verbose lines (which columns the table lacks and are read as their defaults). */
  log: (line: string) => void = () => {},
): Promise<EngineReport> {
  for (const stmt of d.preamble) await db.run(stmt);
  const mapping = await fittedMapping(db, d, source, log);
  const acct = (await db.query(accountingSql(mapping, source.table, source.name, d)))[0] ?? {};
  const read = n(acct.read_rows);
  const rejected = n(acct.rejected_rows);
  const issues: Issue[] = [];
  if (rejected > 0) {
    for (const row of await db.query(rejectedSampleSql(mapping, source.table, source.name, d))) {
      const bad = COUNT_COLUMNS.filter((c) => {
        const v = row[c];
        return v === null || v === undefined || !/^\d+(\.0*)?$/.test(String(v));
      });
      issues.push({
        severity: 'error',
        code: 'invalid-count',
        message: `row ${row.id === null || row.id === undefined ? `#${n(row.seq) + 1}` : String(row.id)}: ${bad.map((c) => `${c} = ${row[c] === null ? 'NULL' : String(row[c])}`).join(', ')} is not a whole non-negative number`,
        file: source.name,
        hint: 'fix the row or the mapping (--map); the report leaves the row out',
      });
    }
    if (env.strict)
      throw new UserError(
        `--strict: ${rejected} row${rejected === 1 ? '' : 's'} of ${source.name} rejected${issues[0] ? ` (${issues[0].message})` : ''}`,
        issues[0]?.hint,
      );
  }
  await db.run(d.view('usage', usageViewSelect(mapping, source.table, source.name, d)));
  const ingest: IngestResult = {
    files: [{ path: source.name, format: `${d.name} table (${mapping.name})`, bytes: 0 }],
    counts: { read, counted: read - rejected, skipped: {}, rejected: rejected ? { 'invalid-count': rejected } : {} },
    issues,
  };
  return withWarningsAndData(await reportFromTable(db, task, env, d), ingest, task, env);
}
