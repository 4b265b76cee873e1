/**
 * The commands that take records one by one (simulate, export, check --traffic) read what report
 * reads and say what they leave out as report does:
 * - a Parquet file (no TypeScript reader: the engine's reader, record by record) gives the records
 *   of the logs it was exported from; its rejected rows are warned at file:row;
 * - what `export` writes reads back through report whole (its `time` column, its cache-write columns);
 * - rejected records and unreadable files are warned on stderr, never only counted; nothing readable
 *   at all is an error (exit 2), and export then writes no file.
 */
import { execFileSync } from 'node:child_process';
import { copyFileSync, existsSync, linkSync, mkdirSync, mkdtempSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { runCli } from './harness.js';
import { duckdbRows } from '../duckdb-rows.js';

const dir = mkdtempSync(join(tmpdir(), 'tokenomics-record-inputs-'));
const path = (name: string) => join(dir, name);
const DEMO = 'fixtures/demo';
const SCENARIO = 'fixtures/scenarios/demo.yaml';
const BAD = 'fixtures/logs/codex/bad.jsonl';

const sql = duckdbRows;

// biome-ignore lint/suspicious/noExplicitAny: report documents read back from JSON, fields checked by the assertions
const json = (text: string) => JSON.parse(text) as Record<string, any>;

beforeAll(async () => {
  for (const f of ['demo.parquet', 'demo.csv', 'demo.jsonl']) expect((await runCli(['export', path(f), DEMO, '-q'])).code).toBe(0);
  // three rows, the second with a negative count (rejected at row 2)
  await sql(
    `COPY (SELECT * FROM (VALUES ('x', 'gpt-4o-mini', 10, 5), ('y', 'gpt-4o-mini', -3, 5), ('z', 'gpt-4o-mini', 7, 2)) v(id, model, input_tokens, output_tokens)) TO '${path('bad.parquet')}' (FORMAT parquet)`,
  );
  // Parquet's magic number, then NUL bytes: not text
  writeFileSync(path('binary.log'), Buffer.from([0x50, 0x41, 0x52, 0x31, 0, 1, 2, 3]));
}, 120_000);

describe('what export writes reads back whole', () => {
  it('report on the exported Parquet, CSV and JSONL: the period and the exact totals of the demo', async () => {
    const demo = json((await runCli(['report', DEMO, '--format', 'json', '-q'])).stdout);
    // the demo: 3,596 requests, $20.56514995 (cache writes 697,068 5m + 333,816 1h among them)
    expect(demo.totals.costUsd).toBe(20.56514995);
    for (const f of ['demo.parquet', 'demo.csv', 'demo.jsonl']) {
      const r = json((await runCli(['report', path(f), '--format', 'json', '-q'])).stdout);
      expect(r.totals, f).toEqual(demo.totals);
      expect(r.inputs.period, f).toEqual(demo.inputs.period);
    }
    // a directory is searched for Parquet files too (with the logs beside them)
    const tree = path('tree');
    mkdirSync(tree);
    copyFileSync(path('demo.parquet'), join(tree, 'demo.parquet'));
    copyFileSync('fixtures/logs/openai/chat-and-responses.jsonl', join(tree, 'chat.jsonl'));
    const both = json((await runCli(['report', tree, '--format', 'json', '-q'])).stdout);
    const chat = json((await runCli(['report', 'fixtures/logs/openai/chat-and-responses.jsonl', '--format', 'json', '-q'])).stdout);
    expect(both.totals.requests).toBe(3596 + chat.totals.requests);
    expect(both.inputs.files.map((f: { format: string }) => f.format).sort()).toEqual(['openai', 'parquet']);
  }, 60_000);
});

describe('Parquet inputs in the record-by-record commands', () => {
  it('export of the exported Parquet: the same rows (but the source columns), the same exact cost', async () => {
    const again = path('again.csv');
    const r = await runCli(['export', again, path('demo.parquet')]);
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(/wrote 3,596 rows to .*again\.csv \(csv; 3,596 records of 3,596 read\)/);
    const cols = `* EXCLUDE (source_file, source_line)`;
    const [diff] = await sql(
      `SELECT (SELECT count(*) FROM (SELECT ${cols} FROM read_csv('${path('demo.csv')}') EXCEPT ALL SELECT ${cols} FROM read_csv('${again}'))) AS missing,
        (SELECT count(*) FROM (SELECT ${cols} FROM read_csv('${again}') EXCEPT ALL SELECT ${cols} FROM read_csv('${path('demo.csv')}'))) AS extra`,
    );
    expect(diff).toEqual({ missing: 0n, extra: 0n });
  }, 60_000);

  it('simulate on the exported Parquet: the baseline of the logs it came from', async () => {
    const fromLogs = json((await runCli(['simulate', DEMO, '--scenario', SCENARIO, '--format', 'json', '-q'])).stdout);
    const r = await runCli(['simulate', path('demo.parquet'), '--scenario', SCENARIO, '--format', 'json', '-q']);
    expect(r.code).toBe(0);
    const fromParquet = json(r.stdout);
    expect(fromParquet.baseline).toEqual(fromLogs.baseline);
    expect(fromParquet.inputs).toMatchObject({ records: 3596, read: 3596, rejected: 0 });
  }, 60_000);

  it('whatif --logs at other volumes (records kept): the exported Parquet costs what its logs cost', async () => {
    const args = (logs: string) => [
      'whatif',
      '--revenue',
      'fixtures/whatif/revenue.csv',
      '--logs',
      logs,
      '--volumes',
      '1,3',
      '--format',
      'json',
      '-q',
    ];
    const fromLogs = json((await runCli(args(DEMO))).stdout).margin;
    const r = await runCli(args(path('demo.parquet')));
    expect(r.code, r.stderr).toBe(0);
    const fromParquet = json(r.stdout).margin;
    expect(fromParquet.volumes[0]).toEqual(fromLogs.volumes[0]);
    // at 1x each customer's cost is the logs' (at 3x the logs' prompt text lets caching be replayed)
    // biome-ignore lint/suspicious/noExplicitAny: customers read back from JSON
    const at1x = (customers: Array<Record<string, any>>) => customers.map((c) => ({ ...c, atVolume: c.atVolume.slice(0, 1) }));
    expect(at1x(fromParquet.customers)).toEqual(at1x(fromLogs.customers));
    // the records came through (no prompt text: none replayed with caching, all of them requests)
    expect(fromParquet.volumeReplay).toMatchObject({ requests: 3596, replayed: 0 });
  }, 60_000);

  it('a rejected Parquet row: warned at file:row by simulate and export; --strict exits 2', async () => {
    const sim = await runCli(['simulate', path('bad.parquet'), '--scenario', SCENARIO]);
    expect(sim.code).toBe(0);
    expect(sim.stderr).toMatch(/warning: 1 record rejected as invalid \(negative-count 1\); first at .*bad\.parquet:2/);
    const exp = await runCli(['export', path('bad.csv'), path('bad.parquet')]);
    expect(exp.code).toBe(0);
    expect(exp.stderr).toMatch(/wrote 2 rows .*\(csv; 2 records of 3 read; 1 rejected\)/);
    expect(exp.stderr).toMatch(/1 record rejected as invalid \(negative-count 1\); first at .*bad\.parquet:2/);
    const strict = await runCli(['simulate', path('bad.parquet'), '--scenario', SCENARIO, '--strict']);
    expect(strict.code).toBe(2);
    expect(strict.stderr).toMatch(/bad\.parquet:2/);
  }, 60_000);
});

describe('what a command could not read is said', () => {
  it('report: files no reader recognises are warned beside rejected records elsewhere (these hid them)', async () => {
    const r = await runCli(['report', 'fixtures/logs', '--format', 'json', '-q']);
    expect(r.code).toBe(0);
    const codes = json(r.stdout).warnings.map((w: { code: string }) => w.code);
    expect(codes).toEqual(expect.arrayContaining(['rejected-records', 'input-errors']));
    const plain = await runCli(['report', 'fixtures/logs']);
    expect(plain.stderr).toMatch(
      /warning: 2 input errors, the first: fixtures\/logs\/generic\/requests\.csv: no log format recognised in this file/,
    );
  }, 60_000);

  it('simulate: rejected records warned with the first file:line (they were only counted)', async () => {
    const r = await runCli(['simulate', BAD, '--scenario', SCENARIO]);
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(/warning: 5 records rejected as invalid \(.*\); first at fixtures\/logs\/codex\/bad\.jsonl:\d+/);
    // and in JSON, in the document's warnings
    const j = json((await runCli(['simulate', BAD, '--scenario', SCENARIO, '--format', 'json', '-q'])).stdout);
    expect(j.warnings).toEqual(expect.arrayContaining([expect.stringMatching(/^5 records rejected as invalid/)]));
  }, 60_000);

  it('an unreadable input beside a readable one: a warning; only unreadable ones: exit 2, and export writes no file', async () => {
    const both = await runCli(['simulate', DEMO, path('binary.log'), '--scenario', SCENARIO]);
    expect(both.code).toBe(0);
    expect(both.stderr).toMatch(/warning: 1 input error: .*binary\.log: not a text file/);
    const sim = await runCli(['simulate', path('binary.log'), '--scenario', SCENARIO]);
    expect(sim.code).toBe(2);
    expect(sim.stderr).toMatch(
      /no records could be read from the inputs: .*binary\.log: not a text file \(a Parquet file, by its first bytes\)/,
    );
    // its bytes start as Parquet's do: the hint says how such a file is read
    expect(sim.stderr).toMatch(/hint: name it with the \.parquet extension/);
    const out = path('none.csv');
    const exp = await runCli(['export', out, path('binary.log')]);
    expect(exp.code).toBe(2);
    expect(exp.stderr).toMatch(/no records could be read from the inputs/);
    expect(existsSync(out)).toBe(false);
    const expBoth = await runCli(['export', path('some.csv'), DEMO, path('binary.log')]);
    expect(expBoth.code).toBe(0);
    expect(expBoth.stderr).toMatch(/1 input error: .*binary\.log: not a text file/);
  }, 60_000);
});

describe('inputs a real tree has', () => {
  it('a Parquet file without an id column: read, ids are file:row', async () => {
    const file = path('no-id.parquet');
    await sql(
      `COPY (SELECT TIMESTAMP '2025-03-01 10:00:00' AS ts, 'gpt-4o' AS model, 1000::BIGINT AS input_tokens, 100::BIGINT AS output_tokens) TO '${file}' (FORMAT parquet)`,
    );
    const r = await runCli(['report', file, '--format', 'json', '-q']);
    expect(r.code, r.stderr).toBe(0);
    expect(json(r.stdout).totals.requests).toBe(1);
    const out = path('no-id.jsonl');
    expect((await runCli(['export', out, file, '-q'])).code).toBe(0);
    const [row] = await sql(`SELECT id FROM read_json('${out}')`);
    expect(row.id).toBe(`${file}:1`);
  }, 60_000);

  it('one file reached by a symbolic link, a hard link and its own name is read once; a linked directory is walked once (a loop of links too)', async () => {
    const tree = path('links');
    mkdirSync(join(tree, 'real'), { recursive: true });
    copyFileSync('fixtures/logs/openai/chat-and-responses.jsonl', join(tree, 'real', 'a.jsonl'));
    symlinkSync(join(tree, 'real', 'a.jsonl'), join(tree, 'soft.jsonl'));
    linkSync(join(tree, 'real', 'a.jsonl'), join(tree, 'hard.jsonl'));
    const other = path('other');
    mkdirSync(other);
    copyFileSync('fixtures/logs/codex/rollout-2025-10-01T09-00-00-0199a1b2-0000-7000-8000-00000000000a.jsonl', join(other, 'b.jsonl'));
    symlinkSync(other, join(tree, 'linked'));
    symlinkSync(tree, join(other, 'back'));
    const one = json((await runCli(['report', 'fixtures/logs/openai/chat-and-responses.jsonl', '--format', 'json', '-q'])).stdout).totals
      .requests;
    const b = json((await runCli(['report', join(other, 'b.jsonl'), '--format', 'json', '-q'])).stdout).totals.requests;
    const r = await runCli(['report', tree, join(tree, 'soft.jsonl'), '--format', 'json', '-q']);
    expect(r.code, r.stderr).toBe(0);
    expect(json(r.stdout).totals.requests).toBe(one + b);
  }, 60_000);

  it('a link to nothing named like a log is an input error, not skipped unsaid', async () => {
    const tree = path('dangling');
    mkdirSync(tree);
    copyFileSync('fixtures/logs/openai/chat-and-responses.jsonl', join(tree, 'a.jsonl'));
    symlinkSync(join(tree, 'gone.jsonl'), join(tree, 'b.jsonl'));
    const r = await runCli(['report', tree]);
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(/warning: 1 input error: .*b\.jsonl: cannot read/);
  }, 60_000);

  it('a CSV whose header follows blank lines is read as CSV, at the right lines', async () => {
    const file = path('blank-first.csv');
    writeFileSync(file, '\n\nts,model,input_tokens,output_tokens\n2025-03-01 10:00:00,gpt-4o,1000,100\n2025-03-01 11:00:00,gpt-4o,-5,1\n');
    const r = await runCli(['report', file, '--format', 'json']);
    expect(json(r.stdout).totals.requests).toBe(1);
    expect(r.stderr).toMatch(/1 record rejected as invalid \(invalid-count 1\); first at .*blank-first\.csv:5/);
  }, 60_000);

  it('export and simulate: --strict with nothing billable exits 2; an empty standard input is warned', async () => {
    const empty = 'fixtures/logs/bad/empty.jsonl';
    expect((await runCli(['export', path('e.csv'), empty, '--strict'])).code).toBe(2);
    expect((await runCli(['simulate', empty, '--scenario', SCENARIO, '--strict'])).code).toBe(2);
    const exp = await runCli(['export', path('stdin.csv'), '-']);
    expect(exp.code).toBe(0);
    expect(exp.stderr).toMatch(/warning: .*standard input is empty/);
    const sim = await runCli(['simulate', '-', '--scenario', SCENARIO]);
    expect(sim.stderr).toMatch(/warning: .*standard input is empty/);
  }, 60_000);

  it('file names from the inputs reach the terminal inert: -v read lines, the export message', async () => {
    const tree = path('esc');
    mkdirSync(tree);
    const name = 'bad\u001b[31mname\u0007.jsonl';
    copyFileSync('fixtures/logs/openai/chat-and-responses.jsonl', join(tree, name));
    const r = await runCli(['report', tree, '-v', '-q', '--format', 'json']);
    expect(r.stderr).toMatch(/read .*bad\\x1b\[31mname\\x07\.jsonl/);
    expect(r.stderr).not.toMatch(/\u001b|\u0007/);
    const out = path('o\u001b[31m.csv');
    const e = await runCli(['export', out, tree]);
    expect(e.code).toBe(0);
    expect(e.stderr).not.toMatch(/\u001b/);
  }, 60_000);

  it('records without a time inside a --since/--until window are counted there, and said to be', async () => {
    const file = path('untimed.csv');
    writeFileSync(
      file,
      'ts,model,input_tokens,output_tokens\n2025-03-01 10:00:00,gpt-4o,1000,100\n,gpt-4o,1000,100\n2025-03-02 10:00:00,gpt-4o,1000,100\n',
    );
    const r = await runCli(['report', file, '--since', '2025-03-02', '--format', 'json']);
    // the row of 03-02 and the untimed one: 2 of 3
    expect(json(r.stdout).totals.requests).toBe(2);
    expect(r.stderr).toMatch(/warning: 1 record without a time kept inside --since 2025-03-02 \(a time window cannot place it/);
    const all = await runCli(['report', file]);
    expect(all.stderr).not.toMatch(/without a time/);
  }, 60_000);

  it('a rotated log in a directory (app.jsonl.1) is not read, and said not to be', async () => {
    const tree = path('rotated');
    mkdirSync(tree);
    copyFileSync('fixtures/logs/openai/chat-and-responses.jsonl', join(tree, 'app.jsonl'));
    copyFileSync('fixtures/logs/openai/chat-and-responses.jsonl', join(tree, 'app.jsonl.1'));
    for (const args of [
      ['report', tree],
      ['simulate', tree, '--scenario', SCENARIO],
      ['export', path('rot.csv'), tree],
    ]) {
      const r = await runCli(args);
      expect(r.code, r.stderr).toBe(0);
      expect(r.stderr).toMatch(/warning: .*rotated: 1 rotated log not read \(app\.jsonl\.1\)/);
    }
  }, 60_000);

  it('a log compressed other than by gzip in a directory (app.jsonl.zst) is not read, and said not to be (it was left out unsaid)', async () => {
    const tree = path('compressed');
    mkdirSync(tree);
    copyFileSync('fixtures/logs/openai/chat-and-responses.jsonl', join(tree, 'app.jsonl'));
    // the zstd and bzip2 magic numbers: the walk goes by the name, these bytes are never read
    writeFileSync(join(tree, 'app.jsonl.zst'), Buffer.from([0x28, 0xb5, 0x2f, 0xfd]));
    writeFileSync(join(tree, 'old.csv.1.bz2'), Buffer.from('BZh9'));
    const r = await runCli(['report', tree]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/warning: .*compressed: 2 logs compressed other than by gzip not read \(app\.jsonl\.zst, old\.csv\.1\.bz2\)/);
    expect(r.stderr).toMatch(/hint: only gzip \(\.gz\) is read compressed/);
  }, 60_000);

  it('a named pipe named like a log in a directory or a glob is not read (no writer: the walk would wait), and said not to be', async () => {
    const tree = path('pipes');
    mkdirSync(join(tree, 'sub'), { recursive: true });
    copyFileSync('fixtures/logs/openai/chat-and-responses.jsonl', join(tree, 'app.jsonl'));
    execFileSync('mkfifo', [join(tree, 'sub', 'live.jsonl')]);
    for (const input of [tree, `${tree}/**/*.jsonl`]) {
      const r = await runCli(['report', input, '--format', 'json']);
      expect(r.code, r.stderr).toBe(0);
      // the regular file is read, the pipe named with its path and what it is
      expect(json(r.stdout).inputs.files.map((f: { path: string }) => f.path)).toEqual([join(tree, 'app.jsonl')]);
      expect(r.stderr).toContain(`${join(tree, 'sub', 'live.jsonl')}: not read: a named pipe, not a regular file`);
      expect(r.stderr).toMatch(/hint: name it on the command line to read it/);
    }
  }, 60_000);
});
