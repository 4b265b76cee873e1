/**
 * OpenAI Codex CLI session logs (`$CODEX_HOME/sessions/YYYY/MM/DD/rollout-*.jsonl`, CODEX_HOME defaults to
 * `~/.codex`; docs/log-formats.md, "Codex CLI").
 *
 * Every line is an envelope `{timestamp, type, payload}`. Usage lives only in `event_msg` lines whose
 * `payload.type` is `token_count`: `payload.info` holds `total_token_usage` (running total of the session)
 * and `last_token_usage` (the latest request), each with `input_tokens` (INCLUDES `cached_input_tokens`),
 * `output_tokens` (INCLUDES `reasoning_output_tokens`) and `total_tokens`. `info` is null on events that only
 * refresh rate limits. The model is not on the event: it comes from the latest `turn_context` line.
 *
 * Why the running total decides what a request cost, and not simply `last_token_usage`: Codex writes the
 * same token_count again when nothing new was billed (UI and rate-limit refreshes), with the same running
 * total; summing `last_token_usage` counts those again (ccusage issues #876, #1288). So, per file:
 *  - a running total equal to the previous one skips `duplicate`;
 *  - a running total that grew in every field gives the difference (which is `last_token_usage` when no line
 *    is missing);
 *  - the first total of a file, or one that went down (a new counter after a reset), gives `last_token_usage`;
 *  - an event with only `last_token_usage` counts it as is.
 * A forked or resumed session copies the parent's token_count lines into its own file (timestamps
 * rewritten). In a file that opens with such a copy (it names a parent in `forked_from_id`, carries the
 * parent's session_meta as well, or repeats a session seen in another file), an event whose (running
 * total, last) pair was already seen in another file of the run skips `replayed-history` and only moves
 * the baseline, up to the first event that is not a copy; so the parent's usage is counted once, in the
 * file read first (sessions/ is read in date order, so the parent's own file; a parent read after its
 * fork skips the copied part there instead).
 *
 * A token_count before any turn_context has no model: counted under "(no model)", unpriced, never a guess.
 * Memory: per file a few counters; per run one short key per token_count event.
 */
import { TAG_CWD } from '../../usage/record.js';
import type { IngestContext, JsonAdapter } from '../types.js';
import { checkReasoning, FieldReader, isObj, makeRecord, type Obj, scalarString, zeroBuckets } from './util.js';

/** One usage object, in Codex's own (inclusive) terms. */
interface CodexUsage {
  input: number;
  cached: number;
  output: number;
  reasoning: number;
}

interface FileState {
  model?: string;
  session?: string;
  cwd?: string;
  /** `session_meta.model_provider` (openai unless the session ran against another provider). */
  provider?: string;
  prevTotal?: CodexUsage;
  /**
   * The file may open with a copy of another file's history: it names a parent (`forked_from_id`), carries
   * a second session_meta (the parent's), or repeats a session seen in another file. Ends at the first
   * token_count that is not a copy, so unrelated sessions that happen to log the same numbers both count.
   */
  replay?: boolean;
}

const FILE = 'codex:file';
const RUN_SEEN = 'codex:run-seen';
const RUN_SESSIONS = 'codex:run-sessions';

function fileState(ctx: IngestContext): FileState {
  let s = ctx.fileState.get(FILE) as FileState | undefined;
  if (!s) ctx.fileState.set(FILE, (s = {}));
  return s;
}

/** (running total, last) keys of the run -> the file that had them first. */
function runSeen(ctx: IngestContext): Map<string, string> {
  let s = ctx.runState.get(RUN_SEEN) as Map<string, string> | undefined;
  if (!s) ctx.runState.set(RUN_SEEN, (s = new Map()));
  return s;
}

/** Envelope types written by Codex CLI versions that have `{timestamp, type, payload}` lines. */
const ENVELOPE_TYPES = new Set([
  'session_meta',
  'turn_context',
  'event_msg',
  'response_item',
  'compacted',
  'token_usage_record',
  'world_state',
  'inter_agent_communication',
  'inter_agent_communication_metadata',
  'retained_context',
  'realtime_item',
  'security_risk_score',
]);

/** Reads one usage object; undefined when absent (null) or rejected (the reader is marked failed). */
function readUsage(rd: FieldReader, v: unknown, path: string): CodexUsage | undefined {
  if (v === undefined || v === null) return undefined;
  if (!isObj(v)) return rd.fail('invalid-type', `${rd.path(path)} must be an object`, path);
  const u = rd.child(path);
  const input = u.count(v, 'input_tokens', { required: true });
  const cached = u.count(v, 'cached_input_tokens') ?? 0;
  const output = u.count(v, 'output_tokens', { required: true });
  const reasoning = u.count(v, 'reasoning_output_tokens') ?? 0;
  if (rd.failed || input === undefined || output === undefined) return undefined;
  if (cached > input) {
    return u.fail(
      'inconsistent-counts',
      `cached_input_tokens (${cached}) exceeds input_tokens (${input})`,
      'cached_input_tokens',
      'Codex counts cached input inside input_tokens; a larger value means the line was edited or written by another tool',
    );
  }
  if (!checkReasoning(u, reasoning, output, 'reasoning_output_tokens')) return undefined;
  return { input, cached, output, reasoning };
}

function same(a: CodexUsage, b: CodexUsage): boolean {
  return a.input === b.input && a.cached === b.cached && a.output === b.output && a.reasoning === b.reasoning;
}

