/**
 * Parquet input through the SQL reader: a file with the usage table's column names, and a
 * Langfuse-like export mapped with --map, both against the same records written as generic JSONL
 * and read by the TypeScript generic reader (an independent path): equal report JSON apart from
 * the input file list. Rejected rows are placed at file:row.
 */
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { UsageDb } from '../../src/engine/duckdb.js';
import { loadWithSql } from '../../src/engine/sql-readers/index.js';
import { parseColumnMap } from '../../src/ingest/index.js';
import { parseDimensions } from '../../src/aggregate/dims.js';
import { reportFromTable } from '../../src/engine/report.js';
import type { SqlDb } from '../../src/engine/sql-db.js';
import { loadCatalog } from '../../src/pricing/load.js';
import { engineReport, NOW } from './engine-env.js';

let dir: string;
const path = (name: string) => join(dir, name);

async function copy(sql: string, file: string): Promise<void> {
  const instance = await DuckDBInstance.create(':memory:');
  const c = await instance.connect();
  await c.run(`COPY (${sql}) TO '${file}' (FORMAT parquet)`);
  c.closeSync();
  instance.closeSync();
}

// three requests: 2026-10-01 gpt-4o-mini 1000 uncached + 500 cached in, 200 out; gpt-4.1 300 in, 50 out
// (10 of them reasoning), conversation c1; claude-sonnet-4-5 2000 in, 1000 written (5m), 100 out
const RECORDS = [
  {
    id: 'a',
    t: '2026-10-01T10:00:00Z',
    model: 'gpt-4o-mini',
    input: 1000,
    cached: 500,
    write: 0,
    output: 200,
    reasoning: 0,
    conv: 'c1',
    feature: 'chat',
  },
  {
    id: 'b',
    t: '2026-10-01T10:01:00Z',
    model: 'gpt-4.1',
    input: 300,
    cached: 0,
    write: 0,
    output: 50,
    reasoning: 10,
    conv: 'c1',
    feature: 'chat',
  },
  {
    id: 'c',
    t: '2026-10-02T08:00:00Z',
    model: 'claude-sonnet-4-5',
    input: 2000,
    cached: 0,
    write: 1000,
    output: 100,
    reasoning: 0,
    conv: 'c2',
    feature: 'search',
  },
];

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'tokenomics-parquet-'));
  const values = RECORDS.map(
    (r) =>
      `('${r.id}', ${Date.parse(r.t)}, '${r.model}', ${r.input}, ${r.cached}, ${r.write}, ${r.output}, ${r.reasoning}, '${r.conv}', '${r.feature}')`,
  ).join(', ');
  await copy(
    `SELECT * FROM (VALUES ${values}) v(id, time_ms, model, input_tokens, cache_read_tokens, cache_write_5m_tokens, output_tokens, reasoning_tokens, conversation_id, feature)`,
    path('usage.parquet'),
  );
  // Langfuse-like: inclusive prompt total in a struct, a TIMESTAMP, camelCase names
  const lf = RECORDS.map(
    (r) =>
      `('${r.id}', TIMESTAMPTZ '${r.t}', '${r.model}', {'input': ${r.input + r.cached + r.write}, 'cache_read': ${r.cached}, 'cache_write': ${r.write}, 'output': ${r.output}}, '${r.conv}')`,
  ).join(', ');
  await copy(`SELECT * FROM (VALUES ${lf}) v(id, startTime, providedModelName, usageDetails, traceId)`, path('langfuse.parquet'));
  await copy(
    `SELECT * FROM (VALUES ('x', 'gpt-4o-mini', 10, 5), ('y', 'gpt-4o-mini', -3, 5), ('z', 'gpt-4o-mini', 7, 2)) v(id, model, input_tokens, output_tokens)`,
    path('bad.parquet'),
  );
  // model ids that need the trim (surrounding spaces, blank, missing), and a rejected row's own model
  await copy(
    `SELECT * FROM (VALUES ('p', ' gpt-4o-mini ', 10, 5), ('q', '', 3, 1), ('r', NULL, 4, 1), ('s', 'gpt-4.1', 5, 1)) v(id, model, input_tokens, output_tokens)`,
    path('models.parquet'),
  );
  await copy(
    `SELECT * FROM (VALUES ('x', 'gpt-4o-mini', 10, 5), ('y', 'o3', -3, 5), ('z', 'gpt-4.1', 7, 2)) v(id, model, input_tokens, output_tokens)`,
    path('bad-model.parquet'),
  );
  writeFileSync(
    path('same.jsonl'),
    RECORDS.map((r) =>
      JSON.stringify({
        id: r.id,
        at: r.t,
        model: r.model,
        prompt: r.input + r.cached + r.write,
        cached: r.cached,
        written: r.write,
        out: r.output,
        think: r.reasoning,
        conv: r.conv,
        feature: r.feature,
      }),
    ).join('\n') + '\n',
  );
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const JSONL_MAP =
  'id=id,timestamp=at,model=model,prompt=prompt,cacheRead=cached,cacheWrite=written,output=out,reasoning=think,conversation=conv,feature=feature';

