/**
 * Shared helpers for the provider adapters: object access, strict count reading, timestamps,
 * record construction and consistency checks. Everything here is pure.
 */
import type { IngestContext } from '../types.js';
import { emptyUsage, NO_MODEL, type ServiceTier, type UsageRecord } from '../../usage/record.js';
import { parseTime, type Time, type TimeUnit } from './time.js';

export { parseTime, isoString, type Time, type TimeUnit } from './time.js';

export type Obj = Record<string, unknown>;

export function isObj(v: unknown): v is Obj {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

const PATHS = new Map<string, string[]>();

/** `pick(obj, 'a.b.c')`: undefined as soon as a step is not an object. Split paths are memoised. */
export function pick(obj: unknown, path: string): unknown {
  if (path.indexOf('.') === -1) return isObj(obj) ? obj[path] : undefined;
  let keys = PATHS.get(path);
  if (!keys) {
    keys = path.split('.');
    if (PATHS.size < 10_000) PATHS.set(path, keys);
  }
  let cur: unknown = obj;
  for (let i = 0; i < keys.length; i++) {
    if (!isObj(cur)) return undefined;
    cur = cur[keys[i]];
  }
  return cur;
}

export function str(v: unknown): string | undefined {
  return typeof v === 'string' && v !== '' ? v : undefined;
}

/** A scalar as a tag value (strings, finite numbers, booleans); undefined otherwise. */
export function scalarString(v: unknown): string | undefined {
  if (typeof v === 'string') return v === '' ? undefined : v;
  if (typeof v === 'number' && Number.isFinite(v)) return String(v);
  if (typeof v === 'boolean') return String(v);
  return undefined;
}

export interface CountOptions {
  /** Missing (or null) is an error instead of 0. */
  required?: boolean;
  /** Accept decimal strings ("123"), as OTLP `intValue` and CSV-ish exports write them. */
  allowString?: boolean;
  /** Hint of a rejection (default: about token counts). */
  hint?: string;
}

/**
 * Reads token counts strictly and reports the first problem of a value through `ctx.reject`
 * (one value = one outcome). Callers check `failed` before emitting.
 */
export class FieldReader {
  private readonly root: { failed: boolean };
  constructor(
    private readonly ctx: IngestContext,
    private readonly prefix = '',
    root?: { failed: boolean },
  ) {
    this.root = root ?? { failed: false };
  }

  get failed(): boolean {
    return this.root.failed;
  }

  /** A reader for a nested object: paths get `p.` in front; failures are shared. */
  child(p: string): FieldReader {
    return new FieldReader(this.ctx, this.path(p), this.root);
  }

  path(p: string): string {
    return this.prefix ? `${this.prefix}.${p}` : p;
  }

  fail(code: string, message: string, path?: string, hint?: string): undefined {
    if (!this.root.failed) this.ctx.reject(code, message, path === undefined ? undefined : this.path(path), hint);
    this.root.failed = true;
    return undefined;
  }

  /** A count at `path` inside `obj`; absent/null -> undefined (or a reject when required). */
  count(obj: unknown, path: string, opts: CountOptions = {}): number | undefined {
    return this.countValue(pick(obj, path), path, opts);
  }

  countValue(v: unknown, path: string, opts: CountOptions = {}): number | undefined {
    if (v === undefined || v === null) {
      if (opts.required) return this.fail('missing-field', `${this.path(path)} is required`, path);
      return undefined;
    }
    let n: number | undefined;
    if (typeof v === 'number') n = v;
    else if (typeof v === 'string' && opts.allowString && /^-?\d+$/.test(v.trim())) n = Number(v.trim());
    if (n === undefined || !Number.isFinite(n)) {
      return this.fail(
        'invalid-type',
        `${this.path(path)} must be a non-negative integer (got ${show(v)})`,
        path,
        opts.hint ?? 'token counts are JSON integers in this format',
      );
    }
    if (n < 0)
      return this.fail(
        'negative-count',
        `${this.path(path)} must be a non-negative integer (got ${show(v)})`,
        path,
        opts.hint ?? 'token counts are whole numbers ≥ 0',
      );
    if (!Number.isSafeInteger(n)) {
      return this.fail('invalid-count', `${this.path(path)} must be a non-negative integer (got ${show(v)})`, path, opts.hint);
    }
    return n;
  }

  /** Optional string; wrong type -> reject. */
  string(obj: unknown, path: string, required = false): string | undefined {
    const v = pick(obj, path);
    if (v === undefined || v === null || v === '') {
      if (required) return this.fail('missing-field', `${this.path(path)} is required`, path);
      return undefined;
    }
    if (typeof v !== 'string') return this.fail('invalid-type', `${this.path(path)} must be a string (got ${show(v)})`, path);
    return v;
  }

  /**
   * The model id. A missing or empty id is not an error: the record is counted under NO_MODEL
   * ("(no model)"), unpriced, so its tokens never vanish; a non-string id is rejected.
   */
  model(v: unknown, path: string): string | undefined {
    if (typeof v === 'string' && v.trim() !== '') return v;
    if (v !== undefined && v !== null && typeof v !== 'string') {
      return this.fail('invalid-type', `${this.path(path)} must be a string (got ${show(v)})`, path);
    }
    return NO_MODEL;
  }

  /** A timestamp; an unparseable value rejects the record (pricing is effective-dated). */
  time(v: unknown, path: string, unit: TimeUnit = 'auto'): Time | undefined {
    if (v === undefined || v === null || v === '') return undefined;
    const t = parseTime(v, unit);
    if (!t) return this.fail('invalid-timestamp', `${this.path(path)} is not a valid timestamp (got ${show(v)})`, path);
    return t;
  }
}

export function show(v: unknown): string {
  if (typeof v === 'string') return JSON.stringify(v.length > 40 ? v.slice(0, 40) + '…' : v);
  if (v === undefined) return 'nothing';
  const s = JSON.stringify(v);
  return s.length > 40 ? s.slice(0, 40) + '…' : s;
}

/** Disjoint buckets, before they become a record. */
export interface Buckets {
  input: number;
  cacheRead: number;
  write5m: number;
  write1h: number;
  output: number;
  reasoning: number;
}

export function zeroBuckets(): Buckets {
  return { input: 0, cacheRead: 0, write5m: 0, write1h: 0, output: 0, reasoning: 0 };
}

export function bucketSum(b: Buckets | UsageRecord): number {
  if ('inputTokens' in b) {
    return b.inputTokens + b.cacheReadTokens + b.cacheWrite5mTokens + b.cacheWrite1hTokens + b.outputTokens;
  }
  return b.input + b.cacheRead + b.write5m + b.write1h + b.output;
}

/**
 * Inclusive prompt total -> uncached input. Rejects when the parts exceed the whole.
 * `what` names the fields for the message, e.g. 'usage.prompt_tokens'.
 */
export function uncachedFromInclusive(rd: FieldReader, total: number, parts: number, what: string, partsWhat: string): number | undefined {
  if (parts > total) {
    return rd.fail(
      'inconsistent-counts',
      `${partsWhat} (${parts}) exceeds ${what} (${total})`,
      what,
      `${partsWhat} is part of ${what} in this format; a larger value usually means a proxy wrote exclusive (Anthropic-style) counts`,
    );
  }
  return total - parts;
}

export function checkReasoning(rd: FieldReader, reasoning: number, output: number, path: string): boolean {
  if (reasoning > output) {
    rd.fail(
      'inconsistent-counts',
      `reasoning tokens (${reasoning}) exceed output tokens (${output})`,
      path,
      'reasoning is a subset of output in this format; fix the line or drop the reasoning field',
    );
    return false;
  }
  return true;
}

export interface RecordBase {
  id?: string;
  model: string;
  provider?: string;
  time?: Time;
  requests?: number;
  serviceTier?: ServiceTier;
}

/** Builds the record; id falls back to `${file}:${line}`. */
export function makeRecord(ctx: IngestContext, base: RecordBase, b: Buckets): UsageRecord {
  const r = emptyUsage(base.model, base.id ?? `${ctx.file}:${ctx.line}`, ctx.file, ctx.line);
  if (base.time) {
    r.timestamp = base.time.timestamp;
    r.timeMs = base.time.timeMs;
  }
  if (base.provider) r.provider = base.provider;
  if (base.requests !== undefined) r.requests = base.requests;
  if (base.serviceTier) r.serviceTier = base.serviceTier;
  setBuckets(r, b);
  return r;
}

/** Copies disjoint buckets onto a record (shared by the adapters and the generic/LiteLLM formats). */
export function setBuckets(r: UsageRecord, b: Buckets): void {
  r.inputTokens = b.input;
  r.cacheReadTokens = b.cacheRead;
  r.cacheWrite5mTokens = b.write5m;
  r.cacheWrite1hTokens = b.write1h;
  r.outputTokens = b.output;
  r.reasoningTokens = b.reasoning;
}

/** OpenAI `service_tier` (also used by OpenAI-compatible logs). */
export function openaiTier(v: unknown): ServiceTier | undefined {
  if (v === undefined) return undefined;
  if (v === 'flex') return 'flex';
  if (v === 'priority' || v === 'fast') return 'priority';
  if (v === 'batch') return 'batch';
  return 'standard'; // default, auto, scale, null, unknown values
}

/** Anthropic `service_tier`. */
export function anthropicTier(v: unknown): ServiceTier | undefined {
  if (v === 'batch') return 'batch';
  if (v === 'priority') return 'priority';
  if (typeof v === 'string') return 'standard';
  return undefined;
}

/** Provider of an OpenAI-compatible response, from the model id; 'openai' when unknown. */
const PROVIDER_BY_MODEL = new Map<string, string | null>();

/** Provider inferred from a model id (memoised per id; `fallback` when nothing matches). */
export function providerFromModel(model: string, fallback = 'openai'): string {
  let known = PROVIDER_BY_MODEL.get(model);
  if (known === undefined) {
    known = inferProvider(model);
    if (PROVIDER_BY_MODEL.size < 10_000) PROVIDER_BY_MODEL.set(model, known);
  }
  return known ?? fallback;
}

function inferProvider(model: string): string | null {
  const m = model.toLowerCase().replace(/^[a-z-]+\//, '');
  if (m.startsWith('claude')) return 'anthropic';
  if (m.startsWith('gemini') || m.startsWith('gemma')) return 'google';
  if (m.startsWith('deepseek')) return 'deepseek';
  if (m.startsWith('grok')) return 'xai';
  if (/^(mistral|mixtral|codestral|ministral|magistral|devstral|pixtral)/.test(m)) return 'mistral';
  if (/^(gpt-|chatgpt-|o[1-9](-|$)|text-embedding-|davinci|babbage|codex-|computer-use-)/.test(m)) return 'openai';
  return null;
}

/**
 * Results of every bucket of a usage-API page (`data: [{..., results: [...]}]`), each result
 * carrying its bucket's time bounds under `_bucket` (OpenAI organization usage, Anthropic usage report).
 */
export function bucketResults(data: readonly unknown[], bounds: (bucket: Obj) => Obj): unknown[] {
  const out: unknown[] = [];
  for (const bucket of data) {
    if (!isObj(bucket) || !Array.isArray(bucket.results)) continue;
    const _bucket = bounds(bucket);
    for (const r of bucket.results) out.push(isObj(r) ? { ...r, _bucket } : r);
  }
  return out;
}

/**
 * `convert` of a usage-API adapter: a whole page is unwrapped into its results (each converted with
 * a `#n` id suffix), a single result is converted as it is.
 */
export function convertPageOrResult(
  value: unknown,
  ctx: IngestContext,
  unwrap: (doc: unknown) => unknown[] | undefined,
  convertResult: (result: Obj, ctx: IngestContext, idSuffix: string) => void,
): void {
  const results = unwrap(value);
  if (results) {
    if (results.length === 0) return ctx.skip('empty-page');
    results.forEach((r, i) =>
      isObj(r) ? convertResult(r, ctx, `#${i + 1}`) : ctx.reject('invalid-type', 'usage result must be an object'),
    );
    return;
  }
  if (!isObj(value)) return ctx.reject('invalid-type', 'expected a JSON object');
  convertResult(value, ctx, '');
}
