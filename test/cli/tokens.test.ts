import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { Tiktoken } from 'js-tiktoken/lite';
import o200k from 'js-tiktoken/ranks/o200k_base';
import { runCli } from './harness.js';

describe('tokenomics tokens', () => {
  it('counts like tiktoken o200k_base for gpt-4o and prices the count', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tk-tokens-'));
    const f = join(dir, 'p.md');
    const text = '# Title\n\nYou are a helpful assistant. Answer in JSON.\n\n' + 'Résumé, naïve café — 12345 tokens? 🚀\n'.repeat(20);
    writeFileSync(f, text);
    const expected = new Tiktoken(o200k).encode(text).length; // independent path: js-tiktoken itself
    const r = await runCli(['tokens', f, '--model', 'gpt-4o', '--format', 'json']);
    expect(r.code).toBe(0);
    const doc = JSON.parse(r.stdout);
    expect(doc).toMatchObject({ model: 'gpt-4o', encoding: 'o200k_base', estimated: false, totalTokens: expected });
    // gpt-4o: $2.50 input, $10 output per MTok
    expect(doc.files[0].costAsInputUsd).toBe(Number(((expected * 2.5) / 1e6).toFixed(12)));
    expect(doc.files[0].costAsOutputUsd).toBe(Number(((expected * 10) / 1e6).toFixed(12)));
  });

  it('says a Claude count is an estimate, with encoding and factor', async () => {
    const r = await runCli(['tokens', '-', '--model', 'claude-opus-4-7'], { stdin: 'hello world '.repeat(100) });
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/estimate: o200k_base x 1\.3 \(claude-opus-4-7 has no public tokenizer\)/);
    expect(r.stdout).toContain('Tokens (est.)');
  });

  it('a table narrowed to fit keeps the token count (Characters goes first), as in the README example at 80 columns', async () => {
    // README: tokens fixtures/prompts/*.md --model claude-sonnet-4-5. File (36) + Characters + Tokens (est.) + two costs
    // do not fit 80 columns; before, the table dropped "Tokens (est.)", the figure the command is for, and kept Characters
    const r = await runCli(['tokens', 'fixtures/prompts/summarize-ticket.md', '--model', 'claude-sonnet-4-5'], { env: { COLUMNS: '80' } });
    expect(r.code).toBe(0);
    const header = r.stdout.split('\n').find((l) => l.startsWith('File'));
    expect(header).toMatch(/Tokens \(est\.\)/);
    expect(header).not.toContain('Characters');
    expect(r.stdout).toContain('Columns not shown to fit 80 characters: Characters');
    // at 40 columns too: the count stays, the costs give way
    const narrow = await runCli(['tokens', 'fixtures/prompts/summarize-ticket.md', '--model', 'claude-sonnet-4-5'], {
      env: { COLUMNS: '40' },
    });
    expect(narrow.stdout.split('\n').find((l) => l.startsWith('File'))).toMatch(/Tokens \(est\.\)/);
  });

  it("--encoding other than the model's own says what was counted, never that an OpenAI model has no public tokenizer", async () => {
    const line = async (...args: string[]) =>
      (await runCli(['tokens', ...args], { stdin: 'hello world', env: { COLUMNS: '200' } })).stdout
        .split('\n')
        .find((l) => l.includes('Count:'))
        ?.trim();
    // "hello", " world": 2 tokens in every case; only the words change
    expect(await line('--model', 'gpt-4', '--encoding', 'o200k_base')).toBe(
      'Count:  estimate: o200k_base (--encoding; gpt-4 counts with cl100k_base)',
    );
    expect(await line('--model', 'gpt-4', '--encoding', 'cl100k_base')).toBe('Count:  cl100k_base (exact for gpt-4)');
    // claude-opus-4-7 is estimated as o200k_base x 1.3: with --encoding the factor is not applied, and the line says so
    expect(await line('--model', 'claude-opus-4-7', '--encoding', 'o200k_base')).toBe(
      'Count:  estimate: o200k_base (--encoding; claude-opus-4-7 has no public tokenizer; its x 1.3 not applied)',
    );
    expect(await line('--model', 'claude-opus-4-7', '--encoding', 'cl100k_base')).toBe(
      'Count:  estimate: cl100k_base (--encoding; claude-opus-4-7 has no public tokenizer, estimated as o200k_base x 1.3 without --encoding)',
    );
    expect(await line('--model', 'claude-sonnet-4-5', '--encoding', 'o200k_base')).toBe(
      'Count:  estimate: o200k_base (claude-sonnet-4-5 has no public tokenizer)',
    );
  });

  it('Characters counts code points: an emoji or a CJK extension character is one, not two UTF-16 units', async () => {
    // "x 🚀é𠀀": x, space, U+1F680, é, U+20000 = 5 characters (the string's length is 7: two surrogate pairs)
    const r = await runCli(['tokens', '--format', 'json'], { stdin: 'x 🚀é𠀀' });
    expect(JSON.parse(r.stdout).files[0].characters).toBe(5);
  });

  it("'-' among files reads standard input there, as the help says ('- or nothing reads stdin')", async () => {
    const r = await runCli(['tokens', 'fixtures/prompts/summarize-ticket.md', '-', '--encoding', 'cl100k_base', '--format', 'json'], {
      stdin: 'hello world',
    });
    expect(r.code, r.stderr).toBe(0);
    const doc = JSON.parse(r.stdout);
    expect(doc.files.map((f: { file: string }) => f.file)).toEqual(['fixtures/prompts/summarize-ticket.md', '-']);
    expect(doc.files[1]).toMatchObject({ characters: 11, tokens: 2 }); // "hello", " world"
    const twice = await runCli(['tokens', '-', '-'], { stdin: 'x' });
    expect(twice.code).toBe(2);
    expect(twice.stderr).toContain('- is given more than once');
  });

  it('an unknown model with no id near it still gets a hint (exit 2), as prices and estimate give one', async () => {
    // before: "tokenomics: error: unknown model ..." and no hint line at all when no catalog id was close
    const r = await runCli(['tokens', '-', '--model', 'qqqq-zzzz-9000'], { stdin: 'hello' });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('unknown model "qqqq-zzzz-9000": not in the pricing catalog');
    expect(r.stderr).toMatch(/\nhint: (closest known ids: |add it with --prices FILE)/);
  });

  it('suggests no id that shares less than half of what was typed', async () => {
    // "zzzqqq" is 6 edits from gpt-4o (every character): it was offered as the closest known id
    const r = await runCli(['tokens', '-', '--model', 'zzzqqq'], { stdin: 'hello' });
    expect(r.code).toBe(2);
    expect(r.stderr).not.toContain('closest known ids');
    expect(r.stderr).toContain('hint: add it with --prices FILE');
    // a typo still finds its id: "gpt4o-mni" is 2 edits from gpt-4o-mini
    const typo = await runCli(['tokens', '-', '--model', 'gpt4o-mni'], { stdin: 'hello' });
    expect(typo.stderr).toMatch(/closest known ids: .*gpt-4o-mini/);
  });

  it('reads stdin with an explicit encoding and rejects unknown ones', async () => {
    const r = await runCli(['tokens', '--encoding', 'cl100k_base', '--format', 'json'], { stdin: 'hello world' });
    expect(JSON.parse(r.stdout).totalTokens).toBe(2); // "hello", " world"
    expect((await runCli(['tokens', '--encoding', 'gpt2'], { stdin: 'x' })).code).toBe(2);
    expect((await runCli(['tokens', '--model', 'nope-model'], { stdin: 'x' })).code).toBe(2);
  });

  it('a file past a long-context threshold costs, as input, the band its size reaches (priced as a call, as estimate does)', async () => {
    // claude-sonnet-4-5: $3 in / $15 out per MTok; a request with more than 200,000 input tokens is priced whole at $6 / $22.50.
    // "a a a ..." is one o200k token per word (x1 for Claude): 210,000 tokens as input = 210,000 x $6 / 1e6 = $1.26
    // (it was priced at $3: $0.63); as output after a short prompt, the standard $15: 210,000 x $15 / 1e6 = $3.15
    const big = await runCli(['tokens', '-', '--model', 'claude-sonnet-4-5', '--format', 'json'], { stdin: `a${' a'.repeat(209_999)}` });
    expect(JSON.parse(big.stdout).files[0]).toMatchObject({ tokens: 210_000, costAsInputUsd: 1.26, costAsOutputUsd: 3.15 });
    const table = await runCli(['tokens', '-', '--model', 'claude-sonnet-4-5'], { stdin: `a${' a'.repeat(209_999)}` });
    expect(table.stdout).toContain('- as input: long context >200000');
    // 190,000 tokens stay in the standard band: 190,000 x $3 / 1e6 = $0.57
    const small = await runCli(['tokens', '-', '--model', 'claude-sonnet-4-5', '--format', 'json'], { stdin: `a${' a'.repeat(189_999)}` });
    expect(JSON.parse(small.stdout).files[0]).toMatchObject({ tokens: 190_000, costAsInputUsd: 0.57, costAsOutputUsd: 2.85 });
  });

  it('an empty standard input is a warning (the command before | may have failed), exit 2 with --strict, as in report', async () => {
    for (const args of [['tokens', '-'], ['tokens']]) {
      const r = await runCli(args, { stdin: '' });
      expect(r.code).toBe(0);
      expect(r.stderr).toContain('warning: -: standard input is empty: nothing to read');
      const strict = await runCli([...args, '--strict'], { stdin: '' });
      expect(strict.code).toBe(2);
      expect(strict.stderr).toContain('-: standard input is empty: nothing to read');
      expect(strict.stderr).toContain('did the command before | fail?');
    }
  });
});