/** `a - b` when `a` grew (or stayed) in every field; undefined when any field went down (a new counter). */
function grownBy(a: CodexUsage, b: CodexUsage): CodexUsage | undefined {
  if (a.input < b.input || a.cached < b.cached || a.output < b.output || a.reasoning < b.reasoning) return undefined;
  return { input: a.input - b.input, cached: a.cached - b.cached, output: a.output - b.output, reasoning: a.reasoning - b.reasoning };
}

function usageKey(u: CodexUsage | undefined): string {
  return u ? `${u.input},${u.cached},${u.output},${u.reasoning}` : '-';
}

function tokenCount(value: Obj, payload: Obj, ctx: IngestContext): void {
  const info = payload.info;
  if (info === undefined || info === null) return ctx.skip('no-usage');
  const root = new FieldReader(ctx);
  if (!isObj(info)) return void root.fail('invalid-type', 'payload.info must be an object or null', 'payload.info');
  const rd = root.child('payload.info');
  const total = readUsage(rd, info.total_token_usage, 'total_token_usage');
  const last = readUsage(rd, info.last_token_usage, 'last_token_usage');
  const time = root.time(value.timestamp, 'timestamp');
  if (root.failed) return;
  if (!total && !last) return ctx.skip('no-usage');
  const st = fileState(ctx);
  let delta: CodexUsage | undefined;
  if (total) {
    const prev = st.prevTotal;
    if (prev && same(total, prev)) return ctx.skip('duplicate');
    st.prevTotal = total;
    const key = `${usageKey(total)}|${usageKey(last)}`;
    const seen = runSeen(ctx);
    const firstFile = seen.get(key);
    if (st.replay && firstFile !== undefined && firstFile !== ctx.file) return ctx.skip('replayed-history');
    st.replay = false;
    if (firstFile === undefined) seen.set(key, ctx.file);
    delta = (prev && grownBy(total, prev)) || last || total;
  } else delta = last;
  if (!delta || delta.input + delta.output === 0) return ctx.skip('no-usage');
  const model = root.model(st.model, 'turn_context.model');
  if (model === undefined) return;
  const b = zeroBuckets();
  b.input = delta.input - delta.cached;
  b.cacheRead = delta.cached;
  b.output = delta.output;
  b.reasoning = delta.reasoning;
  const rec = makeRecord(ctx, { model, provider: st.provider ?? 'openai', time }, b);
  if (st.session) rec.conversationId = st.session;
  if (st.cwd) rec.tags[TAG_CWD] = st.cwd;
  ctx.emit(rec);
}

function convertLine(value: Obj, ctx: IngestContext): void {
  const payload = value.payload;
  if (!isObj(payload)) return ctx.skip('transcript-metadata');
  const st = fileState(ctx);
  switch (value.type) {
    case 'session_meta': {
      // a fork or subagent file also carries a copy of its parent's session_meta: the first one names this file's session
      const meta = isObj(payload.meta) ? payload.meta : payload;
      if (st.session === undefined) {
        st.session = scalarString(meta.id) ?? '';
        if (typeof meta.cwd === 'string' && meta.cwd !== '') st.cwd = meta.cwd;
        if (typeof meta.model_provider === 'string' && meta.model_provider !== '') st.provider = meta.model_provider.toLowerCase();
        // session id -> the first file that had it; a parent named by a fork read earlier maps to ''
        let sessions = ctx.runState.get(RUN_SESSIONS) as Map<string, string> | undefined;
        if (!sessions) ctx.runState.set(RUN_SESSIONS, (sessions = new Map()));
        const other = st.session ? sessions.get(st.session) : undefined;
        if (st.session && !other) sessions.set(st.session, ctx.file);
        const parent = scalarString(meta.forked_from_id);
        if (parent !== undefined && !sessions.has(parent)) sessions.set(parent, '');
        if (parent !== undefined || (other !== undefined && other !== ctx.file)) st.replay = true;
      } else if (st.replay === undefined) st.replay = true; // a copied parent session_meta before any usage
      return ctx.skip('transcript-metadata');
    }
    case 'turn_context': {
      const model = payload.model;
      if (typeof model === 'string' && model.trim() !== '') st.model = model;
      if (st.cwd === undefined && typeof payload.cwd === 'string' && payload.cwd !== '') st.cwd = payload.cwd;
      return ctx.skip('transcript-metadata');
    }
    case 'event_msg':
      if (payload.type === 'token_count') return tokenCount(value, payload, ctx);
      return ctx.skip('transcript-metadata');
    default:
      return ctx.skip('transcript-metadata');
  }
}

/** Lines of the first Codex CLI versions (2025, before the envelope): they carry no token counts. */
function legacyScore(value: Obj): number {
  if (value.record_type === 'state') return 60;
  if (typeof value.id === 'string' && typeof value.timestamp === 'string' && 'instructions' in value) return 60;
  return 0;
}

export const codexAdapter: JsonAdapter = {
  name: 'codex',
  description: 'OpenAI Codex CLI session logs ($CODEX_HOME/sessions/**/rollout-*.jsonl), token_count events',
  detect(value) {
    if (!isObj(value)) return 0;
    const type = value.type;
    if (typeof type !== 'string' || !isObj(value.payload) || typeof value.timestamp !== 'string') return legacyScore(value);
    if (type === 'session_meta') return 95;
    if (type === 'event_msg' && value.payload.type === 'token_count') return 95;
    if (type === 'turn_context' || type === 'event_msg') return 90;
    return ENVELOPE_TYPES.has(type) ? 85 : 0;
  },
  convert(value, ctx) {
    if (!isObj(value)) return ctx.reject('invalid-type', 'expected a JSON object');
    if (legacyScore(value) > 0) return ctx.skip('transcript-metadata');
    convertLine(value, ctx);
  },
};
