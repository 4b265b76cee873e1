/** Tables for `report`: built from the same view as the JSON contract. */
import { formatInt, formatPct } from './cells.js';
import { chargeLines, unpricedChargesMessage } from './charges.js';
import { TOKEN_DIMENSIONS } from '../usage/dimensions.js';
import { col, type Cell, type Report, type ReportInputs, type Section } from './model.js';
import { inputLines, issueLines } from './parts.js';
import { shareOf, shownRows } from './rows.js';
import { divFemto, formatUsd, type Femto } from '../pricing/money.js';
import type { UsageView, GroupView } from '../aggregate/view.js';
import { dimensionKey, dimensionLabel, type Dimension } from '../aggregate/dims.js';
import type { Issue } from '../core/issues.js';
import type { IngestResult } from '../ingest/index.js';
import { inert } from '../core/untrusted.js';
import { viewUnits } from './usage-json.js';

const title = (s: string): string => s[0].toUpperCase() + s.slice(1);
const fshare = (part: Femto, whole: Femto | null): number | undefined => shareOf(part, whole);
const perReq = (f: Femto | null, n: number): Femto | null => (f === null || n <= 0 ? null : divFemto(f, n));
const femtoOf = (x: number | undefined): bigint | undefined => (x === undefined ? undefined : BigInt(Math.round(x * 1e15)));
const usdFloat = (x: number | undefined): string => (x === undefined ? '-' : formatUsd(femtoOf(x)));

function groupRow(g: GroupView, dims: Dimension[], total: Femto | null): Record<string, Cell> {
  const row: Record<string, Cell> = {};
  for (const d of dims) row[dimensionKey(d)] = g.key[dimensionKey(d)];
  const s = g.sums;
  Object.assign(row, {
    requests: s.requests,
    input: s.inputTokens,
    cacheRead: s.cacheReadTokens,
    cacheWrite: s.cacheWrite5mTokens + s.cacheWrite1hTokens,
    output: s.outputTokens,
    cost: g.cost.costFemto,
    share: g.cost.costFemto === null ? undefined : fshare(g.cost.costFemto, total),
    perRequest: perReq(g.cost.costFemto, s.requests - g.cost.unpriced.requests),
    outputShare: fshare(g.cost.components.output, g.cost.costFemto),
    p90: femtoOf(g.p90),
    unpricedRequests: g.cost.unpriced.requests,
  });
  if (g.cost.unpriced.records > 0 && g.cost.costFemto !== null) row.cost = g.cost.costFemto; // partly priced: the note says so
  return row;
}

/**
 * Spend by group. Every group the view holds is a row; a formatter showing fewer rows sums the rest
 * into one row by the section's `rest` rule (rows.ts), so a saved complete JSON report renders the
 * same table the command printed. `top` (an explicit --top) cuts here, with the same rule; groups
 * the engine already left out arrive summed exactly in one row.
 */
