/** The `estimate` report: sections for people, and the JSON contract (schemaVersion, stable keys). */
import { femtoToUsdNumber, type Femto } from '../pricing/money.js';
import { col, type Cell, type Report, type Section } from '../report/model.js';
import type { PromptAnalysis, Saving } from './analysis.js';
import type { ModelEstimate, PromptEstimate } from './estimate.js';
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

const usd = (f: Femto | null | undefined): number | null => (f === null || f === undefined ? null : femtoToUsdNumber(f));
const fmtCalls = (x: number) => Number(x.toFixed(2)).toLocaleString('en-US');

/**
 * What every monthly figure of a prompt assumes: calls per day and month and where that comes
 * from, and the output length and where it comes from (a default says so and how to set it).
 */
export function estimateAssumptions(pe: PromptEstimate) {
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

function assumptionNote(pe: PromptEstimate): string {
  const a = estimateAssumptions(pe);
  const traffic = a.traffic
    ? `traffic ${fmtCalls(a.traffic.callsPerDay)} calls/day = ${fmtCalls(a.traffic.callsPerMonth)} calls/month (${a.traffic.source}: ${a.traffic.basis})`
    : 'no traffic stated, so no monthly figures (traffic: in the spec, or --calls-per-day/--calls-per-month)';
  const output =
    a.outputTokens.source === 'default'
      ? `output ${a.outputTokens.basis} tokens per call is a DEFAULT, not a measurement: set expectedOutputTokens in the spec or pass --output-tokens`
      : `output ${a.outputTokens.basis} tokens per call (${a.outputTokens.source})`;
  return `${pe.prompt.id}: ${traffic}; ${output}`;
}

function costRows(run: EstimateRun): Record<string, Cell>[] {
  return run.estimates.flatMap((pe, i) =>
    pe.models.map((me) => ({
      prompt: pe.prompt.id,
      model: me.model + (me.tokenizer.exact ? '' : ' (est.)'),
      input: me.tokens.input,
      prefix: me.tokens.staticPrefix,
      cacheable: me.cacheable,
      min: me.entry.cache ? `${me.entry.cache.minTokens}${me.entry.cache.increment ? `+${me.entry.cache.increment}n` : ''}` : 'no cache',
      output: me.outputTokens + (pe.outputSource === 'default' ? ' (default)' : ''),
      calls: pe.traffic ? `${fmtCalls(pe.traffic.callsPerMonth)} (${pe.trafficSource ?? 'spec'})` : '-',
      callNoCache: me.perCall.noCache,
      callCached: me.perCall.cached,
      monthNoCache: me.perMonth ? me.perMonth.noCache : '-',
      monthCached: me.perMonth ? me.perMonth.cached : '-',
      outputShare: run.analyses[i].outputShare.find((s) => s.model === me.model)?.share ?? 0,
    })),
  );
}

function tokenSection(run: EstimateRun, models: string[]): Section {
  const rows: Record<string, Cell>[] = [];
  const estimatedModels = new Set(run.estimates.flatMap((pe) => pe.models.filter((m) => !m.tokenizer.exact).map((m) => m.model)));
  for (const pe of run.estimates) {
    const by = new Map(pe.models.map((m) => [m.model, m]));
    const row = (part: string, kind: string, note: string, get: (m: ModelEstimate) => number) => {
      const r: Record<string, Cell> = { prompt: pe.prompt.id, part, kind, note };
      models.forEach((m, k) => (r[`m${k}`] = by.has(m) ? get(by.get(m)!) : ''));
      rows.push(r);
    };
    const first = pe.models[0].tokens.firstVariable;
    pe.prompt.parts.forEach((p, i) => {
      const note = [p.loadBearing ? 'load-bearing' : '', first && first.part === p.name ? 'first {{variable}}' : '']
        .filter(Boolean)
        .join(', ');
      row(p.name, p.kind, note, (m) => m.tokens.parts[i].tokens);
    });
    row('variables', 'sample values', Object.keys(pe.prompt.variables).sort().join(', '), (m) => m.tokens.variables);
    row('chat overhead', 'format', 'per-message framing + reply priming', (m) => m.tokens.overhead);
    row('total input', '', '', (m) => m.tokens.input);
    row('static prefix', '', 'before the first {{variable}}', (m) => m.tokens.staticPrefix);
  }
  return {
    id: 'tokens',
    title: 'Tokens per part',
    columns: [
      col('prompt', 'Prompt'),
      col('part', 'Part'),
      col('kind', 'Kind'),
      col('note', 'Note'),
      ...models.map((m, k) => col(`m${k}`, estimatedModels.has(m) ? `${m} (est.)` : m, 'int')),
    ],
    rows,
  };
}

function savingsSection(run: EstimateRun): Section {
  const rows: Record<string, Cell>[] = [];
  run.analyses.forEach((a, i) => {
    for (const s of a.savings)
      rows.push({
        prompt: run.estimates[i].prompt.id,
        kind: s.kind,
        where: s.where,
        detail: s.detail,
        tokens: s.tokensSaved,
        perCall: s.perCallSaved ?? '-',
        perMonth: s.perMonthSaved ?? '-',
      });
  });
  for (const s of run.shared)
    rows.push({ prompt: '(all)', kind: s.kind, where: s.where, detail: s.detail, tokens: s.tokensSaved, perCall: '-', perMonth: '-' });
  const notes = run.analyses.flatMap((a, i) =>
    a.loadBearing.length ? [`${run.estimates[i].prompt.id}: load-bearing, never cut: ${a.loadBearing.join('; ')}`] : [],
  );
  if (run.shared.length)
    notes.push(
      'shared-across-files: tokens of one copy; each call sends one prompt, so no per-call saving (consider a shared, cacheable system prompt)',
    );
  return {
    id: 'savings',
    title: `Compression opportunities (measured by re-tokenizing, at each prompt's first model)`,
    columns: [
      col('prompt', 'Prompt'),
      col('kind', 'Kind'),
      col('where', 'Where'),
      col('detail', 'Detail'),
      col('tokens', 'Tokens saved', 'int'),
      col('perCall', 'Per call', 'usd'),
      col('perMonth', 'Per month', 'usd'),
    ],
    rows,
    notes,
  };
}

function outputSection(run: EstimateRun): Section {
  const rows: Record<string, Cell>[] = [];
  run.estimates.forEach((pe, i) => {
    for (const me of pe.models) {
      const share = run.analyses[i].outputShare.find((s) => s.model === me.model)?.share ?? 0;
      rows.push({
        prompt: pe.prompt.id,
        model: me.model,
        option: `as estimated (output ${describeOutputTokens(pe.output)}, ${pe.outputSource})`,
        tokens: me.outputTokens,
        share,
        perCall: me.perCall.cached,
        saved: '',
        savedMonth: '',
      });
    }
    for (const o of run.analyses[i].outputOptions)
      rows.push({
        prompt: pe.prompt.id,
        model: o.model,
        option: o.option,
        tokens: o.outputTokens,
        share: '',
        perCall: o.perCall,
        saved: o.perCallSaved,
        savedMonth: o.perMonthSaved ?? '-',
      });
  });
  return {
    id: 'output',
    title: 'Output contract',
    columns: [
      col('prompt', 'Prompt'),
      col('model', 'Model'),
      col('option', 'Option'),
      col('tokens', 'Output tokens', 'int'),
      col('share', 'Output share', 'pct'),
      col('perCall', 'Per call', 'usd'),
      col('saved', 'Saved / call', 'usd'),
      col('savedMonth', 'Saved / month', 'usd'),
    ],
    rows,
  };
}

function notesOf(run: EstimateRun): string[] {
  const notes: string[] = [];
  for (const [i, pe] of run.estimates.entries()) {
    for (const w of pe.prompt.warnings) notes.push(`warning: ${pe.prompt.file}: ${w}`);
    const order = run.analyses[i].order;
    if (order) notes.push(`warning: ${order.message}`);
    for (const me of pe.models) if (me.adjustments.length) notes.push(`${pe.prompt.id} on ${me.model}: ${me.adjustments.join(', ')}`);
  }
  const estimated = [
    ...new Set(
      run.estimates.flatMap((pe) =>
        pe.models.filter((m) => !m.tokenizer.exact).map((m) => `${m.model} (${m.tokenizer.encoding} x${m.tokenizer.factor})`),
      ),
    ),
  ];
  if (estimated.length) notes.push(`(est.): token counts are estimates for ${estimated.join(', ')}: no public tokenizer`);
  return notes;
}

/** What the numbers rest on, one statement each: per prompt its traffic and output length, then the hit rate and month. */
function assumptionsOf(run: EstimateRun): string[] {
  return [
    ...run.estimates.map(assumptionNote),
    `Cached cost: hits read the cacheable prefix at the cache-read price, misses write it (cache-write price where charged, else input); hit rate ${run.cacheHitRate} (${run.hitRateSource === 'default' ? 'default; --cache-hit-rate' : run.hitRateSource}). Month = ${DAYS_PER_MONTH} days.`,
  ];
}

export function estimateReport(run: EstimateRun): Report {
  const models = [...new Set(run.estimates.flatMap((pe) => pe.models.map((m) => m.model)))];
  const cost: Section = {
    id: 'cost',
    title: 'Cost per call and per month',
    // at 80 columns the costs outlast the token counts (shown per part below) and the cached month goes last
    columns: [
      col('prompt', 'Prompt'),
      col('model', 'Model'),
      col('input', 'Input tok', 'int', { priority: 4 }),
      col('prefix', 'Static prefix', 'int', { priority: 4 }),
      col('cacheable', 'Cacheable', 'int', { priority: 4 }),
      col('min', 'Cache min'),
      col('output', 'Output tok', 'int', { priority: 4 }),
      col('callNoCache', 'Call, no cache', 'usd', { priority: 3 }),
      col('callCached', 'Call, cached', 'usd'),
      col('calls', 'Calls/month'),
      col('monthNoCache', 'Month, no cache', 'usd', { priority: 3 }),
      col('monthCached', 'Month, cached', 'usd', { priority: 1 }),
      col('outputShare', 'Output share', 'pct', { priority: 4 }),
    ],
    rows: costRows(run),
  };
  return {
    title: 'Prompt cost estimate',
    summary: [
      ['Prompts', String(run.estimates.length)],
      ['Models', models.join(', ')],
      ['Cache hit rate', `${run.cacheHitRate}${run.hitRateSource === 'default' ? ' (default)' : ''}`],
      ['Prices in force', run.pricesAt],
    ],
    sections: [cost, tokenSection(run, models), savingsSection(run), outputSection(run)],
    notes: notesOf(run),
    assumptions: assumptionsOf(run),
    data: { command: 'estimate', document: estimateJson(run) },
    primarySection: 'cost',
  };
}

function modelJson(me: ModelEstimate, a: PromptAnalysis) {
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
      noCacheUsd: usd(me.perCall.noCache),
      cachedUsd: usd(me.perCall.cached),
      hitUsd: usd(me.cost.hit),
      missUsd: usd(me.cost.miss),
      outputUsd: usd(me.cost.output),
    },
    perMonth: me.perMonth ? { noCacheUsd: usd(me.perMonth.noCache), cachedUsd: usd(me.perMonth.cached) } : null,
    outputShare: a.outputShare.find((s) => s.model === me.model)?.share ?? 0,
  };
}

