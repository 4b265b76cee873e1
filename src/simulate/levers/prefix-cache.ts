/**
 * prefixCache: replay real traffic through the provider's prompt cache.
 *
 * With prompt text, requests are replayed in time order per cache scope (provider + model, and
 * optionally per customer/user/feature/tag) through hashed prefix blocks (prefix-replay.ts): a
 * request reads the longest prefix it shares with an earlier cached request still within the TTL,
 * subject to the model's minimum cacheable length and granularity (catalog `cache:`), and writes
 * the rest of its prompt at the write price (cacheWrite5m/1h; where the catalog lists no write
 * price, writes bill as input — OpenAI before GPT-5.6). `reorder: true` first moves dynamic
 * segments (text seen once) behind static ones. The simulated read/write shares are applied to the
 * request's billed prompt tokens, so the logged counts stay authoritative. When an earlier lever
 * changed the prompt's length (summarize, outputCap, compress, images, route), the shares go on the
 * logged prompt and those changes are replayed on them (prompt-edits.ts), and a summary call reads
 * the prefix its previous turn cached within this lever's TTL: the scenario's total is the same with
 * prefixCache listed before or after those levers.
 *
 * Without text (or `mode: parametric`) it uses the parametric model in prefix-parametric.ts.
 *
 * Volume (see volume.ts): requests weighted k > 1 stand for k - 1 more users. The logged traffic is
 * replayed as it happened; then each request whose shared prefix (the leading run of segments seen
 * in two or more conversations) the replay found cold is warm with probability
 * 1 - e^(-(k-1)·λ·TTL) (x / (1 + x) where hits do not refresh the TTL), λ being the logged arrival
 * rate of that prefix (sharedWarmth). Such a request stands for two real states, warm with
 * probability p and cold (SimRequest.cacheMix): its buckets are their expectation, and a later lever
 * that cuts the cached prefix or applies the minimum cacheable length (compress, summarize, images,
 * route) does so in each state, never on the expected read (which no real request reads: cutting
 * 800 tokens from an expected read of 1,146 left 346, below a 1,024 minimum, and billed the whole
 * prefix as a write). Private history keeps the hits the replay found: other users'
 * traffic does not close the gaps between one user's turns. The cost therefore falls continuously
 * with k towards the floor where every shared prefix is read and private history is cached as
 * logged.
 *
 * Explicit-cache models (Anthropic, Bedrock) cache up to a breakpoint: `breakpoint: auto` puts it at
 * the end of the prompt in conversations (the next turn reads it) and at the end of the static
 * prefix otherwise (so one-off content is not written at the premium); `end` and `static` force
 * one. Implicit caches (OpenAI, Gemini) always cache the whole prompt.
 *
 * Parameters: ttl (5m|1h|... default: the model's), scope (model|customer|user|feature|tag:NAME,
 * default model), reorder (false), breakpoint (auto|end|static), mode (auto|replay|parametric), staticPrefixTokens,
 * staticPrefixTokensByFeature, arrivalsPerHour.
 *
 * Worked example (test/simulate/prefix-cache.test.ts): an Anthropic-style model, input $1/MTok,
 * 5m write $1.25, read $0.10, min 1,024, TTL 5m refreshed on hit; prompts are a 2,000-token system
 * message (shared, so static) plus a 500-token user message; not a conversation, so the breakpoint
 * sits after the system message. Arrivals at 0, 2, 6 and 20 minutes:
 *   t=0  miss: write 2,000 + 500 input                    $0.003
 *   t=2  read 2,000 (written at 0, live to 5) + 500 input  $0.0007
 *   t=6  read 2,000 (refreshed at 2, live to 7)            $0.0007
 *   t=20 miss (expired at 11): write 2,000 + 500 input     $0.003
 * Total $0.0074 against $0.010 uncached; hit rate 2/4; break-even 0.28 reads per write. With
 * `breakpoint: end` every request also writes its user message: $0.0079.
 *
 * Complexity: O(total prompt tokens) time after tokenizing each distinct segment once;
 * memory O(live cached blocks). Parametric mode is O(n).
 */
