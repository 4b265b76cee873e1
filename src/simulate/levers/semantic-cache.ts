/**
 * semanticCache: answer near-duplicate user queries from a cache instead of calling the model.
 *
 * The query is `text.query` (else the last user message). Queries are normalised, split into
 * word shingles and matched by exact Jaccard similarity among LSH candidates (semantic-replay.ts).
 * A hit drops the whole call; every query in scope pays `lookupCostUsd` (embedding + lookup).
 * Besides the chosen `threshold`, the replay runs at each of `thresholds` to draw the curve
 * (hit rate and saving against threshold; thresholds share one replay while their decisions
 * agree); `--explain` adds the lowest-similarity matched pairs per threshold, the ones most
 * likely to be false hits.
 *
 * Parameters: threshold (0.9), thresholds ([0.7, 0.8, 0.9, 0.95]), ttl (24h), scope (feature |
 * model | customer | user | tag:NAME | all; default feature), capacity (10,000 entries per scope,
 * LRU), lookupCostUsd (0), shingleWords (2), seed (1), queryPattern (a regular expression whose
 * first group is the user's question inside a longer message, e.g. "^Question: (.*)$").
 *
 * Worked example (test/simulate/levers.test.ts): queries "How do I reset my password?",
 * "how do i reset my password" (shingles equal -> similarity 1, hit), "How do I reset my
 * password please" (5 of 6 bigrams shared: 5/6 = 0.83 -> hit at 0.8, miss at 0.9). Each call
 * costs $0.01 and a lookup $0.001: at 0.8 two calls dropped, saving 2 x $0.01 - 3 x $0.001 = $0.017.
 *
 * Complexity: O(n · shingles · 128) for signatures and O(n · 32) to index buckets, once per
 * distinct text / query for all thresholds; then O(n · (32 + candidates)) per threshold (at most
 * 32 · 6 candidates per query), typed arrays only. 100,000 skewed queries, chosen threshold plus
 * a 4-point curve: about 2-4 s on 2 cores (test/simulate/perf.test.ts). The embedding mode
 * (cosine over logged embeddings) needs an embedding field the usage record does not have yet,
 * so MinHash is always used.
 */
import { arr, int, num, opt, str, type Field, type ValidationError } from '../../core/validate.js';
import { col, type Section } from '../../report/model.js';
import { decimalToScaled } from '../../pricing/money.js';
import { DURATION_PATTERN, durationMs } from '../hash.js';
import { bandKeys, normalizeQuery, shingles } from '../minhash.js';
import { indexQueries, replayThresholds, type QueryItem, type SemanticHits, type SemanticIndex } from '../semantic-replay.js';
import { groupKey } from '../scope.js';
import { patternInput, unsafePatternReason } from '../safe-pattern.js';
import type { Lever, LeverContext, LeverOutcome, SimRequest } from '../types.js';

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
}

export const semanticCacheFields: Record<string, Field> = {
  threshold: opt(num(0, 1)),
  thresholds: opt(arr(num(0, 1), 1)),
  ttl: opt({ kind: 'string', pattern: DURATION_PATTERN, patternHint: 'a duration such as 1h or 24h' }),
  scope: opt({ kind: 'string', pattern: /^(all|model|customer|user|feature|tag:.+)$/, patternHint: 'all, model, customer, user, feature or tag:NAME' }),
  capacity: opt(int(1)),
  lookupCostUsd: opt(num(0)),
  shingleWords: opt(int(1, 5)),
  seed: opt(int()),
  queryPattern: opt(str()),
};

export function checkSemantic(raw: Record<string, unknown>): ValidationError[] {
  if (typeof raw.queryPattern !== 'string') return [];
  try {
    new RegExp(raw.queryPattern, 'm');
  } catch (err) {
    return [{ path: ['queryPattern'], message: `not a valid regular expression: ${(err as Error).message}` }];
  }
  const unsafe = unsafePatternReason(raw.queryPattern);
  return unsafe ? [{ path: ['queryPattern'], message: `refused: ${unsafe} (its matching time could explode on long messages); see README "simulate" for the allowed shapes` }] : [];
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
  noText: number;
}

function prepare(requests: readonly SimRequest[], p: SemanticCacheParams, ctx: LeverContext): Prepared {
  const rows: Array<{ i: number; text: string; time: number }> = [];
  let noText = 0;
  requests.forEach((r, i) => {
    if (r.dropped || r.origin === 'added' || !ctx.inScope(r)) return;
    const text = queryText(r, p.queryPattern);
    if (text === undefined || r.record.requests > 1) noText++;
    else rows.push({ i, text, time: r.timeMs ?? 0 });
  });
  rows.sort((a, b) => a.time - b.time || a.i - b.i);
  const memo = new Map<string, { sh: Uint32Array; bands: Int32Array }>();
  const items = rows.map(({ i, text, time }) => {
    const r = requests[i];
    const norm = normalizeQuery(text);
    let m = memo.get(norm);
    if (!m) {
      const sh = shingles(norm, p.shingleWords);
      memo.set(norm, (m = { sh, bands: bandKeys(sh, p.seed) }));
    }
    const scope = `${p.scope === 'all' ? '' : p.scope === 'model' ? r.model : groupKey(r, p.scope)}`;
    return { timeMs: time, scope, origin: r.record.id, shingles: m.sh, bands: m.bands };
  });
  return { items, index: indexQueries(items), at: rows.map((x) => x.i), texts: rows.map((x) => x.text), noText };
}

