/**
 * Progress while DuckDB reads (issue 14: "progress on a terminal still moves during long reads"):
 * an SQL reader runs a few long queries instead of handing over bytes, so the engine polls DuckDB's
 * own query progress and the ingest maps it onto the file's bytes.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { UsageDb } from '../../src/engine/duckdb.js';
import { ingest } from '../../src/ingest/index.js';

describe('UsageDb.whileReading', () => {
  it('reports fractions of a long query that only go up, some strictly between 0 and 1', async () => {
    const db = await UsageDb.open({ threads: 1 });
    try {
      await db.run('CREATE TABLE t AS SELECT range AS i FROM range(1500000)');
      const seen: number[] = [];
      await db.whileReading(
        (f) => seen.push(f),
        () => db.run('CREATE TABLE x AS SELECT i, md5(i::VARCHAR) AS h FROM t'),
        2,
      );
      expect(seen.some((f) => f > 0 && f < 1)).toBe(true);
      for (let i = 1; i < seen.length; i++) expect(seen[i]).toBeGreaterThan(seen[i - 1]);
      expect(Math.max(...seen)).toBeLessThanOrEqual(1);
      // progress tracking is switched off again after the read
      expect((await db.query(`SELECT current_setting('enable_progress_bar') AS on`))[0].on).toBe(false);
    } finally {
      db.close();
    }
  });

  it('runs the work untouched without a callback', async () => {
    const db = await UsageDb.open();
    try {
      expect(await db.whileReading(undefined, async () => 42)).toBe(42);
    } finally {
      db.close();
    }
  });
});

describe('ingest maps a reader fraction onto the bytes read so far', () => {
  it('half of the second file = the first file + half the second', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tk-progress-'));
    const a = join(dir, 'a.jsonl');
    const b = join(dir, 'b.jsonl');
    writeFileSync(a, 'x'.repeat(1000)); // 1000 bytes
    writeFileSync(b, 'y'.repeat(3000)); // 3000 bytes
    const calls: Array<[number, number | undefined]> = [];
    await ingest([a, b], { keepText: false }, () => undefined, {
      onProgress: (done, total) => calls.push([done, total]),
      readFile: async (_path, onFraction) => {
        onFraction(0.5);
        return { format: 'test', counts: { read: 0, counted: 0, skipped: {}, rejected: {} } };
      },
    });
    // a: 0.5 × 1000 = 500, then 1000 done; b: 1000 + 0.5 × 3000 = 2500, then 4000 done
    expect(calls).toEqual([
      [500, 4000],
      [1000, 4000],
      [2500, 4000],
      [4000, 4000],
    ]);
  });
});