/** The report JSON without the list of input files (their names and formats differ by design). */
async function report(inputs: string[], map?: string, by = 'model,feature') {
  const { data: json } = await engineReport({ inputs, map, by });
  const { files: _files, ...inputsRest } = json.inputs;
  return { ...json, inputs: inputsRest };
}

/**
 * The report view over `files` loaded into one table, twice: with the facts the database knows
 * (route keys, time span, row kinds: the key expression and join they shorten) and through a
 * plain SqlDb without them (the full key expression and time bounds): the independent path.
 */
async function withAndWithoutFacts(files: string[], by: string) {
  const db = await UsageDb.open({ threads: 1 });
  try {
    for (const f of files) expect(await loadWithSql(db, f, { keepText: false })).not.toBe('fallback');
    await db.seal();
    const { catalog } = loadCatalog({ priceFiles: [] });
    const task = { dims: parseDimensions(by) };
    const env = { catalog, nowMs: Date.parse(NOW) };
    const plain: SqlDb = { run: (q) => db.run(q), query: (q) => db.query(q), loadTable: (n, c, r) => db.loadTable(n, c, r) };
    const full = await reportFromTable(plain, task, env);
    const short = await reportFromTable(db, task, env);
    return { short: short.view, full: full.view };
  } finally {
    db.close();
  }
}

