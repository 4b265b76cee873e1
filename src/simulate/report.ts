/**
 * The simulate report: baseline beside each scenario (totals and unit costs), a waterfall of each
 * lever's marginal saving in the order applied, per-group totals, the assumptions table, lever
 * details (threshold curve, truncation, summaries, volume curve) and honest notes.
 */
import { femtoToUsdNumber, formatUsd, type Femto } from '../pricing/money.js';
import { unitCosts } from '../pricing/unit-economics.js';
import { stateUnits } from './units.js';
import { simulateBottomLine, type BottomLineFacts } from './bottom-line.js';
import { col, type Report, type Section } from '../report/model.js';
import type { ScenarioResult, WaterfallStep } from './engine.js';
import { groupTotals, type StatePrice } from './price.js';
import { splitGroupKey, type Dimension } from '../aggregate/dims.js';
import { groupKeyOf } from './scope.js';
import type { SimRequest } from './types.js';

export interface SimulateReportInput {
  baselineRequests: SimRequest[];
  baseline: StatePrice;
  results: ScenarioResult[];
  /** `--by` dimensions (src/aggregate's), and the text the user gave. */
  by?: string;
  dims?: Dimension[];
  explain: boolean;
  schemaVersion: number;
  /** Input facts: records read, period, etc. */
  summary: Array<[string, string]>;
  /** For the bottom line: days covered, records, records with text (default: from the baseline). */
  facts?: BottomLineFacts;
  notes: string[];
}

const usd = (f: Femto | null) => (f === null ? null : femtoToUsdNumber(f));

function unitRow(name: string, p: StatePrice, baseline: StatePrice) {
  const change = p.total - baseline.total;
  const u = stateUnits(p);
  return {
    scenario: name,
    total: p.total,
    change: p === baseline ? undefined : change,
    changePct: p !== baseline && baseline.total > 0n ? Number((change * 1_000_000n) / baseline.total) / 1_000_000 : undefined,
    perRequest: u.perRequest,
    perConversation: u.perConversation,
    perCustomer: u.perCustomer,
    perSuccess: u.perSuccess,
    calls: Math.round(p.modelCalls),
    longContext: Math.round(p.longContextRequests),
  };
}

function unitJson(p: StatePrice) {
  const u = stateUnits(p);
  return {
    totalUsd: femtoToUsdNumber(p.total),
    requestsServed: p.requestsServed,
    modelCalls: Number(p.modelCalls.toFixed(3)),
    successes: Number(p.successes.toFixed(3)),
    conversations: p.conversations,
    customers: p.customers,
    users: p.users,
    longContextRequests: p.longContextRequests,
    costPerRequestUsd: usd(u.perRequest),
    costPerConversationUsd: usd(u.perConversation),
    costPerCustomerUsd: usd(u.perCustomer),
    costPerUserUsd: usd(u.perUser),
    costPerSuccessUsd: usd(u.perSuccess),
    tokens: p.tokens,
    unpricedRequests: p.unpricedRequests,
    unpricedModels: p.unpricedModels,
  };
}

function scenariosSection(input: SimulateReportInput): Section {
  const rows = [
    unitRow('baseline (as billed)', input.baseline, input.baseline),
    ...input.results.map((r) => unitRow(r.scenario.name, r.final, input.baseline)),
  ];
  return {
    id: 'scenarios',
    title: 'Baseline and scenarios',
    columns: [
      col('scenario', 'Scenario'),
      col('total', 'Total', 'usd'),
      col('change', 'Change', 'usd', { priority: 1 }),
      col('changePct', 'Change %', 'pct', { priority: 2 }),
      col('perRequest', 'Per request', 'usd', { priority: 2 }),
      col('perConversation', 'Per conversation', 'usd', { priority: 3 }),
      col('perCustomer', 'Per customer', 'usd', { priority: 3 }),
      col('perSuccess', 'Per success', 'usd', { priority: 3 }),
      col('calls', 'Model calls', 'int', { priority: 4 }),
      col('longContext', 'Long-context', 'int', { priority: 4 }),
    ],
    rows,
  };
}

function shareOf(step: WaterfallStep, steps: WaterfallStep[]): number | undefined {
  if (step.spec.kind === 'volume') return undefined;
  const total = steps.filter((s) => s.spec.kind !== 'volume').reduce((a, s) => a + s.saving, 0n);
  if (total === 0n) return undefined;
  return Number((step.saving * 1_000_000n) / total) / 1_000_000;
}