import { opt, oneOfStr, int, num, type Field } from '../../core/validate.js';
import { DURATION_PATTERN } from '../hash.js';
import { granular, replayScope, type ReplayItem, type ReplayRule } from '../prefix-replay.js';
import { cacheScopeKey } from '../scope.js';
import { recordToMap } from '../keys.js';
import { segmentFrequencies, SegmentTokenizer, type Segments } from '../segments.js';
import { withCacheMix, type Lever, type LeverContext, type LeverOutcome, type SimRequest } from '../types.js';
import type { ModelEntry } from '../../pricing/model.js';
import type { EncodingName } from '../../tokenize/encodings.js';
import { addStats, breakEvenReads, chooseTtl, emptyStats, withCacheShares, type CacheStats } from './cache-rules.js';
import { onLoggedPrompt } from '../prompt-edits.js';
import { withSummaryCache } from '../summary-call.js';
import { applyParametric, type ParametricParams } from './prefix-parametric.js';
import { pushAll } from '../../core/arrays.js';

export interface PrefixCacheParams extends ParametricParams {
  ttl?: string;
  scope: string;
  reorder: boolean;
  breakpoint: 'auto' | 'end' | 'static';
  mode: 'auto' | 'replay' | 'parametric';
}

export const prefixCacheFields: Record<string, Field> = {
  ttl: opt({ kind: 'string', pattern: DURATION_PATTERN, patternHint: 'a duration such as 5m or 1h' }),
  scope: opt({
    kind: 'string',
    pattern: /^(model|customer|user|feature|tag:.+)$/,
    patternHint: 'model, customer, user, feature or tag:NAME',
  }),
  reorder: opt({ kind: 'boolean' }),
  breakpoint: opt(oneOfStr(['auto', 'end', 'static'])),
  mode: opt(oneOfStr(['auto', 'replay', 'parametric'])),
  staticPrefixTokens: opt(int(1)),
  staticPrefixTokensByFeature: opt({ kind: 'record', of: int(1) }),
  arrivalsPerHour: opt(num(0)),
};

interface Group {
  entry: ModelEntry;
  replay: SimRequest[];
  other: number[];
  indices: number[];
}

function groupRequests(
  requests: readonly SimRequest[],
  p: PrefixCacheParams,
  ctx: LeverContext,
  canReplay: (r: SimRequest) => boolean,
  notes: Map<string, number>,
) {
  const groups = new Map<string, Group>();
  requests.forEach((r, i) => {
    if (r.dropped || r.origin === 'added' || !ctx.inScope(r)) return;
    const entry = ctx.resolve(r.model)?.entry;
    if (!entry?.cache) {
      const why = entry ? `${entry.id} has no prompt caching in the catalog` : `${r.model} is not in the catalog`;
      notes.set(why, (notes.get(why) ?? 0) + 1);
      return;
    }
    const key = cacheScopeKey(r, entry.id, p.scope);
    let g = groups.get(key);
    if (!g) groups.set(key, (g = { entry, replay: [], other: [], indices: [] }));
    if (canReplay(r)) {
      g.replay.push(r);
      g.indices.push(i);
    } else g.other.push(i);
  });
  return groups;
}

/**
 * Replay rule in encoder tokens. The catalog's minimum and increment are in the model's own tokens;
 * the replay counts with `tokenizer.encoding`, which is `tokenizer.factor` times fewer (Claude 4.7+:
 * a 1,024-token minimum is 788 o200k tokens).
 */
function ruleFor(entry: ModelEntry, ttlMs: number): ReplayRule {
  const c = entry.cache!;
  const f = entry.tokenizer?.factor ?? 1;
  const scale = (n: number) => (f === 1 ? n : n / f);
  return {
    minTokens: scale(c.minTokens),
    increment: c.increment === undefined ? undefined : scale(c.increment),
    boundaries: c.mode === 'implicit' ? 'token' : 'segment',
    ttlMs,
    refreshOnHit: !!c.refreshOnHit,
  };
}

