import { describe, expect, it } from 'vitest';
import { formatIssue } from '../../src/core/issues.js';

describe('formatIssue', () => {
  it('names the path once when the message starts with it, and before the message when it does not', () => {
    const base = { severity: 'error' as const, code: 'negative-count', file: 'a.jsonl', line: 3 };
    // the readers' count checks write their path into the message: shown once, not "usage.x: usage.x must ..."
    expect(
      formatIssue({ ...base, path: 'usage.prompt_tokens', message: 'usage.prompt_tokens must be a non-negative integer (got -5)' }),
    ).toBe('error: a.jsonl:3: usage.prompt_tokens must be a non-negative integer (got -5)');
    expect(formatIssue({ ...base, path: 'usage.prompt_tokens', message: 'must be a non-negative integer (got -5)', hint: 'h' })).toBe(
      'error: a.jsonl:3: usage.prompt_tokens: must be a non-negative integer (got -5)\nhint: h',
    );
    // a path that is only the start of a longer word in the message is still named
    expect(formatIssue({ ...base, path: 'usage', message: 'usage_tokens is unknown' })).toBe(
      'error: a.jsonl:3: usage: usage_tokens is unknown',
    );
  });
});
