/**
 * Levers in combination, across the turns of a conversation: the scenario's total must not hang on
 * the order the YAML lists levers in when they describe the same system (a cache and a summariser,
 * a cache and an output cap). Expected costs are worked out by hand from the test catalog
 * (test/simulate/helpers.ts): claude-t input $1/MTok, 5m write $1.25, 1h write $2, read $0.10,
 * output $5, minimum 1,024 cacheable tokens, TTL 5m refreshed on hit; so 1 token = 1 µ$ input,
 * 1.25 µ$ written, 0.1 µ$ read, 5 µ$ output.
 */
import { describe, expect, it } from 'vitest';
import { runScenario } from '../../src/simulate/engine.js';
import { priceState } from '../../src/simulate/price.js';
import type { Scenario } from '../../src/simulate/scenario.js';
import type { LeverKind, LeverSpec } from '../../src/simulate/types.js';
import type { UsageRecord } from '../../src/usage/record.js';
import { baselineRequests, env, minutes, pricer, rec, usd, words } from './helpers.js';

type Role = 'system' | 'user' | 'assistant';
type Msg = { role: Role; content: string };
const msg = (role: Role, content: string): Msg => ({ role, content });
const count = (ms: Msg[]) => ms.reduce((s, m) => s + m.content.split(' ').length, 0);

/**
 * One conversation on claude-t, a turn a minute: system S (1,200 tokens) and u1 (300), then each
 * turn re-sends the history and adds a 300-token answer and a 300-token message. Prompts 1,500,
 * 2,100, 2,700, 3,300, 3,900; every answer `answers[t]` tokens of text (300 unless given).
 * Nothing was cached in the logs: every prompt token is billed as input.
 */
function conversation(id: string, gapsMin: number[] = [0, 1, 2, 3, 4], answers: number[] = [300, 300, 300, 300, 300]) {
  const S = words(`${id}S`, 1200);
  const ms: Msg[] = [msg('system', S), msg('user', words(`${id}u1x`, 300))];
  return gapsMin.map((m, t) => {
    if (t > 0) ms.push(msg('assistant', words(`${id}a${t}x`, answers[t - 1])), msg('user', words(`${id}u${t + 1}x`, 300)));
    const messages = ms.slice();
    return rec('claude-t', {
      timeMs: minutes(m),
      conversationId: id,
      turn: t + 1,
      inputTokens: count(messages),
      outputTokens: answers[t],
      text: { messages, completion: words(`${id}a${t + 1}x`, answers[t]) },
      tags: { feature: 'chat' },
    });
  });
}

const spec = (kind: LeverKind, params: Record<string, unknown>): LeverSpec => ({ kind, name: kind, params, at: 'test.yaml:1' });
const scenario = (levers: LeverSpec[]): Scenario => ({ name: 's', levers }) as unknown as Scenario;

function run(recs: UsageRecord[], levers: LeverSpec[]) {
  const base = baselineRequests(recs);
  return runScenario(base, priceState(pricer, base), scenario(levers), env);
}

describe('prefixCache and summarize give one total in either order', () => {
  // afterTokens 1,000, summaryTokens 200, instructionTokens 200 (default). History before turn t is
  // prompt(t-1) + answer(t-1) - prompt(1): turn 2 300, turn 3 900, turn 4 1,500 > 1,000, so turn 4 is
  // summarised: 1,500 - 200 = 1,300 tokens fewer on turns 4 and 5 (prompts 2,000 and 2,600).
  // With the prefix cache (breakpoint at the end of a conversation's prompt), by hand:
  //   t1  writes 1,500: 1,875 + output 1,500                                  = 3,375 µ$
  //   t2  reads 1,500, writes 600: 150 + 750 + 1,500                          = 2,400 µ$
  //   t3  reads 2,100, writes 600: 210 + 750 + 1,500                          = 2,460 µ$
  //   summary call (warm: t3 cached 2,700 a minute earlier): reads 2,700, sends a3 300 + 200
  //       instructions, answers 200: 270 + 500 + 1,000                        = 1,770 µ$
  //   t4  2,000 = template 1,500 (read) + summary 200 + u4 300 (written): 150 + 625 + 1,500 = 2,275 µ$
  //   t5  2,600: reads t4's 2,000, writes a4 + u5 600: 200 + 750 + 1,500      = 2,450 µ$
  //   total 3,375 + 2,400 + 2,460 + 1,770 + 2,275 + 2,450 = 14,730 µ$ = $0.01473
  const cache = spec('prefixCache', {});
  const summ = spec('summarize', { afterTokens: 1000, summaryTokens: 200 });
  it('prefixCache then summarize', () => {
    const res = run(conversation('A'), [cache, summ]);
    expect(usd(res.final.total)).toBe('0.01473');
  });
  it('summarize then prefixCache: the cache replays the summarised prompts', () => {
    const res = run(conversation('B'), [summ, cache]);
    const byTurn = res.requests.filter((r) => r.origin === 'log').map((r) => [r.cacheReadTokens, r.cacheWrite5mTokens, r.inputTokens]);
    expect(byTurn).toEqual([
      [0, 1500, 0],
      [1500, 600, 0],
      [2100, 600, 0],
      [1500, 500, 0],
      [2000, 600, 0],
    ]);
    expect(usd(res.final.total)).toBe('0.01473');
  });
});

