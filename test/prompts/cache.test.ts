import { describe, expect, it } from 'vitest';
import { ratio } from '../../src/pricing/money.js';
import { cacheableTokens, callCost, roundExact } from '../../src/prompts/price.js';
import { loadPromptFile } from '../../src/prompts/load.js';
import { catalog, chatTok, estimator, FIXTURES, tok } from './helpers.js';

const entry = (id: string) => catalog.resolve(id)!.entry;
/** Micro-dollars to femto-dollars. */
const micro = (n: number) => BigInt(Math.round(n * 1000)) * 1_000_000n;

describe('cacheable prefix by provider minimum (bundled catalog)', () => {
  it('reads the minimums from the catalog: Sonnet 4.5 1,024; Haiku 4.5 4,096; gpt-4o 1,024 in 128-token steps', () => {
    expect(entry('claude-sonnet-4-5').cache).toMatchObject({ mode: 'explicit', minTokens: 1024 });
    expect(entry('claude-haiku-4-5').cache).toMatchObject({ mode: 'explicit', minTokens: 4096 });
    expect(entry('gpt-4o').cache).toMatchObject({ mode: 'implicit', minTokens: 1024, increment: 128 });
  });

  it('Anthropic Sonnet 4.5: nothing below 1,024, every token from 1,024', () => {
    const c = entry('claude-sonnet-4-5').cache;
    expect([1023, 1024, 1025, 5000].map((n) => cacheableTokens(n, c))).toEqual([0, 1024, 1025, 5000]);
  });

  it('Anthropic Haiku 4.5: nothing below 4,096', () => {
    const c = entry('claude-haiku-4-5').cache;
    expect([1636, 4095, 4096, 4097].map((n) => cacheableTokens(n, c))).toEqual([0, 0, 4096, 4097]);
  });

  it('OpenAI gpt-4o: 1,024 then whole 128-token increments (1,024, 1,152, 1,280...)', () => {
    const c = entry('gpt-4o').cache;
    expect([1023, 1024, 1151, 1152, 1300].map((n) => cacheableTokens(n, c))).toEqual([0, 1024, 1024, 1152, 1280]);
  });

  it('a model without cache rules caches nothing', () => {
    expect(cacheableTokens(50_000, undefined)).toBe(0);
  });
});

describe('cost per call with and without caching', () => {
  it('Sonnet 4.5 ($3 in, $0.30 read, $3.75 write, $15 out): 2,000 in, 1,500 cacheable, 100 out, 80% hits', () => {
    const c = callCost(entry('claude-sonnet-4-5').periods.at(-1)!.standard, 2000, 1500, 100, ratio(0.8));
    expect(c.noCache).toBe(micro(2000 * 3 + 100 * 15)); // $0.0075
    expect(c.hit).toBe(micro(500 * 3 + 1500 * 0.3 + 1500)); // $0.00345
    expect(c.miss).toBe(micro(500 * 3 + 1500 * 3.75 + 1500)); // $0.008625: writes cost 1.25x
    expect(roundExact(c.expected)).toBe(micro(0.8 * 3450 + 0.2 * 8625)); // $0.004485
    expect(c.writesCharged).toBe(true);
  });

  it('gpt-4o ($2.50 in, $1.25 cached, no write fee): misses pay input', () => {
    const c = callCost(entry('gpt-4o').periods.at(-1)!.standard, 2000, 1536, 100, ratio(0.5));
    expect(c.miss).toBe(c.noCache);
    expect(c.hit).toBe(micro(464 * 2.5 + 1536 * 1.25 + 100 * 10));
    expect(roundExact(c.expected)).toBe(micro(0.5 * 4080 + 0.5 * 6000));
    expect(c.writesCharged).toBe(false);
  });

  it('support-bot fixture: cacheable on Sonnet 4.5 and gpt-4o-mini, not on Haiku 4.5 (below 4,096)', () => {
    const p = loadPromptFile('support-bot.yaml', FIXTURES);
    const pe = estimator().estimate(p);
    const [sonnet, haiku, mini] = pe.models;
    const tools = tok(p.parts[0].toolsJson!);
    const sys = p.parts[1].messages[0].content;
    const ex = p.parts[2].messages;
    const expectedPrefix =
      tools +
      chatTok([{ role: 'system', content: sys }, ...ex]) -
      3 +
      3 +
      tok('user') +
      tok('Help-center articles retrieved for this question:\n');
    expect(mini.tokens.staticPrefix).toBe(expectedPrefix);
    expect(sonnet.cacheable).toBe(expectedPrefix);
    expect(haiku.cacheable).toBe(0);
    expect(mini.cacheable).toBe(1024 + Math.floor((expectedPrefix - 1024) / 128) * 128);
    expect(sonnet.perMonth!.cached).toBeLessThan(sonnet.perMonth!.noCache);
    expect(haiku.perCall.cached).toBe(haiku.perCall.noCache);
  });
});
