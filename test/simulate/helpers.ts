import { Pricer } from '../../src/pricing/cost.js';
import { catalogOf } from '../pricing/helpers.js';
import { baselineRequests } from '../../src/simulate/engine.js';
import { priceState } from '../../src/simulate/price.js';
import { scopePredicate } from '../../src/simulate/scope.js';
import { requestCost, cardOf } from '../../src/simulate/price.js';
import type { LeverContext, SimEnv, SimRequest, Where } from '../../src/simulate/types.js';
import { emptyUsage, type UsageRecord } from '../../src/usage/record.js';

/** Test catalog: prices chosen so hand arithmetic stays simple (USD per MTok). */
export const testCatalog = catalogOf(
  {
    provider: 'anthropic',
    source: 'test',
    checkedAt: '2026-11-23',
    models: [
      {
        id: 'claude-t',
        prices: [
          {
            inputPerMTok: 1,
            cacheReadPerMTok: 0.1,
            cacheWrite5mPerMTok: 1.25,
            cacheWrite1hPerMTok: 2,
            outputPerMTok: 5,
            batch: { multiplier: 0.5 },
          },
        ],
        cache: { mode: 'explicit', minTokens: 1024, ttl: '5m', ttlOptions: ['5m', '1h'], refreshOnHit: true },
        tokenizer: { encoding: 'o200k_base', exact: false, factor: 1 },
        images: { rule: 'area', typicalTokens: 1590 },
      },
      {
        id: 'big-t',
        prices: [{ inputPerMTok: 3, cacheReadPerMTok: 0.3, cacheWrite5mPerMTok: 3.75, outputPerMTok: 15, batch: { multiplier: 0.5 } }],
        cache: { mode: 'explicit', minTokens: 1024, ttl: '5m', refreshOnHit: true },
        tokenizer: { encoding: 'o200k_base', exact: false, factor: 1 },
        images: { rule: 'area', typicalTokens: 1590 },
      },
      {
        id: 'small-t',
        prices: [{ inputPerMTok: 0.25, outputPerMTok: 1.25 }],
        tokenizer: { encoding: 'o200k_base', exact: false, factor: 1.2 },
      },
    ],
  },
  {
    provider: 'openai',
    source: 'test',
    checkedAt: '2026-11-23',
    models: [
      {
        id: 'gpt-t',
        prices: [{ inputPerMTok: 1, cacheReadPerMTok: 0.5, outputPerMTok: 2 }],
        cache: { mode: 'implicit', minTokens: 1024, increment: 128, ttl: '5m' },
        tokenizer: { encoding: 'o200k_base', exact: true },
      },
    ],
  },
);

export const pricer = new Pricer(testCatalog, { defaultMs: Date.parse('2026-10-01T00:00:00Z') });

/** A word-per-token encoder: deterministic ids per distinct word. */
const ids = new Map<string, number>();
export function wordEncode(text: string): number[] {
  return text
    .split(/\s+/)
    .filter(Boolean)
    .map((w) => ids.get(w) ?? ids.set(w, ids.size + 1).get(w)!);
}

export function words(prefix: string, n: number): string {
  return Array.from({ length: n }, (_, i) => `${prefix}${i}`).join(' ');
}

export const env: SimEnv = { pricer, encode: (t) => wordEncode(t), explain: false };

export const T0 = Date.parse('2026-10-01T10:00:00Z');
export const minutes = (m: number) => T0 + m * 60_000;

let seq = 0;
export function rec(model: string, t: Partial<UsageRecord> = {}): UsageRecord {
  seq++;
  return { ...emptyUsage(model, `r${seq}`, 'test.jsonl', seq), provider: model.startsWith('gpt') ? 'openai' : 'anthropic', ...t };
}

export function ctxFor(where?: Where, ttlScale = 1, e: SimEnv = env): LeverContext {
  return {
    env: e,
    inScope: scopePredicate(where, testCatalog),
    ttlScale,
    label: 'test',
    cost: (r) => requestCost(pricer, r),
    resolve: (m) => pricer.resolve(m),
    card: (r) => cardOf(pricer, r),
  };
}

export function total(reqs: readonly SimRequest[]): bigint {
  return priceState(pricer, reqs).total;
}

export { baselineRequests };

/** USD string of a femto amount, trailing zeros trimmed. */
export function usd(f: bigint): string {
  const s = f.toString().padStart(16, '0');
  return `${s.slice(0, -15)}.${s.slice(-15)}`.replace(/0+$/, '').replace(/\.$/, '');
}

/** 48 requests, one an hour: a shared 2,000-token system prompt and a 200-token message of their own. */
export function hourlyRequests(tag: string): UsageRecord[] {
  const SYS = words(`${tag}sys`, 2000);
  return Array.from({ length: 48 }, (_, i) =>
    rec('claude-t', {
      timeMs: minutes(60 * i),
      inputTokens: 2200,
      text: {
        messages: [
          { role: 'system', content: SYS },
          { role: 'user', content: words(`${tag}${i}u`, 200) },
        ],
      },
    }),
  );
}