describe('prefixCache and outputCap give one total in either order', () => {
  // Answers 800, 300, 300 tokens: prompts 1,500, 2,600 (1,500 + 800 + 300), 3,200. outputCap 500 cuts
  // the first answer by 300, and every later turn re-sends it 300 tokens shorter: 2,300 and 2,900.
  // With the prefix cache, by hand:
  //   t1  writes 1,500: 1,875 + output 500 x 5 = 2,500                     = 4,375 µ$
  //   t2  reads t1's 1,500, writes a1 500 + u2 300: 150 + 1,000 + 1,500      = 2,650 µ$
  //   t3  reads t2's 2,300, writes a2 + u3 600: 230 + 750 + 1,500            = 2,480 µ$
  //   total 9,505 µ$ = $0.009505
  // (Replaying the logged text and scaling its shares to the shorter prompt made t2 read
  // 1,500/2,600 of 2,300 = 1,327 tokens, some of them an answer no earlier request had cached.)
  const cache = spec('prefixCache', {});
  const cap = spec('outputCap', { maxTokens: 500 });
  for (const [name, levers] of [
    ['prefixCache then outputCap', [cache, cap]],
    ['outputCap then prefixCache', [cap, cache]],
  ] as const)
    it(name, () => {
      const res = run(conversation(name.startsWith('p') ? 'C' : 'D', [0, 1, 2], [800, 300, 300]), [...levers]);
      const byTurn = res.requests.map((r) => [r.cacheReadTokens, r.cacheWrite5mTokens, r.inputTokens]);
      expect(byTurn).toEqual([
        [0, 1500, 0],
        [1500, 800, 0],
        [2300, 600, 0],
      ]);
      expect(usd(res.final.total)).toBe('0.009505');
    });
});

describe("summarize reads the conversation's cache for the TTL the prefix cache wrote (1h)", () => {
  // The conversation above with turn 4 ten minutes after turn 3 (minutes 0, 1, 2, 12, 13) and
  // prefixCache { ttl: 1h }: writes bill at $2/MTok (2 µ$ a token) and stay readable an hour.
  //   t1  writes 1,500: 3,000 + output 1,500                                 = 4,500 µ$
  //   t2  reads 1,500, writes 600: 150 + 1,200 + 1,500                       = 2,850 µ$
  //   t3  reads 2,100, writes 600: 210 + 1,200 + 1,500                       = 2,910 µ$
  //   summary call: t3's 2,700 were cached 10 minutes earlier, live for an hour: reads 2,700, sends
  //       a3 300 + 200 instructions, answers 200: 270 + 500 + 1,000          = 1,770 µ$
  //   t4  reads the template 1,500, writes summary + u4 500: 150 + 1,000 + 1,500 = 2,650 µ$
  //   t5  reads t4's 2,000, writes 600: 200 + 1,200 + 1,500                  = 2,900 µ$
  //   total 17,580 µ$ = $0.01758
  // (Judged by the model's default 5-minute TTL, the summary call sent the 1,500 history tokens
  // cold, 1,700 + 1,000 = 2,700 µ$, and t4 wrote its whole 2,000: 4,000 + 1,500 = 5,500 µ$.)
  const cache = spec('prefixCache', { ttl: '1h' });
  const summ = spec('summarize', { afterTokens: 1000, summaryTokens: 200 });
  for (const [name, levers] of [
    ['prefixCache then summarize', [cache, summ]],
    ['summarize then prefixCache', [summ, cache]],
  ] as const)
    it(name, () => {
      const res = run(conversation(name.startsWith('p') ? 'E' : 'F', [0, 1, 2, 12, 13]), [...levers]);
      const call = res.requests.find((r) => r.origin === 'added');
      expect(call).toMatchObject({ cacheReadTokens: 2700, inputTokens: 500, outputTokens: 200 });
      expect(usd(res.final.total)).toBe('0.01758');
    });
});

