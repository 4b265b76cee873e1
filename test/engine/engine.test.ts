/**
 * The DuckDB engine's parts against independent paths: SQL price keys against the TypeScript
 * Pricer on generated records (every band, peak hour, period, tier and flag case, regional routes by
 * platform, records dated before a model's first known price), SQL unread cache
 * writes against the streaming CacheWriteTracker on generated timelines (disorder, ties, several
 * scopes, scopes that only read or only write), exact quantiles computed by hand, and the passes
 * skipped when there is nothing for them to find.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { parseDimensions } from '../../src/aggregate/dims.js';
import { unreadWritesOf } from './cache-writes-oracle.js';
import { duckdb } from '../../src/engine/dialect.js';
import { EngineError, UsageDb } from '../../src/engine/duckdb.js';
import {
  bandBoundaries,
  bandFloorSql,
  CARD_MAP_COLUMNS,
  cardMapRows,
  PRICE_COLUMNS,
  PRICE_MAP_COLUMNS,
  priceMapRows,
  priceMapShape,
  type RowKinds,
} from '../../src/engine/price-map.js';
import { aggTableSql, cardPriceRow, pricedTableSql, turnsSql, unreadWritesSql } from '../../src/engine/report-queries.js';
import { exactSum, MAX_HELD_GROUPS, reportFromTable } from '../../src/engine/report.js';
import { UserError } from '../../src/core/issues.js';
import { Pricer } from '../../src/pricing/cost.js';
import { CostAccumulator } from '../../src/aggregate/accumulator.js';
import { loadCatalog } from '../../src/pricing/load.js';
import { emptyUsage, type ServiceTier, type UsageRecord } from '../../src/usage/record.js';
import { USAGE_COLUMNS, usageTableMarkdown } from '../../src/usage/table.js';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { mulberry32 } from '../../src/whatif/dist.js';

const { catalog } = loadCatalog({ priceFiles: [] });
const NOW = Date.parse('2026-11-23T00:00:00Z');

/** A seeded generator, so a failure can be replayed. */
const rng = mulberry32;

let db: UsageDb | undefined;
afterEach(() => {
  db?.close();
  db = undefined;
});

async function tableOf(records: UsageRecord[]): Promise<UsageDb> {
  db = await UsageDb.open({ threads: 1 });
  for (const r of records) db.append(r);
  await db.seal();
  return db;
}

describe('price keys in SQL = Pricer.cardFor', () => {
  it('agrees on 3,000 generated records over every catalog model, band, period and flag', async () => {
    const rand = rng(14);
    const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)];
    const ids = catalog.entries.flatMap((e) => [e.id, ...e.aliases.slice(0, 1)]);
    const models = [
      ...ids,
      'openai/gpt-4o',
      'us.anthropic.claude-sonnet-4-20250514-v1:0',
      'global.anthropic.claude-sonnet-4-20250514-v1:0',
      'gpt-4o-2099-01-01',
      'no-such-model',
    ];
    // thresholds of the catalog, to hit both sides of every band boundary
    const thresholds = catalog.entries.flatMap((e) => e.periods.flatMap((p) => p.tiers.map((t) => t.threshold)));
    const peakModels = catalog.entries.filter((e) => e.periods.some((p) => p.peak)).map((e) => e.id);
    const records: UsageRecord[] = [];
    for (let i = 0; i < 3000; i++) {
      const r = emptyUsage(rand() < 0.15 ? pick(peakModels) : pick(models), `r${i}`, 'gen.jsonl', i + 1);
      const requests = pick([1, 1, 1, 1, 3, 0]);
      r.requests = requests;
      const prompt =
        rand() < 0.6 ? pick(thresholds) * Math.max(1, requests) + pick([-1, 0, 1]) * Math.max(1, requests) : Math.floor(rand() * 400_000);
      r.cacheReadTokens = Math.floor(prompt * rand() * 0.5);
      r.cacheWrite5mTokens = Math.floor((prompt - r.cacheReadTokens) * rand() * 0.3);
      r.cacheWrite1hTokens = rand() < 0.2 ? Math.floor((prompt - r.cacheReadTokens - r.cacheWrite5mTokens) * 0.2) : 0;
      r.inputTokens = Math.max(0, prompt - r.cacheReadTokens - r.cacheWrite5mTokens - r.cacheWrite1hTokens);
      r.outputTokens = Math.floor(rand() * 5000);
      // 2024-06 to 2026-11 (DeepSeek's peak hours start 2026-08-17), some records without a time
      if (rand() < 0.9)
        r.timeMs =
          Date.parse(rand() < 0.3 ? '2026-08-17T00:00:00Z' : '2024-06-01T00:00:00Z') +
          Math.floor(rand() * (rand() < 0.3 ? 90 : 900) * 86_400_000);
      r.serviceTier = pick<ServiceTier | undefined>([undefined, 'standard', 'batch', 'flex', 'priority']);
      if (rand() < 0.2) r.fast = true;
      r.regional = pick([undefined, undefined, true, false]);
      // the platform decides the regional route (Claude API, Vertex, Bedrock, OpenAI / Azure data residency)
      r.provider = pick([undefined, undefined, 'anthropic', 'vertex_ai', 'bedrock', 'openai', 'azure', 'google', 'mistral']);
      if (requests === 0) r.tags.context_window = pick(['0-200k', '200k-1M', 'unknown']);
      records.push(r);
    }
    for (const options of [{ defaultMs: NOW }, { atMs: Date.parse('2025-03-01T00:00:00Z') }]) {
      const pricer = new Pricer(catalog, options);
      const d = await tableOf(records);
      const routes = records.map((r) => ({ model: r.model, provider: r.provider ?? null, regional: r.regional ?? null }));
      await d.loadTable('price_map', PRICE_MAP_COLUMNS, priceMapRows(0, pricer, routes));
      await d.run(pricedTableSql(duckdb, { dims: [], billed: { atMs: options.atMs, defaultMs: options.defaultMs ?? NOW } }));
      const rows = await d.query('SELECT seq, e0, k0 FROM priced ORDER BY seq');
      const sql = rows.map((row) => (row.e0 === null ? 'unpriced' : `${row.e0}/${row.k0}`));
      const ts = records.map((r) => pricer.cardFor(r)?.ref ?? 'unpriced');
      expect(sql).toEqual(ts);
      // the generated records reach tiered cards, peak hours and unpriced models
      const cards = ts.filter((ref) => ref !== 'unpriced').map((ref) => pricer.cardByRef(ref)!);
      expect(cards.some((c) => c.tier)).toBe(true);
      if (options.atMs === undefined) expect(cards.some((c) => c.peak)).toBe(true);
      expect(cards.some((c) => c.regional && c.entry.regional)).toBe(true);
      expect(ts).toContain('unpriced');
      // catalogued models dated before their first known price are unpriced too
      expect(records.some((r, i) => ts[i] === 'unpriced' && catalog.resolve(r.model) !== undefined)).toBe(true);
      d.close();
      db = undefined;
    }
    // without any provider or regional flag the join leaves both out (priceMapShape from the route
    // keys): the same keys as Pricer.cardFor on those records
    const plain = records.map((r) => ({ ...r, provider: undefined, regional: undefined }));
    const pricer = new Pricer(catalog, { defaultMs: NOW });
    const d = await tableOf(plain);
    const routes = plain.map((r) => ({ model: r.model, provider: null, regional: null }));
    const mapRows = priceMapRows(0, pricer, routes);
    await d.loadTable('price_map', PRICE_MAP_COLUMNS, mapRows);
    const sql = pricedTableSql(duckdb, { dims: [], billed: { defaultMs: NOW }, shape: priceMapShape(mapRows, routes) });
    expect(sql).not.toContain('provider IS NOT DISTINCT');
    expect(sql).not.toContain('regional IS NOT DISTINCT');
    await d.run(sql);
    const keys = (await d.query('SELECT seq, e0, k0 FROM priced ORDER BY seq')).map((row) =>
      row.e0 === null ? 'unpriced' : `${row.e0}/${row.k0}`,
    );
    expect(keys).toEqual(plain.map((r) => pricer.cardFor(r)?.ref ?? 'unpriced'));
    // with them, the shape keeps both
    const withRoutes = priceMapShape(mapRows, [...routes, { model: 'gpt-4o', provider: 'azure', regional: true }]);
    expect([withRoutes.providers, withRoutes.regionals]).toEqual([true, true]);
  }, 60_000);
});

