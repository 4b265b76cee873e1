/**
 * The levers' own detail tables as typed data (issue 16): the semantic cache's threshold curve,
 * sample hits and lowest-similarity matches, the budget cap's "who hit the cap", the output cap's
 * real output lengths, the conversations summarised. A lever returns one of these values
 * (LeverOutcome.details); simulate's document holds it under `scenarios[].waterfall[].details`
 * (amounts as exact Femto, written as USD like the rest of the document), and `leverSections`
 * derives the report's sections from it, so a table cell and the JSON field it quotes cannot
 * disagree. Texts from the logs are kept as logged (up to MAX_TEXT_CHARS) and made inert here.
 */
import { inert } from '../core/untrusted.js';
import { formatUsd, type Femto } from '../pricing/money.js';
import { col, type Section } from '../report/model.js';

/** Longest text of a query kept in the document (the tables show fewer characters). */
export const MAX_TEXT_CHARS = 200;

export interface SemanticCurvePointData {
  threshold: number;
  hits: number;
  /** Hits over the queries looked up (0 when none). */
  hitRate: number;
  /** Cost of the calls the hits answered. */
  savedUsd: Femto;
  /** Saved less every lookup's cost (hit or miss). */
  netUsd: Femto;
}

export interface SemanticSampleData {
  similarity: number;
  query: string;
  context: string;
  answeredFrom: string;
  answeredContext: string;
}

export interface SemanticMatchData {
  threshold: number;
  similarity: number;
  query: string;
  answeredFrom: string;
}

export interface SemanticCacheDetails {
  lever: 'semanticCache';
  /** The threshold the scenario runs at (the samples' threshold). */
  threshold: number;
  /** One point per threshold, ascending. */
  curve: SemanticCurvePointData[];
  /** Up to 5 hits at `threshold`, lowest similarity first. */
  sampleHits: SemanticSampleData[];
  /** With --explain: up to 3 matches per threshold of the curve, lowest similarity first; else null. */
  lowestMatches: SemanticMatchData[] | null;
}

export interface BudgetCapHitData {
  key: string;
  /** The day (YYYY-MM-DD) or month (YYYY-MM), UTC. */
  period: string;
  /** When the first request was refused (ISO 8601, UTC). */
  firstRefusedAt: string;
  requestsRefused: number;
  spendAllowedUsd: Femto;
  spendAvoidedUsd: Femto;
}

export interface BudgetCapDetails {
  lever: 'budgetCap';
  per: 'user' | 'customer' | 'feature';
  period: 'day' | 'month';
  capUsd: Femto;
  /** Key-periods that hit the cap, all of them (`hits` holds the first MAX_ROWS, most avoided first). */
  periodsHit: number;
  hits: BudgetCapHitData[];
}

export interface OutputCapDetails {
  lever: 'outputCap';
  maxTokens: number | null;
  factor: number | null;
  /** Responses in scope (weighted), and how they were spread (tokens per response). */
  responses: number;
  p50: number;
  p90: number;
  p99: number;
  max: number;
  truncated: number;
  /** truncated / responses (0 when none). */
  share: number;
}

export interface SummarizeDetails {
  lever: 'summarize';
  conversations: number;
  summarised: number;
  summaryCalls: number;
  /** Mean cost of a summarised conversation before and after (summary calls included); null when none. */
  costPerConversationBeforeUsd: Femto | null;
  costPerConversationAfterUsd: Femto | null;
}

export type LeverDetailsData = SemanticCacheDetails | BudgetCapDetails | OutputCapDetails | SummarizeDetails;

