/**
 * INSTALL TEST (network: needs the npm registry for tokenomics' dependencies; takes minutes).
 * A fresh clone of this repository is installed into a second temporary repository with
 * `npm install --save-dev git+file://CLONE`, exactly the path `npm install github:tokenomics-dev/tokenomics`
 * takes: npm clones, installs devDependencies, runs the `prepare` build, packs and installs the
 * pack. Then `npx tokenomics check` runs there. One install. Skip with TOKENOMICS_SKIP_INSTALL_TEST=1.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { BOT, CLASSIFY, CONFIG, edit, git } from '../cli/check-repo.js';

const ROOT = new URL('../../', import.meta.url).pathname;

describe.skipIf(process.env.TOKENOMICS_SKIP_INSTALL_TEST === '1')('install into another repository (npm registry needed; slow)', () => {
  it('npm install --save-dev git+file://<fresh clone>, then npx tokenomics check passes, and fails (exit 1) on a model switch', () => {
    const clone = mkdtempSync(join(tmpdir(), 'tk-clone-'));
    execFileSync('git', ['clone', '-q', ROOT, clone], { stdio: 'pipe' });
    const app = mkdtempSync(join(tmpdir(), 'tk-consumer-'));
    writeFileSync(join(app, 'package.json'), JSON.stringify({ name: 'consumer', version: '1.0.0', private: true }));
    writeFileSync(join(app, 'tokenomics.yaml'), CONFIG.replace('  baseline: baseline.json\n', ''));
    execFileSync('mkdir', ['-p', join(app, 'prompts')]);
    writeFileSync(join(app, 'prompts', 'bot.yaml'), BOT);
    writeFileSync(join(app, 'prompts', 'classify.yaml'), CLASSIFY);
    const install = spawnSync('npm', ['install', '--save-dev', '--no-audit', '--no-fund', `git+file://${clone}`], {
      cwd: app,
      encoding: 'utf8',
      timeout: 1_400_000,
      // packages already in npm's cache (the checkout's own `npm ci` put them there) are not fetched
      // again; the nested install npm runs in the clone for `prepare` inherits the setting
      env: { ...process.env, npm_config_prefer_offline: 'true' },
    });
    expect(install.status, `npm install failed:\n${install.stderr}`).toBe(0);
    git(app, 'init', '-q');
    git(app, 'add', '-A');
    git(app, 'commit', '-q', '-m', 'base');
    const npx = (...args: string[]) =>
      spawnSync('npx', ['--no-install', 'tokenomics', ...args], {
        cwd: app,
        encoding: 'utf8',
        env: { ...process.env, NO_COLOR: '1' },
        timeout: 120_000,
      });
    const pass = npx('check', '--base-ref', 'HEAD');
    expect(pass.status, pass.stderr).toBe(0);
    expect(pass.stdout).toMatch(/^PASS: 2 prompts within budget/);
    edit(app, 'prompts/bot.yaml', 'model: claude-sonnet-4-5', 'model: claude-opus-4-1');
    const fail = npx('check', '--base-ref', 'HEAD');
    expect(fail.status, fail.stderr).toBe(1);
    expect(fail.stdout).toContain('model claude-sonnet-4-5 → claude-opus-4-1');
  }, 1_500_000);
});
