import { describe, expect, it } from 'vitest';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { run, sum, tempDir } from '../read/helpers.js';

const CSV = 'fixtures/logs/litellm/spend_logs.csv';
const JSON_FILE = 'fixtures/logs/litellm/spend_logs.json';

describe('LiteLLM spend logs, CSV (COPY ... TO CSV HEADER)', () => {
  it('detects the format and splits the inclusive prompt into disjoint buckets', async () => {
    const res = await run([CSV]);
    expect(res.files).toEqual([{ path: CSV, format: 'litellm', bytes: expect.any(Number) }]);
    // 6 rows: 001 openai cached, 002 anthropic cached, 003 cache hit, 004 failure, 005 reasoning, 006 old convention
    expect(res.counts).toEqual({
      read: 6,
      counted: 3,
      skipped: { 'gateway-cache-hit': 1, 'failed-request': 1 },
      rejected: { 'cache-exceeds-prompt': 1 },
    });
    // input: 001 2000-1500=500; 002 5300-4000-1000=300; 005 800-0=800 -> 1600
    expect(sum(res.records, 'inputTokens')).toBe(1600);
    // cache read: 1500 + 4000 = 5500; cache write: 002 1000 (no TTL split -> 5m)
    expect(sum(res.records, 'cacheReadTokens')).toBe(5500);
    expect(sum(res.records, 'cacheWrite5mTokens')).toBe(1000);
    expect(sum(res.records, 'cacheWrite1hTokens')).toBe(0);
    // output: 300 + 200 + 1200 = 1700; reasoning only on 005: 1000
    expect(sum(res.records, 'outputTokens')).toBe(1700);
    expect(sum(res.records, 'reasoningTokens')).toBe(1000);
  });

  it('keeps model for pricing, model_group and attribution as tags, times as UTC', async () => {
    const { records } = await run([CSV]);
    const first = records[0];
    expect(first.id).toBe('chatcmpl-001');
    expect(first.model).toBe('gpt-4o-2024-08-06');
    expect(first.provider).toBe('openai');
    expect(first.timestamp).toBe('2025-04-01T08:00:00.125Z');
    expect(first.conversationId).toBe('sess-1');
    expect(first.tags).toMatchObject({
      model_group: 'gpt-4o',
      user: 'alice',
      customer: 'cust-1',
      team: 'team-a',
      feature: 'search',
      api_key_alias: 'backend',
    });
    expect(records[1].tags).toMatchObject({
      feature: 'support-bot',
      env: 'staging',
      request_tags: 'prod',
      call_type: 'anthropic_messages',
    });
    expect(records[1].source).toEqual({ file: CSV, line: 3 });
  });

  it('reports the old-convention row with file:line and a hint', async () => {
    const { issues } = await run([CSV]);
    expect(issues).toHaveLength(1);
    expect(issues[0]).toMatchObject({ severity: 'error', code: 'cache-exceeds-prompt', file: CSV, line: 7, path: 'prompt_tokens' });
    expect(issues[0].hint).toMatch(/older LiteLLM/);
  });

  it('maps configured attribution paths into tags', async () => {
    const { records } = await run([CSV], { attribution: { product: 'user_api_key_alias' } });
    expect(records[0].tags.product).toBe('backend');
  });
});

