/** Codex CLI logs through the CLI: priced totals by hand, CODEX_HOME as a default input, bad lines with file:line. */
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from './harness.js';

const root = resolve(import.meta.dirname, '../..');
const dir = resolve(root, 'fixtures/logs/codex');
const SESSION = 'rollout-2025-10-01T09-00-00-0199a1b2-0000-7000-8000-00000000000a.jsonl';
const FORK = 'rollout-2025-10-02T14-00-00-0199a1b2-0000-7000-8000-00000000000b.jsonl';
const tmp = (): string => mkdtempSync(join(tmpdir(), 'tokenomics-codex-'));

/**
 * gpt-5 and its alias gpt-5-codex: $1.25 input, $0.125 cache read, $10 output per MTok.
 * Session: gpt-5-codex 6336 uncached + 4864 cached + 550 output = 7920 + 608 + 5500 µ$ = $0.014028
 *          gpt-5 984 + 6016 + 900 = 1230 + 752 + 9000 µ$ = $0.010982
 * Fork's own request: gpt-5 952 + 2048 + 200 = 1190 + 256 + 2000 µ$ = $0.003446
 * Total $0.028456.
 */
describe('report on Codex CLI logs', () => {
  it('prices a session and its fork, counting the replayed history once', async () => {
    const r = await runCli(['report', join(dir, SESSION), join(dir, FORK), '--format', 'json']);
    expect(r.code).toBe(0);
    const j = JSON.parse(r.stdout);
    expect(j.totals.costUsd).toBe(0.028456);
    expect(j.totals.requests).toBe(4);
    expect(j.inputs.files.map((f: { format: string }) => f.format)).toEqual(['codex', 'codex']);
    // 12 + 9 lines; skipped: 6 + 5 metadata, 1 no-usage, 2 duplicate, 3 replayed
    expect(j.inputs).toMatchObject({
      read: 21,
      counted: 4,
      skipped: { 'transcript-metadata': 11, 'no-usage': 1, duplicate: 2, 'replayed-history': 3 },
    });
  });

  it('with no inputs reads $CODEX_HOME/sessions (beside Claude Code logs when there are none)', async () => {
    const home = tmp();
    const codexHome = tmp();
    const day = join(codexHome, 'sessions', '2025', '10', '01');
    mkdirSync(day, { recursive: true });
    copyFileSync(join(dir, SESSION), join(day, SESSION));
    const day2 = join(codexHome, 'sessions', '2025', '10', '02');
    mkdirSync(day2, { recursive: true });
    copyFileSync(join(dir, FORK), join(day2, FORK));
    const r = await runCli(['report', '--format', 'json'], { env: { HOME: home, CODEX_HOME: codexHome } });
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout).totals.costUsd).toBe(0.028456);
    expect(r.stderr).toContain(`reading Codex CLI logs in ${join(codexHome, 'sessions')}`);
    const table = await runCli(['report'], { env: { HOME: home, CODEX_HOME: codexHome } });
    expect(table.stdout).toContain('2 files (codex): Codex CLI logs');
    // by session: the parent $0.02501, the fork $0.003446
    const s = JSON.parse(
      (await runCli(['report', '--by', 'session', '--format', 'json'], { env: { HOME: home, CODEX_HOME: codexHome } })).stdout,
    );
    const bySession = Object.fromEntries(s.groups.map((g: { key: { session: string }; costUsd: number }) => [g.key.session, g.costUsd]));
    expect(bySession).toEqual({ '0199a1b2-0000-7000-8000-00000000000a': 0.02501, '0199a1b2-0000-7000-8000-00000000000b': 0.003446 });
  });

  it('an empty ~/.claude/projects (Claude Code installed, never used) beside Codex logs is passed over, not an error', async () => {
    // before: "no log files found in directory ~/.claude/projects", exit 2, and the Codex logs were never read
    const home = tmp();
    mkdirSync(join(home, '.claude', 'projects'), { recursive: true });
    mkdirSync(join(home, '.config', 'claude', 'projects', '-home-dev-app'), { recursive: true }); // empty too, a folder in it
    const day = join(home, '.codex', 'sessions', '2025', '10', '01');
    mkdirSync(day, { recursive: true });
    copyFileSync(join(dir, SESSION), join(day, SESSION));
    const r = await runCli(['report', '--format', 'json'], { env: { HOME: home } });
    expect(r.code).toBe(0);
    // the session alone: $0.014028 + $0.010982 = $0.02501 (above)
    expect(JSON.parse(r.stdout).totals.costUsd).toBe(0.02501);
    expect(r.stderr).not.toContain('reading Claude Code logs');
    expect(r.stderr).toContain(`reading Codex CLI logs in ${join(home, '.codex', 'sessions')}`);
    // no logs anywhere (empty directories only): the no-inputs error and its hint, not the extension list
    const none = tmp();
    mkdirSync(join(none, '.claude', 'projects'), { recursive: true });
    const e = await runCli(['report'], { env: { HOME: none } });
    expect(e.code).toBe(2);
    expect(e.stderr).toContain('tokenomics: error: no inputs given and no Claude Code or Codex CLI logs found');
    expect(e.stderr).toContain('hint: pass log files or directories, e.g. tokenomics report logs/');
  });

  it('reads ~/.codex/sessions when CODEX_HOME is not set, together with Claude Code logs', async () => {
    const home = tmp();
    const day = join(home, '.codex', 'sessions', '2025', '10', '01');
    mkdirSync(day, { recursive: true });
    copyFileSync(join(dir, SESSION), join(day, SESSION));
    const project = join(home, '.claude', 'projects', '-home-dev-app');
    mkdirSync(project, { recursive: true });
    writeFileSync(join(project, 's.jsonl'), readFileSync(resolve(root, 'fixtures/logs/claude-code/session.jsonl')));
    const both = JSON.parse((await runCli(['report', '--format', 'json'], { env: { HOME: home } })).stdout);
    const claude = JSON.parse(
      (await runCli(['report', resolve(root, 'fixtures/logs/claude-code/session.jsonl'), '--format', 'json'])).stdout,
    );
    expect(both.inputs.files.map((f: { format: string }) => f.format).sort()).toEqual(['claude-code', 'codex']);
    expect((await runCli(['report'], { env: { HOME: home } })).stdout).toContain(': Claude Code and Codex CLI logs');
    // exact sums of two exact amounts: compare in micro-dollars as integers
    expect(Math.round(both.totals.costUsd * 1e6)).toBe(Math.round(claude.totals.costUsd * 1e6) + 25010);
  });

  it('bad lines: file:line and a hint, the rest counted; --strict exits 2', async () => {
    const r = await runCli(['report', join(dir, 'bad.jsonl'), '--format', 'json']);
    expect(r.code).toBe(0);
    const j = JSON.parse(r.stdout);
    expect(j.inputs).toMatchObject({ read: 9, counted: 2, rejected: { 'invalid-type': 2, 'inconsistent-counts': 2, 'invalid-json': 1 } });
    expect(r.stderr).toMatch(/first at \S*bad\.jsonl:7;/);
    expect(j.issues.some((i: { line: number; code: string }) => i.line === 7 && i.code === 'invalid-json')).toBe(true);
    expect(
      j.issues.some(
        (i: { line: number; message: string }) =>
          i.line === 5 && /cached_input_tokens \(2000\) exceeds input_tokens \(1000\)/.test(i.message),
      ),
    ).toBe(true);
    expect((await runCli(['report', join(dir, 'bad.jsonl'), '--strict'])).code).toBe(2);
  });
  it('--by project groups by the working directory of each session (session_meta cwd), not the date folder', async () => {
    const codexHome = tmp();
    const day1 = join(codexHome, 'sessions', '2025', '10', '01');
    mkdirSync(day1, { recursive: true });
    copyFileSync(join(dir, SESSION), join(day1, SESSION)); // cwd /home/dev/app
    // a second session, in another directory, on another day: written here from the documented shape
    const day3 = join(codexHome, 'sessions', '2025', '10', '03');
    mkdirSync(day3, { recursive: true });
    const site = [
      { type: 'session_meta', payload: { id: 'site-1', timestamp: '2025-10-03T08:00:00Z', cwd: '/home/dev/site', cli_version: '0.46.0' } },
      { type: 'turn_context', payload: { cwd: '/home/dev/site', model: 'gpt-5' } },
      {
        type: 'event_msg',
        payload: {
          type: 'token_count',
          info: {
            total_token_usage: { input_tokens: 1000, cached_input_tokens: 0, output_tokens: 100, total_tokens: 1100 },
            last_token_usage: { input_tokens: 1000, cached_input_tokens: 0, output_tokens: 100, total_tokens: 1100 },
          },
        },
      },
    ];
    writeFileSync(
      join(day3, 'rollout-2025-10-03T08-00-00-site.jsonl'),
      site.map((l, i) => JSON.stringify({ timestamp: `2025-10-03T08:00:0${i}Z`, ...l })).join('\n') + '\n',
    );
    const env = { HOME: tmp(), CODEX_HOME: codexHome };
    const r = await runCli(['report', '--by', 'project', '--format', 'json'], { env });
    expect(r.code, r.stderr).toBe(0);
    const byProject = Object.fromEntries(
      JSON.parse(r.stdout).groups.map((g: { key: { project: string }; costUsd: number }) => [g.key.project, g.costUsd]),
    );
    // app: the session alone, $0.02501 (see above); site: gpt-5 1000 x $1.25/M + 100 x $10/M = $0.00125 + $0.001 = $0.00225
    expect(byProject).toEqual({ '/home/dev/app': 0.02501, '/home/dev/site': 0.00225 });
    // the table names the directories too (not "01" and "03", the day folders)
    const table = await runCli(['report', '--by', 'project'], { env });
    expect(table.stdout).toContain('/home/dev/site');
    expect(table.stdout).not.toMatch(/^\s*0[13]\s/m);
  });
});
