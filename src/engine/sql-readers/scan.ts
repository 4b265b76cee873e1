/**
 * What DuckDB's JSON reader cannot tell: the line number of each value. `read_json` numbers values,
 * not lines, and passes over blank lines, so SQL line numbers equal file line numbers only when every
 * line holds exactly one JSON object. This scan checks that on the raw bytes (gzip decompressed) while
 * DuckDB reads the file: every line starts with `{` (no blank line, no BOM, no top-level array or
 * scalar), and it counts the lines. It also finds the texts SQL cannot tell from a missing key
 * (`"service_tier":null` reads as NULL, but the TypeScript reader treats null as the standard tier):
 * a key followed by a value is looked for whatever the blanks around its colon, and a needle that
 * is a JSON string however it is spelled (`"\u0073ervice_tier"` is the same key to JSON.parse and
 * to DuckDB). And it finds the JSON DuckDB reads and JSON.parse rejects, which the TypeScript reader
 * would reject at its line: NaN and infinities as values (LENIENT_JSON_NEEDLES; LENIENT_JSON_BYTES for
 * the readers that can afford a regular expression), a form feed or vertical tab after a line's
 * closing brace (badLineEnd).
 */
import { createReadStream } from 'node:fs';
import { open } from 'node:fs/promises';
import { createGunzip } from 'node:zlib';

export interface LineScan {
  /** Lines in the file (a last line without a newline counts). */
  lines: number;
  /** Every line starts with `{` and no ambiguous text was found. */
  plain: boolean;
}

/**
 * The longest line `read_json` takes (its default): it reads in buffers of twice this per thread,
 * counted against the memory limit (64 MiB lines took 256 MiB of a 512 MiB limit on 2 threads). A
 * longer line fails the read and the file goes to the TypeScript reader.
 */
export const MAX_LINE_BYTES = 16 << 20;
/**
 * JSON texts DuckDB's JSON reader accepts and JSON.parse rejects, looked for in the raw bytes: a file
 * with one is the TypeScript reader's. NaN and infinities in any case (`NaN`, `nan`, `Inf`,
 * `-Infinity`: DuckDB's parser takes them all) where a value starts (after a colon, a comma or a
 * bracket) and ends (not "team:infra", "user:nancy"), a trailing comma in an object or array, and a
 * vertical tab or form feed. (A match inside a string, "ratio: nan,", sends the file to the
 * TypeScript reader too: slower, never wrong.) The blanks before and after a sign are two runs only
 * where the sign is: a run of blanks is not split two ways at each try (a colon and a long run of blanks
 * would cost the square of its length).
 */
export const LENIENT_JSON_BYTES = /[:,[][ \t\r]*(?:[-+][ \t\r]*)?(?:nan|inf(?:inity)?)(?=[^a-z0-9_])|,[ \t\r]*[}\]]|[\v\f]/i;
/**
 * NaN and infinities as bare values (random ids hold "NaN" often enough) in every spelling that starts
 * with a capital letter (`NaN`, `NAN`, `Inf`, `INF`, `Infinity`, `-INFINITY`: Python's json module,
 * Gson, R, Julia, printf's %F), the needles of a scan that cannot afford LENIENT_JSON_BYTES (a regular
 * expression over every byte: ~0.3 CPU s at 167 MB). Each is found through its capital (`N`, `I`:
 * rare in JSON text, one pass each, as the two three-byte anchors `NaN` and `Inf` before them) and
 * compared in any case. Not looked for: the spellings that start with a small letter (`nan`, `inf`,
 * `-inf`: printf's %f, lua-cjson) and trailing commas: a small letter or a comma is in every few
 * bytes of text, and a pass stopping at each cost ~40-55 ms more CPU at 167 MB per spelling
 * (measured, `nan` and `inf` ~95 ms). A match inside a string (a message saying "[NaN]") sends the
 * file to the TypeScript reader too: slower, never wrong.
 */
export const LENIENT_JSON_NEEDLES: readonly Needle[] = [
  { needle: 'nan', anchor: 'N', bare: true, caseless: true },
  { needle: 'inf', anchor: 'I', bare: true, caseless: true },
  { needle: 'infinity', anchor: 'I', bare: true, caseless: true },
];

const OPEN_BRACE = 0x7b;
const NEWLINE = 0x0a;

