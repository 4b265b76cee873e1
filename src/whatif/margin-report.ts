/** The margin-per-customer Report: bottom line in words, then customers, plans, volumes, distribution. */
import { SCHEMA_VERSION } from '../core/schema-version.js';
import { femtoToUsdNumber, formatUsd, type Femto } from '../pricing/money.js';
import { formatInt, formatPct } from '../report/cells.js';
import { unitCosts } from '../pricing/unit-economics.js';
import { col, type Report } from '../report/model.js';
import type { MarginResult } from './margin.js';

/** The group of requests without a customer tag (the engine's name for a missing group value). */
const NO_CUSTOMER = '(none)';

export interface MarginContext {
  revenueFile: string;
  logs: string[];
  /** Period the logs cover, as text. */
  period: string;
  requestsRead: number;
  name: (s: string) => string;
  /** Simulate's volume model (scale.ts): requests replayed, requests that cache in the logs, requests read; absent: linear. */
  scale?: { replayed: number; caching: number; requests: number };
}

/** How costs at k x volume were obtained, in words and as a JSON tag. */
function volumeModel(m: MarginResult, ctx: MarginContext): { tag: 'linear' | 'simulate-volume'; words: string } {
  const s = ctx.scale;
  if (!m.volumes.some((v) => v.multiplier !== 1) || !s || s.replayed === 0)
    return {
      tag: 'linear',
      words:
        s && s.caching === 0
          ? 'Costs scale linearly: no request uses prompt caching in the logs, so more traffic warms nothing (the same cost per request at every volume).'
          : 'Costs scale linearly: the same cost per request at every volume (no request with prompt text and a timestamp to replay through the prefix cache).',
    };
  return {
    tag: 'simulate-volume',
    words: `Cost at k x = k x the logged cost, less what k-times traffic saves on prompt caching in simulate's volume model: shared prefixes (system prompts, tools, common documents) see k times the arrivals per cache TTL and are warm more often; a conversation's private history does not. ${formatInt(s.replayed)} of ${formatInt(s.requests)} requests use prompt caching in the logs and were replayed; the rest scale linearly.`,
  };
}

const usd = (x: Femto) => femtoToUsdNumber(x);
const perRequestUsd = (cost: Femto, pricedRequests: number) => {
  const f = unitCosts({ cost, pricedRequests }).perRequest;
  return f === null ? null : usd(f);
};
const pct = (x: number | undefined) => (x === undefined ? 'n/a' : formatPct(x));

function bottomLine(m: MarginResult, ctx: MarginContext): Array<[string, string]> {
  const t = m.totals;
  const under = m.customers.filter((c) => c.margin < 0n);
  const others = m.volumes
    .filter((v) => v.multiplier !== 1)
    .map((v) => `${pct(v.marginPct)} at ${v.multiplier}x (${v.underWater} under water)`);
  const lines: Array<[string, string]> = [
    [
      'Bottom line',
      `gross margin ${pct(t.marginPct)} (${formatUsd(t.margin)} of ${formatUsd(t.revenue)}) across ${m.customers.length} customers${others.length ? `; ${others.join(', ')}${volumeModel(m, ctx).tag === 'linear' ? ' (cost scaled linearly)' : " (shared prompts cache better with traffic, as simulate's volume model has it)"}` : ''}`,
    ],
    [
      'Under water',
      under.length === 0
        ? 'none'
        : under
            .map((c) => `${ctx.name(c.customer)} (${ctx.name(c.plan)}: pays ${formatUsd(c.revenue)}, costs ${formatUsd(c.cost)})`)
            .join(', '),
    ],
  ];
  const worst = m.plans[0];
  if (worst)
    lines.push([
      'Weakest plan',
      `${ctx.name(worst.plan)}: margin ${formatUsd(worst.margin)} on ${formatUsd(worst.revenue)} revenue (${pct(worst.marginPct)}) over ${worst.customers} customer${worst.customers === 1 ? '' : 's'}`,
    ]);
  if (m.distribution) {
    const d = m.distribution;
    lines.push([
      'Margin across customers',
      `worst ${formatPct(d.min)}, p10 ${formatPct(d.p10)}, median ${formatPct(d.p50)}, p90 ${formatPct(d.p90)}, best ${formatPct(d.max)}`,
    ]);
  }
  lines.push(['Revenue file', ctx.name(ctx.revenueFile)], ['Logs', `${ctx.logs.map(ctx.name).join(', ')} (${ctx.period})`]);
  return lines;
}

/** Revenue, cost and margin of a customer, plan or volume, as the JSON writes them. */
function marginJson(x: { revenue: Femto; cost: Femto; margin: Femto; marginPct?: number }) {
  return { revenueUsd: usd(x.revenue), costUsd: usd(x.cost), marginUsd: usd(x.margin), marginPct: x.marginPct ?? null };
}

