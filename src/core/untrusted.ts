/**
 * Untrusted text (model ids, feature and customer names, file names, prompt ids: anything that came
 * from a log, a prompt file or a config) is made inert before it reaches a terminal, a markdown
 * document or a CI log. One place decides how, so every formatter escapes alike.
 *
 * - Control characters (C0, DEL, C1) and the Unicode line/paragraph separators and bidi overrides
 *   become visible escapes (`\x1b`, `\n`, `\u202e`): an escape sequence cannot clear the screen, set
 *   the clipboard or forge a row, and a newline cannot start a new line.
 * - Displayed names are capped in length (`…` marks the cut), so one 10 MB id cannot pad a table.
 */

/** Longest untrusted name shown in a table cell or a message, in characters. */
export const MAX_DISPLAY_CHARS = 120;

// C0 controls, DEL, C1 controls, line/paragraph separators, bidi embeddings/overrides/isolates, BOM.
// eslint-disable-next-line no-control-regex
const UNSAFE = /[\u0000-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069\ufeff]/g;

function visible(ch: string): string {
  switch (ch) {
    case '\n':
      return '\\n';
    case '\r':
      return '\\r';
    case '\t':
      return '\\t';
    default: {
      const code = ch.charCodeAt(0);
      return code <= 0xff ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u${code.toString(16).padStart(4, '0')}`;
    }
  }
}

/** `s` with control characters made visible and capped at `maxChars` (0: no cap). */
export function inert(s: string, maxChars = MAX_DISPLAY_CHARS): string {
  const capped = maxChars > 0 && s.length > maxChars ? `${s.slice(0, maxChars - 1)}…` : s;
  return capped.replace(UNSAFE, visible);
}

/** A markdown table cell or inline text: inert, with the characters that change markdown structure escaped. */
export function inertMarkdown(s: string, maxChars = MAX_DISPLAY_CHARS): string {
  return inert(s, maxChars).replace(/[\\`*_[\]<>|#]/g, (c) => `\\${c}`);
}

const HTML_ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/** HTML text or an attribute value (quoted): inert, with the characters that start markup or end a quote escaped. */
export function inertHtml(s: string, maxChars = MAX_DISPLAY_CHARS): string {
  return inert(s, maxChars).replace(/[&<>"']/g, (c) => HTML_ESCAPES[c]);
}

/**
 * GitHub Actions workflow-command encoding (as documented for `::error`/`::warning`): the message
 * escapes `%`, CR and LF; properties (file, title) also `:` and `,`. Other control characters are
 * made visible first, so nothing in the text can end the command or start another.
 */
export function githubMessage(s: string): string {
  return s
    .replace(/%/g, '%25')
    .replace(/\r/g, '%0D')
    .replace(/\n/g, '%0A')
    .replace(/[\u0000-\u0009\u000b\u000c\u000e-\u001f\u007f-\u009f\u2028\u2029]/g, visible);
}

export function githubProperty(s: string): string {
  return githubMessage(s).replace(/:/g, '%3A').replace(/,/g, '%2C');
}