/** Where the breakpoint goes: implicit caches take the whole prompt; explicit ones follow the policy. */
function breakpointOf(r: SimRequest, seg: Segments, entry: ModelEntry, policy: PrefixCacheParams['breakpoint']): number {
  if (entry.cache!.mode !== 'explicit' || policy === 'end') return seg.tokens;
  if (policy === 'static') return seg.staticPrefix;
  return r.conversation !== undefined ? seg.tokens : seg.staticPrefix;
}

function replayGroup(
  g: Group,
  out: SimRequest[],
  tok: (e: EncodingName) => SegmentTokenizer,
  p: PrefixCacheParams,
  stats: CacheStats,
): void {
  const ttl = chooseTtl(g.entry, p.ttl);
  const rule = ruleFor(g.entry, ttl.ms);
  const t = tok(g.entry.tokenizer?.encoding ?? 'o200k_base');
  const order = g.replay.map((_, i) => i).sort((a, b) => g.replay[a].timeMs! - g.replay[b].timeMs! || a - b);
  const items: ReplayItem[] = order.map((i) => {
    const seg = t.segments(g.replay[i], p.reorder)!;
    if (seg.reordered) stats.reordered++;
    return {
      timeMs: g.replay[i].timeMs!,
      seg,
      salt: g.replay[i].replica,
      cacheUpTo: breakpointOf(g.replay[i], seg, g.entry, p.breakpoint),
    };
  });
  const hits = replayScope(items, rule);
  const warm = sharedWarmth(
    items,
    order.map((i) => g.replay[i].weight),
    rule,
  );
  order.forEach((i, k) => {
    const h = hits[k];
    const r = g.replay[i];
    const extra = warm[k];
    const share = (n: number) => (h.eligible && h.prompt > 0 ? n / h.prompt : 0);
    let next = asSent(r, share(h.hit), share(h.write), ttl.bucket, g.entry);
    const warmed = h.eligible && extra.p > 0 && extra.shared > h.hit;
    if (warmed) {
      // another user's request of the k-times traffic wrote the shared prefix within the TTL, with
      // probability p: the request is this warm state or the cold one the replay found, each
      // priced and later edited as it is (a cut prefix left below the minimum in one state only)
      const more = extra.shared - h.hit;
      const hot = asSent(r, share(extra.shared), share(Math.max(0, h.write - more)), ttl.bucket, g.entry);
      next = withCacheMix(next, hot, extra.p);
    }
    out[g.indices[i]] = next;
    addStats(stats, next, h.hit > 0 ? 1 : warmed ? extra.p : 0, h.eligible);
  });
}

/**
 * A replayed request's buckets. The replay read the logged text: its shares go on the logged prompt
 * and the edits earlier levers made to the prompt (a summary, a shorter answer re-sent, compressed
 * instructions) are replayed on them (prompt-edits.ts), so the reads and writes are those of the
 * prompt as sent. A request no lever edited takes the shares directly.
 */
function asSent(r: SimRequest, readShare: number, writeShare: number, bucket: '5m' | '1h', entry: ModelEntry): SimRequest {
  return onLoggedPrompt(r, (x) => withCacheShares(x, readShare, writeShare, bucket), entry.cache);
}

/**
 * Summary calls (summarize) whose previous turn this lever re-cached: the call reads that turn's
 * cached prefix when it was written within this lever's TTL, as summarize decides it.
 */
function recheckSummaryCalls(requests: readonly SimRequest[], out: SimRequest[], p: PrefixCacheParams, ctx: LeverContext): void {
  const byId = new Map<string, number>();
  out.forEach((r, i) => {
    if (r.origin !== 'added' && r !== requests[i]) byId.set(r.id, i);
  });
  if (byId.size === 0) return;
  out.forEach((r, i) => {
    const k = r.summaryOf && !r.dropped ? byId.get(r.summaryOf.after) : undefined;
    if (k === undefined) return;
    const entry = ctx.resolve(out[k].model)?.entry;
    if (entry?.cache) out[i] = withSummaryCache(r, out[k], chooseTtl(entry, p.ttl).ms, ctx);
  });
}

