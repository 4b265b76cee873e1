/**
 * Edge rows where the data lives: a table built by hand (rows without a model id, tag names holding a
 * backslash or a quote) and a log of edge records (token counts past 2^31 and summing to just under
 * 2^53, zero-token rows, a row before the model's first price, times at DST changes and with UTC
 * offsets, no time, a duplicate id, requests 0 and 7, long-context rows at the threshold, 5m/1h cache
 * writes, unicode and quotes in model names and tags, no customer). The table is reported in DuckDB
 * (`sql --dialect duckdb`'s engine), PostgreSQL and ClickHouse (chDB), the report and the `sql` script;
 * the report of the log's table equals the file report of the log (the embedded DuckDB engine), costs
 * to the femto-dollar.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parseDimensions } from '../../src/aggregate/dims.js';
import { NO_MODEL_WARNING } from '../../src/aggregate/view.js';
import { clickhouse, duckdbWarehouse, postgres, type WarehouseDialect } from '../../src/engine/dialect.js';
import { UsageDb } from '../../src/engine/duckdb.js';
import type { WarehouseDb } from '../../src/engine/warehouse/connect.js';
import { reportFromWarehouse } from '../../src/engine/warehouse/remote-report.js';
import { buildScript, scriptStatements } from '../../src/engine/warehouse/script.js';
import { loadCatalog } from '../../src/pricing/load.js';
import { usageDocument } from '../../src/report/data.js';
import { toJson } from '../../src/report/format.js';
import { USAGE_COLUMNS, type CellValue } from '../../src/usage/table.js';
import { engineReport, NOW, type Flags } from '../engine/engine-env.js';
import { service } from '../services.js';
import { fixtureRows, loadUsageTable, openChdb, openPostgres } from './engines.js';

/** DuckDB embedded as the warehouse: a fresh database with no usage table (the report creates its view). */
async function openDuckDb(): Promise<WarehouseDb> {
  const db = await UsageDb.open({ threads: 1 });
  await db.seal();
  await db.run('DROP TABLE usage');
  return { run: db.run.bind(db), query: db.query.bind(db), loadTable: db.loadTable.bind(db), close: async () => db.close() };
}

let chdb: Awaited<ReturnType<typeof openChdb>> | undefined;
afterAll(async () => chdb?.close());
const ENGINES: Array<[string, WarehouseDialect, () => Promise<WarehouseDb | undefined>]> = [
  ['duckdb', duckdbWarehouse, openDuckDb],
  [
    'postgres',
    postgres,
    async () => {
      const url = service('TOKENOMICS_TEST_PG_URL');
      return url ? openPostgres(url) : undefined;
    },
  ],
  [
    'clickhouse (chDB)',
    clickhouse,
    async () => {
      const path = service('TOKENOMICS_TEST_CHDB');
      if (!path) return undefined;
      // chDB is one engine per process: every "session" shares it
      chdb ??= await openChdb(path);
      return { ...chdb, close: async () => {} };
    },
  ],
];

const nowMs = Date.parse(NOW);
const catalog = () => loadCatalog({ priceFiles: [] }).catalog;

/** The report JSON of table `table` without the input accounting (a table is read, not files). */
async function tableJson(db: WarehouseDb, d: WarehouseDialect, table: string, by: string, tz?: string): Promise<string> {
  const report = await reportFromWarehouse(
    db,
    d,
    { table, name: `${d.name} table ${table}` },
    { dims: parseDimensions(by, tz), filters: [] },
    {
      catalog: catalog(),
      nowMs,
    },
  );
  return comparable(usageDocument(report.data));
}

function comparable(json: unknown): string {
  const j = JSON.parse(toJson(json)) as Record<string, unknown> & { warnings: Array<{ code: string }> };
  delete j.inputs;
  delete j.issues;
  j.warnings = j.warnings.filter((w) => !/record|line|file|issue|input/.test(w.code));
  return toJson(j);
}

