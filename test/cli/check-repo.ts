/** A temporary git repository for the `check` tests: tokenomics.yaml, two prompt specs, a saved baseline, one commit. */
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'vitest';
import { runCli } from './harness.js';

export const SYSTEM = 'You sort customer messages into one of: order, refund, shipping, product, other. Reply with the label only.';
export const CONFIG = `check:
  baseline: baseline.json
  budgets: {maxIncreasePct: 10, maxIncreaseUsd: 5}
  prompts:
    - file: prompts/bot.yaml
      traffic: {callsPerDay: 1000}
    - file: prompts/classify.yaml
      model: gpt-4o-mini
      traffic: {callsPerDay: 1000}
      expectedOutputTokens: 20
`;
export const BOT = `id: bot
model: claude-sonnet-4-5
expectedOutputTokens: 300
system: |
  You answer questions about hiking boots for an outdoor shop. Be brief and friendly.
  Only answer from the product pages you are given.
template: "Question: {{q}}"
variables: {q: "Do the Ridge GTX boots run small?"}
`;
export const CLASSIFY = `id: classify\nsystem: "${SYSTEM}"\n`;

export function git(dir: string, ...args: string[]): string {
  return execFileSync('git', ['-c', 'user.name=t', '-c', 'user.email=t@example.com', '-c', 'commit.gpgsign=false', ...args], {
    cwd: dir,
    stdio: 'pipe',
    encoding: 'utf8',
  });
}

/** A new repository holding `files` (path -> text; a prompts/ folder always) in one commit named `message`. */
export function committedRepo(prefix: string, files: Record<string, string>, message = 'base'): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  mkdirSync(join(dir, 'prompts'));
  for (const [path, text] of Object.entries(files)) writeFileSync(join(dir, path), text);
  git(dir, 'init', '-q');
  git(dir, 'add', '-A');
  git(dir, 'commit', '-q', '-m', message);
  return dir;
}

/** A repository with one commit (config + two prompts) and a baseline saved from it. */
export async function repo(): Promise<string> {
  const dir = mkdtempSync(join(tmpdir(), 'tk-rev-'));
  mkdirSync(join(dir, 'prompts'));
  writeFileSync(join(dir, 'tokenomics.yaml'), CONFIG);
  writeFileSync(join(dir, 'prompts', 'bot.yaml'), BOT);
  writeFileSync(join(dir, 'prompts', 'classify.yaml'), CLASSIFY);
  const saved = await runCli(['check', '--update-baseline'], { cwd: dir });
  expect(saved.code, saved.stderr).toBe(0);
  git(dir, 'init', '-q');
  git(dir, 'add', '-A');
  git(dir, 'commit', '-q', '-m', 'base');
  return dir;
}

export const edit = (dir: string, file: string, from: string | RegExp, to: string) => {
  const path = join(dir, file);
  const before = readFileSync(path, 'utf8');
  const after = before.replace(from, to);
  expect(after, `${file}: ${String(from)} not found`).not.toBe(before);
  writeFileSync(path, after);
};
