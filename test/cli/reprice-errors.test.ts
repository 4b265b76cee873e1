/** --reprice errors name the problem and say what the option takes (exit 2, no stack trace). */
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from './harness.js';

const demo = resolve(import.meta.dirname, '../../fixtures/demo');

describe('--reprice errors', () => {
  it('a price file that is not there is named as such, with a hint', async () => {
    const r = await runCli(['report', demo, '--reprice', 'proposed-prices.yaml']);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe(
      'tokenomics: error: --reprice: no such price file: proposed-prices.yaml\n' +
        'hint: --reprice takes "current" (today\'s catalog), a date such as 2026-01-15, or the path of a price file (catalog YAML or LiteLLM JSON)\n',
    );
  });

  it('a word that is neither keeps the message, now with the hint', async () => {
    const r = await runCli(['report', demo, '--reprice', 'yesterday']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(
      /^tokenomics: error: --reprice expects "current", a date YYYY-MM-DD or a price file \(got "yesterday"\)\nhint: /,
    );
    expect(r.stderr).not.toMatch(/\n {4}at /);
  });
});

describe('--reprice FILE at 80 columns', () => {
  it('keeps the Delta column: the file is named in the title, the column is headed "Repriced"', async () => {
    // README: report fixtures/demo --reprice fixtures/prices/proposed.yaml. Before, the column was headed
    // "proposed (fixtures/prices/proposed.yaml)" (40 characters) and the table dropped Delta to fit 80 columns.
    // On the demo (hand check): claude-sonnet-4-5 $17.15 as billed, 20% off is $13.72, Delta -$3.43
    const r = await runCli(['report', demo, '--reprice', 'fixtures/prices/proposed.yaml'], { env: { COLUMNS: '80' } });
    expect(r.code).toBe(0);
    const out = r.stdout.slice(r.stdout.indexOf('Repricing: as billed vs proposed (fixtures/prices/proposed.yaml)'));
    expect(out).toMatch(/^Model +As billed +Repriced +Delta$/m);
    expect(out).toMatch(/^claude-sonnet-4-5-20250929 +\$17\.15 +\$13\.72 +-\$3\.43$/m);
    expect(out.split('\n\n')[0]).not.toContain('Columns not shown');
    // a short label (a date) still heads its column
    const d = await runCli(['report', demo, '--reprice', '2026-01-01'], { env: { COLUMNS: '80' } });
    expect(d.stdout).toMatch(/^Model +As billed +prices on 2026-01-01 +Delta$/m);
  }, 60_000);
});
