/**
 * Warnings on stderr wrap at the terminal's width (stderr's columns, or COLUMNS), continuation lines
 * indented; in a pipe or a CI log without COLUMNS each warning stays one line, whole for grep. An
 * error and its hint wrap the same way.
 */
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { main } from '../../src/cli/main.js';
import { Readable } from 'node:stream';
import { runCli } from './harness.js';

const root = resolve(import.meta.dirname, '../..');
const BAD = resolve(root, 'fixtures/logs/codex/bad.jsonl');
const widest = (text: string): number => Math.max(0, ...text.split('\n').map((l) => [...l].length));
/** The warning lines of stderr, each with its continuation lines joined back by one space. */
const warnings = (stderr: string): string[] =>
  stderr
    .replace(/\n {2}/g, ' ')
    .split('\n')
    .filter((l) => l.startsWith('warning: '));

describe('warnings on stderr', () => {
  it('wrap at COLUMNS=80, and read the same joined back', async () => {
    const wrapped = await runCli(['report', BAD, '--format', 'json'], { env: { COLUMNS: '80' } });
    const plain = await runCli(['report', BAD, '--format', 'json']);
    expect(widest(wrapped.stderr)).toBeLessThanOrEqual(80);
    // the rejected-records warning is longer than 80 characters on one line
    expect(widest(plain.stderr)).toBeGreaterThan(80);
    expect(plain.stderr.split('\n').filter((l) => l.startsWith('warning: ')).length).toBe(3);
    expect(warnings(wrapped.stderr)).toEqual(warnings(plain.stderr));
    expect(wrapped.stderr).toMatch(/^warning: 5 records rejected as invalid .*\n {2}\S/m);
  });

  it("wrap at a terminal's own width, without COLUMNS", async () => {
    let stderr = '';
    await main(['node', 'tokenomics', 'report', BAD, '--format', 'json'], {
      stdout: { write: () => true, isTTY: false },
      stderr: { write: (s: string) => (stderr += s), isTTY: true, columns: 60 },
      stdin: Readable.from(['']),
      env: { NO_COLOR: '1', TZ: 'UTC' },
      cwd: process.cwd(),
      now: () => Date.parse('2026-11-23T00:00:00Z'),
    });
    expect(widest(stderr)).toBeLessThanOrEqual(60);
    expect(warnings(stderr).length).toBe(3);
  });

  it('--wide leaves them whole', async () => {
    const r = await runCli(['report', BAD, '--format', 'json', '--wide'], { env: { COLUMNS: '80' } });
    expect(widest(r.stderr)).toBeGreaterThan(80);
  });
});

describe('an error and its hint on stderr', () => {
  // a --since that is not a date: the message quotes it (longer than 80 characters on one line)
  const args = ['report', BAD, '--format', 'json', '--since', 'the day before the big launch of the product'];
  /** The error and hint lines, each with its continuation lines joined back by one space. */
  const joined = (stderr: string): string[] =>
    stderr
      .replace(/\n {2}/g, ' ')
      .split('\n')
      .filter((l) => /^(tokenomics: error|hint): /.test(l));

  it('wrap at COLUMNS=80 and read the same joined back; whole without COLUMNS or with --wide', async () => {
    const wrapped = await runCli(args, { env: { COLUMNS: '80' } });
    const plain = await runCli(args);
    const wide = await runCli([...args, '--wide'], { env: { COLUMNS: '80' } });
    expect(wrapped.code).toBe(2);
    expect(plain.code).toBe(2);
    expect(widest(plain.stderr)).toBeGreaterThan(80);
    expect(widest(wrapped.stderr)).toBeLessThanOrEqual(80);
    expect(joined(wrapped.stderr)).toEqual(joined(plain.stderr));
    expect(joined(plain.stderr).length).toBe(2);
    expect(wrapped.stderr).toMatch(/^tokenomics: error: .*\n {2}\S/m);
    expect(wide.stderr).toBe(plain.stderr);
  });
});

describe('notices on stderr', () => {
  it('wrap at COLUMNS as warnings do ("using config PATH; --no-config ignores it" was 78 wide at 40), and stay whole without it', async () => {
    const cwd = resolve(root, 'fixtures/check');
    const narrow = await runCli(['check'], { cwd, env: { COLUMNS: '40' } });
    expect(narrow.code).toBe(0);
    expect(narrow.stderr).toMatch(/^using config/);
    expect(widest(narrow.stderr)).toBeLessThanOrEqual(40);
    const plain = await runCli(['check'], { cwd });
    const line = plain.stderr.split('\n').find((l) => l.startsWith('using config'));
    expect(line).toBe(`using config ${resolve(cwd, 'tokenomics.yaml')}; --no-config ignores it`);
  }, 60_000);
});
