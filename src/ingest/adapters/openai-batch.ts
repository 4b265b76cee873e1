/**
 * OpenAI Batch API files (docs/log-formats.md, "OpenAI Batch API"): output/error lines
 * `{id:"batch_req_…", custom_id, response:{status_code, body}|null, error}` and input lines
 * `{custom_id, method, url, body}`. Bodies are priced as batch (nothing in the body says so).
 *
 * Join: input and output files may come in any order, so output records wait in `runState` until
 * `endRun`, where they pick up the request's metadata/user (and text with keepText) by custom_id.
 * Memory: one small UsageRecord per successful output line (+ its completion text with keepText)
 * and, per input line, only its metadata/user (+ its prompt fields with keepText) — never the full
 * bodies. A 50,000-request batch costs roughly 25-50 MB without text.
 */
import type { IngestContext, JsonAdapter } from '../types.js';
import type { UsageRecord } from '../../usage/record.js';
import { convertOpenAIBody, finishOpenAI } from './openai.js';
import { openaiCompletionText } from './text.js';
import { FieldReader, isObj, type Obj } from './util.js';

interface Pending {
  rec: UsageRecord;
  customId?: string;
  completion?: string;
}

const INPUTS = 'openai-batch:inputs';
const PENDING = 'openai-batch:pending';
const SEEN = 'openai-batch:seen';
const TEXT_KEYS = ['messages', 'input', 'instructions', 'prompt'];

function state<T>(ctx: IngestContext, key: string, make: () => T): T {
  let v = ctx.runState.get(key) as T | undefined;
  if (v === undefined) {
    v = make();
    ctx.runState.set(key, v);
  }
  return v;
}

/** Keeps only what the join needs from a request body. */
function reduceRequest(body: Obj, keepText: boolean): Obj | undefined {
  const out: Obj = {};
  for (const k of ['metadata', 'user', 'safety_identifier', 'model']) if (body[k] !== undefined) out[k] = body[k];
  if (keepText) for (const k of TEXT_KEYS) if (body[k] !== undefined) out[k] = body[k];
  return Object.keys(out).length > 0 ? out : undefined;
}

function convertInput(value: Obj, ctx: IngestContext): void {
  if (typeof value.custom_id !== 'string') return ctx.reject('missing-field', 'custom_id must be a string', 'custom_id');
  if (isObj(value.body)) {
    const reduced = reduceRequest(value.body, ctx.options.keepText);
    if (reduced) state(ctx, INPUTS, () => new Map<string, Obj>()).set(value.custom_id, reduced);
  }
  ctx.skip('batch-input-line');
}

function failureReason(value: Obj): string | undefined {
  const res = value.response;
  const code = isObj(value.error) ? value.error.code : undefined;
  if (res === null || res === undefined)
    return code === 'batch_expired' ? 'expired' : code === 'batch_cancelled' ? 'canceled' : 'failed-request';
  if (!isObj(res)) return undefined;
  if (typeof res.status_code === 'number' && res.status_code >= 400) return 'failed-request';
  if (isObj(res.body) && isObj(res.body.error)) return 'failed-request';
  return undefined;
}

function convertOutput(value: Obj, ctx: IngestContext): void {
  const reason = failureReason(value);
  if (reason) return ctx.skip(reason);
  const rd = new FieldReader(ctx, 'response.body');
  const body = pickBody(value, rd);
  if (!body) return;
  if (typeof value.id === 'string' && state(ctx, SEEN, () => new Set<string>()).has(value.id)) return ctx.skip('duplicate');
  const out = convertOpenAIBody(body, ctx, rd);
  if (!out) return;
  if ('skip' in out) return ctx.skip(out.skip);
  if (typeof value.id === 'string') state(ctx, SEEN, () => new Set<string>()).add(value.id);
  out.rec.serviceTier = 'batch';
  if (out.rec.id === `${ctx.file}:${ctx.line}` && typeof value.id === 'string') out.rec.id = value.id;
  const customId = typeof value.custom_id === 'string' ? value.custom_id : undefined;
  if (customId) out.rec.tags.custom_id = customId;
  const completion = ctx.options.keepText ? openaiCompletionText(out.body) : undefined;
  state(ctx, PENDING, () => [] as Pending[]).push({ rec: out.rec, customId, completion });
}

function pickBody(value: Obj, rd: FieldReader): Obj | undefined {
  const res = value.response as Obj;
  if (!isObj(res.body)) return void rd.fail('missing-field', 'response.body must be an object', undefined);
  return res.body;
}

export const openaiBatchAdapter: JsonAdapter = {
  name: 'openai-batch',
  description: 'OpenAI Batch API output/error files (priced as batch), joined to batch input files by custom_id',
  detect(value) {
    if (!isObj(value) || typeof value.custom_id !== 'string') return 0;
    if ('response' in value && ((typeof value.id === 'string' && value.id.startsWith('batch_req')) || 'error' in value)) return 95;
    if (typeof value.url === 'string' && value.url.startsWith('/v1/') && 'method' in value) return 90;
    return 0;
  },
  convert(value, ctx) {
    if (!isObj(value)) return ctx.reject('invalid-type', 'expected a JSON object');
    if ('response' in value) return convertOutput(value, ctx);
    if ('body' in value && 'url' in value) return convertInput(value, ctx);
    ctx.reject(
      'unrecognized-value',
      'not an OpenAI batch input or output line',
      undefined,
      'batch output lines have custom_id + response; input lines have custom_id + method + url + body',
    );
  },
  endRun(ctx) {
    const pending = (ctx.runState.get(PENDING) as Pending[] | undefined) ?? [];
    const inputs = (ctx.runState.get(INPUTS) as Map<string, Obj> | undefined) ?? new Map<string, Obj>();
    for (const p of pending) {
      const request = p.customId ? inputs.get(p.customId) : undefined;
      if (finishOpenAI(p.rec, p.completion, { response: {}, request, wrapper: undefined }, ctx)) ctx.emit(p.rec);
    }
    for (const k of [PENDING, INPUTS, SEEN]) ctx.runState.delete(k);
  },
};
