/**
 * Issue 13.9 (and 10.4): no record is lost without a word, and counted + skipped + rejected = read,
 * by record, for files that hold several records per line too.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../cli/harness.js';
import { FIXTURES, tempDir } from './helpers.js';

interface Inputs {
  read: number;
  counted: number;
  skipped: Record<string, number>;
  rejected: Record<string, number>;
}

const sum = (o: Record<string, number>) => Object.values(o).reduce((a, b) => a + b, 0);

async function inputsOf(args: string[]): Promise<{
  code: number;
  inputs: Inputs;
  stdout: string;
  stderr: string;
  report: { issues?: Array<{ code: string; line?: number; message: string; file?: string }> };
}> {
  const r = await runCli([...args, '--format', 'json']);
  const report = r.code === 0 || r.code === 1 ? JSON.parse(r.stdout) : {};
  return { code: r.code, inputs: report.inputs, stdout: r.stdout, stderr: r.stderr, report };
}

function expectIdentity(i: Inputs): void {
  expect(i.counted + sum(i.skipped) + sum(i.rejected)).toBe(i.read);
}

describe('CSV', () => {
  const dir = tempDir();

  it('a row shorter than the header is rejected at its line, never counted with 0 output tokens', async () => {
    const f = join(dir, 'short.csv');
    writeFileSync(f, 'model,input_tokens,output_tokens\ngpt-4o,1000,500\ngpt-4o,1000\ngpt-4o,2000,100\n');
    const r = await inputsOf(['report', f]);
    expect(r.code).toBe(0);
    expect(r.inputs.read).toBe(3);
    expect(r.inputs.counted).toBe(2);
    expect(r.inputs.rejected).toEqual({ 'short-row': 1 });
    expectIdentity(r.inputs);
    const text = await runCli(['report', f]);
    expect(text.stdout + text.stderr).toMatch(/short\.csv:3: row has 2 fields, the header has 3/);
    // 1000 + 2000 input tokens and 500 + 100 output: the short row added nothing
    const doc = JSON.parse(r.stdout);
    expect(doc.totals.tokens.input).toBe(3000);
    expect(doc.totals.tokens.output).toBe(600);
  });

  it('a row with extra non-empty fields is rejected; a trailing empty field is harmless', async () => {
    const f = join(dir, 'long.csv');
    writeFileSync(f, 'model,input_tokens,output_tokens\ngpt-4o,1,000,500\ngpt-4o,10,5,\n');
    const r = await inputsOf(['report', f]);
    expect(r.inputs.rejected).toEqual({ 'long-row': 1 });
    expect(r.inputs.counted).toBe(1);
    expectIdentity(r.inputs);
  });

  it('an unbalanced quote is reported at the line where it opened', async () => {
    const f = join(dir, 'quote.csv');
    writeFileSync(f, 'model,input_tokens,output_tokens\ngpt-4o,10,5\ngpt-4o,"10,5\ngpt-4o,10,5\ngpt-4o,10,5\ngpt-4o,10,5\n');
    const r = await runCli(['report', f]);
    expect(r.stderr.replace(/\s+/g, ' ')).toMatch(/quote\.csv:3: CSV syntax error: a quoted field opened on line 3 is never closed/);
    expect(r.stdout + r.stderr).not.toMatch(/quote\.csv:6/);
  });

  it('a row whose quoted field spans lines is located where it starts', async () => {
    const f = join(dir, 'span.csv');
    // the quote opened on line 3 closes on line 5 and swallows line 4: the row is rejected at line 3
    writeFileSync(f, 'model,input_tokens,output_tokens\ngpt-4o,10,5\ngpt-4o,"10,5\ngpt-4o,10,5\ngpt-4o,10",5\n');
    const r = await runCli(['report', f]);
    expect(r.stdout + r.stderr).toMatch(/span\.csv:3: /);
  });

  it('a duplicated column is a warning naming both columns and the one read', async () => {
    const f = join(dir, 'dup.csv');
    writeFileSync(f, 'model,input_tokens,output_tokens,Output_Tokens\ngpt-4o,10,5,7\n');
    const r = await runCli(['report', f]);
    expect(r.stdout + r.stderr).toMatch(
      /dup\.csv:1: columns 3 \("output_tokens"\) and 4 \("Output_Tokens"\) have the same name; only column 3 is read/,
    );
  });
});

describe('several records on one line', () => {
  const dir = tempDir();

  it('an OTLP export per JSONL line counts its spans as records, as the same export as one document does', async () => {
    const lines = await inputsOf(['report', join(FIXTURES, 'logs', 'otel', 'traces.jsonl')]);
    const doc = await inputsOf(['report', join(FIXTURES, 'logs', 'otel', 'traces.json')]);
    expectIdentity(lines.inputs);
    expectIdentity(doc.inputs);
    // the fixture holds the same spans both ways: 11 spans, 7 LLM calls
    expect(lines.inputs.read).toBe(11);
    expect(lines.inputs.counted).toBe(7);
    expect(lines.inputs.counted).toBe(doc.inputs.counted);
  });

  it('a JSON array on one line: each element is a record', async () => {
    const f = join(dir, 'arrays.jsonl');
    const rec = '{"model":"gpt-4o","input_tokens":10,"output_tokens":5}';
    writeFileSync(f, `${rec}\n[${rec},${rec},{"note":"not usage"}]\n[]\n`);
    const r = await inputsOf(['report', f]);
    // 1 + 3 elements + 1 empty array (skipped) = 5 records; 3 counted, 1 rejected, 1 skipped
    expect(r.inputs.read).toBe(5);
    expect(r.inputs.counted).toBe(3);
    expect(sum(r.inputs.rejected)).toBe(1);
    expect(r.inputs.skipped).toEqual({ 'empty-array': 1 });
    expectIdentity(r.inputs);
  });

  it('an API page on one line counts its results', async () => {
    const f = join(dir, 'page.jsonl');
    const bucket = (t: number) => ({
      object: 'bucket',
      start_time: t,
      end_time: t + 86400,
      results: [
        {
          object: 'organization.usage.completions.result',
          input_tokens: 1000,
          output_tokens: 100,
          num_model_requests: 2,
          model: 'gpt-4o-mini-2024-07-18',
          input_cached_tokens: 0,
          batch: false,
        },
        {
          object: 'organization.usage.completions.result',
          input_tokens: 2000,
          output_tokens: 200,
          num_model_requests: 3,
          model: 'gpt-4o-2024-08-06',
          input_cached_tokens: 0,
          batch: false,
        },
      ],
    });
    writeFileSync(
      f,
      JSON.stringify({ object: 'page', data: [bucket(1761955200), bucket(1762041600)], has_more: false, next_page: null }) + '\n',
    );
    const r = await inputsOf(['report', f]);
    expectIdentity(r.inputs);
    expect(r.inputs.read).toBe(4); // 2 buckets x 2 results
    expect(r.inputs.counted).toBe(4);
  });
});

describe('a forced format', () => {
  it('that recognises nothing in a file is an error saying what it expected (10.4)', async () => {
    const r = await runCli(['report', join(FIXTURES, 'demo', 'openai-2026-10.jsonl'), '--input-format', 'openai-usage']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/--input-format openai-usage recognised none of the \d+ values in this file/);
    expect(r.stderr).toMatch(/openai-usage reads OpenAI organization Usage API pages/);
  });

  it('never counts an arbitrary object as a record', async () => {
    const dir = tempDir();
    const f = join(dir, 'mixed.jsonl');
    const result = {
      object: 'organization.usage.completions.result',
      input_tokens: 1000,
      output_tokens: 100,
      num_model_requests: 2,
      model: 'gpt-4o',
      input_cached_tokens: 0,
    };
    writeFileSync(f, `${JSON.stringify(result)}\n{"hello":"world"}\n{"model":"gpt-4o"}\n`);
    const r = await inputsOf(['report', f, '--input-format', 'openai-usage']);
    expect(r.code).toBe(0);
    expect(r.inputs.counted).toBe(1);
    expect(r.inputs.rejected['not-this-format']).toBe(2);
    // (read as English whatever the format's name: not "not a openai-usage record")
    expect(r.report.issues?.find((i) => i.line === 2)?.message).toBe('not a record of the openai-usage format (forced by --input-format)');
    expectIdentity(r.inputs);
  });
});

describe('the accounting identity holds on every log fixture', () => {
  const files = [
    'demo/anthropic-2026-10.jsonl',
    'demo/openai-2026-10.jsonl',
    'demo/batch-output.jsonl',
    'logs/anthropic/bad.jsonl',
    'logs/bedrock/invocations.jsonl',
    'logs/claude-code/session.jsonl',
    'logs/gemini/responses.jsonl',
    'logs/langfuse/api-page.json',
    'logs/langfuse/observations.json',
    'logs/litellm/spend_logs.csv',
    'logs/litellm/spend_logs.json',
    'logs/openai/chat-and-responses.jsonl',
    'logs/openai/usage-completions.json',
    'logs/otel/traces.json',
    'logs/otel/traces.jsonl',
    'logs/otel/bad.json',
  ];
  for (const f of files) {
    it(f, async () => {
      const r = await inputsOf(['report', join(FIXTURES, f)]);
      expectIdentity(r.inputs);
    });
  }
});

describe('OpenTelemetry: the same span exported twice', () => {
  const dir = tempDir();
  it('is counted once and skipped once as a duplicate; the identity holds', async () => {
    // traces.jsonl holds 11 spans (7 counted, 4 skipped); three copies of the file: every counted
    // span id arrives three times -> 7 counted, 14 duplicates, 3 x 4 = 12 skipped as before; 33 read
    const original = readFileSync(join(FIXTURES, 'logs/otel/traces.jsonl'), 'utf8');
    const f = join(dir, 'thrice.jsonl');
    writeFileSync(f, original + original + original);
    const r = await runCli(['report', f, '--format', 'json']);
    expect(r.code).toBe(0);
    const i = JSON.parse(r.stdout).inputs;
    expect([i.read, i.counted, i.skipped.duplicate]).toEqual([33, 7, 14]);
    expect(i.counted + sum(i.skipped) + sum(i.rejected)).toBe(i.read);
  });
});