/**
 * Volume's effect on shared content (see volume.ts): requests whose weight is k > 1 stand for
 * k - 1 more users sending the same shared prefix. Per leading shared segment (a system prompt) the
 * extra arrivals come at rate λ_extra = (sum of weights - logged requests) / time span (at least one
 * TTL); a request whose shared prefix the logged replay found cold finds it warm with probability
 * 1 - e^(-λ_extra·TTL) when hits refresh the TTL, x / (1 + x) (x = λ_extra·TTL) otherwise. Private
 * history (dynamic segments) is not touched. `shared` is the readable shared prefix (granular, at
 * or past the minimum), 0 when there is none.
 */
function sharedWarmth(items: readonly ReplayItem[], weights: readonly number[], rule: ReplayRule): Array<{ p: number; shared: number }> {
  const groups = new Map<object, { w: number; n: number; first: number; last: number }>();
  const keyOf = (it: ReplayItem): object | undefined =>
    it.seg.staticPart[0] && typeof it.seg.parts[0] === 'object' ? (it.seg.parts[0] as object) : undefined;
  items.forEach((it, k) => {
    const key = keyOf(it);
    if (!key || weights[k] <= 1) return;
    const g = groups.get(key);
    if (!g) groups.set(key, { w: weights[k], n: 1, first: it.timeMs, last: it.timeMs });
    else {
      g.w += weights[k];
      g.n++;
      g.first = Math.min(g.first, it.timeMs);
      g.last = Math.max(g.last, it.timeMs);
    }
  });
  return items.map((it) => {
    const key = keyOf(it);
    const g = key ? groups.get(key) : undefined;
    if (!g) return { p: 0, shared: 0 };
    const span = Math.max(g.last - g.first, rule.ttlMs);
    const x = ((g.w - g.n) / span) * rule.ttlMs;
    const p = x <= 0 ? 0 : rule.refreshOnHit ? 1 - Math.exp(-x) : x / (1 + x);
    const upTo = Math.min(it.seg.tokens, it.cacheUpTo ?? it.seg.tokens);
    let shared = granular(Math.min(it.seg.staticPrefix, upTo), it, rule);
    if (shared < rule.minTokens) shared = 0;
    return { p, shared };
  });
}

function applyPrefixCache(requests: readonly SimRequest[], p: PrefixCacheParams, ctx: LeverContext): LeverOutcome {
  const out = requests.slice();
  const skipped = new Map<string, number>();
  const env = ctx.env;
  const freq = p.mode === 'parametric' || !env.encode ? new Map<string, number>() : segmentFrequencies(requests);
  const canReplay = (r: SimRequest) =>
    p.mode !== 'parametric' &&
    !!env.encode &&
    r.timeMs !== undefined &&
    r.record.requests <= 1 &&
    (!!r.record.text?.messages?.length || r.record.text?.prompt !== undefined);
  const tokenizers = new Map<EncodingName, SegmentTokenizer>();
  const tok = (e: EncodingName) => tokenizers.get(e) ?? tokenizers.set(e, new SegmentTokenizer(env, e, freq)).get(e)!;
  const groups = groupRequests(requests, p, ctx, canReplay, skipped);
  const replayStats = emptyStats();
  const models = new Map<string, ModelEntry>();
  const pending: number[] = [];
  for (const g of groups.values()) {
    models.set(g.entry.id, g.entry);
    if (g.replay.length > 0) replayGroup(g, out, tok, p, replayStats);
    pushAll(pending, g.other);
  }
  const param = applyParametric(out, pending, p, ctx);
  recheckSummaryCalls(requests, out, p, ctx);
  const notes = [...skipped].map(([why, n]) => `${n} request(s) left as logged: ${why}`);
  notes.push(...param.notes);
  for (const e of models.values()) {
    const n = chooseTtl(e, p.ttl).note;
    if (n) notes.push(n);
  }
  if (p.mode !== 'parametric' && !env.encode) notes.push('no tokenizer available: text replay skipped');
  return finish(out, p, ctx, models, replayStats, param.stats, notes, param.assumptions);
}

