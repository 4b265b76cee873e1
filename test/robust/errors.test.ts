/**
 * Issue 13.6 and 13.12: hostile or broken files end with a short message and exit 2, never a stack
 * trace, whatever kind of file they are given as.
 */
import { mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../cli/harness.js';
import { DEMO, FIXTURES, aliasBomb, binaryBytes, expectNoStackTrace, tempDir } from './helpers.js';

/** Every command line that reads one YAML file, with FILE where it goes. */
const YAML_INPUTS: Array<[string, string[]]> = [
  ['--config', ['report', DEMO, '--config', 'FILE']],
  ['--prices', ['report', DEMO, '--prices', 'FILE']],
  ['--scenario', ['simulate', DEMO, '--scenario', 'FILE']],
  ['what-if file', ['whatif', 'FILE']],
  ['prompt spec', ['estimate', 'FILE']],
];

const at = (args: string[], file: string) => args.map((a) => (a === 'FILE' ? file : a));

describe('YAML inputs', () => {
  const dir = tempDir();
  const bomb = join(dir, 'bomb.yaml');
  writeFileSync(bomb, aliasBomb());
  const garbage = join(dir, 'garbage.yaml');
  // text that is not YAML: hundreds of syntax errors (unbalanced flow collections, bad indentation)
  writeFileSync(garbage, Array.from({ length: 3000 }, (_, i) => `${'  '.repeat(i % 7)}- [{: ${i} ]]] "\n`).join(''));
  const binary = join(dir, 'binary.yaml');
  writeFileSync(binary, binaryBytes(150_000));

  for (const [name, args] of YAML_INPUTS) {
    it(`${name}: an alias bomb is refused (exit 2, a short message)`, async () => {
      const r = await runCli(at(args, bomb));
      expect(r.code).toBe(2);
      expectNoStackTrace(r.stderr);
      expect(r.stderr).toMatch(/too many alias expansions/);
      expect(r.stderr.length).toBeLessThan(1000);
    });

    it(`${name}: a binary file is refused in a line or two`, async () => {
      const r = await runCli(at(args, binary));
      expect(r.code).toBe(2);
      expectNoStackTrace(r.stderr);
      expect(r.stderr).toMatch(/is binary \(NUL byte at offset \d+\)/);
      expect(r.stderr.split('\n').length).toBeLessThanOrEqual(4);
    });

    it(`${name}: text that is not YAML gives a few errors, not thousands`, async () => {
      const r = await runCli(at(args, garbage));
      expect(r.code).toBe(2);
      expectNoStackTrace(r.stderr);
      expect(r.stderr.split('\n').length).toBeLessThanOrEqual(10);
    });
  }

  it('the check config (tokenomics.yaml found upward) refuses an alias bomb too', async () => {
    const proj = tempDir();
    writeFileSync(join(proj, 'tokenomics.yaml'), aliasBomb());
    const r = await runCli(['check'], { cwd: proj });
    expect(r.code).toBe(2);
    expectNoStackTrace(r.stderr);
    expect(r.stderr).toMatch(/too many alias expansions/);
  });

  it('YAML nested deeper than the stack is an error, not a crash', async () => {
    const deep = join(dir, 'deep.yaml');
    writeFileSync(deep, `version: 1\nfeatures: ${'['.repeat(50_000)}${']'.repeat(50_000)}\n`);
    const r = await runCli(['whatif', deep]);
    expect(r.code).toBe(2);
    expectNoStackTrace(r.stderr);
  });
});

describe('other hostile inputs', () => {
  const dir = tempDir();

  it('a chat prompt nested deeper than the stack: exit 2 with a message', async () => {
    const f = join(dir, 'deep.json');
    const deep = '['.repeat(200_000) + ']'.repeat(200_000);
    writeFileSync(f, `{"messages":[{"role":"user","content":"hi"}],"tools":${deep}}`);
    const r = await runCli(['estimate', f]);
    expect(r.code).toBe(2);
    expectNoStackTrace(r.stderr);
    expect(r.stderr).toMatch(/nested too deeply/);
  });

  it('-v or TOKENOMICS_DEBUG shows where an unexpected error came from; without them, no trace', async () => {
    const f = join(dir, 'deep2.json');
    writeFileSync(f, `{"messages":[{"role":"user","content":"hi"}],"tools":${'['.repeat(200_000)}${']'.repeat(200_000)}}`);
    const quiet = await runCli(['estimate', f]);
    expect(quiet.stderr).not.toMatch(/^\s+at /m);
    const debug = await runCli(['estimate', f], { env: { TOKENOMICS_DEBUG: '1' } });
    expect(debug.code).toBe(2);
    expect(debug.stderr).toMatch(/^\s+at /m);
    const verbose = await runCli(['estimate', f, '-v']);
    expect(verbose.stderr).toMatch(/^\s+at /m);
  });

  it('a log line nested 100,000 deep is read or rejected, never a crash', async () => {
    const f = join(dir, 'deep.jsonl');
    const deep = '['.repeat(100_000) + ']'.repeat(100_000);
    writeFileSync(
      f,
      `{"timestamp":"2026-10-01T06:34:17Z","request":{"model":"gpt-4o","messages":[{"role":"user","content":${deep}}]},"response":{"id":"x","model":"gpt-4o","usage":{"prompt_tokens":10,"completion_tokens":5,"total_tokens":15}}}\n`,
    );
    const r = await runCli(['report', f, '--format', 'json']);
    expectNoStackTrace(r.stderr);
    expect([0, 2]).toContain(r.code);
  });

  it('values near 1e300 in logs, prices and what-ifs end in 0 or 2, without a trace', async () => {
    const log = join(dir, 'big.jsonl');
    writeFileSync(
      log,
      '{"model":"gpt-4o","usage":{"prompt_tokens":1e300,"completion_tokens":1e300}}\n{"model":"gpt-4o","input_tokens":1e300,"output_tokens":1.7976931348623157e308}\n',
    );
    const prices = join(dir, 'p.yaml');
    writeFileSync(
      prices,
      'provider: acme\nsource: test\ncheckedAt: 2026-11-01\nmodels:\n  - id: tk-test\n    prices:\n      - inputPerMTok: 1e300\n        outputPerMTok: 1e300\n',
    );
    const wi = join(dir, 'w.yaml');
    writeFileSync(
      wi,
      'version: 1\npricesAt: 2026-11-01\nproduct:\n  name: T\n  pricePoint:\n    perSeatUsd: 1e300\n    seats: 1e300\nfeatures:\n  chat:\n    model: tk-test\n    requestsPerMonth: 1e300\n    inputTokens: 1e300\n    outputTokens: 1e300\n',
    );
    for (const args of [
      ['report', log],
      ['report', log, '--format', 'csv'],
      ['whatif', wi, '--prices', prices],
      ['prices', 'tk-test', '--prices', prices],
    ]) {
      const r = await runCli(args);
      expectNoStackTrace(r.stderr);
      expect([0, 1, 2]).toContain(r.code);
    }
  });

  it('an output write that fails (a full disk) exits 2 with a message, not 1 and not a trace', async () => {
    const { main } = await import('../../src/cli/main.js');
    const { Readable } = await import('node:stream');
    let stderr = '';
    const code = await main(['node', 'tokenomics', 'prices', 'gpt-4o'], {
      stdout: {
        write: () => {
          throw Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC', syscall: 'write', errno: -28 });
        },
      },
      stderr: { write: (s: string) => (stderr += s) },
      stdin: Readable.from(['']),
      env: { NO_COLOR: '1' },
      cwd: process.cwd(),
      now: () => Date.parse('2026-11-23T00:00:00Z'),
    });
    expect(code).toBe(2);
    expect(stderr).toMatch(/cannot write the output: no space left on device/);
    expectNoStackTrace(stderr);
  });

  it('-o on a device that is full exits 2 naming the error', async () => {
    const r = await runCli(['prices', 'gpt-4o', '-o', '/dev/full']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/cannot write \/dev\/full: ENOSPC \(no space left on device\)/);
  });

  it('a symlink loop given as input says so; a directory holding loops is walked without hanging', async () => {
    const loops = join(dir, 'loops');
    mkdirSync(loops);
    symlinkSync('b.jsonl', join(loops, 'a.jsonl'));
    symlinkSync('a.jsonl', join(loops, 'b.jsonl'));
    symlinkSync('.', join(loops, 'self'));
    writeFileSync(join(loops, 'ok.jsonl'), '{"model":"gpt-4o","input_tokens":10,"output_tokens":5}\n');
    const direct = await runCli(['report', join(loops, 'a.jsonl')]);
    expect(direct.code).toBe(2);
    expect(direct.stderr).toMatch(/symbolic link loop \(ELOOP\)/);
    const walked = await runCli(['report', loops, '--format', 'json']);
    expectNoStackTrace(walked.stderr);
    expect(walked.code).toBe(0);
    // the walk ends (the link to its own directory is entered once); the looping links named like logs are
    // inputs that cannot be read, said as such (they were skipped without a word before)
    const files = JSON.parse(walked.stdout).inputs.files as Array<{ path: string; format: string }>;
    expect(files.filter((f) => f.format !== 'unknown').map((f) => f.path)).toEqual([join(loops, 'ok.jsonl')]);
    expect(walked.stderr).toMatch(/warning: 2 input errors, the first: .*a\.jsonl: cannot read: ELOOP/);
  });

  it('a prompt directory holding a symlink loop: exit 2 naming the path, not an internal error', async () => {
    const prompts = join(dir, 'prompts');
    mkdirSync(prompts);
    symlinkSync('y.md', join(prompts, 'x.md'));
    symlinkSync('x.md', join(prompts, 'y.md'));
    const r = await runCli(['estimate', prompts]);
    expect(r.code).toBe(2);
    expectNoStackTrace(r.stderr);
    expect(r.stderr).toMatch(/x\.md: ELOOP \(a symbolic link loop\)/);
  });

  it.skipIf(process.getuid?.() === 0)('an unreadable directory is named with its error', async () => {
    const { chmodSync } = await import('node:fs');
    const top = join(dir, 'unreadable');
    mkdirSync(join(top, 'sub'), { recursive: true });
    chmodSync(join(top, 'sub'), 0);
    const r = await runCli(['report', top]);
    chmodSync(join(top, 'sub'), 0o755);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/cannot list directory .*sub: EACCES/);
  });
});

describe('fixtures still load through the bounded readers', () => {
  it('whatif and simulate fixtures', async () => {
    expect(
      (await runCli(['whatif', join(FIXTURES, 'whatif', 'tiny.yaml'), '--prices', join(FIXTURES, 'whatif', 'test-prices.yaml')])).code,
    ).toBe(0);
  });
});
