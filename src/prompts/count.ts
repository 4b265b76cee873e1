/**
 * Token counts of a prompt for one model: per part, the variables' sample values, the chat-format
 * overhead (OpenAI's documented rule, see tokenize/chat.ts), and the static leading part (every
 * token before the first `{{variable}}`). Models without an exact public tokenizer (Claude,
 * Gemini) are counted with the catalog entry's encoding times its factor and marked estimated.
 */
import type { ModelEntry } from '../pricing/model.js';
import { TOKENS_PER_MESSAGE, TOKENS_PER_NAME, TOKENS_REPLY_PRIMING, TokenCounter, type EncodingName } from '../tokenize/index.js';
import { firstVariableIndex, render, stripVariables } from './template.js';
import type { Prompt, PromptMessage } from './types.js';

export interface TokenizerChoice {
  encoding: EncodingName;
  /** Multiplier applied to counts of `encoding` (1 for exact tokenizers). */
  factor: number;
  /** False when counts are estimates. */
  exact: boolean;
}

export function tokenizerFor(entry: ModelEntry): TokenizerChoice {
  const t = entry.tokenizer;
  if (!t) return { encoding: 'o200k_base', factor: 1, exact: false };
  return { encoding: t.encoding, factor: t.exact ? 1 : (t.factor ?? 1), exact: t.exact };
}

export interface PartTokens {
  name: string;
  kind: string;
  /** The part's own words (placeholders removed). */
  tokens: number;
}

export interface PromptTokens {
  parts: PartTokens[];
  /** Sample values of `{{variables}}`, measured as rendered minus unrendered. */
  variables: number;
  /** Chat framing: per-message wrappers, role names, reply priming. */
  overhead: number;
  /** Everything sent: parts + variables + overhead. */
  input: number;
  /** Tokens before the first `{{variable}}` (all input when the prompt has none). */
  staticPrefix: number;
  /** Where the first variable sits, when there is one. */
  firstVariable?: { part: string; message: number };
}

/** Counting with a shared cache, scaled by the tokenizer factor at the end. */
export class PromptCounter {
  constructor(
    readonly choice: TokenizerChoice,
    readonly counter: TokenCounter = new TokenCounter(),
  ) {}

  raw(text: string): number {
    return text ? this.counter.count(text, this.choice.encoding) : 0;
  }

  scale(n: number): number {
    return this.choice.factor === 1 ? n : Math.round(n * this.choice.factor);
  }

  /** Framing of one message: wrapper, role and name tokens (raw). */
  frame(m: PromptMessage): number {
    return TOKENS_PER_MESSAGE + this.raw(m.role) + (m.name !== undefined ? TOKENS_PER_NAME + this.raw(m.name) : 0);
  }
}

export function countPrompt(prompt: Prompt, pc: PromptCounter): PromptTokens {
  const parts: PartTokens[] = [];
  let toolsRaw = 0;
  let bareRaw = 0;
  let renderedRaw = 0;
  let framing = TOKENS_REPLY_PRIMING;
  let prefix = 0;
  let first: PromptTokens['firstVariable'];
  for (const part of prompt.parts) {
    const tools = part.toolsJson ? pc.raw(part.toolsJson) : 0;
    toolsRaw += tools;
    if (!first) prefix += tools;
    let partBare = 0;
    part.messages.forEach((m, i) => {
      const bare = pc.raw(stripVariables(m.content));
      const full = pc.raw(render(m.content, prompt.variables));
      partBare += bare;
      bareRaw += bare;
      renderedRaw += full;
      framing += pc.frame(m);
      if (first) return;
      const at = firstVariableIndex(m.content);
      if (at < 0) prefix += pc.frame(m) + full;
      else {
        prefix += pc.frame(m) + pc.raw(m.content.slice(0, at));
        first = { part: part.name, message: i };
      }
    });
    parts.push({ name: part.name, kind: part.kind, tokens: pc.scale(tools + partBare) });
  }
  const rawInput = toolsRaw + renderedRaw + framing;
  const input = pc.scale(rawInput);
  const partsSum = parts.reduce((n, p) => n + p.tokens, 0);
  const variables = pc.scale(renderedRaw - bareRaw);
  const staticPrefix = pc.scale(first ? prefix : rawInput);
  return { parts, variables, overhead: input - partsSum - variables, input, staticPrefix, ...(first ? { firstVariable: first } : {}) };
}