export function spendSection(view: UsageView, dims: Dimension[], top: number | undefined): Section {
  const total = view.total.cost.costFemto;
  const rows = view.groups.map((g) => groupRow(g, dims, total));
  const cut = view.groupsLeftOut;
  if (cut) {
    rows.push({
      [dimensionKey(dims[0])]: `(${formatInt(cut.groups)} more)`,
      requests: cut.requests,
      cost: cut.costFemto,
      share: cut.costFemto === null ? undefined : fshare(cut.costFemto, total),
      unpricedRequests: cut.unpricedRequests,
    });
  }
  const s = view.total.sums;
  const footer: Record<string, Cell> = {
    [dimensionKey(dims[0])]: 'Total',
    requests: s.requests,
    input: s.inputTokens,
    cacheRead: s.cacheReadTokens,
    cacheWrite: s.cacheWrite5mTokens + s.cacheWrite1hTokens,
    output: s.outputTokens,
    cost: total,
    share: total === null ? undefined : 1,
    perRequest: perReq(total, s.requests - view.total.cost.unpriced.requests),
    outputShare: fshare(view.total.cost.components.output, total),
    p90: femtoOf(view.distribution.p90),
    unpricedRequests: view.total.cost.unpriced.requests,
  };
  const partly = view.groups.filter((g) => g.cost.unpriced.records > 0);
  const section: Section = {
    id: 'groups',
    title: `Spend by ${dims.map(dimensionLabel).join(', ')}`,
    columns: [
      ...dims.map((d) => col(dimensionKey(d), title(dimensionLabel(d)), 'text', { priority: 1 })),
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
    notes: partlyPricedNote(partly, dims, view.groupsLeftOut?.partlyPriced ?? 0),
  };
  // the rest summed in one row: by the engine (cut), at --top here, else by the formatter at its row limit
  if (cut) return { ...section, limit: false };
  const rest = { label: dimensionKey(dims[0]), sum: ['requests', 'cost', 'unpricedRequests'], share: { key: 'share', of: 'cost' } };
  const withRest: Section = { ...section, rest };
  return top === undefined ? withRest : { ...section, rows: shownRows(withRest, top).rows, limit: false };
}

/** `notShown`: partly priced groups among those left out of the table. */
function partlyPricedNote(partly: GroupView[], dims: Dimension[], notShown: number): string[] | undefined {
  const named = partly.filter((g) => g.cost.costFemto !== null);
  if (named.length + notShown === 0) return undefined;
  const label = (g: GroupView) => dims.map((d) => g.key[dimensionKey(d)]).join(' / ');
  const list = named
    .slice(0, 5)
    .map((g) => `${inert(label(g))} (${formatInt(g.cost.unpriced.requests)} of ${formatInt(g.sums.requests)} requests unpriced)`);
  const moreCount = Math.max(0, named.length - 5) + notShown;
  const more = moreCount > 0 ? `${list.length ? ', and' : ''} ${moreCount}${list.length ? ' more' : ' groups not shown'}` : '';
  return [
    `Partly priced: ${list.join(', ')}${more}. Cost and $/request cover only the priced requests; the unpriced ones are left out (see the warnings).`,
  ];
}

export function componentsSection(view: UsageView): Section {
  const c = view.total.cost.components;
  const s = view.total.sums;
  const total = view.total.cost.costFemto;
  // one row per token bucket, then one per charge (usage/dimensions.ts)
  const rows: Record<string, Cell>[] = TOKEN_DIMENSIONS.map((d) => ({
    component: d.label,
    tokens: s[d.field],
    cost: c[d.key],
    share: fshare(c[d.key], total),
  }));
  const outTokShare =
    s.outputTokens / Math.max(1, s.inputTokens + s.cacheReadTokens + s.cacheWrite5mTokens + s.cacheWrite1hTokens + s.outputTokens);
  // charges beside tokens (web searches, fetches, grounding, ...): their count in a column of their own
  const charges = chargeLines(view.total.cost);
  const chargeRows: Record<string, Cell>[] = charges.map((l) => ({
    component: l.label,
    count: l.count,
    unit: l.unit,
    cost: l.costFemto,
    share: l.costFemto === null ? undefined : fshare(l.costFemto, total),
  }));
  const notes: string[] = [];
  if (total)
    notes.push(
      `Output is ${formatPct(outTokShare)} of tokens but ${formatPct(fshare(c.output, total) ?? 0)} of spend (the output-token premium).${s.reasoningTokens ? ` Reasoning: ${formatInt(s.reasoningTokens)} of the output tokens.` : ''}`,
    );
  for (const l of charges)
    if (l.unpriced > 0 && l.costFemto !== null)
      notes.push(`${l.label}: ${formatInt(l.unpriced)} of ${formatInt(l.count)} ${l.unit} have no catalog price (left out of the cost).`);
  for (const a of view.total.cost.freeAllowances)
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

export function unitSection(view: UsageView): Section {
  const u = viewUnits(view);
  const d = view.distribution;
  const rows: Record<string, Cell>[] = [
    { metric: 'Cost per request (mean)', value: formatUsd(u.perRequest) },
    {
      metric: 'Cost per request p50 / p90 / p99 / max',
      value: `${usdFloat(d.p50)} / ${usdFloat(d.p90)} / ${usdFloat(d.p99)} / ${usdFloat(d.max)}`,
    },
    { metric: 'Cost per 1,000 requests', value: formatUsd(u.per1kRequests) },
  ];
  if (view.conversations)
    rows.push({
      metric: `Cost per conversation (${formatInt(view.conversations)})`,
      value: formatUsd(u.perConversation),
    });
  if (view.customers)
    rows.push({
      metric: `Cost per customer (${formatInt(view.customers)})`,
      value: formatUsd(u.perCustomer),
    });
  if (view.users) rows.push({ metric: `Cost per user (${formatInt(view.users)})`, value: formatUsd(u.perUser) });
  const o = view.outcomes;
  if (o.success + o.failure > 0) {
    rows.push({
      metric: 'Success rate (requests with a known outcome)',
      value: `${formatPct(o.success / (o.success + o.failure))} of ${formatInt(o.success + o.failure)}`,
    });
    rows.push({ metric: 'Cost per successful outcome', value: formatUsd(u.perSuccess) });
  }
  return {
    id: 'unit',
    title: 'Unit economics',
    columns: [col('metric', 'Metric'), col('value', 'Value')],
    rows,
    notes: [
      'Per conversation / customer / user: the cost of the requests attributed to them, divided by their number. Percentiles (nearest rank over requests) and means are exact.',
    ],
  };
}

export function turnsSection(view: UsageView): Section | undefined {
  if (view.turns.length < 2) return undefined;
  const rows = view.turns.map((t) => ({
    turn: t.turn,
    requests: t.requests,
    avgPrompt: t.requests ? Math.round(t.promptTokens / t.requests) : 0,
    avgCost: perReq(t.cost.costFemto, t.requests - t.cost.unpriced.requests),
    cost: t.cost.costFemto,
  }));
  const first = rows[0];
  const last = rows[rows.length - 1];
  const growth = first.avgPrompt > 0 ? (last.avgPrompt / first.avgPrompt).toFixed(1) : '-';
  const summed = view.turns[view.turns.length - 1].laterTurns;
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

export function cachingSection(view: UsageView): Section {
  const s = view.total.sums;
  const c = view.total.cost;
  const allInput = s.inputTokens + s.cacheReadTokens + s.cacheWrite5mTokens + s.cacheWrite1hTokens;
  const saved = c.costFemto === null ? null : c.uncachedEquivalentFemto - c.costFemto;
  const u = view.unreadWrites;
  return {
    id: 'caching',
    title: 'Caching as it happened',
    columns: [col('metric', 'Metric'), col('value', 'Value')],
    rows: [
      { metric: 'Cache reads, share of input tokens', value: allInput ? formatPct(s.cacheReadTokens / allInput) : '-' },
      {
        metric: 'Cost without caching (same tokens at input price)',
        value: formatUsd(c.costFemto === null ? null : c.uncachedEquivalentFemto),
      },
      { metric: 'Saved by caching (net of write premiums)', value: formatUsd(saved) },
      { metric: 'Cache writes never read (writes / tokens)', value: `${formatInt(u.writes)} / ${formatInt(u.tokens)}` },
      { metric: 'Paid for unread writes (premium over input)', value: `${formatUsd(u.costFemto)} (${formatUsd(u.premiumFemto)})` },
    ],
  };
}

export function cliffsSection(view: UsageView): Section | undefined {
  if (view.cliffs.length === 0) return undefined;
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
    rows: view.cliffs.map((c) => ({
      model: c.model,
      threshold: `${c.operator}${formatInt(c.threshold)}`,
      requests: c.requests,
      cost: c.costFemto,
      premium: c.premiumFemto,
    })),
  };
}

export function repriceSection(view: UsageView, dims: Dimension[], label: string): Section | undefined {
  if (!view.total.repriced) return undefined;
  const rows = view.groups.map((g) => {
    const row: Record<string, Cell> = {};
    for (const d of dims) row[dimensionKey(d)] = g.key[dimensionKey(d)];
    const a = g.cost.costFemto;
    const b = g.repriced?.costFemto ?? null;
    return { ...row, billed: a, repriced: b, delta: a !== null && b !== null ? b - a : null };
  });
  const cut = view.groupsLeftOut;
  if (cut) {
    const b = cut.repricedFemto ?? null;
    const a = cut.costFemto;
    rows.push({
      [dimensionKey(dims[0])]: `(${formatInt(cut.groups)} more)`,
      billed: a,
      repriced: b,
      delta: a !== null && b !== null ? b - a : null,
    });
  }
  const a = view.total.cost.costFemto;
  const b = view.total.repriced.costFemto;
  return {
    id: 'reprice',
    title: `Repricing: as billed vs ${label}`,
    columns: [
      ...dims.map((d) => col(dimensionKey(d), title(dimensionLabel(d)), 'text', { priority: 1 })),
      col('billed', 'As billed', 'usd'),
      col('repriced', label, 'usd'),
      col('delta', 'Delta', 'usd'),
    ],
    rows,
    footer: { [dimensionKey(dims[0])]: 'Total', billed: a, repriced: b, delta: a !== null && b !== null ? b - a : null },
    // cut by the engine (--top), the rest summed in one row; else summed so by a formatter at its row limit
    ...(cut
      ? { limit: false as const }
      : { rest: { label: dimensionKey(dims[0]), sum: ['billed', 'repriced'], delta: { key: 'delta', from: 'billed', to: 'repriced' } } }),
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
  const rejected = Object.entries(c.rejected).sort((a, b) => b[1] - a[1]);
  const rejectedCount = rejected.reduce((n, [, v]) => n + v, 0);
  if (rejectedCount) {
    const first = w.issues.find((i) => i.severity === 'error' && i.file);
    const where = first ? `; first at ${inert(first.file!, 200)}${first.line ? `:${first.line}` : ''}` : '';
    out.push({
      code: 'rejected-records',
      requests: rejectedCount,
      message: `${formatInt(rejectedCount)} record${rejectedCount === 1 ? '' : 's'} rejected as invalid (${rejected.map(([k, v]) => `${inert(k, 60)} ${formatInt(v)}`).join(', ')})${where}; --strict makes this an error`,
    });
  }
  if (!rejectedCount) {
    // errors that stopped reading (part of) a file, with no record rejected: still never silent
    const fileErrors = w.issues.filter((i) => i.severity === 'error');
    if (fileErrors.length) {
      const first = fileErrors[0];
      const where = first.file ? `${inert(first.file, 200)}${first.line ? `:${first.line}` : ''}: ` : '';
      out.push({
        code: 'input-errors',
        requests: null,
        message: `${formatInt(fileErrors.length)} input error${fileErrors.length === 1 ? '' : 's'}: ${where}${inert(first.message, 200)}; --strict makes this an error`,
      });
    }
  }
  if (w.view.filteredOut)
    out.push({
      code: 'filtered',
      requests: w.view.filteredOut,
      message: `${formatInt(w.view.filteredOut)} of ${formatInt(c.counted)} records left out by ${w.filters.join(' ')}`,
    });
  for (const d of w.dims) {
    if (d.kind !== 'tag') continue;
    const key = dimensionKey(d);
    if (w.view.groups.length > 0 && w.view.groups.every((g) => g.key[key] === '(none)')) {
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
  for (const [m, n] of w.view.cardWarnings)
    out.push({ code: 'pricing', requests: n, message: `${m} (${formatInt(n)} request${n === 1 ? '' : 's'})` });
  return out;
}

/** What was read, as the report model's typed inputs (counts and skipped/rejected reasons, largest first). */
export function usageInputs(ingest: IngestResult): ReportInputs {
  const sorted = (m: Record<string, number>) => Object.fromEntries(Object.entries(m).sort((a, b) => b[1] - a[1]));
  const c = ingest.counts;
  return {
    files: ingest.files.map((f) => ({ path: f.path, format: f.format, bytes: f.bytes })),
    read: c.read,
    counted: c.counted,
    skipped: sorted(c.skipped),
    rejected: sorted(c.rejected),
  };
}

/** Closing lines of commands that keep inputs and issues in their notes (whatif, report on a database). */
export function inputNotes(ingest: IngestResult, issues: Issue[]): string[] {
  return [...inputLines(usageInputs(ingest)), ...issueLines(issues)];
}

export type { Report };

/** The summary's "Total cost" line: the exact priced total, plus the unpriced requests beside it (never $0 for them). */
export function totalCostLine(view: UsageView, nothingBillable: string): string {
  if (view.total.sums.records === 0) return `$0.00 (${nothingBillable})`;
  const unpriced = view.total.cost.unpriced;
  const n = unpriced.requests;
  return formatUsd(view.total.cost.costFemto) + (unpriced.records ? ` + ${formatInt(n)} unpriced request${n === 1 ? '' : 's'}` : '');
}
