import { describe, expect, it } from 'vitest';
import { countTokens, TokenCounter } from '../../src/tokenize/index.js';
import { contentHash } from '../../src/tokenize/counter.js';
import { prose } from './helpers.js';

describe('TokenCounter', () => {
  it('counts like countTokens and caches by content and encoding', () => {
    const c = new TokenCounter();
    const text = prose(2000, 1);
    expect(c.count(text, 'o200k_base')).toBe(countTokens(text, 'o200k_base'));
    expect(c.count(text, 'o200k_base')).toBe(countTokens(text, 'o200k_base'));
    expect(c.count(text, 'cl100k_base')).toBe(countTokens(text, 'cl100k_base'));
    const s = c.stats();
    expect(s.hits).toBe(1);
    expect(s.misses).toBe(2);
    expect(s.bytesTokenized).toBe(2 * Buffer.byteLength(text));
    expect(s.entries).toBe(2);
  });

  it('a conversation log costs about its distinct text', () => {
    const c = new TokenCounter();
    const system = { role: 'system', content: prose(3000, 2) };
    const turns = Array.from({ length: 10 }, (_, i) => [
      { role: 'user', content: prose(200, 10 + i) },
      { role: 'assistant', content: prose(400, 100 + i) },
    ]);
    let distinctBytes = Buffer.byteLength(system.content) + Buffer.byteLength('system');
    distinctBytes += Buffer.byteLength('user') + Buffer.byteLength('assistant');
    for (let t = 1; t <= 10; t++) {
      const messages = [system, ...turns.slice(0, t).flat()];
      c.countChat(messages, 'o200k_base');
      distinctBytes += turns[t - 1].reduce((n, m) => n + Buffer.byteLength(m.content), 0);
    }
    const s = c.stats();
    expect(s.bytesTokenized).toBe(distinctBytes);
    // 3 roles + system prompt + 20 turn contents are the only misses.
    expect(s.misses).toBe(3 + 1 + 20);
    // Each request looks up role + content per message: Σ 2·(1 + 2t) for t = 1..10 = 240.
    expect(s.hits + s.misses).toBe(240);
  });

  it('keeps at most maxEntries, evicting the least recently used', () => {
    const c = new TokenCounter({ maxEntries: 3 });
    c.count('one', 'o200k_base');
    c.count('two', 'o200k_base');
    c.count('three', 'o200k_base');
    c.count('one', 'o200k_base'); // refresh: 'two' is now the oldest
    c.count('four', 'o200k_base'); // evicts 'two'
    expect(c.stats()).toMatchObject({ entries: 3, evictions: 1, hits: 1, misses: 4 });
    c.count('one', 'o200k_base');
    expect(c.stats().hits).toBe(2);
    c.count('two', 'o200k_base');
    expect(c.stats()).toMatchObject({ misses: 5, evictions: 2, entries: 3 });
    expect(() => new TokenCounter({ maxEntries: 0 })).toThrow(RangeError);
  });

  it('the content hash separates near-identical texts', () => {
    const seen = new Set<string>();
    const base = prose(500, 3);
    for (let i = 0; i < base.length; i++) {
      seen.add(contentHash(base.slice(0, i) + 'X' + base.slice(i + 1)));
    }
    seen.add(contentHash(base));
    seen.add(contentHash(base + ' '));
    expect(seen.size).toBe(base.length + 2);
    expect(contentHash('ab')).not.toBe(contentHash('ba'));
  });
});
