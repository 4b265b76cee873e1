import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/project.js';
import { effectiveBudgets, readCheckConfig } from '../../src/gate/config.js';

function config(yaml: string) {
  const dir = mkdtempSync(join(tmpdir(), 'tk-check-cfg-'));
  const file = join(dir, 'tokenomics.yaml');
  writeFileSync(file, yaml);
  return { cfg: loadConfig(file), dir };
}

describe('check: config', () => {
  it('reads prompts and budgets; maxMonthlyUsd as a number or {perPrompt, total}', () => {
    const { cfg, dir } = config(`check:
  cacheHitRate: 0.5
  budgets: {maxCostPerCall: 0.01, maxMonthlyUsd: {perPrompt: 100, total: 150}, allowedModels: [gpt-4o]}
  prompts:
    - file: a.yaml
      model: gpt-4o
      traffic: {callsPerDay: 10}
      expectedOutputTokens: {mean: 40}
      budgets: {maxMonthlyUsd: 20}
`);
    const c = readCheckConfig(cfg, dir);
    expect(c.cacheHitRate).toBe(0.5);
    expect(c.budgets).toEqual({ maxCostPerCall: 0.01, allowedModels: ['gpt-4o'], maxMonthlyUsd: 100, maxTotalMonthlyUsd: 150 });
    expect(c.prompts[0]).toMatchObject({
      file: 'a.yaml',
      model: 'gpt-4o',
      traffic: { callsPerMonth: 300 },
      expectedOutputTokens: { mean: 40 },
      budgets: { maxMonthlyUsd: 20 },
      line: 5,
    });
    expect(effectiveBudgets(c.budgets, c.prompts[0].budgets)).toEqual({
      maxCostPerCall: 0.01,
      allowedModels: ['gpt-4o'],
      maxMonthlyUsd: 20,
    });
  });

  it('rejects unknown keys and bad values with file:line', () => {
    const { cfg, dir } = config(`check:
  budgets:
    maxCostPerCal: 0.01
  prompts:
    - file: a.yaml
      traffic: {callsPerWeek: 3}
    - model: x
`);
    let msg = '';
    try {
      readCheckConfig(cfg, dir);
    } catch (e) {
      msg = (e as Error).message;
    }
    expect(msg).toMatch(/tokenomics\.yaml:3: check\.budgets\.maxCostPerCal: unknown key \(did you mean "maxCostPerCall"\?\)/);
    expect(msg).toMatch(/tokenomics\.yaml:7: check\.prompts\[1\]\.file: is required/);
  });

  it('an unknown key whose value is a block mapping is placed on its own line; a YAML syntax error at line:col', () => {
    const message = (yaml: string) => {
      try {
        config(yaml);
      } catch (e) {
        return (e as Error).message;
      }
      return '';
    };
    // modelAlias: is line 1 (its mapping starts on line 2, where the error was placed)
    expect(message('modelAlias:\n  foo: bar\n')).toMatch(/tokenomics\.yaml:1: modelAlias: unknown key \(did you mean "modelAliases"\?\)/);
    // "   x: y" on line 3 is indented one column deeper than "foo: bar": the parser stops at line 2, column 8
    expect(message('modelAliases:\n  foo: bar\n   x: y\n')).toMatch(
      /tokenomics\.yaml:2:8: Nested mappings are not allowed in compact mappings/,
    );
  });

  it('validates traffic and output distributions after the structure is valid', () => {
    const { cfg, dir } = config(
      'check:\n  prompts:\n    - file: a.yaml\n      traffic: {callsPerWeek: 3}\n      expectedOutputTokens: -2\n',
    );
    expect(() => readCheckConfig(cfg, dir)).toThrow(
      /:4: check\.prompts\[0\]\.traffic\.callsPerDay: is required[\s\S]*:5: check\.prompts\[0\]\.expectedOutputTokens: expected a non-negative integer/,
    );
  });

  it('no check: section is an empty config', () => {
    expect(readCheckConfig(undefined, '/x')).toEqual({ prompts: [], budgets: {}, dir: '/x' });
  });
});
