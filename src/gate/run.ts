/**
 * The gate: price every prompt as the working tree states it ("after") and as the baseline
 * states it ("before"), then apply the budgets. Pure given loaded prompts.
 *
 * Each side is priced whole, from what it says itself: its prompt text, the model its config
 * entry or spec names, its output length, its traffic and its cache hit rate. So a pull request
 * that only switches a model in a spec or in tokenomics.yaml, raises an output length or the
 * traffic, or adds a prompt, moves the cost. What the run states on the command line (--model,
 * --output-tokens, --calls-per-day, --cache-hit-rate, --traffic LOGS) is an assumption of the run
 * and applies to both sides alike. Prices are the catalog in force (--at) for both sides, each with
 * its own `prices:` and `modelAliases` from its tokenomics.yaml (--base-ref). Under --base-ref a prompt is held to the
 * stricter of its budgets at the base revision and in the working tree (`stricterBudgets`): a change that raised its
 * own limit beside a cost rise passed on the limit it had just raised.
 *
 * Precedence for traffic and output length on each side: command-line flags, then logs
 * (--traffic), then the prompt's entry in `check:`, then the prompt spec; output length falls
 * back to a stated default.
 */
import { formatCount } from '../report/cells.js';
import { UserError } from '../core/issues.js';
import type { Femto } from '../pricing/money.js';
import { DEFAULT_OUTPUT_TOKENS, Estimator, type ModelEstimate, monthlyOf } from '../prompts/estimate.js';
import { describeOutputTokens, outputTokensFor, type OutputTokens, type Prompt, type Traffic } from '../prompts/types.js';
import { tokenizerFor } from '../prompts/count.js';
import { cacheableTokens } from '../prompts/price.js';
import type { CheckSource, CheckStatus } from '../report/check-data.js';
import { textSha256, type Baseline, type Snapshot } from './baseline.js';
import { effectiveBudgets, type Budgets, type PromptConfig } from './config.js';
import { checkPrompt, checkTotal, type Measured, type Violation } from './rules.js';
import { describeSpan, trafficFromLogs, type LogTraffic } from './traffic.js';

export interface CheckItem {
  config: PromptConfig;
  prompt: Prompt;
  /** The file's text, to find the first changed line for annotations. */
  text?: string;
}

/** One revision's prompts and its own cache hit rate (tokenomics.yaml at that revision). */
export interface Side {
  items: CheckItem[];
  cacheHitRate: number;
}

export type BaselineSource =
  | { kind: 'none' }
  | { kind: 'file'; label: string; baseline: Baseline }
  | {
      kind: 'git';
      label: string;
      side: Side;
      /** Whether git reports the base revision's `beforeFile` renamed to `afterFile` (undefined: no rename detection). */
      renamed?: (afterFile: string, beforeFile: string) => boolean;
    };

interface CheckOverrides {
  traffic?: Traffic;
  output?: OutputTokens;
  logs?: LogTraffic;
  /** --cache-hit-rate: both sides. */
  cacheHitRate?: number;
  /** --model: both sides (a saved baseline is repriced on it when its token counts are valid there). */
  model?: string;
}

/** Where a figure came from: a flag, the logs, tokenomics.yaml, the spec, a saved baseline, or a default. */
type Source = CheckSource;

interface Loc {
  file: string;
  line?: number;
}

/** One prompt priced on one side. */
interface Priced {
  id: string;
  file: string;
  model: string;
  resolvedModel: string;
  inputTokens: number;
  cacheable: number;
  staticPrefix: number;
  outputTokens: number;
  outputBasis: string;
  outputSource: Source;
  callsPerMonth: number;
  trafficBasis: string;
  trafficSource: Source;
  /** Share of the logged requests (with --traffic). */
  trafficShare?: number;
  cacheHitRate: number;
  costPerCall: Femto;
  monthly: Femto;
  estimatedTokens: boolean;
  text?: string;
  /** SHA-256 of `text` (hex), which a saved baseline keeps in place of the text. */
  textSha256?: string;
  at: { model?: Loc; output?: Loc; traffic?: Loc; entry?: Loc };
}

type Status = CheckStatus;

