/**
 * LiteLLM proxy spend logs (`LiteLLM_SpendLogs`, docs/log-formats.md, "LiteLLM"): CSV from `COPY ... TO CSV HEADER`, or the
 * `/spend/logs` JSON API (an array of rows, `{data: [...]}`, or JSONL). Both shapes share one converter;
 * CSV rows are turned into the JSON row shape (metadata and request_tags are JSON text in CSV).
 *
 * Token rule: `prompt_tokens` is inclusive (OpenAI convention). Cache numbers exist only in
 * `metadata.usage_object`: cacheRead = prompt_tokens_details.cached_tokens (else cache_read_input_tokens),
 * cacheWrite = cache_creation_input_tokens (its 1h part from prompt_tokens_details.cache_creation_token_details,
 * else cache_creation), uncached input = prompt_tokens - cacheRead - cacheWrite.
 * This matches current LiteLLM, which adds both Anthropic cache reads and writes into prompt_tokens.
 * Older versions added only reads: their uncached input comes out low by the write count, and a row where
 * it would be negative is rejected (`cache-exceeds-prompt`) rather than guessed.
 *
 * Skips: `cache_hit = "True"` (gateway response cache, no provider call) -> `gateway-cache-hit`;
 * `status = failure` -> `failed-request`. Pricing uses `model` (the deployment); `model_group` is a tag.
 * A row repeated within the dedupe window (same request_id, model and startTime) -> `duplicate`.
 */
import { emptyUsage, NO_MODEL, type UsageRecord } from '../../usage/record.js';
import type { CsvAdapter, IngestContext, JsonAdapter } from '../types.js';
import { setBuckets, type Buckets } from '../adapters/util.js';
import { seenBefore } from '../adapters/dedupe.js';
import { crossFileKey } from '../session.js';
import { ANTHROPIC_CHARGE_FIELDS } from '../adapters/charges.js';
import type { ChargeCounts } from '../../usage/dimensions.js';
import { litellmTags } from './litellm-tags.js';
import { getPath, isObject, parseCount, parseTimestamp, show, str } from './values.js';

export const LITELLM_NAME = 'litellm';
const DESCRIPTION = 'LiteLLM proxy spend logs (SpendLogs table CSV export or /spend/logs JSON)';
const SCORE = 50;
/**
 * A JSON row with `request_id`, `call_type` and `startTime` is unmistakably a SpendLogs row. It must
 * outscore the provider adapters: with `store_prompts_in_spend_logs` the row carries the provider
 * response under `response`, which the OpenAI adapter would otherwise read as a `{response}` pair
 * (losing the cache-write split, the gateway-cache-hit and failure skips, and the attribution).
 */
const ROW_SCORE = 96;

/** Columns the converter reads (Prisma names). */
export const LITELLM_COLUMNS = [
  'request_id',
  'call_type',
  'prompt_tokens',
  'completion_tokens',
  'startTime',
  'model',
  'model_group',
  'custom_llm_provider',
  'user',
  'end_user',
  'team_id',
  'organization_id',
  'session_id',
  'metadata',
  'cache_hit',
  'request_tags',
  'status',
  'messages',
  'response',
] as const;
const REQUIRED = ['request_id', 'call_type', 'prompt_tokens', 'completion_tokens', 'model'];

type Row = Record<string, unknown>;

/** Where LiteLLM's usage object keeps the cache-write TTL split (`PromptTokensDetailsWrapper.cache_creation_token_details`). */
export const TTL_SPLIT = 'prompt_tokens_details.cache_creation_token_details';
type Rejected = false;

/** A JSON column's text that JSON.parse refused. */
const INVALID = Symbol('invalid JSON');
const JSON_COLUMN_HINT = 'export the table with COPY ... TO CSV HEADER so JSON columns stay intact';

/** A JSON column's value: as it is when not text, undefined when empty, INVALID when its text is not JSON. */
function jsonColumn(row: Row, key: string): unknown {
  const raw = row[key];
  if (typeof raw !== 'string') return raw;
  const s = raw.trim();
  if (s === '' || s === '{}') return undefined;
  try {
    return JSON.parse(s);
  } catch {
    return INVALID;
  }
}

/** A JSON column the row's usage depends on: not JSON rejects the row. */
function jsonField(row: Row, key: string, ctx: IngestContext): unknown | Rejected {
  const value = jsonColumn(row, key);
  if (value !== INVALID) return value;
  ctx.reject('invalid-json-field', `${key} is not valid JSON (got ${show(row[key])})`, key, JSON_COLUMN_HINT);
  return false;
}

/** A count at `path` inside `obj`; `prefix` only names it in messages. */
function countAt(
  obj: unknown,
  path: string,
  ctx: IngestContext,
  prefix = '',
  hint = 'token counts must be whole numbers ≥ 0',
): number | undefined | Rejected {
  const raw = path.includes('.') ? getPath(obj, path, path.split('.')) : isObject(obj) ? obj[path] : undefined;
  const n = parseCount(raw);
  if (!Number.isNaN(n)) return n;
  const code = typeof raw === 'number' && raw < 0 ? 'negative-count' : 'invalid-count';
  ctx.reject(code, `${prefix}${path} must be a non-negative integer (got ${show(raw)})`, prefix + path, hint);
  return false;
}

