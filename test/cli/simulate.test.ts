import { describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from './harness.js';
import { customerLines } from '../report/customer-lines.js';

describe('tokenomics simulate', () => {
  it('needs a scenario file', async () => {
    const r = await runCli(['simulate', 'fixtures/demo']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/at least one --scenario/);
  });

  it('reports scenario errors with file:line and exits 2', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tk-sim-'));
    const f = join(dir, 'bad.yaml');
    writeFileSync(f, 'version: 1\nscenarios:\n  - name: a\n    levers:\n      - batch: { shar: 1 }\n');
    const r = await runCli(['simulate', 'fixtures/demo', '--scenario', f]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`${f}:5: scenarios[0].levers[0].batch.shar: unknown key (did you mean "share"?)`);
  });

  it('volume k or a curve point of 0 is exit 2 at its file:line: no traffic is not a 100% saving', async () => {
    // before: k: 0 ran, the bottom line read "a saves $20.57 ... (100.0% of ...)" and the cost per request "unpriced"
    const dir = mkdtempSync(join(tmpdir(), 'tk-sim-'));
    const f = join(dir, 'volume.yaml');
    writeFileSync(
      f,
      'version: 1\nscenarios:\n  - name: a\n    levers:\n      - volume: { k: 0 }\n  - name: b\n    levers:\n      - volume:\n          curve: [0, 1, 10]\n',
    );
    const r = await runCli(['simulate', 'fixtures/demo', '--scenario', f]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`${f}:5: scenarios[0].levers[0].volume.k: expected a number greater than 0 (got 0)`);
    expect(r.stderr).toContain(`${f}:9: scenarios[1].levers[0].volume.curve[0]: expected a number greater than 0 (got 0)`);
    expect(r.stdout).toBe('');
    rmSync(dir, { recursive: true, force: true });
  });

  it('a route or summary model that cannot price the requests is exit 2, not a saving counted against $0', async () => {
    // late-t is priced from 2026-11-01 only, plain-t has no web-search price; the logs are of 2026-10-01.
    // Before: routing to late-t made every request unpriced, the scenario total $0 and "saves 100%"; routing
    // a request with 2 web searches to plain-t left it out of the total ("saves 98.1%"); summary calls on
    // late-t cost $0 while the turns they shortened saved.
    const dir = mkdtempSync(join(tmpdir(), 'tk-sim-'));
    const prices = join(dir, 'p.yaml');
    writeFileSync(
      prices,
      [
        'provider: anthropic',
        'source: test',
        'checkedAt: 2026-09-01',
        'models:',
        '  - id: late-t',
        '    prices: [{ from: 2026-11-01, inputPerMTok: 1, outputPerMTok: 5 }]',
        '  - id: plain-t',
        '    prices: [{ inputPerMTok: 1, outputPerMTok: 5 }]',
        '',
      ].join('\n'),
    );
    const logs = join(dir, 'l.csv');
    writeFileSync(
      logs,
      'model,time,input_tokens,output_tokens,web_search_requests,conversation_id,turn\n' +
        'claude-sonnet-4-5,2026-10-01T10:00:00Z,1000,100,2,c,1\n' +
        'claude-sonnet-4-5,2026-10-01T10:01:00Z,1200,100,0,c,2\n' +
        'claude-sonnet-4-5,2026-10-01T10:02:00Z,1400,100,0,c,3\n',
    );
    const scenario = (lever: string) => {
      const f = join(dir, 's.yaml');
      writeFileSync(f, `version: 1\nscenarios:\n  - name: a\n    levers:\n      - ${lever}\n`);
      return f;
    };
    const late = await runCli(['simulate', logs, '-s', scenario('route: { to: late-t }'), '--prices', prices]);
    expect(late.code).toBe(2);
    expect(late.stderr).toContain(
      's.yaml:5: route: 3 request(s) in scope would be unpriced on the target: late-t has no price on 2026-10-01 (no known price before 2026-11-01)',
    );
    expect(late.stderr).toMatch(/hint: route only what late-t prices/);
    const charge = await runCli(['simulate', logs, '-s', scenario('route: { to: plain-t }'), '--prices', prices]);
    expect(charge.code).toBe(2);
    expect(charge.stderr).toContain(
      'route: 1 request(s) in scope would be unpriced on the target: plain-t has no price for a per-call charge of theirs (webSearch)',
    );
    const summary = await runCli([
      'simulate',
      logs,
      '-s',
      scenario('summarize: { afterTokens: 100, summaryTokens: 50, model: late-t }'),
      '--prices',
      prices,
    ]);
    expect(summary.code).toBe(2);
    expect(summary.stderr).toContain(
      's.yaml:5: summarize: model "late-t" has no price on 2026-10-01, so its summary calls would count as $0',
    );
    rmSync(dir, { recursive: true, force: true });
  });

  it("a semantic-cache lookup pays the embedding, not the looked-up request's web searches again", async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tk-sim-'));
    const logs = join(dir, 'w.jsonl');
    const line = (t: string, c: string) =>
      JSON.stringify({
        timestamp: t,
        request: {
          model: 'claude-sonnet-4-5',
          messages: [{ role: 'user', content: 'what is the weather in paris today' }],
          metadata: { conversation_id: c, turn: 1 },
        },
        response: {
          type: 'message',
          model: 'claude-sonnet-4-5',
          role: 'assistant',
          content: [{ type: 'text', text: 'sunny' }],
          usage: { input_tokens: 1000, output_tokens: 100, server_tool_use: { web_search_requests: 2 } },
        },
      });
    writeFileSync(logs, `${line('2026-10-01T10:00:00Z', 'a')}\n${line('2026-10-01T10:05:00Z', 'b')}\n`);
    const f = join(dir, 's.yaml');
    writeFileSync(f, 'version: 1\nscenarios:\n  - name: sem\n    levers:\n      - semanticCache: { threshold: 0.9, lookupCostUsd: 0 }\n');
    const r = await runCli(['simulate', logs, '-s', f, '--format', 'json']);
    expect(r.code).toBe(0);
    const doc = JSON.parse(r.stdout);
    // each request: 1,000 x $3/MTok + 100 x $15/MTok + 2 searches x $10/1,000 = $0.0245; baseline $0.049.
    // The second is answered from the cache; each of the 2 lookups embeds the 7-token question with
    // text-embedding-3-small ($0.02/MTok): 2 x 7 x 0.02 = 0.28 µ$. Total $0.02450028 (before: the lookups
    // also billed each request's 2 web searches at OpenAI's $10/1,000, $0.04 more: $0.06450028, dearer than
    // the logs with a 50% hit rate).
    expect(doc.baseline.totalUsd).toBe(0.049);
    expect(doc.scenarios[0].totalUsd).toBe(0.02450028);
    // an embedding model with no price on the logged date: exit 2 (before: its lookups counted $0)
    const prices = join(dir, 'p.yaml');
    writeFileSync(
      prices,
      'provider: openai\nsource: test\ncheckedAt: 2026-09-01\nmodels:\n  - id: late-embed\n    prices: [{ from: 2026-11-01, inputPerMTok: 0.02, outputPerMTok: 0 }]\n',
    );
    writeFileSync(
      f,
      'version: 1\nscenarios:\n  - name: sem\n    levers:\n      - semanticCache: { threshold: 0.9, embeddingModel: late-embed }\n',
    );
    const late = await runCli(['simulate', logs, '-s', f, '--prices', prices]);
    expect(late.code).toBe(2);
    expect(late.stderr).toContain(
      's.yaml:5: semanticCache: embeddingModel "late-embed" has no price on 2026-10-01, so its lookups would count as $0',
    );
    rmSync(dir, { recursive: true, force: true });
  });

  it('batch moves a fast-mode request to the batch discount at standard speed, without the fast multiplier', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tk-sim-'));
    const logs = join(dir, 'fast.jsonl');
    writeFileSync(
      logs,
      `${JSON.stringify({
        timestamp: '2026-10-01T10:00:00Z',
        request: { model: 'claude-opus-4-6', speed: 'fast', messages: [{ role: 'user', content: 'hi' }] },
        response: {
          type: 'message',
          model: 'claude-opus-4-6',
          role: 'assistant',
          content: [],
          usage: { input_tokens: 1000, output_tokens: 100, speed: 'fast' },
        },
      })}\n`,
    );
    const f = join(dir, 's.yaml');
    writeFileSync(f, 'version: 1\nscenarios:\n  - name: b\n    levers:\n      - batch: {}\n');
    const r = await runCli(['simulate', logs, '-s', f, '--format', 'json']);
    expect(r.code).toBe(0);
    const doc = JSON.parse(r.stdout);
    // Opus 4.6 $5/$25, fast mode x6: 1,000 x 30 + 100 x 150 = 45,000 µ$ as logged. "Fast mode is not available
    // with the Batch API": batched, (1,000 x 5 + 100 x 25) x 0.5 = 3,750 µ$ (before: fast x6 on the batch
    // price, 22,500 µ$)
    expect(doc.baseline.totalUsd).toBe(0.045);
    expect(doc.scenarios[0].totalUsd).toBe(0.00375);
    rmSync(dir, { recursive: true, force: true });
  });

  it("a lever's model not in the catalog is exit 2 at the lever's file:line, with a hint", async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tk-sim-'));
    const f = join(dir, 'route.yaml');
    writeFileSync(f, 'version: 1\nscenarios:\n  - name: a\n    levers:\n      - route: { to: no-such-model }\n');
    const r = await runCli(['simulate', 'fixtures/demo', '--scenario', f]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`${f}:5: route: target model "no-such-model" is not in the pricing catalog`);
    expect(r.stderr).toMatch(/hint: use a model id/);
    rmSync(dir, { recursive: true, force: true });
  });

  it('runs the demo caching scenario: waterfall adds up, JSON contract', async () => {
    const r = await runCli([
      'simulate',
      'fixtures/demo',
      '--scenario',
      'fixtures/scenarios/demo.yaml',
      '--only',
      'caching',
      '--by',
      'feature',
      '--format',
      'json',
    ]);
    expect(r.code).toBe(0);
    const doc = JSON.parse(r.stdout);
    expect(doc.command).toBe('simulate');
    const s = doc.scenarios[0];
    expect(s.name).toBe('caching');
    expect(s.waterfall.map((w: { name: string }) => w.name)).toEqual(['prefixCache', 'cache-drafts-1h', 'semanticCache']);
    const steps = s.waterfall.reduce((a: number, w: { savingUsd: number }) => a + w.savingUsd, 0);
    expect(steps).toBeCloseTo(s.savingUsd, 9);
    expect(doc.baseline.totalUsd - s.totalUsd).toBeCloseTo(s.savingUsd, 9);
    expect(s.savingUsd).toBeGreaterThan(0);
    expect(doc.groups.map((g: { group: string }) => g.group)).toContain('chat-assistant');
    expect(doc.notes.join('\n')).toMatch(/acme-finetune-v2/);
  });

  it('table output has the waterfall and assumptions; csv picks a section', async () => {
    const t = await runCli(['simulate', 'fixtures/demo', '-s', 'fixtures/scenarios/demo.yaml', '--only', 'caching']);
    expect(t.stdout).toMatch(/Waterfall/);
    expect(t.stdout).toMatch(/Assumptions/);
    const c = await runCli([
      'simulate',
      'fixtures/demo',
      '-s',
      'fixtures/scenarios/demo.yaml',
      '--only',
      'caching',
      '--format',
      'csv',
      '--section',
      'waterfall',
    ]);
    expect(c.stdout.split('\n')[0]).toBe('Scenario,Step,Lever,Scope,Cost after,Saving,Share,What happened');
    // counts in "What happened" read with thousands separators, as every other count (the demo replays 3,576
    // requests with millions of cached tokens): no run of four digits or more, and separated counts present
    const happened = c.stdout.split('\n').slice(1).join('\n');
    expect(happened).toMatch(/replayed requests \d{1,3}(,\d{3})+;/);
    expect(happened).toMatch(/tokens read from cache \d{1,3}(,\d{3})+/);
    expect(happened).not.toMatch(/[a-z] \d{4,}/);
  });

  it('refuses a --section no simulation of its scenarios has before reading the logs (exit 2)', async () => {
    // an input that does not exist: the error is the section, so no log was read first
    const r = await runCli(['simulate', 'no/such/logs', '-s', 'fixtures/scenarios/demo.yaml', '--format', 'csv', '--section', 'waterfal']);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe(
      'tokenomics: error: unknown section "waterfal"\nhint: use one of: scenarios, waterfall, groups, volume-curve, assumptions, or a lever\'s table as scenario:lever:table (scenarios: caching, full-plan, full-plan-10x)\n',
    );
    // a lever's table of a scenario of the file is a known name: the run goes on (and finds no input here)
    const lever = await runCli([
      'simulate',
      'no/such/logs',
      '-s',
      'fixtures/scenarios/demo.yaml',
      '--format',
      'csv',
      '--section',
      'caching:x:y',
    ]);
    expect(lever.stderr).not.toContain('unknown section');
  });

  it('features named constructor, __proto__ and toString neither crash nor escape perFeature (issue 13)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tk-sim-'));
    const log = join(dir, 'log.jsonl');
    // claude-sonnet-4-5: 3,000 input x $3 + 100 output x $15 = $0.0105 per request
    writeFileSync(
      log,
      ['constructor', '__proto__', 'toString', 'toString']
        .map((f, i) =>
          JSON.stringify({
            timestamp: `2026-10-01T10:0${i}:00Z`,
            model: 'claude-sonnet-4-5',
            input_tokens: 3000,
            output_tokens: 100,
            feature: f,
          }),
        )
        .join('\n') + '\n',
    );
    const sc = join(dir, 's.yaml');
    writeFileSync(
      sc,
      'version: 1\nscenarios:\n  - name: v\n    levers:\n      - volume: { k: 2, perFeature: { constructor: 2, __proto__: 3, toString: 4 } }\n',
    );
    const r = await runCli(['simulate', log, '-s', sc, '--by', 'feature', '--format', 'json']);
    expect(r.stderr).not.toMatch(/internal error|at .*\.js:/);
    expect(r.code).toBe(0);
    const doc = JSON.parse(r.stdout);
    // k x growth: constructor 4, __proto__ 6, toString 8 (two requests): 4 + 6 + 16 = 26 x $0.0105 = $0.273
    expect(doc.scenarios[0].totalUsd).toBeCloseTo(0.273, 12);
    expect(doc.groups.map((g: { group: string }) => g.group).sort()).toEqual(['__proto__', 'constructor', 'toString']);
  });

  it('a catastrophic queryPattern is refused with file:line; an allowed one is matched on bounded input', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tk-sim-'));
    const sc = join(dir, 's.yaml');
    writeFileSync(sc, 'version: 1\nscenarios:\n  - name: q\n    levers:\n      - semanticCache: { queryPattern: "^(a+)+$" }\n');
    const r = await runCli(['simulate', 'fixtures/demo', '-s', sc]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`${sc}:5: scenarios[0].levers[0].semanticCache.queryPattern: refused: a quantifier on a group`);
    const log = join(dir, 'long.jsonl');
    // 100,000 "a"s then "!": ^[a-z]*(x)$ would backtrack over the whole line at every start
    writeFileSync(
      log,
      JSON.stringify({
        timestamp: '2026-10-01T10:00:00Z',
        model: 'claude-sonnet-4-5',
        input_tokens: 10,
        output_tokens: 1,
        messages: [{ role: 'user', content: 'a'.repeat(100_000) + '!' }],
      }) + '\n',
    );
    const ok = join(dir, 'ok.yaml');
    writeFileSync(ok, 'version: 1\nscenarios:\n  - name: q\n    levers:\n      - semanticCache: { queryPattern: "[a-z]*(x)$" }\n');
    const started = Date.now();
    const r2 = await runCli(['simulate', log, '-s', ok, '--format', 'json']);
    expect(r2.code).toBe(0);
    expect(Date.now() - started).toBeLessThan(20_000);
  });

  it('volume replicate at k = 100000 exits 2 saying what it would need', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tk-sim-'));
    const sc = join(dir, 's.yaml');
    writeFileSync(sc, 'version: 1\nscenarios:\n  - name: big\n    levers:\n      - volume: { k: 100000, method: replicate }\n');
    const r = await runCli(['simulate', 'fixtures/demo', '-s', sc]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/would make [\d,]+ requests \(about \d+ GB of memory\)/);
    expect(r.stderr).not.toMatch(/internal error/);
  });

  it("an empty scenario gives the report's unit economics to the femto-dollar", async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tk-sim-'));
    const sc = join(dir, 'empty.yaml');
    writeFileSync(sc, 'version: 1\nscenarios:\n  - name: none\n');
    for (const input of ['fixtures/demo', 'fixtures/logs/anthropic/messages.jsonl', 'fixtures/report/mixed.jsonl']) {
      const rep = JSON.parse((await runCli(['report', input, '--format', 'json'])).stdout);
      const sim = JSON.parse((await runCli(['simulate', input, '-s', sc, '--format', 'json'])).stdout);
      const u = rep.unitEconomics;
      for (const s of [sim.baseline, sim.scenarios[0]]) {
        // each figure is a femto-exact amount printed as a number: equal amounts print equal
        expect([
          s.totalUsd,
          s.costPerRequestUsd,
          s.costPerConversationUsd,
          s.costPerCustomerUsd,
          s.costPerUserUsd,
          s.costPerSuccessUsd,
          s.conversations,
          s.customers,
          s.users,
        ]).toEqual([
          rep.totals.costUsd,
          u.costPerRequestUsd,
          u.costPerConversationUsd,
          u.costPerCustomerUsd,
          u.costPerUserUsd,
          u.outcomes.costPerSuccessfulOutcomeUsd,
          u.conversations,
          u.customers,
          u.users,
        ]);
      }
    }
  }, 60_000);

  it('--by customer: requests without a customer and a customer named "(none)" are two groups, keyed as report keys them', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tk-sim-none-'));
    try {
      // two without a customer, one named "(none)", one "acme" ($0.000021 a request)
      const lines = customerLines([undefined, undefined, '(none)', 'acme']).split('\n');
      const log = join(dir, 'l.jsonl');
      writeFileSync(log, `${lines.join('\n')}\n`);
      const args = ['--by', 'customer', '--format', 'json', '--no-config'];
      const rep = JSON.parse((await runCli(['report', log, ...args])).stdout);
      const sim = JSON.parse((await runCli(['simulate', log, '-s', 'fixtures/scenarios/demo.yaml', '--only', 'caching', ...args])).stdout);
      const keys = (gs: Array<{ key: { customer: string | null } }>) => gs.map((g) => g.key.customer).sort();
      expect(keys(sim.groups)).toEqual([null, '(none)', 'acme'].sort());
      expect(keys(sim.groups)).toEqual(keys(rep.groups));
      // 100 x $0.15 + 10 x $0.60 per MTok = $0.000021 a request: twice for the group without a customer
      const none = sim.groups.find((g: { key: { customer: string | null } }) => g.key.customer === null);
      expect(none.baselineUsd).toBe(0.000042);
      const table = await runCli([
        'simulate',
        log,
        '-s',
        'fixtures/scenarios/demo.yaml',
        '--only',
        'caching',
        '--by',
        'customer',
        '--no-config',
        '--wide',
      ]);
      expect(table.stdout).toMatch(/^\(none\) /m);
      expect(table.stdout).toMatch(/^"\(none\)" /m);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("--by day|week|month|source: the report's groups, baseline to the femto-dollar", async () => {
    for (const by of ['day', 'week', 'month,source']) {
      const rep = JSON.parse((await runCli(['report', 'fixtures/demo', '--by', by, '--format', 'json'])).stdout);
      const sim = JSON.parse(
        (
          await runCli([
            'simulate',
            'fixtures/demo',
            '-s',
            'fixtures/scenarios/demo.yaml',
            '--only',
            'caching',
            '--by',
            by,
            '--format',
            'json',
          ])
        ).stdout,
      );
      const want = new Map<string, number>(
        rep.groups
          .filter((g: { costUsd: number | null }) => g.costUsd !== null)
          .map((g: { key: Record<string, string>; costUsd: number }) => [JSON.stringify(g.key), g.costUsd]),
      );
      const got = new Map<string, number>(
        sim.groups
          .filter((g: { baselineUsd: number }) => g.baselineUsd !== 0)
          .map((g: { key: Record<string, string>; baselineUsd: number }) => [JSON.stringify(g.key), g.baselineUsd]),
      );
      expect(got).toEqual(want);
      expect(got.size).toBeGreaterThan(by === 'day' ? 20 : 1);
    }
  }, 120_000);
});
