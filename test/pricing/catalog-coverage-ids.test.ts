/**
 * Ids real logs carry that the catalog now covers, and DeepSeek's dated history: each priced at a
 * hand-computed amount on both sides of its period boundaries (the arithmetic is in the comments).
 */
import { describe, expect, it } from 'vitest';
import { componentsOf, Pricer, totalOf } from '../../src/pricing/cost.js';
import { loadCatalog } from '../../src/pricing/load.js';
import { femtoToUsdString } from '../../src/pricing/money.js';
import type { UsageRecord } from '../../src/usage/record.js';
import { usage } from './helpers.js';

const { catalog } = loadCatalog();
const pricer = new Pricer(catalog);
const MTOK = { inputTokens: 1_000_000, outputTokens: 1_000_000 };

function usd(model: string, iso: string, t: Partial<UsageRecord> = MTOK): string | undefined {
  const r = usage(model, { timeMs: Date.parse(iso), timestamp: iso, ...t });
  const card = pricer.cardFor(r);
  return card ? femtoToUsdString(totalOf(componentsOf(r, card.prices))) : undefined;
}

describe('ids seen in real captures', () => {
  it('Claude 3.5 Sonnet, both snapshots, on the Claude API, Vertex and Bedrock (no regional premium)', () => {
    // $3 in + $15 out = $18 per 1M + 1M
    for (const id of [
      'claude-3-5-sonnet-20240620',
      'claude-3-5-sonnet-20241022',
      'claude-3-5-sonnet-v2@20241022',
      'claude-3-5-sonnet@20240620',
      'anthropic.claude-3-5-sonnet-20240620-v1:0',
      'us.anthropic.claude-3-5-sonnet-20241022-v2:0',
    ])
      expect(usd(id, '2024-11-01T10:00:00Z'), id).toBe('18');
    // Claude API 1h cache write $6 (2x input): 1M x 6 = $6
    expect(usd('claude-3-5-sonnet-20241022', '2025-05-01T00:00:00Z', { cacheWrite1hTokens: 1_000_000 })).toBe('6');
    // Vertex regional: older than Sonnet 4.5, no uplift: still $18
    expect(usd('claude-3-5-sonnet-v2@20241022', '2025-05-01T00:00:00Z', { ...MTOK, regional: true, provider: 'google' })).toBe('18');
  });

  it('Bedrock Claude 3 Haiku and Titan Text Express', () => {
    // 0.25 + 1.25 = 1.50
    expect(usd('anthropic.claude-3-haiku-20240307-v1:0', '2025-01-01T00:00:00Z')).toBe('1.5');
    expect(usd('us.anthropic.claude-3-haiku-20240307-v1:0', '2025-01-01T00:00:00Z')).toBe('1.5');
    // 0.20 + 0.60 = 0.80
    expect(usd('amazon.titan-text-express-v1', '2025-01-01T00:00:00Z')).toBe('0.8');
  });

  it('text-embedding-ada-002-v2 (the id the embeddings API returns) and Azure gpt-35-turbo', () => {
    // 1M input x $0.10
    expect(usd('text-embedding-ada-002-v2', '2025-01-01T00:00:00Z', { inputTokens: 1_000_000 })).toBe('0.1');
    // 0.50 + 1.50 = 2
    expect(usd('gpt-35-turbo', '2025-01-01T00:00:00Z')).toBe('2');
    expect(usd('azure/gpt-35-turbo-0125', '2025-01-01T00:00:00Z')).toBe('2');
    // instruct: 1.50 + 2.00
    expect(usd('gpt-35-turbo-instruct', '2025-01-01T00:00:00Z')).toBe('3.5');
  });

  it('older GPT-3.5 / GPT-4 snapshots at their own prices, not the current gpt-3.5-turbo price', () => {
    // 0301 / 0613: 1.50 + 2.00 = 3.5; 16k: 3 + 4 = 7; 1106: 1 + 2 = 3; gpt-4-32k: 60 + 120 = 180
    expect(usd('gpt-3.5-turbo-0301', '2023-05-01T00:00:00Z')).toBe('3.5');
    expect(usd('gpt-3.5-turbo-0613', '2023-08-01T00:00:00Z')).toBe('3.5');
    expect(usd('gpt-35-turbo-16k', '2023-08-01T00:00:00Z')).toBe('7');
    expect(usd('gpt-3.5-turbo-1106', '2024-01-01T00:00:00Z')).toBe('3');
    expect(usd('gpt-4-32k-0613', '2024-01-01T00:00:00Z')).toBe('180');
  });

  it('Gemini 1.5 Pro: unpriced the day before the 2024-10-01 cut; 128K cliff', () => {
    expect(usd('gemini-1.5-pro', '2024-09-30T23:59:59Z')).toBeUndefined();
    // 1M x 1.25 + 1M x 5 would cross 128K; use 100,000 + 100,000: 0.125 + 0.5 = 0.625
    expect(usd('gemini-1.5-pro-002', '2024-10-01T00:00:00Z', { inputTokens: 100_000, outputTokens: 100_000 })).toBe('0.625');
    // exactly 128,000 prompt tokens is not above the threshold: 128,000 x 1.25 / 1M = 0.16
    expect(usd('gemini-1.5-pro', '2025-01-01T00:00:00Z', { inputTokens: 128_000 })).toBe('0.16');
    // 128,001: the whole request at $2.50 / $10: 128,001 x 2.5 / 1M = 0.3200025; + 1,000 x 10 / 1M = 0.01
    expect(usd('gemini-1.5-pro', '2025-01-01T00:00:00Z', { inputTokens: 128_001, outputTokens: 1_000 })).toBe('0.3300025');
  });

  it('Gemini 1.5 Flash: unpriced the day before the 2024-08-12 cut', () => {
    expect(usd('gemini-1.5-flash', '2024-08-11T12:00:00Z', { inputTokens: 100_000, outputTokens: 100_000 })).toBeUndefined();
    // 100,000 x 0.075 / 1M = 0.0075; 100,000 x 0.30 / 1M = 0.03 -> 0.0375
    expect(usd('gemini-1.5-flash-002', '2024-08-12T00:00:00Z', { inputTokens: 100_000, outputTokens: 100_000 })).toBe('0.0375');
  });

  it('mistral-large-latest follows its alias: Large 24.11 ($2/$6) then Large 3 ($0.50/$1.50) from 2025-12-02', () => {
    expect(usd('mistral-large-latest', '2024-11-17T23:59:59Z')).toBeUndefined();
    expect(usd('mistral-large-latest', '2024-11-18T00:00:00Z')).toBe('8');
    expect(usd('mistral-large-latest', '2025-12-01T23:59:59Z')).toBe('8');
    expect(usd('mistral-large-latest', '2025-12-02T00:00:00Z')).toBe('2');
  });
});

