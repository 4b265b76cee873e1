/**
 * Scale check (not run by default: SIM_BENCH=1 npx vitest run test/simulate/perf.test.ts).
 * prefixCache over 200,000 synthetic requests (20 system prompts of ~1,500 words, a unique
 * ~60-word user message each, real o200k tokenizer) and semanticCache over 100,000 queries
 * (4 curve thresholds plus the chosen one). Prints the run times; asserts only on results.
 */
import { describe, expect, it } from 'vitest';
import { encode } from '../../src/tokenize/index.js';
import { prefixCache } from '../../src/simulate/levers/prefix-cache.js';
import { semanticCache } from '../../src/simulate/levers/semantic-cache.js';
import { baselineRequests, ctxFor, env, rec, T0 } from './helpers.js';

let seed = 12345;
const rand = () => (seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) / 4294967296;
const COMMON =
  'the of and to in is you that it he was for on are as with his they at be this have from or one had by word but not what all were we when your can said there use an each which she do how their if will up other about out many then them these so some her would make like him into time has look two more write go see number no way could people my than first water been call who oil its now find long down day did get come made may part'.split(
    ' ',
  );
const VOCAB = Array.from({ length: 3000 }, (_, i) =>
  i < COMMON.length ? COMMON[i] : `${COMMON[i % COMMON.length]}${COMMON[(i * 31) % COMMON.length]}`,
);
const sentence = (n: number) => Array.from({ length: n }, () => VOCAB[Math.floor(rand() * VOCAB.length)]).join(' ');

describe.skipIf(!process.env.SIM_BENCH)('simulate at scale', () => {
  it('prefixCache: 200,000 requests', () => {
    const systems = Array.from({ length: 20 }, () => sentence(1500));
    const recs = Array.from({ length: 200_000 }, (_, i) =>
      rec(i % 2 ? 'claude-t' : 'gpt-t', {
        timeMs: T0 + Math.floor(i * 13_000 * rand()) + i * 6_000,
        inputTokens: 3000,
        outputTokens: 100,
        tags: { feature: `f${i % 20}` },
        text: {
          messages: [
            { role: 'system', content: systems[i % 20] },
            { role: 'user', content: sentence(60) },
          ],
        },
      }),
    );
    const base = baselineRequests(recs);
    const e = { ...env, encode };
    const t0 = performance.now();
    const out = prefixCache.apply(base, prefixCache.parse({}), ctxFor(undefined, 1, e));
    const ms = performance.now() - t0;
    console.log(`prefixCache 200,000 requests: ${ms.toFixed(0)} ms; ${out.metrics.map(([k, v]) => `${k} ${v}`).join('; ')}`);
    expect(out.requests.length).toBe(200_000);
  }, 120_000);

  it('semanticCache: 100,000 queries', () => {
    const topics = Array.from({ length: 3000 }, () => sentence(8));
    const recs = Array.from({ length: 100_000 }, (_, i) => {
      const words = topics[Math.floor(rand() ** 2 * topics.length)].split(' ');
      if (rand() < 0.5) words[Math.floor(rand() * words.length)] = VOCAB[Math.floor(rand() * VOCAB.length)];
      return rec('claude-t', {
        timeMs: T0 + i * 20_000,
        inputTokens: 2000,
        outputTokens: 200,
        tags: { feature: 'kb' },
        text: { query: words.join(' ') },
      });
    });
    const t0 = performance.now();
    const out = semanticCache.apply(baselineRequests(recs), semanticCache.parse({ threshold: 0.8 }), ctxFor());
    const ms = performance.now() - t0;
    const peak = (process.resourceUsage().maxRSS / 1024).toFixed(0);
    console.log(
      `semanticCache 100,000 queries x (4 curve thresholds + 1): ${ms.toFixed(0)} ms; peak RSS ${peak} MB; ${out.metrics.map(([k, v]) => `${k} ${v}`).join('; ')}`,
    );
    expect(out.requests.length).toBe(100_000);
  }, 120_000);
});
