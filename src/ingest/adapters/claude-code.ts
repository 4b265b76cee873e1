/**
 * Claude Code transcripts (`~/.claude/projects/**\/*.jsonl`, LOG-FORMATS §8).
 *
 * Assistant lines carry Anthropic `message.usage` (input EXCLUDES cache; writes split 5m/1h, else
 * `cache_creation_input_tokens` as 5m). Claude Code writes one line per content block with the same
 * message.id + requestId; earlier copies may show partial output_tokens, so per file the copy with
 * the largest token sum is kept and the others skip `duplicate` (never summed). Sidechain lines
 * that replay a message.id already owned by a non-sidechain line under another requestId skip
 * `duplicate` too (order-independent: resolved in endFile). `<synthetic>` placeholders skip
 * `synthetic-placeholder`; user/summary/system/... lines skip `transcript-metadata`.
 * Memory: one record per distinct message of the current file, released in endFile.
 * Text is not kept: a transcript spreads one message over several lines.
 */
import type { IngestContext, JsonAdapter } from '../types.js';
import type { UsageRecord } from '../../usage/record.js';
import { anthropicBuckets, anthropicModifiers } from './anthropic.js';
import { bucketSum, FieldReader, isObj, makeRecord, scalarString, type Obj } from './util.js';

interface Entry {
  rec: UsageRecord;
  sidechain: boolean;
  messageId: string;
}
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
  const time = root.time(value.timestamp, 'timestamp');
  if (root.failed || !b || model === undefined) return undefined;
  const id = scalarString(msg.id);
  const rec = makeRecord(ctx, { id, model, provider: 'anthropic', time }, b);
  anthropicModifiers(rec, msg.usage as Obj, msg);
  const session = scalarString(value.sessionId);
  if (session) rec.conversationId = session;
  const agent = scalarString(value.agentId);
  if (agent) rec.tags.agent = agent;
  if (value.isSidechain === true) rec.tags.sidechain = 'true';
  return rec;
}

function convertLine(value: Obj, ctx: IngestContext): void {
  if (value.type !== 'assistant') return ctx.skip('transcript-metadata');
  const msg = value.message;
  if (!isObj(msg) || !isObj(msg.usage)) return ctx.skip('no-usage');
  if (msg.model === '<synthetic>') return ctx.skip('synthetic-placeholder');
  const rec = toRecord(value, msg, ctx);
  if (!rec) return;
  if (value.isApiErrorMessage === true && bucketSum(rec) === 0) return ctx.skip('error-body');
  const messageId = scalarString(msg.id);
  if (!messageId) return ctx.emit(rec);
  const key = `${messageId}\u0000${scalarString(value.requestId) ?? ''}`;
  const b = buf(ctx);
  const prev = b.byKey.get(key);
  if (prev) {
    ctx.skip('duplicate');
    if (bucketSum(prev.rec) >= bucketSum(rec)) return;
  }
  b.byKey.set(key, { rec, sidechain: value.isSidechain === true, messageId });
}

/** Emits the kept copies; sidechain replays of a message id owned by a main-chain line are dropped. */
function flush(ctx: IngestContext): void {
  const b = ctx.fileState.get(BUF) as FileBuf | undefined;
  if (!b) return;
  const mainIds = new Set<string>();
  for (const e of b.byKey.values()) if (!e.sidechain) mainIds.add(e.messageId);
  const keysPerId = new Map<string, number>();
  for (const e of b.byKey.values()) keysPerId.set(e.messageId, (keysPerId.get(e.messageId) ?? 0) + 1);
  for (const e of b.byKey.values()) {
    if (e.sidechain && mainIds.has(e.messageId) && (keysPerId.get(e.messageId) ?? 0) > 1) ctx.skip('duplicate');
    else ctx.emit(e.rec);
  }
  ctx.fileState.delete(BUF);
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
    return 0;
  },
  convert(value, ctx) {
    if (!isObj(value)) return ctx.reject('invalid-type', 'expected a JSON object');
    convertLine(value, ctx);
  },
  endFile: flush,
};