describe('DeepSeek dated prices', () => {
  it('deepseek-chat: V3 promotion, list price, night discount, V3.1, V3.2', () => {
    expect(usd('deepseek-chat', '2024-12-25T23:59:59Z')).toBeUndefined();
    expect(pricer.unpricedReason('deepseek-chat')).toBe('no known price before 2024-12-26');
    // promotion: 0.14 + 0.28 = 0.42
    expect(usd('deepseek-chat', '2024-12-26T00:00:00Z')).toBe('0.42');
    expect(usd('deepseek-chat', '2025-02-08T15:59:59Z')).toBe('0.42');
    // from 2025-02-08 16:00 UTC: 0.27 + 1.10 = 1.37
    expect(usd('deepseek-chat', '2025-02-08T16:00:00Z')).toBe('1.37');
    expect(usd('deepseek-chat', '2025-02-26T16:29:59Z')).toBe('1.37');
    // night discount from 2025-02-26 16:30 UTC, half price: 0.135 + 0.55 = 0.685
    expect(usd('deepseek-chat', '2025-02-26T16:30:00Z')).toBe('0.685');
    expect(usd('deepseek-chat', '2025-03-04T00:29:59Z')).toBe('0.685');
    expect(usd('deepseek-chat', '2025-03-04T00:30:00Z')).toBe('1.37');
    // cache hits at night: 1M x 0.035
    expect(usd('deepseek-chat', '2025-03-04T20:00:00Z', { cacheReadTokens: 1_000_000 })).toBe('0.035');
    expect(usd('deepseek-chat', '2025-09-05T15:59:59Z')).toBe('1.37');
    // V3.1 list from 2025-09-05 16:00 UTC, no night discount: 0.56 + 1.68 = 2.24 (also at 20:00)
    expect(usd('deepseek-chat', '2025-09-05T16:00:00Z')).toBe('2.24');
    expect(usd('deepseek-chat', '2025-09-06T20:00:00Z')).toBe('2.24');
    expect(usd('deepseek-chat', '2025-09-28T23:59:59Z')).toBe('2.24');
    // V3.2: 0.28 + 0.42 = 0.70
    expect(usd('deepseek-chat', '2025-09-29T00:00:00Z')).toBe('0.7');
  });

  it('deepseek-reasoner: R1 price since launch, listed night prices (not exactly 25%), then the shared price', () => {
    // R1: 0.55 + 2.19 = 2.74; the first period covers the endpoint since launch
    expect(usd('deepseek-reasoner', '2025-01-19T12:00:00Z')).toBe('2.74');
    expect(usd('deepseek-reasoner', '2025-02-26T16:29:59Z')).toBe('2.74');
    // night window prices: 0.135 + 0.55 = 0.685 (a 0.25 multiplier would give 0.1375 + 0.5475 = 0.685 too, but
    // the cache-hit and output prices differ separately: output alone 1M x 0.55, not 0.5475)
    expect(usd('deepseek-reasoner', '2025-02-26T16:30:00Z', { outputTokens: 1_000_000 })).toBe('0.55');
    expect(usd('deepseek-reasoner', '2025-02-26T16:30:00Z', { inputTokens: 1_000_000 })).toBe('0.135');
    expect(usd('deepseek-reasoner', '2025-02-27T12:00:00Z', { outputTokens: 1_000_000 })).toBe('2.19');
    // from 2025-09-05 16:00 UTC the same as deepseek-chat: 0.56 + 1.68
    expect(usd('deepseek-reasoner', '2025-09-05T16:00:00Z')).toBe('2.24');
  });
});

