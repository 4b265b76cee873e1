/**
 * semanticCache: answer near-duplicate user queries from a cache instead of calling the model.
 *
 * The query is `text.query` (else the last user message). Queries are normalised, split into
 * word shingles and matched by exact Jaccard similarity among LSH candidates (semantic-replay.ts).
 * A hit drops the whole call, and with it the prompt-cache write the call made: the conversation's
 * next turn reads only what an earlier turn that ran left cached (turn-cache.ts). Besides the chosen `threshold`, the replay runs at each of
 * `thresholds` to draw the curve (hit rate and saving against threshold; thresholds share one
 * replay while their decisions agree); `--explain` adds the lowest-similarity matched pairs per
 * threshold, the ones most likely to be false hits.
 *
 * Conversation context (`context`): a cached answer may only serve a request whose prior context
 * matches, since "Yes" or "make it shorter" means something else in every conversation.
 *   - `first-turn` (default, the safe one): only requests without prior turns are looked up and
 *     stored (turn 1, or a request whose messages hold no assistant reply before its question);
 *   - `context`: follow-ups too, but a pair's similarity is the smaller of the queries' and of the
 *     preceding user and assistant messages' (first turns have an empty context and match only
 *     first turns), so a follow-up hits only when the conversation so far is as similar as the
 *     threshold asks (a request without message text past turn 1 is not looked up);
 *   - `query-only`: the query alone, whatever came before (the pre-issue-12 behaviour; optimistic).
 * The report shows sample hits with their context (lowest similarity first) in a table and in JSON.
 *
 * Lookups are priced by default: each query looked up (hit or miss) is embedded with
 * `embeddingModel` (text-embedding-3-small at the catalog's price, on the compared text's tokens)
 * and pays `lookupCostUsd` for the vector-store query (default $0.00001, an assumption: set your
 * store's price). `embeddingModel: none` leaves the embedding out.
 *
 * Parameters: threshold (0.9), thresholds ([0.7, 0.8, 0.9, 0.95]), ttl (24h), scope (feature |
 * model | customer | user | tag:NAME | all; default feature), context (first-turn | context |
 * query-only), capacity (10,000 entries per scope, LRU), lookupCostUsd (0.00001), embeddingModel
 * (text-embedding-3-small | none), shingleWords (2), seed (1), queryPattern (a regular expression
 * whose first group is the user's question inside a longer message, e.g. "^Question: (.*)$"; shapes
 * that backtrack without bound are refused, see safe-pattern.ts).
 *
 * Worked example (test/simulate/levers.test.ts): queries "How do I reset my password?",
 * "how do i reset my password" (shingles equal -> similarity 1, hit), "How do I reset my
 * password please" (5 of 6 bigrams shared: 5/6 = 0.83 -> hit at 0.8, miss at 0.9). Each call
 * costs $0.01 and a lookup $0.001 (no embedding model in the test catalog): at 0.8 two calls
 * dropped, saving 2 x $0.01 - 3 x $0.001 = $0.017.
 *
 * Complexity: O(n · shingles · 128) for signatures and O(n · 32) to index buckets, once per
 * distinct text / query for all thresholds; then O(n · (32 + candidates)) per threshold (at most
 * 32 · 6 candidates per query), typed arrays only. 100,000 skewed queries, chosen threshold plus
 * a 4-point curve: about 2-4 s on 2 cores (test/simulate/perf.test.ts). The embedding mode
 * (cosine over logged embeddings) needs an embedding field the usage record does not have yet,
 * so MinHash is always used.
 */
