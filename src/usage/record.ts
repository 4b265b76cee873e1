/**
 * The one usage record every reader produces. Token buckets are disjoint and additive:
 * inputTokens is *uncached* input only; cache reads and writes are separate buckets;
 * outputTokens includes reasoning; reasoningTokens is an informational subset of outputTokens.
 */
import type { ChargeCounts } from './dimensions.js';

export type ServiceTier = 'standard' | 'batch' | 'flex' | 'priority';

export type TokenSource = 'reported' | 'estimated';

/**
 * Model of a record whose log carried usage but no model id: its tokens are counted (never dropped),
 * it is never priced (no catalog id matches), and the report warns about it.
 */
export const NO_MODEL = '(no model)';

/** Well-known tag keys (others are free-form, addressed as `tag:NAME`). */
export const TAG_FEATURE = 'feature';
export const TAG_CUSTOMER = 'customer';
export const TAG_USER = 'user';
export const TAG_OUTCOME = 'outcome'; // 'success' | 'failure'
export const TAG_PROMPT = 'prompt'; // prompt id/name, joins logs to prompt files
/** The working directory a session logged (Codex CLI's session_meta `cwd`): the record's project. */
export const TAG_CWD = 'cwd';

export interface ChatMessageText {
  role: string;
  content: string;
}

export interface RecordText {
  /** Rendered prompt text (messages joined in order), for prefix/semantic replay. */
  prompt?: string;
  /** Prompt as chat messages, when the log carries them. */
  messages?: ChatMessageText[];
  /** Completion text. */
  completion?: string;
  /** Last user message, used by semantic caching. */
  query?: string;
}

export interface UsageRecord {
  /** From the log where present, else `${file}:${line}`. */
  id: string;
  /** ISO 8601 UTC. */
  timestamp?: string;
  /** Epoch milliseconds of `timestamp` (kept to avoid re-parsing). */
  timeMs?: number;
  /** openai | anthropic | google | bedrock | mistral | deepseek | xai | ... */
  provider?: string;
  /** Model id as logged; resolution to a price happens in pricing. */
  model: string;
  inputTokens: number;
  cacheReadTokens: number;
  cacheWrite5mTokens: number;
  cacheWrite1hTokens: number;
  outputTokens: number;
  reasoningTokens: number;
  /** Number of API requests this record stands for: 1, or N for aggregated usage buckets. */
  requests: number;
  /**
   * Per-call / per-unit charges the log reports beside tokens (web searches, fetches, grounded
   * prompts, output images; see usage/dimensions.ts). Absent or missing keys: none.
   */
  charges?: ChargeCounts;
  serviceTier?: ServiceTier;
  /** Anthropic/OpenAI "fast" mode (priced by the catalog's fast multiplier). */
  fast?: boolean;
  /** Data-residency / regional processing uplift applies (e.g. inference_geo "us", Bedrock geo profile). */
  regional?: boolean;
  tokenSource: TokenSource;
  /**
   * True when the log had text but no token counts: the pipeline's tokenize stage fills the
   * buckets from `text` (with chat overhead) and sets tokenSource to 'estimated'.
   */
  countsMissing?: boolean;
  conversationId?: string;
  /** 1-based turn index within the conversation. */
  turn?: number;
  tags: Record<string, string>;
  text?: RecordText;
  /** Images attached to the prompt (count), for the images lever. */
  imageCount?: number;
  source: { file: string; line?: number };
}

/** Total prompt size as the providers count it for long-context tiers: uncached + cache read + cache writes. */
export function promptTokens(
  r: Pick<UsageRecord, 'inputTokens' | 'cacheReadTokens' | 'cacheWrite5mTokens' | 'cacheWrite1hTokens'>,
): number {
  return r.inputTokens + r.cacheReadTokens + r.cacheWrite5mTokens + r.cacheWrite1hTokens;
}

/**
 * A tag whose name comes from the data or a config (request metadata keys, `--map tag.NAME`, `attribution:`): set
 * as an own property, so a tag named `__proto__` is a tag (an assignment set the object's prototype and the tag
 * was lost), and read back with Object.hasOwn (a `constructor` or `toString` tag was taken as already set).
 */
export function setTag(tags: Record<string, string>, key: string, value: string): void {
  Object.defineProperty(tags, key, { value, enumerable: true, writable: true, configurable: true });
}

export function emptyUsage(model: string, id: string, file: string, line?: number): UsageRecord {
  return {
    id,
    model,
    inputTokens: 0,
    cacheReadTokens: 0,
    cacheWrite5mTokens: 0,
    cacheWrite1hTokens: 0,
    outputTokens: 0,
    reasoningTokens: 0,
    requests: 1,
    tokenSource: 'reported',
    // no prototype: a tag named __proto__ is a tag like any other (assigning it to a plain object set the
    // prototype and dropped it), and one named constructor or toString starts unset, not an inherited function
    tags: Object.create(null) as Record<string, string>,
    source: { file, line },
  };
}
