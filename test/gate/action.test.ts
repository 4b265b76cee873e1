/**
 * The composite action (action.yml) run as a runner would: each `run:` step through
 * `bash --noprofile --norc -eo pipefail`, with GITHUB_ACTION_PATH pointing at a checkout of this
 * repository (copied and built in a temp directory, node_modules linked), GITHUB_OUTPUT and
 * GITHUB_STEP_SUMMARY at temp files, `${{ inputs.* }}` filled from the `with:` of README's
 * workflow. Asserts the documented outputs.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { edit, git, repo } from '../cli/check-repo.js';

const ROOT = new URL('../../', import.meta.url).pathname;

interface Step {
  name?: string;
  id?: string;
  uses?: string;
  run?: string;
  shell?: string;
  env?: Record<string, string>;
  with?: Record<string, unknown>;
  'working-directory'?: string;
}

/** A checkout of this repository at its current files, built like `npm ci` would (node_modules linked). */
function actionCheckout(): string {
  const dir = mkdtempSync(join(tmpdir(), 'tk-action-path-'));
  const files = execFileSync('git', ['ls-files', '-co', '--exclude-standard', '-z'], { cwd: ROOT, encoding: 'utf8' })
    .split('\0')
    // a worktree whose node_modules is a link (untracked, not matched by node_modules/): linked below instead
    .filter((f) => f && f !== 'node_modules');
  for (const f of files) {
    if (!existsSync(join(ROOT, f))) continue;
    mkdirSync(dirname(join(dir, f)), { recursive: true });
    cpSync(join(ROOT, f), join(dir, f));
  }
  symlinkSync(join(ROOT, 'node_modules'), join(dir, 'node_modules'));
  execFileSync(process.execPath, [join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', 'tsconfig.json'], {
    cwd: dir,
    stdio: 'pipe',
  });
  execFileSync(process.execPath, ['scripts/build-catalog.mjs'], { cwd: dir, stdio: 'pipe' });
  // the whole build (package.json "build"): without the bundle the action's install step would run
  // `npm ci` here, and through the linked node_modules empty this repository's own
  execFileSync(process.execPath, ['scripts/bundle.mjs'], { cwd: dir, stdio: 'pipe' });
  return dir;
}

/** The action step of README's GitHub Actions workflow. */
function readmeWorkflow(): { steps: Step[]; action: Step } {
  const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
  const block = [...readme.matchAll(/```yaml\n([\s\S]*?)```/g)].map((m) => m[1]).find((y) => y.includes('name: prompt-cost'));
  expect(block, 'README has the prompt-cost workflow').toBeDefined();
  const wf = parse(block!) as { jobs: Record<string, { steps: Step[] }> };
  const steps = Object.values(wf.jobs)[0].steps;
  const action = steps.find((s) => s.uses?.includes('/tokenomics@'));
  expect(action, 'the workflow uses the tokenomics action').toBeDefined();
  return { steps, action: action! };
}

/** Run the action's steps as a runner does; returns each step's exit code and the outputs. */
function runAction(actionPath: string, inputs: Record<string, string>, cwd: string, github: Record<string, string>) {
  const action = parse(readFileSync(join(actionPath, 'action.yml'), 'utf8')) as {
    inputs: Record<string, { default?: string }>;
    outputs: Record<string, { value: string }>;
    runs: { using: string; steps: Step[] };
  };
  expect(action.runs.using).toBe('composite');
  const values: Record<string, string> = {};
  for (const [k, v] of Object.entries(action.inputs)) values[k] = inputs[k] ?? v.default ?? '';
  for (const k of Object.keys(inputs)) expect(action.inputs, `input ${k} is declared`).toHaveProperty(k);
  const expand = (s: string) => s.replace(/\$\{\{\s*inputs\.([\w-]+)\s*\}\}/g, (_m, k: string) => values[k] ?? '');
  const stepOutputs: Record<string, Record<string, string>> = {};
  const codes: number[] = [];
  const logs: string[] = [];
  for (const step of action.runs.steps) {
    const outFile = join(mkdtempSync(join(tmpdir(), 'tk-gh-out-')), 'output');
    writeFileSync(outFile, '');
    const env: Record<string, string> = {
      ...(process.env as Record<string, string>),
      ...github,
      GITHUB_ACTION_PATH: actionPath,
      GITHUB_OUTPUT: outFile,
      NO_COLOR: '1',
    };
    for (const [k, v] of Object.entries(step.env ?? {})) env[k] = expand(String(v));
    const wd = step['working-directory'] ? join(cwd, expand(step['working-directory'])) : cwd;
    const r = spawnSync('bash', ['--noprofile', '--norc', '-eo', 'pipefail', '-c', step.run!], {
      cwd: wd,
      env,
      encoding: 'utf8',
      timeout: 120_000,
    });
    codes.push(r.status ?? -1);
    stepOutputs[step.id ?? String(codes.length)] = Object.fromEntries(
      readFileSync(outFile, 'utf8')
        .trim()
        .split('\n')
        .filter(Boolean)
        .map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)]),
    );
    logs.push(r.stdout + r.stderr);
    if (r.status !== 0) break;
  }
  const outputs: Record<string, string> = {};
  for (const [k, v] of Object.entries(action.outputs)) {
    const m = /steps\.([\w-]+)\.outputs\.([\w-]+)/.exec(v.value);
    if (m) outputs[k] = stepOutputs[m[1]]?.[m[2]] ?? '';
  }
  return { codes, outputs, log: logs.join('\n') };
}

