import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { formatUsd } from '../../src/pricing/money.js';
import { tok } from '../prompts/helpers.js';
import { runCli } from './harness.js';

const FIXTURE = new URL('../../fixtures/check/', import.meta.url).pathname;

function copyFixture(): string {
  const dir = mkdtempSync(join(tmpdir(), 'tk-check-'));
  cpSync(FIXTURE, dir, { recursive: true });
  return dir;
}

/** About 2,000 tokens of extra instructions, added to the static system prompt of support-bot. */
function addInstructions(dir: string): { before: string; after: string } {
  const file = join(dir, 'prompts', 'support-bot.yaml');
  const before = readFileSync(file, 'utf8');
  const extra = Array.from(
    { length: 45 },
    (_, i) =>
      `  Policy ${i + 1}: when a customer asks about item category ${i + 1}, check the product page for category ${i + 1}, confirm the size chart, the warranty terms and the care card, and answer only from those pages without guessing.\n`,
  ).join('');
  const after = before.replace('  # Output format\n', `  # Additional policies\n${extra}\n  # Output format\n`);
  writeFileSync(file, after);
  return { before, after };
}

const systemOf = (yaml: string) => {
  const lines = yaml.split('\n');
  const start = lines.indexOf('system: |') + 1;
  const end = lines.findIndex((l, i) => i > start && /^\S/.test(l));
  return (
    lines
      .slice(start, end)
      .map((l) => l.replace(/^ {2}/, ''))
      .join('\n') + '\n'
  );
};

