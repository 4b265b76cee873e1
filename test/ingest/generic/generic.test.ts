import { describe, expect, it } from 'vitest';
import { UserError } from '../../../src/core/issues.js';
import { parseColumnMap } from '../../../src/ingest/index.js';
import { run, sum } from '../read/helpers.js';

const CSV = 'fixtures/logs/generic/requests.csv';
const JSONL = 'fixtures/logs/generic/requests.jsonl';
const BAD = 'fixtures/logs/bad/lines.jsonl';

describe('parseColumnMap', () => {
  it('parses field=column pairs, tags and dot paths', () => {
    expect(parseColumnMap('model=llm_model, input=tokens_in,output=tokens_out,tag.team=team_name')).toEqual({
      model: 'llm_model',
      input: 'tokens_in',
      output: 'tokens_out',
      'tag.team': 'team_name',
    });
  });

  it.each([
    ['', /empty/],
    ['model', /no "="/],
    ['model=', /names no column/],
    ['model=a,model=b,output=c', /twice/],
    ['model=a,tokens=b', /unknown mapping field "tokens"/],
    // names of Object.prototype members are unknown fields (were "maps ... twice": found in the prototype)
    ['__proto__=model,model=a,output=b', /unknown mapping field "__proto__"/],
    ['constructor=model,model=a,output=b', /unknown mapping field "constructor"/],
    ['model=a,output=b,toString=c', /unknown mapping field "toString"/],
    ['input=a,output=b', /no "model"/],
    ['model=a,input=b,prompt=c', /either "input".*or "prompt"/],
    ['model=a,feature=f', /no token counts/],
  ])('rejects %j', (spec, message) => {
    expect(() => parseColumnMap(spec)).toThrow(UserError);
    expect(() => parseColumnMap(spec)).toThrow(message);
  });
});

describe('generic CSV with a mapping', () => {
  const columns = parseColumnMap(
    'timestamp=ts,model=llm_model,prompt=tokens_in,cacheRead=cached,output=tokens_out,feature=team,outcome=outcome',
  );

  it('subtracts cache from the inclusive prompt and parses every timestamp style', async () => {
    const res = await run([CSV], { columns });
    expect(res.files[0].format).toBe('generic');
    // row 5 has a model but no counts and no text
    expect(res.counts).toEqual({ read: 4, counted: 3, skipped: {}, rejected: { 'missing-count': 1 } });
    // input: (1000-200) + (500-0) + (3000-1000) = 800 + 500 + 2000 = 3300
    expect(sum(res.records, 'inputTokens')).toBe(3300);
    expect(sum(res.records, 'cacheReadTokens')).toBe(1200); // 200 + "" (0) + 1000
    expect(sum(res.records, 'outputTokens')).toBe(370); // 50 + 20 + 300
    expect(res.records.map((r) => r.timestamp)).toEqual([
      '2025-03-01T10:00:00.000Z',
      '2025-03-01T10:05:00.000Z',
      '2025-03-01T10:10:00.000Z',
    ]);
    expect(res.records.map((r) => r.tags.outcome)).toEqual(['success', 'failure', 'success']);
    expect(res.records[0]).toMatchObject({ id: `${CSV}:2`, tags: { feature: 'search' }, source: { file: CSV, line: 2 } });
    expect(res.issues[0]).toMatchObject({ code: 'missing-count', file: CSV, line: 5 });
  });

  it('names a mapped column missing from the header', async () => {
    const res = await run([CSV], { columns: { ...columns, cacheRead: 'cache_hits' } });
    expect(res.counts.read).toBe(0);
    expect(res.issues[0]).toMatchObject({ code: 'unusable-header', file: CSV });
    expect(res.issues[0].message).toMatch(/"cache_hits" is not in the header/);
  });
});

