/**
 * `report`'s view: its tables, summary lines, inputs and issues, derived from its typed data
 * (UsageReportData, report/usage-json.ts) and from nothing else, so every number a table shows is
 * a field of the JSON document (or, for a summed row or a share, computed from such fields here).
 */
import { formatInt, formatPct } from './cells.js';
import { unpricedChargesMessage } from './charges.js';
import { chargeDimension, TOKEN_DIMENSIONS, type ChargeDimension, type ChargeKey } from '../usage/dimensions.js';
import { col, type Cell, type Report, type ReportInputs, type Section } from './model.js';
import { shareOf, shownRows } from './rows.js';
import { formatUsd, type Femto } from '../pricing/money.js';
import type { UsageView } from '../aggregate/view.js';
import { dimensionKey, localDateTime, type Dimension } from '../aggregate/dims.js';
import type { Issue } from '../core/issues.js';
import type { IngestResult } from '../ingest/index.js';
import { inert } from '../core/untrusted.js';
import { ingestWarnings } from './ingest-warnings.js';
import type { GroupData, UsageReportData } from './usage-json.js';

export { ingestInputs } from './usage-json.js';

const title = (s: string): string => s[0].toUpperCase() + s.slice(1);
const fshare = (part: Femto, whole: Femto | null): number | undefined => shareOf(part, whole);
const orUndefined = <T>(x: T | null): T | undefined => (x === null ? undefined : x);
const femtoOf = (x: number | null): bigint | undefined => (x === null ? undefined : BigInt(Math.round(x * 1e15)));
const usdFloat = (x: number | null): string => (x === null ? '-' : formatUsd(femtoOf(x)));
const delta = (a: Femto | null, b: Femto | null | undefined): Femto | null => (a !== null && b !== null && b !== undefined ? b - a : null);

/**
 * A group value as tables, markdown, CSV and html show it: no value is "(none)"; a value spelled
 * like one of the tables' own labels (it starts with "(" or a double quote, or is "Total") is shown
 * in double quotes, so "(none)", "Total" and "(18 more)" always mean the placeholder, the total
 * and the rows left out. JSON keeps the value itself, or null.
 */
export function groupLabel(v: string | null): string {
  if (v === null) return '(none)';
  return v === 'Total' || v.startsWith('(') || v.startsWith('"') ? `"${v}"` : v;
}

function groupRow(g: GroupData, keys: string[]): Record<string, Cell> {
  const row: Record<string, Cell> = {};
  for (const k of keys) row[k] = groupLabel(g.key[k]);
  const t = g.tokens;
  Object.assign(row, {
    requests: g.requests,
    input: t.input,
    cacheRead: t.cacheRead,
    cacheWrite: t.cacheWrite5m + t.cacheWrite1h,
    output: t.output,
    cost: g.costUsd,
    share: orUndefined(g.shareOfSpend),
    perRequest: g.costPerRequestUsd,
    outputShare: orUndefined(g.outputShareOfSpend),
    p90: femtoOf(g.costPerRequestDistributionUsd.p90),
    unpricedRequests: g.unpriced?.requests ?? 0,
  });
  return row;
}

/**
 * Spend by group. Every group the data holds is a row; a formatter showing fewer rows sums the rest
 * into one row by the section's `rest` rule (rows.ts), so a saved complete JSON report renders the
 * same table the command printed. `top` (an explicit --top) cuts here, with the same rule; groups
 * the engine already left out arrive summed exactly in one row.
 */
