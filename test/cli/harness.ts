import { Readable } from 'node:stream';
import { main } from '../../src/cli/main.js';

export interface RunResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Run the CLI in-process with a pinned environment (no colour, fixed clock, not a TTY). */
export async function runCli(
  args: string[],
  opts: { cwd?: string; stdin?: string; env?: Record<string, string>; now?: string } = {},
): Promise<RunResult> {
  let stdout = '';
  let stderr = '';
  const code = await main(['node', 'tokenomics', ...args], {
    stdout: { write: (s: string) => (stdout += s), isTTY: false },
    stderr: { write: (s: string) => (stderr += s), isTTY: false },
    stdin: Readable.from([opts.stdin ?? '']),
    env: { NO_COLOR: '1', TZ: 'UTC', ...(opts.env ?? {}) },
    cwd: opts.cwd ?? process.cwd(),
    now: () => Date.parse(opts.now ?? '2026-11-23T00:00:00Z'),
  });
  return { code, stdout, stderr };
}