function readBuckets(row: Row, usage: unknown, ctx: IngestContext): Buckets | undefined {
  const u = 'metadata.usage_object.';
  const prompt = countAt(row, 'prompt_tokens', ctx);
  const output = countAt(row, 'completion_tokens', ctx);
  const ptdCached = countAt(usage, 'prompt_tokens_details.cached_tokens', ctx, u);
  const readTokens = countAt(usage, 'cache_read_input_tokens', ctx, u);
  const creation = countAt(usage, 'cache_creation_input_tokens', ctx, u);
  // the TTL split of the writes: LiteLLM keeps it in prompt_tokens_details.cache_creation_token_details
  // (an Anthropic-shaped cache_creation object is read when that is absent)
  const ptdOneHour = countAt(usage, `${TTL_SPLIT}.ephemeral_1h_input_tokens`, ctx, u);
  const ptdFiveMin = countAt(usage, `${TTL_SPLIT}.ephemeral_5m_input_tokens`, ctx, u);
  const ccOneHour = countAt(usage, 'cache_creation.ephemeral_1h_input_tokens', ctx, u);
  const ccFiveMin = countAt(usage, 'cache_creation.ephemeral_5m_input_tokens', ctx, u);
  const reasoning = countAt(usage, 'completion_tokens_details.reasoning_tokens', ctx, u);
  const counts = [prompt, output, ptdCached, readTokens, creation, ptdOneHour, ptdFiveMin, ccOneHour, ccFiveMin, reasoning];
  if (counts.includes(false)) return undefined;
  const oneHour = ptdOneHour ?? ccOneHour;
  const fiveMin = ptdFiveMin ?? ccFiveMin;
  const split = (oneHour || 0) + (fiveMin || 0);
  if (split > 0 && typeof creation === 'number' && split !== creation) {
    const msg = `cache_creation_input_tokens (${creation}) differs from its TTL breakdown cache_creation (${fiveMin || 0} 5m + ${oneHour || 0} 1h = ${split})`;
    ctx.reject(
      'inconsistent-counts',
      msg,
      u + 'cache_creation_input_tokens',
      'the total must equal ephemeral_5m_input_tokens + ephemeral_1h_input_tokens',
    );
    return undefined;
  }
  const b: Buckets = {
    input: 0,
    cacheRead: ptdCached || readTokens || 0,
    write5m: 0,
    write1h: oneHour || 0,
    output: output || 0,
    reasoning: reasoning || 0,
  };
  b.write5m = (creation || 0) - b.write1h;
  if (b.write5m < 0) b.write5m = 0;
  b.input = (prompt || 0) - b.cacheRead - b.write5m - b.write1h;
  if (b.input < 0) {
    const msg = `cached (${b.cacheRead}) + cache_creation (${b.write5m + b.write1h}) exceed prompt_tokens (${prompt || 0})`;
    ctx.reject(
      'cache-exceeds-prompt',
      msg,
      'prompt_tokens',
      'older LiteLLM versions left Anthropic cache writes out of prompt_tokens; upgrade the proxy or re-export',
    );
    return undefined;
  }
  if (b.reasoning > b.output) {
    ctx.reject(
      'reasoning-exceeds-output',
      `reasoning_tokens (${b.reasoning}) exceed completion_tokens (${b.output})`,
      u + 'completion_tokens_details.reasoning_tokens',
    );
    return undefined;
  }
  return b;
}

function isTrue(v: unknown): boolean {
  return v === true || (typeof v === 'string' && v.trim().toLowerCase() === 'true');
}

/**
 * A text column (`messages`, `response`) as JSON, undefined when it is not JSON: its row's tokens and
 * cost stand (the row is counted, not rejected: counted + skipped + rejected = read), only its text is
 * missing, which the file's one warning (the first such row's line) says.
 */
function textField(row: Row, key: string, ctx: IngestContext): unknown {
  const value = jsonColumn(row, key);
  if (value !== INVALID) return value;
  if (!ctx.fileState.has(TEXT_WARNED)) {
    ctx.fileState.set(TEXT_WARNED, true);
    ctx.warn(
      'invalid-text-field',
      `line ${ctx.line}: ${key} is not valid JSON (got ${show(row[key])}): the request is counted without its text, and so is any later row like it in this file (its tokens and cost stand; simulate cannot replay its text)`,
      JSON_COLUMN_HINT,
    );
  }
  return undefined;
}
const TEXT_WARNED = 'litellm-text-warned';

