/**
 * `report -` when standard input holds nothing: a warning naming standard input (an upstream command in the
 * pipe may have failed), the report of what else was read, exit 0; --strict makes it exit 2 with the same words. A forced
 * format does not change that: it is an error when the input holds values it does not recognise, and an
 * empty input holds none.
 */
import { describe, expect, it } from 'vitest';
import { resolve } from 'node:path';
import { runCli } from './harness.js';

const root = resolve(import.meta.dirname, '../..');

describe('report - with nothing on standard input', () => {
  it('warns on stderr, in every format, and exits 0', async () => {
    for (const format of ['table', 'json']) {
      const r = await runCli(['report', '-', '--format', format], { stdin: '' });
      expect(r.code).toBe(0);
      expect(r.stderr).toContain('warning: -: standard input is empty: nothing to read');
    }
    const j = JSON.parse((await runCli(['report', '-', '--format', 'json'], { stdin: '' })).stdout);
    expect(j.inputs).toMatchObject({ read: 0, counted: 0 });
    expect(j.issues).toEqual([expect.objectContaining({ severity: 'warning', code: 'empty-input', file: '-' })]);
  });

  it('--strict exits 2 and says it was standard input', async () => {
    const r = await runCli(['report', '-', '--strict'], { stdin: '' });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('-: standard input is empty: nothing to read');
    expect(r.stderr).toContain('did the command before | fail?');
  });

  it('a forced format on an empty input is the same warning, not the forced-format error', async () => {
    const r = await runCli(['report', '-', '--input-format', 'openai'], { stdin: '' });
    expect(r.code).toBe(0);
    expect(r.stderr).toContain('standard input is empty');
    expect((await runCli(['report', '-', '--input-format', 'openai', '--strict'], { stdin: '' })).code).toBe(2);
  });

  it('beside a file with records: the file is reported and stdin warned about; --strict exits 2', async () => {
    const file = resolve(root, 'fixtures/logs/openai/chat-and-responses.jsonl');
    const r = await runCli(['report', file, '-', '--format', 'json'], { stdin: '' });
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout).inputs.counted).toBeGreaterThan(0);
    expect(r.stderr).toContain('standard input is empty');
    const strict = await runCli(['report', file, '-', '--strict'], { stdin: '' });
    expect(strict.code).toBe(2);
    expect(strict.stderr).toContain('-: standard input is empty: nothing to read');
  });
});
