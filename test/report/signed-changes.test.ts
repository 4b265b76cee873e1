/**
 * A change is shown with its sign both ways: a rise as +$84.02 as a fall is -$4.13 (before, a rise read
 * "$84.02", a cost beside a saving, while the headline said "+$18.41/month"). Tables, markdown and HTML
 * show the sign; CSV and JSON keep the number; a saved report renders it the same.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { displayCell } from '../../src/report/table.js';
import { runCli } from '../cli/harness.js';

const USD = 10n ** 15n; // femto-dollars per dollar

describe('signed change columns', () => {
  it('a rise gets a +, a fall keeps its -, nothing for zero or unpriced; unsigned columns unchanged', () => {
    const change = { key: 'change', label: 'Change', type: 'usd' as const, signed: true as const };
    expect(displayCell(84n * USD, change)).toBe('+$84.00');
    expect(displayCell(-4n * USD, change)).toBe('-$4.00');
    expect(displayCell(0n, change)).toBe('$0.00');
    expect(displayCell(null, change)).toBe('unpriced');
    expect(displayCell(0.25, { key: 'p', label: 'Change %', type: 'pct', signed: true })).toBe('+25.0%');
    expect(displayCell(84n * USD, { key: 'cost', label: 'Cost', type: 'usd' })).toBe('$84.00');
  });

  it('simulate: the 10x scenario costs more than billed, shown +; CSV keeps the number; render of the saved JSON the same', async () => {
    const args = ['simulate', 'fixtures/report/mixed.jsonl', '-s', 'fixtures/scenarios/demo.yaml', '--only', 'full-plan-10x'];
    const table = await runCli([...args, '-q']);
    expect(table.code, table.stderr).toBe(0);
    const row = table.stdout.split('\n').find((l) => l.startsWith('full-plan-10x'));
    // ten times the traffic costs more than the month as billed: a rise, in dollars and percent
    expect(row).toMatch(/ \+\$[\d,.]+ +\+[\d.]+% /);
    const md = await runCli([...args, '-q', '--format', 'markdown']);
    expect(md.stdout).toMatch(/\| full-plan-10x \| \$[\d,.]+ \| \+\$[\d,.]+ \| \+[\d.]+% \|/);
    const csv = await runCli([...args, '-q', '--format', 'csv', '--section', 'scenarios']);
    expect(csv.stdout).not.toMatch(/\+/);
    const saved = join(mkdtempSync(join(tmpdir(), 'tk-signed-')), 'sim.json');
    expect((await runCli([...args, '-q', '--format', 'json', '-o', saved])).code).toBe(0);
    const rendered = await runCli(['render', saved]);
    expect(rendered.stdout.split('\n').find((l) => l.startsWith('full-plan-10x'))).toBe(row);
  }, 120_000);
});
