/**
 * OpenTelemetry LLM spans (docs/log-formats.md, "OpenTelemetry") in OTLP/JSON: `{resourceSpans:[{resource,
 * scopeSpans:[{spans}]}]}` (a whole file, or one export request per line as the collector's file exporter
 * writes), and bare span objects whose `attributes` are a KeyValue list or a plain map. `intValue` may be
 * a string (the OTLP JSON mapping of int64) or a number.
 *
 * The attribute dialects (GenAI semantic conventions, OpenLLMetry, LiteLLM, OpenInference, Vercel AI SDK)
 * are read in otel-dialects.ts. A span whose direct child is also a counted LLM call is a wrapper of that
 * call (a framework span over the provider span, the AI SDK's outer span): it skips `aggregate-span`, so
 * a call is never counted twice, whatever the order of the spans in the file. Counted spans wait in a
 * bounded per-file buffer (MAX_PENDING) for a child that would make them a wrapper.
 * Errors (error.type or status code 2): counted when they report usage > 0 (tag outcome=failure),
 * else skipped `failed-request`.
 */
import type { IngestContext, JsonAdapter } from '../types.js';
import type { UsageRecord } from '../../usage/record.js';
import { MAX_PENDING, RecentKeys } from './dedupe.js';
import { isLlmSpanAttrs, readSpan, type Attrs } from './otel-dialects.js';
import { applyAttributionConfig } from './pair.js';
import { bucketSum, FieldReader, isObj, makeRecord, scalarString, type Obj } from './util.js';

function attrValue(v: unknown): unknown {
  if (!isObj(v)) return v;
  if ('stringValue' in v) return v.stringValue;
  if ('intValue' in v) return v.intValue;
  if ('doubleValue' in v) return v.doubleValue;
  if ('boolValue' in v) return v.boolValue;
  if ('arrayValue' in v) return isObj(v.arrayValue) && Array.isArray(v.arrayValue.values) ? v.arrayValue.values.map(attrValue) : [];
  return undefined;
}

/**
 * Attributes as a flat map: an OTLP KeyValue list, or a plain map whose keys are dotted names or nested
 * objects (`{llm: {token_count: {prompt: 10}}}`, as span stores such as Phoenix keep them).
 */
export function attrs(list: unknown): Attrs {
  const m: Attrs = new Map();
  if (Array.isArray(list)) {
    for (const kv of list) if (isObj(kv) && typeof kv.key === 'string') m.set(kv.key, attrValue(kv.value));
  } else if (isObj(list)) {
    flatten(m, '', list, 0);
  }
  return m;
}

function flatten(m: Attrs, prefix: string, obj: Obj, depth: number): void {
  for (const [k, v] of Object.entries(obj)) {
    const key = prefix ? `${prefix}.${k}` : k;
    if (isObj(v) && depth < 8) flatten(m, key, v, depth + 1);
    else m.set(key, v);
  }
}

/** Ids, time and status of a span in OTLP/JSON or in a span store's shape (`context.span_id`, `parent_id`, `start_time`). */
function spanIds(span: Obj): { spanId?: string; parentId?: string; traceId?: string } {
  const c = isObj(span.context) ? span.context : {};
  return {
    spanId: scalarString(span.spanId) ?? scalarString(c.span_id) ?? scalarString(span.span_id),
    parentId: scalarString(span.parentSpanId) ?? scalarString(span.parent_id) ?? scalarString(span.parent_span_id),
    traceId: scalarString(span.traceId) ?? scalarString(c.trace_id) ?? scalarString(span.trace_id),
  };
}

/** Span attributes, with a span store's top-level `span_kind` as the OpenInference kind when the attributes lack one. */
function spanAttrs(span: Obj): Attrs {
  const a = attrs(span.attributes);
  if (typeof span.span_kind === 'string' && !a.has('openinference.span.kind')) a.set('openinference.span.kind', span.span_kind);
  return a;
}

interface FlatSpan {
  _otelSpan: Obj;
  _resource: Record<string, unknown>;
  _path: string;
}

