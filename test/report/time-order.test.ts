/**
 * The context-window tax and the cache writes never read follow each conversation's (each cache
 * scope's) records in time order, not the order the lines were read in: the same records written
 * oldest first, newest first (an export sorted by time descending) and split across two files with
 * the later turns in the file read first give the same turns and the same unread writes.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli } from '../cli/harness.js';

const dir = mkdtempSync(join(tmpdir(), 'tokenomics-time-order-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const SONNET = 'claude-sonnet-4-5-20250929';
/** An Anthropic Messages body in a {request, response} pair with its metadata. */
function line(
  id: string,
  at: string,
  meta: Record<string, string>,
  u: { input: number; read?: number; w5?: number; w1?: number; output: number },
): string {
  const w5 = u.w5 ?? 0;
  const w1 = u.w1 ?? 0;
  return JSON.stringify({
    timestamp: at,
    request: { metadata: meta },
    response: {
      id,
      type: 'message',
      role: 'assistant',
      model: SONNET,
      content: [],
      stop_reason: 'end_turn',
      usage: {
        input_tokens: u.input,
        cache_read_input_tokens: u.read ?? 0,
        cache_creation_input_tokens: w5 + w1,
        cache_creation: { ephemeral_5m_input_tokens: w5, ephemeral_1h_input_tokens: w1 },
        output_tokens: u.output,
      },
    },
  });
}

// conversation A: a 1-hour write read 30 minutes later; B: a 5-minute write read exactly at its end
// (the TTL is inclusive); C: a 5-minute write never read
const A = { feature: 'f1', customer_id: 'c1', conversation_id: 'A' };
const B = { feature: 'f2', customer_id: 'c2', conversation_id: 'B' };
const C = { feature: 'f2', customer_id: 'c2', conversation_id: 'C' };
const lines = [
  line('m1', '2026-10-01T10:00:00Z', A, { input: 100, w1: 2000, output: 300 }),
  line('m2', '2026-10-01T10:30:00Z', A, { input: 50, read: 2000, output: 100 }),
  line('m3', '2026-10-01T10:00:00Z', B, { input: 100, w5: 3000, output: 50 }),
  line('m4', '2026-10-01T10:05:00Z', B, { input: 10, read: 3000, output: 10 }),
  line('m5', '2026-10-01T11:00:00Z', C, { input: 100, w5: 1000, output: 20 }),
];

async function report(...files: Array<[string, string[]]>) {
  const paths = files.map(([name, ls]) => {
    const path = join(dir, name);
    writeFileSync(path, `${ls.join('\n')}\n`);
    return path;
  });
  const r = await runCli(['report', ...paths, '--format', 'json']);
  expect(r.code).toBe(0);
  const json = JSON.parse(r.stdout);
  return {
    turns: json.contextWindowTax.turns.map((t: { turn: number; requests: number; avgPromptTokens: number; costUsd: number }) => [
      t.turn,
      t.requests,
      t.avgPromptTokens,
      t.costUsd,
    ]),
    unread: json.caching.writesNeverRead,
  };
}

// Claude Sonnet 4.5: $3 input, $0.30 cache read, $3.75 5m write, $6 1h write, $15 output per MTok.
// m1 100x3 + 2000x6 + 300x15 = 16,800 µ$; m2 50x3 + 2000x0.3 + 100x15 = 2,250; m3 100x3 + 3000x3.75 + 50x15 = 12,300;
// m4 10x3 + 3000x0.3 + 10x15 = 1,080; m5 100x3 + 1000x3.75 + 20x15 = 4,350.
// Turn 1 (m1, m3, m5): 16,800 + 12,300 + 4,350 = 33,450 µ$ = $0.03345; prompts 2,100 + 3,100 + 1,100 = 6,300 / 3 = 2,100.
// Turn 2 (m2, m4): 2,250 + 1,080 = 3,330 µ$ = $0.00333; prompts 2,050 + 3,010 = 5,060 / 2 = 2,530.
// Unread: m5's write only: 1,000 tokens x $3.75 = $0.00375, premium 1,000 x ($3.75 - $3) = $0.00075.
const expected = {
  turns: [
    [1, 3, 2100, 0.03345],
    [2, 2, 2530, 0.00333],
  ],
  unread: { writes: 1, tokens: 1000, costUsd: 0.00375, premiumOverInputUsd: 0.00075 },
};

describe('turns and unread cache writes in time order', () => {
  it('oldest first', async () => {
    expect(await report(['forward.jsonl', lines])).toEqual(expected);
  });
  it('newest first (an export sorted by time descending)', async () => {
    // read in line order, every read came before its write (3 writes, 6,000 tokens unread) and turn 1 was each conversation's last
    expect(await report(['reversed.jsonl', [...lines].reverse()])).toEqual(expected);
  });
  it('a conversation across two files, the later turns in the file read first', async () => {
    expect(await report(['a-later.jsonl', [lines[1], lines[3]]], ['b-earlier.jsonl', [lines[0], lines[2], lines[4]]])).toEqual(expected);
  });
});
