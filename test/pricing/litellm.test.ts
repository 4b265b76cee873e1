import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { componentsOf, Pricer, totalOf } from '../../src/pricing/cost.js';
import { importLiteLlm, isLiteLlmPriceMap } from '../../src/pricing/litellm.js';
import { loadCatalog } from '../../src/pricing/load.js';
import { femtoToUsdString } from '../../src/pricing/money.js';
import { usage } from './helpers.js';

const FILE = 'fixtures/prices/litellm-sample.json';
const doc = JSON.parse(readFileSync(FILE, 'utf8')) as Record<string, unknown>;

describe('LiteLLM price map import', () => {
  it('recognises the format and maps fields per token -> per MTok exactly', () => {
    expect(isLiteLlmPriceMap(doc)).toBe(true);
    expect(isLiteLlmPriceMap({ models: [] })).toBe(false);
    const { models, skipped } = importLiteLlm(doc, '2026-11-20', 'sample.json');
    const byId = Object.fromEntries(models.map((m) => [m.id, m]));
    expect(byId['claude-sonnet-4-5'].prices[0]).toMatchObject({
      inputPerMTok: 3,
      outputPerMTok: 15,
      cacheReadPerMTok: 0.3,
      cacheWrite5mPerMTok: 3.75,
      cacheWrite1hPerMTok: 6,
      tiers: [
        {
          threshold: 200000,
          operator: '>',
          rule: 'whole-request',
          counts: 'prompt',
          prices: { inputPerMTok: 6, outputPerMTok: 22.5, cacheReadPerMTok: 0.6, cacheWrite5mPerMTok: 7.5, cacheWrite1hPerMTok: 6 },
        },
      ],
    });
    // batch halves input and output and lists no cache price: a 0.5 multiplier (so cached tokens halve too)
    expect(byId['gpt-4o'].prices[0].batch).toEqual({ multiplier: 0.5 });
    expect(byId['gpt-4o'].prices[0].priority).toEqual({ inputPerMTok: 4.25, outputPerMTok: 17, cacheReadPerMTok: 2.125 });
    expect(byId['gemini/gemini-2.5-pro'].provider).toBe('google');
    // float artifacts in the source round away at 1e-9 $/MTok
    expect(byId['acme-weird'].prices[0].inputPerMTok).toBe(1.35);
    expect(byId['claude-sonnet-4-5'].contextWindow).toBe(200000);
    // image and audio entries have no per-token text prices: counted and reported, not fatal
    expect(skipped.map((s) => s.key).sort()).toEqual(['dall-e-3', 'whisper-1']);
  });

  it('a price field that is not a price (negative, a word) skips its entry with that said, never a wrong reason or a dropped cache price', () => {
    const { models, skipped } = importLiteLlm(
      {
        'neg-input': { input_cost_per_token: -1e-6, output_cost_per_token: 2e-6, litellm_provider: 'openai' },
        // before: the bad cache read was dropped and the model imported, its cache reads then priced as if unlisted
        'neg-cache-read': { input_cost_per_token: 1e-6, output_cost_per_token: 2e-6, cache_read_input_token_cost: -1e-7 },
        'word-output': { input_cost_per_token: 1e-6, output_cost_per_token: 'free' },
        // null is an absent field (LiteLLM writes null for unknown prices): imported without a cache read price
        'null-cache': { input_cost_per_token: 1e-6, output_cost_per_token: 2e-6, cache_read_input_token_cost: null },
      },
      '2026-12-05',
      'bad.json',
    );
    expect(models.map((m) => m.id)).toEqual(['null-cache']);
    expect(models[0].prices[0]).toEqual({ inputPerMTok: 1, outputPerMTok: 2 });
    expect(skipped).toEqual([
      { key: 'neg-input', reason: 'input_cost_per_token is -0.000001: not a price (negative or not a number)', badPrice: true },
      { key: 'neg-cache-read', reason: 'cache_read_input_token_cost is -1e-7: not a price (negative or not a number)', badPrice: true },
      { key: 'word-output', reason: 'output_cost_per_token is "free": not a price (negative or not a number)', badPrice: true },
    ]);
  });

  it('prices logged requests through an imported map (overriding the bundled entries)', () => {
    const { catalog, report } = loadCatalog({ priceFiles: [FILE] });
    expect(report.litellmSkipped).toHaveLength(2);
    expect(report.sources.find((s) => s.label.startsWith('litellm:'))).toMatchObject({ entries: 5, skipped: 2 });
    const pricer = new Pricer(catalog, { defaultMs: Date.parse('2026-11-01') });
    const cost = (model: string, t: Parameters<typeof usage>[1]) => {
      const r = usage(model, t);
      const card = pricer.cardFor(r)!;
      expect(card.entry.origin).toBe(`litellm:${FILE}`);
      return femtoToUsdString(totalOf(componentsOf(r, card.prices)));
    };
    // the snapshot id logged by the API resolves to the imported entry (it took over the bundled aliases):
    // 1000*3 + 2000*0.3 + 1000*6 (1h write) + 500*15 = 3000 + 600 + 6000 + 7500 = 17,100 u$
    expect(
      cost('claude-sonnet-4-5-20250929', { inputTokens: 1000, cacheReadTokens: 2000, cacheWrite1hTokens: 1000, outputTokens: 500 }),
    ).toBe('0.0171');
    // above 200K (201,000 prompt tokens): 201000*6 + 1000*22.5 = 1,206,000 + 22,500 u$
    expect(cost('claude-sonnet-4-5', { inputTokens: 201_000, outputTokens: 1000 })).toBe('1.2285');
    // batch: (1000*2.5 + 1000*1.25 + 1000*10) * 0.5 = 6,875 u$
    expect(cost('gpt-4o', { inputTokens: 1000, cacheReadTokens: 1000, outputTokens: 1000, serviceTier: 'batch' })).toBe('0.006875');
    // priority: 1000*4.25 + 1000*2.125 + 1000*17 = 23,375 u$
    expect(cost('gpt-4o', { inputTokens: 1000, cacheReadTokens: 1000, outputTokens: 1000, serviceTier: 'priority' })).toBe('0.023375');
    // the provider prefix in the key is normalised, so the bare id resolves too
    expect(cost('gemini-2.5-pro', { inputTokens: 1000, outputTokens: 100 })).toBe('0.00225');
  });
});