describe('-latest aliases (docs/pricing.md, Model ids): a moving alias is priced only where its history is known', () => {
  it('a -latest name the catalog does not list is unpriced, not priced as the snapshot family it resembles', () => {
    // gpt-4o-latest would have been gpt-4o at $2.50 / $10, but gpt-4o-2024-05-13 was $5 / $15: no single price is right
    for (const id of ['gpt-4o-latest', 'o3-latest', 'claude-sonnet-5-latest', 'claude-sonnet-4@latest', 'grok-latest'])
      expect(catalog.resolve(id), id).toBeUndefined();
    // Google's and OpenAI's rolling aliases: the model behind them changed with no dated history in the catalog
    for (const id of ['gemini-flash-latest', 'gemini-flash-lite-latest', 'gemini-pro-latest', 'chatgpt-4o-latest'])
      expect(catalog.resolve(id), id).toBeUndefined();
  });

  it('listed -latest aliases whose every target had one price stay priced', () => {
    // claude-3-5-sonnet-latest moved from 20240620 to 20241022, both $3 / $15: 3 + 15 = 18
    expect(usd('claude-3-5-sonnet-latest', '2024-07-01T00:00:00Z')).toBe('18');
    expect(usd('claude-3-5-sonnet-latest', '2025-03-01T00:00:00Z')).toBe('18');
    // gemini-1.5-pro-latest follows the entry's own dates: unpriced before the 2024-10-01 cut, then 100,000 x 1.25 +
    // 100,000 x 5 = 0.125 + 0.5 = 0.625
    expect(usd('gemini-1.5-pro-latest', '2024-09-30T12:00:00Z', { inputTokens: 100_000, outputTokens: 100_000 })).toBeUndefined();
    expect(usd('gemini-1.5-pro-latest', '2024-10-01T00:00:00Z', { inputTokens: 100_000, outputTokens: 100_000 })).toBe('0.625');
  });

  it('codestral-latest: unpriced while it was Codestral 24.05 (prices not sourced), $0.30 / $0.90 from 2025-08-01', () => {
    expect(usd('codestral-latest', '2024-06-01T00:00:00Z')).toBeUndefined();
    expect(usd('codestral-latest', '2025-07-31T23:59:59Z')).toBeUndefined();
    expect(pricer.unpricedReason('codestral-latest')).toBe('no known price before 2025-08-01');
    // 1M x 0.30 + 1M x 0.90 = 1.2
    expect(usd('mistral/codestral-latest', '2025-08-01T00:00:00Z')).toBe('1.2');
    // the dated id keeps its own single price: 1.2 in 2025-02 as well
    expect(usd('codestral-2501', '2025-02-01T00:00:00Z')).toBe('1.2');
  });
});

