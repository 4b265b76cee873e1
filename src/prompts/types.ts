/**
 * A prompt as tokenomics sees it: the parts of one request in the order the provider receives
 * them (tools, system, few-shot examples, the templated user turn), the sample values of its
 * `{{variables}}`, and what the spec says about models, output length and traffic.
 */

export type PromptFormat = 'text' | 'openai-chat' | 'anthropic' | 'spec';

/** What a part is, for reporting and for the load-bearing rule. */
export type PartKind = 'tools' | 'system' | 'examples' | 'template' | 'message' | 'prompt';

export interface PromptMessage {
  role: string;
  /** Content as written: may hold `{{variable}}` placeholders. */
  content: string;
  name?: string;
}

export interface PromptPart {
  /** Stable name: `tools`, `system`, `system.criteria`, `examples`, `template`, `messages[2]`, `prompt`. */
  name: string;
  kind: PartKind;
  /** Messages of this part (empty for `tools`, which is counted as JSON). */
  messages: PromptMessage[];
  /** Tool definitions as compact JSON (kind `tools` only). */
  toolsJson?: string;
  /** Never proposed for cutting: examples, evaluation criteria, output-format specs. */
  loadBearing: boolean;
}

/** Expected output length: a point value or a distribution (the cost uses mean, else p50). */
export type OutputTokens = { value: number } | { p50: number; p90?: number } | { mean: number; p90?: number };

export interface Traffic {
  callsPerMonth: number;
  /** How the figure was stated: `callsPerDay: 2000`, `logs: 12 days`... */
  basis: string;
}

export interface Prompt {
  /** Joins a prompt to its logs (`tags.prompt`), its config entry and its baseline row. */
  id: string;
  /** Path as given (relative to the working directory). */
  file: string;
  format: PromptFormat;
  parts: PromptPart[];
  /** Sample values for `{{variables}}`. */
  variables: Record<string, string>;
  models: string[];
  expectedOutputTokens?: OutputTokens;
  traffic?: Traffic;
  /** Lines of the spec keys that change cost (model, output length, traffic), for annotations. */
  lines?: { model?: number; expectedOutputTokens?: number; traffic?: number };
  /** Problems found while reading (unsupported content blocks, variables without sample values). */
  warnings: string[];
}

/** Days in the month used to turn calls per day into calls per month. */
export const DAYS_PER_MONTH = 30;

/** The output length a cost uses: the mean when given, else p50, else the point value. */
export function outputTokensFor(o: OutputTokens): number {
  if ('value' in o) return o.value;
  if ('mean' in o) return o.mean;
  return o.p50;
}

export function describeOutputTokens(o: OutputTokens): string {
  if ('value' in o) return String(o.value);
  if ('mean' in o) return `mean ${o.mean}${o.p90 !== undefined ? `, p90 ${o.p90}` : ''}`;
  return `p50 ${o.p50}${o.p90 !== undefined ? `, p90 ${o.p90}` : ''}`;
}
