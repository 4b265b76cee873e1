/** Problems are collected, not thrown. Every rejected or skipped input becomes an Issue. */
import { inert } from './untrusted.js';

export type Severity = 'error' | 'warning' | 'info';

export interface Issue {
  severity: Severity;
  /** Stable machine code, e.g. `invalid-json`, `negative-count`, `unpriced-model`. */
  code: string;
  message: string;
  file?: string;
  line?: number;
  /** Key path inside the record or file, e.g. `usage.prompt_tokens`. */
  path?: string;
  hint?: string;
}

/**
 * A failure that must stop the command with exit code 2 (usage, input, config or pricing error).
 * The message is one line (a newline in it is data, a file or model name's, and prints as `\n`), or
 * a list of lines (one per invalid field of a file): `lines`; `message` is them joined.
 */
export class UserError extends Error {
  readonly hint?: string;
  readonly exitCode: number;
  readonly lines: readonly string[];
  constructor(message: string | readonly string[], hint?: string, exitCode = 2) {
    const lines = typeof message === 'string' ? [message] : message;
    super(lines.join('\n'));
    this.name = 'UserError';
    this.lines = lines;
    this.hint = hint;
    this.exitCode = exitCode;
  }
}

export function formatLocation(file?: string, line?: number): string {
  if (!file) return '';
  return line !== undefined ? `${file}:${line}` : file;
}

/** Between an issue's line and its hint's: the one line break an issue or message shown as text holds. */
const HINT_BREAK = '\nhint: ';

/** Whether an issue's text names its path before the message: not when the message starts with it (`usage.prompt_tokens must be ...`). */
export function namesPath(issue: Issue): boolean {
  return !!issue.path && !issue.message.startsWith(`${issue.path} `);
}

/**
 * An issue as text: `severity: file:line: path: message`, and its hint on the next line. File, path,
 * message and hint come from the inputs: each inert (a newline in a file name prints as `\n`), so the
 * line break before `hint:` is the only one.
 */
export function formatIssue(issue: Issue): string {
  const loc = formatLocation(issue.file && inert(issue.file, 0), issue.line);
  const path = namesPath(issue) ? `${inert(issue.path ?? '', 0)}: ` : '';
  const head = `${issue.severity}: ${loc ? loc + ': ' : ''}${path}${inert(issue.message, 0)}`;
  return issue.hint ? `${head}${HINT_BREAK}${inert(issue.hint, 0)}` : head;
}

/**
 * A message, note or warning as the lines it is shown on (each inert, capped at `maxChars`): one line,
 * and its hint on the next when it ends with one (formatIssue; the hint line may be indented). Any other newline is data and prints as
 * `\n`: no text from the inputs starts a line of its own (a CI log reads `::error::` at a line's start).
 */
export function shownLines(text: string, maxChars = 0): string[] {
  const at = text.lastIndexOf('\n');
  return at >= 0 && /^ *hint: /.test(text.slice(at + 1))
    ? [inert(text.slice(0, at), maxChars), inert(text.slice(at + 1), maxChars)]
    : [inert(text, maxChars)];
}
