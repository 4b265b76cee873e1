import { describe, expect, it } from 'vitest';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { UserError } from '../../../src/core/issues.js';
import { DETECT_CEILING, DETECT_VALUES, detectCsv, detectJson } from '../../../src/ingest/detect.js';
import { decideShape } from '../../../src/ingest/read/file.js';
import { listFormats } from '../../../src/ingest/index.js';
import { getJsonAdapters } from '../../../src/ingest/registry.js';
import type { JsonAdapter } from '../../../src/ingest/types.js';
import { run, tempDir } from './helpers.js';

describe('detection', () => {
  it('decides the file shape from the first bytes', () => {
    expect(decideShape(Buffer.from('[{"a":1}]'))).toBe('json');
    expect(decideShape(Buffer.from('{"a":1}\n{"a":2}\n'))).toBe('jsonl');
    expect(decideShape(Buffer.from('{\n  "data": []\n}\n'))).toBe('json');
    expect(decideShape(Buffer.from('model,input_tokens\n'))).toBe('csv');
    expect(decideShape(Buffer.from('model\tinput_tokens\n'))).toBe('csv');
    expect(decideShape(Buffer.from('hello\n'))).toBe('jsonl');
  });

  it('prefers the specific LiteLLM format over self-describing generic names', () => {
    const row = { request_id: 'r', call_type: 'acompletion', model: 'm', prompt_tokens: 1, completion_tokens: 1 };
    expect(detectJson([row])?.name).toBe('litellm');
    expect(detectJson([{ model: 'm', input_tokens: 1, output_tokens: 2 }])?.name).toBe('generic');
    expect(detectJson([{ nothing: true }])).toBeUndefined();
    expect(detectCsv(['request_id', 'call_type', 'model', 'prompt_tokens', 'completion_tokens'])?.name).toBe('litellm');
    expect(detectCsv(['Model', 'Prompt_Tokens', 'Completion_Tokens'])?.name).toBe('generic');
    expect(detectCsv(['a', 'b'])).toBeUndefined();
  });

  it('does not score an adapter that cannot take the lead (maxScore), with the same winner', () => {
    const calls: string[] = [];
    const adapter = (name: string, score: number, maxScore?: number): JsonAdapter => ({
      name,
      description: name,
      detect: () => {
        calls.push(name);
        return score;
      },
      convert: () => undefined,
      ...(maxScore === undefined ? {} : { maxScore }),
    });
    // a leads with 5: b (at most 5) cannot beat it (ties go to the first), c (at most 6) can, and does
    expect(detectJson([{}], [adapter('a', 5), adapter('b', 5, 5), adapter('c', 6, 6)])?.name).toBe('c');
    expect(calls).toEqual(['a', 'c']);
    calls.length = 0;
    // nothing leads yet: a bounded adapter is scored, and a score above its bound counts as the bound
    expect(detectJson([{}, {}], [adapter('b', 9, 2), adapter('a', 0)])?.name).toBe('b');
    expect(calls).toEqual(['b', 'b', 'a', 'a']);
    // the real registry: a Claude Code line leaves the generic adapter unscored and unchanged as the loser
    const line = {
      sessionId: 's',
      type: 'assistant',
      uuid: 'u',
      message: { model: 'claude-sonnet-4-5', usage: { input_tokens: 1, output_tokens: 2 } },
    };
    expect(detectJson([line])?.name).toBe('claude-code');
  });

  it('stops scoring an adapter once the values left cannot lift its mean above the leader, with the same winner', () => {
    const calls: string[] = [];
    // an adapter answering `scores[i]` for the value `i` (values are their indices)
    const adapter = (name: string, scores: readonly number[]): JsonAdapter => ({
      name,
      description: name,
      detect: (v) => {
        calls.push(name);
        return scores[v as number];
      },
      convert: () => undefined,
    });
    const values = [0, 1, 2, 3, 4, 5, 6, 7];
    const run8 = (a: readonly number[], b: readonly number[]) => {
      calls.length = 0;
      const name = detectJson(values, [adapter('a', a), adapter('b', b)])?.name;
      return { name, bCalls: calls.filter((c) => c === 'b').length };
    };
    // a: 8 x 80 = 640, mean 80. b: 0 then 7 x 100 (the ceiling) = 700, mean 87.5 > 80: after its first value b
    // could still reach (0 + 7 x 100) / 8 = 87.5, so it is asked every value, and wins
    expect(run8(Array(8).fill(80), [0, ...Array(7).fill(100)])).toEqual({ name: 'b', bCalls: 8 });
    // b: 0, 0, then at most 6 x 100: (0 + 0 + 600) / 8 = 75 < 80 after its second value: asked twice, a wins
    expect(run8(Array(8).fill(80), [0, 0, ...Array(6).fill(100)])).toEqual({ name: 'a', bCalls: 2 });
    // a: 8 x 87.5 = 700, mean 87.5. b: 0 then 7 x 100: mean 87.5, a tie, which goes to the first: a. b's bound
    // after its first value (87.5) is not below a's, so it is asked on; the tie is decided on the full mean
    expect(run8(Array(8).fill(87.5), [0, ...Array(7).fill(100)])).toEqual({ name: 'a', bCalls: 8 });
    // a score above the ceiling counts as 100: b's 0 then 7 x 1000 is (0 + 700) / 8 = 87.5, which does not beat a's 90
    expect(run8(Array(8).fill(90), [0, ...Array(7).fill(1000)])).toEqual({ name: 'a', bCalls: 1 });
  });

  it('picks, on the head of every JSONL fixture, the adapter a plain mean over every value picks', () => {
    // the independent path: every adapter asked every value, no bound but the ceiling, the first of the best
    const plainWinner = (values: readonly unknown[]) => {
      let winner: string | undefined;
      let top = 0;
      for (const a of getJsonAdapters()) {
        const bound = Math.min(DETECT_CEILING, a.maxScore ?? DETECT_CEILING);
        const total = values.reduce<number>((sum, v) => {
          const s = a.detect(v);
          return sum + (Number.isFinite(s) && s > 0 ? Math.min(bound, s) : 0);
        }, 0);
        if (total / values.length > top) [winner, top] = [a.name, total / values.length];
      }
      return winner;
    };
    const files = readdirSync('fixtures', { recursive: true, encoding: 'utf8' }).filter((f) => f.endsWith('.jsonl'));
    let compared = 0;
    for (const file of files) {
      let head: unknown[];
      try {
        const lines = readFileSync(path.join('fixtures', file), 'utf8')
          .split('\n')
          .filter((l) => l.trim() !== '');
        head = lines.slice(0, DETECT_VALUES).map((l) => JSON.parse(l) as unknown);
      } catch {
        continue; // a fixture whose head is not JSON (bad-input fixtures): not detected from values
      }
      if (head.length === 0) continue;
      expect(detectJson(head)?.name, file).toBe(plainWinner(head));
      compared++;
    }
    expect(compared).toBeGreaterThan(50);
  });

  it('lists formats with their shapes', () => {
    const formats = listFormats();
    expect(formats.find((f) => f.name === 'litellm')?.shapes).toEqual(['json', 'csv']);
    expect(formats.find((f) => f.name === 'generic')?.shapes).toEqual(['json', 'csv']);
  });

  it('forces a format by name, and lists valid names for an unknown one', async () => {
    const file = path.join(tempDir(), 'x.jsonl');
    // a litellm-shaped row that detection would give to generic (request_id + call_type + prompt_tokens, no startTime)
    writeFileSync(
      file,
      '{"request_id":"r1","call_type":"completion","model":"m","prompt_tokens":1,"completion_tokens":2,"input_tokens":1,"output_tokens":2}\n',
    );
    const forced = await run([file], { inputFormat: 'litellm' });
    expect(forced.files[0].format).toBe('litellm');
    expect(forced.counts.read).toBe(1);
    // a forced format that recognises nothing in the file is an error (issue 10.4), never a $0 report
    writeFileSync(file, '{"model":"m","input_tokens":1,"output_tokens":2}\n');
    const none = await run([file], { inputFormat: 'litellm' }).catch((e: UserError) => e);
    expect(none).toBeInstanceOf(UserError);
    expect((none as UserError).message).toMatch(/--input-format litellm recognised none of the 1 values/);
    const err = await run([file], { inputFormat: 'nope' }).catch((e: UserError) => e);
    expect(err).toBeInstanceOf(UserError);
    expect((err as UserError).message).toBe('unknown input format: nope');
    expect((err as UserError).hint).toMatch(/generic/);
    expect((err as UserError).hint).toMatch(/litellm/);
  });
});
