/**
 * Golden outputs of the commands whose tables are derived from typed data (simulate, whatif,
 * whatif --revenue): the JSON document and the markdown, byte for byte. The files were checked
 * against the outputs of the builds before the typed data (issue 16): identical but for the keys
 * added then (volumeCurve[].costPerRequestUsd; totals.costPerRequestUsd / costPerSeatUsd;
 * floor.cachedInputShare / batchShare / savingPerMonthUsd; margin.volumeReplay), and later simulate's
 * `inputs` and `waterfall[].details` (the levers' detail tables as data; the markdown unchanged).
 *
 * A deliberate change of an output: TOKENOMICS_UPDATE_GOLDEN=1 rewrites the files; review the diff.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { runCli } from '../cli/harness.js';

const DIR = 'test/report/golden';
const UPDATE = process.env.TOKENOMICS_UPDATE_GOLDEN === '1';
const TIMEOUT_MS = 300_000;

const CASES: Array<{ name: string; args: string[] }> = [
  { name: 'whatif-tiny', args: ['whatif', 'fixtures/whatif/tiny.yaml', '--prices', 'fixtures/whatif/test-prices.yaml'] },
  {
    name: 'whatif-margin',
    args: ['whatif', '--revenue', 'fixtures/whatif/revenue.csv', '--logs', 'fixtures/demo/openai-2026-10.jsonl', '--volumes', '1,3'],
  },
  {
    name: 'simulate-curve',
    args: ['simulate', 'fixtures/report/mixed.jsonl', '-s', 'fixtures/scenarios/demo.yaml', '--only', 'full-plan-10x'],
  },
];

describe('simulate and whatif outputs are unchanged (golden files)', () => {
  for (const c of CASES)
    for (const [format, ext] of [
      ['json', 'json'],
      ['markdown', 'md'],
    ])
      it(
        `${c.name} --format ${format}`,
        async () => {
          const r = await runCli([...c.args, '--format', format]);
          expect(r.code, r.stderr).toBe(0);
          const file = `${DIR}/${c.name}.${ext}`;
          if (UPDATE) writeFileSync(file, r.stdout);
          expect(r.stdout).toBe(readFileSync(file, 'utf8'));
        },
        TIMEOUT_MS,
      );
});
