/**
 * One 4-turn conversation worked out by hand through each lever and pairs of levers in both orders,
 * compared with `simulate --format json` to the cent (exactly, in fact). Prompt text is words that
 * are one o200k token each, so the replay's token counts are the logged ones.
 *
 * hA (explicit cache, min 1,024, 5m/1h, refreshed on hit): input $2/MTok, read $0.20, 5m write $2.50,
 * 1h write $4, output $10, batch x0.5. hB (implicit, min 1,024, 128-token increments, writes as input):
 * input $0.40, read $0.10, output $1.60, batch $0.20/$0.80 (no batch cached rate).
 * Turns at 10:00, 10:03, 10:12 (9 minutes: a 5m cache has expired), 10:14; system 1,000 tokens, user
 * messages 200/100/100/100, answers 300/200/400/150: prompts 1,200 / 1,600 / 1,900 / 2,400.
 * As logged (no cache): 1,200 x 2 + 3,000 = 5,400 µ$; 3,200 + 2,000 = 5,200; 3,800 + 4,000 = 7,800;
 * 4,800 + 1,500 = 6,300; $0.0247.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../cli/harness.js';

const W = (w: string, n: number) => Array.from({ length: n }, () => w).join(' ');
let dir = '';
let doc: { baseline: { totalUsd: number }; scenarios: Array<{ name: string; totalUsd: number }> };

const scenarios: Record<string, string[]> = {
  pc5m: ['prefixCache: { ttl: 5m }'],
  pc1h: ['prefixCache: { ttl: 1h }'],
  cap: ['outputCap: { maxTokens: 250 }'],
  'pc-cap': ['prefixCache: { ttl: 5m }', 'outputCap: { maxTokens: 250 }'],
  'cap-pc': ['outputCap: { maxTokens: 250 }', 'prefixCache: { ttl: 5m }'],
  summ: ['summarize: { afterTokens: 500, summaryTokens: 100 }'],
  'pc1h-summ': ['prefixCache: { ttl: 1h }', 'summarize: { afterTokens: 500, summaryTokens: 100 }'],
  'summ-pc1h': ['summarize: { afterTokens: 500, summaryTokens: 100 }', 'prefixCache: { ttl: 1h }'],
  batch: ['batch: {}'],
  'pc-batch': ['prefixCache: { ttl: 5m }', 'batch: {}'],
  'batch-pc': ['batch: {}', 'prefixCache: { ttl: 5m }'],
  route: ['route: { to: hB }'],
  'pc-route': ['prefixCache: { ttl: 5m }', 'route: { to: hB }'],
  'route-pc': ['route: { to: hB }', 'prefixCache: { ttl: 5m }'],
  'pc-route-batch': ['prefixCache: { ttl: 5m }', 'route: { to: hB }', 'batch: {}'],
};

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'tk-hand-'));
  const words = ['apple', 'table', 'house', 'water', 'green', 'river', 'stone', 'music', 'paper'];
  const users = [200, 100, 100, 100];
  const answers = [300, 200, 400, 150];
  const times = ['10:00', '10:03', '10:12', '10:14'];
  const messages: Array<{ role: string; content: string }> = [];
  const lines = times.map((t, i) => {
    messages.push({ role: 'user', content: W(words[1 + 2 * i], users[i]) });
    const prompt = 1000 + users.slice(0, i + 1).reduce((a, b) => a + b, 0) + answers.slice(0, i).reduce((a, b) => a + b, 0);
    const line = JSON.stringify({
      timestamp: `2026-10-01T${t}:00Z`,
      request: {
        model: 'hA',
        system: W(words[0], 1000),
        messages: [...messages],
        metadata: { conversation_id: 'c1', turn: i + 1, feature: 'chat' },
      },
      response: {
        type: 'message',
        model: 'hA',
        role: 'assistant',
        content: [{ type: 'text', text: W(words[2 + 2 * i], answers[i]) }],
        usage: { input_tokens: prompt, output_tokens: answers[i] },
      },
    });
    messages.push({ role: 'assistant', content: W(words[2 + 2 * i], answers[i]) });
    return line;
  });
  writeFileSync(join(dir, 'c1.jsonl'), `${lines.join('\n')}\n`);
  writeFileSync(
    join(dir, 'prices.yaml'),
    [
      'provider: anthropic',
      'source: test',
      'checkedAt: 2026-09-01',
      'models:',
      '  - id: hA',
      '    tokenizer: { encoding: o200k_base, exact: false, factor: 1 }',
      '    cache: { mode: explicit, minTokens: 1024, ttl: 5m, ttlOptions: [5m, 1h], refreshOnHit: true }',
      '    prices: [{ inputPerMTok: 2, cacheReadPerMTok: 0.2, cacheWrite5mPerMTok: 2.5, cacheWrite1hPerMTok: 4, outputPerMTok: 10, batch: { multiplier: 0.5 } }]',
      '',
    ].join('\n'),
  );
  writeFileSync(
    join(dir, 'prices-b.yaml'),
    [
      'provider: openai',
      'source: test',
      'checkedAt: 2026-09-01',
      'models:',
      '  - id: hB',
      '    tokenizer: { encoding: o200k_base, exact: true }',
      '    cache: { mode: implicit, minTokens: 1024, increment: 128, ttl: 5m }',
      '    prices: [{ inputPerMTok: 0.4, cacheReadPerMTok: 0.1, outputPerMTok: 1.6, batch: { inputPerMTok: 0.2, outputPerMTok: 0.8 } }]',
      '',
    ].join('\n'),
  );
  const yaml = Object.entries(scenarios)
    .map(([name, levers]) => `  - name: ${name}\n    levers:\n${levers.map((l) => `      - ${l}\n`).join('')}`)
    .join('');
  writeFileSync(join(dir, 's.yaml'), `version: 1\nscenarios:\n${yaml}`);
  const r = await runCli([
    'simulate',
    join(dir, 'c1.jsonl'),
    '-s',
    join(dir, 's.yaml'),
    '--prices',
    join(dir, 'prices.yaml'),
    '--prices',
    join(dir, 'prices-b.yaml'),
    '--format',
    'json',
  ]);
  expect(r.stderr).toBe('');
  doc = JSON.parse(r.stdout);
}, 60_000);

afterAll(() => rmSync(dir, { recursive: true, force: true }));

const total = (name: string) => doc.scenarios.find((s) => s.name === name)?.totalUsd;

describe('a 4-turn conversation through each lever, by hand', () => {
  it('as logged', () => expect(doc.baseline.totalUsd).toBe(0.0247));

  it('prefix cache, 5m: turn 3 comes after the TTL and writes again', () => {
    // 1) writes 1,200: 3,000 + 3,000 = 6,000 µ$; 2) reads 1,200, writes 400: 240 + 1,000 + 2,000 = 3,240;
    // 3) 9 minutes later, expired: writes 1,900: 4,750 + 4,000 = 8,750; 4) reads 1,900, writes 500:
    // 380 + 1,250 + 1,500 = 3,130; $0.02112
    expect(total('pc5m')).toBe(0.02112);
  });

  it('prefix cache, 1h: turn 3 reads turn 2 (1h writes at $4)', () => {
    // 1) 4,800 + 3,000 = 7,800; 2) 240 + 1,600 + 2,000 = 3,840; 3) reads 1,600, writes 300: 320 + 1,200 +
    // 4,000 = 5,520; 4) reads 1,900, writes 500: 380 + 2,000 + 1,500 = 3,880; $0.02104
    expect(total('pc1h')).toBe(0.02104);
  });

  it('output cap 250: shorter answers and shorter later prompts, in either order with the cache', () => {
    // answers 250/200/250/150, prompts 1,200/1,550/1,850/2,200: 4,900 + 5,100 + 6,200 + 5,900 = 22,100 µ$
    expect(total('cap')).toBe(0.0221);
    // with the 5m cache: 1) 3,000 + 2,500; 2) reads 1,200, writes 350: 240 + 875 + 2,000; 3) writes 1,850:
    // 4,625 + 2,500; 4) reads 1,850, writes 350: 370 + 875 + 1,500; $0.018485
    expect(total('pc-cap')).toBe(0.018485);
    expect(total('cap-pc')).toBe(0.018485);
  });

  it('summarize after 500 history tokens into 100, and with a 1h cache in either order', () => {
    // turn 3 carries 600 (answer 1, message 2, answer 2): a call sends 600 + 200 instructions, 100 out
    // (1,600 + 1,000 = 2,600 µ$); turn 3 sends 1,200 + 100 + 100 = 1,400 (6,800). Turn 4 carries the summary
    // and 500 more (600 > 500): another call, 2,600; turn 4 sends 1,400 (4,300). 5,400 + 5,200 + 6,800 +
    // 2,600 + 2,600 + 4,300 = 26,900 µ$
    expect(total('summ')).toBe(0.0269);
    // 1h cache: 1) 7,800; 2) 3,840; call 1 reads turn 2's 1,600 and sends answer 2 + instructions:
    // 320 + 800 + 1,000 = 2,120; 3) reads the template 1,200, writes 200 (1h): 240 + 800 + 4,000 = 5,040;
    // call 2 reads turn 3's 1,400: 280 + 1,200 + 1,000 = 2,480; 4) reads 1,200, writes 200: 240 + 800 +
    // 1,500 = 2,540; $0.02382
    expect(total('pc1h-summ')).toBe(0.02382);
    expect(total('summ-pc1h')).toBe(0.02382);
  });

  it('batch halves every price, the cache prices too (Anthropic: they stack)', () => {
    expect(total('batch')).toBe(0.01235);
    // 21,120 x 0.5
    expect(total('pc-batch')).toBe(0.01056);
    expect(total('batch-pc')).toBe(0.01056);
  });

  it('route to hB, with its 128-token cache reads, and batch where cached input has no batch rate', () => {
    // 1,200 x 0.4 + 300 x 1.6 = 960; 640 + 320 = 960; 760 + 640 = 1,400; 960 + 240 = 1,200: 4,520 µ$
    expect(total('route')).toBe(0.00452);
    // cached: 2) reads 1,200 -> 1,152, 448 as input: 115.2 + 179.2 + 320 = 614.4; 3) expired: 1,400;
    // 4) reads 1,900 -> 1,792, 608 as input: 179.2 + 243.2 + 240 = 662.4; 960 + 614.4 + 1,400 + 662.4 = 3,636.8
    expect(total('pc-route')).toBe(0.0036368);
    expect(total('route-pc')).toBe(0.0036368);
    // in a batch every prompt token is at $0.20, read or not: 480 + 480 + 700 + 600 = 2,260 µ$
    expect(total('pc-route-batch')).toBe(0.00226);
  });
});
