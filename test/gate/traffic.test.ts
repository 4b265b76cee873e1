import { describe, expect, it } from 'vitest';
import {
  addRecord,
  denseSpan,
  describeSpan,
  emptyTraffic,
  percentile,
  percentileOfCounts,
  trafficFromLogs,
  type LogTraffic,
} from '../../src/gate/traffic.js';

/** The records folded as `check --traffic` folds them, one addRecord each. */
function aggregateTraffic(records: Iterable<Parameters<typeof addRecord>[1]>): LogTraffic {
  const t = emptyTraffic();
  for (const r of records) addRecord(t, r);
  return t;
}

const rec = (prompt: string | undefined, output: number, day: string, requests = 1) => ({
  tags: (prompt ? { prompt } : {}) as Record<string, string>,
  outputTokens: output,
  requests,
  timeMs: Date.parse(`${day}T12:00:00Z`),
});

describe('traffic from logs (records tagged prompt=ID)', () => {
  it('monthly volume = requests in the span x 30 / its days; output = mean per request, p90 over records', () => {
    const t = aggregateTraffic([
      rec('bot', 100, '2026-10-01'),
      rec('bot', 300, '2026-10-05'),
      rec('bot', 200, '2026-10-10', 2),
      rec('other', 5, '2026-10-01'),
      rec(undefined, 9, '2026-10-01'),
    ]);
    expect([...t.byPrompt.keys()].sort()).toEqual(['bot', 'other']);
    const span = describeSpan(t).span;
    const m = trafficFromLogs(t.byPrompt.get('bot')!, t, span);
    // 6 requests in all, 1% trimmed from each end = 0.06 request: nothing trimmed; span Oct 1..10 = 10 days
    // bot: 4 requests x 30 / 10 = 12 per month; output (100 + 300 + 200) / 4 = 150; share 4 / 6
    expect(m.traffic).toEqual({ callsPerMonth: 12, basis: 'logs: 4 calls over 10 days (2026-10-01..2026-10-10)' });
    expect(m.output).toEqual({ mean: 150, p90: 300 });
    expect(m.share).toBeCloseTo(4 / 6, 12);
  });

  it('matches by the feature tag when there is no prompt tag', () => {
    const t = aggregateTraffic([{ tags: { feature: 'search' }, outputTokens: 10, requests: 1, timeMs: 0 }]);
    expect(t.byPrompt.get('search')?.requests).toBe(1);
  });

  it('one stray record dated 1990 among 40,000 same-day records does not stretch the month', () => {
    const records = [rec('bot', 50, '1990-01-01')];
    for (let i = 0; i < 40_000; i++) records.push(rec('bot', 50, '2026-10-03'));
    const t = aggregateTraffic(records);
    const { span, warnings } = describeSpan(t);
    expect(span).toMatchObject({ days: 1, trimmedRequests: 1 });
    // 40,000 requests on one day -> 1,200,000 a month (not 40,001 over 13,425 days = ~89/month)
    expect(trafficFromLogs(t.byPrompt.get('bot')!, t, span).traffic.callsPerMonth).toBe(1_200_000);
    expect(warnings.join('\n')).toMatch(/1 request dated 1990-01-01 lie outside the dense span 2026-10-03\.\.2026-10-03/);
  });

  it('warns when the span is much wider than the days that have records', () => {
    const records = [];
    for (let i = 0; i < 200; i++) records.push(rec('bot', 1, '2026-01-01'), rec('bot', 1, '2026-03-01'));
    const { span, warnings } = describeSpan(aggregateTraffic(records));
    expect(span?.days).toBe(60);
    expect(warnings.join('\n')).toMatch(/records on only 2 of the 60 days/);
  });

  it('the dense span trims up to 1% of requests from each end', () => {
    // 100 days x 10 requests, plus 5 requests 400 days earlier: 1% of 1,005 = 10.05 per end.
    // Low end: day 0 (cumulative 5 <= 10.05) is trimmed; day 400 brings it to 15 > 10.05 and stays.
    // High end: day 499 (10 <= 10.05) is trimmed; day 498 (20) stays. Trimmed: 5 + 10 = 15.
    const days = new Map<number, number>([[0, 5]]);
    for (let d = 400; d < 500; d++) days.set(d, 10);
    expect(denseSpan(days)).toMatchObject({ firstDay: 400, lastDay: 498, trimmedRequests: 15, days: 99 });
  });

  it('logs without timestamps count as one month, with a warning', () => {
    const t = aggregateTraffic([{ tags: { prompt: 'a' }, outputTokens: 10, requests: 7, timeMs: undefined }]);
    const { span, warnings } = describeSpan(t);
    expect(trafficFromLogs(t.byPrompt.get('a')!, t, span).traffic.callsPerMonth).toBe(7);
    expect(warnings[0]).toMatch(/no record has a timestamp/);
  });

  it('nearest-rank percentile', () => {
    expect(percentile([5, 1, 4, 2, 3], 50)).toBe(3);
    expect(percentile([1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 90)).toBe(9);
  });
});

describe('traffic memory is bounded by the prompts checked, not by the logs', () => {
  // 100,000 records, each of a feature of its own, two of which are checked, and as many output
  // lengths as there are distinct ones (300): check --traffic on a log of 1M distinct features took
  // 758 MB of RSS against 171 MB for the same records over 10 features
  const records = Array.from({ length: 100_000 }, (_, i) => ({
    tags: { feature: `f-${i}` } as Record<string, string>,
    outputTokens: (i % 300) * (1 + (i % 2)),
    requests: 1 + (i % 2),
    timeMs: Date.parse('2026-10-01T00:00:00Z') + i * 60_000,
  }));
  records.push(...records.slice(0, 2000).map((r) => ({ ...r, tags: { feature: 'f-7' } })));

  it('keeps an entry for the checked prompts only, with the same figures', () => {
    const all = aggregateTraffic(records);
    const t = emptyTraffic(new Set(['f-7', 'f-99']));
    for (const r of records) addRecord(t, r);
    expect(all.byPrompt.size).toBe(100_000);
    expect([...t.byPrompt.keys()].sort()).toEqual(['f-7', 'f-99']);
    for (const k of ['requests', 'untimed'] as const) expect(t[k]).toBe(all[k]);
    expect(t.days).toEqual(all.days);
    const span = describeSpan(all).span;
    for (const id of ['f-7', 'f-99'])
      expect(trafficFromLogs(t.byPrompt.get(id)!, t, span)).toEqual(trafficFromLogs(all.byPrompt.get(id)!, all, span));
    // the output lengths are counted per distinct value: 300 here, whatever the number of records
    expect(t.byPrompt.get('f-7')!.outputs.size).toBeLessThanOrEqual(300);
    expect([...t.byPrompt.get('f-7')!.outputs.values()].reduce((a, b) => a + b, 0)).toBe(2001);
  });

  it('the percentile of counted values is the nearest-rank percentile of the list they stand for', () => {
    let x = 7;
    const next = () => (x = (x * 48_271) % 2_147_483_647);
    for (let round = 0; round < 50; round++) {
      const values = Array.from({ length: 1 + (next() % 400) }, () => (next() % 60) / (1 + (next() % 3)));
      const counts = new Map<number, number>();
      for (const v of values) counts.set(v, (counts.get(v) ?? 0) + 1);
      for (const p of [0, 1, 50, 90, 99, 100]) expect(percentileOfCounts(counts, p)).toBe(percentile(values, p));
    }
    expect(percentileOfCounts(new Map(), 90)).toBe(0);
  });
});
