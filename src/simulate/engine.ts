/**
 * The replay engine: a scenario's levers applied in order to the baseline (the logs as billed),
 * the state priced exactly after each lever. The waterfall is the list of marginal changes: each
 * lever's saving is measured against the state the previous levers left, so savings add up to the
 * scenario's total and their shares depend on the order (which the report says).
 *
 * A lever that answers requests without a call (semanticCache, budgetCap) or moves them to another
 * model (route) after a prefixCache has the earlier prefix caches replayed again on the cache scopes
 * that lost or gained a request (recacheAfterChanges), so that a request that was never sent neither
 * reads nor refreshes the prompt cache, and a routed one reads and keeps warm the target's cache, not
 * the source's; the change is that lever's marginal saving.
 */
import { UserError } from '../core/issues.js';
import type { Catalog } from '../pricing/catalog.js';
import type { Femto } from '../pricing/money.js';
import { LEVERS } from './levers/index.js';
import type { VolumeParams } from './levers/volume.js';
import { effectiveMethod } from './levers/volume.js';
import { cardOf, groupTotals, priceState, requestCost, type StatePrice } from './price.js';
import type { Scenario } from './scenario.js';
import type { PrefixCacheParams } from './levers/prefix-cache.js';
import { cacheScopeKey, scopePredicate, describeWhere } from './scope.js';
import { fromRecord, type LeverContext, type LeverOutcome, type LeverSpec, type SimEnv, type SimRequest } from './types.js';
import type { UsageRecord } from '../usage/record.js';

/** A state's price without its per-request costs (a step keeps only its totals). */
export type StepPrice = Omit<StatePrice, 'costs'>;

/**
 * One lever's step. It keeps the lever's outcome without its request list and the prices without
 * their per-request costs: those are the size of the logs, and a scenario's steps held one of each
 * per lever (only the scenario's final state, `ScenarioResult.requests` and `final`, is kept whole).
 */
export interface WaterfallStep {
  spec: LeverSpec;
  label: string;
  scope: string;
  before: StepPrice;
  after: StepPrice;
  /** before.total - after.total (negative: the lever adds cost, e.g. volume). */
  saving: Femto;
  outcome: Omit<LeverOutcome, 'requests'>;
  elapsedMs: number;
  /** Requests the lever's scope (`where`) held when it ran, of `requestsSeen` (all of them without a scope). */
  requestsInScope: number;
  requestsSeen: number;
}

const totalsOf = ({ costs: _costs, ...totals }: StatePrice): StepPrice => totals;

export interface ScenarioResult {
  scenario: Scenario;
  baseline: StatePrice;
  final: StatePrice;
  steps: WaterfallStep[];
  /** The final requests, and `final.costs` theirs: both empty once released (`runScenarios`), `groupTotals` kept instead. */
  requests: SimRequest[];
  /** Exact cost per `--by` group of the final state (key from `simGroupKey`), taken before the requests were released. */
  groupTotals?: Map<string, Femto>;
  /** Volume curve: the scenario re-run at each k (when its volume lever asks for one). */
  /** `requestsServed`: priced requests served at k (the denominator of cost per request). */
  curve?: Array<{ k: number; method: string; baselineAtK: Femto; total: Femto; requestsServed: number }>;
}

/**
 * A warning for each lever whose scope (`where`) held none of the requests it saw: it changed
 * nothing, most often because a value is misspelled (`model: gpt-4o-mnii`) or not in these logs.
 */
export function unmatchedScopeWarnings(results: readonly ScenarioResult[]): string[] {
  const out: string[] = [];
  for (const r of results)
    for (const s of r.steps)
      if (s.spec.where && s.requestsInScope === 0 && s.requestsSeen > 0)
        out.push(
          `${r.scenario.name} / ${s.label} (${s.spec.at}): its scope (${s.scope}) matched none of the ${s.requestsSeen.toLocaleString('en-US')} requests, so the lever changed nothing; check the values against the logs (report --by feature, --by model, --by customer)`,
        );
  return out;
}

export function baselineRequests(records: readonly UsageRecord[]): SimRequest[] {
  return records.map(fromRecord);
}

