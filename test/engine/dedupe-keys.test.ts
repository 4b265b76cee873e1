/**
 * What one file's dedupe takes for the same request, read by the TypeScript reader and by SQL alike:
 * an OpenAI body is a copy of an earlier one when its id, model and time are the same (the id alone
 * is not: proxies and mocks write `chatcmpl-1` for every request).
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { both } from './sql-both.js';

const tmp = mkdtempSync(join(tmpdir(), 'tokenomics-dedupe-keys-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

function file(name: string, lines: unknown[]): string {
  const path = join(tmp, name);
  writeFileSync(path, `${lines.map((v) => (typeof v === 'string' ? v : JSON.stringify(v))).join('\n')}\n`);
  return path;
}

const sum = (rows: Array<Record<string, unknown>>, column: string) => rows.reduce((n, r) => n + Number(r[column]), 0);

describe('OpenAI JSONL: an id reused for other requests', () => {
  const chat = (model: string, created: number, prompt: number, completion: number, object = 'chat.completion') => ({
    id: 'chatcmpl-1',
    object,
    created,
    model,
    choices: [],
    usage: { prompt_tokens: prompt, completion_tokens: completion, total_tokens: prompt + completion },
  });

  it('counts requests of one id with another model or time; a copy of the same id, model and time is a duplicate', async () => {
    const path = file('reused-id.jsonl', [
      chat('gpt-4o-mini', 1790000000, 100, 10),
      chat('gpt-4o', 1790000000, 200, 20), // another model
      chat('gpt-4o-mini', 1790000060, 300, 30), // a minute later
      chat('gpt-4o-mini', 1790000000, 100, 10), // a copy of line 1
      chat('gpt-4o-mini', 1790000060, 999, 99), // line 3's request again: the first copy is counted
      { id: 'resp_1', object: 'response', created_at: 1790000000, model: 'gpt-5', usage: { input_tokens: 40, output_tokens: 4 } },
      { id: 'resp_1', object: 'response', created_at: 1790000001, model: 'gpt-5', usage: { input_tokens: 50, output_tokens: 5 } },
    ]);
    const { ts, sql } = await both(path);
    expect(sql.took).toBe('openai');
    for (const way of [ts, sql]) {
      // 7 lines: lines 4 and 5 repeat lines 1 and 3; every other line is a request
      expect(way.counts).toEqual({ read: 7, counted: 5, skipped: { duplicate: 2 }, rejected: {} });
      // 100 + 200 + 300 + 40 + 50 = 690 input; 10 + 20 + 30 + 4 + 5 = 69 output
      expect(sum(way.rows, 'input_tokens')).toBe(690);
      expect(sum(way.rows, 'output_tokens')).toBe(69);
    }
    expect(sql.rows).toEqual(ts.rows);
  });

  it('keeps the largest chunk of one stream, and counts streams that reuse an id at other times apart', async () => {
    const chunk = (created: number, prompt: number, completion: number, finish: string | null) => ({
      ...chat('gpt-4o-mini', created, prompt, completion, 'chat.completion.chunk'),
      choices: [{ index: 0, delta: { content: 'x' }, finish_reason: finish }],
    });
    const path = file('reused-stream-id.jsonl', [
      // stream 1 (created ...00): cumulative usage on each chunk, the last is the largest
      chunk(1790000000, 9, 1, null),
      chunk(1790000000, 9, 7, 'stop'),
      // stream 2 (created ...30), the same id: a request of its own
      chunk(1790000030, 5, 1, null),
      chunk(1790000030, 5, 3, 'stop'),
    ]);
    const { ts, sql } = await both(path);
    for (const way of [ts, sql]) {
      // one record a stream, each stream's first chunk a duplicate of its last
      expect(way.counts).toEqual({ read: 4, counted: 2, skipped: { duplicate: 2 }, rejected: {} });
      // 9 + 5 = 14 input; 7 + 3 = 10 output (the last chunk of each)
      expect(sum(way.rows, 'input_tokens')).toBe(14);
      expect(sum(way.rows, 'output_tokens')).toBe(10);
    }
    expect(sql.rows).toEqual(ts.rows);
  });
});
