/**
 * Pure work planning for parallel counting: split texts into chunks of about
 * `chunkChars` UTF-16 units, cutting long texts only where every supported
 * pre-tokenizer pattern is guaranteed to end a piece, so that
 * count(text) === Σ count(parts).
 *
 * Safe cut: just before the space in ASCII-letter, space, ASCII-letter. In
 * all four patterns no alternative can consume a letter followed by a space
 * (letter runs stop at the space, punctuation classes exclude letters and
 * whitespace, whitespace classes exclude letters, contractions end in a
 * letter), and no lookahead is ever evaluated just after a letter. So a piece
 * ends at the cut, and the rest is matched from the cut as if it were a new
 * string (the patterns have no anchors or lookbehind).
 * (A cut after "\n" is NOT safe in general: for p50k/r50k, `\s+(?!\S)` at the
 * end of a chunk would see end-of-text instead of the following letter.)
 */

export interface Segment {
  /** Index of the source text in the caller's array. */
  index: number;
  text: string;
}

export type Chunk = Segment[];

function isAsciiLetter(c: number): boolean {
  return (c >= 0x61 && c <= 0x7a) || (c >= 0x41 && c <= 0x5a);
}

/** True when a piece boundary is guaranteed at offset `p` of `text`. */
export function isSafeCut(text: string, p: number): boolean {
  return (
    p > 0 &&
    p + 1 < text.length &&
    text.charCodeAt(p) === 0x20 &&
    isAsciiLetter(text.charCodeAt(p - 1)) &&
    isAsciiLetter(text.charCodeAt(p + 1))
  );
}

/** The first safe cut at or after `from`, or -1. */
export function nextSafeCut(text: string, from: number): number {
  for (let p = text.indexOf(' ', Math.max(1, from)); p !== -1; p = text.indexOf(' ', p + 1)) {
    if (isSafeCut(text, p)) return p;
  }
  return -1;
}

/** Splits one text into parts of at least `chunkChars` (except the last) at safe cuts. */
export function splitText(text: string, chunkChars: number): string[] {
  const parts: string[] = [];
  let start = 0;
  while (text.length - start > chunkChars) {
    const cut = nextSafeCut(text, start + chunkChars);
    if (cut === -1) break;
    parts.push(text.slice(start, cut));
    start = cut;
  }
  parts.push(start === 0 ? text : text.slice(start));
  return parts;
}

/** Groups texts (split where long) into chunks of roughly `chunkChars`. */
export function planChunks(texts: readonly string[], chunkChars: number): Chunk[] {
  if (!(chunkChars >= 1)) throw new RangeError(`chunkChars must be >= 1 (got ${chunkChars})`);
  const chunks: Chunk[] = [];
  let current: Chunk = [];
  let size = 0;
  const flush = (): void => {
    if (current.length > 0) chunks.push(current);
    current = [];
    size = 0;
  };
  texts.forEach((text, index) => {
    for (const part of splitText(text, chunkChars)) {
      current.push({ index, text: part });
      size += part.length;
      if (size >= chunkChars) flush();
    }
  });
  flush();
  return chunks;
}
