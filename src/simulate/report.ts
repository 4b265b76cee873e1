/**
 * The simulate report: baseline beside each scenario (totals and unit costs), a waterfall of each
 * lever's marginal saving in the order applied, per-group totals, the assumptions table, lever
 * details (threshold curve, truncation, summaries, volume curve) and honest notes.
 *
 * `simulateReport` is the view: every table (the levers' own detail tables included: threshold
 * curves, sample hits, caps, output lengths, summaries), summary line and note is derived from the
 * typed data (SimulateData, simulate/data.ts) that `--format json` prints.
 */
import { formatInt } from '../report/cells.js';
import { formatUsd } from '../pricing/money.js';
import { col, type Report, type Section } from '../report/model.js';
import { simulateData, type SimulateData, type SimulateDataInput, type SimScenarioData, type SimUnitData } from './data.js';
import { leverSections } from './lever-details.js';

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
      col('change', 'Change', 'usd', { priority: 1, signed: true }),
      col('changePct', 'Change %', 'pct', { priority: 2, signed: true }),
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
          // (a whole count read with thousands separators, as every other count in the report)
          .map(([k, v]) => `${k} ${/^\d{4,15}$/.test(v) ? formatInt(Number(v)) : v}`)
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

/** The levers' own tables (threshold curve, sample hits, caps), named scenario:lever:table, from each step's details. */
function detailSections(data: SimulateData): Section[] {
  const out: Section[] = [];
  for (const sc of data.scenarios)
    for (const w of sc.waterfall)
      for (const d of w.details ? leverSections(w.details) : [])
        out.push({ ...d, id: `${sc.name}:${w.name}:${d.id}`, title: `${sc.name} / ${w.name}: ${d.title}` });
  return out;
}

/** The input facts shown in the summary (none when the data has no inputs). */
function inputSummary(data: SimulateData): Array<[string, string]> {
  const i = data.inputs;
  if (!i) return [];
  return [
    ['Records', `${formatInt(i.records)} (${formatInt(i.read)} read, ${formatInt(i.skipped)} skipped, ${formatInt(i.rejected)} rejected)`],
    ['Period', i.period ? `${i.period.from.slice(0, 10)} to ${i.period.to.slice(0, 10)}` : 'no timestamps'],
    ['With prompt text', `${formatInt(i.withText)} of ${formatInt(i.records)}`],
    ['Scenarios', data.scenarios.map((s) => s.name).join(', ')],
  ];
}

/** `simulate`'s view: the report model from its typed data alone. */
/** The ids of `simulate`'s own sections (`--section`); the levers' tables are named scenario:lever:table. */
export const SIMULATE_SECTIONS = ['scenarios', 'waterfall', 'groups', 'volume-curve', 'assumptions'] as const;

export function simulateReport(data: SimulateData): Report {
  const sections: Section[] = [scenariosSection(data), waterfallSection(data)];
  for (const s of [groupsSection(data), curveSection(data)]) if (s) sections.push(s);
  sections.push(...detailSections(data), assumptionsSection(data));
  const best = data.scenarios.reduce<SimScenarioData | undefined>((b, s) => (!b || s.totalUsd < b.totalUsd ? s : b), undefined);
  const summary: Array<[string, string]> = [
    ...Object.entries(data.bottomLine?.lines ?? {}),
    ...inputSummary(data),
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

export function buildSimulateReport(input: SimulateDataInput): Report {
  return simulateReport(simulateData(input));
}
