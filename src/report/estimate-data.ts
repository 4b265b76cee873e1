/**
 * `estimate`'s typed data (EstimateData: its --format json document, amounts as Femto) and its
 * view: the cost, tokens-per-part, compression and output tables, the summary, notes and
 * assumptions are derived from the data alone, plus the few facts the document does not carry
 * (EstimateContext). prompts/report.ts builds the data from a run.
 */
import { formatCount } from './cells.js';
import type { Femto } from '../pricing/money.js';
import { col, type Cell, type Report, type Section } from './model.js';

export interface EstimateSavingData {
  kind: string;
  where: string;
  detail: string;
  tokensSaved: number;
  perCallSavedUsd: Femto | null;
  perMonthSavedUsd: Femto | null;
}

export interface EstimateModelData {
  model: string;
  resolvedModel: string;
  provider: string;
  tokenizer: { encoding: string; exact: boolean; factor: number };
  tokens: {
    parts: Array<{ name: string; kind: string; tokens: number }>;
    variables: number;
    overhead: number;
    input: number;
    staticPrefix: number;
    cacheable: number;
    output: number;
  };
  cache: { mode: string; minTokens: number; increment: number | null; writesCharged: boolean } | null;
  perCall: { noCacheUsd: Femto; cachedUsd: Femto; hitUsd: Femto; missUsd: Femto; outputUsd: Femto };
  /** null without traffic. */
  perMonth: { noCacheUsd: Femto; cachedUsd: Femto } | null;
  outputShare: number;
}

export interface EstimateAssumptionsData {
  traffic: { callsPerDay: number; callsPerMonth: number; source: string; basis: string } | null;
  outputTokens: { value: number | null; source: string; basis: string; hint?: string };
}

export interface EstimatePromptData {
  id: string;
  file: string;
  format: string;
  variables: string[];
  /** As stated ({value} or {p50, p90} or {mean, p90}) and where it came from. */
  outputTokens: Record<string, number | string>;
  traffic: { callsPerMonth: number; basis: string } | null;
  assumptions: EstimateAssumptionsData;
  models: EstimateModelData[];
  /** The prompt's own warnings, then the static-first warning when `staticFirst` is set. */
  warnings: string[];
  staticFirst: Array<{ model: string; moreCacheableTokens: number; perCallSavedUsd: Femto; perMonthSavedUsd: Femto | null }> | null;
  compression: EstimateSavingData[];
  /** Load-bearing parts (by name) and headed sections (`part: "heading"`), never proposed for cutting. */
  loadBearing: string[];
  outputOptions: Array<{
    model: string;
    option: string;
    outputTokens: number;
    perCallUsd: Femto;
    perCallSavedUsd: Femto;
    perMonthSavedUsd: Femto | null;
  }>;
}

export interface EstimateData {
  schemaVersion: number;
  command: 'estimate';
  assumptions: { cacheHitRate: number; daysPerMonth: number; pricesAt: string };
  prompts: EstimatePromptData[];
  sharedAcrossFiles: EstimateSavingData[];
  /** The run's warnings, added by the output step (--format json) when there are any. */
  warnings?: string[];
}

/**
 * What the view shows beside the data, which the document does not carry: where the hit rate came
 * from, and per prompt (in order) the part holding the first {{variable}} and, per model, the
 * price adjustments applied (service tier, regional uplift, catalog warnings).
 */
export interface EstimateContext {
  hitRateSource: 'default' | 'option' | 'config';
  prompts: Array<{ firstVariablePart?: string; adjustments: string[][] }>;
}

function assumptionNote(p: EstimatePromptData): string {
  const a = p.assumptions;
  const traffic = a.traffic
    ? `traffic ${formatCount(a.traffic.callsPerDay)} calls/day = ${formatCount(a.traffic.callsPerMonth)} calls/month (${a.traffic.source}: ${a.traffic.basis})`
    : 'no traffic stated, so no monthly figures (traffic: in the spec, or --calls-per-day/--calls-per-month)';
  const output =
    a.outputTokens.source === 'default'
      ? `output ${a.outputTokens.basis} tokens per call is a DEFAULT, not a measurement: set expectedOutputTokens in the spec or pass --output-tokens`
      : `output ${a.outputTokens.basis} tokens per call (${a.outputTokens.source})`;
  return `${p.id}: ${traffic}; ${output}`;
}

