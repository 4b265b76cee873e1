import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { Tiktoken } from 'js-tiktoken/lite';
import o200k from 'js-tiktoken/ranks/o200k_base';
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
    expect(Object.keys(sonnet)).toEqual([
      'model',
      'resolvedModel',
      'provider',
      'tokenizer',
      'tokens',
      'cache',
      'perCall',
      'perMonth',
      'outputShare',
    ]);
    expect(p.loadBearing).toEqual(['system: "Output format"', 'examples']);
  });

  it('token counts of models without a public tokenizer are marked est. in both tables', async () => {
    const r = await runCli(['estimate', 'support-bot.yaml', '--format', 'markdown'], { cwd: DIR });
    expect(r.stdout).toContain('| Prompt | Part | Kind | Note | claude-sonnet-4-5 (est.) | claude-haiku-4-5 (est.) | gpt-4o-mini |');
    expect(r.stdout).toContain('| support-bot | claude-sonnet-4-5 (est.) |');
  });

  it('tool definitions are noted as approximate, on an exact tokenizer too (their JSON is not what the provider sends)', async () => {
    const r = await runCli(['estimate', 'support-bot.yaml', '-m', 'gpt-4o-mini', '--format', 'markdown'], { cwd: DIR });
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('| support-bot | tools | tools | as compact JSON: approximate | 302 |');
    expect(r.stdout).toContain('- tools: counted as their compact JSON, approximate on every model:');
    // a prompt without tools has no such note
    const plain = await runCli(['estimate', 'summarize-ticket.md', '-m', 'gpt-4o-mini', '--format', 'markdown'], { cwd: DIR });
    expect(plain.stdout).not.toContain('compact JSON');
  });

  it('options override the spec: --model, --output-tokens, --calls-per-month, --cache-hit-rate', async () => {
    const r = await runCli(
      [
        'estimate',
        'support-bot.yaml',
        '-m',
        'gpt-4o',
        '--output-tokens',
        '100',
        '--calls-per-month',
        '1000',
        '--cache-hit-rate',
        '0',
        '--format',
        'json',
      ],
      { cwd: DIR },
    );
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
    expect(r.stderr).toMatch(
      /warning: rag-context-first: dynamic content \(\{\{context\}\}\) comes before static instructions; move the retrieved context after the instructions to cache 1,024 more tokens/,
    );
  });

  it('output contract: cap and structured output, with savings', async () => {
    const r = await runCli(['estimate', 'wasteful.yaml', '--output-cap', '100', '--structured-output', '50', '--format', 'json'], {
      cwd: DIR,
    });
    const o = JSON.parse(r.stdout).prompts[0].outputOptions;
    expect(o.map((x: { option: string; outputTokens: number }) => [x.option, x.outputTokens])).toEqual([
      ['cap at 100 tokens', 100],
      ['structured output (50 tokens)', 50],
    ]);
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

  it('time-of-day prices: calls spread over the week, the same figures at any hour, in estimate and in the check gate', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tk-peak-'));
    writeFileSync(join(dir, 'p.md'), 'Summarize the ticket.\n');
    // deepseek-v4-flash from 2026-08-23: $0.22 in / $0.66 out per MTok, x2 at 01:00-04:00 and 06:00-10:00 UTC on weekdays
    // (weekends in UTC+8 off-peak): 7 h x 5 days = 35 of the week's 168 hours at double price, so a call costs the
    // off-peak price x (133 + 2 x 35) / 168 = x 29/24, whatever the hour the command runs (it was x2 at 02:00 UTC).
    const args = ['p.md', '--model', 'deepseek-v4-flash', '--output-tokens', '100', '--calls-per-day', '1000', '--format', 'json'];
    const docs = [];
    for (const now of ['2026-11-23T02:00:00Z', '2026-11-23T14:00:00Z', '2026-11-28T02:00:00Z']) {
      const r = await runCli(['estimate', ...args], { cwd: dir, now });
      expect(r.code, r.stderr).toBe(0);
      docs.push(JSON.parse(r.stdout).prompts[0].models[0]);
    }
    const m = docs[0];
    expect(docs[1].perMonth).toEqual(m.perMonth);
    expect(docs[2].perMonth).toEqual(m.perMonth);
    expect(m.tokens.cacheable).toBe(0); // under the 64-token minimum
    const offPeakMicroUsd = m.tokens.input * 0.22 + 100 * 0.66;
    expect(m.perCall.noCacheUsd).toBeCloseTo(((offPeakMicroUsd * 29) / 24) * 1e-6, 12);
    // 30,000 calls a month, exactly: the mix is kept as a fraction until the monthly product
    expect(m.perMonth.noCacheUsd).toBeCloseTo(((30_000 * offPeakMicroUsd * 29) / 24) * 1e-6, 9);
    const text = await runCli(['estimate', ...args.slice(0, -2)], { cwd: dir, now: '2026-11-23T02:00:00Z' });
    expect(text.stdout.replace(/\s+/g, ' ')).toContain(
      "p on deepseek-v4-flash: peak hours x2 in 35 of the week's 168 hours (calls spread evenly over the week)",
    );
    // the gate: a budget between the off-peak and the peak monthly cost no longer passes or fails by the hour of the CI run
    const limit = String((30_000 * offPeakMicroUsd * 1.1) / 1e6); // 1.1 x off-peak < 29/24 x off-peak < 2 x off-peak
    const codes = [];
    for (const now of ['2026-11-23T02:00:00Z', '2026-11-23T14:00:00Z']) {
      const r = await runCli(['check', 'p.md', '--no-config', ...args.slice(1, -2), '--max-monthly-usd', limit], { cwd: dir, now });
      codes.push(r.code);
    }
    expect(codes).toEqual([1, 1]);
  });

  it('exit 2: no model, unknown model, bad options', async () => {
    expect((await runCli(['estimate', 'summarize-ticket.md'], { cwd: DIR })).stderr).toMatch(/no model to price it with/);
    const u = await runCli(['estimate', 'summarize-ticket.md', '-m', 'claude-sonet-4-5'], { cwd: DIR });
    expect(u.code).toBe(2);
    expect(u.stderr).toMatch(/closest known ids: .*claude-sonnet-4-5/);
    expect((await runCli(['estimate', 'wasteful.yaml', '--cache-hit-rate', '1.5'], { cwd: DIR })).code).toBe(2);
    expect((await runCli(['estimate', 'wasteful.yaml', '--calls-per-day', '1', '--calls-per-month', '2'], { cwd: DIR })).code).toBe(2);
  });

  it("an empty --model ('', ' , ') is a usage error naming it, in estimate, tokens and check (it was read as absent)", async () => {
    const cases: string[][] = [
      ['estimate', 'support-bot.yaml', '--model', ''],
      ['estimate', 'support-bot.yaml', '-m', ' , '],
      ['estimate', 'summarize-ticket.md', '--model', ''],
      ['tokens', 'summarize-ticket.md', '--model', ''],
      ['check', 'wasteful.yaml', '--no-config', '--model', '', '--max-cost-per-call', '1'],
    ];
    for (const args of cases) {
      const r = await runCli(args, { cwd: DIR });
      expect(r.code, args.join(' ')).toBe(2);
      expect(r.stderr, args.join(' ')).toContain('error: --model is empty: give a model id');
      expect(r.stderr).toContain('hint: e.g. --model gpt-4o-mini');
      expect(r.stdout).toBe('');
    }
    // an empty --encoding names the encodings (it was an internal error, "this is a bug")
    const e = await runCli(['tokens', '--encoding', ''], { stdin: 'hello' });
    expect(e.code).toBe(2);
    expect(e.stderr).toContain('unknown encoding ""');
    expect(e.stderr).toContain('use one of: o200k_base, cl100k_base');
    expect(e.stderr).not.toContain('internal error');
  });

  it('numeric options are decimals only, in every command: hex, binary and octal literals exit 2', async () => {
    const ok = { cwd: DIR };
    const cases: Array<[string[], string]> = [
      [['check', 'wasteful.yaml', '--no-config', '-m', 'gpt-4o-mini', '--max-increase-pct', '0x09'], '--max-increase-pct'],
      [['check', 'wasteful.yaml', '--no-config', '-m', 'gpt-4o-mini', '--calls-per-month', '0b11'], '--calls-per-month'],
      [['estimate', 'wasteful.yaml', '-m', 'gpt-4o-mini', '--output-tokens', '0o17'], '--output-tokens'],
      [['estimate', 'wasteful.yaml', '-m', 'gpt-4o-mini', '--cache-hit-rate', '0x0'], '--cache-hit-rate'],
      [['whatif', '../whatif/tiny.yaml', '--volumes', '1,0x10'], '--volumes'],
      [['whatif', '../whatif/tiny.yaml', '--seed', '0x10'], '--seed'],
      [['report', '../logs/openai/batch-output.jsonl', '--top', '0x10'], '--top'],
    ];
    for (const [args, flag] of cases) {
      const r = await runCli(args, ok);
      expect(r.code, args.join(' ')).toBe(2);
      expect(r.stderr).toContain(`${flag} expects`);
    }
    // plain decimals still read: 1,000,000 calls a month x ... priced as before (0.5 and 1e6)
    const d = await runCli(
      ['estimate', 'wasteful.yaml', '-m', 'gpt-4o-mini', '--calls-per-month', '1e6', '--cache-hit-rate', '.5', '--format', 'json'],
      ok,
    );
    expect(d.code, d.stderr).toBe(0);
    expect(JSON.parse(d.stdout).prompts[0].traffic.callsPerMonth).toBe(1_000_000);
  });

  it('states the traffic and output length behind every monthly figure, and says when the output is a default', async () => {
    const spec = await runCli(['estimate', 'support-bot.yaml', '-m', 'gpt-4o-mini', '--format', 'json'], { cwd: DIR });
    const a = JSON.parse(spec.stdout).prompts[0].assumptions;
    // the spec says traffic: {callsPerDay: 20000} -> 600,000 a month; expectedOutputTokens: {p50: 180, p90: 420}
    expect(a).toEqual({
      traffic: { callsPerDay: 20000, callsPerMonth: 600000, source: 'spec', basis: 'callsPerDay: 20000' },
      outputTokens: { value: 180, source: 'spec', basis: 'p50 180, p90 420' },
    });
    const text = await runCli(['estimate', 'summarize-ticket.md', '-m', 'gpt-4o', '--calls-per-day', '100'], { cwd: DIR });
    // at 80 columns the note wraps (a line break plus indent); it is an assumption, printed with the figures on stdout
    expect(text.stdout.replace(/\n +/g, ' ')).toContain(
      'summarize-ticket: traffic 100 calls/day = 3,000 calls/month (flag: --calls-per-day 100); output 500 tokens per call is a DEFAULT, not a measurement: set expectedOutputTokens in the spec or pass --output-tokens',
    );
    const j = await runCli(['estimate', 'summarize-ticket.md', '-m', 'gpt-4o', '--format', 'json'], { cwd: DIR });
    // in the report model they are the typed assumptions (one per prompt, then the hit rate and month), not notes
    const model = JSON.parse(j.stdout).report;
    expect(model.assumptions).toHaveLength(2);
    expect(model.assumptions[0]).toMatch(/^summarize-ticket: no traffic stated/);
    expect(model.assumptions[1]).toMatch(/^Cached cost: .*Month = 30 days\.$/);
    expect(model.notes.join('\n')).not.toMatch(/summarize-ticket: no traffic|Month = 30 days/);
    expect(JSON.parse(j.stdout).prompts[0].assumptions).toEqual({
      traffic: null,
      outputTokens: {
        value: 500,
        source: 'default',
        basis: '500',
        hint: 'a default: set expectedOutputTokens in the spec or pass --output-tokens',
      },
    });
  });

  it('at 80 columns the monthly figure outlasts the token counts and the uncached costs', async () => {
    // support-bot.yaml: 1,757 input tokens, 1,636 static prefix, output 180, 20,000 calls/day = 600,000/month, hit rate 0.8
    // claude-sonnet-4-5 ($3 in, $3.75 write, $0.30 read, $15 out per MTok), the whole 1,636 prefix cacheable:
    //   hit 1,636 x 0.30 + 121 x 3 + 180 x 15 = 3,553.8; miss 1,636 x 3.75 + 363 + 2,700 = 9,198 ($ per 1M calls)
    //   cached 0.8 x 3,553.8 + 0.2 x 9,198 = 4,682.64 -> x 600,000 / 1M = $2,809.58 a month
    // gpt-4o-mini ($0.15 in, $0.075 read, $0.60 out; automatic, 1,024 + 128-token steps: 1,536 cacheable, writes free):
    //   hit 1,536 x 0.075 + 221 x 0.15 + 108 = 256.35; miss 1,757 x 0.15 + 108 = 371.55
    //   cached 0.8 x 256.35 + 0.2 x 371.55 = 279.39 -> x 600,000 / 1M = $167.63 a month
    const r = await runCli(['estimate', 'support-bot.yaml'], { cwd: DIR });
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^Prompt +Model +Call, cached +Month, cached$/m);
    expect(r.stdout).toMatch(/^support-bot +claude-sonnet-4-5 \(est\.\) +\$0\.00468 +\$2,809\.58$/m);
    expect(r.stdout).toMatch(/^support-bot +gpt-4o-mini +\$0\.000279 +\$167\.63$/m);
    expect(r.stdout.replace(/\n +/g, ' ')).toMatch(
      /Columns not shown to fit 80 characters: .*Input tok.*Month, no cache, Call, no cache \(--wide shows them\)/,
    );
  });

  it('bad prompt files exit 2 with the file named: binary, a spec variable without a value, an unknown model in a spec', async () => {
    const { mkdtempSync, writeFileSync } = await import('node:fs');
    const { join } = await import('node:path');
    const { tmpdir } = await import('node:os');
    const dir = mkdtempSync(join(tmpdir(), 'tk-est-bad-'));
    writeFileSync(join(dir, 'bin.md'), Buffer.from([0x7f, 0x45, 0x4c, 0x46, 0x00, 0x01]));
    const bin = await runCli(['estimate', 'bin.md', '-m', 'gpt-4o'], { cwd: dir });
    expect(bin.code).toBe(2);
    expect(bin.stderr).toMatch(/bin\.md is binary/);
    writeFileSync(join(dir, 'v.yaml'), 'model: gpt-4o\nsystem: hi\ntemplate: "Q: {{q}}"\n');
    const v = await runCli(['estimate', 'v.yaml'], { cwd: dir });
    expect(v.code).toBe(2);
    expect(v.stderr).toMatch(/v\.yaml:3: template: no value for \{\{q\}\}/);
    writeFileSync(join(dir, 'm.yaml'), 'model: gpt-4o-minii\nsystem: hi\n');
    const m = await runCli(['estimate', 'm.yaml'], { cwd: dir });
    expect(m.code).toBe(2);
    expect(m.stderr).toMatch(/m\.yaml:1: unknown model "gpt-4o-minii"/);
    writeFileSync(join(dir, 'u.md'), Buffer.from([0x68, 0x69, 0xc3, 0x28]));
    const u = await runCli(['estimate', 'u.md', '-m', 'gpt-4o', '--format', 'json'], { cwd: dir });
    expect(u.code).toBe(0);
    expect(JSON.parse(u.stdout).prompts[0].warnings.join('\n')).toMatch(/not valid UTF-8/);
  });

  it('warns of a call the model cannot make: a prompt past its context window, an output past its maximum output', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tk-est-limits-'));
    // cl100k_base: "hello" then 16,400 x " hello", one token each = 16,401; chat framing 3 + "user" 1 + priming 3 = 7
    // -> 16,408 input tokens, 23 more than gpt-3.5-turbo's context window of 16,385 (catalog contextWindow)
    writeFileSync(join(dir, 'long.md'), `hello${' hello'.repeat(16_400)}`);
    const r = await runCli(['estimate', 'long.md', '-m', 'gpt-3.5-turbo', '--format', 'json'], { cwd: dir });
    expect(r.code).toBe(0);
    const p = JSON.parse(r.stdout).prompts[0];
    expect(p.models[0].tokens.input).toBe(16_408);
    expect(p.warnings).toEqual([
      'gpt-3.5-turbo: 16,408 input tokens are more than its context window of 16,385: the provider refuses such a call',
    ]);
    expect(r.stderr).toContain('warning: long.md: gpt-3.5-turbo: 16,408 input tokens are more than its context window of 16,385');
    // gpt-4o: at most 16,384 output tokens (catalog maxOutputTokens); 16,384 is allowed, 16,385 is not
    writeFileSync(join(dir, 'short.md'), 'hi');
    const ok = await runCli(['estimate', 'short.md', '-m', 'gpt-4o', '--output-tokens', '16384'], { cwd: dir });
    expect(ok.stderr).not.toContain('maximum output');
    const over = await runCli(['estimate', 'short.md', '-m', 'gpt-4o,claude-haiku-4-5', '--output-tokens', '16385'], { cwd: dir });
    expect(over.code).toBe(0);
    expect(over.stderr).toContain(
      'warning: short.md: gpt-4o: 16,385 output tokens per call are more than its maximum output of 16,384: a reply stops there',
    );
    expect(over.stderr).not.toMatch(/claude-haiku-4-5: .*maximum output/); // 64,000 for claude-haiku-4-5
    // a model priced past its window (claude-sonnet-4-5: a long-context band above 200,000, the 1M window) is not held to it
    // (o200k_base x 1: 210,001 + 7 = 210,008 input tokens, past its contextWindow of 200,000); claude-haiku-4-5 has none
    writeFileSync(join(dir, 'longer.md'), `hello${' hello'.repeat(210_000)}`);
    const wide = await runCli(['estimate', 'longer.md', '-m', 'claude-sonnet-4-5,claude-haiku-4-5', '--format', 'json'], { cwd: dir });
    expect(JSON.parse(wide.stdout).prompts[0].warnings).toEqual([
      'claude-haiku-4-5: 210,008 input tokens (estimated) are more than its context window of 200,000: the provider refuses such a call',
    ]);
  });

  it('warns of a model retired before the pricing date: calls to it fail', async () => {
    // catalog: deepseek-chat retiredAt 2026-07-24 (it answered until 15:59 UTC that day)
    const warn = 'warning: summarize-ticket.md: deepseek-chat: retired on 2026-07-24: calls to it fail';
    const on = await runCli(['estimate', 'summarize-ticket.md', '-m', 'deepseek-chat', '--at', '2026-07-24'], { cwd: DIR });
    expect(on.code).toBe(0);
    expect(on.stderr).not.toContain('retired');
    const after = await runCli(['estimate', 'summarize-ticket.md', '-m', 'deepseek-chat', '--at', '2026-07-25'], { cwd: DIR });
    expect(after.code).toBe(0);
    expect(after.stderr).toContain(`${warn} (prices as of 2026-07-25, --at)`);
    // a time with its zone is shown in UTC: 2026-07-25T01:00+02:00 is 2026-07-24T23:00Z, the retirement day itself
    const time = await runCli(
      ['estimate', 'summarize-ticket.md', '-m', 'deepseek-chat', '--at', '2026-07-25T01:00+02:00', '--format', 'json'],
      {
        cwd: DIR,
      },
    );
    expect(time.code).toBe(0);
    expect(JSON.parse(time.stdout).assumptions.pricesAt).toBe('2026-07-24T23:00:00.000Z');
    expect(time.stderr).not.toContain('retired');
    // the default date is today (the harness clock: 2026-11-23)
    const today = await runCli(['estimate', 'summarize-ticket.md', '-m', 'deepseek-chat,gpt-4o', '--format', 'json'], { cwd: DIR });
    expect(JSON.parse(today.stdout).prompts[0].warnings).toContain(
      'deepseek-chat: retired on 2026-07-24: calls to it fail (prices as of 2026-11-23, --at)',
    );
    expect(today.stderr).not.toMatch(/gpt-4o: retired/);
  });

  it('{{constructor}}, {{toString}}, {{__proto__}} are variables like any other, never read from an object prototype', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tk-est-proto-'));
    writeFileSync(join(dir, 'p.md'), 'Hello {{constructor}} and {{toString}} {{__proto__}}');
    writeFileSync(
      join(dir, 'c.json'),
      JSON.stringify({ messages: [{ role: 'user', content: 'Hi {{constructor}}' }], variables: { q: 'x' } }),
    );
    const r = await runCli(['estimate', 'p.md', 'c.json', '-m', 'gpt-4o', '--format', 'json'], { cwd: dir });
    expect(r.code).toBe(0);
    const [p, c] = JSON.parse(r.stdout).prompts;
    // no sample values: each renders empty, leaving "Hello  and  " (before: "function Object() { [native code] }" and
    // toString's source were rendered in, and no value was reported missing)
    const words = new Tiktoken(o200k).encode('Hello  and  ').length; // js-tiktoken itself
    expect(p.models[0].tokens.parts[0].tokens).toBe(words);
    expect(p.models[0].tokens.input).toBe(words + 7); // framing 3 + "user" 1 + reply priming 3
    expect(p.warnings).toEqual([
      'no sample value for {{__proto__}}, {{constructor}}, {{toString}}: counted as empty (add variables: to a spec)',
    ]);
    expect(c.warnings).toEqual(['no sample value for {{constructor}}: counted as empty (add variables: to a spec)']);
  });

  it('prompts that share an id (v1/prompt.md, v2/prompt.md) are shown by their file, so their rows can be told apart', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tk-est-ids-'));
    mkdirSync(join(dir, 'v1'));
    mkdirSync(join(dir, 'v2'));
    writeFileSync(join(dir, 'v1', 'prompt.md'), 'Answer briefly.');
    writeFileSync(join(dir, 'v2', 'prompt.md'), 'Answer briefly and cite the source.');
    writeFileSync(join(dir, 'other.md'), 'Hi.');
    const r = await runCli(['estimate', 'v1', 'v2', 'other.md', '-m', 'gpt-4o', '--format', 'json'], { cwd: dir });
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout).prompts.map((p: { id: string }) => p.id)).toEqual([
      join('v1', 'prompt.md'),
      join('v2', 'prompt.md'),
      'other',
    ]);
    const t = await runCli(['estimate', 'v1', 'v2', '-m', 'gpt-4o'], { cwd: dir });
    // (without traffic the month columns are all "-" and go first, so the model stays beside the file)
    expect(t.stdout).toMatch(/^v1\/prompt\.md +gpt-4o +10 /m);
    expect(t.stdout).toMatch(/^v2\/prompt\.md +gpt-4o +14 /m);
  });

  it('a prompt warning names its file once: an image block in a chat JSON, invalid UTF-8 (the file was printed twice)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tk-est-warn-'));
    const img = { type: 'image_url', image_url: { url: 'https://example.com/a.png' } };
    writeFileSync(join(dir, 'c.json'), JSON.stringify({ messages: [{ role: 'user', content: [{ type: 'text', text: 'hi' }, img] }] }));
    // "hi" then 0xc3 0x28: a lead byte without its continuation at byte 2 of line 1
    writeFileSync(join(dir, 'u.md'), Buffer.from([0x68, 0x69, 0xc3, 0x28]));
    const r = await runCli(['estimate', 'c.json', 'u.md', '-m', 'gpt-4o'], { cwd: dir });
    expect(r.code).toBe(0);
    const lines = r.stderr.split('\n').filter((l) => l.startsWith('warning:'));
    expect(lines).toEqual([
      'warning: c.json: messages[0]: image_url block not counted (text only)',
      'warning: u.md: not valid UTF-8 at byte 2 (line 1); invalid bytes read as U+FFFD',
    ]);
    const doc = JSON.parse((await runCli(['estimate', 'c.json', 'u.md', '-m', 'gpt-4o', '--format', 'json'], { cwd: dir })).stdout);
    expect(doc.prompts.map((p: { warnings: string[] }) => p.warnings)).toEqual([
      ['messages[0]: image_url block not counted (text only)'],
      ['not valid UTF-8 at byte 2 (line 1); invalid bytes read as U+FFFD'],
    ]);
  });
});