describe('long-context bands of aggregated rows in SQL', () => {
  it('decides a row of N requests on its whole prompt over N, as Pricer.cardFor', async () => {
    // claude-sonnet-4-5: whole request at the tier above 200,000 prompt tokens. 2 requests of
    // 200,001 uncached + 200,001 cache-read tokens average (400,002 / 2) = 200,001 prompt tokens: in
    // the tier, as 400,002 uncached tokens are. Flooring each bucket (100,000 + 100,000 = 200,000) left
    // the first out. 400,001 / 2 = 200,000.5 floors to 200,000: not in it.
    const rows: Array<[number, number]> = [
      [200_001, 200_001],
      [400_002, 0],
      [400_001, 0],
    ];
    const records = rows.map(([input, read], i) => {
      const r = emptyUsage('claude-sonnet-4-5', `a${i}`, 'agg.jsonl', i + 1);
      r.requests = 2;
      r.inputTokens = input;
      r.cacheReadTokens = read;
      return r;
    });
    const pricer = new Pricer(catalog, { defaultMs: NOW });
    const d = await tableOf(records);
    const routes = records.map((r) => ({ model: r.model, provider: null, regional: null }));
    const mapRows = priceMapRows(0, pricer, routes);
    await d.loadTable('price_map', PRICE_MAP_COLUMNS, mapRows);
    await d.run(pricedTableSql(duckdb, { dims: [], billed: { defaultMs: NOW }, shape: priceMapShape(mapRows, routes) }));
    const keys = (await d.query('SELECT e0, k0 FROM priced ORDER BY seq')).map((row) => `${row.e0}/${row.k0}`);
    expect(keys.map((k) => pricer.cardByRef(k)?.tier?.threshold ?? null)).toEqual([200000, 200000, null]);
    expect(keys).toEqual(records.map((r) => pricer.cardFor(r)?.ref));
  });
});

