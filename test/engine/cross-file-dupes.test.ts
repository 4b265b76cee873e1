/**
 * A request repeated in another input file (two overlapping exports, one file under two names) is
 * counted once, in the first file read, the other copies skipped `duplicate` with a warning naming
 * both files and the count; the same whether the SQL readers or the TypeScript readers read each file,
 * in either order (ingest/session.ts repeatsEarlierFile, engine/cross-file.ts).
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parseDimensions } from '../../src/aggregate/dims.js';
import { UsageDb } from '../../src/engine/duckdb.js';
import { reportViaDuckDB } from '../../src/engine/report.js';
import { ingest, parseColumnMap } from '../../src/ingest/index.js';
import { crossFileIssue } from '../../src/ingest/session.js';
import type { IngestOptions } from '../../src/ingest/types.js';
import { loadCatalog } from '../../src/pricing/load.js';

const dir = mkdtempSync(join(tmpdir(), 'tk-xfile-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const { catalog } = loadCatalog({ priceFiles: [] });

// `pad` makes a line longer (a file of such lines is read by SQL above a byte bound the other stays under)
const chat = (id: string, created: number, prompt: number, output: number, pad = '') =>
  JSON.stringify({
    id,
    object: 'chat.completion',
    created,
    model: 'gpt-4o-mini',
    choices: [{ index: 0, message: { role: 'assistant', content: pad }, finish_reason: 'stop' }],
    usage: { prompt_tokens: prompt, completion_tokens: output },
  });
const T = 1763000000;
const PAD = 'x'.repeat(2000);
// a.jsonl: c1, c2, c3. b.jsonl: copies of c2 and c3, a new c4, and an id of a.jsonl at another time (a
// server's weak id such as chatcmpl-1 on another day: another request)
const a = join(dir, 'a.jsonl');
const b = join(dir, 'b.jsonl');
writeFileSync(a, `${[chat('c1', T, 100, 10, PAD), chat('c2', T + 1, 200, 20, PAD), chat('c3', T + 2, 300, 30, PAD)].join('\n')}\n`);
writeFileSync(
  b,
  `${[chat('c2', T + 1, 200, 20), chat('c3', T + 2, 300, 30), chat('c4', T + 3, 400, 40), chat('c1', T + 86400, 1000, 100)].join('\n')}\n`,
);
// a.jsonl holds > 6,000 bytes of text, b.jsonl < 1,000: a bound of 5,000 has SQL read a.jsonl only
const MIXED = 5000;

async function run(inputs: string[], sqlFromBytes: number, compressFromBytes?: number, ingestOptions: IngestOptions = { keepText: false }) {
  const db = await UsageDb.open({ threads: 1, compressFromBytes });
  const r = await reportViaDuckDB(
    inputs,
    { dims: parseDimensions('model') },
    { catalog, nowMs: 0, ingest: ingestOptions, db: Promise.resolve(db), sqlFromBytes },
  );
  return { r, views: db.inPlaceViews };
}

const repeated = (issues: ReadonlyArray<{ code: string; file?: string; message: string }>) =>
  issues.filter((i) => i.code === 'cross-file-duplicates').map((i) => [i.file, i.message]);

describe('a request repeated across input files', () => {
  // by SQL (bound 0), by TypeScript (bound 1 GiB), and a.jsonl by SQL with b.jsonl by TypeScript
  for (const [name, bound, views] of [
    ['both by SQL', 0, 2],
    ['both by TypeScript', 1 << 30, 0],
    ['one by each', MIXED, 1],
  ] as const) {
    it(`is counted once, in the first file (${name})`, async () => {
      const { r, views: v } = await run([a, b], bound);
      expect(v).toBe(views);
      // read 3 + 4 = 7; counted c1, c2, c3 (a) + c4, c1 a day later (b) = 5; skipped: b's c2 and c3 = 2
      expect(r.ingest.counts).toEqual({ read: 7, counted: 5, skipped: { duplicate: 2 }, rejected: {} });
      // input 100 + 200 + 300 + 400 + 1000 = 2000; output 10 + 20 + 30 + 40 + 100 = 200
      expect(r.view.total.sums.inputTokens).toBe(2000);
      expect(r.view.total.sums.outputTokens).toBe(200);
      expect(r.view.total.sums.requests).toBe(5);
      expect(repeated(r.ingest.issues)).toEqual([
        [b, `2 records repeat requests of ${a} (same id, model and time): skipped as duplicate, counted once`],
      ]);
    });
  }

  it('marks copies in a staged table held compressed (a large file: UsageDb.compressingCatalog)', async () => {
    // every file staged compressed (a bound of 1 byte): the same counts and sums as above
    const { r, views } = await run([a, b], 0, 1);
    expect(views).toBe(2);
    expect(r.ingest.counts).toEqual({ read: 7, counted: 5, skipped: { duplicate: 2 }, rejected: {} });
    expect(r.view.total.sums.inputTokens).toBe(2000);
  });

  it('keeps the first file read when the TypeScript reader reads it before an SQL read of the copy', async () => {
    // b.jsonl (TypeScript) first, then a.jsonl (SQL): a's c2 and c3 are the copies; a's c1 (time T) is not b's c1 (a day later)
    const { r, views } = await run([b, a], MIXED);
    expect(views).toBe(1);
    expect(r.ingest.counts).toEqual({ read: 7, counted: 5, skipped: { duplicate: 2 }, rejected: {} });
    expect(r.view.total.sums.inputTokens).toBe(2000);
    expect(repeated(r.ingest.issues)).toEqual([
      [a, `2 records repeat requests of ${b} (same id, model and time): skipped as duplicate, counted once`],
    ]);
  });

  it('LiteLLM spend logs: a copy of the file under another name, by SQL and by TypeScript', async () => {
    // litellm-plain.jsonl: 6 rows; counted j1, j4 and a row without request_id; skipped a cache hit, a failure, one without usage
    const l1 = join(dir, 'l1.jsonl');
    const l2 = join(dir, 'l2.jsonl');
    const text = readFileSync('fixtures/sql-readers/litellm-plain.jsonl');
    writeFileSync(l1, text);
    writeFileSync(l2, text);
    for (const [bound, views] of [
      [0, 2],
      [1 << 30, 0],
    ] as const) {
      const { r, views: v } = await run([l1, l2], bound);
      expect(v).toBe(views);
      // read 6 + 6 = 12; counted 3 + 1 (the row without an id: no logged id, never a copy) = 4;
      // l2's j1 and j4 skipped as duplicate (2); each file's three skips twice
      expect(r.ingest.counts).toEqual({
        read: 12,
        counted: 4,
        skipped: { duplicate: 2, 'failed-request': 2, 'gateway-cache-hit': 2, 'no-usage': 2 },
        rejected: {},
      });
      expect(repeated(r.ingest.issues)).toEqual([
        [l2, `2 records repeat requests of ${l1} (same id, model and time): skipped as duplicate, counted once`],
      ]);
    }
  });

  it('generic CSV whose mapping names the id column (--map id=COL), by SQL and by TypeScript; not without it', async () => {
    const g1 = join(dir, 'g1.csv');
    const g2 = join(dir, 'g2.csv');
    const head = 'rid,llm,when,tin,tout';
    writeFileSync(g1, `${head}\nr1,gpt-4o-mini,1763000000000,100,10\nr2,gpt-4o-mini,1763000001000,200,20\n`);
    // r2 again (a copy of g1's second row), and r3
    writeFileSync(g2, `${head}\nr2,gpt-4o-mini,1763000001000,200,20\nr3,gpt-4o-mini,1763000002000,300,30\n`);
    const map = 'model=llm,timestamp=when,input=tin,output=tout';
    for (const [bound, views] of [
      [0, 2],
      [1 << 30, 0],
    ] as const) {
      const mapped = await run([g1, g2], bound, undefined, { keepText: false, columns: parseColumnMap(`id=rid,${map}`) });
      expect(mapped.views).toBe(views);
      // read 2 + 2 = 4; counted r1, r2 (g1) + r3 (g2) = 3; g2's r2 skipped; input 100 + 200 + 300 = 600
      expect(mapped.r.ingest.counts).toEqual({ read: 4, counted: 3, skipped: { duplicate: 1 }, rejected: {} });
      expect(mapped.r.view.total.sums.inputTokens).toBe(600);
      expect(repeated(mapped.r.ingest.issues)).toEqual([
        [g2, `1 record repeats a request of ${g1} (same id, model and time): skipped as duplicate, counted once`],
      ]);
      // the id not mapped: rows are not taken for requests of their own; all 4 counted, input 100 + 200 + 200 + 300 = 800
      const unmapped = await run([g1, g2], bound, undefined, { keepText: false, columns: parseColumnMap(map) });
      expect(unmapped.r.ingest.counts).toEqual({ read: 4, counted: 4, skipped: {}, rejected: {} });
      expect(unmapped.r.view.total.sums.inputTokens).toBe(800);
    }
  });

  it('Anthropic messages and Langfuse observations (TypeScript readers) are checked the same way', async () => {
    const msg = (id: string, input: number) =>
      JSON.stringify({
        id,
        type: 'message',
        role: 'assistant',
        model: 'claude-sonnet-4-5-20250929',
        content: [{ type: 'text', text: 'ok' }],
        stop_reason: 'end_turn',
        usage: { input_tokens: input, output_tokens: 1 },
      });
    const obs = (id: string, input: number) =>
      JSON.stringify({
        id,
        traceId: 't',
        type: 'GENERATION',
        startTime: '2026-09-01T10:00:00.000Z',
        model: 'gpt-4o-mini',
        inputUsage: input,
        outputUsage: 1,
      });
    const m1 = join(dir, 'm1.jsonl');
    const m2 = join(dir, 'm2.jsonl');
    const o1 = join(dir, 'o1.jsonl');
    const o2 = join(dir, 'o2.jsonl');
    writeFileSync(m1, `${msg('msg_1', 10)}\n${msg('msg_2', 20)}\n`);
    writeFileSync(m2, `${msg('msg_2', 20)}\n${msg('msg_3', 30)}\n`);
    writeFileSync(o1, `${obs('o-1', 100)}\n${obs('o-2', 200)}\n`);
    writeFileSync(o2, `${obs('o-2', 200)}\n`);
    let input = 0;
    const result = await ingest([m1, m2, o1, o2], { keepText: false }, (rec) => {
      input += rec.inputTokens;
    });
    // read 2 + 2 + 2 + 1 = 7; skipped m2's msg_2 and o2's o-2; input 10 + 20 + 30 + 100 + 200 = 360
    expect(result.counts).toEqual({ read: 7, counted: 5, skipped: { duplicate: 2 }, rejected: {} });
    expect(input).toBe(360);
    expect(repeated(result.issues).map(([f]) => f)).toEqual([m2, o2]);
  });

  it('a single file keeps its own dedupe: an id repeated past the window in one file is not a cross-file copy', async () => {
    const records: string[] = [];
    await ingest([b], { keepText: false }, (rec) => records.push(rec.id));
    // c1 twice in b.jsonl at two times: both counted (one file)
    expect(records).toEqual(['c2', 'c3', 'c4', 'c1']);
  });

  it('streams of the TypeScript pipeline (simulate, export) skip the copies too', async () => {
    const ids: string[] = [];
    const result = await ingest([a, b], { keepText: false }, (rec) => ids.push(`${rec.id}@${rec.source.file === a ? 'a' : 'b'}`));
    expect(ids).toEqual(['c1@a', 'c2@a', 'c3@a', 'c4@b', 'c1@b']);
    expect(result.counts.skipped).toEqual({ duplicate: 2 });
  });
});

describe('the warning of requests repeated across files', () => {
  it('writes the count with thousands separators, as the report writes counts', () => {
    // 1236 copies: "1,236" (it read "1236 records")
    expect(crossFileIssue('b.jsonl', 'a.jsonl', 1236).message).toBe(
      '1,236 records repeat requests of a.jsonl (same id, model and time): skipped as duplicate, counted once',
    );
    expect(crossFileIssue('b.jsonl', 'a.jsonl', 1).message).toMatch(/^1 record repeats a request of a\.jsonl /);
  });
});
