/**
 * `simulate`'s typed data (SimulateData): its `--format json` document, amounts as exact Femto
 * (written as USD by report/data.ts), built once from the engine's results. The report's tables,
 * summary and notes are derived from this value alone (simulate/report.ts `simulateReport`).
 */
import type { Femto } from '../pricing/money.js';
import { unitCosts } from '../pricing/unit-economics.js';
import { dimensionKey, type Dimension } from '../aggregate/dims.js';
import { groupLabel } from '../report/usage-sections.js';
import { stateUnits } from './units.js';
import { simulateBottomLine, type BottomLineFacts } from './bottom-line.js';
import type { ScenarioResult, WaterfallStep } from './engine.js';
import { groupTotals, type StatePrice } from './price.js';
import { knownDimensionOf } from './scope.js';
import type { SimRequest } from './types.js';
import type { LeverDetailsData } from './lever-details.js';

/** A state's totals and unit costs (the baseline, or a scenario after all its levers). */
export interface SimUnitData {
  totalUsd: Femto;
  requestsServed: number;
  /** Rounded to 3 decimals (weighted counts). */
  modelCalls: number;
  successes: number;
  conversations: number;
  customers: number;
  users: number;
  longContextRequests: number;
  costPerRequestUsd: Femto | null;
  costPerConversationUsd: Femto | null;
  costPerCustomerUsd: Femto | null;
  costPerUserUsd: Femto | null;
  costPerSuccessUsd: Femto | null;
  tokens: { input: number; cacheRead: number; cacheWrite: number; output: number };
  unpricedRequests: number;
  unpricedModels: string[];
}

/** One lever of a scenario's waterfall, in the order applied. */
export interface SimStepData {
  lever: string;
  name: string;
  scope: string;
  definedAt: string;
  params: unknown;
  costAfterUsd: Femto;
  /** Marginal saving: the cost before the lever less the cost after it (negative: added cost). */
  savingUsd: Femto;
  /** Of the scenario's saving by its non-volume levers; null for a volume lever or a zero total. */
  shareOfSaving: number | null;
  metrics: Record<string, string>;
  assumptions: Record<string, string>;
  notes: string[];
  /** The lever's own machine-readable results (amounts in it are already USD numbers). */
  result: Record<string, unknown>;
  /**
   * The lever's detail tables as typed data (threshold curve, sample hits, caps, output lengths,
   * summaries; simulate/lever-details.ts), null for a lever without any. An added key.
   */
  details: LeverDetailsData | null;
}

export interface SimCurvePointData {
  k: number;
  method: string;
  baselineUsd: Femto;
  totalUsd: Femto;
  /** The scenario's cost per priced request served at k (null: none priced); an added key, so older readers are unaffected. */
  costPerRequestUsd: Femto | null;
}

export interface SimScenarioData extends SimUnitData {
  name: string;
  description: string | null;
  inherits: string | null;
  definedAt: string;
  /** The baseline's total less the scenario's. */
  savingUsd: Femto;
  waterfall: SimStepData[];
  volumeCurve: SimCurvePointData[] | null;
}

export interface SimGroupData {
  /** The group's values joined with " / ". */
  group: string;
  /** The group's values by dimension; null where its requests have none. */
  key: Record<string, string | null>;
  baselineUsd: Femto;
  /** Cost per scenario, by scenario name. */
  scenarios: Record<string, Femto>;
}

export interface SimBottomLineData {
  scenario: string;
  savingUsd: Femto;
  monthlySavingUsd: Femto | null;
  daysLogged: number | null;
  /** The summary's first lines, label to text, in order. */
  lines: Record<string, string>;
}

/** What was read: the summary's input facts. An added key (null when the caller gave none). */
export interface SimInputsData {
  /** Records simulated. */
  records: number;
  /** Records read, skipped and rejected by the readers. */
  read: number;
  skipped: number;
  rejected: number;
  /** Records with prompt text (the text levers' measured modes). */
  withText: number;
  /** The first and last timestamps as logged (null: no timestamps). */
  period: { from: string; to: string } | null;
}

export interface SimulateData {
  schemaVersion: number;
  command: 'simulate';
  by: string | null;
  inputs: SimInputsData | null;
  baseline: SimUnitData;
  scenarios: SimScenarioData[];
  groups: SimGroupData[] | null;
  notes: string[];
  bottomLine: SimBottomLineData | null;
  /** The report's warnings, added in --format json by the CLI (cli/context.ts) when there are any. */
  warnings?: string[];
}

export interface SimulateDataInput {
  baselineRequests: SimRequest[];
  baseline: StatePrice;
  results: ScenarioResult[];
  /** `--by` dimensions (src/aggregate's), and the text the user gave. */
  by?: string;
  dims?: Dimension[];
  schemaVersion: number;
  /** For the bottom line: days covered, records, records with text (default: from the baseline). */
  facts?: BottomLineFacts;
  /** Notes from the command (before the levers' own). */
  notes: string[];
  /** What was read (the CLI's; tests may leave it out). */
  inputs?: SimInputsData;
}

