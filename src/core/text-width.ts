/** How wide text is drawn in a terminal: the tables, wrapped messages and the progress line measure alike. */

/**
 * Display width as terminals draw it (the wcwidth convention): nonspacing and enclosing marks count 0
 * (the Hebrew, Arabic, Thai and Devanagari vowel signs and points, not only U+0300-036F, which alone
 * left a row of `שָׁלוֹם` three columns short), East Asian wide and fullwidth characters and emoji drawn
 * as emoji (`✅`, `⌚`: Emoji_Presentation) count 2, every other code point 1.
 */
export function displayWidth(s: string): number {
  for (let i = 0; i < s.length; i++) if (s.charCodeAt(i) >= 0x300) return wideWidth(s);
  return s.length; // the common case: every character one column
}

/** Drawn over the character before: nonspacing (Mn) and enclosing (Me) marks. */
const MARK = /^[\p{Mn}\p{Me}]$/u;
/** Drawn as an emoji, two columns; the regional indicators are left out (a flag is a pair of them, two columns). */
const EMOJI = /^\p{Emoji_Presentation}$/u;

function wideWidth(s: string): number {
  let w = 0;
  for (const ch of s) {
    const c = ch.codePointAt(0)!;
    if (c < 0x300) w += 1;
    else if ((c >= 0x200b && c <= 0x200f) || MARK.test(ch)) continue;
    else if (
      (c >= 0x1100 && c <= 0x115f) ||
      (c >= 0x2e80 && c <= 0xa4cf) ||
      (c >= 0xac00 && c <= 0xd7a3) ||
      (c >= 0xf900 && c <= 0xfaff) ||
      (c >= 0xfe30 && c <= 0xfe4f) ||
      (c >= 0xff00 && c <= 0xff60) ||
      (c >= 0xffe0 && c <= 0xffe6) ||
      (c >= 0x1f300 && c <= 0x1faff) ||
      (c >= 0x20000 && c <= 0x3fffd) ||
      (EMOJI.test(ch) && !(c >= 0x1f1e6 && c <= 0x1f1ff))
    )
      w += 2;
    else w += 1;
  }
  return w;
}
