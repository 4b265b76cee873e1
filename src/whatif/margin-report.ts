/**
 * The margin-per-customer Report: bottom line in words, then customers, plans, volumes, distribution.
 *
 * `marginData` builds the typed data (MarginData: the `whatif --revenue --format json` document,
 * amounts as exact Femto); `marginView` derives every table, summary line and note from it alone.
 */
import { SCHEMA_VERSION } from '../core/schema-version.js';
import { formatUsd, type Femto } from '../pricing/money.js';
import { formatInt, formatPct } from '../report/cells.js';
import { unitCosts } from '../pricing/unit-economics.js';
import { col, type Report } from '../report/model.js';
import { NO_PLAN, type MarginResult, type PricedAmounts } from './margin.js';

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

/** Revenue, cost and margin of a customer, plan or volume. */
export interface MarginAmounts {
  revenueUsd: Femto;
  costUsd: Femto;
  marginUsd: Femto;
  marginPct: number | null;
}

/** A customer's amounts: cost and margin null when none of its requests is priced (unknown, never $0). */
export interface MarginCustomerAmounts extends Omit<MarginAmounts, 'costUsd' | 'marginUsd'> {
  costUsd: Femto | null;
  marginUsd: Femto | null;
}

/**
 * A plan's, the total's or a volume's amounts, over the customers with a known cost: the revenue of
 * customers none of whose requests is priced is stated apart (`unpricedRevenueUsd`), never set
 * against $0; cost and margin null when every customer counted is such (nothing priced to add).
 */
export interface MarginGroupAmounts extends MarginCustomerAmounts {
  unpricedCustomers: number;
  unpricedRevenueUsd: Femto;
}

export interface MarginCustomerData extends MarginCustomerAmounts {
  customer: string;
  /** null: not in the revenue file. */
  plan: string | null;
  inRevenueFile: boolean;
  requests: number;
  unpricedRequests: number;
  costPerRequestUsd: Femto | null;
  underWater: boolean;
  atVolume: Array<{ multiplier: number } & MarginCustomerAmounts>;
}

export interface MarginData {
  schemaVersion: number;
  command: 'whatif';
  margin: {
    revenueFile: string;
    logs: string[];
    period: string;
    volumeAssumption: 'linear' | 'simulate-volume';
    totals: MarginGroupAmounts & { unpricedRequests: number };
    customers: MarginCustomerData[];
    plans: Array<{ plan: string; customers: number; underWater: number; requests: number; unpricedRequests: number } & MarginGroupAmounts>;
    volumes: Array<{ multiplier: number } & MarginGroupAmounts & { underWater: number }>;
    distribution: { min: number; p10: number; p50: number; p90: number; max: number } | null;
    noContract: string[];
    noTraffic: string[];
    /** Simulate's volume model: requests replayed through it, those that cache in the logs, requests kept (an added key; null: not run). */
    volumeReplay: { replayed: number; caching: number; requests: number } | null;
  };
  /** The report's warnings, added in --format json by the CLI (cli/context.ts) when there are any. */
  warnings?: string[];
}

type Margin = MarginData['margin'];

