/**
 * Public tokenizer API: exact OpenAI BPE token counts (tiktoken semantics)
 * over js-tiktoken's rank data. Text is tokenized as ordinary text (special
 * token strings such as `<|endoftext|>` count as their characters).
 */
import { chatTokens, type ChatMessage } from './chat.js';
import { getEncoder } from './encoder.js';
import type { EncodingName } from './encodings.js';

export type { EncodingName } from './encodings.js';
export { ENCODING_NAMES } from './encodings.js';
export type { ChatMessage } from './chat.js';
export { TOKENS_PER_MESSAGE, TOKENS_PER_NAME, TOKENS_REPLY_PRIMING } from './chat.js';
export { TokenCounter, type TokenCounterOptions, type TokenCounterStats } from './counter.js';
export { countTokensParallel, encodeParallel, closeTokenPool, type ParallelOptions } from './parallel.js';
export { encodingForModel } from './models.js';

/** Token ids of `text`, identical to tiktoken's `encode_ordinary`. */
export function encode(text: string, encoding: EncodingName): number[] {
  return getEncoder(encoding).encode(text);
}

/** Number of tokens in `text` (= `encode(text, encoding).length`). */
export function countTokens(text: string, encoding: EncodingName): number {
  return getEncoder(encoding).count(text);
}

/**
 * Prompt tokens of a chat request, by OpenAI's documented rule for the
 * gpt-3.5-turbo / gpt-4 family: 3 tokens per message, plus the tokens of its
 * role, content and name, plus 1 more if it has a name, plus 3 for the
 * assistant reply priming. See chat.ts.
 */
export function countChatTokens(messages: readonly ChatMessage[], encoding: EncodingName): number {
  const enc = getEncoder(encoding);
  return chatTokens(messages, (t) => enc.count(t));
}
