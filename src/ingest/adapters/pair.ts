/**
 * `{request, response}` pairs as written by logging middleware, for every provider, and the
 * attribution convention shared by all adapters:
 *   request.metadata / wrapper.metadata keys feature, customer(_id), user(_id), outcome,
 *   prompt(_id|_name), conversation_id / session_id / thread_id, turn; request.user;
 *   plus the user's `attribution:` config (tag -> path, looked up in the line, its metadata, the request metadata).
 * Other scalar metadata values become free-form tags under their own key.
 */
import type { IngestContext } from '../types.js';
import { setTag, type UsageRecord } from '../../usage/record.js';
import { isObj, parseTime, pick, scalarString, type Obj } from './util.js';

export interface Pair {
  /** The wrapper line itself (undefined when the value is a bare response). */
  wrapper?: Obj;
  request?: Obj;
  response: Obj;
}

// detect() and convert() of one value both split it: the last split is kept (values are never mutated)
let lastValue: unknown;
let lastPair: Pair | undefined;

/** `{request, response}` or `{response, metadata...}` (no `type`: stream events wrap `response` too). */
export function splitPair(value: unknown): Pair | undefined {
  if (value === lastValue) return lastPair;
  lastPair = split(value);
  lastValue = value;
  return lastPair;
}

function split(value: unknown): Pair | undefined {
  if (!isObj(value)) return undefined;
  const res = value.response;
  const wrapperOnly = value.request === undefined && value.type === undefined;
  if (isObj(res) && (isObj(value.request) || wrapperOnly) && !('custom_id' in value) && !('key' in value)) {
    return { wrapper: value, request: isObj(value.request) ? value.request : undefined, response: res };
  }
  return { response: value };
}

/** The response half of a possible pair, for detect(). */
export function responseOf(value: unknown): Obj | undefined {
  return splitPair(value)?.response;
}

const ALIASES = new Map<string, string>([
  ['feature', 'feature'],
  ['feature_name', 'feature'],
  ['customer', 'customer'],
  ['customer_id', 'customer'],
  ['tenant', 'customer'],
  ['tenant_id', 'customer'],
  ['user', 'user'],
  ['user_id', 'user'],
  ['end_user', 'user'],
  ['outcome', 'outcome'],
  ['prompt', 'prompt'],
  ['prompt_id', 'prompt'],
  ['prompt_name', 'prompt'],
]);
const CONVERSATION = new Set(['conversation_id', 'conversationId', 'session_id', 'sessionId', 'thread_id', 'threadId']);
const TIME_KEYS = ['timestamp', 'time', 'created_at', 'createdAt', 'start_time', 'startTime', 'ts'];

/** Maps one metadata object onto the record (does not overwrite tags already set). */
export function applyMetadata(rec: UsageRecord, meta: unknown): void {
  if (!isObj(meta)) return;
  for (const key in meta) {
    if (!Object.hasOwn(meta, key)) continue;
    const v = scalarString(meta[key]);
    if (v === undefined) continue;
    if (CONVERSATION.has(key)) {
      rec.conversationId ??= v;
    } else if (key === 'turn') {
      const n = Number(v);
      if (Number.isInteger(n) && n > 0) rec.turn ??= n;
    } else {
      const tag = ALIASES.get(key) ?? key;
      if (!Object.hasOwn(rec.tags, tag)) setTag(rec.tags, tag, v);
    }
  }
}

/** Wrapper + request attribution, configured attribution paths, and the wrapper timestamp as fallback. */
export function applyPair(rec: UsageRecord, pair: Pair, ctx: IngestContext): void {
  const { wrapper, request } = pair;
  applyAttributionConfig(rec, wrapper ?? pair.response, request, ctx);
  if (wrapper) applyMetadata(rec, wrapper.metadata);
  if (request) {
    applyMetadata(rec, request.metadata);
    const user = scalarString(request.user) ?? scalarString(request.safety_identifier);
    if (user !== undefined) rec.tags.user ??= user;
    const conv = request.conversation ?? request.previous_response_id;
    if (typeof conv === 'string' && conv) rec.conversationId ??= conv;
    else if (isObj(conv) && typeof conv.id === 'string') rec.conversationId ??= conv.id;
  }
  if (wrapper && rec.timestamp === undefined) {
    for (const k of TIME_KEYS) {
      const t = parseTime(wrapper[k]);
      if (t) {
        rec.timestamp = t.timestamp;
        rec.timeMs = t.timeMs;
        break;
      }
    }
  }
}

/** `attribution:` config: tag -> path looked up in the line, then its `metadata`, then the request's `metadata`. */
export function applyAttributionConfig(rec: UsageRecord, line: unknown, request: Obj | undefined, ctx: IngestContext): void {
  const map = ctx.options.attribution;
  if (!map) return;
  const roots = [line, isObj(line) ? line.metadata : undefined, request?.metadata];
  for (const [tag, path] of Object.entries(map)) {
    let v: string | undefined;
    for (const root of roots) if (v === undefined) v = scalarString(pick(root, path));
    if (v === undefined) continue;
    if (tag === 'conversation' || tag === 'conversationId') rec.conversationId = v;
    else setTag(rec.tags, tag, v);
  }
}
