/**
 * Generic JSONL with --map read by SQL (src/engine/sql-readers/generic-jsonl.ts) against the
 * TypeScript reader: each file is ingested both ways into a usage table; rows (every usage column),
 * counts and issues must be equal, and the cases say which files SQL read itself.
 */
import { describe, expect, it } from 'vitest';
import { parseColumnMap } from '../../src/ingest/index.js';
import { both } from './sql-both.js';

const MAP = parseColumnMap(
  'id=rid,model=llm.name,provider=prov,timestamp=ts,prompt=usage.total_in,cacheRead=usage.cache_r,cacheWrite=usage.cache_w,' +
    'cacheWrite1h=usage.cache_w1h,output=usage.out,reasoning=usage.reason,webSearch=usage.web,serviceTier=tier,requests=reqs,' +
    'outcome=ok,tag.team=meta.team,conversation=conv,user=who',
);
const options = { keepText: false, columns: MAP };
const TRAPS = ['float', 'negative', 'dotted', 'nan', 'object', 'dupkey'].map((t) => `fixtures/sql-readers/generic-map-${t}.jsonl`);

describe('generic JSONL with --map through SQL: same rows, skips and rejections as the TypeScript reader', () => {
  for (const file of ['fixtures/sql-readers/generic-map.jsonl', ...TRAPS]) {
    it(file, async () => {
      const { ts, sql } = await both(file, options);
      expect(sql.rows).toEqual(ts.rows);
      expect(sql.counts).toEqual(ts.counts);
      expect(sql.issues).toEqual(ts.issues);
    });
  }
});

describe('the generic JSONL SQL reader', () => {
  it('reads dot paths, counts as numbers or digit strings, outcomes as booleans or words, times as ISO or unix seconds', async () => {
    const file = 'fixtures/sql-readers/generic-map.jsonl';
    const { sql } = await both(file, options);
    expect(sql.took).toBe('generic');
    expect(sql.counts).toEqual({ read: 4, counted: 4, skipped: {}, rejected: {} });
    const [full, strings, nulls, scalar] = sql.rows;
    // 5000 prompt - 3000 read - (1000 written: 600 for 5 min + 400 for 1 h) = 1000 uncached
    expect(full).toMatchObject({
      id: 'a1',
      model: 'claude-sonnet-4-5',
      provider: 'anthropic',
      input_tokens: 1000n,
      cache_read_tokens: 3000n,
      cache_write_5m_tokens: 600n,
      cache_write_1h_tokens: 400n,
      output_tokens: 700n,
      reasoning_tokens: 100n,
      web_search_calls: 2n,
      service_tier: 'priority',
      outcome: 'success',
      conversation_id: 'c1',
      user_id: 'u1',
      tags: '{"team":"core"}',
      time_ms: BigInt(Date.UTC(2025, 2, 1, 10, 0, 0, 123)),
    });
    // "120" and " 7 " are counts; the model trimmed; "default" is standard; unix seconds
    expect(strings).toMatchObject({
      model: 'gpt-4o',
      input_tokens: 120n,
      output_tokens: 7n,
      service_tier: 'standard',
      outcome: 'failure',
      time_ms: BigInt(Date.UTC(2025, 2, 1, 10, 0, 0)),
    });
    // nulls are absent: file:line for the id, no model, no outcome
    expect(nulls).toMatchObject({ id: `${file}:3`, model: '(no model)', outcome: null, input_tokens: 10n });
    // a path through a string reads nothing; an id 7 is "7"
    expect(scalar).toMatchObject({ id: '7', model: '(no model)', input_tokens: 0n });
  });

  it('leaves a file to the TypeScript reader when it cannot read a line exactly', async () => {
    // 1.5 and -3 (rejected), a literal "usage.total_in" key (read before the path), NaN, an object as a user
    for (const file of TRAPS) expect((await both(file, options)).sql.took, file).toBeUndefined();
    // a path through an index or a name every object has
    for (const map of ['model=llm.0,input=usage.total_in,output=usage.out', 'model=llm.name,input=usage.constructor,output=usage.out'])
      expect(
        (await both('fixtures/sql-readers/generic-map.jsonl', { keepText: false, columns: parseColumnMap(map) })).sql.took,
      ).toBeUndefined();
  });
});
