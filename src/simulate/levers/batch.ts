/**
 * batch: move a share (or a scope) of traffic to batch pricing (serviceTier `batch`). The Pricer
 * applies the catalog's batch adjustment for the request's price period (a multiplier such as
 * x0.5, or listed batch prices); caching and long-context tiers stack as the catalog says. Models
 * without a batch price are left as they are and named in the notes. Batch answers arrive within
 * 24 hours: only non-interactive traffic belongs here, which the scope should say. Fast mode does
 * not run in a batch: a fast-mode request moved to batch is priced at standard speed (no fast
 * multiplier on top of the batch discount).
 *
 * Parameters: share (1).
 *
 * Worked example (test/simulate/levers.test.ts): a $3/$15 model with batch x0.5, 10,000 input and
 * 1,000 output tokens: $0.045 standard -> $0.0225 batch; a model without a batch price keeps its
 * $0.045 and gets a note.
 *
 * Complexity: O(n).
 */
import { num, opt, type Field } from '../../core/validate.js';
import { unitOf } from '../hash.js';
import type { Lever, LeverContext, LeverOutcome, SimRequest } from '../types.js';

export interface BatchParams {
  share: number;
}

export const batchFields: Record<string, Field> = { share: opt(num(0, 1)) };

function applyBatch(requests: readonly SimRequest[], p: BatchParams, ctx: LeverContext): LeverOutcome {
  const out = requests.slice();
  const noBatch = new Map<string, number>();
  let moved = 0;
  let fast = 0;
  requests.forEach((r, i) => {
    if (r.dropped || r.serviceTier === 'batch' || !ctx.inScope(r)) return;
    if (p.share < 1 && unitOf(`${r.record.id}:batch`) >= p.share) return;
    const res = ctx.resolve(r.model);
    if (!res) return;
    // a request dated before its model's first known price stays unpriced, at its tier
    const card = ctx.env.pricer.pricedCardForEntry(res, r, 'batch');
    if (!card) return;
    if (card.pricedTier !== 'batch') {
      noBatch.set(res.entry.id, (noBatch.get(res.entry.id) ?? 0) + 1);
      return;
    }
    // fast mode does not run in a batch ("Fast mode is not available with the Batch API",
    // https://platform.claude.com/docs/en/about-claude/pricing): a batched request runs at standard speed
    out[i] = r.record.fast ? { ...r, serviceTier: 'batch', record: { ...r.record, fast: false } } : { ...r, serviceTier: 'batch' };
    if (r.record.fast) fast++;
    moved++;
  });
  const notes = [...noBatch].map(([m, n]) => `${m} has no batch price in the catalog: ${n} request(s) left at their tier`);
  return {
    requests: out,
    assumptions: [
      ['batch share', `${p.share} of scope (deterministic by request id)`],
      [
        'batch rules',
        'catalog batch prices per model and period; cache hits inside batches are best-effort at providers, buckets kept as simulated',
      ],
      ...(fast > 0
        ? [
            ['fast mode', `${fast} fast-mode request(s) batched at standard speed: fast mode is not available with the Batch API`] as [
              string,
              string,
            ],
          ]
        : []),
    ],
    notes,
    metrics: [['requests moved to batch', String(moved)]],
    json: { moved, noBatchPrice: Object.fromEntries(noBatch) },
  };
}

export const batch: Lever<BatchParams> = {
  kind: 'batch',
  parse: (raw) => ({ share: (raw.share as number | undefined) ?? 1 }),
  apply: applyBatch,
};