export interface PromptResult {
  measured: Measured;
  cacheable: number;
  staticPrefix: number;
  outputTokens: number;
  outputBasis: string;
  outputSource: Source;
  trafficBasis: string;
  trafficSource: Source;
  trafficShare?: number;
  estimatedTokens: boolean;
  /** The same prompt on the baseline side (undefined: no baseline, or not in it). */
  base?: Priced;
  /** SHA-256 of the prompt's text (hex), saved in the JSON report so a baseline written from it can match a rename. */
  textSha256?: string;
  /** What differs from the baseline, e.g. `model claude-sonnet-4-5 → claude-opus-4-1`. */
  changes: string[];
  status: Status;
  violations: Violation[];
  warnings: string[];
}

export interface CheckResult {
  prompts: PromptResult[];
  total: { monthly: Femto; before?: Femto; perCall: Femto; perCallBefore?: Femto };
  violations: Violation[];
  warnings: string[];
  /** Prompts checked that the saved baseline has no entry for. */
  missingFromBaseline: string[];
  /** The global budgets applied (under --base-ref, the stricter of the base revision's and the working tree's). */
  budgets: Budgets;
}

const byId = (a: { id: string }, b: { id: string }) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);

/** Estimators by hit rate: each side (and a saved baseline) may state its own. */
class Estimators {
  private readonly byRate = new Map<number, Estimator>();
  readonly defaultRate: number;
  constructor(private readonly first: Estimator) {
    this.defaultRate = first.settings.cacheHitRate;
    this.byRate.set(first.settings.cacheHitRate, first);
  }
  at(rate: number): Estimator {
    let e = this.byRate.get(rate);
    if (!e) this.byRate.set(rate, (e = new Estimator(this.first.catalog, { ...this.first.settings, cacheHitRate: rate })));
    return e;
  }
}

interface Picked {
  traffic: Traffic;
  trafficSource: Source;
  share?: number;
  output: number;
  outputBasis: string;
  outputSource: Source;
}

function logsFor(id: string, o: CheckOverrides, warnings: string[]) {
  if (!o.logs) return undefined;
  const p = o.logs.byPrompt.get(id);
  if (!p) {
    warnings.push(`${id}: no log records tagged prompt=${id} (or feature=${id}); using the configured traffic`);
    return undefined;
  }
  return trafficFromLogs(p, o.logs, describeSpan(o.logs).span);
}

function pick(item: CheckItem, o: CheckOverrides, warnings: string[]): Picked {
  const fromLogs = logsFor(item.prompt.id, o, warnings);
  let traffic: Traffic | undefined;
  let trafficSource: Source = 'flag';
  if (o.traffic) traffic = o.traffic;
  else if (fromLogs) [traffic, trafficSource] = [fromLogs.traffic, 'logs'];
  else if (item.config.traffic) [traffic, trafficSource] = [item.config.traffic, 'config'];
  else if (item.prompt.traffic) [traffic, trafficSource] = [item.prompt.traffic, 'spec'];
  if (!traffic)
    throw new UserError(
      `${item.config.file}: no traffic for prompt "${item.prompt.id}"`,
      'set traffic: {callsPerDay: N} in check.prompts (or the spec), pass --calls-per-day, or --traffic LOGS with tags.prompt',
    );
  const base = { traffic, trafficSource, ...(fromLogs && trafficSource === 'logs' ? { share: fromLogs.share } : {}) };
  const out = (value: OutputTokens, source: Source, label: string) => ({
    ...base,
    output: outputTokensFor(value),
    outputBasis: `${describeOutputTokens(value)} (${label})`,
    outputSource: source,
  });
  if (o.output) return out(o.output, 'flag', '--output-tokens');
  if (fromLogs) return out(fromLogs.output, 'logs', 'logs');
  if (item.config.expectedOutputTokens) return out(item.config.expectedOutputTokens, 'config', 'config');
  if (item.prompt.expectedOutputTokens) return out(item.prompt.expectedOutputTokens, 'spec', 'spec');
  return {
    ...base,
    output: DEFAULT_OUTPUT_TOKENS,
    outputBasis: `${DEFAULT_OUTPUT_TOKENS} (default: set expectedOutputTokens in the spec or check.prompts, or pass --output-tokens)`,
    outputSource: 'default',
  };
}

function modelOf(item: CheckItem): string {
  const m = item.config.model ?? item.prompt.models[0];
  if (!m)
    throw new UserError(
      `${item.config.file}: no model for prompt "${item.prompt.id}"`,
      'set model: in check.prompts or in the spec, or pass --model',
    );
  return m;
}

