/**
 * `report` on a file read in two halves (TOKENOMICS_SPLIT_MIN_BYTES=0; under vitest the second half
 * runs in-process, the same code as the worker thread) must print exactly what one pass prints:
 * when the halves join, and when something crosses the split and the first reader reads on.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../cli/harness.js';

const WIDTH = 400;

function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

/** One JSON line padded to WIDTH bytes (so lines can be swapped without moving the split). */
function line(value: Record<string, unknown>): string {
  const text = JSON.stringify({ ...value, pad: '' });
  if (text.length > WIDTH) throw new Error(`line too long: ${text.length}`);
  return JSON.stringify({ ...value, pad: 'x'.repeat(WIDTH - text.length) });
}

function logLines(n: number, seed: number): string[] {
  const rand = rng(seed);
  const out: string[] = [];
  let t = Date.parse('2026-10-01T00:00:00Z');
  for (let i = 0; i < n; i++) {
    t += Math.floor(rand() * 90_000);
    const metadata = { feature: rand() < 0.5 ? 'chat' : 'search', customer: `cust-${Math.floor(rand() * 20)}`, conversation_id: `conv-${Math.floor(rand() * 60)}` };
    const cached = rand() < 0.4 ? Math.floor(rand() * 2000) : 0;
    if (rand() < 0.5) {
      const prompt = 1000 + Math.floor(rand() * 5000);
      out.push(line({ timestamp: new Date(t).toISOString(), metadata, response: { id: `chatcmpl-${seed}-${i}`, object: 'chat.completion', model: 'gpt-4o-mini-2024-07-18', usage: { prompt_tokens: prompt, completion_tokens: Math.floor(rand() * 500), prompt_tokens_details: { cached_tokens: Math.min(cached, prompt) } } } }));
    } else {
      const write = rand() < 0.3 ? Math.floor(rand() * 3000) : 0;
      out.push(line({ timestamp: new Date(t).toISOString(), metadata, response: { id: `msg_${seed}_${i}`, type: 'message', model: 'claude-sonnet-4-5-20250929', usage: { input_tokens: Math.floor(rand() * 4000), cache_read_input_tokens: cached, cache_creation_input_tokens: write, output_tokens: Math.floor(rand() * 800) } } }));
    }
  }
  return out;
}

/** Index of the line the second half starts with (split.ts: first line start after middle + min(2 MiB, 10%)). */
function splitIndex(lines: string[]): number {
  const bytes = lines.length * (WIDTH + 1);
  const at = Math.floor(bytes / 2) + Math.min(2 << 20, Math.floor(bytes / 10));
  return Math.floor(at / (WIDTH + 1)) + 1;
}

const dir = mkdtempSync(join(tmpdir(), 'tokenomics-split-'));

function write(name: string, lines: string[]): string {
  const file = join(dir, name);
  writeFileSync(file, lines.join('\n') + '\n');
  return file;
}

async function both(file: string, extra: string[] = []) {
  const args = ['report', file, '--format', 'json', '--by', 'model,feature', '-v', ...extra];
  const split = await runCli(args, { env: { TOKENOMICS_SPLIT_MIN_BYTES: '0', TOKENOMICS_THREADS: '2' } });
  const onePass = await runCli(args, { env: { TOKENOMICS_THREADS: '1' } });
  return { split, onePass };
}

