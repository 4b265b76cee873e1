/**
 * Anthropic Messages (docs/log-formats.md, "Anthropic"): `Message` bodies (bare or in `{request, response}`
 * pairs), streaming events (`message_start` + cumulative `message_delta`), `{"type":"error"}` bodies
 * and Message Batches result lines `{custom_id, result:{type, message}}`.
 *
 * input_tokens EXCLUDES cache; cache writes split 5m/1h (`cache_creation`), legacy usage without
 * the split counts all writes as 5m; thinking_tokens ⊂ output. Records are keyed by message id per
 * file. A complete message (a `message` body or batch result) is emitted at once; a later copy of
 * it is a duplicate. A stream waits in a bounded buffer until its `message_stop` (or the buffer is
 * full, or the file ends) and keeps the numbers of its last message_delta (deltas are cumulative),
 * falling back to message_start; a complete copy of a buffered stream replaces it when larger.
 */
import type { IngestContext, JsonAdapter } from '../types.js';
import type { UsageRecord } from '../../usage/record.js';
import { applyPair, responseOf, splitPair, type Pair } from './pair.js';
import { RecentKeys, MAX_PENDING } from './dedupe.js';
import { anthropicCompletionText, anthropicRequestText, attachText } from './text.js';
import { ANTHROPIC_CHARGE_FIELDS, readCharges } from './charges.js';
import { anthropicTier, bucketSum, checkReasoning, FieldReader, isObj, makeRecord, type Buckets, type Obj } from './util.js';

/** Anthropic-style usage (also Claude Code). Null is legal for the cache fields. */
export function anthropicBuckets(rd: FieldReader, usage: Obj): Buckets | undefined {
  const input = rd.count(usage, 'input_tokens', { required: true });
  const output = rd.count(usage, 'output_tokens', { required: true });
  const read = rd.count(usage, 'cache_read_input_tokens') ?? 0;
  const creation = rd.count(usage, 'cache_creation_input_tokens');
  const has5m = isObj(usage.cache_creation);
  const w5 = rd.count(usage, 'cache_creation.ephemeral_5m_input_tokens') ?? 0;
  const w1 = rd.count(usage, 'cache_creation.ephemeral_1h_input_tokens') ?? 0;
  const thinking = rd.count(usage, 'output_tokens_details.thinking_tokens') ?? 0;
  if (rd.failed || input === undefined || output === undefined) return undefined;
  if (!checkReasoning(rd, thinking, output, 'output_tokens_details.thinking_tokens')) return undefined;
  if (has5m && w5 + w1 > 0 && creation !== undefined && creation !== w5 + w1) {
    return rd.fail(
      'inconsistent-counts',
      `cache_creation_input_tokens (${creation}) differs from its TTL breakdown cache_creation (${w5} 5m + ${w1} 1h = ${w5 + w1})`,
      'cache_creation_input_tokens',
      'the total must equal ephemeral_5m_input_tokens + ephemeral_1h_input_tokens; fix or drop one of them',
    );
  }
  // The TTL breakdown wins; without it (legacy, or an all-zero breakdown next to a total) all writes are 5m.
  const split = has5m && (w5 + w1 > 0 || !creation);
  return {
    input,
    cacheRead: read,
    write5m: split ? w5 : (creation ?? 0),
    write1h: split ? w1 : 0,
    output,
    reasoning: thinking,
  };
}

/** service_tier, inference_geo and speed onto the record. */
export function anthropicModifiers(rec: UsageRecord, usage: Obj, msg?: Obj): void {
  const tier = anthropicTier(usage.service_tier);
  if (tier) rec.serviceTier = tier;
  const geo = usage.inference_geo;
  if (typeof geo === 'string' && geo !== '') rec.regional = geo !== 'global' && geo !== 'not_available';
  if (usage.speed === 'fast' || msg?.speed === 'fast') rec.fast = true;
}

/** The record of a Message body, `NO_USAGE` when it carries no usage (skipped), undefined when rejected. */
const NO_USAGE = 'no-usage';
function messageRecord(msg: Obj, ctx: IngestContext, rd: FieldReader): UsageRecord | typeof NO_USAGE | undefined {
  if (msg.usage === undefined || msg.usage === null) return NO_USAGE;
  const model = rd.model(msg.model, 'model');
  if (model === undefined) return undefined;
  if (!isObj(msg.usage)) return void rd.fail('invalid-type', 'usage must be an object', 'usage');
  const b = anthropicBuckets(rd.child('usage'), msg.usage);
  const charges = readCharges(rd.child('usage'), msg.usage, ANTHROPIC_CHARGE_FIELDS);
  if (!b || rd.failed) return undefined;
  const id = typeof msg.id === 'string' && msg.id ? msg.id : undefined;
  const rec = makeRecord(ctx, { id, model, provider: 'anthropic' }, b);
  if (charges) rec.charges = charges;
  anthropicModifiers(rec, msg.usage, msg);
  return rec;
}

