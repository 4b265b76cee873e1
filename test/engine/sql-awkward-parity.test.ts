/**
 * Awkward real input read alike by every JSON SQL reader and its TypeScript reader: token counts past
 * 2^53 - 1 (no JavaScript number holds them exactly), and ids, model names and tags written with
 * `\uD83D\uDE00`-style surrogate escapes, or with a lone surrogate. Each file is nine plain lines
 * (those the format detection parses) and the awkward one; rows, counts and issues must be equal, and
 * the cases say which files SQL read itself. Pins what README says of them; the open differences
 * (`nan`, trailing commas, a key written twice in a transcript) are listed there.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { UsageDb } from '../../src/engine/duckdb.js';
import { loadAllWithSql } from '../../src/engine/sql-readers/index.js';
import { ingest, parseColumnMap } from '../../src/ingest/index.js';
import type { IngestOptions } from '../../src/ingest/types.js';
import { both } from './sql-both.js';

const tmp = mkdtempSync(join(tmpdir(), 'tokenomics-awkward-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));
let fileNo = 0;
/** Writes nine plain lines and `last` (JSON text, escapes as written) to a fresh file. */
function file(ext: string, plain: (i: number) => string, last: string): string {
  const path = join(tmp, `f${++fileNo}.${ext}`);
  writeFileSync(path, [...Array.from({ length: 9 }, (_, i) => plain(i + 1)), last, ''].join('\n'));
  return path;
}

/** 2^53 + 1: JSON.parse reads it as 2^53, which is no safe integer, so the TypeScript readers reject it. */
const HUGE = '9007199254740993';
/** U+1F600 written as its surrogate pair, as JSON writers that escape non-ASCII text write it. */
const PAIR = '\\uD83D\\uDE00';
const SMILE = '\u{1F600}';

async function parity(path: string, options: IngestOptions = { keepText: false }) {
  const { ts, sql } = await both(path, options);
  expect(sql.rows).toEqual(ts.rows);
  expect(sql.counts).toEqual(ts.counts);
  expect(sql.issues).toEqual(ts.issues);
  return { ts, sql };
}

describe('OpenAI bodies', () => {
  const body = (i: number, id = `chatcmpl-${i}`, model = 'gpt-4o-mini', prompt = String(100 + i)) =>
    `{"id":"${id}","object":"chat.completion","created":${1790000000 + i},"model":"${model}","choices":[],"usage":{"prompt_tokens":${prompt},"completion_tokens":5}}`;

  it('a count past 2^53 - 1: rejected at its line either way', async () => {
    const { ts, sql } = await parity(file('jsonl', body, body(10, 'chatcmpl-10', 'gpt-4o-mini', HUGE)));
    expect(sql.took).toBeUndefined();
    expect(ts.counts).toMatchObject({ read: 10, counted: 9, rejected: { 'invalid-count': 1 } });
  });

  it('surrogate pairs decode to their character, in an id (deduped against the same id written plainly) and a model', async () => {
    // line 11 is line 10's request (same created, 1790000010) written plainly
    const path = file('jsonl', body, [body(10, `x${PAIR}`, `gpt-4o-mini${PAIR}`), body(10, `x${SMILE}`, `gpt-4o-mini${SMILE}`)].join('\n'));
    const { sql } = await parity(path);
    expect(sql.took).toBe('openai');
    // line 11 repeats line 10's id and model (one string each however written) and time: a duplicate
    expect(sql.counts).toEqual({ read: 11, counted: 10, skipped: { duplicate: 1 }, rejected: {} });
    expect(sql.rows[9]).toMatchObject({ id: `x${SMILE}`, model: `gpt-4o-mini${SMILE}` });
  });

  it('a lone surrogate in an id or a model: the TypeScript reader reads the file', async () => {
    for (const last of [body(10, 'x\\uD83D'), body(10, 'chatcmpl-10', 'gpt-4o-mini\\uDE00')]) {
      const { sql } = await parity(file('jsonl', body, last));
      expect(sql.took).toBeUndefined();
    }
  });
});

describe('LiteLLM spend logs (JSONL)', () => {
  const row = (i: number, id = `j${i}`, model = 'gpt-4o-mini', prompt = String(100 + i), tag = 'team:a') =>
    `{"request_id": "${id}", "call_type": "acompletion", "prompt_tokens": ${prompt}, "completion_tokens": 10, "startTime": "2025-06-02T08:00:00.000Z", "model": "${model}", "custom_llm_provider": "openai", "metadata": {}, "cache_hit": "False", "request_tags": ["${tag}"], "status": "success"}`;

  it('a count past 2^53 - 1', async () => {
    const { sql } = await parity(file('jsonl', row, row(10, 'j10', 'gpt-4o-mini', HUGE)));
    expect(sql.took).toBeUndefined();
    expect(sql.counts).toMatchObject({ read: 10, counted: 9 });
  });

  it('surrogate pairs in an id, a model and a tag; a lone one', async () => {
    const { sql } = await parity(file('jsonl', row, row(10, `j${PAIR}`, `gpt-4o-mini${PAIR}`, '110', `team:${PAIR}`)));
    expect(sql.took).toBe('litellm');
    expect(sql.rows[9]).toMatchObject({ id: `j${SMILE}`, model: `gpt-4o-mini${SMILE}` });
    expect(String(sql.rows[9].tags)).toContain(SMILE);
    expect((await parity(file('jsonl', row, row(10, 'j10', 'gpt-4o-mini', '110', 'team:\\uD83D')))).sql.took).toBeUndefined();
  });
});

