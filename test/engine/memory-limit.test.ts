/**
 * `report --memory-limit SIZE`: DuckDB's memory_limit, with spilling to a temporary directory of
 * the run's own, removed afterwards; a limit that is not a size, or too small to work in, is exit 2
 * with a hint (never a stack trace).
 */
import { mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
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

  it('a limit too small to work in is exit 2 with a hint, and the temporary directory is still removed', async () => {
    const tmp = freshTmp();
    const r = await runCli(['report', 'fixtures/demo', '--memory-limit', '1KB'], { env: { TMPDIR: tmp } });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/out of memory/);
    expect(r.stderr).toMatch(/hint: raise --memory-limit/);
    expect(r.stderr).not.toMatch(/internal error|\n\s+at /);
    expect(readdirSync(tmp)).toEqual([]);
  }, 60_000);
});
