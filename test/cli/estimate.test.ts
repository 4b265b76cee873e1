import { describe, expect, it } from 'vitest';
import { runCli } from './harness.js';

const DIR = new URL('../../fixtures/prompts/', import.meta.url).pathname;

describe('tokenomics estimate', () => {
  it('JSON: schemaVersion, per-model tokens and costs, monthly = per call x calls', async () => {
    const r = await runCli(['estimate', 'support-bot.yaml', '--format', 'json'], { cwd: DIR });
    expect(r.code).toBe(0);
    const doc = JSON.parse(r.stdout);
    expect(doc).toMatchObject({ schemaVersion: 1, command: 'estimate', assumptions: { cacheHitRate: 0.8, daysPerMonth: 30 } });
    const p = doc.prompts[0];
    expect(p.models.map((m: { model: string }) => m.model)).toEqual(['claude-sonnet-4-5', 'claude-haiku-4-5', 'gpt-4o-mini']);
    const [sonnet, haiku] = p.models;
    expect(sonnet.tokenizer.exact).toBe(false);
    expect(haiku.tokens.cacheable).toBe(0);
    expect(haiku.cache).toMatchObject({ minTokens: 4096, writesCharged: true });
    expect(sonnet.perMonth.cachedUsd).toBeCloseTo(sonnet.perCall.cachedUsd * 600000, 6);
    expect(Object.keys(sonnet)).toEqual(['model', 'resolvedModel', 'provider', 'tokenizer', 'tokens', 'cache', 'perCall', 'perMonth', 'outputShare']);
    expect(p.loadBearing).toEqual(['system: "Output format"', 'examples']);
  });

  it('token counts of models without a public tokenizer are marked est. in both tables', async () => {
    const r = await runCli(['estimate', 'support-bot.yaml', '--format', 'markdown'], { cwd: DIR });
    expect(r.stdout).toContain('| Prompt | Part | Kind | Note | claude-sonnet-4-5 (est.) | claude-haiku-4-5 (est.) | gpt-4o-mini |');
    expect(r.stdout).toContain('| support-bot | claude-sonnet-4-5 (est.) |');
  });

  it('options override the spec: --model, --output-tokens, --calls-per-month, --cache-hit-rate', async () => {
    const r = await runCli(['estimate', 'support-bot.yaml', '-m', 'gpt-4o', '--output-tokens', '100', '--calls-per-month', '1000', '--cache-hit-rate', '0', '--format', 'json'], { cwd: DIR });
    const m = JSON.parse(r.stdout).prompts[0].models[0];
    expect(m.model).toBe('gpt-4o');
    // no hits: every call pays input (gpt-4o has no write fee), so cached = uncached
    expect(m.perCall.cachedUsd).toBe(m.perCall.noCacheUsd);
    expect(m.perCall.noCacheUsd).toBeCloseTo((m.tokens.input * 2.5 + 100 * 10) / 1e6, 12);
    expect(m.perMonth.noCacheUsd).toBeCloseTo(m.perCall.noCacheUsd * 1000, 9);
  });

  it('warns when dynamic content comes before static instructions', async () => {
    const r = await runCli(['estimate', 'rag-context-first.yaml'], { cwd: DIR });
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(/warning: rag-context-first: dynamic content \(\{\{context\}\}\) comes before static instructions; move the retrieved context after the instructions to cache 1,024 more tokens/);
  });

  it('output contract: cap and structured output, with savings', async () => {
    const r = await runCli(['estimate', 'wasteful.yaml', '--output-cap', '100', '--structured-output', '50', '--format', 'json'], { cwd: DIR });
    const o = JSON.parse(r.stdout).prompts[0].outputOptions;
    expect(o.map((x: { option: string; outputTokens: number }) => [x.option, x.outputTokens])).toEqual([['cap at 100 tokens', 100], ['structured output (50 tokens)', 50]]);
    // gpt-4o output $10/MTok: 200 fewer tokens x 150,000 calls = $300/month
    expect(o[0].perMonthSavedUsd).toBe(300);
  });

  it('markdown and csv render; a directory estimates every prompt', async () => {
    const md = await runCli(['estimate', '.', '--model', 'gpt-4o-mini', '--format', 'markdown'], { cwd: DIR });
    expect(md.code).toBe(0);
    expect(md.stdout).toMatch(/^## Prompt cost estimate/);
    expect(md.stdout).toContain('### Compression opportunities');
    const csv = await runCli(['estimate', '.', '--model', 'gpt-4o-mini', '--format', 'csv'], { cwd: DIR });
    expect(csv.stdout.split('\n')[0]).toMatch(/^Prompt,Model,Input tok,/);
    expect(csv.stdout.trim().split('\n')).toHaveLength(7);
  });

  it('exit 2: no model, unknown model, bad options', async () => {
    expect((await runCli(['estimate', 'summarize-ticket.md'], { cwd: DIR })).stderr).toMatch(/no model to price it with/);
    const u = await runCli(['estimate', 'summarize-ticket.md', '-m', 'claude-sonet-4-5'], { cwd: DIR });
    expect(u.code).toBe(2);
    expect(u.stderr).toMatch(/closest known ids: .*claude-sonnet-4-5/);
    expect((await runCli(['estimate', 'wasteful.yaml', '--cache-hit-rate', '1.5'], { cwd: DIR })).code).toBe(2);
    expect((await runCli(['estimate', 'wasteful.yaml', '--calls-per-day', '1', '--calls-per-month', '2'], { cwd: DIR })).code).toBe(2);
  });
});
