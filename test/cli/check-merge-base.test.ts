/**
 * `check --base-ref REF` compares with the merge-base of REF and HEAD (where a pull request's diff
 * starts), not with REF's tip: changes that landed on main after the branch point are not the
 * branch's. Real repositories with diverged branches, built at test time; a shallow clone whose
 * history stops before the merge-base is exit 2 with a hint, never a pass.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { chatTok } from '../prompts/helpers.js';
import { edit, git, repo, SYSTEM } from './check-repo.js';
import { runCli } from './harness.js';

// biome-ignore lint/suspicious/noExplicitAny: rows of parsed JSON, read field by field in assertions
const row = (doc: { prompts: { id: string }[] }, id: string) => doc.prompts.find((p) => p.id === id) as Record<string, any>;

const LONGER = `${SYSTEM} If a message fits two labels, reply with the one listed first. Never explain the label.`;

/**
 * main: base -> "classify on gpt-4o" (after the branch point). feature (from base): classify's prompt made longer,
 * still on gpt-4o-mini. HEAD is feature, checked out as a branch.
 */
async function diverged(): Promise<string> {
  const dir = await repo();
  git(dir, 'branch', '-M', 'main');
  git(dir, 'checkout', '-q', '-b', 'feature');
  edit(dir, 'prompts/classify.yaml', SYSTEM, LONGER);
  git(dir, 'commit', '-q', '-am', 'feature: a longer classify prompt');
  git(dir, 'checkout', '-q', 'main');
  edit(dir, 'tokenomics.yaml', 'model: gpt-4o-mini', 'model: gpt-4o');
  git(dir, 'commit', '-q', '-am', 'main: classify on gpt-4o');
  git(dir, 'checkout', '-q', 'feature');
  return dir;
}