function locations(item: CheckItem, configFile: string | undefined): Priced['at'] {
  const c = item.config;
  const inConfig = (line: number | undefined): Loc | undefined =>
    configFile && line !== undefined ? { file: configFile, line } : undefined;
  const inSpec = (line: number | undefined): Loc | undefined => (line !== undefined ? { file: item.prompt.file, line } : undefined);
  const l = item.prompt.lines ?? {};
  return {
    model: c.model !== undefined ? inConfig(c.lines?.model) : inSpec(l.model),
    output: c.expectedOutputTokens ? inConfig(c.lines?.expectedOutputTokens) : inSpec(l.expectedOutputTokens),
    traffic: c.traffic ? inConfig(c.lines?.traffic) : inSpec(l.traffic),
    entry: inConfig(c.line),
  };
}

function priceItem(
  ests: Estimators,
  item: CheckItem,
  o: CheckOverrides,
  rate: number,
  configFile: string | undefined,
  warnings: string[],
): Priced {
  const p = pick(item, o, warnings);
  const at = locations(item, configFile);
  let me: ModelEstimate;
  try {
    me = ests.at(rate).estimateModel(item.prompt, modelOf(item), p.output, p.traffic);
  } catch (err) {
    // a model named in tokenomics.yaml: say where
    if (err instanceof UserError && item.config.model !== undefined && at.model && !err.message.startsWith(item.prompt.file))
      throw new UserError(`${at.model.file}:${at.model.line}: ${err.message}`, err.hint);
    throw err;
  }
  return {
    id: item.prompt.id,
    file: item.prompt.file,
    model: me.model,
    resolvedModel: me.entry.id,
    inputTokens: me.tokens.input,
    cacheable: me.cacheable,
    staticPrefix: me.tokens.staticPrefix,
    outputTokens: p.output,
    outputBasis: p.outputBasis,
    outputSource: p.outputSource,
    callsPerMonth: p.traffic.callsPerMonth,
    trafficBasis: p.traffic.basis,
    trafficSource: p.trafficSource,
    ...(p.share !== undefined ? { trafficShare: p.share } : {}),
    cacheHitRate: rate,
    costPerCall: me.perCall.cached,
    monthly: me.perMonth!.cached,
    estimatedTokens: !me.tokenizer.exact,
    ...(item.text !== undefined ? { text: item.text, textSha256: textSha256(item.text) } : {}),
    at,
  };
}

/**
 * A saved snapshot as "before": its token counts priced at its own model, output length, traffic
 * and hit rate (the run's flags and logs override them on both sides), at the catalog in force.
 * A snapshot whose model the catalog no longer knows, or that lacks the figures, keeps its saved
 * amounts, with a warning.
 */
