/**
 * The warehouse dialects' lexical rules, checked against each engine's documented rules rather than
 * against the emitted text: a string literal read back by the engine's escape rules is the string
 * (and, for the backslash-escaping engines, read back by chDB, whose rules for the escapes the
 * dialects emit are the same), Snowflake's identifiers resolve as the unquoted names a user types, and
 * the windows are ones the engine accepts.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { DIALECTS, postgres, snowflake } from '../../src/engine/dialect.js';
import { buildScript } from '../../src/engine/warehouse/script.js';
import { loadCatalog } from '../../src/pricing/load.js';
import { service } from '../services.js';
import { openChdb, openPostgres } from './engines.js';

/**
 * How each engine reads a single-quoted string literal. `standard`: only a doubled quote is an escape
 * (PostgreSQL with standard_conforming_strings, its default since 9.1; DuckDB). `backslash`: a
 * backslash starts an escape (\\, \', \n, \r, ...): BigQuery
 * (https://cloud.google.com/bigquery/docs/reference/standard-sql/lexical#string_and_bytes_literals),
 * Spark (https://spark.apache.org/docs/latest/sql-ref-literals.html#string-literal), Snowflake
 * (https://docs.snowflake.com/en/sql-reference/data-types-text#escape-sequences-in-single-quoted-string-constants),
 * ClickHouse (https://clickhouse.com/docs/en/sql-reference/syntax#string). `doubledQuote`: '' is a
 * quote too (Snowflake, ClickHouse; in BigQuery it is an error, in Spark two adjacent literals).
 */
const RULES: Record<string, { backslash: boolean; doubledQuote: boolean }> = {
  duckdb: { backslash: false, doubledQuote: true },
  postgres: { backslash: false, doubledQuote: true },
  clickhouse: { backslash: true, doubledQuote: true },
  bigquery: { backslash: true, doubledQuote: false },
  snowflake: { backslash: true, doubledQuote: true },
  spark: { backslash: true, doubledQuote: false },
};
const ESCAPES: Record<string, string> = { n: '\n', r: '\r', t: '\t', '\\': '\\', "'": "'", '"': '"' };

/** The value of the literal at the start of `sql` by `rules`, and where the literal ends. */
function readLiteral(sql: string, rules: { backslash: boolean; doubledQuote: boolean }): { value: string; end: number } {
  if (sql[0] !== "'") throw new Error(`not a literal: ${sql}`);
  let value = '';
  for (let i = 1; i < sql.length; i++) {
    const c = sql[i];
    if (rules.backslash && c === '\\') {
      const e = ESCAPES[sql[i + 1]];
      if (e === undefined) throw new Error(`unknown escape in ${sql}`);
      value += e;
      i++;
    } else if (c === "'") {
      if (rules.doubledQuote && sql[i + 1] === "'") {
        value += "'";
        i++;
      } else return { value, end: i + 1 };
    } else value += c;
  }
  throw new Error(`unterminated literal: ${sql}`);
}

/** Model ids and names as a log or a user may spell them: quotes, backslashes (a Windows path, a regex), line breaks. */
const NASTY = ["it's", 'trailing\\', "a\\'b", '\\n is two characters', 'C:\\models\\x', 'two\nlines\r', "'; DROP TABLE usage; --", 'é "q"'];

describe('string literals: read back by the engine rules, the string itself', () => {
  it.each([...DIALECTS.keys()])('%s', (name) => {
    const d = DIALECTS.get(name)!;
    for (const s of NASTY) {
      const lit = d.literal(s);
      // the whole literal is one token whose value is the string (no early end, no escape eaten)
      expect(readLiteral(lit, RULES[name]), `${name} ${JSON.stringify(s)} as ${lit}`).toEqual({ value: s, end: lit.length });
    }
  });

  describe('postgres: read back by the server after the preamble, whatever standard_conforming_strings it had', () => {
    const url = service('TOKENOMICS_TEST_PG_URL');
    it.skipIf(!url)('a server or role with standard_conforming_strings off', async () => {
      const db = await openPostgres(url!);
      try {
        // off: a backslash in '...' starts an escape, as in E'...' (a role or server may be set so)
        await db.run('SET standard_conforming_strings = off');
        for (const stmt of postgres.preamble) await db.run(stmt);
        for (const s of NASTY) expect((await db.query(`SELECT ${postgres.literal(s)} AS s`))[0].s).toBe(s);
      } finally {
        await db.close();
      }
    });
  });

  describe('the backslash-escaping dialects read back by a real engine (chDB: the same escapes)', () => {
    const path = service('TOKENOMICS_TEST_CHDB');
    let chdb: Awaited<ReturnType<typeof openChdb>> | undefined;
    afterAll(async () => chdb?.close());
    it.skipIf(!path).each(['clickhouse', 'bigquery', 'snowflake', 'spark'])('%s', async (name) => {
      chdb ??= await openChdb(path!);
      const d = DIALECTS.get(name)!;
      for (const s of NASTY) expect((await chdb.query(`SELECT ${d.literal(s)} AS s`))[0].s).toBe(s);
    });
  });
});