describe('check --base-ref compares with the merge-base', () => {
  it("main's later model switch neither masks the branch's increase nor counts as the branch's", async () => {
    const dir = await diverged();
    const t0 = chatTok([{ role: 'system', content: SYSTEM }]);
    const t1 = chatTok([{ role: 'system', content: LONGER }]);
    // the merge-base (base): classify on gpt-4o-mini, t0 tokens; now: gpt-4o-mini, t1 tokens, 20 output tokens both
    // before = (t0 x 0.15 + 20 x 0.60) / 1e6, after = (t1 x 0.15 + 20 x 0.60) / 1e6 (< 1,024 tokens: no caching)
    const before = (t0 * 0.15 + 20 * 0.6) / 1e6;
    const after = (t1 * 0.15 + 20 * 0.6) / 1e6;
    expect((after - before) / before).toBeGreaterThan(0.1);
    const r = await runCli(['check', '--base-ref', 'main', '--format', 'json'], { cwd: dir });
    expect(r.code, r.stderr).toBe(1);
    const doc = JSON.parse(r.stdout);
    const c = row(doc, 'classify');
    expect(c.changes).toEqual([`input ${t0} → ${t1} tokens`]);
    expect(c.baseline.costPerCallUsd).toBeCloseTo(before, 12);
    expect(c.current.costPerCallUsd).toBeCloseTo(after, 12);
    expect(c.violations.map((v: { rule: string }) => v.rule)).toContain('maxIncreasePct');
    const mb = git(dir, 'merge-base', 'main', 'HEAD').trim();
    expect(r.stdout).toContain(`git main (merge-base ${mb.slice(0, 12)})`);

    // against main's tip the branch "switches classify back" from gpt-4o ($2.50/$10 per MTok) to gpt-4o-mini: a saving, exit 0
    const tip = await runCli(['check', '--base-ref', 'main', '--no-merge-base', '--format', 'json'], { cwd: dir });
    expect(tip.code, tip.stderr).toBe(0);
    expect(row(JSON.parse(tip.stdout), 'classify').changes[0]).toBe('model gpt-4o → gpt-4o-mini');
  });

  it("a saving that landed on main after the branch point is not the branch's increase", async () => {
    const dir = await repo();
    git(dir, 'branch', '-M', 'main');
    git(dir, 'checkout', '-q', '-b', 'feature');
    edit(dir, 'tokenomics.yaml', 'check:\n', '# reviewed\ncheck:\n');
    git(dir, 'commit', '-q', '-am', 'feature: a comment');
    git(dir, 'checkout', '-q', 'main');
    edit(dir, 'prompts/bot.yaml', 'expectedOutputTokens: 300', 'expectedOutputTokens: 100');
    git(dir, 'commit', '-q', '-am', 'main: shorter bot answers');
    // detached HEAD at the branch's tip, as CI checks out a commit
    git(dir, 'checkout', '-q', '--detach', 'feature');
    const r = await runCli(['check', '--base-ref', 'main', '--format', 'json'], { cwd: dir });
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout).prompts.map((p: { status: string }) => p.status)).toEqual(['unchanged', 'unchanged']);
    // against the tip: output 100 -> 300 at $15/MTok = +$0.003 per call, a rise over maxIncreasePct: 10
    const tip = await runCli(['check', '--base-ref', 'main', '--no-merge-base', '--format', 'json'], { cwd: dir });
    expect(tip.code, tip.stderr).toBe(1);
    expect(row(JSON.parse(tip.stdout), 'bot').changes).toEqual(['output 100 → 300']);
    // a base given by commit id or tag resolves the same way; the tag at the branch point is its own merge-base
    const sha = git(dir, 'rev-parse', 'main').trim();
    expect((await runCli(['check', '--base-ref', sha], { cwd: dir })).code).toBe(0);
    git(dir, 'tag', 'v1', 'main~1');
    const tag = await runCli(['check', '--base-ref', 'v1', '--format', 'json'], { cwd: dir });
    expect(tag.code, tag.stderr).toBe(0);
    expect(tag.stdout).not.toContain('merge-base');
  });

  it('a shallow clone without the merge-base is exit 2 with a hint (never a pass); --no-merge-base compares with the tip', async () => {
    const dir = await diverged();
    const clone = join(mkdtempSync(join(tmpdir(), 'tk-shallow-')), 'c');
    // actions/checkout's default: one commit of the checked-out ref, no other branch
    execFileSync('git', ['clone', '-q', '--depth', '1', '--branch', 'feature', `file://${dir}`, clone], { stdio: 'pipe' });
    const missing = await runCli(['check', '--base-ref', 'origin/main'], { cwd: clone });
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('--base-ref origin/main: not a commit');
    // the base's tip fetched alone (git fetch origin main): still no common history
    git(clone, 'fetch', '-q', '--depth', '1', 'origin', 'main:refs/remotes/origin/main');
    const r = await runCli(['check', '--base-ref', 'origin/main'], { cwd: clone });
    expect(r.code, r.stdout).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toContain('--base-ref origin/main: no merge-base of origin/main and HEAD in this shallow clone');
    expect(r.stderr).toContain('fetch-depth: 0');
    const tip = await runCli(['check', '--base-ref', 'origin/main', '--no-merge-base'], { cwd: clone });
    expect(tip.code, tip.stderr).toBe(0);
    // the history fetched: the merge-base is found and the branch's longer prompt fails
    git(clone, 'fetch', '-q', '--unshallow', 'origin', 'main:refs/remotes/origin/main');
    expect((await runCli(['check', '--base-ref', 'origin/main'], { cwd: clone })).code).toBe(1);
  });

  it("a shallow clone of a pull request's merge commit compares with the base's tip, its parent", async () => {
    const dir = await diverged();
    // what GitHub makes for a pull request, refs/pull/N/merge: the branch merged into the base's tip
    git(dir, 'checkout', '-q', 'main');
    git(dir, 'merge', '-q', '--no-edit', 'feature');
    git(dir, 'update-ref', 'refs/pull/1/merge', 'HEAD');
    git(dir, 'reset', '-q', '--hard', 'HEAD^1');
    const clone = join(mkdtempSync(join(tmpdir(), 'tk-shallow-merge-')), 'c');
    git(tmpdir(), 'init', '-q', clone);
    git(clone, 'fetch', '-q', '--depth', '1', `file://${dir}`, '+refs/pull/1/merge:refs/remotes/pull/1/merge');
    git(clone, 'checkout', '-q', '--detach', 'refs/remotes/pull/1/merge');
    git(clone, 'fetch', '-q', '--depth', '1', `file://${dir}`, 'main:refs/remotes/origin/main');
    expect(git(clone, 'rev-parse', '--is-shallow-repository').trim()).toBe('true');
    const r = await runCli(['check', '--base-ref', 'origin/main', '--format', 'json'], { cwd: clone });
    // before: no merge-base in the shallow clone, exit 2. main's tip is the merge's first parent: the base itself.
    // classify: gpt-4o on both sides (main's switch), the branch's longer prompt on it: a rise, exit 1
    expect(r.code, r.stderr).toBe(1);
    const c = row(JSON.parse(r.stdout), 'classify');
    expect(c.changes).toEqual([
      `input ${chatTok([{ role: 'system', content: SYSTEM }])} → ${chatTok([{ role: 'system', content: LONGER }])} tokens`,
    ]);
    expect(r.stdout).not.toContain('merge-base');
  });

  it('unrelated histories are exit 2; --no-merge-base without --base-ref is a usage error', async () => {
    const dir = await repo();
    const main = git(dir, 'rev-parse', '--abbrev-ref', 'HEAD').trim();
    git(dir, 'checkout', '-q', '--orphan', 'other');
    git(dir, 'commit', '-q', '-m', 'unrelated');
    git(dir, 'checkout', '-q', main);
    const u = await runCli(['check', '--base-ref', 'other'], { cwd: dir });
    expect(u.code).toBe(2);
    expect(u.stderr).toContain('--base-ref other: other and HEAD have no common ancestor (unrelated histories)');
    expect(u.stderr).toContain('--no-merge-base');
    const flag = await runCli(['check', '--no-merge-base'], { cwd: dir });
    expect(flag.code).toBe(2);
    expect(flag.stderr).toContain('--no-merge-base applies to --base-ref');
  });
});