export function marginReport(m: MarginResult, ctx: MarginContext): Report {
  const notes: string[] = [
    'Revenue is the monthly contract (seats x price per seat, or the contract price, plus per-request prices, less discounts) set against the logged cost; the logs are taken as one month.',
    'At k x volume each customer sends k times the requests on the same contract: costs and per-request revenue scale by k, seats and fixed prices do not.',
  ];
  const model = volumeModel(m, ctx);
  // requests without a customer tag form the group "(none)": not a customer, so said apart
  const untagged = m.noContract.includes(NO_CUSTOMER);
  const named = m.noContract.filter((c) => c !== NO_CUSTOMER);
  if (named.length)
    notes.push(
      `warning: ${named.length} customer${named.length === 1 ? '' : 's'} in the logs with no contract in the revenue file (counted with $0 revenue): ${named.map(ctx.name).join(', ')}`,
    );
  if (untagged) notes.push(`warning: some requests in the logs name no customer: their cost is shown as ${NO_CUSTOMER} with $0 revenue`);
  if (m.noTraffic.length)
    notes.push(`Customers in the revenue file with no requests in the logs: ${m.noTraffic.map(ctx.name).join(', ')}.`);
  if (m.totals.unpricedRequests)
    notes.push(
      `warning: ${formatInt(m.totals.unpricedRequests)} ${m.totals.unpricedRequests === 1 ? 'request is' : 'requests are'} unpriced (unknown model or price): cost and margin cover the priced requests only.`,
    );
  const volCols = m.volumes.filter((v) => v.multiplier !== 1).map((v) => col(`m${v.multiplier}`, `Margin at ${v.multiplier}x`, 'usd'));
  return {
    title: 'Margin per customer',
    summary: bottomLine(m, ctx),
    sections: [
      {
        id: 'customers',
        title: 'Margin per customer (per month, worst first)',
        columns: [
          col('customer', 'Customer'),
          col('plan', 'Plan'),
          col('requests', 'Requests', 'int'),
          col('revenue', 'Revenue', 'usd'),
          col('cost', 'Cost', 'usd'),
          col('margin', 'Margin', 'usd'),
          col('marginPct', 'Margin %', 'pct'),
          ...volCols,
          col('verdict', 'Verdict'),
        ],
        rows: m.customers.map((c) => ({
          customer: c.customer,
          plan: c.plan,
          requests: c.requests,
          revenue: c.revenue,
          cost: c.cost,
          margin: c.margin,
          marginPct: c.marginPct,
          ...Object.fromEntries(c.atVolume.filter((v) => v.multiplier !== 1).map((v) => [`m${v.multiplier}`, v.margin])),
          verdict:
            c.margin < 0n
              ? 'UNDER WATER'
              : c.atVolume.some((v) => v.margin < 0n)
                ? `under water at ${c.atVolume.find((v) => v.margin < 0n)!.multiplier}x`
                : 'ok',
        })),
        footer: {
          customer: 'Total',
          requests: m.customers.reduce((s, c) => s + c.requests, 0),
          revenue: m.totals.revenue,
          cost: m.totals.cost,
          margin: m.totals.margin,
          marginPct: m.totals.marginPct,
          ...Object.fromEntries(m.volumes.filter((v) => v.multiplier !== 1).map((v) => [`m${v.multiplier}`, v.margin])),
        },
      },
      {
        id: 'plans',
        title: 'Margin per plan',
        columns: [
          col('plan', 'Plan'),
          col('customers', 'Customers', 'int'),
          col('underWater', 'Under water', 'int'),
          col('revenue', 'Revenue', 'usd'),
          col('cost', 'Cost', 'usd'),
          col('margin', 'Margin', 'usd'),
          col('marginPct', 'Margin %', 'pct'),
        ],
        rows: m.plans.map((p) => ({ ...p })),
      },
      {
        id: 'volume',
        title: 'At higher volume (same contracts, more requests)',
        columns: [
          col('volume', 'Volume'),
          col('revenue', 'Revenue', 'usd'),
          col('cost', 'Cost', 'usd'),
          col('margin', 'Margin', 'usd'),
          col('marginPct', 'Margin %', 'pct'),
          col('underWater', 'Customers under water', 'int'),
        ],
        rows: m.volumes.map((v) => ({
          volume: `${v.multiplier}x`,
          revenue: v.revenue,
          cost: v.cost,
          margin: v.margin,
          marginPct: v.marginPct,
          underWater: v.underWater,
        })),
        notes: [model.words],
      },
    ],
    notes,
    data: {
      command: 'margin',
      document: {
        schemaVersion: SCHEMA_VERSION,
        command: 'whatif',
        margin: {
          revenueFile: ctx.revenueFile,
          logs: ctx.logs,
          period: ctx.period,
          volumeAssumption: model.tag,
          totals: {
            revenueUsd: usd(m.totals.revenue),
            costUsd: usd(m.totals.cost),
            marginUsd: usd(m.totals.margin),
            marginPct: m.totals.marginPct ?? null,
            unpricedRequests: m.totals.unpricedRequests,
          },
          customers: m.customers.map((c) => ({
            customer: c.customer,
            plan: c.contract ? c.plan : null,
            inRevenueFile: c.contract !== undefined,
            requests: c.requests,
            unpricedRequests: c.unpricedRequests,
            revenueUsd: usd(c.revenue),
            costUsd: usd(c.cost),
            // the unit-economics computation report and simulate use
            costPerRequestUsd: perRequestUsd(c.cost, c.requests - c.unpricedRequests),
            marginUsd: usd(c.margin),
            marginPct: c.marginPct ?? null,
            underWater: c.margin < 0n,
            atVolume: c.atVolume.map((v) => ({ multiplier: v.multiplier, ...marginJson(v) })),
          })),
          plans: m.plans.map((p) => ({
            plan: p.plan,
            customers: p.customers,
            underWater: p.underWater,
            ...marginJson(p),
          })),
          volumes: m.volumes.map((v) => ({
            multiplier: v.multiplier,
            ...marginJson(v),
            underWater: v.underWater,
          })),
          distribution: m.distribution ?? null,
          noContract: m.noContract,
          noTraffic: m.noTraffic,
        },
      },
    },
    primarySection: 'customers',
  };
}