const savingJson = (s: Saving) => ({
  kind: s.kind,
  where: s.where,
  detail: s.detail,
  tokensSaved: s.tokensSaved,
  perCallSavedUsd: usd(s.perCallSaved),
  perMonthSavedUsd: usd(s.perMonthSaved),
});

function estimateJson(run: EstimateRun) {
  return {
    schemaVersion: run.schemaVersion,
    command: 'estimate',
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
        models: pe.models.map((me) => modelJson(me, a)),
        warnings: [...pe.prompt.warnings, ...(a.order ? [a.order.message] : [])],
        staticFirst: a.order
          ? a.order.models.map((m) => ({
              model: m.model,
              moreCacheableTokens: m.moreCacheable,
              perCallSavedUsd: usd(m.perCallSaved),
              perMonthSavedUsd: usd(m.perMonthSaved),
            }))
          : null,
        compression: a.savings.map(savingJson),
        loadBearing: a.loadBearing,
        outputOptions: a.outputOptions.map((o) => ({
          model: o.model,
          option: o.option,
          outputTokens: o.outputTokens,
          perCallUsd: usd(o.perCall),
          perCallSavedUsd: usd(o.perCallSaved),
          perMonthSavedUsd: usd(o.perMonthSaved),
        })),
      };
    }),
    sharedAcrossFiles: run.shared.map(savingJson),
  };
}
