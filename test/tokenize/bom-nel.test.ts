/**
 * U+FEFF (BOM) and U+0085 (NEL): tiktoken's Rust regex `\s` is Unicode
 * White_Space (includes NEL, excludes BOM); JavaScript's `\s` includes BOM
 * and excludes NEL. js-tiktoken and gpt-tokenizer use JavaScript's `\s`, so
 * they pre-tokenize these texts differently from OpenAI's tiktoken. The
 * expected pieces below are derived by hand from the patterns with Rust
 * semantics; the expected ids then come from a reference BPE of each piece.
 */
import { describe, expect, it } from 'vitest';
import * as gptO200k from 'gpt-tokenizer/encoding/o200k_base';
import { countTokens, encode, type EncodingName } from '../../src/tokenize/index.js';
import { Encoder, getEncoder } from '../../src/tokenize/encoder.js';
import { getEncoding, toRustWhitespaceSemantics } from '../../src/tokenize/encodings.js';
import { jsEncode, referenceBpe } from './helpers.js';

const BOM = '\uFEFF';
const NEL = '\u0085';

interface Case {
  text: string;
  /** tiktoken's pieces, derived by hand (same for o200k and cl100k here). */
  tiktoken: string[];
  /** what a JavaScript-`\s` pattern yields, for contrast. */
  js: string[];
  why: string;
}

const CASES: Case[] = [
  {
    text: `a ${BOM}b`,
    tiktoken: ['a', ` ${BOM}`, 'b'],
    js: ['a', ' ', `${BOM}b`],
    why: 'Rust: BOM is not \\s, so " ?[^\\s\\p{L}\\p{N}]+" takes " BOM". JS: BOM is \\s, so "\\s+(?!\\S)" takes " " (backing off before the BOM), then the letter alternative takes BOM as its optional prefix.',
  },
  {
    text: `Hello${BOM}!`,
    tiktoken: ['Hello', `${BOM}!`],
    js: ['Hello', BOM, '!'],
    why: 'Rust: BOM and "!" are one punctuation run. JS: BOM is whitespace ("\\s+" takes it alone), "!" follows.',
  },
  {
    text: `x${BOM}${BOM}${BOM}y`,
    tiktoken: ['x', BOM + BOM + BOM, 'y'],
    js: ['x', BOM + BOM, `${BOM}y`],
    why: 'Rust: three BOMs are a punctuation run. JS: "\\s+(?!\\S)" backs off one BOM, which then prefixes "y".',
  },
  {
    text: `x ${NEL}y`,
    tiktoken: ['x', ' ', `${NEL}y`],
    js: ['x', ` ${NEL}`, 'y'],
    why: 'Rust: NEL is \\s, so "\\s+(?!\\S)" takes " " and NEL prefixes "y". JS: NEL is not \\s, so " ?[^\\s\\p{L}\\p{N}]+" takes " NEL".',
  },
  {
    text: `a${NEL}${NEL}b`,
    tiktoken: ['a', NEL, `${NEL}b`],
    js: ['a', NEL + NEL, 'b'],
    why: 'Rust: "\\s+(?!\\S)" takes one NEL, the other prefixes "b". JS: both NELs are one punctuation run.',
  },
  {
    text: `${BOM}Hello world`,
    tiktoken: [`${BOM}Hello`, ' world'],
    js: [`${BOM}Hello`, ' world'],
    why: 'A leading BOM is the optional prefix "[^\\r\\n\\p{L}\\p{N}]?" of the letter run under both semantics.',
  },
];

function idsOf(pieces: string[], name: EncodingName): number[] {
  return pieces.flatMap((p) => referenceBpe(p, name));
}

