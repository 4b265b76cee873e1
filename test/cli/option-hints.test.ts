import { describe, expect, it } from 'vitest';
import { runCli } from './harness.js';

/**
 * A refused option value gets a hint line, as every other usage error does. Before, the numeric
 * options of estimate, check and whatif, --calls-per-day beside --calls-per-month and export's
 * --file-format stopped with the error alone; a figure written as finance writes it (20,000, $0.002,
 * 10%) is given back as the number the option takes.
 */
describe('option values refused with a hint (exit 2)', () => {
  const P = 'fixtures/prompts/support-bot.yaml';
  const cases: Array<[string[], string]> = [
    [['estimate', P, '--calls-per-day', '20,000'], 'hint: write the number alone, without a unit or separators: --calls-per-day 20000'],
    [
      ['check', P, '--no-config', '--model', 'gpt-4o-mini', '--max-cost-per-call', '$0.002'],
      'hint: write the number alone, without a unit or separators: --max-cost-per-call 0.002',
    ],
    [
      ['check', P, '--no-config', '--model', 'gpt-4o-mini', '--max-increase-pct', '10%'],
      'hint: write the number alone, without a unit or separators: --max-increase-pct 10',
    ],
    // 1.5 is a number but not a whole one: no "number alone" (it is alone), an example instead
    [['estimate', P, '--output-tokens', '1.5'], 'hint: give a whole number of 0 or more, e.g. --output-tokens 500'],
    [['estimate', P, '--calls-per-day', '5', '--calls-per-month', '150'], 'hint: keep one of them'],
    [['whatif', 'fixtures/whatif/acme-copilot.yaml', '--target-margin', '80%'], 'hint: e.g. --target-margin 75 (the default)'],
    [['export', 'out.csv', 'fixtures/report/mixed.jsonl', '--file-format', 'xlsx'], 'hint: e.g. --file-format csv'],
  ];
  it.each(cases)('%j', async (args, hint) => {
    const r = await runCli(args);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`\n${hint}`);
  });
});