describe('tokenomics check on fixtures/check', () => {
  it('passes as shipped (exit 0), and the output is byte-identical run to run', async () => {
    const a = await runCli(['check'], { cwd: FIXTURE });
    expect(a.code).toBe(0);
    expect(a.stdout.split('\n')[0]).toBe('PASS: 2 prompts within budget ($2,848.96/month; change $0.00/month)');
    const j1 = await runCli(['check', '--format', 'json'], { cwd: FIXTURE });
    const j2 = await runCli(['check', '--format', 'json'], { cwd: FIXTURE, now: '2027-01-01T00:00:00Z' });
    expect(j1.stdout).toBe(j2.stdout);
    const doc = JSON.parse(j1.stdout);
    expect(doc).toMatchObject({ schemaVersion: 1, command: 'check', verdict: 'pass' });
    expect(doc.prompts.map((p: { id: string; status: string }) => [p.id, p.status])).toEqual([
      ['classify-intent', 'unchanged'],
      ['support-bot', 'unchanged'],
    ]);
  });

  it('fails (exit 1) when ~2,000 tokens of instructions are added, naming the prompt, the rule and the dollars per month', async () => {
    const dir = copyFixture();
    const { before, after } = addInstructions(dir);
    const added = tok(systemOf(after)) - tok(systemOf(before));
    expect(added).toBeGreaterThan(1900);
    expect(added).toBeLessThan(2100);
    const r = await runCli(['check', '--wide'], { cwd: dir });
    expect(r.code).toBe(1);
    // Sonnet 4.5, all added tokens are in the cached prefix: 80% read at $0.30 + 20% written at $3.75
    // = $0.99/MTok; x 600,000 calls/month = $0.594 per added token per month
    const impact = formatUsd(BigInt(added) * 594_000_000_000_000n);
    expect(r.stdout).toContain(`support-bot: maxIncreaseUsd exceeded: +${impact}/month (limit +$250.00/month)`);
    expect(r.stdout).toContain(`impact +${impact}/month`);
    expect(r.stdout.split('\n')[0]).toMatch(/^FAIL: 2 budget violations: support-bot \(maxIncreasePct, maxIncreaseUsd\)/);
  });

  it('markdown is a PR comment from the markdown formatter: marker, one-line verdict, the tables, issues and assumptions collapsed', async () => {
    const dir = copyFixture();
    addInstructions(dir);
    const r = await runCli(['check', '--format', 'markdown'], { cwd: dir });
    expect(r.code).toBe(1);
    const lines = r.stdout.split('\n');
    expect(lines[0]).toBe('<!-- tokenomics-check -->');
    expect(lines[1]).toMatch(/^## FAIL: 2 budget violations: support-bot/);
    expect(lines[3]).toBe('### Prompts');
    expect(lines[5]).toMatch(/^\| Prompt \| Change \| Model \|/);
    expect(r.stdout).toContain('### Budget violations');
    // each violation with the file it is in, then the assumptions, collapsed
    expect(r.stdout).toMatch(
      /<details><summary>Details<\/summary>\n\n\*\*Issues\*\*\n\n- error: prompts\/support-bot\.yaml(:\d+)?: support-bot: maxIncreasePct exceeded[\s\S]*maxIncreaseUsd exceeded[\s\S]*\*\*Assumptions\*\*[\s\S]*<\/details>\n$/,
    );
  });

  it('--github emits annotations and appends the markdown to $GITHUB_STEP_SUMMARY', async () => {
    const dir = copyFixture();
    addInstructions(dir);
    const summary = join(dir, 'summary.md');
    writeFileSync(summary, 'earlier step\n');
    const r = await runCli(['check', '--github'], { cwd: dir, env: { GITHUB_STEP_SUMMARY: summary } });
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(
      /^::error file=prompts\/support-bot\.yaml,title=tokenomics maxIncreasePct::support-bot: maxIncreasePct exceeded: \+[\d.]+%25 per call/m,
    );
    expect(r.stdout).toMatch(/^::error file=prompts\/support-bot\.yaml,title=tokenomics maxIncreaseUsd::/m);
    const md = readFileSync(summary, 'utf8');
    expect(md.startsWith('earlier step\n<!-- tokenomics-check -->\n## FAIL: ')).toBe(true);
  });

  it('--github in a subdirectory of the workspace: annotation paths are from the repository root ($GITHUB_WORKSPACE)', async () => {
    const ws = mkdtempSync(join(tmpdir(), 'tk-ws-'));
    const dir = join(ws, 'services', 'bot');
    cpSync(FIXTURE, dir, { recursive: true });
    addInstructions(dir);
    const r = await runCli(['check', '--github'], { cwd: dir, env: { GITHUB_WORKSPACE: ws } });
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/^::error file=services\/bot\/prompts\/support-bot\.yaml,title=tokenomics maxIncreaseUsd::/m);
  });

  it('--update-baseline writes the current costs; the next check compares against them', async () => {
    const dir = copyFixture();
    addInstructions(dir);
    const w = await runCli(['check', '--update-baseline', '--baseline', 'new-baseline.json'], { cwd: dir });
    expect(w.code).toBe(0);
    expect(w.stderr).toContain('wrote baseline new-baseline.json');
    // notes wrap at 80 columns (a line break plus indent): read each note as one line
    const notes = w.stdout.replace(/\n +/g, ' ');
    expect(notes).toContain('saved as the new baseline new-baseline.json (nothing compared)');
    expect(notes).not.toContain('no baseline');
    expect(readFileSync(join(dir, 'new-baseline.json'), 'utf8')).not.toContain('savedBaseline');
    const r = await runCli(['check', '--baseline', 'new-baseline.json'], { cwd: dir });
    expect(r.code).toBe(0);
    expect(JSON.parse(readFileSync(join(dir, 'new-baseline.json'), 'utf8')).prompts[1].current.inputTokens).toBeGreaterThan(3700);
  });

  it("a saved baseline matches a renamed prompt by the SHA-256 of its text (a markdown prompt's id is its file name)", async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tk-check-rename-'));
    const text = '# System\n\nYou summarize support tickets for the on-call engineer.\n\n# User\n\nSummarize the ticket.\n';
    writeFileSync(join(dir, 'summarize.md'), text);
    const args = ['--model', 'gpt-4o-mini', '--calls-per-day', '1000', '--no-config'];
    const w = await runCli(['check', 'summarize.md', ...args, '--update-baseline', '--baseline', 'base.json'], { cwd: dir });
    expect(w.code, w.stderr).toBe(0);
    const saved = JSON.parse(readFileSync(join(dir, 'base.json'), 'utf8')).prompts[0].current.textSha256;
    // sha256 of the file's text, computed apart
    expect(saved).toBe(createHash('sha256').update(text).digest('hex'));
    // the same text under a new name: one prompt, unchanged; before, "new prompt" (its whole cost the increase,
    // over --max-increase-usd) and "prompt removed"
    renameSync(join(dir, 'summarize.md'), join(dir, 'digest.md'));
    const r = await runCli(['check', 'digest.md', ...args, '--baseline', 'base.json', '--max-increase-usd', '0.01', '--format', 'json'], {
      cwd: dir,
    });
    expect(r.code, r.stdout).toBe(0);
    const doc = JSON.parse(r.stdout);
    expect(doc.prompts.map((p: { id: string; status: string }) => [p.id, p.status])).toEqual([['digest', 'unchanged']]);
    // the old file as the baseline saved it (before it was kept: the baseline's name, base.json)
    expect(doc.prompts[0].changes).toEqual(['renamed from summarize (summarize.md)']);
    // a baseline hand-edited to a malformed hash is refused with its path
    const bad = readFileSync(join(dir, 'base.json'), 'utf8').replace(saved, 'xyz');
    writeFileSync(join(dir, 'bad.json'), bad);
    const refused = await runCli(['check', 'digest.md', ...args, '--baseline', 'bad.json'], { cwd: dir });
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain('prompts[0].current.textSha256 must be 64 lowercase hex digits');
  });

  it('a saved baseline is repriced at the current output length, hit rate and model: an unchanged prompt stays unchanged', async () => {
    // baseline.json was saved at 180 output tokens (support-bot) / 3 (classify-intent) and a hit rate of 0.8.
    // --output-tokens 250, support-bot on Sonnet 4.5 (1,757 input, 1,636 cacheable, 121 uncached):
    //   hit  = 121 x $3 + 1,636 x $0.30 + 250 x $15 = 363 + 490.8 + 3,750 = $4,603.8/MTok-call = $0.0046038
    //   miss = 121 x $3 + 1,636 x $3.75 + 250 x $15 = 363 + 6,135 + 3,750 = $0.010248
    //   0.8 x 0.0046038 + 0.2 x 0.010248 = $0.00573264/call; x 600,000 = $3,439.584/month
    // classify-intent on gpt-4o-mini: 163 x $0.15 + 250 x $0.60 = $0.00017445/call; x 1,500,000 = $261.675/month
    const out = await runCli(['check', '--output-tokens', '250', '--format', 'json'], { cwd: FIXTURE });
    expect(out.code, out.stdout).toBe(0);
    const doc = JSON.parse(out.stdout);
    const rows = Object.fromEntries(doc.prompts.map((p: { id: string }) => [p.id, p]));
    expect(rows['support-bot']).toMatchObject({
      status: 'unchanged',
      current: { costPerCallUsd: 0.00573264, monthlyUsd: 3439.584 },
      baseline: { costPerCallUsd: 0.00573264, monthlyUsd: 3439.584 },
    });
    expect(rows['classify-intent']).toMatchObject({
      status: 'unchanged',
      current: { costPerCallUsd: 0.00017445, monthlyUsd: 261.675 },
      baseline: { costPerCallUsd: 0.00017445 },
    });
    // hit rate 0.5: support-bot 0.5 x (0.0035538 + 0.009198) = $0.0063759/call (hit at 180 output: 363 + 490.8 + 2,700)
    const rate = await runCli(['check', '--cache-hit-rate', '0.5', '--format', 'json'], { cwd: FIXTURE });
    expect(rate.code, rate.stdout).toBe(0);
    expect(JSON.parse(rate.stdout).prompts[1]).toMatchObject({
      status: 'unchanged',
      baseline: { costPerCallUsd: 0.0063759, monthlyUsd: 3825.54 },
    });
  });

  it('a baseline saved on another model: "before" is priced on its own model, so the switch counts', async () => {
    const dir = copyFixture();
    const cfg = join(dir, 'tokenomics.yaml');
    writeFileSync(cfg, readFileSync(cfg, 'utf8').replace('model: claude-sonnet-4-5\n', 'model: claude-haiku-4-5\n'));
    const r = await runCli(['check', '--format', 'json'], { cwd: dir });
    const p = JSON.parse(r.stdout).prompts[1];
    // before: the saved Sonnet 4.5 figures ($0.00468264/call); after, Haiku 4.5 (minimum 4,096 cacheable: nothing caches):
    // 1,757 x $1 + 180 x $5 = $0.002657/call
    expect(p).toMatchObject({
      id: 'support-bot',
      status: 'changed',
      changes: ['model claude-sonnet-4-5 → claude-haiku-4-5', 'cacheable 1,636 → 0 tokens'],
      current: { costPerCallUsd: 0.002657 },
      baseline: { costPerCallUsd: 0.00468264 },
    });
  });

  it('exit 2 on config errors, with file:line', async () => {
    const dir = copyFixture();
    const cfg = join(dir, 'tokenomics.yaml');
    writeFileSync(cfg, readFileSync(cfg, 'utf8').replace('maxTokens: 8000', 'maxTokenz: 8000'));
    const r = await runCli(['check'], { cwd: dir });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/tokenomics\.yaml:13: check\.budgets\.maxTokenz: unknown key \(did you mean "maxTokens"\?\)/);
  });

  it('exit 2 with nothing to check, an unknown model, or a missing baseline', async () => {
    const empty = mkdtempSync(join(tmpdir(), 'tk-check-empty-'));
    expect((await runCli(['check'], { cwd: empty })).code).toBe(2);
    const p = join(FIXTURE, 'prompts', 'classify-intent.json');
    const unknown = await runCli(['check', p, '--model', 'gpt-4o-minii', '--calls-per-day', '10'], { cwd: empty });
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toMatch(/unknown model "gpt-4o-minii"/);
    const nob = await runCli(['check', p, '--calls-per-day', '10', '--baseline', 'nope.json'], { cwd: empty });
    expect(nob.code).toBe(2);
    expect(nob.stderr).toMatch(/cannot read baseline nope\.json/);
  });
});

