/** Provider JSON adapters (OpenAI, Anthropic, Gemini, Bedrock, Langfuse, OTel, Claude Code). */
import type { JsonAdapter } from '../types.js';

export const providerAdapters: JsonAdapter[] = [];