describe('snowflake identifiers', () => {
  const script = (table: string, map: string, by: string) =>
    buildScript({
      dialect: snowflake,
      table,
      map,
      by,
      models: ['gpt-4o@openai'],
      catalog: loadCatalog({ priceFiles: [] }).catalog,
      nowMs: Date.parse('2026-11-23T00:00:00Z'),
      command: 'test',
    });

  it('a name typed as Snowflake takes it unquoted resolves as its uppercase (a quoted lowercase name would not find the table)', () => {
    const s = script('analytics.llm_requests', 'model=llm_model,input_tokens=tok_in,output_tokens=tok_out', 'feature');
    expect(s).toContain('FROM "ANALYTICS"."LLM_REQUESTS" src');
    expect(s).toContain('src."LLM_MODEL" AS model');
    expect(s).toContain('src."TOK_IN" AS input_tokens');
    expect(s).not.toMatch(/"(analytics|llm_requests|llm_model|tok_in)"/);
  });

  it('a name only a quoted identifier can hold keeps its case; a part given quoted is left as given', () => {
    const s = script('"Analytics"."Mixed"', 'model=llm_model,input_tokens=tok_in,output_tokens=tok_out', 'tag:cost-center');
    expect(s).toContain('FROM "Analytics"."Mixed" src');
    expect(s).toContain('AS "tag_cost-center"');
    expect(snowflake.ident('a"b')).toBe('"a""b"');
  });
});

describe('window functions the engine accepts', () => {
  it.each([...DIALECTS.keys()])('%s: with neither a time nor an id mapped, the arrival numbering orders by no constant', (name) => {
    const s = buildScript({
      dialect: DIALECTS.get(name)!,
      table: 't',
      map: 'model=m,input_tokens=i,output_tokens=o',
      models: ['gpt-4o@openai'],
      catalog: loadCatalog({ priceFiles: [] }).catalog,
      nowMs: Date.parse('2026-11-23T00:00:00Z'),
      command: 'test',
    });
    expect(s).not.toContain('ORDER BY NULL');
    expect(s).toMatch(/row_number\(\) OVER \((ORDER BY src\.\S+)?\) - 1 AS seq/);
  });

  /** The window specification of each `fn() OVER (...)` in `sql` (parentheses balanced). */
  const windows = (sql: string, fn: string) =>
    [...sql.matchAll(new RegExp(`${fn}\\(\\) OVER \\(`, 'g'))].map((m) => {
      let depth = 1;
      let i = m.index + m[0].length;
      for (; depth > 0; i++) depth += sql[i] === '(' ? 1 : sql[i] === ')' ? -1 : 0;
      return sql.slice(m.index + m[0].length, i - 1);
    });

  it.each(['snowflake', 'spark'])('%s: every row_number() window has an ORDER BY (required there)', (name) => {
    const s = buildScript({
      dialect: DIALECTS.get(name)!,
      table: 't',
      map: 'model=m,input_tokens=i,output_tokens=o',
      by: 'feature',
      models: ['gpt-4o@openai'],
      catalog: loadCatalog({ priceFiles: [] }).catalog,
      nowMs: Date.parse('2026-11-23T00:00:00Z'),
      command: 'test',
    });
    const specs = windows(s, 'row_number');
    // the usage view's arrival order, the turn numbering and the cache scopes' ids
    expect(specs.length).toBeGreaterThanOrEqual(3);
    // an ORDER BY of columns: not of a constant NULL, which no reference documents
    for (const spec of specs) expect(spec).toMatch(/\bORDER BY (?!NULL\b)/);
  });
});

describe('the cost-per-request quantiles', () => {
  it.each(['postgres', 'bigquery', 'snowflake', 'spark'])(
    '%s: picked by a plain max over the rows, never an array of every row (bounded by the row size in BigQuery and Snowflake)',
    (name) => {
      const s = buildScript({
        dialect: DIALECTS.get(name)!,
        table: 't',
        map: 'model=m,input_tokens=i,output_tokens=o',
        by: 'feature',
        models: ['gpt-4o@openai'],
        catalog: loadCatalog({ priceFiles: [] }).catalog,
        nowMs: Date.parse('2026-11-23T00:00:00Z'),
        command: 'test',
      });
      const dist = s.slice(s.indexOf('-- result "distribution"'), s.indexOf('-- result "cliffs"'));
      expect(dist).toContain('max(CASE WHEN cum * 100 >= n * 50 AND (cum - w) * 100 < n * 50 THEN cost END) AS p50_cost');
      expect(dist).not.toMatch(/array_agg|groupArray|arg_?m(in|ax)|m(in|ax)_by/i);
    },
  );
});

describe('session settings', () => {
  it("spark: the session time zone is set with SET TIME ZONE 'UTC', which Databricks SQL warehouses take too (not a spark.* setting)", () => {
    expect(DIALECTS.get('spark')!.preamble).toEqual(["SET TIME ZONE 'UTC'"]);
  });
});

describe('the script run again in the same session', () => {
  it.each([...DIALECTS.keys()])(
    '%s: every table or view it creates replaces one of the same name (a session keeps its temporary tables)',
    (name) => {
      const s = buildScript({
        dialect: DIALECTS.get(name)!,
        table: 't',
        map: 'model=m,input_tokens=i,output_tokens=o',
        models: ['gpt-4o@openai'],
        catalog: loadCatalog({ priceFiles: [] }).catalog,
        nowMs: Date.parse('2026-11-23T00:00:00Z'),
        command: 'test',
      });
      const creates = [...s.matchAll(/^CREATE (.*?)(?:TABLE|VIEW) (\w+)/gm)];
      expect(creates.length).toBeGreaterThanOrEqual(7);
      for (const [stmt, how, table] of creates) {
        const dropped = new RegExp(`^DROP (TABLE|VIEW) IF EXISTS (pg_temp\\.)?${table};\n${stmt.replace(/[()]/g, '\\$&')}`, 'm').test(s);
        expect(how.startsWith('OR REPLACE ') || dropped, stmt).toBe(true);
      }
    },
  );
});