function snapshotPriced(
  ests: Estimators,
  id: string,
  s: Snapshot,
  b: Baseline,
  o: CheckOverrides,
  after: Priced | undefined,
  label: string,
  warnings: string[],
): Priced {
  const fromLogs = after?.trafficSource === 'logs' ? { callsPerMonth: after.callsPerMonth, basis: after.trafficBasis } : undefined;
  const traffic =
    o.traffic ??
    fromLogs ??
    (s.callsPerMonth !== undefined
      ? { callsPerMonth: s.callsPerMonth, basis: `baseline: ${formatCount(s.callsPerMonth)} calls/month` }
      : undefined);
  const trafficSource: Source = o.traffic ? 'flag' : fromLogs ? 'logs' : 'baseline';
  const output = o.output ? outputTokensFor(o.output) : after?.outputSource === 'logs' ? after.outputTokens : s.outputTokens;
  const outputSource: Source = o.output ? 'flag' : after?.outputSource === 'logs' ? 'logs' : 'baseline';
  const rate = o.cacheHitRate ?? b.cacheHitRate ?? after?.cacheHitRate ?? ests.defaultRate;
  const saved = s.model ? ests.at(rate).catalog.resolve(s.model) : undefined;
  let res = saved;
  let model = s.model;
  let cacheable = s.cacheableTokens;
  if (o.model && saved) {
    const wanted = ests.at(rate).resolve(o.model);
    const same = wanted.entry.id === saved.entry.id;
    const a = tokenizerFor(saved.entry);
    const b = tokenizerFor(wanted.entry);
    if (same || (a.encoding === b.encoding && a.factor === b.factor && s.staticPrefixTokens !== undefined)) {
      [res, model] = [wanted, o.model];
      if (!same) cacheable = cacheableTokens(s.staticPrefixTokens!, wanted.entry.cache);
    } else
      warnings.push(
        `${id}: the baseline ${label} was counted on ${s.model}, whose tokens do not carry over to --model ${o.model}: "before" stays on ${s.model}`,
      );
  }
  const common = {
    id,
    file: after?.file ?? s.file ?? label,
    model,
    resolvedModel: res?.entry.id ?? s.model,
    inputTokens: s.inputTokens,
    cacheable,
    staticPrefix: s.staticPrefixTokens ?? 0,
    outputSource,
    trafficSource,
    cacheHitRate: rate,
    estimatedTokens: false,
    ...(s.textSha256 !== undefined ? { textSha256: s.textSha256 } : {}),
    at: {},
  };
  if (res && traffic && output !== undefined) {
    const p = ests.at(rate).priceTokens(res, s.inputTokens, cacheable, output, traffic);
    return {
      ...common,
      outputTokens: output,
      outputBasis: `${output} (${outputSource})`,
      callsPerMonth: traffic.callsPerMonth,
      trafficBasis: traffic.basis,
      costPerCall: p.perCall.cached,
      monthly: p.perMonth!.cached,
    };
  }
  const why = !res
    ? `its model "${s.model || '(none)'}" is not in the pricing catalog`
    : 'it does not record its output length and traffic';
  warnings.push(`${id}: the baseline ${label} cannot be repriced (${why}): its saved cost is used (refresh it with --update-baseline)`);
  const calls = traffic?.callsPerMonth ?? after?.callsPerMonth ?? 0;
  return {
    ...common,
    outputTokens: s.outputTokens ?? 0,
    outputBasis: 'as saved',
    callsPerMonth: calls,
    trafficBasis: traffic?.basis ?? 'as saved',
    costPerCall: s.costPerCall,
    monthly: s.monthly !== undefined && !o.traffic && !fromLogs ? s.monthly : monthlyOf({ num: s.costPerCall, den: 1n }, calls),
  };
}

/** 1-based line of the first difference between two texts, or undefined when equal. */
function firstChangedLine(before: string, after: string): number | undefined {
  if (before === after) return undefined;
  const a = before.split('\n');
  const b = after.split('\n');
  for (let i = 0; i < b.length; i++) if (a[i] !== b[i]) return i + 1;
  return b.length;
}

/** What changed between the two sides of a prompt, in cost terms, and where to point at. */
/**
 * Prompts under a new id whose base id is gone, matched to that base prompt: first the same file under
 * another id (a spec's `id:` or its check.prompts `id:` edited; a saved baseline keeps each prompt's
 * file as shown when it was written), then where git
 * reports the file renamed, then where the text is the same (a JSON or markdown prompt's id is its file
 * name, so a rename alone would otherwise be a new prompt plus a removed one; a saved baseline keeps the
 * text's SHA-256), then, with both texts at hand (under --base-ref), where the new text keeps most of the old one's
 * word trigrams (renamed and rewritten past git's rename threshold). After id -> base prompt.
 */
