import { describe, expect, it } from 'vitest';
import { runCli } from '../cli/harness.js';

/**
 * The cost-per-request distribution in report JSON carries the engine's exact amounts (to 1e-12, as
 * every amount), not six significant digits: its mean is the exact cost per request.
 */
/** One OpenAI chat completion on gpt-4o-mini with its usage. */
const line = (i: number, prompt: number, completion: number) =>
  JSON.stringify({
    id: `chatcmpl-${i}`,
    object: 'chat.completion',
    created: 1763000000 + i,
    model: 'gpt-4o-mini',
    choices: [],
    usage: { prompt_tokens: prompt, completion_tokens: completion, total_tokens: prompt + completion },
  });

describe('report JSON: cost per request distribution', () => {
  it('the quantiles are request costs and the mean the cost per request', async () => {
    // gpt-4o-mini ($0.15 input, $0.60 output per MTok): six requests of 100 + 10 tokens at
    // 100 x 0.15e-6 + 10 x 0.60e-6 = $0.000021, one of 101 + 10 at $0.00002115, one of 3 + 1 at
    // 3 x 0.15e-6 + 1 x 0.60e-6 = $0.00000105
    const log = [...[0, 1, 2, 3, 4, 5].map((i) => line(i, 100, 10)), line(6, 101, 10), line(7, 3, 1)].join('\n');
    const r = await runCli(['report', '-', '--no-config', '--format', 'json'], { stdin: log });
    expect(r.code, r.stderr).toBe(0);
    const u = JSON.parse(r.stdout).unitEconomics;
    // total 6 x 0.000021 + 0.00002115 + 0.00000105 = $0.0001482 over 8 requests: $0.000018525
    expect(u.costPerRequestUsd).toBe(0.000018525);
    expect(u.costPerRequestDistributionUsd.mean).toBe(u.costPerRequestUsd);
    // max: the 101-token request, $0.00002115; p50 (nearest rank 4 of 8 ascending: 0.00000105, then
    // 0.000021 x 6): $0.000021
    expect(u.costPerRequestDistributionUsd.max).toBe(0.00002115);
    expect(u.costPerRequestDistributionUsd.p50).toBe(0.000021);
  });

  it('a mean with more than six significant digits is written whole', async () => {
    // gpt-4o-mini: six requests of 100 + 10 tokens at $0.000021 and one of 101 + 10 at $0.00002115:
    // $0.00014715 / 7 = $0.000021021428571..., to 1e-12 $0.000021021429 (six significant digits, as
    // the JSON wrote it before: 0.0000210214)
    const log = [0, 1, 2, 3, 4, 5, 6].map((i) => line(i, i === 6 ? 101 : 100, 10)).join('\n');
    const r = await runCli(['report', '-', '--no-config', '--format', 'json'], { stdin: log });
    expect(r.code, r.stderr).toBe(0);
    const u = JSON.parse(r.stdout).unitEconomics;
    expect(u.costPerRequestUsd).toBe(0.000021021429);
    expect(u.costPerRequestDistributionUsd.mean).toBe(0.000021021429);
  });
});
