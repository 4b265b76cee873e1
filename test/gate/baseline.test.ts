import { describe, expect, it } from 'vitest';
import { parseBaseline } from '../../src/gate/baseline.js';

const doc = (current: Record<string, unknown>, extra: Record<string, unknown> = {}) =>
  JSON.stringify({
    schemaVersion: 1,
    command: 'check',
    prompts: [
      {
        id: 'a',
        model: 'gpt-4o',
        outputTokens: 100,
        callsPerMonth: 3000,
        current: { inputTokens: 10, cacheableTokens: 0, costPerCallUsd: 0.00468264, ...current },
      },
    ],
    ...extra,
  });

describe('baseline JSON', () => {
  it('reads what each prompt was measured at, exactly', () => {
    const b = parseBaseline(
      doc({ monthlyUsd: 14.04792 }, { assumptions: { cacheHitRate: 0.5 }, source: { config: 'tokenomics.yaml' } }),
      'b.json',
      1,
    );
    expect(b.snapshots.get('a')).toEqual({
      model: 'gpt-4o',
      inputTokens: 10,
      cacheableTokens: 0,
      outputTokens: 100,
      callsPerMonth: 3000,
      costPerCall: 4_682_640_000_000n,
      monthly: 14_047_920_000_000_000n,
    });
    expect(b.cacheHitRate).toBe(0.5);
    expect(b.configFile).toBe('tokenomics.yaml');
  });

  it('rejects other documents and other schema versions with a hint', () => {
    expect(() => parseBaseline('{"command": "report"}', 'b.json', 1)).toThrow(/b\.json: not a usable tokenomics check baseline/);
    expect(() => parseBaseline('{', 'b.json', 1)).toThrow(/invalid JSON/);
    expect(() => parseBaseline('{"schemaVersion": 1, "command": "check", "prompts": [{"id": "a"}]}', 'b.json', 1)).toThrow(
      /prompts\[0\]\.current is missing/,
    );
    expect(() => parseBaseline(doc({}, { schemaVersion: 2 }), 'b.json', 1)).toThrow(
      /schemaVersion 2; this tokenomics reads schemaVersion 1/,
    );
    expect(() => parseBaseline(doc({}, { schemaVersion: undefined }), 'b.json', 1)).toThrow(/schemaVersion undefined/);
    expect(() => parseBaseline('{"schemaVersion": 1, "command": "check", "prompts": []}\u0000', 'b.json', 1)).toThrow(/binary/);
  });

  it('rejects numbers out of range: 1e308, negative, fractional token counts, NaN-like strings, cacheable > input', () => {
    const cases: [Record<string, unknown>, RegExp][] = [
      [{ inputTokens: 1e308 }, /inputTokens is out of range/],
      [{ inputTokens: -5 }, /inputTokens is negative/],
      [{ inputTokens: 10.5 }, /whole number of tokens/],
      [{ inputTokens: '10' }, /inputTokens must be a finite number/],
      [{ costPerCallUsd: -0.01 }, /costPerCallUsd is negative/],
      [{ costPerCallUsd: 1e300 }, /costPerCallUsd is out of range/],
      [{ cacheableTokens: 11 }, /cacheableTokens \(11\) exceeds inputTokens \(10\)/],
      [{ staticPrefixTokens: 2.5 }, /staticPrefixTokens must be a whole number/],
    ];
    for (const [current, re] of cases) expect(() => parseBaseline(doc(current), 'b.json', 1), JSON.stringify(current)).toThrow(re);
    expect(() => parseBaseline(doc({}, { assumptions: { cacheHitRate: 3 } }), 'b.json', 1)).toThrow(/cacheHitRate is out of range/);
    const twice = JSON.parse(doc({}));
    twice.prompts.push(twice.prompts[0]);
    expect(() => parseBaseline(JSON.stringify(twice), 'b.json', 1)).toThrow(/"a" appears twice/);
  });
});
