import { describe, expect, it } from 'vitest';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { UserError } from '../../../src/core/issues.js';
import { detectCsv, detectJson } from '../../../src/ingest/detect.js';
import { decideShape } from '../../../src/ingest/read/file.js';
import { listFormats } from '../../../src/ingest/index.js';
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
