/**
 * Two 4-turn conversations on catalog models (fixtures/simulate-hand), worked out by hand through each
 * lever, alone and combined in the order listed, and compared with `simulate --format json` (exactly:
 * the totals are whole femto-dollars). Prompt text is words that are one o200k token each (one
 * cl100k token each for the embeddings), and the logged counts are the texts' counts, so the replay's
 * shares are whole tokens. Amounts below in µ$ (1e-6 USD).
 *
 * conv-a, claude-sonnet-4-5 (input $3, 5m write $3.75, 1h write $6, read $0.30, output $15; cache min
 * 1,024, refreshed on hit; batch x0.5), no cache logged. Turns at 10:00, 10:02, 10:10 (8 minutes: a 5m
 * cache has expired), 10:12. System 1,100; user messages 150/100/100/100; answers 200/300/250/150.
 * Prompts 1,250 / 1,550 / 1,950 / 2,300. As logged: 6,750 + 9,150 + 9,600 + 9,150 = 34,650.
 *
 * conv-b, gpt-5 at the priority tier (input $2.50, read $0.25, output $20; standard $1.25 / $0.125 /
 * $10; batch $0.625 / $0.0625 / $5; implicit cache, min 1,024, 128-token steps, writes bill as input),
 * Chat Completions with reasoning. Turns at 10:01, 10:03, 10:06, 10:09. System 850; user messages
 * 150 (the same text as conv-a's first) / 100 / 100 (the same text as conv-a's second) / 100; outputs 500 / 300 / 600 / 300 of which
 * reasoning 300 / 150 / 400 / 200, so the answers' text is 200 / 150 / 200 / 100, and that is what the
 * next prompt re-sends (reasoning is discarded from the context: types.ts, resentTokens). Prompts
 * 1,000 / 1,300 / 1,550 / 1,850; logged cached 0 / 0 (turn 1 is below 1,024, never cached) / 1,280
 * (turn 2's 1,300 in 128s) / 1,536 (turn 3's 1,550). As logged: 2,500 + 10,000 = 12,500;
 * 3,250 + 6,000 = 9,250; 320 + 270 x 2.5 = 675 + 12,000 = 12,995; 384 + 314 x 2.5 = 785 + 6,000 =
 * 7,169; 41,914. Baseline 76,564.
 */
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../cli/harness.js';

type Doc = { baseline: { totalUsd: number }; scenarios: Array<{ name: string; totalUsd: number }> };
let doc: Doc;
let fast: Doc;

async function simulate(dir: string): Promise<Doc> {
  const r = await runCli(['simulate', dir, '-s', join(dir, 'scenarios.yaml'), '--format', 'json']);
  expect(r.stderr).toBe('');
  return JSON.parse(r.stdout);
}

beforeAll(async () => {
  const root = join(import.meta.dirname, '../../fixtures');
  doc = await simulate(join(root, 'simulate-hand'));
  fast = await simulate(join(root, 'simulate-hand-fast'));
}, 60_000);

const total = (name: string, d = doc) => d.scenarios.find((s) => s.name === name)?.totalUsd;

