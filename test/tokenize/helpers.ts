/**
 * Independent reference paths for the tokenizer tests: js-tiktoken's own
 * encoder, and a textbook byte-pair merge written here from the definition
 * (over js-tiktoken's own parse of the rank file, keyed by "b1,b2,...").
 */
import { Tiktoken } from 'js-tiktoken/lite';
import o200k from 'js-tiktoken/ranks/o200k_base';
import cl100k from 'js-tiktoken/ranks/cl100k_base';
import p50k from 'js-tiktoken/ranks/p50k_base';
import r50k from 'js-tiktoken/ranks/r50k_base';
import type { EncodingName } from '../../src/tokenize/index.js';

const files = { o200k_base: o200k, cl100k_base: cl100k, p50k_base: p50k, r50k_base: r50k };
const cache = new Map<EncodingName, Tiktoken>();

export function jsTiktoken(name: EncodingName): Tiktoken {
  let t = cache.get(name);
  if (!t) {
    t = new Tiktoken(files[name]);
    cache.set(name, t);
  }
  return t;
}

/** js-tiktoken's encode as ordinary text (no special tokens recognised, none rejected). */
export function jsEncode(text: string, name: EncodingName): number[] {
  return jsTiktoken(name).encode(text, [], []);
}

/**
 * BPE of one pre-token by the definition: while some adjacent pair of parts
 * concatenates to a ranked token, merge the lowest-ranked pair (leftmost on
 * ties). Quadratic; for short pieces only.
 */
export function referenceBpe(piece: string, name: EncodingName): number[] {
  const rankMap = (jsTiktoken(name) as unknown as { rankMap: Map<string, number> }).rankMap;
  const rank = (bytes: number[]): number | undefined => rankMap.get(bytes.join(','));
  let parts: number[][] = [...Buffer.from(piece, 'utf8')].map((b) => [b]);
  for (;;) {
    let best = -1;
    let bestRank = Infinity;
    for (let i = 0; i + 1 < parts.length; i++) {
      const r = rank([...parts[i], ...parts[i + 1]]);
      if (r !== undefined && r < bestRank) {
        bestRank = r;
        best = i;
      }
    }
    if (best < 0) break;
    parts = [...parts.slice(0, best), [...parts[best], ...parts[best + 1]], ...parts.slice(best + 2)];
  }
  return parts.map((p) => rank(p) as number);
}

/** A deterministic pseudo-random generator (LCG) for reproducible inputs. */
export function lcg(seed: number): () => number {
  let s = seed >>> 0;
  return () => (s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 4294967296;
}

const WORDS = (
  'the of and to in is that it for was on are as with his they at be this from have or by one had not ' +
  'but what all were when we there can an your which their said if do will each about how up out them ' +
  'tokenization pricing latency cached completion prompt invoice quarterly throughput'
).split(' ');

/** Generated English-like prose with punctuation, numbers and paragraph breaks. */
export function prose(chars: number, seed = 1): string {
  const rnd = lcg(seed);
  const out: string[] = [];
  let n = 0;
  while (n < chars) {
    const words: string[] = [];
    const k = 5 + Math.floor(rnd() * 15);
    for (let i = 0; i < k; i++) {
      let w = WORDS[Math.floor(rnd() * WORDS.length)];
      if (i === 0) w = w[0].toUpperCase() + w.slice(1);
      if (rnd() < 0.04) w = String(Math.floor(rnd() * 1e6));
      if (rnd() < 0.06) w += ',';
      words.push(w);
    }
    const s = words.join(' ') + (rnd() < 0.2 ? '.\n\n' : '. ');
    out.push(s);
    n += s.length;
  }
  return out.join('');
}

/** A varied corpus: prose, code, unicode, emoji, numbers, whitespace runs, CRLF. */
export const CORPUS: readonly string[] = [
  '',
  'Hello, world!',
  "I'm sure they'll say it's fine; we've DONE it, HAVEN'T we? She'd've LL'd.",
  'function add(a: number, b: number): number {\n  return a + b; // sum\n}\n',
  'def f(x):\n\tif x > 10:\n\t\treturn [i ** 2 for i in range(x)]\n',
  '{"model":"gpt-4o","usage":{"prompt_tokens":1234,"completion_tokens":56}}',
  'Numbers: 1 12 123 1234 12345 3.14159 -42 1e10 0x1F 1,000,000 ٣٤٥ ⅷ',
  'Ünïcödé façade naïve résumé Straße ĲSSELMEER ǅemal',
  '日本語のテキストと中文文本和한국어 텍스트',
  'Русский текст и ελληνικά κείμενα, עברית וערבית العربية',
  'Emoji: 🎉👍🏽👨‍👩‍👧‍👦🏳️‍🌈 and flags 🇫🇷🇯🇵 ✔︎',
  'Combining: e\u0301 a\u0308 n\u0303 \u0915\u094d\u0937 ñ',
  'spaces:    four, tabs:\t\t\ttwo, mixed \t \t end   ',
  'line1\r\nline2\r\n\r\nline3\n\n\n  indented\n\t\ttabbed\r\n',
  '   leading and trailing   ',
  '\n\n\n',
  'a/b/c//d ///e https://example.com/path?q=1&r=2#frag',
  'CamelCaseIdentifiersLikeXMLHttpRequest and snake_case_names and SCREAMING_CASE',
  '$$$ %%% ^^^ &&& *** ((())) [[[]]] {{{}}} <<<>>> ... --- ___ +++ === ~~~',
  '<|endoftext|> is just text here <|fim_prefix|>',
  'lone surrogates \ud800 and \udc00x and pair \ud83d\ude00',
  'nbsp\u00a0here and\u2003em space and\u3000ideographic space',
  '\u2028line separator\u2029paragraph',
  'aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa',
  'x'.repeat(300) + ' ' + 'ab'.repeat(200) + ' ' + '0123456789'.repeat(20),
  'Y2hhdGdwdC1jb3N0LWFuYWx5emVyLXRlc3QtYmFzZTY0LXN0cmluZw==/+abc' + 'Zm9v'.repeat(40),
];
