/**
 * Real traffic per prompt from usage logs: records carry the prompt id in `tags.prompt` (else the
 * feature tag, `tags.feature`). The output length is the mean output per request, with p90 over
 * records for display.
 *
 * Monthly volume comes from the dense part of the time series, not from the first and last
 * record: requests are counted per UTC day over all records, up to 1% of requests are trimmed
 * from each end (the span that holds the central 98%), and volume = requests inside that span x
 * 30 / days in it. One stray record dated 1990 among 40,000 same-day records is trimmed and
 * reported instead of stretching the span to 36 years (which would make any change look cheap).
 * Records outside the span, records without a timestamp and a span much wider than the days that
 * have records are warnings, shown with the traffic used.
 */
import type { OutputTokens, Traffic } from '../prompts/types.js';
import { DAYS_PER_MONTH } from '../prompts/types.js';
import { TAG_FEATURE, TAG_PROMPT, type UsageRecord } from '../usage/record.js';

const DAY_MS = 86_400_000;
/** Share of requests trimmed from each end of the time series. */
const TRIM_SHARE = 0.01;

interface PromptTraffic {
  requests: number;
  outputTokens: number;
  /** How many records had each output per request (for percentiles: as many values as there are distinct lengths, not records). */
  outputs: Map<number, number>;
  /** Requests per UTC day index (ms / 86,400,000). */
  days: Map<number, number>;
  /** Requests in records without a timestamp. */
  untimed: number;
}

export interface LogTraffic {
  /** Per prompt id (of those `wanted`, when given). */
  byPrompt: Map<string, PromptTraffic>;
  /**
   * The prompt ids checked: records of other ids count in the time series and the totals only (a log
   * tagged with a million features kept a million entries the check never read: 758 MB of RSS).
   */
  wanted?: ReadonlySet<string>;
  /** Requests per UTC day over every record, tagged or not: the time series the span comes from. */
  days: Map<number, number>;
  untimed: number;
  requests: number;
}

type TrafficRecord = Pick<UsageRecord, 'tags' | 'requests' | 'outputTokens' | 'timeMs'>;

export function emptyTraffic(wanted?: ReadonlySet<string>): LogTraffic {
  return { byPrompt: new Map(), days: new Map(), untimed: 0, requests: 0, ...(wanted ? { wanted } : {}) };
}

export function addRecord(t: LogTraffic, r: TrafficRecord): void {
  const n = Math.max(1, r.requests);
  const day = r.timeMs !== undefined && Number.isFinite(r.timeMs) ? Math.floor(r.timeMs / DAY_MS) : undefined;
  t.requests += n;
  if (day === undefined) t.untimed += n;
  else t.days.set(day, (t.days.get(day) ?? 0) + n);
  const id = r.tags[TAG_PROMPT] || r.tags[TAG_FEATURE];
  if (!id || (t.wanted && !t.wanted.has(id))) return;
  let p = t.byPrompt.get(id);
  if (!p) t.byPrompt.set(id, (p = { requests: 0, outputTokens: 0, outputs: new Map(), days: new Map(), untimed: 0 }));
  p.requests += n;
  p.outputTokens += r.outputTokens;
  const perRequest = r.outputTokens / n;
  p.outputs.set(perRequest, (p.outputs.get(perRequest) ?? 0) + 1);
  if (day === undefined) p.untimed += n;
  else p.days.set(day, (p.days.get(day) ?? 0) + n);
}

/** Nearest-rank percentile of a list (sorted copy). */
export function percentile(values: readonly number[], p: number): number {
  if (!values.length) return 0;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.max(0, Math.ceil((p / 100) * sorted.length) - 1)];
}

/** Nearest-rank percentile of the values counted in `counts` (value -> how many times), as `percentile` of the list they stand for. */
export function percentileOfCounts(counts: ReadonlyMap<number, number>, p: number): number {
  let total = 0;
  for (const n of counts.values()) total += n;
  if (!total) return 0;
  const rank = Math.max(1, Math.ceil((p / 100) * total));
  let seen = 0;
  for (const [value, n] of [...counts].sort((a, b) => a[0] - b[0])) {
    seen += n;
    if (seen >= rank) return value;
  }
  return 0;
}

interface DenseSpan {
  /** First and last UTC day index of the span (inclusive). */
  firstDay: number;
  lastDay: number;
  days: number;
  /** Days inside the span that have records. */
  daysWithRecords: number;
  /** Requests outside the span (trimmed), and the days they fell on. */
  trimmedRequests: number;
  trimmedDays: number[];
}

