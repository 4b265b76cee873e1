/**
 * The proof that the saved JSON is the only source: for every command, `render saved.json --format X`
 * prints exactly what the command printed with --format X (stdout byte for byte, warnings on
 * stderr), at the default row limit and with --all. The expected side is the command's own output,
 * an independent run: a model that depends on anything the JSON does not carry fails here.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../cli/harness.js';

const dir = mkdtempSync(join(tmpdir(), 'tokenomics-render-all-'));
const ROOT = process.cwd();

interface Case {
  name: string;
  args: string[];
  cwd?: string;
  /** Exit code of the command (check fails on the fixture's violations: 1). */
  code?: number;
  /** Also with --all (slow commands: the default limit only). */
  all?: false;
}

const CASES: Case[] = [
  { name: 'report-feature-model', args: ['report', 'fixtures/demo', '--by', 'feature,model'] },
  // more than 20 conversations: tables show the top 20 and one summed row, JSON has them all
  { name: 'report-conversation', args: ['report', 'fixtures/demo', '--by', 'conversation'] },
  // the repriced table sums its rest too (billed, repriced, and their difference)
  { name: 'report-reprice', args: ['report', 'fixtures/demo', '--by', 'conversation', '--reprice', 'current'], all: false },
  { name: 'report-day-model', args: ['report', 'fixtures/demo', '--by', 'day,model', '--tz', 'Europe/Berlin'] },
  // rejected records: the inputs and the issues with file:line
  { name: 'report-bad', args: ['report', 'fixtures/logs/bad', 'fixtures/report/mixed.jsonl'] },
  // small inputs for the slow commands (a rejected record, an unpriced model among them)
  { name: 'simulate', args: ['simulate', 'fixtures/report/mixed.jsonl', '-s', 'fixtures/scenarios/demo.yaml'] },
  { name: 'whatif', args: ['whatif', 'fixtures/whatif/acme-copilot.yaml'] },
  {
    name: 'whatif-margin',
    args: ['whatif', '--revenue', 'fixtures/whatif/revenue.csv', '--logs', 'fixtures/demo/openai-2026-10.jsonl'],
    all: false,
  },
  { name: 'estimate', args: ['estimate', 'fixtures/prompts/support-bot.yaml'] },
  { name: 'check', args: ['check'], cwd: join(ROOT, 'fixtures/check') },
  { name: 'prices', args: ['prices', 'gpt-4o-mini', 'claude-sonnet-4-5'] },
  { name: 'tokens', args: ['tokens', 'fixtures/prompts/summarize-ticket.md', '--model', 'gpt-4o'] },
];

const FORMATS = ['table', 'csv', 'markdown'];
const TIMEOUT_MS = 600_000;

describe('render(saved JSON) equals the command, for every command and format', () => {
  for (const c of CASES) {
    it(
      c.name,
      async () => {
        const cwd = c.cwd ?? ROOT;
        const file = join(dir, `${c.name}.json`);
        const saved = await runCli([...c.args, '--format', 'json', '-o', file], { cwd });
        expect(saved.code, saved.stderr).toBe(c.code ?? 0);
        for (const rows of c.all === false ? [[]] : [[], ['--all']]) {
          for (const format of FORMATS) {
            const direct = await runCli([...c.args, '--format', format, ...rows], { cwd });
            const again = await runCli(['render', resolve(file), '--format', format, ...rows], { cwd });
            expect(again.code, again.stderr).toBe(0);
            expect(again.stdout, `${c.name} ${format} ${rows.join(' ')}`).toBe(direct.stdout);
          }
        }
      },
      TIMEOUT_MS,
    );
  }
});
