import { describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { UserError } from '../../../src/core/issues.js';
import { globToRegExp, splitGlobBase } from '../../../src/ingest/glob.js';
import { expandInputs } from '../../../src/ingest/inputs.js';
import { run, tempDir } from './helpers.js';

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

  /**
   * A directory below the one given that cannot be listed. Tests run as root in CI, where mode 000 does
   * not stop a read: a path longer than the system's limit (4,096 bytes) cannot be listed by anyone
   * (ENAMETOOLONG). It is made by a shell stepping into each level, the way no single path call can.
   */
  function treeWithUnlistable(): { root: string; remove: () => void } {
    const root = tempDir();
    writeFileSync(path.join(root, 'a.jsonl'), `${JSON.stringify(OPENAI_LINE)}\n`);
    const name = 'd'.repeat(250);
    // 17 levels of 251 bytes: the deepest directory's path passes 4,096 bytes
    const made = spawnSync('bash', [
      '-c',
      `cd "$1" && for i in $(seq 17); do mkdir "$2" && cd "$2"; done && echo '{}' > x.jsonl`,
      '-',
      root,
      name,
    ]);
    expect(made.status, made.stderr.toString()).toBe(0);
    return { root, remove: () => spawnSync('rm', ['-rf', root]) };
  }

  it('reads the other files when a directory below the one given cannot be listed, and says so', async () => {
    const { root, remove } = treeWithUnlistable();
    try {
      const unlisted: Array<[string, string]> = [];
      const sources = await expandInputs([root], { onUnlisted: (dir, code) => unlisted.push([dir, code]) });
      expect(sources.map((s) => s.path)).toEqual([path.join(root, 'a.jsonl')]);
      expect(unlisted).toHaveLength(1);
      expect(unlisted[0][1]).toBe('ENAMETOOLONG');
      // through ingest: an input error (as an unreadable file), the readable file counted
      const result = await run([root]);
      expect(result.counts).toMatchObject({ read: 1, counted: 1 });
      expect(result.issues.filter((i) => i.code === 'read-error')).toEqual([
        expect.objectContaining({
          severity: 'error',
          file: unlisted[0][0],
          message: 'cannot list directory: ENAMETOOLONG; its files are not read',
        }),
      ]);
      // --strict: exit 2
      await expect(run([root], {}, { strict: true })).rejects.toThrow(/cannot list directory/);
      // nothing readable at all: the error names what could not be listed
      const only = path.join(root, 'd'.repeat(250));
      const err = (await expandInputs([only]).catch((e: unknown) => e)) as UserError;
      expect(err).toBeInstanceOf(UserError);
      expect(err.message).toMatch(/1 directory below it could not be listed \(.*ENAMETOOLONG\)/);
    } finally {
      remove();
    }
  });
});

const OPENAI_LINE = {
  id: 'c1',
  object: 'chat.completion',
  created: 1_763_000_000,
  model: 'gpt-4o-mini',
  usage: { prompt_tokens: 10, completion_tokens: 5 },
};

describe('Bedrock batch output names', () => {
  it('a directory walk reads *.jsonl.out (Bedrock batch inference output), not manifest.json.out', async () => {
    // https://docs.aws.amazon.com/bedrock/latest/userguide/batch-inference-results.html: one <input>.jsonl.out per
    // input file, and a manifest.json.out summary
    const dir = tempDir();
    writeFileSync(path.join(dir, 'calls.jsonl.out'), '{}\n');
    writeFileSync(path.join(dir, 'manifest.json.out'), '{}\n');
    const files = await expandInputs([dir]);
    expect(files.map((f) => path.basename(f.path))).toEqual(['calls.jsonl.out']);
  });
});
