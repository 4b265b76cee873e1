import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from './harness.js';

describe('tokenomics check --traffic LOGS', () => {
  it('takes monthly volume and output length from records tagged prompt=ID', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tk-check-traffic-'));
    writeFileSync(join(dir, 'bot.md'), 'Answer briefly: {{q}}');
    writeFileSync(
      join(dir, 'tokenomics.yaml'),
      `columns: {timestamp: at, model: model, input: in, output: out, tag.prompt: prompt}
check:
  prompts:
    - file: bot.md
      id: bot
      model: gpt-4o-mini
      traffic: {callsPerDay: 1}
`,
    );
    const line = (at: string, out: number, prompt: string) => JSON.stringify({ at, model: 'gpt-4o-mini', in: 20, out, prompt });
    writeFileSync(
      join(dir, 'logs.jsonl'),
      [
        line('2026-10-01T10:00:00Z', 100, 'bot'),
        line('2026-10-02T10:00:00Z', 200, 'bot'),
        line('2026-10-03T10:00:00Z', 300, 'bot'),
        line('2026-10-03T11:00:00Z', 999, 'other'),
      ].join('\n') + '\n',
    );
    const r = await runCli(['check', '--format', 'json', '--traffic', 'logs.jsonl'], { cwd: dir });
    expect(r.code, r.stderr).toBe(0);
    const p = JSON.parse(r.stdout).prompts[0];
    // 3 calls over 3 days -> 30 calls/month; mean output (100 + 200 + 300) / 3 = 200; 3 of the 4 requests logged
    expect(p).toMatchObject({
      id: 'bot',
      callsPerMonth: 30,
      traffic: 'logs: 3 calls over 3 days (2026-10-01..2026-10-03)',
      outputTokens: 200,
      output: 'mean 200, p90 300 (logs)',
    });
    expect(p.assumptions).toEqual({
      traffic: {
        callsPerDay: 1,
        callsPerMonth: 30,
        source: 'logs',
        basis: 'logs: 3 calls over 3 days (2026-10-01..2026-10-03)',
        share: 0.75,
      },
      outputTokens: { value: 200, source: 'logs', basis: 'mean 200, p90 300 (logs)' },
    });
    const flag = await runCli(['check', '--format', 'json', '--traffic', 'logs.jsonl', '--calls-per-month', '7'], { cwd: dir });
    expect(JSON.parse(flag.stdout).prompts[0].callsPerMonth).toBe(7);
    // a record the reader rejects is said (with its file:line), not only left out of the traffic
    writeFileSync(
      join(dir, 'more.jsonl'),
      `${JSON.stringify({ at: '2026-10-04T10:00:00Z', model: 'gpt-4o-mini', in: -5, out: 1, prompt: 'bot' })}\n`,
    );
    const bad = await runCli(['check', '--format', 'json', '--traffic', 'logs.jsonl', '--traffic', 'more.jsonl'], { cwd: dir });
    expect(bad.code, bad.stderr).toBe(0);
    expect(bad.stderr).toMatch(/warning: --traffic: 1 record rejected as invalid \(.*\); first at .*more\.jsonl:1/);
    expect(JSON.parse(bad.stdout).prompts[0].callsPerMonth).toBe(30);
  });

  it('one stray record dated 1990 among 40,000 same-day records cannot turn a FAIL into a PASS', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tk-check-stray-'));
    writeFileSync(join(dir, 'bot.md'), 'Answer briefly.');
    writeFileSync(
      join(dir, 'tokenomics.yaml'),
      `columns: {timestamp: at, model: model, input: in, output: out, tag.prompt: prompt}
check:
  budgets: {maxMonthlyUsd: 10}
  prompts:
    - file: bot.md
      id: bot
      model: gpt-4o-mini
      traffic: {callsPerDay: 1}
`,
    );
    const line = (at: string) => JSON.stringify({ at, model: 'gpt-4o-mini', in: 20, out: 100, prompt: 'bot' });
    const lines = [line('1990-01-01T00:00:00Z')];
    for (let i = 0; i < 40_000; i++) lines.push(line(`2026-10-03T${String(Math.floor(i / 2000)).padStart(2, '0')}:00:00Z`));
    writeFileSync(join(dir, 'logs.jsonl'), lines.join('\n') + '\n');
    const r = await runCli(['check', '--format', 'json', '--traffic', 'logs.jsonl'], { cwd: dir });
    // 40,000 calls on one day = 1,200,000 a month; each costs at least 100 output x $0.60/MTok = $0.00006: >= $72/month > $10
    // (spread over 1990..2026 it would be ~89 calls/month and pass)
    expect(r.code, r.stderr).toBe(1);
    const doc = JSON.parse(r.stdout);
    expect(doc.prompts[0]).toMatchObject({
      callsPerMonth: 1_200_000,
      traffic: 'logs: 40,000 calls over 1 day (2026-10-03), 1 outside that span not counted',
    });
    expect(doc.warnings.join('\n')).toMatch(/1 request dated 1990-01-01 lie outside the dense span/);
  }, 60_000);
});
