/**
 * The SQL OpenAI reader numbers lines with a window over the staged rows (after the per-line
 * columns are computed, so the window holds narrow rows): on a file of many of DuckDB's chunks, read
 * on two threads, each row must still carry its own file line. Each line's prompt_tokens is its line
 * number, so the check needs no second reader.
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
