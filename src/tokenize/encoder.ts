/**
 * The tokenizer: pre-tokenize with the encoding's pattern (tiktoken whitespace
 * semantics, see encodings.ts), then byte-pair merge each piece (bpe.ts).
 *
 * Text is encoded as ordinary text: special-token strings such as
 * `<|endoftext|>` are tokenized like any other characters (tiktoken's
 * `encode_ordinary`), which is what counting logged prompts needs.
 */
import { bytePairEncode, pairRankTable, type RankTable } from './bpe.js';
import { RangeTable } from './rangetable.js';
import { getEncoding, type EncodingData, type EncodingName } from './encodings.js';

/** Pieces up to this many bytes have their merge result cached. */
const CACHE_PIECE_BYTES = 64;
/** Entries per cache generation (two generations are kept). */
const CACHE_GENERATION_SIZE = 20000;

const NON_ASCII = /[^\x00-\x7f]/;

/**
 * UTF-8 bytes of `s` as a byte string. Unpaired surrogates become U+FFFD, as
 * in TextEncoder and in tiktoken (which replaces them before encoding).
 */
export function toByteString(s: string): string {
  if (s.length > 1024) return Buffer.from(s, 'utf8').toString('latin1');
  const b: number[] = [];
  for (let i = 0; i < s.length; i++) {
    let c = s.charCodeAt(i);
    if (c < 0x80) {
      b.push(c);
    } else if (c < 0x800) {
      b.push(0xc0 | (c >> 6), 0x80 | (c & 63));
    } else if (c >= 0xd800 && c <= 0xdbff && i + 1 < s.length && isLow(s.charCodeAt(i + 1))) {
      const cp = 0x10000 + ((c - 0xd800) << 10) + (s.charCodeAt(++i) - 0xdc00);
      b.push(0xf0 | (cp >> 18), 0x80 | ((cp >> 12) & 63), 0x80 | ((cp >> 6) & 63), 0x80 | (cp & 63));
    } else {
      if (c >= 0xd800 && c <= 0xdfff) c = 0xfffd;
      b.push(0xe0 | (c >> 12), 0x80 | ((c >> 6) & 63), 0x80 | (c & 63));
    }
  }
  return String.fromCharCode.apply(null, b);
}

function isLow(c: number): boolean {
  return c >= 0xdc00 && c <= 0xdfff;
}

interface EncoderOptions {
  /**
   * 'tiktoken' (default): `\s` as Unicode White_Space, matching OpenAI's
   * tiktoken. 'js': the pattern exactly as js-tiktoken ships it (for
   * comparisons only).
   */
  whitespace?: 'tiktoken' | 'js';
}

export class Encoder implements RankTable {
  readonly ranks: Map<string, number>;
  readonly maxTokenBytes: number;
  readonly pairRanks: Int32Array;
  readonly rangeRanks: RangeTable;
  private readonly re: RegExp;
  private young = new Map<string, number[]>();
  private old = new Map<string, number[]>();

  constructor(
    readonly data: EncodingData,
    opts: EncoderOptions = {},
  ) {
    this.ranks = data.ranks;
    this.maxTokenBytes = data.maxTokenBytes;
    this.pairRanks = pairRankTable(data.ranks);
    this.rangeRanks = new RangeTable(data.ranks);
    const pattern = opts.whitespace === 'js' ? data.jsPattern : data.pattern;
    this.re = new RegExp(pattern, 'gu');
  }

  /** Pre-tokens of `text` (for tests and diagnostics). */
  pieces(text: string): string[] {
    return text.match(this.re) ?? [];
  }

  /** Token ids of `text`, identical to tiktoken's `encode_ordinary`. */
  encode(text: string): number[] {
    const out: number[] = [];
    const ascii = !NON_ASCII.test(text);
    const re = this.re;
    re.lastIndex = 0;
    let m: RegExpExecArray | null;
    while ((m = re.exec(text)) !== null) {
      const piece = m[0];
      const key = ascii || !NON_ASCII.test(piece) ? piece : toByteString(piece);
      const r = this.ranks.get(key);
      if (r !== undefined) out.push(r);
      else this.mergeInto(key, out);
    }
    return out;
  }

  /** Number of tokens in `text`; same as `encode(text).length`, cheaper. */
  count(text: string): number {
    let n = 0;
    const ascii = !NON_ASCII.test(text);
    const re = this.re;
    re.lastIndex = 0;
    let m: RegExpExecArray | null;
    let scratch: number[] | undefined;
    while ((m = re.exec(text)) !== null) {
      const piece = m[0];
      const key = ascii || !NON_ASCII.test(piece) ? piece : toByteString(piece);
      if (this.ranks.has(key)) {
        n++;
      } else if (key.length <= CACHE_PIECE_BYTES) {
        n += this.cachedMerge(key).length;
      } else {
        scratch ??= [];
        scratch.length = 0;
        bytePairEncode(this, key, scratch);
        n += scratch.length;
      }
    }
    return n;
  }

  private mergeInto(key: string, out: number[]): void {
    if (key.length > CACHE_PIECE_BYTES) {
      bytePairEncode(this, key, out);
      return;
    }
    const ids = this.cachedMerge(key);
    for (let i = 0; i < ids.length; i++) out.push(ids[i]);
  }

  /** Merge result for a short piece, from a two-generation bounded cache. */
  private cachedMerge(key: string): number[] {
    let ids = this.young.get(key);
    if (ids !== undefined) return ids;
    ids = this.old.get(key);
    if (ids === undefined) {
      ids = [];
      bytePairEncode(this, key, ids);
    }
    if (this.young.size >= CACHE_GENERATION_SIZE) {
      this.old = this.young;
      this.young = new Map();
    }
    this.young.set(key, ids);
    return ids;
  }
}

const encoders = new Map<EncodingName, Encoder>();

/** The shared encoder for an encoding (rank table loaded on first use). */
export function getEncoder(name: EncodingName): Encoder {
  let e = encoders.get(name);
  if (e === undefined) {
    e = new Encoder(getEncoding(name));
    encoders.set(name, e);
  }
  return e;
}
