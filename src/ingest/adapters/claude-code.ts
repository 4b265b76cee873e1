/**
 * Claude Code transcripts (`~/.claude/projects/**\/*.jsonl`, docs/log-formats.md, "Claude Code").
 *
 * A line is an API response by its shape, not only by `type:"assistant"`: older Claude Code versions and
 * third-party writers leave `type` out, so a line with `message.usage` and a `requestId`, `sessionId` or
 * `message.id` counts too.
 *
 * Assistant lines carry Anthropic `message.usage` (input EXCLUDES cache; writes split 5m/1h, else
 * `cache_creation_input_tokens` as 5m). Claude Code writes one line per content block with the same
 * message.id + requestId; earlier copies may show partial output_tokens, so per file the copy with
 * the largest token sum is kept and the others skip `duplicate` (never summed). Sidechain lines
 * (`isSidechain: true`) that replay a message.id seen under another requestId skip `duplicate` too
 * (ccusage #913), whatever the line order within a file.
 *
 * Like ccusage, dedupe also spans files: sidechain replays live in `<session>/subagents/*.jsonl`
 * while the parent message is in `<session>.jsonl`, and a resumed session repeats earlier messages
 * in a new file. Each file's kept copies are checked in endFile against the message keys already
 * emitted by earlier files of the run; a copy seen before skips `duplicate` (the first file's copy
 * stays: cross-file copies carry the same usage). `<synthetic>` placeholders skip
 * `synthetic-placeholder`; user/summary/system/... lines skip `transcript-metadata`.
 * Memory: one record per distinct message of the current file (released in endFile), plus one
 * key per distinct message of the run. Text is not kept: a transcript spreads one message over several lines.
 */
import type { IngestContext, JsonAdapter } from '../types.js';
import type { UsageRecord } from '../../usage/record.js';
import { anthropicBuckets, anthropicModifiers } from './anthropic.js';
import { ANTHROPIC_CHARGE_FIELDS, readCharges } from './charges.js';
import { bucketSum, FieldReader, isObj, makeRecord, scalarString, type Obj } from './util.js';

interface Entry {
  rec: UsageRecord;
  sidechain: boolean;
  messageId: string;
  requestId: string;
}
/** Stands for "a sidechain copy was emitted" in the run-level request-id sets (not a valid request id). */
const SIDECHAIN = '\u0000sidechain';
interface FileBuf {
  byKey: Map<string, Entry>;
}

const BUF = 'claude-code:messages';

function buf(ctx: IngestContext): FileBuf {
  let b = ctx.fileState.get(BUF) as FileBuf | undefined;
  if (!b) ctx.fileState.set(BUF, (b = { byKey: new Map() }));
  return b;
}

function toRecord(value: Obj, msg: Obj, ctx: IngestContext): UsageRecord | undefined {
  const root = new FieldReader(ctx);
  const rd = root.child('message');
  const model = rd.model(msg.model, 'model');
  const b = anthropicBuckets(rd.child('usage'), msg.usage as Obj);
  const charges = readCharges(rd.child('usage'), msg.usage, ANTHROPIC_CHARGE_FIELDS);
  const time = root.time(value.timestamp, 'timestamp');
  if (root.failed || !b || model === undefined) return undefined;
  const id = scalarString(msg.id);
  const rec = makeRecord(ctx, { id, model, provider: 'anthropic', time }, b);
  if (charges) rec.charges = charges;
  anthropicModifiers(rec, msg.usage as Obj, msg);
  const session = scalarString(value.sessionId);
  if (session) rec.conversationId = session;
  const agent = scalarString(value.agentId);
  if (agent) rec.tags.agent = agent;
  if (value.isSidechain === true) rec.tags.sidechain = 'true';
  return rec;
}

/** An assistant line: `type:"assistant"`, or no type and an assistant-shaped message. */
function isAssistant(value: Obj): boolean {
  if (value.type !== undefined) return value.type === 'assistant';
  const msg = value.message;
  return isObj(msg) && (msg.role === 'assistant' || isObj(msg.usage));
}