export function spendSection(data: UsageReportData, top: number | undefined): Section {
  const keys = data.groupBy;
  const total = data.totals.costUsd;
  const rows = data.groups.map((g) => groupRow(g, keys));
  const cut = data.groupsLeftOut;
  if (cut) {
    rows.push({
      [keys[0]]: `(${formatInt(cut.groups)} more)`,
      requests: cut.requests,
      input: cut.tokens.input,
      cacheRead: cut.tokens.cacheRead,
      cacheWrite: cut.tokens.cacheWrite5m + cut.tokens.cacheWrite1h,
      output: cut.tokens.output,
      cost: cut.costUsd,
      share: cut.costUsd === null ? undefined : fshare(cut.costUsd, total),
      perRequest: cut.costPerRequestUsd,
      unpricedRequests: cut.unpricedRequests,
    });
  }
  const t = data.totals.tokens;
  const footer: Record<string, Cell> = {
    [keys[0]]: 'Total',
    requests: data.totals.requests,
    input: t.input,
    cacheRead: t.cacheRead,
    cacheWrite: t.cacheWrite5m + t.cacheWrite1h,
    output: t.output,
    cost: total,
    share: total === null ? undefined : 1,
    perRequest: data.unitEconomics.costPerRequestUsd,
    outputShare: orUndefined(data.totals.outputShareOfSpend),
    p90: femtoOf(data.unitEconomics.costPerRequestDistributionUsd.p90),
    unpricedRequests: data.totals.unpriced?.requests ?? 0,
  };
  const section: Section = {
    id: 'groups',
    title: `Spend by ${keys.join(', ')}`,
    columns: [
      ...keys.map((k) => col(k, title(k), 'text', { priority: 1 })),
      // at 80 columns: the group, requests, cost, share and $/request stay; token columns give way first
      col('requests', 'Requests', 'int', { priority: 1 }),
      col('input', 'Input tok', 'int', { priority: 5 }),
      col('cacheRead', 'Cache read', 'int', { priority: 6 }),
      col('cacheWrite', 'Cache write', 'int', { priority: 6 }),
      col('output', 'Output tok', 'int', { priority: 4 }),
      col('cost', 'Cost', 'usd', { priority: 1 }),
      col('share', 'Share', 'pct', { priority: 1 }),
      col('perRequest', '$/request', 'usd', { priority: 3 }),
      col('p90', 'p90 $/req', 'usd', { priority: 7 }),
      col('outputShare', 'Output share', 'pct', { priority: 7 }),
      col('unpricedRequests', 'Unpriced requests', 'int', { only: 'csv' }),
    ],
    rows,
    footer,
    // named over the rows a formatter shows (rows.ts sectionNotes): a saved report renders the same note
    partlyPriced: { keys, rows: data.groups.length, notShown: cut?.partlyPricedGroups ?? 0 },
  };
  // the rest summed in one row: by the engine (cut), at --top here, else by the formatter at its row limit
  if (cut) return { ...section, limit: false };
  const rest = {
    label: keys[0],
    sum: ['requests', 'input', 'cacheRead', 'cacheWrite', 'output', 'cost', 'unpricedRequests'],
    share: { key: 'share', of: 'cost' },
    per: { key: 'perRequest', of: 'cost', count: 'requests', less: 'unpricedRequests' },
  };
  const withRest: Section = { ...section, rest };
  if (top === undefined) return withRest;
  // cut here at --top: the groups past it are counted in the note, as the engine's cut ones are
  const shown = Math.min(top, rows.length);
  const partlyCut = data.groups.slice(shown).filter((g) => g.unpriced !== null && g.costUsd !== null).length;
  return {
    ...section,
    rows: shownRows(withRest, top).rows,
    limit: false,
    partlyPriced: { keys, rows: shown, notShown: partlyCut },
  };
}

