import { describe, expect, it } from 'vitest';
import { countChatTokens, TokenCounter } from '../../src/tokenize/index.js';
import { jsEncode } from './helpers.js';

describe('chat overhead: 3 per message, +1 per name, +3 reply priming', () => {
  it('one short message: 3 + 1 ("user") + 1 ("hello") + 3 = 8', () => {
    expect(jsEncode('user', 'o200k_base')).toHaveLength(1);
    expect(jsEncode('hello', 'o200k_base')).toHaveLength(1);
    expect(countChatTokens([{ role: 'user', content: 'hello' }], 'o200k_base')).toBe(8);
  });

  it('no messages: only the reply priming', () => {
    expect(countChatTokens([], 'cl100k_base')).toBe(3);
  });

  it('names cost their tokens plus one', () => {
    const messages = [
      { role: 'system', content: 'You are a helpful assistant.' },
      { role: 'user', name: 'example_user', content: 'New synergies will help drive top-line growth.' },
      { role: 'assistant', content: 'Things working well together will increase revenue.' },
    ];
    for (const enc of ['o200k_base', 'cl100k_base'] as const) {
      const n = (s: string): number => jsEncode(s, enc).length;
      const expected =
        3 +
        n('system') +
        n('You are a helpful assistant.') +
        3 +
        n('user') +
        n('New synergies will help drive top-line growth.') +
        1 +
        n('example_user') +
        3 +
        n('assistant') +
        n('Things working well together will increase revenue.') +
        3;
      expect(countChatTokens(messages, enc)).toBe(expected);
      expect(new TokenCounter().countChat(messages, enc)).toBe(expected);
    }
    // Worked by hand for o200k: "system" 1, "You are a helpful assistant." 6 (You| are| a| helpful| assistant|.)
    expect(jsEncode('You are a helpful assistant.', 'o200k_base')).toHaveLength(6);
    expect(countChatTokens([messages[0]], 'o200k_base')).toBe(3 + 1 + 6 + 3);
  });

  it('an empty name still costs the +1', () => {
    const base = countChatTokens([{ role: 'user', content: 'hi' }], 'o200k_base');
    expect(countChatTokens([{ role: 'user', content: 'hi', name: '' }], 'o200k_base')).toBe(base + 1);
  });
});