describe('the card map (one row per card a mapping row can give) = Pricer.cardFor', () => {
  const kinds: RowKinds = {
    serviceTiers: false,
    fast: false,
    otherRequests: false,
    everyCustomer: false,
    everyUser: false,
    turns: false,
    conversations: false,
  };

  it('gives every one-request record the key and prices Pricer.cardFor gives it, on both sides of every band', async () => {
    const rand = rng(15);
    const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)];
    // peak hours are decided per request, not by the mapping row: those models take the key expression
    const entries = catalog.entries.filter((e) => !e.periods.some((p) => p.peak));
    const models = [...entries.flatMap((e) => [e.id, ...e.aliases.slice(0, 1)]), 'openai/gpt-4o', 'no-such-model'];
    const thresholds = entries.flatMap((e) => e.periods.flatMap((p) => p.tiers.map((t) => t.threshold)));
    const records: UsageRecord[] = [];
    for (let i = 0; i < 2000; i++) {
      const r = emptyUsage(pick(models), `r${i}`, 'gen.jsonl', i + 1);
      // a prompt at a band threshold, one token either side, or anywhere
      const prompt = rand() < 0.6 ? pick(thresholds) + pick([-1, 0, 1]) : Math.floor(rand() * 400_000);
      r.cacheReadTokens = Math.floor(prompt * rand() * 0.5);
      r.cacheWrite5mTokens = Math.floor((prompt - r.cacheReadTokens) * rand() * 0.3);
      r.inputTokens = prompt - r.cacheReadTokens - r.cacheWrite5mTokens;
      r.outputTokens = Math.floor(rand() * 5000);
      if (rand() < 0.9) r.timeMs = Date.parse('2024-06-01T00:00:00Z') + Math.floor(rand() * 900 * 86_400_000);
      r.regional = pick([undefined, true, false]);
      r.provider = pick([undefined, 'anthropic', 'vertex_ai', 'bedrock', 'openai', 'azure']);
      records.push(r);
    }
    const pricer = new Pricer(catalog, { defaultMs: NOW });
    const d = await tableOf(records);
    const routes = records.map((r) => ({ model: r.model, provider: r.provider ?? null, regional: r.regional ?? null }));
    const mapRows = priceMapRows(0, pricer, routes);
    const shape = { ...priceMapShape(mapRows, routes), rows: kinds };
    const map = cardMapRows(mapRows, shape, (_, e, k) => cardPriceRow(pricer.cardByRef(`${e}/${k}`)!).slice(2));
    expect(map?.bands).toBe(true);
    await d.loadTable('card_map', CARD_MAP_COLUMNS, map!.rows);
    await d.run(pricedTableSql(duckdb, { dims: [], billed: { defaultMs: NOW }, shape, cardMap: map }));
    const priceColumns = PRICE_COLUMNS.map((c) => c.name);
    const rows = await d.query(`SELECT e0, k0, ${priceColumns.join(', ')} FROM priced ORDER BY seq`);
    const ts = records.map((r) => pricer.cardFor(r));
    expect(rows.map((row) => (row.e0 === null ? 'unpriced' : `${row.e0}/${row.k0}`))).toEqual(ts.map((c) => c?.ref ?? 'unpriced'));
    expect(rows.map((row) => priceColumns.map((c) => (row[c] === null ? null : Number(row[c]))))).toEqual(
      ts.map((c) => (c ? cardPriceRow(c).slice(2) : priceColumns.map(() => null))),
    );
    // the records reach long-context bands and regional rules
    expect(ts.some((c) => c?.tier)).toBe(true);
    expect(ts.some((c) => c?.regional && c.entry.regional)).toBe(true);
  }, 60_000);

  it('agg joins the card map to sums per model and band floor: each model costs what Pricer.cardFor gives row by row', async () => {
    const rand = rng(16);
    const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)];
    // one day: one price segment a model covers every row (no time bounds in the join); models with long-context bands and without
    const models = ['claude-sonnet-4-5', 'gemini-2.5-pro', 'gpt-4.1', 'gpt-4o-mini', 'no-such-model'];
    const records: UsageRecord[] = [];
    for (let i = 0; i < 1500; i++) {
      const r = emptyUsage(pick(models), `r${i}`, 'gen.jsonl', i + 1);
      // a prompt at 200,000 tokens (the bands' threshold), one either side, or anywhere
      const prompt = rand() < 0.6 ? 200_000 + pick([-1, 0, 1]) : Math.floor(rand() * 400_000);
      r.cacheReadTokens = Math.floor(prompt * rand() * 0.5);
      r.inputTokens = prompt - r.cacheReadTokens;
      r.outputTokens = Math.floor(rand() * 5000);
      r.timeMs = Date.parse('2026-10-01T00:00:00Z') + i * 1000;
      records.push(r);
    }
    const d = await tableOf(records);
    const { spy, sent } = recording(d);
    const { view } = await reportFromTable(
      { ...spy, rowKinds: d.rowKinds.bind(d), timeSpan: d.timeSpan.bind(d) },
      { dims: parseDimensions('model') },
      { catalog, nowMs: NOW },
    );
    // the path under test ran: agg summed `inside` per band floor before the card map join
    expect(sent.find((q) => q.startsWith('CREATE OR REPLACE TABLE agg'))).toMatch(/AS n_band[\s\S]*FROM inside[\s\S]*LEFT JOIN card_map/);
    const pricer = new Pricer(catalog, { defaultMs: NOW });
    const byModel = new Map<string, CostAccumulator>();
    for (const r of records) {
      const acc = byModel.get(r.model) ?? new CostAccumulator();
      acc.add(r, pricer.cardFor(r));
      byModel.set(r.model, acc);
    }
    const costs = (groups: Array<[string, bigint | null]>) => groups.sort(([a], [b]) => (a < b ? -1 : 1));
    expect(costs(view.groups.map((g) => [String(g.key.model), g.cost.costFemto]))).toEqual(
      costs([...byModel].map(([m, acc]) => [m, acc.result().costFemto])),
    );
    // both sides of the threshold were priced (a long-context premium was paid)
    expect(view.total.cost.longContextPremiumFemto).toBeGreaterThan(0n);
  }, 60_000);

  it('band floors: a measure and the greatest boundary at or below it fall in the same card map rows, gaps included', async () => {
    const MIN = -(2 ** 53 - 1);
    const MAX = 2 ** 53 - 1;
    const lo = CARD_MAP_COLUMNS.findIndex((c) => c.name === 'n_lo');
    const hi = CARD_MAP_COLUMNS.findIndex((c) => c.name === 'n_hi');
    const row = (model: string, from: number, to: number) => {
      const r: Array<string | number | boolean | null> = CARD_MAP_COLUMNS.map((c) =>
        c.type === 'BIGINT' || c.type === 'INTEGER' ? 0 : null,
      );
      Object.assign(r, { 1: model, [lo]: from, [hi]: to });
      return r;
    };
    // model a: up to 100, then from 300 (nothing between); b: up to 199, then from 200
    const rows = [row('a', MIN, 100), row('a', 300, MAX), row('b', MIN, 199), row('b', 200, MAX)];
    // by hand: the lower bounds MIN, 300, 200 and the values after the upper bounds 101, 200
    expect(bandBoundaries({ rows })).toEqual([MIN, 101, 200, 300]);
    const d = await tableOf([]);
    await d.loadTable('card_map', CARD_MAP_COLUMNS, rows);
    const measures = [MIN, -5, 0, 100, 101, 150, 199, 200, 250, 299, 300, 301, 10 ** 9, MAX];
    const matches = async (n: string) =>
      (
        await d.query(
          `SELECT v.n, list(m.model || ':' || m.n_lo ORDER BY m.model, m.n_lo) AS hit FROM (SELECT unnest([${measures.join(', ')}]) AS n) v
           LEFT JOIN card_map m ON ${n} >= m.n_lo AND ${n} <= m.n_hi GROUP BY v.n ORDER BY v.n`,
        )
      ).map((r) => JSON.stringify(r.hit));
    const floor = bandFloorSql('v.n', bandBoundaries({ rows }));
    expect(await matches(`(${floor})`)).toEqual(await matches('v.n'));
    // 150 lies in a's gap: no row of a holds it, or its floor (101)
    expect(Number((await d.query(`SELECT ${bandFloorSql('150', bandBoundaries({ rows }))} AS f`))[0].f)).toBe(101);
  });

  it('knows the counts 0 in every appended row (RowKinds.zero), and agg neither sums nor compares them', async () => {
    const a = emptyUsage('gpt-4.1', 'a', 'gen.jsonl', 1);
    Object.assign(a, { inputTokens: 100, outputTokens: 10, cacheReadTokens: 5 });
    const b = emptyUsage('gpt-4.1', 'b', 'gen.jsonl', 2);
    Object.assign(b, { inputTokens: 200, outputTokens: 0, tokenSource: 'estimated', charges: { webSearch: 2 } });
    const d = await tableOf([a, b]);
    const kinds = await d.rowKinds();
    // by hand: cache writes, reasoning and every charge but web search are 0 in both rows; b is estimated
    expect(kinds?.zero).toEqual([
      'cache_write_5m_tokens',
      'cache_write_1h_tokens',
      'reasoning_tokens',
      'web_search_preview_calls',
      'web_fetch_calls',
      'grounded_prompts',
      'output_images',
      'file_search_calls',
      'code_interpreter_calls',
    ]);
    const sql = aggTableSql(duckdb, [], false, true, undefined, {}, { otherRequests: false, zero: kinds?.zero });
    expect(sql).toContain('0 AS cache_write_1h_tokens');
    expect(sql).toContain('count(*) AS requests');
    expect(sql).toContain('sum(web_search_calls)');
    expect(sql).not.toContain('LEAST(requests');
  });

  it('splits a mapping row at the lowest prompt of each band (by hand), and is not built where a row needs more to find its card', () => {
    const at = (name: string) => PRICE_MAP_COLUMNS.findIndex((c) => c.name === name);
    const row: Array<string | number | boolean | null> = PRICE_MAP_COLUMNS.map(() => null);
    Object.assign(row, { [at('pricing')]: 0, [at('model')]: 'm', [at('entry_index')]: 3, [at('period_index')]: 1 });
    Object.assign(row, { [at('from_ms')]: 0, [at('to_ms')]: 10, [at('regional_rule')]: 2, [at('band_count')]: 2 });
    // band 1 from 1,001 input tokens (> 1,000), band 2 from 5,000 (>= 5,000)
    Object.assign(row, { [at('b1_threshold')]: 1000, [at('b1_inclusive')]: false, [at('b1_input_only')]: true });
    Object.assign(row, { [at('b2_threshold')]: 5000, [at('b2_inclusive')]: true, [at('b2_input_only')]: true });
    const shape = { ...priceMapShape([row]), rows: kinds };
    const map = cardMapRows([row], shape, (_, e, k) => [e * 1000 + k]);
    expect(map).toBeDefined();
    const n = CARD_MAP_COLUMNS.findIndex((c) => c.name === 'n_lo');
    // keys: (((1 * 16 + band) * 4 + 0) * 16 + 2) * 4 = 4104, 4360, 4616 for bands 0, 1, 2
    expect(map!.rows.map((r) => r.slice(n - 1))).toEqual([
      [4104, -(2 ** 53 - 1), 1000, 3 * 1000 + 4104],
      [4360, 1001, 4999, 3 * 1000 + 4360],
      [4616, 5000, 2 ** 53 - 1, 3 * 1000 + 4616],
    ]);
    expect([map!.bands, map!.inputOnly]).toEqual([true, true]);
    // bands on the whole prompt next to bands on the input alone; a row kind the mapping row does not decide; peak windows; a card without prices
    const mixed = [...row];
    mixed[at('b2_input_only')] = false;
    expect(cardMapRows([mixed], shape, () => [0])).toBeUndefined();
    for (const k of ['serviceTiers', 'fast', 'otherRequests'] as const)
      expect(cardMapRows([row], { ...shape, rows: { ...kinds, [k]: true } }, () => [0])).toBeUndefined();
    expect(cardMapRows([row], { ...shape, rows: undefined }, () => [0])).toBeUndefined();
    expect(cardMapRows([row], { ...shape, peakWindows: 1 }, () => [0])).toBeUndefined();
    expect(cardMapRows([row], shape, () => undefined)).toBeUndefined();
  });
});

