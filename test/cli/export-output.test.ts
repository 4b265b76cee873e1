/** export writes its rows to its FILE argument only: `-` and `-o` are usage errors, not a file named `-` or an ignored option. */
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from './harness.js';

const root = resolve(import.meta.dirname, '../..');

describe('tokenomics export output', () => {
  it('"-" as FILE: exit 2, no file named - written (before: a CSV file named - in the current directory, exit 0)', async () => {
    const cwd = mkdtempSync(join(tmpdir(), 'tk-export-dash-'));
    const r = await runCli(['export', '-', join(root, 'fixtures/logs/openai'), '--file-format', 'csv'], { cwd });
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toContain('tokenomics: error: export writes a file, not standard output: "-" would be a file named -');
    expect(r.stderr).toContain('hint: name the file, e.g. tokenomics export usage.csv LOGS (then cat usage.csv)');
    expect(existsSync(join(cwd, '-'))).toBe(false);
  });

  it('-o beside FILE: exit 2, neither file written (before: -o ignored, the rows in FILE, exit 0)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tk-export-o-'));
    const file = join(dir, 'a.csv');
    const other = join(dir, 'b.csv');
    const r = await runCli(['export', file, join(root, 'fixtures/logs/openai'), '-o', other]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`tokenomics: error: -o/--output does not apply to export: the rows go to its first argument (${file})`);
    expect(r.stderr).toContain(`hint: drop -o, or give its file first: tokenomics export ${other} LOGS`);
    expect(existsSync(file)).toBe(false);
    expect(existsSync(other)).toBe(false);
  });

  it.runIf(existsSync('/proc/version'))(
    'a FILE where no file can be created (/proc): exit 2 saying so, before reading any log',
    async () => {
      // before: the logs were read and staged, then DuckDB's 'Cannot open file "/proc/.version.csv.<pid>.<hex>.tmp": No such file or directory'
      const r = await runCli(['export', '/proc/version.csv', join(root, 'fixtures/logs/openai')]);
      expect(r.code).toBe(2);
      expect(r.stderr).toContain('tokenomics: error: cannot write /proc/version.csv: ENOENT (/proc takes no new file)');
      expect(r.stderr).not.toContain('.tmp');
    },
  );
});
