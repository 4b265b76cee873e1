import { describe, expect, it } from 'vitest';
import { parseScenarioText, resolveInheritance } from '../../src/simulate/scenario.js';
import { UserError } from '../../src/core/issues.js';

function errorOf(text: string): string {
  try {
    parseScenarioText(text, 's.yaml');
  } catch (e) {
    if (e instanceof UserError) return e.message;
    throw e;
  }
  throw new Error('expected an error');
}

describe('scenario files', () => {
  it('parses levers, scopes, names and before', () => {
    const s = parseScenarioText(
      `version: 1
scenarios:
  - name: base
    levers:
      - prefixCache: { ttl: 1h }
        where: { feature: chat, tag: { tier: gold }, minInputTokens: 1000 }
      - batch: { share: 0.5 }
        where: { feature: [a, b] }
  - name: child
    inherits: base
    levers:
      - batch: { share: 1 }
      - volume: { k: 10 }
        before: prefixCache
      - outputCap: { maxTokens: 100 }
`,
      's.yaml',
    );
    expect(s[0].levers[0]).toMatchObject({
      kind: 'prefixCache',
      name: 'prefixCache',
      params: { ttl: '1h' },
      where: { feature: ['chat'], tag: { tier: 'gold' }, minInputTokens: 1000 },
      at: 's.yaml:5',
    });
    const all = resolveInheritance(s);
    expect(all[1].levers.map((l) => `${l.kind}:${JSON.stringify(l.params)}`)).toEqual([
      'volume:{"k":10}',
      'prefixCache:{"ttl":"1h"}',
      'batch:{"share":1}',
      'outputCap:{"maxTokens":100}',
    ]);
  });

  it('two levers of one kind in one scenario both run; a child replaces an inherited one by name', () => {
    // Before, the second unnamed prefixCache of "own" silently replaced the first (same default name).
    const s = parseScenarioText(
      `version: 1
scenarios:
  - name: own
    levers:
      - prefixCache: { ttl: 5m }
      - prefixCache: { ttl: 1h }
        where: { feature: drafts }
  - name: child
    inherits: own
    levers:
      - prefixCache: { ttl: 1h }
`,
      's.yaml',
    );
    const all = resolveInheritance(s);
    expect(all[0].levers.map((l) => l.params.ttl)).toEqual(['5m', '1h']);
    // the child's prefixCache replaces the first inherited one of that name, in place
    expect(all[1].levers.map((l) => [l.params.ttl, l.where?.feature ?? null])).toEqual([
      ['1h', null],
      ['1h', ['drafts']],
    ]);
  });

  it('rejects unknown keys with file:line and a hint', () => {
    const msg = errorOf(`version: 1
scenarios:
  - name: a
    levers:
      - prefixCache: { ttll: 5m }
`);
    expect(msg).toBe('s.yaml:5: scenarios[0].levers[0].prefixCache.ttll: unknown key (did you mean "ttl"?)');
  });

  it('rejects an unknown lever, two levers in one item, bad values and a missing version', () => {
    expect(errorOf(`version: 1\nscenarios:\n  - name: a\n    levers:\n      - cache: {}\n`)).toMatch(
      /^s\.yaml:5: scenarios\[0\]\.levers\[0\]\.cache: unknown key/,
    );
    expect(errorOf(`version: 1\nscenarios:\n  - name: a\n    levers:\n      - batch: {}\n        outputCap: { maxTokens: 1 }\n`)).toMatch(
      /one lever per item/,
    );
    expect(errorOf(`version: 1\nscenarios:\n  - name: a\n    levers:\n      - batch: { share: 2 }\n`)).toMatch(
      /s\.yaml:5: scenarios\[0\]\.levers\[0\]\.batch\.share: expected at most 1 \(got 2\)/,
    );
    // maxTokens is an integer of at least 1: 0 is an integer, so the message says the bound
    // (it read "expected a integer (got 0)")
    expect(errorOf(`version: 1\nscenarios:\n  - name: a\n    levers:\n      - outputCap: { maxTokens: 0 }\n`)).toMatch(
      /s\.yaml:5: scenarios\[0\]\.levers\[0\]\.outputCap\.maxTokens: expected an integer of at least 1 \(got 0\)/,
    );
    expect(errorOf(`scenarios:\n  - name: a\n`)).toMatch(/version: is required/);
    expect(errorOf(`version: 1\nscenarios:\n  - name: a\n    levers:\n      - summarize: { summaryTokens: 10 }\n`)).toMatch(
      /give afterTurns or afterTokens/,
    );
    expect(errorOf(`version: 1\nscenarios:\n  - name: a\n    levers:\n      - semanticCache: { queryPattern: "(" }\n`)).toMatch(
      /queryPattern: not a valid regular expression/,
    );
  });

  it('inheritance errors: unknown parent, cycles, duplicate names', () => {
    const cyc = parseScenarioText(`version: 1\nscenarios:\n  - name: a\n    inherits: b\n  - name: b\n    inherits: a\n`, 's.yaml');
    expect(() => resolveInheritance(cyc)).toThrow(/inherits itself/);
    const unk = parseScenarioText(`version: 1\nscenarios:\n  - name: a\n    inherits: zz\n`, 's.yaml');
    expect(() => resolveInheritance(unk)).toThrow(/unknown scenario "zz"/);
    const dup = parseScenarioText(`version: 1\nscenarios:\n  - name: a\n  - name: a\n`, 's.yaml');
    expect(() => resolveInheritance(dup)).toThrow(/already defined at s\.yaml:3/);
  });

  it('two levers given one name in a scenario are an error at the second, with a hint; a cycle has a hint too', () => {
    // before: both ran and the waterfall showed two rows named "x"
    const twice = parseScenarioText(
      `version: 1\nscenarios:\n  - name: a\n    levers:\n      - batch: {}\n        name: x\n      - outputCap: { maxTokens: 5 }\n        name: x\n`,
      's.yaml',
    );
    let err: unknown;
    try {
      resolveInheritance(twice);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(UserError);
    expect((err as UserError).lines[0]).toBe('s.yaml:7: scenario "a" has two levers named "x" (the other at s.yaml:5)');
    expect((err as UserError).hint).toMatch(/its own name/);
    // two unnamed levers of one kind still run, as prefixCache and prefixCache#2; a child's lever of an
    // inherited name still replaces it
    const ok = parseScenarioText(
      `version: 1\nscenarios:\n  - name: a\n    levers:\n      - batch: {}\n        name: x\n      - prefixCache: {}\n      - prefixCache: {}\n  - name: b\n    inherits: a\n    levers:\n      - outputCap: { maxTokens: 5 }\n        name: x\n`,
      's.yaml',
    );
    expect(resolveInheritance(ok)[1].levers.map((l) => `${l.kind}:${l.name}`)).toEqual([
      'outputCap:x',
      'prefixCache:prefixCache',
      'prefixCache:prefixCache',
    ]);
    const cyc = parseScenarioText(`version: 1\nscenarios:\n  - name: a\n    inherits: a\n`, 's.yaml');
    expect(() => resolveInheritance(cyc)).toThrow(expect.objectContaining({ hint: expect.stringMatching(/remove one inherits/) }));
  });

  it('the shipped scenario files are valid', async () => {
    const { loadScenarioFile } = await import('../../src/simulate/scenario.js');
    for (const f of ['fixtures/scenarios/demo.yaml', 'fixtures/scenarios/levers.yaml'])
      expect(resolveInheritance(loadScenarioFile(f)).length).toBeGreaterThan(0);
  });
});
