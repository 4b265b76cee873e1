/**
 * countTokensParallel. Under vitest the sources are TypeScript, so the worker
 * script (compiled worker.js) is absent and counting stays on the main
 * thread; the real worker pool is exercised by compiling src/tokenize alone
 * with tsc into a temporary directory and importing the compiled module.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { countTokens, countTokensParallel, encode } from '../../src/tokenize/index.js';
import { workerScriptAvailable } from '../../src/tokenize/parallel.js';
import { prose } from './helpers.js';

const ROOT = resolve(import.meta.dirname, '../..');

describe('countTokensParallel from sources (main-thread fallback)', () => {
  it('falls back and still counts exactly', async () => {
    expect(workerScriptAvailable()).toBe(false);
    const texts = [prose(3000, 1), '', 'hello world'];
    const counts = await countTokensParallel(texts, 'o200k_base', { threads: 2, minBytes: 0 });
    expect(counts).toEqual(texts.map((t) => countTokens(t, 'o200k_base')));
  });
});

describe('countTokensParallel with real workers (compiled copy)', () => {
  let dir = '';
  let mod: typeof import('../../src/tokenize/index.js');
  let par: typeof import('../../src/tokenize/parallel.js');

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'tokenize-pool-'));
    const files = readdirSync(join(ROOT, 'src/tokenize')).filter((f) => f.endsWith('.ts'));
    const tsc = join(ROOT, 'node_modules/typescript/bin/tsc');
    // into <dir>/tokenize/, as in dist/: parallel.ts names its worker by a path from that folder
    const out = join(dir, 'tokenize');
    execFileSync(process.execPath, [
      tsc,
      '--outDir',
      out,
      '--rootDir',
      join(ROOT, 'src/tokenize'),
      '--module',
      'NodeNext',
      '--moduleResolution',
      'NodeNext',
      '--target',
      'ES2022',
      '--strict',
      '--types',
      'node',
      '--skipLibCheck',
      ...files.map((f) => join(ROOT, 'src/tokenize', f)),
    ]);
    writeFileSync(join(dir, 'package.json'), '{"type":"module"}');
    symlinkSync(join(ROOT, 'node_modules'), join(dir, 'node_modules'), 'dir');
    mod = await import(pathToFileURL(join(out, 'index.js')).href);
    par = await import(pathToFileURL(join(out, 'parallel.js')).href);
  }, 180_000);

  afterAll(async () => {
    if (par) await par.closeTokenPool();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('uses the worker script and gives the single-threaded counts', async () => {
    expect(par.workerScriptAvailable()).toBe(true);
    const big = prose(600_000, 21);
    const texts = [big, prose(50_000, 22), '', 'short one', prose(300_000, 23)];
    const expected = texts.map((t) => countTokens(t, 'cl100k_base'));
    const counts = await mod.countTokensParallel(texts, 'cl100k_base', { threads: 2, minBytes: 0, chunkChars: 40_000 });
    expect(counts).toEqual(expected);
    // A second run reuses the (now warm) pool.
    const again = await mod.countTokensParallel(texts, 'cl100k_base', { threads: 3, minBytes: 0, chunkChars: 40_000 });
    expect(again).toEqual(expected);
    expect(await mod.countTokensParallel([], 'cl100k_base', { threads: 2, minBytes: 0 })).toEqual([]);
    expect(await mod.countTokensParallel(['', ''], 'cl100k_base', { threads: 2, minBytes: 0 })).toEqual([0, 0]);
  }, 120_000);

  it('encodeParallel gives the ids of encode(), long texts cut and rejoined', async () => {
    const texts = [prose(500_000, 61), '', 'short one', prose(120_000, 62), 'Москва データ emoji 🙂 mixed'];
    const ids = await mod.encodeParallel(texts, 'o200k_base', { threads: 2, minBytes: 0, chunkChars: 30_000 });
    expect(ids.map((a) => Array.from(a))).toEqual(texts.map((t) => encode(t, 'o200k_base')));
  }, 120_000);

  it('overlapping runs each get their own counts', async () => {
    const x = [prose(400_000, 51), 'x y z'];
    const y = [prose(300_000, 52), prose(200_000, 53)];
    const opts = { threads: 2, minBytes: 0, chunkChars: 50_000 };
    const [a, b] = await Promise.all([mod.countTokensParallel(x, 'o200k_base', opts), mod.countTokensParallel(y, 'o200k_base', opts)]);
    expect(a).toEqual(x.map((t) => countTokens(t, 'o200k_base')));
    expect(b).toEqual(y.map((t) => countTokens(t, 'o200k_base')));
  }, 120_000);

  it('never takes a late reply from an earlier run for one of its own chunks', async () => {
    await par.closeTokenPool();
    // Cold workers: the main thread finishes run 1 itself while the workers
    // load; their late replies arrive during run 2, with other texts.
    const run1 = [prose(200_000, 31), prose(200_000, 32)];
    // Run 2 is long enough (several MB) for the workers to finish loading during it.
    const run2 = ['tiny', ...Array.from({ length: 24 }, (_, i) => prose(250_000, 40 + i)), 'words and more words'];
    const opts = { threads: 3, minBytes: 0, chunkChars: 30_000 };
    const [a, b] = [await mod.countTokensParallel(run1, 'o200k_base', opts), await mod.countTokensParallel(run2, 'o200k_base', opts)];
    expect(a).toEqual(run1.map((t) => countTokens(t, 'o200k_base')));
    expect(b).toEqual(run2.map((t) => countTokens(t, 'o200k_base')));
  }, 120_000);
});
