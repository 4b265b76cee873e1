/**
 * `prices`, `tokens` and `--help` never load the SQL engine: @duckdb/node-api (a CommonJS package
 * with a native addon) shows up in the require cache once loaded. This file runs in its own worker
 * process (vitest isolates test files), so the cache starts without it; `report` last, which must
 * load it (the check can fail).
 */
import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { runCli } from '../cli/harness.js';

const oneLine = () => {
  const file = join(mkdtempSync(join(tmpdir(), 'tokenomics-lazy-')), 'one.jsonl');
  writeFileSync(
    file,
    `${JSON.stringify({ id: 'chatcmpl-1', object: 'chat.completion', created: 1763000000, model: 'gpt-4o-mini', usage: { prompt_tokens: 10, completion_tokens: 5 } })}\n`,
  );
  return file;
};

const engineLoaded = () => Object.keys(createRequire(import.meta.url).cache).some((k) => k.includes('@duckdb'));

describe('the engine is loaded only by commands that report on logs', () => {
  it('not loaded when the test starts', () => expect(engineLoaded()).toBe(false));

  it.each([[['prices', 'gpt-4o-mini']], [['tokens', 'README.md', '--model', 'gpt-4o']], [['--help']], [['report', '--help']]])(
    '%j does not load it',
    async (args) => {
      const r = await runCli(args);
      expect(r.code, r.stderr).toBe(0);
      expect(engineLoaded()).toBe(false);
    },
  );

  it('report loads it', async () => {
    const r = await runCli(['report', oneLine(), '--format', 'json']);
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout).totals.requests).toBe(1);
    expect(engineLoaded()).toBe(true);
  }, 60_000);
});

/** The bundled CLI that bin/tokenomics.js runs (scripts/bundle.mjs, built by `npm run build`). */
const BUNDLE = join(import.meta.dirname, '..', '..', 'dist', 'bundle', 'main.js');

/** Runs the bundle's main() on `args` in a fresh process: its exit code, and whether DuckDB's bindings were loaded. */
function bundled(args: string[]): { code: number; loaded: boolean } {
  const script = `
    import { createRequire } from 'node:module';
    const { main } = await import(${JSON.stringify(pathToFileURL(BUNDLE).href)});
    const code = await main(['node', 'tokenomics', ...${JSON.stringify(args)}]);
    const loaded = Object.keys(createRequire(import.meta.url).cache).some((k) => k.includes('@duckdb'));
    process.stderr.write(JSON.stringify({ code, loaded }) + '\\n');`;
  const r = spawnSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8', timeout: 60_000 });
  const last = r.stderr.trim().split('\n').pop() ?? '';
  return JSON.parse(last) as { code: number; loaded: boolean };
}

describe.skipIf(!existsSync(BUNDLE))('the bundled CLI loads the engine only for report too', () => {
  it.each([[['prices', 'gpt-4o-mini']], [['--help']], [['--version']]])('%j does not load it', (args) => {
    expect(bundled(args)).toEqual({ code: 0, loaded: false });
  });

  it('report loads it', () => {
    expect(bundled(['report', oneLine(), '--format', 'json', '-q'])).toEqual({ code: 0, loaded: true });
  }, 60_000);
});
