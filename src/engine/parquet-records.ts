/**
 * Parquet rows as records, for the commands that take records one by one (simulate, export, check
 * --traffic, whatif at other volumes): the Parquet files `report` reads in SQL have no TypeScript
 * reader. The rows go through the same SQL reader as report's (its mapping, checks, and rejections
 * at file:row), then are read back from its view a chunk at a time and handed on as records.
 */
import { mkdtempSync } from 'node:fs';
import { removeTemporary, temporary } from '../core/temporaries.js';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ColumnMapping } from '../ingest/types.js';
import { recordFromUsageRow } from '../usage/table.js';
import type { UsageRecord } from '../usage/record.js';
import { UsageDb } from './duckdb.js';
import { loadParquet } from './sql-readers/parquet.js';
import type { SqlLoad } from './sql-readers/load.js';

/**
 * Reads `file` into `db` (a view of its rows, read in place) and hands each record to `onRecord` in
 * file order. The counts and the rejected rows are the SQL reader's.
 */
export async function parquetRecordsInto(
  db: UsageDb,
  file: string,
  columns: ColumnMapping | undefined,
  onRecord: (r: UsageRecord) => void,
): Promise<SqlLoad> {
  const load = await loadParquet(db, file, columns);
  // a file error (not Parquet, no count columns): no view, nothing to hand on
  if (load.view === undefined || load.counts.counted === 0) return load;
  await db.eachRows(`SELECT * FROM ${load.view} ORDER BY seq`, (rows) => {
    for (const row of rows) onRecord(recordFromUsageRow(row));
  });
  return load;
}

/** As parquetRecordsInto, in a database of its own (opened for the file, closed after it). */
export async function readParquetRecords(
  file: string,
  columns: ColumnMapping | undefined,
  onRecord: (r: UsageRecord) => void,
  env: { memoryLimit?: string; tempRoot?: string } = {},
): Promise<SqlLoad> {
  // beyond the memory limit DuckDB spills to a temporary directory of its own, removed afterwards
  const tempDirectory = temporary(mkdtempSync(join(env.tempRoot || tmpdir(), 'tokenomics-duckdb-')));
  try {
    const db = await UsageDb.open({ memoryLimit: env.memoryLimit, tempDirectory });
    try {
      return await parquetRecordsInto(db, file, columns, onRecord);
    } finally {
      db.close();
    }
  } finally {
    removeTemporary(tempDirectory);
  }
}
