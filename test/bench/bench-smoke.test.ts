/**
 * Smoke test for scripts/bench.mjs: a small run of two fast workloads exits 0 and prints the results
 * table. No timing assertions (figures depend on the machine). Needs the compiled dist/ (skipped
 * without it); data goes to a temporary directory so it never races a real `npm run bench`.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const built = existsSync(join(ROOT, 'dist', 'cli', 'main.js')) && existsSync(join(ROOT, 'dist', 'tokenize', 'index.js'));

describe.skipIf(!built)('bench script (smoke)', () => {
  it('runs a small workload and prints the table header', () => {
    const data = mkdtempSync(join(tmpdir(), 'tokenomics-bench-smoke-'));
    try {
      const r = spawnSync(
        process.execPath,
        ['scripts/bench.mjs', '--size', 'small', '--only', 'report-csv,tokenizer', '--reps', '1', '--data', data],
        {
          cwd: ROOT,
          encoding: 'utf8',
          timeout: 60000,
        },
      );
      expect(r.stderr).not.toMatch(/bench error|internal error/);
      expect(r.status).toBe(0);
      expect(r.stdout).toContain('| workload | baseline (what: figure) | ours | ratio | target | result | peak RSS (ours, baseline) |');
      expect(r.stdout).toMatch(/\| report CSV /);
      expect(r.stdout).toMatch(/\| countTokens .* vs js-tiktoken /);
      expect(r.stdout).toMatch(/^Machine: \d+ cores/m);
    } finally {
      rmSync(data, { recursive: true, force: true });
    }
  }, 60000);
});
