/**
 * The Claude Code SQL reader (src/engine/sql-readers/claude-code.ts) against the TypeScript
 * reader: every Claude Code fixture, and hand-made trees (dedupe across files and sessions,
 * sidechains, missing usage, `<synthetic>`, bad counts), are ingested both ways into a usage table;
 * rows (every usage column, in arrival order, seq included), counts and issues must be equal. The
 * cases the SQL must read itself say so (`took`), the ones it must leave to the TypeScript reader too.
 */
import { mkdtempSync, readdirSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { UsageDb, type Row } from '../../src/engine/duckdb.js';
import { loadAllWithSql } from '../../src/engine/sql-readers/index.js';
import { readBatches } from '../../src/engine/sql-readers/claude-code.js';
import { ingest } from '../../src/ingest/index.js';

interface Loaded {
  rows: Row[];
  counts: unknown;
  issues: unknown;
  formats: string[];
  /** The format the SQL reader read the inputs as (undefined: the TypeScript reader read them). */
  took?: string;
}

async function load(inputs: string[], sql: boolean): Promise<Loaded> {
  const db = await UsageDb.open({ threads: 1 });
  try {
    let took: string | undefined;
    const result = await ingest(inputs, { keepText: false }, (r) => db.append(r), {
      readFiles: sql
        ? async (files) => {
            const r = await loadAllWithSql(db, files, { keepText: false });
            if (r === 'fallback') return undefined;
            took = r.format;
            return r;
          }
        : undefined,
    });
    await db.seal();
    return {
      rows: await db.query('SELECT * FROM usage ORDER BY seq'),
      counts: result.counts,
      issues: result.issues,
      formats: result.files.map((f) => f.format),
      took,
    };
  } finally {
    db.close();
  }
}

/** Both ways; equal rows, counts and issues; returns the SQL side. */
async function parity(inputs: string[]): Promise<Loaded> {
  const ts = await load(inputs, false);
  const sql = await load(inputs, true);
  expect(sql.rows).toEqual(ts.rows);
  expect(sql.counts).toEqual(ts.counts);
  expect(sql.issues).toEqual(ts.issues);
  expect(sql.formats).toEqual(ts.formats);
  return sql;
}

const tmp = mkdtempSync(join(tmpdir(), 'tokenomics-sql-claude-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));
let treeNo = 0;

/** Writes `files` (relative path -> lines) under a fresh folder; returns the folder. */
function tree(files: Record<string, unknown[]>, gzip: readonly string[] = []): string {
  const root = join(tmp, `t${++treeNo}`);
  for (const [path, lines] of Object.entries(files)) {
    const file = join(root, path);
    mkdirSync(dirname(file), { recursive: true });
    const text = lines.map((l) => (typeof l === 'string' ? l : JSON.stringify(l))).join('\n') + '\n';
    writeFileSync(file, gzip.includes(path) ? gzipSync(text) : text);
  }
  return root;
}

const MODEL = 'claude-sonnet-4-5-20250929';
let uuidNo = 0;
/** An assistant line as Claude Code writes it. */
function assistant(session: string, id: string | undefined, req: string | undefined, usage: object, extra: object = {}): object {
  return {
    parentUuid: null,
    isSidechain: false,
    sessionId: session,
    type: 'assistant',
    message: { model: MODEL, id, type: 'message', role: 'assistant', content: [{ type: 'text', text: 'ok' }], usage },
    requestId: req,
    uuid: `u${++uuidNo}`,
    timestamp: '2026-03-01T10:00:00.000Z',
    ...extra,
  };
}
const user = (session: string) => ({
  parentUuid: null,
  sessionId: session,
  type: 'user',
  message: { role: 'user', content: 'go on' },
  uuid: `u${++uuidNo}`,
  timestamp: '2026-03-01T09:59:00.000Z',
});
const u = (input: number, output: number, more: object = {}) => ({ input_tokens: input, output_tokens: output, ...more });

describe('Claude Code SQL reader: every Claude Code fixture', () => {
  const dir = 'fixtures/logs/claude-code';
  for (const name of readdirSync(dir).sort()) {
    it(name, async () => {
      await parity([join(dir, name)]);
    });
  }
  it('the fixture folder as one tree', async () => {
    await parity([dir]);
  });
  it('reads the plain session fixture itself', async () => {
    const sql = await parity(['fixtures/logs/claude-code/session.jsonl']);
    expect(sql.took).toBe('claude-code');
  });
});

describe('Claude Code SQL reader: hand-made trees', () => {
  it('keeps the largest copy per message id + request id, per file, in the TypeScript order', async () => {
    const root = tree({
      'p/s1.jsonl': [
        user('s1'),
        assistant('s1', 'm1', 'r1', u(3, 1)),
        assistant('s1', 'm2', 'r2', u(5, 7)),
        assistant('s1', 'm1', 'r1', u(3, 250)), // the final copy of m1: kept, at m1's place (before m2)
        assistant('s1', 'm1', 'r1', u(3, 250)), // an equal later copy: the earlier stays
        assistant('s1', undefined, undefined, u(2, 2)), // no message id: emitted at once, before the buffered ones
      ],
    });
    const sql = await parity([root]);
    expect(sql.took).toBe('claude-code');
    // 6 lines: 1 user (transcript-metadata), 3 kept (m1, m2, no id), 2 copies of m1 (duplicate)
    expect(sql.counts).toEqual({ read: 6, counted: 3, skipped: { 'transcript-metadata': 1, duplicate: 2 }, rejected: {} });
    // order: the record without id first (emitted at its line), then m1 (first seen line 2) and m2
    expect(sql.rows.map((r) => [r.id, r.output_tokens, r.source_line])).toEqual([
      [`${root}/p/s1.jsonl:6`, 2n, 6],
      ['m1', 250n, 4],
      ['m2', 7n, 3],
    ]);
  });

  it('dedupes across files: resumed sessions and subagent sidechain replays', async () => {
    const side = { isSidechain: true, agentId: 'a7' };
    const root = tree({
      'p/s1.jsonl': [assistant('s1', 'm1', 'r1', u(10, 100)), assistant('s1', 'm2', 'r2', u(20, 200))],
      // a resumed session repeats m1 (same request: duplicate) and m2 under another request (kept)
      'p/s2.jsonl': [assistant('s2', 'm1', 'r1', u(10, 100)), assistant('s2', 'm2', 'r9', u(20, 200))],
      // the subagent replays m1 as a sidechain (duplicate across files) and has its own m3
      'p/s1/subagents/agent-a7.jsonl': [assistant('s1', 'm1', 'r5', u(10, 100), side), assistant('s1', 'm3', 'r3', u(1, 2), side)],
      // within one file: a message id with a main-chain copy drops its sidechain replay
      'p/s3.jsonl': [assistant('s3', 'm4', 'r4', u(1, 1), side), assistant('s3', 'm4', 'r4b', u(1, 5))],
    });
    const sql = await parity([root]);
    expect(sql.took).toBe('claude-code');
    // files in walk order: p/s1/subagents/agent-a7.jsonl (the folder s1 sorts before s1.jsonl), s1.jsonl, s2.jsonl, s3.jsonl.
    // agent: m1/r5 (sidechain, first copy of m1 in the run) and m3 kept; s1: m1/r1 a duplicate (m1 was kept as a
    // sidechain replay before), m2/r2 kept; s2: m1/r1 a duplicate, m2/r9 kept (a new request id, both main-chain);
    // s3: m4/r4b kept, its sidechain copy a duplicate. 8 lines = 5 kept + 3 duplicates
    expect(sql.counts).toEqual({ read: 8, counted: 5, skipped: { duplicate: 3 }, rejected: {} });
    expect(sql.rows.map((r) => [r.id, r.conversation_id, r.tags])).toEqual([
      ['m1', 's1', '{"agent":"a7","sidechain":"true"}'],
      ['m3', 's1', '{"agent":"a7","sidechain":"true"}'],
      ['m2', 's1', null],
      ['m2', 's2', null],
      ['m4', 's3', null],
    ]);
  });

  it('keeps the largest of sidechain-only copies', async () => {
    const side = { isSidechain: true };
    const root = tree({ 'p/s.jsonl': [assistant('s', 'm1', 'ra', u(1, 3), side), assistant('s', 'm1', 'rb', u(1, 9), side)] });
    const sql = await parity([root]);
    expect(sql.took).toBe('claude-code');
    // 1 + 9 > 1 + 3: the copy under rb stays
    expect(sql.rows.map((r) => [r.id, r.output_tokens, r.source_line])).toEqual([['m1', 9n, 2]]);
  });

  it('skips missing usage, <synthetic> placeholders and zero-token API errors; reads buckets, charges and modifiers', async () => {
    const usage = u(4, 50, {
      cache_read_input_tokens: 1000,
      cache_creation_input_tokens: 300,
      cache_creation: { ephemeral_5m_input_tokens: 100, ephemeral_1h_input_tokens: 200 },
      output_tokens_details: { thinking_tokens: 20 },
      server_tool_use: { web_search_requests: 2, web_fetch_requests: 1 },
      service_tier: 'priority',
      inference_geo: 'us',
      speed: 'fast',
    });
    const noUsage = assistant('s', 'm0', 'r0', u(0, 0));
    delete (noUsage as { message: { usage?: unknown } }).message.usage;
    const synthetic = assistant('s', 'm9', 'r9', u(0, 0));
    (synthetic as { message: { model: string } }).message.model = '<synthetic>';
    const root = tree(
      {
        'p/s.jsonl.gz': [
          noUsage,
          synthetic,
          assistant('s', 'me', 're', u(0, 0), { isApiErrorMessage: true }),
          assistant('s', 'm1', 'r1', usage),
          // legacy usage: no TTL split, all writes 5m
          assistant('s', 'm2', 'r2', u(1, 1, { cache_creation_input_tokens: 70 })),
          { type: 'summary', summary: 'x', leafUuid: 'u1' },
        ],
      },
      ['p/s.jsonl.gz'],
    );
    const sql = await parity([root]);
    expect(sql.took).toBe('claude-code');
    expect(sql.counts).toEqual({
      read: 6,
      counted: 2,
      skipped: { 'no-usage': 1, 'synthetic-placeholder': 1, 'error-body': 1, 'transcript-metadata': 1 },
      rejected: {},
    });
    expect(sql.rows[0]).toMatchObject({
      input_tokens: 4n,
      cache_read_tokens: 1000n,
      cache_write_5m_tokens: 100n,
      cache_write_1h_tokens: 200n,
      output_tokens: 50n,
      reasoning_tokens: 20n,
      web_search_calls: 2n,
      web_fetch_calls: 1n,
      service_tier: 'priority',
      regional: true,
      fast: true,
      provider: 'anthropic',
      time_ms: BigInt(Date.UTC(2026, 2, 1, 10)),
    });
    expect(sql.rows[1]).toMatchObject({ cache_write_5m_tokens: 70n, cache_write_1h_tokens: 0n });
  });

  it('leaves a tree whose model id starts with U+FEFF to the TypeScript reader (read back through Node, the id loses it)', async () => {
    const line = assistant('s', 'm1', 'r1', u(3, 4));
    (line as { message: { model: string } }).message.model = `\ufeff${MODEL}`;
    const sql = await parity([tree({ 'p/s.jsonl': [user('s'), line] })]);
    expect(sql.took).toBeUndefined();
    expect(sql.counts).toMatchObject({ counted: 1 });
  });

  it('reads untyped lines (older Claude Code) itself', async () => {
    const old = { requestId: 'r1', sessionId: 's', uuid: 'x1', message: { id: 'm1', model: MODEL, usage: u(3, 4) } };
    const sql = await parity([tree({ 'p/s.jsonl': [old] })]);
    expect(sql.took).toBe('claude-code');
    expect(sql.counts).toMatchObject({ counted: 1 });
  });

  it('reads null ids, odd message and usage shapes, and CRLF line ends itself, as the TypeScript reader does', async () => {
    const noUuid = { ...user('s'), uuid: null, parentUuid: null }; // 'uuid' in the line: a transcript line all the same
    const stringMessage = { ...user('s'), message: 'hi' };
    const usageNotObject = assistant('s', 'm5', 'r5', u(0, 0));
    (usageNotObject as { message: { usage: unknown } }).message.usage = 5; // no usage
    const splitNotObject = assistant('s', 'm6', 'r6', u(2, 3, { cache_creation_input_tokens: 40, cache_creation: [1] })); // all 40 writes 5m
    const emptySplit = assistant('s', 'm7', 'r7', u(2, 3, { cache_creation_input_tokens: 9, cache_creation: {} })); // {} is a split of 0 + 0
    const noMessage = { type: 'assistant', sessionId: 's', uuid: 'x9' }; // no-usage
    const root = tree({
      'p/s.jsonl': [noUuid, stringMessage, usageNotObject, splitNotObject, emptySplit, noMessage, assistant('s', 'm8', 'r8', u(1, 1))],
    });
    const sql = await parity([root]);
    expect(sql.took).toBe('claude-code');
    // 7 lines: 2 user (transcript-metadata), 2 without usage (5 is not an object; no message), 3 counted
    expect(sql.counts).toEqual({ read: 7, counted: 3, skipped: { 'transcript-metadata': 2, 'no-usage': 2 }, rejected: {} });
    // cache_creation [1] is not a split: the 40 writes are 5m; {} is a split with no TTL counts, and 9 > 0: the
    // TypeScript reader takes the creation count (its split sums to 0), so 9 are 5m
    expect(sql.rows.map((r) => [r.id, r.cache_write_5m_tokens, r.cache_write_1h_tokens])).toEqual([
      ['m6', 40n, 0n],
      ['m7', 9n, 0n],
      ['m8', 0n, 0n],
    ]);
    const crlf = join(tmp, 'crlf.jsonl');
    writeFileSync(crlf, [user('s'), assistant('s', 'm1', 'r1', u(1, 2))].map((l) => `${JSON.stringify(l)}\r\n`).join(''));
    const lines = await parity([crlf]);
    expect(lines.took).toBe('claude-code');
    expect(lines.rows.map((r) => [r.id, r.source_line])).toEqual([['m1', 2]]);
  });

  it('takes a uuid key of any value as a uuid key, as the TypeScript reader does (`in`)', async () => {
    // uuid and parentUuid are read as VARCHAR (NULL for null and missing only): a number, an object, an array
    // or false is there all the same; user lines scored by their uuid key alone (no message id, no usage)
    const numeric = { sessionId: 's', type: 'user', message: { role: 'user', content: 'a' }, uuid: 7 };
    const objectParent = { sessionId: 's', type: 'user', message: { role: 'user', content: 'b' }, parentUuid: {} };
    const arrayUuid = { sessionId: 's', type: 'user', message: { role: 'user', content: 'c' }, uuid: [1] };
    const falseUuid = { sessionId: 's', type: 'user', message: { role: 'user', content: 'd' }, uuid: false };
    const summary = { type: 'summary', summary: 'x', leafUuid: 3 };
    const root = tree({
      'p/s.jsonl': [numeric, objectParent, arrayUuid, falseUuid, summary, assistant('s', 'm1', 'r1', u(1, 2))],
    });
    const sql = await parity([root]);
    expect(sql.took).toBe('claude-code');
    // 6 lines: 5 transcript lines without usage, 1 counted
    expect(sql.counts).toEqual({ read: 6, counted: 1, skipped: { 'transcript-metadata': 5 }, rejected: {} });
  });

  // each case one line; the TypeScript reader rejects or reads it in a way SQL does not place exactly
  const fallbacks: Record<string, unknown> = {
    'a string count': assistant('s', 'm1', 'r1', { input_tokens: '12', output_tokens: 1 }),
    'a fractional count': assistant('s', 'm1', 'r1', u(1.5, 1)),
    'a negative count': assistant('s', 'm1', 'r1', u(-3, 1)),
    'a boolean count': assistant('s', 'm1', 'r1', { input_tokens: true, output_tokens: 1 }),
    'a missing output count': assistant('s', 'm1', 'r1', { input_tokens: 1 }),
    'inconsistent cache writes': assistant(
      's',
      'm1',
      'r1',
      u(1, 1, { cache_creation_input_tokens: 5, cache_creation: { ephemeral_5m_input_tokens: 1 } }),
    ),
    'a bad timestamp': assistant('s', 'm1', 'r1', u(1, 1), { timestamp: 'yesterday' }),
    'a timestamp in another ISO form': assistant('s', 'm1', 'r1', u(1, 1), { timestamp: '2026-03-01T10:00:00Z' }),
    'a numeric model': { ...(assistant('s', 'm1', 'r1', u(1, 1)) as object), message: { model: 7, id: 'm1', usage: u(1, 1) } },
    'a numeric message id': { ...(assistant('s', 'm1', 'r1', u(1, 1)) as object), message: { model: MODEL, id: 7, usage: u(1, 1) } },
    'a null type': { type: null, sessionId: 's', uuid: 'x', requestId: 'r', message: { id: 'm', model: MODEL, usage: u(1, 1) } },
    'a line the TypeScript reader would route elsewhere': { type: 'file-history-snapshot', messageId: 'x', snapshot: {} },
  };
  // JSON.stringify writes 12.0 as 12 and 2^53 + 1 cannot be a JS number: these lines are written as text
  const line = (o: unknown) => JSON.stringify(o);
  fallbacks['an integral float count (TypeScript reads 12)'] = line(assistant('s', 'm1', 'r1', u(7, 1))).replace(
    '"input_tokens":7',
    '"input_tokens":12.0',
  );
  fallbacks['a count above 2^53'] = line(assistant('s', 'm1', 'r1', u(7, 1))).replace(
    '"input_tokens":7',
    '"input_tokens":9007199254740993',
  );
  for (const [name, bad] of Object.entries(fallbacks)) {
    it(`leaves a tree with ${name} to the TypeScript reader`, async () => {
      const root = tree({ 'p/a.jsonl': [user('s'), assistant('s', 'm0', 'r0', u(1, 1))], 'p/b.jsonl': [user('s'), bad] });
      const sql = await parity([root]);
      expect(sql.took).toBeUndefined();
    });
  }

  it('leaves a tree with NaN or Infinity past the lines the detection parses to the TypeScript reader (JSON.parse rejects the line)', async () => {
    const head = Array.from({ length: 9 }, () => user('s'));
    const response = JSON.stringify(assistant('s', 'm1', 'r1', u(3, 1)));
    const lines = {
      'NaN in a response': response.replace('"type":"text"', '"score":NaN,"type":"text"'),
      'Infinity in a user line': JSON.stringify(user('s')).replace('"role":"user"', '"role":"user","p":-Infinity'),
      // other writers' spellings (R, Julia, printf's %F): DuckDB reads them too
      'INF in a response': response.replace('"type":"text"', '"score":[1, INF],"type":"text"'),
      'Nan in a user line': JSON.stringify(user('s')).replace('"role":"user"', '"role":"user","p": Nan'),
      '-Inf in a user line': JSON.stringify(user('s')).replace('"role":"user"', '"role":"user","p":-Inf'),
    };
    for (const [name, late] of Object.entries(lines)) {
      const root = tree({ 'p/a.jsonl': [user('s'), assistant('s', 'm0', 'r0', u(1, 1))], 'p/b.jsonl': [...head, late] });
      const sql = await parity([root]);
      expect(sql.took, name).toBeUndefined();
      expect(sql.counts, name).toMatchObject({ read: 12, rejected: { 'invalid-json': 1 } });
    }
  });

  it('reads a tree itself where NaN and Infinity are text, not values (in an id, in a tool result)', async () => {
    const head = Array.from({ length: 9 }, () => user('s'));
    const response = assistant('s', 'm1', 'req_011CVzNaNq8wXy', u(3, 1));
    const tool = JSON.stringify(user('s')).replace('"content":"go on"', '"content":"const ok = !Number.isNaN(n) && n < Infinity;"');
    const root = tree({ 'p/a.jsonl': [user('s'), assistant('s', 'm0', 'r0', u(1, 1))], 'p/b.jsonl': [...head, response, tool] });
    const sql = await parity([root]);
    expect(sql.took).toBe('claude-code');
    expect(sql.counts).toMatchObject({ read: 13, counted: 2 });
  });

  it('leaves a tree with a blank line, or with another format, to the file-by-file readers', async () => {
    const blank = tree({ 'p/s.jsonl': [user('s'), '', assistant('s', 'm1', 'r1', u(1, 1))] });
    expect((await parity([blank])).took).toBeUndefined();
    const mixed = tree({
      'p/s.jsonl': [user('s'), assistant('s', 'm1', 'r1', u(1, 1))],
      'q/openai.jsonl': [
        { id: 'c1', object: 'chat.completion', created: 1_790_000_000, model: 'gpt-4o', usage: { prompt_tokens: 5, completion_tokens: 1 } },
      ],
    });
    const sql = await parity([mixed]);
    expect(sql.took).toBeUndefined();
    expect(sql.formats).toEqual(['claude-code', 'openai']);
  });
});

describe('Claude Code SQL reader: files per read_text call', () => {
  const names = (n: number) => Array.from({ length: n }, (_, i) => `f${i}`);
  it('fills each call up to the byte budget, in input order', () => {
    // 20 files of 10 bytes, budget min(30, ceil(200 / 8) = 25) = 25: two files a call (20 <= 25 < 30)
    const files = names(20);
    const batches = readBatches(files, Array(20).fill(10), 30);
    expect(batches).toHaveLength(10);
    expect(batches.every((b) => b.length === 2)).toBe(true);
    expect(batches.flat()).toEqual(files);
  });
  it('gives a file larger than the budget a call of its own', () => {
    // total 115, budget min(20, ceil(115 / 8) = 15) = 15: 5 | 100 | 5 + 5
    expect(readBatches(names(4), [5, 100, 5, 5], 20)).toEqual([['f0'], ['f1'], ['f2', 'f3']]);
  });
  it('splits a small tree into several calls (every thread reads)', () => {
    // total 15, budget ceil(15 / 8) = 2: each 3-byte file alone
    expect(readBatches(names(5), [3, 3, 3, 3, 3])).toEqual(names(5).map((f) => [f]));
    expect(readBatches([], [])).toEqual([]);
  });
});