import { arr, int, num, oneOfStr, opt, str, type Field, type ValidationError } from '../../core/validate.js';
import { UserError } from '../../core/issues.js';
import { decimalToScaled, femtoToUsdNumber, formatUsd, scaleFemto } from '../../pricing/money.js';
import { propagateOutputChanges } from '../output-history.js';
import { carryTurnCaches, conversationKey } from '../turn-cache.js';
import { DURATION_PATTERN, durationMs } from '../hash.js';
import { bandKeys, normalizeQuery, shingles } from '../minhash.js';
import { indexQueries, replayThresholds, type QueryItem, type SemanticHits, type SemanticIndex } from '../semantic-replay.js';
import { groupKey } from '../scope.js';
import { MAX_PATTERN_INPUT, patternInput, unsafePatternReason } from '../safe-pattern.js';
import { resentAnswer, type Lever, type LeverContext, type LeverOutcome, type SimRequest } from '../types.js';
import { MAX_TEXT_CHARS, type SemanticCurvePointData, type SemanticMatchData, type SemanticSampleData } from '../lever-details.js';

export interface SemanticCacheParams {
  threshold: number;
  thresholds: number[];
  ttl: string;
  scope: string;
  capacity: number;
  lookupCostUsd: number;
  shingleWords: number;
  seed: number;
  /** Regular expression (multiline) whose first group is the query inside the text. */
  queryPattern?: RegExp;
  context: ContextMode;
  embeddingModel: string;
}

export type ContextMode = 'first-turn' | 'context' | 'query-only';

/** Default per-lookup vector-store cost (an assumption, stated in the report). */
export const DEFAULT_LOOKUP_COST_USD = 0.00001;
export const DEFAULT_EMBEDDING_MODEL = 'text-embedding-3-small';

export const semanticCacheFields: Record<string, Field> = {
  threshold: opt(num(0, 1)),
  thresholds: opt(arr(num(0, 1), 1)),
  ttl: opt({ kind: 'string', pattern: DURATION_PATTERN, patternHint: 'a duration such as 1h or 24h' }),
  scope: opt({
    kind: 'string',
    pattern: /^(all|model|customer|user|feature|tag:.+)$/,
    patternHint: 'all, model, customer, user, feature or tag:NAME',
  }),
  capacity: opt(int(1)),
  lookupCostUsd: opt(num(0)),
  shingleWords: opt(int(1, 5)),
  seed: opt(int()),
  queryPattern: opt(str()),
  context: opt(oneOfStr(['first-turn', 'context', 'query-only'])),
  embeddingModel: opt(str()),
};

export function checkSemantic(raw: Record<string, unknown>): ValidationError[] {
  if (typeof raw.queryPattern !== 'string') return [];
  try {
    new RegExp(raw.queryPattern, 'm');
  } catch (err) {
    return [{ path: ['queryPattern'], message: `not a valid regular expression: ${(err as Error).message}` }];
  }
  const unsafe = unsafePatternReason(raw.queryPattern);
  return unsafe
    ? [
        {
          path: ['queryPattern'],
          message: `refused: ${unsafe} (its matching time could explode on long messages); see README "simulate" for the allowed shapes`,
        },
      ]
    : [];
}

export function queryText(r: SimRequest, pattern?: RegExp): string | undefined {
  const t = r.record.text;
  const users = t?.messages?.filter((m) => m.role === 'user');
  const text = t?.query ?? (users && users.length > 0 ? users[users.length - 1].content : undefined);
  if (text === undefined || !pattern) return text;
  const m = pattern.exec(patternInput(text));
  return m ? (m[1] ?? m[0]) : undefined;
}

interface Prepared {
  items: QueryItem[];
  /** The items numbered once for every threshold's replay. */
  index: SemanticIndex;
  /** Item -> index in the request list. */
  at: number[];
  texts: string[];
  /** Item -> a short description of its prior context. */
  contexts: string[];
  /** Item -> the text embedded and compared (query, or context + query). */
  compared: string[];
  noText: number;
  /** Follow-ups left out by the context rule. */
  followUps: number;
}

const INSTRUCTION_ROLES = new Set(['system', 'developer']);
const EMPTY = new Uint32Array(0);

/**
 * The conversation before a request's question: undefined when unknown (no message text past turn
 * 1), else the preceding user/assistant messages (empty for a first turn). Turn 1 is a first turn
 * whatever its template holds (few-shot examples are not context).
 */
