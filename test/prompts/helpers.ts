/** Independent counting for the prompt tests: js-tiktoken's own encoder and OpenAI's chat rule written out. */
import { getEncoding } from 'js-tiktoken';
import { loadCatalog } from '../../src/pricing/load.js';
import { Estimator } from '../../src/prompts/estimate.js';

const o200k = getEncoding('o200k_base');

export const tok = (text: string): number => o200k.encode(text).length;

/** 3 tokens of framing per message + role + content, 3 for the reply priming (OpenAI Cookbook). */
export const chatTok = (messages: { role: string; content: string }[]): number =>
  3 + messages.reduce((n, m) => n + 3 + tok(m.role) + tok(m.content), 0);

export const catalog = loadCatalog().catalog;

export function estimator(cacheHitRate = 0.8): Estimator {
  return new Estimator(catalog, { cacheHitRate, atMs: Date.parse('2026-11-23T00:00:00Z') });
}

export const FIXTURES = new URL('../../fixtures/prompts/', import.meta.url).pathname;
