/**
 * The bundled CLI runs with V8's code cache recorded by the build (scripts/bundle.mjs,
 * scripts/bundle/loader.cjs): this Node accepts the cache of this build, and the CLI still runs,
 * with the same output, when the cache is of another build, corrupt or missing.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { BUNDLE, copyOfBundledCli, oneRequestLog, ROOT } from './bundle-copy.js';

/** Runs `node` with no inherited NODE_OPTIONS (V8 rejects a cache recorded under other flags). */
function node(args: string[]) {
  return spawnSync(process.execPath, args, { encoding: 'utf8', timeout: 60_000, env: { ...process.env, NODE_OPTIONS: '' } });
}

/** A copy of the bundled CLI, to spoil its cache without touching the repository's. */
function copyOfCli(): string {
  const dir = copyOfBundledCli('tokenomics-cache-');
  symlinkSync(join(ROOT, 'node_modules'), join(dir, 'node_modules'), 'dir');
  return dir;
}

describe.skipIf(!existsSync(join(BUNDLE, 'main.cjs.cache')))('the bundle code cache', () => {
  it('is of this build, and this Node accepts it', () => {
    const check = `
      import vm from 'node:vm';
      import { readFileSync } from 'node:fs';
      const file = ${JSON.stringify(join(BUNDLE, 'main.cjs'))};
      const source = readFileSync(file, 'utf8');
      const id = /^\\/\\/ tokenomics build (\\w+)\\n/.exec(source)[1];
      const raw = readFileSync(file + '.cache');
      const script = new vm.Script('(function (exports, require, module, __filename, __dirname, __tokenomicsImport) {' + source + '\\n})', { filename: file, cachedData: raw.subarray(id.length) });
      console.log(JSON.stringify({ sameBuild: raw.subarray(0, id.length).toString('latin1') === id, rejected: script.cachedDataRejected }));`;
    const r = node(['--input-type=module', '-e', check]);
    expect(r.status, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout)).toEqual({ sameBuild: true, rejected: false });
  });

  it('a cache of another build, a corrupt one or none: the CLI runs as with its own', () => {
    const dir = copyOfCli();
    try {
      const log = oneRequestLog(dir);
      const report = () => node([join(dir, 'bin', 'tokenomics.js'), 'report', log, '--format', 'json', '-q']);
      const own = report();
      expect(own.status, own.stderr).toBe(0);
      const cache = join(dir, 'dist', 'bundle', 'main.cjs.cache');
      const raw = readFileSync(cache);
      // another build's id (same length), then a corrupt cache under the right id, then none
      writeFileSync(cache, Buffer.concat([Buffer.from('0'.repeat(32), 'latin1'), raw.subarray(32)]));
      const other = report();
      writeFileSync(cache, Buffer.concat([raw.subarray(0, 32), Buffer.alloc(raw.length - 32, 7)]));
      const corrupt = report();
      rmSync(cache);
      const none = report();
      for (const r of [other, corrupt, none]) {
        expect(r.status, r.stderr).toBe(0);
        expect(r.stdout).toBe(own.stdout);
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 120_000);
});
