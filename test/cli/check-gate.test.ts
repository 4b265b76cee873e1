/**
 * `check --base-ref` attacked the way a pull request can slip a cost rise past it, in real temporary
 * git repositories: a spec's id edited together with its model, a symlinked prompt repointed.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, symlinkSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { chatTok } from '../prompts/helpers.js';
import { committedRepo, edit, git, repo } from './check-repo.js';
import { runCli } from './harness.js';

describe('check --base-ref does not let a cost rise through as a new prompt', () => {
  it('a spec whose id: is edited in place is the same prompt: a model switch beside it still fails maxIncreasePct', async () => {
    const dir = await repo();
    // the base gates on maxIncreasePct alone (maxIncreaseUsd would count a new prompt's whole cost)
    edit(dir, 'tokenomics.yaml', 'budgets: {maxIncreasePct: 10, maxIncreaseUsd: 5}', 'budgets: {maxIncreasePct: 10}');
    git(dir, 'commit', '-q', '-am', 'percent only');
    edit(dir, 'prompts/bot.yaml', 'id: bot', 'id: boots-bot');
    edit(dir, 'prompts/bot.yaml', 'model: claude-sonnet-4-5', 'model: claude-opus-4-1');
    const r = await runCli(['check', '--base-ref', 'HEAD', '--format', 'json'], { cwd: dir });
    // before the fix: "boots-bot" was a new prompt (maxIncreasePct has no "before" for it) and "bot" removed: exit 0
    expect(r.code, r.stderr).toBe(1);
    const doc = JSON.parse(r.stdout);
    expect(doc.prompts.map((p: { id: string; status: string }) => [p.id, p.status])).toEqual([
      ['boots-bot', 'fail'],
      ['classify', 'unchanged'],
    ]);
    const p = doc.prompts[0];
    expect(p.changes).toEqual(['renamed from bot (prompts/bot.yaml)', 'model claude-sonnet-4-5 → claude-opus-4-1']);
    // the same tokens (same text, same tokenizer), no caching (< 1,024 tokens): sonnet $3/$15 per MTok,
    // opus-4-1 $15/$75 per MTok, so (15·in + 75·out) / (3·in + 15·out) = 5: +400.0% per call
    expect(p.violations.map((v: { rule: string; actual: string }) => [v.rule, v.actual])).toContainEqual([
      'maxIncreasePct',
      '+400.0% per call',
    ]);
  });

  it("against a saved baseline too: the baseline's file of the prompt matches the id edited in it", async () => {
    const dir = await repo();
    edit(dir, 'tokenomics.yaml', 'budgets: {maxIncreasePct: 10, maxIncreaseUsd: 5}', 'budgets: {maxIncreasePct: 10}');
    edit(dir, 'prompts/bot.yaml', 'id: bot', 'id: boots-bot');
    edit(dir, 'prompts/bot.yaml', 'model: claude-sonnet-4-5', 'model: claude-opus-4-1');
    const r = await runCli(['check', '--format', 'json'], { cwd: dir });
    // before the fix: "boots-bot: not in the baseline baseline.json: counted as a new prompt", exit 0
    expect(r.code, r.stderr).toBe(1);
    const doc = JSON.parse(r.stdout);
    expect(doc.prompts.map((p: { id: string; status: string }) => [p.id, p.status])).toEqual([
      ['boots-bot', 'fail'],
      ['classify', 'unchanged'],
    ]);
    expect(doc.prompts[0].changes).toEqual(['renamed from bot (prompts/bot.yaml)', 'model claude-sonnet-4-5 → claude-opus-4-1']);
    // as above: opus-4-1 is 5x sonnet-4-5 per token, the same tokens: +400.0% per call
    expect(doc.violations.map((v: { rule: string; actual: string }) => [v.rule, v.actual])).toEqual([
      ['maxIncreasePct', '+400.0% per call'],
    ]);
  });

  it('a symlinked prompt repointed at a longer file is read at the base through the base link: a change, not "unchanged"', async () => {
    const dir = await repo();
    const short = 'Reply with the order status.\n';
    const long = `${'Reply with the order status, the carrier, the tracking number and the expected delivery date. '.repeat(4)}\n`;
    writeFileSync(join(dir, 'prompts', 'short.md'), short);
    writeFileSync(join(dir, 'prompts', 'long.md'), long);
    symlinkSync('short.md', join(dir, 'prompts', 'status.md'));
    git(dir, 'add', '-A');
    git(dir, 'commit', '-q', '-m', 'status prompt');
    unlinkSync(join(dir, 'prompts', 'status.md'));
    symlinkSync('long.md', join(dir, 'prompts', 'status.md'));
    const args = ['prompts/status.md', '--model', 'gpt-4o-mini', '--calls-per-day', '1000', '--output-tokens', '10'];
    const r = await runCli(['check', ...args, '--base-ref', 'HEAD', '--max-increase-pct', '10', '--format', 'json'], { cwd: dir });
    // before the fix: the path was resolved through the working tree's link (to long.md) and long.md read at HEAD too:
    // "unchanged", exit 0
    expect(r.code, r.stderr).toBe(1);
    const p = JSON.parse(r.stdout).prompts[0];
    const before = chatTok([{ role: 'user', content: short }]);
    const after = chatTok([{ role: 'user', content: long }]);
    expect(p.changes).toEqual([`input ${before} → ${after} tokens`]);
    // gpt-4o-mini: $0.15 per MTok in, $0.60 out, 10 output tokens, no caching (< 1,024 tokens)
    expect(p.baseline.costPerCallUsd).toBeCloseTo((before * 0.15 + 10 * 0.6) / 1e6, 15);
    expect(p.current.costPerCallUsd).toBeCloseTo((after * 0.15 + 10 * 0.6) / 1e6, 15);
    expect(p.violations.map((v: { rule: string }) => v.rule)).toEqual(['maxIncreasePct']);
    // the link replaced by a regular file with its target's text: the same prompt (before the fix, the base's
    // link text "short.md" was priced as the prompt)
    unlinkSync(join(dir, 'prompts', 'status.md'));
    writeFileSync(join(dir, 'prompts', 'status.md'), short);
    const copied = await runCli(['check', ...args, '--base-ref', 'HEAD', '--format', 'json'], { cwd: dir });
    expect(copied.code, copied.stderr).toBe(0);
    expect(JSON.parse(copied.stdout).prompts[0]).toMatchObject({ status: 'unchanged', changes: [] });
    // a link that leads nowhere at the base is a prompt absent there (new), not link text priced as a prompt
    unlinkSync(join(dir, 'prompts', 'status.md'));
    symlinkSync('gone.md', join(dir, 'prompts', 'status.md'));
    git(dir, 'commit', '-q', '-am', 'dangling');
    unlinkSync(join(dir, 'prompts', 'status.md'));
    symlinkSync('short.md', join(dir, 'prompts', 'status.md'));
    const fixed = await runCli(['check', ...args, '--base-ref', 'HEAD', '--format', 'json'], { cwd: dir });
    expect(fixed.code, fixed.stderr).toBe(0);
    expect(JSON.parse(fixed.stdout).prompts[0]).toMatchObject({ status: 'new', changes: ['new prompt'] });
  });

  it('an empty check.prompts at the base is no prompt before: the pull request adding the first prompts is gated, not exit 2', async () => {
    const dir = committedRepo('tk-gate-', { 'tokenomics.yaml': 'check:\n  budgets: {maxIncreaseUsd: 1}\n  prompts: []\n' }, 'empty list');
    const text = 'Summarize the ticket in one line.\n';
    writeFileSync(join(dir, 'prompts', 'a.md'), text);
    writeFileSync(
      join(dir, 'tokenomics.yaml'),
      'check:\n  budgets: {maxIncreaseUsd: 1}\n  prompts:\n    - file: prompts/a.md\n      model: gpt-4o\n      traffic: {callsPerDay: 10}\n      expectedOutputTokens: 500\n',
    );
    const r = await runCli(['check', '--base-ref', 'HEAD', '--format', 'json'], { cwd: dir });
    // before the fix: "HEAD:tokenomics.yaml: check.prompts is empty at HEAD", exit 2
    expect(r.code, r.stderr).toBe(1);
    const p = JSON.parse(r.stdout).prompts[0];
    expect(p).toMatchObject({ id: 'a', status: 'fail', changes: ['new prompt'] });
    // gpt-4o: $2.50 per MTok in, $10 out; 500 output tokens; 10 calls/day x 30 = 300 calls/month, no caching
    const t = chatTok([{ role: 'user', content: text }]);
    const monthly = ((t * 2.5 + 500 * 10) / 1e6) * 300; // at least 500 x 10 / 1e6 x 300 = $1.50: over the $1 limit
    expect(p.delta.monthlyUsd).toBeCloseTo(monthly, 12);
    expect(p.violations.map((v: { rule: string }) => v.rule)).toEqual(['maxIncreaseUsd']);
  });

  it('a --config outside the repository is read as it is on both sides, not exit 2 as a file "outside the git repository"', async () => {
    const dir = await repo();
    const shared = mkdtempSync(join(tmpdir(), 'tk-shared-'));
    writeFileSync(join(shared, 'tokenomics.yaml'), 'check:\n  budgets: {maxIncreasePct: 10}\n');
    edit(dir, 'prompts/bot.yaml', 'model: claude-sonnet-4-5', 'model: claude-opus-4-1');
    const args = ['--config', join(shared, 'tokenomics.yaml'), 'check', 'prompts/bot.yaml', '--calls-per-day', '1000'];
    const r = await runCli([...args, '--base-ref', 'HEAD', '--format', 'json'], { cwd: dir });
    // before the fix: "--base-ref HEAD: /tmp/.../tokenomics.yaml is outside the git repository", exit 2
    expect(r.code, r.stderr).toBe(1);
    const doc = JSON.parse(r.stdout);
    expect(doc.warnings[0]).toMatch(/tokenomics\.yaml is outside the git repository: "before" uses it as it is now/);
    // the same tokens, no caching: opus-4-1 ($15/$75 per MTok) is 5x sonnet-4-5 ($3/$15): +400.0% per call
    expect(doc.prompts[0].changes).toEqual(['model claude-sonnet-4-5 → claude-opus-4-1']);
    expect(doc.violations.map((v: { rule: string; actual: string }) => [v.rule, v.actual])).toEqual([
      ['maxIncreasePct', '+400.0% per call'],
    ]);
  });
});

describe('check --base-ref: a prompt renamed and rewritten past git rename detection is still the same prompt', () => {
  const SUPPORT = [
    'You are a support assistant for an outdoor shop.',
    'Answer questions about boots, tents and jackets.',
    'Keep answers under three sentences.',
    '',
  ].join('\n');
  const MORE = [
    'When a customer asks about sizing, ask for their usual shoe size and foot width before recommending a model.',
    'When a customer asks about returns, explain the 60 day return window and that items must be unused.',
    'When a customer asks about shipping, say that orders over fifty dollars ship free within the country.',
    'Always greet the customer by name when the name is known, and thank them for shopping with us.',
    '',
  ].join('\n');
  const args = ['check', 'prompts', '--model', 'gpt-4o-mini', '--calls-per-day', '1000', '--output-tokens', '10'];

  async function mdRepo(): Promise<string> {
    return committedRepo('tk-rename-edit-', { 'prompts/support.md': SUPPORT });
  }

  it('renamed and grown fourfold: matched by the text it keeps, and maxIncreasePct fails it', async () => {
    const dir = await mdRepo();
    unlinkSync(join(dir, 'prompts', 'support.md'));
    writeFileSync(join(dir, 'prompts', 'helpdesk.md'), SUPPORT + MORE);
    git(dir, 'add', '-A');
    // git itself sees a deletion and an addition: the new file is well under its 50% rename similarity
    expect(git(dir, 'diff', '--cached', '-M', '--name-status', 'HEAD')).toBe('A\tprompts/helpdesk.md\nD\tprompts/support.md\n');
    const r = await runCli([...args, '--max-increase-pct', '10', '--base-ref', 'HEAD', '--format', 'json', '--no-config'], { cwd: dir });
    // before the fix: helpdesk a new prompt (no percentage of nothing) and support removed: exit 0
    expect(r.code, r.stderr).toBe(1);
    const doc = JSON.parse(r.stdout);
    expect(doc.prompts.map((p: { id: string; status: string }) => [p.id, p.status])).toEqual([['helpdesk', 'fail']]);
    const t0 = chatTok([{ role: 'system', content: SUPPORT.trim() }]);
    const t1 = chatTok([{ role: 'system', content: (SUPPORT + MORE).trim() }]);
    const p = doc.prompts[0];
    expect(p.changes).toEqual(['renamed from support (prompts/support.md)', `input ${t0} → ${t1} tokens`]);
    // gpt-4o-mini, $0.15/MTok input, $0.60/MTok output, 10 output tokens (under 1,024 tokens: nothing cached)
    expect(p.baseline.costPerCallUsd).toBeCloseTo((t0 * 0.15 + 10 * 0.6) / 1e6, 15);
    expect(p.current.costPerCallUsd).toBeCloseTo((t1 * 0.15 + 10 * 0.6) / 1e6, 15);
    expect(p.violations.map((v: { rule: string }) => v.rule)).toEqual(['maxIncreasePct']);
  });

  it('an unrelated prompt added beside a removed one is new, not a rename', async () => {
    const dir = await mdRepo();
    unlinkSync(join(dir, 'prompts', 'support.md'));
    writeFileSync(join(dir, 'prompts', 'helpdesk.md'), MORE);
    const r = await runCli([...args, '--max-increase-pct', '10', '--base-ref', 'HEAD', '--format', 'json', '--no-config'], { cwd: dir });
    expect(r.code, r.stderr).toBe(0);
    const doc = JSON.parse(r.stdout);
    expect(doc.prompts.map((p: { id: string; status: string }) => [p.id, p.status])).toEqual([
      ['helpdesk', 'new'],
      ['support', 'removed'],
    ]);
  });
});

describe('check --base-ref reads prompt files in a submodule at the commit the base records for it', () => {
  const SHARED =
    'id: shared\nmodel: gpt-4o-mini\nexpectedOutputTokens: 10\nsystem: "You sort tickets by urgency: low, normal, high. Reply with one word."\n';
  const sub = (dir: string, ...args: string[]) => git(dir, '-c', 'protocol.file.allow=always', ...args);

  async function superproject(): Promise<{ dir: string; lib: string; src: string }> {
    const src = mkdtempSync(join(tmpdir(), 'tk-sub-src-'));
    mkdirSync(join(src, 'prompts'));
    writeFileSync(join(src, 'prompts', 'shared.yaml'), SHARED);
    git(src, 'init', '-q');
    git(src, 'add', '-A');
    git(src, 'commit', '-q', '-m', 'shared prompt');
    const dir = mkdtempSync(join(tmpdir(), 'tk-sub-super-'));
    git(dir, 'init', '-q');
    sub(dir, 'submodule', 'add', '-q', src, 'lib');
    writeFileSync(
      join(dir, 'tokenomics.yaml'),
      'check:\n  budgets: {maxIncreasePct: 10}\n  prompts:\n    - file: lib/prompts/shared.yaml\n      traffic: {callsPerDay: 1000}\n',
    );
    git(dir, 'add', '-A');
    git(dir, 'commit', '-q', '-m', 'base');
    return { dir, lib: join(dir, 'lib'), src };
  }

  it('a model switch in a submodule prompt fails (it was a "new prompt" by path, and exit 2 from the config)', async () => {
    const { dir, lib } = await superproject();
    expect((await runCli(['check', '--base-ref', 'HEAD'], { cwd: dir })).code).toBe(0);
    edit(dir, 'lib/prompts/shared.yaml', 'model: gpt-4o-mini', 'model: gpt-4o');
    git(lib, 'commit', '-q', '-am', 'shared on gpt-4o');
    const t = chatTok([{ role: 'system', content: 'You sort tickets by urgency: low, normal, high. Reply with one word.' }]);
    // gpt-4o-mini (t x $0.15 + 10 x $0.60 per MTok) -> gpt-4o (t x $2.50 + 10 x $10 per MTok)
    const before = (t * 0.15 + 10 * 0.6) / 1e6;
    const after = (t * 2.5 + 10 * 10) / 1e6;
    for (const args of [
      ['check', '--base-ref', 'HEAD', '--format', 'json'],
      ['check', 'lib/prompts/shared.yaml', '--base-ref', 'HEAD', '--format', 'json'],
      ['check', 'lib', '--base-ref', 'HEAD', '--format', 'json'],
    ]) {
      const r = await runCli(args, { cwd: dir });
      expect(r.code, `${args.join(' ')}: ${r.stderr}`).toBe(1);
      const p = JSON.parse(r.stdout).prompts;
      expect(p.map((x: { id: string; status: string }) => [x.id, x.status])).toEqual([['shared', 'fail']]);
      expect(p[0].changes).toEqual(['model gpt-4o-mini → gpt-4o']);
      expect(p[0].baseline.costPerCallUsd).toBeCloseTo(before, 15);
      expect(p[0].current.costPerCallUsd).toBeCloseTo(after, 15);
    }
  });

  it('a submodule commit the clone does not have is exit 2 naming it, never a new prompt', async () => {
    const { dir, src } = await superproject();
    // the base records a submodule commit made after the clone was taken (a shallow submodule checkout in CI)
    edit(src, 'prompts/shared.yaml', 'Reply with one word.', 'Reply with one word, in lower case.');
    git(src, 'commit', '-q', '-am', 'later');
    const later = git(src, 'rev-parse', 'HEAD').trim();
    git(dir, 'update-index', '--cacheinfo', `160000,${later},lib`);
    git(dir, 'commit', '-q', '-m', 'base records the later commit');
    for (const args of [
      ['check', '--base-ref', 'HEAD'],
      ['check', 'lib/prompts/shared.yaml', '--base-ref', 'HEAD'],
    ]) {
      const r = await runCli(args, { cwd: dir });
      expect(r.code, r.stdout).toBe(2);
      expect(r.stderr).toContain(
        `--base-ref HEAD: the submodule lib is at commit ${later.slice(0, 12)} at HEAD, which its clone does not have`,
      );
      expect(r.stderr).toContain('submodules: true');
    }
  });
});

describe('check --base-ref: tokenomics.yaml moved in the change', () => {
  it('is read at its old path at the base (git reports the rename): a model switch beside the move fails', async () => {
    const dir = await repo();
    mkdirSync(join(dir, 'config'));
    git(dir, 'mv', 'tokenomics.yaml', 'config/tokenomics.yaml');
    edit(dir, 'config/tokenomics.yaml', /file: prompts\//g, 'file: ../prompts/');
    edit(dir, 'config/tokenomics.yaml', 'model: gpt-4o-mini', 'model: gpt-4o');
    const r = await runCli(['--config', 'config/tokenomics.yaml', 'check', '--base-ref', 'HEAD', '--format', 'json'], { cwd: dir });
    // before the fix: no config at HEAD:config/tokenomics.yaml, so both prompts were new and maxIncreasePct passed (exit 0)
    expect(r.code, r.stderr).toBe(1);
    const doc = JSON.parse(r.stdout);
    expect(doc.prompts.map((p: { id: string; status: string; changes: string[] }) => [p.id, p.status, p.changes])).toEqual([
      ['bot', 'unchanged', []],
      ['classify', 'fail', ['model gpt-4o-mini → gpt-4o']],
    ]);
    expect(r.stderr).toContain('config/tokenomics.yaml was tokenomics.yaml at HEAD');
  });

  it("moved and rewritten past git's rename threshold: the config deleted since is the base's, a model switch fails", async () => {
    const dir = await repo();
    mkdirSync(join(dir, 'config'));
    git(dir, 'rm', '-q', 'tokenomics.yaml');
    // the same prompts, written out anew: key order, comments and flow style all changed (git sees no rename)
    writeFileSync(
      join(dir, 'config', 'tokenomics.yaml'),
      [
        '# Prompt cost gate for the support tools.',
        '# Budgets are reviewed by the platform team every quarter; ask #llm-costs before changing them.',
        'check:',
        '  prompts:',
        '    # the classifier runs on every incoming message',
        '    - expectedOutputTokens: 20',
        '      traffic:',
        '        callsPerDay: 1000',
        '      model: gpt-4o',
        '      file: ../prompts/classify.yaml',
        '    # the shop assistant',
        '    - traffic:',
        '        callsPerDay: 1000',
        '      file: ../prompts/bot.yaml',
        '  baseline: ../baseline.json',
        '  budgets:',
        '    maxIncreaseUsd: 5',
        '    maxIncreasePct: 10',
        '',
      ].join('\n'),
    );
    git(dir, 'add', '-A');
    expect(git(dir, 'diff', '--cached', '-M', '--name-status')).not.toMatch(/^R/m);
    const r = await runCli(['--config', 'config/tokenomics.yaml', 'check', '--base-ref', 'HEAD', '--format', 'json'], { cwd: dir });
    // before the fix: "config/tokenomics.yaml does not exist at HEAD", both prompts new, maxIncreasePct passed (exit 0)
    expect(r.code, r.stderr).toBe(1);
    const doc = JSON.parse(r.stdout);
    expect(doc.prompts.map((p: { id: string; status: string; changes: string[] }) => [p.id, p.status, p.changes])).toEqual([
      ['bot', 'unchanged', []],
      ['classify', 'fail', ['model gpt-4o-mini → gpt-4o']],
    ]);
    expect(r.stderr).toContain(
      'config/tokenomics.yaml does not exist at HEAD, and git sees no rename: "before" reads tokenomics.yaml, the config deleted since',
    );
  });
});

describe('check --base-ref: a base revision whose prompt set cannot be built', () => {
  it("is exit 2, and the error says it is the base revision's file (the working tree's is fine)", async () => {
    const dir = await repo();
    edit(dir, 'prompts/bot.yaml', 'system: |', 'sytem: |');
    git(dir, 'commit', '-q', '-am', 'broken spec');
    edit(dir, 'prompts/bot.yaml', 'sytem: |', 'system: |');
    const r = await runCli(['check', '--base-ref', 'HEAD'], { cwd: dir });
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    // before: 'error: invalid prompt spec:' then prompts/bot.yaml:4, a line the working tree does not have
    expect(r.stderr).toContain('error: at HEAD: invalid prompt spec:');
    expect(r.stderr).toContain('prompts/bot.yaml:4: sytem: unknown key');
  });
});

describe('check --base-ref: a model switched through modelAliases', () => {
  it('fails, and the change names what the unchanged alias resolved to on each side', async () => {
    const dir = await repo();
    edit(dir, 'tokenomics.yaml', 'model: gpt-4o-mini', 'model: fast');
    writeFileSync(
      join(dir, 'tokenomics.yaml'),
      `${readFileSync(join(dir, 'tokenomics.yaml'), 'utf8')}modelAliases:\n  fast: gpt-4o-mini\n`,
    );
    git(dir, 'commit', '-q', '-am', 'alias');
    edit(dir, 'tokenomics.yaml', 'fast: gpt-4o-mini', 'fast: gpt-4o');
    const r = await runCli(['check', '--base-ref', 'HEAD', '--format', 'json'], { cwd: dir });
    expect(r.code, r.stderr).toBe(1);
    const c = JSON.parse(r.stdout).prompts.find((p: { id: string }) => p.id === 'classify');
    // before: 'model fast → fast'
    expect(c.changes).toEqual(['model fast (gpt-4o-mini) → fast (gpt-4o)']);
  });
});

describe('check: a prompt file that is a Git LFS pointer', () => {
  // the pointer a checkout without LFS content leaves (git-lfs docs/spec.md), for a 9,000-byte prompt
  const POINTER = `version https://git-lfs.github.com/spec/v1\noid sha256:${'4d7a'.repeat(16)}\nsize 9000\n`;
  const args = ['check', 'prompts', '--model', 'gpt-4o-mini', '--calls-per-day', '1000', '--max-increase-pct', '10', '--no-config'];

  it('is exit 2 on either side, never priced as a 40-token prompt', async () => {
    const dir = committedRepo('tk-lfs-', { 'prompts/support.md': POINTER }, 'lfs');
    // actions/checkout with lfs: false: a pointer on both sides; before, 'unchanged' and exit 0 whatever the prompt became
    const both = await runCli([...args, '--base-ref', 'HEAD'], { cwd: dir });
    expect(both.code).toBe(2);
    expect(both.stderr).toContain('prompts/support.md: a Git LFS pointer, not the prompt: its content was not fetched');
    expect(both.stderr).toContain('lfs: true');
    // the content fetched in the working tree: the revision's blob is still the pointer. Without git-lfs it cannot
    // be read there, and the message says what to install and fetch (it said the content "was not fetched")
    writeFileSync(join(dir, 'prompts', 'support.md'), 'You are a support assistant for an outdoor shop.\n');
    let hasLfs = true;
    try {
      execFileSync('git', ['lfs', 'version'], { stdio: 'ignore' });
    } catch {
      hasLfs = false;
    }
    if (!hasLfs) {
      const base = await runCli([...args, '--base-ref', 'HEAD'], { cwd: dir });
      expect(base.code).toBe(2);
      expect(base.stderr).toContain(
        'error: --base-ref HEAD: prompts/support.md is a Git LFS pointer at HEAD, and git-lfs is not installed: its content cannot be read there',
      );
      expect(base.stderr).toContain('install Git LFS (https://git-lfs.com), then: git lfs fetch origin');
    }
  });

  it('at a revision, is read through git lfs smudge: the prompt it stores is compared', async () => {
    const dir = committedRepo('tk-lfs-', { 'prompts/support.md': POINTER }, 'lfs');
    // a stand-in for git-lfs on PATH (`git lfs X` runs git-lfs X): smudge prints the stored object its pointer names
    const bin = mkdtempSync(join(tmpdir(), 'tk-lfs-bin-'));
    const store = mkdtempSync(join(tmpdir(), 'tk-lfs-store-'));
    writeFileSync(
      join(bin, 'git-lfs'),
      '#!/bin/sh\n[ "$1" = smudge ] || exit 1\noid=$(sed -n "s/^oid sha256://p")\nif [ -f "$TK_LFS_STORE/$oid" ]; then cat "$TK_LFS_STORE/$oid"; else echo "version https://git-lfs.github.com/spec/v1"; echo "oid sha256:$oid"; echo "size 9000"; fi\n',
      { mode: 0o755 },
    );
    const saved = { PATH: process.env.PATH, TK_LFS_STORE: process.env.TK_LFS_STORE };
    process.env.PATH = `${bin}:${process.env.PATH}`;
    process.env.TK_LFS_STORE = store;
    try {
      // the object not in the store: smudge copies the pointer through, which is no prompt either
      writeFileSync(join(dir, 'prompts', 'support.md'), 'Answer briefly.\n');
      const missing = await runCli([...args, '--base-ref', 'HEAD'], { cwd: dir });
      expect(missing.code).toBe(2);
      expect(missing.stderr).toContain('prompts/support.md is a Git LFS pointer at HEAD: git lfs smudge gave the pointer back');
      // the object in the store: the base's prompt is its content, and a prompt grown from 2 words to 12 fails +10% (below)
      writeFileSync(join(store, '4d7a'.repeat(16)), 'Answer briefly.\n');
      const same = await runCli([...args, '--base-ref', 'HEAD', '--format', 'json'], { cwd: dir });
      expect(same.code, same.stderr).toBe(0);
      expect(JSON.parse(same.stdout).prompts[0].status).toBe('unchanged');
      writeFileSync(join(dir, 'prompts', 'support.md'), "Answer briefly, in the customer's language, and never promise a refund.\n");
      // 1 output token, so the input is most of the cost: (input x $0.15 + 1 x $0.60) per MTok, gpt-4o-mini
      const grown = await runCli([...args, '--output-tokens', '1', '--base-ref', 'HEAD', '--format', 'json'], { cwd: dir });
      // before the fix: exit 2, "at HEAD: prompts/support.md: a Git LFS pointer, not the prompt"
      expect(grown.code, grown.stderr).toBe(1);
      const p = JSON.parse(grown.stdout).prompts[0];
      expect(p.changes[0]).toMatch(/^input \d+ → \d+ tokens$/);
      expect(p.violations.map((v: { rule: string }) => v.rule)).toEqual(['maxIncreasePct']);
    } finally {
      process.env.PATH = saved.PATH;
      if (saved.TK_LFS_STORE === undefined) delete process.env.TK_LFS_STORE;
      else process.env.TK_LFS_STORE = saved.TK_LFS_STORE;
    }
  });
});