/** Replays at the chosen threshold and the curve's, sharing work (see replayThresholds). */
function replayAll(prep: Prepared, p: SemanticCacheParams, ctx: LeverContext): (threshold: number) => SemanticHits {
  const ths = [p.threshold, ...p.thresholds];
  const hits = replayThresholds(prep.index, ths, durationMs(p.ttl)! * ctx.ttlScale, Math.max(1, Math.round(p.capacity / ctx.ttlScale)));
  return (th) => hits[ths.indexOf(th)];
}

function curveSection(prep: Prepared, replay: (threshold: number) => SemanticHits, ctx: LeverContext, requests: readonly SimRequest[], lookup: bigint, p: SemanticCacheParams): { section: Section; pairs: Section | undefined } {
  const rows: Section['rows'] = [];
  const pairRows: Section['rows'] = [];
  const lookups = prep.at.reduce((s, i) => s + lookup * BigInt(Math.round(requests[i].weight)), 0n);
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
    rows.push({ threshold: th, hits: n, hitRate: prep.items.length ? n / prep.items.length : 0, saved, net: saved - lookups });
    if (ctx.env.explain) {
      matched.sort((a, b) => hits.similarity[a] - hits.similarity[b] || a - b);
      for (const k of matched.slice(0, 3)) pairRows.push({ threshold: th, similarity: Number(hits.similarity[k].toFixed(3)), query: prep.texts[k], matched: prep.texts[hits.match[k]] });
    }
  }
  const section: Section = {
    id: 'semantic-curve', title: 'Semantic cache: hit rate and saving by threshold',
    columns: [col('threshold', 'Threshold', 'number'), col('hits', 'Hits', 'int'), col('hitRate', 'Hit rate', 'pct'), col('saved', 'Calls saved', 'usd'), col('net', 'Net of lookups', 'usd')],
    rows,
  };
  const pairs: Section | undefined = ctx.env.explain ? {
    id: 'semantic-pairs', title: 'Semantic cache: lowest-similarity matches per threshold (false-hit risk)',
    columns: [col('threshold', 'Threshold', 'number'), col('similarity', 'Similarity', 'number'), col('query', 'Query'), col('matched', 'Answered from')], rows: pairRows,
  } : undefined;
  return { section, pairs };
}

function applySemantic(requests: readonly SimRequest[], p: SemanticCacheParams, ctx: LeverContext): LeverOutcome {
  const prep = prepare(requests, p, ctx);
  const lookup = decimalToScaled(p.lookupCostUsd, 15);
  const out = requests.slice();
  const replay = replayAll(prep, p, ctx);
  const hits = replay(p.threshold);
  let n = 0;
  let exact = 0;
  prep.at.forEach((i, k) => {
    const hit = hits.match[k] >= 0;
    if (hit) {
      n++;
      if (hits.similarity[k] === 1) exact++;
    }
    out[i] = { ...out[i], dropped: out[i].dropped || hit, extraFemto: out[i].extraFemto + lookup };
  });
  const { section, pairs } = curveSection(prep, replay, ctx, requests, lookup, p);
  const notes: string[] = [];
  if (prep.noText > 0) notes.push(`${prep.noText} request(s) in scope without a query text (text.query or a user message, matching queryPattern if given) could not be matched and were left as logged`);
  return {
    requests: out,
    assumptions: [
      ['query', p.queryPattern ? `first group of /${p.queryPattern.source}/m in the last user message` : 'text.query, else the last user message'],
      ['similarity', `exact Jaccard over ${p.shingleWords}-word shingles of normalised queries (MinHash LSH, 32x4, seed ${p.seed} picks candidates); embeddings not used`],
      ['threshold / TTL / capacity', `${p.threshold} / ${p.ttl} / ${p.capacity} entries per ${p.scope === 'all' ? 'cache' : p.scope} (LRU)`],
      ['lookup cost', `$${p.lookupCostUsd} per query in scope, hit or miss`],
      ['answer quality', 'a hit is assumed to serve the user as well as a fresh call (see the false-hit sample with --explain)'],
    ],
    notes,
    metrics: [
      ['queries', String(prep.items.length)],
      ['hit rate', prep.items.length ? `${((100 * n) / prep.items.length).toFixed(1)}%` : '-'],
      ['hits that were exact repeats', n ? `${((100 * exact) / n).toFixed(1)}%` : '-'],
    ],
    details: pairs ? [section, pairs] : [section],
    json: { queries: prep.items.length, hits: n, exactRepeats: exact },
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
    lookupCostUsd: (raw.lookupCostUsd as number | undefined) ?? 0,
    shingleWords: (raw.shingleWords as number | undefined) ?? 2,
    seed: (raw.seed as number | undefined) ?? 1,
    queryPattern: typeof raw.queryPattern === 'string' ? new RegExp(raw.queryPattern, 'm') : undefined,
  }),
  apply: applySemantic,
};
