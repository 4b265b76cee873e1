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