describe('a semantic-cache hit neither reads nor refreshes the prefix cache, in either order', () => {
  // Three single requests of one feature on claude-t, each the shared system prompt (1,200 tokens)
  // and a 10-token question; answers 100. A at 0 min and B at 3 min ask the same question, C at 7 min
  // another. Text seen in two requests is static and the breakpoint sits after the static prefix:
  // A's whole prompt (its question is B's too), C's system prompt. B is answered from the semantic
  // cache (lookups free here), so it sends nothing: the prompt cache A wrote at 0 expires at 5
  // (refreshed on a hit, but no hit came), and C writes the system prompt again. By hand:
  //   A  writes 1,210, 100 output: 1,512.5 + 500                            = 2,012.5 µ$
  //   B  no call                                                            =       0
  //   C  writes 1,200 again, 10 input: 1,500 + 10 + 500                     = 2,010   µ$
  //   total 4,022.5 µ$ = $0.0040225
  // (With prefixCache listed first, B's replayed read refreshed the entry to 8 min and C read it:
  // 120 + 10 + 500 = 630 µ$, $0.0026425 in all, though B never reached the provider.)
  const S = words('semS', 1200);
  const ask = (m: number, q: string) => {
    const messages = [msg('system', S), msg('user', q)];
    return rec('claude-t', {
      timeMs: minutes(m),
      inputTokens: count(messages),
      outputTokens: 100,
      text: { messages },
      tags: { feature: 'kb' },
    });
  };
  const cache = spec('prefixCache', {});
  const sem = spec('semanticCache', { lookupCostUsd: 0, embeddingModel: 'none' });
  for (const [name, levers] of [
    ['prefixCache then semanticCache', [cache, sem]],
    ['semanticCache then prefixCache', [sem, cache]],
  ] as const)
    it(name, () => {
      const res = run([ask(0, words('qa', 10)), ask(3, words('qa', 10)), ask(7, words('qb', 10))], [...levers]);
      expect(res.requests.map((r) => r.dropped)).toEqual([false, true, false]);
      expect(res.requests[2]).toMatchObject({ cacheReadTokens: 0, cacheWrite5mTokens: 1200, inputTokens: 10 });
      expect(usd(res.final.total)).toBe('0.0040225');
    });
});

describe('an answer folded into a summary no longer changes the prompts after the summary', () => {
  // Answers 800, 300, 300, 300, 300: prompts 1,500, 2,600, 3,200, 3,800, 4,400 (no cache). outputCap
  // 500 cuts the first answer by 300; summarize afterTokens 1,000, summaryTokens 200 (instructions 200).
  // With the cap, turn 2 re-sends the shorter answer (2,300); history before turn 3 is 2,300 + 300 -
  // 1,500 = 1,100 > 1,000: a summary call sends those 1,100 + 200 instructions and turn 3 carries the
  // summary instead: 2,900 - (1,100 - 200) = 2,000. Turn 4: history 2,900 + 300 - 1,500 = 1,700, of
  // which 1,700 - 900 = 800 are carried: 3,500 - 900 = 2,600. Turn 5: history 3,500 + 300 - 1,500 =
  // 2,300, carried 1,400 > 1,000: a second call sends 1,400 + 200, and turn 5 sends 4,100 - 2,100 = 2,000.
  //   input  1,500 + 2,300 + 2,000 + 2,600 + 2,000 + 1,300 + 1,600 = 13,300 µ$
  //   output (500 + 4 x 300 + 2 x 200) x 5                            = 10,500 µ$
  //   total 23,800 µ$ = $0.0238
  // (With summarize listed first, the 300 tokens cut from an answer the summary had already replaced
  // came off turns 3, 4 and 5 too, and the first call still sent the uncut answer: $0.0232.)
  const cap = spec('outputCap', { maxTokens: 500 });
  const summ = spec('summarize', { afterTokens: 1000, summaryTokens: 200 });
  for (const [name, levers] of [
    ['outputCap then summarize', [cap, summ]],
    ['summarize then outputCap', [summ, cap]],
  ] as const)
    it(name, () => {
      const res = run(conversation(name.startsWith('o') ? 'G' : 'H', [0, 1, 2, 3, 4], [800, 300, 300, 300, 300]), [...levers]);
      expect(res.requests.filter((r) => r.origin === 'log').map((r) => r.inputTokens)).toEqual([1500, 2300, 2000, 2600, 2000]);
      expect(res.requests.filter((r) => r.origin === 'added').map((r) => r.inputTokens)).toEqual([1300, 1600]);
      expect(usd(res.final.total)).toBe('0.0238');
    });
});

describe('compress cuts the same instructions from a summarised prompt', () => {
  // The five-turn conversation (prompts 1,500 ... 3,900, answers 300, no cache); compress factor 0.5
  // halves the 1,200-token system message: 600 tokens off every turn, whatever else the prompt
  // holds. summarize afterTokens 1,000, summaryTokens 200. Compressed prompts 900, 1,500, 2,100,
  // 2,700, 3,300; history before turn 4 is 2,100 + 300 - 900 = 1,500 > 1,000: a call sends it with
  // 200 instructions (1,700) and turns 4 and 5 carry the summary, 1,300 tokens fewer: 1,400 (template
  // 900 + summary 200 + u4 300) and 2,000 (+ a4 300 + u5 300).
  //   input  900 + 1,500 + 2,100 + 1,400 + 2,000 + 1,700 = 9,600 µ$
  //   output (5 x 300 + 200) x 5                        = 8,500 µ$
  //   total 18,100 µ$ = $0.0181
  // (With summarize listed first, compress cut the system message's share of the logged text from
  // the shorter prompt: 2,000 x 1,200 / 3,300 x 0.5 = 364 tokens from turn 4, not 600.)
  const comp = spec('compress', { factor: 0.5 });
  const summ = spec('summarize', { afterTokens: 1000, summaryTokens: 200 });
  for (const [name, levers] of [
    ['compress then summarize', [comp, summ]],
    ['summarize then compress', [summ, comp]],
  ] as const)
    it(name, () => {
      const res = run(conversation(name.startsWith('c') ? 'I' : 'J'), [...levers]);
      expect(res.requests.filter((r) => r.origin === 'log').map((r) => r.inputTokens)).toEqual([900, 1500, 2100, 1400, 2000]);
      expect(usd(res.final.total)).toBe('0.0181');
    });
});

