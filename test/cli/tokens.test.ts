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

  it('reads stdin with an explicit encoding and rejects unknown ones', async () => {
    const r = await runCli(['tokens', '--encoding', 'cl100k_base', '--format', 'json'], { stdin: 'hello world' });
    expect(JSON.parse(r.stdout).totalTokens).toBe(2); // "hello", " world"
    expect((await runCli(['tokens', '--encoding', 'gpt2'], { stdin: 'x' })).code).toBe(2);
    expect((await runCli(['tokens', '--model', 'nope-model'], { stdin: 'x' })).code).toBe(2);
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
