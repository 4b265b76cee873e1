/**
 * Report sums do not depend on the order SQL hands its rows over (a hash aggregate's order varies
 * from run to run): sums past 2^53 are added exactly and converted once. The same table is reported
 * through a SqlDb that reorders every result (reversed, rotated), and every order gives the exact total.
 */
import { describe, expect, it } from 'vitest';
import { parseDimensions } from '../../src/aggregate/dims.js';
import { UsageDb } from '../../src/engine/duckdb.js';
import { reportFromTable } from '../../src/engine/report.js';
import type { Row, SqlDb } from '../../src/engine/sql-db.js';
import { loadCatalog } from '../../src/pricing/load.js';
import { emptyUsage } from '../../src/usage/record.js';
import { NOW } from './engine-env.js';

const orders: Record<string, (rows: Row[]) => Row[]> = {
  'as given': (rows) => rows,
  reversed: (rows) => [...rows].reverse(),
  'rotated by one': (rows) => [...rows.slice(1), ...rows.slice(0, 1)],
  'rotated by two': (rows) => [...rows.slice(2), ...rows.slice(0, 2)],
};

describe('report sums past 2^53', () => {
  it('are exact whatever the order of the rows of each price key', async () => {
    // three models (three price keys): 2^53 - 1, 1 and 2 uncached input tokens (each a safe integer).
    // Exact total 2^53 + 2 = 9007199254740994 (a double). Added as doubles in the order 2^53 - 1, 2, 1:
    // 2^53 - 1 + 2 = 2^53 + 1 rounds to 2^53 (ties to even), + 1 rounds to 2^53 again: 9007199254740992
    const db = await UsageDb.open({ threads: 1 });
    try {
      const counts: Array<[string, number]> = [
        ['gpt-4o-mini', 2 ** 53 - 1],
        ['gpt-4.1', 1],
        ['gpt-4.1-nano', 2],
      ];
      counts.forEach(([model, input], i) => {
        const r = emptyUsage(model, `r${i}`, 'big.jsonl', i + 1);
        r.inputTokens = input;
        r.outputTokens = 1;
        r.timeMs = Date.parse('2026-10-01T00:00:00Z');
        db.append(r);
      });
      await db.seal();
      const { catalog } = loadCatalog({ priceFiles: [] });
      const env = { catalog, nowMs: Date.parse(NOW) };
      for (const [name, reorder] of Object.entries(orders)) {
        const reordered: SqlDb = {
          run: (q) => db.run(q),
          query: async (q) => reorder(await db.query(q)),
          loadTable: (n, c, r) => db.loadTable(n, c, r),
        };
        const { view } = await reportFromTable(reordered, { dims: parseDimensions('provider') }, env);
        expect(view.total.sums.inputTokens, name).toBe(9007199254740994);
        // the one group (openai) holds every row: the same sum
        expect(
          view.groups.map((g) => g.sums.inputTokens),
          name,
        ).toEqual([9007199254740994]);
      }
    } finally {
      db.close();
    }
  });
});