function matchRenames(
  after: Priced[],
  before: Map<string, Priced>,
  renamed: ((afterFile: string, beforeFile: string) => boolean) | undefined,
): Map<string, Priced> {
  const afterIds = new Set(after.map((a) => a.id));
  const gone = [...before.values()].filter((b) => !afterIds.has(b.id));
  const added = after.filter((a) => !before.has(a.id));
  const out = new Map<string, Priced>();
  const taken = new Set<string>();
  const pass = (same: (a: Priced, b: Priced) => boolean) => {
    for (const a of added) {
      if (out.has(a.id)) continue;
      const b = gone.find((g) => !taken.has(g.id) && same(a, g));
      if (b) {
        out.set(a.id, b);
        taken.add(b.id);
      }
    }
  };
  // an id edited in place: without this the prompt was "new" (no maxIncreasePct, whatever it now costs) and its old id "removed"
  pass((a, b) => a.file === b.file);
  if (renamed) pass((a, b) => renamed(a.file, b.file));
  pass((a, b) => a.textSha256 !== undefined && a.textSha256 === b.textSha256);
  // a file renamed and rewritten past git's rename threshold (50% similar: a prompt renamed and doubled is about
  // 33%) is the base prompt whose text it still holds for the most part. Without this it was a new prompt, which
  // maxIncreasePct cannot fail: renaming and tripling a prompt passed a percentage gate.
  const pairs: { a: Priced; b: Priced; kept: number }[] = [];
  // each text's trigrams counted once, not once per pair it is compared in
  const counted = new Map<string, Map<string, number>>();
  const trigramsOf = (text: string) => counted.get(text) ?? counted.set(text, trigrams(text)).get(text)!;
  for (const a of added) {
    if (out.has(a.id) || a.text === undefined) continue;
    for (const b of gone) {
      if (taken.has(b.id) || b.text === undefined) continue;
      const kept = keptShare(trigramsOf(b.text), trigramsOf(a.text));
      if (kept >= KEPT_FOR_RENAME) pairs.push({ a, b, kept });
    }
  }
  // the closest pairs first, then by id, so that the matching does not depend on file order
  pairs.sort((x, y) => y.kept - x.kept || byId(x.a, y.a) || byId(x.b, y.b));
  for (const { a, b } of pairs) {
    if (out.has(a.id) || taken.has(b.id)) continue;
    out.set(a.id, b);
    taken.add(b.id);
  }
  return out;
}

/** Share of a base prompt's word trigrams that must still be in a new prompt for the two to be one prompt renamed. */
const KEPT_FOR_RENAME = 0.5;

/** Word trigrams of a text (its words, for a text of fewer than three), counted. */
function trigrams(text: string): Map<string, number> {
  const words = text.toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? [];
  const grams = words.length < 3 ? words : words.slice(2).map((w, i) => `${words[i]} ${words[i + 1]} ${w}`);
  const m = new Map<string, number>();
  for (const g of grams) m.set(g, (m.get(g) ?? 0) + 1);
  return m;
}

/**
 * How much of a text `b` is still in a text `a` (their trigrams): the share of b's word trigrams (counted with
 * repeats) that `a` holds. 1 for a text kept whole however much was added around it; 0 for a text without a word.
 */
function keptShare(b: ReadonlyMap<string, number>, a: ReadonlyMap<string, number>): number {
  let total = 0;
  let kept = 0;
  for (const [g, n] of b) {
    total += n;
    kept += Math.min(n, a.get(g) ?? 0);
  }
  return total ? kept / total : 0;
}

function describeChanges(b: Priced, a: Priced): { changes: string[]; at?: Loc } {
  const changes: string[] = [];
  let at: Loc | undefined;
  const mark = (loc: Loc | undefined) => (at ??= loc);
  if (b.resolvedModel !== a.resolvedModel || b.model !== a.model) {
    // the same name resolved to another model (a modelAliases entry or a price file changed): name both
    const same = b.model === a.model;
    changes.push(same ? `model ${b.model} (${b.resolvedModel}) → ${a.model} (${a.resolvedModel})` : `model ${b.model} → ${a.model}`);
    mark(a.at.model);
  }
  if (b.inputTokens !== a.inputTokens || b.cacheable !== a.cacheable) {
    const cache = b.cacheable !== a.cacheable ? `cacheable ${formatCount(b.cacheable)} → ${formatCount(a.cacheable)}` : '';
    changes.push(
      b.inputTokens !== a.inputTokens
        ? `input ${formatCount(b.inputTokens)} → ${formatCount(a.inputTokens)} tokens${cache ? ` (${cache})` : ''}`
        : `${cache} tokens`,
    );
    const line = b.text !== undefined && a.text !== undefined ? firstChangedLine(b.text, a.text) : undefined;
    mark({ file: a.file, ...(line !== undefined ? { line } : {}) });
  }
  if (b.outputTokens !== a.outputTokens) {
    changes.push(`output ${formatCount(b.outputTokens)} → ${formatCount(a.outputTokens)}`);
    mark(a.at.output);
  }
  if (b.callsPerMonth !== a.callsPerMonth) {
    changes.push(`traffic ${formatCount(b.callsPerMonth)} → ${formatCount(a.callsPerMonth)} calls/month`);
    mark(a.at.traffic);
  }
  if (b.cacheHitRate !== a.cacheHitRate) changes.push(`cache hit rate ${b.cacheHitRate} → ${a.cacheHitRate}`);
  return { changes, ...(at ? { at } : {}) };
}

