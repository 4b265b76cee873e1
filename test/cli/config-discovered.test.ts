/**
 * A tokenomics.yaml found by the upward search (not given with --config) that cannot be read: the
 * hint says where it came from, not "check the --config path" to a user who passed no --config.
 */
import { mkdirSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from './harness.js';

const DEMO = resolve('fixtures/demo');

describe('a discovered config that cannot be read', () => {
  it('a directory named tokenomics.yaml in the current directory: exit 2, the hint names the search and --config', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tk-cfg-found-'));
    // (a .git beside it stops the search here)
    mkdirSync(join(dir, '.git'));
    mkdirSync(join(dir, 'tokenomics.yaml'));
    const r = await runCli(['report', DEMO, '-q'], { cwd: dir });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/config .*tokenomics\.yaml is a directory/);
    expect(r.stderr).toMatch(/hint: found by the search for tokenomics\.yaml from the current directory upward.*--config FILE/);
    expect(r.stderr).not.toMatch(/check the --config path/);
  });

  it('given with --config, the hint still points at the path given', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tk-cfg-given-'));
    mkdirSync(join(dir, 'cfg.yaml'));
    const r = await runCli(['report', DEMO, '-q', '--config', join(dir, 'cfg.yaml')], { cwd: dir });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/hint: check the --config path/);
  });
});
