/**
 * vitest global setup: brings up the real engines the warehouse tests run against (PostgreSQL
 * server, chDB) with scripts/test-services.sh, hands their addresses to the tests, and stops them
 * after. CI runs them: only TOKENOMICS_SKIP_SERVICES=1 skips them (the tests then say so loudly).
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestProject } from 'vitest/node';

declare module 'vitest' {
  export interface ProvidedContext {
    services: Record<string, string>;
  }
}

const SCRIPT = 'scripts/test-services.sh';

export default function setup(project: TestProject): (() => void) | undefined {
  if (process.env.TOKENOMICS_SKIP_SERVICES === '1') {
    project.provide('services', {});
    return undefined;
  }
  // a state folder of this run's own (the server's data, its password): two runs at once on one machine
  // (two checkouts) each start and stop their own server, neither removing the other's
  const own = process.env.TOKENOMICS_TEST_STATE ? undefined : mkdtempSync(join(tmpdir(), 'tokenomics-test-services-'));
  const env = own ? { ...process.env, TOKENOMICS_TEST_STATE: own } : process.env;
  const out = execFileSync('bash', [SCRIPT, 'up'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'], timeout: 600_000, env });
  const services: Record<string, string> = {};
  for (const line of out.split('\n')) {
    const eq = line.indexOf('=');
    if (eq > 0) services[line.slice(0, eq)] = line.slice(eq + 1);
  }
  project.provide('services', services);
  return () => {
    execFileSync('bash', [SCRIPT, 'down'], { stdio: ['ignore', 'ignore', 'inherit'], env });
    if (own) rmSync(own, { recursive: true, force: true });
  };
}
