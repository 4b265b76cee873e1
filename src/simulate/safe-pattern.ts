/**
 * User-supplied regular expressions (`semanticCache.queryPattern`) run on untrusted log text with
 * JavaScript's backtracking engine, which cannot be interrupted: a pattern such as `(a+)+$` takes
 * exponential time on a line of 30 `a`s, and `.*.*.*x` polynomial time. No linear-time engine is
 * available here, so the pattern is limited to shapes whose backtracking is bounded, and the text
 * it is matched against is bounded too:
 *   - no backreferences (`\1`, `\k<name>`) and no lookarounds;
 *   - no quantifier on a group that holds a quantifier or an alternation (`(a+)*`, `(a|ab)+`):
 *     nested quantifiers and quantified alternations are the exponential shapes (`(ab)?` is fine);
 *   - at most one quantifier without a small bound (`*`, `+`, `{n,}`, `{n,m}` with m - n > 16),
 *     since two of them over the same characters multiply the work, and the small-bound quantifiers
 *     (`?`, `{2,5}`) together may multiply the choices by at most 16;
 *   - the text is cut to its last MAX_PATTERN_INPUT characters before matching (a question after
 *     long excerpts is at the end of the message).
 * With these limits a match costs at most about n² · 16 steps for n = 4,096 characters.
 */

/** Characters of a message a query pattern is matched against (its end). */
export const MAX_PATTERN_INPUT = 4096;

const SMALL_BOUND = 16;

/** Why a pattern is refused, or undefined when it is safe to run. */
export function unsafePatternReason(source: string): string | undefined {
  let unbounded = 0;
  let choices = 1;
  let inClass = false;
  /** Per open group: whether it holds a quantifier or an alternation. */
  const open: boolean[] = [];
  /** Whether the previous atom was a group holding a quantifier or an alternation. */
  let prevGroup = false;
  for (let i = 0; i < source.length; i++) {
    const c = source[i];
    if (c === '\\') {
      const n = source[i + 1];
      if (!inClass && n !== undefined && (/[1-9]/.test(n) || n === 'k')) return 'backreferences are not allowed';
      i++;
      prevGroup = false;
      continue;
    }
    if (inClass) {
      if (c === ']') inClass = false;
      continue;
    }
    if (c === '[') {
      inClass = true;
      prevGroup = false;
      continue;
    }
    if (c === '(') {
      if (source[i + 1] === '?') {
        if (source[i + 2] === '=' || source[i + 2] === '!' || (source[i + 2] === '<' && (source[i + 3] === '=' || source[i + 3] === '!')))
          return 'lookarounds are not allowed';
        if (source[i + 2] === ':') i += 2;
        else if (source[i + 2] === '<') {
          const end = source.indexOf('>', i);
          if (end < 0) return 'unterminated group name';
          i = end;
        }
      }
      open.push(false);
      prevGroup = false;
      continue;
    }
    if (c === ')') {
      const risky = open.pop() ?? false;
      if (risky && open.length > 0) open[open.length - 1] = true;
      prevGroup = risky;
      continue;
    }
    if (c === '|') {
      if (open.length > 0) open[open.length - 1] = true;
      prevGroup = false;
      continue;
    }
    let q: { min: number; max: number } | undefined;
    let len = 1;
    if (c === '*') q = { min: 0, max: Infinity };
    else if (c === '+') q = { min: 1, max: Infinity };
    else if (c === '?') q = { min: 0, max: 1 };
    else if (c === '{') {
      const m = /^\{(\d+)(,(\d*))?\}/.exec(source.slice(i));
      if (m) {
        q = { min: Number(m[1]), max: m[2] === undefined ? Number(m[1]) : m[3] === '' ? Infinity : Number(m[3]) };
        len = m[0].length;
      }
    }
    if (!q) {
      prevGroup = false;
      continue;
    }
    if (prevGroup) return 'a quantifier on a group holding a quantifier or an alternation (nested quantifier) is not allowed';
    if (open.length > 0) open[open.length - 1] = true;
    const span = q.max - q.min;
    if (span > SMALL_BOUND) unbounded++;
    else choices *= span + 1;
    if (unbounded > 1) return 'at most one unbounded quantifier (*, +, {n,}) is allowed';
    if (choices > SMALL_BOUND) return `the bounded quantifiers (?, {n,m}) allow more than ${SMALL_BOUND} combinations`;
    i += len - 1;
    if (source[i + 1] === '?') i++; // lazy quantifier
    prevGroup = false;
  }
  return undefined;
}

/** The part of a text a pattern is matched against. */
export function patternInput(text: string): string {
  return text.length > MAX_PATTERN_INPUT ? text.slice(text.length - MAX_PATTERN_INPUT) : text;
}