function contextFor(spec: LeverSpec, label: string, env: SimEnv, catalog: Catalog, ttlScale: number): LeverContext {
  const inScope = scopePredicate(spec.where, catalog);
  return {
    env,
    inScope,
    ttlScale,
    label,
    cost: (r) => requestCost(env.pricer, r),
    resolve: (m) => env.pricer.resolve(m),
    card: (r) => cardOf(env.pricer, r),
  };
}

function runLevers(
  base: SimRequest[],
  baseline: StatePrice,
  levers: LeverSpec[],
  env: SimEnv,
  now: () => number,
): { steps: WaterfallStep[]; requests: SimRequest[]; final: StatePrice } {
  let requests = base;
  let ttlScale = 1;
  let before = baseline;
  let beforeTotals = totalsOf(baseline);
  const steps: WaterfallStep[] = [];
  const counts = new Map<string, number>();
  const caches: Array<{ spec: LeverSpec; label: string }> = [];
  for (const spec of levers) {
    const n = (counts.get(spec.kind) ?? 0) + 1;
    counts.set(spec.kind, n);
    const label = spec.name !== spec.kind ? spec.name : n > 1 ? `${spec.kind}#${n}` : spec.kind;
    env.progress?.(`simulate: ${label} on ${requests.length} requests`);
    const started = now();
    const def = LEVERS[spec.kind];
    const ctx = contextFor(spec, label, env, env.pricer.catalog, ttlScale);
    // (a scope that holds no request is a lever that changed nothing: the command warns of it)
    const requestsInScope = spec.where ? requests.reduce((n, r) => (ctx.inScope(r) ? n + 1 : n), 0) : requests.length;
    const requestsSeen = requests.length;
    const outcome = atLever(spec, () => def.lever.apply(requests, def.lever.parse(spec.params), ctx));
    const { requests: applied, ...kept } = outcome;
    if (spec.kind === 'prefixCache') caches.push({ spec, label });
    // (the lever's outcome is kept without its requests: one list alive at a time, not one per lever)
    requests = spec.kind === 'prefixCache' ? applied : recacheAfterChanges(requests, applied, spec, caches, env, ttlScale);
    ttlScale = outcome.ttlScale ?? ttlScale;
    const after = priceState(env.pricer, requests);
    const afterTotals = totalsOf(after);
    steps.push({
      spec,
      label,
      scope: describeWhere(spec.where),
      before: beforeTotals,
      after: afterTotals,
      saving: before.total - after.total,
      outcome: kept,
      elapsedMs: now() - started,
      requestsInScope,
      requestsSeen,
    });
    before = after;
    beforeTotals = afterTotals;
  }
  return { steps, requests, final: before };
}

/**
 * A request a lever answered without a call (a semantic-cache hit, a request refused by a budget
 * cap) neither reads nor refreshes the prompt cache. The prefix caches listed before that lever
 * replayed it as sent, so they are replayed again, in order, on the cache scopes that lost a
 * request: another request that read a prefix only the dropped one had written or kept alive writes
 * it instead, as when the prefix cache is listed after the lever.
 *
 * A request a lever moved to another model (route) leaves its source model's cache and joins the
 * target's: the prefix caches listed before it are replayed on both scopes, so a request left on
 * the source writes a prefix only the moved ones kept warm, and a routed request reads a shared
 * prefix (a system prompt) that an earlier routed request of another conversation wrote on the
 * target, as when the prefix cache is listed after route. With route's `sharedCache: true` the
 * target already holds the traffic's prefixes: the routed requests keep their reads and only the
 * source scopes are replayed.
 */
