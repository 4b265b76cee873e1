/**
 * The cost-per-request quantiles by selection (DuckDB's `quantile_disc`, used when every row is one
 * request) against nearest rank computed independently: first DuckDB's function itself over 1..n
 * (so an upgrade that changes its rank rule fails here), then the report query on generated rows
 * against a sort of the exact costs in TypeScript, with the window (sort) form of the same query
 * checked against the same expectation.
 */
import { COUNTED_CHARGES } from '../../src/usage/dimensions.js';
import { afterEach, describe, expect, it } from 'vitest';
import { duckdb } from '../../src/engine/dialect.js';
import { UsageDb } from '../../src/engine/duckdb.js';
import { CARD_PRICE_COLUMNS, distributionSql, QUANTILES } from '../../src/engine/report-queries.js';
import { mulberry32 } from '../../src/whatif/dist.js';

let db: UsageDb | undefined;
afterEach(() => {
  db?.close();
  db = undefined;
});

/** Nearest rank: the ceil(n p / 100)-th smallest (1-based), in integers. */
const rankOf = (n: number, p: number): number => Math.floor((n * p + 99) / 100);

describe('nearest rank by selection', () => {
  it("DuckDB's quantile_disc picks the ceil(n p / 100)-th of n values, n = 1..1200", async () => {
    db = await UsageDb.open({ threads: 1 });
    const rows = await db.query(`SELECT n, ${duckdb.nearestRanks!('x', QUANTILES)} AS q
FROM (SELECT a.n, b.x FROM range(1, 1201) a(n), range(1, 1201) b(x) WHERE b.x <= a.n) GROUP BY n ORDER BY n`);
    expect(rows.length).toBe(1200);
    const wrong: string[] = [];
    for (const r of rows) {
      const n = Number(r.n);
      // the values are 1..n, so the k-th smallest is k
      const got = (r.q as bigint[]).map(Number);
      const want = QUANTILES.map((p) => rankOf(n, p));
      if (got.join() !== want.join()) wrong.push(`n=${n}: ${got} != ${want}`);
    }
    expect(wrong).toEqual([]);
    // e.g. n = 5: p90 is the ceil(4.5) = 5th; n = 101: p50 the ceil(50.5) = 51st, p99 the ceil(99.99) = 100th
    expect(rows[4].q).toEqual([3n, 5n, 5n]);
    expect(rows[100].q).toEqual([51n, 91n, 100n]);
  });

  it('the report query by selection and by sort give the exact nearest-rank costs per group and overall', async () => {
    db = await UsageDb.open({ threads: 1 });
    const rand = mulberry32(77);
    const int = (max: number) => Math.floor(rand() * max);
    // two cards (nano-USD per MTok: input, cache read, 5m write, 1h write, output)
    const prices: Array<[number, number, number[]]> = [
      [0, 0, [2_500_000_000, 250_000_000, 3_125_000_000, 5_000_000_000, 10_000_000_000]],
      [1, 3, [150_000_000, 15_000_000, 0, 0, 600_000_000]],
    ];
    await db.loadTable(
      'card_prices',
      CARD_PRICE_COLUMNS,
      // charge prices (web searches, ...) 0: these rows carry no charges
      prices.map(([e, k, p]) => [e, k, ...p, ...new Array<number>(CARD_PRICE_COLUMNS.length - 2 - p.length).fill(0)]),
    );
    const rows: Array<[string, number, number, number[]]> = [];
    const groups = ['a', 'b', 'c'];
    for (let i = 0; i < 2000; i++) {
      const card = prices[int(2)];
      // group c has 7 rows only, so its ranks sit at the small-n edge
      const g = i < 7 ? 'c' : groups[int(2)];
      rows.push([g, card[0], card[1], [int(50_000), int(3), int(20_000), int(2) * int(1000), int(4_000)]]);
    }
    await db.run(`CREATE TABLE priced (g0 VARCHAR, e0 INTEGER, k0 BIGINT, requests BIGINT, input_tokens BIGINT,
  cache_read_tokens BIGINT, cache_write_5m_tokens BIGINT, cache_write_1h_tokens BIGINT, output_tokens BIGINT)`);
    // the per-call charge columns (web searches, ...), none on these rows
    for (const c of COUNTED_CHARGES) await db.run(`ALTER TABLE priced ADD COLUMN ${c.column} BIGINT DEFAULT 0`);
    const values = rows.map(([g, e, k, t]) => `('${g}', ${e}, ${k}, 1, ${t.join(', ')})`);
    // one row of zero requests and one unpriced row (no card): neither counts
    values.push(`('a', 0, 0, 0, 999999999, 0, 0, 0, 0)`, `('a', 5, 5, 1, 999999999, 0, 0, 0, 0)`);
    await db.run(
      `INSERT INTO priced (g0, e0, k0, requests, input_tokens, cache_read_tokens, cache_write_5m_tokens, cache_write_1h_tokens, output_tokens) VALUES ${values.join(', ')}`,
    );

    // exact femto costs in TypeScript: tokens x nano-USD per MTok (femto = nano x 1e6 / 1e6)
    const costOf = ([, e, , t]: (typeof rows)[number]): bigint => {
      const p = prices.find((c) => c[0] === e)![2];
      return t.reduce((s, x, i) => s + BigInt(x) * BigInt(p[i]), 0n);
    };
    const expectFor = (costs: bigint[]) => {
      const sorted = [...costs].sort((x, y) => (x < y ? -1 : x > y ? 1 : 0));
      return [...QUANTILES.map((p) => sorted[rankOf(sorted.length, p) - 1]), sorted[sorted.length - 1]];
    };
    const want = new Map<string, bigint[]>();
    for (const g of groups) want.set(g, expectFor(rows.filter((r) => r[0] === g).map(costOf)));
    want.set('', expectFor(rows.map(costOf)));
    const pick = (r: Record<string, unknown>) => [...QUANTILES.map((p) => r[`p${p}_cost`]), r.max_cost].map((v) => BigInt(v as bigint));

    for (const selection of [true, false]) {
      const o = { singleRequestRows: selection };
      const overall = await db.query(distributionSql(duckdb, [], 'priced', o));
      expect(pick(overall[0]), `overall, selection ${selection}`).toEqual(want.get(''));
      expect(overall[0].p50_w === undefined ? 1 : Number(overall[0].p50_w)).toBe(1);
      const perGroup = await db.query(distributionSql(duckdb, ['g0'], 'priced', o));
      expect(perGroup.length).toBe(3);
      for (const r of perGroup) expect(pick(r), `group ${r.g0}, selection ${selection}`).toEqual(want.get(String(r.g0)));
    }
    // selecting in one pass (grouping sets: the overall row and the groups), in 64-bit arithmetic
    // (these rows cost far below 2^63 femto-USD): the same picks
    const both = await db.query(distributionSql(duckdb, ['g0'], 'priced', { singleRequestRows: true, narrow: true, withOverall: true }));
    expect(both.length).toBe(4);
    for (const r of both) expect(pick(r), `group ${r.g0}, one pass`).toEqual(want.get(r.overall === true ? '' : String(r.g0)));
  });
});