describe('generic JSONL with a mapping (dot paths)', () => {
  const columns = parseColumnMap(
    'timestamp=at,model=llm.model,provider=llm.vendor,prompt=usage.prompt,cacheRead=usage.cached,output=usage.completion,' +
      'reasoning=usage.thinking,customer=customer,conversation=conv,turn=turn,promptText=text',
  );

  it('reads reported counts and marks text-only records as countsMissing', async () => {
    const res = await run([JSONL], { columns });
    expect(res.counts).toEqual({ read: 3, counted: 3, skipped: {}, rejected: {} });
    const [a, b, c] = res.records;
    // a: 1200 - 1000 = 200 uncached; b: 1500 - 1200 = 300 uncached
    expect([a.inputTokens, b.inputTokens]).toEqual([200, 300]);
    expect(sum(res.records, 'cacheReadTokens')).toBe(2200); // 1000 + 1200
    expect(sum(res.records, 'outputTokens')).toBe(180); // 80 + 100
    expect(a.reasoningTokens).toBe(30);
    expect(b.timestamp).toBe('2025-03-02T09:01:00.000Z'); // 1740906060000 ms
    expect(a).toMatchObject({ provider: 'openai', conversationId: 'c1', turn: 1, tags: { customer: 'acme' }, tokenSource: 'reported' });
    expect(a.text).toBeUndefined(); // keepText is off
    expect(c).toMatchObject({
      model: 'o3-mini',
      countsMissing: true,
      tokenSource: 'estimated',
      inputTokens: 0,
      timestamp: '2025-03-02T09:02:00.000Z',
    });
    expect(c.text?.prompt).toBe('Summarise this article about tide pools.');
  });
});

describe('bad lines (self-describing generic JSONL)', () => {
  it('counts every reject by reason with file:line', async () => {
    const res = await run([BAD]);
    expect(res.files[0].format).toBe('generic');
    // lines 1 and 7 count; line 6 is blank (not a value)
    expect(res.counts).toEqual({
      read: 7,
      counted: 2,
      skipped: {},
      rejected: { 'invalid-json': 1, 'negative-count': 1, 'invalid-count': 2, 'cache-exceeds-prompt': 1 },
    });
    // input: (100-20) + 50 = 130; cache read 20; output 10 + 5 = 15
    expect(sum(res.records, 'inputTokens')).toBe(130);
    expect(sum(res.records, 'cacheReadTokens')).toBe(20);
    expect(sum(res.records, 'outputTokens')).toBe(15);
    expect(res.issues.map((i) => [i.code, i.line, i.path])).toEqual([
      ['invalid-json', 2, undefined],
      ['negative-count', 3, 'prompt_tokens'],
      ['invalid-count', 4, 'prompt_tokens'],
      ['cache-exceeds-prompt', 5, 'prompt_tokens'],
      ['invalid-count', 8, 'prompt_tokens'],
    ]);
    expect(res.issues[1].message).toBe('prompt_tokens must be a non-negative integer (got -3)');
    expect(res.issues.every((i) => i.file === BAD)).toBe(true);
  });

  it('stops at the first reject with --strict', async () => {
    await expect(run([BAD], {}, { strict: true })).rejects.toThrow(`${BAD}:2: invalid JSON`);
  });
});

describe('generic value parsing in CSV', () => {
  it('rejects 12.5, -3 and abc naming the column; "" is 0 for optional buckets', async () => {
    const { writeFileSync } = await import('node:fs');
    const { tempDir } = await import('../read/helpers.js');
    const file = `${tempDir()}/values.csv`;
    writeFileSync(file, 'm,in,out,cr,tier\nx,10,1,,batch\nx,12.5,1,,\nx,-3,1,,\nx,abc,1,,\nx,5,1,,turbo\n');
    const res = await run([file], { columns: parseColumnMap('model=m,input=in,output=out,cacheRead=cr,serviceTier=tier') });
    expect(res.counts).toEqual({ read: 5, counted: 1, skipped: {}, rejected: { 'invalid-count': 3, 'invalid-service-tier': 1 } });
    expect(res.records[0]).toMatchObject({ inputTokens: 10, cacheReadTokens: 0, serviceTier: 'batch' });
    expect(res.issues.map((i) => i.message)).toEqual([
      'in must be a non-negative integer (got "12.5")',
      'in must be a non-negative integer (got "-3")',
      'in must be a non-negative integer (got "abc")',
      'tier must be standard, batch, flex or priority (got "turbo")',
    ]);
  });
});

describe('self-describing generic JSONL', () => {
  it('notices a field that appears only on later lines', async () => {
    const { writeFileSync } = await import('node:fs');
    const { tempDir } = await import('../read/helpers.js');
    const file = `${tempDir()}/shapes.jsonl`;
    const lines = [
      { model: 'gpt-4o', prompt_tokens: 100, completion_tokens: 10 },
      { model: 'gpt-4o', prompt_tokens: 100, cached_tokens: 60, completion_tokens: 10 },
      { model: 'gpt-4o', prompt_tokens: 100, completion_tokens: 10 },
    ];
    writeFileSync(file, lines.map((l) => JSON.stringify(l)).join('\n'));
    const res = await run([file]);
    // input: 100 + (100-60) + 100 = 240; cache read 60
    expect(sum(res.records, 'inputTokens')).toBe(240);
    expect(sum(res.records, 'cacheReadTokens')).toBe(60);
  });
});
