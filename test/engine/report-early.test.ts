/**
 * The passes a report starts before agg (the turns and the unread cache writes, where queries run
 * at once: reportFromTable's `early`) give what they give after it: the same report view over the
 * same table through a plain SqlDb, which runs every statement one after another and knows nothing
 * of the rows (the independent path). The demo data has conversations and cache writes, some unread.
 */
import { describe, expect, it } from 'vitest';
import { parseDimensions } from '../../src/aggregate/dims.js';
import { UsageDb } from '../../src/engine/duckdb.js';
import { reportFromTable } from '../../src/engine/report.js';
import type { SqlDb } from '../../src/engine/sql-db.js';
import { loadWithSql } from '../../src/engine/sql-readers/index.js';
import { ingest } from '../../src/ingest/index.js';
import { loadCatalog } from '../../src/pricing/load.js';
import { NOW } from './engine-env.js';

const DEMO = ['fixtures/demo/anthropic-2026-10.jsonl', 'fixtures/demo/openai-2026-10.jsonl'];

describe('report passes started before agg', () => {
  it('give the turns and unread writes of the passes run after agg, and start before agg_flags', async () => {
    const db = await UsageDb.open({ threads: 2 });
    try {
      const options = { keepText: false };
      await ingest(DEMO, options, (r) => db.append(r), {
        readFile: async (f) => {
          const r = await loadWithSql(db, f, options);
          return r === 'fallback' ? undefined : r;
        },
      });
      await db.seal();
      const { catalog } = loadCatalog({ priceFiles: [] });
      const task = { dims: parseDimensions('model') };
      const env = { catalog, nowMs: Date.parse(NOW) };
      const plain: SqlDb = { run: (q) => db.run(q), query: (q) => db.query(q), loadTable: (n, c, r) => db.loadTable(n, c, r) };
      const late = await reportFromTable(plain, task, env);
      // the statements' start times are recorded with TOKENOMICS_DEBUG_TIMINGS (unset again before close, which prints them)
      const was = process.env.TOKENOMICS_DEBUG_TIMINGS;
      process.env.TOKENOMICS_DEBUG_TIMINGS = '1';
      const early = await reportFromTable(db, task, env).finally(() => {
        if (was === undefined) delete process.env.TOKENOMICS_DEBUG_TIMINGS;
        else process.env.TOKENOMICS_DEBUG_TIMINGS = was;
      });
      expect(early.view).toEqual(late.view);
      // the demo exercises both passes
      expect(early.view.turns.length).toBeGreaterThan(1);
      expect(early.view.unreadWrites.writes).toBeGreaterThan(0);
      // started (timings: [sql, ms, cpu ms, start, cpu start]) before the statement after agg
      const runs = db.timings;
      const start = (head: RegExp) => runs.find(([sql]) => head.test(sql))?.[3] ?? Number.NaN;
      const aggFlags = start(/^CREATE OR REPLACE TABLE agg_flags/);
      expect(start(/^WITH t0 AS/)).toBeLessThan(aggFlags);
      expect(start(/^WITH ws AS/)).toBeLessThan(aggFlags);
    } finally {
      db.close();
    }
  });
});