function pct(n: number, d: number): string {
  return d > 0 ? `${((100 * n) / d).toFixed(1)}%` : '-';
}

function finish(
  out: SimRequest[],
  p: PrefixCacheParams,
  ctx: LeverContext,
  models: Map<string, ModelEntry>,
  replay: CacheStats,
  param: CacheStats,
  notes: string[],
  extra: Array<[string, string]>,
): LeverOutcome {
  const assumptions: Array<[string, string]> = [
    ['cache scope', p.scope === 'model' ? 'provider + model (shared across customers)' : `provider + model + ${p.scope}`],
    [
      'breakpoint',
      `implicit caches: whole prompt; explicit caches (read at message boundaries): ${p.breakpoint === 'end' ? 'end of prompt' : p.breakpoint === 'static' ? 'end of the static prefix' : 'end of prompt in conversations, end of the static prefix otherwise'}`,
    ],
    [
      'reorder dynamic content last',
      p.reorder
        ? `yes: ${replay.reordered} request(s) reordered (template messages seen in one conversation only moved behind shared ones; history kept in order)`
        : 'no',
    ],
    ...extra,
  ];
  const breakEven: Record<string, number | null> = {};
  for (const e of models.values()) {
    const ttl = chooseTtl(e, p.ttl);
    // no break-even at a pricing time before the model's first known price
    const card = ctx.env.pricer.pricedCardForEntry(
      { entry: e, matchedBy: 'id', matchedKey: e.id },
      { inputTokens: 0, cacheReadTokens: 0, cacheWrite5mTokens: 0, cacheWrite1hTokens: 0, outputTokens: 0 },
      'standard',
    );
    const be = card ? breakEvenReads(card.prices, ttl.bucket) : Number.NaN;
    breakEven[e.id] = Number.isFinite(be) ? Number(be.toFixed(3)) : null;
    assumptions.push([
      `${e.id} cache rules`,
      `min ${e.cache!.minTokens} tokens${e.cache!.increment ? `, ${e.cache!.increment}-token increments` : ''}, TTL ${ttl.text}${e.cache!.refreshOnHit ? ', refreshed on hit' : ''}; break-even ${Number.isFinite(be) ? be.toFixed(2) : 'n/a'} reads per write${card && card.prices.cacheWrite5m === card.prices.input && ttl.bucket === '5m' ? ' (writes bill as input)' : ''}`,
    ]);
  }
  const metrics: Array<[string, string]> = [];
  if (replay.requests > 0)
    metrics.push(
      ['replayed requests', String(Math.round(replay.requests))],
      ['replay hit rate', pct(replay.hits, replay.eligible)],
      ['cacheable (>= minimum)', pct(replay.eligible, replay.requests)],
    );
  if (param.requests > 0)
    metrics.push(['parametric requests', String(Math.round(param.requests))], ['parametric hit rate', pct(param.hits, param.eligible)]);
  metrics.push(
    ['tokens read from cache', String(Math.round(replay.readTokens + param.readTokens))],
    ['tokens written', String(Math.round(replay.writeTokens + param.writeTokens))],
  );
  return { requests: out, assumptions, notes, metrics, json: { replay, parametric: param, breakEvenReadsPerWrite: breakEven } };
}

export const prefixCache: Lever<PrefixCacheParams> = {
  kind: 'prefixCache',
  parse: (raw) => ({
    ttl: raw.ttl as string | undefined,
    scope: (raw.scope as string | undefined) ?? 'model',
    reorder: raw.reorder === true,
    breakpoint: (raw.breakpoint as PrefixCacheParams['breakpoint'] | undefined) ?? 'auto',
    mode: (raw.mode as PrefixCacheParams['mode'] | undefined) ?? 'auto',
    staticPrefixTokens: raw.staticPrefixTokens as number | undefined,
    staticPrefixTokensByFeature: recordToMap(raw.staticPrefixTokensByFeature as Record<string, number> | undefined),
    arrivalsPerHour: raw.arrivalsPerHour as number | undefined,
  }),
  apply: applyPrefixCache,
};
