import { describe, expect, it } from 'vitest';
import { isoString, providerFromModel } from '../../../src/ingest/adapters/util.js';

describe('hot-path helpers', () => {
  it('isoString equals Date#toISOString, including across second boundaries', () => {
    let x = 1_790_812_800_000;
    for (let i = 0; i < 5000; i++) {
      x += (i * 7919) % 1733; // irregular steps, some within the same second
      expect(isoString(x)).toBe(new Date(x).toISOString());
    }
    for (const ms of [Date.UTC(2026, 0, 1), Date.UTC(2026, 0, 1) - 1, Date.UTC(2028, 1, 29, 23, 59, 59, 999)])
      expect(isoString(ms)).toBe(new Date(ms).toISOString());
  });

  it('memoised provider inference keeps the fallback per call', () => {
    expect(providerFromModel('claude-sonnet-4-5')).toBe('anthropic');
    expect(providerFromModel('my-model', 'bedrock')).toBe('bedrock');
    expect(providerFromModel('my-model')).toBe('openai');
  });
});
