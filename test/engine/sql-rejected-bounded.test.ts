/**
 * Rejected rows read by the SQL readers are bounded by what is shown (memory): the rows SQL could
 * not read as records reach Node a chunk at a time (never as one result of every such row: a CSV of
 * 1.08M rejected rows of 1.2M took 1.7 GB of RSS that way), at most DEFAULT_MAX_ISSUES issues are
 * kept, and the others are counted as left out, so the note on the issues not listed counts every
 * one, as the TypeScript readers' does (Parquet's note was missing: it listed 1,000 and said nothing
 * of the rest). Expected values come from the TypeScript readers on the same file (sql-both.ts).
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { UsageDb } from '../../src/engine/duckdb.js';
import { loadWithSql } from '../../src/engine/sql-readers/index.js';
import { ingest } from '../../src/ingest/index.js';
import { DEFAULT_MAX_ISSUES } from '../../src/ingest/session.js';
import { both } from './sql-both.js';

const REJECTED = 4_500;
const GOOD = 500;
const dir = mkdtempSync(join(tmpdir(), 'tokenomics-rejected-'));

/** The most rows one UsageDb.query handed to Node, and the most in one chunk of eachRows, while `run` ran. */
async function largestResults<T>(run: () => Promise<T>): Promise<{ value: T; query: number; chunk: number }> {
  let query = 0;
  let chunk = 0;
  const q = UsageDb.prototype.query;
  const each = UsageDb.prototype.eachRows;
  const spyQuery = vi.spyOn(UsageDb.prototype, 'query').mockImplementation(async function (this: UsageDb, sql: string) {
    const rows = await q.call(this, sql);
    query = Math.max(query, rows.length);
    return rows;
  });
  const spyEach = vi.spyOn(UsageDb.prototype, 'eachRows').mockImplementation(async function (this: UsageDb, sql, visit) {
    return each.call(this, sql, (rows) => {
      chunk = Math.max(chunk, rows.length);
      visit(rows);
    });
  });
  try {
    return { value: await run(), query, chunk };
  } finally {
    spyQuery.mockRestore();
    spyEach.mockRestore();
  }
}

function rows(line: (i: number, bad: boolean) => string): string {
  const out: string[] = [];
  for (let i = 0; i < REJECTED + GOOD; i++) out.push(line(i, i % 10 !== 0));
  return `${out.join('\n')}\n`;
}

const generic = join(dir, 'generic.csv');
writeFileSync(
  generic,
  `request_id,timestamp,model,input_tokens,output_tokens,customer\n${rows(
    (i, bad) => `r${i},2026-10-01T00:00:${String(i % 60).padStart(2, '0')}.000Z,gpt-4o-mini,${bad ? -(i + 1) : i},7,c${i}`,
  )}`,
);
const litellm = join(dir, 'litellm.csv');
writeFileSync(
  litellm,
  `request_id,call_type,prompt_tokens,completion_tokens,startTime,model\n${rows(
    (i, bad) => `r${i},acompletion,${bad ? -(i + 1) : i + 10},3,2025-06-01 10:00:00.250,gpt-4o`,
  )}`,
);

describe('rejected rows of a file read by SQL', () => {
  it.each([
    ['generic CSV', generic, 'generic'],
    ['LiteLLM CSV', litellm, 'litellm'],
  ])(
    '%s: judged a chunk at a time, the first issues kept, every one counted',
    async (_name, file, format) => {
      const db = await UsageDb.open({ threads: 1 });
      try {
        const { value: load, query, chunk } = await largestResults(() => loadWithSql(db, file, { keepText: false }));
        if (load === 'fallback') throw new Error('the SQL reader fell back');
        expect(load.format).toBe(format);
        const rejected = Object.values(load.counts.rejected).reduce((a, b) => a + b, 0);
        expect(rejected).toBe(REJECTED);
        // no result of every rejected row: DuckDB's chunks (2,048 rows) at most
        expect(query).toBeLessThan(REJECTED);
        expect(chunk).toBeLessThanOrEqual(2_048);
        expect(load.issues?.length).toBe(DEFAULT_MAX_ISSUES);
        expect(load.issuesLeftOut).toBe(REJECTED - DEFAULT_MAX_ISSUES);
      } finally {
        db.close();
      }
    },
    60_000,
  );

  it.each([
    ['generic CSV', generic],
    ['LiteLLM CSV', litellm],
  ])(
    '%s: the same counts, issues and note on the rest as the TypeScript reader',
    async (_name, file) => {
      const { ts, sql } = await both(file);
      expect(sql.took).toBeDefined();
      expect(sql.counts).toEqual(ts.counts);
      expect(sql.issues).toEqual(ts.issues);
      expect(sql.issues.at(-1)).toMatchObject({
        code: 'issues-truncated',
        message: '3,500 more issues not listed (all are counted)', // 4,500 rejected - 1,000 listed, grouped by thousands
      });
    },
    60_000,
  );
});

describe('rejected rows of a Parquet file', () => {
  const parquet = join(dir, 'rejected.parquet');
  beforeEach(async () => {
    const instance = await DuckDBInstance.create(':memory:');
    const c = await instance.connect();
    await c.run(`COPY (SELECT 'r' || i AS id, TIMESTAMP '2026-10-01' + INTERVAL (i) SECOND AS time, 'gpt-4o-mini' AS model,
      CASE WHEN i % 10 = 0 THEN 100 ELSE -5 END AS input_tokens, 10 AS output_tokens FROM range(${REJECTED + GOOD}) t(i))
      TO '${parquet}' (FORMAT parquet)`);
    c.closeSync();
    instance.closeSync();
  });
  afterEach(() => vi.restoreAllMocks());

  it('lists the first issues and counts the rest in the note', async () => {
    const db = await UsageDb.open({ threads: 1 });
    try {
      const result = await ingest([parquet], { keepText: false }, (r) => db.append(r), {
        readFile: async (f) => {
          const r = await loadWithSql(db, f, { keepText: false });
          return r === 'fallback' ? undefined : r;
        },
      });
      expect(result.counts.rejected).toEqual({ 'negative-count': REJECTED });
      expect(result.issues.length).toBe(DEFAULT_MAX_ISSUES + 1);
      expect(result.issues.at(-1)).toMatchObject({
        code: 'issues-truncated',
        message: '3,500 more issues not listed (all are counted)', // 4,500 rejected - 1,000 listed, grouped by thousands
      });
    } finally {
      db.close();
    }
  }, 60_000);
});