export function componentsSection(data: UsageReportData): Section {
  const c = data.totals.components;
  const t = data.totals.tokens;
  const total = data.totals.costUsd;
  const tokensOf: Record<string, number> = { ...t };
  // one row per token bucket, then one per charge (usage/dimensions.ts)
  const rows: Record<string, Cell>[] = TOKEN_DIMENSIONS.map((d) => ({
    component: d.label,
    tokens: tokensOf[d.key],
    cost: c[d.key],
    share: c[d.key] === null ? undefined : fshare(c[d.key] as Femto, total),
  }));
  // the output-token premium compares the priced tokens with the spend (unpriced tokens have none)
  const u = data.totals.unpriced?.tokens;
  const priced = (k: 'input' | 'cacheRead' | 'cacheWrite5m' | 'cacheWrite1h' | 'output') => t[k] - (u?.[k] ?? 0);
  const outTokShare =
    priced('output') /
    Math.max(1, priced('input') + priced('cacheRead') + priced('cacheWrite5m') + priced('cacheWrite1h') + priced('output'));
  // charges beside tokens (web searches, fetches, grounding, ...): their count in a column of their own
  const charges = Object.entries(data.totals.charges).map(([key, l]) => ({ key, label: chargeDimension(key as ChargeKey).label, ...l }));
  const chargeRows: Record<string, Cell>[] = charges.map((l) => ({
    component: l.label,
    count: l.count,
    unit: l.unit,
    cost: l.costUsd,
    share: l.costUsd === null ? undefined : fshare(l.costUsd, total),
  }));
  const notes: string[] = [];
  if (total)
    notes.push(
      `Output is ${formatPct(outTokShare)} of ${u ? 'priced ' : ''}tokens but ${formatPct(data.totals.outputShareOfSpend ?? 0)} of spend (the output-token premium).${t.reasoning ? ` Reasoning: ${formatInt(t.reasoning)} of the output tokens.` : ''}`,
    );
  const unpricedRequests = data.totals.unpriced?.requests ?? 0;
  if (u && total !== null)
    notes.push(
      `Tokens include those of ${formatInt(unpricedRequests)} unpriced request${unpricedRequests === 1 ? '' : 's'}; Cost and share cover only the priced ones (see the warnings).`,
    );
  for (const l of charges) {
    const never = (chargeDimension(l.key as ChargeKey) as ChargeDimension).unpricedNote;
    if (never) notes.push(`${l.label}: counted, never priced (left out of the cost): ${never}.`);
    else if (l.unpricedCount > 0 && l.costUsd !== null)
      notes.push(
        `${l.label}: ${formatInt(l.unpricedCount)} of ${formatInt(l.count)} ${l.unit} have no catalog price (left out of the cost).`,
      );
  }
  for (const a of data.totals.freeAllowances ?? [])
    notes.push(
      `Priced without the free allowance, which is per project and period, not per request: ${inert(a, 120)}. The bill may be lower.`,
    );
  return {
    id: 'components',
    title: 'Where the money goes',
    columns: [
      col('component', 'Component'),
      col('tokens', 'Tokens', 'int'),
      ...(charges.length ? [col('count', 'Calls', 'int'), col('unit', 'Unit')] : []),
      col('cost', 'Cost', 'usd'),
      col('share', 'Share of spend', 'pct'),
    ],
    rows: [...rows.filter((r) => r.tokens !== 0), ...chargeRows],
    notes: notes.length ? notes : undefined,
  };
}

/**
 * The columns of a metric table (unit economics, caching): a metric, its value as people read it, and for CSV the
 * same number in the typed column of its kind (an exact USD amount, a whole count or a fraction), one number a row.
 */
const metricColumns = () => [
  col('metric', 'Metric'),
  col('value', 'Value', 'text', { only: 'display' }),
  col('usd', 'USD', 'usd', { only: 'csv' }),
  col('count', 'Count', 'int', { only: 'csv' }),
  col('fraction', 'Fraction', 'pct', { only: 'csv' }),
];
const usdMetric = (metric: string, usd: Femto | null | undefined, shown = formatUsd(usd)): Record<string, Cell> => ({
  metric,
  value: shown,
  usd: usd ?? null,
});
const countMetric = (metric: string, count: number): Record<string, Cell> => ({ metric, value: formatInt(count), count });
const fractionMetric = (metric: string, fraction: number | null): Record<string, Cell> => ({
  metric,
  value: fraction === null ? '-' : formatPct(fraction),
  fraction,
});

export function unitSection(data: UsageReportData): Section {
  const u = data.unitEconomics;
  const d = u.costPerRequestDistributionUsd;
  const quantile = (name: string, x: number | null) => usdMetric(`Cost per request ${name}`, femtoOf(x), usdFloat(x));
  const rows: Record<string, Cell>[] = [
    usdMetric('Cost per request (mean)', u.costPerRequestUsd),
    quantile('p50', d.p50),
    quantile('p90', d.p90),
    quantile('p99', d.p99),
    quantile('max', d.max),
    usdMetric('Cost per 1,000 requests', u.costPer1kRequestsUsd),
  ];
  if (u.conversations) rows.push(usdMetric(`Cost per conversation (${formatInt(u.conversations)})`, u.costPerConversationUsd));
  if (u.customers) rows.push(usdMetric(`Cost per customer (${formatInt(u.customers)})`, u.costPerCustomerUsd));
  if (u.users) rows.push(usdMetric(`Cost per user (${formatInt(u.users)})`, u.costPerUserUsd));
  const o = u.outcomes;
  if (o.successRate !== null) {
    rows.push(countMetric('Requests with a known outcome', o.success + o.failure));
    rows.push(fractionMetric('Success rate (of those requests)', o.successRate));
    rows.push(usdMetric('Cost per successful outcome', o.costPerSuccessfulOutcomeUsd));
  }
  return {
    id: 'unit',
    title: 'Unit economics',
    columns: metricColumns(),
    rows,
    notes: [
      'Per conversation / customer / user: the cost of the requests attributed to them, divided by their number. Percentiles (nearest rank over requests) and means are exact.',
    ],
  };
}

