/**
 * volume: scale traffic by `k` (times `perFeature` growth for listed features).
 *
 * What more traffic changes, and what it does not: content shared across users (system prompts,
 * tool definitions, common documents, popular questions) sees k times more arrivals per cache TTL,
 * so it is warm more often; a conversation's private history does not, because its turns still
 * come from one user with that user's gaps, whatever everyone else does.
 *
 * `compress` (the default, any k, O(n)): each request's weight is multiplied by its k. The cache
 * levers that follow replay the logged traffic as it happened and add the other (k - 1) x traffic
 * as extra arrivals of each shared prefix (prefix-cache.ts: a shared prefix the replay found cold
 * is warm with probability 1 - e^(-(k-1)·λ·TTL)); private history keeps the hits the replay found.
 * The parametric cache uses the weighted arrival rate once (k·λ, TTL unchanged). The semantic
 * cache sees other users' questions through a TTL x k and a capacity / k (time compression). The
 * cost curve is continuous in k and tends to the floor where every shared prefix is warm and the
 * private history is cached exactly as at 1x.
 * `replicate` (on request) makes k copies of each request in scope (fractional k: the last copy is
 * kept for a deterministic share of requests), each moved by a deterministic jitter of up to
 * ±`jitterMinutes` (the same for every turn of a conversation); a copy's dynamic text counts as
 * another user's. It needs memory for n·k requests, so its size is checked first: more than
 * 2,000,000 requests exits 2 naming what it would need.
 * `curve: [1, 10, 100]` re-runs the whole scenario at each k (report section "volume curve").
 *
 * Parameters: k (1), perFeature, method (auto = compress | replicate | compress), jitterMinutes (30), curve.
 *
 * Worked example (test/simulate/levers.test.ts): 3 requests costing $0.01 each, k = 2 ->
 * $0.06; replicate -> 6 requests; compress at k = 2.5 -> 3 requests of weight 2.5, $0.075 exactly.
 *
 * Complexity: O(n) for compress, O(n·k) for replicate.
 */
import { arr, num, oneOfStr, opt, type Field, type PathPart, type ValidationError } from '../../core/validate.js';
import { UserError } from '../../core/issues.js';
import { unitOf } from '../hash.js';
import { recordToMap } from '../keys.js';
import type { Lever, LeverContext, LeverOutcome, SimRequest } from '../types.js';

export interface VolumeParams {
  k: number;
  perFeature?: Map<string, number>;
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

/**
 * k and the curve's points scale the traffic: at 0 there is none, and the scenario read "saves 100%"
 * with an "unpriced" cost per request. A feature's own growth (perFeature) may be 0: that feature
 * is switched off and the rest of the traffic remains.
 */
export function checkVolume(raw: Record<string, unknown>): ValidationError[] {
  const errors: ValidationError[] = [];
  const positive = (v: unknown, path: PathPart[]) => {
    if (v === 0) errors.push({ path, message: 'expected a number greater than 0 (got 0): k scales the logged traffic, 0 leaves none' });
  };
  positive(raw.k, ['k']);
  if (Array.isArray(raw.curve)) raw.curve.forEach((v, i) => positive(v, ['curve', i]));
  return errors;
}

/** The method a lever runs: `auto` is `compress` at every k (one model, so the curve has no seam). */
export function effectiveMethod(p: VolumeParams): 'replicate' | 'compress' {
  return p.method === 'replicate' ? 'replicate' : 'compress';
}

/** Most requests `replicate` may create: about 1 KB each, so 2 GB of heap. */
export const MAX_REPLICATED_REQUESTS = 2_000_000;

function replicas(r: SimRequest, k: number, jitterMs: number): SimRequest[] {
  const copies = Math.floor(k) + (unitOf(`${r.record.id}:volume`) < k - Math.floor(k) ? 1 : 0);
  const out: SimRequest[] = [];
  for (let j = 1; j < copies; j++) {
    const key = `${r.conversation ?? r.record.id}:${j}`;
    const shift = (unitOf(key) * 2 - 1) * jitterMs;
    out.push({
      ...r,
      id: `${r.id}#${j}`,
      origin: 'replica',
      replica: j,
      timeMs: r.timeMs === undefined ? undefined : Math.round(r.timeMs + shift),
    });
  }
  return out;
}

function applyVolume(requests: readonly SimRequest[], p: VolumeParams, ctx: LeverContext): LeverOutcome {
  const method = effectiveMethod(p);
  const kOf = (r: SimRequest) => p.k * (p.perFeature?.get(r.record.tags.feature ?? '') ?? 1);
  if (method === 'replicate') {
    let copies = 0;
    for (const r of requests) if (ctx.inScope(r) && r.origin !== 'added') copies += Math.ceil(kOf(r));
    if (copies > MAX_REPLICATED_REQUESTS)
      throw new UserError(
        `volume: method replicate at k = ${p.k} would make ${copies.toLocaleString('en-US')} requests (about ${Math.ceil(copies / 1e6)} GB of memory); the limit is ${MAX_REPLICATED_REQUESTS.toLocaleString('en-US')}`,
        'use method: compress (the default), which handles any k in the memory of the log itself',
      );
  }
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
  if (method === 'compress' && p.perFeature)
    notes.push(
      "per-feature growth: prefix caches use each request's own k; the semantic cache's TTL and capacity scale by the overall k only",
    );
  if (p.k < 1)
    notes.push(`k = ${p.k} below 1: weights shrink, but caches keep the hits the logged traffic had (fewer arrivals would hit less)`);
  return {
    requests: [...out, ...added],
    ttlScale: method === 'compress' ? ctx.ttlScale * p.k : ctx.ttlScale,
    assumptions: [
      ['volume', `x${p.k}${p.perFeature ? ` (per feature: ${[...p.perFeature].map(([f, g]) => `${f} x${g}`).join(', ')})` : ''}`],
      [
        'volume method',
        method === 'replicate'
          ? `replicated requests, jitter ±${p.jitterMinutes} min, copies are other users (dynamic text differs)`
          : 'weights x k; shared prefixes get (k - 1) x their logged arrivals more, private history is cached as logged; semantic cache TTL x k, capacity / k',
      ],
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
    perFeature: recordToMap(raw.perFeature as Record<string, number> | undefined),
    method: (raw.method as VolumeParams['method'] | undefined) ?? 'auto',
    jitterMinutes: (raw.jitterMinutes as number | undefined) ?? 30,
    curve: raw.curve as number[] | undefined,
  }),
  apply: applyVolume,
};
