import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from './harness.js';

describe('tokenomics check --traffic LOGS', () => {
  it('takes monthly volume and output length from records tagged prompt=ID', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tk-check-traffic-'));
    writeFileSync(join(dir, 'bot.md'), 'Answer briefly: {{q}}');
    writeFileSync(join(dir, 'tokenomics.yaml'), `columns: {timestamp: at, model: model, input: in, output: out, tag.prompt: prompt}
check:
  prompts:
    - file: bot.md
      id: bot
      model: gpt-4o-mini
      traffic: {callsPerDay: 1}
`);
    const line = (at: string, out: number, prompt: string) => JSON.stringify({ at, model: 'gpt-4o-mini', in: 20, out, prompt });
    writeFileSync(join(dir, 'logs.jsonl'), [
      line('2026-10-01T10:00:00Z', 100, 'bot'), line('2026-10-02T10:00:00Z', 200, 'bot'), line('2026-10-03T10:00:00Z', 300, 'bot'), line('2026-10-03T11:00:00Z', 999, 'other'),
    ].join('\n') + '\n');
    const r = await runCli(['check', '--format', 'json', '--traffic', 'logs.jsonl'], { cwd: dir });
    expect(r.code, r.stderr).toBe(0);
    const p = JSON.parse(r.stdout).prompts[0];
    // 3 calls over 3 days -> 30 calls/month; mean output (100 + 200 + 300) / 3 = 200
    expect(p).toMatchObject({ id: 'bot', callsPerMonth: 30, traffic: 'logs: 3 calls over 3 days', outputTokens: 200, output: 'mean 200, p90 300 (logs)' });
    const flag = await runCli(['check', '--format', 'json', '--traffic', 'logs.jsonl', '--calls-per-month', '7'], { cwd: dir });
    expect(JSON.parse(flag.stdout).prompts[0].callsPerMonth).toBe(7);
  });
});
