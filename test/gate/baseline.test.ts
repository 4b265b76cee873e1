import { describe, expect, it } from 'vitest';
import { parseBaseline } from '../../src/gate/baseline.js';

describe('baseline JSON', () => {
  it('reads current costs by prompt id, exactly', () => {
    const m = parseBaseline(JSON.stringify({ command: 'check', prompts: [{ id: 'a', model: 'gpt-4o', current: { inputTokens: 10, cacheableTokens: 0, costPerCallUsd: 0.00468264 } }] }), 'b.json');
    expect(m.get('a')).toEqual({ model: 'gpt-4o', inputTokens: 10, cacheableTokens: 0, costPerCall: 4_682_640_000_000n });
  });
  it('rejects other documents with a hint', () => {
    expect(() => parseBaseline('{"command": "report"}', 'b.json')).toThrow(/b\.json: not a tokenomics check baseline/);
    expect(() => parseBaseline('{', 'b.json')).toThrow(/invalid JSON/);
    expect(() => parseBaseline('{"command": "check", "prompts": [{"id": "a"}]}', 'b.json')).toThrow(/prompts\[0\] needs id/);
  });
});