describe('a summary call that reads the cached history re-sends the compressed instructions', () => {
  // The five-turn conversation, prefixCache, summarize (afterTokens 1,000, summaryTokens 200) and
  // compress 0.5 (600 system tokens off every turn): prompts 900, 1,500, 2,100, then 1,400 and 2,000
  // after the summary at turn 4 (template 900 + summary 200 + u4 300; + a4 + u5).
  //   t1  900 is under the 1,024-token minimum: input 900 + output 1,500      = 2,400 µ$
  //   t2  nothing cached before: writes 1,500: 1,875 + 1,500                  = 3,375 µ$
  //   t3  reads 1,500, writes 600: 150 + 750 + 1,500                          = 2,400 µ$
  //   summary call: reads t3's 2,100 (the compressed system message in it), sends a3 300 + 200
  //       instructions, answers 200: 210 + 500 + 1,000                        = 1,710 µ$
  //   t4  its 900-token template is under the minimum, so not read: writes 1,400:
  //       1,750 + 1,500                                                       = 3,250 µ$
  //   t5  reads t4's 1,400, writes 600: 140 + 750 + 1,500                     = 2,390 µ$
  //   total 15,525 µ$ = $0.015525
  // (With compress listed last, the call still read t3's uncompressed 2,700: 1,770 µ$, $0.015585.)
  const cache = spec('prefixCache', {});
  const summ = spec('summarize', { afterTokens: 1000, summaryTokens: 200 });
  const comp = spec('compress', { factor: 0.5 });
  for (const [name, levers] of [
    ['compress, prefixCache, summarize', [comp, cache, summ]],
    ['prefixCache, summarize, compress', [cache, summ, comp]],
  ] as const)
    it(name, () => {
      const res = run(conversation(name.startsWith('c') ? 'K' : 'L'), [...levers]);
      expect(res.requests.find((r) => r.origin === 'added')).toMatchObject({ cacheReadTokens: 2100, inputTokens: 500 });
      expect(usd(res.final.total)).toBe('0.015525');
    });
});

describe("a summary call on the conversation's model follows the conversation when it is routed", () => {
  // The five-turn conversation on claude-t, summarize (afterTokens 1,000, summaryTokens 200, no model:
  // the conversation's) and route to big-t ($3 input, $15 output; same tokenizer), no prompt cache.
  // Turn 4 is summarised: prompts 1,500, 2,100, 2,700, 2,000, 2,600 = 10,900 input, 5 x 300 output.
  // The summary call runs where the conversation runs, on big-t: 1,500 history + 200 instructions.
  //   turns  10,900 x 3 + 1,500 x 15 = 32,700 + 22,500 = 55,200 µ$
  //   call   1,700 x 3 + 200 x 15 = 5,100 + 3,000         =  8,100 µ$
  //   total 63,300 µ$ = $0.0633
  // (With summarize listed first, the call stayed on claude-t: 1,700 + 1,000 = 2,700 µ$, $0.0579.)
  const summ = spec('summarize', { afterTokens: 1000, summaryTokens: 200 });
  const routeBig = spec('route', { to: 'big-t' });
  for (const [name, levers] of [
    ['route then summarize', [routeBig, summ]],
    ['summarize then route', [summ, routeBig]],
  ] as const)
    it(name, () => {
      const res = run(conversation(name.startsWith('r') ? 'M' : 'N'), [...levers]);
      expect(res.requests.find((r) => r.origin === 'added')).toMatchObject({ model: 'big-t', inputTokens: 1700, outputTokens: 200 });
      expect(usd(res.final.total)).toBe('0.0633');
    });
});

describe('an output cap holds on the model a conversation is routed to', () => {
  // Three turns on claude-t, answers 800, 300, 300 (prompts 1,500, 2,600, 3,200), no prompt cache;
  // route to big-t ($3 / $15, same tokenizer) with outputFactor 1.5 and outputCap maxTokens 500
  // (max_tokens bounds whatever model answers). Answers min(1.5 x logged, 500): 500, 450, 450.
  // Turn 2 re-sends a1 at 500 (-300) and turn 3 a1 and a2 (-300 + 150): prompts 1,500, 2,300, 3,050.
  //   input  (1,500 + 2,300 + 3,050) x 3 = 20,550 µ$
  //   output (500 + 450 + 450) x 15      = 21,000 µ$
  //   total 41,550 µ$ = $0.04155
  // (With outputCap listed first, route made the capped 500 into 750: $0.0468.)
  const cap = spec('outputCap', { maxTokens: 500 });
  const routeBig = spec('route', { to: 'big-t', outputFactor: 1.5 });
  for (const [name, levers] of [
    ['route then outputCap', [routeBig, cap]],
    ['outputCap then route', [cap, routeBig]],
  ] as const)
    it(name, () => {
      const res = run(conversation(name.startsWith('r') ? 'O' : 'P', [0, 1, 2], [800, 300, 300]), [...levers]);
      expect(res.requests.map((r) => [r.inputTokens, r.outputTokens])).toEqual([
        [1500, 500],
        [2300, 450],
        [3050, 450],
      ]);
      expect(usd(res.final.total)).toBe('0.04155');
    });
});

