/**
 * Model name → OpenAI encoding, by name prefix (as tiktoken's
 * MODEL_PREFIX_TO_ENCODING does). Non-OpenAI models have no public BPE and
 * return undefined; callers decide whether an o200k estimate is acceptable.
 */
import type { EncodingName } from './encodings.js';

/** Checked in order; the first matching prefix wins. */
const PREFIXES: readonly (readonly [string, EncodingName])[] = [
  ['gpt-4o', 'o200k_base'],
  ['gpt-4.1', 'o200k_base'],
  ['gpt-4.5', 'o200k_base'],
  ['gpt-5', 'o200k_base'],
  ['gpt-oss', 'o200k_base'],
  ['chatgpt-4o', 'o200k_base'],
  ['o1', 'o200k_base'],
  ['o3', 'o200k_base'],
  ['o4', 'o200k_base'],
  ['gpt-4', 'cl100k_base'],
  ['gpt-3.5', 'cl100k_base'],
  ['gpt-35', 'cl100k_base'],
  ['text-embedding-3', 'cl100k_base'],
  ['text-embedding-ada-002', 'cl100k_base'],
  ['davinci-002', 'cl100k_base'],
  ['babbage-002', 'cl100k_base'],
  ['text-davinci-002', 'p50k_base'],
  ['text-davinci-003', 'p50k_base'],
  ['code-', 'p50k_base'],
  ['davinci', 'r50k_base'],
  ['curie', 'r50k_base'],
  ['babbage', 'r50k_base'],
  ['ada', 'r50k_base'],
  ['text-', 'r50k_base'],
];

/** The encoding of an OpenAI model id (an optional `openai/` prefix is ignored). */
export function encodingForModel(model: string): EncodingName | undefined {
  const id = model
    .trim()
    .toLowerCase()
    .replace(/^openai\//, '');
  for (const [prefix, enc] of PREFIXES) if (id.startsWith(prefix)) return enc;
  return undefined;
}