function statusOf(v: Violation[], before: Measured['before'], m: Measured): Status {
  if (v.length) return 'fail';
  if (before === undefined) return 'ok';
  if (before === null) return 'new';
  if (before.costPerCall === m.costPerCall && before.monthly === m.monthly) return 'unchanged';
  return 'changed';
}

function measuredOf(p: Priced): Measured {
  return {
    id: p.id,
    file: p.file,
    model: p.model,
    resolvedModel: p.resolvedModel,
    inputTokens: p.inputTokens,
    costPerCall: p.costPerCall,
    callsPerMonth: p.callsPerMonth,
    monthly: p.monthly,
  };
}

function resultOf(
  a: Priced,
  b: Priced | undefined | null,
  violations: Violation[],
  changes: string[],
  status: Status,
  warnings: string[],
): PromptResult {
  const measured = measuredOf(a);
  if (b !== undefined) measured.before = b ? { costPerCall: b.costPerCall, monthly: b.monthly, inputTokens: b.inputTokens } : null;
  return {
    measured,
    cacheable: a.cacheable,
    staticPrefix: a.staticPrefix,
    outputTokens: a.outputTokens,
    outputBasis: a.outputBasis,
    outputSource: a.outputSource,
    trafficBasis: a.trafficBasis,
    trafficSource: a.trafficSource,
    ...(a.trafficShare !== undefined ? { trafficShare: a.trafficShare } : {}),
    estimatedTokens: a.estimatedTokens,
    ...(b ? { base: b } : {}),
    ...(a.textSha256 !== undefined ? { textSha256: a.textSha256 } : {}),
    changes,
    status,
    violations,
    warnings,
  };
}

interface RunInput {
  after: Side;
  base: BaselineSource;
  budgets: Budgets;
  overrides: CheckOverrides;
  /** tokenomics.yaml as shown (the working tree's), for annotation locations. */
  configFile?: string;
  baseConfigFile?: string;
  /** Prices "before" for --base-ref: the catalog as the base revision's tokenomics.yaml states it (default: `est`'s). */
  baseEstimator?: Estimator;
  /** Whether baseline prompts absent now are "removed" (false: only some prompts were checked). */
  reportRemoved?: boolean;
  /**
   * --base-ref: the base revision's global budgets (`check.budgets` there, the run's budget flags over them); its
   * prompts' own `budgets:` are on `base.side`'s items. `apply`: judge each prompt by the stricter of its budgets at
   * the base and in the working tree (false, --head-budgets: by the working tree's alone). A budget the change
   * loosens is a warning either way.
   */
  baseBudgets?: { budgets: Budgets; apply: boolean };
}

const LIMIT_KEYS = ['maxCostPerCall', 'maxMonthlyUsd', 'maxTotalMonthlyUsd', 'maxIncreasePct', 'maxIncreaseUsd', 'maxTokens'] as const;

/**
 * The stricter of two budget sets, rule by rule: the lower limit, a limit either side sets, the models both lists
 * allow (by resolved id; `idOf` gives undefined for a name the catalog does not know). `loosened` names each rule
 * where `now` is looser than `then`, with both values, e.g. `maxIncreasePct 10 → 1000`.
 */
export function stricterBudgets(
  now: Budgets,
  then: Budgets,
  idOf: (model: string) => string | undefined,
): { budgets: Budgets; loosened: { rule: keyof Budgets; text: string }[] } {
  const out: Budgets = { ...now };
  const loosened: { rule: keyof Budgets; text: string }[] = [];
  for (const k of LIMIT_KEYS) {
    const t = then[k];
    if (t === undefined || (now[k] !== undefined && now[k] <= t)) continue;
    out[k] = t;
    loosened.push({ rule: k, text: `${k} ${t} → ${now[k] ?? 'none'}` });
  }
  if (then.allowedModels) {
    const list = (xs: string[] | undefined) => (xs ? `[${xs.join(', ')}]` : 'any model');
    const thenIds = new Set(then.allowedModels.map(idOf));
    thenIds.delete(undefined);
    const kept = now.allowedModels ? now.allowedModels.filter((m) => idOf(m) !== undefined && thenIds.has(idOf(m))) : then.allowedModels;
    if (!now.allowedModels || kept.length < now.allowedModels.length) {
      out.allowedModels = kept;
      loosened.push({ rule: 'allowedModels', text: `allowedModels ${list(then.allowedModels)} → ${list(now.allowedModels)}` });
    }
  }
  return { budgets: out, loosened };
}

