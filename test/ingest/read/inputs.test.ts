import { describe, expect, it } from 'vitest';
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { UserError } from '../../../src/core/issues.js';
import { globToRegExp, splitGlobBase } from '../../../src/ingest/glob.js';
import { expandInputs } from '../../../src/ingest/inputs.js';
import { tempDir } from './helpers.js';

describe('glob matcher', () => {
  it.each([
    ['*.jsonl', 'a.jsonl', true],
    ['*.jsonl', 'sub/a.jsonl', false],
    ['**/*.jsonl', 'a.jsonl', true],
    ['**/*.jsonl', 'x/y/a.jsonl', true],
    ['x/**', 'x/y/z.csv', true],
    ['log-?.csv', 'log-1.csv', true],
    ['log-?.csv', 'log-10.csv', false],
    ['*.{csv,jsonl}', 'a.csv', true],
    ['*.{csv,jsonl}', 'a.json', false],
    ['{a,b/c}/*.csv', 'b/c/d.csv', true],
    ['day[12].jsonl', 'day2.jsonl', true],
    ['a.b', 'aXb', false],
  ])('%s vs %s -> %s', (glob, file, expected) => {
    expect(globToRegExp(glob).test(file)).toBe(expected);
  });

  it('splits the literal base from the pattern', () => {
    expect(splitGlobBase('logs/2025/**/*.gz')).toEqual({ base: 'logs/2025', rest: '**/*.gz' });
    expect(splitGlobBase('*.csv')).toEqual({ base: '.', rest: '*.csv' });
  });
});

describe('expandInputs', () => {
  function tree(): string {
    const root = tempDir();
    for (const dir of ['b', 'a/deep', '.hidden', 'node_modules/x']) mkdirSync(path.join(root, dir), { recursive: true });
    for (const f of ['b/2.jsonl', 'a/1.csv', 'a/deep/3.jsonl.gz', 'a/notes.md', '.hidden/h.jsonl', 'node_modules/x/n.jsonl', 'top.json']) {
      writeFileSync(path.join(root, f), '{}\n');
    }
    return root;
  }

  it('walks directories sorted, skipping dot-dirs, node_modules and non-log files', async () => {
    const root = tree();
    const sources = await expandInputs([root]);
    expect(sources.map((s) => path.relative(root, s.path))).toEqual(['a/1.csv', 'a/deep/3.jsonl.gz', 'b/2.jsonl', 'top.json']);
  });

  it('expands globs, keeps order of arguments, drops duplicates, and accepts -', async () => {
    const root = tree();
    const sources = await expandInputs([`${root}/**/*.jsonl`, '-', `${root}/b/2.jsonl`, `${root}/a/*.{csv,md}`]);
    expect(sources.map((s) => (s.kind === 'stdin' ? '-' : path.relative(root, s.path)))).toEqual([
      'b/2.jsonl',
      '-',
      'a/1.csv',
      'a/notes.md',
    ]);
  });

  it('fails with a hint on a missing file or a pattern matching nothing', async () => {
    const root = tree();
    await expect(expandInputs([`${root}/nope.jsonl`])).rejects.toThrow(UserError);
    await expect(expandInputs([`${root}/nope.jsonl`])).rejects.toThrow(/input not found/);
    await expect(expandInputs([`${root}/**/*.parquet`])).rejects.toThrow(/no files match/);
    const err = await expandInputs([`${root}/*.xyz`]).catch((e: UserError) => e);
    expect((err as UserError).hint).toMatch(/\*\*/);
    expect((err as UserError).exitCode).toBe(2);
  });
});