/** The script's result sets (all values as text), run statement by statement as a user would. */
async function scriptResults(
  db: WarehouseDb,
  d: WarehouseDialect,
  table: string,
  by: string,
): Promise<Map<string, Array<Record<string, string | null>>>> {
  const script = buildScript({ dialect: d, table, catalog: catalog(), nowMs, command: 'test', by, models: ['gpt-4o@openai'] });
  const out = new Map<string, Array<Record<string, string | null>>>();
  for (const { result, sql } of scriptStatements(script)) {
    if (!result) await db.run(sql);
    else
      out.set(
        result,
        (await db.query(sql)).map((r) =>
          Object.fromEntries(Object.entries(r).map(([k, v]) => [k, v === null || v === undefined ? null : String(v)])),
        ),
      );
  }
  return out;
}

/** A usage-table row: the given cells, counts 0, one request, other cells NULL. */
function row(seq: number, cells: Record<string, CellValue>): CellValue[] {
  return USAGE_COLUMNS.map((c) =>
    c.name === 'seq'
      ? seq
      : Object.hasOwn(cells, c.name)
        ? cells[c.name]
        : c.name === 'requests'
          ? 1
          : c.name === 'estimated'
            ? false
            : c.name === 'source_file'
              ? 'edge'
              : c.nullable || c.type === 'VARCHAR'
                ? null
                : 0,
  );
}

const JUNE = Date.parse('2026-06-01T00:00:00Z');

