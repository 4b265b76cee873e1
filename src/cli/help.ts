/**
 * Help fitted to the width tables fit (at least 40): commander wraps a description beside its
 * option only when 40 columns are left for it, and prints the examples as written, so at 40 columns
 * lines ran to 200 characters. Here an option's description goes under it when the room beside it
 * is narrow, and every line still too wide is wrapped: an example command with `\` continuations
 * (its comment on lines of its own after it, so pasting the lines runs the same command), prose
 * with its indentation kept.
 */
import type { Help } from 'commander';
import { displayWidth, wrapText } from '../report/table.js';

/** Room beside the option names below which a description goes on the lines under them. */
const BESIDE_MIN = 30;
/** Indentation of a description under its option. */
const UNDER = '      ';

/** commander's configureHelp settings: descriptions under their term when the room beside is narrow. */
export const helpLayout: Partial<Help> = {
  minWidthToWrap: 20,
  formatItem(term: string, termWidth: number, description: string, helper: Help): string {
    const width = helper.helpWidth ?? 80;
    if (!description || width - termWidth - 4 >= BESIDE_MIN) return formatBeside(term, termWidth, description, helper, width);
    const under = helper.boxWrap(description, width - UNDER.length).replace(/\n/g, `\n${UNDER}`);
    return `  ${term}\n${UNDER}${under}`;
  },
};

/** commander's own layout (Help.prototype.formatItem), kept for wide enough terminals. */
function formatBeside(term: string, termWidth: number, description: string, helper: Help, width: number): string {
  if (!description) return `  ${term}`;
  const padded = term.padEnd(termWidth + term.length - helper.displayWidth(term));
  const wrapped = helper.boxWrap(description, width - termWidth - 4).replace(/\n/g, `\n${' '.repeat(termWidth + 2)}`);
  return `  ${padded}  ${wrapped.replace(/\n/g, '\n  ')}`;
}

/** Help text with every line no wider than `width` (see the module comment). */
export function fitHelp(text: string, width: number): string {
  const lines = text.split('\n');
  const out: string[] = [];
  let inCommand = false;
  for (const line of lines) {
    const command = /^( *)\$ /.exec(line);
    const continued: boolean = inCommand;
    inCommand = (command !== null || continued) && line.endsWith(' \\');
    if (displayWidth(line) <= width) {
      out.push(line);
      continue;
    }
    if (command || continued) out.push(...fitCommand(line, width, command ? `${command[1]}    ` : /^ */.exec(line)![0]));
    else {
      // a comment line stays a comment on every line it takes
      const lead = /^ *(# )?/.exec(line)![0];
      out.push(...wrapText(line, width, lead));
    }
  }
  return out.join('\n');
}

/**
 * One line of an example command, wrapped with ` \\` continuations; a trailing `# comment` on lines
 * after it. A word longer than a line (a path, a URL) is broken with a `\\` right after a character
 * and continued at the start of the next line, as the shell joins it back (a quoted word is closed
 * before the break and opened again after it: 'ab'\\ then 'cd' reads as 'abcd').
 */
function fitCommand(line: string, width: number, indent: string): string[] {
  const hash = line.search(/ {2,}# | # /);
  const code = (hash < 0 ? line : line.slice(0, hash)).trimEnd();
  const comment = hash < 0 ? '' : line.slice(hash).trim();
  const continues = code.endsWith(' \\');
  const lead = /^ */.exec(code)![0];
  const words = (continues ? code.slice(0, -2) : code).trim().split(/ +/);
  const out: string[] = [];
  let cur = lead;
  words.forEach((w, i) => {
    const last = i === words.length - 1 && !continues;
    const reserve = last ? '' : ' \\';
    const sep = cur.trim() === '' ? '' : ' ';
    if (displayWidth(`${cur}${sep}${w}${reserve}`) <= width) {
      cur += `${sep}${w}`;
      return;
    }
    if (cur.trim() !== '') {
      out.push(`${cur} \\`);
      cur = indent;
    }
    if (displayWidth(`${cur}${w}${reserve}`) <= width) {
      cur += w;
      return;
    }
    const pieces = breakWord(w, width - displayWidth(cur), width);
    out.push(`${cur}${pieces[0]}\\`, ...pieces.slice(1, -1).map((p) => `${p}\\`));
    cur = pieces[pieces.length - 1];
  });
  out.push(continues ? `${cur} \\` : cur);
  if (comment) out.push(...wrapText(`${indent}${comment}`, width, `${indent}# `));
  return out;
}

/** A word in pieces: the first at most `first` wide, the others `width`, each leaving room for its `\\`; none empty. */
function breakWord(word: string, first: number, width: number): string[] {
  const quoted = word.length > 2 && word.startsWith("'") && word.endsWith("'");
  const chars = [...(quoted ? word.slice(1, -1) : word)];
  const extra = quoted ? 3 : 1;
  const pieces: string[] = [];
  let at = 0;
  let room = Math.max(1, Math.min(first - extra, chars.length - 1));
  while (chars.length - at > room) {
    pieces.push(chars.slice(at, at + room).join(''));
    at += room;
    room = Math.max(1, width - extra - 2);
  }
  pieces.push(chars.slice(at).join(''));
  return quoted ? pieces.map((p) => `'${p}'`) : pieces;
}
