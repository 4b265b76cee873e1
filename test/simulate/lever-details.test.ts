/**
 * The levers' detail tables are derived from typed data (src/simulate/lever-details.ts): each
 * cell below is written by hand from the data value, so a view that drops, renames or recomputes
 * a field fails here.
 */
import { describe, expect, it } from 'vitest';
import { leverSections, type LeverDetailsData } from '../../src/simulate/lever-details.js';
import { simulateReport } from '../../src/simulate/report.js';
import { renderTable } from '../../src/report/table.js';
import type { SimulateData, SimUnitData } from '../../src/simulate/data.js';

const USD = 10n ** 15n; // femto-dollars per dollar

describe('lever detail tables from their typed data', () => {
  it('semantic cache: the curve (amounts as Femto), inert sample texts cut to 60 characters, the --explain matches', () => {
    const long = 'q'.repeat(70);
    const d: LeverDetailsData = {
      lever: 'semanticCache',
      threshold: 0.8,
      curve: [
        { threshold: 0.7, hits: 3, hitRate: 0.3, savedUsd: 2n * USD, netUsd: 2n * USD - 5n },
        { threshold: 0.8, hits: 2, hitRate: 0.2, savedUsd: USD, netUsd: USD - 5n },
      ],
      sampleHits: [{ similarity: 0.812, query: `a\u001b[2Jb`, context: '', answeredFrom: long, answeredContext: 'ctx' }],
      lowestMatches: [{ threshold: 0.7, similarity: 0.7, query: 'x', answeredFrom: 'y' }],
    };
    const [curve, samples, pairs] = leverSections(d);
    expect(curve.id).toBe('semantic-curve');
    expect(curve.rows).toEqual([
      { threshold: 0.7, hits: 3, hitRate: 0.3, saved: 2_000_000_000_000_000n, net: 1_999_999_999_999_995n },
      { threshold: 0.8, hits: 2, hitRate: 0.2, saved: 1_000_000_000_000_000n, net: 999_999_999_999_995n },
    ]);
    expect(samples.title).toBe('Semantic cache: sample hits at 0.8 with their context (lowest similarity first)');
    // the escape made visible; 70 characters cut to 59 + "…"
    expect(samples.rows[0]).toEqual({
      similarity: 0.812,
      query: 'a\\x1b[2Jb',
      context: '',
      answeredFrom: `${'q'.repeat(59)}…`,
      answeredContext: 'ctx',
    });
    expect(pairs.id).toBe('semantic-pairs');
    expect(pairs.rows).toEqual([{ threshold: 0.7, similarity: 0.7, query: 'x', matched: 'y' }]);
    // without --explain (null): two tables
    expect(leverSections({ ...d, lowestMatches: null }).map((s) => s.id)).toEqual(['semantic-curve', 'semantic-samples']);
  });

  it('semantic cache samples at 80 columns keep the query and what answered it; the contexts give way first', () => {
    // texts under 40 characters (longer ones move to footnotes): 10 + 4 x 36 + gaps is wider than 80
    const q = 'How can I reset my account password?';
    const ctx = 'after: Where do I find my invoices?';
    const d: LeverDetailsData = {
      lever: 'semanticCache',
      threshold: 0.7,
      curve: [],
      sampleHits: [{ similarity: 0.71, query: q, context: ctx, answeredFrom: q.toLowerCase(), answeredContext: ctx }],
      lowestMatches: null,
    };
    const [, samples] = leverSections(d);
    const lines = renderTable(samples, { width: 80, style: { bold: (x) => x, dim: (x) => x } });
    expect(lines[0]).toMatch(/^Similarity +Query +.*Answered from/);
    expect(lines.join('\n')).toMatch(/Columns not shown to fit 80 characters: Its context/);
    expect(lines.every((l) => l.length <= 80)).toBe(true);
  });

  it('budget cap: the title quotes the cap, the first-refused minute in UTC, and the key-periods left out in a note', () => {
    const hit = {
      key: 'u1',
      period: '2026-10-01',
      firstRefusedAt: '2026-10-01T10:03:59.000Z',
      requestsRefused: 2,
      spendAllowedUsd: 1_200_000_000_000_000n,
      spendAvoidedUsd: 400_000_000_000_000n,
    };
    const d: LeverDetailsData = { lever: 'budgetCap', per: 'user', period: 'day', capUsd: USD, periodsHit: 53, hits: [hit] };
    const [s] = leverSections(d);
    expect(s.title).toBe('Budget cap: who would have hit $1.00 per user per day');
    expect(s.columns.map((c) => c.label)).toEqual([
      'User',
      'Day',
      'First refused (UTC)',
      'Requests refused',
      'Spend allowed',
      'Spend avoided',
    ]);
    expect(s.rows).toEqual([
      {
        key: 'u1',
        period: '2026-10-01',
        firstRefused: '2026-10-01 10:03',
        refused: 2,
        allowed: 1_200_000_000_000_000n,
        avoided: 400_000_000_000_000n,
      },
    ]);
    // 53 key-periods hit, 1 in the table: 52 more
    expect(s.notes).toEqual(['52 more user-days hit the cap (see the JSON for the count).']);
    expect(leverSections({ ...d, periodsHit: 1 })[0].notes).toEqual([]);
  });

  it('output cap and summarize: one row each; the cap text from maxTokens and factor; no summarised conversation leaves the costs empty', () => {
    const [cap] = leverSections({
      lever: 'outputCap',
      maxTokens: 500,
      factor: 0.9,
      responses: 4,
      p50: 300,
      p90: 2000,
      p99: 2000,
      max: 2000,
      truncated: 2,
      share: 0.5,
    });
    expect(cap.rows).toEqual([
      { responses: 4, p50: 300, p90: 2000, p99: 2000, max: 2000, cap: '500 tokens, x0.9', truncated: 2, share: 0.5 },
    ]);
    const [sum] = leverSections({
      lever: 'summarize',
      conversations: 3,
      summarised: 0,
      summaryCalls: 0,
      costPerConversationBeforeUsd: null,
      costPerConversationAfterUsd: null,
    });
    expect(sum.rows).toEqual([{ conversations: 3, summarised: 0, calls: 0, before: undefined, after: undefined }]);
  });

  it("the report names each lever's tables scenario:lever:table, before the assumptions; the input facts from the data", () => {
    const unit: SimUnitData = {
      totalUsd: USD,
      requestsServed: 1,
      modelCalls: 1,
      successes: 0,
      conversations: 0,
      customers: 0,
      users: 0,
      longContextRequests: 0,
      costPerRequestUsd: USD,
      costPerConversationUsd: null,
      costPerCustomerUsd: null,
      costPerUserUsd: null,
      costPerSuccessUsd: null,
      tokens: { input: 1, cacheRead: 0, cacheWrite: 0, output: 0 },
      unpricedRequests: 0,
      unpricedModels: [],
    };
    const step = (name: string, details: LeverDetailsData | null) => ({
      lever: 'outputCap',
      name,
      scope: 'all traffic',
      definedAt: 'x.yaml:1',
      params: {},
      costAfterUsd: USD,
      savingUsd: 0n,
      shareOfSaving: null,
      metrics: {},
      assumptions: {},
      notes: [],
      result: {},
      details,
    });
    const out: LeverDetailsData = {
      lever: 'outputCap',
      maxTokens: 1,
      factor: null,
      responses: 1,
      p50: 1,
      p90: 1,
      p99: 1,
      max: 1,
      truncated: 0,
      share: 0,
    };
    const data: SimulateData = {
      schemaVersion: 1,
      command: 'simulate',
      by: null,
      inputs: {
        records: 1234,
        read: 1300,
        skipped: 66,
        rejected: 0,
        withText: 1000,
        period: { from: '2026-10-01T00:00:00Z', to: '2026-10-31T23:00:00Z' },
      },
      baseline: unit,
      scenarios: [
        {
          ...unit,
          name: 'a',
          description: null,
          inherits: null,
          definedAt: 'x.yaml:1',
          savingUsd: 0n,
          waterfall: [step('batch', null), step('cap', out)],
          volumeCurve: null,
        },
      ],
      groups: null,
      notes: [],
      bottomLine: null,
    };
    const report = simulateReport(data);
    expect(report.sections.map((s) => s.id)).toEqual(['scenarios', 'waterfall', 'a:cap:output-cap', 'assumptions']);
    expect(report.sections[2].title).toBe('a / cap: Output cap: real output lengths in scope (tokens per response)');
    expect(report.summary).toEqual([
      ['Records', '1,234 (1,300 read, 66 skipped, 0 rejected)'],
      ['Period', '2026-10-01 to 2026-10-31'],
      ['With prompt text', '1,000 of 1,234'],
      ['Scenarios', 'a'],
      ['Baseline (as billed)', '$1.00'],
    ]);
    // no inputs (a caller that gave none): no input facts
    expect(simulateReport({ ...data, inputs: null }).summary).toEqual([['Baseline (as billed)', '$1.00']]);
  });
});
