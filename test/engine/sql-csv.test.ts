/**
 * The generic CSV SQL reader (src/engine/sql-readers/csv.ts) against the TypeScript reader: every
 * CSV fixture is ingested both ways into a usage table; rows (every usage column), counts and
 * issues (file:line) must be equal, and the hand-made edge cases say which files SQL read itself.
 */
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { both } from './sql-both.js';
import { parseColumnMap } from '../../src/ingest/index.js';
import type { IngestOptions } from '../../src/ingest/types.js';

const csvFiles = (dir: string): string[] =>
  readdirSync(dir)
    .sort()
    .flatMap((f) => (statSync(join(dir, f)).isDirectory() ? csvFiles(join(dir, f)) : /\.(csv|tsv)(\.gz)?$/.test(f) ? [join(dir, f)] : []));

const MAP = parseColumnMap(
  'model=llm,timestamp=when,prompt=total_in,cacheRead=cache_r,cacheWrite=cache_w,cacheWrite1h=cache_w1h,output=out,reasoning=reason,' +
    'serviceTier=tier,requests=reqs,turn=turn,outcome=outcome,tag.team=team,conversation=conv,user=who,webSearch=web,provider=prov,tag.user=tag_user',
);

describe('generic CSV through SQL: same rows, skips and rejections as the TypeScript reader', () => {
  const cases: [string, IngestOptions][] = [
    ...[...csvFiles('fixtures/logs'), ...csvFiles('fixtures/charges'), ...csvFiles('fixtures/demo'), ...csvFiles('fixtures/sql-readers')]
      .filter((f) => !f.endsWith('generic-map.csv'))
      .map((f): [string, IngestOptions] => [f, { keepText: false }]),
    ['fixtures/sql-readers/generic-map.csv', { keepText: false, columns: MAP }],
    [
      'fixtures/logs/generic/requests.csv',
      {
        keepText: false,
        columns: parseColumnMap(
          'timestamp=ts,model=llm_model,input=tokens_in,cacheRead=cached,output=tokens_out,tag.team=team,outcome=outcome',
        ),
      },
    ],
  ];
  for (const [file, options] of cases) {
    it(`${file}${options.columns ? ' (--map)' : ''}`, async () => {
      const { ts, sql } = await both(file, options);
      expect(sql.rows).toEqual(ts.rows);
      expect(sql.counts).toEqual(ts.counts);
      expect(sql.issues).toEqual(ts.issues);
      if (process.env.TOKENOMICS_DEBUG_SQL) console.log(file, sql.took ?? 'TypeScript reader');
    });
  }
});

