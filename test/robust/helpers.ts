/** Shared by the robustness tests: temp dirs, generated hostile inputs, and the "no stack trace" check. */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { existsSync } from 'node:fs';
import { spawnSync, type SpawnSyncOptions } from 'node:child_process';
import { expect } from 'vitest';

export const ROOT = resolve(import.meta.dirname, '..', '..');
export const FIXTURES = join(ROOT, 'fixtures');
export const DEMO = join(FIXTURES, 'demo');

export function tempDir(prefix = 'tk-robust-'): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

/** A V8 stack frame line ("    at fn (file:1:2)"). */
const STACK_FRAME = /^\s+at .+(:\d+:\d+\)?|\(native\)|<anonymous>\)?)$/m;

export function expectNoStackTrace(stderr: string): void {
  expect(stderr).not.toMatch(STACK_FRAME);
  expect(stderr).not.toMatch(/internal error/);
}

/**
 * A "billion laughs" document: each level holds 9 aliases of the one below, so building the value
 * expands 9^levels nodes while the text stays a few hundred bytes.
 */
export function aliasBomb(levels = 9): string {
  const lines = ['a0: &a0 [x, x, x, x, x, x, x, x, x]'];
  for (let i = 1; i <= levels; i++)
    lines.push(
      `a${i}: &a${i} [${Array(9)
        .fill(`*a${i - 1}`)
        .join(', ')}]`,
    );
  return lines.join('\n') + '\n';
}

/** Deterministic pseudo-random bytes (xorshift32), so a failure reproduces. */
export function prng(seed: number): () => number {
  let s = seed >>> 0 || 1;
  return () => {
    s ^= s << 13;
    s >>>= 0;
    s ^= s >>> 17;
    s ^= s << 5;
    s >>>= 0;
    return s / 0x100000000;
  };
}

export function binaryBytes(n: number, seed = 7): Buffer {
  const rnd = prng(seed);
  const buf = Buffer.alloc(n);
  for (let i = 0; i < n; i++) buf[i] = 1 + Math.floor(rnd() * 255);
  buf[16] = 0; // an ELF-like header always has NULs early
  return buf;
}

/** The compiled CLI, for what only a real process shows (stdout on a full device, a closed stdin). */
export const BIN = join(ROOT, 'bin', 'tokenomics.js');
export const BUILT = existsSync(join(ROOT, 'dist', 'cli', 'main.js'));

export function runBin(args: string[], options: SpawnSyncOptions = {}): { code: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [BIN, ...args], {
    encoding: 'utf8',
    timeout: 60_000,
    env: { ...process.env, NO_COLOR: '1', TOKENOMICS_DEBUG: '' },
    ...options,
  });
  return { code: r.status, stdout: String(r.stdout ?? ''), stderr: String(r.stderr ?? '') };
}