describe('report on a file read in two halves', () => {
  const lines = logLines(6000, 7); // 2.4 MB: above the 2 MiB a split needs

  it('joins the halves and prints exactly what one pass prints', async () => {
    const file = write('clean.jsonl', lines);
    const { split, onePass } = await both(file, ['--reprice', 'current']);
    expect(split.code).toBe(0);
    expect(split.stderr).toMatch(/reading bytes \d+-\d+ in a worker thread/);
    expect(split.stderr).not.toMatch(/one pass after all/);
    expect(onePass.stderr).not.toMatch(/worker thread/);
    expect(split.stdout).toBe(onePass.stdout);
    const json = JSON.parse(split.stdout);
    expect(json.inputs.counted).toBe(6000);
    expect(json.unitEconomics.conversations).toBe(60);
  });

  it('a duplicate on both sides of the split: reads on in one pass, same result', async () => {
    const k = splitIndex(lines);
    const copy = [...lines];
    copy[k] = copy[k - 1]; // the same response logged twice, across the split
    const file = write('dup.jsonl', copy);
    const { split, onePass } = await both(file);
    expect(split.stderr).toMatch(/read in one pass after all \(id \S+ occurs on both sides of the split\)/);
    expect(split.stdout).toBe(onePass.stdout);
    expect(JSON.parse(split.stdout).inputs.skipped.duplicate).toBe(1);
  });

  it('a stream whose delta is in the second half: reads on in one pass, same result', async () => {
    const k = splitIndex(lines);
    const copy = [...lines];
    copy[k - 1] = line({ timestamp: '2026-10-03T00:00:00.000Z', response: { type: 'message_start', message: { id: 'msg_stream', type: 'message', model: 'claude-sonnet-4-5-20250929', usage: { input_tokens: 900, output_tokens: 1 } } } });
    copy[k] = line({ response: { type: 'message_delta', usage: { output_tokens: 321 } } });
    const file = write('stream.jsonl', copy);
    const { split, onePass } = await both(file);
    expect(split.stderr).toMatch(/one pass after all \(a value in the second half continues one in the first\)/);
    expect(split.stdout).toBe(onePass.stdout);
  });

  it('issues in the second half keep their line numbers in the file', async () => {
    const copy = [...lines];
    const bad = copy.length - 10;
    copy[bad] = '{"not": json' + ' '.repeat(WIDTH - 12);
    const file = write('bad.jsonl', copy);
    const { split, onePass } = await both(file);
    expect(split.stdout).toBe(onePass.stdout);
    const issues = JSON.parse(split.stdout).issues as Array<{ code: string; line: number }>;
    expect(issues.find((i) => i.code === 'invalid-json')?.line).toBe(bad + 1);
  });

  it('--strict fails on a rejected line in the second half, naming its line', async () => {
    const copy = [...lines];
    const bad = copy.length - 3;
    copy[bad] = '{"not": json' + ' '.repeat(WIDTH - 12);
    const file = write('strict.jsonl', copy);
    const r = await runCli(['report', file, '--strict', '--format', 'json'], { env: { TOKENOMICS_SPLIT_MIN_BYTES: '0', TOKENOMICS_THREADS: '2' } });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`strict.jsonl:${bad + 1}`);
  });

  describe('CSV', () => {
    const header = 'timestamp,model,input_tokens,output_tokens,cached_tokens,feature,customer,note';
    /** Rows padded to WIDTH bytes with a `note` column, so rows can be swapped without moving the split. */
    function csvRows(n: number, seed: number): string[] {
      const rand = rng(seed);
      const rows: string[] = [];
      let t = Date.parse('2026-10-01T00:00:00Z');
      for (let i = 0; i < n; i++) {
        t += Math.floor(rand() * 60_000);
        const model = rand() < 0.5 ? 'gpt-4o-mini-2024-07-18' : 'claude-sonnet-4-5-20250929';
        const row = `${new Date(t).toISOString()},${model},${Math.floor(rand() * 5000)},${Math.floor(rand() * 800)},${Math.floor(rand() * 500)},${rand() < 0.5 ? 'chat' : 'search'},cust-${Math.floor(rand() * 9)},`;
        rows.push(row + 'n'.repeat(WIDTH - row.length));
      }
      return rows;
    }
    /** Index (among rows) of the row the second half starts with: header + rows, split after middle + min(1 MiB, 10%). */
    function csvSplitRow(rows: string[]): number {
      const bytes = header.length + 1 + rows.length * (WIDTH + 1);
      const at = Math.floor(bytes / 2) + Math.min(1 << 20, Math.floor(bytes / 10));
      return Math.floor((at - header.length - 1) / (WIDTH + 1)) + 1;
    }
    const rows = csvRows(6000, 11);

    it('joins the halves and prints exactly what one pass prints', async () => {
      const file = write('clean.csv', [header, ...rows]);
      const { split, onePass } = await both(file);
      expect(split.stderr).toMatch(/reading bytes \d+-\d+ in a worker thread/);
      expect(split.stderr).not.toMatch(/one pass after all/);
      expect(split.stdout).toBe(onePass.stdout);
      expect(JSON.parse(split.stdout).inputs.counted).toBe(6000);
    });

    it('a quoted field with a newline across the split: reads on in one pass, same result', async () => {
      const k = csvSplitRow(rows);
      const copy = [...rows];
      // row k-1 opens a quoted note whose newline is the split point; its second line is row k's text
      const open = copy[k - 1].replace(/,n+$/, ',"two');
      copy[k - 1] = open + ' '.repeat(WIDTH - open.length);
      const close = 'lines"';
      copy[k] = close + ' '.repeat(WIDTH - close.length);
      const file = write('quoted.csv', [header, ...copy]);
      const { split, onePass } = await both(file);
      expect(split.stderr).toMatch(/one pass after all \(a quoted field spans the split\)/);
      expect(split.stdout).toBe(onePass.stdout);
      expect(JSON.parse(split.stdout).inputs.counted).toBe(5999);
    });

    it('rejected rows in the second half keep their line numbers', async () => {
      const copy = [...rows];
      const bad = copy.length - 5;
      copy[bad] = copy[bad].replace(/^([^,]*,[^,]*,)\d+/, '$1-7');
      const file = write('bad.csv', [header, ...copy]);
      const { split, onePass } = await both(file);
      expect(split.stdout).toBe(onePass.stdout);
      const issues = JSON.parse(split.stdout).issues as Array<{ code: string; line: number }>;
      expect(issues.find((i) => i.code === 'invalid-count')?.line).toBe(bad + 2); // +1 header, +1 one-based
    });
  });
});