describe('a request a budget cap refuses neither reads nor refreshes the prompt cache', () => {
  // Single requests of one feature on claude-t: the shared system prompt (1,200 tokens, static) and a
  // question of its own (10 tokens, dynamic: the breakpoint sits after the system prompt); answers
  // 100. A (user u1) at 0 min, B (u1) at 3, C (u2) at 7. prefixCache, then budgetCap $0.002 a month
  // per user. A writes the system prompt: 1,200 x 1.25 + 10 + 100 x 5 = 2,010 µ$, which reaches u1's
  // cap, so B is refused and sends nothing. The entry A wrote expires at 5 min (no hit refreshed it):
  // C writes it again, 2,010 µ$. Total 4,020 µ$ = $0.00402. (B's replayed read at 3 min kept the entry
  // to 8 min and C read it, 120 + 10 + 500 = 630 µ$: $0.00264.)
  const S = words('capS', 1200);
  const ask = (m: number, user: string, q: string) => {
    const messages = [msg('system', S), msg('user', q)];
    return rec('claude-t', {
      timeMs: minutes(m),
      inputTokens: count(messages),
      outputTokens: 100,
      text: { messages },
      tags: { feature: 'kb', user },
    });
  };
  it('prefixCache then budgetCap', () => {
    const recs = [ask(0, 'u1', words('ca', 10)), ask(3, 'u1', words('cb', 10)), ask(7, 'u2', words('cc', 10))];
    const res = run(recs, [spec('prefixCache', {}), spec('budgetCap', { per: 'user', capUsd: 0.002 })]);
    expect(res.requests.map((r) => r.dropped)).toEqual([false, true, false]);
    expect(res.requests[2]).toMatchObject({ cacheReadTokens: 0, cacheWrite5mTokens: 1200, inputTokens: 10 });
    expect(usd(res.final.total)).toBe('0.00402');
  });
});

describe('batch halves cache reads and writes too, in either order (a check, no defect found)', () => {
  // Anthropic: "The pricing discounts from prompt caching and Message Batches can stack"
  // (https://docs.anthropic.com/en/docs/build-with-claude/batch-processing); the test catalog's
  // claude-t has batch x0.5. The first three turns of the conversation above with the prefix cache
  // (worked out in the summarize case): t1 3,375 + t2 2,400 + t3 2,460 = 8,235 µ$; at batch prices
  // every bucket, reads and writes included, costs half: 4,117.5 µ$ = $0.0041175.
  const cache = spec('prefixCache', {});
  const batchAll = spec('batch', {});
  for (const [name, levers] of [
    ['prefixCache then batch', [cache, batchAll]],
    ['batch then prefixCache', [batchAll, cache]],
  ] as const)
    it(name, () => {
      const res = run(conversation(name.startsWith('p') ? 'Q' : 'R', [0, 1, 2]), [...levers]);
      expect(usd(res.final.total)).toBe('0.0041175');
    });
});

describe('parametric prefix cache (no text) and compress give one total in either order', () => {
  // Two requests of feature f on claude-t a minute apart, 5,000 input tokens each, no text; compress
  // factor 0.5 with staticTokens 4,000 cuts 2,000 instruction tokens; prefixCache parametric with a
  // 4,000-token static prefix, which compress halves to 2,000.
  //   r1 writes the 2,000 left of the prefix, 1,000 input, no output: 2,500 + 1,000 = 3,500 µ$
  //   r2 reads those 2,000 (written a minute earlier), 1,000 input:   200 + 1,000 = 1,200 µ$
  //   total 4,700 µ$ = $0.0047
  // (With compress listed first, the cache took 4,000 of the 3,000-token prompt as the prefix and
  // cached all of it: 3,750 + 300 = 4,050 µ$.)
  const mk = (m: number) => rec('claude-t', { timeMs: minutes(m), inputTokens: 5000, tags: { feature: 'f' } });
  const comp = spec('compress', { factor: 0.5, staticTokens: 4000 });
  const cache = spec('prefixCache', { mode: 'parametric', staticPrefixTokens: 4000 });
  for (const [name, levers] of [
    ['prefixCache then compress', [cache, comp]],
    ['compress then prefixCache', [comp, cache]],
  ] as const)
    it(name, () => {
      const res = run([mk(0), mk(1)], [...levers]);
      expect(res.requests.map((r) => [r.cacheReadTokens, r.cacheWrite5mTokens, r.inputTokens])).toEqual([
        [0, 2000, 1000],
        [2000, 0, 1000],
      ]);
      expect(usd(res.final.total)).toBe('0.0047');
    });
});