/** Where the output length came from, as the run names it (`--output-tokens`, `spec`, `logs`, `default`). */
const outputSource = (p: EstimatePromptData) => String(p.outputTokens.source);

function costRows(d: EstimateData): Record<string, Cell>[] {
  return d.prompts.flatMap((p) =>
    p.models.map((m) => ({
      prompt: p.id,
      model: m.model + (m.tokenizer.exact ? '' : ' (est.)'),
      input: m.tokens.input,
      prefix: m.tokens.staticPrefix,
      cacheable: m.tokens.cacheable,
      min: m.cache ? `${m.cache.minTokens}${m.cache.increment ? `+${m.cache.increment}n` : ''}` : 'no cache',
      // a text cell: the count, marked when it is the default
      output: `${m.tokens.output}${outputSource(p) === 'default' ? ' (default)' : ''}`,
      calls: p.assumptions.traffic ? `${formatCount(p.assumptions.traffic.callsPerMonth)} (${p.assumptions.traffic.source})` : '-',
      callNoCache: m.perCall.noCacheUsd,
      callCached: m.perCall.cachedUsd,
      monthNoCache: m.perMonth ? m.perMonth.noCacheUsd : '-',
      monthCached: m.perMonth ? m.perMonth.cachedUsd : '-',
      outputShare: m.outputShare,
    })),
  );
}

