/**
 * `report`'s typed data (UsageReportData) and thereby its `--format json` contract (schemaVersion 1,
 * documented in README "JSON output"): the JSON is this value with each amount (Femto) written as
 * USD (report/data.ts `exactJson`), and the tables are derived from it (report/usage-sections.ts).
 */
import { chargeLines } from './charges.js';
import { TOKEN_DIMENSIONS, type TokenDimension } from '../usage/dimensions.js';
import type { IngestResult } from '../ingest/index.js';
import { reasonsByCount } from '../ingest/types.js';
import type { Issue } from '../core/issues.js';
import { divFemto, type Femto } from '../pricing/money.js';
import type { CostResult, TokenSums } from '../aggregate/accumulator.js';
import type { UsageView } from '../aggregate/view.js';
import type { ReportInputs } from './model.js';
import { dimensionKey, type Dimension } from '../aggregate/dims.js';
import { SCHEMA_VERSION } from '../core/schema-version.js';
import { usdJson } from './json.js';
import { unitCosts, type UnitCosts } from '../pricing/unit-economics.js';

/** An exact amount (written as USD in JSON); null: unpriced. */
export type Usd = Femto | null;

export interface TokensData {
  input: number;
  cacheRead: number;
  cacheWrite5m: number;
  cacheWrite1h: number;
  output: number;
  reasoning: number;
}

export interface UnpricedData {
  requests: number;
  tokens: TokensData;
  charges?: Record<string, number>;
}

export interface ChargeData {
  count: number;
  unit: string;
  costUsd: Usd;
  unpricedCount: number;
}

export interface PricingData {
  entry: string;
  provider: string;
  periodFrom: string | null;
  serviceTier: string | undefined;
  adjustments: unknown;
  source: unknown;
  checkedAt: unknown;
}

/** Cost-per-request quantiles (doubles rounded to 6 significant digits; null: none priced). */
export interface QuantilesData {
  p50: number | null;
  p90: number | null;
  p99: number | null;
  max: number | null;
}

export interface GroupData {
  key: Record<string, string | null>;
  requests: number;
  tokens: TokensData;
  costUsd: Usd;
  components: Record<TokenDimension['key'], Usd>;
  charges: Record<string, ChargeData>;
  shareOfSpend: number | null;
  costPerRequestUsd: Usd;
  outputShareOfSpend: number | null;
  costPerRequestDistributionUsd: QuantilesData;
  unpriced: UnpricedData | null;
  estimatedRecords: number;
  pricing: PricingData[];
  repricedCostUsd?: Usd;
}

export interface GroupsLeftOutData {
  groups: number;
  requests: number;
  costUsd: Usd;
  unpricedRequests: number;
  tokens: TokensData;
  costPerRequestUsd: Usd;
  partlyPricedGroups: number;
  repricedCostUsd?: Usd;
}

export interface TurnData {
  turn: number;
  laterTurnsSummed?: number;
  requests: number;
  avgPromptTokens: number;
  costUsd: Usd;
  avgCostUsd: Usd;
}