export function runCheck(est: Estimator, input: RunInput): CheckResult {
  const { after, base, budgets: global, overrides: o } = input;
  const ests = new Estimators(est);
  const warnings: string[] = o.logs ? describeSpan(o.logs).warnings : [];
  const allowedCache = new Map<string, Set<string>>();
  const allowedFor = (b: Budgets) => {
    if (!b.allowedModels) return undefined;
    const key = b.allowedModels.join('\n');
    if (!allowedCache.has(key)) allowedCache.set(key, new Set(b.allowedModels.map((m) => est.resolve(m).entry.id)));
    return allowedCache.get(key);
  };
  const afterRate = o.cacheHitRate ?? after.cacheHitRate;
  const pricedAfter = after.items.map((item) => {
    const w = item.prompt.warnings.map((x) => `${item.prompt.id}: ${x}`);
    return { item, priced: priceItem(ests, item, o, afterRate, input.configFile, w), warnings: w };
  });
  // the baseline side, by prompt id
  const before = new Map<string, Priced>();
  const baseWarnings: string[] = [];
  // each base prompt's own budgets (its check.prompts entry there), by its base id
  const baseOwn = new Map<string, Budgets>();
  if (base.kind === 'git') {
    const rate = o.cacheHitRate ?? base.side.cacheHitRate;
    const baseEsts = input.baseEstimator ? new Estimators(input.baseEstimator) : ests;
    for (const item of base.side.items) {
      baseOwn.set(item.prompt.id, item.config.budgets);
      try {
        before.set(item.prompt.id, priceItem(baseEsts, item, o, rate, input.baseConfigFile, []));
      } catch (err) {
        // the base revision cannot be priced (no model or traffic there, an unknown model): say which side
        if (err instanceof UserError) throw new UserError([`at ${base.label}: ${err.lines[0]}`, ...err.lines.slice(1)], err.hint);
        throw err;
      }
    }
  } else if (base.kind === 'file') {
    const afterById = new Map(pricedAfter.map((x) => [x.priced.id, x.priced]));
    for (const [id, s] of base.baseline.snapshots)
      before.set(id, snapshotPriced(ests, id, s, base.baseline, o, afterById.get(id), base.label, baseWarnings));
  }
  const renamedFrom =
    base.kind === 'none'
      ? new Map<string, Priced>()
      : matchRenames(
          pricedAfter.map((x) => x.priced),
          before,
          base.kind === 'git' ? base.renamed : undefined,
        );
  const renamedAway = new Set([...renamedFrom.values()].map((b) => b.id));
  const missingFromBaseline: string[] = [];
  // a budget this change loosens (`maxIncreasePct 10 → 1000`) -> the prompts it applies to
  const loosenedFor = new Map<string, string[]>();
  const idOf = (m: string) => {
    try {
      return est.resolve(m).entry.id;
    } catch {
      return undefined;
    }
  };
  const judge = (id: string, now: Budgets, then: Budgets | undefined) => {
    if (!then || !input.baseBudgets) return { budgets: now, loosened: new Map<string, string>() };
    const s = stricterBudgets(now, then, idOf);
    for (const l of s.loosened) loosenedFor.set(l.text, [...(loosenedFor.get(l.text) ?? []), id]);
    return input.baseBudgets.apply
      ? { budgets: s.budgets, loosened: new Map(s.loosened.map((l) => [l.rule as string, l.text])) }
      : { budgets: now, loosened: new Map<string, string>() };
  };
  /** A violation of a limit the change loosened names the limit's origin, so the failure is not a mystery. */
  const noteOrigin = (v: Violation, loosened: Map<string, string>): Violation => {
    const l = loosened.get(v.rule);
    return l && base.kind === 'git'
      ? { ...v, message: `${v.message} (the limit at ${base.label}: this change loosens ${l}; --head-budgets applies it)` }
      : v;
  };
  const prompts = pricedAfter.map(({ item, priced: a, warnings: w }): PromptResult => {
    const b = base.kind === 'none' ? undefined : (before.get(a.id) ?? renamedFrom.get(a.id) ?? null);
    if (b === null && base.kind === 'file') {
      missingFromBaseline.push(a.id);
      w.push(
        `${a.id}: not in the baseline ${base.label}: counted as a new prompt (its whole cost is the increase); refresh the baseline with --update-baseline, or set check.requireBaseline: true to make this an error`,
      );
    }
    const measured = measuredOf(a);
    if (b !== undefined) measured.before = b ? { costPerCall: b.costPerCall, monthly: b.monthly, inputTokens: b.inputTokens } : null;
    if (a.estimatedTokens || b?.estimatedTokens) measured.estimatedTokens = true;
    const j = judge(
      a.id,
      effectiveBudgets(global, item.config.budgets),
      input.baseBudgets && base.kind === 'git' ? effectiveBudgets(input.baseBudgets.budgets, (b && baseOwn.get(b.id)) ?? {}) : undefined,
    );
    const budgets = j.budgets;
    const { changes, at } = b ? describeChanges(b, a) : { changes: b === null ? ['new prompt'] : [], at: undefined };
    if (b && b.id !== a.id) changes.unshift(`renamed from ${b.id} (${b.file})`);
    const loc = at ?? a.at.entry ?? { file: a.file };
    const violations = checkPrompt(measured, budgets, allowedFor(budgets)).map((v) =>
      noteOrigin({ ...v, file: loc.file, ...(loc.line !== undefined ? { line: loc.line } : {}) }, j.loosened),
    );
    return resultOf(a, b, violations, changes, statusOf(violations, measured.before, measured), w);
  });
  const afterIds = new Set(pricedAfter.map((x) => x.priced.id));
  for (const b of before.values()) {
    if (afterIds.has(b.id) || renamedAway.has(b.id)) continue;
    if (input.reportRemoved === false) {
      before.delete(b.id);
      continue;
    }
    const gone: Priced = { ...b, costPerCall: 0n, monthly: 0n, inputTokens: 0, cacheable: 0, staticPrefix: 0 };
    prompts.push(resultOf(gone, b, [], ['prompt removed'], 'removed', []));
  }
  prompts.sort((x, y) => byId(x.measured, y.measured));
  const measured = prompts.filter((p) => p.status !== 'removed').map((p) => p.measured);
  const total = judge('total', global, input.baseBudgets && base.kind === 'git' ? input.baseBudgets.budgets : undefined);
  // the total's limit alone: a per-prompt rule loosened is said per prompt above
  const totalLoosened = new Map([...total.loosened].filter(([k]) => k === 'maxTotalMonthlyUsd'));
  // the global budgets as applied (the report's `budgets`): the stricter of both sides', rule by rule, unless --head-budgets
  const applied = total.budgets;
  const totalViolations = checkTotal(measured, applied).map((v) => noteOrigin(v, totalLoosened));
  const loosenedWarnings =
    base.kind === 'git' && input.baseBudgets
      ? [...loosenedFor].flatMap(([text, ids]) => {
          const who = ids.filter((id) => id !== 'total');
          if (!who.length && !text.startsWith('maxTotalMonthlyUsd ')) return [];
          const whom = text.startsWith('maxTotalMonthlyUsd ') ? 'the total' : who.join(', ');
          return [
            input.baseBudgets!.apply
              ? `this change loosens a budget: ${text} (${whom}): judged by the stricter, at ${base.label}; once merged it applies (--head-budgets applies it now)`
              : `this change loosens a budget: ${text} (${whom}): judged by the working tree's (--head-budgets), not by ${base.label}'s`,
          ];
        })
      : [];
  const sum = (xs: Femto[]) => xs.reduce((s, x) => s + x, 0n);
  const hasBase = base.kind !== 'none';
  return {
    prompts,
    total: {
      monthly: sum(measured.map((m) => m.monthly)),
      perCall: sum(measured.map((m) => m.costPerCall)),
      ...(hasBase
        ? { before: sum([...before.values()].map((b) => b.monthly)), perCallBefore: sum([...before.values()].map((b) => b.costPerCall)) }
        : {}),
    },
    violations: [...prompts.flatMap((p) => p.violations), ...totalViolations],
    warnings: [...loosenedWarnings, ...warnings, ...baseWarnings, ...prompts.flatMap((p) => p.warnings)],
    missingFromBaseline,
    budgets: applied,
  };
}