describe('no summary call for a turn that is never sent', () => {
  // The five-turn conversation of user u (no cache): turns cost 1,500 + 1,500 = 3,000, 2,100 + 1,500
  // = 3,600 and 2,700 + 1,500 = 4,200 µ$; spend after turn 3 is 10,800 µ$, past a $0.01 monthly cap,
  // so turns 4 and 5 are refused. summarize (afterTokens 1,000) would fold the history at turn 4, but
  // turn 4 makes no call, and nor does turn 5: no summary is made. Total 10,800 µ$ = $0.0108, in
  // either order. (With budgetCap listed first, a summary call was still added for the refused turn
  // 4: 1,700 + 200 x 5 = 2,700 µ$ more, $0.0135.)
  const cap = spec('budgetCap', { per: 'user', capUsd: 0.01 });
  const summ = spec('summarize', { afterTokens: 1000, summaryTokens: 200 });
  const tagged = (id: string) => conversation(id).map((r) => ({ ...r, tags: { ...r.tags, user: 'u' } }));
  for (const [name, levers] of [
    ['budgetCap then summarize', [cap, summ]],
    ['summarize then budgetCap', [summ, cap]],
  ] as const)
    it(name, () => {
      const res = run(tagged(name.startsWith('b') ? 'S' : 'T'), [...levers]);
      expect(res.requests.filter((r) => !r.dropped).map((r) => r.id.endsWith('+summarize'))).toEqual([false, false, false]);
      expect(usd(res.final.total)).toBe('0.0108');
    });
});

describe('images and summarize: an image is dropped from the history once, and summaries see what is sent', () => {
  // Five turns on claude-t, no cache, answers 300, each turn's new message 300; turn 2 attaches a
  // 500-token image: prompts 1,500, 2,600, 3,200, 3,800, 4,400; imageCount 0, 1, 1, 1, 1.
  // images keepTurns 0 (tokensPerImage 500) stops re-sending it from turn 3; summarize afterTokens
  // 1,000, summaryTokens 200.
  const recs = (id: string) =>
    [1500, 2600, 3200, 3800, 4400].map((p, t) =>
      rec('claude-t', {
        timeMs: minutes(t),
        conversationId: id,
        turn: t + 1,
        inputTokens: p,
        outputTokens: 300,
        imageCount: t === 0 ? 0 : 1,
      }),
    );
  const img = spec('images', { keepTurns: 0, tokensPerImage: 500 });
  const summ = spec('summarize', { afterTokens: 1000, summaryTokens: 200 });
  it('images then summarize: the summary falls where the history sent passes the limit', () => {
    // Without the image, turn 3 sends 2,700 (history a1 + u2 + a2 = 900, not over 1,000); turn 4
    // sends 3,300, history 1,500: a call sends 1,500 + 200, and turn 4 sends 1,500 + 200 + 300 =
    // 2,000; turn 5 2,000 + 600 = 2,600 (history 800).
    //   input (1,500 + 2,600 + 2,700 + 2,000 + 2,600 + 1,700) = 13,100 µ$; output (5 x 300 + 200) x 5
    //   = 8,500 µ$; total 21,600 µ$ = $0.0216
    // (Reading the history from turn 2's prompt, which still held the image, summarised at turn 3.)
    const res = run(recs('U'), [img, summ]);
    expect(res.requests.map((r) => r.inputTokens)).toEqual([1500, 2600, 2700, 2000, 2600, 1700]);
    expect(usd(res.final.total)).toBe('0.0216');
  });
  it('summarize then images: an image folded into a summary is not taken off again', () => {
    // summarize on the logged history (documented: it decides where summaries fall on what the
    // levers before it left): turn 3's history 1,400 (a1, u2, the image, a2) is summarised (call
    // 1,400 + 200); turns 3, 4: 2,000, 2,600; turn 5 history 1,400 carried again: a second call
    // (1,600), turn 5 2,000. The image went into the first summary: images has nothing to drop.
    //   input 1,500 + 2,600 + 2,000 + 2,600 + 2,000 + 1,600 + 1,600 = 13,900 µ$; output (5 x 300 +
    //   2 x 200) x 5 = 9,500 µ$; total 23,400 µ$ = $0.0234
    // (images took the 500 tokens off turns 3-5 once more: 21,900 µ$.)
    const res = run(recs('V'), [summ, img]);
    expect(res.requests.map((r) => r.inputTokens)).toEqual([1500, 2600, 2000, 2600, 2000, 1600, 1600]);
    expect(usd(res.final.total)).toBe('0.0234');
  });
});