describe.each(ENGINES)('a table with rows without a model id: %s', (_name, d, open) => {
  it("NULL, empty and blank model ids are counted under (no model), unpriced and named, as a file's records are", async () => {
    const db = await open();
    if (!db) return;
    try {
      const rows = [
        row(0, { id: null, model: null, input_tokens: 100, output_tokens: 10, time_ms: JUNE }),
        row(1, { id: 'n2', model: '', input_tokens: 200, output_tokens: 20, time_ms: JUNE }),
        row(2, { id: 'n3', model: '  ', input_tokens: 300, output_tokens: 30, time_ms: JUNE }),
        row(3, { id: 'n4', model: 'gpt-4o', provider: 'openai', input_tokens: 1000, output_tokens: 100, time_ms: JUNE }),
      ];
      await loadUsageTable(db, d, 'edge_no_model', rows);
      const json = JSON.parse(await tableJson(db, d, 'edge_no_model', 'model')) as {
        groups: Array<{ key: { model: string }; requests: number; costUsd: number | null; tokens: { input: number; output: number } }>;
        warnings: Array<{ code: string; requests: number; message: string }>;
      };
      // gpt-4o at $2.50 / $10 per million: 1,000 x 2.5e-6 + 100 x 1e-5 = 0.0025 + 0.001 = $0.0035; the three
      // rows without a model id: one group, 100 + 200 + 300 = 600 input and 10 + 20 + 30 = 60 output tokens, unpriced
      expect(json.groups.map((g) => [g.key.model, g.requests, g.costUsd, g.tokens.input, g.tokens.output])).toEqual([
        ['gpt-4o', 1, 0.0035, 1000, 100],
        ['(no model)', 3, null, 600, 60],
      ]);
      expect(json.warnings.find((w) => w.code === 'unpriced-models')?.requests).toBe(3);
      expect(json.warnings.find((w) => w.message.startsWith(NO_MODEL_WARNING))?.requests).toBe(3);
      // the script: the same rows under (no model) in the unpriced list (every unpriced request named)
      const r = await scriptResults(db, d, 'edge_no_model', 'model');
      expect(r.get('unpriced')).toEqual([{ model: '(no model)', requests: '3' }]);
      expect(r.get('total')![0].unpriced_requests).toBe('3');

      // and the file report of the same records (generic JSONL) is the same report
      const dir = mkdtempSync(join(tmpdir(), 'tokenomics-edge-'));
      const file = join(dir, 'no-model.jsonl');
      const at = '2026-06-01T00:00:00Z';
      writeFileSync(
        file,
        `${[
          { at, m: null, in: 100, out: 10 },
          { id: 'n2', at, m: '', in: 200, out: 20 },
          { id: 'n3', at, m: '  ', in: 300, out: 30 },
          { id: 'n4', at, m: 'gpt-4o', p: 'openai', in: 1000, out: 100 },
        ]
          .map((x) => JSON.stringify(x))
          .join('\n')}\n`,
      );
      const fromFile = comparable(
        usageDocument((await engineReport({ inputs: [file], map: 'id=id,timestamp=at,model=m,provider=p,input=in,output=out' })).data),
      );
      expect(JSON.stringify(json)).toBe(JSON.stringify(JSON.parse(fromFile)));
    } finally {
      await db.close();
    }
  }, 120_000);

  it('--by week of times at the start of 1970 (a time of 0): the Monday before, 1969-12-29', async () => {
    const db = await open();
    if (!db) return;
    try {
      // 1970-01-01 was a Thursday: 0 ms and 3 x 86,400,000 - 1 ms (Saturday 23:59:59.999) are in the week of Monday
      // 1969-12-29; 4 x 86,400,000 = 345,600,000 ms is Monday 1970-01-05, a week of its own
      await loadUsageTable(db, d, 'edge_epoch', [
        row(0, { id: 'e1', model: 'gpt-4o', provider: 'openai', input_tokens: 1, output_tokens: 0, time_ms: 0 }),
        row(1, { id: 'e2', model: 'gpt-4o', provider: 'openai', input_tokens: 1, output_tokens: 0, time_ms: 3 * 86_400_000 - 1 }),
        row(2, { id: 'e3', model: 'gpt-4o', provider: 'openai', input_tokens: 1, output_tokens: 0, time_ms: 4 * 86_400_000 }),
      ]);
      const json = JSON.parse(await tableJson(db, d, 'edge_epoch', 'week,day')) as {
        groups: Array<{ key: Record<string, string>; requests: number }>;
      };
      expect(json.groups.map((g) => [g.key.week, g.key.day, g.requests])).toEqual([
        ['1969-12-29', '1970-01-01', 1],
        ['1969-12-29', '1970-01-03', 1],
        ['1970-01-05', '1970-01-05', 1],
      ]);
      const r = await scriptResults(db, d, 'edge_epoch', 'week');
      expect(
        r
          .get('groups')!
          .map((g) => [g.week, g.requests])
          .sort(),
      ).toEqual([
        ['1969-12-29', '2'],
        ['1970-01-05', '1'],
      ]);
    } finally {
      await db.close();
    }
  }, 120_000);

  it("empty texts ('') are no value: no customer, no conversation, no tags, as the file report reads blank fields", async () => {
    const db = await open();
    if (!db) return;
    try {
      // a ClickHouse String column holds '' where nothing was logged
      const blank = {
        provider: 'openai',
        customer: '',
        conversation_id: '',
        feature: '',
        user_id: '',
        outcome: '',
        prompt: '',
        tags: '',
        service_tier: '',
      };
      await loadUsageTable(db, d, 'edge_blank', [
        row(0, { id: 'b1', model: 'gpt-4o', input_tokens: 1000, output_tokens: 0, time_ms: JUNE, ...blank }),
        row(1, { id: 'b2', model: 'gpt-4o', input_tokens: 3000, output_tokens: 0, time_ms: JUNE + 1, ...blank }),
      ]);
      const report = async (by: string) =>
        JSON.parse(await tableJson(db, d, 'edge_blank', by)) as {
          groups: Array<{ key: Record<string, string | null>; requests: number; costUsd: number }>;
          unitEconomics: { conversations: number; customers: number; users: number };
          contextWindowTax: unknown;
        };
      // 1,000 + 3,000 input tokens x $2.50 / 1M = $0.01, in one group without a value
      for (const by of ['customer', 'feature', 'conversation', 'user', 'tag:team', 'tier'])
        expect(
          (await report(by)).groups.map((g) => [Object.values(g.key)[0], g.requests, g.costUsd]),
          by,
        ).toEqual([[by === 'tier' ? 'standard' : null, 2, 0.01]]);
      const json = await report('customer');
      expect([json.unitEconomics.conversations, json.unitEconomics.customers, json.unitEconomics.users]).toEqual([0, 0, 0]);
      // the file report of the same records with blank fields (before the script, whose temporary tables the report would read in DuckDB)
      const dir = mkdtempSync(join(tmpdir(), 'tokenomics-edge-'));
      const file = join(dir, 'blank.jsonl');
      const rec = { m: 'gpt-4o', p: 'openai', cust: '', conv: '', team: '', tg: { team: '' } };
      writeFileSync(
        file,
        `${JSON.stringify({ id: 'b1', at: '2026-06-01T00:00:00.000Z', in: 1000, ...rec })}\n${JSON.stringify({ id: 'b2', at: '2026-06-01T00:00:00.001Z', in: 3000, ...rec })}\n`,
      );
      const map = 'id=id,timestamp=at,model=m,provider=p,input=in,customer=cust,conversation=conv,feature=team,tag.team=tg.team';
      expect(await tableJson(db, d, 'edge_blank', 'customer,feature,tag:team')).toBe(
        comparable(usageDocument((await engineReport({ inputs: [file], map, by: 'customer,feature,tag:team' })).data)),
      );
      // no conversation: no turns (the two rows were one conversation '' of two turns)
      const r = await scriptResults(db, d, 'edge_blank', 'customer');
      expect(r.get('turns')).toEqual([]);
      expect(r.get('groups')!.map((g) => [g.customer, g.requests])).toEqual([['(none)', '2']]);
    } finally {
      await db.close();
    }
  }, 120_000);

  it.runIf(d.name === 'postgres')(
    'a jsonb tags column is read as its JSON text',
    async () => {
      const db = await open();
      if (!db) return;
      try {
        await db.run('DROP TABLE IF EXISTS edge_jsonb');
        await db.run('CREATE TABLE edge_jsonb (model TEXT, provider TEXT, input_tokens BIGINT, output_tokens BIGINT, tags JSONB)');
        await db.run(`INSERT INTO edge_jsonb VALUES ('gpt-4o', 'openai', 1000, 0, '{"team": "a"}'), ('gpt-4o', 'openai', 3000, 0, NULL)`);
        const json = JSON.parse(await tableJson(db, d, 'edge_jsonb', 'tag:team')) as {
          groups: Array<{ key: Record<string, string | null>; costUsd: number }>;
        };
        // 3,000 x $2.50 / 1M = $0.0075 (no tag), 1,000 x $2.50 / 1M = $0.0025 (team a)
        expect(json.groups.map((g) => [g.key['tag:team'], g.costUsd])).toEqual([
          [null, 0.0075],
          ['a', 0.0025],
        ]);
      } finally {
        await db.close();
      }
    },
    120_000,
  );

  it('tag names holding a backslash or a quote find their key (--by tag:NAME)', async () => {
    const db = await open();
    if (!db) return;
    try {
      // keys a\b, c\ and it's (JSON text escapes the backslash)
      const tags = (o: Record<string, string>) => JSON.stringify(o);
      await loadUsageTable(db, d, 'edge_tags', [
        row(0, {
          id: 't1',
          model: 'gpt-4o',
          provider: 'openai',
          input_tokens: 1000,
          output_tokens: 0,
          time_ms: JUNE,
          tags: tags({ 'a\\b': 'x', 'c\\': 'y' }),
        }),
        row(1, {
          id: 't2',
          model: 'gpt-4o',
          provider: 'openai',
          input_tokens: 3000,
          output_tokens: 0,
          time_ms: JUNE,
          tags: tags({ "it's": 'z' }),
        }),
      ]);
      const groups = async (by: string) =>
        (
          JSON.parse(await tableJson(db, d, 'edge_tags', by)) as {
            groups: Array<{ key: Record<string, string | null>; requests: number; costUsd: number }>;
          }
        ).groups.map((g) => [Object.values(g.key)[0], g.requests, g.costUsd]);
      // t1: 1,000 x $2.50 / 1M = $0.0025; t2: 3,000 x $2.50 / 1M = $0.0075; most expensive first
      expect(await groups('tag:a\\b')).toEqual([
        [null, 1, 0.0075],
        ['x', 1, 0.0025],
      ]);
      expect(await groups('tag:c\\')).toEqual([
        [null, 1, 0.0075],
        ['y', 1, 0.0025],
      ]);
      expect(await groups("tag:it's")).toEqual([
        ['z', 1, 0.0075],
        [null, 1, 0.0025],
      ]);
      // the script's groups, by the same lookup: 1,000 x 2.5e9 femto-USD per token = 2.5e12
      const r = await scriptResults(db, d, 'edge_tags', 'tag:a\\b');
      expect(r.get('groups')!.map((g) => [g['tag_a\\b'], g.cost_femto])).toEqual([
        ['(none)', '7500000000000'],
        ['x', '2500000000000'],
      ]);
    } finally {
      await db.close();
    }
  }, 120_000);
});