/** A transcript line without `type`, recognised by its shape. */
function untypedShape(value: Obj): boolean {
  const msg = value.message;
  if (value.type !== undefined || !isObj(msg)) return false;
  const ids = typeof value.requestId === 'string' || typeof value.sessionId === 'string' || typeof msg.id === 'string';
  return ids && (isObj(msg.usage) || 'uuid' in value || 'parentUuid' in value);
}

function convertLine(value: Obj, ctx: IngestContext): void {
  if (!isAssistant(value)) return ctx.skip('transcript-metadata');
  const msg = value.message;
  if (!isObj(msg) || !isObj(msg.usage)) return ctx.skip('no-usage');
  if (msg.model === '<synthetic>') return ctx.skip('synthetic-placeholder');
  const rec = toRecord(value, msg, ctx);
  if (!rec) return;
  if (value.isApiErrorMessage === true && bucketSum(rec) === 0) return ctx.skip('error-body');
  const messageId = scalarString(msg.id);
  if (!messageId) return ctx.emit(rec);
  const requestId = scalarString(value.requestId) ?? '';
  const key = `${messageId}\u0000${requestId}`;
  const b = buf(ctx);
  const prev = b.byKey.get(key);
  if (prev) {
    ctx.skip('duplicate');
    if (bucketSum(prev.rec) >= bucketSum(rec)) return;
  }
  b.byKey.set(key, { rec, sidechain: value.isSidechain === true, messageId, requestId });
}

/** Message keys emitted by earlier files: message id -> request ids, and whether any copy was main-chain. */
interface RunSeen {
  requests: Map<string, Set<string>>;
}
const RUN_SEEN = 'claude-code:run-seen';

function runSeen(ctx: IngestContext): RunSeen {
  let s = ctx.runState.get(RUN_SEEN) as RunSeen | undefined;
  if (!s) ctx.runState.set(RUN_SEEN, (s = { requests: new Map() }));
  return s;
}

/**
 * Emits the kept copies. Within the file, a message id with a main-chain copy drops its sidechain
 * replays, and one with only sidechain copies keeps the largest. Across files, an exact key seen
 * before, or any copy of a message id seen before when either side is a sidechain replay, is a duplicate.
 */
function flush(ctx: IngestContext): void {
  const b = ctx.fileState.get(BUF) as FileBuf | undefined;
  if (!b) return;
  ctx.fileState.delete(BUF);
  const groups = new Map<string, Entry[]>();
  for (const e of b.byKey.values()) {
    const g = groups.get(e.messageId);
    if (g) g.push(e);
    else groups.set(e.messageId, [e]);
  }
  const seen = runSeen(ctx);
  for (const [messageId, group] of groups) {
    let kept = group.filter((e) => !e.sidechain);
    if (kept.length === 0) kept = [group.reduce((a, e) => (bucketSum(e.rec) > bucketSum(a.rec) ? e : a))];
    for (let i = group.length - kept.length; i > 0; i--) ctx.skip('duplicate');
    const earlier = seen.requests.get(messageId);
    for (const e of kept) {
      if (earlier && (earlier.has(e.requestId) || e.sidechain || earlier.has(SIDECHAIN))) {
        ctx.skip('duplicate');
        continue;
      }
      ctx.emit(e.rec);
    }
    let reqs = earlier;
    if (!reqs) seen.requests.set(messageId, (reqs = new Set()));
    for (const e of kept) reqs.add(e.sidechain ? SIDECHAIN : e.requestId);
  }
}

export const claudeCodeAdapter: JsonAdapter = {
  name: 'claude-code',
  description: 'Claude Code transcripts (~/.claude/projects/**/*.jsonl), deduplicated per message like ccusage',
  detect(value) {
    if (!isObj(value)) return 0;
    const session = typeof value.sessionId === 'string';
    if (session && value.type === 'assistant' && isObj(value.message)) return 95;
    if (session && typeof value.type === 'string' && ('uuid' in value || 'parentUuid' in value)) return 85;
    if (value.type === 'summary' && 'leafUuid' in value) return 80;
    if (untypedShape(value)) return isObj((value.message as Obj).usage) ? 90 : 80;
    return 0;
  },
  convert(value, ctx) {
    if (!isObj(value)) return ctx.reject('invalid-type', 'expected a JSON object');
    convertLine(value, ctx);
  },
  endFile: flush,
};