function waterfallSection(results: ScenarioResult[]): Section {
  const rows: Section['rows'] = [];
  for (const r of results) {
    rows.push({
      scenario: r.scenario.name,
      step: 0,
      lever: 'baseline (as billed)',
      scope: '',
      after: r.baseline.total,
      saving: undefined,
      share: undefined,
      metrics: '',
    });
    r.steps.forEach((s, i) =>
      rows.push({
        scenario: r.scenario.name,
        step: i + 1,
        lever: s.label,
        scope: s.scope,
        after: s.after.total,
        saving: s.saving,
        share: shareOf(s, r.steps),
        metrics: s.outcome.metrics.map(([k, v]) => `${k} ${v}`).join('; '),
      }),
    );
    rows.push({
      scenario: r.scenario.name,
      step: '',
      lever: 'total',
      scope: '',
      after: r.final.total,
      saving: r.baseline.total - r.final.total,
      share: undefined,
      metrics: '',
    });
  }
  return {
    id: 'waterfall',
    title: "Waterfall: each lever's marginal saving, in the order applied",
    limit: false, // the steps add up to each scenario's total: never cut
    columns: [
      col('scenario', 'Scenario'),
      col('step', 'Step', 'text', { priority: 4 }),
      col('lever', 'Lever', 'text', { priority: 1 }),
      col('scope', 'Scope', 'text', { priority: 2 }),
      col('after', 'Cost after', 'usd', { priority: 3 }),
      col('saving', 'Saving', 'usd', { priority: 1 }),
      col('share', 'Share', 'pct', { priority: 3 }),
      col('metrics', 'What happened', 'text', { priority: 2 }),
    ],
    rows,
    notes: [
      'Savings are marginal: each lever is measured on what the levers before it left, so the order matters and the steps add up to the total. Negative savings add cost (volume growth, write premiums).',
    ],
  };
}

function groupsSection(input: SimulateReportInput): Section | undefined {
  const by = input.by;
  const dims = input.dims;
  if (!by || !dims) return undefined;
  const key = (r: SimRequest) => groupKeyOf(r, dims);
  const base = groupTotals(input.baselineRequests, input.baseline.costs, key);
  const per = input.results.map((r) => groupTotals(r.requests, r.final.costs, key));
  const names = [...new Set([...base.keys(), ...per.flatMap((m) => [...m.keys()])])].sort(
    (a, b) => Number((base.get(b) ?? 0n) - (base.get(a) ?? 0n)) || a.localeCompare(b),
  );
  const rows = names.map((g) => {
    const row: Section['rows'][number] = { group: g.split('\u0000').join(' / '), key: g, baseline: base.get(g) ?? 0n };
    input.results.forEach((_r, i) => (row[`s${i}`] = per[i].get(g) ?? 0n));
    return row;
  });
  return {
    id: 'groups',
    title: `Cost by ${by}`,
    columns: [col('group', by), col('baseline', 'Baseline', 'usd'), ...input.results.map((r, i) => col(`s${i}`, r.scenario.name, 'usd'))],
    rows,
  };
}

function assumptionsSection(results: ScenarioResult[]): Section {
  const rows: Section['rows'] = [];
  for (const r of results) {
    for (const s of r.steps) {
      rows.push({ scenario: r.scenario.name, lever: s.label, assumption: 'scope', value: s.scope });
      for (const [k, v] of s.outcome.assumptions) rows.push({ scenario: r.scenario.name, lever: s.label, assumption: k, value: v });
    }
  }
  return {
    id: 'assumptions',
    title: 'Assumptions',
    columns: [col('scenario', 'Scenario'), col('lever', 'Lever'), col('assumption', 'Assumption'), col('value', 'Value')],
    rows,
  };
}

function curveSection(results: ScenarioResult[]): Section | undefined {
  const rows: Section['rows'] = [];
  for (const r of results) {
    for (const c of r.curve ?? []) {
      rows.push({
        scenario: r.scenario.name,
        k: c.k,
        method: c.method,
        baseline: c.baselineAtK,
        total: c.total,
        saving: c.baselineAtK - c.total,
        perRequest: unitCosts({ cost: c.total, pricedRequests: c.requestsServed }).perRequest,
      });
    }
  }
  if (rows.length === 0) return undefined;
  return {
    id: 'volume-curve',
    title: 'Volume curve: the scenario at k times the traffic',
    columns: [
      col('scenario', 'Scenario'),
      col('k', 'k', 'number'),
      col('method', 'Method'),
      col('baseline', 'Baseline x k', 'usd'),
      col('total', 'Scenario', 'usd'),
      col('saving', 'Saving', 'usd'),
      col('perRequest', 'Per request', 'usd'),
    ],
    rows,
    notes: [
      "compress (the default at every k) = weights x k; shared prefixes get (k - 1) x their logged arrivals more, so they are warm more often, while a conversation's private history is cached as logged; replicate = requests copied with jitter and replayed. The curve tends to the floor where every shared prefix is warm.",
      'The steps are largest at small k, and that is real, not a seam: 1x to 2x doubles the traffic (10x to 11x adds 10%), and the chance that another user warmed a cold shared prefix, 1 - e^(-(k-1)·λ·TTL), rises fastest at k = 1. The curve is continuous in k: a fractional k moves the cost by a fraction of a step.',
    ],
  };
}