interface Entry {
  rec: UsageRecord;
  msg: Obj;
}
const BUF = 'anthropic:messages';
const CURRENT = 'anthropic:current-stream';
const EMITTED = 'anthropic:emitted';

function buffer(ctx: IngestContext): Map<string, Entry> {
  let m = ctx.fileState.get(BUF) as Map<string, Entry> | undefined;
  if (!m) ctx.fileState.set(BUF, (m = new Map()));
  return m;
}

function emittedIds(ctx: IngestContext): RecentKeys {
  let s = ctx.fileState.get(EMITTED) as RecentKeys | undefined;
  if (!s) ctx.fileState.set(EMITTED, (s = new RecentKeys()));
  return s;
}

/** A complete message: emitted now (or the larger buffered stream copy of it), once per id. */
function emitComplete(entry: Entry, ctx: IngestContext): void {
  const id = entry.msg.id;
  if (typeof id !== 'string' || id === '') return ctx.emit(entry.rec);
  const emitted = emittedIds(ctx);
  if (emitted.has(id, ctx.line)) return ctx.skip('duplicate');
  const buf = buffer(ctx);
  const streamed = buf.get(id);
  let rec = entry.rec;
  if (streamed) {
    buf.delete(id);
    ctx.skip('duplicate');
    if (bucketSum(streamed.rec) > bucketSum(rec)) rec = streamed.rec;
  }
  emitted.add(id, ctx.line);
  ctx.emit(rec);
}

/**
 * A stream's message_start: buffered until message_stop. The buffer is bounded (see dedupe.ts):
 * past MAX_PENDING streams the oldest is emitted, so memory stays flat.
 */
function keepStream(entry: Entry, ctx: IngestContext): void {
  const id = entry.msg.id;
  if (typeof id !== 'string' || id === '') return ctx.emit(entry.rec);
  if (emittedIds(ctx).has(id, ctx.line)) return ctx.skip('duplicate');
  const buf = buffer(ctx);
  const prev = buf.get(id);
  if (prev) {
    ctx.skip('duplicate');
    if (bucketSum(prev.rec) > bucketSum(entry.rec)) return;
  }
  buf.set(id, entry);
  if (buf.size > MAX_PENDING) {
    const [oldId, oldest] = buf.entries().next().value as [string, Entry];
    if (oldId === ctx.fileState.get(CURRENT)) return;
    buf.delete(oldId);
    emittedIds(ctx).add(oldId, ctx.line);
    ctx.emit(oldest.rec);
  }
}

/** message_stop: the current stream is complete. */
function stopStream(ctx: IngestContext): void {
  const id = ctx.fileState.get(CURRENT) as string | undefined;
  ctx.fileState.delete(CURRENT);
  const buf = id === undefined ? undefined : buffer(ctx);
  const cur = buf?.get(id as string);
  if (!cur || !buf) return;
  buf.delete(id as string);
  emittedIds(ctx).add(id as string, ctx.line);
  ctx.emit(cur.rec);
}

/** Cumulative delta: fields it carries replace the start's, then the record is rebuilt. */
function applyDelta(value: Obj, ctx: IngestContext): void {
  const id = ctx.fileState.get(CURRENT) as string | undefined;
  const cur = id === undefined ? undefined : buffer(ctx).get(id);
  if (!cur) return ctx.skip('orphan-delta');
  if (!isObj(value.usage)) return ctx.skip('stream-event');
  const usage: Obj = { ...(cur.msg.usage as Obj) };
  for (const [k, v] of Object.entries(value.usage)) if (v !== null && v !== undefined) usage[k] = v;
  const msg = { ...cur.msg, usage };
  const rd = new FieldReader(ctx);
  const rec = messageRecord(msg, ctx, rd);
  if (rec === NO_USAGE) return ctx.skip(NO_USAGE);
  if (!rec) return;
  rec.source = cur.rec.source;
  rec.tags = cur.rec.tags;
  // attribution and text came with the message_start line (a {request, response} pair): keep them
  if (cur.rec.conversationId !== undefined) rec.conversationId = cur.rec.conversationId;
  if (cur.rec.turn !== undefined) rec.turn = cur.rec.turn;
  if (cur.rec.text !== undefined) rec.text = cur.rec.text;
  if (cur.rec.imageCount !== undefined) rec.imageCount = cur.rec.imageCount;
  if (cur.rec.timestamp) Object.assign(rec, { timestamp: cur.rec.timestamp, timeMs: cur.rec.timeMs });
  if (cur.rec.serviceTier === 'batch') rec.serviceTier = 'batch';
  buffer(ctx).set(id as string, { rec, msg });
  ctx.skip('stream-delta');
}

