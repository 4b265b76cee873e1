/**
 * SQL readers against the TypeScript readers: every JSONL fixture is ingested both ways into a
 * usage table; rows (every usage column, in arrival order), counts and issues (file:line) must be
 * equal. Files the SQL reader declines fall back to the TypeScript reader, so they are equal by
 * construction: the suite also says which files the SQL reader took, and the hand-checked
 * expectations below pin what it read.
 */
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { UsageDb, type Row } from '../../src/engine/duckdb.js';
import { loadWithSql } from '../../src/engine/sql-readers/index.js';
import { runCli } from '../cli/harness.js';
import { cliArgs, engineReport, NOW } from './engine-env.js';
import { ingest } from '../../src/ingest/index.js';
import type { IngestOptions } from '../../src/ingest/types.js';
import { usageDocument } from '../../src/report/data.js';

function files(dir: string): string[] {
  return readdirSync(dir)
    .sort()
    .flatMap((f) => (statSync(join(dir, f)).isDirectory() ? files(join(dir, f)) : [join(dir, f)]));
}

interface Loaded {
  rows: Row[];
  seqs: number[];
  counts: unknown;
  issues: unknown;
  /** The format the SQL reader read the file as (undefined: the TypeScript reader read it). */
  took?: string;
}

async function load(file: string, sql: boolean, options: IngestOptions = { keepText: false }): Promise<Loaded> {
  const db = await UsageDb.open({ threads: 1 });
  try {
    let took: string | undefined;
    const result = await ingest([file], options, (r) => db.append(r), {
      readFile: sql
        ? async (f) => {
            const r = await loadWithSql(db, f, options);
            if (r === 'fallback') return undefined;
            took = r.format;
            return r;
          }
        : undefined,
    });
    await db.seal();
    const rows = await db.query('SELECT * FROM usage ORDER BY seq');
    return {
      rows: rows.map(({ seq: _seq, ...rest }) => rest),
      seqs: rows.map((r) => Number(r.seq)),
      counts: result.counts,
      issues: result.issues,
      took,
    };
  } finally {
    db.close();
  }
}

const jsonl = [...files('fixtures/logs'), ...files('fixtures/demo'), ...files('fixtures/sql-readers')].filter((f) =>
  /\.(jsonl|ndjson)(\.gz)?$/.test(f),
);

describe('SQL readers: same rows, skips and rejections as the TypeScript readers', () => {
  for (const file of jsonl) {
    it(file, async () => {
      const ts = await load(file, false);
      const sql = await load(file, true);
      expect(sql.rows).toEqual(ts.rows);
      expect(sql.counts).toEqual(ts.counts);
      expect(sql.issues).toEqual(ts.issues);
      // arrival order: increasing (the SQL readers number rows by line, leaving gaps at skipped lines)
      expect(sql.seqs).toEqual([...sql.seqs].sort((a, b) => a - b));
      expect(new Set(sql.seqs).size).toBe(sql.seqs.length);
    });
  }
});

