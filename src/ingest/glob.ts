/**
 * A small glob matcher: `*` (any run within one path segment), `?` (one character),
 * `**` (zero or more whole directories), `{a,b}` (alternatives, may nest), `[abc]` (character class).
 * Patterns and paths use `/` separators.
 */

const GLOB_CHARS = /[*?{[]/;

/** True when `pattern` contains glob syntax. */
export function hasGlob(pattern: string): boolean {
  return GLOB_CHARS.test(pattern);
}

/** Split a pattern into the literal directory prefix and the globbed remainder. */
export function splitGlobBase(pattern: string): { base: string; rest: string } {
  const parts = pattern.split('/');
  const firstGlob = parts.findIndex((p) => hasGlob(p));
  if (firstGlob === -1) return { base: pattern, rest: '' };
  const baseParts = parts.slice(0, firstGlob);
  const base = baseParts.length === 0 ? '.' : baseParts.join('/') || '/';
  return { base, rest: parts.slice(firstGlob).join('/') };
}

/** Compile a glob (relative to its base) into a RegExp over `/`-separated relative paths. */
export function globToRegExp(glob: string): RegExp {
  return new RegExp('^' + translate(glob, 0, false).source + '$');
}

function translate(glob: string, start: number, inBrace: boolean): { source: string; end: number } {
  let out = '';
  let i = start;
  while (i < glob.length) {
    const c = glob[i];
    if (inBrace && (c === ',' || c === '}')) return { source: out, end: i };
    if (c === '*') {
      const step = translateStar(glob, i);
      out += step.source;
      i = step.end;
    } else if (c === '?') {
      out += '[^/]';
      i++;
    } else if (c === '{') {
      const step = translateBrace(glob, i);
      out += step.source;
      i = step.end;
    } else if (c === '[') {
      const close = glob.indexOf(']', i + 2);
      if (close === -1) {
        out += '\\[';
        i++;
      } else {
        const body = glob
          .slice(i + 1, close)
          .replace(/^!/, '^')
          .replace(/\\/g, '\\\\');
        out += '[' + body + ']';
        i = close + 1;
      }
    } else {
      out += escapeRegExp(c);
      i++;
    }
  }
  return { source: out, end: i };
}

function translateStar(glob: string, i: number): { source: string; end: number } {
  if (glob[i + 1] !== '*') return { source: '[^/]*', end: i + 1 };
  const atSegmentStart = i === 0 || glob[i - 1] === '/';
  const next = glob[i + 2];
  if (atSegmentStart && next === '/') return { source: '(?:[^/]+/)*', end: i + 3 };
  if (atSegmentStart && next === undefined) return { source: '.*', end: i + 2 };
  return { source: '[^/]*', end: i + 2 };
}

function translateBrace(glob: string, i: number): { source: string; end: number } {
  const alternatives: string[] = [];
  let pos = i + 1;
  for (;;) {
    const step = translate(glob, pos, true);
    alternatives.push(step.source);
    if (step.end >= glob.length) return { source: '\\{' + alternatives.join(','), end: step.end };
    pos = step.end + 1;
    if (glob[step.end] === '}') break;
  }
  return { source: '(?:' + alternatives.join('|') + ')', end: pos };
}

function escapeRegExp(c: string): string {
  return /[\\^$.|+()[\]{}*?]/.test(c) ? '\\' + c : c;
}

/** True when the glob can match paths nested deeper than its own segment count. */
export function globIsRecursive(glob: string): boolean {
  return glob.includes('**') || /\{[^}]*\//.test(glob);
}
