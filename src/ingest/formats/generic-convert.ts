/**
 * The generic record builder. A Plan says how to read each canonical field (CSV column or JSON path)
 * and its display name for messages. Semantics:
 * - `input` is uncached input; `prompt` is an inclusive total: input = prompt - cacheRead - cache writes
 *   (rejected when negative).
 * - `cacheWrite` (no TTL) is a 5-minute write; with `cacheWrite1h` it is the total and 5m = total - 1h.
 * - Empty values count as 0 once any count is present. With no counts at all, a record with `promptText`
 *   is kept with `countsMissing: true` (tokenized later); without text it is rejected.
 * - reasoning must not exceed output (it is a subset of it).
 */
import { COUNTED_CHARGES, type ChargeCounts } from '../../usage/dimensions.js';
import { emptyUsage, NO_MODEL, setTag, type ServiceTier, type UsageRecord } from '../../usage/record.js';
import type { IngestContext } from '../types.js';
import { setBuckets, type Buckets } from '../adapters/util.js';
import { OUTCOME_HINT, isObject, normaliseOutcome, parseCount, parseTimestamp, show, str } from './values.js';

export interface Plan {
  /** Raw value of a canonical field (or `tag.NAME`) for the current row/value; undefined when unmapped. */
  read(field: string): unknown;
  /** Whether the field is mapped at all. */
  has(field: string): boolean;
  /** Column/key name for messages. */
  column(field: string): string;
  /** Mapped `tag.NAME` fields. */
  readonly tagFields: readonly string[];
}

const COUNT_HINT = 'token counts must be whole numbers ≥ 0';
const CHARGE_HINT = 'call counts (searches, fetches, images) must be whole numbers ≥ 0';

/** A count field: number, undefined when empty/unmapped, or false after a rejection. */
function count(plan: Plan, field: string, ctx: IngestContext, hint = COUNT_HINT): number | undefined | false {
  if (!plan.has(field)) return undefined;
  const raw = plan.read(field);
  const n = parseCount(raw);
  if (Number.isNaN(n)) {
    const col = plan.column(field);
    const code = typeof raw === 'number' && raw < 0 ? 'negative-count' : 'invalid-count';
    ctx.reject(code, `${col} must be a non-negative integer (got ${show(raw)})`, col, hint);
    return false;
  }
  return n;
}

type Counts = Buckets & { missing: boolean };

function readCounts(plan: Plan, ctx: IngestContext): Counts | undefined {
  const input = count(plan, 'input', ctx);
  const prompt = count(plan, 'prompt', ctx);
  const cacheRead = count(plan, 'cacheRead', ctx);
  const cacheWrite = count(plan, 'cacheWrite', ctx);
  const cw5m = count(plan, 'cacheWrite5m', ctx);
  const cw1h = count(plan, 'cacheWrite1h', ctx);
  const output = count(plan, 'output', ctx);
  const reasoning = count(plan, 'reasoning', ctx);
  if (
    input === false ||
    prompt === false ||
    cacheRead === false ||
    cacheWrite === false ||
    cw5m === false ||
    cw1h === false ||
    output === false ||
    reasoning === false
  )
    return undefined;
  const missing =
    input === undefined &&
    prompt === undefined &&
    cacheRead === undefined &&
    cacheWrite === undefined &&
    cw5m === undefined &&
    cw1h === undefined &&
    output === undefined &&
    reasoning === undefined;
  const c: Counts = {
    input: 0,
    cacheRead: cacheRead || 0,
    write5m: cw5m || 0,
    write1h: cw1h || 0,
    output: output || 0,
    reasoning: reasoning || 0,
    missing,
  };
  if (cacheWrite !== undefined) {
    c.write5m = (cacheWrite || 0) - c.write1h;
    if (c.write5m < 0)
      return rejectWith(
        ctx,
        'cache-write-split',
        `${plan.column('cacheWrite1h')} (${c.write1h}) exceeds ${plan.column('cacheWrite')} (${cacheWrite})`,
        plan.column('cacheWrite1h'),
      );
  }
  if (plan.has('prompt')) {
    c.input = (prompt || 0) - c.cacheRead - c.write5m - c.write1h;
    if (c.input < 0 && !missing) {
      const msg = `cache tokens (${c.cacheRead + c.write5m + c.write1h}) exceed ${plan.column('prompt')} (${prompt || 0})`;
      return rejectWith(
        ctx,
        'cache-exceeds-prompt',
        msg,
        plan.column('prompt'),
        'map the uncached count as input= instead of prompt= if the column excludes cached tokens',
      );
    }
    if (c.input < 0) c.input = 0;
  } else c.input = input || 0;
  if (c.reasoning > c.output) {
    return rejectWith(
      ctx,
      'reasoning-exceeds-output',
      `${plan.column('reasoning')} (${c.reasoning}) exceeds ${plan.column('output')} (${c.output})`,
      plan.column('reasoning'),
      'reasoning is a subset of output; map output to the total completion tokens',
    );
  }
  return c;
}