describe('prefixCache and route give one total in either order (the caches are replayed after route moves requests)', () => {
  // Two conversations on big-t ($3 input, $3.75 5m write, $0.30 read, $15 output; explicit cache,
  // minimum 1,024, TTL 5m refreshed on hit) share a 1,200-token system prompt S. A1 at 0 min is S + a
  // 100-token message (1,300), B1 at 1 min S + its own 100 tokens (1,300), A2 at 3 min re-sends A1,
  // its 50-token answer and 100 more (1,450). Answers 50 tokens. Nothing cached in the logs.
  // In a conversation the breakpoint sits at the end of the prompt; reads stop at a message boundary.
  const S = words('RS', 1200);
  const recs = (feature: (conv: string) => string) => {
    const a1 = [msg('system', S), msg('user', words('RAu1x', 100))];
    const a2 = [...a1, msg('assistant', words('RAa1x', 50)), msg('user', words('RAu2x', 100))];
    const b1 = [msg('system', S), msg('user', words('RBu1x', 100))];
    return (
      [
        ['RA', 1, 0, a1],
        ['RB', 1, 1, b1],
        ['RA', 2, 3, a2],
      ] as const
    ).map(([conv, turn, m, messages]) =>
      rec('big-t', {
        timeMs: minutes(m),
        conversationId: conv,
        turn,
        inputTokens: count([...messages]),
        outputTokens: 50,
        text: { messages: [...messages] },
        tags: { feature: feature(conv) },
      }),
    );
  };
  const cache = spec('prefixCache', {});

  // Everything routed to claude-t (same tokenizer; 1 µ$ input, 1.25 µ$ written, 0.1 µ$ read, 5 µ$
  // output a token), replayed on claude-t's cache:
  //   A1  writes 1,300: 1,625 + output 250                                    = 1,875 µ$
  //   B1  reads S 1,200 (A1 wrote it on claude-t a minute earlier), writes 100:
  //       120 + 125 + 250                                                     =   495 µ$
  //   A2  reads A1's 1,300, writes 150: 130 + 187.5 + 250                     =   567.5 µ$
  //   total 2,937.5 µ$ = $0.0029375
  // (prefixCache listed first, route started B1 cold because no earlier turn of B's own
  // conversation had reached claude-t: B1 wrote all 1,300, 1,875 µ$, total $0.0043175.)
  const routeAll = spec('route', { to: 'claude-t' });
  for (const [name, levers] of [
    ['prefixCache then route', [cache, routeAll]],
    ['route then prefixCache', [routeAll, cache]],
  ] as const)
    it(`${name}: a routed turn reads the system prompt another conversation wrote on the target`, () => {
      const res = run(
        recs(() => 'chat'),
        [...levers],
      );
      expect(res.requests.map((r) => [r.cacheReadTokens, r.cacheWrite5mTokens, r.inputTokens])).toEqual([
        [0, 1300, 0],
        [1200, 100, 0],
        [1300, 150, 0],
      ]);
      expect(usd(res.final.total)).toBe('0.0029375');
    });

  // Only conversation A (feature chat) routed to claude-t; B stays on big-t, where no request is
  // left to write S before it:
  //   A1 on claude-t  writes 1,300: 1,625 + 250                               = 1,875 µ$
  //   B1 on big-t     writes 1,300: 4,875 + output 750                        = 5,625 µ$
  //   A2 on claude-t  reads A1's 1,300, writes 150: 130 + 187.5 + 250         =   567.5 µ$
  //   total 8,067.5 µ$ = $0.0080675
  // (prefixCache listed first, B1 kept the read of S that A1 had written on big-t, a request that
  // no longer runs there: 360 + 375 + 750 = 1,485 µ$, total $0.0039275.)
  const routeA = { ...spec('route', { to: 'claude-t' }), where: { feature: ['chat'] } };
  for (const [name, levers] of [
    ['prefixCache then route', [cache, routeA]],
    ['route then prefixCache', [routeA, cache]],
  ] as const)
    it(`${name}: a request left on the source writes the prefix only a routed one kept warm`, () => {
      const res = run(
        recs((c) => (c === 'RA' ? 'chat' : 'other')),
        [...levers],
      );
      expect(res.requests.map((r) => [r.model, r.cacheReadTokens, r.cacheWrite5mTokens, r.inputTokens])).toEqual([
        ['claude-t', 0, 1300, 0],
        ['big-t', 0, 1300, 0],
        ['claude-t', 1300, 150, 0],
      ]);
      expect(usd(res.final.total)).toBe('0.0080675');
    });
});

