import { describe, expect, it } from 'vitest';
import type { UserError } from '../../src/core/issues.js';
import { applySets, parseSet } from '../../src/whatif/setpath.js';
import { doc, run, usd } from './helpers.js';

const base = () => ({
  version: 1,
  product: { name: 'T', pricePoint: { perSeatUsd: 10, seats: 100 } },
  features: { chat: { model: 'm', requestsPerMonth: 1, inputTokens: { p50: 1, p90: 2 }, outputTokens: 3 } },
});

function errorOf(fn: () => unknown): UserError {
  try {
    fn();
  } catch (err) {
    return err as UserError;
  }
  throw new Error('expected an error');
}

describe('--set', () => {
  it('parses numbers as numbers, strings as strings and flow mappings as distributions', () => {
    expect(parseSet('features.chat.outputTokens=400')).toMatchObject({ path: ['features', 'chat', 'outputTokens'], value: 400 });
    expect(parseSet('features.chat.model=gpt-4o-mini').value).toBe('gpt-4o-mini');
    expect(parseSet('features.chat.inputTokens={p50: 300, p90: 900}').value).toEqual({ p50: 300, p90: 900 });
  });

  it('sets existing and new keys, including a distribution parameter and a new route', () => {
    const d = applySets(
      base(),
      ['features.chat.outputTokens=400', 'features.chat.inputTokens.p90=5', 'features.chat.route.share=0.5'].map(parseSet),
    ) as ReturnType<typeof base>;
    expect(d.features.chat).toMatchObject({ outputTokens: 400, inputTokens: { p50: 1, p90: 5 }, route: { share: 0.5 } });
  });

  it('refuses unknown keys with the valid keys at that level', () => {
    const e = errorOf(() => applySets(base(), [parseSet('features.chat.outputTokns=400')]));
    expect(e.message).toBe('--set: unknown key "outputTokns" at features.chat');
    expect(e.hint).toMatch(/^did you mean features\.chat\.outputTokens\? valid keys at features\.chat: model, requestsPerMonth, /);
  });

  it('refuses unknown features with the feature names', () => {
    const e = errorOf(() => applySets(base(), [parseSet('features.chta.outputTokens=400')]));
    expect(e.message).toBe('--set: unknown feature "chta" at features');
    expect(e.hint).toBe('did you mean features.chat? valid features at features: chat');
  });

  it('refuses a key under a plain number', () => {
    const e = errorOf(() => applySets(base(), [parseSet('features.chat.outputTokens.p90=4')]));
    expect(e.message).toBe('--set: features.chat.outputTokens is 3, not a mapping');
    expect(e.hint).toBe("set the whole value instead, e.g. --set 'features.chat.outputTokens={p50: 300, p90: 900}'");
  });

  it('changes the evaluated numbers', () => {
    const text = doc('    inputTokens: 1000\n    outputTokens: 500\n');
    // outputTokens 500 -> 400: 1000 x $1/M + 400 x $4/M = $0.0026 per request; x 10,000 = $26
    expect(run(text, ['features.chat.outputTokens=400']).evaluation.totals.cost).toBe(usd('26'));
  });
});
