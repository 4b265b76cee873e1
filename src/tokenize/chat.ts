/**
 * Chat-format overhead, OpenAI's documented rule for the gpt-3.5-turbo / gpt-4
 * family (OpenAI Cookbook, "How to count tokens with tiktoken"):
 *
 *   total = Σ over messages ( 3 + tokens(role) + tokens(content)
 *                              + (name ? tokens(name) + 1 : 0) )
 *           + 3
 *
 * Each message is wrapped as `<|start|>{role/name}\n{content}<|end|>\n`
 * (3 tokens of framing), a name costs one extra token, and every reply is
 * primed with `<|start|>assistant<|message|>` (3 tokens). Example: one
 * message {role: "user", content: "hello"} on o200k_base is
 * 3 + 1 ("user") + 1 ("hello") + 3 = 8 tokens.
 */
export interface ChatMessage {
  role: string;
  content: string;
  name?: string;
}

export const TOKENS_PER_MESSAGE = 3;
export const TOKENS_PER_NAME = 1;
export const TOKENS_REPLY_PRIMING = 3;

/** Applies the rule above with any counting function (cached or not). */
export function chatTokens(messages: readonly ChatMessage[], count: (text: string) => number): number {
  let total = TOKENS_REPLY_PRIMING;
  for (const m of messages) {
    total += TOKENS_PER_MESSAGE + count(m.role) + count(m.content);
    if (m.name !== undefined) total += TOKENS_PER_NAME + count(m.name);
  }
  return total;
}