describe('LiteLLM spend logs, JSON (/spend/logs)', () => {
  it('reads a top-level array with cache metadata and the 1h write split', async () => {
    const res = await run([JSON_FILE]);
    expect(res.files[0].format).toBe('litellm');
    expect(res.counts).toEqual({ read: 4, counted: 2, skipped: { 'gateway-cache-hit': 1, 'failed-request': 1 }, rejected: {} });
    // input: a1 1000-600=400; b2 10000-6000-3000=1000 -> 1400
    expect(sum(res.records, 'inputTokens')).toBe(1400);
    expect(sum(res.records, 'cacheReadTokens')).toBe(6600); // 600 + 6000
    expect(sum(res.records, 'cacheWrite5mTokens')).toBe(1000); // 3000 total - 2000 1h
    expect(sum(res.records, 'cacheWrite1hTokens')).toBe(2000);
    expect(sum(res.records, 'outputTokens')).toBe(600); // 100 + 500
    expect(res.records[0].tags).toMatchObject({
      customer: 'cust-9',
      feature: 'autocomplete',
      experiment: '7',
      tier: 'free',
      model_group: 'gpt-4o-mini',
    });
    expect(res.records[1].timestamp).toBe('2025-05-10T12:01:00.000Z'); // no zone -> UTC
    expect(res.records[1].source.line).toBe(2); // element index
  });

  it('reads the same rows as JSONL and as a {data: [...]} page', async () => {
    const dir = tempDir();
    const rows = JSON.parse((await import('node:fs')).readFileSync(JSON_FILE, 'utf8')) as unknown[];
    const jsonl = path.join(dir, 'spend.jsonl');
    const page = path.join(dir, 'page.json');
    writeFileSync(jsonl, rows.map((r) => JSON.stringify(r)).join('\n') + '\n');
    writeFileSync(page, JSON.stringify({ data: rows, total: 4, page: 1 }, null, 2));
    for (const file of [jsonl, page]) {
      const res = await run([file]);
      expect(res.files[0].format).toBe('litellm');
      expect(res.counts.counted).toBe(2);
      expect(sum(res.records, 'inputTokens')).toBe(1400);
    }
  });

  it('rejects a metadata column that is not JSON', async () => {
    const dir = tempDir();
    const file = path.join(dir, 'broken.csv');
    writeFileSync(file, 'request_id,call_type,prompt_tokens,completion_tokens,model,metadata\nr1,acompletion,10,2,gpt-4o,{not json\n');
    const res = await run([file]);
    expect(res.counts.rejected).toEqual({ 'invalid-json-field': 1 });
    expect(res.issues[0]).toMatchObject({ file, line: 2, path: 'metadata' });
  });

  it('counts a row whose text columns are not JSON, without its text, and says so once', async () => {
    const dir = tempDir();
    const file = path.join(dir, 'bad-text.csv');
    writeFileSync(
      file,
      'request_id,call_type,prompt_tokens,completion_tokens,startTime,model,messages\n' +
        'r1,acompletion,100,10,2025-06-02T08:00:00.000Z,gpt-4o-mini,[bad\n' +
        'r2,acompletion,50,5,2025-06-02T08:01:00.000Z,gpt-4o-mini,[also bad\n',
    );
    const res = await run([file], { keepText: true });
    // 2 read = 2 counted (their tokens stand: 100 + 50 input), none rejected; before, each row was counted AND rejected
    expect(res.counts).toEqual({ read: 2, counted: 2, skipped: {}, rejected: {} });
    expect(sum(res.records, 'inputTokens')).toBe(150);
    expect(res.records.map((r) => r.text)).toEqual([undefined, undefined]);
    const warnings = res.issues.filter((i) => i.code === 'invalid-text-field');
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatchObject({ severity: 'warning', file });
    expect(warnings[0].message).toContain('line 2: messages is not valid JSON');
  });

  it('keeps prompt and completion text only when asked', async () => {
    const dir = tempDir();
    const file = path.join(dir, 'text.jsonl');
    const row = {
      request_id: 'r1',
      call_type: 'acompletion',
      model: 'gpt-4o',
      prompt_tokens: 12,
      completion_tokens: 3,
      startTime: '2025-05-10 12:00:00',
      messages: [
        { role: 'system', content: 'Be brief.' },
        { role: 'user', content: 'Hi?' },
      ],
      response: { choices: [{ message: { role: 'assistant', content: 'Hello.' } }] },
    };
    writeFileSync(file, JSON.stringify(row) + '\n');
    const without = await run([file]);
    expect(without.records[0].text).toBeUndefined();
    const withText = await run([file], { keepText: true });
    expect(withText.records[0].text).toEqual({
      messages: [
        { role: 'system', content: 'Be brief.' },
        { role: 'user', content: 'Hi?' },
      ],
      prompt: 'Be brief.\nHi?',
      completion: 'Hello.',
    });
    expect(withText.records[0].inputTokens).toBe(12); // no usage_object: nothing cached
  });
});

describe('LiteLLM spend logs with stored request/response bodies (store_prompts_in_spend_logs)', () => {
  const FILE = 'fixtures/logs/litellm/spend_logs_stored.jsonl';

  it('is read as LiteLLM, not as the OpenAI response body inside each row', async () => {
    const res = await run([FILE]);
    expect(res.files[0].format).toBe('litellm');
    // s1 success, s2 gateway cache hit (no provider call), row 3 failure, s4 success
    expect(res.counts).toEqual({ read: 4, counted: 2, skipped: { 'gateway-cache-hit': 1, 'failed-request': 1 }, rejected: {} });
    // s1: 15000 - 12000 read - 2000 write = 1000 uncached; s4: 1000 - 768 = 232
    expect(res.records.map((r) => [r.id, r.inputTokens, r.cacheReadTokens, r.cacheWrite5mTokens, r.outputTokens])).toEqual([
      ['chatcmpl-s1', 1000, 12000, 2000, 300],
      ['chatcmpl-s4', 232, 768, 0, 100],
    ]);
    expect(res.records[0].timestamp).toBe('2026-11-05T06:31:05.123Z'); // startTime, no zone -> UTC
    expect(res.records[0].tags).toMatchObject({ feature: 'search', api_key_alias: 'backend', model_group: 'claude-sonnet' });
  });
});