export function priorContext(r: SimRequest): string[] | undefined {
  const msgs = r.record.text?.messages;
  const turn = r.record.turn;
  if (turn === 1) return [];
  if (!msgs || msgs.length === 0) return turn === undefined && r.record.conversationId === undefined ? [] : undefined;
  let last = -1;
  for (let i = msgs.length - 1; i >= 0; i--)
    if (msgs[i].role === 'user') {
      last = i;
      break;
    }
  const before = msgs.slice(0, Math.max(0, last)).filter((m) => !INSTRUCTION_ROLES.has(m.role));
  return before.some((m) => m.role === 'assistant') ? before.map((m) => m.content) : [];
}

function describeContext(prior: string[], r: SimRequest): string {
  if (prior.length === 0) return 'first turn';
  const lastMsg = prior[prior.length - 1].replace(/\s+/g, ' ');
  return `turn ${r.record.turn ?? '?'}, after "${lastMsg.length > 60 ? `${lastMsg.slice(0, 59)}…` : lastMsg}"`;
}

function prepare(requests: readonly SimRequest[], p: SemanticCacheParams, ctx: LeverContext): Prepared {
  const rows: Array<{ i: number; text: string; time: number; compared: string; prior?: string; context: string }> = [];
  let noText = 0;
  let followUps = 0;
  requests.forEach((r, i) => {
    if (r.dropped || r.origin === 'added' || !ctx.inScope(r)) return;
    const text = queryText(r, p.queryPattern);
    if (text === undefined || r.record.requests > 1) return void noText++;
    if (p.context === 'query-only')
      return void rows.push({ i, text, time: r.timeMs ?? 0, compared: text, context: 'not checked (query-only)' });
    const prior = priorContext(r);
    if (prior === undefined || (p.context === 'first-turn' && prior.length > 0)) return void followUps++;
    rows.push({
      i,
      text,
      time: r.timeMs ?? 0,
      compared: prior.length > 0 ? `${prior.join('\n')}\n${text}` : text,
      prior: prior.join('\n'),
      context: describeContext(prior, r),
    });
  });
  rows.sort((a, b) => a.time - b.time || a.i - b.i);
  const memo = new Map<string, { sh: Uint32Array; bands: Int32Array }>();
  const signature = (text: string) => {
    const norm = normalizeQuery(text);
    let m = memo.get(norm);
    if (!m) {
      const sh = shingles(norm, p.shingleWords);
      memo.set(norm, (m = { sh, bands: bandKeys(sh, p.seed) }));
    }
    return m;
  };
  const items = rows.map(({ i, text, time, prior }): QueryItem => {
    const r = requests[i];
    const m = signature(text);
    const scope = `${p.scope === 'all' ? '' : p.scope === 'model' ? r.model : groupKey(r, p.scope)}`;
    return {
      timeMs: time,
      scope,
      origin: r.record.id,
      shingles: m.sh,
      bands: m.bands,
      context: prior === undefined ? undefined : prior === '' ? EMPTY : signature(prior).sh,
    };
  });
  return {
    items,
    index: indexQueries(items),
    at: rows.map((x) => x.i),
    texts: rows.map((x) => x.text),
    contexts: rows.map((x) => x.context),
    compared: rows.map((x) => x.compared),
    noText,
    followUps,
  };
}

