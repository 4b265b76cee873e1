import { describe, expect, it } from 'vitest';
import { countTokens, encode, type EncodingName } from '../../src/tokenize/index.js';
import { mergeHeap, mergeSmall } from '../../src/tokenize/bpe.js';
import { getEncoder, toByteString } from '../../src/tokenize/encoder.js';
import { CORPUS, jsEncode, lcg, prose, referenceBpe } from './helpers.js';

const ALL: EncodingName[] = ['o200k_base', 'cl100k_base', 'p50k_base', 'r50k_base'];

describe('encode matches js-tiktoken (no BOM / NEL in these inputs)', () => {
  for (const name of ALL) {
    it(`${name}: corpus`, () => {
      for (const text of CORPUS) {
        expect(encode(text, name), JSON.stringify(text.slice(0, 40))).toEqual(jsEncode(text, name));
        expect(countTokens(text, name)).toBe(jsEncode(text, name).length);
      }
    });
  }
  for (const name of ['o200k_base', 'cl100k_base'] as const) {
    it(`${name}: 60 KB of generated prose, and the whole corpus concatenated`, () => {
      const text = prose(60_000, 7);
      expect(encode(text, name)).toEqual(jsEncode(text, name));
      const all = CORPUS.join('\n');
      expect(encode(all, name)).toEqual(jsEncode(all, name));
    });
  }
});

describe('random strings over a tricky alphabet match js-tiktoken', () => {
  const alphabet = [
    'a',
    'b',
    'Z',
    'Q',
    'é',
    'É',
    'ß',
    'ǅ',
    '日',
    '本',
    'ё',
    'Ж',
    'ה',
    '٣',
    '7',
    '0',
    '½',
    ' ',
    ' ',
    '  ',
    '\t',
    '\n',
    '\r',
    '\r\n',
    '\u00a0',
    '\u3000',
    "'",
    "'s",
    "'LL",
    '/',
    '.',
    ',',
    '!',
    '-',
    '_',
    '🎉',
    '👍🏽',
    '\u0301',
    '\u200d',
    '\ud800',
    '<|endoftext|>',
  ];
  for (const name of ['o200k_base', 'cl100k_base', 'r50k_base'] as const) {
    it(name, () => {
      const rnd = lcg(name.length * 7919);
      for (let k = 0; k < 300; k++) {
        const len = 1 + Math.floor(rnd() * 40);
        let s = '';
        for (let i = 0; i < len; i++) s += alphabet[Math.floor(rnd() * alphabet.length)];
        expect(encode(s, name), JSON.stringify(s)).toEqual(jsEncode(s, name));
      }
    });
  }
});

describe('byte-pair merge', () => {
  it('reference BPE agrees on short pieces', () => {
    for (const piece of [' tokenization', 'ZZZZZZZZ', 'ab'.repeat(12), 'é日🎉']) {
      const enc = getEncoder('o200k_base');
      const out: number[] = [];
      mergeSmall(enc, toByteString(piece), out);
      expect(out).toEqual(referenceBpe(piece, 'o200k_base'));
    }
  });

  it('heap merge equals the quadratic merge on random long pieces', () => {
    const rnd = lcg(3);
    const alphabets = ['a', 'ab', 'abc ', 'xyz0123', '日本', '!=-', 'aaaaaaaaab'];
    for (const name of ['o200k_base', 'cl100k_base'] as const) {
      const enc = getEncoder(name);
      for (let k = 0; k < 60; k++) {
        const alpha = alphabets[k % alphabets.length];
        const len = 50 + Math.floor(rnd() * 700);
        let s = '';
        for (let i = 0; i < len; i++) s += alpha[Math.floor(rnd() * alpha.length)];
        const b = toByteString(s);
        const viaHeap: number[] = [];
        const viaScan: number[] = [];
        mergeHeap(enc, b, viaHeap);
        mergeSmall(enc, b, viaScan);
        expect(viaHeap).toEqual(viaScan);
      }
    }
  });

  it('the byte-range table agrees with the rank map, inside longer strings too', () => {
    const enc = getEncoder('cl100k_base');
    const rnd = lcg(5);
    const keys = [...enc.ranks.keys()];
    for (let k = 0; k < 2000; k++) {
      const key = keys[Math.floor(rnd() * keys.length)];
      const padded = 'xy' + key + 'z';
      expect(enc.rangeRanks.get(padded, 2, 2 + key.length)).toBe(enc.ranks.get(key));
    }
    expect(enc.rangeRanks.get('\u00ff\u00fe\u00fd\u00fc\u00fb', 0, 5)).toBe(-1);
  });

  it('toByteString gives UTF-8 bytes, with U+FFFD for lone surrogates', () => {
    for (const s of ['abc', 'é', '日', '🎉', 'x\ud800y', '\udc00']) {
      const expected = Buffer.from(new TextEncoder().encode(s)).toString('latin1');
      expect(toByteString(s)).toBe(expected);
    }
  });
});

describe('pathological inputs (one huge pre-token)', () => {
  it('2 KB runs match js-tiktoken (which is quadratic but can still do this size)', () => {
    for (const text of ['a'.repeat(2048), ' '.repeat(2048), '!'.repeat(2048), '日'.repeat(700)]) {
      expect(encode(text, 'o200k_base')).toEqual(jsEncode(text, 'o200k_base'));
    }
    const noSpaces = prose(2048, 5).replace(/\s+/g, '');
    expect(encode(noSpaces, 'cl100k_base')).toEqual(jsEncode(noSpaces, 'cl100k_base'));
  });

  // gpt-tokenizer is quadratic here too (100 KB takes ~8-16 s), so 50 KB keeps the suite quick.
  it('50 KB of one character matches gpt-tokenizer', async () => {
    const gpt = await import('gpt-tokenizer/encoding/o200k_base');
    const text = 'a'.repeat(50_000);
    expect(countTokens(text, 'o200k_base')).toBe(gpt.countTokens(text));
  }, 180_000);

  it('1 MB inputs tokenize and round-trip to the same bytes', () => {
    const rnd = lcg(11);
    let b64 = '';
    while (b64.length < 1 << 20) b64 += Buffer.from(Array.from({ length: 3 << 10 }, () => Math.floor(rnd() * 256))).toString('base64');
    const inputs = ['a'.repeat(1 << 20), prose(1 << 20, 9).replace(/\s+/g, ''), b64];
    const enc = getEncoder('o200k_base');
    const bytesOf = new Map([...enc.ranks].map(([k, v]) => [v, k]));
    for (const text of inputs) {
      const ids = encode(text, 'o200k_base');
      expect(ids.map((id) => bytesOf.get(id)).join('')).toBe(toByteString(text));
      expect(countTokens(text, 'o200k_base')).toBe(ids.length);
    }
    // 'aaaaaaaa' is a single o200k token and merging runs left to right.
    expect(countTokens('a'.repeat(1 << 20), 'o200k_base')).toBe((1 << 20) / 8);
  }, 120_000);
});