/**
 * Edge records as a generic JSONL log (--map below), read by the file report and loaded as a table.
 * The `big` feature: 3e9 + 2^52 + (2^52 - 3e9 - 10) = 2^53 - 10 input tokens (the most a price key's
 * sum holds exactly in JavaScript is 2^53 - 1: README "A known limit") and 2.2e9 + 1 output tokens of
 * gpt-4o at $2.50 / $10 per million (2.5e9 / 1e10 femto-USD per token):
 * 9,007,199,254,740,982 x 2.5e9 + 2,200,000,001 x 1e10 = 22,518,020,136,852,465,000,000,000 femto-USD.
 */
function edgeLog(): string {
  const sonnet = 'claude-sonnet-4-5-20250929';
  const recs = [
    {
      id: 'u1',
      at: '2026-03-08T09:59:59.999Z',
      m: 'modèle-ünï\'cødé "q" \\ ✓',
      p: 'openai',
      in: 1000,
      out: 10,
      team: 'o\'neil "x" \\y ✓',
      cust: 'acme',
    },
    { id: 'big1', at: '2026-03-08T10:00:00Z', m: 'gpt-4o', p: 'openai', in: 3_000_000_000, out: 2_200_000_000, team: 'big', cust: 'acme' },
    { id: 'big2', at: '2026-03-08T10:00:00.001Z', m: 'gpt-4o', p: 'openai', in: 2 ** 52, out: 0, team: 'big' },
    { id: 'big3', at: '2026-03-08T10:00:00.002Z', m: 'gpt-4o', p: 'openai', in: 2 ** 52 - 3_000_000_010, out: 1, team: 'big' },
    { id: 'z1', at: '2026-11-01T08:59:59.999Z', m: 'gpt-4o', p: 'openai', in: 0, out: 0, team: 'zero', cust: 'globex' },
    { id: 'z2', at: '2026-11-01T09:00:00Z', m: sonnet, p: 'anthropic', in: 0, out: 0, team: 'zero', cust: 'globex' },
    { id: 'old', at: '2020-01-01T00:00:00Z', m: 'gpt-4o', p: 'openai', in: 1000, out: 100, team: 'old', cust: 'acme' },
    { id: 'off1', at: '2026-03-29T01:30:00+01:00', m: sonnet, p: 'anthropic', in: 1234, out: 567, team: 'tz', cust: 'acme' },
    { id: 'off2', at: '2026-10-25T02:30:00+02:00', m: sonnet, p: 'anthropic', in: 1234, out: 567, team: 'tz', cust: 'acme' },
    { id: 'off3', at: '2026-12-31T23:30:00-05:00', m: sonnet, p: 'anthropic', in: 1, out: 1, team: 'tz', cust: 'acme' },
    // long context (over 200,000 prompt tokens): 200,000 is not over, 200,001 is; 100,000 + 50,000 + 25,000 + 25,000 = 200,000 and one more
    { id: 'lc1', at: '2026-06-01T00:00:00Z', m: sonnet, p: 'anthropic', in: 200_000, out: 10, team: 'lc', cust: 'acme', conv: 'c1' },
    { id: 'lc2', at: '2026-06-01T00:00:01Z', m: sonnet, p: 'anthropic', in: 200_001, out: 10, team: 'lc', cust: 'acme', conv: 'c1' },
    {
      id: 'lc3',
      at: '2026-06-01T00:00:02Z',
      m: sonnet,
      p: 'anthropic',
      in: 100_000,
      cr: 50_000,
      w5: 25_000,
      w1: 25_000,
      out: 10,
      team: 'lc',
      conv: 'c1',
    },
    {
      id: 'lc4',
      at: '2026-06-01T00:00:03Z',
      m: sonnet,
      p: 'anthropic',
      in: 100_000,
      cr: 50_000,
      w5: 25_000,
      w1: 25_001,
      out: 10,
      team: 'lc',
      conv: 'c1',
    },
    {
      id: 'cw1',
      at: '2026-06-02T00:00:00Z',
      m: 'claude-opus-4-1-20250805',
      p: 'anthropic',
      in: 10,
      w5: 1000,
      w1: 2000,
      out: 10,
      team: 'cache',
      cust: 'initech',
      conv: 'c2',
    },
    {
      id: 'cw2',
      at: '2026-06-02T00:05:00Z',
      m: 'claude-opus-4-1-20250805',
      p: 'anthropic',
      in: 10,
      cr: 3000,
      out: 10,
      team: 'cache',
      cust: 'initech',
      conv: 'c2',
    },
    { id: 'dup', at: '2026-06-03T00:00:00Z', m: 'gpt-4o-mini', p: 'openai', in: 100, out: 10, team: 'dup', cust: 'acme' },
    { id: 'dup', at: '2026-06-03T00:00:00Z', m: 'gpt-4o-mini', p: 'openai', in: 100, out: 10, team: 'dup', cust: 'acme' },
    { id: 'nt', m: 'gpt-4o-mini', p: 'openai', in: 7, out: 3, team: 'nt', cust: 'acme' },
    { id: 'agg', at: '2026-06-04T00:00:00Z', m: 'gpt-4o-mini', p: 'openai', in: 700, out: 300, n: 7, team: 'agg' },
    { id: 'req0', at: '2026-06-04T00:00:00Z', m: 'gpt-4o-mini', p: 'openai', in: 700, out: 300, n: 0, team: 'agg' },
  ];
  const dir = mkdtempSync(join(tmpdir(), 'tokenomics-edge-'));
  const file = join(dir, 'edge.jsonl');
  writeFileSync(file, `${recs.map((r) => JSON.stringify({ ...r, tg: { "k'ey": r.team, ünï: 'v"' } })).join('\n')}\n`);
  return file;
}
const EDGE_MAP =
  "id=id,timestamp=at,model=m,provider=p,input=in,cacheRead=cr,cacheWrite5m=w5,cacheWrite1h=w1,output=out,requests=n,feature=team,customer=cust,conversation=conv,tag.kq=tg.k'ey,tag.uni=tg.ünï";

