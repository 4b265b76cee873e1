/** Shared prefix-cache rules: TTL choice, bucket assignment, break-even, stats. */
import type { ModelEntry } from '../../pricing/model.js';
import type { PriceSet } from '../../pricing/model.js';
import { durationMs } from '../hash.js';
import { eachCacheState, promptOf, type SimRequest } from '../types.js';

export interface TtlChoice {
  ms: number;
  /** Which write bucket the TTL bills as. */
  bucket: '5m' | '1h';
  text: string;
  note?: string;
}

/** The TTL to simulate for a model: the asked one if the model offers it, else its default. */
export function chooseTtl(entry: ModelEntry, wanted: string | undefined): TtlChoice {
  const cache = entry.cache!;
  const offered = [cache.ttl, ...(cache.ttlOptions ?? [])];
  let ttl = wanted ?? cache.ttl;
  let note: string | undefined;
  if (wanted !== undefined && !offered.includes(wanted)) {
    note = `${entry.id} offers cache TTL ${[...new Set(offered)].join('/')}, not ${wanted}; simulated its default ${cache.ttl}`;
    ttl = cache.ttl;
  }
  return { ms: durationMs(ttl) ?? 300_000, bucket: ttl === '1h' && cache.ttl !== '1h' ? '1h' : '5m', text: ttl, note };
}

/**
 * New buckets for a request from a simulated share of its prompt read from cache (`readShare`)
 * and written (`writeShare`); the rest is uncached input. The prompt total never changes.
 */
export function withCacheShares(r: SimRequest, readShare: number, writeShare: number, bucket: '5m' | '1h'): SimRequest {
  const P = promptOf(r);
  const read = Math.min(P, Math.round(P * readShare));
  const write = Math.min(P - read, Math.round(P * writeShare));
  return {
    ...r,
    inputTokens: P - read - write,
    cacheReadTokens: read,
    cacheWrite5mTokens: bucket === '5m' ? write : 0,
    cacheWrite1hTokens: bucket === '1h' ? write : 0,
    cacheMix: undefined,
  };
}

/**
 * Reads needed to pay back one write: the write premium over input divided by the saving of a
 * read over input. Anthropic 5m: (1.25 - 1) / (1 - 0.1) = 0.28 reads; 1h: (2 - 1) / 0.9 = 1.11.
 */
export function breakEvenReads(p: PriceSet, bucket: '5m' | '1h'): number {
  const write = Number(bucket === '1h' ? p.cacheWrite1h : p.cacheWrite5m);
  const input = Number(p.input);
  const read = Number(p.cacheRead);
  if (input <= read) return Infinity;
  return Math.max(0, (write - input) / (input - read));
}

/**
 * Cache buckets that respect a model's minimum cacheable length (per request of an aggregated
 * record): a cached prefix (reads + writes) below the minimum cannot be cached and becomes plain
 * input; a read below it cannot exist, so the prefix up to the breakpoint is written instead. Used
 * where a lever changes the cached prefix without replaying the cache (route to another model;
 * compress, summarize and images shrinking the prefix).
 */
export function fitCacheMinimum(r: SimRequest, minTokens: number | undefined): SimRequest {
  return minTokens === undefined ? r : eachCacheState(r, (x) => fitState(x, minTokens));
}

function fitState(r: SimRequest, minTokens: number): SimRequest {
  const n = Math.max(1, r.record.requests);
  const read = r.cacheReadTokens;
  const w5 = r.cacheWrite5mTokens;
  const w1 = r.cacheWrite1hTokens;
  if (read + w5 + w1 === 0) return r;
  if ((read + w5 + w1) / n < minTokens)
    return { ...r, inputTokens: r.inputTokens + read + w5 + w1, cacheReadTokens: 0, cacheWrite5mTokens: 0, cacheWrite1hTokens: 0 };
  if (read > 0 && read / n < minTokens)
    return w1 > 0
      ? { ...r, cacheReadTokens: 0, cacheWrite1hTokens: w1 + read }
      : { ...r, cacheReadTokens: 0, cacheWrite5mTokens: w5 + read };
  return r;
}

/**
 * Cache reads on a model that reads in `increment`-token steps (catalog `cache.increment`): each
 * request's read rounded down to a whole number of steps, the rest of that prefix written again
 * (as the prefix-cache replay does: a request writes from its hit to its breakpoint; on OpenAI
 * before GPT-5.6 writes bill as input). For where a lever carries over a read measured on another
 * model, whose cache reads exact prefixes (route: Anthropic's breakpoints, or the target after a
 * tokenizer conversion). OpenAI: "cache hits occurring in increments of 128 tokens"
 * (https://developers.openai.com/cookbook/examples/prompt_caching_201); Azure OpenAI: "After the
 * first 1,024 tokens cache hits will occur for every 128 additional identical tokens"
 * (https://learn.microsoft.com/en-us/azure/ai-services/openai/how-to/prompt-caching). An
 * aggregated record is read as its requests' mean, as fitCacheMinimum does.
 */
export function readInIncrements(r: SimRequest, increment: number | undefined): SimRequest {
  return increment ? eachCacheState(r, (x) => incrementState(x, increment)) : r;
}

function incrementState(r: SimRequest, increment: number): SimRequest {
  const n = Math.max(1, r.record.requests);
  const read = Math.floor(r.cacheReadTokens / n / increment) * increment * n;
  const rest = r.cacheReadTokens - read;
  if (rest <= 0) return r;
  return r.cacheWrite1hTokens > 0
    ? { ...r, cacheReadTokens: read, cacheWrite1hTokens: r.cacheWrite1hTokens + rest }
    : { ...r, cacheReadTokens: read, cacheWrite5mTokens: r.cacheWrite5mTokens + rest };
}

export interface CacheStats {
  requests: number;
  eligible: number;
  hits: number;
  readTokens: number;
  writeTokens: number;
  reordered: number;
}

export const emptyStats = (): CacheStats => ({ requests: 0, eligible: 0, hits: 0, readTokens: 0, writeTokens: 0, reordered: 0 });

export function addStats(s: CacheStats, r: SimRequest, hitWeight: number, eligible: boolean): void {
  const n = Math.max(1, r.record.requests) * r.weight;
  s.requests += n;
  if (eligible) s.eligible += n;
  s.hits += n * hitWeight;
  s.readTokens += r.cacheReadTokens * r.weight;
  s.writeTokens += (r.cacheWrite5mTokens + r.cacheWrite1hTokens) * r.weight;
}
