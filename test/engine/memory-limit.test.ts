/**
 * `report --memory-limit SIZE`: DuckDB's memory_limit, with spilling to a temporary directory of
 * the run's own, removed afterwards; a limit that is not a size, or too small to work in, is exit 2
 * with a hint (never a stack trace).
 */
import { mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { defaultMemoryLimit, UsageDb } from '../../src/engine/duckdb.js';
import { runCli } from '../cli/harness.js';

const freshTmp = () => mkdtempSync(join(tmpdir(), 'tokenomics-memlimit-'));

describe('report --memory-limit', () => {
  it('gives the same report under a limit, and leaves no temporary directory behind', async () => {
    const tmp = freshTmp();
    const free = await runCli(['report', 'fixtures/demo', '--format', 'json']);
    const limited = await runCli(['report', 'fixtures/demo', '--format', 'json', '--memory-limit', '64MB'], { env: { TMPDIR: tmp } });
    expect(limited.code, limited.stderr).toBe(0);
    expect(limited.stdout).toBe(free.stdout);
    expect(readdirSync(tmp)).toEqual([]);
  }, 60_000);

  it('refuses a limit that is not a size', async () => {
    const r = await runCli(['report', 'fixtures/demo', '--memory-limit', 'lots']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/memory limit "lots" is not a size/);
    expect(r.stderr).toMatch(/hint: e\.g\. 512MB/);
  });

  it('a bad price file while DuckDB opens: the price error, exit 2, and no temporary directory or open database left', async () => {
    // the database opens while the catalog loads (start-up): a catalog error must still win and clean up
    const tmp = freshTmp();
    const prices = join(tmp, 'bad-prices.yaml');
    writeFileSync(prices, 'provider: acme\nmodels: 7\n');
    const r = await runCli(['report', 'fixtures/demo', '--prices', prices, '--memory-limit', 'lots'], { env: { TMPDIR: tmp } });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/bad-prices\.yaml/);
    expect(r.stderr).not.toMatch(/memory limit/);
    expect(readdirSync(tmp)).toEqual(['bad-prices.yaml']);
  });

  it('a limit too small to work in is exit 2 with a hint, and the temporary directory is still removed', async () => {
    const tmp = freshTmp();
    const r = await runCli(['report', 'fixtures/demo', '--memory-limit', '1KB'], { env: { TMPDIR: tmp } });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/out of memory/);
    expect(r.stderr).toMatch(/hint: raise --memory-limit/);
    expect(r.stderr).not.toMatch(/internal error|\n\s+at /);
    expect(readdirSync(tmp)).toEqual([]);
  }, 60_000);

  it('without --memory-limit, a quarter of RAM, at most 400 MiB and at least 64 MiB, when DuckDB can spill', async () => {
    const GiB = 2 ** 30;
    // 24 GiB / 4 = 6 GiB: capped; 1 GiB / 4 = 256 MiB; 128 MiB / 4 = 32 MiB: raised to 64
    expect(defaultMemoryLimit(24 * GiB)).toBe('400MiB');
    expect(defaultMemoryLimit(1 * GiB)).toBe('256MiB');
    expect(defaultMemoryLimit(GiB / 8)).toBe('64MiB');
    const limitOf = async (options: Parameters<typeof UsageDb.open>[0]) => {
      const db = await UsageDb.open(options);
      try {
        return String((await db.query(`SELECT current_setting('memory_limit') AS m`))[0].m);
      } finally {
        db.close();
      }
    };
    const tmp = freshTmp();
    // DuckDB prints the limit in its own units: 400 MiB, or a quarter of this machine's RAM if less
    expect(await limitOf({ tempDirectory: tmp })).toBe(defaultMemoryLimit(totalmem()).replace('MiB', '.0 MiB'));
    expect(await limitOf({ tempDirectory: tmp, memoryLimit: '100MiB' })).toBe('100.0 MiB');
    // nowhere of its own to spill (DuckDB's default would be ./.tmp): DuckDB's own default stays
    expect(await limitOf({})).not.toBe('512.0 MiB');
  });
});