function recacheAfterChanges(
  before: readonly SimRequest[],
  after: SimRequest[],
  spec: LeverSpec,
  caches: ReadonlyArray<{ spec: LeverSpec; label: string }>,
  env: SimEnv,
  ttlScale: number,
): SimRequest[] {
  if (caches.length === 0) return after;
  const dropped: SimRequest[] = [];
  const moved: number[] = [];
  const modelOf = (r: SimRequest) => env.pricer.resolve(r.model)?.entry;
  for (let i = 0; i < before.length && i < after.length; i++) {
    const a = after[i];
    if (a.dropped) {
      if (!before[i].dropped) dropped.push(a);
    } else if (a.origin !== 'added' && a.model !== before[i].model && modelOf(a) !== modelOf(before[i])) moved.push(i);
  }
  if (dropped.length === 0 && moved.length === 0) return after;
  const keepTarget = spec.kind === 'route' && spec.params.sharedCache === true;
  let requests = after;
  for (const { spec: cacheSpec, label } of caches) {
    const params = LEVERS.prefixCache.lever.parse(cacheSpec.params) as PrefixCacheParams;
    const ctx = contextFor(cacheSpec, label, env, env.pricer.catalog, ttlScale);
    const keyOf = (r: SimRequest) => {
      const entry = modelOf(r);
      return entry ? cacheScopeKey(r, entry.id, params.scope) : undefined;
    };
    const lost = new Set(dropped.filter(ctx.inScope).map(keyOf));
    for (const i of moved) {
      if (ctx.inScope(before[i])) lost.add(keyOf(before[i]));
      if (!keepTarget && ctx.inScope(requests[i])) lost.add(keyOf(requests[i]));
    }
    lost.delete(undefined);
    if (lost.size === 0) continue;
    const inScope = ctx.inScope;
    requests = LEVERS.prefixCache.lever.apply(requests, params, { ...ctx, inScope: (r) => inScope(r) && lost.has(keyOf(r)) }).requests;
  }
  return requests;
}

/**
 * A lever's own error (a model not in the catalog, a size it cannot hold) at the place the lever is
 * written, `file:line: kind: message`, as the scenario file's other errors are.
 */
function atLever<T>(spec: LeverSpec, run: () => T): T {
  try {
    return run();
  } catch (err) {
    if (!(err instanceof UserError) || err.lines[0]?.startsWith(spec.at)) throw err;
    throw new UserError([`${spec.at}: ${err.lines[0]}`, ...err.lines.slice(1)], err.hint, err.exitCode);
  }
}

/** Run one scenario on the baseline requests. */
export function runScenario(
  base: SimRequest[],
  baseline: StatePrice,
  scenario: Scenario,
  env: SimEnv,
  now: () => number = Date.now,
): ScenarioResult {
  const { steps, requests, final } = runLevers(base, baseline, scenario.levers, env, now);
  const result: ScenarioResult = { scenario, baseline, final, steps, requests };
  const vol = scenario.levers.find((l) => l.kind === 'volume');
  const curve = vol?.params.curve as number[] | undefined;
  if (vol && curve) result.curve = volumeCurve(base, baseline, scenario, vol, curve, env, now);
  return result;
}

/**
 * Every scenario on the same baseline, each result released once run: its request list and
 * per-request costs (the size of the logs) are dropped, its `--by` group totals taken first when
 * `groupKey` is given, so the scenarios run after it do not run beside every earlier one's requests
 * (4 scenarios on 125k OpenAI records: a live heap of 263 MB against 102 MB for one).
 */
export function runScenarios(
  base: SimRequest[],
  baseline: StatePrice,
  scenarios: readonly Scenario[],
  env: SimEnv,
  now: () => number = Date.now,
  groupKey?: (r: SimRequest) => string,
): ScenarioResult[] {
  return scenarios.map((s) => {
    const r = runScenario(base, baseline, s, env, now);
    return {
      ...r,
      requests: [],
      final: { ...r.final, costs: [] },
      ...(groupKey ? { groupTotals: groupTotals(r.requests, r.final.costs, groupKey) } : {}),
    };
  });
}

function volumeCurve(
  base: SimRequest[],
  baseline: StatePrice,
  scenario: Scenario,
  vol: LeverSpec,
  ks: number[],
  env: SimEnv,
  now: () => number,
): ScenarioResult['curve'] {
  return ks.map((k) => {
    const params = { ...vol.params, k };
    const levers = scenario.levers.map((l) => (l === vol ? { ...l, params } : l));
    const run = runLevers(base, baseline, levers, { ...env, explain: false }, now);
    const method = effectiveMethod(LEVERS.volume.lever.parse(params) as VolumeParams);
    const scaled = runLevers(base, baseline, [{ ...vol, params, where: vol.where }], { ...env, explain: false }, now);
    return { k, method, baselineAtK: scaled.final.total, total: run.final.total, requestsServed: run.final.pricedRequestsServed };
  });
}
