/**
 * Run-wide bookkeeping: counters by reason, the stored issues (capped, while every one is still counted),
 * strict mode, and the IngestContext handed to adapters.
 */
import { UserError, formatLocation, namesPath, type Issue, type Severity } from '../core/issues.js';
import type { UsageRecord } from '../usage/record.js';
import type { IngestContext, IngestCounts, IngestOptions } from './types.js';

export const DEFAULT_MAX_ISSUES = 1000;

export class IngestSession {
  readonly counts: IngestCounts = { read: 0, counted: 0, skipped: {}, rejected: {} };
  readonly issues: Issue[] = [];
  readonly runState = new Map<string, unknown>();
  private droppedIssues = 0;
  /** Issues stored of each kind: a record's (under the cap) and the others (a file's: under a cap of their own). */
  private readonly stored = { record: 0, file: 0 };

  constructor(
    readonly options: IngestOptions,
    private readonly onRecord: (r: UsageRecord) => void,
    private readonly strict = false,
    private readonly maxIssues = DEFAULT_MAX_ISSUES,
  ) {}

  /**
   * Stores an issue. `kind` 'record': a rejected record's (invalid JSON, a negative count), of which a
   * file may hold millions; 'file': what stopped reading a file or part of it (a corrupt or cut gzip,
   * an unreadable file), or a notice about one. Each kind has its own cap, so that a file's error is
   * never crowded out by the rejections before it (the warnings are built from the stored issues).
   */
  addIssue(issue: Issue, kind: 'record' | 'file' = 'file'): void {
    // an explicit `-` that held nothing is an input error under --strict (a warning otherwise)
    if (this.strict && (issue.severity === 'error' || issue.code === 'empty-input')) {
      const loc = formatLocation(issue.file, issue.line);
      const path = namesPath(issue) ? `${issue.path}: ` : '';
      throw new UserError(
        `${loc ? loc + ': ' : ''}${path}${issue.message}`,
        issue.hint ?? 'fix the input, or drop --strict to skip invalid records',
      );
    }
    if (this.stored[kind] < this.maxIssues) {
      this.stored[kind]++;
      this.issues.push(issue);
    } else this.droppedIssues++;
  }

  /**
   * Rejected records' issues a reader did not hand over (it keeps the first DEFAULT_MAX_ISSUES, at
   * least this session's cap: those after them would be left out here anyway), counted as left out.
   */
  leaveOut(n: number): void {
    this.droppedIssues += n;
  }

  fileIssue(file: string, severity: Severity, code: string, message: string, hint?: string, line?: number): void {
    this.addIssue({ severity, code, message, file, line, hint });
  }

  /** A value that failed before reaching an adapter (invalid JSON, bad UTF-8, over-long line). */
  badValue(file: string, line: number, code: string, message: string, hint?: string): void {
    this.counts.read++;
    this.counts.rejected[code] = (this.counts.rejected[code] ?? 0) + 1;
    this.addIssue({ severity: 'error', code, message, file, line, hint }, 'record');
  }

  newContext(file: string): FileContext {
    return new FileContext(this, file, this.onRecord);
  }

  get dropped(): number {
    return this.droppedIssues;
  }

  /** Issues plus, when the cap was hit, one note saying how many were left out. */
  finalIssues(): Issue[] {
    if (this.droppedIssues === 0) return this.issues;
    return [
      ...this.issues,
      { severity: 'info', code: 'issues-truncated', message: `${this.droppedIssues} more issues not listed (all are counted)` },
    ];
  }
}

export class FileContext implements IngestContext {
  line = 0;
  readonly fileState = new Map<string, unknown>();
  readonly options: IngestOptions;
  readonly runState: Map<string, unknown>;
  private readonly counts: IngestCounts;

  constructor(
    private readonly session: IngestSession,
    readonly file: string,
    private readonly onRecord: (r: UsageRecord) => void,
  ) {
    this.options = session.options;
    this.runState = session.runState;
    this.counts = session.counts;
  }

  emit(record: UsageRecord): void {
    this.counts.counted++;
    this.onRecord(record);
  }

  skip(reason: string): void {
    const skipped = this.counts.skipped;
    skipped[reason] = (skipped[reason] ?? 0) + 1;
  }

  reject(code: string, message: string, path?: string, hint?: string): void {
    const rejected = this.counts.rejected;
    rejected[code] = (rejected[code] ?? 0) + 1;
    this.session.addIssue({ severity: 'error', code, message, file: this.file, line: this.line || undefined, path, hint }, 'record');
  }

  warn(code: string, message: string, hint?: string): void {
    this.session.fileIssue(this.file, 'warning', code, message, hint);
  }
}
