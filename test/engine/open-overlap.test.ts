/**
 * reportViaDuckDB lists the inputs while the database opens: a missing input fails the run once the
 * database is open (and closes it), a database that cannot open fails it when first needed, and
 * nothing is read before the database is there.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parseDimensions } from '../../src/aggregate/dims.js';
import { EngineError, UsageDb } from '../../src/engine/duckdb.js';
import { reportViaDuckDB, type EngineEnv } from '../../src/engine/report.js';
import { loadCatalog } from '../../src/pricing/load.js';

const dir = mkdtempSync(join(tmpdir(), 'tk-open-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const { catalog } = loadCatalog({ priceFiles: [] });
const task = { dims: parseDimensions('model') };
const env = (db: Promise<UsageDb>): EngineEnv => ({ catalog, nowMs: Date.parse('2026-11-23T00:00:00Z'), ingest: { keepText: false }, db });

/** A database that opens after `ms`, with its close calls counted. */
function slowDb(ms: number): { db: Promise<UsageDb>; closed: () => number; openedAt: () => number } {
  let closes = 0;
  let openedAt = 0;
  const db = new Promise<UsageDb>((resolve, reject) =>
    setTimeout(() => {
      UsageDb.open({ threads: 1 }).then((d) => {
        openedAt = performance.now();
        const close = d.close.bind(d);
        d.close = () => {
          closes++;
          close();
        };
        resolve(d);
      }, reject);
    }, ms),
  );
  return { db, closed: () => closes, openedAt: () => openedAt };
}

const file = join(dir, 'one.jsonl');
// gpt-4o-mini: 10 input and 5 output tokens
writeFileSync(
  file,
  `${JSON.stringify({ id: 'c1', object: 'chat.completion', created: 1763000000, model: 'gpt-4o-mini', usage: { prompt_tokens: 10, completion_tokens: 5 } })}\n`,
);

describe('reportViaDuckDB while the database opens', () => {
  it('reads once the database is open, and closes it', async () => {
    const slow = slowDb(100);
    const r = await reportViaDuckDB([file], task, env(slow.db));
    expect(r.view.total.sums.inputTokens).toBe(10);
    expect(slow.closed()).toBe(1);
  });

  it('a missing input fails the run, the database closed once open', async () => {
    const slow = slowDb(100);
    const started = performance.now();
    await expect(reportViaDuckDB([join(dir, 'missing.jsonl')], task, env(slow.db))).rejects.toThrow(/missing\.jsonl/);
    // the run ended once the database was open, and closed it
    expect(slow.openedAt()).toBeGreaterThan(started);
    expect(slow.closed()).toBe(1);
  });

  it('lists the inputs before it needs the database: a missing input is the error even when the database cannot open', async () => {
    // had the database been awaited first, its failure would be the error
    const failing = new Promise<UsageDb>((_, reject) => setTimeout(() => reject(new EngineError('cannot open DuckDB: test')), 100));
    await expect(reportViaDuckDB([join(dir, 'missing.jsonl')], task, env(failing))).rejects.toThrow(/missing\.jsonl/);
  });

  it('a database that cannot open fails the run when first needed', async () => {
    const failing = new Promise<UsageDb>((_, reject) => setTimeout(() => reject(new EngineError('cannot open DuckDB: test')), 50));
    await expect(reportViaDuckDB([file], task, env(failing))).rejects.toThrow('engine: cannot open DuckDB: test');
  });
});