export interface UsageReportData {
  schemaVersion: number;
  inputs: ReportInputs & {
    outsideTimeRange: number;
    estimatedRecords: number;
  };
  period: { from: string; to: string } | null;
  groupBy: string[];
  totals: {
    requests: number;
    tokens: TokensData;
    costUsd: Usd;
    components: Record<TokenDimension['key'], Usd>;
    charges: Record<string, ChargeData>;
    /** Free allowances the prices leave out (per project and period); only when there are some. */
    freeAllowances?: string[];
    outputShareOfSpend: number | null;
    unpriced: UnpricedData | null;
    unpricedModels: Record<string, number>;
  };
  groups: GroupData[];
  groupsLeftOut?: GroupsLeftOutData;
  unitEconomics: {
    costPerRequestUsd: Usd;
    costPer1kRequestsUsd: Usd;
    conversations: number;
    costPerConversationUsd: Usd;
    customers: number;
    costPerCustomerUsd: Usd;
    users: number;
    costPerUserUsd: Usd;
    outcomes: {
      success: number;
      failure: number;
      successRate: number | null;
      costOfKnownOutcomesUsd: Usd;
      costPerSuccessfulOutcomeUsd: Usd;
    };
    costPerRequestDistributionUsd: QuantilesData & { mean: number | null };
  };
  contextWindowTax: {
    conversations: number;
    turns: TurnData[];
    promptGrowthFactor: number | null;
    costGrowthFactor: number | null;
  } | null;
  caching: {
    cacheReadShareOfInput: number | null;
    costWithoutCachingUsd: Usd;
    savedUsd: Usd;
    writesNeverRead: { writes: number; tokens: number; costUsd: Usd; premiumOverInputUsd: Usd };
  };
  longContext: Array<{ model: string; threshold: number; operator: string; requests: number; costUsd: Usd; premiumUsd: Usd }>;
  reprice: { label: string; costUsd: Usd; deltaUsd: Usd; unpriced: UnpricedData | null } | null;
  warnings: Array<{ code: string; message: string; requests: number | null }>;
  issues: Array<{
    severity: Issue['severity'];
    code: string;
    message: string;
    file: string | null;
    line: number | null;
    path: string | null;
    hint: string | null;
  }>;
}

const usd = (f: Femto | null | undefined): Usd => (f === undefined ? null : f);
const per = (f: Femto | null, n: number): Usd => (f === null || n <= 0 ? null : divFemto(f, n));
/** A per-request amount as the engine gives it: exact femto over a request count, to 1e-12 (as every amount here). */
const amount = (x: number | undefined): number | null => (x === undefined ? null : x);
/** part / whole floored to 1e-6 (exact from femto amounts), as report/rows.ts shareOf. */
const share = (part: Femto, whole: Femto | null): number | null =>
  whole === null || whole === 0n ? null : Number((Number((part * 1_000_000n) / whole) / 1_000_000).toFixed(6));

export function tokensJson(
  s: Pick<TokenSums, 'inputTokens' | 'cacheReadTokens' | 'cacheWrite5mTokens' | 'cacheWrite1hTokens' | 'outputTokens' | 'reasoningTokens'>,
): TokensData {
  return {
    input: s.inputTokens,
    cacheRead: s.cacheReadTokens,
    cacheWrite5m: s.cacheWrite5mTokens,
    cacheWrite1h: s.cacheWrite1hTokens,
    output: s.outputTokens,
    reasoning: s.reasoningTokens,
  };
}

/**
 * Cost per token bucket, keyed as usage/dimensions.ts names them (charges are in `chargesData`); each
 * null when nothing was priced (`costUsd` null): the buckets of unpriced requests are unpriced, not $0.
 */
export function componentsJson(cost: Pick<CostResult, 'costFemto' | 'components'>): Record<TokenDimension['key'], Usd> {
  return Object.fromEntries(TOKEN_DIMENSIONS.map((d) => [d.key, cost.costFemto === null ? null : usd(cost.components[d.key])])) as Record<
    TokenDimension['key'],
    Usd
  >;
}

/** The `charges` object: per charge key, its count, unit and cost (null: unpriced). */
function chargesData(cost: CostResult): Record<string, ChargeData> {
  const out: Record<string, ChargeData> = Object.create(null);
  for (const l of chargeLines(cost)) out[l.key] = { count: l.count, unit: l.unit, costUsd: l.costFemto, unpricedCount: l.unpriced };
  return out;
}

function unpricedJson(r: CostResult): UnpricedData | null {
  const u = r.unpriced;
  if (u.records === 0) return null;
  return Object.keys(u.calls).length
    ? { requests: u.requests, tokens: tokensJson(u), charges: { ...u.calls } }
    : { requests: u.requests, tokens: tokensJson(u) };
}