const BATCH_SKIP = new Map([
  ['errored', 'failed-request'],
  ['canceled', 'canceled'],
  ['expired', 'expired'],
]);

function convertBatchLine(value: Obj, ctx: IngestContext): void {
  const result = value.result as Obj;
  const type = result.type;
  const skip = typeof type === 'string' ? BATCH_SKIP.get(type) : undefined;
  if (skip) return ctx.skip(skip);
  if (type !== 'succeeded' || !isObj(result.message)) {
    return ctx.reject('unrecognized-value', `unknown batch result type ${JSON.stringify(type)}`, 'result.type');
  }
  const rec = messageRecord(result.message, ctx, new FieldReader(ctx, 'result.message'));
  if (rec === NO_USAGE) return ctx.skip(NO_USAGE);
  if (!rec) return;
  rec.serviceTier = 'batch';
  if (typeof value.custom_id === 'string') rec.tags.custom_id = value.custom_id;
  if (ctx.options.keepText) attachText(rec, undefined, anthropicCompletionText(result.message), true);
  emitComplete({ rec, msg: result.message }, ctx);
}

function convertBody(pair: Pair, ctx: IngestContext): void {
  const body = pair.response;
  const rd = new FieldReader(ctx, pair.wrapper ? 'response' : '');
  const isStart = body.type === 'message_start';
  const msg = isStart ? body.message : body;
  if (!isObj(msg)) return ctx.reject('missing-field', 'message_start without a message', 'message');
  const rec = messageRecord(msg, ctx, isStart ? rd.child('message') : rd);
  if (rec === NO_USAGE) return ctx.skip(NO_USAGE);
  if (!rec) return;
  const req = pair.request ? anthropicRequestText(pair.request) : undefined;
  attachText(rec, req, isStart ? undefined : anthropicCompletionText(msg), ctx.options.keepText);
  applyPair(rec, pair, ctx);
  if (!isStart) return emitComplete({ rec, msg }, ctx);
  if (typeof msg.id === 'string') ctx.fileState.set(CURRENT, msg.id);
  keepStream({ rec, msg }, ctx);
}

const STREAM_EVENTS = new Set(['content_block_start', 'content_block_delta', 'content_block_stop', 'message_stop', 'ping']);

function detectBody(r: Obj): number {
  if (r.type === 'message' && isObj(r.usage) && 'input_tokens' in r.usage) return 90;
  if (r.type === 'message_start' && isObj(r.message)) return 90;
  if (r.type === 'message_delta') return 70;
  if (r.type === 'error' && isObj(r.error)) return 60;
  if (typeof r.type === 'string' && STREAM_EVENTS.has(r.type)) return 50;
  return 0;
}

export const anthropicAdapter: JsonAdapter = {
  name: 'anthropic',
  description: 'Anthropic Messages bodies, streaming events, error bodies, {request, response} pairs and Message Batches results',
  detect(value) {
    if (isObj(value) && typeof value.custom_id === 'string' && isObj(value.result) && typeof value.result.type === 'string') return 95;
    const r = responseOf(value);
    return r ? detectBody(r) : 0;
  },
  convert(value, ctx) {
    if (!isObj(value)) return ctx.reject('invalid-type', 'expected a JSON object');
    if (typeof value.custom_id === 'string' && isObj(value.result)) return convertBatchLine(value, ctx);
    const pair = splitPair(value) as Pair;
    const type = pair.response.type;
    if (type === 'error') return ctx.skip('error-body');
    if (type === 'message_delta') return applyDelta(pair.response, ctx);
    if (type === 'message_stop') stopStream(ctx);
    if (typeof type === 'string' && STREAM_EVENTS.has(type)) return ctx.skip('stream-event');
    if (type === 'message' || type === 'message_start') return convertBody(pair, ctx);
    ctx.reject(
      'unrecognized-value',
      `not an Anthropic message (type ${JSON.stringify(type)})`,
      'type',
      'pass --input-format to force another format',
    );
  },
  endFile(ctx) {
    const buf = ctx.fileState.get(BUF) as Map<string, Entry> | undefined;
    if (buf) for (const e of buf.values()) ctx.emit(e.rec);
    ctx.fileState.delete(BUF);
    ctx.fileState.delete(CURRENT);
  },
};
