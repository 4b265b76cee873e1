import { describe, expect, it } from 'vitest';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from './harness.js';

describe('tokenomics simulate', () => {
  it('needs a scenario file', async () => {
    const r = await runCli(['simulate', 'fixtures/demo']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/at least one --scenario/);
  });

  it('reports scenario errors with file:line and exits 2', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tk-sim-'));
    const f = join(dir, 'bad.yaml');
    writeFileSync(f, 'version: 1\nscenarios:\n  - name: a\n    levers:\n      - batch: { shar: 1 }\n');
    const r = await runCli(['simulate', 'fixtures/demo', '--scenario', f]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`${f}:5: scenarios[0].levers[0].batch.shar: unknown key (did you mean "share"?)`);
  });

  it('runs the demo caching scenario: waterfall adds up, JSON contract', async () => {
    const r = await runCli(['simulate', 'fixtures/demo', '--scenario', 'fixtures/scenarios/demo.yaml', '--only', 'caching', '--by', 'feature', '--format', 'json']);
    expect(r.code).toBe(0);
    const doc = JSON.parse(r.stdout);
    expect(doc.command).toBe('simulate');
    const s = doc.scenarios[0];
    expect(s.name).toBe('caching');
    expect(s.waterfall.map((w: { name: string }) => w.name)).toEqual(['prefixCache', 'cache-drafts-1h', 'semanticCache']);
    const steps = s.waterfall.reduce((a: number, w: { savingUsd: number }) => a + w.savingUsd, 0);
    expect(steps).toBeCloseTo(s.savingUsd, 9);
    expect(doc.baseline.totalUsd - s.totalUsd).toBeCloseTo(s.savingUsd, 9);
    expect(s.savingUsd).toBeGreaterThan(0);
    expect(doc.groups.map((g: { group: string }) => g.group)).toContain('chat-assistant');
    expect(doc.notes.join('\n')).toMatch(/acme-finetune-v2/);
  });

  it('table output has the waterfall and assumptions; csv picks a section', async () => {
    const t = await runCli(['simulate', 'fixtures/demo', '-s', 'fixtures/scenarios/demo.yaml', '--only', 'caching']);
    expect(t.stdout).toMatch(/Waterfall/);
    expect(t.stdout).toMatch(/Assumptions/);
    const c = await runCli(['simulate', 'fixtures/demo', '-s', 'fixtures/scenarios/demo.yaml', '--only', 'caching', '--format', 'csv', '--section', 'waterfall']);
    expect(c.stdout.split('\n')[0]).toBe('Scenario,Step,Lever,Scope,Cost after,Saving,Share,What happened');
  });
});
