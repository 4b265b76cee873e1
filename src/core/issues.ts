/** Problems are collected, not thrown. Every rejected or skipped input becomes an Issue. */
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

/** A failure that must stop the command with exit code 2 (usage, input, config or pricing error). */
export class UserError extends Error {
  readonly hint?: string;
  readonly exitCode: number;
  constructor(message: string, hint?: string, exitCode = 2) {
    super(message);
    this.name = 'UserError';
    this.hint = hint;
    this.exitCode = exitCode;
  }
}

export function formatLocation(file?: string, line?: number): string {
  if (!file) return '';
  return line !== undefined ? `${file}:${line}` : file;
}

export function formatIssue(issue: Issue): string {
  const loc = formatLocation(issue.file, issue.line);
  const head = `${issue.severity}: ${loc ? loc + ': ' : ''}${issue.path ? issue.path + ': ' : ''}${issue.message}`;
  return issue.hint ? `${head}\nhint: ${issue.hint}` : head;
}
