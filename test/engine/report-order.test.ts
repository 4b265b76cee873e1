/**
 * Report numbers do not depend on the order SQL hands its rows over (a hash aggregate's order varies
 * from run to run), and stay exact past 2^53 where they are added: the same table is reported through
 * a SqlDb that reorders every result (reversed, rotated), and every order gives the same, exact view.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { CostAccumulator } from '../../src/aggregate/accumulator.js';
import { parseDimensions } from '../../src/aggregate/dims.js';
import type { UsageView } from '../../src/aggregate/view.js';
import { UsageDb } from '../../src/engine/duckdb.js';
import { reportFromTable } from '../../src/engine/report.js';
import type { Row, SqlDb } from '../../src/engine/sql-db.js';
import { Pricer } from '../../src/pricing/cost.js';
import { loadCatalog } from '../../src/pricing/load.js';
import { emptyUsage, type UsageRecord } from '../../src/usage/record.js';
import { NOW } from './engine-env.js';

const orders: Record<string, (rows: Row[]) => Row[]> = {
  'as given': (rows) => rows,
  reversed: (rows) => [...rows].reverse(),
  'rotated by one': (rows) => [...rows.slice(1), ...rows.slice(0, 1)],
  'rotated by two': (rows) => [...rows.slice(2), ...rows.slice(0, 2)],
};

const { catalog } = loadCatalog({ priceFiles: [] });
const env = { catalog, nowMs: Date.parse(NOW) };

let db: UsageDb | undefined;
afterEach(() => {
  db?.close();
  db = undefined;
});

/** A sealed table of records with the fields given (one output token, 2026-10-01 unless given). */
async function tableOf(records: Array<Partial<UsageRecord> & { model: string }>): Promise<{ db: UsageDb; records: UsageRecord[] }> {
  db = await UsageDb.open({ threads: 1 });
  const made = records.map((fields, i) => ({
    ...emptyUsage(fields.model, `r${i}`, 'order.jsonl', i + 1),
    outputTokens: 1,
    timeMs: Date.parse('2026-10-01T00:00:00Z'),
    ...fields,
  }));
  for (const r of made) db.append(r);
  await db.seal();
  return { db, records: made };
}

/** The report view by `by` through a SqlDb that hands every result over in each order of `orders`. */
async function viewsInEveryOrder(table: UsageDb, by: string): Promise<Array<[string, UsageView]>> {
  const views: Array<[string, UsageView]> = [];
  for (const [name, reorder] of Object.entries(orders)) {
    const reordered: SqlDb = {
      run: (q) => table.run(q),
      query: async (q) => reorder(await table.query(q)),
      loadTable: (n, c, r) => table.loadTable(n, c, r),
    };
    views.push([name, (await reportFromTable(reordered, { dims: parseDimensions(by) }, env)).view]);
  }
  return views;
}

