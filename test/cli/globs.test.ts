/**
 * A glob pattern the shell did not expand (quoted, as in a CI step's YAML) is expanded by the tool: estimate,
 * tokens and check took `'prompts/**\/*.md'` as a file name and exited 2 ("no such prompt file").
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { edit, git, repo } from './check-repo.js';
import { runCli } from './harness.js';

function tree(): string {
  const dir = mkdtempSync(join(tmpdir(), 'tk-glob-'));
  for (const d of ['prompts/sub', 'prompts/.drafts', 'prompts/node_modules/x']) mkdirSync(join(dir, d), { recursive: true });
  writeFileSync(join(dir, 'prompts', 'a.md'), 'Summarize the ticket.');
  writeFileSync(join(dir, 'prompts', 'sub', 'b.md'), 'Classify the ticket.');
  writeFileSync(join(dir, 'prompts', 'sub', 'c.txt'), 'Reply.');
  writeFileSync(join(dir, 'prompts', '.drafts', 'd.md'), 'hidden');
  writeFileSync(join(dir, 'prompts', 'node_modules', 'x', 'e.md'), 'a dependency');
  return dir;
}

describe('quoted glob patterns are expanded by the tool', () => {
  it('estimate: ** walks directories, * one name; hidden names and node_modules are skipped', async () => {
    const dir = tree();
    const files = async (pattern: string) => {
      const r = await runCli(['estimate', pattern, '--model', 'gpt-4o-mini', '--format', 'json'], { cwd: dir });
      expect(r.code, r.stderr).toBe(0);
      return JSON.parse(r.stdout).prompts.map((p: { file: string }) => p.file);
    };
    // before the fix: exit 2, "no such prompt file or directory: prompts/**/*.md"
    expect(await files('prompts/**/*.md')).toEqual(['prompts/a.md', 'prompts/sub/b.md']);
    expect(await files('prompts/*.md')).toEqual(['prompts/a.md']);
    expect(await files('prompts/sub/?.{md,txt}')).toEqual(['prompts/sub/b.md', 'prompts/sub/c.txt']);
    const none = await runCli(['estimate', 'prompts/*.yaml', '--model', 'gpt-4o-mini'], { cwd: dir });
    expect(none.code).toBe(2);
    expect(none.stderr).toContain('no file matches prompts/*.yaml');
  });

  it('tokens: the files a pattern matches, each counted', async () => {
    const dir = tree();
    const r = await runCli(['tokens', 'prompts/**/*.{md,txt}', '--format', 'json'], { cwd: dir });
    expect(r.code, r.stderr).toBe(0);
    const doc = JSON.parse(r.stdout);
    expect(doc.files.map((f: { file: string }) => f.file)).toEqual(['prompts/a.md', 'prompts/sub/b.md', 'prompts/sub/c.txt']);
    // each file counted on its own (before the fix: exit 2, "prompts/**/*.{md,txt}: no such file"); the total is their sum
    expect(doc.totalTokens).toBe(doc.files.reduce((s: number, f: { tokens: number }) => s + f.tokens, 0));
  });

  it('check --base-ref: the pattern is matched at the revision too, so a file removed since counts', async () => {
    const dir = await repo();
    edit(dir, 'prompts/bot.yaml', 'model: claude-sonnet-4-5', 'model: claude-opus-4-1');
    git(dir, 'rm', '-q', 'prompts/classify.yaml');
    const r = await runCli(['check', 'prompts/*.yaml', '--base-ref', 'HEAD', '--format', 'json'], { cwd: dir });
    // bot: Opus 4.1 is 5x Sonnet 4.5 on every bucket: +400% per call, over the config's maxIncreasePct 10
    expect(r.code, r.stderr).toBe(1);
    const doc = JSON.parse(r.stdout);
    expect(doc.prompts.map((p: { id: string; status: string }) => [p.id, p.status])).toEqual([
      ['bot', 'fail'],
      ['classify', 'removed'],
    ]);
    rmSync(dir, { recursive: true, force: true });
  });
});