// u$ = micro-dollars (1e-6 USD); one request each, as Bedrock, LiteLLM, Vertex and OpenRouter log the id.
describe('Claude 5.x ids as Bedrock, LiteLLM, Vertex and OpenRouter write them', () => {
  const SONNET_REQ = { inputTokens: 12_000, cacheReadTokens: 40_000, cacheWrite5mTokens: 3_000, outputTokens: 1_500 };

  it('Bedrock Claude Sonnet 5.5: global profile at list price, geo profile and ARN +10%, cache-read cut on 2026-10-07', () => {
    // 12,000 x 2 = 24,000 u$; 40,000 x 0.10 = 4,000 u$; 3,000 x 2.50 = 7,500 u$; 1,500 x 10 = 15,000 u$ -> 50,500 u$
    expect(usd('global.anthropic.claude-sonnet-5-5', '2026-11-02T09:00:00Z', SONNET_REQ)).toBe('0.0505');
    // us. profile: 50,500 x 1.1 = 55,550 u$
    expect(usd('us.anthropic.claude-sonnet-5-5', '2026-11-02T09:00:00Z', SONNET_REQ)).toBe('0.05555');
    const arn = 'arn:aws:bedrock:us-east-1:123456789012:inference-profile/us.anthropic.claude-sonnet-5-5';
    expect(usd(arn, '2026-11-02T09:00:00Z', SONNET_REQ)).toBe('0.05555');
    // before the cut, cache reads at 0.20: 40,000 x 0.20 = 8,000 u$ -> 24,000 + 8,000 + 7,500 + 15,000 = 54,500 u$
    expect(usd('global.anthropic.claude-sonnet-5-5-v1:0', '2026-10-06T23:59:59Z', SONNET_REQ)).toBe('0.0545');
  });

  it('Bedrock Claude Haiku 5.5 (LiteLLM bedrock/converse/ prefix, ARN), and its 100K whole-request cliff', () => {
    // 20,000 x 0.10 = 2,000 u$; 1,000 x 0.50 = 500 u$ -> 2,500 u$
    const small = { inputTokens: 20_000, outputTokens: 1_000 };
    expect(usd('bedrock/converse/global.anthropic.claude-haiku-5-5', '2026-11-02T09:00:00Z', small)).toBe('0.0025');
    // geo profile in an ARN: 2,500 x 1.1 = 2,750 u$
    const arn = 'arn:aws:bedrock:eu-west-1:123456789012:inference-profile/eu.anthropic.claude-haiku-5-5';
    expect(usd(arn, '2026-11-02T09:00:00Z', small)).toBe('0.00275');
    // prompt of exactly 100,000 (90,000 + 10,000 read) is not over: 9,000 + 10,000 x 0.01 = 100 + 1,000 x 0.5 = 500 -> 9,600 u$
    const at = { inputTokens: 90_000, cacheReadTokens: 10_000, outputTokens: 1_000 };
    expect(usd('global.anthropic.claude-haiku-5-5', '2026-11-02T09:00:00Z', at)).toBe('0.0096');
    // 100,001: every token at 5x: 90,000 x 0.5 = 45,000; 10,001 x 0.05 = 500.05; 1,000 x 2.5 = 2,500 -> 48,000.05 u$
    const over = { ...at, cacheReadTokens: 10_001 };
    expect(usd('global.anthropic.claude-haiku-5-5', '2026-11-02T09:00:00Z', over)).toBe('0.04800005');
  });

  it('Vertex AI names (dated @ snapshots, bare ids, resource paths) price as the Claude API, +10% on regional endpoints', () => {
    // claude-sonnet-5@20260630: 10,000 x 2 = 20,000 u$ + 1,000 x 10 = 10,000 u$ -> 30,000 u$
    const req = { inputTokens: 10_000, outputTokens: 1_000 };
    expect(usd('claude-sonnet-5@20260630', '2026-08-01T00:00:00Z', req)).toBe('0.03');
    // a regional Vertex endpoint: 30,000 x 1.1 = 33,000 u$
    expect(usd('claude-sonnet-5@20260630', '2026-08-01T00:00:00Z', { ...req, provider: 'google', regional: true })).toBe('0.033');
    // Sonnet 5.5 by its bare Vertex id after the cut: 10,000 x 2 + 1,000 x 10 = 30,000 u$
    expect(usd('vertex_ai/claude-sonnet-5-5', '2026-11-02T00:00:00Z', req)).toBe('0.03');
    // Haiku 5.5 by its full resource path: 10,000 x 0.10 = 1,000 u$ + 1,000 x 0.50 = 500 u$ -> 1,500 u$
    const path = 'projects/acme/locations/global/publishers/anthropic/models/claude-haiku-5-5';
    expect(usd(path, '2026-11-02T00:00:00Z', req)).toBe('0.0015');
  });

  it('OpenRouter dotted names', () => {
    // claude-haiku-5.5: 1,500 u$ as above; claude-opus-5.5: 10,000 x 4 = 40,000 + 1,000 x 20 = 20,000 -> 60,000 u$
    const req = { inputTokens: 10_000, outputTokens: 1_000 };
    expect(usd('openrouter/anthropic/claude-haiku-5.5', '2026-11-02T00:00:00Z', req)).toBe('0.0015');
    expect(usd('anthropic/claude-opus-5.5', '2026-11-02T00:00:00Z', req)).toBe('0.06');
  });
});

