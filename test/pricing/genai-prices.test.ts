/**
 * Coverage and price check against an independent reference, @pydantic/genai-prices (a dev
 * dependency, pinned; its price data ships inside the package, so the test needs no network).
 *
 * 1. Every chat / embedding model id that genai-prices prices per text token, for the providers in
 *    our catalog, is priced by our catalog or listed in genai-prices/unpriced.yaml with the reason.
 * 2. For every id both price, each bucket (input, output, cache read, 5-minute and 1-hour cache
 *    write) costs the same in both at the reference time, or the difference is in DIFFERENCES below,
 *    which says which side is right and why. A new or vanished difference fails the test.
 *
 * Prices are compared on 100,000 tokens per bucket (below every long-context threshold), genai-prices
 * computing its own figure with its own engine (calcPrice), ours through the Pricer.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { calcPrice, findProvider, type ModelInfo, type Usage } from '@pydantic/genai-prices';
import { parse } from 'yaml';
import type { Catalog } from '../../src/pricing/catalog.js';
import { componentsOf, Pricer, totalOf } from '../../src/pricing/cost.js';
import { loadCatalog } from '../../src/pricing/load.js';
import type { UsageRecord } from '../../src/usage/record.js';
import { catalogOf, usage } from './helpers.js';

/** genai-prices provider ids for the providers in our catalog (aws = our bedrock, xai = our xai). */
const PROVIDERS = ['openai', 'anthropic', 'google', 'aws', 'deepseek', 'mistral', 'xai'];
/** genai-prices 0.1.8 was published 2026-09-23; midday UTC is inside its DeepSeek daytime window. */
const AT = '2026-09-23T12:00:00Z';
const N = 100_000;

/** genai-prices ids that are labels rather than ids a log carries: the log id both sides are asked for. */
const LOG_ID: Record<string, string> = {
  'aws/global.anthropic.claude-opus-4-5-v1:0': 'global.anthropic.claude-opus-4-5-20251101-v1:0',
  'aws/regional.anthropic.claude-opus-4-5-v1:0': 'us.anthropic.claude-opus-4-5-20251101-v1:0',
  'openai/gpt-3.5-0301': 'gpt-3.5-turbo-0301',
  'google/claude-4-opus': 'claude-opus-4@20250514',
  'google/claude-4-sonnet': 'claude-sonnet-4@20250514',
  'mistral/mistral-medium-3-1': 'mistral-medium-2508',
  'mistral/mistral-large': 'mistral-large-2411',
  'mistral/codestral': 'codestral-2501',
  'mistral/magistral-medium': 'magistral-medium-2509',
  'mistral/magistral-small': 'magistral-small-2509',
  'mistral/pixtral-large': 'pixtral-large-2411',
  'mistral/ministral-8b': 'ministral-8b-2410',
};
/** Ids logs carry that genai-prices has no model entry for under that name, checked on both sides too. */
const PROBES: Array<[provider: string, logId: string]> = [
  ['aws', 'apac.amazon.nova-2-lite-v1:0'],
  ['aws', 'apac.amazon.nova-pro-v1:0'],
  ['aws', 'us.anthropic.claude-haiku-4-5-20251001-v1:0'],
  ['aws', 'us.anthropic.claude-sonnet-4-5-20250929-v1:0'],
];

function logIdOf(provider: string, id: string): string {
  return LOG_ID[`${provider}/${id}`] ?? (id.startsWith('regional.') ? `us.${id.slice('regional.'.length)}` : id);
}

type Bucket = 'input' | 'output' | 'cacheRead' | 'cacheWrite5m' | 'cacheWrite1h';
const BUCKETS: Array<[Bucket, Usage, Partial<UsageRecord>]> = [
  ['input', { input_tokens: N }, { inputTokens: N }],
  ['output', { output_tokens: N }, { outputTokens: N }],
  // genai-prices counts cached and written tokens inside input_tokens; ours keeps buckets disjoint
  ['cacheRead', { input_tokens: N, cache_read_tokens: N }, { cacheReadTokens: N }],
  ['cacheWrite5m', { input_tokens: N, cache_write_tokens: N }, { cacheWrite5mTokens: N }],
  ['cacheWrite1h', { input_tokens: N, cache_write_tokens: N, cache_write_1h_tokens: N }, { cacheWrite1hTokens: N }],
];