describe('an answer a semantic cache served is shortened with the answer it copies (outputCap after semanticCache)', () => {
  // On claude-t, no prompt cache (1 µ$ an input token, 5 µ$ an output token). A shared system prompt
  // S (1,200 tokens) and the same 100-token question Q open conversations SA (0 min, answer 50) and
  // SB (1 min, logged answer 80); SB's turn 2 (4 min) re-sends S, Q, its answer and 100 new tokens:
  // 1,480 as logged, answer 50. The semantic cache (first turns, threshold 0.9, no lookup cost)
  // answers SB's turn 1 with SA's answer, and outputCap { maxTokens: 40 } caps SA's answer to 40.
  // SB's user got that capped answer, so its turn 2 re-sends 40 tokens, not 80 (logged) or 50:
  //   SA1  1,300 + 40 x 5                           = 1,500 µ$
  //   SB1  answered from the cache                  =     0
  //   SB2  1,480 - 80 + 40 = 1,440 + its own answer capped to 40: 40 x 5 = 1,640 µ$
  //   total 3,140 µ$ = $0.00314
  // (With outputCap listed after semanticCache, SB2 still re-sent SA's uncapped 50: 1,450 + 200 =
  // 1,650 µ$, total $0.00315.)
  const S = words('SS', 1200);
  const Q = words('SQ', 100);
  const recs = () => [
    rec('claude-t', {
      timeMs: minutes(0),
      conversationId: 'SA',
      turn: 1,
      inputTokens: 1300,
      outputTokens: 50,
      text: { messages: [msg('system', S), msg('user', Q)] },
      tags: { feature: 'chat' },
    }),
    rec('claude-t', {
      timeMs: minutes(1),
      conversationId: 'SB',
      turn: 1,
      inputTokens: 1300,
      outputTokens: 80,
      text: { messages: [msg('system', S), msg('user', Q)] },
      tags: { feature: 'chat' },
    }),
    rec('claude-t', {
      timeMs: minutes(4),
      conversationId: 'SB',
      turn: 2,
      inputTokens: 1480,
      outputTokens: 50,
      text: { messages: [msg('system', S), msg('user', Q), msg('assistant', words('SBa1x', 80)), msg('user', words('SBu2x', 100))] },
      tags: { feature: 'chat' },
    }),
  ];
  const sem = spec('semanticCache', { threshold: 0.9, embeddingModel: 'none', lookupCostUsd: 0 });
  const cap = spec('outputCap', { maxTokens: 40 });
  for (const [name, levers] of [
    ['semanticCache then outputCap', [sem, cap]],
    ['outputCap then semanticCache', [cap, sem]],
  ] as const)
    it(name, () => {
      const res = run(recs(), [...levers]);
      // [answered from the cache, prompt tokens, the answer its user got]
      expect(res.requests.map((r) => [r.dropped, r.inputTokens, r.served?.tokens ?? r.outputTokens])).toEqual([
        [false, 1300, 40],
        [true, 1300, 40],
        [false, 1440, 40],
      ]);
      expect(usd(res.final.total)).toBe('0.00314');
    });
});

describe('a summary read on a model that reads its cache in 128-token steps is rounded down to one', () => {
  // One conversation on gpt-t (implicit cache of the whole prompt, minimum 1,024, reads in 128-token
  // increments, writes billed as input: 1 µ$ an input token, 0.5 µ$ read, 2 µ$ output). A system
  // prompt of 1,200 tokens and 100-token messages, 50-token answers, a turn a minute: prompts 1,300,
  // 1,450, 1,600. summarize { afterTurns: 1, summaryTokens: 30, instructionTokens: 20 } summarises
  // turn 3 (history a1 + u2 + a2 = 200): turn 3 sends 1,600 - 170 = 1,430.
  //   t1  1,300 written (as input) + output 50 x 2                           = 1,400 µ$
  //   t2  reads 1,300 rounded down to 1,280 (640), 170 input, output 100     =   910 µ$
  //   summary call: t2 cached its 1,450 a minute before; the call reads them rounded down to
  //       1,408 (704), sends 42 + a2 50 + 20 instructions = 112, answers 30 (60) =   876 µ$
  //   t3  reads the template 1,300 rounded down to 1,280 (640), writes 150 (as input),
  //       output 100                                                          =   890 µ$
  //   total 4,076 µ$ = $0.004076
  // (The call read all 1,450 and t3 all 1,300, which gpt-t cannot: 855 + 880 µ$, total $0.004045.)
  const S = words('GS', 1200);
  const ms: Msg[] = [msg('system', S), msg('user', words('Gu1x', 100))];
  const recs = () =>
    [0, 1, 2].map((t) => {
      if (t > 0) ms.push(msg('assistant', words(`Ga${t}x`, 50)), msg('user', words(`Gu${t + 1}x`, 100)));
      const messages = ms.slice(0, 2 + 2 * t);
      return rec('gpt-t', {
        timeMs: minutes(t),
        conversationId: 'G',
        turn: t + 1,
        inputTokens: count(messages),
        outputTokens: 50,
        text: { messages },
        tags: { feature: 'chat' },
      });
    });
  const cache = spec('prefixCache', {});
  const summ = spec('summarize', { afterTurns: 1, summaryTokens: 30, instructionTokens: 20 });
  const logged = recs();
  for (const [name, levers] of [
    ['prefixCache then summarize', [cache, summ]],
    ['summarize then prefixCache', [summ, cache]],
  ] as const)
    it(name, () => {
      const res = run(logged, [...levers]);
      expect(res.requests.map((r) => [r.cacheReadTokens, r.cacheWrite5mTokens + r.inputTokens, r.outputTokens])).toEqual([
        [0, 1300, 50],
        [1280, 170, 50],
        [1280, 150, 50],
        [1408, 112, 30],
      ]);
      expect(usd(res.final.total)).toBe('0.004076');
    });
});
