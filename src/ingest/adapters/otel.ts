/**
 * OpenTelemetry GenAI spans (LOG-FORMATS §7) in OTLP/JSON: `{resourceSpans:[{resource, scopeSpans:[{spans}]}]}`
 * (a whole file, or one export request per line as the collector's file exporter writes), and bare
 * span objects whose `attributes` are a KeyValue list or a plain map.
 *
 * Counted: inference spans (operation chat / text_completion / generate_content, or no operation but
 * a model and usage attributes) and `embeddings` spans (input only, tag operation=embeddings).
 * Skipped: invoke_agent / invoke_workflow / create_agent → `aggregate-span` (they sum their children);
 * execute_tool, retrieval, other operations, spans without gen_ai attributes → `non-llm-span`.
 * input_tokens is INCLUSIVE of cache_read/cache_creation (current convention). Legacy Anthropic
 * instrumentations exported the exclusive value: when cache_read + cache_creation > input_tokens the
 * input cannot be inclusive, so it is taken as already uncached. (An exclusive value that happens
 * to exceed the cache counts is indistinguishable and is treated as inclusive.)
 * Errors (error.type or status code 2): counted when they report usage > 0 (tag outcome=failure),
 * else skipped `failed-request`.
 */
import type { IngestContext, JsonAdapter } from '../types.js';
import { applyAttributionConfig } from './pair.js';
import { FieldReader, isObj, makeRecord, scalarString, type Obj } from './util.js';

type Attrs = Map<string, unknown>;

function attrValue(v: unknown): unknown {
  if (!isObj(v)) return v;
  if ('stringValue' in v) return v.stringValue;
  if ('intValue' in v) return v.intValue;
  if ('doubleValue' in v) return v.doubleValue;
  if ('boolValue' in v) return v.boolValue;
  if ('arrayValue' in v) return isObj(v.arrayValue) && Array.isArray(v.arrayValue.values) ? v.arrayValue.values.map(attrValue) : [];
  return undefined;
}

export function attrs(list: unknown): Attrs {
  const m: Attrs = new Map();
  if (Array.isArray(list)) {
    for (const kv of list) if (isObj(kv) && typeof kv.key === 'string') m.set(kv.key, attrValue(kv.value));
  } else if (isObj(list)) {
    for (const [k, v] of Object.entries(list)) m.set(k, v);
  }
  return m;
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
    const scopes = Array.isArray(rs.scopeSpans) ? rs.scopeSpans : Array.isArray(rs.instrumentationLibrarySpans) ? rs.instrumentationLibrarySpans : [];
    scopes.forEach((ss, j) => {
      if (!isObj(ss) || !Array.isArray(ss.spans)) return;
      ss.spans.forEach((span, k) => {
        if (isObj(span)) out.push({ _otelSpan: span, _resource: resource, _path: `resourceSpans[${i}].scopeSpans[${j}].spans[${k}]` });
      });
    });
  });
  return out;
}

const INFERENCE = new Set(['chat', 'text_completion', 'generate_content']);
const AGGREGATE = new Set(['invoke_agent', 'invoke_workflow', 'create_agent']);
const PROVIDERS: Record<string, string> = {
  'gcp.gemini': 'google', 'gcp.vertex_ai': 'google', 'gcp.gen_ai': 'google', vertex_ai: 'google', gemini: 'google',
  'aws.bedrock': 'bedrock', 'azure.ai.openai': 'azure', 'az.ai.openai': 'azure', 'azure.ai.inference': 'azure',
  mistral_ai: 'mistral', x_ai: 'xai', 'ibm.watsonx.ai': 'ibm',
};

/** Why a span is not counted, or undefined when it is an inference/embeddings span. */
function classify(a: Attrs): string | undefined {
  const op = a.get('gen_ai.operation.name');
  if (typeof op === 'string' && AGGREGATE.has(op)) return 'aggregate-span';
  if (typeof op === 'string' && !INFERENCE.has(op) && op !== 'embeddings') return 'non-llm-span';
  const hasUsage = [...a.keys()].some((k) => k.startsWith('gen_ai.usage.'));
  if (op === undefined) {
    const model = a.get('gen_ai.response.model') ?? a.get('gen_ai.request.model');
    if (!hasUsage || model === undefined) return [...a.keys()].some((k) => k.startsWith('gen_ai.')) && model !== undefined ? 'no-usage' : 'non-llm-span';
  }
  return hasUsage ? undefined : 'no-usage';
}

function countAttr(rd: FieldReader, a: Attrs, ...keys: string[]): number | undefined {
  for (const k of keys) {
    if (a.get(k) !== undefined) return rd.countValue(a.get(k), `attributes.${k}`, { allowString: true });
  }
  return undefined;
}

function failed(span: Obj, a: Attrs): boolean {
  const code = isObj(span.status) ? span.status.code : undefined;
  return a.get('error.type') !== undefined || code === 2 || code === 'STATUS_CODE_ERROR';
}