describe('price segments: regional rules with a start date, a period starting at a minute, no price before the first', () => {
  it('keys records on both sides of every bound as Pricer.cardFor does', async () => {
    // A user file: priced from 2026-02-01 (not since launch), new prices from 2026-04-01T12:30Z; on
    // Vertex a 1.1 uplift from 2026-03-15 (listed first, so it wins from then on), before that the
    // 1.25 rule, which is also the Claude API inference-geo rule throughout.
    const dir = mkdtempSync(join(tmpdir(), 'tokenomics-engine-'));
    const file = join(dir, 'prices.yaml');
    writeFileSync(
      file,
      [
        'provider: anthropic',
        'models:',
        '  - id: segment-test-model',
        '    source: https://example.invalid/prices',
        '    checkedAt: 2026-11-01',
        '    regional:',
        '      - { via: [vertex], multiplier: 1.1, from: 2026-03-15, source: https://example.invalid/vertex }',
        '      - { via: [inference-geo, vertex], multiplier: 1.25, source: https://example.invalid/geo }',
        '    prices:',
        '      - { from: 2026-02-01, inputPerMTok: 1, outputPerMTok: 2 }',
        "      - { from: '2026-04-01T12:30Z', inputPerMTok: 2, outputPerMTok: 4 }",
        '',
      ].join('\n'),
    );
    const own = loadCatalog({ priceFiles: [file] }).catalog;
    rmSync(dir, { recursive: true });
    const times = ['2026-02-01T00:00:00Z', '2026-03-15T00:00:00Z', '2026-04-01T12:30:00Z'].flatMap((t) => [
      Date.parse(t) - 1,
      Date.parse(t),
    ]);
    const records: UsageRecord[] = [];
    for (const timeMs of times) {
      for (const provider of ['vertex_ai', 'anthropic', 'openai']) {
        for (const regional of [true, false, undefined]) {
          const r = emptyUsage('segment-test-model', `r${records.length}`, 'gen.jsonl', records.length + 1);
          Object.assign(r, { timeMs, provider, regional, inputTokens: 1000, outputTokens: 100 });
          records.push(r);
        }
      }
    }
    const pricer = new Pricer(own, { defaultMs: NOW });
    const d = await tableOf(records);
    const routes = records.map((r) => ({ model: r.model, provider: r.provider ?? null, regional: r.regional ?? null }));
    await d.loadTable('price_map', PRICE_MAP_COLUMNS, priceMapRows(0, pricer, routes));
    await d.run(pricedTableSql(duckdb, { dims: [], billed: { defaultMs: NOW } }));
    const sql = (await d.query('SELECT e0, k0 FROM priced ORDER BY seq')).map((row) =>
      row.e0 === null ? 'unpriced' : `${row.e0}/${row.k0}`,
    );
    expect(sql).toEqual(records.map((r) => pricer.cardFor(r)?.ref ?? 'unpriced'));
    // by hand: the 9 records 1 ms before 2026-02-01 are unpriced, the rest priced
    expect(sql.slice(0, 9)).toEqual(Array(9).fill('unpriced'));
    expect(sql.slice(9)).not.toContain('unpriced');
    // a regional Vertex record: x1.25 until 2026-03-15, x1.1 from then on; Claude API: x1.25; OpenAI route: no rule
    const adjustments = (i: number) => pricer.cardByRef(sql[i])!.adjustments.join('; ');
    expect(adjustments(9 * 2)).toBe('regional x1.25 (inference-geo/vertex)'); // 2026-03-14T23:59:59.999Z, vertex, regional
    expect(adjustments(9 * 3)).toBe('regional x1.1 (vertex)'); // 2026-03-15T00:00Z, vertex, regional
    expect(adjustments(9 * 3 + 3)).toBe('regional x1.25 (inference-geo/vertex)'); // anthropic, regional
    expect(adjustments(9 * 3 + 6)).toBe(''); // openai, regional: no rule names data-residency
    // the second period starts at 12:30 UTC on 2026-04-01, to the millisecond
    expect(pricer.cardByRef(sql[9 * 4])!.periodIndex).toBe(0);
    expect(pricer.cardByRef(sql[9 * 5])!.periodIndex).toBe(1);
  }, 30_000);
});

describe('unread cache writes in SQL = CacheWriteTracker (records in time order)', () => {
  const MIN = 60_000;
  function timeline(seed: number, n: number): UsageRecord[] {
    const rand = rng(seed);
    const records: UsageRecord[] = [];
    let t = Date.parse('2026-10-01T00:00:00Z');
    for (let i = 0; i < n; i++) {
      const r = emptyUsage(rand() < 0.8 ? 'claude-sonnet-4-5' : 'not-in-catalog', `r${i}`, 'gen.jsonl', i + 1);
      // whole minutes (so reads land exactly on a window's end and tie with other records); mostly
      // forward in time, some gaps past a TTL, some records out of order (up to 150 minutes back)
      t += MIN * Math.floor(rand() < 0.1 ? rand() * 200 : rand() * 7);
      r.timeMs = rand() < 0.1 ? t - MIN * Math.floor(rand() * 150) : t;
      if (rand() < 0.03) r.timeMs = undefined;
      const scope = Math.floor(rand() * 4);
      if (scope === 0) r.conversationId = `c${Math.floor(rand() * 3)}`;
      else if (scope === 1) r.tags.prompt = `p${Math.floor(rand() * 2)}`;
      else if (scope === 2) r.tags.feature = 'f';
      const kind = rand();
      r.inputTokens = 100;
      if (kind < 0.3) r.cacheWrite5mTokens = 1000 + Math.floor(rand() * 1000);
      else if (kind < 0.4) r.cacheWrite1hTokens = 2000;
      if (kind > 0.25 && kind < 0.9) r.cacheReadTokens = 1000;
      records.push(r);
    }
    return records;
  }

  for (const seed of [1, 2, 3, 4, 5]) {
    it(`agrees on generated timeline ${seed}`, async () => {
      const records = timeline(seed, 600);
      const pricer = new Pricer(catalog, { defaultMs: NOW });
      const expected = unreadWritesOf(records, (r) => pricer.cardFor(r));
      const d = await tableOf(records);
      const { view } = await reportFromTable(d, { dims: parseDimensions('model') }, { catalog, nowMs: NOW });
      expect(expected.writes).toBeGreaterThan(10); // the timeline has unread writes to find
      expect(view.unreadWrites).toEqual(expected);
      // and some writes were read (not everything counts as unread)
      const writes = (
        await d.query(
          'SELECT count(*) AS n FROM priced WHERE e0 IS NOT NULL AND time_ms IS NOT NULL AND (cache_write_5m_tokens > 0 OR cache_write_1h_tokens > 0)',
        )
      )[0].n;
      expect(Number(writes)).toBeGreaterThan(expected.writes);
      expect((await d.query(unreadWritesSql(duckdb))).length).toBeGreaterThan(0);
    }, 30_000);
  }
});

