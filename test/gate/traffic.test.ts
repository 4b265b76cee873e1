import { describe, expect, it } from 'vitest';
import { aggregateTraffic, percentile, trafficFromLogs } from '../../src/gate/traffic.js';

const rec = (prompt: string | undefined, output: number, day: string, requests = 1) => ({
  tags: prompt ? { prompt } : {}, outputTokens: output, requests, timeMs: Date.parse(`${day}T12:00:00Z`),
});

describe('traffic from logs (records tagged prompt=ID)', () => {
  it('monthly volume = requests x 30 / UTC days covered; output = mean per request, p90 over records', () => {
    const map = aggregateTraffic([
      rec('bot', 100, '2026-10-01'), rec('bot', 300, '2026-10-05'), rec('bot', 200, '2026-10-10', 2), rec('other', 5, '2026-10-01'), rec(undefined, 9, '2026-10-01'),
    ]);
    expect([...map.keys()].sort()).toEqual(['bot', 'other']);
    const t = trafficFromLogs(map.get('bot')!);
    // 4 requests over 10 days (Oct 1..10) -> 12 per month; output (100 + 300 + 200) / 4 = 150
    expect(t.traffic).toEqual({ callsPerMonth: 12, basis: 'logs: 4 calls over 10 days' });
    expect(t.output).toEqual({ mean: 150, p90: 300 });
  });

  it('logs without timestamps count as one month', () => {
    const map = aggregateTraffic([{ tags: { prompt: 'a' }, outputTokens: 10, requests: 7, timeMs: undefined }]);
    expect(trafficFromLogs(map.get('a')!).traffic.callsPerMonth).toBe(7);
  });

  it('nearest-rank percentile', () => {
    expect(percentile([5, 1, 4, 2, 3], 50)).toBe(3);
    expect(percentile([1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 90)).toBe(9);
  });
});