/** Per item: what its lookup costs (embedding of the compared text + the store query), femto-USD. */
function lookupCosts(
  prep: Prepared,
  requests: readonly SimRequest[],
  p: SemanticCacheParams,
  ctx: LeverContext,
): { costs: bigint[]; embedNote?: string; embeddingTokens: number; estimated: boolean } {
  const store = decimalToScaled(p.lookupCostUsd, 15);
  const res = p.embeddingModel === 'none' ? undefined : ctx.resolve(p.embeddingModel);
  if (p.embeddingModel !== 'none' && !res && p.embeddingModel !== DEFAULT_EMBEDDING_MODEL)
    throw new UserError(
      `semanticCache: embeddingModel "${p.embeddingModel}" is not in the pricing catalog`,
      'use a model id that `tokenomics prices MODEL` resolves, or embeddingModel: none',
    );
  if (!res)
    return {
      costs: prep.at.map(() => store),
      embeddingTokens: 0,
      estimated: false,
      embedNote:
        p.embeddingModel === 'none'
          ? undefined
          : `${DEFAULT_EMBEDDING_MODEL} is not in the catalog: query embeddings not priced (set embeddingModel)`,
    };
  const enc = res.entry.tokenizer?.encoding;
  const encode = ctx.env.encode;
  const memo = new Map<string, number>();
  let estimated = false;
  let embeddingTokens = 0;
  const costs = prep.at.map((i, k) => {
    const text = prep.compared[k];
    let n = memo.get(text);
    if (n === undefined) {
      if (encode && enc) n = encode(text, enc).length;
      else {
        n = Math.ceil(text.length / 4);
        estimated = true;
      }
      memo.set(text, n);
    }
    embeddingTokens += n * requests[i].weight;
    const r = requests[i];
    // the embedding is a call of its own: none of the logged request's per-call charges (its web
    // searches) are billed again at the embedding model
    const embed = ctx.cost({
      ...r,
      origin: 'added',
      model: res.entry.id,
      serviceTier: 'standard',
      inputTokens: n,
      cacheReadTokens: 0,
      cacheWrite5mTokens: 0,
      cacheWrite1hTokens: 0,
      outputTokens: 0,
      retryFactor: 1,
      weight: 1,
      dropped: false,
      extraFemto: 0n,
    });
    // an embedding the catalog cannot price (dated before its first known price) is not $0
    if (embed === undefined)
      throw new UserError(
        `semanticCache: embeddingModel "${res.entry.id}" has no price on ${r.timeMs === undefined ? "the requests' date" : new Date(r.timeMs).toISOString().slice(0, 10)}, so its lookups would count as $0`,
        'use an embedding model priced on the logged dates, or embeddingModel: none with lookupCostUsd set to the lookup price',
      );
    return embed + store;
  });
  return { costs, embeddingTokens, estimated };
}

/** Replays at the chosen threshold and the curve's, sharing work (see replayThresholds). */
function replayAll(prep: Prepared, p: SemanticCacheParams, ctx: LeverContext): (threshold: number) => SemanticHits {
  const ths = [p.threshold, ...p.thresholds];
  const hits = replayThresholds(prep.index, ths, durationMs(p.ttl)! * ctx.ttlScale, Math.max(1, Math.round(p.capacity / ctx.ttlScale)));
  return (th) => hits[ths.indexOf(th)];
}

/** The threshold curve, and with --explain the lowest-similarity matches per threshold. */
function curveData(
  prep: Prepared,
  replay: (threshold: number) => SemanticHits,
  ctx: LeverContext,
  requests: readonly SimRequest[],
  lookup: readonly bigint[],
  p: SemanticCacheParams,
): { curve: SemanticCurvePointData[]; lowestMatches: SemanticMatchData[] | null } {
  const curve: SemanticCurvePointData[] = [];
  const matches: SemanticMatchData[] = [];
  const lookups = prep.at.reduce((s, i, k) => s + scaleFemto(lookup[k], requests[i].weight), 0n);
  const costs = new Array<bigint | undefined>(prep.at.length);
  const costOf = (k: number): bigint => (costs[k] ??= ctx.cost(requests[prep.at[k]]) ?? 0n);
  for (const th of [...new Set([...p.thresholds, p.threshold])].sort((a, b) => a - b)) {
    const hits = replay(th);
    let n = 0;
    let saved = 0n;
    const matched: number[] = [];
    hits.match.forEach((m, k) => {
      if (m < 0) return;
      n++;
      matched.push(k);
      saved += costOf(k);
    });
    curve.push({
      threshold: th,
      hits: n,
      hitRate: prep.items.length ? n / prep.items.length : 0,
      savedUsd: saved,
      netUsd: saved - lookups,
    });
    if (ctx.env.explain) {
      matched.sort((a, b) => hits.similarity[a] - hits.similarity[b] || a - b);
      for (const k of matched.slice(0, 3))
        matches.push({
          threshold: th,
          similarity: Number(hits.similarity[k].toFixed(3)),
          query: prep.texts[k].slice(0, MAX_TEXT_CHARS),
          answeredFrom: prep.texts[hits.match[k]].slice(0, MAX_TEXT_CHARS),
        });
    }
  }
  return { curve, lowestMatches: ctx.env.explain ? matches : null };
}

