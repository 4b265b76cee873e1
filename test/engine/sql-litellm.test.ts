/**
 * The LiteLLM SQL reader (src/engine/sql-readers/litellm.ts) against the TypeScript reader: every
 * LiteLLM fixture and the hand-made traps are ingested both ways into a usage table; rows (every
 * usage column), counts and issues (file:line) must be equal, and the cases say which files SQL read.
 */
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { both } from './sql-both.js';

const FIXTURES = [
  ...readdirSync('fixtures/logs/litellm').map((f) => join('fixtures/logs/litellm', f)),
  ...readdirSync('fixtures/sql-readers')
    .filter((f) => f.startsWith('litellm-'))
    .map((f) => join('fixtures/sql-readers', f)),
].sort();

describe('LiteLLM spend logs through SQL: same rows, skips and rejections as the TypeScript reader', () => {
  for (const file of FIXTURES) {
    it(file, async () => {
      const { ts, sql } = await both(file);
      expect(sql.rows).toEqual(ts.rows);
      expect(sql.counts).toEqual(ts.counts);
      expect(sql.issues).toEqual(ts.issues);
      if (process.env.TOKENOMICS_DEBUG_SQL) console.log(file, sql.took ?? 'TypeScript reader');
    });
  }
});

describe('the LiteLLM SQL reader', () => {
  it('reads a spend-log CSV itself: skips, buckets, tags in order, and the TypeScript rejections at file:line', async () => {
    const file = 'fixtures/sql-readers/litellm-rows.csv';
    const { sql } = await both(file);
    expect(sql.took).toBe('litellm');
    // 16 rows (lines 2-17): skips on lines 3 (metadata status "Failure"), 4 (cache_hit " TRUE "), 5 (no counts);
    // rejections on 7 and 8 (metadata cut short / with a trailing comma), 14 (request_tags cut short),
    // 9 ("12.0"), 10 ("-3"), 11 (1h 30 + 5m 10 is not the 100 written), 12 (reasoning 50 > output 10),
    // 13 (Feb 30): 16 - 3 - 8 = 5 records (lines 2, 6, 15, 16, 17)
    expect(sql.counts).toEqual({
      read: 16,
      counted: 5,
      skipped: { 'failed-request': 1, 'gateway-cache-hit': 1, 'no-usage': 1 },
      rejected: {
        'invalid-json-field': 3,
        'invalid-count': 2,
        'inconsistent-counts': 1,
        'reasoning-exceeds-output': 1,
        'invalid-timestamp': 1,
      },
    });
    expect((sql.issues as { line?: number }[]).map((i) => i.line)).toEqual([7, 8, 9, 10, 11, 12, 13, 14]);
    const [first, ttl, grouped, bare, search] = sql.rows;
    // 1000 prompt - 400 cached - 100 written = 500 uncached; a naive time is UTC
    expect(first).toMatchObject({
      id: 'r2',
      model: 'gpt-4o',
      provider: 'openai',
      input_tokens: 500n,
      cache_read_tokens: 400n,
      cache_write_5m_tokens: 100n,
      output_tokens: 200n,
      time_ms: BigInt(Date.UTC(2025, 5, 1, 10, 0, 0, 250)),
      conversation_id: 's1',
      user_id: 'u1',
      // end_user e1, then the request tag customer=c9 (the last value wins)
      customer: 'c9',
      feature: 'rag',
    });
    // team keeps its first place with spend_logs_metadata's value; 7 and true as text; the nested object is
    // no tag; " k = v " is no key:value tag (a space before '='): the plain tags joined last
    expect(first.tags).toBe(
      '{"team":"override","model_group":"g","call_type":"acompletion","api_key_alias":"key1","experiment":"7","flag":"true","env":"prod","request_tags":"beta,k = v,alpha"}',
    );
    // prompt " 120 ": 120 - 50 read (cached_tokens 0 gives way to cache_read_input_tokens) - 10 (5 min) - 20 (1 h) = 40;
    // microseconds cut to milliseconds
    expect(ttl).toMatchObject({
      input_tokens: 40n,
      cache_read_tokens: 50n,
      cache_write_5m_tokens: 10n,
      cache_write_1h_tokens: 20n,
      time_ms: BigInt(Date.UTC(2025, 5, 1, 10, 0, 0, 123)),
    });
    // no request_id: file:line; a blank model gives way to model_group
    expect(grouped).toMatchObject({ id: `${file}:15`, model: 'grp', input_tokens: 7n, source_line: 15 });
    // no model at all; unix seconds
    expect(bare).toMatchObject({
      model: '(no model)',
      time_ms: BigInt(Date.UTC(2025, 5, 1, 10, 0, 0)),
      tags: '{"call_type":"acompletion"}',
    });
    expect(search).toMatchObject({ web_search_calls: 2n, input_tokens: 300n });
  });

  it('reads a spend-log JSONL file itself: counts as numbers or digit strings, metadata as an object or as text', async () => {
    const file = 'fixtures/sql-readers/litellm-plain.jsonl';
    const { sql } = await both(file);
    expect(sql.took).toBe('litellm');
    // lines 2 (cache_hit true), 3 (status failure) and 5 (both counts null) skipped: 3 records
    expect(sql.counts).toEqual({
      read: 6,
      counted: 3,
      skipped: { 'gateway-cache-hit': 1, 'failed-request': 1, 'no-usage': 1 },
      rejected: {},
    });
    const [first, text, bare] = sql.rows;
    // 100 prompt - 40 cached = 60; reasoning 4 inside the 10 output
    expect(first).toMatchObject({ input_tokens: 60n, cache_read_tokens: 40n, reasoning_tokens: 4n, user_id: 'u1', feature: 'chat' });
    expect(first.tags).toBe('{"call_type":"acompletion","n":"3","team":"a","request_tags":"x"}');
    // "100" and 10.0 are counts; metadata as JSON text: 100 - 60 read = 40
    expect(text).toMatchObject({ input_tokens: 40n, cache_read_tokens: 60n, output_tokens: 10n, conversation_id: 's9' });
    expect(bare).toMatchObject({ id: `${file}:6`, model: '(no model)', time_ms: BigInt(Date.UTC(2025, 5, 2, 8, 0, 1)) });
  });

  it('splits cache writes by TTL where LiteLLM keeps the split: prompt_tokens_details.cache_creation_token_details', async () => {
    const { ts, sql } = await both('fixtures/sql-readers/litellm-ttl-split.jsonl');
    expect(sql.took).toBe('litellm');
    expect(sql.rows).toEqual(ts.rows);
    const [oneHour, mixed, none] = sql.rows;
    // 16000 prompt - 1000 cached - 14000 written (all 1h) = 1000 uncached (before: the 14000 were priced as 5m writes)
    expect(oneHour).toMatchObject({
      input_tokens: 1000n,
      cache_read_tokens: 1000n,
      cache_write_5m_tokens: 0n,
      cache_write_1h_tokens: 14000n,
    });
    // 1200 - 1000 written (300 5m + 700 1h) = 200
    expect(mixed).toMatchObject({ input_tokens: 200n, cache_write_5m_tokens: 300n, cache_write_1h_tokens: 700n });
    // no split: all 200 writes are 5m; 500 - 200 = 300
    expect(none).toMatchObject({ input_tokens: 300n, cache_write_5m_tokens: 200n, cache_write_1h_tokens: 0n });
    // a split that is not the total written: rejected at its line in both readers
    const csv = await both('fixtures/sql-readers/litellm-ttl-split.csv');
    expect(csv.sql.took).toBe('litellm');
    expect(csv.sql.rows).toMatchObject([{ id: 'c-1h', input_tokens: 100n, cache_write_1h_tokens: 1000n }]);
    expect(csv.sql.issues.map((i) => [i.code, i.line])).toEqual([['inconsistent-counts', 3]]);
    expect(csv.ts.issues).toEqual(csv.sql.issues);
  });

  it('leaves a file with a key twice in an object a count is read from, and a header with a name twice', async () => {
    // rows 3-7 of the CSV repeat a key in prompt_tokens_details (also spelled with an escape),
    // cache_creation, completion_tokens_details, server_tool_use: JSON.parse keeps the last value,
    // DuckDB's json_extract the first. SQL stages those rows 'other', and the TypeScript converter
    // reads records among them: the file is the TypeScript reader's (before, SQL read row 3 as 99 input, 1 cached)
    for (const file of ['litellm-nested-dup.csv', 'litellm-nested-dup.jsonl'])
      expect((await both(`fixtures/sql-readers/${file}`)).sql.took, file).toBeUndefined();
    const { ts } = await both('fixtures/sql-readers/litellm-nested-dup.csv');
    // row 3: 100 prompt - 7 cached (the last copy) = 93; row 6: reasoning 20 (the last copy) exceeds the 10 output tokens
    expect(ts.rows.find((r) => r.id === 'r2')).toMatchObject({ input_tokens: 93n, cache_read_tokens: 7n });
    expect(ts.counts.rejected).toEqual({ 'reasoning-exceeds-output': 1 });
    // spend and Spend: the TypeScript reader warns which one it reads
    const header = await both('fixtures/sql-readers/litellm-dup-header.csv');
    expect(header.sql.took).toBeUndefined();
    expect(header.ts.issues.map((i) => i.code)).toEqual(['duplicate-column']);
  });

  it('leaves a file to the TypeScript reader when it cannot read a row exactly', async () => {
    // (after 9 plain lines, the ones format detection parses) a tag named by digits (JavaScript puts it first); NaN and a trailing comma (DuckDB reads them, JSON.parse
    // does not); a request_id 1.5 (a number String() writes); a negative web search count in JSONL (a rejection)
    for (const file of ['litellm-digit-tag.csv', 'litellm-nan.jsonl', 'litellm-trailing-comma.jsonl', 'litellm-float-name.jsonl'])
      expect((await both(`fixtures/sql-readers/${file}`)).sql.took, file).toBeUndefined();
    expect((await both('fixtures/logs/litellm/web-search.jsonl')).sql.took).toBeUndefined();
    // text kept for simulation and attribution paths are the TypeScript reader's
    expect((await both('fixtures/logs/litellm/spend_logs.csv', { keepText: true })).sql.took).toBeUndefined();
  });
});
