/**
 * The bottom line of a simulation, in words, before the tables (as `whatif` opens): what the best
 * scenario saves on the logged period and per month at that traffic, per request / conversation /
 * successful outcome, which levers carry the saving (and which add cost), on what evidence, and
 * what it assumes. Amounts are exact; the monthly figure scales the logged saving by
 * 30.4375 days (a year / 12) over the calendar days the logs cover. Scenario and lever names are
 * made inert (control characters visible) before they reach a terminal.
 */
import { formatUsd, roundDiv, type Femto } from '../pricing/money.js';
import { formatInt } from '../report/cells.js';
import { inert } from '../core/untrusted.js';
import type { ScenarioResult } from './engine.js';
import type { StatePrice } from './price.js';
import { stateUnits } from './units.js';
import type { LeverKind } from './types.js';

/** The assumption each lever's saving rests on, in one phrase. */
const RESTS_ON: Record<LeverKind, string> = {
  prefixCache: 'traffic keeps the logged timing (cache hits depend on the gaps between requests)',
  semanticCache: 'a cached answer serves the user as well as a fresh call',
  summarize: 'a summary keeps what later turns need',
  route: "the cheaper model's answers are good enough at the stated retry and success rates",
  batch: 'the batched work can wait for the batch window (up to 24h)',
  outputCap: 'shorter answers lose nothing (truncation is not judged)',
  compress: 'trimmed instructions keep the output quality',
  volume: 'traffic grows as k times the logged pattern',
  images: 'later turns do not need the earlier images',
  budgetCap: 'refused requests are acceptable to those who hit the cap',
};

/** Days in an average month (365.25 / 12), as 30.4375 = 304,375 / 10,000. */
const MONTH_DAYS_NUM = 304_375n;
const MONTH_DAYS_DEN = 10_000n;

export interface BottomLineFacts {
  /** Calendar days (UTC) the logs cover, first to last request inclusive; undefined without timestamps. */
  days?: number;
  /** Records read and those with prompt text. */
  records: number;
  withText: number;
}

export interface BottomLine {
  scenario: string;
  saving: Femto;
  /** Saving scaled to an average month at the logged traffic (undefined without dates). */
  monthlySaving?: Femto;
  lines: Array<[string, string]>;
}

const change = (before: Femto | null, after: Femto | null, unit: string): string | undefined =>
  before === null || after === null || before === after ? undefined : `per ${unit} ${formatUsd(before)} to ${formatUsd(after)}`;

function pctOf(part: Femto, whole: Femto): string {
  if (whole === 0n) return 'n/a';
  return `${(Number((part * 10_000n) / whole) / 100).toFixed(1)}%`;
}

export function simulateBottomLine(baseline: StatePrice, r: ScenarioResult, facts: BottomLineFacts): BottomLine {
  const saving = baseline.total - r.final.total;
  const monthlySaving =
    facts.days !== undefined && facts.days > 0 ? roundDiv(saving * MONTH_DAYS_NUM, BigInt(facts.days) * MONTH_DAYS_DEN) : undefined;
  const period = facts.days !== undefined ? `the ${formatInt(facts.days)} day${facts.days === 1 ? '' : 's'} logged` : 'the logged traffic';
  const verb = saving >= 0n ? `saves ${formatUsd(saving)}` : `costs ${formatUsd(-saving)} more`;
  const month =
    monthlySaving === undefined ? '' : `, about ${formatUsd(monthlySaving < 0n ? -monthlySaving : monthlySaving)} a month at this traffic`;
  const before = stateUnits(baseline);
  const after = stateUnits(r.final);
  const units = [
    change(before.perRequest, after.perRequest, 'request'),
    change(before.perConversation, after.perConversation, 'conversation'),
    change(before.perSuccess, after.perSuccess, 'successful outcome'),
  ].filter((x): x is string => x !== undefined);
  const lines: Array<[string, string]> = [
    [
      'Bottom line',
      `${inert(r.scenario.name)} ${verb} on ${period} (${saving >= 0n ? `${pctOf(saving, baseline.total)} of` : `+${pctOf(-saving, baseline.total)} on`} ${formatUsd(baseline.total)})${month}`,
    ],
  ];
  if (units.length) lines.push(['Per unit', units.join('; ')]);
  const steps = r.steps.filter((s) => s.spec.kind !== 'volume');
  const savers = steps.filter((s) => s.saving > 0n).sort((a, b) => (a.saving < b.saving ? 1 : a.saving > b.saving ? -1 : 0));
  const adders = steps.filter((s) => s.saving < 0n);
  if (savers.length)
    lines.push([
      'Where it comes from',
      savers
        .slice(0, 3)
        .map((s) => `${inert(s.label)} ${formatUsd(s.saving)}${s.scope !== 'all traffic' ? ` (${inert(s.scope)})` : ''}`)
        .join(', ') + (savers.length > 3 ? `, ${savers.length - 3} more` : ''),
    ]);
  if (adders.length) lines.push(['Adds cost', adders.map((s) => `${inert(s.label)} +${formatUsd(-s.saving)}`).join(', ')]);
  const vol = r.steps.find((s) => s.spec.kind === 'volume');
  if (vol) lines.push(['Volume', `x${String(vol.spec.params.k ?? 1)} the logged traffic: the totals above include the growth`]);
  const without = facts.records - facts.withText;
  lines.push([
    'Evidence',
    `${formatInt(facts.records)} logged request${facts.records === 1 ? '' : 's'} replayed with their timestamps and token counts${
      without === 0 ? ', all with prompt text' : `; ${formatInt(without)} without prompt text use the parametric or factor modes`
    }${baseline.unpricedRequests > 0 ? `; ${formatInt(baseline.unpricedRequests)} unpriced left out` : ''}`,
  ]);
  const kinds = [...new Set([...savers.slice(0, 3), ...adders].map((s) => s.spec.kind))];
  if (vol) kinds.push('volume');
  if (kinds.length) lines.push(['Assumes', kinds.map((k) => RESTS_ON[k]).join('; ')]);
  return { scenario: r.scenario.name, saving, monthlySaving, lines };
}
