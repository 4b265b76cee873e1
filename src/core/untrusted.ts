/**
 * Untrusted text (model ids, feature and customer names, file names, prompt ids: anything that came
 * from a log, a prompt file or a config) is made inert before it reaches a terminal, a markdown
 * document or a CI log. One place decides how, so every formatter escapes alike.
 *
 * - Control characters (C0, DEL, C1), the Unicode line/paragraph separators, format characters (bidi
 *   marks, embeddings, overrides and isolates, zero-width spaces and joiners, the soft hyphen, the BOM,
 *   tag characters) and the other invisible (default-ignorable) code points become visible escapes
 *   (`\x1b`, `\n`, `\u202e`, `\u200b`, `\u{e0041}`): an escape sequence cannot clear the screen, set
 *   the clipboard or forge a row, a newline cannot start a new line, and `ac\u200bme` cannot pass for
 *   `acme`. JSON text writes the same characters as `\u` escapes (jsonInert). The one exception: a
 *   zero-width (non-)joiner between two letters of a script that writes with them (Persian, the Indic
 *   scripts) is part of the word and shown as it is.
 * - Displayed names are capped in length (`…` marks the cut), so one 10 MB id cannot pad a table.
 * - Text a CI runner reads as a workflow command has its first character escaped: GitHub Actions runs a
 *   log line that starts, after any indentation, with `::name ` or `::name::` (`::warning::x`,
 *   `::add-mask::x`, `::stop-commands::x`), and a `##[name]` anywhere in a line. A name is shown at the
 *   start of a table row, and wrapping starts lines after a space, so `::error::x` at the start of a text
 *   or after a space shows as `\x3a:error::x`, and `##[error]` anywhere as `\x23#[error]` (JSON text:
 *   `\u0023#[`). Inside a word `::` stays (an OpenAI fine-tune `ft:gpt-4o:org::abc`, a Bedrock ARN).
 */

/** Longest untrusted name shown in a table cell or a message, in characters. */
export const MAX_DISPLAY_CHARS = 120;

/**
 * What is shown as an escape: controls (Cc: C0, DEL, C1), format characters (Cf: bidi marks U+200E/F and
 * U+061C, embeddings, overrides, isolates, zero-width space/joiners, word joiner, soft hyphen, BOM, tag
 * characters U+E0000-E007F), line/paragraph separators (Zl, Zp), the other default-ignorable code points
 * (variation selectors, Hangul fillers: drawn as nothing), lone surrogates (Cs: drawn as U+FFFD, so two
 * different ids would look alike) and the spaces drawn as a plain space (no-break, en/em and the other
 * typographic spaces: `acme` and `acme` with a no-break space after it would look alike; the ideographic
 * space of CJK text, drawn two columns wide, stays).
 */
const INVISIBLE = '\\p{Cf}\\p{Zl}\\p{Zp}\\p{Cs}\\p{Default_Ignorable_Code_Point}\\u00a0\\u1680\\u2000-\\u200a\\u202f\\u205f';
const UNSAFE = new RegExp(`[\\p{Cc}${INVISIBLE}]`, 'gu');
const HAS_UNSAFE = new RegExp(UNSAFE.source, 'u');
// in JSON text: the same less the C0 controls (JSON.stringify escapes them, and writes its line breaks raw)
const JSON_UNSAFE = new RegExp(`[\\u007f-\\u009f${INVISIBLE}]`, 'gu');
const HAS_JSON_UNSAFE = new RegExp(JSON_UNSAFE.source, 'u');

function visible(ch: string): string {
  switch (ch) {
    case '\n':
      return '\\n';
    case '\r':
      return '\\r';
    case '\t':
      return '\\t';
    default: {
      const code = ch.codePointAt(0)!;
      if (code <= 0xff) return `\\x${code.toString(16).padStart(2, '0')}`;
      return code <= 0xffff ? `\\u${code.toString(16).padStart(4, '0')}` : `\\u{${code.toString(16)}}`;
    }
  }
}

/**
 * The start of a workflow command a CI log would run, its first character escaped: GitHub Actions' `::name`
 * then a space, `::` or the end of the text (where a line may go on), where a line can start: at the start
 * of the text or after a space (word wrapping; wrapTo never cuts a word just before `::`); and `##[` anywhere.
 */
const WORKFLOW_COMMAND = /(?<=^|\s)::(?=[A-Za-z_][\w-]*(?: |::|$))|##\[/g;
const HAS_WORKFLOW_COMMAND = new RegExp(WORKFLOW_COMMAND.source);
const commandShown = (m: string): string => (m === '##[' ? '\\x23#[' : '\\x3a:');

/** Whether `s` holds none of the control or invisible characters `inert` shows as escapes (a name that may go into SQL text as it is). */
export function isInert(s: string): boolean {
  return !HAS_UNSAFE.test(s);
}

/** `s` with control and invisible characters made visible and capped at `maxChars` (0: no cap). */
export function inert(s: string, maxChars = MAX_DISPLAY_CHARS): string {
  let capped = s;
  if (maxChars > 0 && s.length > maxChars) {
    // a cut between the halves of a surrogate pair would leave half a character: cut before it
    const end = /[\ud800-\udbff]/.test(s[maxChars - 2]) ? maxChars - 2 : maxChars - 1;
    capped = `${s.slice(0, end)}…`;
  }
  const visibleText = HAS_UNSAFE.test(capped) ? capped.replace(UNSAFE, shown) : capped;
  return HAS_WORKFLOW_COMMAND.test(visibleText) ? visibleText.replace(WORKFLOW_COMMAND, commandShown) : visibleText;
}