describe.each(ENGINES.slice(1))('edge records: the report of the table in %s = the file report', (_name, d, open) => {
  const file = edgeLog();
  let loaded: Promise<void> | undefined;
  const CASES: Array<Pick<Flags, 'by' | 'tz'>> = [
    { by: 'feature' },
    { by: 'model' },
    { by: 'customer' },
    { by: 'day,week,month' },
    { by: 'day', tz: 'America/Los_Angeles' },
    { by: 'tag:kq' },
    { by: 'conversation' },
  ];
  it.each(CASES.map((c) => [`${c.by}${c.tz ? ` --tz ${c.tz}` : ''}`, c] as const))(
    '--by %s',
    async (_n, c) => {
      const db = await open();
      if (!db) return;
      try {
        loaded ??= (async () => loadUsageTable(db, d, 'edge_log', await fixtureRows([file], EDGE_MAP)))();
        await loaded;
        const fromFile = comparable(usageDocument((await engineReport({ inputs: [file], map: EDGE_MAP, ...c })).data));
        const got = await tableJson(db, d, 'edge_log', c.by!, c.tz);
        expect(got).toBe(fromFile);
        if (c.by === 'feature') {
          const big = (JSON.parse(got) as { groups: Array<{ key: { feature: string }; costUsd: number }> }).groups.find(
            (g) => g.key.feature === 'big',
          );
          // 22,518,020,136,852,465,000,000,000 femto-USD (above) = $22,518,020,136.852465, as the nearest double
          expect(big?.costUsd).toBe(Number('22518020136.852465'));
        }
      } finally {
        await db.close();
      }
    },
    120_000,
  );
});