describe('generic JSONL and CSV with --map', () => {
  const map = parseColumnMap('id=rid,model=llm.name,timestamp=ts,prompt=usage.total_in,output=usage.out,tag.team=meta.team');
  const options = { keepText: false, columns: map };
  const line = (i: number, id = `a${i}`, model = 'gpt-4o', prompt = String(100 + i), team = 'core') =>
    `{"rid":"${id}","llm":{"name":"${model}"},"ts":"2025-03-01T10:00:00.123Z","usage":{"total_in":${prompt},"out":7},"meta":{"team":"${team}"}}`;

  it('a count past 2^53 - 1, as a number and as a string', async () => {
    for (const huge of [HUGE, `"${HUGE}"`]) {
      const { sql } = await parity(file('jsonl', line, line(10, 'a10', 'gpt-4o', huge)), options);
      expect(sql.counts).toMatchObject({ read: 10, counted: 9 });
    }
    const csvMap = parseColumnMap('id=rid,model=llm,timestamp=ts,prompt=pin,output=out');
    const row = (i: number, prompt = String(100 + i)) => `a${i},gpt-4o,2025-03-01T10:00:00.123Z,${prompt},7`;
    const csv = join(tmp, 'big.csv');
    writeFileSync(csv, ['rid,llm,ts,pin,out', ...Array.from({ length: 9 }, (_, i) => row(i + 1)), row(10, HUGE), ''].join('\n'));
    // the SQL reader hands the row to the TypeScript converter: rejected at its line either way
    const { sql } = await parity(csv, { keepText: false, columns: csvMap });
    expect(sql.took).toBe('generic');
    expect(sql.counts).toMatchObject({ read: 10, counted: 9 });
  });

  it('surrogate pairs in an id, a model and a tag; a lone one', async () => {
    const { sql } = await parity(file('jsonl', line, line(10, `a${PAIR}`, `gpt-4o${PAIR}`, '110', `t${PAIR}`)), options);
    expect(sql.took).toBe('generic');
    expect(sql.rows[9]).toMatchObject({ id: `a${SMILE}`, model: `gpt-4o${SMILE}` });
    expect((await parity(file('jsonl', line, line(10, 'a\\uD83D')), options)).sql.took).toBeUndefined();
  });
});

describe('Claude Code transcripts', () => {
  const MODEL = 'claude-sonnet-4-5-20250929';
  const user = (i: number) =>
    `{"parentUuid":null,"sessionId":"s","type":"user","message":{"role":"user","content":"go on"},"uuid":"u${i}","timestamp":"2026-03-01T09:59:00.000Z"}`;
  const assistant = (id: string, model = MODEL, input = '3') =>
    `{"parentUuid":null,"isSidechain":false,"sessionId":"s","type":"assistant","message":{"model":"${model}","id":"${id}","type":"message","role":"assistant","content":[],"usage":{"input_tokens":${input},"output_tokens":1}},"requestId":"r-${id}","uuid":"a-${id}","timestamp":"2026-03-01T10:00:00.000Z"}`;

  /** Both ways through the whole-tree reader; returns the SQL side's format (undefined: the TypeScript reader read it). */
  async function tree(last: string): Promise<{ took?: string; rows: Record<string, unknown>[]; counts: unknown }> {
    const path = file('jsonl', user, last);
    const out = [];
    for (const sql of [false, true]) {
      const db = await UsageDb.open({ threads: 1 });
      try {
        let took: string | undefined;
        const readFiles = async (files: string[]) => {
          const r = await loadAllWithSql(db, files, { keepText: false });
          took = r === 'fallback' ? undefined : r.format;
          return r === 'fallback' ? undefined : r;
        };
        const result = await ingest([path], { keepText: false }, (r) => db.append(r), { readFiles: sql ? readFiles : undefined });
        await db.seal();
        out.push({ rows: await db.query('SELECT * FROM usage ORDER BY seq'), counts: result.counts, issues: result.issues, took });
      } finally {
        db.close();
      }
    }
    const [ts, sql] = out;
    expect(sql.rows).toEqual(ts.rows);
    expect(sql.counts).toEqual(ts.counts);
    expect(sql.issues).toEqual(ts.issues);
    return sql;
  }

  it('a count past 2^53 - 1', async () => {
    const sql = await tree(assistant('m1', MODEL, HUGE));
    expect(sql.took).toBeUndefined();
    expect(sql.counts).toMatchObject({ read: 10, counted: 0 });
  });

  it('surrogate pairs in a message id (deduped against the id written plainly) and a model; a lone one', async () => {
    const sql = await tree([assistant(`m${PAIR}`, `${MODEL}${PAIR}`), assistant(`m${SMILE}`, `${MODEL}${SMILE}`, '4')].join('\n'));
    expect(sql.took).toBe('claude-code');
    // one message id + request id (r-m + the pair): the larger copy (4 input tokens) is kept, the other a duplicate
    expect(sql.counts).toEqual({ read: 11, counted: 1, skipped: { 'transcript-metadata': 9, duplicate: 1 }, rejected: {} });
    expect(sql.rows[0]).toMatchObject({ id: `m${SMILE}`, model: `${MODEL}${SMILE}`, input_tokens: 4n });
    expect((await tree(assistant('m\\uD83D'))).took).toBeUndefined();
  });
});
