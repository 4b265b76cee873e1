/** Rows of one SQL statement in a fresh in-memory DuckDB: an independent reader of the files the commands write. */
import { DuckDBInstance } from '@duckdb/node-api';

export async function duckdbRows(sql: string): Promise<Record<string, unknown>[]> {
  const db = await DuckDBInstance.create(':memory:');
  const c = await db.connect();
  try {
    return (await c.runAndReadAll(sql)).getRowObjectsJS() as Record<string, unknown>[];
  } finally {
    c.closeSync();
    db.closeSync();
  }
}