describe('report numbers past 2^53', () => {
  it('are exact whatever the order of the rows of each price key', async () => {
    // three models (three price keys): 2^53 - 1, 1 and 2 uncached input tokens (each a safe integer).
    // Exact total 2^53 + 2 = 9007199254740994 (a double). Added as doubles in the order 2^53 - 1, 2, 1:
    // 2^53 - 1 + 2 = 2^53 + 1 rounds to 2^53 (ties to even), + 1 rounds to 2^53 again: 9007199254740992
    const { db: table } = await tableOf([
      { model: 'gpt-4o-mini', inputTokens: 2 ** 53 - 1 },
      { model: 'gpt-4.1', inputTokens: 1 },
      { model: 'gpt-4.1-nano', inputTokens: 2 },
    ]);
    for (const [name, view] of await viewsInEveryOrder(table, 'provider')) {
      expect(view.total.sums.inputTokens, name).toBe(9007199254740994);
      // the one group (openai) holds every row: the same sum
      expect(
        view.groups.map((g) => g.sums.inputTokens),
        name,
      ).toEqual([9007199254740994]);
    }
  });

  it('give the same card warnings and long-context bands whatever the order of the rows (added per card in price-key order)', async () => {
    // gemini-2.5-pro at the flex tier (no flex price: a warning on each card) on three cards: two price periods,
    // and above its 200k-token band; 2^53 - 1, 1 and 2 requests (added as numbers, the order changed the count)
    const flex = { model: 'gemini-2.5-pro', serviceTier: 'flex' as const };
    const { db: table } = await tableOf([
      { ...flex, timeMs: Date.parse('2025-06-01T00:00:00Z'), inputTokens: 1000, requests: 2 ** 53 - 1 },
      { ...flex, timeMs: Date.parse('2025-12-01T00:00:00Z'), inputTokens: 1000, requests: 1 },
      { ...flex, timeMs: Date.parse('2025-12-01T00:00:00Z'), inputTokens: 600_000, requests: 2 },
    ]);
    const [[, first], ...rest] = await viewsInEveryOrder(table, 'model');
    // the rows reach three cards, each with the warning
    expect(first.cardWarnings.length).toBeGreaterThan(0);
    for (const [name, v] of rest) {
      expect(v.cardWarnings, name).toEqual(first.cardWarnings);
      expect(v.cliffs, name).toEqual(first.cliffs);
      expect(v.total.cost, name).toEqual(first.total.cost);
    }
  });

  it('price a price key whose token sum passes 2^53 exactly (its sum is not made a double first)', async () => {
    // two gpt-4o-mini rows on one card: 2^52 + 1 and 2^52 uncached input tokens (each a safe integer), 1 output
    // token each. The key's input sum is 2^53 + 1 = 9007199254740993, which no double holds: as a number it
    // became 2^53 and the cost lost one token's price. Exact: (2^53 + 1) x input + 2 x output; without caching
    // the same, every input token being uncached.
    const { db: table, records } = await tableOf([
      { model: 'gpt-4o-mini', inputTokens: 2 ** 52 + 1 },
      { model: 'gpt-4o-mini', inputTokens: 2 ** 52 },
    ]);
    const card = new Pricer(catalog, { defaultMs: env.nowMs }).cardFor(records[0]);
    if (!card) throw new Error('gpt-4o-mini has no card');
    const exact = (2n ** 53n + 1n) * card.prices.input + 2n * card.prices.output;
    for (const [name, view] of await viewsInEveryOrder(table, 'model')) {
      expect(view.total.cost.components.input, name).toBe((2n ** 53n + 1n) * card.prices.input);
      expect(view.total.cost.costFemto, name).toBe(exact);
      expect(view.total.cost.uncachedEquivalentFemto, name).toBe(exact);
      expect(view.groups[0].cost.costFemto, name).toBe(exact);
    }
  });

  it('the per-record accumulator (TypeScript passes) prices a card whose sum passes 2^53 exactly too', () => {
    // the same two records added one by one: 2^52 + 1 + 2^52 = 2^53 + 1 input tokens on one card, 2 output tokens
    const pricer = new Pricer(catalog, { defaultMs: env.nowMs });
    const acc = new CostAccumulator();
    const made = [2 ** 52 + 1, 2 ** 52].map((n, i) => ({
      ...emptyUsage('gpt-4o-mini', `a${i}`, 'acc.jsonl', i + 1),
      inputTokens: n,
      outputTokens: 1,
      timeMs: Date.parse('2026-10-01T00:00:00Z'),
    }));
    const card = pricer.cardFor(made[0]);
    if (!card) throw new Error('gpt-4o-mini has no card');
    for (const r of made) acc.add(r, pricer.cardFor(r));
    expect(acc.result().costFemto).toBe((2n ** 53n + 1n) * card.prices.input + 2n * card.prices.output);
  });

  it('price the cost without caching exactly when the input buckets together pass 2^53', async () => {
    // one gpt-4o-mini record: 2^53 - 1 uncached and 2 cached input tokens, 1 output. Without caching every input
    // token is priced as input: (2^53 - 1 + 2) x input + 1 x output. The buckets added as numbers first gave 2^53 x input
    const { db: table, records } = await tableOf([{ model: 'gpt-4o-mini', inputTokens: 2 ** 53 - 1, cacheReadTokens: 2 }]);
    const card = new Pricer(catalog, { defaultMs: env.nowMs }).cardFor(records[0]);
    if (!card) throw new Error('gpt-4o-mini has no card');
    const { view } = await reportFromTable(table, { dims: parseDimensions('model') }, env);
    expect(view.total.cost.uncachedEquivalentFemto).toBe((2n ** 53n + 1n) * card.prices.input + card.prices.output);
  });
});
