/**
 * budgetCap: a spend cap per user, customer or feature per UTC day or calendar month, as a gateway
 * circuit breaker would enforce it. Requests are replayed in time order; once a key's spend in the
 * period has reached the cap, its further requests in that period are refused (no model call, no
 * cost, a failed outcome). The request that crosses the cap still goes through: a gateway knows the
 * spend so far, not what the next answer will cost. Spend is counted at the simulated state's
 * exact cost (earlier levers included), so a cap after a cache lever counts the cheaper calls.
 *
 * Parameters: per (user | customer | feature), capUsd, period (day | month; default month).
 *
 * Worked example (test/simulate/budget-cap.test.ts): four $0.40 requests by one user in a day, cap $1:
 * spend 0 -> 0.40 -> 0.80 -> 1.20 (the third crosses the cap and passes); the fourth is refused,
 * $0.40 avoided. The next day the count starts again.
 *
 * Requests without a timestamp or without the key's tag are left alone and counted in a note.
 * Complexity: O(n log n) (the time sort).
 */
import { num, oneOfStr, opt, req, type Field } from '../../core/validate.js';
import { decimalToScaled, femtoToUsdNumber, formatUsd } from '../../pricing/money.js';
import type { Lever, LeverContext, LeverOutcome, SimRequest } from '../types.js';
import type { BudgetCapDetails } from '../lever-details.js';

export interface BudgetCapParams {
  per: 'user' | 'customer' | 'feature';
  capUsd: number;
  period: 'day' | 'month';
}

export const budgetCapFields: Record<string, Field> = {
  per: req(oneOfStr(['user', 'customer', 'feature'])),
  capUsd: req(num(0, 1e9)),
  period: opt(oneOfStr(['day', 'month'])),
};

interface Hit {
  key: string;
  period: string;
  allowed: bigint;
  refused: number;
  avoided: bigint;
  firstRefusedMs: number;
}

/** Most rows in the "who hit the cap" table (the JSON holds the count of all). */
const MAX_ROWS = 50;

function applyBudgetCap(requests: readonly SimRequest[], p: BudgetCapParams, ctx: LeverContext): LeverOutcome {
  const cap = decimalToScaled(p.capUsd, 15); // femto-USD
  const out = requests.slice();
  const order: number[] = [];
  let untimed = 0;
  let untagged = 0;
  requests.forEach((r, i) => {
    if (r.dropped || !ctx.inScope(r)) return;
    if (r.timeMs === undefined) untimed++;
    else if (!Object.hasOwn(r.record.tags, p.per)) untagged++;
    else order.push(i);
  });
  order.sort((a, b) => requests[a].timeMs! - requests[b].timeMs! || a - b);
  const spent = new Map<string, bigint>();
  const hits = new Map<string, Hit>();
  let refused = 0;
  let avoided = 0n;
  let unpriced = 0;
  for (const i of order) {
    const r = requests[i];
    const key = r.record.tags[p.per]!;
    const iso = new Date(r.timeMs!).toISOString();
    const period = p.period === 'day' ? iso.slice(0, 10) : iso.slice(0, 7);
    const slot = `${key}\u0000${period}`;
    const cost = ctx.cost(r);
    if (cost === undefined) {
      unpriced++;
      continue;
    }
    const so = spent.get(slot) ?? 0n;
    if (so < cap) {
      spent.set(slot, so + cost);
      continue;
    }
    out[i] = { ...r, dropped: true, extraFemto: 0n, successes: 0, outcomeKnown: true };
    refused += Math.max(1, r.record.requests) * r.weight;
    avoided += cost;
    const h = hits.get(slot) ?? { key, period, allowed: so, refused: 0, avoided: 0n, firstRefusedMs: r.timeMs! };
    h.refused += Math.max(1, r.record.requests) * r.weight;
    h.avoided += cost;
    hits.set(slot, h);
  }
  const list = [...hits.values()].sort((a, b) =>
    b.avoided > a.avoided ? 1 : b.avoided < a.avoided ? -1 : a.key.localeCompare(b.key) || a.period.localeCompare(b.period),
  );
  const keys = new Set(list.map((h) => h.key));
  const details: BudgetCapDetails = {
    lever: 'budgetCap',
    per: p.per,
    period: p.period,
    capUsd: cap,
    periodsHit: list.length,
    hits: list.slice(0, MAX_ROWS).map((h) => ({
      key: h.key,
      period: h.period,
      firstRefusedAt: new Date(h.firstRefusedMs).toISOString(),
      requestsRefused: h.refused,
      spendAllowedUsd: h.allowed,
      spendAvoidedUsd: h.avoided,
    })),
  };
  const notes: string[] = [];
  if (untimed) notes.push(`${ctx.label}: ${untimed} request(s) without a timestamp cannot be placed in a ${p.period}: left uncapped`);
  if (untagged) notes.push(`${ctx.label}: ${untagged} request(s) without a ${p.per} tag: left uncapped`);
  if (unpriced) notes.push(`${ctx.label}: ${unpriced} unpriced request(s) neither count toward nor are refused by the cap`);
  return {
    requests: out,
    assumptions: [
      [
        'budget cap',
        `${formatUsd(cap)} per ${p.per} per ${p.period === 'day' ? 'UTC day' : 'calendar month'}; requests after the cap is reached are refused (the crossing request passes); refused requests count as failed outcomes`,
      ],
    ],
    notes,
    metrics: [
      ['requests refused', String(Math.round(refused))],
      ['spend avoided', formatUsd(avoided)],
      [`${p.per}s that hit the cap`, String(keys.size)],
    ],
    details,
    json: {
      per: p.per,
      period: p.period,
      capUsd: p.capUsd,
      requestsRefused: refused,
      spendAvoidedUsd: femtoToUsdNumber(avoided),
      keysHit: keys.size,
      periodsHit: list.length,
      hits: details.hits.map((h) => ({
        key: h.key,
        period: h.period,
        requestsRefused: h.requestsRefused,
        spendAllowedUsd: femtoToUsdNumber(h.spendAllowedUsd),
        spendAvoidedUsd: femtoToUsdNumber(h.spendAvoidedUsd),
      })),
    },
  };
}

export const budgetCap: Lever<BudgetCapParams> = {
  kind: 'budgetCap',
  parse: (raw) => ({
    per: raw.per as BudgetCapParams['per'],
    capUsd: raw.capUsd as number,
    period: (raw.period as BudgetCapParams['period'] | undefined) ?? 'month',
  }),
  apply: applyBudgetCap,
};