const dayText = (day: number) => new Date(day * DAY_MS).toISOString().slice(0, 10);

/** The span of days holding the central 98% of requests; undefined without timestamps. */
export function denseSpan(days: ReadonlyMap<number, number>): DenseSpan | undefined {
  const sorted = [...days].sort((a, b) => a[0] - b[0]);
  if (!sorted.length) return undefined;
  const total = sorted.reduce((s, [, n]) => s + n, 0);
  const cut = total * TRIM_SHARE;
  let lo = 0;
  for (let cum = 0; lo < sorted.length - 1; lo++) {
    cum += sorted[lo][1];
    if (cum > cut) break;
  }
  let hi = sorted.length - 1;
  for (let cum = 0; hi > lo; hi--) {
    cum += sorted[hi][1];
    if (cum > cut) break;
  }
  const trimmed = [...sorted.slice(0, lo), ...sorted.slice(hi + 1)];
  return {
    firstDay: sorted[lo][0],
    lastDay: sorted[hi][0],
    days: sorted[hi][0] - sorted[lo][0] + 1,
    daysWithRecords: hi - lo + 1,
    trimmedRequests: trimmed.reduce((s, [, n]) => s + n, 0),
    trimmedDays: trimmed.map(([d]) => d),
  };
}

/** What the logs say about the whole series: the span used and the warnings about it. */
export function describeSpan(t: LogTraffic): { span?: DenseSpan; warnings: string[] } {
  const span = denseSpan(t.days);
  const warnings: string[] = [];
  if (!span) {
    if (t.requests)
      warnings.push(
        `logs: no record has a timestamp: the ${t.requests.toLocaleString('en-US')} requests are taken as one month of traffic`,
      );
    return { warnings };
  }
  if (span.trimmedRequests) {
    const d = span.trimmedDays;
    const where = d.length === 1 ? `dated ${dayText(d[0])}` : `on ${d.length} days from ${dayText(d[0])} to ${dayText(d[d.length - 1])}`;
    warnings.push(
      `logs: ${span.trimmedRequests.toLocaleString('en-US')} request${span.trimmedRequests === 1 ? '' : 's'} ${where} lie outside the dense span ${dayText(span.firstDay)}..${dayText(span.lastDay)} and are left out of the monthly volume`,
    );
  }
  if (t.untimed)
    warnings.push(`logs: ${t.untimed.toLocaleString('en-US')} requests without a timestamp are left out of the monthly volume`);
  if (span.days >= 14 && span.daysWithRecords * 3 < span.days) {
    warnings.push(
      `logs: records on only ${span.daysWithRecords} of the ${span.days} days from ${dayText(span.firstDay)} to ${dayText(span.lastDay)}: the monthly volume assumes the gaps had no traffic; pass logs that cover a continuous period, or --calls-per-day`,
    );
  }
  return { span, warnings };
}

interface MeasuredTraffic {
  traffic: Traffic;
  output: OutputTokens;
  /** This prompt's share of the requests counted for volume (0..1). */
  share: number;
}

/** A prompt's monthly volume over the dense span of all logs, and its measured output length. */
export function trafficFromLogs(p: PromptTraffic, all: LogTraffic, span: DenseSpan | undefined): MeasuredTraffic {
  const mean = p.requests ? Math.round(p.outputTokens / p.requests) : 0;
  const output = { mean, p90: Math.round(percentileOfCounts(p.outputs, 90)) };
  if (!span) {
    return {
      traffic: {
        callsPerMonth: p.requests,
        basis: `logs: ${p.requests.toLocaleString('en-US')} calls, no timestamps (taken as one month)`,
      },
      output,
      share: all.requests ? p.requests / all.requests : 0,
    };
  }
  let inSpan = 0;
  for (const [day, n] of p.days) if (day >= span.firstDay && day <= span.lastDay) inSpan += n;
  const totalInSpan = all.requests - all.untimed - span.trimmedRequests;
  const callsPerMonth = Number(((inSpan * DAYS_PER_MONTH) / span.days).toFixed(6));
  const range = span.days === 1 ? dayText(span.firstDay) : `${dayText(span.firstDay)}..${dayText(span.lastDay)}`;
  const left = p.requests - inSpan;
  const basis = `logs: ${inSpan.toLocaleString('en-US')} calls over ${span.days} day${span.days === 1 ? '' : 's'} (${range})${left ? `, ${left.toLocaleString('en-US')} outside that span not counted` : ''}`;
  return { traffic: { callsPerMonth, basis }, output, share: totalInSpan ? inSpan / totalInSpan : 0 };
}