describe('Grok 4 Fast long-context tier (prompts of 128K tokens or more)', () => {
  it('below 128K at $0.20 / $0.50; from 128,000 prompt tokens every token at $0.40 / $1.00, cached input $0.05', () => {
    // 127,999 x 0.20 = 25,599.8 u$; 1,000 x 0.50 = 500 u$ -> 26,099.8 u$
    expect(usd('xai/grok-4-fast', '2025-11-01T00:00:00Z', { inputTokens: 127_999, outputTokens: 1_000 })).toBe('0.0260998');
    // exactly 128,000 (100,000 + 28,000 cached) is in the tier (">="): 100,000 x 0.40 = 40,000; 28,000 x 0.05 = 1,400;
    // 1,000 x 1.00 = 1,000 -> 42,400 u$
    const atThreshold = { inputTokens: 100_000, cacheReadTokens: 28_000, outputTokens: 1_000 };
    expect(usd('x-ai/grok-4-fast', '2025-11-01T00:00:00Z', atThreshold)).toBe('0.0424');
    expect(usd('grok-4-fast-non-reasoning', '2025-11-01T00:00:00Z', atThreshold)).toBe('0.0424');
  });
});

describe('Gemini 2.5 Flash-Lite cache reads: 25% of input in 2025 copies of the page, 10% from 2025-10-31', () => {
  const req = { inputTokens: 10_000, cacheReadTokens: 200_000, outputTokens: 500 };
  it('a cache-heavy request before and after the change, as LiteLLM, Vertex and OpenRouter name the model', () => {
    // 10,000 x 0.10 = 1,000 u$; 200,000 x 0.025 = 5,000 u$; 500 x 0.40 = 200 u$ -> 6,200 u$
    expect(usd('gemini/gemini-2.5-flash-lite', '2025-08-01T00:00:00Z', req)).toBe('0.0062');
    expect(usd('gemini-2.5-flash-lite-preview-06-17', '2025-06-20T00:00:00Z', req)).toBe('0.0062');
    // from 2025-10-31: 200,000 x 0.01 = 2,000 u$ -> 1,000 + 2,000 + 200 = 3,200 u$
    const vertex = 'projects/acme/locations/us-central1/publishers/google/models/gemini-2.5-flash-lite';
    expect(usd(vertex, '2025-10-31T00:00:00Z', req)).toBe('0.0032');
    expect(usd('openrouter/google/gemini-2.5-flash-lite', '2026-11-02T00:00:00Z', req)).toBe('0.0032');
  });
});