/**
 * How a needle is looked for: through a short part of it, its anchor (by default its last 3 bytes),
 * the whole needle compared at each place the anchor is found. Buffer.indexOf finds a short string
 * by memchr on its first byte, several times faster than a long one (three long needles were half
 * the scan's time): an anchor whose first byte is rare in the text, and which is rare itself, is fastest.
 * A one-byte anchor is looked for as a number (memchr alone): the cheapest call when the needle
 * itself is frequent (a key on every line), each call costing more than the bytes it passes over.
 */
export type Needle = string | { needle: string; anchor: string; value?: string; bare?: boolean; caseless?: boolean };
const ANCHOR_BYTES = 3;
/**
 * A needle with a `value` (a key such as `"service_tier"`) matches when blanks, a colon, blanks and
 * the value follow it. Blanks past this many around the colon are not told apart from a match at a
 * chunk boundary: such a file counts as not plain (the TypeScript reader reads it; never a missed match).
 */
const MAX_BLANKS = 64;
const COLON = 0x3a;
const COMMA = 0x2c;
const OPEN_BRACKET = 0x5b;
/** A byte that may go on a JSON literal or a number (a letter, a digit, an underscore). */
const isWordByte = (b: number): boolean => (b >= 0x30 && b <= 0x39) || (b >= 0x41 && b <= 0x5a) || (b >= 0x61 && b <= 0x7a) || b === 0x5f;

/** Bytes of the file kept before a chunk, so that a bare value near its start is read with what precedes it. */
const CONTEXT_BYTES = 64;

/**
 * Whether the bytes before `start` of `buf` (then `before`, the bytes of the file before `buf`) are,
 * past blanks and a sign, a colon, comma or bracket: where a JSON value starts. Undefined when blanks
 * and a sign run back through both.
 */
function valueStartsAt(buf: Buffer, start: number, before?: Buffer): boolean | undefined {
  const byte = (i: number): number | undefined => (i >= 0 ? buf[i] : before?.[before.length + i]);
  let i = start - 1;
  while (byte(i) !== undefined && isBlank(byte(i) as number)) i--;
  if (byte(i) === 0x2d || byte(i) === 0x2b) {
    i--;
    while (byte(i) !== undefined && isBlank(byte(i) as number)) i--;
  }
  const b = byte(i);
  return b === undefined ? undefined : b === COLON || b === COMMA || b === OPEN_BRACKET;
}

/** A blank inside a line (JSON whitespace but the newline). */
const isBlank = (b: number): boolean => b === 0x20 || b === 0x09 || b === 0x0d;

/** Whether blanks, a colon, blanks and `value` start at `at` of `buf`; undefined when `buf` ends before that is known. */
function valueAt(buf: Buffer, at: number, value: Buffer): boolean | undefined {
  let i = at;
  while (i < buf.length && isBlank(buf[i])) i++;
  if (i === buf.length) return undefined;
  if (buf[i] !== COLON) return false;
  i++;
  while (i < buf.length && isBlank(buf[i])) i++;
  const n = Math.min(value.length, buf.length - i);
  if (!bytesAt(buf, i, value, n)) return false;
  return n === value.length ? true : undefined;
}

/** Whether the first `n` bytes of `bytes` are at `at` of `buf` (in JS: a short compare costs less than a call to native code). */
function bytesAt(buf: Buffer, at: number, bytes: Buffer, n = bytes.length): boolean {
  for (let i = 0; i < n; i++) if (buf[at + i] !== bytes[i]) return false;
  return true;
}

/** Whether `letters` (small ASCII letters) are at `at` of `buf` in any case (a letter's case is its 0x20 bit). */
function lettersAt(buf: Buffer, at: number, letters: Buffer): boolean {
  for (let i = 0; i < letters.length; i++) if ((buf[at + i] | 0x20) !== letters[i]) return false;
  return true;
}

const QUOTE = 0x22;
const EIGHT = 0x38;
const BACKSLASH = 0x5c;
/** Where a JSON string may spell its characters as escapes: `\u` (the only escape that can stand for a letter). */
const ESCAPE_U = Buffer.from('\\u');
/** Where a JSON string may spell an ASCII character as an escape: `\u00` (what ASCII needles are found by: text in other scripts written with escapes, `\u4f60`, is passed over by indexOf alone). */
const ESCAPE_U00 = Buffer.from('\\u00');

