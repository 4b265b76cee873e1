/**
 * The report's start-up: the catalog loads while DuckDB runs the first long statement (UsageDb.whileBusy)
 * instead of before it, and a catalog that cannot load is still the run's error whatever else fails.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { UsageDb } from '../../src/engine/duckdb.js';
import { runCli } from './harness.js';

const dir = mkdtempSync(join(tmpdir(), 'tk-startup-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** A price file that does not load (prices must be a list). */
function badPrices(): string {
  const file = join(dir, 'bad.yaml');
  writeFileSync(file, 'provider: acme\nsource: x\ncheckedAt: 2026-11-01\nmodels:\n  - id: m\n    prices: 7\n');
  return file;
}

/** A one-request OpenAI log (10 input and 5 output tokens of gpt-4o-mini). */
function oneLine(): string {
  const file = join(dir, 'one.jsonl');
  writeFileSync(
    file,
    `${JSON.stringify({ id: 'chatcmpl-1', object: 'chat.completion', created: 1763000000, model: 'gpt-4o-mini', usage: { prompt_tokens: 10, completion_tokens: 5 } })}\n`,
  );
  return file;
}

describe('UsageDb.whileBusy', () => {
  it('runs the work once, during a statement still running a few ms after it started', async () => {
    const db = await UsageDb.open({ threads: 1 });
    try {
      const seen: string[] = [];
      db.whileBusy(() => seen.push('work'));
      // a statement of a second or so on one thread: the work runs while it does, not after
      await db.run('CREATE TABLE t AS SELECT sum(hash(range)) AS x FROM range(30000000)').then(() => seen.push('statement'));
      await db.run('CREATE TABLE u AS SELECT sum(hash(range)) AS x FROM range(30000000)');
      expect(seen).toEqual(['work', 'statement']);
    } finally {
      db.close();
    }
  });

  it('leaves the work to a later statement when one is over before it could run', async () => {
    const db = await UsageDb.open({ threads: 1 });
    try {
      let ran = 0;
      db.whileBusy(() => ran++);
      // a statement over at once (the work waits for one still running after a few ms)
      const quick = db.run('SELECT 1');
      expect(ran).toBe(0);
      await quick;
      await db.run('CREATE TABLE t AS SELECT sum(hash(range)) AS x FROM range(30000000)');
      expect(ran).toBe(1);
    } finally {
      db.close();
    }
  });
});

describe('report with a catalog that cannot load', () => {
  it('fails with the price file error when the input reads fine (the catalog loads during the read)', async () => {
    const r = await runCli(['report', oneLine(), '--format', 'json', '--prices', badPrices()]);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(/invalid price file:[\s\S]*bad\.yaml:6: models\[0\]\.prices: expected a list/);
  });

  it('fails with the price file error, not the input error, when both fail', async () => {
    const r = await runCli(['report', join(dir, 'missing.jsonl'), '--prices', badPrices()]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/invalid price file/);
    expect(r.stderr).not.toMatch(/input not found/);
  });

  it('fails with the price file error, not the --map error, when both fail', async () => {
    const r = await runCli(['report', oneLine(), '--map', 'nonsense', '--prices', badPrices()]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/invalid price file/);
  });
});