function detailSections(results: ScenarioResult[]): Section[] {
  const out: Section[] = [];
  for (const r of results)
    for (const s of r.steps)
      for (const d of s.outcome.details ?? [])
        out.push({ ...d, id: `${r.scenario.name}:${s.label}:${d.id}`, title: `${r.scenario.name} / ${s.label}: ${d.title}` });
  return out;
}

function scenarioJson(r: ScenarioResult, input: SimulateReportInput) {
  return {
    name: r.scenario.name,
    description: r.scenario.description ?? null,
    inherits: r.scenario.inherits ?? null,
    definedAt: r.scenario.at,
    ...unitJson(r.final),
    savingUsd: femtoToUsdNumber(input.baseline.total - r.final.total),
    waterfall: r.steps.map((s) => ({
      lever: s.spec.kind,
      name: s.label,
      scope: s.scope,
      definedAt: s.spec.at,
      params: s.spec.params,
      costAfterUsd: femtoToUsdNumber(s.after.total),
      savingUsd: femtoToUsdNumber(s.saving),
      shareOfSaving: shareOf(s, r.steps) ?? null,
      metrics: Object.fromEntries(s.outcome.metrics),
      assumptions: Object.fromEntries(s.outcome.assumptions),
      notes: s.outcome.notes,
      result: s.outcome.json ?? {},
    })),
    volumeCurve:
      r.curve?.map((c) => ({
        k: c.k,
        method: c.method,
        baselineUsd: femtoToUsdNumber(c.baselineAtK),
        totalUsd: femtoToUsdNumber(c.total),
      })) ?? null,
  };
}

export function buildSimulateReport(input: SimulateReportInput): Report {
  const sections: Section[] = [scenariosSection(input), waterfallSection(input.results)];
  const groups = groupsSection(input);
  if (groups) sections.push(groups);
  const curve = curveSection(input.results);
  if (curve) sections.push(curve);
  sections.push(...detailSections(input.results), assumptionsSection(input.results));
  const notes = [...input.notes];
  for (const r of input.results)
    for (const s of r.steps) for (const n of s.outcome.notes) notes.push(`${r.scenario.name} / ${s.label}: ${n}`);
  if (input.baseline.unpricedRequests > 0)
    notes.push(
      `${input.baseline.unpricedRequests} request(s) on models not in the catalog are excluded from every total: ${input.baseline.unpricedModels.join(', ')}`,
    );
  const json = {
    schemaVersion: input.schemaVersion,
    command: 'simulate',
    by: input.by ?? null,
    baseline: unitJson(input.baseline),
    scenarios: input.results.map((r) => scenarioJson(r, input)),
    groups: groups
      ? groups.rows.map((row) => ({
          group: row.group,
          key: splitGroupKey(input.dims!, row.key as string),
          baselineUsd: usd(row.baseline as Femto),
          scenarios: Object.fromEntries(input.results.map((r, i) => [r.scenario.name, usd(row[`s${i}`] as Femto)])),
        }))
      : null,
    notes,
  };
  const best = input.results.reduce<ScenarioResult | undefined>((b, r) => (!b || r.final.total < b.final.total ? r : b), undefined);
  const facts = input.facts ?? { records: input.baselineRequests.length, withText: input.baselineRequests.length };
  const bottom = best ? simulateBottomLine(input.baseline, best, facts) : undefined;
  const summary: Array<[string, string]> = [
    ...(bottom?.lines ?? []),
    ...input.summary,
    ['Baseline (as billed)', formatUsd(input.baseline.total)],
  ];
  if (best && input.results.length > 1)
    summary.push(['Lowest scenario', `${best.scenario.name}: ${formatUsd(best.final.total)} (the lowest of ${input.results.length})`]);
  const withBottom = {
    ...json,
    bottomLine: bottom
      ? {
          scenario: bottom.scenario,
          savingUsd: femtoToUsdNumber(bottom.saving),
          monthlySavingUsd: bottom.monthlySaving === undefined ? null : femtoToUsdNumber(bottom.monthlySaving),
          daysLogged: facts.days ?? null,
          lines: Object.fromEntries(bottom.lines),
        }
      : null,
  };
  return {
    title: 'What-if simulation',
    summary,
    sections,
    notes,
    data: { command: 'simulate', document: withBottom },
    primarySection: 'scenarios',
  };
}
