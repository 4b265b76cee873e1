/**
 * Provider JSON adapters (OpenAI, Anthropic, Gemini, Bedrock, Langfuse, OTel, Claude Code, Codex CLI).
 * Order: most distinctive shapes first (explicit schema markers, then envelope shapes, then bare
 * response bodies); detection scores decide, the order only breaks ties.
 */
import type { JsonAdapter } from '../types.js';
import { anthropicAdapter } from './anthropic.js';
import { anthropicUsageAdapter } from './anthropic-usage.js';
import { bedrockAdapter } from './bedrock.js';
import { claudeCodeAdapter } from './claude-code.js';
import { codexAdapter } from './codex.js';
import { geminiAdapter } from './gemini.js';
import { langfuseAdapter } from './langfuse.js';
import { openaiAdapter } from './openai.js';
import { openaiBatchAdapter } from './openai-batch.js';
import { openaiUsageAdapter } from './openai-usage.js';
import { otelAdapter } from './otel.js';

export const providerAdapters: JsonAdapter[] = [
  claudeCodeAdapter,
  codexAdapter,
  bedrockAdapter,
  otelAdapter,
  langfuseAdapter,
  openaiUsageAdapter,
  anthropicUsageAdapter,
  openaiBatchAdapter,
  anthropicAdapter,
  geminiAdapter,
  openaiAdapter,
];

export {
  anthropicAdapter,
  anthropicUsageAdapter,
  bedrockAdapter,
  claudeCodeAdapter,
  codexAdapter,
  geminiAdapter,
  langfuseAdapter,
  openaiAdapter,
  openaiBatchAdapter,
  openaiUsageAdapter,
  otelAdapter,
};