function applyText(r: UsageRecord, row: Row, ctx: IngestContext): void {
  const messages = textField(row, 'messages', ctx);
  const response = textField(row, 'response', ctx);
  if (Array.isArray(messages)) {
    const msgs = messages.filter(isObject).map((m) => ({
      role: String(m.role ?? 'user'),
      content: typeof m.content === 'string' ? m.content : JSON.stringify(m.content ?? ''),
    }));
    if (msgs.length > 0) r.text = { messages: msgs, prompt: msgs.map((m) => m.content).join('\n') };
  }
  const content = getPath(response, 'choices.0.message.content', ['choices', '0', 'message', 'content']);
  if (typeof content === 'string') r.text = { ...r.text, completion: content };
}

/** Convert one spend-log row in the JSON API shape. */
export function convertLiteLLMRow(row: Row, ctx: IngestContext): void {
  const metadata = jsonField(row, 'metadata', ctx);
  if (metadata === false) return;
  const status = str(row.status) ?? str(getPath(metadata, 'status', ['status']));
  if (status?.toLowerCase() === 'failure') return ctx.skip('failed-request');
  if (isTrue(row.cache_hit)) return ctx.skip('gateway-cache-hit');
  if (parseCount(row.prompt_tokens) === undefined && parseCount(row.completion_tokens) === undefined) return ctx.skip('no-usage');
  // usage without a model id is counted, unpriced, under NO_MODEL: its tokens are real
  const model = str(row.model) ?? str(row.model_group) ?? NO_MODEL;
  const usage = isObject(metadata) ? metadata.usage_object : undefined;
  const b = readBuckets(row, usage, ctx);
  if (!b) return;
  // Anthropic server tools, as LiteLLM's usage object carries them (per-call charges, usage/dimensions.ts)
  const charges: ChargeCounts = {};
  for (const [key, path] of ANTHROPIC_CHARGE_FIELDS) {
    const n = countAt(usage, path, ctx, 'metadata.usage_object.', 'call counts (searches, fetches) must be whole numbers ≥ 0');
    if (n === false) return;
    if (n) charges[key] = n;
  }
  const ts = parseTimestamp(row.startTime);
  if (ts === 'invalid') return ctx.reject('invalid-timestamp', `startTime is not a timestamp (got ${show(row.startTime)})`, 'startTime');
  const requestTags = jsonField(row, 'request_tags', ctx);
  if (requestTags === false) return;
  const r = emptyUsage(model, str(row.request_id) ?? `${ctx.file}:${ctx.line}`, ctx.file, ctx.line);
  setBuckets(r, b);
  if (Object.keys(charges).length) r.charges = charges;
  if (ts) {
    r.timestamp = ts.timestamp;
    r.timeMs = ts.timeMs;
  }
  r.provider = str(row.custom_llm_provider);
  r.conversationId = str(row.session_id);
  r.tags = litellmTags(row, metadata, requestTags, ctx.options.attribution);
  if (ctx.options.keepText) applyText(r, row, ctx);
  // a row the file holds twice (an export that overlaps itself, /spend/logs pages saved into one file):
  // the same request_id, model and time is one request, counted at its first copy: the key across files
  // too (ingest/session.ts crossFileKey). The id alone is not: request_id is the provider's response id
  // where it sent one, and OpenAI-compatible servers reuse ids such as `chatcmpl-1`
  if (str(row.request_id) !== undefined && seenBefore(ctx, 'litellm:ids', crossFileKey(r))) return ctx.skip('duplicate');
  ctx.emit(r);
}

export const litellmJson: JsonAdapter = {
  name: LITELLM_NAME,
  description: DESCRIPTION,
  detect(value: unknown): number {
    if (!isObject(value) || !('request_id' in value && 'call_type' in value)) return 0;
    if ('startTime' in value && ('prompt_tokens' in value || 'spend' in value)) return ROW_SCORE;
    return 'prompt_tokens' in value || 'spend' in value ? SCORE : 0;
  },
  convert(value: unknown, ctx: IngestContext): void {
    if (!isObject(value)) return ctx.reject('not-an-object', 'expected a spend-log row object');
    convertLiteLLMRow(value, ctx);
  },
  unwrap(doc: unknown): unknown[] | undefined {
    return isObject(doc) && Array.isArray(doc.data) ? doc.data : undefined;
  },
};

export const litellmCsv: CsvAdapter = {
  name: LITELLM_NAME,
  description: DESCRIPTION,
  detectHeader(columns: readonly string[]): number {
    const names = new Set(columns.map((c) => c.trim()));
    return REQUIRED.every((c) => names.has(c)) ? SCORE : 0;
  },
  prepare(columns: readonly string[]) {
    const trimmed = columns.map((c) => c.trim());
    const present = LITELLM_COLUMNS.map((name) => [name, trimmed.indexOf(name)] as const).filter(([, i]) => i !== -1);
    const missing = REQUIRED.filter((c) => !trimmed.includes(c));
    if (missing.length > 0) throw new Error(`missing columns: ${missing.join(', ')}`);
    return (values: readonly string[], ctx: IngestContext): void => {
      const row: Row = {};
      for (const [name, i] of present) row[name] = values[i];
      convertLiteLLMRow(row, ctx);
    };
  },
};
