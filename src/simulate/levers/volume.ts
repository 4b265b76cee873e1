/**
 * volume: scale traffic by `k` (times `perFeature` growth for listed features).
 *
 * `replicate` makes k copies of each request in scope (fractional k: the last copy is kept for a
 * deterministic share of requests), each moved by a deterministic jitter of up to
 * ±`jitterMinutes` (the same for every turn of a conversation), so the cache levers that follow see
 * denser arrivals; a copy's dynamic text counts as another user's (see prefix-replay.ts and
 * semantic-replay.ts). `compress` instead multiplies each request's weight by k and the TTL seen
 * by later cache levers by k: k-times denser Poisson arrivals hit a cache with TTL T exactly as
 * often as the logged arrivals hit one with TTL k·T. It is fast at any k (used for k > 10 under
 * `auto`) and exact for the parametric model; for replay it treats the extra traffic as the same
 * users repeating themselves, so it is optimistic for semantic caching.
 * `curve: [1, 10, 100]` re-runs the whole scenario at each k (report section "volume curve").
 *
 * Parameters: k (1), perFeature, method (auto|replicate|compress), jitterMinutes (30), curve.
 *
 * Worked example (test/simulate/levers.test.ts): 3 requests costing $0.01 each, k = 2 ->
 * 6 requests, $0.06; k = 2.5 (replicate) -> 6 or 9 copies depending on the request's share draw,
 * on average 7.5; compress -> 3 requests of weight 2.5, $0.075 exactly.
 *
 * Complexity: O(n·k) for replicate, O(n) for compress.
 */
import { arr, num, oneOfStr, opt, type Field } from '../../core/validate.js';
import { unitOf } from '../hash.js';
import type { Lever, LeverContext, LeverOutcome, SimRequest } from '../types.js';

export interface VolumeParams {
  k: number;
  perFeature?: Record<string, number>;
  method: 'auto' | 'replicate' | 'compress';
  jitterMinutes: number;
  curve?: number[];
}

export const volumeFields: Record<string, Field> = {
  k: opt(num(0)),
  perFeature: opt({ kind: 'record', of: num(0) }),
  method: opt(oneOfStr(['auto', 'replicate', 'compress'])),
  jitterMinutes: opt(num(0)),
  curve: opt(arr(num(0), 1)),
};

export function effectiveMethod(p: VolumeParams): 'replicate' | 'compress' {
  const maxK = Math.max(p.k, ...Object.values(p.perFeature ?? {}).map((g) => g * p.k));
  if (p.method !== 'auto') return p.method;
  return maxK <= 10 ? 'replicate' : 'compress';
}

function replicas(r: SimRequest, k: number, jitterMs: number): SimRequest[] {
  const copies = Math.floor(k) + (unitOf(`${r.record.id}:volume`) < k - Math.floor(k) ? 1 : 0);
  const out: SimRequest[] = [];
  for (let j = 1; j < copies; j++) {
    const key = `${r.conversation ?? r.record.id}:${j}`;
    const shift = (unitOf(key) * 2 - 1) * jitterMs;
    out.push({ ...r, id: `${r.id}#${j}`, origin: 'replica', replica: j, timeMs: r.timeMs === undefined ? undefined : Math.round(r.timeMs + shift) });
  }
  return out;
}

function applyVolume(requests: readonly SimRequest[], p: VolumeParams, ctx: LeverContext): LeverOutcome {
  const method = effectiveMethod(p);
  const kOf = (r: SimRequest) => p.k * (p.perFeature?.[r.record.tags.feature ?? ''] ?? 1);
  const out: SimRequest[] = [];
  const added: SimRequest[] = [];
  for (const r of requests) {
    if (!ctx.inScope(r) || r.origin === 'added') {
      out.push(r);
      continue;
    }
    const k = kOf(r);
    if (method === 'compress' || k < 1) out.push({ ...r, weight: r.weight * k });
    else {
      out.push(r);
      added.push(...replicas(r, k, p.jitterMinutes * 60_000));
    }
  }
  const notes: string[] = [];
  if (method === 'compress' && p.perFeature) notes.push('compressed volume with per-feature growth: cache TTLs scale by the overall k only');
  return {
    requests: [...out, ...added],
    ttlScale: method === 'compress' ? ctx.ttlScale * p.k : ctx.ttlScale,
    assumptions: [
      ['volume', `x${p.k}${p.perFeature ? ` (per feature: ${Object.entries(p.perFeature).map(([f, g]) => `${f} x${g}`).join(', ')})` : ''}`],
      ['volume method', method === 'replicate' ? `replicated requests, jitter ±${p.jitterMinutes} min, copies are other users (dynamic text differs)` : 'time-compressed: weights x k and cache TTLs x k (parametric equivalent of k-times denser arrivals)'],
    ],
    notes,
    metrics: [['requests after scaling', String(out.length + added.length)]],
    json: { method, k: p.k, replicas: added.length },
  };
}

export const volume: Lever<VolumeParams> = {
  kind: 'volume',
  parse: (raw) => ({
    k: (raw.k as number | undefined) ?? 1,
    perFeature: raw.perFeature as Record<string, number> | undefined,
    method: (raw.method as VolumeParams['method'] | undefined) ?? 'auto',
    jitterMinutes: (raw.jitterMinutes as number | undefined) ?? 30,
    curve: raw.curve as number[] | undefined,
  }),
  apply: applyVolume,
};
