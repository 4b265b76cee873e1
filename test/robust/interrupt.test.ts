/**
 * An interrupted run (Ctrl-C, kill, a closed terminal) leaves no temporary directory or file behind
 * (bin/tokenomics.js removes them: no `finally` runs on a signal), and ends as killed by the signal.
 * The run is kept going by a standard input that never ends.
 */
import { spawn } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { BIN, BUILT, tempDir } from './helpers.js';

const LINE = `${JSON.stringify({ id: 'c1', object: 'chat.completion', created: 1763000000, model: 'gpt-4o-mini', usage: { prompt_tokens: 10, completion_tokens: 5 } })}\n`;

/** Starts `args` with TMPDIR `tmp` and stdin held open, waits for its DuckDB temporary directory, sends `signal`. */
async function interrupt(args: string[], tmp: string, cwd: string, signal: NodeJS.Signals) {
  const child = spawn(process.execPath, [BIN, ...args], { cwd, env: { ...process.env, TMPDIR: tmp }, stdio: ['pipe', 'ignore', 'pipe'] });
  child.stdin.write(LINE);
  const ended = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.on('exit', (code, sig) => resolve({ code, signal: sig })),
  );
  const deadline = Date.now() + 20_000;
  while (!readdirSync(tmp).some((n) => n.startsWith('tokenomics-duckdb-')) && Date.now() < deadline)
    await new Promise((r) => setTimeout(r, 20));
  expect(readdirSync(tmp).filter((n) => n.startsWith('tokenomics-duckdb-'))).toHaveLength(1);
  // the first line read: the run waits on stdin
  await new Promise((r) => setTimeout(r, 300));
  child.kill(signal);
  const end = await ended;
  child.stdin.destroy();
  return end;
}

describe.skipIf(!BUILT)('an interrupted run', () => {
  it('report: SIGINT removes the DuckDB temporary directory and ends as killed by SIGINT', async () => {
    const tmp = tempDir();
    const end = await interrupt(['report', '-', '-o', 'out.json'], tmp, tmp, 'SIGINT');
    expect(end).toEqual({ code: null, signal: 'SIGINT' });
    expect(readdirSync(tmp)).toEqual([]);
  }, 30_000);

  it('export: SIGTERM removes the DuckDB temporary directory, no output file', async () => {
    const tmp = tempDir();
    const out = tempDir();
    const end = await interrupt(['export', join(out, 'rows.parquet'), '-'], tmp, out, 'SIGTERM');
    expect(end).toEqual({ code: null, signal: 'SIGTERM' });
    expect(readdirSync(tmp)).toEqual([]);
    expect(readdirSync(out)).toEqual([]);
  }, 30_000);
});
