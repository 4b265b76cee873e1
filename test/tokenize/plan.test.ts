import { describe, expect, it } from 'vitest';
import { countTokens, encodingForModel, type EncodingName } from '../../src/tokenize/index.js';
import { isSafeCut, nextSafeCut, planChunks, splitText } from '../../src/tokenize/plan.js';
import { CORPUS, prose } from './helpers.js';

describe('safe cuts', () => {
  it('only before the space of letter-space-letter', () => {
    expect(isSafeCut('ab cd', 2)).toBe(true);
    expect(isSafeCut('ab  cd', 2)).toBe(false);
    expect(isSafeCut('ab\ncd', 2)).toBe(false);
    expect(isSafeCut('a1 cd', 2)).toBe(false);
    expect(isSafeCut('ab c', 2)).toBe(true);
    expect(isSafeCut('ab ', 2)).toBe(false);
    expect(nextSafeCut('x, y  z w', 0)).toBe(7); // 'z w'
    expect(nextSafeCut('no-cuts-here', 0)).toBe(-1);
  });

  it('splitting never changes the total count, for every encoding', () => {
    const texts = [prose(20_000, 4), CORPUS.join(' and '), 'p50k  \nHello world and  \nmore words here'];
    for (const name of ['o200k_base', 'cl100k_base', 'p50k_base', 'r50k_base'] as EncodingName[]) {
      for (const text of texts) {
        for (const size of [7, 100, 3000]) {
          const parts = splitText(text, size);
          expect(parts.join('')).toBe(text);
          expect(parts.reduce((n, p) => n + countTokens(p, name), 0)).toBe(countTokens(text, name));
        }
      }
    }
  });
});

describe('planChunks', () => {
  it('groups small texts, splits large ones, keeps every character once', () => {
    const texts = ['alpha beta', 'gamma', prose(5000, 8), '', 'delta epsilon'];
    const chunks = planChunks(texts, 1000);
    const rebuilt = texts.map(() => '');
    for (const chunk of chunks) for (const seg of chunk) rebuilt[seg.index] += seg.text;
    expect(rebuilt).toEqual(texts);
    expect(chunks.length).toBeGreaterThanOrEqual(5);
    expect(chunks[0].map((s) => s.index).slice(0, 2)).toEqual([0, 1]);
    for (const chunk of chunks.slice(0, -1)) {
      expect(chunk.reduce((n, s) => n + s.text.length, 0)).toBeGreaterThanOrEqual(1000);
    }
    expect(planChunks([], 10)).toEqual([]);
    expect(() => planChunks(['x'], 0)).toThrow(RangeError);
  });
});

describe('encodingForModel', () => {
  it('maps OpenAI model ids by prefix', () => {
    expect(encodingForModel('gpt-4o-mini-2024-07-18')).toBe('o200k_base');
    expect(encodingForModel('openai/gpt-4.1')).toBe('o200k_base');
    expect(encodingForModel('o3-mini')).toBe('o200k_base');
    expect(encodingForModel('gpt-4-turbo')).toBe('cl100k_base');
    expect(encodingForModel('gpt-3.5-turbo-0125')).toBe('cl100k_base');
    expect(encodingForModel('text-embedding-3-small')).toBe('cl100k_base');
    expect(encodingForModel('davinci-002')).toBe('cl100k_base');
    expect(encodingForModel('text-davinci-003')).toBe('p50k_base');
    expect(encodingForModel('davinci')).toBe('r50k_base');
    expect(encodingForModel('claude-sonnet-4')).toBeUndefined();
  });
});
