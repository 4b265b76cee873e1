/** `-` read from a terminal: the log commands say they wait for typed lines (as tokens does), not a blank screen. */
import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { main } from '../../src/cli/main.js';

/** The CLI in-process with a standard input that is a terminal (closed at once: Ctrl-D). */
async function runOnTerminal(args: string[]): Promise<{ code: number; stderr: string }> {
  let stderr = '';
  const stdin = Object.assign(Readable.from(['']), { isTTY: true });
  const code = await main(['node', 'tokenomics', ...args], {
    stdout: { write: () => true, isTTY: false },
    stderr: { write: (s: string) => (stderr += s), isTTY: false },
    stdin,
    env: { NO_COLOR: '1', TZ: 'UTC' },
    cwd: process.cwd(),
    now: () => Date.parse('2026-11-23T00:00:00Z'),
  });
  return { code, stderr };
}

const NOTICE = 'reading logs from standard input (end with Ctrl-D; or pass files)\n';

describe('- from a terminal', () => {
  it('report and simulate say they read standard input (before: nothing until Ctrl-D)', async () => {
    const report = await runOnTerminal(['report', '-']);
    expect(report.code).toBe(0);
    expect(report.stderr.startsWith(NOTICE)).toBe(true);
    const simulate = await runOnTerminal(['simulate', '-', '-s', 'fixtures/scenarios/demo.yaml']);
    expect(simulate.stderr.startsWith(NOTICE)).toBe(true);
    // -q: no notice
    expect((await runOnTerminal(['report', '-', '-q'])).stderr).toBe('');
  });

  it('not said when standard input is a pipe or a file', async () => {
    let stderr = '';
    await main(['node', 'tokenomics', 'report', '-'], {
      stdout: { write: () => true, isTTY: false },
      stderr: { write: (s: string) => (stderr += s), isTTY: false },
      stdin: Readable.from(['']),
      env: { NO_COLOR: '1', TZ: 'UTC' },
      cwd: process.cwd(),
      now: () => Date.parse('2026-11-23T00:00:00Z'),
    });
    expect(stderr).not.toContain('reading logs from standard input');
  });
});
