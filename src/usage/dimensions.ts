/**
 * Every priced dimension of a bill, defined once: the token buckets (priced per million tokens)
 * and the per-call / per-unit charges beside them (web searches, web fetches, grounded prompts,
 * output images, per-request fees). Each definition names its key, what it counts, the catalog's
 * price key, the usage-table column, and the label the report prints. The catalog schema, the
 * usage table, the SQL sums and the report's components section are generated from these lists,
 * so adding a charge touches this table, the catalog data and the readers that report it.
 * See docs/pricing.md ("Charges").
 */

export type DimensionKind = 'token' | 'call' | 'image' | 'request';

export interface TokenDimension {
  key: 'input' | 'cacheRead' | 'cacheWrite5m' | 'cacheWrite1h' | 'output';
  kind: 'token';
  /** The UsageRecord / TokenSums field that counts it. */
  field: 'inputTokens' | 'cacheReadTokens' | 'cacheWrite5mTokens' | 'cacheWrite1hTokens' | 'outputTokens';
  /** Usage table column. */
  column: string;
  /** Catalog price key (USD per million tokens). */
  priceKey: 'inputPerMTok' | 'cacheReadPerMTok' | 'cacheWrite5mPerMTok' | 'cacheWrite1hPerMTok' | 'outputPerMTok';
  label: string;
  unit: 'tokens';
  /** Meaning of the usage-table column. */
  meaning: string;
}

/** The token buckets, disjoint and additive (see usage/record.ts), in report order. */
export const TOKEN_DIMENSIONS: readonly TokenDimension[] = [
  {
    key: 'input',
    kind: 'token',
    field: 'inputTokens',
    column: 'input_tokens',
    priceKey: 'inputPerMTok',
    label: 'Input (uncached)',
    unit: 'tokens',
    meaning: 'uncached input tokens (disjoint from the cache buckets)',
  },
  {
    key: 'cacheRead',
    kind: 'token',
    field: 'cacheReadTokens',
    column: 'cache_read_tokens',
    priceKey: 'cacheReadPerMTok',
    label: 'Cache read',
    unit: 'tokens',
    meaning: 'prompt tokens read from a cache',
  },
  {
    key: 'cacheWrite5m',
    kind: 'token',
    field: 'cacheWrite5mTokens',
    column: 'cache_write_5m_tokens',
    priceKey: 'cacheWrite5mPerMTok',
    label: 'Cache write 5m',
    unit: 'tokens',
    meaning: 'prompt tokens written to a cache with the 5-minute (default) TTL',
  },
  {
    key: 'cacheWrite1h',
    kind: 'token',
    field: 'cacheWrite1hTokens',
    column: 'cache_write_1h_tokens',
    priceKey: 'cacheWrite1hPerMTok',
    label: 'Cache write 1h',
    unit: 'tokens',
    meaning: 'prompt tokens written to a cache with the 1-hour TTL',
  },
  {
    key: 'output',
    kind: 'token',
    field: 'outputTokens',
    column: 'output_tokens',
    priceKey: 'outputPerMTok',
    label: 'Output (incl. reasoning)',
    unit: 'tokens',
    meaning: 'output tokens, reasoning included',
  },
];

export interface ChargeDimension {
  key: string;
  kind: Exclude<DimensionKind, 'token'>;
  /**
   * Catalog price key, in USD per `per` units (`...Per1k`: per 1,000; `...PerUnit`: per one).
   * Counted per record, except kind `request`, which counts the record's requests. Null: a count
   * the provider does not bill by (its bill is in another unit), reported and never priced.
   */
  priceKey: string | null;
  per: 1 | 1000;
  /** Why a count without a price key is never priced (said wherever it is reported unpriced). */
  unpricedNote?: string;
  /** Usage table column (none for kind `request`: the `requests` column counts it). */
  column?: string;
  label: string;
  /** Unit of the count, plural ("searches"). */
  unit: string;
  meaning: string;
}

