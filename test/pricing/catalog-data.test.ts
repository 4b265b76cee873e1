import { describe, expect, it } from 'vitest';
import { Pricer, componentsOf, totalOf } from '../../src/pricing/cost.js';
import { loadBundledEntries, loadCatalog } from '../../src/pricing/load.js';
import { femtoToUsdString, priceToUsdPerMTok } from '../../src/pricing/money.js';
import { periodAt } from '../../src/pricing/catalog.js';
import { usage } from './helpers.js';

const { catalog } = loadCatalog();
const price = (model: string, date = '2026-11-23') => {
  const res = catalog.resolve(model);
  if (!res) throw new Error(`unresolved ${model}`);
  const p = periodAt(res.entry, Date.parse(date)).period.standard;
  return {
    id: res.entry.id,
    in: priceToUsdPerMTok(p.input),
    read: priceToUsdPerMTok(p.cacheRead),
    w5m: priceToUsdPerMTok(p.cacheWrite5m),
    w1h: priceToUsdPerMTok(p.cacheWrite1h),
    out: priceToUsdPerMTok(p.output),
  };
};

describe('bundled catalog', () => {
  it('loads, validates, and covers at least 60 sourced entries across the required providers', () => {
    const entries = loadBundledEntries();
    expect(entries.length).toBeGreaterThanOrEqual(60);
    const providers = new Set(entries.map((e) => e.provider));
    for (const p of ['openai', 'anthropic', 'google', 'bedrock', 'mistral', 'deepseek', 'xai']) expect(providers).toContain(p);
    for (const e of entries) {
      expect(e.source, e.id).toBeTruthy();
      expect(e.checkedAt, e.id).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    }
  });

  it('has no id or alias claimed by two entries', () => {
    const seen = new Map<string, string>();
    for (const e of loadBundledEntries()) {
      for (const key of [e.id, ...e.aliases].map((k) => k.toLowerCase())) {
        expect(seen.get(key), `${key} in ${e.id} and ${seen.get(key)}`).toBeUndefined();
        seen.set(key, e.id);
      }
    }
  });

  it("matches the providers' list prices (each entry cites its source)", () => {
    expect(price('gpt-4o-2024-08-06')).toMatchObject({ id: 'gpt-4o', in: 2.5, read: 1.25, out: 10 });
    expect(price('gpt-4.1-mini')).toMatchObject({ in: 0.4, read: 0.1, out: 1.6 });
    expect(price('gpt-5-mini')).toMatchObject({ in: 0.25, read: 0.025, out: 2 });
    expect(price('claude-haiku-4-5')).toMatchObject({ in: 1, read: 0.1, w5m: 1.25, w1h: 2, out: 5 });
    expect(price('claude-opus-4-1')).toMatchObject({ in: 15, read: 1.5, w5m: 18.75, w1h: 30, out: 75 });
    expect(price('gemini-2.5-pro')).toMatchObject({ in: 1.25, read: 0.125, out: 10 });
    expect(price('us.anthropic.claude-sonnet-4-5-20250929-v1:0')).toMatchObject({ in: 3, out: 15 });
  });

  it('encodes the dated price changes (docs/pricing.md, Effective dates)', () => {
    expect(price('o3', '2025-06-09')).toMatchObject({ in: 10, out: 40 });
    expect(price('o3', '2025-06-10')).toMatchObject({ in: 2, out: 8 });
    expect(price('gpt-5.6-luna', '2026-07-29')).toMatchObject({ in: 1, out: 6 });
    expect(price('gpt-5.6-luna', '2026-07-30')).toMatchObject({ in: 0.2, out: 1.2 });
    expect(price('gemini-4-carbon', '2026-11-30')).toMatchObject({ in: 2, out: 10 });
    expect(price('gemini-4-carbon', '2026-12-01')).toMatchObject({ in: 4, read: 0.2, out: 20 });
  });

  it('prices a Sonnet 4.5 request across the 200K cliff and a geo Bedrock profile with the 10% uplift', () => {
    const pricer = new Pricer(catalog, { defaultMs: Date.parse('2026-11-01') });
    const cost = (model: string, t: Parameters<typeof usage>[1]) => {
      const r = usage(model, t);
      return femtoToUsdString(totalOf(componentsOf(r, pricer.cardFor(r)!.prices)));
    };
    // 200,001 prompt tokens (100,001 uncached + 100,000 cache read) + 1,000 output, whole request at 6 / 0.60 / 22.50:
    // 100001*6 + 100000*0.6 + 1000*22.5 = 600,006 + 60,000 + 22,500 = 682,506 u$
    expect(cost('claude-sonnet-4-5', { inputTokens: 100_001, cacheReadTokens: 100_000, outputTokens: 1000 })).toBe('0.682506');
    // us. geo profile on Bedrock, Sonnet 4.5: (1000*3 + 1000*15) * 1.1 = 19,800 u$
    expect(cost('us.anthropic.claude-sonnet-4-5-20250929-v1:0', { inputTokens: 1000, outputTokens: 1000 })).toBe('0.0198');
  });

  it('keeps an exact snapshot entry ahead of a snapshot-suffix match', () => {
    expect(catalog.resolve('gpt-4o-2024-05-13')?.entry.id).toBe('gpt-4o-2024-05-13');
    expect(catalog.resolve('gpt-4o-2024-11-20')?.entry.id).toBe('gpt-4o');
  });
});
