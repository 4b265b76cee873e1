/**
 * Where the money goes, when some or all requests are unpriced: a bucket of unpriced requests is
 * unpriced (null in JSON, "unpriced" in the table), never $0; and the output-token premium compares
 * the priced tokens with the spend, with a note that the Tokens column holds the unpriced ones too.
 */
import { describe, expect, it } from 'vitest';
import { runCli } from '../cli/harness.js';

const MAP = ['--map', 'timestamp=ts,model=model,input=in,output=out'];

describe('components with unpriced requests', () => {
  it('every request unpriced: each component null, shown unpriced', async () => {
    const stdin = 'ts,model,in,out\n2026-10-01T10:00:00Z,my-model,1000,10\n2026-10-01T10:01:00Z,,1000,10\n';
    const json = await runCli(['report', '-', ...MAP, '--format', 'json'], { stdin });
    expect(json.code).toBe(0);
    const totals = JSON.parse(json.stdout).totals;
    expect(totals.costUsd).toBeNull();
    expect(totals.components).toEqual({ input: null, cacheRead: null, cacheWrite5m: null, cacheWrite1h: null, output: null });
    const groups = JSON.parse(json.stdout).groups;
    for (const g of groups) expect(g.components.input).toBeNull();
    const table = await runCli(['report', '-', ...MAP, '--section', 'components', '--format', 'csv'], { stdin });
    expect(table.code).toBe(0);
    // 2,000 input and 20 output tokens, no cost: not $0
    expect(table.stdout).not.toMatch(/,0(\.0+)?,/);
    expect(table.stdout.trim().split('\n').slice(1)).toEqual([
      expect.stringMatching(/^Input \(uncached\),2000,,/),
      expect.stringMatching(/^Output \(incl\. reasoning\),20,,/),
    ]);
  });

  it('partly priced: the output share of priced tokens, and a note on the unpriced tokens', async () => {
    // gpt-4o-mini ($0.15 in, $0.60 out per MTok): 1,000,000 in + 1,000,000 out = $0.15 + $0.60 = $0.75, output 80% of spend;
    // my-model: 8,000,000 input tokens unpriced. Priced tokens: output 1M of 2M = 50% (with the unpriced ones: 1M of 10M = 10%)
    const stdin = 'ts,model,in,out\n2026-10-01T10:00:00Z,gpt-4o-mini,1000000,1000000\n2026-10-01T10:01:00Z,my-model,8000000,0\n';
    const r = await runCli(['report', '-', ...MAP], { stdin });
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('Output is 50.0% of priced tokens but 80.0% of spend');
    expect(r.stdout.replace(/\s+/g, ' ')).toContain(
      'Tokens include those of 1 unpriced request; Cost and share cover only the priced ones',
    );
  });
});
