/** A copy of what the bundled CLI needs (bin, dist/bundle, the catalog and its cache), for tests that change its surroundings. */
import { cpSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const ROOT = join(import.meta.dirname, '..', '..');
export const BUNDLE = join(ROOT, 'dist', 'bundle');

/** A fresh folder holding the bundled CLI, without node_modules (each test lays those out its own way). */
export function copyOfBundledCli(prefix: string): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  for (const part of [
    'bin',
    'package.json',
    join('dist', 'bundle'),
    join('dist', 'pricing', 'catalog-cache.json'),
    join('src', 'pricing', 'catalog'),
  ])
    cpSync(join(ROOT, part), join(dir, part), { recursive: true });
  return dir;
}

/** A one-request OpenAI log in `dir` (10 input and 5 output tokens of gpt-4o-mini). */
export function oneRequestLog(dir: string): string {
  const log = join(dir, 'one.jsonl');
  writeFileSync(
    log,
    `${JSON.stringify({ id: 'chatcmpl-1', object: 'chat.completion', created: 1763000000, model: 'gpt-4o-mini', usage: { prompt_tokens: 10, completion_tokens: 5 } })}\n`,
  );
  return log;
}