function convertSpan(span: Obj, resource: Record<string, unknown>, path: string, ctx: IngestContext): void {
  const a = attrs(span.attributes);
  const why = classify(a);
  if (why) return ctx.skip(why === 'no-usage' && failed(span, a) ? 'failed-request' : why);
  const rd = new FieldReader(ctx, path);
  const input = countAttr(rd, a, 'gen_ai.usage.input_tokens', 'gen_ai.usage.prompt_tokens') ?? 0;
  const output = countAttr(rd, a, 'gen_ai.usage.output_tokens', 'gen_ai.usage.completion_tokens') ?? 0;
  const read = countAttr(rd, a, 'gen_ai.usage.cache_read.input_tokens', 'gen_ai.usage.cache_read_input_tokens') ?? 0;
  const write = countAttr(rd, a, 'gen_ai.usage.cache_creation.input_tokens', 'gen_ai.usage.cache_creation_input_tokens') ?? 0;
  const reasoning = countAttr(rd, a, 'gen_ai.usage.reasoning.output_tokens') ?? 0;
  const time = rd.time(span.startTimeUnixNano, 'startTimeUnixNano', 'ns');
  if (rd.failed) return;
  const isFailed = failed(span, a);
  if (isFailed && input + output + read + write === 0) return ctx.skip('failed-request');
  if (reasoning > output) {
    return void rd.fail('inconsistent-counts', `reasoning tokens (${reasoning}) exceed output tokens (${output})`,
      'attributes.gen_ai.usage.reasoning.output_tokens', 'gen_ai.usage.reasoning.output_tokens is part of gen_ai.usage.output_tokens');
  }
  const model = rd.model(a.get('gen_ai.response.model') ?? a.get('gen_ai.request.model'), 'attributes.gen_ai.response.model');
  if (model === undefined) return;
  const uncached = read + write > input ? input : input - read - write;
  const embeddings = a.get('gen_ai.operation.name') === 'embeddings';
  const rawProvider = scalarString(a.get('gen_ai.provider.name')) ?? scalarString(a.get('gen_ai.system'));
  const id = scalarString(a.get('gen_ai.response.id')) ?? scalarString(span.spanId);
  const rec = makeRecord(ctx, { id, model, provider: rawProvider && (PROVIDERS[rawProvider] ?? rawProvider), time },
    { input: uncached, cacheRead: read, write5m: write, write1h: 0, output: embeddings ? 0 : output, reasoning: embeddings ? 0 : reasoning });
  const conv = scalarString(a.get('gen_ai.conversation.id'));
  if (conv) rec.conversationId = conv;
  const tags: [string, unknown][] = [
    ['service', resource['service.name']], ['user', a.get('user.id') ?? a.get('enduser.id')],
    ['agent', a.get('gen_ai.agent.name')], ['trace', span.traceId],
  ];
  for (const [tag, v] of tags) if (scalarString(v)) rec.tags[tag] = scalarString(v) as string;
  if (embeddings) rec.tags.operation = 'embeddings';
  if (isFailed) rec.tags.outcome = 'failure';
  const tier = a.get('openai.response.service_tier') ?? a.get('gen_ai.openai.response.service_tier');
  if (tier === 'flex' || tier === 'priority') rec.serviceTier = tier;
  applyAttributionConfig(rec, Object.fromEntries(a), undefined, ctx);
  ctx.emit(rec);
}

function isFlat(v: unknown): v is FlatSpan {
  return isObj(v) && isObj(v._otelSpan);
}

function isBareSpan(v: unknown): v is Obj {
  return isObj(v) && 'spanId' in v && 'attributes' in v && [...attrs(v.attributes).keys()].some((k) => k.startsWith('gen_ai.'));
}

export const otelAdapter: JsonAdapter = {
  name: 'otel',
  description: 'OpenTelemetry GenAI spans in OTLP/JSON (files or one export request per line); inference and embeddings spans',
  detect(value) {
    if (isObj(value) && Array.isArray(value.resourceSpans)) return 95;
    if (isFlat(value)) return 95;
    return isBareSpan(value) ? 75 : 0;
  },
  unwrap: unwrapRequest,
  convert(value, ctx) {
    const spans = unwrapRequest(value);
    if (spans) {
      if (spans.length === 0) return ctx.skip('empty-page');
      for (const s of spans as FlatSpan[]) convertSpan(s._otelSpan, s._resource, s._path, ctx);
      return;
    }
    if (isFlat(value)) return convertSpan(value._otelSpan, value._resource ?? {}, value._path ?? '', ctx);
    if (isObj(value) && 'attributes' in value) return convertSpan(value, {}, '', ctx);
    ctx.reject('unrecognized-value', 'not an OTLP/JSON trace export or span', undefined,
      'expected {"resourceSpans":[…]} or a span with attributes');
  },
};