/** Whether the byte at `at` of `buf` follows an odd run of backslashes (it is escaped); undefined when the run reaches the start of `buf`. */
function escaped(buf: Buffer, at: number): boolean | undefined {
  let i = at - 1;
  while (i >= 0 && buf[i] === BACKSLASH) i--;
  if (i < 0) return undefined;
  return (at - 1 - i) % 2 === 1;
}

/** Finds any of `needles` in `buf` (each needle whole inside `buf`). */
class NeedleSearch {
  private readonly anchors: Array<{
    anchor: Buffer;
    /** What indexOf looks for: a one-byte anchor as a number (memchr, the cheapest call), else the anchor. */
    find: Buffer | number;
    needles: Array<{ needle: Buffer; offset: number; value?: Buffer; bare?: boolean; caseless?: boolean }>;
  }> = [];
  /**
   * What a match across two chunks can have in each: the longest needle less one byte (a needle
   * with a value: the key, the colon, the value and MAX_BLANKS blanks).
   */
  readonly overlap: number;
  /**
   * The needles that are a JSON string (`"service_tier"`), by their text: found spelled with escapes
   * too, where a `\u` is inside a string of at most `escapedBytes` bytes, quotes included (each
   * character of a needle written as a 6-byte escape).
   */
  private readonly strings: Array<{ text: string; value?: Buffer }> = [];
  private readonly escapedBytes: number = 0;
  /** The fewest bytes of a string needle spelled with an escape: its text, the quotes and one 6-byte escape for a character. */
  private readonly shortestEscaped: number = Number.POSITIVE_INFINITY;
  /** What the escapes are looked for by: `\u00` when every string needle is ASCII, else `\u`. */
  private readonly escapeFind: Buffer;

  constructor(needles: readonly Needle[]) {
    let longest = 0;
    for (const n of needles) {
      const needle = Buffer.from(typeof n === 'string' ? n : n.needle);
      const anchor = typeof n === 'string' ? needle.subarray(Math.max(0, needle.length - ANCHOR_BYTES)) : Buffer.from(n.anchor);
      const value = typeof n === 'string' || n.value === undefined ? undefined : Buffer.from(n.value);
      const bare = typeof n !== 'string' && n.bare === true;
      // a caseless needle: small letters, found through its anchor in any case
      const caseless = typeof n !== 'string' && n.caseless === true;
      if (caseless && !/^[a-z]+$/.test(needle.toString())) throw new Error(`caseless needle "${needle}" is not small letters`);
      const offset = caseless ? needle.indexOf(anchor.toString().toLowerCase()) : needle.indexOf(anchor);
      if (offset === -1) throw new Error(`anchor "${anchor}" is not part of "${needle}"`);
      const text = jsonString(needle.toString());
      if (text !== undefined) {
        this.strings.push({ text, value });
        this.escapedBytes = Math.max(this.escapedBytes, 6 * text.length + 2);
        this.shortestEscaped = Math.min(this.shortestEscaped, text.length + 2 + 5);
        longest = Math.max(longest, 6 * text.length + 2 + (value ? 1 + value.length + MAX_BLANKS : 0));
      }
      // (a bare value: the byte after it too)
      longest = Math.max(longest, needle.length + (value ? 1 + value.length + MAX_BLANKS : 0) + (bare ? 1 : 0));
      const same = this.anchors.find((a) => a.anchor.equals(anchor));
      if (same) same.needles.push({ needle, offset, value, bare, caseless });
      else
        this.anchors.push({ anchor, find: anchor.length === 1 ? anchor[0] : anchor, needles: [{ needle, offset, value, bare, caseless }] });
    }
    this.overlap = Math.max(0, longest - 1);
    // (every character of every string needle ASCII: escapes of other characters need not be looked at)
    this.escapeFind = this.strings.every(({ text }) => [...text].every((c) => c.charCodeAt(0) < 0x80)) ? ESCAPE_U00 : ESCAPE_U;
  }