function tokenSection(d: EstimateData, ctx: EstimateContext, models: string[]): Section {
  const rows: Record<string, Cell>[] = [];
  const estimatedModels = new Set(d.prompts.flatMap((p) => p.models.filter((m) => !m.tokenizer.exact).map((m) => m.model)));
  d.prompts.forEach((p, pi) => {
    const by = new Map(p.models.map((m) => [m.model, m]));
    const row = (part: string, kind: string, note: string, get: (m: EstimateModelData) => number) => {
      const r: Record<string, Cell> = { prompt: p.id, part, kind, note };
      models.forEach((m, k) => (r[`m${k}`] = by.has(m) ? get(by.get(m)!) : ''));
      rows.push(r);
    };
    const first = ctx.prompts[pi]?.firstVariablePart;
    p.models[0].tokens.parts.forEach((part, i) => {
      const note = [
        p.loadBearing.includes(part.name) ? 'load-bearing' : '',
        first === part.name ? 'first {{variable}}' : '',
        part.kind === 'tools' ? 'as compact JSON: approximate' : '',
      ]
        .filter(Boolean)
        .join(', ');
      row(part.name, part.kind, note, (m) => m.tokens.parts[i].tokens);
    });
    row('variables', 'sample values', p.variables.join(', '), (m) => m.tokens.variables);
    row('chat overhead', 'format', 'per-message framing + reply priming', (m) => m.tokens.overhead);
    row('total input', '', '', (m) => m.tokens.input);
    row('static prefix', '', 'before the first {{variable}}', (m) => m.tokens.staticPrefix);
  });
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

function savingsSection(d: EstimateData): Section {
  const rows: Record<string, Cell>[] = [];
  const savingRow = (prompt: string, s: EstimateSavingData, perCall: Cell, perMonth: Cell) => ({
    prompt,
    kind: s.kind,
    where: s.where,
    detail: s.detail,
    tokens: s.tokensSaved,
    perCall,
    perMonth,
  });
  for (const p of d.prompts)
    for (const s of p.compression) rows.push(savingRow(p.id, s, s.perCallSavedUsd ?? '-', s.perMonthSavedUsd ?? '-'));
  for (const s of d.sharedAcrossFiles) rows.push(savingRow('(all)', s, '-', '-'));
  const notes = d.prompts.flatMap((p) => (p.loadBearing.length ? [`${p.id}: load-bearing, never cut: ${p.loadBearing.join('; ')}`] : []));
  if (d.sharedAcrossFiles.length)
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

function outputSection(d: EstimateData): Section {
  const rows: Record<string, Cell>[] = [];
  for (const p of d.prompts) {
    for (const m of p.models)
      rows.push({
        prompt: p.id,
        model: m.model,
        option: `as estimated (output ${p.assumptions.outputTokens.basis}, ${outputSource(p)})`,
        tokens: m.tokens.output,
        share: m.outputShare,
        perCall: m.perCall.cachedUsd,
        saved: '',
        savedMonth: '',
      });
    for (const o of p.outputOptions)
      rows.push({
        prompt: p.id,
        model: o.model,
        option: o.option,
        tokens: o.outputTokens,
        share: '',
        perCall: o.perCallUsd,
        saved: o.perCallSavedUsd,
        savedMonth: o.perMonthSavedUsd ?? '-',
      });
  }
  return {
    id: 'output',
    title: 'Output contract',
    columns: [
      col('prompt', 'Prompt'),
      col('model', 'Model'),
      col('option', 'Option'),
      col('tokens', 'Output tokens', 'int'),
      col('share', 'Output share', 'pct'),
      // the cost outlasts the option's footnote mark (ranked with amounts) when one of them must go
      col('perCall', 'Per call', 'usd', { priority: 1 }),
      col('saved', 'Saved / call', 'usd'),
      col('savedMonth', 'Saved / month', 'usd'),
    ],
    rows,
  };
}

function notesOf(d: EstimateData, ctx: EstimateContext): string[] {
  const notes: string[] = [];
  d.prompts.forEach((p, i) => {
    // the document lists the prompt's own warnings, then the static-first one (when staticFirst is set)
    const own = p.staticFirst ? p.warnings.slice(0, -1) : p.warnings;
    for (const w of own) notes.push(`warning: ${p.file}: ${w}`);
    if (p.staticFirst) notes.push(`warning: ${p.warnings[p.warnings.length - 1]}`);
    p.models.forEach((m, k) => {
      const adjustments = ctx.prompts[i]?.adjustments[k] ?? [];
      if (adjustments.length) notes.push(`${p.id} on ${m.model}: ${adjustments.join(', ')}`);
    });
  });
  const estimated = [
    ...new Set(
      d.prompts.flatMap((p) =>
        p.models.filter((m) => !m.tokenizer.exact).map((m) => `${m.model} (${m.tokenizer.encoding} x${m.tokenizer.factor})`),
      ),
    ),
  ];
  if (estimated.length) notes.push(`(est.): token counts are estimates for ${estimated.join(', ')}: no public tokenizer`);
  // Tool definitions are not sent as the JSON counted here: OpenAI renders them in a format of its own
  // (cookbook.openai.com/examples/how_to_count_tokens_with_tiktoken, "function calling"), and Anthropic adds a
  // tool-use system prompt of some hundreds of tokens per model (docs.anthropic.com/en/docs/tool-use-pricing-and-tokens).
  // So a prompt with tools is approximate on every model, an exact tokenizer's too: said, not left unmarked.
  if (d.prompts.some((p) => p.models[0]?.tokens.parts.some((part) => part.kind === 'tools')))
    notes.push(
      'tools: counted as their compact JSON, approximate on every model: providers render tool definitions in their own format, and Anthropic adds a tool-use system prompt (some hundreds of tokens, not counted)',
    );
  return notes;
}

/** What the numbers rest on, one statement each: per prompt its traffic and output length, then the hit rate and month. */
function assumptionsOf(d: EstimateData, ctx: EstimateContext): string[] {
  const a = d.assumptions;
  return [
    ...d.prompts.map(assumptionNote),
    `Cached cost: hits read the cacheable prefix at the cache-read price, misses write it (cache-write price where charged, else input); hit rate ${a.cacheHitRate} (${ctx.hitRateSource === 'default' ? 'default; --cache-hit-rate' : ctx.hitRateSource}). Month = ${a.daysPerMonth} days.`,
  ];
}

export function estimateReport(d: EstimateData, ctx: EstimateContext): Report {
  const models = [...new Set(d.prompts.flatMap((p) => p.models.map((m) => m.model)))];
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
    rows: costRows(d),
  };
  return {
    title: 'Prompt cost estimate',
    summary: [
      ['Prompts', String(d.prompts.length)],
      ['Models', models.join(', ')],
      ['Cache hit rate', `${d.assumptions.cacheHitRate}${ctx.hitRateSource === 'default' ? ' (default)' : ''}`],
      ['Prices in force', d.assumptions.pricesAt],
    ],
    sections: [cost, tokenSection(d, ctx, models), savingsSection(d), outputSection(d)],
    notes: notesOf(d, ctx),
    assumptions: assumptionsOf(d, ctx),
    data: { command: 'estimate', document: d },
    primarySection: 'cost',
  };
}