export const CHARGE_DIMENSIONS = [
  {
    key: 'webSearch',
    kind: 'call',
    priceKey: 'webSearchPer1k',
    per: 1000,
    column: 'web_search_calls',
    label: 'Web search calls',
    unit: 'searches',
    meaning:
      'web searches the provider ran for the request (Anthropic server_tool_use.web_search_requests, OpenAI web_search_call items, Gemini webSearchQueries)',
  },
  {
    key: 'webSearchPreview',
    kind: 'call',
    priceKey: 'webSearchPreviewPer1k',
    per: 1000,
    column: 'web_search_preview_calls',
    label: 'Web search calls (preview)',
    unit: 'searches',
    meaning: 'OpenAI web_search_call items of a request that offered only the older web_search_preview tool (priced apart)',
  },
  {
    key: 'webFetch',
    kind: 'call',
    priceKey: 'webFetchPer1k',
    per: 1000,
    column: 'web_fetch_calls',
    label: 'Web fetch calls',
    unit: 'fetches',
    meaning: 'pages fetched by a server-side fetch tool (Anthropic server_tool_use.web_fetch_requests)',
  },
  {
    key: 'groundedPrompt',
    kind: 'call',
    priceKey: 'groundedPromptPer1k',
    per: 1000,
    column: 'grounded_prompts',
    label: 'Grounded prompts',
    unit: 'prompts',
    meaning: 'requests answered with Google Search grounding (Gemini groundingMetadata with search queries)',
  },
  {
    key: 'outputImage',
    kind: 'image',
    priceKey: 'outputImagePerUnit',
    per: 1,
    column: 'output_images',
    label: 'Output images',
    unit: 'images',
    meaning: 'images the model generated, where the provider prices them per image',
  },
  {
    key: 'fileSearch',
    kind: 'call',
    priceKey: 'fileSearchPer1k',
    per: 1000,
    column: 'file_search_calls',
    label: 'File search calls',
    unit: 'calls',
    meaning:
      'file search tool calls the provider ran for the request (OpenAI Responses file_search_call items, Usage API file_searches num_requests)',
  },
  {
    key: 'codeInterpreter',
    kind: 'call',
    priceKey: null,
    per: 1,
    column: 'code_interpreter_calls',
    label: 'Code interpreter calls',
    unit: 'calls',
    meaning: 'code interpreter tool calls of the request (OpenAI Responses code_interpreter_call items); counted, never priced',
    unpricedNote:
      'OpenAI bills code interpreter per container (by its memory size and the minutes it is active), not per call: a log does not say what its containers cost',
  },
  {
    key: 'request',
    kind: 'request',
    priceKey: 'requestPer1k',
    per: 1000,
    label: 'Request fees',
    unit: 'requests',
    meaning: 'a fee per API request (platforms that charge one beside tokens)',
  },
] as const satisfies readonly ChargeDimension[];

export type ChargeKey = (typeof CHARGE_DIMENSIONS)[number]['key'];
/** Charges a record counts itself (every kind but `request`). */
export type CountedChargeKey = Exclude<ChargeKey, 'request'>;
/** The catalog's charge price keys (a dimension whose key is null is never priced). */
export type ChargePriceKey = Exclude<(typeof CHARGE_DIMENSIONS)[number]['priceKey'], null>;

/** The dimensions a catalog can price (a price key that is not null), in report order. */
export const PRICED_CHARGES = CHARGE_DIMENSIONS.filter(
  (d): d is Extract<(typeof CHARGE_DIMENSIONS)[number], { priceKey: string }> => d.priceKey !== null,
);

/** Per-record counts of the counted charges (absent: none). */
export type ChargeCounts = Partial<Record<CountedChargeKey, number>>;

/** The charges counted on records, in report order. */
export const COUNTED_CHARGES = CHARGE_DIMENSIONS.filter(
  (d): d is Extract<(typeof CHARGE_DIMENSIONS)[number], { column: string }> => d.kind !== 'request',
);

export function chargeDimension(key: ChargeKey): (typeof CHARGE_DIMENSIONS)[number] {
  return CHARGE_DIMENSIONS.find((d) => d.key === key)!;
}

/** Count of charge `key` in a sum or record: its own count, or the requests for a per-request fee. */
export function chargeCount(key: ChargeKey, calls: ChargeCounts | undefined, requests: number): number {
  return key === 'request' ? requests : (calls?.[key] ?? 0);
}

/** Adds counts into `into` (absent keys stay absent while zero). */
export function addCharges(into: ChargeCounts, from: ChargeCounts | undefined): void {
  if (!from) return;
  for (const d of COUNTED_CHARGES) {
    const n = from[d.key];
    if (n) into[d.key] = (into[d.key] ?? 0) + n;
  }
}
