/**
 * A lever whose scope (`where`) holds none of the requests it sees changes nothing: a misspelled
 * model or feature used to give a $0 saving with exit 0 and no word. Now each such lever is named in
 * a warning (stderr and JSON `warnings`), with the scenario file's line.
 */
import { describe, expect, it } from 'vitest';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { runScenarios, unmatchedScopeWarnings } from '../../src/simulate/engine.js';
import { priceState } from '../../src/simulate/price.js';
import type { Scenario } from '../../src/simulate/scenario.js';
import { runCli } from '../cli/harness.js';
import { baselineRequests, env, minutes, pricer, rec } from './helpers.js';

describe('a lever whose scope matches no request', () => {
  it('is counted per step and named in a warning; a scope that matches is not', () => {
    // three requests of claude-t with feature chat
    const records = [0, 1, 2].map((i) =>
      rec('claude-t', { timeMs: minutes(i), inputTokens: 1000, outputTokens: 100, tags: { feature: 'chat' } }),
    );
    const base = baselineRequests(records);
    const scenario: Scenario = {
      name: 's',
      at: 'x.yaml:2',
      levers: [
        { kind: 'batch', name: 'batch', params: { share: 1 }, where: { feature: ['chta'] }, at: 'x.yaml:4' },
        { kind: 'outputCap', name: 'outputCap', params: { maxTokens: 50 }, where: { feature: ['chat'] }, at: 'x.yaml:6' },
        { kind: 'outputCap', name: 'cap2', params: { maxTokens: 40 }, at: 'x.yaml:8' },
      ],
    };
    const [result] = runScenarios(base, priceState(pricer, base), [scenario], env, () => 0);
    expect(result.steps.map((s) => [s.requestsInScope, s.requestsSeen])).toEqual([
      [0, 3],
      [3, 3],
      [3, 3],
    ]);
    expect(unmatchedScopeWarnings([result])).toEqual([
      's / batch (x.yaml:4): its scope (feature=chta) matched none of the 3 requests, so the lever changed nothing; check the values against the logs (report --by feature, --by model, --by customer)',
    ]);
  });

  it('simulate warns on stderr and in JSON, and still exits 0', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'tk-scope-'));
    const scenario = path.join(dir, 's.yaml');
    writeFileSync(
      scenario,
      'version: 1\nscenarios:\n  - name: a\n    levers:\n      - route: { to: claude-haiku-4-5 }\n        where: { model: nope-model }\n',
    );
    const r = await runCli(['simulate', 'fixtures/demo', '-s', scenario, '--format', 'json']);
    expect(r.code).toBe(0);
    expect(r.stderr).toContain(`warning: a / route (${scenario}:5): its scope (model=nope-model) matched none of the`);
    expect(JSON.parse(r.stdout).warnings.some((w: string) => w.startsWith('a / route'))).toBe(true);
  });
});