describe('tokenomics check without a config', () => {
  const p = join(FIXTURE, 'prompts', 'classify-intent.json');
  const base = ['check', p, '--calls-per-day', '1000', '--output-tokens', '3'];

  it('every budget flag fails over its limit (exit 1) and passes under it (exit 0)', async () => {
    // gpt-4o-mini (from the file), 163 input tokens at $0.15/MTok + 3 output at $0.60/MTok = $0.00002625/call, 30,000 calls = $0.7875/month
    const cases: [string, string, string][] = [
      ['--max-cost-per-call', '0.00002', '0.00003'],
      ['--max-monthly-usd', '0.78', '0.79'],
      ['--max-total-monthly-usd', '0.78', '0.79'],
      ['--max-tokens', '162', '163'],
      ['--allowed-models', 'gpt-4o', 'gpt-4o-mini,gpt-4o'],
    ];
    for (const [flag, failing, passing] of cases) {
      const bad = await runCli([...base, flag, failing], { cwd: FIXTURE });
      expect(bad.code, `${flag} ${failing}`).toBe(1);
      const good = await runCli([...base, flag, passing], { cwd: FIXTURE });
      expect(good.code, `${flag} ${passing}: ${good.stdout}`).toBe(0);
    }
  });

  it('a prompt file named on the command line is the prompt check.prompts lists: its model, traffic, output and budgets', async () => {
    // classify-intent in tokenomics.yaml: gpt-4o-mini, 1,500,000 calls/month, output 3, budgets {maxCostPerCall: 0.0005}
    // 163 x $0.15/MTok + 3 x $0.60/MTok = $0.00002625/call; x 1,500,000 = $39.375/month, as in the whole run
    const one = await runCli(['check', 'prompts/classify-intent.json', '--format', 'json'], { cwd: FIXTURE });
    expect(one.code, one.stderr).toBe(0); // was exit 2: "no traffic for prompt", the config entry unread
    const [p] = JSON.parse(one.stdout).prompts;
    expect(p).toMatchObject({
      id: 'classify-intent',
      model: 'gpt-4o-mini',
      callsPerMonth: 1_500_000,
      outputTokens: 3,
      status: 'unchanged',
    });
    expect(p.current.monthlyUsd).toBe(39.375);
    // a budget flag is the run's: over the prompt's own maxCostPerCall 0.0005 too ($0.00002625 > $0.00001)
    for (const args of [['prompts/classify-intent.json'], []]) {
      const r = await runCli(['check', ...args, '--max-cost-per-call', '0.00001', '--format', 'json'], { cwd: FIXTURE });
      expect(r.code, args.join(' ')).toBe(1);
      const v = JSON.parse(r.stdout).violations.filter((x: { prompt: string }) => x.prompt === 'classify-intent');
      expect(v).toMatchObject([{ rule: 'maxCostPerCall', limit: '$0.00001/call' }]);
    }
  });
});