export function turnsSection(data: UsageReportData): Section | undefined {
  const tax = data.contextWindowTax;
  if (!tax || tax.turns.length < 2) return undefined;
  const rows = tax.turns.map((t) => ({
    turn: t.turn,
    requests: t.requests,
    avgPrompt: t.avgPromptTokens,
    avgCost: t.avgCostUsd,
    cost: t.costUsd,
  }));
  const first = rows[0];
  const last = rows[rows.length - 1];
  const growth = tax.promptGrowthFactor === null ? '-' : tax.promptGrowthFactor.toFixed(1);
  const summed = tax.turns[tax.turns.length - 1].laterTurnsSummed;
  return {
    id: 'turns',
    title: 'Context-window tax (by conversation turn)',
    columns: [
      col('turn', 'Turn', 'int'),
      col('requests', 'Requests', 'int'),
      col('avgPrompt', 'Avg prompt tok', 'int'),
      col('avgCost', 'Avg $/request', 'usd'),
      col('cost', 'Cost', 'usd'),
    ],
    rows,
    notes: [
      `Prompt size grows ${growth}x from turn ${first.turn} to turn ${last.turn}${summed ? ' and later' : ''}: history is re-billed on every turn.`,
      ...(summed
        ? [`Turn ${formatInt(last.turn)} sums ${formatInt(summed)} turn numbers, from ${formatInt(last.turn)} on (memory stays bounded).`]
        : []),
    ],
  };
}

export function cachingSection(data: UsageReportData): Section {
  const c = data.caching;
  const u = c.writesNeverRead;
  return {
    id: 'caching',
    title: 'Caching as it happened',
    columns: metricColumns(),
    rows: [
      fractionMetric('Cache reads, share of input tokens', c.cacheReadShareOfInput),
      usdMetric('Cost without caching (same tokens at input price)', c.costWithoutCachingUsd),
      usdMetric('Saved by caching (net of write premiums)', c.savedUsd),
      countMetric('Cache writes never read', u.writes),
      countMetric('Tokens written to the cache, never read', u.tokens),
      usdMetric('Paid for cache writes never read', u.costUsd),
      usdMetric('Of that, premium over the input price', u.premiumOverInputUsd),
    ],
  };
}

export function cliffsSection(data: UsageReportData): Section | undefined {
  if (data.longContext.length === 0) return undefined;
  return {
    id: 'long-context',
    title: 'Long-context cliffs (whole request billed at the tier rate)',
    columns: [
      col('model', 'Model'),
      col('threshold', 'Threshold'),
      col('requests', 'Requests', 'int'),
      col('cost', 'Cost', 'usd'),
      col('premium', 'Premium paid', 'usd'),
    ],
    rows: data.longContext.map((c) => ({
      model: c.model,
      threshold: `${c.operator}${formatInt(c.threshold)}`,
      requests: c.requests,
      cost: c.costUsd,
      premium: c.premiumUsd,
    })),
  };
}

/** A --reprice label longer than this heads its column as "Repriced" (the section title names it whole). */
const REPRICE_LABEL_MAX = 28;

export function repriceSection(data: UsageReportData): Section | undefined {
  const rp = data.reprice;
  if (!rp) return undefined;
  const keys = data.groupBy;
  const rows = data.groups.map((g) => {
    const row: Record<string, Cell> = {};
    for (const k of keys) row[k] = groupLabel(g.key[k]);
    const b = g.repricedCostUsd ?? null;
    return { ...row, billed: g.costUsd, repriced: b, delta: delta(g.costUsd, b) };
  });
  const cut = data.groupsLeftOut;
  if (cut) {
    const b = cut.repricedCostUsd ?? null;
    rows.push({ [keys[0]]: `(${formatInt(cut.groups)} more)`, billed: cut.costUsd, repriced: b, delta: delta(cut.costUsd, b) });
  }
  // a record unpriced on one side only (dated before its model's first known price, or a model the
  // proposed card leaves out) is in one column's cost and not the other's: the delta is then not a
  // price change alone, and says so (unpriced is never $0)
  const billedOut = data.totals.unpriced?.requests ?? 0;
  const repricedOut = rp.unpriced?.requests ?? 0;
  const notes =
    billedOut !== repricedOut
      ? [
          `Unpriced requests (left out of the cost): ${formatInt(billedOut)} as billed, ${formatInt(repricedOut)} at ${rp.label}. The two columns cover different requests, so Delta is not a price change alone (see the warnings).`,
        ]
      : undefined;
  return {
    id: 'reprice',
    title: `Repricing: as billed vs ${rp.label}`,
    notes,
    columns: [
      ...keys.map((k) => col(k, title(k), 'text', { priority: 1 })),
      col('billed', 'As billed', 'usd'),
      // a long label (a proposed file's path) is the title's: as the heading it widened the column until
      // the table dropped Delta, the one figure the comparison is for, at 80 columns
      col('repriced', rp.label.length > REPRICE_LABEL_MAX ? 'Repriced' : rp.label, 'usd'),
      col('delta', 'Delta', 'usd', { signed: true }),
    ],
    rows,
    footer: { [keys[0]]: 'Total', billed: data.totals.costUsd, repriced: rp.costUsd, delta: rp.deltaUsd },
    // cut by the engine (--top), the rest summed in one row; else summed so by a formatter at its row limit
    ...(cut
      ? { limit: false as const }
      : { rest: { label: keys[0], sum: ['billed', 'repriced'], delta: { key: 'delta', from: 'billed', to: 'repriced' } } }),
  };
}