describe('Parquet input', () => {
  it('a file with the usage table column names reports as the same records in generic JSONL', async () => {
    const parquet = await report([path('usage.parquet')]);
    expect(parquet).toEqual(await report([path('same.jsonl')], JSONL_MAP));
    // 3 requests; input 1000 + 300 + 2000 uncached, 500 cached, 1000 written, 350 out
    expect(parquet.totals).toMatchObject({ requests: 3, tokens: { input: 3300, cacheRead: 500, output: 350 } });
    const { data: json } = await engineReport({ inputs: [path('usage.parquet')] });
    expect(json.inputs.files).toEqual([expect.objectContaining({ format: 'parquet' })]);
    // one request a row, no logged turn: the turns' window without those columns, as the full one
    const { short, full } = await withAndWithoutFacts([path('usage.parquet')], 'model,feature');
    expect(short).toEqual(full);
    expect(short.turns.map((t) => [t.turn, t.requests])).toEqual([
      [1, 2],
      [2, 1],
    ]);
  });

  it('a Langfuse-like export maps its columns with --map (struct fields by dot path)', async () => {
    const map =
      'id=id,timestamp=startTime,model=providedModelName,prompt=usageDetails.input,cacheRead=usageDetails.cache_read,cacheWrite=usageDetails.cache_write,output=usageDetails.output,conversation=traceId';
    const jsonlMap = 'id=id,timestamp=at,model=model,prompt=prompt,cacheRead=cached,cacheWrite=written,output=out,conversation=conv';
    expect(await report([path('langfuse.parquet')], map, 'model,conversation')).toEqual(
      await report([path('same.jsonl')], jsonlMap, 'model,conversation'),
    );
  });

  it('a name DuckDB would read as a pattern is read as the file it names (u[1].parquet is not u1.parquet), rows and issues under that name', async () => {
    // the decoy u1.parquet (what the pattern u[1].parquet matches): usage.parquet's 3 rows; the file itself: bad.parquet's
    copyFileSync(path('usage.parquet'), path('u1.parquet'));
    copyFileSync(path('bad.parquet'), path('u[1].parquet'));
    const before = new Set(readdirSync(tmpdir()));
    const db = await UsageDb.open({ threads: 1 });
    let linked: string[] = [];
    try {
      const r = await loadWithSql(db, path('u[1].parquet'), { keepText: false });
      if (r === 'fallback') throw new Error('Parquet has no fallback');
      expect(r.counts).toEqual({ read: 3, counted: 2, skipped: {}, rejected: { 'negative-count': 1 } });
      expect(r.issues).toEqual([expect.objectContaining({ code: 'negative-count', file: path('u[1].parquet'), line: 2 })]);
      await db.seal();
      linked = [...readdirSync(tmpdir())].filter((f) => !before.has(f) && f.startsWith('tokenomics-input-'));
      expect(linked).toHaveLength(1);
      // rows x and z of bad.parquet (10 + 7 input tokens), named by the file given
      const rows = await db.query('SELECT id, input_tokens, source_file, source_line FROM usage ORDER BY seq');
      expect(rows).toEqual([
        { id: 'x', input_tokens: 10n, source_file: path('u[1].parquet'), source_line: 1 },
        { id: 'z', input_tokens: 7n, source_file: path('u[1].parquet'), source_line: 3 },
      ]);
    } finally {
      db.close();
    }
    // the link's folder goes with the database
    for (const f of linked) expect(existsSync(join(tmpdir(), f))).toBe(false);
  });

  it("names the file given, not its link, in DuckDB's messages; a temporary folder DuckDB would read as a pattern is an error with a hint", async () => {
    writeFileSync(path('not[1].parquet'), 'not parquet at all\n');
    const db = await UsageDb.open({ threads: 1 });
    try {
      const r = await loadWithSql(db, path('not[1].parquet'), { keepText: false });
      if (r === 'fallback') throw new Error('Parquet has no fallback');
      expect(r.issues).toEqual([expect.objectContaining({ code: 'read-error', file: path('not[1].parquet') })]);
      expect(r.issues?.[0].message).toContain(path('not[1].parquet'));
      expect(r.issues?.[0].message).not.toContain('tokenomics-input-');
      const odd = join(dir, 'tmp[x]');
      mkdirSync(odd);
      const was = process.env.TMPDIR;
      process.env.TMPDIR = odd;
      try {
        const t = await loadWithSql(db, path('not[1].parquet'), { keepText: false });
        if (t === 'fallback') throw new Error('Parquet has no fallback');
        expect(t.issues).toEqual([expect.objectContaining({ code: 'read-error', hint: expect.stringContaining('TMPDIR') })]);
      } finally {
        if (was === undefined) delete process.env.TMPDIR;
        else process.env.TMPDIR = was;
      }
    } finally {
      db.close();
    }
  });

  it('rejects a bad row at file:row and reads the others', async () => {
    const db = await UsageDb.open({ threads: 1 });
    try {
      const r = await loadWithSql(db, path('bad.parquet'), { keepText: false });
      expect(r).not.toBe('fallback');
      if (r === 'fallback') return;
      expect(r.counts).toEqual({ read: 3, counted: 2, skipped: {}, rejected: { 'negative-count': 1 } });
      // the column and its value named, as the TypeScript readers name them (row 2: input_tokens -3)
      expect(r.issues).toEqual([
        expect.objectContaining({
          code: 'negative-count',
          file: path('bad.parquet'),
          line: 2,
          path: 'input_tokens',
          message: 'input_tokens must be a non-negative integer (got "-3")',
        }),
      ]);
      // rows x and z: 10 + 7 uncached input tokens (read in place once the table is sealed)
      await db.seal();
      const [sum] = await db.query('SELECT sum(input_tokens) AS i, count(*) AS n FROM usage');
      expect(sum).toEqual({ i: 17n, n: 2n });
    } finally {
      db.close();
    }
  });

  it('leaves out the row checks the file statistics prove no row fails, and keeps the others', async () => {
    // integer ms times: one in 1989 (before 1990: invalid), the rest in 2026
    await copy(
      `SELECT * FROM (VALUES ('a', ${Date.parse('2026-10-01T00:00:00Z')}, 'gpt-4.1', 10, 5), ('b', ${Date.parse('1989-12-31T00:00:00Z')}, 'gpt-4.1', 3, 1)) v(id, time_ms, model, input_tokens, output_tokens)`,
      path('old-time.parquet'),
    );
    const staged = async (f: string) => {
      const db = await UsageDb.open({ threads: 1 });
      try {
        const r = await loadWithSql(db, f, { keepText: false });
        const [v] = await db.query("SELECT sql FROM duckdb_views() WHERE view_name = 'usage_parquet_0_staged'");
        return { r, sql: String(v.sql) };
      } finally {
        db.close();
      }
    };
    // counts 0 or more in integer columns, times in range: no per-row check but reasoning <= output
    const ok = await staged(path('usage.parquet'));
    expect(ok.sql).not.toContain('negative-count');
    expect(ok.sql).not.toContain('invalid-count');
    expect(ok.sql).not.toContain('invalid-timestamp');
    expect(ok.sql).toContain('i_re > i_out');
    // and its proven millisecond times are read as they are, without the magnitude test (which stays where unproven)
    expect(ok.sql).not.toContain('round(time_ms)');
    // a negative input (statistics: least -3): checked and rejected at file:row 2
    const bad = await staged(path('bad.parquet'));
    expect(bad.sql).toContain('negative-count');
    expect(bad.r).toMatchObject({ counts: { rejected: { 'negative-count': 1 } } });
    // a time before 1990: checked and rejected at row 2
    const old = await staged(path('old-time.parquet'));
    expect(old.sql).toContain('invalid-timestamp');
    expect(old.sql).toContain('round(time_ms)');
    expect(old.r).toMatchObject({ counts: { counted: 1, rejected: { 'invalid-timestamp': 1 } } });
  });

  it('finds the route keys and time span of its rows without a scan of the usage rows', async () => {
    const keysOf = async (files: string[]) => {
      const db = await UsageDb.open({ threads: 1 });
      try {
        for (const f of files) expect(await loadWithSql(db, f, { keepText: false })).not.toBe('fallback');
        await db.seal();
        const sort = (keys: Array<{ model: string }>) => keys.map((k) => JSON.stringify(k)).sort();
        const found = sort(await db.routeKeys());
        // the independent path: a scan of every row of the usage view; every key it finds is found
        const scanned = sort(
          (await db.query('SELECT DISTINCT model, provider, regional FROM usage')).map((r) => ({
            model: String(r.model),
            provider: r.provider,
            regional: r.regional,
          })),
        );
        expect(found).toEqual(expect.arrayContaining(scanned));
        const [t] = await db.query('SELECT min(time_ms) AS first_ms, max(time_ms) AS last_ms FROM usage');
        const span = await db.timeSpan();
        return {
          found,
          span,
          scanned: { firstMs: t.first_ms === null ? null : Number(t.first_ms), lastMs: t.last_ms === null ? null : Number(t.last_ms) },
        };
      } finally {
        db.close();
      }
    };
    const key = (model: string) => JSON.stringify({ model, provider: null, regional: null });
    // rows x and z, and the rejected row's model (o3): a key without rows; no time column
    const bad = await keysOf([path('bad-model.parquet')]);
    expect(bad.found).toEqual([key('gpt-4.1'), key('gpt-4o-mini'), key('o3')]);
    expect(bad.span).toEqual({ firstMs: null, lastMs: null });
    // trimmed, blank and missing ids: the keys of the trimmed column, by a scan; no span (not known)
    const models = await keysOf([path('models.parquet')]);
    expect(models.found).toEqual([key('(no model)'), key('gpt-4.1'), key('gpt-4o-mini')]);
    expect(models.span).toBeUndefined();
    // two files: the keys of both, the span of the timed one (2026-10-01T10:00Z .. 2026-10-02T08:00Z)
    const both = await keysOf([path('usage.parquet'), path('bad-model.parquet')]);
    expect(both.found).toEqual([key('claude-sonnet-4-5'), key('gpt-4.1'), key('gpt-4o-mini'), key('o3')]);
    expect(both.span).toEqual({ firstMs: Date.parse('2026-10-01T10:00:00Z'), lastMs: Date.parse('2026-10-02T08:00:00Z') });
    expect(both.span).toEqual(both.scanned);
  });

  it('prices rows on either side of a price change as the same records in JSONL (time bounds kept or left out)', async () => {
    // gemini-2.5-pro changed price on 2025-10-31 (two catalog periods): rows on both sides keep the
    // join's time bounds; rows after it only leave them out (one segment covers every row)
    for (const [name, times] of [
      ['both-sides', ['2025-10-01T10:00:00Z', '2025-11-15T10:00:00Z']],
      ['after', ['2025-11-15T10:00:00Z', '2025-11-16T10:00:00Z']],
    ] as const) {
      const rows = times.map((t, i) => ({ id: `${name}${i}`, t, model: 'gemini-2.5-pro', input: 250_000 * (i + 1), output: 1000 }));
      await copy(
        `SELECT * FROM (VALUES ${rows.map((r) => `('${r.id}', ${Date.parse(r.t)}, '${r.model}', ${r.input}, ${r.output})`).join(', ')}) v(id, time_ms, model, input_tokens, output_tokens)`,
        path(`${name}.parquet`),
      );
      writeFileSync(
        path(`${name}.jsonl`),
        rows.map((r) => JSON.stringify({ id: r.id, at: r.t, model: r.model, prompt: r.input, out: r.output })).join('\n') + '\n',
      );
      const parquet = await report([path(`${name}.parquet`)], undefined, 'model,day');
      expect(parquet).toEqual(
        await report([path(`${name}.jsonl`)], 'id=id,timestamp=at,model=model,prompt=prompt,output=out', 'model,day'),
      );
      expect(parquet.totals).toMatchObject({ requests: 2 });
      const { short, full } = await withAndWithoutFacts([path(`${name}.parquet`)], 'model,day');
      expect(short).toEqual(full);
      expect(short.total.sums.requests).toBe(2);
    }
  });

  it('prices service tiers, rows of several requests and logged turns as the same records in JSONL (the key and turns keep their terms)', async () => {
    // gpt-4.1 batch (half price) in one row of 2 requests, priority in one of 1; claude-sonnet-4-5 in one
    // row of 2 requests of 150,000 prompt tokens each (under the 200k band) and one of 250,000 (over it)
    // all in conversation k1, two with a logged turn (3, 5): turns by the logged number, else by position
    const rows = [
      { id: 'q1', t: '2026-10-01T10:00:00Z', model: 'gpt-4.1', tier: 'batch', requests: 2, input: 2000, output: 100, turn: 3 },
      { id: 'q2', t: '2026-10-01T11:00:00Z', model: 'gpt-4.1', tier: 'priority', requests: 1, input: 1000, output: 50, turn: null },
      {
        id: 'q3',
        t: '2026-10-01T12:00:00Z',
        model: 'claude-sonnet-4-5',
        tier: 'standard',
        requests: 2,
        input: 300_000,
        output: 10,
        turn: 5,
      },
      {
        id: 'q4',
        t: '2026-10-01T13:00:00Z',
        model: 'claude-sonnet-4-5',
        tier: 'standard',
        requests: 1,
        input: 250_000,
        output: 10,
        turn: null,
      },
    ];
    const values = (turns: boolean) =>
      rows
        .map(
          (r) =>
            `('${r.id}', ${Date.parse(r.t)}, '${r.model}', '${r.tier}', ${r.requests}, ${r.input}, ${r.output}${turns ? `, 'k1', ${r.turn ?? 'NULL'}` : ''})`,
        )
        .join(', ');
    const names = 'id, time_ms, model, service_tier, requests, input_tokens, output_tokens';
    await copy(`SELECT * FROM (VALUES ${values(false)}) v(${names})`, path('tiers.parquet'));
    await copy(`SELECT * FROM (VALUES ${values(true)}) v(${names}, conversation_id, turn)`, path('turns.parquet'));
    writeFileSync(
      path('tiers.jsonl'),
      rows
        .map((r) => JSON.stringify({ id: r.id, at: r.t, model: r.model, tier: r.tier, n: r.requests, prompt: r.input, out: r.output }))
        .join('\n') + '\n',
    );
    const parquet = await report([path('tiers.parquet')], undefined, 'model,tier');
    expect(parquet).toEqual(
      await report(
        [path('tiers.jsonl')],
        'id=id,timestamp=at,model=model,serviceTier=tier,requests=n,prompt=prompt,output=out',
        'model,tier',
      ),
    );
    expect(parquet.totals).toMatchObject({ requests: 6 });
    expect((await withAndWithoutFacts([path('tiers.parquet')], 'model,tier')).short).toEqual(
      (await withAndWithoutFacts([path('tiers.parquet')], 'model,tier')).full,
    );
    // the same rows in conversation k1 with two logged turns: the window keeps requests and turn
    const { short, full } = await withAndWithoutFacts([path('turns.parquet')], 'model,tier');
    expect(short).toEqual(full);
    expect(short.total.cost.costFemto).not.toBeNull();
    // turns 2 (q2, second in k1), 3, 4 (q4), 5: 1 + 2 + 1 + 2 requests
    expect(short.turns.map((t) => [t.turn, t.requests])).toEqual([
      [2, 1],
      [3, 2],
      [4, 1],
      [5, 2],
    ]);
  });

  it('knows from the file statistics when every row has a customer / user, and reports as without', async () => {
    const file = async (name: string, customers: string[], users: string[]) => {
      const values = customers.map((c, i) => `('${name}${i}', 'gpt-4.1', ${1000 * (i + 1)}, 10, ${c}, ${users[i]})`).join(', ');
      await copy(`SELECT * FROM (VALUES ${values}) v(id, model, input_tokens, output_tokens, customer, user_id)`, path(`${name}.parquet`));
      return path(`${name}.parquet`);
    };
    const every = await file('every', ["'acme'", "'zeta'", "'acme'"], ["'u1'", "'u2'", "'u3'"]);
    // one row without a customer (''), one without a user (NULL)
    const gaps = await file('gaps', ["'acme'", "''", "'acme'"], ["'u1'", "'u2'", 'NULL']);
    const kinds = async (f: string) => {
      const db = await UsageDb.open({ threads: 1 });
      try {
        expect(await loadWithSql(db, f, { keepText: false })).not.toBe('fallback');
        await db.seal();
        return await db.rowKinds();
      } finally {
        db.close();
      }
    };
    expect(await kinds(every)).toMatchObject({ everyCustomer: true, everyUser: true });
    // the counts the file has no column for are 0 in every row, and no row is estimated
    expect((await kinds(every))?.zero).toEqual([
      'cache_read_tokens',
      'cache_write_5m_tokens',
      'cache_write_1h_tokens',
      'reasoning_tokens',
      'web_search_calls',
      'web_search_preview_calls',
      'web_fetch_calls',
      'grounded_prompts',
      'output_images',
      'file_search_calls',
      'code_interpreter_calls',
      'estimated',
    ]);
    expect(await kinds(gaps)).toMatchObject({ everyCustomer: false, everyUser: false });
    for (const f of [every, gaps]) {
      const { short, full } = await withAndWithoutFacts([f], 'model');
      expect(short).toEqual(full);
    }
    // gpt-4.1 at $2 / $8 per MTok: row i costs 1000 i x 2e9 + 10 x 8e9 femto-USD = 2e12 i + 8e10.
    // gaps: the customer slice is rows 1 and 3 (2e12 x 4 + 1.6e11), the user slice rows 1 and 2 (2e12 x 3 + 1.6e11)
    const { short } = await withAndWithoutFacts([gaps], 'model');
    expect(short.attributed.customer.costFemto).toBe(8_160_000_000_000n);
    expect(short.attributed.user.costFemto).toBe(6_160_000_000_000n);
    expect([short.customers, short.users]).toEqual([1, 2]);
    // every: both slices are all three rows (2e12 x 6 + 2.4e11)
    const all = (await withAndWithoutFacts([every], 'model')).short;
    expect([all.attributed.customer.costFemto, all.attributed.user.costFemto]).toEqual([12_240_000_000_000n, 12_240_000_000_000n]);
  });

  it('count columns written as text read as a string count in JSONL does: digits counted, blank absent, other text rejected at its row', async () => {
    // rows: '1000' counted; ' 300 ' trimmed and counted; '12x' rejected (invalid-count, row 3); '' absent (0 input)
    const rows: Array<[string, string, number]> = [
      ['t1', '1000', 10],
      ['t2', ' 300 ', 20],
      ['t3', '12x', 30],
      ['t4', '', 40],
    ];
    await copy(
      `SELECT * FROM (VALUES ${rows.map(([id, input, out]) => `('${id}', 'gpt-4o-mini', '${input}', ${out})`).join(', ')}) v(id, model, input_tokens, output_tokens)`,
      path('text-counts.parquet'),
    );
    writeFileSync(
      path('text-counts.jsonl'),
      `${rows.map(([id, input, out]) => JSON.stringify({ id, model: 'gpt-4o-mini', in: input, out })).join('\n')}\n`,
    );
    const pq = await report([path('text-counts.parquet')]);
    const js = await report([path('text-counts.jsonl')], 'id=id,model=model,input=in,output=out');
    // the independent path: the TypeScript generic reader's string counts (ingest/formats/values.ts parseCount)
    expect(pq.totals).toEqual(js.totals);
    expect(pq.inputs).toEqual(js.inputs);
    // by hand: 3 records, input 1000 + 300 + 0 = 1300, output 10 + 20 + 40 = 70; one rejected
    expect(pq.totals.tokens).toMatchObject({ input: 1300, output: 70 });
    expect(pq.inputs).toMatchObject({ read: 4, counted: 3, rejected: { 'invalid-count': 1 } });
    // the rejected row at file:row with its column and text, as the JSONL reader's message (its column named `in` there)
    const issue = (pq.issues as Array<Record<string, unknown>>).find((i) => i.code === 'invalid-count');
    expect(issue).toMatchObject({ line: 3, path: 'input_tokens', message: 'input_tokens must be a non-negative integer (got "12x")' });
    const jsIssue = (js.issues as Array<Record<string, unknown>>).find((i) => i.code === 'invalid-count');
    expect(jsIssue).toMatchObject({ line: 3, path: 'in', message: 'in must be a non-negative integer (got "12x")' });
  });

  it('a count column that is neither a number nor text is a file error naming it (no engine binder message)', async () => {
    await copy(`SELECT 'gpt-4o-mini' AS model, true AS input_tokens, 5 AS output_tokens`, path('bool-counts.parquet'));
    const db = await UsageDb.open({ threads: 1 });
    try {
      const r = await loadWithSql(db, path('bool-counts.parquet'), { keepText: false });
      const issue = r !== 'fallback' ? r.issues?.[0] : undefined;
      expect(issue?.code).toBe('unusable-columns');
      expect(issue?.message).toBe('column "input_tokens" (BOOLEAN) holds token counts but is not a number or text');
      // no --map was given: the hint does not send the user to check it
      expect(issue?.hint).not.toMatch(/names given to --map/);
    } finally {
      db.close();
    }
  });

  it('says when a file has no token columns', async () => {
    const db = await UsageDb.open({ threads: 1 });
    try {
      const r = await loadWithSql(db, path('bad.parquet'), { keepText: false, columns: parseColumnMap('model=model,input=nope') });
      expect(r !== 'fallback' && r.issues?.[0]?.code).toBe('unusable-columns');
    } finally {
      db.close();
    }
  });
});
