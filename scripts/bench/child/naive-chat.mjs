/**
 * Baseline for the repetition workload: read the chat log, and count every message of every request
 * (role and content) plus the completion with gpt-tokenizer, with no cache of repeated content.
 */
import { readFileSync } from 'node:fs';
import { countTokens } from 'gpt-tokenizer/encoding/o200k_base';

const file = process.argv[2];
let requests = 0;
let tokens = 0;
for (const line of readFileSync(file, 'utf8').split('\n')) {
  if (!line) continue;
  const v = JSON.parse(line);
  requests++;
  for (const m of v.request.messages) tokens += 3 + countTokens(m.role) + countTokens(m.content);
  tokens += 3;
  const c = v.response?.choices?.[0]?.message?.content;
  if (typeof c === 'string') tokens += countTokens(c);
}
process.stdout.write(JSON.stringify({ requests, tokens }) + '\n');
