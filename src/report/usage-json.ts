/** The `report --format json` contract (schemaVersion 1). Documented in README "JSON output". */
import { chargesJson } from './charges.js';
import { TOKEN_DIMENSIONS, type TokenDimension } from '../usage/dimensions.js';
import type { IngestResult } from '../ingest/index.js';
import type { Issue } from '../core/issues.js';
import { divFemto, type Femto } from '../pricing/money.js';
import { usdJson, type ExactDecimal } from './json.js';
import type { Components } from '../pricing/cost.js';
import type { CostResult, TokenSums } from '../aggregate/accumulator.js';
import type { UsageView } from '../aggregate/view.js';
import { dimensionKey, type Dimension } from '../aggregate/dims.js';
import { SCHEMA_VERSION } from '../core/schema-version.js';
import { unitCosts, type UnitCosts } from '../pricing/unit-economics.js';

// amounts print from their exact digits (report/json.ts): a double cannot hold $9,007.123456789012
const usd = (f: Femto | null | undefined): number | ExactDecimal | null => (f === null || f === undefined ? null : usdJson(f));
const per = (f: Femto | null, n: number): number | ExactDecimal | null => (f === null || n <= 0 ? null : usdJson(divFemto(f, n)));
const round6 = (x: number | undefined): number | null => (x === undefined ? null : Number(x.toPrecision(6)));
const share = (part: Femto, whole: Femto | null): number | null =>
  whole === null || whole === 0n ? null : Number((Number((part * 1_000_000n) / whole) / 1_000_000).toFixed(6));

export function tokensJson(s: TokenSums) {
  return {
    input: s.inputTokens,
    cacheRead: s.cacheReadTokens,
    cacheWrite5m: s.cacheWrite5mTokens,
    cacheWrite1h: s.cacheWrite1hTokens,
    output: s.outputTokens,
    reasoning: s.reasoningTokens,
  };
}

/** Cost per token bucket, keyed as usage/dimensions.ts names them (charges are in `chargesJson`). */
export function componentsJson(c: Components): Record<TokenDimension['key'], number | ExactDecimal | null> {
  return Object.fromEntries(TOKEN_DIMENSIONS.map((d) => [d.key, usd(c[d.key])])) as Record<
    TokenDimension['key'],
    number | ExactDecimal | null
  >;
}

function unpricedJson(r: CostResult) {
  const u = r.unpriced;
  if (u.records === 0) return null;
  return Object.keys(u.calls).length
    ? { requests: u.requests, tokens: tokensJson(u), charges: { ...u.calls } }
    : { requests: u.requests, tokens: tokensJson(u) };
}

function pricingJson(r: CostResult) {
  return r.cards
    .map((c) => ({
      entry: c.entry.id,
      provider: c.entry.provider,
      periodFrom: c.period.from ?? null,
      serviceTier: c.pricedTier,
      adjustments: c.adjustments,
      source: c.entry.source,
      checkedAt: c.entry.checkedAt,
    }))
    .sort((a, b) => JSON.stringify(a).localeCompare(JSON.stringify(b)));
}

export interface UsageJsonInput {
  view: UsageView;
  ingest: IngestResult;
  dims: Dimension[];
  issues: Issue[];
  estimatedRecords: number;
  unpricedModels: Record<string, number>;
  reprice?: { label: string };
  /** The warning summary printed on stderr (same list, same order). */
  warnings: Array<{ code: string; message: string; requests: number | null }>;
}

export function usageJson(input: UsageJsonInput) {
  const { view, ingest } = input;
  const total = view.total;
  const totalCost = total.cost.costFemto;
  return {
    schemaVersion: SCHEMA_VERSION,
    inputs: {
      files: ingest.files.map((f) => ({ path: f.path, format: f.format, bytes: f.bytes })),
      read: ingest.counts.read,
      counted: ingest.counts.counted,
      skipped: sortedCounts(ingest.counts.skipped),
      rejected: sortedCounts(ingest.counts.rejected),
      outsideTimeRange: view.filteredOut,
      estimatedRecords: input.estimatedRecords,
    },
    period: view.period ? { from: new Date(view.period.fromMs).toISOString(), to: new Date(view.period.toMs).toISOString() } : null,
    groupBy: input.dims.map(dimensionKey),
    totals: {
      requests: total.sums.requests,
      tokens: tokensJson(total.sums),
      costUsd: usd(totalCost),
      components: componentsJson(total.cost.components),
      charges: chargesJson(total.cost),
      outputShareOfSpend: share(total.cost.components.output, totalCost),
      unpriced: unpricedJson(total.cost),
      unpricedModels: input.unpricedModels,
    },
    groups: view.groups.map((g) => ({
      key: g.key,
      requests: g.sums.requests,
      tokens: tokensJson(g.sums),
      costUsd: usd(g.cost.costFemto),
      components: componentsJson(g.cost.components),
      charges: chargesJson(g.cost),
      shareOfSpend: g.cost.costFemto === null ? null : share(g.cost.costFemto, totalCost),
      costPerRequestUsd: per(g.cost.costFemto, g.sums.requests - g.cost.unpriced.requests),
      outputShareOfSpend: share(g.cost.components.output, g.cost.costFemto),
      costPerRequestDistributionUsd: { p50: round6(g.p50), p90: round6(g.p90), p99: round6(g.p99), max: round6(g.max) },
      unpriced: unpricedJson(g.cost),
      estimatedRecords: g.sums.estimatedRecords,
      pricing: pricingJson(g.cost),
      ...(g.repriced ? { repricedCostUsd: usd(g.repriced.costFemto) } : {}),
    })),
    ...(view.groupsLeftOut
      ? {
          groupsLeftOut: {
            groups: view.groupsLeftOut.groups,
            requests: view.groupsLeftOut.requests,
            costUsd: usd(view.groupsLeftOut.costFemto),
            unpricedRequests: view.groupsLeftOut.unpricedRequests,
            partlyPricedGroups: view.groupsLeftOut.partlyPriced,
            ...(view.groupsLeftOut.repricedFemto !== undefined ? { repricedCostUsd: usd(view.groupsLeftOut.repricedFemto) } : {}),
          },
        }
      : {}),
    unitEconomics: unitEconomicsJson(view),
    contextWindowTax: contextJson(view),
    caching: cachingJson(view),
    longContext: view.cliffs.map((c) => ({
      model: c.model,
      threshold: c.threshold,
      operator: c.operator,
      requests: c.requests,
      costUsd: usd(c.costFemto),
      premiumUsd: usd(c.premiumFemto),
    })),
    reprice:
      input.reprice && total.repriced
        ? {
            label: input.reprice.label,
            costUsd: usd(total.repriced.costFemto),
            deltaUsd: totalCost !== null && total.repriced.costFemto !== null ? usd(total.repriced.costFemto - totalCost) : null,
            unpriced: unpricedJson(total.repriced),
          }
        : null,
    warnings: input.warnings,
    issues: input.issues.map((i) => ({
      severity: i.severity,
      code: i.code,
      message: i.message,
      file: i.file ?? null,
      line: i.line ?? null,
      path: i.path ?? null,
      hint: i.hint ?? null,
    })),
  };
}

