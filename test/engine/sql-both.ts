/** Ingests inputs into a fresh usage table twice, by the TypeScript readers and with the SQL readers first, for parity tests. */
import { UsageDb } from '../../src/engine/duckdb.js';
import { loadWithSql } from '../../src/engine/sql-readers/index.js';
import { ingest } from '../../src/ingest/index.js';
import type { IngestOptions } from '../../src/ingest/types.js';

/** Rows (every usage column but seq, in arrival order), counts and issues of each way; `took`: what SQL read the last file as. */
export async function both(file: string | string[], options: IngestOptions = { keepText: false }) {
  const out = [];
  for (const sql of [false, true]) {
    const db = await UsageDb.open({ threads: 1 });
    try {
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