describe('the GitHub Action (action.yml) as a runner runs it', () => {
  let actionPath = '';
  beforeAll(() => {
    actionPath = actionCheckout();
  }, 300_000);

  it("README's workflow: a model switch fails the step with exit 1 and the documented outputs; the base passes", async () => {
    const { action, steps } = readmeWorkflow();
    const inputs = Object.fromEntries(
      Object.entries(action.with ?? {}).map(([k, v]) => [k, String(v).replace('${{ github.base_ref }}', 'main')]),
    );
    expect(inputs['base-ref']).toBe('origin/main');
    // the comment step reads the action's comment-file output and finds the comment by the marker
    const comment = steps.find((s) => s.run?.includes('gh api'))!;
    expect(comment.env?.BODY).toBe(`\${{ steps.${action.id}.outputs.comment-file }}`);
    expect(comment.run).toContain('startswith("<!-- tokenomics-check -->")');

    const dir = await repo();
    git(dir, 'branch', '-M', 'main');
    git(dir, 'remote', 'add', 'origin', dir);
    git(dir, 'fetch', '-q', 'origin');
    const github = {
      GITHUB_STEP_SUMMARY: join(dir, '..', `${Date.now()}-summary.md`),
      RUNNER_TEMP: mkdtempSync(join(tmpdir(), 'tk-runner-temp-')),
      GITHUB_WORKSPACE: dir,
    };

    const clean = runAction(actionPath, inputs, dir, github);
    expect(clean.codes, clean.log).toEqual([0, 0]);
    expect(clean.outputs).toMatchObject({
      status: 'pass',
      'exit-code': '0',
      'delta-usd': '0',
      'monthly-delta-usd': '0',
      'delta-pct': '0.00',
    });

    edit(dir, 'prompts/bot.yaml', 'model: claude-sonnet-4-5', 'model: claude-opus-4-1');
    const r = runAction(actionPath, inputs, dir, github);
    expect(r.codes, r.log).toEqual([0, 1]);
    expect(r.log).toMatch(/^::error file=prompts\/bot\.yaml,line=2,title=tokenomics maxIncreasePct::/m);
    const o = r.outputs;
    expect(o.status).toBe('fail');
    expect(o['exit-code']).toBe('1');
    // bot moves from Sonnet 4.5 to Opus 4.1 (5x per token): the per-call sum grows by 4 x bot's old cost per call
    expect(Number(o['cost-after-usd']) - Number(o['cost-before-usd'])).toBeCloseTo(Number(o['delta-usd']), 12);
    expect(Number(o['monthly-delta-usd'])).toBeCloseTo(30_000 * Number(o['delta-usd']), 6);
    expect(readFileSync(o['comment-file'], 'utf8').startsWith('<!-- tokenomics-check -->\n## FAIL: ')).toBe(true);
    expect(readFileSync(github.GITHUB_STEP_SUMMARY, 'utf8')).toContain('model claude-sonnet-4-5 → claude-opus-4-1');
  }, 300_000);

  it('a missing base ref is exit 2 with status=error; a broken install is exit 2, never 1', async () => {
    const dir = await repo();
    const github = { RUNNER_TEMP: mkdtempSync(join(tmpdir(), 'tk-runner-temp-')) };
    const r = runAction(actionPath, { 'base-ref': 'origin/no-such-branch' }, dir, github);
    expect(r.codes).toEqual([0, 2]);
    expect(r.outputs).toMatchObject({ status: 'error', 'exit-code': '2' });
    expect(r.log).toMatch(/--base-ref origin\/no-such-branch: not a commit/);
    // an action checkout that cannot be installed (no package.json to install from)
    const broken = mkdtempSync(join(tmpdir(), 'tk-action-broken-'));
    cpSync(join(actionPath, 'action.yml'), join(broken, 'action.yml'));
    cpSync(join(actionPath, 'scripts', 'action'), join(broken, 'scripts', 'action'), { recursive: true });
    const b = runAction(broken, {}, dir, github);
    expect(b.codes).toEqual([2]);
  }, 120_000);

  it("actions/checkout's default shallow clone (fetch-depth 1): the base and the history to the merge-base are fetched, and a rise fails", async () => {
    const origin = await repo();
    git(origin, 'branch', '-M', 'main');
    git(origin, 'checkout', '-q', '-b', 'feature');
    edit(origin, 'prompts/bot.yaml', 'model: claude-sonnet-4-5', 'model: claude-opus-4-1');
    git(origin, 'commit', '-q', '-am', 'feature: bot on opus');
    git(origin, 'checkout', '-q', 'main');
    edit(origin, 'tokenomics.yaml', 'check:\n', '# main moved on\ncheck:\n');
    git(origin, 'commit', '-q', '-am', 'main: a comment');
    const clone = join(mkdtempSync(join(tmpdir(), 'tk-action-shallow-')), 'c');
    execFileSync('git', ['clone', '-q', '--depth', '1', '--branch', 'feature', `file://${origin}`, clone], { stdio: 'pipe' });
    const github = { RUNNER_TEMP: mkdtempSync(join(tmpdir(), 'tk-runner-temp-')), GITHUB_WORKSPACE: clone };
    const r = runAction(actionPath, { 'base-ref': 'origin/main' }, clone, github);
    // before the fetch of the history, check had no merge-base in the shallow clone: exit 2, never the gate's verdict
    expect(r.codes, r.log).toEqual([0, 1]);
    expect(r.outputs).toMatchObject({ status: 'fail', 'exit-code': '1' });
    expect(r.log).toMatch(/^::error file=prompts\/bot\.yaml,line=2,title=tokenomics maxIncreasePct::/m);
    expect(git(clone, 'rev-parse', '--is-shallow-repository').trim()).toBe('false');
  }, 120_000);

  it('npm pack of a built checkout holds what an install needs: bin, dist, the catalog and its build cache', () => {
    const r = spawnSync('npm', ['pack', '--dry-run', '--ignore-scripts', '--json'], {
      cwd: actionPath,
      encoding: 'utf8',
      timeout: 120_000,
    });
    expect(r.status, r.stderr).toBe(0);
    const files = new Set((JSON.parse(r.stdout) as { files: { path: string }[] }[])[0].files.map((f) => f.path));
    for (const f of [
      'package.json',
      'bin/tokenomics.js',
      'dist/cli/main.js',
      'dist/bundle/main.js',
      'dist/gate/run.js',
      'dist/pricing/catalog-cache.json',
      'src/pricing/catalog/openai.yaml',
    ])
      expect(files.has(f), f).toBe(true);
    expect([...files].some((f) => f.startsWith('test/') || f.startsWith('node_modules/'))).toBe(false);
  }, 120_000);
});

describe("README's workflow names this repository's action", () => {
  it('uses: OWNER/REPO@REF where OWNER/REPO is package.json repository and action.yml is at the root', () => {
    const { action } = readmeWorkflow();
    const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { repository: { url: string } };
    const repo = /github\.com\/([\w.-]+\/[\w.-]+?)(?:\.git)?$/.exec(pkg.repository.url)?.[1];
    expect(repo, 'package.json repository is a GitHub URL').toBeDefined();
    expect(action.uses).toBe(`${repo}@main`);
    expect(action.uses).not.toMatch(/OWNER/);
    // `uses: owner/repo@ref` runs the action.yml at the repository root
    expect(existsSync(join(ROOT, 'action.yml'))).toBe(true);
    const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
    expect(readme).toContain(`npm install --save-dev github:${repo}`);
  });
});