function unitData(p: StatePrice): SimUnitData {
  const u = stateUnits(p);
  return {
    totalUsd: p.total,
    requestsServed: p.requestsServed,
    modelCalls: Number(p.modelCalls.toFixed(3)),
    successes: Number(p.successes.toFixed(3)),
    conversations: p.conversations,
    customers: p.customers,
    users: p.users,
    longContextRequests: p.longContextRequests,
    costPerRequestUsd: u.perRequest,
    costPerConversationUsd: u.perConversation,
    costPerCustomerUsd: u.perCustomer,
    costPerUserUsd: u.perUser,
    costPerSuccessUsd: u.perSuccess,
    tokens: p.tokens,
    unpricedRequests: p.unpricedRequests,
    unpricedModels: p.unpricedModels,
  };
}

/** A lever's share of its scenario's saving (volume levers and a zero total: none). */
function shareOf(step: WaterfallStep, steps: WaterfallStep[]): number | undefined {
  if (step.spec.kind === 'volume') return undefined;
  const total = steps.filter((s) => s.spec.kind !== 'volume').reduce((a, s) => a + s.saving, 0n);
  if (total === 0n) return undefined;
  return Number((step.saving * 1_000_000n) / total) / 1_000_000;
}

function scenarioData(r: ScenarioResult, baseline: StatePrice): SimScenarioData {
  return {
    name: r.scenario.name,
    description: r.scenario.description ?? null,
    inherits: r.scenario.inherits ?? null,
    definedAt: r.scenario.at,
    ...unitData(r.final),
    savingUsd: baseline.total - r.final.total,
    waterfall: r.steps.map((s) => ({
      lever: s.spec.kind,
      name: s.label,
      scope: s.scope,
      definedAt: s.spec.at,
      params: s.spec.params,
      costAfterUsd: s.after.total,
      savingUsd: s.saving,
      shareOfSaving: shareOf(s, r.steps) ?? null,
      metrics: Object.fromEntries(s.outcome.metrics),
      assumptions: Object.fromEntries(s.outcome.assumptions),
      notes: s.outcome.notes,
      result: s.outcome.json ?? {},
      details: s.outcome.details ?? null,
    })),
    volumeCurve:
      r.curve?.map((c) => ({
        k: c.k,
        method: c.method,
        baselineUsd: c.baselineAtK,
        totalUsd: c.total,
        costPerRequestUsd: unitCosts({ cost: c.total, pricedRequests: c.requestsServed }).perRequest,
      })) ?? null,
  };
}

/** A request's `--by` group: the values as a JSON list (a missing value, null, is a group apart from one spelled "(none)", as in report). */
export function simGroupKey(dims: readonly Dimension[]): (r: SimRequest) => string {
  return (r) => JSON.stringify(dims.map((d) => knownDimensionOf(r, d)));
}

function groupsData(input: SimulateDataInput): SimGroupData[] | null {
  const dims = input.dims;
  if (!input.by || !dims) return null;
  const key = simGroupKey(dims);
  const base = groupTotals(input.baselineRequests, input.baseline.costs, key);
  const per = input.results.map((r) => r.groupTotals ?? groupTotals(r.requests, r.final.costs, key));
  const names = [...new Set([...base.keys(), ...per.flatMap((m) => [...m.keys()])])].sort(
    (a, b) => Number((base.get(b) ?? 0n) - (base.get(a) ?? 0n)) || a.localeCompare(b),
  );
  return names.map((g) => {
    const values = JSON.parse(g) as Array<string | null>;
    return {
      // shown as report shows a group: (none) for no value, a value spelled like a label in quotes
      group: values.map(groupLabel).join(' / '),
      key: Object.fromEntries(dims.map((d, i) => [dimensionKey(d), values[i]])),
      baselineUsd: base.get(g) ?? 0n,
      scenarios: Object.fromEntries(input.results.map((r, i) => [r.scenario.name, per[i].get(g) ?? 0n])),
    };
  });
}

/** The notes: the command's, each lever's (prefixed with its scenario and name), then unpriced requests. */
function notesOf(input: SimulateDataInput): string[] {
  const notes = [...input.notes];
  for (const r of input.results)
    for (const s of r.steps) for (const n of s.outcome.notes) notes.push(`${r.scenario.name} / ${s.label}: ${n}`);
  if (input.baseline.unpricedRequests > 0)
    notes.push(
      `${input.baseline.unpricedRequests} request(s) on models not in the catalog are excluded from every total: ${input.baseline.unpricedModels.join(', ')}`,
    );
  return notes;
}

export function simulateData(input: SimulateDataInput): SimulateData {
  // the lowest scenario after all its levers (the first of equals)
  const best = input.results.reduce<ScenarioResult | undefined>((b, r) => (!b || r.final.total < b.final.total ? r : b), undefined);
  const facts = input.facts ?? { records: input.baselineRequests.length, withText: input.baselineRequests.length };
  const bottom = best ? simulateBottomLine(input.baseline, best, facts) : undefined;
  return {
    schemaVersion: input.schemaVersion,
    command: 'simulate',
    by: input.by ?? null,
    inputs: input.inputs ?? null,
    baseline: unitData(input.baseline),
    scenarios: input.results.map((r) => scenarioData(r, input.baseline)),
    groups: groupsData(input),
    notes: notesOf(input),
    bottomLine: bottom
      ? {
          scenario: bottom.scenario,
          savingUsd: bottom.saving,
          monthlySavingUsd: bottom.monthlySaving ?? null,
          daysLogged: facts.days ?? null,
          lines: Object.fromEntries(bottom.lines),
        }
      : null,
  };
}

// this command's document in the report's data union (report/data.ts CommandDocuments)
declare module '../report/data.js' {
  interface CommandDocuments {
    simulate: SimulateData;
  }
}