/** How costs at k x volume were obtained, in words and as a JSON tag. */
function volumeModel(
  volumes: Array<{ multiplier: number }>,
  s: Margin['volumeReplay'],
): { tag: 'linear' | 'simulate-volume'; words: string } {
  if (!volumes.some((v) => v.multiplier !== 1) || !s || s.replayed === 0)
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

const pct = (x: number | null) => (x === null ? 'n/a' : formatPct(x));

/** The most names a sentence lists (the bottom line, the notes): the rest are counted, and listed in the tables and the JSON. */
export const NAMES_IN_A_SENTENCE = 10;

/** The first NAMES_IN_A_SENTENCE `items` shown and joined with ", ", then "and N more" (`where`: where they are all listed). */
function someOf<T>(items: T[], show: (x: T) => string, where: string): string {
  const shown = items.slice(0, NAMES_IN_A_SENTENCE).map(show).join(', ');
  return items.length <= NAMES_IN_A_SENTENCE ? shown : `${shown} and ${formatInt(items.length - NAMES_IN_A_SENTENCE)} more (${where})`;
}
const usd = (x: Femto | null) => (x === null ? 'n/a' : formatUsd(x));
const orUndefined = <T>(x: T | null): T | undefined => (x === null ? undefined : x);

function bottomLine(m: Margin, name: (s: string) => string): Array<[string, string]> {
  const t = m.totals;
  const under = m.customers.filter((c) => c.marginUsd !== null && c.marginUsd < 0n);
  // the requests without a customer tag are a row of their own (NO_CUSTOMER), not a customer: not counted as one
  const untagged = m.noContract.includes(NO_CUSTOMER) && m.customers.some((c) => c.customer === NO_CUSTOMER && c.costUsd !== null);
  const priced = m.customers.length - t.unpricedCustomers - (untagged ? 1 : 0);
  const others = m.volumes
    .filter((v) => v.multiplier !== 1)
    .map((v) => `${pct(v.marginPct)} at ${v.multiplier}x (${formatInt(v.underWater)} under water)`);
  const lines: Array<[string, string]> = [
    [
      'Bottom line',
      `gross margin ${pct(t.marginPct)} (${usd(t.marginUsd)} of ${formatUsd(t.revenueUsd)}) across ${t.unpricedCustomers ? `${formatInt(priced)} priced customers (${formatInt(t.unpricedCustomers)} unpriced, their ${formatUsd(t.unpricedRevenueUsd)} revenue left out)` : `${formatInt(priced)} customers`}${untagged ? ` and the requests that name no customer, shown as ${NO_CUSTOMER}` : ''}${others.length ? `; ${others.join(', ')}${m.volumeAssumption === 'linear' ? ' (cost scaled linearly)' : " (shared prompts cache better with traffic, as simulate's volume model has it)"}` : ''}`,
    ],
    [
      'Under water',
      under.length === 0
        ? 'none'
        : // worst first, as the customers table lists them all
          someOf(
            under,
            (c) => `${name(c.customer)} (${name(c.plan ?? NO_PLAN)}: pays ${formatUsd(c.revenueUsd)}, costs ${formatUsd(c.costUsd ?? 0n)})`,
            'the customers table lists them',
          ),
    ],
  ];
  // a plan none of whose customers is priced has no margin to rank
  const worst = m.plans.find((p) => p.marginUsd !== null);
  if (worst)
    lines.push([
      'Weakest plan',
      `${name(worst.plan)}: margin ${usd(worst.marginUsd)} on ${formatUsd(worst.revenueUsd)} revenue (${pct(worst.marginPct)}) over ${formatInt(worst.customers)} customer${worst.customers === 1 ? '' : 's'}`,
    ]);
  if (m.distribution) {
    const d = m.distribution;
    lines.push([
      'Margin across customers',
      `worst ${formatPct(d.min)}, p10 ${formatPct(d.p10)}, median ${formatPct(d.p50)}, p90 ${formatPct(d.p90)}, best ${formatPct(d.max)}`,
    ]);
  }
  lines.push(['Revenue file', name(m.revenueFile)], ['Logs', `${m.logs.map(name).join(', ')} (${m.period})`]);
  return lines;
}

/** Revenue, cost and margin of a customer, plan or volume, as the data holds them. */
function amounts(x: { revenue: Femto; cost: Femto; margin: Femto; marginPct?: number }): MarginAmounts {
  return { revenueUsd: x.revenue, costUsd: x.cost, marginUsd: x.margin, marginPct: x.marginPct ?? null };
}

/** A group's amounts (plan, total, volume): cost and margin unknown (null) when none of its customers counted is priced. */
function group(x: PricedAmounts): MarginGroupAmounts {
  return {
    ...unknownIf(x.priced === 0 && x.unpricedCustomers > 0, amounts(x)),
    unpricedCustomers: x.unpricedCustomers,
    unpricedRevenueUsd: x.unpricedRevenue,
  };
}

/** A customer's amounts with cost and margin unknown (null) when none of its requests is priced. */
function unknownIf(unpriced: boolean, a: MarginAmounts): MarginCustomerAmounts {
  return unpriced ? { ...a, costUsd: null, marginUsd: null, marginPct: null } : a;
}

/** The typed data of computed margins (raw names). */
export function marginData(m: MarginResult, ctx: Omit<MarginContext, 'name'>): MarginData {
  const volumeReplay = ctx.scale ?? null;
  return {
    schemaVersion: SCHEMA_VERSION,
    command: 'whatif',
    margin: {
      revenueFile: ctx.revenueFile,
      logs: ctx.logs,
      period: ctx.period,
      volumeAssumption: volumeModel(m.volumes, volumeReplay).tag,
      totals: { ...group(m.totals), unpricedRequests: m.totals.unpricedRequests },
      customers: m.customers.map((c) => ({
        customer: c.customer,
        plan: c.contract ? c.plan : null,
        inRevenueFile: c.contract !== undefined,
        requests: c.requests,
        unpricedRequests: c.unpricedRequests,
        revenueUsd: c.revenue,
        costUsd: c.unpriced ? null : c.cost,
        // the unit-economics computation report and simulate use
        costPerRequestUsd: unitCosts({ cost: c.cost, pricedRequests: c.requests - c.unpricedRequests }).perRequest,
        marginUsd: c.unpriced ? null : c.margin,
        marginPct: c.marginPct ?? null,
        underWater: !c.unpriced && c.margin < 0n,
        atVolume: c.atVolume.map((v) => ({ multiplier: v.multiplier, ...unknownIf(c.unpriced, amounts(v)) })),
      })),
      plans: m.plans.map((p) => ({
        plan: p.plan,
        customers: p.customers,
        underWater: p.underWater,
        requests: p.requests,
        unpricedRequests: p.unpricedRequests,
        ...group(p),
      })),
      volumes: m.volumes.map((v) => ({ multiplier: v.multiplier, ...group(v), underWater: v.underWater })),
      distribution: m.distribution ?? null,
      noContract: m.noContract,
      noTraffic: m.noTraffic,
      volumeReplay,
    },
  };
}

/** `whatif --revenue`'s view: the report model from its typed data alone; `name` escapes names for the output format. */
export function marginView(data: MarginData, name: (s: string) => string = (s) => s): Report {
  const m = data.margin;
  const notes: string[] = [
    'Revenue is the monthly contract (seats x price per seat, or the contract price, plus per-request prices, less discounts) set against the logged cost; the logs are taken as one month.',
    'At k x volume each customer sends k times the requests on the same contract: costs and per-request revenue scale by k, seats and fixed prices do not.',
  ];
  const model = volumeModel(m.volumes, m.volumeReplay);
  // requests without a customer tag form the group "(none)": not a customer, so said apart
  const untagged = m.noContract.includes(NO_CUSTOMER);
  const named = m.noContract.filter((c) => c !== NO_CUSTOMER);
  if (named.length)
    notes.push(
      `warning: ${formatInt(named.length)} customer${named.length === 1 ? '' : 's'} in the logs with no contract in the revenue file (counted with $0 revenue): ${someOf(named, name, 'the customers table lists them')}`,
    );
  if (untagged) notes.push(`warning: some requests in the logs name no customer: their cost is shown as ${NO_CUSTOMER} with $0 revenue`);
  if (m.noTraffic.length)
    notes.push(`Customers in the revenue file with no requests in the logs: ${someOf(m.noTraffic, name, 'JSON noTraffic lists them')}.`);
  if (m.totals.unpricedRequests) {
    // a customer none of whose requests is priced has no cost to show: n/a, never $0 and full margin
    const unknown = m.customers.filter((c) => c.costUsd === null).map((c) => c.customer);
    notes.push(
      `warning: ${formatInt(m.totals.unpricedRequests)} ${m.totals.unpricedRequests === 1 ? 'request is' : 'requests are'} unpriced (unknown model or price): cost and margin cover the priced requests only${unknown.length ? `; no request of ${someOf(unknown, name, 'the customers table marks them unpriced')} is priced, so ${unknown.length === 1 ? 'its' : 'their'} cost and margin are n/a` : ''}.`,
    );
  }
  // the total, plan and volume rows set revenue against cost over the customers with a cost: an unpriced
  // customer's revenue against $0 would be margin that may not exist
  const unpricedApart = m.totals.unpricedCustomers > 0;
  if (unpricedApart) {
    const n = m.totals.unpricedCustomers;
    notes.push(
      `The total, plan and volume rows cover the ${formatInt(m.customers.length - n)} customer${m.customers.length - n === 1 ? '' : 's'} whose cost is known: the ${formatUsd(m.totals.unpricedRevenueUsd)} revenue of the ${n === 1 ? 'customer' : `${formatInt(n)} customers`} none of whose requests is priced is left out of their revenue and margin (shown apart as Unpriced revenue), not set against $0.`,
    );
  }
  const apartCol = unpricedApart ? [col('unpricedRevenue', 'Unpriced revenue', 'usd')] : [];
  const apart = (x: MarginGroupAmounts) =>
    unpricedApart ? { unpricedRevenue: x.unpricedCustomers ? x.unpricedRevenueUsd : undefined } : {};
  const scaled = m.volumes.filter((v) => v.multiplier !== 1);
  const volCols = scaled.map((v) => col(`m${v.multiplier}`, `Margin at ${v.multiplier}x`, 'usd'));
  return {
    title: 'Margin per customer',
    summary: bottomLine(m, name),
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
          col('unpricedRequests', 'Unpriced requests', 'int', { only: 'csv' }),
          // in CSV the total row's revenue left out beside it (tables: the plan and volume rows, and a note)
          ...(unpricedApart ? [col('unpricedRevenue', 'Unpriced revenue', 'usd', { only: 'csv' })] : []),
        ],
        rows: m.customers.map((c) => ({
          customer: c.customer,
          plan: c.plan ?? NO_PLAN,
          requests: c.requests,
          revenue: c.revenueUsd,
          cost: orUndefined(c.costUsd),
          margin: orUndefined(c.marginUsd),
          marginPct: orUndefined(c.marginPct),
          ...Object.fromEntries(c.atVolume.filter((v) => v.multiplier !== 1).map((v) => [`m${v.multiplier}`, orUndefined(v.marginUsd)])),
          verdict:
            c.marginUsd === null
              ? 'unpriced'
              : c.marginUsd < 0n
                ? 'UNDER WATER'
                : c.atVolume.some((v) => v.marginUsd !== null && v.marginUsd < 0n)
                  ? `under water at ${c.atVolume.find((v) => v.marginUsd !== null && v.marginUsd < 0n)!.multiplier}x`
                  : 'ok',
          unpricedRequests: c.unpricedRequests,
          ...(unpricedApart ? { unpricedRevenue: c.costUsd === null ? c.revenueUsd : undefined } : {}),
        })),
        // the totals over the customers with a cost (the unpriced ones' revenue apart: see the notes)
        footer: {
          customer: unpricedApart ? 'Total (priced customers)' : 'Total',
          requests: m.customers.filter((c) => c.costUsd !== null).reduce((s, c) => s + c.requests, 0),
          revenue: m.totals.revenueUsd,
          cost: m.totals.costUsd,
          margin: m.totals.marginUsd,
          marginPct: orUndefined(m.totals.marginPct),
          ...Object.fromEntries(scaled.map((v) => [`m${v.multiplier}`, v.marginUsd])),
          unpricedRequests: m.customers.filter((c) => c.costUsd !== null).reduce((s, c) => s + c.unpricedRequests, 0),
          ...apart(m.totals),
        },
        partlyPriced: { keys: ['customer'], rows: m.customers.length, notShown: 0 },
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
          ...apartCol,
          col('requests', 'Requests', 'int', { only: 'csv' }),
          col('unpricedRequests', 'Unpriced requests', 'int', { only: 'csv' }),
        ],
        rows: m.plans.map((p) => ({
          plan: p.plan,
          customers: p.customers,
          underWater: p.underWater,
          revenue: p.revenueUsd,
          cost: p.costUsd,
          margin: p.marginUsd,
          marginPct: orUndefined(p.marginPct),
          ...apart(p),
          requests: p.requests,
          unpricedRequests: p.unpricedRequests,
        })),
        partlyPriced: { keys: ['plan'], rows: m.plans.length, notShown: 0 },
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
          ...apartCol,
        ],
        rows: m.volumes.map((v) => ({
          volume: `${v.multiplier}x`,
          revenue: v.revenueUsd,
          cost: v.costUsd,
          margin: v.marginUsd,
          marginPct: orUndefined(v.marginPct),
          underWater: v.underWater,
          ...apart(v),
        })),
        notes: [model.words],
      },
    ],
    notes,
    data: { command: 'margin', document: data },
    primarySection: 'customers',
  };
}

export function marginReport(m: MarginResult, ctx: MarginContext): Report {
  return marginView(marginData(m, ctx), ctx.name);
}

// this command's document in the report's data union (report/data.ts CommandDocuments)
declare module '../report/data.js' {
  interface CommandDocuments {
    margin: MarginData;
  }
}
