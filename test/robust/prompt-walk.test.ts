/**
 * A directory of prompts with links in it (estimate DIR): a link back up (`sub/up -> ..`) was
 * followed forever, until ELOOP stopped the command with "cannot stat DIR/sub/up/sub/up/...: ELOOP";
 * a link to nothing stopped it with a bare "cannot stat ...: ENOENT" and no hint. A linked
 * directory is now entered once; a link to nothing named like a prompt is an error naming the link,
 * one named otherwise is no prompt and is passed over.
 */
import { mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../cli/harness.js';
import { expectNoStackTrace, tempDir } from './helpers.js';

describe('estimate DIR with links in it', () => {
  it('enters a linked directory once and passes over a dangling link not named like a prompt', async () => {
    const dir = tempDir('tk-prompt-walk-');
    mkdirSync(join(dir, 'sub'));
    writeFileSync(join(dir, 'a.md'), 'Summarize the ticket.\n');
    symlinkSync('..', join(dir, 'sub', 'up'));
    symlinkSync('/nonexistent/folder', join(dir, 'gone'));
    const r = await runCli(['estimate', dir, '-m', 'gpt-4o-mini', '--format', 'json']);
    expectNoStackTrace(r.stderr);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    // the one prompt, once (not again as sub/up/a.md)
    const prompts = (JSON.parse(r.stdout) as { prompts: Array<{ file: string }> }).prompts;
    expect(prompts.map((p) => p.file)).toEqual([join(dir, 'a.md')]);
  });

  it('names a link to nothing, or to itself, that is named like a prompt', async () => {
    const dir = tempDir('tk-prompt-walk-');
    writeFileSync(join(dir, 'a.md'), 'Summarize the ticket.\n');
    symlinkSync('/nonexistent/x.md', join(dir, 'b.md'));
    const dangling = await runCli(['estimate', dir, '-m', 'gpt-4o-mini']);
    expectNoStackTrace(dangling.stderr);
    expect(dangling.code).toBe(2);
    expect(dangling.stderr).toMatch(/prompt file .*b\.md is a symbolic link to nothing \(\/nonexistent\/x\.md\)\nhint: remove the link/);
    const other = tempDir('tk-prompt-walk-');
    symlinkSync('c.md', join(other, 'c.md'));
    const loop = await runCli(['estimate', other, '-m', 'gpt-4o-mini']);
    expect(loop.code).toBe(2);
    expect(loop.stderr).toMatch(
      /prompt file .*c\.md: ELOOP \(a symbolic link loop\): the link points, through other links, back to itself/,
    );
  });
});
