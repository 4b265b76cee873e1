/**
 * RecentKeys against a plain reference (every key with the line it was last added at): a key is
 * "recent" exactly when it was added at most `window` lines before, whatever the generations,
 * table growth and hash collisions do underneath.
 */
import { describe, expect, it } from 'vitest';
import { RecentKeys } from '../../../src/ingest/adapters/dedupe.js';
import { isoString } from '../../../src/ingest/adapters/time.js';

function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

describe('RecentKeys', () => {
  for (const [window, keys, steps, seed] of [
    [50, 80, 5000, 1],
    [1000, 300, 20000, 2],
    [10, 5, 2000, 3],
    [100, 100000, 30000, 4],
  ] as const) {
    it(`matches the reference (window ${window}, ${keys} distinct keys, ${steps} lines)`, () => {
      const rand = rng(seed);
      const recent = new RecentKeys(window);
      const reference = new Map<string, number>();
      let line = 0;
      let hits = 0;
      for (let i = 0; i < steps; i++) {
        line += rand() < 0.1 ? 1 + Math.floor(rand() * window * 3) : 1; // sometimes long gaps
        // ids of varied length and alphabet, including non-Latin-1 characters
        const n = Math.floor(rand() * keys);
        const key = n % 7 === 0 ? `msg_\u00e9\u4e2d${n}` : n % 3 === 0 ? `${n}` : `chatcmpl-${n.toString(36)}`;
        const last = reference.get(key);
        const expected = last !== undefined && line - last <= window;
        expect(recent.has(key, line)).toBe(expected);
        if (expected) hits++;
        else {
          recent.add(key, line);
          reference.set(key, line);
        }
      }
      if (keys < steps) expect(hits).toBeGreaterThan(0);
    });
  }

  it('mayContain is true for every key of the last window', () => {
    const recent = new RecentKeys(100);
    for (let line = 1; line <= 1000; line++) recent.add(`k${line}`, line);
    for (let line = 901; line <= 1000; line++) expect(recent.mayContain(`k${line}`)).toBe(true);
    expect(recent.mayContain('never')).toBe(false);
  });
});

describe('isoString', () => {
  it('equals Date#toISOString on random and edge times', () => {
    const rand = rng(9);
    const times = [0, -1, 86_399_999, 86_400_000, 1_790_812_812_000, 253_402_300_799_999, -62_167_219_200_000, 1.5];
    for (let i = 0; i < 20000; i++) times.push(Math.floor(rand() * 8e12) - 1e12);
    for (const ms of times) expect(isoString(ms)).toBe(new Date(ms).toISOString());
  });
});
