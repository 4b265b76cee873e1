/**
 * `check --github` in a real temporary repository: annotations from the repository root with the
 * line of the change, `$GITHUB_OUTPUT` values, the PR comment with its marker, a step summary that
 * cannot be written (a warning; the verdict stays), and untrusted prompt ids that cannot inject
 * workflow commands or markdown.
 */
import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { edit, git, repo } from './check-repo.js';
import { runCli } from './harness.js';

function outputs(file: string): Record<string, string> {
  return Object.fromEntries(
    readFileSync(file, 'utf8')
      .trim()
      .split('\n')
      .map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)]),
  );
}

describe('check --github', () => {
  it('annotates the changed line with a repository-root path, writes $GITHUB_OUTPUT, the summary and the comment', async () => {
    const dir = await repo();
    edit(dir, 'prompts/bot.yaml', 'model: claude-sonnet-4-5', 'model: claude-opus-4-1');
    edit(dir, 'tokenomics.yaml', 'expectedOutputTokens: 20', 'expectedOutputTokens: 40');
    const out = join(dir, 'out.txt');
    const summary = join(dir, 'summary.md');
    // run from a subdirectory: paths are still from the repository root
    const sub = join(dir, 'prompts');
    const r = await runCli(['check', '--github', '--base-ref', 'HEAD', '--comment', '../comment.md'], {
      cwd: sub,
      env: { GITHUB_OUTPUT: out, GITHUB_STEP_SUMMARY: summary },
    });
    expect(r.code, r.stderr).toBe(1);
    // the model is on line 2 of prompts/bot.yaml; expectedOutputTokens of classify on line 10 of tokenomics.yaml
    expect(r.stdout).toMatch(
      /^::error file=prompts\/bot\.yaml,line=2,title=tokenomics maxIncreasePct::bot: maxIncreasePct exceeded: \+400\.0%25 per call/m,
    );
    expect(r.stdout).toMatch(/^::error file=tokenomics\.yaml,line=10,title=tokenomics maxIncreasePct::classify: /m);
    const o = outputs(out);
    expect(o.status).toBe('fail');
    const before = Number(o['cost-before-usd']);
    const after = Number(o['cost-after-usd']);
    expect(Number(o['delta-usd'])).toBeCloseTo(after - before, 12);
    expect(Number(o['monthly-delta-usd'])).toBeCloseTo(Number(o['monthly-after-usd']) - Number(o['monthly-before-usd']), 9);
    // every prompt has 30,000 calls a month here, so the monthly change is 30,000 x the per-call change
    expect(Number(o['monthly-delta-usd'])).toBeCloseTo(30_000 * (after - before), 6);
    expect(Number(o['delta-pct'])).toBeCloseTo((100 * (after - before)) / before, 1);
    const comment = readFileSync(join(dir, 'comment.md'), 'utf8');
    expect(comment.split('\n')[0]).toBe('<!-- tokenomics-check -->');
    expect(readFileSync(summary, 'utf8')).toBe(comment);
  });

  it('an unwritable step summary or output file is a one-line warning; the verdict and exit code stay', async () => {
    const dir = await repo();
    edit(dir, 'prompts/bot.yaml', 'model: claude-sonnet-4-5', 'model: claude-opus-4-1');
    mkdirSync(join(dir, 'a-dir'));
    const r = await runCli(['check', '--github', '--base-ref', 'HEAD'], {
      cwd: dir,
      env: { GITHUB_STEP_SUMMARY: join(dir, 'no', 'such', 'dir', 's.md'), GITHUB_OUTPUT: join(dir, 'a-dir') },
    });
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/^FAIL: /m);
    expect(r.stderr).toMatch(/^warning: cannot write \$GITHUB_STEP_SUMMARY \(ENOENT\); the check result is unaffected$/m);
    expect(r.stderr).toMatch(/^warning: cannot write \$GITHUB_OUTPUT \(EISDIR\)/m);
    expect(r.stderr).not.toMatch(/internal error|\n\s+at /);
    const ok = await runCli(['check', '--github'], { cwd: dir, env: { GITHUB_STEP_SUMMARY: join(dir, 'a-dir') } });
    expect(ok.code).toBe(1);
  });

  it('a prompt id that is a workflow command (::warning::, ##[error]) runs none in the CI log, in any format', async () => {
    const dir = await repo();
    edit(dir, 'prompts/bot.yaml', 'id: bot\n', 'id: "::warning::forged ##[error]legacy"\n');
    git(dir, 'commit', '-qam', 'hostile id');
    edit(dir, 'prompts/bot.yaml', 'model: claude-sonnet-4-5', 'model: claude-opus-4-1');
    for (const format of ['table', 'markdown', 'json', 'csv']) {
      const r = await runCli(['check', '--github', '--base-ref', 'HEAD', '--format', format], { cwd: dir });
      expect(r.code, r.stderr).toBe(1);
      // the runner: a line that starts with :: after its indentation, or holds ##[ anywhere; only our own annotations may
      const lines = (r.stdout + r.stderr).split('\n');
      const commands = lines.filter((l) => l.trimStart().startsWith('::') || l.includes('##['));
      expect(commands.length, format).toBeGreaterThan(0);
      for (const l of commands) expect(l, format).toMatch(/^::(error|warning) [^:]*::/);
      if (format === 'table') expect(r.stdout).toContain('\\x3a:warning::forged \\x23#[error]legacy');
      // the annotations go beside a document for people (table, markdown), and to stderr beside one for programs
      const annotated = (text: string) => text.split('\n').some((l) => l.startsWith('::error '));
      expect(annotated(r.stdout), format).toBe(format === 'table' || format === 'markdown');
      expect(annotated(r.stderr), format).toBe(format === 'json' || format === 'csv');
      // JSON on stdout is the document alone, and reads back the id as it is
      if (format === 'json')
        expect(JSON.parse(r.stdout).prompts.map((p: { id: string }) => p.id)).toContain('::warning::forged ##[error]legacy');
    }
  });

  it('a prompt id with a newline cannot emit a workflow command or break the comment', async () => {
    const dir = await repo();
    edit(dir, 'prompts/bot.yaml', 'id: bot\n', 'id: "bot\\n::error::pwned <img src=x> | x"\n');
    edit(dir, 'prompts/bot.yaml', 'model: claude-sonnet-4-5', 'model: claude-opus-4-1');
    const r = await runCli(['check', '--github', '--base-ref', 'HEAD', '--max-total-monthly-usd', '0', '--comment', 'c.md'], { cwd: dir });
    expect(r.code).toBe(1);
    for (const line of r.stdout.split('\n')) expect(line.startsWith('::error::pwned')).toBe(false);
    expect(r.stdout).toContain('bot%0A::error::pwned');
    const md = readFileSync(join(dir, 'c.md'), 'utf8');
    expect(md).not.toContain('\n::error::pwned');
    expect(md).not.toMatch(/[^\\]<img/);
    expect(md).toContain('bot\\\\n::error::pwned \\<img src=x\\> \\| x');
  });

  it('--comment into a missing directory says so with a hint', async () => {
    const dir = await repo();
    const r = await runCli(['check', '--base-ref', 'HEAD', '--comment', 'no/such/c.md'], { cwd: dir });
    expect(r.code).toBe(2);
    // before: "cannot write --comment no/such/c.md: ENOENT" and no hint
    expect(r.stderr).toContain(
      'tokenomics: error: cannot write --comment no/such/c.md: ENOENT (no such directory)\nhint: check the path, or write the comment elsewhere\n',
    );
  });

  it('a prompt id with an @mention or an issue reference mentions no one in the PR comment or the step summary', async () => {
    const dir = await repo();
    edit(dir, 'prompts/bot.yaml', 'id: bot\n', 'id: "bot @alice #12"\n');
    edit(dir, 'prompts/bot.yaml', 'model: claude-sonnet-4-5', 'model: claude-opus-4-1');
    const summary = join(dir, 'summary.md');
    const r = await runCli(['check', '--github', '--base-ref', 'HEAD', '--comment', 'c.md'], {
      cwd: dir,
      env: { GITHUB_STEP_SUMMARY: summary },
    });
    expect(r.code).toBe(1); // the model change fails the gate: the comment is written all the same
    for (const md of [readFileSync(join(dir, 'c.md'), 'utf8'), readFileSync(summary, 'utf8')]) {
      // a zero-width space (&#8203;) after the @ and the #: the same text, no mention, no issue reference
      expect(md).toContain('bot @&#8203;alice \\#&#8203;12');
      expect(md).not.toMatch(/@alice|#12/);
    }
  });

  it('a prompt id with a bidi override or an invisible character is shown as escapes in its annotation, as on every other line', async () => {
    const dir = await repo();
    // YAML's \u202e and \u200b: a right-to-left override (raw, it reversed the rest of the annotation line
    // on a terminal and in the CI log) and a zero-width space
    edit(dir, 'prompts/bot.yaml', 'id: bot\n', 'id: "bot\\u202etxt.exe\\u200b"\n');
    edit(dir, 'prompts/bot.yaml', 'model: claude-sonnet-4-5', 'model: claude-opus-4-1');
    const r = await runCli(['check', '--github', '--base-ref', 'HEAD', '--max-total-monthly-usd', '0'], { cwd: dir });
    expect(r.code).toBe(1);
    const annotations = r.stdout.split('\n').filter((l) => l.startsWith('::error '));
    expect(annotations.length).toBeGreaterThan(0);
    for (const l of annotations) expect(l).not.toMatch(/[\u202e\u200b]/);
    expect(r.stdout).toContain('::bot\\u202etxt.exe\\u200b: ');
  });
});