describe('unread cache writes: scopes without a write', () => {
  it('agrees with CacheWriteTracker when some scopes only read (left out of the windows) and some only write', async () => {
    const MIN = 60_000;
    const rand = rng(21);
    const records: UsageRecord[] = [];
    let t = Date.parse('2026-10-01T00:00:00Z');
    for (let i = 0; i < 800; i++) {
      const r = emptyUsage(rand() < 0.5 ? 'claude-sonnet-4-5' : 'claude-haiku-4-5', `r${i}`, 'gen.jsonl', i + 1);
      t += MIN * Math.floor(rand() * 4);
      r.timeMs = t;
      // conversations c0-c9 write and read; r0-r9 only read, w0-w4 only write, interleaved
      const kindOfScope = rand();
      const prefix = kindOfScope < 0.4 ? 'r' : kindOfScope < 0.55 ? 'w' : 'c';
      r.conversationId = `${prefix}${Math.floor(rand() * (prefix === 'w' ? 5 : 10))}`;
      r.inputTokens = 100;
      const kind = rand();
      if (prefix === 'w' || (prefix === 'c' && kind < 0.3)) r.cacheWrite5mTokens = 1000;
      if (prefix !== 'w' && kind > 0.2) r.cacheReadTokens = 500;
      records.push(r);
    }
    const pricer = new Pricer(catalog, { defaultMs: NOW });
    const expected = unreadWritesOf(records, (r) => pricer.cardFor(r));
    const d = await tableOf(records);
    const { view } = await reportFromTable(d, { dims: parseDimensions('model') }, { catalog, nowMs: NOW });
    expect(expected.writes).toBeGreaterThan(0);
    expect(view.unreadWrites).toEqual(expected);
    // the scopes with a write are found by a hash of model and scope: with every scope's hash the
    // same (all collide), rows of the read-only scopes get through that test, and the result stays
    await d.run('CREATE MACRO collide(a, b) AS 0');
    let rewritten = 0;
    const colliding = (sql: string) => (sql.includes('hash(') ? (rewritten++, sql.replaceAll('hash(', 'collide(')) : sql);
    const spy = {
      run: (sql: string) => d.run(colliding(sql)),
      query: (sql: string) => d.query(colliding(sql)),
      loadTable: d.loadTable.bind(d),
    };
    const collided = await reportFromTable(spy, { dims: parseDimensions('model') }, { catalog, nowMs: NOW });
    expect(rewritten).toBe(1);
    expect(collided.view.unreadWrites).toEqual(expected);
  }, 30_000);
});

describe('the context-window tax with the card map joined after the window', () => {
  it('equals the join per row: models with and without bands, unpriced models, logged turns, turns past the cap', async () => {
    const rand = rng(41);
    const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)];
    // two models with a 200k band, one without, one unknown (no card)
    const models = ['claude-sonnet-4-5', 'gemini-2.5-pro', 'gpt-4.1', 'no-such-model'];
    const records: UsageRecord[] = [];
    const add = (conversation: string | undefined, turn?: number) => {
      const i = records.length;
      const r = emptyUsage(pick(models), `r${i}`, 'gen.jsonl', i + 1);
      r.timeMs = Date.parse('2026-10-01T00:00:00Z') + i * 1000;
      // prompts on both sides of the 200k threshold
      const prompt = rand() < 0.5 ? pick([199_999, 200_000, 200_001, 250_000]) : Math.floor(rand() * 50_000);
      r.cacheReadTokens = Math.floor(prompt * rand() * 0.5);
      r.inputTokens = prompt - r.cacheReadTokens;
      r.outputTokens = Math.floor(rand() * 2000);
      r.conversationId = conversation;
      r.turn = turn;
      records.push(r);
    };
    // one conversation longer than the cap (1,000 turns), interleaved with short ones and rows of none
    for (let i = 0; i < 1_010; i++) {
      add('long');
      if (rand() < 0.3) add(`c${Math.floor(rand() * 40)}`, rand() < 0.1 ? 1 + Math.floor(rand() * 5) : undefined);
      if (rand() < 0.1) add(undefined);
    }
    const d = await tableOf(records);
    // the report's own turns (joined after: the SQL it ran names the models' list), and the same
    // report with that statement replaced by the join per row (every column carried, no row kinds)
    const seen: string[] = [];
    const spy = (rewrite: boolean) => ({
      run: (sql: string) => d.run(sql),
      query: (sql: string) => {
        if (sql.includes('PARTITION BY conversation_id') && sql.includes('first_rows')) {
          seen.push(sql);
          if (rewrite) return d.query(turnsSql(duckdb));
        }
        return d.query(sql);
      },
      loadTable: d.loadTable.bind(d),
      // (what the usage table knows: with them the report finds that no row has a tier, so that the card map applies)
      routeKeys: d.routeKeys.bind(d),
      timeSpan: d.timeSpan.bind(d),
      rowKinds: d.rowKinds.bind(d),
    });
    const after = await reportFromTable(spy(false), { dims: parseDimensions('model') }, { catalog, nowMs: NOW });
    expect(seen).toHaveLength(1);
    expect(seen[0]).toContain('list_position(');
    const perRow = await reportFromTable(spy(true), { dims: parseDimensions('model') }, { catalog, nowMs: NOW });
    expect(after.view.turns).toEqual(perRow.view.turns);
    expect(after.view.conversations).toBe(41);
    // the long conversation reaches the summed row; priced and unpriced requests in the turns
    expect(after.view.turns.at(-1)?.turn).toBe(1001);
    expect(after.view.turns.some((t) => t.cost.unpriced.requests > 0)).toBe(true);
    expect(after.view.turns.some((t) => t.cost.longContextPremiumFemto > 0n)).toBe(true);
  }, 30_000);
});

describe('sums of integer cells', () => {
  it('add exactly whatever the order of the cells (the prompt tokens of a turn over its price keys)', () => {
    const max = 2 ** 53 - 1;
    // 2^53 - 1 + 2 + 1 = 2^53 + 2 (representable); added as numbers in this order: 2^53
    expect(max + 2 + 1).toBe(2 ** 53);
    expect(exactSum([max, 2, 1])).toBe(2 ** 53 + 2);
    expect(exactSum([1, 2, max])).toBe(2 ** 53 + 2);
    expect(exactSum([BigInt(max), '2', null, 1])).toBe(2 ** 53 + 2);
    // a cell past 2^53 itself (a SQL sum), and one reached after safe cells: added exactly all the same
    expect(exactSum([2n ** 53n + 1n, 1])).toBe(2 ** 53 + 2);
    expect(exactSum([3, 4, '9007199254740993'])).toBe(2 ** 53 + 8);
  });
});

