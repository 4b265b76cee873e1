/**
 * The bundled CLI (dist/bundle/, scripts/bundle.mjs) finds DuckDB's native bindings where
 * @duckdb/node-api finds them, not only where npm hoists them: here they are nested under
 * node-api's own node_modules (as pnpm or a version conflict lays them out), and `report` still runs.
 */
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readdirSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { BUNDLE, copyOfBundledCli, oneRequestLog, ROOT } from './bundle-copy.js';

describe.skipIf(!existsSync(join(BUNDLE, 'main.js')))('the bundled CLI in a nested install layout', () => {
  it('report runs with @duckdb/node-bindings under node-api, not at the top of node_modules', () => {
    const dir = copyOfBundledCli('tokenomics-layout-');
    // node-api copied (so it is resolved from here), its bindings nested beside it and nowhere else
    const duckdb = join(ROOT, 'node_modules', '@duckdb');
    const api = join(dir, 'node_modules', '@duckdb', 'node-api');
    cpSync(join(duckdb, 'node-api'), api, { recursive: true });
    const nested = join(api, 'node_modules', '@duckdb');
    mkdirSync(nested, { recursive: true });
    const bindings = readdirSync(duckdb).filter((name) => name.startsWith('node-bindings'));
    expect(bindings).toContain('node-bindings');
    for (const name of bindings) symlinkSync(join(duckdb, name), join(nested, name), 'dir');
    expect(existsSync(join(dir, 'node_modules', '@duckdb', 'node-bindings'))).toBe(false);

    const log = oneRequestLog(dir);
    const r = spawnSync(process.execPath, [join(dir, 'bin', 'tokenomics.js'), 'report', log, '--format', 'json', '-q'], {
      encoding: 'utf8',
      timeout: 60_000,
    });
    expect(r.status, r.stderr).toBe(0);
    expect((JSON.parse(r.stdout) as { totals: { requests: number } }).totals.requests).toBe(1);
  }, 60_000);
});