/** USD per MTok, to 9 decimals (genai-prices computes in floats). */
const perMTok = (usdFor100k: number) => Math.round(usdFor100k * 10 * 1e9) / 1e9;

function textPriced(m: ModelInfo): boolean {
  const sets = Array.isArray(m.prices) ? m.prices.map((c) => c.prices) : [m.prices];
  return sets.some((s) => s.input_mtok !== undefined);
}

interface Compared {
  covered: string[];
  unpriced: string[];
  /** `provider/id bucket` -> [ours, theirs] USD per MTok (null: that side has no price), every bucket compared. */
  values: Map<string, [number | null, number | null]>;
  /** The entries of `values` where the two differ. */
  differences: Map<string, [number | null, number | null]>;
}

function compare(catalog: Catalog): Compared {
  const pricer = new Pricer(catalog);
  const out: Compared = { covered: [], unpriced: [], values: new Map(), differences: new Map() };
  const check = (provider: string, key: string, logId: string) => {
    for (const [bucket, theirsUsage, oursUsage] of BUCKETS) {
      const g = calcPrice(theirsUsage, logId, { providerId: provider, timestamp: new Date(AT) });
      const r = usage(logId, { timeMs: Date.parse(AT), ...oursUsage });
      const card = pricer.cardFor(r);
      const ours = card ? perMTok(Number(totalOf(componentsOf(r, card.prices))) / 1e15) : null;
      const theirs = g ? perMTok(g.total_price) : null;
      out.values.set(`${key} ${bucket}`, [ours, theirs]);
      if (ours !== theirs) out.differences.set(`${key} ${bucket}`, [ours, theirs]);
    }
  };
  for (const provider of PROVIDERS) {
    const p = findProvider({ providerId: provider });
    if (!p) throw new Error(`genai-prices has no provider ${provider}`);
    for (const m of p.models) {
      if (!textPriced(m)) continue;
      const key = `${provider}/${m.id}`;
      const logId = logIdOf(provider, m.id);
      if (!catalog.resolve(logId)) {
        out.unpriced.push(key);
        continue;
      }
      out.covered.push(key);
      check(provider, key, logId);
    }
  }
  for (const [provider, logId] of PROBES) check(provider, `${provider}/${logId} (probe)`, logId);
  return out;
}

type Verdict = 'ours' | 'theirs';
interface Difference {
  key: string;
  ours: number | null;
  theirs: number | null;
  right: Verdict;
  why: string;
}

