/**
 * BPE rank tables and pre-tokenizer patterns for the OpenAI encodings, loaded
 * lazily (once per process and encoding) from js-tiktoken's rank modules.
 *
 * Rank keys are "byte strings": one UTF-16 code unit per byte (0..255), the
 * same bytes tiktoken ranks. For pure-ASCII text the JS string already is its
 * byte string, so the common case needs no conversion at all.
 */
import { createRequire } from 'node:module';

export type EncodingName = 'o200k_base' | 'cl100k_base' | 'p50k_base' | 'r50k_base';

export const ENCODING_NAMES: readonly EncodingName[] = ['o200k_base', 'cl100k_base', 'p50k_base', 'r50k_base'];

/** The shape of js-tiktoken's `ranks/<name>` modules. */
interface RankFile {
  pat_str: string;
  special_tokens: Record<string, number>;
  bpe_ranks: string;
}

export interface EncodingData {
  readonly name: EncodingName;
  /** byte string → rank (= token id) */
  readonly ranks: Map<string, number>;
  /** The pattern as shipped by js-tiktoken (JavaScript `\s` semantics). */
  readonly jsPattern: string;
  /** The pattern rewritten to tiktoken's (Rust) `\s` semantics; see below. */
  readonly pattern: string;
  /** Longest token in bytes; longer byte spans cannot have a rank. */
  readonly maxTokenBytes: number;
  readonly specialTokens: Readonly<Record<string, number>>;
}

/*
 * Why js-tiktoken miscounts text with U+FEFF (BOM) or U+0085 (NEL):
 *
 * tiktoken compiles these patterns with Rust's fancy-regex, which hands `\s`
 * and `\S` to the `regex` crate, where (in Unicode mode) `\s` is exactly the
 * Unicode property White_Space: U+0009-000D, U+0020, U+0085, U+00A0, U+1680,
 * U+2000-200A, U+2028, U+2029, U+202F, U+205F, U+3000.
 * JavaScript's `\s` is ECMAScript WhiteSpace + LineTerminator: the same set
 * MINUS U+0085 and PLUS U+FEFF (ZWNBSP is listed in ECMA-262's WhiteSpace).
 *
 * So in tiktoken a BOM is an ordinary "other" character (joins punctuation
 * runs, `[^\s\p{L}\p{N}]+`) while js-tiktoken treats it as whitespace; and a
 * NEL is whitespace in tiktoken but punctuation-like in js-tiktoken. The
 * pieces differ, hence the token ids and counts differ.
 *
 * Fix: rewrite `\s` → `\p{White_Space}` and `\S` → `\P{White_Space}` (valid in
 * JavaScript `u`-mode regexes, including inside character classes), which
 * makes the JavaScript pattern select the same character set as Rust's.
 * (`\p{L}`, `\p{N}` etc. already agree, up to the Unicode version each engine
 * ships.)
 */
export function toRustWhitespaceSemantics(pattern: string): string {
  let out = '';
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i];
    if (c !== '\\' || i + 1 >= pattern.length) {
      out += c;
      continue;
    }
    const e = pattern[i + 1];
    if (e === 's') out += '\\p{White_Space}';
    else if (e === 'S') out += '\\P{White_Space}';
    else out += c + e;
    i++;
  }
  return out;
}

const require = createRequire(import.meta.url);
const cache = new Map<EncodingName, EncodingData>();

function loadRankFile(name: EncodingName): RankFile {
  // The rank modules ship a CommonJS build; `require` keeps loading synchronous.
  const mod = require(`js-tiktoken/ranks/${name}`) as RankFile | { default: RankFile };
  return 'bpe_ranks' in mod ? mod : mod.default;
}

/** Parses js-tiktoken's compressed rank text: lines of `! <offset> <b64> <b64> ...`. */
function parseRanks(bpeRanks: string): { ranks: Map<string, number>; maxTokenBytes: number } {
  const ranks = new Map<string, number>();
  let maxTokenBytes = 0;
  for (const line of bpeRanks.split('\n')) {
    if (line.length === 0) continue;
    const fields = line.split(' ');
    const offset = Number.parseInt(fields[1], 10);
    for (let i = 2; i < fields.length; i++) {
      const key = atob(fields[i]); // a binary string: one code unit per byte
      ranks.set(key, offset + i - 2);
      if (key.length > maxTokenBytes) maxTokenBytes = key.length;
    }
  }
  return { ranks, maxTokenBytes };
}

/** Returns the (cached) rank table and patterns for an encoding. */
export function getEncoding(name: EncodingName): EncodingData {
  const hit = cache.get(name);
  if (hit) return hit;
  if (!ENCODING_NAMES.includes(name)) throw new Error(`unknown encoding: ${String(name)}`);
  const file = loadRankFile(name);
  const { ranks, maxTokenBytes } = parseRanks(file.bpe_ranks);
  const data: EncodingData = {
    name,
    ranks,
    jsPattern: file.pat_str,
    pattern: toRustWhitespaceSemantics(file.pat_str),
    maxTokenBytes,
    specialTokens: { ...file.special_tokens },
  };
  cache.set(name, data);
  return data;
}