function sortedCounts(m: Record<string, number>): Record<string, number> {
  return Object.fromEntries(Object.entries(m).sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0])));
}

function unitEconomicsJson(view: UsageView) {
  const d = view.distribution;
  const success = view.outcomes.success;
  const u = viewUnits(view);
  const j = (f: Femto | null) => (f === null ? null : usdJson(f));
  return {
    costPerRequestUsd: j(u.perRequest),
    costPer1kRequestsUsd: j(u.per1kRequests),
    conversations: view.conversations,
    costPerConversationUsd: j(u.perConversation),
    customers: view.customers,
    costPerCustomerUsd: j(u.perCustomer),
    users: view.users,
    costPerUserUsd: j(u.perUser),
    outcomes: {
      success,
      failure: view.outcomes.failure,
      successRate: success + view.outcomes.failure > 0 ? Number((success / (success + view.outcomes.failure)).toFixed(6)) : null,
      costOfKnownOutcomesUsd: usd(view.outcomes.knownCost.costFemto),
      // priced cost of requests with a known outcome / successful priced requests (unpriced ones add no cost)
      costPerSuccessfulOutcomeUsd: j(u.perSuccess),
    },
    costPerRequestDistributionUsd: { p50: round6(d.p50), p90: round6(d.p90), p99: round6(d.p99), max: round6(d.max), mean: round6(d.mean) },
  };
}

export function pricedSuccesses(view: UsageView): number {
  return view.outcomes.success - view.outcomes.successCost.unpriced.requests;
}

/** The view's unit economics, by the one computation simulate and whatif use too. */
export function viewUnits(view: UsageView): UnitCosts {
  const a = view.attributed;
  return unitCosts({
    cost: view.total.cost.costFemto,
    pricedRequests: view.total.sums.requests - view.total.cost.unpriced.requests,
    conversationCost: a.conversation.costFemto,
    conversations: view.conversations,
    customerCost: a.customer.costFemto,
    customers: view.customers,
    userCost: a.user.costFemto,
    users: view.users,
    successCost: view.outcomes.knownCost.costFemto,
    successes: pricedSuccesses(view),
  });
}

function contextJson(view: UsageView) {
  if (view.turns.length === 0) return null;
  const rows = view.turns.map((t) => ({
    turn: t.turn,
    ...(t.laterTurns ? { laterTurnsSummed: t.laterTurns } : {}),
    requests: t.requests,
    avgPromptTokens: t.requests ? Math.round(t.promptTokens / t.requests) : 0,
    costUsd: usd(t.cost.costFemto),
    avgCostUsd: per(t.cost.costFemto, t.requests - t.cost.unpriced.requests),
  }));
  const first = rows[0];
  const last = rows[rows.length - 1];
  return {
    conversations: view.conversations,
    turns: rows,
    promptGrowthFactor: first.avgPromptTokens > 0 ? Number((last.avgPromptTokens / first.avgPromptTokens).toFixed(3)) : null,
    costGrowthFactor:
      first.avgCostUsd && last.avgCostUsd && Number(first.avgCostUsd) > 0
        ? Number((Number(last.avgCostUsd) / Number(first.avgCostUsd)).toFixed(3))
        : null,
  };
}

function cachingJson(view: UsageView) {
  const s = view.total.sums;
  const c = view.total.cost;
  const allInput = s.inputTokens + s.cacheReadTokens + s.cacheWrite5mTokens + s.cacheWrite1hTokens;
  const saved = c.costFemto === null ? null : c.uncachedEquivalentFemto - c.costFemto;
  return {
    cacheReadShareOfInput: allInput > 0 ? Number((s.cacheReadTokens / allInput).toFixed(6)) : null,
    costWithoutCachingUsd: c.costFemto === null ? null : usd(c.uncachedEquivalentFemto),
    savedUsd: usd(saved),
    writesNeverRead: {
      writes: view.unreadWrites.writes,
      tokens: view.unreadWrites.tokens,
      costUsd: usd(view.unreadWrites.costFemto),
      premiumOverInputUsd: usd(view.unreadWrites.premiumFemto),
    },
  };
}
