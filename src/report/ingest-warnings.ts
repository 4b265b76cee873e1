/**
 * What reading the inputs left out, said the same way by every command that reads logs (report,
 * simulate, export, check --traffic): records rejected as invalid, by reason, with the first file:line;
 * the errors that stopped reading a file or part of it (a file that is not text, one that cannot be
 * opened); the issues of warning severity; and when a command must stop (nothing read, or nothing
 * billable under --strict). Never silent: each command prints these on stderr (JSON carries them).
 */
import { formatIssue, UserError, type Issue } from '../core/issues.js';
import { inert } from '../core/untrusted.js';
import { reasonsByCount, reasonTotal, type IngestCounts } from '../ingest/types.js';
import { formatInt } from './cells.js';

export interface IngestWarning {
  code: 'rejected-records' | 'input-errors';
  /** Records the warning is about (null: not a count of records). */
  requests: number | null;
  message: string;
}

/** The rejected records and the input errors of a read, as one line each (inert: file names and messages come from the inputs). */
export function ingestWarnings(counts: IngestCounts, issues: readonly Issue[]): IngestWarning[] {
  const out: IngestWarning[] = [];
  const rejected = reasonsByCount(counts.rejected);
  const rejectedCount = reasonTotal(counts.rejected);
  if (rejectedCount) {
    const first = issues.find((i) => i.severity === 'error' && i.file && Object.hasOwn(counts.rejected, i.code));
    const where = first ? `; first at ${inert(first.file!, 200)}${first.line ? `:${first.line}` : ''}` : '';
    out.push({
      code: 'rejected-records',
      requests: rejectedCount,
      message: `${formatInt(rejectedCount)} record${rejectedCount === 1 ? '' : 's'} rejected as invalid (${rejected.map(([k, v]) => `${inert(k, 60)} ${formatInt(v)}`).join(', ')})${where}; --strict makes this an error`,
    });
  }
  // errors that stopped reading a file or part of it (their codes are no reason a record was rejected for):
  // said too, beside rejected records elsewhere
  const fileErrors = issues.filter((i) => i.severity === 'error' && !Object.hasOwn(counts.rejected, i.code));
  if (fileErrors.length) {
    const first = fileErrors[0];
    const where = first.file ? `${inert(first.file, 200)}${first.line ? `:${first.line}` : ''}: ` : '';
    out.push({
      code: 'input-errors',
      requests: null,
      // of several, the first (as rejected records say): "2 input errors: a.csv: ..." read as a.csv's two
      message: `${formatInt(fileErrors.length)} input error${fileErrors.length === 1 ? '' : 's'}${fileErrors.length > 1 ? ', the first' : ''}: ${where}${inert(first.message, 200)}; --strict makes this an error`,
    });
  }
  return out;
}

/**
 * The issues of warning severity (an empty standard input, a duplicated column), one line each as
 * report prints them (made inert where they are printed: CommandContext.warn).
 */
export function fileWarnings(issues: readonly Issue[]): string[] {
  return issues.filter((i) => i.severity === 'warning').map((i) => formatIssue(i).slice('warning: '.length));
}

/**
 * The error (exit 2) when nothing could be read and a file error says why (every input unreadable,
 * not text, or in no format a reader knows), or, under --strict, when no record is billable (an
 * empty export); undefined otherwise.
 */
export function nothingReadError(counts: IngestCounts, issues: readonly Issue[], strict = false): UserError | undefined {
  const fileErrors = issues.filter((i) => i.severity === 'error');
  if (counts.read === 0 && fileErrors.length > 0) {
    const first = fileErrors[0];
    return new UserError(
      `no records could be read from the inputs: ${first.file ? `${first.file}: ` : ''}${first.message}${fileErrors.length > 1 ? ` (and ${fileErrors.length - 1} more)` : ''}`,
      first.hint,
    );
  }
  if (strict && counts.counted === 0)
    return new UserError('--strict: the inputs hold no billable records', 'check the inputs (an empty export is an error under --strict)');
  return undefined;
}