describe('model ids holding a NUL character', () => {
  it('are written into SQL as text DuckDB reads back whole, and priced turns are the same joined after the window', async () => {
    const d = await tableOf([]);
    // a NUL ends DuckDB's statement text: the literal joins the parts with chr(0)
    expect(await d.query(`SELECT ${duckdb.literal("a'\u0000b")} AS s, length(${duckdb.literal("a'\u0000b")}) AS n`)).toEqual([
      { s: "a'\u0000b", n: 4n },
    ]);
    d.close();
    db = undefined;
    // a Vertex path whose project segment holds a NUL resolves to gemini-2.5-pro: the turns' list of models names it
    const model = 'projects/a\u0000b/locations/us/publishers/google/models/gemini-2.5-pro';
    expect(catalog.resolve(model)?.entry.id).toBe('gemini-2.5-pro');
    const r = emptyUsage(model, 'r0', 'x.jsonl', 1);
    r.inputTokens = 10;
    r.conversationId = 'c';
    r.timeMs = Date.parse('2026-11-01T00:00:00Z');
    const t = await tableOf([r]);
    const seen: string[] = [];
    const spy = {
      run: (sql: string) => t.run(sql),
      query: (sql: string) => {
        if (sql.includes('PARTITION BY conversation_id') && sql.includes('first_rows')) seen.push(sql);
        return t.query(sql);
      },
      loadTable: t.loadTable.bind(t),
      routeKeys: t.routeKeys.bind(t),
      timeSpan: t.timeSpan.bind(t),
      rowKinds: t.rowKinds.bind(t),
    };
    const { view } = await reportFromTable(spy, { dims: [] }, { catalog, nowMs: NOW });
    expect(seen.some((sql) => sql.includes('list_position('))).toBe(true);
    // 10 input tokens at gemini-2.5-pro's $1.25 / MTok: 12,500,000,000 femto-USD, in turn 1
    expect(view.turns.map((x) => [x.turn, x.requests, x.promptTokens, x.cost.costFemto])).toEqual([[1, 1, 10, 12_500_000_000n]]);
  }, 30_000);
});

describe('distinct counts', () => {
  it('conversations counted by the turns pass: one per conversation whatever turn is logged', async () => {
    const rows: Array<[string | undefined, number | undefined, string | undefined, string | undefined]> = [
      // conversation a: logged turns 2, 2, 5 (no turn 1); b: two rows without a logged turn; c: logged turn 1
      ['a', 2, 'x', 'u1'],
      ['b', undefined, 'y', 'u1'],
      ['a', 2, undefined, undefined],
      ['b', undefined, 'x', ''],
      ['a', 5, '', undefined],
      ['c', 1, undefined, 'u2'],
      // no conversation
      [undefined, undefined, 'z', undefined],
    ];
    const records = rows.map(([conversation, turn, customer, user], i) => {
      const r = emptyUsage('claude-sonnet-4-5', `r${i}`, 'gen.jsonl', i + 1);
      r.timeMs = Date.parse('2026-10-01T00:00:00Z') + i * 60_000;
      r.inputTokens = 100;
      r.conversationId = conversation;
      r.turn = turn;
      if (customer !== undefined) r.tags.customer = customer;
      if (user !== undefined) r.tags.user = user;
      return r;
    });
    const d = await tableOf(records);
    const { view } = await reportFromTable(d, { dims: parseDimensions('model') }, { catalog, nowMs: NOW });
    // conversations a, b, c: 3 (rows at turn 1: b's first and c's, 2); customers x, y, z (not ''): 3; users u1, u2 (not ''): 2
    expect([view.conversations, view.customers, view.users]).toEqual([3, 3, 2]);
    // turns: 1 (b's first, c) 2 rows, 2 (a, a, b's second) 3 rows, 5 (a) 1 row
    expect(view.turns.map((t) => [t.turn, t.requests])).toEqual([
      [1, 2],
      [2, 3],
      [5, 1],
    ]);
  });
});

/** A database that records every statement sent to it (`sent`), in order. */
function recording(d: Awaited<ReturnType<typeof tableOf>>) {
  const sent: string[] = [];
  const spy = {
    run: (sql: string) => (sent.push(sql), d.run(sql)),
    query: (sql: string) => (sent.push(sql), d.query(sql)),
    loadTable: d.loadTable.bind(d),
  };
  return { spy, sent };
}

describe('independent passes issued at once', () => {
  /** Records every pass finds something in: conversations, customers and users, cache writes read and unread, two models. */
  function mixed(count: number): UsageRecord[] {
    const rand = rng(7);
    return Array.from({ length: count }, (_, i) => {
      const r = emptyUsage(i % 3 === 0 ? 'gpt-4o' : 'claude-sonnet-4-5', `r${i}`, 'gen.jsonl', i + 1);
      r.timeMs = Date.parse('2026-10-01T00:00:00Z') + i * 90_000;
      r.inputTokens = 100 + Math.floor(rand() * 5000);
      r.outputTokens = Math.floor(rand() * 800);
      r.conversationId = rand() < 0.8 ? `c${Math.floor(rand() * 12)}` : undefined;
      if (rand() < 0.3) r.cacheWrite5mTokens = 1000;
      else if (rand() < 0.5) r.cacheReadTokens = 1000;
      if (rand() < 0.6) r.tags.customer = `k${Math.floor(rand() * 5)}`;
      if (rand() < 0.6) r.tags.user = `u${Math.floor(rand() * 7)}`;
      return r;
    });
  }

  it('give the report they give one after another, and do overlap', async () => {
    const d = await tableOf(mixed(400));
    let running = 0;
    let most = 0;
    const watched = (q: (sql: string) => Promise<unknown>) => async (sql: string) => {
      most = Math.max(most, ++running);
      try {
        return await q(sql);
      } finally {
        running--;
      }
    };
    const atOnce = {
      run: watched((sql) => d.run(sql)),
      query: watched((sql) => d.query(sql)),
      loadTable: d.loadTable.bind(d),
      concurrent: true,
    };
    const together = await reportFromTable(atOnce as never, { dims: parseDimensions('model') }, { catalog, nowMs: NOW });
    expect(most).toBeGreaterThan(1);
    const { spy } = recording(d); // no `concurrent`: one statement at a time
    const inTurn = await reportFromTable(spy, { dims: parseDimensions('model') }, { catalog, nowMs: NOW });
    expect(together.view).toEqual(inTurn.view);
    // every pass found something (the comparison is not of empty sections)
    expect(together.view.turns.length).toBeGreaterThan(1);
    expect(together.view.unreadWrites.writes).toBeGreaterThan(0);
    expect([together.view.customers, together.view.users]).toEqual([5, 7]);
  });

  it('a failing pass fails the report once every other pass has settled', async () => {
    const d = await tableOf(mixed(100));
    let running = 0;
    const failing = {
      run: (sql: string) => d.run(sql),
      query: async (sql: string) => {
        running++;
        try {
          if (sql.includes('turn_no')) throw new Error('turns failed');
          // the other passes take longer than the failing one
          await new Promise((resolve) => setTimeout(resolve, 20));
          return await d.query(sql);
        } finally {
          running--;
        }
      },
      loadTable: d.loadTable.bind(d),
      concurrent: true,
    };
    await expect(reportFromTable(failing, { dims: parseDimensions('model') }, { catalog, nowMs: NOW })).rejects.toThrow('turns failed');
    expect(running).toBe(0);
  });
});

