/**
 * compress: shrink instruction content (system and developer messages: role definitions, rules,
 * tool instructions) to `factor` of its size, in scope. Only instructions: user messages (follow-ups
 * such as "Yes"), assistant replies and few-shot examples are load-bearing and never touched, even
 * when their text repeats across the log. The instruction part of a request is measured from its
 * text (the system/developer messages' share of its prompt), else given as `staticTokens` (the
 * instruction tokens per request). A request with neither is left as logged (its cached prefix is
 * no measure: in a conversation it is mostly history). Removed tokens come off the cached prefix
 * first; a cached prefix left below the model's minimum cacheable length becomes plain input (in each
 * cache state a volume-warmed request stands for, SimRequest.cacheMix). The
 * text's share is taken of the billed prompt the text describes (the logged one, converted where
 * route converted it), not of the current prompt, which summarize or outputCap may have shortened
 * without touching the instructions; a summary call that reads the cached history re-sends them cut.
 * The report says how many tokens were removed per message role.
 *
 * Parameters: factor (required, 0..1: the share kept), staticTokens.
 *
 * Worked example (test/simulate/levers.test.ts): 3,000 input tokens of which staticTokens 2,000,
 * factor 0.6: 800 tokens removed -> 2,200 input; at $1/MTok $0.003 -> $0.0022.
 *
 * Complexity: O(n) plus tokenizing each distinct message once.
 */
import { int, num, opt, type Field } from '../../core/validate.js';
import { textPromptTokens } from '../prompt-edits.js';
import { SegmentTokenizer } from '../segments.js';
import { refreshSummaryCalls } from '../summary-call.js';
import { promptOf, removePromptTokens, withEdit, type Lever, type LeverContext, type LeverOutcome, type SimRequest } from '../types.js';
import type { EncodingName } from '../../tokenize/encodings.js';
import { fitCacheMinimum } from './cache-rules.js';

export interface CompressParams {
  factor: number;
  staticTokens?: number;
}

export const compressFields: Record<string, Field> = { factor: { rule: num(0, 1), required: true }, staticTokens: opt(int()) };

const INSTRUCTION_ROLES = new Set(['system', 'developer']);

/** Instruction tokens and prompt tokens of a request's messages (encoder counts), per role. */
function instructionShare(
  r: SimRequest,
  tk: SegmentTokenizer,
): { instruction: number; prompt: number; byRole: Map<string, number> } | undefined {
  const messages = r.record.text?.messages;
  if (!messages || messages.length === 0) return undefined;
  const byRole = new Map<string, number>();
  let instruction = 0;
  let prompt = 0;
  for (const m of messages) {
    const n = tk.tokens(m.content).length;
    prompt += n;
    if (INSTRUCTION_ROLES.has(m.role)) {
      instruction += n;
      byRole.set(m.role, (byRole.get(m.role) ?? 0) + n);
    }
  }
  return prompt > 0 ? { instruction, prompt, byRole } : undefined;
}

function applyCompress(requests: readonly SimRequest[], p: CompressParams, ctx: LeverContext): LeverOutcome {
  const out = requests.slice();
  const toks = new Map<EncodingName, SegmentTokenizer>();
  const how = { text: 0, given: 0, none: 0 };
  const byRole = new Map<string, number>();
  let removedTotal = 0;
  requests.forEach((r, i) => {
    if (r.dropped || r.origin === 'added' || !ctx.inScope(r) || p.factor === 1) return;
    const P = promptOf(r);
    const n = Math.max(1, r.record.requests);
    const enc = ctx.resolve(r.model)?.entry.tokenizer?.encoding ?? 'o200k_base';
    const tk = ctx.env.encode ? (toks.get(enc) ?? toks.set(enc, new SegmentTokenizer(ctx.env, enc, new Map())).get(enc)!) : undefined;
    const share = tk ? instructionShare(r, tk) : undefined;
    let cut: number;
    const roles: Array<[string, number]> = [];
    if (share) {
      how.text++;
      // removed per role, in billed tokens (the encoder's share of the billed prompt the text
      // describes: a summary or a shorter answer re-sent leaves the instructions as they were)
      const billed = textPromptTokens(r);
      cut = 0;
      for (const [role, t] of share.byRole) {
        const c = Math.round(((billed * t) / share.prompt) * (1 - p.factor));
        cut += c;
        roles.push([role, c]);
      }
    } else if (p.staticTokens !== undefined) {
      how.given++;
      cut = Math.round(Math.min(P, p.staticTokens * n) * (1 - p.factor));
      roles.push(['instructions (staticTokens)', cut]);
    } else {
      how.none++;
      return;
    }
    if (cut <= 0) return;
    removedTotal += cut * r.weight;
    for (const [role, c] of roles) byRole.set(role, (byRole.get(role) ?? 0) + c * r.weight);
    out[i] = fitCacheMinimum(
      withEdit(removePromptTokens(r, cut), { kind: 'remove', tokens: cut }),
      ctx.resolve(r.model)?.entry.cache?.minTokens,
    );
  });
  refreshSummaryCalls(requests, out, ctx);
  const notes =
    how.none > 0
      ? [`${how.none} request(s) without message roles in their text and no staticTokens left as logged (the instruction part is unknown)`]
      : [];
  const roleText = [...byRole].map(([role, t]) => `${role} ${Math.round(t)}`).join(', ') || 'none';
  return {
    requests: out,
    assumptions: [
      [
        'compression',
        `instruction tokens (system/developer messages) kept at x${p.factor}; user messages, assistant replies and few-shot examples untouched; output quality assumed unchanged`,
      ],
      ['instruction part from', `message roles ${how.text}, staticTokens ${how.given} request(s)`],
    ],
    notes,
    metrics: [
      ['prompt tokens removed', String(Math.round(removedTotal))],
      ['removed by role', roleText],
    ],
    json: { removedTokens: removedTotal, removedByRole: Object.fromEntries(byRole), instructionFrom: how },
  };
}

export const compress: Lever<CompressParams> = {
  kind: 'compress',
  parse: (raw) => ({ factor: raw.factor as number, staticTokens: raw.staticTokens as number | undefined }),
  apply: applyCompress,
};