function unwrapRequest(doc: unknown): unknown[] | undefined {
  if (!isObj(doc) || !Array.isArray(doc.resourceSpans)) return undefined;
  const out: FlatSpan[] = [];
  doc.resourceSpans.forEach((rs, i) => {
    if (!isObj(rs)) return;
    const resource = Object.fromEntries(attrs(isObj(rs.resource) ? rs.resource.attributes : undefined));
    const scopes = Array.isArray(rs.scopeSpans)
      ? rs.scopeSpans
      : Array.isArray(rs.instrumentationLibrarySpans)
        ? rs.instrumentationLibrarySpans
        : [];
    scopes.forEach((ss, j) => {
      if (!isObj(ss) || !Array.isArray(ss.spans)) return;
      ss.spans.forEach((span, k) => {
        if (isObj(span)) out.push({ _otelSpan: span, _resource: resource, _path: `resourceSpans[${i}].scopeSpans[${j}].spans[${k}]` });
      });
    });
  });
  return out;
}

const PROVIDERS = new Map<string, string>(
  Object.entries({
    'gcp.gemini': 'google',
    'gcp.vertex_ai': 'google',
    'gcp.gen_ai': 'google',
    vertex_ai: 'google',
    gemini: 'google',
    google: 'google',
    'aws.bedrock': 'bedrock',
    'amazon-bedrock': 'bedrock',
    'azure.ai.openai': 'azure',
    'az.ai.openai': 'azure',
    'azure.ai.inference': 'azure',
    mistral_ai: 'mistral',
    mistralai: 'mistral',
    x_ai: 'xai',
    'ibm.watsonx.ai': 'ibm',
  }),
);

function failed(span: Obj, a: Attrs): boolean {
  const code = isObj(span.status) ? span.status.code : span.status_code;
  return a.get('error.type') !== undefined || code === 2 || code === 'STATUS_CODE_ERROR' || code === 'ERROR';
}

function convertSpan(span: Obj, resource: Record<string, unknown>, path: string, ctx: IngestContext): void {
  const a = spanAttrs(span);
  const ids = spanIds(span);
  const rd = new FieldReader(ctx, path);
  const verdict = readSpan(a, span, rd);
  if (!verdict) return;
  const isFailed = failed(span, a);
  if ('skip' in verdict) return ctx.skip(verdict.skip === 'no-usage' && isFailed ? 'failed-request' : verdict.skip);
  const { b, embeddings } = verdict.usage;
  const time =
    span.startTimeUnixNano !== undefined || span.start_time === undefined
      ? rd.time(span.startTimeUnixNano, 'startTimeUnixNano', 'ns')
      : rd.time(span.start_time, 'start_time');
  if (rd.failed) return;
  if (isFailed && bucketSum(b) === 0) return ctx.skip('failed-request');
  const model = rd.model(verdict.usage.model, verdict.usage.modelPath);
  if (model === undefined) return;
  const rawProvider = scalarString(verdict.usage.provider);
  const id = scalarString(verdict.usage.id) ?? ids.spanId;
  const rec = makeRecord(ctx, { id, model, provider: rawProvider && (PROVIDERS.get(rawProvider) ?? rawProvider), time }, b);
  const conv = scalarString(a.get('gen_ai.conversation.id')) ?? scalarString(a.get('session.id'));
  if (conv) rec.conversationId = conv;
  const tags: [string, unknown][] = [
    ['service', resource['service.name']],
    ['user', a.get('user.id') ?? a.get('enduser.id')],
    ['agent', a.get('gen_ai.agent.name')],
    ['trace', ids.traceId],
  ];
  for (const [tag, v] of tags) if (scalarString(v)) rec.tags[tag] = scalarString(v) as string;
  if (embeddings) rec.tags.operation = 'embeddings';
  if (isFailed) rec.tags.outcome = 'failure';
  const tier = a.get('openai.response.service_tier') ?? a.get('gen_ai.openai.response.service_tier');
  if (tier === 'flex' || tier === 'priority') rec.serviceTier = tier;
  applyAttributionConfig(rec, Object.fromEntries(a), undefined, ctx);
  keep(rec, ids.spanId, ids.parentId, ctx);
}