function rejectWith(ctx: IngestContext, code: string, message: string, path?: string, hint?: string): undefined {
  ctx.reject(code, message, path, hint);
  return undefined;
}

const TIERS: Record<string, ServiceTier> = {
  standard: 'standard',
  default: 'standard',
  on_demand: 'standard',
  batch: 'batch',
  flex: 'flex',
  priority: 'priority',
};

/** Timestamp, tier, requests, turn, outcome and attribution tags. False after a rejection. */
function applyAttributes(r: UsageRecord, plan: Plan, ctx: IngestContext): boolean {
  const ts = parseTimestamp(plan.read('timestamp'));
  if (ts === 'invalid')
    return !!rejectWith(
      ctx,
      'invalid-timestamp',
      `${plan.column('timestamp')} is not a timestamp (got ${show(plan.read('timestamp'))})`,
      plan.column('timestamp'),
      'use ISO 8601, unix seconds/ms, or YYYY-MM-DD HH:MM:SS (UTC)',
    );
  if (ts) {
    r.timestamp = ts.timestamp;
    r.timeMs = ts.timeMs;
  }
  const tier = str(plan.read('serviceTier'));
  if (tier !== undefined) {
    const t = TIERS[tier.toLowerCase()];
    if (!t)
      return !!rejectWith(
        ctx,
        'invalid-service-tier',
        `${plan.column('serviceTier')} must be standard, batch, flex or priority (got ${show(tier)})`,
        plan.column('serviceTier'),
      );
    r.serviceTier = t;
  }
  for (const f of ['requests', 'turn'] as const) {
    const n = count(plan, f, ctx);
    if (n === false) return false;
    if (n === 0) return !!rejectWith(ctx, `invalid-${f}`, `${plan.column(f)} must be at least 1`, plan.column(f));
    if (n !== undefined) r[f] = n;
  }
  const outcome = normaliseOutcome(plan.read('outcome'));
  if (outcome === 'invalid')
    return !!rejectWith(
      ctx,
      'invalid-outcome',
      `${plan.column('outcome')} is not a known outcome (got ${show(plan.read('outcome'))})`,
      plan.column('outcome'),
      OUTCOME_HINT,
    );
  if (outcome) r.tags.outcome = outcome;
  r.provider = str(plan.read('provider'));
  r.conversationId = str(plan.read('conversation'));
  for (const f of ['user', 'customer', 'feature'] as const) {
    const v = str(plan.read(f));
    if (v !== undefined) r.tags[f] = v;
  }
  for (const f of plan.tagFields) {
    const v = str(plan.read(f));
    if (v !== undefined) setTag(r.tags, f.slice(4), v);
  }
  return true;
}

function applyText(r: UsageRecord, plan: Plan): void {
  const prompt = plan.read('promptText');
  const completion = str(plan.read('completionText'));
  if (Array.isArray(prompt)) {
    const messages = prompt.filter(isObject).map((m) => ({
      role: String(m.role ?? 'user'),
      content: typeof m.content === 'string' ? m.content : JSON.stringify(m.content ?? ''),
    }));
    r.text = { messages, prompt: messages.map((m) => m.content).join('\n') };
    const lastUser = [...messages].reverse().find((m) => m.role === 'user');
    if (lastUser) r.text.query = lastUser.content;
  } else if (typeof prompt === 'string' && prompt !== '') r.text = { prompt };
  if (completion !== undefined) r.text = { ...r.text, completion };
}

/** The mapped charge counts (usage/dimensions.ts); false after a rejection. */
function readCharges(plan: Plan, ctx: IngestContext): ChargeCounts | undefined | false {
  let out: ChargeCounts | undefined;
  for (const d of COUNTED_CHARGES) {
    const n = count(plan, d.key, ctx, CHARGE_HINT);
    if (n === false) return false;
    if (n) (out ??= {})[d.key] = n;
  }
  return out;
}

/** Convert the current row/value described by `plan`. */
export function convertGeneric(plan: Plan, ctx: IngestContext): void {
  // a record without a model id is counted under NO_MODEL (unpriced; the report warns), as in every reader
  const model = str(plan.read('model')) ?? NO_MODEL;
  const c = readCounts(plan, ctx);
  if (!c) return;
  const charges = readCharges(plan, ctx);
  if (charges === false) return;
  const hasText = str(plan.read('promptText')) !== undefined || Array.isArray(plan.read('promptText'));
  if (c.missing && !hasText)
    return ctx.reject(
      'missing-count',
      'no token counts and no prompt text',
      undefined,
      'map input=/prompt= and output= columns, or promptText= to estimate',
    );
  const r = emptyUsage(model, str(plan.read('id')) ?? `${ctx.file}:${ctx.line}`, ctx.file, ctx.line);
  setBuckets(r, c);
  if (charges) r.charges = charges;
  if (!applyAttributes(r, plan, ctx)) return;
  if (c.missing) {
    r.countsMissing = true;
    r.tokenSource = 'estimated';
  }
  if (ctx.options.keepText || c.missing) applyText(r, plan);
  ctx.emit(r);
}