describe('the generic CSV SQL reader', () => {
  it('reads a time_ms column (epoch milliseconds, as the usage table names it) as the time, as the TypeScript reader does', async () => {
    const { sql } = await both('fixtures/sql-readers/generic-time-ms.csv');
    expect(sql.took).toBe('generic');
    expect(sql.counts).toEqual({ read: 2, counted: 2, skipped: {}, rejected: {} });
    // 1790000000000 ms = 2026-09-21T14:13:20.000Z; 1790000060500 = a minute and half a second later
    expect(sql.rows.map((r) => r.time_ms)).toEqual([1_790_000_000_000n, 1_790_000_060_500n]);
  });

  it('reads counts as the TypeScript reader does: " 12" is 12, "" none; "12.0", "1e3", "-3", "+3" rejected at file:line', async () => {
    for (const file of ['fixtures/sql-readers/generic-counts.csv', 'fixtures/sql-readers/generic-counts.csv.gz']) {
      const { sql } = await both(file);
      expect(sql.took).toBe('generic');
      // 17 data rows (lines 2-18): invalid counts on lines 4 (12.0), 5 (1e3), 6 (-3), 8 (+3), 11 (2^53 output),
      // 12 (abc and x: two rejections of one row); invalid times on lines 9 (Feb 30), 13 (24:00), 14 (year 0099),
      // 17 (Feb 30, canonical form); line 16 has no counts at all (missing-count): 11 rows rejected,
      // 17 - 11 = 6 records (lines 2, 3, 7, 10, 15, 18)
      expect(sql.counts).toEqual({
        read: 17,
        counted: 6,
        skipped: {},
        rejected: { 'invalid-count': 7, 'invalid-timestamp': 4, 'missing-count': 1 },
      });
      expect((sql.issues as { line?: number }[]).map((i) => i.line)).toEqual([4, 5, 6, 8, 9, 11, 12, 12, 13, 14, 16, 17]);
      const [first, spaced, ms, quoted, leap, spaces] = sql.rows;
      // 2025-03-01T10:00:00.123Z = 1740823200000 + 123 ms
      expect(first).toMatchObject({ input_tokens: 12n, output_tokens: 5n, time_ms: 1_740_823_200_123n, feature: 'search', customer: 'c1' });
      expect(spaced).toMatchObject({ input_tokens: 12n, cache_read_tokens: 0n, time_ms: 1_740_823_201_000n });
      // 1740823800123 is milliseconds (≥ 1e11); an empty input is 0
      expect(ms).toMatchObject({ input_tokens: 0n, time_ms: 1_740_823_800_123n, source_line: 7 });
      // model trimmed; 00012 is 12; 2^53 - 1 is still a count; nanoseconds cut to .123
      expect(quoted).toMatchObject({
        model: 'gpt-4o',
        input_tokens: 12n,
        output_tokens: 9_007_199_254_740_991n,
        feature: 'quoted, feature',
      });
      expect(quoted.time_ms).toBe(1_740_823_200_123n);
      // 2024 is a leap year: 2024-02-29T23:59:59.9Z = 1709251199000 + 900; no model is "(no model)"
      expect(leap).toMatchObject({ model: '(no model)', time_ms: 1_709_251_199_900n, feature: 'say "hi"', id: `${file}:15` });
      // no-break, ideographic and line-separator spaces are trimmed as JavaScript trims them
      expect(spaces).toMatchObject({ model: 'gpt-4o', input_tokens: 7n, source_line: 18 });
    }
  });

  it('reads times in the canonical form to the same bounds as the TypeScript reader (24:00, :60, a year before 0100)', async () => {
    const file = 'fixtures/sql-readers/generic-canonical-times.csv';
    const { ts, sql } = await both(file);
    expect(sql.took).toBe('generic');
    expect(sql.rows).toEqual(ts.rows);
    // lines 3-6 rejected (hour 24, minute 60, second 60, year 0099); lines 2 and 7 read
    expect(sql.counts).toEqual({ read: 6, counted: 2, skipped: {}, rejected: { 'invalid-timestamp': 4 } });
    expect(sql.rows.map((r) => r.time_ms)).toEqual([BigInt(Date.UTC(2025, 2, 1, 10)), BigInt(Date.UTC(100, 2, 1, 10))]);
  });

  it('reads a --map file: prompt minus cache reads and writes, tiers, outcomes, requests, turns, tags, charges', async () => {
    const { sql } = await both('fixtures/sql-readers/generic-map.csv', { keepText: false, columns: MAP });
    expect(sql.took).toBe('generic');
    const [ok, second] = sql.rows;
    // 5000 prompt - 3000 read - (1000 written: 600 for 5 min + 400 for 1 h) = 1000 uncached
    expect(ok).toMatchObject({
      input_tokens: 1000n,
      cache_read_tokens: 3000n,
      cache_write_5m_tokens: 600n,
      cache_write_1h_tokens: 400n,
      service_tier: 'priority',
      outcome: 'success',
      user_id: 'u1',
      web_search_calls: 2n,
      tags: '{"team":"core"}',
      provider: 'anthropic',
      turn: 1,
    });
    // tag.user overrides user=; "Default" is standard; " failed " a failure
    expect(second).toMatchObject({ user_id: 'override', service_tier: 'standard', outcome: 'failure', requests: 2n });
  });

  it('reads a tab-separated file (the delimiter sniffed from the header, as the TypeScript reader does)', async () => {
    const { sql } = await both('fixtures/sql-readers/generic-tabs.tsv');
    expect(sql.took).toBe('generic');
    // line 4: 1.5 is not a whole number; a comma is data in a TSV, a quoted tab too
    expect(sql.counts).toEqual({ read: 3, counted: 2, skipped: {}, rejected: { 'invalid-count': 1 } });
    expect(sql.rows.map((r) => r.feature)).toEqual(['a,b', 'x\ty']);
  });

  it('takes back the rows of a file it hands to the TypeScript reader, between files read either way', async () => {
    // a TypeScript-read JSONL (appended rows), a CSV whose rows SQL inserts before finding a quoted line break, a CSV read by SQL
    const files = [
      'fixtures/sql-readers/openai-negative.jsonl',
      'fixtures/sql-readers/generic-quoted-newline.csv',
      'fixtures/sql-readers/generic-counts.csv',
    ];
    const { ts, sql } = await both(files);
    expect(sql.rows).toEqual(ts.rows);
    expect(sql.counts).toEqual(ts.counts);
    expect(sql.issues).toEqual(ts.issues);
    expect(sql.took).toBe('generic');
  });

  it('leaves files it cannot number or split as csv-parse does to the TypeScript reader', async () => {
    for (const name of ['offset', 'quoted-newline', 'space-quote', 'short-row', 'blank-line'])
      expect((await both(`fixtures/sql-readers/generic-${name}.csv`)).sql.took, name).toBeUndefined();
  });
});
