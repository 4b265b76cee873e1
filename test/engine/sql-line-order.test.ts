/**
 * The SQL readers number a staged row by its place in the staged table (its rowid): on a file of
 * many of DuckDB's chunks, read on two threads, each row must still carry its own file line. Each
 * line's count (OpenAI) or id (CSV) is its line number, so the check needs no second reader.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { UsageDb } from '../../src/engine/duckdb.js';
import { loadWithSql } from '../../src/engine/sql-readers/index.js';

describe('SQL OpenAI reader: line numbers on a large file', () => {
  it('gives every one of 60,000 rows its own line (source_line, and the file:line id of a line without an id)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tokenomics-lines-'));
    const file = join(dir, 'bodies.jsonl');
    const LINES = 60_000;
    const lines: string[] = [];
    for (let line = 1; line <= LINES; line++) {
      // every 7th line has no id (its id is then file:line); the text varies the line length
      const id = line % 7 === 0 ? undefined : `chatcmpl-${line}`;
      const text = 'x'.repeat(line % 50);
      lines.push(
        JSON.stringify({
          id,
          object: 'chat.completion',
          created: 1_790_000_000 + line,
          model: 'gpt-4.1',
          choices: [{ index: 0, message: { role: 'assistant', content: text } }],
          usage: { prompt_tokens: line, completion_tokens: 1 },
        }),
      );
    }
    writeFileSync(file, `${lines.join('\n')}\n`);
    const db = await UsageDb.open({ threads: 2 });
    try {
      const loaded = await loadWithSql(db, file, { keepText: false });
      expect(loaded).not.toBe('fallback');
      await db.seal();
      const [check] = await db.query(`SELECT count(*) AS n,
  count(*) FILTER (WHERE source_line <> input_tokens) AS wrong_line,
  count(*) FILTER (WHERE input_tokens % 7 = 0 AND id <> ${`'${file.replace(/'/g, "''")}:'`} || input_tokens) AS wrong_id,
  count(*) FILTER (WHERE time_ms <> (1790000000 + input_tokens) * 1000) AS wrong_time
FROM usage`);
      expect({
        n: Number(check.n),
        wrongLine: Number(check.wrong_line),
        wrongId: Number(check.wrong_id),
        wrongTime: Number(check.wrong_time),
      }).toEqual({
        n: LINES,
        wrongLine: 0,
        wrongId: 0,
        wrongTime: 0,
      });
    } finally {
      db.close();
      rmSync(dir, { recursive: true, force: true });
    }
  }, 60_000);
});

describe('SQL generic CSV reader: line numbers on a large file', () => {
  // a mapped tier and outcome: DuckDB planned their word lists as a hash join, whose insert did not
  // keep read order (rows took other rows' lines, rejections were reported at wrong lines)
  it('gives every one of 1,000,001 rows its own line with a tier and an outcome column, and rejects bad rows at their lines', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tokenomics-csv-lines-'));
    const file = join(dir, 'requests.csv');
    const ROWS = 1_000_001;
    const BAD = new Set([3, 500_000, 1_000_001]);
    const tiers = ['standard', 'flex', 'priority', 'batch', ''];
    const outcomes = ['ok', 'failed', 'success', ''];
    const parts = ['id,model,input_tokens,output_tokens,service_tier,outcome'];
    // the header is line 1: row i (1-based) is on line i + 1, its id r<line>
    for (let line = 2; line <= ROWS + 1; line++)
      parts.push(`r${line},gpt-4o,${BAD.has(line) ? 'x' : line},1,${tiers[line % 5]},${outcomes[line % 4]}`);
    writeFileSync(file, `${parts.join('\n')}\n`);
    const db = await UsageDb.open({ threads: 2 });
    try {
      const loaded = await loadWithSql(db, file, { keepText: false });
      if (loaded === 'fallback') throw new Error('the SQL reader did not take the file');
      expect(loaded.format).toBe('generic');
      // the three bad rows rejected at their own lines (3 and 500000 are rows 2 and 499999: line = row + 1)
      expect(loaded.issues?.map((i) => i.line)).toEqual([3, 500_000, 1_000_001]);
      expect(loaded.counts).toMatchObject({ read: ROWS, counted: ROWS - 3 });
      await db.seal();
      const [check] = await db.query(`SELECT count(*) AS n,
  count(*) FILTER (WHERE id <> 'r' || source_line) AS wrong_line,
  count(*) FILTER (WHERE input_tokens <> source_line) AS wrong_count,
  count(*) FILTER (WHERE seq <> source_line - 1) AS wrong_seq
FROM usage`);
      expect({
        n: Number(check.n),
        wrongLine: Number(check.wrong_line),
        wrongCount: Number(check.wrong_count),
        wrongSeq: Number(check.wrong_seq),
      }).toEqual({
        n: ROWS - 3,
        wrongLine: 0,
        wrongCount: 0,
        wrongSeq: 0,
      });
    } finally {
      db.close();
      rmSync(dir, { recursive: true, force: true });
    }
  }, 120_000);
});
