/**
 * What leaves SQL is bounded by what is shown (issue 13, memory): with a top N (table output by
 * default, --top), only N groups come back and the others arrive summed exactly; a conversation's
 * turns past TURN_CAP are summed into one row. Expected values come from an independent path: the
 * complete report (every group, no --top) summed in the test, or hand arithmetic on generated logs.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { TURN_CAP } from '../../src/engine/report-queries.js';
import { runCli } from '../cli/harness.js';

interface GroupJson {
  key: Record<string, string>;
  requests: number;
  costUsd: number | string | null;
  unpriced: { requests: number } | null;
}

/** Exact USD amounts as integer nano-dollars (the JSON carries at most 9 decimals here). */
const nano = (v: number | string | null): bigint => {
  const [i, f = ''] = String(v).split('.');
  return BigInt(i) * 1_000_000_000n + BigInt(f.padEnd(9, '0').slice(0, 9));
};

async function json(args: string[]) {
  const r = await runCli(['report', ...args, '--format', 'json']);
  expect(r.code, r.stderr).toBe(0);
  return JSON.parse(r.stdout);
}

describe('groups: only the top N leave the engine, the rest summed exactly', () => {
  it.each([
    ['customer', 3],
    ['user', 20],
    ['conversation', 7],
    ['day,model', 5],
  ] as const)(
    '--by %s --top %d',
    async (by, top) => {
      const all = await json(['fixtures/demo', '--by', by]);
      const cut = await json(['fixtures/demo', '--by', by, '--top', String(top)]);
      expect(all.groupsLeftOut).toBeUndefined();
      const groups = all.groups as GroupJson[];
      expect(groups.length).toBeGreaterThan(top);
      expect(cut.groups).toEqual(groups.slice(0, top));
      const rest = groups.slice(top);
      const priced = rest.filter((g) => g.costUsd !== null);
      expect(cut.groupsLeftOut.groups).toBe(rest.length);
      expect(cut.groupsLeftOut.requests).toBe(rest.reduce((s, g) => s + g.requests, 0));
      expect(cut.groupsLeftOut.unpricedRequests).toBe(rest.reduce((s, g) => s + (g.unpriced?.requests ?? 0), 0));
      expect(nano(cut.groupsLeftOut.costUsd)).toBe(priced.reduce((s, g) => s + nano(g.costUsd), 0n));
      // everything else in the report is the same
      for (const k of ['totals', 'unitEconomics', 'contextWindowTax', 'caching']) expect(cut[k]).toEqual(all[k]);
    },
    60_000,
  );

  it('the table shows the top 20 and one row for the rest, with the same figures', async () => {
    const all = (await json(['fixtures/demo', '--by', 'user'])).groups as GroupJson[];
    const r = await runCli(['report', 'fixtures/demo', '--by', 'user', '--format', 'csv', '--section', 'groups', '--top', '20']);
    const lines = r.stdout.trim().split('\n');
    // header, 20 groups, the rest, the total
    expect(lines.length).toBe(23);
    const restRequests = all.slice(20).reduce((s, g) => s + g.requests, 0);
    expect(lines[21]).toMatch(new RegExp(`^\\(${all.length - 20} more\\),${restRequests},`));
  }, 60_000);
});

describe(`turns past ${TURN_CAP} are summed into one row`, () => {
  it('a 1,200-turn conversation gives 1,001 rows, the last summing 200 turns', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tokenomics-turns-'));
    const file = join(dir, 'long.jsonl');
    const t0 = Date.parse('2026-10-01T00:00:00Z');
    const lines: string[] = [];
    for (let i = 0; i < 1200; i++)
      lines.push(JSON.stringify({ at: new Date(t0 + i * 60_000).toISOString(), model: 'gpt-4o-mini', in: 100, out: 10, conv: 'c1' }));
    writeFileSync(file, `${lines.join('\n')}\n`);
    const out = await json([file, '--map', 'timestamp=at,model=model,prompt=in,output=out,conversation=conv']);
    const turns = out.contextWindowTax.turns;
    expect(turns.length).toBe(TURN_CAP + 1);
    expect(turns[TURN_CAP - 1]).toMatchObject({ turn: TURN_CAP, requests: 1 });
    expect(turns[TURN_CAP].laterTurnsSummed).toBe(200);
    expect(turns[TURN_CAP]).toMatchObject({ turn: TURN_CAP + 1, requests: 200, avgPromptTokens: 100 });
    // gpt-4o-mini: $0.15 / MTok in, $0.60 / MTok out: 100 * 0.15 + 10 * 0.60 = 21 micro-USD a request;
    // 200 requests = 4,200 micro-USD
    expect(nano(turns[TURN_CAP].costUsd)).toBe(4_200_000n);
    expect(turns.slice(0, TURN_CAP).every((t: { laterTurnsSummed?: number }) => t.laterTurnsSummed === undefined)).toBe(true);
  }, 60_000);
});
