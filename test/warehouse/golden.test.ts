/**
 * BigQuery, Snowflake and Spark scripts: no engine runs here, so they are golden-tested (the whole
 * script for a fixed date, mapping and model list, reviewed by hand when it changes; regenerate
 * with UPDATE_GOLDEN=1) and parsed statement by statement with node-sql-parser in the closest
 * grammar it has. The statements its grammar cannot read are named here, so the tested level of
 * each dialect is exact: BigQuery 21 of 21 statements, Snowflake 20 of 21, Spark (Hive grammar)
 * 12 of 19; the rest are valid SQL the parser's grammar lacks (listed at CASES). README.md states
 * these counts: keep them equal.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import pkg from 'node-sql-parser';
import { describe, expect, it } from 'vitest';
import { DIALECTS } from '../../src/engine/dialect.js';
import { buildScript } from '../../src/engine/warehouse/script.js';
import { loadCatalog } from '../../src/pricing/load.js';

const NOW = Date.parse('2026-11-23T00:00:00Z');
// Valid statements node-sql-parser's grammars cannot read, named so the tested level is exact: a
// boolean expression in GROUP BY (Snowflake's grammar; the flags of the per-group sums)
const AGG = /^CREATE OR REPLACE TEMPORARY TABLE agg/;
const CASES = [
  {
    dialect: 'bigquery',
    parser: 'bigquery',
    statements: 21,
    map: 'model=llm_model,input_tokens=tok_in,output_tokens=tok_out,time_ms=at_ms,feature=team',
    unparsed: [],
  },
  { dialect: 'snowflake', parser: 'snowflake', map: undefined, statements: 21, unparsed: [AGG] },
  {
    dialect: 'spark',
    parser: 'hive',
    statements: 19,
    map: 'model=llm_model,input_tokens=tok_in,output_tokens=tok_out',
    // and Spark syntax Hive's grammar lacks: SET TIME ZONE (the session time zone), CAST to BOOLEAN
    // (the price rows, the tiers, the normalization view, the accounting query), an inline VALUES
    // table (the card rates), integer DIV (the priced table)
    unparsed: [
      /^SET TIME ZONE 'UTC'/,
      /^SELECT CAST\(t\.pricing AS INTEGER\)/,
      /^SELECT CAST\(t\.e AS INTEGER\)/,
      /^SELECT CAST\(t\.e AS INTEGER\)/,
      /^SELECT CAST\(r\.seq/,
      /^SELECT u\.seq AS seq/,
      /^SELECT count\(\*\) AS read_rows/,
    ],
  },
];

const statements = (script: string) =>
  script
    .split(/;\n/)
    .map((s) => s.replace(/^(--.*\n)+/gm, '').trim())
    .filter(Boolean)
    // a temporary view is parsed as its query (the Hive grammar has no CREATE OR REPLACE TEMPORARY VIEW)
    .map((s) => s.replace(/^CREATE OR REPLACE TEMPORARY VIEW \w+ AS\n/, ''));

describe('sql scripts: golden and parsed', () => {
  it.each(CASES)('$dialect', (c) => {
    const script = buildScript({
      dialect: DIALECTS.get(c.dialect)!,
      table: 'analytics.llm_requests',
      map: c.map,
      by: 'feature,day',
      models: ['gpt-4o@openai', 'claude-sonnet-4-5', 'gemini-2.5-pro'],
      catalog: loadCatalog({ priceFiles: [] }).catalog,
      nowMs: NOW,
      command: `tokenomics sql --dialect ${c.dialect}`,
    });
    const file = `test/warehouse/golden/${c.dialect}.sql`;
    if (process.env.UPDATE_GOLDEN === '1' || !existsSync(file)) writeFileSync(file, script);
    expect(script, `${file} changed: review the diff, then UPDATE_GOLDEN=1`).toBe(readFileSync(file, 'utf8'));

    const parser = new pkg.Parser();
    const failed: string[] = [];
    for (const stmt of statements(script)) {
      try {
        parser.astify(stmt, { database: c.parser });
      } catch {
        failed.push(stmt.slice(0, 40));
      }
    }
    expect({ statements: statements(script).length, unparsed: failed.length }).toEqual({
      statements: c.statements,
      unparsed: c.unparsed.length,
    });
    failed.forEach((f, i) => expect(f).toMatch(c.unparsed[i]));
  });
});

describe('spark price rows', () => {
  it('type each column once, not each cell: no typed NULL in the rows of the all-models script', () => {
    const script = buildScript({
      dialect: DIALECTS.get('spark')!,
      table: 't',
      catalog: loadCatalog({ priceFiles: [] }).catalog,
      nowMs: NOW,
      command: 'tokenomics sql --dialect spark',
    });
    const rows = script.split('\n').filter((l) => l.startsWith('('));
    // every catalog id: thousands of price rows, none with a CAST in it
    expect(rows.length).toBeGreaterThan(1000);
    expect(rows.filter((l) => l.includes('CAST('))).toEqual([]);
    // the column types: one CAST per column of price_map in the view's SELECT
    const priceMap = /CREATE OR REPLACE TEMPORARY VIEW price_map AS\nSELECT (.*) FROM VALUES/.exec(script)?.[1] ?? '';
    expect(priceMap).toMatch(/^CAST\(t\.pricing AS INTEGER\) AS pricing, CAST\(t\.model AS STRING\) AS model, /);
  });
});