/** Every price that differs from genai-prices 0.1.8, USD per MTok, with which side is right and why. */
const DIFFERENCES: Difference[] = [
  // "deepseek-chat today": genai-prices keeps DeepSeek's Feb-Sep 2025 list ($0.27 / hit $0.07 / $1.10 by day,
  // half at night; reasoner $0.55 / $0.14 / $2.19). DeepSeek replaced it on 2025-09-05 16:00 UTC (V3.1), cut it
  // on 2025-09-29 (V3.2), mapped both endpoints to V4 Flash from 2026-04-24 and cut cache hits to a tenth on
  // 2026-04-26 (api-docs.deepseek.com/quick_start/pricing and its 2025 copies); the catalog dates each step.
  {
    key: 'deepseek/deepseek-chat input',
    ours: 0.14,
    theirs: 0.27,
    right: 'ours',
    why: 'V4 Flash price since 2026-04-24; genai-prices has the 2025 list',
  },
  { key: 'deepseek/deepseek-chat output', ours: 0.28, theirs: 1.1, right: 'ours', why: 'V4 Flash price since 2026-04-24' },
  { key: 'deepseek/deepseek-chat cacheRead', ours: 0.0028, theirs: 0.07, right: 'ours', why: 'cache hits one tenth since 2026-04-26' },
  {
    key: 'deepseek/deepseek-chat cacheWrite5m',
    ours: 0.14,
    theirs: 0.27,
    right: 'ours',
    why: 'no write fee: writes bill as input on both sides, at different input prices',
  },
  { key: 'deepseek/deepseek-chat cacheWrite1h', ours: 0.14, theirs: 0.27, right: 'ours', why: 'writes bill as input' },
  {
    key: 'deepseek/deepseek-reasoner input',
    ours: 0.14,
    theirs: 0.55,
    right: 'ours',
    why: 'one price for both endpoints since 2025-09-05; genai-prices has the R1 list of early 2025',
  },
  { key: 'deepseek/deepseek-reasoner output', ours: 0.28, theirs: 2.19, right: 'ours', why: 'as deepseek-chat since 2025-09-05' },
  { key: 'deepseek/deepseek-reasoner cacheRead', ours: 0.0028, theirs: 0.14, right: 'ours', why: 'as deepseek-chat since 2025-09-05' },
  { key: 'deepseek/deepseek-reasoner cacheWrite5m', ours: 0.14, theirs: 0.55, right: 'ours', why: 'writes bill as input' },
  { key: 'deepseek/deepseek-reasoner cacheWrite1h', ours: 0.14, theirs: 0.55, right: 'ours', why: 'writes bill as input' },
  // Gemini 1.5 Pro context-cache reads: the Gemini pricing page listed $0.3125 (<=128K); genai-prices' entry
  // for the id gemini-1.5-pro has no cache price, so it bills cached tokens as input (its gemini-pro-1.5
  // entry has $0.3125).
  {
    key: 'google/gemini-1.5-pro cacheRead',
    ours: 0.3125,
    theirs: 1.25,
    right: 'ours',
    why: 'cache price missing from that genai-prices entry',
  },
  // "Nova in apac. regions": genai-prices matches the Nova 2 Lite geo profiles us./eu./jp. (its regional row,
  // +10%) but not apac., so it cannot price an apac. id at all. The apac. profile is a geo profile like the
  // others, priced +10% over global (aws.amazon.com/bedrock/pricing).
  {
    key: 'aws/apac.amazon.nova-2-lite-v1:0 (probe) input',
    ours: 0.33,
    theirs: null,
    right: 'ours',
    why: 'apac. is a geo profile: $0.30 x 1.1',
  },
  { key: 'aws/apac.amazon.nova-2-lite-v1:0 (probe) output', ours: 2.75, theirs: null, right: 'ours', why: '$2.50 x 1.1' },
  { key: 'aws/apac.amazon.nova-2-lite-v1:0 (probe) cacheRead', ours: 0.0825, theirs: null, right: 'ours', why: '$0.075 x 1.1' },
  {
    key: 'aws/apac.amazon.nova-2-lite-v1:0 (probe) cacheWrite5m',
    ours: 0.33,
    theirs: null,
    right: 'ours',
    why: 'Nova has no write fee: writes bill as input',
  },
  {
    key: 'aws/apac.amazon.nova-2-lite-v1:0 (probe) cacheWrite1h',
    ours: 0.33,
    theirs: null,
    right: 'ours',
    why: 'Nova has no write fee: writes bill as input',
  },
];

/**
 * Groups of differences with one cause, stated as a checkable relation rather than one row per model.
 * "The Bedrock 1h cache-write rate" (and Vertex's): genai-prices has no 1-hour write price for Claude on
 * Bedrock or Vertex (aws.yml and google.yml list cache_write_mtok only, except Opus 5.5 on Bedrock), so it
 * bills a 1-hour write at the 5-minute rate. Both platforms offer the 1-hour TTL for Claude (Bedrock:
 * docs.aws.amazon.com/bedrock/latest/userguide/prompt-caching.html, TTL "1h" on cache points; Vertex: Claude
 * caching "behaves as described in the Anthropic documentation", docs.cloud.google.com/vertex-ai/generative-ai/
 * docs/partner-models/claude/prompt-caching), and Anthropic prices a 1-hour write at 2x base input
 * (platform.claude.com/docs/en/about-claude/pricing). The catalog is right: ours = 2 x our input price,
 * theirs = their own 5-minute price.
 */
