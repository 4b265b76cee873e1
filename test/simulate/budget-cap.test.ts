import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { budgetCap } from '../../src/simulate/levers/budget-cap.js';
import { runCli } from '../cli/harness.js';
import { baselineRequests, ctxFor, rec, total, usd } from './helpers.js';
import { leverSections } from '../../src/simulate/lever-details.js';

// claude-t: $1 per MTok input. 400,000 input tokens = $0.40 a request.
const DAY1 = Date.parse('2026-10-01T10:00:00Z');
const DAY2 = Date.parse('2026-10-02T10:00:00Z');
const at = (ms: number, user: string, extra: Record<string, string> = {}) =>
  rec('claude-t', { timeMs: ms, inputTokens: 400_000, tags: { user, customer: 'acme', ...extra } });

describe('budgetCap lever', () => {
  // u1: four requests on day 1 (the log lists the latest first: replay is in time order) and one on day 2; u2: one.
  const recs = () => [
    at(DAY1 + 3 * 60_000, 'u1'),
    at(DAY1, 'u1'),
    at(DAY1 + 60_000, 'u1'),
    at(DAY1 + 2 * 60_000, 'u1'),
    at(DAY2, 'u1'),
    at(DAY1, 'u2'),
    rec('claude-t', { timeMs: DAY1, inputTokens: 400_000 }),
  ];

  it("per user per day: refuses once the day's spend has reached the cap; the crossing request passes; the next day starts again", () => {
    const out = budgetCap.apply(baselineRequests(recs()), budgetCap.parse({ per: 'user', capUsd: 1, period: 'day' }), ctxFor());
    // u1 day 1 in time order: spent 0 -> 0.40 -> 0.80 -> 1.20 (the third crosses $1 and passes); the 4th (10:03, listed first) is refused
    expect(out.requests.map((r) => r.dropped)).toEqual([true, false, false, false, false, false, false]);
    // baseline 7 x $0.40 = $2.80; $0.40 avoided -> $2.40
    expect(usd(total(out.requests))).toBe('2.4');
    expect(out.metrics).toEqual([
      ['requests refused', '1'],
      ['spend avoided', '$0.40'],
      ['users that hit the cap', '1'],
    ]);
    expect(leverSections(out.details!)[0].rows).toEqual([
      {
        key: 'u1',
        period: '2026-10-01',
        firstRefused: '2026-10-01 10:03',
        refused: 1,
        allowed: 1_200_000_000_000_000n,
        avoided: 400_000_000_000_000n,
      },
    ]);
    // a refused request is a failed outcome
    expect(out.requests[0]).toMatchObject({ successes: 0, outcomeKnown: true });
    expect(out.notes).toEqual(['test: 1 request(s) without a user tag: left uncapped']);
  });

  it('per user per month: the cap carries across days', () => {
    const out = budgetCap.apply(baselineRequests(recs()), budgetCap.parse({ per: 'user', capUsd: 1 }), ctxFor());
    // u1 October: 0.40, 0.80, 1.20 -> the 4th on day 1 and the one on day 2 are refused: 2 x $0.40 = $0.80 avoided
    expect(out.requests.map((r) => r.dropped)).toEqual([true, false, false, false, true, false, false]);
    expect(usd(total(out.requests))).toBe('2');
  });

  it('counts spend at the state as simulated so far, and respects the scope', () => {
    // after an earlier lever halved u1's input (200,000 tokens, $0.20 each), four requests cost 0.20..0.80: none refused at $1
    const halved = baselineRequests(recs()).map((r) => ({ ...r, inputTokens: r.inputTokens / 2 }));
    expect(
      budgetCap.apply(halved, budgetCap.parse({ per: 'user', capUsd: 1, period: 'day' }), ctxFor()).requests.filter((r) => r.dropped),
    ).toHaveLength(0);
    // scoped to another feature: nothing in scope
    const scoped = budgetCap.apply(
      baselineRequests(recs()),
      budgetCap.parse({ per: 'user', capUsd: 1, period: 'day' }),
      ctxFor({ feature: ['other'] }),
    );
    expect(scoped.requests.filter((r) => r.dropped)).toHaveLength(0);
  });

  it('runs from a scenario file through simulate', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tk-cap-'));
    const scenario = join(dir, 'cap.yaml');
    writeFileSync(
      scenario,
      'version: 1\nscenarios:\n  - name: capped\n    levers:\n      - budgetCap: { per: customer, capUsd: 1, period: month }\n',
    );
    const r = await runCli(['simulate', 'fixtures/demo', '--scenario', scenario, '--format', 'json']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('"requestsRefused"');
    const bad = join(dir, 'bad.yaml');
    writeFileSync(bad, 'version: 1\nscenarios:\n  - name: capped\n    levers:\n      - budgetCap: { per: team, capUsd: 1 }\n');
    const b = await runCli(['simulate', 'fixtures/demo', '--scenario', bad]);
    expect(b.code).toBe(2);
  });
});
