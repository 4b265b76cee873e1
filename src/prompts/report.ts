/**
 * `estimate`'s typed data from a run (EstimateData, report/estimate-data.ts: the JSON contract,
 * schemaVersion, stable keys, amounts as Femto) and the report its view derives from it.
 */
import {
  estimateReport as estimateView,
  type EstimateAssumptionsData,
  type EstimateContext,
  type EstimateData,
  type EstimateModelData,
  type EstimateSavingData,
} from '../report/estimate-data.js';
import type { Report } from '../report/model.js';
import type { PromptAnalysis, Saving } from './analysis.js';
import { callLimitWarnings, type ModelEstimate, type PromptEstimate } from './estimate.js';
import { describeOutputTokens, DAYS_PER_MONTH } from './types.js';

export interface EstimateRun {
  estimates: PromptEstimate[];
  analyses: PromptAnalysis[];
  shared: Saving[];
  cacheHitRate: number;
  hitRateSource: 'default' | 'option' | 'config';
  pricesAt: string;
  schemaVersion: number;
}

/**
 * What every monthly figure of a prompt assumes: calls per day and month and where that comes
 * from, and the output length and where it comes from (a default says so and how to set it).
 */
function estimateAssumptions(pe: PromptEstimate): EstimateAssumptionsData {
  const t = pe.traffic;
  const source = pe.outputSource === '--output-tokens' ? 'flag' : pe.outputSource;
  return {
    traffic: t
      ? {
          callsPerDay: Number((t.callsPerMonth / DAYS_PER_MONTH).toFixed(6)),
          callsPerMonth: t.callsPerMonth,
          source: pe.trafficSource ?? 'spec',
          basis: t.basis,
        }
      : null,
    outputTokens: {
      value: pe.models[0]?.outputTokens ?? null,
      source,
      basis: describeOutputTokens(pe.output),
      ...(source === 'default' ? { hint: 'a default: set expectedOutputTokens in the spec or pass --output-tokens' } : {}),
    },
  };
}

function modelData(me: ModelEstimate, a: PromptAnalysis): EstimateModelData {
  return {
    model: me.model,
    resolvedModel: me.entry.id,
    provider: me.entry.provider,
    tokenizer: { encoding: me.tokenizer.encoding, exact: me.tokenizer.exact, factor: me.tokenizer.factor },
    tokens: {
      parts: me.tokens.parts.map((p) => ({ name: p.name, kind: p.kind, tokens: p.tokens })),
      variables: me.tokens.variables,
      overhead: me.tokens.overhead,
      input: me.tokens.input,
      staticPrefix: me.tokens.staticPrefix,
      cacheable: me.cacheable,
      output: me.outputTokens,
    },
    cache: me.entry.cache
      ? {
          mode: me.entry.cache.mode,
          minTokens: me.entry.cache.minTokens,
          increment: me.entry.cache.increment ?? null,
          writesCharged: me.cost.writesCharged,
        }
      : null,
    perCall: {
      noCacheUsd: me.perCall.noCache,
      cachedUsd: me.perCall.cached,
      hitUsd: me.cost.hit,
      missUsd: me.cost.miss,
      outputUsd: me.cost.output,
    },
    perMonth: me.perMonth ? { noCacheUsd: me.perMonth.noCache, cachedUsd: me.perMonth.cached } : null,
    outputShare: a.outputShare.find((s) => s.model === me.model)?.share ?? 0,
  };
}

const savingData = (s: Saving): EstimateSavingData => ({
  kind: s.kind,
  where: s.where,
  detail: s.detail,
  tokensSaved: s.tokensSaved,
  perCallSavedUsd: s.perCallSaved,
  perMonthSavedUsd: s.perMonthSaved,
});

/** The run as `estimate`'s typed data (its --format json document). */
export function estimateData(run: EstimateRun): EstimateData {
  return {
    schemaVersion: run.schemaVersion,
    command: 'estimate' as const,
    assumptions: { cacheHitRate: run.cacheHitRate, daysPerMonth: DAYS_PER_MONTH, pricesAt: run.pricesAt },
    prompts: run.estimates.map((pe, i) => {
      const a = run.analyses[i];
      return {
        id: pe.prompt.id,
        file: pe.prompt.file,
        format: pe.prompt.format,
        variables: Object.keys(pe.prompt.variables).sort(),
        outputTokens: { ...pe.output, source: pe.outputSource },
        traffic: pe.traffic ? { callsPerMonth: pe.traffic.callsPerMonth, basis: pe.traffic.basis } : null,
        assumptions: estimateAssumptions(pe),
        models: pe.models.map((me) => modelData(me, a)),
        // the static-first warning stays last (the view tells it apart by its place)
        warnings: [
          ...pe.prompt.warnings,
          ...pe.models.flatMap((me) => callLimitWarnings(me, run.pricesAt)),
          ...(a.order ? [a.order.message] : []),
        ],
        staticFirst: a.order
          ? a.order.models.map((m) => ({
              model: m.model,
              moreCacheableTokens: m.moreCacheable,
              perCallSavedUsd: m.perCallSaved,
              perMonthSavedUsd: m.perMonthSaved,
            }))
          : null,
        compression: a.savings.map(savingData),
        loadBearing: a.loadBearing,
        outputOptions: a.outputOptions.map((o) => ({
          model: o.model,
          option: o.option,
          outputTokens: o.outputTokens,
          perCallUsd: o.perCall,
          perCallSavedUsd: o.perCallSaved,
          perMonthSavedUsd: o.perMonthSaved,
        })),
      };
    }),
    sharedAcrossFiles: run.shared.map(savingData),
  };
}

/** What the view shows beside the data: where the hit rate came from, each prompt's first {{variable}} part and price adjustments per model. */
function estimateContext(run: EstimateRun): EstimateContext {
  return {
    hitRateSource: run.hitRateSource,
    prompts: run.estimates.map((pe) => ({
      ...(pe.models[0]?.tokens.firstVariable ? { firstVariablePart: pe.models[0].tokens.firstVariable.part } : {}),
      adjustments: pe.models.map((me) => me.adjustments),
    })),
  };
}

/** `estimate`'s report: the view of its typed data. */
export function estimateReport(run: EstimateRun): Report {
  return estimateView(estimateData(run), estimateContext(run));
}