function pricingJson(r: CostResult): PricingData[] {
  // sorted by their JSON text, each text made once (in the comparator it was ~15 ms on a 6-model report)
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
    .map((card) => ({ card, text: JSON.stringify(card) }))
    .sort((a, b) => a.text.localeCompare(b.text))
    .map(({ card }) => card);
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

/** The view as `report`'s typed data: every figure the tables and the JSON show, computed once here. */
export function usageData(input: UsageJsonInput): UsageReportData {
  const { view, ingest } = input;
  const total = view.total;
  const totalCost = total.cost.costFemto;
  const free = total.cost.freeAllowances;
  return {
    schemaVersion: SCHEMA_VERSION,
    inputs: {
      ...ingestInputs(ingest),
      outsideTimeRange: view.filteredOut,
      estimatedRecords: input.estimatedRecords,
    },
    period: view.period ? { from: new Date(view.period.fromMs).toISOString(), to: new Date(view.period.toMs).toISOString() } : null,
    groupBy: input.dims.map(dimensionKey),
    totals: {
      requests: total.sums.requests,
      tokens: tokensJson(total.sums),
      costUsd: usd(totalCost),
      components: componentsJson(total.cost),
      charges: chargesData(total.cost),
      ...(free.length ? { freeAllowances: free } : {}),
      outputShareOfSpend: share(total.cost.components.output, totalCost),
      unpriced: unpricedJson(total.cost),
      unpricedModels: input.unpricedModels,
    },
    groups: view.groups.map((g) => ({
      key: g.key,
      requests: g.sums.requests,
      tokens: tokensJson(g.sums),
      costUsd: usd(g.cost.costFemto),
      components: componentsJson(g.cost),
      charges: chargesData(g.cost),
      shareOfSpend: g.cost.costFemto === null ? null : share(g.cost.costFemto, totalCost),
      costPerRequestUsd: per(g.cost.costFemto, g.sums.requests - g.cost.unpriced.requests),
      outputShareOfSpend: share(g.cost.components.output, g.cost.costFemto),
      costPerRequestDistributionUsd: { p50: amount(g.p50), p90: amount(g.p90), p99: amount(g.p99), max: amount(g.max) },
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
            tokens: tokensJson(view.groupsLeftOut.tokens),
            costPerRequestUsd: per(view.groupsLeftOut.costFemto, view.groupsLeftOut.requests - view.groupsLeftOut.unpricedRequests),
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
            deltaUsd: totalCost !== null && total.repriced.costFemto !== null ? total.repriced.costFemto - totalCost : null,
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

/** What was read: the files, and records read = counted + skipped + rejected (reasons largest first). */
export function ingestInputs(ingest: IngestResult): ReportInputs {
  const c = ingest.counts;
  return {
    files: ingest.files.map((f) => ({ path: f.path, format: f.format, bytes: f.bytes })),
    read: c.read,
    counted: c.counted,
    skipped: Object.fromEntries(reasonsByCount(c.skipped)),
    rejected: Object.fromEntries(reasonsByCount(c.rejected)),
  };
}

function unitEconomicsJson(view: UsageView): UsageReportData['unitEconomics'] {
  const d = view.distribution;
  const success = view.outcomes.success;
  const u = viewUnits(view);
  const j = (f: Femto | null): Usd => f;
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
    costPerRequestDistributionUsd: { p50: amount(d.p50), p90: amount(d.p90), p99: amount(d.p99), max: amount(d.max), mean: amount(d.mean) },
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

function contextJson(view: UsageView): UsageReportData['contextWindowTax'] {
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
      first.avgCostUsd !== null && last.avgCostUsd !== null && Number(usdJson(first.avgCostUsd)) > 0
        ? Number((Number(usdJson(last.avgCostUsd)) / Number(usdJson(first.avgCostUsd))).toFixed(3))
        : null,
  };
}

function cachingJson(view: UsageView): UsageReportData['caching'] {
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