const DIFFERENCE_RULES: Array<{ name: string; match: RegExp; holds: (v: Compared['values'], model: string) => boolean; right: Verdict }> = [
  {
    name: 'Claude 1-hour cache writes on Bedrock and Vertex',
    match: /^(aws|google)\/.*(claude|anthropic).* cacheWrite1h$/,
    holds: (v, model) => {
      const [ours1h, theirs1h] = v.get(`${model} cacheWrite1h`)!;
      const [oursIn] = v.get(`${model} input`)!;
      const [, theirs5m] = v.get(`${model} cacheWrite5m`)!;
      return oursIn !== null && ours1h === Math.round(2 * oursIn * 1e9) / 1e9 && theirs1h === theirs5m;
    },
    right: 'ours',
  },
];

describe('coverage against @pydantic/genai-prices', () => {
  const { catalog } = loadCatalog();
  const result = compare(catalog);
  const listed = parse(readFileSync(new URL('./genai-prices/unpriced.yaml', import.meta.url), 'utf8')) as Array<{
    id: string;
    reason: string;
  }>;

  it('prices every chat and embedding id, or lists it as deliberately unpriced with a reason', () => {
    expect(result.covered.length).toBeGreaterThan(100);
    const listedIds = new Set(listed.map((l) => l.id));
    expect(
      result.unpriced.filter((id) => !listedIds.has(id)),
      'priced by genai-prices, neither priced nor listed',
    ).toEqual([]);
    expect(
      listed.filter((l) => !result.unpriced.includes(l.id)).map((l) => l.id),
      'listed as unpriced but priced or gone',
    ).toEqual([]);
    for (const l of listed) expect(l.reason.length, l.id).toBeGreaterThan(20);
  });

  it('agrees on every price, or the difference is explained', () => {
    const unexplained: string[] = [];
    const ruleHits = new Map<string, number>();
    for (const [key, [ours, theirs]] of result.differences) {
      const row = DIFFERENCES.find((d) => d.key === key);
      if (row) {
        if (row.ours !== ours || row.theirs !== theirs)
          unexplained.push(`${key}: ours=${ours} theirs=${theirs} (table says ${row.ours} / ${row.theirs})`);
        continue;
      }
      const rule = DIFFERENCE_RULES.find((r) => r.match.test(key));
      if (rule?.holds(result.values, key.slice(0, key.lastIndexOf(' ')))) ruleHits.set(rule.name, (ruleHits.get(rule.name) ?? 0) + 1);
      else unexplained.push(`${key}: ours=${ours} theirs=${theirs}`);
    }
    expect(unexplained).toEqual([]);
    expect(
      DIFFERENCES.filter((d) => !result.differences.has(d.key)).map((d) => d.key),
      'explained differences that no longer occur',
    ).toEqual([]);
    for (const r of DIFFERENCE_RULES) expect(ruleHits.get(r.name) ?? 0, r.name).toBeGreaterThan(0);
    for (const d of DIFFERENCES) expect(d.why.length, d.key).toBeGreaterThan(5);
  });

  it('can fail: a wrong catalog price shows up as an unexplained difference', () => {
    const wrong = catalogOf({
      provider: 'openai',
      source: 'test',
      checkedAt: '2026-09-23',
      models: [{ id: 'gpt-4o', prices: [{ inputPerMTok: 3, cacheReadPerMTok: 1.25, outputPerMTok: 10 }] }],
    });
    const r = compare(wrong);
    expect(r.differences.get('openai/gpt-4o input')).toEqual([3, 2.5]);
    // and every other id is then unpriced, which the coverage check reports
    expect(r.unpriced).toContain('openai/gpt-4o-mini');
  });
});
