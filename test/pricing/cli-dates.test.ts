/**
 * The before-first-price rule seen from the CLI: `prices MODEL --at DATE` says there is no price
 * (exit 0, prices null in JSON), `report` lists the record as unpriced with the reason, and the
 * commands that price hypothetical usage (`estimate`, `check`, `whatif`) stop with exit 2.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../cli/harness.js';

describe('no known price before the first period, from the CLI', () => {
  it('prices --at a date before the first period says so and exits 0', async () => {
    const r = await runCli(['prices', 'deepseek-chat', '--at', '2024-12-25']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('deepseek-chat: no price on 2024-12-25 (no known price before 2024-12-26)');
    const json = JSON.parse((await runCli(['prices', 'deepseek-chat', '--at', '2024-12-25', '--format', 'json'])).stdout);
    expect(json.models[0]).toMatchObject({ prices: null, noPriceReason: 'no known price before 2024-12-26' });
    // the first day has a price: $0.14 / $0.28 (V3 promotion)
    const first = JSON.parse((await runCli(['prices', 'deepseek-chat', '--at', '2024-12-26', '--format', 'json'])).stdout);
    expect(first.models[0]).toMatchObject({ noPriceReason: null, prices: { inputPerMTok: 0.14, outputPerMTok: 0.28 } });
  });

  it('report leaves the early record unpriced (not $0) and names the reason', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tk-dates-'));
    const log = join(dir, 'deepseek.jsonl');
    // 2024-12-01 (before the first known price) and 2025-10-01 (V3.2: $0.28 / $0.42)
    writeFileSync(
      log,
      [
        '{"id":"chatcmpl-d1","object":"chat.completion","created":1733011200,"model":"deepseek-chat","choices":[],"usage":{"prompt_tokens":1000,"completion_tokens":1000,"total_tokens":2000}}',
        '{"id":"chatcmpl-d2","object":"chat.completion","created":1759276800,"model":"deepseek-chat","choices":[],"usage":{"prompt_tokens":1000,"completion_tokens":1000,"total_tokens":2000}}',
      ].join('\n') + '\n',
    );
    const text = await runCli(['report', log]);
    expect(text.code).toBe(0);
    // the reason is in the warning summary, on stderr (never stdout); the table points to it
    const reason = 'deepseek-chat (no known price before 2024-12-26) (1 request)';
    expect(text.stderr).toMatch(
      /^warning: unpriced models, excluded from costs \(not \$0\): deepseek-chat \(no known price before 2024-12-26\) \(1 request\)/m,
    );
    expect(text.stdout).not.toContain('warning:');
    expect(text.stdout).toContain('Total cost: $0.0007 + 1 unpriced request');
    expect(text.stdout.replace(/\n +/g, ' ')).toContain('Partly priced: deepseek-chat (1 of 2 requests unpriced)');
    const json = JSON.parse((await runCli(['report', log, '--format', 'json'])).stdout);
    // priced part: 1,000 x 0.28 / 1M + 1,000 x 0.42 / 1M = 0.00028 + 0.00042 = 0.0007
    expect(json.totals.costUsd).toBe(0.0007);
    expect(json.totals.unpriced.requests).toBe(1);
    expect(json.totals.unpricedModels).toEqual({ 'deepseek-chat': 1 });
    expect(json.warnings).toContainEqual({ code: 'unpriced-models', requests: 1, message: expect.stringContaining(`: ${reason};`) });
  });

  describe('estimate, check and whatif before the first period: exit 2, never a later price', () => {
    const dir = mkdtempSync(join(tmpdir(), 'tk-dates-hyp-'));
    const prompt = join(dir, 'p.yaml');
    writeFileSync(
      prompt,
      'id: p\nmodel: deepseek-chat\ntraffic: {callsPerMonth: 1000000}\nexpectedOutputTokens: 7\ntemplate: hello world\n',
    );
    // a price file whose only period starts 2026-12-01
    const prices = join(dir, 'fut.yaml');
    writeFileSync(
      prices,
      'provider: acme\nsource: t\ncheckedAt: 2026-11-01\nmodels:\n  - id: fut-1\n    prices:\n      - from: 2026-12-01\n        inputPerMTok: 1\n        outputPerMTok: 2\n',
    );
    const whatif = join(dir, 'w.yaml');
    writeFileSync(
      whatif,
      'version: 1\nproduct:\n  name: T\n  pricePoint: {perSeatUsd: 10, seats: 100}\nfeatures:\n  chat: {model: deepseek-chat, requestsPerMonth: 10000, inputTokens: 1000, outputTokens: 500}\n',
    );
    const deepseek = 'deepseek-chat has no price on 2024-06-01: its first known price is from 2024-12-26';
    const cases: Array<[string, string[], string]> = [
      ['estimate', ['estimate', prompt, '--at', '2024-06-01', '--no-config'], deepseek],
      ['check', ['check', prompt, '--no-config', '-m', 'deepseek-chat', '--at', '2024-06-01', '--max-monthly-usd', '4.62'], deepseek],
      // at the line that names the model (line 6: the feature's flow mapping)
      ['whatif', ['whatif', whatif, '--at', '2024-06-01', '--no-config'], `${whatif}:6: ${deepseek}`],
      [
        'estimate with a price file',
        ['estimate', prompt, '-m', 'fut-1', '--prices', prices, '--at', '2026-11-15', '--no-config'],
        'fut-1 has no price on 2026-11-15: its first known price is from 2026-12-01',
      ],
      [
        'check with a price file',
        ['check', prompt, '-m', 'fut-1', '--prices', prices, '--at', '2026-11-15', '--no-config'],
        'fut-1 has no price on 2026-11-15: its first known price is from 2026-12-01',
      ],
    ];
    for (const [name, args, message] of cases)
      it(name, async () => {
        const r = await runCli(args);
        expect(r.code).toBe(2);
        expect(r.stdout).toBe('');
        expect(r.stderr).toContain(`error: ${message}`);
        expect(r.stderr).toContain('hint: price at a date from');
      });

    it('from the first day the price is in force', async () => {
      const r = await runCli([
        'estimate',
        prompt,
        '-m',
        'fut-1',
        '--prices',
        prices,
        '--at',
        '2026-12-01',
        '--no-config',
        '--format',
        'json',
      ]);
      expect(r.code).toBe(0);
      // 9 input tokens (2 template + 7 chat overhead) x $1 + 7 output x $2 = $23 per 1M tokens:
      // $0.000023 a call, x 1,000,000 calls = $23 a month
      const m = JSON.parse(r.stdout).prompts[0].models[0];
      expect(m.tokens.input).toBe(9);
      expect(m.perCall.noCacheUsd).toBe(0.000023);
      expect(m.perMonth.noCacheUsd).toBe(23);
    });
  });
});
