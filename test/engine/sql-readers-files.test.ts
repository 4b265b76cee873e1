/**
 * Files DuckDB's readers would read otherwise than the TypeScript readers do, for reasons of the file
 * rather than its content: a truncated gzip (the line scan fails before the reader awaits it: that
 * rejection ended the process) and a name DuckDB takes as a glob pattern. Both are the TypeScript
 * reader's: same rows, counts and issues.
 */
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';
import { both } from './sql-both.js';

const tmp = mkdtempSync(join(tmpdir(), 'tokenomics-sql-files-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const body = (id: string, prompt: number) =>
  JSON.stringify({
    id,
    object: 'chat.completion',
    created: 1790000000,
    model: 'gpt-4o',
    usage: { prompt_tokens: prompt, completion_tokens: 1 },
  });

describe('files the SQL readers leave to the TypeScript readers', () => {
  it('a truncated gzip: the TypeScript reader reads what is there and says the file is cut short', async () => {
    const text = Array.from({ length: 20 }, (_, i) => body(`c${i}`, 10 + i))
      .join('\n')
      .concat('\n');
    const gz = gzipSync(Buffer.from(text));
    const file = join(tmp, 'cut.jsonl.gz');
    writeFileSync(file, gz.subarray(0, gz.length - 4));
    const { ts, sql } = await both(file);
    expect(sql.took).toBeUndefined();
    expect(sql.rows).toEqual(ts.rows);
    expect(sql.counts).toEqual(ts.counts);
    expect(sql.issues).toEqual(ts.issues);
    expect(ts.counts.counted).toBe(20);
    expect(ts.issues.map((i) => i.code)).toContain('truncated-gzip');
  });

  it('a name with glob characters is read as the file it names, not as a pattern (a[1].jsonl is not a1.jsonl)', async () => {
    const dir = join(tmp, 'glob');
    mkdirSync(dir);
    writeFileSync(join(dir, 'a[1].jsonl'), `${body('real', 100)}\n`);
    writeFileSync(join(dir, 'a1.jsonl'), `${body('other', 7)}\n`);
    const { ts, sql } = await both(join(dir, 'a[1].jsonl'));
    expect(sql.took).toBeUndefined();
    expect(sql.rows).toEqual(ts.rows);
    expect(ts.rows.map((r) => [r.id, r.input_tokens])).toEqual([['real', 100n]]);
  });
});
