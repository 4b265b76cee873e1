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
    const metadata = {
      feature: rand() < 0.5 ? 'chat' : 'search',
      customer: `cust-${Math.floor(rand() * 20)}`,
      conversation_id: `conv-${Math.floor(rand() * 60)}`,
    };
    const cached = rand() < 0.4 ? Math.floor(rand() * 2000) : 0;
    if (rand() < 0.5) {
      const prompt = 1000 + Math.floor(rand() * 5000);
      out.push(
        line({
          timestamp: new Date(t).toISOString(),
          metadata,
          response: {
            id: `chatcmpl-${seed}-${i}`,
            object: 'chat.completion',
            model: 'gpt-4o-mini-2024-07-18',
            usage: {
              prompt_tokens: prompt,
              completion_tokens: Math.floor(rand() * 500),
              prompt_tokens_details: { cached_tokens: Math.min(cached, prompt) },
            },
          },
        }),
      );
    } else {
      const write = rand() < 0.3 ? Math.floor(rand() * 3000) : 0;
      out.push(
        line({
          timestamp: new Date(t).toISOString(),
          metadata,
          response: {
            id: `msg_${seed}_${i}`,
            type: 'message',
            model: 'claude-sonnet-4-5-20250929',
            usage: {
              input_tokens: Math.floor(rand() * 4000),
              cache_read_input_tokens: cached,
              cache_creation_input_tokens: write,
              output_tokens: Math.floor(rand() * 800),
            },
          },
        }),
      );
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
    copy[k - 1] = line({
      timestamp: '2026-10-03T00:00:00.000Z',
      response: {
        type: 'message_start',
        message: { id: 'msg_stream', type: 'message', model: 'claude-sonnet-4-5-20250929', usage: { input_tokens: 900, output_tokens: 1 } },
      },
    });
    copy[k] = line({ response: { type: 'message_delta', usage: { output_tokens: 321 } } });
    const file = write('stream.jsonl', copy);
    const { split, onePass } = await both(file);
    expect(split.stderr).toMatch(/one pass after all \(records of the first half are still buffered at the split\)/);
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
    const r = await runCli(['report', file, '--strict', '--format', 'json'], {
      env: { TOKENOMICS_SPLIT_MIN_BYTES: '0', TOKENOMICS_THREADS: '2' },
    });
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

  describe('found in review: the halves join as one pass would', () => {
    const T0 = Date.parse('2026-10-01T00:00:00Z');
    const anth = (i: number, usage: Record<string, number> = {}, extra: Record<string, unknown> = {}) => ({
      id: `msg_${i}`,
      type: 'message',
      role: 'assistant',
      model: 'claude-sonnet-4-5-20250929',
      usage: { input_tokens: 100 + (i % 50), output_tokens: 20 + (i % 7), ...usage },
      ...extra,
    });
    const gem = (i: number) => ({
      responseId: `resp_${i}`,
      modelVersion: 'gemini-2.5-pro',
      createTime: new Date(T0 + i * 1000).toISOString(),
      candidates: [{ finishReason: 'STOP' }],
      usageMetadata: { promptTokenCount: 300 + (i % 40), candidatesTokenCount: 50 },
    });

    it('a log sorted by conversation (not by time): a cache write read in its own conversation is not "never read"', async () => {
      // 700 conversations, each spanning five days (a cache write, then a read 30 s later, every day),
      // all starting on the same day: the log is sorted by conversation, so time jumps back 5 days at
      // each new conversation
      const rows: string[] = [];
      for (let c = 0; c < 700; c++) {
        for (let k = 0; k < 9; k++) {
          const t = T0 + Math.floor(k / 2) * 86_400_000 + c * 60_000 + (k % 2) * 30_000;
          const usage: Record<string, number> = k % 2 === 0 ? { cache_creation_input_tokens: 3000 } : { cache_read_input_tokens: 3000 };
          rows.push(
            line({ timestamp: new Date(t).toISOString(), metadata: { conversation_id: `c${c}` }, response: anth(c * 9 + k, usage) }),
          );
        }
      }
      const file = write('by-conversation.jsonl', rows);
      const { split, onePass } = await both(file);
      expect(split.stdout).toBe(onePass.stdout);
      // only each conversation's last write (day 5, k = 8) has no read after it
      expect(JSON.parse(onePass.stdout).caching.writesNeverRead.writes).toBe(700);
    });

    it('detection on the same values as one pass (an invalid UTF-8 line among the first ones)', async () => {
      const kinds = 'aaagAgggg';
      const rows: Buffer[] = [];
      const k2 = splitIndex(Array.from({ length: 7000 }, () => ''));
      for (let i = 0; i < 7000; i++) {
        const k = i < kinds.length ? kinds[i] : i % 2 ? 'a' : 'g';
        let text: string;
        // Anthropic streams in the second half: their deltas score below the confident level
        if (i >= k2 && (i - k2) % 4 === 0)
          text = line({
            response: {
              type: 'message_start',
              message: {
                id: `msg_st${i}`,
                type: 'message',
                model: 'claude-sonnet-4-5-20250929',
                usage: { input_tokens: 500, output_tokens: 1 },
              },
            },
          });
        else if (i >= k2 && (i - k2) % 4 === 1) text = line({ response: { type: 'message_delta', usage: { output_tokens: 800 } } });
        else if (i >= k2 && (i - k2) % 4 === 2) text = line({ response: { type: 'message_stop' } });
        else text = line(k === 'g' ? gem(i) : anth(i));
        if (k === 'A') text = text.replace('"role":"assistant"', '"role":"assist#nt"');
        const bytes = Buffer.from(text, 'latin1');
        if (k === 'A') bytes[bytes.indexOf(0x23)] = 0xe9; // a lone latin1 é: not UTF-8
        rows.push(bytes);
      }
      const file = join(dir, 'detect.jsonl');
      writeFileSync(file, Buffer.concat(rows.flatMap((b) => [b, Buffer.from('\n')])));
      const { split, onePass } = await both(file);
      expect(split.stdout).toBe(onePass.stdout);
      expect(JSON.parse(onePass.stdout).inputs.rejected['invalid-utf8']).toBe(1);
    });

    it('a line two formats recognise goes to the same one in either half', async () => {
      // an OpenAI log with Gemini lines in the first half only; later lines carry both an Anthropic message
      // and Gemini usage (each format recognises them confidently)
      const openai = (i: number) => ({
        id: `chatcmpl-${i}`,
        object: 'chat.completion',
        model: 'gpt-4o-mini-2024-07-18',
        created: 1790812800 + i,
        usage: { prompt_tokens: 100 + (i % 9), completion_tokens: 10 },
      });
      const rows: string[] = [];
      for (let i = 0; i < 6000; i++) {
        if (i < 8) rows.push(line(openai(i)));
        else if (i < 2000) rows.push(line(i % 2 ? openai(i) : gem(i)));
        else if (i % 3 === 0) rows.push(line({ ...anth(i), usageMetadata: { promptTokenCount: 999, candidatesTokenCount: 1 } }));
        else rows.push(line(openai(i)));
      }
      const file = write('ambiguous.jsonl', rows);
      const { split, onePass } = await both(file);
      expect(split.stdout).toBe(onePass.stdout);
    });

    it('Claude Code lines in the first half: read in one pass (their sessions span files and halves)', async () => {
      const rows: string[] = [];
      for (let i = 0; i < 6000; i++) {
        if (i >= 100 && i < 105) {
          rows.push(
            line({
              type: 'assistant',
              sessionId: 's1',
              requestId: `req_${i}`,
              timestamp: new Date(T0 + i * 1000).toISOString(),
              message: {
                id: `msg_cc${i}`,
                model: 'claude-sonnet-4-5-20250929',
                usage: { input_tokens: 10, output_tokens: 5, cache_read_input_tokens: 90000 },
              },
            }),
          );
        } else rows.push(line(anth(i)));
      }
      const file = write('claude-code.jsonl', rows);
      const { split, onePass } = await both(file);
      expect(split.stdout).toBe(onePass.stdout);
      expect(split.stderr).toMatch(/one pass after all \(the first half has claude-code records\)/);
    });

    it('a stream completed in the first half and a stray delta after the split: read on, same result', async () => {
      const k = splitIndex(lines);
      const copy = [...lines];
      copy[k - 2] = line({
        response: {
          type: 'message_start',
          message: { id: 'msg_s', type: 'message', model: 'claude-sonnet-4-5-20250929', usage: { input_tokens: 900, output_tokens: 1 } },
        },
      });
      copy[k - 1] = line({ response: { type: 'message_stop' } });
      copy[k] = line({ response: { type: 'message_delta', usage: { output_tokens: 321 } } });
      const file = write('stray-delta.jsonl', copy);
      const { split, onePass } = await both(file);
      expect(split.stderr).toMatch(/one pass after all \(a value in the second half continues one in the first\)/);
      expect(split.stdout).toBe(onePass.stdout);
    });
  });
});
