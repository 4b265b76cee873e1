/**
 * A directory of many small files: each read by the TypeScript readers below the command's
 * SQL_FROM_BYTES (an SQL read costs 15-30 ms a file and leaves a view every report query unions:
 * 5,000 two-line files took 80 s), with the report the SQL readers give.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';
import { parseDimensions } from '../../src/aggregate/dims.js';
import { UsageDb } from '../../src/engine/duckdb.js';
import { reportViaDuckDB, SQL_FROM_BYTES } from '../../src/engine/report.js';
import { smallForSql } from '../../src/engine/sql-readers/index.js';
import { loadCatalog } from '../../src/pricing/load.js';

const dir = mkdtempSync(join(tmpdir(), 'tk-small-'));
const other = mkdtempSync(join(tmpdir(), 'tk-small-gz-'));
afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
  rmSync(other, { recursive: true, force: true });
});
const { catalog } = loadCatalog({ priceFiles: [] });

const line = (i: number) =>
  JSON.stringify({
    id: `c${i}`,
    object: 'chat.completion',
    created: 1763000000 + i,
    model: 'gpt-4o-mini',
    usage: { prompt_tokens: 10 + i, completion_tokens: 5 },
  });
for (let f = 0; f < 12; f++) writeFileSync(join(dir, `f${String(f).padStart(2, '0')}.jsonl`), `${line(2 * f)}\n${line(2 * f + 1)}\n`);

async function run(sqlFromBytes: number) {
  const db = await UsageDb.open({ threads: 1 });
  const r = await reportViaDuckDB(
    [dir],
    { dims: parseDimensions('model') },
    { catalog, nowMs: 0, ingest: { keepText: false }, db: Promise.resolve(db), sqlFromBytes },
  );
  return { r, views: db.inPlaceViews };
}

describe('small files', () => {
  it('are read by the TypeScript readers below sqlFromBytes, with the report the SQL readers give', async () => {
    const sql = await run(0);
    const ts = await run(SQL_FROM_BYTES);
    // every file an SQL read of its own (a view each) without the bound; none with it
    expect(sql.views).toBe(12);
    expect(ts.views).toBe(0);
    expect(ts.r.ingest.counts).toEqual(sql.r.ingest.counts);
    expect(ts.r.ingest.files).toEqual(sql.r.ingest.files);
    expect(ts.r.view.total.sums).toEqual(sql.r.view.total.sums);
    expect(ts.r.view.total.sums.inputTokens).toBe(24 * 10 + (23 * 24) / 2);
  });

  it('measures a gzip file by the text it holds, and never bounds Parquet (no TypeScript reader)', async () => {
    const text = `${line(0)}\n`.repeat(4000);
    const gz = join(other, 'big.jsonl.gz');
    writeFileSync(gz, gzipSync(text));
    expect(await smallForSql(gz, text.length)).toBe(false);
    expect(await smallForSql(gz, text.length + 1)).toBe(true);
    expect(await smallForSql(join(dir, 'f00.jsonl'), SQL_FROM_BYTES)).toBe(true);
    expect(await smallForSql(join(dir, 'f00.jsonl'), 0)).toBe(false);
    expect(await smallForSql(join(dir, 'tiny.parquet'), SQL_FROM_BYTES)).toBe(false);
  });
});
