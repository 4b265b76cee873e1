import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../cli/harness.js';
import { customerLines } from './customer-lines.js';

/**
 * Group values spelled like the tables' own labels: a customer named "(none)", "Total" or
 * "(18 more)" is a group of its own, apart from the requests with no customer, and shown quoted.
 */
// three without a customer, then one each named like a label, one with a quote, one plain
const LOG = customerLines([undefined, undefined, undefined, '(none)', 'Total', '(18 more)', '"q"', 'acme']);

describe('group values that look like labels', () => {
  it('JSON: a missing value is null, a value spelled "(none)" is its own group', async () => {
    const r = await runCli(['report', '-', '--no-config', '--by', 'customer', '--format', 'json'], { stdin: LOG });
    expect(r.code).toBe(0);
    const groups = JSON.parse(r.stdout).groups.map((g: { key: { customer: string | null }; requests: number }) => [
      g.key.customer,
      g.requests,
    ]);
    expect(groups).toEqual([
      [null, 3],
      ['(18 more)', 1],
      ['(none)', 1],
      ['"q"', 1],
      ['acme', 1],
      ['Total', 1],
    ]);
  });

  it('table: the placeholder, the total and the rest unquoted; values like them in double quotes', async () => {
    const r = await runCli(['report', '-', '--no-config', '--by', 'customer', '--wide'], { stdin: LOG });
    expect(r.code).toBe(0);
    const names = r.stdout
      .split('\n')
      .filter((l) => /^\S.* \d+ +\d+ /.test(l))
      .map((l) => l.split(/ {2,}/)[0]);
    expect(names).toEqual(['(none)', '"(18 more)"', '"(none)"', '""q""', 'acme', '"Total"', 'Total']);
  });

  it('CSV: the same labels as the table', async () => {
    const r = await runCli(['report', '-', '--no-config', '--by', 'customer', '--format', 'csv'], { stdin: LOG });
    const first = r.stdout
      .trim()
      .split('\n')
      .slice(1)
      .map((l) => l.split(',')[0]);
    expect(first).toEqual(['(none)', '"""(18 more)"""', '"""(none)"""', '"""""q"""""', 'acme', '"""Total"""', 'Total']);
  });

  it('a project that cannot be told (stdin: no folder) is the placeholder, not a value spelled like it', async () => {
    const json = await runCli(['report', '-', '--no-config', '--by', 'project', '--format', 'json'], { stdin: LOG });
    expect(JSON.parse(json.stdout).groups.map((g: { key: { project: string | null } }) => g.key.project)).toEqual([null]);
    const table = await runCli(['report', '-', '--no-config', '--by', 'project', '--wide'], { stdin: LOG });
    expect(table.stdout).toMatch(/^\(none\) /m);
    expect(table.stdout).not.toContain('"(none)"');
    // a folder named "(none)" is a project of its own beside stdin's
    const dir = mkdtempSync(join(tmpdir(), 'tk-labels-'));
    try {
      mkdirSync(join(dir, '(none)'));
      // (other response ids: the same requests in two inputs would be counted once, the cross-file check)
      writeFileSync(join(dir, '(none)', 'a.jsonl'), `${LOG.replaceAll('chatcmpl-', 'chatcmpl-b')}\n`);
      const both = await runCli(['report', '-', join(dir, '(none)', 'a.jsonl'), '--no-config', '--by', 'project', '--format', 'json'], {
        stdin: LOG,
      });
      const groups = JSON.parse(both.stdout).groups.map((g: { key: { project: string | null }; requests: number }) => [
        g.key.project,
        g.requests,
      ]);
      // (8 lines each; equal costs list in key order)
      expect(groups).toEqual(
        expect.arrayContaining([
          [null, 8],
          ['(none)', 8],
        ]),
      );
      expect(groups).toHaveLength(2);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
