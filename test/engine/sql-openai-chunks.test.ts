/**
 * The OpenAI SQL reader sends back to the TypeScript reader the files it would read wrong: cumulative
 * usage on every stream chunk (the largest copy is kept, not the first) and Gemini models through the
 * OpenAI-compatible endpoint (thinking tokens only in total_tokens). Shapes as in
 * https://discuss.ai.google.dev/t/endpoint-https-generativelanguage-googleapis-com-v1beta-openai-chat-completions-is-not-compliant-with-api-specs/127400
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { both } from './sql-both.js';

const tmp = mkdtempSync(join(tmpdir(), 'tokenomics-chunks-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

function file(name: string, values: unknown[]): string {
  const path = join(tmp, name);
  writeFileSync(path, `${values.map((v) => JSON.stringify(v)).join('\n')}\n`);
  return path;
}

const chunk = (id: string, model: string, n: number, total: number, finish: string | null) => ({
  choices: [{ delta: { content: 'x' }, index: 0, ...(finish ? { finish_reason: finish } : {}) }],
  created: 1772149571,
  id,
  model,
  object: 'chat.completion.chunk',
  usage: { completion_tokens: n, prompt_tokens: 9, total_tokens: total },
});

const sums = (rows: Array<Record<string, unknown>>) =>
  rows.reduce<{ input: number; output: number; reasoning: number }>(
    (a, r) => ({
      input: a.input + Number(r.input_tokens),
      output: a.output + Number(r.output_tokens),
      reasoning: a.reasoning + Number(r.reasoning_tokens),
    }),
    { input: 0, output: 0, reasoning: 0 },
  );

describe('OpenAI SQL reader: chunks with usage on every chunk, Gemini models', () => {
  it('cumulative chunks of an OpenAI-family model: the last copy, as the TypeScript reader keeps it', async () => {
    const path = file('cumulative.jsonl', [
      chunk('s1', 'gpt-4o-mini', 1, 10, null),
      chunk('s1', 'gpt-4o-mini', 3, 12, null),
      chunk('s1', 'gpt-4o-mini', 7, 16, 'stop'),
    ]);
    const { ts, sql } = await both(path);
    expect(sql.took).toBeUndefined();
    expect(sql.rows).toEqual(ts.rows);
    // the last chunk: prompt 9, completion 7 (was the first: completion 1)
    expect(sums(sql.rows)).toEqual({ input: 9, output: 7, reasoning: 0 });
    expect(sql.counts).toEqual(ts.counts);
  });

  it('a Gemini model: thinking tokens from total_tokens', async () => {
    const path = file('gemini.jsonl', [chunk('g1', 'gemini-2.5-flash', 7, 109, 'stop'), chunk('g2', 'gemini-2.5-flash', 5, 14, 'stop')]);
    const { ts, sql } = await both(path);
    expect(sql.took).toBeUndefined();
    expect(sql.rows).toEqual(ts.rows);
    // g1: 109 - 9 - 7 = 93 thoughts, output 100; g2: 14 = 9 + 5, no thoughts, output 5
    expect(sums(sql.rows)).toEqual({ input: 18, output: 105, reasoning: 93 });
  });

  it.each([
    ['chunk first', true],
    ['complete body first', false],
  ])('a usage chunk and a complete body of one id count once, alike (%s)', async (_, chunkFirst) => {
    const usage = { prompt_tokens: 20, completion_tokens: 5, total_tokens: 25 };
    const c = { id: 'c1', object: 'chat.completion.chunk', created: 1772149571, model: 'gpt-4o-mini', choices: [], usage };
    const f = { ...c, object: 'chat.completion' };
    const { ts, sql } = await both(file(`same-id-${chunkFirst}.jsonl`, chunkFirst ? [c, f] : [f, c]));
    expect(sql.rows).toEqual(ts.rows);
    expect(sql.counts).toEqual(ts.counts);
    // one request: 20 input, 5 output
    expect(sums(sql.rows)).toEqual({ input: 20, output: 5, reasoning: 0 });
  });

  it('a plain OpenAI file is still read by SQL', async () => {
    const path = file('plain.jsonl', [chunk('p1', 'gpt-4o-mini', 7, 16, 'stop'), chunk('p2', 'gpt-4o-mini', 5, 14, 'stop')]);
    const { ts, sql } = await both(path);
    expect(sql.took).toBe('openai');
    expect(sql.rows).toEqual(ts.rows);
  });
});