export interface UsageWarning {
  code: string;
  message: string;
  /** Requests (or records) concerned, when the warning counts them. */
  requests: number | null;
}

export interface WarningInput {
  ingest: IngestResult;
  issues: Issue[];
  unpricedModels: Map<string, number>;
  view: UsageView;
  estimated: number;
  dims: Dimension[];
  /** --since / --until as given (for the filter warning). */
  filters: string[];
  /** modelAliases keys that matched no model in the inputs. */
  unusedAliases?: string[];
}

/** Names in a warning: inert and short, at most five, then "and N more". */
function nameList(entries: Array<[string, number]>, unit: string): string {
  const shown = entries.slice(0, 5).map(([m, n]) => `${inert(m, 60)} (${formatInt(n)} ${n === 1 ? unit.replace(/s$/, '') : unit})`);
  return shown.join(', ') + (entries.length > 5 ? `, and ${formatInt(entries.length - 5)} more` : '');
}

/**
 * Problems the reader must not miss, one short line each: printed on stderr in every format and
 * carried in JSON `warnings`. Counts come from the same totals as the tables.
 */
export function usageWarnings(w: WarningInput): UsageWarning[] {
  const out: UsageWarning[] = [];
  const c = w.ingest.counts;
  if (w.unpricedModels.size) {
    const list = [...w.unpricedModels.entries()].sort((a, b) => b[1] - a[1]);
    const requests = list.reduce((n, [, v]) => n + v, 0);
    out.push({
      code: 'unpriced-models',
      requests,
      message: `unpriced models, excluded from costs (not $0): ${nameList(list, 'requests')}; add prices with --prices FILE or map them with modelAliases in tokenomics.yaml`,
    });
  }
  const charges = unpricedChargesMessage(w.view.total.cost);
  if (charges) out.push({ code: 'unpriced-charges', requests: null, message: charges.message });
  out.push(...ingestWarnings(c, w.issues));
  if (w.view.untimedInWindow)
    out.push({
      code: 'untimed-in-window',
      requests: w.view.untimedInWindow,
      message: `${formatInt(w.view.untimedInWindow)} record${w.view.untimedInWindow === 1 ? '' : 's'} without a time kept inside ${w.filters.join(' ')} (a time window cannot place ${w.view.untimedInWindow === 1 ? 'it' : 'them'}: the report of every period counts ${w.view.untimedInWindow === 1 ? 'it' : 'them'})`,
    });
  if (w.view.filteredOut)
    out.push({
      code: 'filtered',
      requests: w.view.filteredOut,
      message: `${formatInt(w.view.filteredOut)} of ${formatInt(c.counted)} records left out by ${w.filters.join(' ')}`,
    });
  for (const d of w.dims) {
    if (d.kind !== 'tag') continue;
    const key = dimensionKey(d);
    if (w.view.groups.length > 0 && w.view.groups.every((g) => g.key[key] === null)) {
      out.push({
        code: 'tag-unmatched',
        requests: null,
        message: `--by ${inert(key, 60)}: no record carries the tag "${inert(d.name, 60)}" (every group is "(none)")`,
      });
    }
  }
  if (w.unusedAliases?.length) {
    const names =
      w.unusedAliases
        .slice(0, 5)
        .map((a) => `"${inert(a, 60)}"`)
        .join(', ') + (w.unusedAliases.length > 5 ? `, and ${w.unusedAliases.length - 5} more` : '');
    out.push({
      code: 'alias-unmatched',
      requests: null,
      message: `modelAliases in tokenomics.yaml that matched no model in the inputs: ${names} (check the spelling against the model ids in the logs)`,
    });
  }
  if (w.estimated)
    out.push({
      code: 'estimated-counts',
      requests: w.estimated,
      message: `${formatInt(w.estimated)} record${w.estimated === 1 ? '' : 's'} had no token counts: their counts were estimated from the text (marked in JSON as estimatedRecords)`,
    });
  for (const [m, n] of w.view.cardWarnings) out.push({ code: 'pricing', requests: n, message: pricingWarningText(m, n) });
  return out;
}

