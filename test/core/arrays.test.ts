/**
 * Lists as long as the input never go through a spread into a call (core/arrays.ts): past ~100,000
 * items it throws RangeError, which the CLI showed as "the input is nested too deeply" (exit 2).
 * Found with 400,000 distinct model ids (`report`: the route keys' times) and 250,000 requests
 * without text in one prefixCache scope (`simulate`). With that many model ids, UsageDb.factsOf
 * also took every route key's aggregates back as one result: it folds them a chunk at a time.
 */
import { describe, expect, it, vi } from 'vitest';
import { maxOf, minOf, pushAll } from '../../src/core/arrays.js';
import { UsageDb } from '../../src/engine/duckdb.js';
import { prefixCache } from '../../src/simulate/levers/prefix-cache.js';
import { baselineRequests, ctxFor, minutes, rec } from '../simulate/helpers.js';

const LONG = 400_000;

describe('min, max and append over long lists', () => {
  it('as Math.min / Math.max / push on short lists, and on lists too long to spread', () => {
    expect([minOf([3, 1, 2]), maxOf([3, 1, 2]), minOf([]), maxOf([])]).toEqual([1, 3, undefined, undefined]);
    expect(pushAll([1], [2, 3])).toEqual([1, 2, 3]);
    const long = Array.from({ length: LONG }, (_, i) => (i * 7919) % LONG);
    expect(() => Math.min(...long)).toThrow(RangeError);
    expect([minOf(long), maxOf(long)]).toEqual([0, LONG - 1]);
    expect(pushAll([], long).length).toBe(LONG);
  });

  it('the facts of a view of 400,000 route keys (report: one model id per row)', async () => {
    const db = await UsageDb.open({ threads: 1 });
    try {
      await db.run(`CREATE VIEW many AS SELECT 'unk-' || i AS model, NULL::VARCHAR AS provider, NULL::BOOLEAN AS regional,
        1790812800000 + i AS time_ms, NULL::VARCHAR AS service_tier, false AS fast, 1::BIGINT AS requests, NULL::INTEGER AS turn,
        'c' AS customer, 'u' AS user_id, 100::BIGINT AS input_tokens, 0::BIGINT AS cache_read_tokens, 0::BIGINT AS cache_write_5m_tokens,
        0::BIGINT AS cache_write_1h_tokens, 10::BIGINT AS output_tokens, 0::BIGINT AS reasoning_tokens, 0::BIGINT AS web_search_calls,
        0::BIGINT AS web_search_preview_calls, 0::BIGINT AS web_fetch_calls, 0::BIGINT AS grounded_prompts, 0::BIGINT AS output_images, 0::BIGINT AS file_search_calls, 0::BIGINT AS code_interpreter_calls,
        NULL::INTEGER AS image_count, false AS estimated, NULL::VARCHAR AS conversation_id FROM range(${LONG}) t(i)`);
      // (memory) the groups come back a chunk at a time, never as one result of every route key's aggregates
      let largest = 0;
      const query = UsageDb.prototype.query;
      const spy = vi.spyOn(UsageDb.prototype, 'query').mockImplementation(async function (this: UsageDb, sql: string) {
        const rows = await query.call(this, sql);
        largest = Math.max(largest, rows.length);
        return rows;
      });
      const facts = await db.factsOf('many').finally(() => spy.mockRestore());
      expect(largest).toBeLessThan(LONG);
      expect(facts.routes.length).toBe(LONG);
      expect([facts.firstMs, facts.lastMs]).toEqual([1790812800000, 1790812800000 + LONG - 1]);
      expect(facts.rows).toMatchObject({ serviceTiers: false, fast: false, otherRequests: false, everyCustomer: true, everyUser: true });
    } finally {
      db.close();
    }
  }, 60_000);

  it('a prefixCache scope of 250,000 requests without text (simulate)', () => {
    const recs = Array.from({ length: 250_000 }, (_, i) => rec('claude-t', { timeMs: minutes(i), inputTokens: 3000 }));
    const out = prefixCache.apply(baselineRequests(recs), prefixCache.parse({}), ctxFor());
    expect(out.requests.length).toBe(250_000);
    expect(out.notes.join(' ')).toMatch(/staticPrefixTokens/);
  }, 60_000);
});
