/**
 * A large file's stage is made in an in-memory database that compresses its tables, and compressed
 * before the report reads it (UsageDb.compressingCatalog; from 512 MiB by default). With the size
 * threshold at 0 every file takes that path: the rows, counts and issues must be those of the plain
 * path, duplicates included, and a file handed back to the TypeScript reader leaves no staged table.
 */
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { UsageDb } from '../../src/engine/duckdb.js';
import { loadWithSql } from '../../src/engine/sql-readers/index.js';

async function loaded(file: string, compressFromBytes?: number) {
  const db = await UsageDb.open({ threads: 2, compressFromBytes });
  try {
    const load = await loadWithSql(db, file, { keepText: false });
    const left = await db.query(
      `SELECT count(*) AS n FROM duckdb_tables() WHERE database_name = 'tokenomics_compressed' AND table_name = 'sr_stage'`,
    );
    await db.seal();
    const rows = load === 'fallback' ? [] : await db.query('SELECT * FROM usage ORDER BY seq');
    return { load, rows, stagesLeft: Number(left[0].n) };
  } finally {
    db.close();
  }
}

/** A load with its lines table named as in the plain database (the compressed stage keeps it in `tokenomics_compressed`). */
function unqualified<T>(load: T): T {
  if (typeof load !== 'object' || load === null || !('copies' in load)) return load;
  const { copies } = load as { copies?: { table: string } };
  if (!copies) return load;
  return { ...load, copies: { ...copies, table: copies.table.replace(/^tokenomics_compressed\./, '') } };
}

describe('the OpenAI SQL reader: a compressed stage', () => {
  const dir = 'fixtures/sql-readers';
  const files = [
    ...readdirSync(dir)
      .filter((f) => /^openai-.*\.jsonl(\.gz)?$/.test(f))
      .map((f) => join(dir, f)),
    'fixtures/logs/openai/chat-and-responses.jsonl',
  ].sort();
  it('reads every OpenAI fixture as the plain stage does, and leaves no stage behind a file it hands back', async () => {
    let compressed = 0;
    let handedBack = 0;
    for (const file of files) {
      const plain = await loaded(file);
      const small = await loaded(file, 0);
      // the same load, but for the database its lines table is in (the cross-file check reads it there)
      expect(unqualified(small.load), file).toEqual(plain.load);
      expect(small.rows, file).toEqual(plain.rows);
      expect(small.stagesLeft, file).toBe(0);
      if (plain.load === 'fallback') handedBack++;
      else compressed++;
    }
    // both paths are exercised: files read through the compressed stage, and files handed back after it
    expect(compressed).toBeGreaterThan(3);
    expect(handedBack).toBeGreaterThan(3);
  }, 60_000);

  it('measures a gzip file by the text it holds (its trailer), not by its own size', async () => {
    // openai-plain.jsonl.gz: 509 bytes holding the 1,846 of openai-plain.jsonl
    const staged = async (compressFromBytes: number) => {
      const db = await UsageDb.open({ threads: 1, compressFromBytes });
      const statements: string[] = [];
      const run = db.run.bind(db);
      db.run = async (sql: string) => {
        statements.push(sql);
        return run(sql);
      };
      try {
        await loadWithSql(db, 'fixtures/sql-readers/openai-plain.jsonl.gz', { keepText: false });
        return statements.includes('CHECKPOINT tokenomics_compressed');
      } finally {
        db.close();
      }
    };
    expect(await staged(1000)).toBe(true);
    expect(await staged(1846)).toBe(true);
    expect(await staged(1847)).toBe(false);
  });

  it('stages a file in the compressing database only from the size given', async () => {
    const file = 'fixtures/sql-readers/openai-plain.jsonl';
    const db = await UsageDb.open({ threads: 1, compressFromBytes: 0 });
    try {
      const statements: string[] = [];
      const run = db.run.bind(db);
      db.run = async (sql: string) => {
        statements.push(sql);
        return run(sql);
      };
      await loadWithSql(db, file, { keepText: false });
      expect(statements.some((s) => s.startsWith('CREATE OR REPLACE TABLE tokenomics_compressed.sr_stage AS'))).toBe(true);
      expect(statements).toContain('CHECKPOINT tokenomics_compressed');
    } finally {
      db.close();
    }
    const plainDb = await UsageDb.open({ threads: 1 });
    try {
      await loadWithSql(plainDb, file, { keepText: false });
      const [attached] = await plainDb.query(`SELECT count(*) AS n FROM duckdb_databases() WHERE database_name = 'tokenomics_compressed'`);
      expect(Number(attached.n)).toBe(0);
    } finally {
      plainDb.close();
    }
  });
});