/** A price card's warning ("no flex price for X; priced at standard") with the requests it applied to. */
export const pricingWarningText = (message: string, requests: number): string =>
  `${message} (${formatInt(requests)} request${requests === 1 ? '' : 's'})`;

/** What was read, as the report model's typed inputs (counts and skipped/rejected reasons, largest first). */
export function usageInputs(data: UsageReportData): ReportInputs {
  const i = data.inputs;
  return { files: i.files, read: i.read, counted: i.counted, skipped: i.skipped, rejected: i.rejected };
}

/** The data's issues as the report model's (absent parts left out). */
export function usageIssues(data: UsageReportData): Issue[] {
  return data.issues.map((i) => {
    const issue: Issue = { severity: i.severity, code: i.code, message: i.message };
    if (i.file !== null) issue.file = i.file;
    if (i.line !== null) issue.line = i.line;
    if (i.path !== null) issue.path = i.path;
    if (i.hint !== null) issue.hint = i.hint;
    return issue;
  });
}

export type { Report };

/** The summary's "Total cost" line: the exact priced total, plus the unpriced requests beside it (never $0 for them). */
export function totalCostLine(data: UsageReportData, nothingBillable: string): string {
  // every record counted is in a group (or in the groups left out)
  if (data.groups.length === 0 && !data.groupsLeftOut) {
    // every record outside --since/--until: the window is what is empty, not the inputs
    const outside = data.inputs.outsideTimeRange;
    return `$0.00 (${outside > 0 ? `no record in the time window: ${formatInt(outside)} outside it` : nothingBillable})`;
  }
  const unpriced = data.totals.unpriced;
  const n = unpriced?.requests ?? 0;
  return formatUsd(data.totals.costUsd) + (unpriced ? ` + ${formatInt(n)} unpriced request${n === 1 ? '' : 's'}` : '');
}

/** The summary's "Period" line, in a time zone. */
export function periodLine(data: UsageReportData, zone: string): string {
  const p = data.period;
  if (p) return `${localDateTime(Date.parse(p.from), zone)} to ${localDateTime(Date.parse(p.to), zone)} ${zone}`;
  return data.inputs.outsideTimeRange > 0 && data.totals.requests === 0 ? 'no record in the time window' : 'no timestamps';
}

/** The ids of the sections `report` may have (`--section`), in order; each is there when the run has data or options for it. */
export const REPORT_SECTIONS = ['groups', 'components', 'unit', 'turns', 'caching', 'long-context', 'reprice'] as const;

/**
 * `report`'s view (files or a database table): the report model from the typed data alone.
 * `source` is the summary's first line ([label, text]); `nothingBillable` what an empty total says.
 */
export function usageReport(
  data: UsageReportData,
  o: { top: number | undefined; tz: string | undefined; source: [string, string]; nothingBillable: string; notes?: string[] },
): Report {
  const sections: Section[] = [spendSection(data, o.top), componentsSection(data), unitSection(data)];
  for (const s of [turnsSection(data), cachingSection(data), cliffsSection(data), repriceSection(data)]) if (s) sections.push(s);
  return {
    title: 'tokenomics report',
    summary: [
      o.source,
      ['Period', periodLine(data, o.tz ?? 'UTC')],
      ['Requests', formatInt(data.totals.requests)],
      ['Total cost', totalCostLine(data, o.nothingBillable)],
    ],
    sections,
    inputs: usageInputs(data),
    issues: usageIssues(data),
    notes: o.notes ?? [],
    warnings: data.warnings.map((w) => w.message),
    data: { command: 'report', document: data },
    primarySection: 'groups',
    moreHint: '--top N or --all shows more',
  };
}