/** A letter or mark of a script that joins (Arabic, Persian, the Indic scripts: not Latin, not a digit or symbol). */
const JOINING_LETTER = /^[\p{L}\p{M}]$/u;
const LATIN = /^\p{Script=Latin}$/u;
const joins = (ch: string | undefined): boolean => ch !== undefined && JOINING_LETTER.test(ch) && !LATIN.test(ch);

/**
 * An UNSAFE character as shown in `s` at `at`: the zero-width non-joiner and joiner between two letters of
 * scripts that write with them (Persian `می‌خواهم`, Hindi conjuncts) are part of the word and stay as
 * they are; anywhere else (between Latin letters, where they only hide a difference) an escape.
 */
function shown(ch: string, at: number, s: string): string {
  if ((ch === '\u200c' || ch === '\u200d') && joins(charBefore(s, at)) && joins(charAt(s, at + 1))) return ch;
  return visible(ch);
}

const charAt = (s: string, at: number): string | undefined => (at < s.length ? String.fromCodePoint(s.codePointAt(at)!) : undefined);
function charBefore(s: string, at: number): string | undefined {
  if (at === 0) return undefined;
  const low = s.charCodeAt(at - 1);
  return at >= 2 && low >= 0xdc00 && low <= 0xdfff ? s.slice(at - 2, at) : s[at - 1];
}

/**
 * JSON text (as JSON.stringify writes it) with the characters `inert` shows as escapes written as `\u`
 * escapes too: JSON.stringify escapes C0 controls and lone surrogates but leaves C1 controls (U+009B, a
 * CSI), bidi formats and invisible characters raw. The strings read back the same; none is live on a
 * terminal that shows the JSON. Outside strings JSON text is ASCII, so only string contents change.
 */
export function jsonInert(json: string): string {
  // a `##[` (a workflow command anywhere in a CI log line) as `\u0023#[`; JSON text never starts a line with `::`
  const text = json.includes('##[') ? json.replaceAll('##[', '\\u0023#[') : json;
  if (!HAS_JSON_UNSAFE.test(text)) return text;
  return text.replace(JSON_UNSAFE, (ch) => {
    let out = '';
    for (let i = 0; i < ch.length; i++) out += `\\u${ch.charCodeAt(i).toString(16).padStart(4, '0')}`;
    return out;
  });
}

/**
 * A markdown table cell or inline text: inert, with the characters that change markdown structure
 * escaped (`~` too: GitHub draws `~~x~~` struck through), and `&`: markdown reads `&#x202e;` as the character itself (a bidi override the inert
 * escapes exist to keep out) and `&lt;` as `<`, so a name is shown as written, never decoded.
 */
export function inertMarkdown(s: string, maxChars = MAX_DISPLAY_CHARS): string {
  return unlinked(inert(s, maxChars).replace(/[\\`*_~[\]<>|#&]/g, (c) => `\\${c}`));
}

/**
 * What GitHub links in a comment, a pull-request body or a step summary, found in markdown text (a `#`
 * escaped as `\#` is a plain `#` once the markdown is read, which is the text GitHub looks for references in): an @mention (`@someone`, `@org/team`: notifies them;
 * not after a letter or digit, an e-mail address), an issue reference (`#123`, `owner/repo#123`, `GH-123`: a
 * cross-reference in that issue) and a URL (`https://`, `www.`: a link, and a cross-reference when it names an
 * issue). https://docs.github.com/en/get-started/writing-on-github/working-with-advanced-formatting/autolinked-references-and-urls
 */
const GITHUB_AUTOLINK = /(?<![A-Za-z0-9_])@(?=[A-Za-z0-9])|#(?=\d)|(?<![A-Za-z0-9_])gh-(?=\d)|(?<=\bhttps?:)(?=\/\/)|(?<=\bwww)(?=\.)/gi;

/**
 * Markdown text with a zero-width space (`&#8203;`, drawn as nothing) after the `@`, the `#` or `GH-` that
 * starts a GitHub autolink, and inside a URL's scheme: shown as written, `@someone` no longer mentions anyone
 * and `#123` references no issue. (Text the formatter quotes, never a code span: a code span would show the
 * name in another face and a backtick in it would end the span.)
 */
function unlinked(md: string): string {
  return md.replace(GITHUB_AUTOLINK, (m) => `${m}&#8203;`);
}

const HTML_ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/** HTML text or an attribute value (quoted): inert, with the characters that start markup or end a quote escaped. */
export function inertHtml(s: string, maxChars = MAX_DISPLAY_CHARS): string {
  return inert(s, maxChars).replace(/[&<>"']/g, (c) => HTML_ESCAPES[c]);
}

/**
 * GitHub Actions workflow-command encoding (as documented for `::error`/`::warning`): the message
 * escapes `%`, CR and LF; properties (file, title) also `:` and `,`. The other characters `inert`
 * shows as escapes (controls, bidi overrides, invisible characters) are made visible as it shows
 * them, so nothing in the text can end the command or start another, and the line a terminal or a
 * CI log shows reads as the text it names (a U+202E drawn raw reversed the rest of the line).
 */
export function githubMessage(s: string): string {
  const encoded = s.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
  return HAS_UNSAFE.test(encoded) ? encoded.replace(UNSAFE, shown) : encoded;
}

export function githubProperty(s: string): string {
  return githubMessage(s).replace(/:/g, '%3A').replace(/,/g, '%2C');
}
