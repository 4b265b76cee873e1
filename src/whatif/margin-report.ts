/** The margin-per-customer Report: bottom line in words, then customers, plans, volumes, distribution. */
import { SCHEMA_VERSION } from '../core/schema-version.js';
import { femtoToUsdNumber, formatUsd, type Femto } from '../pricing/money.js';
import { formatInt, formatPct } from '../report/cells.js';
import { col, type Report } from '../report/model.js';
import type { MarginResult } from './margin.js';

export interface MarginContext {
  revenueFile: string;
  logs: string[];
  /** Period the logs cover, as text. */
  period: string;
  requestsRead: number;
  name: (s: string) => string;
}

const usd = (x: Femto) => femtoToUsdNumber(x);
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
      `gross margin ${pct(t.marginPct)} (${formatUsd(t.margin)} of ${formatUsd(t.revenue)}) across ${m.customers.length} customers${others.length ? `; ${others.join(', ')}` : ''}`,
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

export function marginReport(m: MarginResult, ctx: MarginContext): Report {
  const notes: string[] = [
    'Revenue is the monthly contract (seats x price per seat, or the contract price, plus per-request prices, less discounts) set against the logged cost; the logs are taken as one month.',
    'At k x volume each customer sends k times the requests on the same contract: costs and per-request revenue scale by k, seats and fixed prices do not. Costs scale linearly: the same cost per request at every volume (caching is not assumed to improve with traffic).',
  ];
  if (m.noContract.length)
    notes.push(
      `warning: ${m.noContract.length} customer${m.noContract.length === 1 ? '' : 's'} in the logs with no contract in the revenue file (counted with $0 revenue): ${m.noContract.map(ctx.name).join(', ')}`,
    );
  if (m.noTraffic.length)
    notes.push(`Customers in the revenue file with no requests in the logs: ${m.noTraffic.map(ctx.name).join(', ')}.`);
  if (m.totals.unpricedRequests)
    notes.push(
      `warning: ${formatInt(m.totals.unpricedRequests)} requests are unpriced (unknown model or price): cost and margin cover the priced requests only.`,
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
        notes: ['Linear: cost per request stays as logged at every volume (stated assumption, not a caching simulation).'],
      },
    ],
    notes,
    json: {
      schemaVersion: SCHEMA_VERSION,
      command: 'whatif',
      margin: {
        revenueFile: ctx.revenueFile,
        logs: ctx.logs,
        period: ctx.period,
        volumeAssumption: 'linear',
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
          marginUsd: usd(c.margin),
          marginPct: c.marginPct ?? null,
          underWater: c.margin < 0n,
          atVolume: c.atVolume.map((v) => ({
            multiplier: v.multiplier,
            revenueUsd: usd(v.revenue),
            costUsd: usd(v.cost),
            marginUsd: usd(v.margin),
            marginPct: v.marginPct ?? null,
          })),
        })),
        plans: m.plans.map((p) => ({
          plan: p.plan,
          customers: p.customers,
          underWater: p.underWater,
          revenueUsd: usd(p.revenue),
          costUsd: usd(p.cost),
          marginUsd: usd(p.margin),
          marginPct: p.marginPct ?? null,
        })),
        volumes: m.volumes.map((v) => ({
          multiplier: v.multiplier,
          revenueUsd: usd(v.revenue),
          costUsd: usd(v.cost),
          marginUsd: usd(v.margin),
          marginPct: v.marginPct ?? null,
          underWater: v.underWater,
        })),
        distribution: m.distribution ?? null,
        noContract: m.noContract,
        noTraffic: m.noTraffic,
      },
    },
    primarySection: 'customers',
  };
}
