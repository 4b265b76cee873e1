/**
 * A large JSON object whose records are one array field (`{"data": [...], "meta": ...}` API pages, OTLP
 * `{"resourceSpans": [...]}` exports) is read record by record: each element goes back into a one-record
 * copy of its page, so the result equals the whole-document read (an independent path) while memory
 * holds one record; bad elements are rejected by their index; an object without such an array near its
 * start keeps the size cap, with a hint that fits objects.
 */
import { writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ingest } from '../../src/ingest/index.js';
import { pageArray } from '../../src/ingest/read/file.js';
import type { UsageRecord } from '../../src/usage/record.js';
import { tempDir } from './helpers.js';

async function read(file: string, limits?: { streamArrayBytes?: number; maxDocumentBytes?: number }) {
  // sum as records arrive: the caller owns a record only during the callback
  let records = 0;
  let input = 0;
  const result = await ingest(
    [file],
    { keepText: false },
    (r: UsageRecord) => {
      records++;
      input += r.inputTokens;
    },
    { limits },
  );
  return {
    counts: result.counts,
    issues: result.issues,
    records,
    input,
    format: result.files?.[0]?.format,
  };
}

/** A Langfuse observations page (the shape of fixtures/logs/langfuse/api-page.json), n generations. */
function langfusePage(n: number, broken?: number): string {
  const parts = Array.from({ length: n }, (_, i) =>
    JSON.stringify({
      id: `obs-${i}`,
      traceId: `tr-${i % 10}`,
      type: 'GENERATION',
      name: 'answer',
      startTime: '2025-11-13T08:00:00Z',
      model: 'gpt-4o-mini',
      usageDetails: { input: 100 + (i % 3), output: 5, total: 105 + (i % 3) },
    }),
  );
  if (broken !== undefined) parts.splice(broken - 1, 0, '{"id": oops}');
  return `{"object":"page","filters":{"type":"GENERATION"},"data":[\n${parts.join(',\n')}\n],"meta":{"page":1,"totalItems":${n}}}\n`;
}

describe('pageArray', () => {
  it('finds the first array field of the top-level object, with the fields before it', () => {
    const p = pageArray(Buffer.from('{"a":"[not]","b":{"c":[1]},"data":[{"x":1}'));
    expect(p).toEqual({ envelope: { a: '[not]', b: { c: [1] }, data: [] }, key: 'data', at: 34 });
    expect(pageArray(Buffer.from('{"a":{"b":[1,2]}'))).toBeUndefined();
  });
});

describe('a large page object', () => {
  it('reads like the whole document (independent path), bad elements rejected by index', async () => {
    const dir = tempDir();
    const f = join(dir, 'page.json');
    writeFileSync(f, langfusePage(2000, 1001));
    const streamed = await read(f, { streamArrayBytes: 4096 });
    const whole = await read(join(dir, 'page.json')); // under 8 MiB: parsed whole, the broken element fails the document
    expect(whole.issues.some((i) => i.code === 'invalid-json')).toBe(true);
    writeFileSync(join(dir, 'ok.json'), langfusePage(2000));
    const wholeOk = await read(join(dir, 'ok.json'));
    // sum over i < 2000 of (100 + i % 3) = 200,000 + (666 cycles * 3 + 0 + 1) = 201,999
    expect(wholeOk.input).toBe(201_999);
    expect(streamed.input).toBe(201_999);
    expect(streamed.records).toBe(2000);
    expect(streamed.format).toBe('langfuse');
    expect(streamed.counts.read).toBe(2001);
    expect(streamed.counts.rejected).toEqual({ 'invalid-json': 1 });
    expect(streamed.issues.find((i) => i.code === 'invalid-json')?.line).toBe(1001);
  });

  it('a cut page keeps the records before the cut and says which array', async () => {
    const dir = tempDir();
    const f = join(dir, 'cut.json');
    writeFileSync(f, langfusePage(300).slice(0, -200));
    const r = await read(f, { streamArrayBytes: 1024 });
    expect(r.records).toBeGreaterThan(290);
    expect(r.issues.some((i) => /the "data" array ends early/.test(i.message))).toBe(true);
  });

  it('an object with no array near its start keeps the cap, with a hint for objects', async () => {
    const dir = tempDir();
    const f = join(dir, 'obj.json');
    writeFileSync(f, `{\n"a": "${'x'.repeat(20_000)}",\n"b": {"c": 1}\n}\n`);
    const r = await read(f, { maxDocumentBytes: 8192 });
    const issue = r.issues.find((i) => i.code === 'document-too-large');
    expect(issue?.message).toContain('has no array of records near its start');
    expect(issue?.hint).toContain("jq -c '.data[]'");
  });
});

describe('every page-shaped fixture reads the same streamed as whole', () => {
  const root = resolve(import.meta.dirname, '../..');
  for (const f of [
    'fixtures/logs/otel/dialects.json',
    'fixtures/logs/otel/traces.json',
    'fixtures/logs/otel/phoenix-spans.json',
    'fixtures/logs/openai/usage-completions.json',
    'fixtures/logs/anthropic/usage-report.json',
    'fixtures/logs/langfuse/api-page.json',
  ]) {
    it(f, async () => {
      const whole = await read(resolve(root, f));
      const streamed = await read(resolve(root, f), { streamArrayBytes: 64 });
      expect(whole.records).toBeGreaterThan(0);
      expect(streamed).toEqual({ ...whole, issues: streamed.issues });
      expect(streamed.issues.map((i) => i.code)).toEqual(whole.issues.map((i) => i.code));
    });
  }
});