/** Up to `n` hits, lowest similarity first (the likeliest false hits), with both sides' context. */
function sampleHits(prep: Prepared, hits: SemanticHits, n: number): SemanticSampleData[] {
  const ks: number[] = [];
  hits.match.forEach((m, k) => m >= 0 && ks.push(k));
  ks.sort((a, b) => hits.similarity[a] - hits.similarity[b] || a - b);
  return ks.slice(0, n).map((k) => ({
    similarity: Number(hits.similarity[k].toFixed(3)),
    query: prep.texts[k].slice(0, MAX_TEXT_CHARS),
    context: prep.contexts[k],
    answeredFrom: prep.texts[hits.match[k]].slice(0, MAX_TEXT_CHARS),
    answeredContext: prep.contexts[hits.match[k]],
  }));
}

function applySemantic(requests: readonly SimRequest[], p: SemanticCacheParams, ctx: LeverContext): LeverOutcome {
  const prep = prepare(requests, p, ctx);
  const lookup = lookupCosts(prep, requests, p, ctx);
  const out = requests.slice();
  const replay = replayAll(prep, p, ctx);
  const hits = replay(p.threshold);
  let n = 0;
  let exact = 0;
  const changed = new Map<number, number>();
  prep.at.forEach((i, k) => {
    const hit = hits.match[k] >= 0;
    if (hit) {
      n++;
      if (hits.similarity[k] === 1) exact++;
      // the user gets the cached answer: later turns re-send its length, not the logged one
      const from = requests[prep.at[hits.match[k]]];
      out[i] = { ...out[i], served: { by: from.id, tokens: from.outputTokens, reasoning: from.record.reasoningTokens } };
      // the text of the answers, reasoning left out (types.ts, resentTokens)
      const d = resentAnswer(out[i]) - resentAnswer(requests[i]);
      if (d !== 0) changed.set(i, d);
    }
    out[i] = { ...out[i], dropped: out[i].dropped || hit, extraFemto: out[i].extraFemto + lookup.costs[k] };
  });
  // a turn answered from the cache wrote no prompt cache: the conversation's next turn reads only what is still there
  const answered = new Set(prep.at.filter((i) => out[i].dropped && out[i].conversation !== undefined).map((i) => conversationKey(out[i])));
  const rewritten = carryTurnCaches(requests, out, answered, ctx);
  const history = propagateOutputChanges(out, changed, ctx);
  const { curve, lowestMatches } = curveData(prep, replay, ctx, requests, lookup.costs, p);
  const samples = sampleHits(prep, hits, 5);
  const notes: string[] = [];
  if (prep.noText > 0)
    notes.push(
      `${prep.noText} request(s) in scope without a query text (text.query or a user message, matching queryPattern if given) could not be matched and were left as logged`,
    );
  if (prep.followUps > 0)
    notes.push(
      `${prep.followUps} follow-up request(s) not looked up: ${p.context === 'first-turn' ? 'context first-turn serves only requests without prior turns' : 'their prior messages are not in the log'}`,
    );
  if (lookup.embedNote) notes.push(lookup.embedNote);
  const totalLookup = prep.at.reduce((a, i, k) => a + scaleFemto(lookup.costs[k], requests[i].weight), 0n);
  return {
    requests: out,
    assumptions: [
      [
        'query',
        p.queryPattern
          ? `first group of /${p.queryPattern.source}/m in the last user message (its last ${MAX_PATTERN_INPUT} characters)`
          : 'text.query, else the last user message',
      ],
      [
        'context',
        p.context === 'first-turn'
          ? 'first-turn: only requests without prior turns are served or stored'
          : p.context === 'context'
            ? "context: a pair's similarity is the smaller of the queries' and of the preceding user/assistant messages'"
            : 'query-only: prior turns ignored (optimistic: a follow-up such as "Yes" can match another conversation)',
      ],
      [
        'similarity',
        `exact Jaccard over ${p.shingleWords}-word shingles of normalised queries (MinHash LSH, 32x4, seed ${p.seed} picks candidates); embeddings not used for matching`,
      ],
      [
        'threshold / TTL / capacity',
        `${p.threshold} / ${p.ttl} / ${p.capacity} entries per ${p.scope === 'all' ? 'cache' : p.scope} (LRU)${ctx.ttlScale !== 1 ? `; at x${ctx.ttlScale} volume the TTL spans x${ctx.ttlScale} as many queries and the capacity 1/${ctx.ttlScale} of the logged time` : ''}`,
      ],
      [
        'lookup cost',
        `${p.embeddingModel === 'none' ? 'no embedding' : `embedding of the compared text with ${p.embeddingModel}${lookup.estimated ? ' (tokens estimated at 4 characters each)' : ''}`} + $${p.lookupCostUsd} store query per lookup${p.lookupCostUsd === DEFAULT_LOOKUP_COST_USD ? ' (default, an assumption: set lookupCostUsd)' : ''}, hit or miss: ${formatUsd(totalLookup)} in all`,
      ],
      ['answer quality', 'a hit is assumed to serve the user as well as a fresh call (see the sample hits)'],
      [
        'later turns',
        `${Math.round(history.requests)} later turn(s) re-send the cached answer's length (${history.tokens >= 0 ? '+' : ''}${Math.round(history.tokens)} prompt tokens)${rewritten > 0 ? `; ${rewritten} write again the prefix the answered turn would have cached` : ''}`,
      ],
    ],
    notes,
    metrics: [
      ['queries', String(prep.items.length)],
      ['hit rate', prep.items.length ? `${((100 * n) / prep.items.length).toFixed(1)}%` : '-'],
      ['hits that were exact repeats', n ? `${((100 * exact) / n).toFixed(1)}%` : '-'],
    ],
    details: { lever: 'semanticCache', threshold: p.threshold, curve, sampleHits: samples, lowestMatches },
    json: {
      queries: prep.items.length,
      hits: n,
      exactRepeats: exact,
      followUpsNotLookedUp: prep.followUps,
      context: p.context,
      lookupCostUsd: femtoToUsdNumber(totalLookup),
      embeddingTokens: lookup.embeddingTokens,
      sampleHits: samples,
    },
  };
}

export const semanticCache: Lever<SemanticCacheParams> = {
  kind: 'semanticCache',
  parse: (raw) => ({
    threshold: (raw.threshold as number | undefined) ?? 0.9,
    thresholds: (raw.thresholds as number[] | undefined) ?? [0.7, 0.8, 0.9, 0.95],
    ttl: (raw.ttl as string | undefined) ?? '24h',
    scope: (raw.scope as string | undefined) ?? 'feature',
    capacity: (raw.capacity as number | undefined) ?? 10_000,
    lookupCostUsd: (raw.lookupCostUsd as number | undefined) ?? DEFAULT_LOOKUP_COST_USD,
    shingleWords: (raw.shingleWords as number | undefined) ?? 2,
    seed: (raw.seed as number | undefined) ?? 1,
    queryPattern: typeof raw.queryPattern === 'string' ? new RegExp(raw.queryPattern, 'm') : undefined,
    context: (raw.context as ContextMode | undefined) ?? 'first-turn',
    embeddingModel: (raw.embeddingModel as string | undefined) ?? DEFAULT_EMBEDDING_MODEL,
  }),
  apply: applySemantic,
};
