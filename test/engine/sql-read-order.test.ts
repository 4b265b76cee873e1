/**
 * The SQL readers of OpenAI, LiteLLM and generic files number a staged row by its rowid (its line,
 * less the header): DuckDB keeps read order in a `CREATE TABLE ... AS` on more than one thread only
 * when it plans an order-keeping batch insert. A plan with a join or an aggregate (an IN list of
 * seven words is turned into a hash join) inserts rows as its threads finish them, and rows then
 * take other rows' lines. So every staging statement the readers issue, on every fixture of their
 * formats and mappings, is planned on two threads here and must be a batch insert.
 */
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { UsageDb } from '../../src/engine/duckdb.js';
import { loadWithSql } from '../../src/engine/sql-readers/index.js';
import { parseColumnMap } from '../../src/ingest/index.js';
import type { IngestOptions } from '../../src/ingest/types.js';

const STAGE = /^CREATE OR REPLACE TABLE sr_stage AS/;

/** What SQL read `file` as, and the plan of each staging statement it ran (on two threads). */
async function stagingPlans(file: string, options: IngestOptions): Promise<{ took?: string; plans: string[] }> {
  const db = await UsageDb.open({ threads: 2 });
  const creates: string[] = [];
  const run = db.run.bind(db);
  db.run = async (sql: string) => {
    if (STAGE.test(sql)) creates.push(sql);
    return run(sql);
  };
  try {
    const loaded = await loadWithSql(db, file, options);
    const plans: string[] = [];
    for (const create of creates) plans.push(String((await db.query(`EXPLAIN ${create}`))[0]?.explain_value));
    return { took: loaded === 'fallback' ? undefined : loaded.format, plans };
  } finally {
    db.close();
  }
}

const files = (dir: string, pattern: RegExp) =>
  readdirSync(dir)
    .filter((f) => pattern.test(f))
    .sort()
    .map((f) => join(dir, f));

// the generic mappings of the parity tests: every field, tier and outcome included
const CSV_MAP = parseColumnMap(
  'model=llm,timestamp=when,prompt=total_in,cacheRead=cache_r,cacheWrite=cache_w,cacheWrite1h=cache_w1h,output=out,reasoning=reason,' +
    'serviceTier=tier,requests=reqs,turn=turn,outcome=outcome,tag.team=team,conversation=conv,user=who,webSearch=web,provider=prov,tag.user=tag_user',
);

const JSONL_MAP = parseColumnMap(
  'id=rid,model=llm.name,provider=prov,timestamp=ts,prompt=usage.total_in,cacheRead=usage.cache_r,cacheWrite=usage.cache_w,' +
    'cacheWrite1h=usage.cache_w1h,output=usage.out,reasoning=usage.reason,webSearch=usage.web,serviceTier=tier,requests=reqs,' +
    'outcome=ok,tag.team=meta.team,conversation=conv,user=who',
);

describe('SQL readers: every staging statement keeps read order', () => {
  const cases: Array<[string, IngestOptions]> = [
    ...files('fixtures/sql-readers', /^(openai|litellm|generic)-.*\.(jsonl|csv|tsv)(\.gz)?$/)
      .filter((f) => !/generic-map/.test(f))
      .map((f): [string, IngestOptions] => [f, { keepText: false }]),
    ...files('fixtures/logs/openai', /\.jsonl$/).map((f): [string, IngestOptions] => [f, { keepText: false }]),
    ...files('fixtures/logs/litellm', /\.(csv|jsonl)$/).map((f): [string, IngestOptions] => [f, { keepText: false }]),
    ...files('fixtures/logs/generic', /\.csv$/).map((f): [string, IngestOptions] => [f, { keepText: false }]),
    ['fixtures/sql-readers/generic-map.csv', { keepText: false, columns: CSV_MAP }],
    ['fixtures/sql-readers/generic-map.jsonl', { keepText: false, columns: JSONL_MAP }],
  ];
  it('plans each as an order-keeping batch insert on two threads (files of each format taken)', async () => {
    const taken = new Map<string, number>();
    for (const [file, options] of cases) {
      const { took, plans } = await stagingPlans(file, options);
      if (took === undefined) continue;
      taken.set(took, (taken.get(took) ?? 0) + 1);
      expect(plans.length, file).toBeGreaterThan(0);
      for (const plan of plans) expect(plan, file).toContain('BATCH_CREATE_TABLE_AS');
    }
    // the check covers each reader: files it took, not only files it handed back
    expect(Object.fromEntries(taken)).toMatchObject({
      openai: expect.any(Number),
      litellm: expect.any(Number),
      generic: expect.any(Number),
    });
    for (const n of taken.values()) expect(n).toBeGreaterThan(1);
  }, 60_000);
});
