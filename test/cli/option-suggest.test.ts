/** A value written as an option (--json, --by-day) gets the option and value suggested, as commander suggests near spellings. */
import { describe, expect, it } from 'vitest';
import { runCli } from './harness.js';

describe('unknown option suggestions', () => {
  it('--json, --CSV: --format with the value; --by-day: --by day; --memory-limit-2GB: --memory-limit 2GB', async () => {
    // before: "unknown option '--json'" with no suggestion (commander only suggests options spelled alike)
    const cases: Array<[string[], string]> = [
      [['report', 'fixtures/demo', '--json'], '--format json'],
      [['prices', 'gpt-4o', '--CSV'], '--format csv'],
      [['report', 'fixtures/demo', '--by-day'], '--by day'],
      [['simulate', 'fixtures/demo', '--by-feature'], '--by feature'],
      [['report', 'fixtures/demo', '--memory-limit-2GB'], '--memory-limit 2GB'],
    ];
    for (const [args, suggestion] of cases) {
      const r = await runCli(args);
      expect(r.code).toBe(2);
      expect(r.stdout).toBe('');
      expect(r.stderr).toBe(
        `tokenomics: error: unknown option '${args.at(-1)}'\n(Did you mean ${suggestion}?)\n(run with --help for usage)\n`,
      );
    }
  });

  it('no suggestion of an option the command lacks; the suggestion commander makes is kept', async () => {
    // prices has no --by: nothing to suggest
    const prices = await runCli(['prices', '--by-day']);
    expect(prices.stderr).toBe("tokenomics: error: unknown option '--by-day'\n(run with --help for usage)\n");
    const typo = await runCli(['report', 'fixtures/demo', '--fromat', 'json']);
    expect(typo.stderr).toBe("tokenomics: error: unknown option '--fromat'\n(Did you mean --format?)\n(run with --help for usage)\n");
  });
});

describe('help of a command that does not exist', () => {
  it('tokenomics help reprot: unknown command, the suggestion, exit 2 (before: the general help, exit 0)', async () => {
    const r = await runCli(['help', 'reprot']);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toBe("tokenomics: error: unknown command 'reprot'\n(Did you mean report?)\n(run with --help for usage)\n");
    // help of a command, and help alone, as before
    const report = await runCli(['help', 'report']);
    expect(report.code).toBe(0);
    expect(report.stdout).toMatch(/^Usage: tokenomics report /);
    const general = await runCli(['help']);
    expect(general.code).toBe(0);
    expect(general.stdout).toMatch(/^Usage: tokenomics \[options\] \[command\]/);
  });
});

describe('--by with a dimension twice', () => {
  it('report --by model,model: exit 2 naming it (before: two equal Model columns, a "Total Total" footer, exit 0)', async () => {
    const r = await runCli(['report', 'fixtures/logs/openai', '--by', 'model,model']);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toBe('tokenomics: error: --by names model twice\nhint: give each dimension once, e.g. --by feature,model\n');
    const tag = await runCli(['report', 'fixtures/logs/openai', '--by', 'tag:team,feature,tag:team']);
    expect(tag.code).toBe(2);
    expect(tag.stderr).toContain('--by names tag:team twice');
  });
});
