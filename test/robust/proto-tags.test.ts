/**
 * Tags named like Object.prototype members are tags like any others. A record's tags were a plain
 * object: `tags["__proto__"] = v` set its prototype (the tag vanished), and a `constructor` or
 * `toString` tag from OpenAI request metadata was found "already set" (an inherited function) and
 * dropped. `--by tag:__proto__` then said no record carries the tag.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../cli/harness.js';
import { tempDir } from './helpers.js';

const dir = tempDir('tk-proto-tags-');

async function groupKeys(args: string[]): Promise<Array<Record<string, unknown>>> {
  const r = await runCli([...args, '--format', 'json']);
  expect(r.stderr).not.toMatch(/no record carries the tag/);
  expect(r.code).toBe(0);
  return (JSON.parse(r.stdout) as { groups: Array<{ key: Record<string, unknown> }> }).groups.map((g) => g.key);
}

describe('tags named __proto__, constructor, toString', () => {
  it('are read from OpenAI request metadata', async () => {
    const file = join(dir, 'pair.jsonl');
    const response = {
      id: 'chatcmpl-p1',
      object: 'chat.completion',
      created: 1760000000,
      model: 'gpt-4o-mini',
      usage: { prompt_tokens: 100, completion_tokens: 20 },
    };
    const request = { model: 'gpt-4o-mini', metadata: { constructor: 'c1', toString: 't1', feature: 'f1' } };
    // JSON.stringify writes an own "__proto__" key only when it is defined as one
    Object.defineProperty(request.metadata, '__proto__', { value: 'p1', enumerable: true });
    writeFileSync(file, `${JSON.stringify({ request, response })}\n`);
    const keys = await groupKeys(['report', file, '--by', 'tag:__proto__,tag:constructor,tag:toString,feature']);
    expect(keys).toEqual([{ 'tag:__proto__': 'p1', 'tag:constructor': 'c1', 'tag:toString': 't1', feature: 'f1' }]);
  });

  it('are mapped from CSV columns with --map tag.NAME', async () => {
    const file = join(dir, 'mapped.csv');
    writeFileSync(file, 'ts,model,tokens_in,tokens_out,__proto__,constructor\n2026-10-01T00:00:00Z,gpt-4o-mini,100,20,p2,c2\n');
    const map = 'timestamp=ts,model=model,input=tokens_in,output=tokens_out,tag.__proto__=__proto__,tag.constructor=constructor';
    const keys = await groupKeys(['report', file, '--map', map, '--by', 'tag:__proto__,tag:constructor']);
    expect(keys).toEqual([{ 'tag:__proto__': 'p2', 'tag:constructor': 'c2' }]);
  });

  it('are read from LiteLLM spend_logs_metadata', async () => {
    const file = join(dir, 'litellm.jsonl');
    const line = `{"request_id":"chatcmpl-l1","call_type":"acompletion","spend":0.001,"total_tokens":120,"prompt_tokens":100,"completion_tokens":20,"startTime":"2026-11-05T06:31:05.123000","endTime":"2026-11-05T06:31:07.000000","model":"gpt-4o-mini","custom_llm_provider":"openai","metadata":{"spend_logs_metadata":{"__proto__":"p3","toString":"t3"}},"cache_hit":"False","request_tags":[],"status":"success"}`;
    writeFileSync(file, `${line}\n`);
    const keys = await groupKeys(['report', file, '--by', 'tag:__proto__,tag:toString']);
    expect(keys).toEqual([{ 'tag:__proto__': 'p3', 'tag:toString': 't3' }]);
  });
});