/**
 * Per-file state of the wrapper rule: counted spans not yet emitted, and the parents of counted spans
 * (a Map and RecentKeys in fileState).
 */
const PENDING = 'otel:pending';
const PARENTS = 'otel:parents';

/**
 * A counted span waits until the end of the file (or until the buffer is full): a counted child
 * arriving later turns it into a wrapper. A span seen as the parent of a counted span is a wrapper at once.
 */
function keep(rec: UsageRecord, spanId: string | undefined, parentId: string | undefined, ctx: IngestContext): void {
  let pending = ctx.fileState.get(PENDING) as Map<string, UsageRecord> | undefined;
  if (!pending) ctx.fileState.set(PENDING, (pending = new Map()));
  let parents = ctx.fileState.get(PARENTS) as RecentKeys | undefined;
  if (!parents) ctx.fileState.set(PARENTS, (parents = new RecentKeys()));
  if (parentId) {
    if (pending.delete(parentId)) ctx.skip('aggregate-span');
    parents.add(parentId, ctx.line);
  }
  if (spanId && parents.mayContain(spanId)) return ctx.skip('aggregate-span');
  if (!spanId) return ctx.emit(rec);
  // the same span exported twice: one call, counted once (never overwritten without a word)
  if (pending.has(spanId)) return ctx.skip('duplicate');
  pending.set(spanId, rec);
  if (pending.size > MAX_PENDING) {
    const [oldest, r] = pending.entries().next().value as [string, UsageRecord];
    pending.delete(oldest);
    ctx.emit(r);
  }
}

function isFlat(v: unknown): v is FlatSpan {
  return isObj(v) && isObj(v._otelSpan);
}

function isBareSpan(v: unknown): v is Obj {
  if (!isObj(v) || !('attributes' in v) || !('spanId' in v || isObj(v.context) || 'span_id' in v)) return false;
  return typeof v.span_kind === 'string' || isLlmSpanAttrs(attrs(v.attributes));
}

/** A span store's page or list of spans (`{data: [spans]}`, `[spans]`). */
function unwrapSpans(doc: unknown): unknown[] | undefined {
  const list = isObj(doc) && Array.isArray(doc.data) ? doc.data : undefined;
  return list && list.length > 0 && list.every(isBareSpan) ? list : undefined;
}

export const otelAdapter: JsonAdapter = {
  name: 'otel',
  description:
    'OpenTelemetry LLM spans in OTLP/JSON (GenAI conventions, OpenLLMetry, LiteLLM, OpenInference, Vercel AI SDK); calls and embeddings',
  detect(value) {
    if (isObj(value) && Array.isArray(value.resourceSpans)) return 95;
    if (isFlat(value)) return 95;
    if (unwrapSpans(value)) return 90;
    return isBareSpan(value) ? 75 : 0;
  },
  unwrap: (doc) => unwrapRequest(doc) ?? unwrapSpans(doc),
  convert(value, ctx) {
    const list = unwrapSpans(value);
    if (list) {
      list.forEach((v, i) => convertSpan(v as Obj, {}, `data[${i}]`, ctx));
      return;
    }
    const spans = unwrapRequest(value);
    if (spans) {
      if (spans.length === 0) return ctx.skip('empty-page');
      for (const s of spans as FlatSpan[]) convertSpan(s._otelSpan, s._resource, s._path, ctx);
      return;
    }
    if (isFlat(value)) return convertSpan(value._otelSpan, value._resource ?? {}, value._path ?? '', ctx);
    if (isObj(value) && 'attributes' in value) return convertSpan(value, {}, '', ctx);
    ctx.reject(
      'unrecognized-value',
      'not an OTLP/JSON trace export or span',
      undefined,
      'expected {"resourceSpans":[…]} or a span with attributes',
    );
  },
  endFile(ctx) {
    const pending = ctx.fileState.get(PENDING) as Map<string, UsageRecord> | undefined;
    if (pending) for (const r of pending.values()) ctx.emit(r);
    ctx.fileState.delete(PENDING);
    ctx.fileState.delete(PARENTS);
  },
};