describe('tokenomics check --base-ref (a git repository with two commits of a prompt)', () => {
  function repo(): string {
    const dir = mkdtempSync(join(tmpdir(), 'tk-check-git-'));
    const git = (...args: string[]) =>
      execFileSync('git', ['-c', 'user.name=t', '-c', 'user.email=t@example.com', '-c', 'commit.gpgsign=false', ...args], {
        cwd: dir,
        stdio: 'pipe',
      });
    git('init', '-q');
    writeFileSync(join(dir, 'bot.md'), 'You answer questions about hiking boots. Be brief.\n\nQuestion: {{q}}\n');
    git('add', 'bot.md');
    git('commit', '-q', '-m', 'one');
    writeFileSync(
      join(dir, 'bot.md'),
      `You answer questions about hiking boots. Be brief.\n${'Always check the size chart before you recommend a size. '.repeat(40)}\n\nQuestion: {{q}}\n`,
    );
    git('add', 'bot.md');
    git('commit', '-q', '-m', 'two');
    return dir;
  }

  it('compares with the prompt at REF: exit 1 over the increase budget, exit 0 against itself', async () => {
    const dir = repo();
    const args = [
      'check',
      'bot.md',
      '--model',
      'gpt-4o-mini',
      '--calls-per-day',
      '1000',
      '--output-tokens',
      '100',
      '--max-increase-pct',
      '10',
      '--format',
      'json',
    ];
    const r = await runCli([...args, '--base-ref', 'HEAD~1'], { cwd: dir });
    expect(r.code).toBe(1);
    const doc = JSON.parse(r.stdout);
    const oldTokens = 3 + 3 + tok('user') + tok('You answer questions about hiking boots. Be brief.\n\nQuestion: \n');
    expect(doc.prompts[0].baseline.inputTokens).toBe(oldTokens);
    expect(doc.prompts[0].violations[0].rule).toBe('maxIncreasePct');
    expect(doc.assumptions.baseline).toBe('git HEAD~1');
    const same = await runCli([...args, '--base-ref', 'HEAD'], { cwd: dir });
    expect(same.code).toBe(0);
    expect(JSON.parse(same.stdout).prompts[0].status).toBe('unchanged');
  });

  it('finds prompt files outside the working directory at REF (config in a subdirectory, ../ paths), not "new"', async () => {
    const dir = repo();
    mkdirSync(join(dir, 'ci'));
    writeFileSync(
      join(dir, 'ci', 'tokenomics.yaml'),
      'check:\n  budgets: {maxIncreasePct: 10}\n  prompts:\n    - file: ../bot.md\n      model: gpt-4o-mini\n      traffic: {callsPerDay: 1000}\n      expectedOutputTokens: 100\n',
    );
    // before: 3 (reply priming) + 3 (message) + tokens("user") + the old text with {{q}} empty
    const oldTokens = 3 + 3 + tok('user') + tok('You answer questions about hiking boots. Be brief.\n\nQuestion: \n');
    // with the prompt paths given, the same paths at REF
    const r = await runCli(
      [
        'check',
        '../bot.md',
        '--model',
        'gpt-4o-mini',
        '--calls-per-day',
        '1000',
        '--output-tokens',
        '100',
        '--max-increase-pct',
        '10',
        '--base-ref',
        'HEAD~1',
        '--format',
        'json',
      ],
      { cwd: join(dir, 'ci') },
    );
    expect(r.code, r.stderr).toBe(1);
    expect(JSON.parse(r.stdout).prompts[0]).toMatchObject({ status: 'fail', baseline: { inputTokens: oldTokens } });
    // from the config: ci/tokenomics.yaml did not exist at REF, so "before" has no prompts, and says so
    const c = await runCli(['check', '--base-ref', 'HEAD~1', '--format', 'json'], { cwd: join(dir, 'ci') });
    const doc = JSON.parse(c.stdout);
    expect(doc.prompts[0]).toMatchObject({ status: 'new', changes: ['new prompt'] });
    expect(doc.warnings[0]).toMatch(/tokenomics\.yaml does not exist at HEAD~1/);
    const outside = join(mkdtempSync(join(tmpdir(), 'tk-outside-')), 'x.md');
    writeFileSync(outside, 'Say hi.');
    const o = await runCli(['check', outside, '--model', 'gpt-4o-mini', '--calls-per-day', '10', '--base-ref', 'HEAD'], { cwd: dir });
    expect(o.code).toBe(2);
    expect(o.stderr).toMatch(/is outside the git repository/);
  });

  it('a prompt missing at REF is new; a bad ref is exit 2', async () => {
    const dir = repo();
    writeFileSync(join(dir, 'new.md'), 'Say hi.');
    const r = await runCli(
      [
        'check',
        'new.md',
        '--model',
        'gpt-4o-mini',
        '--calls-per-day',
        '10',
        '--max-increase-pct',
        '0',
        '--base-ref',
        'HEAD',
        '--format',
        'json',
      ],
      { cwd: dir },
    );
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout).prompts[0]).toMatchObject({ status: 'new', baseline: null });
    const bad = await runCli(['check', 'new.md', '--model', 'gpt-4o-mini', '--calls-per-day', '10', '--base-ref', 'no-such-branch'], {
      cwd: dir,
    });
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/--base-ref no-such-branch: not a commit/);
  });
});
