/** Ingests inputs into a fresh usage table twice, by the TypeScript readers and with the SQL readers first, for parity tests. */
import { UsageDb } from '../../src/engine/duckdb.js';
import { loadWithSql } from '../../src/engine/sql-readers/index.js';
import { ingest } from '../../src/ingest/index.js';
import type { IngestOptions } from '../../src/ingest/types.js';

/**
 * Rows (every usage column but seq, in arrival order), counts and issues of each way; `took`: what SQL
 * read the last file as. `sqlDb`: the threads of the database the SQL readers read into (default 1)
 * and what is run on it before they read (a setting to test a path with).
 */
export async function both(
  file: string | string[],
  options: IngestOptions = { keepText: false },
  sqlDb: { threads?: number; prepare?: (db: UsageDb) => Promise<void> } = {},
) {
  const out = [];
  for (const sql of [false, true]) {
    const db = await UsageDb.open({ threads: sql ? (sqlDb.threads ?? 1) : 1 });
    try {
      if (sql && sqlDb.prepare) await sqlDb.prepare(db);
      let took: string | undefined;
      const readFile = async (f: string) => {
        const r = await loadWithSql(db, f, options);
        took = r === 'fallback' ? undefined : r.format;
        return r === 'fallback' ? undefined : r;
      };
      const result = await ingest(([] as string[]).concat(file), options, (r) => db.append(r), { readFile: sql ? readFile : undefined });
      await db.seal();
      const rows = (await db.query('SELECT * FROM usage ORDER BY seq')).map(({ seq: _seq, ...rest }) => rest);
      out.push({ rows, counts: result.counts, issues: result.issues, took });
    } finally {
      db.close();
    }
  }
  const [ts, sql] = out;
  return { ts, sql };
}