describe('the OpenAI SQL reader', () => {
  it('reads plain chat / responses bodies itself, gzip included', async () => {
    for (const file of ['fixtures/sql-readers/openai-plain.jsonl', 'fixtures/sql-readers/openai-plain.jsonl.gz']) {
      const sql = await load(file, true);
      expect(sql.took).toBe('openai');
      // 11 lines: records on lines 1, 3, 4, 6, 9, 10; line 2 a chunk without usage and line 11 a queued
      // response (no-usage), line 5 a failed response without usage, line 7 a delta event, line 8 a copy of line 1
      expect(sql.counts).toEqual({
        read: 11,
        counted: 6,
        skipped: { duplicate: 1, 'failed-request': 1, 'no-usage': 2, 'stream-event': 1 },
        rejected: {},
      });
      const [first, , resp, failed, blank, legacy] = sql.rows;
      // 1200 prompt - 1024 cached = 176 uncached; default tier is standard
      expect(first).toMatchObject({
        id: 'chatcmpl-1',
        input_tokens: 176n,
        cache_read_tokens: 1024n,
        output_tokens: 80n,
        service_tier: 'standard',
      });
      expect(first.time_ms).toBe(1_790_000_000_000n);
      // 900 input - 100 cached = 800; reasoning 320 inside the 500 output
      expect(resp).toMatchObject({
        input_tokens: 800n,
        cache_read_tokens: 100n,
        output_tokens: 500n,
        reasoning_tokens: 320n,
        service_tier: 'flex',
      });
      expect(failed).toMatchObject({ outcome: 'failure', service_tier: 'priority', fast: true, provider: 'openai' });
      // an empty id is file:line; a blank model is "(no model)"; 10 prompt - 6 written = 4
      expect(blank).toMatchObject({ id: `${file}:9`, model: '(no model)', input_tokens: 4n, cache_write_5m_tokens: 6n, source_line: 9 });
      // prompt_cache_hit_tokens as the cached count: 12 - 4 = 8; no tier key: NULL
      expect(legacy).toMatchObject({ input_tokens: 8n, cache_read_tokens: 4n, service_tier: null, time_ms: null });
    }
  });

  it('dedupes string ids as JSON.parse reads them, however they are escaped', async () => {
    const file = 'fixtures/sql-readers/openai-escaped-ids.jsonl';
    const sql = await load(file, true);
    expect(sql.took).toBe('openai');
    // lines 2, 4 and 7 repeat the ids of lines 1, 3 and 5 written otherwise ("chatcmpl-\u0031", "q\u0022x",
    // "a\/b"); the number ids of lines 6 and 8 are no ids (file:line, never duplicates)
    expect(sql.counts).toEqual({ read: 8, counted: 5, skipped: { duplicate: 3 }, rejected: {} });
    expect(sql.rows.map((r) => r.id)).toEqual(['chatcmpl-1', 'q"x', 'a/b', `${file}:6`, `${file}:8`]);
    // 100 + 300 + 500 + 600 + 800 prompt tokens (the first copy of each id is counted)
    expect(sql.rows.reduce((n, r) => n + (r.input_tokens as bigint), 0n)).toBe(2300n);
  });

  it('reads a file itself where NaN and Infinity are text, not values (in an id, in a message)', async () => {
    // line 10: id "chatcmpl-B9MHDbslfkBeNaNl4beb09" (random ids spell NaN often enough), content "n < Infinity and !isNaN(n)"
    expect((await load('fixtures/sql-readers/openai-nan-in-text.jsonl', true)).took).toBe('openai');
    // request tags "team:infra", "user:nancy": no infinity or NaN where a value starts
    expect((await load('fixtures/sql-readers/litellm-words-in-tags.jsonl', true)).took).toBe('litellm');
  });

  it('leaves a file with any line it cannot read exactly to the TypeScript reader', async () => {
    // each file is one plain line and one trap: a count that is a string (line 4; "8" as a detail), a float,
    // true, beyond 2^53 or 2^63, negative; a null tier (also `"service_tier" :<tab>null` beside a line
    // with no tier); a blank line; a model that is a number; a timestamp
    // as a string or with a fraction; a priced web_search_call or file_search_call item, a code_interpreter_call
    // item (counted: none is in the columns the SQL reads); a
    // body without `object` (the TypeScript reader reads it by its usage keys); past the eight lines the
    // detection parses, -Infinity or NaN (which JSON.parse rejects), a form feed after a line's closing brace
    // (DuckDB takes it there), a null tier whose key is written with an escape, a web_search_call or a
    // file_search_call written with one
    const traps = ['string-count', 'string-detail', 'float-count', 'bool-count', 'unsafe-count', 'huge-count', 'negative'].concat([
      'late-infinity',
      'late-nan',
      'late-formfeed',
      'escaped-null-tier',
      'escaped-web-search',
      'escaped-file-search',
      'null-tier',
      'null-tier-spaced',
      'blank-line',
      'number-model',
      'string-created',
      'fraction-created',
      'web-search',
      'file-search',
      'code-interpreter',
      'no-object',
    ]);
    for (const name of traps) expect((await load(`fixtures/sql-readers/openai-${name}.jsonl`, true)).took, name).toBeUndefined();
    // gzip: the null tier is looked for in the one scan beside the read
    expect((await load('fixtures/sql-readers/openai-null-tier-spaced.jsonl.gz', true)).took).toBeUndefined();
    expect((await load('fixtures/sql-readers/openai-plain.jsonl', true, { keepText: true })).took).toBeUndefined();
  });

  it('reads a body whose count leaves of the other API are not counts: the TypeScript reader does not read them', async () => {
    // a chat body with Responses leaves "x", -1, true, 1.5; a Responses body with Chat leaves "12", false, -4, 2.5
    const file = 'fixtures/sql-readers/openai-unread-leaves.jsonl';
    const [sql, ts] = [await load(file, true), await load(file, false)];
    expect(sql.took).toBe('openai');
    expect(sql.counts).toEqual({ read: 2, counted: 2, skipped: {}, rejected: {} });
    expect(sql.rows).toEqual(ts.rows);
    // 100 prompt, 20 completion; 40 input - 8 cached = 32, 5 output
    expect(sql.rows[0]).toMatchObject({ input_tokens: 100n, cache_read_tokens: 0n, output_tokens: 20n });
    expect(sql.rows[1]).toMatchObject({ input_tokens: 32n, cache_read_tokens: 8n, output_tokens: 5n });
  });

  it('reads numbers JSON.parse reads as whole numbers as whole numbers', async () => {
    const file = 'fixtures/sql-readers/openai-whole-numbers.jsonl';
    const sql = await load(file, true);
    expect(sql.took).toBe('openai');
    const [, exp, safe, spaced] = sql.rows;
    // 1.2e3 prompt, 3.0 completion, -0 cached, 0E0 reasoning, created 1.79e9 s
    expect(exp).toMatchObject({ input_tokens: 1200n, cache_read_tokens: 0n, output_tokens: 3n, reasoning_tokens: 0n });
    expect(exp.time_ms).toBe(1_790_000_000_000n);
    // 2^53 - 1 is the largest count read: 9007199254740991 - 1 cached = 9007199254740990
    expect(safe).toMatchObject({ input_tokens: 9_007_199_254_740_990n, cache_read_tokens: 1n, output_tokens: 7n });
    // spaces after colons and commas (Python's json.dumps)
    expect(spaced).toMatchObject({ id: 'x12', input_tokens: 30n, output_tokens: 2n, time_ms: 1_790_000_012_000n });
  });

  it('reads a file forced to openai as the TypeScript reader does', async () => {
    const options = { keepText: false, inputFormat: 'openai' };
    const ts = await load('fixtures/sql-readers/openai-plain.jsonl', false, options);
    const sql = await load('fixtures/sql-readers/openai-plain.jsonl', true, options);
    expect(sql.took).toBe('openai');
    expect(sql.rows).toEqual(ts.rows);
    expect(sql.counts).toEqual(ts.counts);
  });

  it("gives the streaming report's inputs, totals and groups through the engine", async () => {
    const flags = { inputs: ['fixtures/sql-readers/openai-plain.jsonl'], by: 'model' };
    const cli = JSON.parse((await runCli(cliArgs(flags), { now: NOW })).stdout);
    const { data } = await engineReport(flags);
    expect(data.inputs.files).toEqual([expect.objectContaining({ format: 'openai' })]);
    const engine = JSON.parse(JSON.stringify(usageDocument(data)));
    expect(engine.inputs).toEqual(cli.inputs);
    expect(engine.totals).toEqual(cli.totals);
    expect(engine.groups.map((g: { key: unknown; costUsd: unknown }) => [g.key, g.costUsd])).toEqual(
      cli.groups.map((g: { key: unknown; costUsd: unknown }) => [g.key, g.costUsd]),
    );
  });
});