function semanticSections(d: SemanticCacheDetails): Section[] {
  const out: Section[] = [
    {
      id: 'semantic-curve',
      title: 'Semantic cache: hit rate and saving by threshold',
      columns: [
        col('threshold', 'Threshold', 'number'),
        col('hits', 'Hits', 'int'),
        col('hitRate', 'Hit rate', 'pct'),
        col('saved', 'Calls saved', 'usd'),
        col('net', 'Net of lookups', 'usd'),
      ],
      rows: d.curve.map((p) => ({ threshold: p.threshold, hits: p.hits, hitRate: p.hitRate, saved: p.savedUsd, net: p.netUsd })),
    },
    {
      id: 'semantic-samples',
      title: `Semantic cache: sample hits at ${d.threshold} with their context (lowest similarity first)`,
      columns: [
        // at 80 columns the pair stays (the query and what answered it); the contexts give way first
        col('similarity', 'Similarity', 'number', { priority: 1 }),
        col('query', 'Query', 'text', { priority: 1 }),
        col('context', 'Context', 'text', { priority: 3 }),
        col('answeredFrom', 'Answered from', 'text', { priority: 1 }),
        col('answeredContext', 'Its context', 'text', { priority: 4 }),
      ],
      rows: d.sampleHits.map((x) => ({
        similarity: x.similarity,
        query: inert(x.query, 60),
        context: inert(x.context, 60),
        answeredFrom: inert(x.answeredFrom, 60),
        answeredContext: inert(x.answeredContext, 60),
      })),
    },
  ];
  if (d.lowestMatches)
    out.push({
      id: 'semantic-pairs',
      title: 'Semantic cache: lowest-similarity matches per threshold (false-hit risk)',
      columns: [
        col('threshold', 'Threshold', 'number'),
        col('similarity', 'Similarity', 'number'),
        col('query', 'Query'),
        col('matched', 'Answered from'),
      ],
      rows: d.lowestMatches.map((m) => ({
        threshold: m.threshold,
        similarity: m.similarity,
        query: inert(m.query, 80),
        matched: inert(m.answeredFrom, 80),
      })),
    });
  return out;
}

function budgetCapSections(d: BudgetCapDetails): Section[] {
  const more = d.periodsHit - d.hits.length;
  return [
    {
      id: 'budget-cap',
      title: `Budget cap: who would have hit ${formatUsd(d.capUsd)} per ${d.per} per ${d.period}`,
      columns: [
        col('key', d.per[0].toUpperCase() + d.per.slice(1)),
        col('period', d.period === 'day' ? 'Day' : 'Month'),
        col('firstRefused', 'First refused (UTC)'),
        col('refused', 'Requests refused', 'int'),
        col('allowed', 'Spend allowed', 'usd'),
        col('avoided', 'Spend avoided', 'usd'),
      ],
      rows: d.hits.map((h) => ({
        key: h.key,
        period: h.period,
        firstRefused: h.firstRefusedAt.slice(0, 16).replace('T', ' '),
        refused: h.requestsRefused,
        allowed: h.spendAllowedUsd,
        avoided: h.spendAvoidedUsd,
      })),
      notes: more > 0 ? [`${more} more ${d.per}-${d.period}s hit the cap (see the JSON for the count).`] : [],
    },
  ];
}

function outputCapSections(d: OutputCapDetails): Section[] {
  return [
    {
      id: 'output-cap',
      title: 'Output cap: real output lengths in scope (tokens per response)',
      columns: [
        col('responses', 'Responses', 'int'),
        col('p50', 'p50', 'int'),
        col('p90', 'p90', 'int'),
        col('p99', 'p99', 'int'),
        col('max', 'Max', 'int'),
        col('cap', 'Cap'),
        col('truncated', 'Truncated', 'int'),
        col('share', 'Share', 'pct'),
      ],
      rows: [
        {
          responses: d.responses,
          p50: d.p50,
          p90: d.p90,
          p99: d.p99,
          max: d.max,
          cap: [d.maxTokens !== null ? `${d.maxTokens} tokens` : '', d.factor !== null ? `x${d.factor}` : ''].filter(Boolean).join(', '),
          truncated: d.truncated,
          share: d.share,
        },
      ],
    },
  ];
}

function summarizeSections(d: SummarizeDetails): Section[] {
  return [
    {
      id: 'summarize',
      title: 'Summarization: conversations summarised',
      columns: [
        col('conversations', 'Conversations', 'int'),
        col('summarised', 'Summarised', 'int'),
        col('calls', 'Summary calls', 'int'),
        col('before', 'Cost/conv before', 'usd'),
        col('after', 'Cost/conv after', 'usd'),
      ],
      rows: [
        {
          conversations: d.conversations,
          summarised: d.summarised,
          calls: d.summaryCalls,
          before: d.costPerConversationBeforeUsd ?? undefined,
          after: d.costPerConversationAfterUsd ?? undefined,
        },
      ],
    },
  ];
}

/** A lever's detail tables from its typed data (ids and titles as the lever names them; the report prefixes scenario and lever). */
export function leverSections(d: LeverDetailsData): Section[] {
  switch (d.lever) {
    case 'semanticCache':
      return semanticSections(d);
    case 'budgetCap':
      return budgetCapSections(d);
    case 'outputCap':
      return outputCapSections(d);
    case 'summarize':
      return summarizeSections(d);
  }
}
