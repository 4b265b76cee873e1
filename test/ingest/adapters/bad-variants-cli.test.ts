import { describe, expect, it } from 'vitest';
import { runCli } from '../../cli/harness.js';
import { FIXTURES } from './harness.js';

/**
 * Each new variant's bad-lines fixture through the real command: every rejected line is named with
 * file:line and a hint, the run continues (the good lines are counted), the account balances, and
 * --strict turns the rejections into exit 2.
 */
const CASES: [string, { read: number; counted: number; skipped: number; rejected: number }][] = [
  ['bedrock/variants-bad.jsonl', { read: 7, counted: 1, skipped: 1, rejected: 5 }],
  ['otel/dialects-bad.json', { read: 8, counted: 2, skipped: 1, rejected: 5 }],
  ['langfuse/older-shapes-bad.jsonl', { read: 6, counted: 2, skipped: 1, rejected: 3 }],
  ['openai/usage-buckets-bad.jsonl', { read: 4, counted: 1, skipped: 1, rejected: 2 }],
  ['claude-code/untyped-bad.jsonl', { read: 5, counted: 2, skipped: 1, rejected: 2 }],
];

const sum = (o: Record<string, number>): number => Object.values(o).reduce((a, b) => a + b, 0);

describe.each(CASES)('bad lines of %s', (file, expected) => {
  it('are reported with file:line and a hint; the run continues and balances', async () => {
    const r = await runCli(['report', FIXTURES + file, '--format', 'json']);
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout);
    const { read, counted, skipped, rejected } = out.inputs;
    expect({ read, counted, skipped: sum(skipped), rejected: sum(rejected) }).toEqual(expected);
    expect(counted + sum(skipped) + sum(rejected)).toBe(read);
    const issues = out.issues.filter((i: { severity: string }) => i.severity === 'error');
    expect(issues).toHaveLength(expected.rejected);
    for (const i of issues) {
      expect(i.file).toContain(file);
      expect(i.line).toBeGreaterThan(0);
      expect(i.hint, i.message).toBeTruthy();
    }
  });

  it('exit 2 with --strict', async () => {
    const r = await runCli(['report', FIXTURES + file, '--strict']);
    expect(r.code).toBe(2);
    expect(r.stderr + r.stdout).toMatch(new RegExp(`${file.replace(/[./]/g, '\\$&')}:\\d+: `));
  });
});

describe('usage without a model id through the real command', () => {
  it('is counted under "(no model)", unpriced (never $0), with a warning', async () => {
    // bedrock/bad.jsonl lines 1 and 6 carry 5 in + 5 out each and no modelId
    const r = await runCli(['report', FIXTURES + 'bedrock/bad.jsonl', '--format', 'json']);
    const out = JSON.parse(r.stdout);
    const group = out.groups.find((g: { key: { model: string } }) => g.key.model === '(no model)');
    expect(group).toMatchObject({ requests: 2, costUsd: null, tokens: { input: 10, output: 10 } });
    expect(out.totals.unpricedModels).toEqual({ '(no model)': 2 });
    // the warning summary: carried in JSON `warnings` (with its code) and printed on stderr, in every format
    const warning = 'records without a model id are counted under "(no model)" and left unpriced (2 requests)';
    expect(out.warnings).toContainEqual({ code: 'pricing', message: warning, requests: 2 });
    expect(r.stderr).toContain(`warning: ${warning}`);
    expect(r.stdout).not.toContain('warning:');
  });
});