  /**
   * Whether a needle is in `buf`. A key whose value `buf` cuts off counts as found when at least
   * `overlap` bytes follow its start (then only blanks past MAX_BLANKS hide its value); a key
   * nearer the end is left to the next search, whose bytes start with the last `overlap` of these.
   * `joined`: `buf` is that search (the bytes before a chunk and its start; the chunk from `boundary`);
   * `before`: the bytes before `buf` (a chunk), where a bare value's start is read.
   */
  in(buf: Buffer, joined?: { boundary: number }, before?: Buffer): boolean {
    const defer = buf.length - this.overlap;
    for (const { find, needles } of this.anchors)
      for (let at = buf.indexOf(find); at !== -1; at = buf.indexOf(find, at + 1))
        for (const { needle, offset, value, bare, caseless } of needles) {
          const start = at - offset;
          const end = start + needle.length;
          if (start < 0 || end > buf.length || !(caseless ? lettersAt(buf, start, needle) : bytesAt(buf, start, needle))) continue;
          if (bare) {
            // judged by one search only, the one holding it and the byte after it first: a chunk, or the
            // search across a boundary it crosses; a text cut off before a value starts counts as one (never missed)
            if (end >= buf.length || (joined && !(start < joined.boundary && end >= joined.boundary))) continue;
            if (!isWordByte(buf[end]) && valueStartsAt(buf, start, before) !== false) return true;
            continue;
          }
          const found = value ? valueAt(buf, end, value) : true;
          if (found === true || (found === undefined && start < defer)) return true;
        }
    if (this.strings.length > 0) {
      // a text this dense in escapes is read by the TypeScript reader (as not plain): looking through it
      // here, an escape at a time, would cost more than that read (`"\u00e9"` tokens: ~1.4 s for 86 MB).
      // Strings looked through, one in 16 bytes; `\\u00` (escaped JSON inside a string), one in 4
      let strings = (buf.length >> 4) + 1024;
      let visits = (buf.length >> 2) + 1024;
      for (let at = buf.indexOf(this.escapeFind); at !== -1; ) {
        if (--visits < 0) return true;
        // a backslash that is itself escaped (`\\u`) starts no escape
        if (escaped(buf, at) === true) {
          at = buf.indexOf(this.escapeFind, at + 2);
          continue;
        }
        if (--strings < 0) return true;
        const next = this.escapedIn(buf, at, defer);
        if (next === true) return true;
        at = buf.indexOf(this.escapeFind, next);
      }
    }
    return false;
  }

  /**
   * Whether the JSON string holding the escape at `at` is a string needle spelled with escapes
   * (true); else where to look for the next escape: past that string, whose other escapes are in the
   * same string (a text of escapes only is read once, not once per escape). The string runs from the
   * nearest quote before `at` (inside a string, the nearest unescaped quote is its opening one) to the
   * nearest unescaped quote after; one longer than any needle's escaped spelling, or holding an
   * escaped quote, is none. A quote at the start of `buf` is taken as unescaped (a backslash before
   * it, in the bytes before `buf`, would only make a match wrongly found: the file then goes to the
   * TypeScript reader); a string `buf` cuts off is left to the search across the chunk boundary.
   */
  private escapedIn(buf: Buffer, at: number, defer: number): true | number {
    /** Past the next unescaped quote after the escape: the end of its string. */
    const past = (): number => {
      for (let q = buf.indexOf(QUOTE, at + 2); q !== -1; q = buf.indexOf(QUOTE, q + 1)) if (escaped(buf, q) !== true) return q + 1;
      return buf.length;
    };
    // an escape of a character an ASCII needle does not have (`\u00e9`, `\u4f60`): its string is no needle
    if (this.escapeFind === ESCAPE_U00 && at + 4 < buf.length && buf[at + 4] >= EIGHT) return past();
    const limit = this.escapedBytes;
    let start = at - 1;
    while (start >= 0 && at - start < limit && buf[start] !== QUOTE) start--;
    if (start < 0 || buf[start] !== QUOTE || escaped(buf, start) === true) return past();
    let end = at + 2;
    while (end < buf.length && end - start < limit && buf[end] !== QUOTE) end++;
    if (end >= buf.length) return buf.length;
    if (buf[end] !== QUOTE || escaped(buf, end) === true) return past();
    // (a needle spelled with at least one escape is at least 7 bytes longer than its text)
    if (end + 1 - start < this.shortestEscaped) return end + 1;
    const text = jsonString(buf.toString('utf8', start, end + 1));
    for (const { text: needle, value } of this.strings) {
      if (text !== needle) continue;
      if (!value) return true;
      const found = valueAt(buf, end + 1, value);
      if (found === true || (found === undefined && start < defer)) return true;
    }
    return end + 1;
  }
}

