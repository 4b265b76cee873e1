/**
 * The simulate report: baseline beside each scenario (totals and unit costs), a waterfall of each
 * lever's marginal saving in the order applied, per-group totals, the assumptions table, lever
 * details (threshold curve, truncation, summaries, volume curve) and honest notes.
 *
 * `simulateReport` is the view: every table, summary line and note is derived from the typed data
 * (SimulateData, simulate/data.ts) that `--format json` prints, except the levers' own detail
 * tables (sample hits, per-conversation costs, threshold curves), which the levers build as
 * sections and which the document does not hold.
 */
import { formatUsd } from '../pricing/money.js';
import { col, type Report, type Section } from '../report/model.js';
import type { ScenarioResult } from './engine.js';
import { simulateData, type SimulateData, type SimulateDataInput, type SimScenarioData, type SimUnitData } from './data.js';

export interface SimulateReportInput extends SimulateDataInput {
  explain: boolean;
  /** Input facts: records read, period, etc. */
  summary: Array<[string, string]>;
}

/** What the view shows beside the data: the input facts, and the levers' own tables. */
export interface SimulateViewContext {
  summary: Array<[string, string]>;
  details: Section[];
}

function unitRow(name: string, p: SimUnitData, baseline: SimUnitData | undefined) {
  const change = baseline ? p.totalUsd - baseline.totalUsd : undefined;
  return {
    scenario: name,
    total: p.totalUsd,
    change,
    changePct:
      change !== undefined && baseline && baseline.totalUsd > 0n
        ? Number((change * 1_000_000n) / baseline.totalUsd) / 1_000_000
        : undefined,
    perRequest: p.costPerRequestUsd,
    perConversation: p.costPerConversationUsd,
    perCustomer: p.costPerCustomerUsd,
    perSuccess: p.costPerSuccessUsd,
    calls: Math.round(p.modelCalls),
    longContext: Math.round(p.longContextRequests),
  };
}

function scenariosSection(data: SimulateData): Section {
  const rows = [unitRow('baseline (as billed)', data.baseline, undefined), ...data.scenarios.map((s) => unitRow(s.name, s, data.baseline))];
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

function waterfallSection(data: SimulateData): Section {
  const rows: Section['rows'] = [];
  for (const s of data.scenarios) {
    rows.push({
      scenario: s.name,
      step: 0,
      lever: 'baseline (as billed)',
      scope: '',
      after: data.baseline.totalUsd,
      saving: undefined,
      share: undefined,
      metrics: '',
    });
    s.waterfall.forEach((w, i) =>
      rows.push({
        scenario: s.name,
        step: i + 1,
        lever: w.name,
        scope: w.scope,
        after: w.costAfterUsd,
        saving: w.savingUsd,
        share: w.shareOfSaving ?? undefined,
        metrics: Object.entries(w.metrics)
          .map(([k, v]) => `${k} ${v}`)
          .join('; '),
      }),
    );
    rows.push({
      scenario: s.name,
      step: '',
      lever: 'total',
      scope: '',
      after: s.totalUsd,
      saving: s.savingUsd,
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

function groupsSection(data: SimulateData): Section | undefined {
  if (data.by === null || data.groups === null) return undefined;
  const names = data.scenarios.map((s) => s.name);
  return {
    id: 'groups',
    title: `Cost by ${data.by}`,
    columns: [col('group', data.by), col('baseline', 'Baseline', 'usd'), ...names.map((n, i) => col(`s${i}`, n, 'usd'))],
    rows: data.groups.map((g) => {
      const row: Section['rows'][number] = { group: g.group, baseline: g.baselineUsd };
      names.forEach((n, i) => (row[`s${i}`] = g.scenarios[n]));
      return row;
    }),
  };
}

function assumptionsSection(data: SimulateData): Section {
  const rows: Section['rows'] = [];
  for (const s of data.scenarios) {
    for (const w of s.waterfall) {
      rows.push({ scenario: s.name, lever: w.name, assumption: 'scope', value: w.scope });
      for (const [k, v] of Object.entries(w.assumptions)) rows.push({ scenario: s.name, lever: w.name, assumption: k, value: v });
    }
  }
  return {
    id: 'assumptions',
    title: 'Assumptions',
    columns: [col('scenario', 'Scenario'), col('lever', 'Lever'), col('assumption', 'Assumption'), col('value', 'Value')],
    rows,
  };
}

function curveSection(data: SimulateData): Section | undefined {
  const rows: Section['rows'] = [];
  for (const s of data.scenarios) {
    for (const c of s.volumeCurve ?? []) {
      rows.push({
        scenario: s.name,
        k: c.k,
        method: c.method,
        baseline: c.baselineUsd,
        total: c.totalUsd,
        saving: c.baselineUsd - c.totalUsd,
        perRequest: c.costPerRequestUsd,
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

/** The levers' own tables (threshold curve, truncation, caps), named by scenario and lever. */
export function detailSections(results: ScenarioResult[]): Section[] {
  const out: Section[] = [];
  for (const r of results)
    for (const s of r.steps)
      for (const d of s.outcome.details ?? [])
        out.push({ ...d, id: `${r.scenario.name}:${s.label}:${d.id}`, title: `${r.scenario.name} / ${s.label}: ${d.title}` });
  return out;
}

/** `simulate`'s view: the report model from its typed data (plus the input facts and the levers' own tables). */
export function simulateReport(data: SimulateData, ctx: SimulateViewContext): Report {
  const sections: Section[] = [scenariosSection(data), waterfallSection(data)];
  for (const s of [groupsSection(data), curveSection(data)]) if (s) sections.push(s);
  sections.push(...ctx.details, assumptionsSection(data));
  const best = data.scenarios.reduce<SimScenarioData | undefined>((b, s) => (!b || s.totalUsd < b.totalUsd ? s : b), undefined);
  const summary: Array<[string, string]> = [
    ...Object.entries(data.bottomLine?.lines ?? {}),
    ...ctx.summary,
    ['Baseline (as billed)', formatUsd(data.baseline.totalUsd)],
  ];
  if (best && data.scenarios.length > 1)
    summary.push(['Lowest scenario', `${best.name}: ${formatUsd(best.totalUsd)} (the lowest of ${data.scenarios.length})`]);
  return {
    title: 'What-if simulation',
    summary,
    sections,
    notes: data.notes,
    data: { command: 'simulate', document: data },
    primarySection: 'scenarios',
  };
}

export function buildSimulateReport(input: SimulateReportInput): Report {
  return simulateReport(simulateData(input), { summary: input.summary, details: detailSections(input.results) });
}