describe('every group shown: a bound on how many', () => {
  /** 7 conversations of one request each: 100 input tokens each, or 100, 200, ..., 700 when `distinct`. */
  const conversations = (distinct: boolean) =>
    [0, 1, 2, 3, 4, 5, 6].map((i) => {
      const r = emptyUsage('claude-sonnet-4-5', `r${i}`, 'gen.jsonl', i + 1);
      const inputTokens = distinct ? 100 * (i + 1) : 100;
      Object.assign(r, { timeMs: Date.parse('2026-10-01T00:00:00Z') + i * 60_000, inputTokens, conversationId: `c${i}` });
      return r;
    });
  const dims = parseDimensions('conversation');
  const env = { catalog, nowMs: NOW };
  /** The report and whether its group sums read only the shown groups. */
  const reportOf = async (distinct: boolean, task: { maxGroups: number; top?: number }) => {
    const d = await tableOf(conversations(distinct));
    const { spy, sent } = recording(d);
    const r = await reportFromTable({ ...spy, concurrent: false }, { dims, ...task }, env);
    return { ...r, shownOnly: sent.some((q) => q.startsWith("SELECT 'group' AS slice") && q.includes('FROM agg_shown')) };
  };

  it('without --top: stops before building any group past the bound', async () => {
    const err = await reportOf(true, { maxGroups: 6 }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(UserError);
    expect((err as UserError).message).toBe('7 groups to show: more than a report holds in memory (6)');
    expect((err as UserError).hint).toContain('--top N up to 6');
    // a top N past the bound is refused the same way (it would show 7)
    const past = await reportOf(true, { maxGroups: 6, top: 7 }).catch((e: unknown) => e);
    expect((past as UserError).message).toBe('7 groups to show: more than a report holds in memory (6)');
    // one within it is not
    expect((await reportOf(true, { maxGroups: 6, top: 6 })).view.groups).toHaveLength(6);
    expect((await reportOf(true, { maxGroups: 7 })).view.groups).toHaveLength(7);
    expect(MAX_HELD_GROUPS).toBe(250_000);
  }, 30_000);

  it('with --top: only the shown groups are built, ties at the cut kept within the bound and cut past it', async () => {
    // distinct costs: c6 (700 tokens) and c5 (600) are the top 2, the other 5 summed
    const top = await reportOf(true, { maxGroups: 6, top: 2 });
    expect(top.view.groups.map((g) => g.key.conversation)).toEqual(['c6', 'c5']);
    expect(top.view.groupsLeftOut?.groups).toBe(5);
    expect(top.shownOnly).toBe(true);
    // all 7 tie (same cost, same requests): kept for the exact order in TypeScript while 7 <= the bound
    const kept = await reportOf(false, { maxGroups: 7, top: 2 });
    expect(kept.view.groups).toHaveLength(2);
    expect(kept.shownOnly).toBe(false);
    // past it, SQL cuts the tie by the group values: c0 and c1 shown, 5 summed, only 2 built
    const cut = await reportOf(false, { maxGroups: 6, top: 2 });
    expect(cut.view.groups.map((g) => g.key.conversation)).toEqual(['c0', 'c1']);
    expect(cut.view.groupsLeftOut?.groups).toBe(5);
    // the 5 summed: 500 input tokens of claude-sonnet-4-5 at $3 / MTok = $0.0015 = 1.5e12 femto-USD, as when kept
    expect(cut.view.groupsLeftOut?.costFemto).toBe(1_500_000_000_000n);
    expect(kept.view.groupsLeftOut?.costFemto).toBe(1_500_000_000_000n);
    expect(cut.shownOnly).toBe(true);
  }, 30_000);
});

describe("groupQuantiles false (whatif --revenue): the groups' costs without their quantiles", () => {
  it('same group costs and overall quantiles, no per-group quantiles', async () => {
    // 3 customers, one request each of 100, 200, 300 input tokens on claude-sonnet-4-5 ($3 / MTok):
    // $0.0003, $0.0006, $0.0009 = 3e11, 6e11, 9e11 femto-USD; overall p50 (nearest rank, 2 of 3) $0.0006
    const records = [0, 1, 2].map((i) => {
      const r = emptyUsage('claude-sonnet-4-5', `r${i}`, 'gen.jsonl', i + 1);
      Object.assign(r, { timeMs: Date.parse('2026-10-01T00:00:00Z'), inputTokens: 100 * (i + 1), tags: { customer: `k${i}` } });
      return r;
    });
    const run = async (groupQuantiles?: boolean) => {
      const d = await tableOf(records);
      const { spy } = recording(d);
      const { view } = await reportFromTable(
        { ...spy, concurrent: false },
        { dims: parseDimensions('customer'), groupQuantiles },
        {
          catalog,
          nowMs: NOW,
        },
      );
      return { view };
    };
    const all = await run();
    const lean = await run(false);
    const costs = (v: typeof all.view) => v.groups.map((g) => [g.key.customer, g.cost.costFemto]);
    expect(costs(lean.view)).toEqual([
      ['k2', 900_000_000_000n],
      ['k1', 600_000_000_000n],
      ['k0', 300_000_000_000n],
    ]);
    expect(costs(lean.view)).toEqual(costs(all.view));
    expect(lean.view.distribution.p50).toBe(0.0006);
    expect(lean.view.distribution).toEqual(all.view.distribution);
    // the default computes each group's quantiles; false leaves them out
    expect(all.view.groups[0].p50).toBe(0.0009);
    expect(lean.view.groups.map((g) => [g.p50, g.p90, g.p99, g.max])).toEqual(Array(3).fill([undefined, undefined, undefined, undefined]));
  }, 30_000);
});

describe('agg: the card map joined after the sums only where the sums are few', () => {
  it('by model after the sums per route key; by conversation or session per row', async () => {
    const records = [0, 1, 2].map((i) => {
      const r = emptyUsage(i === 2 ? 'claude-haiku-4-5' : 'claude-sonnet-4-5', `r${i}`, 'gen.jsonl', i + 1);
      Object.assign(r, { timeMs: Date.parse('2026-10-01T00:00:00Z'), inputTokens: 100 * (i + 1), conversationId: `c${i % 2}` });
      return r;
    });
    const aggOf = async (by: string) => {
      const d = await tableOf(records);
      const { spy, sent } = recording(d);
      const { view } = await reportFromTable(
        { ...spy, rowKinds: d.rowKinds.bind(d), timeSpan: d.timeSpan.bind(d) },
        { dims: parseDimensions(by) },
        { catalog, nowMs: NOW },
      );
      return { sql: sent.find((q) => q.startsWith('CREATE OR REPLACE TABLE agg')) ?? '', view };
    };
    const byModel = await aggOf('model');
    expect(byModel.sql).toMatch(/FROM inside[\s\S]*\) u\nLEFT JOIN card_map m0/);
    for (const by of ['conversation', 'session', 'model,conversation']) {
      const { sql, view } = await aggOf(by);
      expect(sql).toContain('FROM priced');
      expect(sql).not.toContain('LEFT JOIN card_map');
      expect(view.total.cost).toEqual(byModel.view.total.cost);
    }
  }, 30_000);
});

