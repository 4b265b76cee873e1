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
import { Pricer } from '../../src/pricing/cost.js';
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
  it('price the cost without caching exactly when the input buckets together pass 2^53', async () => {
    // one gpt-4o-mini record: 2^53 - 1 uncached and 2 cached input tokens, 1 output. Without caching every input
    // token is priced as input: (2^53 - 1 + 2) x input + 1 x output. The buckets added as numbers first gave 2^53 x input
    const db = await UsageDb.open({ threads: 1 });
    try {
      const r = emptyUsage('gpt-4o-mini', 'c1', 'cache.jsonl', 1);
      r.inputTokens = 2 ** 53 - 1;
      r.cacheReadTokens = 2;
      r.outputTokens = 1;
      r.timeMs = Date.parse('2026-10-01T00:00:00Z');
      db.append(r);
      await db.seal();
      const { catalog } = loadCatalog({ priceFiles: [] });
      const env = { catalog, nowMs: Date.parse(NOW) };
      const card = new Pricer(catalog, { defaultMs: env.nowMs }).cardFor(r);
      if (!card) throw new Error('gpt-4o-mini has no card');
      const { view } = await reportFromTable(db, { dims: parseDimensions('model') }, env);
      expect(view.total.cost.uncachedEquivalentFemto).toBe((2n ** 53n + 1n) * card.prices.input + card.prices.output);
    } finally {
      db.close();
    }
  });

  it('give the same card warnings and long-context bands whatever the order of the rows (added per card in price-key order)', async () => {
    // gemini-2.5-pro at the flex tier (no flex price: a warning on each card) on three cards: two price periods,
    // and above its 200k-token band; 2^53 - 1, 1 and 2 requests (added as numbers, the order changed the count)
    const db = await UsageDb.open({ threads: 1 });
    try {
      const rows: Array<[string, number, number]> = [
        ['2025-06-01T00:00:00Z', 1000, 2 ** 53 - 1],
        ['2025-12-01T00:00:00Z', 1000, 1],
        ['2025-12-01T00:00:00Z', 600_000, 2],
      ];
      rows.forEach(([at, input, requests], i) => {
        const r = emptyUsage('gemini-2.5-pro', `g${i}`, 'flex.jsonl', i + 1);
        r.inputTokens = input;
        r.outputTokens = 1;
        r.requests = requests;
        r.serviceTier = 'flex';
        r.timeMs = Date.parse(at);
        db.append(r);
      });
      await db.seal();
      const { catalog } = loadCatalog({ priceFiles: [] });
      const env = { catalog, nowMs: Date.parse(NOW) };
      const views = [];
      for (const reorder of Object.values(orders)) {
        const reordered: SqlDb = {
          run: (q) => db.run(q),
          query: async (q) => reorder(await db.query(q)),
          loadTable: (n, c, r) => db.loadTable(n, c, r),
        };
        views.push((await reportFromTable(reordered, { dims: parseDimensions('model') }, env)).view);
      }
      // the rows reach three cards, each with the warning
      expect(views[0].cardWarnings.length).toBeGreaterThan(0);
      for (const v of views.slice(1)) {
        expect(v.cardWarnings).toEqual(views[0].cardWarnings);
        expect(v.cliffs).toEqual(views[0].cliffs);
        expect(v.total.cost).toEqual(views[0].total.cost);
      }
    } finally {
      db.close();
    }
  });

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
