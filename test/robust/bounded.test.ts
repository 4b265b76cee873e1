/**
 * Issue 13.7 and 13.12: every file read is bounded and says what the input really is: size caps per
 * kind of file, endless devices refused at once, binary refused, invalid UTF-8 warned about with its
 * byte offset, FIFOs and closed stdin named for what they are.
 */
import { execFileSync, spawn } from 'node:child_process';
import { createWriteStream, existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../cli/harness.js';
import { CONFIG_MAX_BYTES, firstInvalidUtf8, lineAt, readTextFile } from '../../src/core/read-text.js';
import { BIN, BUILT, DEMO, binaryBytes, expectNoStackTrace, runBin, tempDir } from './helpers.js';

const DEV_ZERO = existsSync('/dev/zero');

describe('size caps and endless inputs', () => {
  const dir = tempDir();

  it.skipIf(!DEV_ZERO)('/dev/zero as --prices, --config, --scenario, what-if file and tokens input: exit 2 at once', async () => {
    const cases = [
      ['report', DEMO, '--prices', '/dev/zero'],
      ['report', DEMO, '--config', '/dev/zero'],
      ['simulate', DEMO, '--scenario', '/dev/zero'],
      ['whatif', '/dev/zero'],
      ['tokens', '/dev/zero'],
      ['estimate', '/dev/zero.md'].map((a) => (a === '/dev/zero.md' ? '/dev/zero' : a)),
    ];
    for (const args of cases) {
      const before = process.memoryUsage().rss;
      const r = await runCli(args);
      expect(r.code, args.join(' ')).toBe(2);
      expectNoStackTrace(r.stderr);
      expect(r.stderr).toMatch(/\/dev\/zero is binary/);
      expect(process.memoryUsage().rss - before).toBeLessThan(200 * 1024 * 1024);
    }
  });

  it('a config-like file over 16 MiB is refused with the cap in the message', async () => {
    const f = join(dir, 'huge.yaml');
    const line = '# ' + 'x'.repeat(1021) + '\n'; // 1 KiB of comment
    writeFileSync(f, line.repeat(16 * 1024 + 1)); // 16 MiB + 1 KiB
    for (const args of [
      ['report', DEMO, '--config', f],
      ['report', DEMO, '--prices', f],
      ['whatif', f],
      ['simulate', DEMO, '--scenario', f],
    ]) {
      const r = await runCli(args);
      expect(r.code).toBe(2);
      expect(r.stderr).toMatch(/is larger than 16 MiB; not read/);
    }
  });

  it('reading stops at the cap: an endless stream of text costs the cap, not more', () => {
    // a FIFO fed by `yes` never ends; the reader must stop after CONFIG_MAX_BYTES + one chunk
    const fifo = join(dir, 'endless.fifo');
    execFileSync('mkfifo', [fifo]);
    const writer = spawn('sh', ['-c', `yes "x: 1" > '${fifo}'`], { stdio: 'ignore' });
    try {
      expect(() => readTextFile(fifo, { what: 'config', maxBytes: 1024 * 1024 })).toThrow(
        /config .*endless\.fifo is larger than 1 MiB \(a device or pipe that does not end\?\)/,
      );
    } finally {
      writer.kill();
    }
    expect(CONFIG_MAX_BYTES).toBe(16 * 1024 * 1024);
  });

  it('render past its cap says how to get the report otherwise (report writes every group into its JSON), not "check the path"', async () => {
    const fifo = join(dir, 'huge-report.fifo');
    execFileSync('mkfifo', [fifo]);
    // 256 MiB of JSON-ish text and more: the reader stops at the cap
    const writer = spawn('sh', ['-c', `yes '{"groups": []}' > '${fifo}'`], { stdio: 'ignore' });
    try {
      const r = await runCli(['render', fifo]);
      expect(r.code).toBe(2);
      expect(r.stderr).toMatch(/JSON report .*huge-report\.fifo is larger than 256 MiB/);
      expect(r.stderr).toMatch(
        /hint: a report of that many groups is rendered from the logs \(report --format FORMAT\), or saved smaller with --top N/,
      );
    } finally {
      writer.kill();
    }
  }, 60_000);
});

describe('binary and invalid UTF-8', () => {
  const dir = tempDir();

  it('tokens refuses binary input (an executable) with exit 2', async () => {
    const f = join(dir, 'prog');
    writeFileSync(f, binaryBytes(150_000));
    const r = await runCli(['tokens', f]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/input .*prog is binary \(NUL byte at offset 16\), not text/);
    const piped = await runCli(['tokens'], { stdin: 'abc\u0000def' });
    expect(piped.code).toBe(2);
    expect(piped.stderr).toMatch(/input - is binary \(NUL byte at offset 3\)/);
  });

  it('tokens warns about invalid UTF-8 with the byte offset and line, and still counts', async () => {
    const f = join(dir, 'latin1.txt');
    // "ok\n" (3 bytes) + "caf" (3 bytes) then 0xE9 (latin-1 é): the first invalid byte is at offset 6, line 2
    writeFileSync(f, Buffer.concat([Buffer.from('ok\ncaf'), Buffer.from([0xe9]), Buffer.from(' au lait\n')]));
    const r = await runCli(['tokens', f, '--format', 'json']);
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(/warning: input .*latin1\.txt: not valid UTF-8 at byte 6 \(line 2\)/);
    expect(JSON.parse(r.stdout).totalTokens).toBeGreaterThan(0);
  });

  it('a prompt file with invalid UTF-8 carries a warning naming the offset', async () => {
    const f = join(dir, 'prompt.md');
    writeFileSync(f, Buffer.concat([Buffer.from('You are helpful.\n\nAnswer '), Buffer.from([0xff, 0xfe]), Buffer.from(' briefly.\n')]));
    const r = await runCli(['estimate', f, '--model', 'gpt-4o']);
    expect(r.code).toBe(0);
    // "You are helpful.\n\nAnswer " is 25 bytes: 0xFF sits at offset 25, on line 3
    expect(r.stdout + r.stderr).toMatch(/not valid UTF-8 at byte 25 \(line 3\)/);
  });

  it('a config with invalid UTF-8 is an error naming the place', async () => {
    const f = join(dir, 'cfg.yaml');
    writeFileSync(f, Buffer.concat([Buffer.from('# caf'), Buffer.from([0xe9]), Buffer.from('\nmodelAliases: {}\n')]));
    const r = await runCli(['report', DEMO, '--config', f]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/config .*cfg\.yaml: not valid UTF-8 at byte 5 \(line 1\)/);
  });

  it('firstInvalidUtf8 and lineAt, by hand', () => {
    expect(firstInvalidUtf8(Buffer.from('héllo'))).toBe(6); // valid: the length (h, é = 2 bytes, llo)
    expect(firstInvalidUtf8(Buffer.from([0x61, 0xc3]))).toBe(1); // a cut 2-byte sequence
    expect(firstInvalidUtf8(Buffer.from([0x61, 0xc0, 0x80]))).toBe(1); // overlong NUL
    expect(firstInvalidUtf8(Buffer.from([0xed, 0xa0, 0x80]))).toBe(0); // a UTF-16 surrogate
    expect(lineAt(Buffer.from('a\nb\nc'), 4)).toBe(3);
    expect(lineAt(Buffer.from('a\nb\nc'), 1)).toBe(1);
  });
});

describe('streams named for what they are', () => {
  it('a FIFO given as a log input is read, not "input not found"', async () => {
    const dir = tempDir();
    const fifo = join(dir, 'logs.fifo');
    execFileSync('mkfifo', [fifo]);
    const lines = '{"model":"gpt-4o","input_tokens":1000,"output_tokens":100}\n'.repeat(3);
    const out = createWriteStream(fifo);
    out.end(lines);
    const r = await runCli(['report', fifo, '--format', 'json']);
    expect(r.code).toBe(0);
    const doc = JSON.parse(r.stdout);
    expect(doc.inputs.read).toBe(3);
    expect(doc.inputs.counted).toBe(3);
  });

  it.skipIf(!BUILT)('a closed stdin is named as such, for report and tokens (compiled CLI)', () => {
    for (const args of [['report', '-'], ['tokens']]) {
      const r = runBin(args, { stdio: ['ignore', 'pipe', 'pipe'] }); // 'ignore' gives the child /dev/null, as a closed fd 0 gets
      expect(r.stdout + r.stderr).toMatch(/standard input is \/dev\/null \(closed, or redirected from \/dev\/null\)/);
      expect(r.stdout + r.stderr).not.toMatch(/empty file/);
    }
  });

  it.skipIf(!BUILT || !existsSync('/dev/full'))('stdout on a full device: exit 2 with a message (compiled CLI)', () => {
    const r = runBin(['prices', 'gpt-4o', '--format', 'json'], { stdio: ['ignore', 'pipe', 'pipe'], shell: false, ...{} });
    expect(r.code).toBe(0);
    const full = execStatus(`node '${BIN}' prices gpt-4o > /dev/full`);
    expect(full.code).toBe(2);
    expect(full.stderr).toMatch(/cannot write the output to stdout: no space left on device/);
    expectNoStackTrace(full.stderr);
  });

  it.skipIf(!BUILT)('/dev/stdin as a log path reads the pipe (compiled CLI)', () => {
    const lines = '{"model":"gpt-4o","input_tokens":1000,"output_tokens":100}\n'.repeat(2);
    const r = runBin(['report', '/dev/stdin', '--format', 'json'], { input: lines });
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout).inputs.counted).toBe(2);
  });
});

function execStatus(cmd: string): { code: number; stderr: string } {
  try {
    execFileSync('sh', ['-c', cmd], { stdio: ['ignore', 'ignore', 'pipe'], env: { ...process.env, TOKENOMICS_DEBUG: '' } });
    return { code: 0, stderr: '' };
  } catch (err) {
    const e = err as { status: number; stderr: Buffer };
    return { code: e.status, stderr: String(e.stderr) };
  }
}