describe('passes with nothing to find are skipped', () => {
  /** The statements reportFromTable sends, by their first words. */
  async function statements(records: UsageRecord[]): Promise<string[]> {
    const d = await tableOf(records);
    const { spy, sent } = recording(d);
    await reportFromTable(spy, { dims: parseDimensions('model') }, { catalog, nowMs: NOW });
    return sent;
  }
  const record = (i: number, f: (r: UsageRecord) => void): UsageRecord => {
    const r = emptyUsage('claude-sonnet-4-5', `r${i}`, 'gen.jsonl', i + 1);
    r.timeMs = Date.parse('2026-10-01T00:00:00Z') + i * 60_000;
    r.inputTokens = 100;
    f(r);
    return r;
  };
  const turns = (s: string[]) => s.filter((q) => q.includes('turn_no')).length;
  const unread = (s: string[]) => s.filter((q) => q.includes('is_write')).length;
  const distinct = (s: string[]) => s.filter((q) => q.includes('count(DISTINCT CASE WHEN customer')).length;

  it('no turns, unread writes or distinct counts without conversations, cache writes or attribution', async () => {
    const sent = await statements([0, 1, 2].map((i) => record(i, (r) => (r.cacheReadTokens = 10))));
    expect([turns(sent), unread(sent), distinct(sent)]).toEqual([0, 0, 0]);
  });

  it('each runs when its rows are there', async () => {
    const sent = await statements([
      record(0, (r) => (r.conversationId = 'c')),
      record(1, (r) => (r.cacheWrite5mTokens = 10)),
      record(2, (r) => (r.tags.customer = 'x')),
    ]);
    expect([turns(sent), unread(sent), distinct(sent)]).toEqual([1, 1, 1]);
  });
});

describe('exact cost per request', () => {
  it('nearest rank over requests, aggregated rows counted once per request', async () => {
    // gpt-4o output: $10 / MTok, so 100 output tokens cost $0.001.
    // Ten single requests of 100, 200, ..., 1000 tokens: $0.001 .. $0.010;
    // one row of 10 requests with 5000 tokens: $0.005 each.
    // Sorted (20 requests): 0.001 0.002 0.003 0.004, 0.005 x 11, 0.006 0.007 0.008 0.009 0.010.
    // p50: rank ceil(20 x 0.5) = 10 -> 0.005; p90: rank 18 -> 0.008; p99: rank ceil(19.8) = 20 -> 0.010.
    const records: UsageRecord[] = [];
    for (let i = 1; i <= 10; i++) {
      const r = emptyUsage('gpt-4o', `r${i}`, 'gen.jsonl', i);
      r.outputTokens = 100 * i;
      r.timeMs = Date.parse('2026-10-01T00:00:00Z') + i;
      records.push(r);
    }
    const bucket = emptyUsage('gpt-4o', 'bucket', 'gen.jsonl', 11);
    bucket.requests = 10;
    bucket.outputTokens = 5000;
    records.push(bucket);
    const d = await tableOf(records);
    const { view } = await reportFromTable(d, { dims: parseDimensions('model') }, { catalog, nowMs: NOW });
    expect(view.distribution).toEqual({ p50: 0.005, p90: 0.008, p99: 0.01, max: 0.01, mean: (0.055 + 0.05) / 20 });
    expect(view.groups[0]).toMatchObject({ p50: 0.005, p90: 0.008, p99: 0.01, max: 0.01 });
  }, 30_000);

  it('in 64-bit arithmetic, again in 128 bits when a row overflows it (DuckDB raises an error, never wraps)', async () => {
    // gpt-4o output: $10 / MTok = 10^10 femto-USD per token. Rows of 100 and 200 tokens cost
    // $0.001 and $0.002; a row of 10^9 tokens 10^19 femto-USD ($10,000), over 2^63 - 1 (9.22 x 10^18).
    // Sorted (3 requests): 0.001, 0.002, 10000. p50: rank ceil(1.5) = 2 -> 0.002; p90, p99: rank 3.
    const run = async (outputs: number[]) => {
      const records = outputs.map((tokens, i) => {
        const r = emptyUsage('gpt-4o', `r${i}`, 'gen.jsonl', i + 1);
        r.outputTokens = tokens;
        r.timeMs = Date.parse('2026-10-01T00:00:00Z') + i;
        return r;
      });
      const d = await tableOf(records);
      const { spy, sent } = recording(d);
      const { view } = await reportFromTable(spy, { dims: parseDimensions('model') }, { catalog, nowMs: NOW });
      d.close();
      db = undefined;
      // the distribution queries sent: 64-bit ones multiply the columns as they are, 128-bit ones cast them first
      const dist = sent.filter((q) => q.includes('quantile_disc')).map((q) => (q.includes('HUGEINT') ? 128 : 64));
      return { view, dist };
    };
    const small = await run([100, 200]);
    expect(small.dist).toEqual([64]);
    // 2 requests: p50 rank ceil(1.0) = 1 -> 0.001; p90, p99 rank 2 -> 0.002
    expect(small.view.distribution).toMatchObject({ p50: 0.001, p90: 0.002, p99: 0.002, max: 0.002 });
    const large = await run([100, 200, 1_000_000_000]);
    expect(large.dist).toEqual([64, 128]);
    expect(large.view.distribution).toMatchObject({ p50: 0.002, p90: 10_000, p99: 10_000, max: 10_000 });
    expect(large.view.groups[0]).toMatchObject({ p50: 0.002, p90: 10_000, p99: 10_000, max: 10_000 });
  }, 30_000);
});

describe('the usage table and the database', () => {
  it('is documented in docs/architecture.md column for column', () => {
    expect(readFileSync('docs/architecture.md', 'utf8')).toContain(usageTableMarkdown());
    expect(new Set(USAGE_COLUMNS.map((c) => c.name)).size).toBe(USAGE_COLUMNS.length);
  });

  it('bounds memory from an option and spills to the temp directory', async () => {
    db = await UsageDb.open({ memoryLimit: '64MB', tempDirectory: '/tmp/tokenomics-engine-test' });
    const rows = await db.query("SELECT current_setting('memory_limit') AS m, current_setting('temp_directory') AS t");
    expect(rows[0]).toEqual({ m: '61.0 MiB', t: '/tmp/tokenomics-engine-test' });
  });

  it('rejects a memory limit that is not a size', async () => {
    await expect(UsageDb.open({ memoryLimit: 'lots' })).rejects.toThrow(EngineError);
  });

  it('names file:line for a count that is not a whole number', async () => {
    db = await UsageDb.open();
    const r = emptyUsage('gpt-4o', 'x', 'app.jsonl', 7);
    r.outputTokens = 1.5;
    expect(() => db!.append(r)).toThrow(/app\.jsonl:7: expected a whole number, got 1\.5/);
  });
});
