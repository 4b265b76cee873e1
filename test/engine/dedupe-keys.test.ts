/**
 * What one file's dedupe takes for the same request, read by the TypeScript reader and by SQL alike:
 * an OpenAI body or a LiteLLM spend-log row is a copy of an earlier one when its id, model and time
 * are the same (the id alone is not: proxies and mocks write `chatcmpl-1` for every request).
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

describe('LiteLLM spend logs: a row the file holds twice', () => {
  const row = (id: string, model: string, start: string, prompt: number, completion: number, status = 'success') =>
    `{"request_id": ${JSON.stringify(id)}, "call_type": "acompletion", "prompt_tokens": ${prompt}, "completion_tokens": ${completion}, "startTime": "2025-06-02T${start}.000Z", "model": "${model}", "custom_llm_provider": "openai", "metadata": {}, "cache_hit": "False", "request_tags": [], "status": "${status}"}`;

  it('JSONL (/spend/logs pages saved twice): the same request_id, model and time counts once', async () => {
    const path = file('spend.jsonl', [
      row('r1', 'gpt-4o-mini', '08:00:00', 100, 10),
      row('r2', 'gpt-4o-mini', '08:00:01', 200, 20),
      row('r1', 'gpt-4o-mini', '08:00:00', 100, 10), // line 1 again
      row('r1', 'gpt-4o', '08:00:00', 300, 30), // another model: another request
      row('r1', 'gpt-4o-mini', '08:05:00', 400, 40), // another time: another request
      row('r2', 'gpt-4o-mini', '08:00:01', 200, 20), // line 2 again
      row('', 'gpt-4o-mini', '08:10:00', 50, 5), // no request id: never a copy
      row('', 'gpt-4o-mini', '08:10:00', 50, 5),
      row('r3', 'gpt-4o-mini', '08:20:00', 60, 6, 'failure'),
      row('r3', 'gpt-4o-mini', '08:20:00', 60, 6, 'failure'), // skipped as failed, as the first
    ]);
    const { ts, sql } = await both(path);
    expect(sql.took).toBe('litellm');
    for (const way of [ts, sql]) {
      // 10 rows = 6 counted (lines 1, 2, 4, 5, 7, 8) + 2 duplicates (3, 6) + 2 failed (9, 10)
      expect(way.counts).toEqual({ read: 10, counted: 6, skipped: { duplicate: 2, 'failed-request': 2 }, rejected: {} });
      // 100 + 200 + 300 + 400 + 50 + 50 = 1100 input; 10 + 20 + 30 + 40 + 5 + 5 = 110 output
      expect(sum(way.rows, 'input_tokens')).toBe(1100);
      expect(sum(way.rows, 'output_tokens')).toBe(110);
    }
    expect(sql.rows).toEqual(ts.rows);
  });

  it('CSV (an export that overlaps itself): the first copy is counted', async () => {
    const csv = (id: string, start: string, prompt: number, completion: number) =>
      `${id},acompletion,${prompt},${completion},2025-06-02T${start}.000Z,gpt-4o-mini,{},False,success`;
    const path = file('spend.csv', [
      'request_id,call_type,prompt_tokens,completion_tokens,startTime,model,metadata,cache_hit,status',
      csv('r1', '08:00:00', 100, 10),
      csv('r1', '08:00:00', 100, 10), // line 2 again
      csv('r1', '08:00:00', 150, 15), // the same request written with other counts: the first copy stays
      csv('r1', '09:00:00', 100, 10), // an hour later: another request
    ]);
    const { ts, sql } = await both(path);
    expect(sql.took).toBe('litellm');
    for (const way of [ts, sql]) {
      // 4 rows = 2 counted (lines 2, 5) + 2 duplicates (lines 3, 4)
      expect(way.counts).toEqual({ read: 4, counted: 2, skipped: { duplicate: 2 }, rejected: {} });
      // 100 + 100 = 200 input; 10 + 10 = 20 output
      expect(sum(way.rows, 'input_tokens')).toBe(200);
      expect(sum(way.rows, 'output_tokens')).toBe(20);
    }
    expect(sql.rows).toEqual(ts.rows);
  });
});
