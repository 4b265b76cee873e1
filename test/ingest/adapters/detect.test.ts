import { describe, expect, it } from 'vitest';
import { ingest } from '../../../src/ingest/index.js';
import type { UsageRecord } from '../../../src/usage/record.js';
import { FIXTURES } from './harness.js';

/** Each fixture goes through the real reader + detection; the chosen adapter and the counter balance are checked. */
const CASES: [string, string][] = [
  ['openai/chat-and-responses.jsonl', 'openai'],
  ['openai/bad.jsonl', 'openai'],
  ['openai/batch-input.jsonl', 'openai-batch'],
  ['openai/batch-output.jsonl', 'openai-batch'],
  ['openai/batch-errors.jsonl', 'openai-batch'],
  ['openai/usage-completions.json', 'openai-usage'],
  ['openai/usage-bad.jsonl', 'openai-usage'],
  ['anthropic/messages.jsonl', 'anthropic'],
  ['anthropic/bad.jsonl', 'anthropic'],
  ['anthropic/usage-report.json', 'anthropic-usage'],
  ['anthropic/usage-bad.jsonl', 'anthropic-usage'],
  ['gemini/responses.jsonl', 'gemini'],
  ['gemini/bad.jsonl', 'gemini'],
  ['bedrock/invocations.jsonl', 'bedrock'],
  ['bedrock/bad.jsonl', 'bedrock'],
  ['bedrock/variants.jsonl', 'bedrock'],
  ['bedrock/variants-bad.jsonl', 'bedrock'],
  ['langfuse/observations.json', 'langfuse'],
  ['langfuse/api-page.json', 'langfuse'],
  ['langfuse/bad.jsonl', 'langfuse'],
  ['langfuse/older-shapes.jsonl', 'langfuse'],
  ['langfuse/older-shapes-bad.jsonl', 'langfuse'],
  ['otel/traces.json', 'otel'],
  ['otel/traces.jsonl', 'otel'],
  ['otel/bad.json', 'otel'],
  ['otel/dialects.json', 'otel'],
  ['otel/dialects.jsonl', 'otel'],
  ['otel/dialects-bad.json', 'otel'],
  ['otel/phoenix-spans.json', 'otel'],
  ['claude-code/session.jsonl', 'claude-code'],
  ['claude-code/bad.jsonl', 'claude-code'],
  ['claude-code/untyped.jsonl', 'claude-code'],
  ['claude-code/untyped-bad.jsonl', 'claude-code'],
];

describe('provider fixtures through the real reader', () => {
  it.each(CASES)('%s is detected as %s', async (file, format) => {
    const records: UsageRecord[] = [];
    const res = await ingest([FIXTURES + file], { keepText: false }, (r) => records.push(r));
    expect(res.files.map((f) => f.format)).toEqual([format]);
    expect(records.length).toBe(res.counts.counted);
    // input-only and error-only batch files produce no records on their own
    if (!file.includes('batch-input') && !file.includes('batch-errors')) expect(res.counts.counted).toBeGreaterThan(0);
  });

  it('joins OpenAI batch files passed together, in any order', async () => {
    const files = ['openai/batch-output.jsonl', 'openai/batch-errors.jsonl', 'openai/batch-input.jsonl'].map((f) => FIXTURES + f);
    const records: UsageRecord[] = [];
    const res = await ingest(files, { keepText: false }, (r) => records.push(r));
    expect(records).toHaveLength(3);
    expect(records.find((r) => r.id === 'chatcmpl-BO1')?.tags.customer).toBe('globex');
    expect(res.counts.skipped).toEqual({ 'batch-input-line': 5, 'failed-request': 1, expired: 1 });
  });

  it('balances read = counted + skipped + rejected for line-per-value files', async () => {
    const res = await ingest(
      [FIXTURES + 'anthropic/messages.jsonl', FIXTURES + 'claude-code/session.jsonl'],
      { keepText: false },
      () => {},
    );
    const sum = (o: Record<string, number>) => Object.values(o).reduce((a, b) => a + b, 0);
    expect(res.counts.counted + sum(res.counts.skipped) + sum(res.counts.rejected)).toBe(res.counts.read);
  });
});
