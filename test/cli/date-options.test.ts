/** Date options name an impossible date as one (not as a wrong form), with a hint, in every command that takes them. */
import { describe, expect, it } from 'vitest';
import { runCli } from './harness.js';

const HINT = 'e.g. --at 2025-06-01, or --at 2025-06-01T16:00:00Z for a time (Z for UTC, or an offset such as +08:00)';

describe('--at and --since with an impossible date', () => {
  it('prices, estimate, check and whatif --at: "is not a calendar date" and an example (before: "expects a date YYYY-MM-DD", no hint)', async () => {
    const runs: string[][] = [
      ['prices', 'gpt-4o'],
      ['estimate', 'fixtures/prompts/support-bot.yaml'],
      ['check', 'fixtures/prompts/support-bot.yaml', '--calls-per-day', '10'],
      ['whatif', 'fixtures/whatif/acme-copilot.yaml'],
    ];
    for (const args of runs) {
      for (const bad of ['2026-13-01', '2026-02-30']) {
        const r = await runCli([...args, '--at', bad]);
        expect(r.code).toBe(2);
        expect(r.stderr).toBe(`tokenomics: error: --at: "${bad}" is not a calendar date\nhint: ${HINT}\n`);
      }
      // another form: the form expected, with the same hint
      const form = await runCli([...args, '--at', '1 June']);
      expect(form.code).toBe(2);
      expect(form.stderr).toBe(
        `tokenomics: error: --at expects a date YYYY-MM-DD or an ISO 8601 time with a zone (got "1 June")\nhint: ${HINT}\n`,
      );
      // a time that does not exist, and one without a zone (its instant depends on where it was meant): refused
      const late = await runCli([...args, '--at', '2026-03-01T24:00Z']);
      expect(late.code).toBe(2);
      expect(late.stderr).toBe(`tokenomics: error: --at: "2026-03-01T24:00Z" is not a real date and time\nhint: ${HINT}\n`);
      const zoneless = await runCli([...args, '--at', '2026-03-01 12:00']);
      expect(zoneless.code).toBe(2);
      expect(zoneless.stderr).toBe(
        'tokenomics: error: --at: "2026-03-01 12:00" has no time zone\nhint: add Z for UTC or the offset it was meant in, e.g. --at 2026-03-01T12:00Z\n',
      );
      // a time with its zone is taken (before: "--at expects a date YYYY-MM-DD", exit 2)
      expect((await runCli([...args, '--at', '2026-03-01T12:00:00Z'])).code).toBe(0);
    }
  });

  it('report --since 2026-13-01: "is not a calendar date" (before: "expects a date or ISO 8601 time", a form it had)', async () => {
    const r = await runCli(['report', 'fixtures/logs/openai', '--since', '2026-13-01']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(
      'tokenomics: error: --since: "2026-13-01" is not a calendar date\nhint: e.g. 2026-10-01 or 2026-10-01T12:00:00Z\n',
    );
  });
});