describe('BOM / NEL: tiktoken semantics', () => {
  for (const name of ['o200k_base', 'cl100k_base'] as const) {
    for (const c of CASES) {
      it(`${name}: ${JSON.stringify(c.text)}`, () => {
        const ours = getEncoder(name);
        expect(ours.pieces(c.text)).toEqual(c.tiktoken);
        expect(encode(c.text, name)).toEqual(idsOf(c.tiktoken, name));
        // js-tiktoken's answer is exactly the JavaScript-`\s` pre-tokenization.
        const jsStyle = new Encoder(getEncoding(name), { whitespace: 'js' });
        expect(jsStyle.pieces(c.text)).toEqual(c.js);
        expect(jsEncode(c.text, name)).toEqual(idsOf(c.js, name));
      });
    }
  }

  it('token counts that differ from js-tiktoken', () => {
    // " BOM" is one o200k token (71280); " " + "BOM" + ... is not.
    expect(countTokens(`a ${BOM}b`, 'o200k_base')).toBe(3);
    expect(jsEncode(`a ${BOM}b`, 'o200k_base')).toHaveLength(4);
    // " NEL" merges to " \xC2" + "\x85" in JS; tiktoken keeps " " apart: 5 vs 4.
    expect(countTokens(`x ${NEL}y`, 'o200k_base')).toBe(5);
    expect(jsEncode(`x ${NEL}y`, 'o200k_base')).toHaveLength(4);
  });

  it('gpt-tokenizer cross-check where it can agree', () => {
    // NEL cases whose different pieces still give the same ids: counts agree.
    for (const text of [`a${NEL}${NEL}b`, `Hello${NEL}!`, `line${NEL}\nnext`]) {
      expect(countTokens(text, 'o200k_base')).toBe(gptO200k.countTokens(text));
    }
    // Where the pieces differ in ids, gpt-tokenizer (JavaScript `\s` too) gives
    // js-tiktoken's answer, not tiktoken's.
    expect(gptO200k.encode(`x ${NEL}y`)).toEqual(jsEncode(`x ${NEL}y`, 'o200k_base'));
    // It is no check for BOM text at all: it cannot emit the BOM token 5574
    // (EF BB BF) and spends two tokens on every U+FEFF, apparently because
    // its vocabulary strings pass through TextDecoder, which strips a BOM.
    expect(encode(BOM, 'o200k_base')).toEqual([5574]);
    expect(gptO200k.encode(BOM)).toHaveLength(2);
  });
});

describe('the whitespace rewrite', () => {
  it('rewrites \\s and \\S only', () => {
    expect(toRustWhitespaceSemantics('\\s+(?!\\S)|[^\\s\\p{L}]')).toBe('\\p{White_Space}+(?!\\P{White_Space})|[^\\p{White_Space}\\p{L}]');
    expect(toRustWhitespaceSemantics('\\\\s\\r\\n')).toBe('\\\\s\\r\\n');
    for (const name of ['o200k_base', 'cl100k_base', 'p50k_base', 'r50k_base'] as const) {
      const { pattern } = getEncoding(name);
      expect(pattern).not.toMatch(/\\[sS]/);
    }
  });

  it("\\p{White_Space} is the regex crate's \\s; JavaScript \\s differs by exactly U+0085 and U+FEFF", () => {
    // regex-syntax's perl_space table (Unicode White_Space), written out.
    const rust = new Set<number>([0x09, 0x0a, 0x0b, 0x0c, 0x0d, 0x20, 0x85, 0xa0, 0x1680, 0x2028, 0x2029, 0x202f, 0x205f, 0x3000]);
    for (let c = 0x2000; c <= 0x200a; c++) rust.add(c);
    const ws = /\p{White_Space}/u;
    const js = /\s/u;
    const diff: number[] = [];
    for (let c = 0; c <= 0xffff; c++) {
      const ch = String.fromCharCode(c);
      expect(ws.test(ch)).toBe(rust.has(c));
      if (js.test(ch) !== rust.has(c)) diff.push(c);
    }
    expect(diff).toEqual([0x85, 0xfeff]);
  });
});