/** The text of `json` when it is one JSON string, else undefined. */
function jsonString(json: string): string | undefined {
  if (json.length < 2 || !json.startsWith('"') || !json.endsWith('"')) return undefined;
  try {
    const v: unknown = JSON.parse(json);
    return typeof v === 'string' ? v : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Scans `file` (gzip when its name ends in .gz); `ambiguous` are byte strings that make it not plain,
 * and so does a match of `pattern` (tried on the bytes as latin1 text, whose matches must not span
 * more than a run of spaces and tabs across two chunks), read `chunkBytes` at a time.
 */
export async function scanLines(
  file: string,
  ambiguous: readonly Needle[] = [],
  pattern?: RegExp,
  chunkBytes = 1 << 20,
): Promise<LineScan> {
  // a file that cannot be read to its end (a truncated gzip) is not plain: the TypeScript reader says what is wrong
  // with it (a rejection here, before the caller awaits the scan, ended the process)
  return scanLinesOf(file, ambiguous, chunkBytes, pattern).catch(() => ({ lines: -1, plain: false }));
}

async function scanLinesOf(file: string, ambiguous: readonly Needle[], chunkBytes: number, pattern?: RegExp): Promise<LineScan> {
  const search = new NeedleSearch(ambiguous);
  const { overlap } = search;
  let lines = 0;
  let plain = true;
  /** The file so far ended with a newline (or is empty): the next byte starts a line. */
  let atLineStart = true;
  /** The last `overlap` + CONTEXT_BYTES bytes of the file so far (a copy). */
  let tail = Buffer.alloc(0);
  const tailBytes = overlap + CONTEXT_BYTES;
  /** The last LINE_END_BYTES bytes of the file before the chunk (a copy). */
  let before = Buffer.alloc(0);
  let textTail = '';
  for await (const chunk of chunksOf(file, chunkBytes)) {
    if (chunk.length === 0) continue;
    if (atLineStart && chunk[0] !== OPEN_BRACE) plain = false;
    let nl = chunk.indexOf(NEWLINE);
    while (nl !== -1) {
      lines++;
      if (nl + 1 < chunk.length && chunk[nl + 1] !== OPEN_BRACE) plain = false;
      if (chunk[nl - 1] !== CLOSE_BRACE && badLineEnd(chunk, nl, before)) plain = false;
      nl = chunk.indexOf(NEWLINE, nl + 1);
    }
    atLineStart = chunk[chunk.length - 1] === NEWLINE;
    // (the bytes a line end may look back to in the next chunk)
    before =
      chunk.length >= LINE_END_BYTES
        ? Buffer.from(chunk.subarray(-LINE_END_BYTES))
        : Buffer.concat([before, chunk]).subarray(-LINE_END_BYTES);
    if (plain && ambiguous.length > 0) {
      // matches inside the chunk, then those across the end of the last one (a few bytes of each)
      if (
        search.in(chunk, undefined, tail) ||
        (tail.length > 0 && search.in(Buffer.concat([tail, chunk.subarray(0, overlap)]), { boundary: tail.length }))
      )
        plain = false;
      tail =
        chunk.length >= tailBytes
          ? Buffer.from(chunk.subarray(chunk.length - tailBytes))
          : Buffer.concat([tail, chunk]).subarray(-tailBytes);
    }
    if (plain && pattern) {
      const text = textTail + chunk.toString('latin1');
      if (pattern.test(text)) plain = false;
      // what a match across the end of this text would start with starts the next chunk's text
      const carried = lenientStart(text);
      if (carried === undefined) plain = false;
      else textTail = carried;
    }
    if (!plain) break;
  }
  if (!atLineStart) {
    lines++;
    if (plain && before.length > 0 && before[before.length - 1] !== CLOSE_BRACE && badLineEnd(before, before.length, Buffer.alloc(0)))
      plain = false;
  }
  return { lines, plain };
}

const CLOSE_BRACE = 0x7d;
/** Bytes a line end is looked back over (blanks after a line's closing brace past this many: not plain). */
const LINE_END_BYTES = 64;
const isLineEndBlank = (b: number): boolean => b === 0x20 || b === 0x09 || b === 0x0d || b === 0x0b || b === 0x0c;

/**
 * Whether the line ending at `nl` of `chunk` (`before`: the bytes of the file before the chunk) ends
 * with blanks holding a vertical tab or a form feed after its last value: DuckDB's JSON reader takes
 * them there, JSON.parse rejects the line (anywhere else in a line DuckDB rejects them too). Blanks
 * running back past LINE_END_BYTES count as such an end (never a missed one).
 */
function badLineEnd(chunk: Buffer, nl: number, before: Buffer): boolean {
  for (let i = nl - 1; i >= nl - LINE_END_BYTES; i--) {
    // (past the chunk, `before`; past that, the start of the file)
    const b = i >= 0 ? chunk[i] : before[before.length + i];
    if (b === undefined || !isLineEndBlank(b)) return false;
    if (b === 0x0b || b === 0x0c) return true;
  }
  return true;
}

/** The longest blanks LENIENT_JSON_BYTES is carried across a chunk boundary through (longer: the file is not plain). */
const MAX_CARRIED_BLANKS = 4096;
const isTextBlank = (c: number): boolean => c === 0x20 || c === 0x09 || c === 0x0d;
const isLetter = (c: number): boolean => (c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a);
/** The longest literal LENIENT_JSON_BYTES matches (`infinity`). */
const MAX_LITERAL = 8;

/**
 * The end of `text` a match of LENIENT_JSON_BYTES could start with and the next chunk complete: a
 * colon, comma or bracket, blanks, a sign, blanks and up to eight letters (`: -in`, `,\t`, `:nan`: the
 * byte after a literal decides it), or '' when none;
 * undefined when the blanks in it run past MAX_CARRIED_BLANKS.
 */
function lenientStart(text: string): string | undefined {
  let i = text.length;
  while (i > 0 && isTextBlank(text.charCodeAt(i - 1))) i--;
  let j = i;
  while (j > 0 && i - j <= MAX_LITERAL && isLetter(text.charCodeAt(j - 1))) j--;
  // (more letters than the longest literal, or letters with a blank after them: whether they match is known here)
  if (i - j > MAX_LITERAL || (j < i && i < text.length)) return '';
  let k = j;
  while (k > 0 && isTextBlank(text.charCodeAt(k - 1))) k--;
  if (k > 0 && (text[k - 1] === '-' || text[k - 1] === '+')) j = k - 1;
  const blanksFrom = j;
  while (j > 0 && isTextBlank(text.charCodeAt(j - 1))) j--;
  if (j === 0 || !':,['.includes(text[j - 1])) return '';
  if (blanksFrom - j + (text.length - i) > MAX_CARRIED_BLANKS) return undefined;
  return text.slice(j - 1);
}

/**
 * The bytes of `file` a chunk at a time (gzip decompressed when its name ends in .gz). A plain file
 * is read into one buffer, reused: each chunk is valid until the next one is asked for (a read
 * stream's fresh buffer per chunk cost twice the CPU). Leaving the loop early closes the file.
 */
async function* chunksOf(file: string, chunkBytes: number): AsyncGenerator<Buffer> {
  if (file.endsWith('.gz')) {
    const raw = createReadStream(file, { highWaterMark: chunkBytes });
    try {
      yield* raw.pipe(createGunzip()) as AsyncIterable<Buffer>;
    } finally {
      raw.destroy();
    }
    return;
  }
  const handle = await open(file);
  try {
    const buf = Buffer.allocUnsafe(chunkBytes);
    for (;;) {
      const { bytesRead } = await handle.read(buf, 0, chunkBytes, null);
      if (bytesRead === 0) return;
      yield buf.subarray(0, bytesRead);
    }
  } finally {
    await handle.close();
  }
}

/** The first `count` lines of `file` parsed as JSON (gzip when .gz); undefined when one is not JSON or is longer than `maxBytes`. */
export async function firstValues(file: string, count: number, maxBytes = 4 << 20): Promise<unknown[] | undefined> {
  const raw = createReadStream(file, { highWaterMark: 64 << 10 });
  const stream = file.endsWith('.gz') ? raw.pipe(createGunzip()) : raw;
  const parts: Buffer[] = [];
  let bytes = 0;
  let newlines = 0;
  try {
    for await (const chunk of stream as AsyncIterable<Buffer>) {
      parts.push(chunk);
      bytes += chunk.length;
      for (let i = chunk.indexOf(NEWLINE); i !== -1; i = chunk.indexOf(NEWLINE, i + 1)) newlines++;
      if (newlines >= count || bytes > maxBytes) break;
    }
  } finally {
    raw.destroy();
  }
  const lines = Buffer.concat(parts).toString('utf8').split('\n');
  if (newlines >= count) lines.length = count;
  else if (bytes > maxBytes) return undefined;
  try {
    return lines.filter((l) => l.trim() !== '').map((l) => JSON.parse(l) as unknown);
  } catch {
    return undefined;
  }
}