describe('two conversations on Sonnet 4.5 and GPT-5 through each lever, by hand', () => {
  it('as logged', () => expect(doc.baseline.totalUsd).toBe(0.076564));

  it('prefix cache 5m: conv-a writes at 1.25x, reads at 0.1x, and turn 3 comes after the TTL; conv-b as logged', () => {
    // a: 1) writes 1,250: 4,687.5 + 3,000 = 7,687.5; 2) reads 1,250, writes 300: 375 + 1,125 + 4,500 =
    // 6,000; 3) expired (written 10:02, read 10:10): writes 1,950: 7,312.5 + 3,750 = 11,062.5; 4) reads
    // 1,950, writes 350: 585 + 1,312.5 + 2,250 = 4,147.5; 28,897.5. b: turn 1 below the minimum, turn 2
    // writes 1,300 (at the input price), turns 3 and 4 read 1,280 and 1,536 as logged: 41,914. 70,811.5
    expect(total('pc5m')).toBe(0.0708115);
  });

  it('prefix cache 1h: conv-a writes at 2x and turn 3 reads turn 2; gpt-5 has no 1h TTL and keeps 5m', () => {
    // a: 1) 7,500 + 3,000 = 10,500; 2) 375 + 1,800 + 4,500 = 6,675; 3) reads 1,550, writes 400: 465 +
    // 2,400 + 3,750 = 6,615; 4) reads 1,950, writes 350: 585 + 2,100 + 2,250 = 4,935; 28,725 + 41,914
    expect(total('pc1h')).toBe(0.070639);
  });

  it('batch: 50% on Sonnet, the cache prices too; the priority requests move to gpt-5 batch prices', () => {
    // a: 34,650 / 2 = 17,325. b: 1,000 x 0.625 + 500 x 5 = 3,125; 812.5 + 1,500 = 2,312.5; 1,280 x
    // 0.0625 = 80 + 270 x 0.625 = 168.75 + 3,000 = 3,248.75; 96 + 196.25 + 1,500 = 1,792.25; 10,478.5
    expect(total('batch')).toBe(0.0278035);
    // a: 28,897.5 / 2 = 14,448.75 (Anthropic: batch and cache discounts stack) + 10,478.5, either order
    expect(total('pc-batch')).toBe(0.02492725);
    expect(total('batch-pc')).toBe(0.02492725);
  });

  it('route conv-a to Haiku 4.5: its 4,096-token minimum leaves nothing to cache', () => {
    // a at $1/$5: 1,250 + 1,000; 1,550 + 1,500; 1,950 + 1,250; 2,300 + 750 = 11,550; + 41,914
    expect(total('route')).toBe(0.053464);
    expect(total('pc-route')).toBe(0.053464);
  });

  it("output cap 372: the later prompts lose the answers' text, not their reasoning", () => {
    // conv-a's answers are all shorter. b: 500 -> 372 (reasoning 300, text 200 -> 72: the later
    // prompts lose 128 at [1,072, 1,200)); 300 stays; 600 -> 372 (reasoning 400 > 372: no text, the
    // later prompts lose all 200 at [1,550, 1,750)); 300 stays. 1) 2,500 + 372 x 20 = 7,440 -> 9,940;
    // 2) 1,172 uncached: 2,930 + 6,000 = 8,930; 3) reads 1,280 - 128 = 1,152 (turn 2's 1,172 in 128s),
    // 270 input: 288 + 675 + 7,440 = 8,403; 4) reads 1,536 - 128 = 1,408 (turn 3's 1,422 in 128s),
    // 314 - 200 = 114 input: 352 + 285 + 6,000 = 6,637. 33,910 + 34,650 = 68,560
    // (taking the whole cut of the output, 128 and 228 tokens, placed past the reasoning: $0.068715)
    expect(total('cap372')).toBe(0.06856);
    // with the 5m cache, either order: a 28,897.5; b the same buckets (its writes bill as input)
    expect(total('pc-cap372')).toBe(0.0628075);
    expect(total('cap372-pc')).toBe(0.0628075);
  });

  it('summarize after 2 turns into 100: the history re-sends answers without their reasoning', () => {
    // a: turn 4 carries 3 turns (950 = 2,300 - 1,250 template - 100 new): a call sends 950 + 200
    // instructions, 100 out: 3,450 + 1,500 = 4,950; turn 4 sends 1,250 + 100 + 100 = 1,450: 4,350 +
    // 2,250 = 6,600. 6,750 + 9,150 + 9,600 + 4,950 + 6,600 = 37,050.
    // b: new messages 1,300 - 1,000 - 200 = 100, 1,550 - 1,300 - 150 = 100, 1,850 - 1,550 - 200 = 100;
    // turn 4's history 750 (3 turns). The call (standard tier) three minutes after turn 3 reads what
    // turn 3 left cached: OpenAI caches the whole 1,550-token prompt (logged as a read of 1,280 and no
    // write), read as 1,536; it sends 14, answer 3's text 200 and the instructions: 192 + 414 x 1.25 =
    // 517.5 + 1,000 = 1,709.5. Turn 4 sends 1,000 + 100 + 100 = 1,200, under the minimum once the
    // template alone is shared: 3,000 + 6,000 = 9,000. 12,500 + 9,250 + 12,995 + 1,709.5 + 9,000 =
    // 45,454.5; 82,504.5 (with the reasoning in the history: $0.0830425; reading only the logged
    // 1,280: $0.0827925)
    expect(total('summ')).toBe(0.0825045);
    // 1h cache first: a 10,500 + 6,675 + 6,615; the call reads turn 3's 1,950 and sends answer 3 and the
    // instructions: 585 + 1,350 + 1,500 = 3,435; turn 4 reads the template, writes 200 at 1h: 375 +
    // 1,200 + 2,250 = 3,825; 31,050. b (5m): the call reads turn 3's replayed 1,550 as 1,536 and sends
    // 14 + 200 + 200: 192 + 517.5 + 1,000 = 1,709.5; turn 4 9,000; 45,454.5. 76,504.5
    expect(total('pc1h-summ')).toBe(0.0765045);
  });

  it("semantic cache: conv-b's first question is conv-a's; the served answer is as long as its own text", () => {
    // two first-turn lookups, each 150 tokens embedded at $0.02/MTok (3) + $0.00001 (10) = 13.
    // b turn 1 answered: conv-a's 200-token answer replaces conv-b's 200 text tokens, so turns 2-4 are
    // as logged: 34,650 + 13 + 13 + 9,250 + 12,995 + 7,169 = 64,090 (re-sending 300 fewer tokens, as if
    // the reasoning had been in the history: $0.062695)
    expect(total('sem')).toBe(0.06409);
    // with the 5m cache: 28,897.5 + 13 + 13 + 29,414 = 58,337.5
    expect(total('pc-sem')).toBe(0.0583375);
  });

  it('semantic cache on every query: a later turn answered, the next one re-sends the served answer and finds its cache cold', () => {
    // query-only: all 8 requests look up their last user message (150 or 100 tokens: 13 or 12), 98 in
    // all. conv-b's turn 1 is answered from conv-a's turn 1, and its turn 3 (10:06, "green") from
    // conv-a's turn 2 (10:02): the 300-token answer replaces conv-b's 200 text tokens, so turn 4
    // sends 1,950. a: 28,897.5. b: turn 2 writes 1,300: 9,250; turn 4 cannot read turn 3's prefix (not
    // sent) and turn 2's expired at 10:08: it writes 1,950 at the input price, 4,875 + 6,000 = 10,875.
    // 28,897.5 + 98 + 9,250 + 10,875 = 49,120.5, in either order
    expect(total('pc-semq')).toBe(0.0491205);
    expect(total('semq-pc')).toBe(0.0491205);
  });

  it('the plan: 1h cache, semantic cache, summarize, batch, in that order', () => {
    // a (1h cache, summarised, batched): (10,500 + 6,675 + 6,615 + 3,435 + 3,825) / 2 = 15,525, + 13.
    // b: turn 1 answered (13); batched: 2) 1,300 x 0.625 + 300 x 5 = 2,312.5; 3) 80 + 168.75 + 3,000 =
    // 3,248.75; the call reads 1,536: 96 + 414 x 0.625 = 258.75 + 500 = 854.75; 4) 1,200 x 0.625 + 1,500
    // = 2,250. 15,525 + 13 + 13 + 2,312.5 + 3,248.75 + 854.75 + 2,250 = 24,217
    expect(total('plan')).toBe(0.024217);
  });
});

describe('fast mode on Opus 4.6 (fixtures/simulate-hand-fast), by hand', () => {
  // Two turns at 11:00 and 11:02, prompts 5,000 (system 4,800 + 200) and 5,600, outputs 300 and 200, at
  // fast speed: x6 of $5/$25, so input $30, 5m write $37.50, read $3, output $150.
  it('as logged, cached, batched (fast mode does not run in a batch), and both', () => {
    // 150,000 + 45,000 + 168,000 + 30,000 = 393,000
    expect(fast.baseline.totalUsd).toBe(0.393);
    // 1) writes 5,000: 187,500 + 45,000; 2) reads 5,000, writes 600: 15,000 + 22,500 + 30,000; 300,000
    expect(total('pc', fast)).toBe(0.3);
    // standard speed in a batch, $2.50 / $12.50: 12,500 + 3,750 + 14,000 + 2,500 = 32,750
    expect(total('batch', fast)).toBe(0.03275);
    // 5,000 x 3.125 + 3,750 + 5,000 x 0.25 + 600 x 3.125 + 2,500 = 25,000
    expect(total('pc-batch', fast)).toBe(0.025);
  });
});
