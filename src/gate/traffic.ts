/**
 * Real traffic per prompt from usage logs: records carry the prompt id in `tags.prompt`. Monthly
 * volume = requests x 30 / days covered (UTC calendar days from the first to the last record,
 * inclusive); logs without timestamps are taken to cover one month. The output length is the
 * mean output per request, with p50 and p90 over records for display.
 */
import type { OutputTokens, Traffic } from '../prompts/types.js';
import { DAYS_PER_MONTH } from '../prompts/types.js';
import { TAG_PROMPT, type UsageRecord } from '../usage/record.js';

const DAY_MS = 86_400_000;

export interface PromptTraffic {
  requests: number;
  outputTokens: number;
  /** Output tokens per request of each record (for percentiles). */
  outputs: number[];
  firstMs?: number;
  lastMs?: number;
}

export type TrafficByPrompt = Map<string, PromptTraffic>;

export function addRecord(map: TrafficByPrompt, r: Pick<UsageRecord, 'tags' | 'requests' | 'outputTokens' | 'timeMs'>): void {
  const id = r.tags[TAG_PROMPT];
  if (!id) return;
  let t = map.get(id);
  if (!t) map.set(id, (t = { requests: 0, outputTokens: 0, outputs: [] }));
  const n = Math.max(1, r.requests);
  t.requests += n;
  t.outputTokens += r.outputTokens;
  t.outputs.push(r.outputTokens / n);
  if (r.timeMs !== undefined) {
    t.firstMs = t.firstMs === undefined ? r.timeMs : Math.min(t.firstMs, r.timeMs);
    t.lastMs = t.lastMs === undefined ? r.timeMs : Math.max(t.lastMs, r.timeMs);
  }
}

export function aggregateTraffic(records: Iterable<Pick<UsageRecord, 'tags' | 'requests' | 'outputTokens' | 'timeMs'>>): TrafficByPrompt {
  const map: TrafficByPrompt = new Map();
  for (const r of records) addRecord(map, r);
  return map;
}

/** Nearest-rank percentile of a list (sorted copy). */
export function percentile(values: readonly number[], p: number): number {
  if (!values.length) return 0;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.max(0, Math.ceil((p / 100) * sorted.length) - 1)];
}

export function daysCovered(t: PromptTraffic): number | undefined {
  if (t.firstMs === undefined || t.lastMs === undefined) return undefined;
  return Math.floor(t.lastMs / DAY_MS) - Math.floor(t.firstMs / DAY_MS) + 1;
}

export function trafficFromLogs(t: PromptTraffic): { traffic: Traffic; output: OutputTokens } {
  const days = daysCovered(t);
  const callsPerMonth = days === undefined ? t.requests : (t.requests * DAYS_PER_MONTH) / days;
  const basis = days === undefined ? `logs: ${t.requests} calls, no timestamps (taken as one month)` : `logs: ${t.requests} calls over ${days} day${days === 1 ? '' : 's'}`;
  const mean = t.requests ? Math.round(t.outputTokens / t.requests) : 0;
  return { traffic: { callsPerMonth: Number(callsPerMonth.toFixed(6)), basis }, output: { mean, p90: Math.round(percentile(t.outputs, 90)) } };
}
