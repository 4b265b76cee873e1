/**
 * A scenario's result holds one list of requests, not one per lever (memory): each step kept its
 * lever's whole request list and the per-request costs of its state, so a scenario of six levers
 * held six copies of what a lever changes (simulate on 125k OpenAI records: 406 MB of peak RSS with
 * one outputCap lever, 563 MB with six). The steps keep their totals and the lever's own outcome;
 * the final state keeps its requests and costs (for --by groups). Counted here: the requests and
 * per-request cost lists reachable from the result.
 */
import { describe, expect, it } from 'vitest';
import { parseDimensions } from '../../src/aggregate/dims.js';
import { runScenario, runScenarios } from '../../src/simulate/engine.js';
import { simGroupKey, simulateData } from '../../src/simulate/data.js';
import { priceState } from '../../src/simulate/price.js';
import type { Scenario } from '../../src/simulate/scenario.js';
import { baselineRequests, env, minutes, pricer, rec } from './helpers.js';

const N = 2_000;
const LEVERS = 6;

/** Distinct request objects (a `record` and an `origin`) and arrays of at least `N` items reachable from `root`. */
function reachable(root: unknown): { requests: number; longArrays: number } {
  const seen = new Set<object>();
  const stack: unknown[] = [root];
  let requests = 0;
  let longArrays = 0;
  while (stack.length) {
    const v = stack.pop();
    if (typeof v !== 'object' || v === null || seen.has(v)) continue;
    seen.add(v);
    if (Array.isArray(v)) {
      if (v.length >= N) longArrays++;
      for (const x of v) stack.push(x);
      continue;
    }
    if ('record' in v && 'origin' in v) {
      requests++;
      continue; // its record is the logs' own, shared with the baseline
    }
    for (const x of Object.values(v)) stack.push(x);
  }
  return { requests, longArrays };
}

describe('a scenario keeps one state of its requests, not one per lever', () => {
  it(`${LEVERS} levers that each change every request`, () => {
    const records = Array.from({ length: N }, (_, i) => rec('claude-t', { timeMs: minutes(i), inputTokens: 1000, outputTokens: 900 }));
    const base = baselineRequests(records);
    const baseline = priceState(pricer, base);
    const scenario: Scenario = {
      name: 'caps',
      at: 'test:1',
      levers: Array.from({ length: LEVERS }, (_, i) => ({
        kind: 'outputCap' as const,
        name: `cap${i}`,
        params: { maxTokens: 800 - 100 * i },
        at: `test:${i + 2}`,
      })),
    };
    const result = runScenario(base, baseline, scenario, env);
    // every lever changed every request (and the totals are still there for the waterfall)
    expect(result.steps.map((s) => s.after.total)).toEqual(
      result.steps.map(
        (_, i) =>
          priceState(
            pricer,
            base.map((r) => ({ ...r, outputTokens: 800 - 100 * i })),
          ).total,
      ),
    );
    expect(result.final.total).toBe(result.steps.at(-1)!.after.total);
    const held = reachable(result);
    // the final requests and their costs, and the baseline's costs (the caller's, shared by every
    // scenario): not LEVERS times that
    expect(held.requests).toBe(N);
    expect(held.longArrays).toBe(3);
  });
});

describe('the scenarios of a run are released one by one', () => {
  // four scenarios on 125k OpenAI records held each one's final requests until the report: a live
  // heap of 263 MB against 102 MB for one scenario
  const records = Array.from({ length: N }, (_, i) =>
    rec(i % 3 ? 'claude-t' : 'big-t', { timeMs: minutes(i), inputTokens: 1000, outputTokens: 900, tags: { customer: `c${i % 7}` } }),
  );
  const base = baselineRequests(records);
  const baseline = priceState(pricer, base);
  const scenarios: Scenario[] = [0, 1, 2, 3].map((s) => ({
    name: `s${s}`,
    at: `test:${s}`,
    levers: [
      { kind: 'outputCap', name: 'outputCap', params: { maxTokens: 800 - 100 * s }, at: `test:${s}:1` },
      { kind: 'route', name: 'route', params: { to: 'small-t', share: 0.5 }, at: `test:${s}:2` },
    ],
  }));

  it.each([undefined, 'customer', 'model,customer'])('--by %s: no request held, the same report', (by) => {
    const dims = by === undefined ? undefined : parseDimensions(by);
    const kept = scenarios.map((s) => runScenario(base, baseline, s, env));
    const released = runScenarios(base, baseline, scenarios, env, Date.now, dims ? simGroupKey(dims) : undefined);
    expect(reachable(released).requests).toBe(0);
    expect(reachable(released).longArrays).toBe(1); // the baseline's costs, shared by every result
    const data = (results: typeof kept) =>
      simulateData({ baselineRequests: base, baseline, results, by, dims, schemaVersion: 1, notes: [] });
    const want = data(kept);
    expect(data(released)).toEqual(want);
    if (by) expect(want.groups!.length).toBeGreaterThan(1);
  });
});
