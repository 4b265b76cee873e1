/**
 * `prices`, `tokens` and `--help` never load the SQL engine: @duckdb/node-api (a CommonJS package
 * with a native addon) shows up in the require cache once loaded. This file runs in its own worker
 * process (vitest isolates test files), so the cache starts without it; `report` last, which must
 * load it (the check can fail).
 */
import { createRequire } from 'node:module';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../cli/harness.js';

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
    const file = join(mkdtempSync(join(tmpdir(), 'tokenomics-lazy-')), 'one.jsonl');
    writeFileSync(
      file,
      `${JSON.stringify({ id: 'chatcmpl-1', object: 'chat.completion', created: 1763000000, model: 'gpt-4o-mini', usage: { prompt_tokens: 10, completion_tokens: 5 } })}\n`,
    );
    const r = await runCli(['report', file, '--format', 'json']);
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout).totals.requests).toBe(1);
    expect(engineLoaded()).toBe(true);
  }, 60_000);
});
