/**
 * Run-wide bookkeeping: counters by reason, the stored issues (capped, while every one is still counted),
 * strict mode, and the IngestContext handed to adapters.
 */
import { UserError, formatLocation, namesPath, type Issue, type Severity } from '../core/issues.js';
import { groupThousands } from '../core/digits.js';
import type { UsageRecord } from '../usage/record.js';
import type { IngestContext, IngestCounts, IngestOptions } from './types.js';
import { GENERIC_NAME } from './formats/generic.js';

export const DEFAULT_MAX_ISSUES = 1000;

/**
 * Formats whose record ids name one API request (a response, message, span, observation or spend
 * log id), so that a record repeated in another input file of the run (two overlapping exports, one
 * file under two names) is the same request: counted in the first file read, skipped `duplicate`
 * after. Claude Code and Codex keep cross-file rules of their own, OpenAI Batch joins by `custom_id`
 * run-wide, and the usage-API formats have no request ids; the generic format takes part when its
 * mapping names the id (takesPartInCrossFile), Parquet not yet (its rows are read from the file itself).
 */
export const CROSS_FILE_FORMATS: ReadonlySet<string> = new Set(['openai', 'anthropic', 'gemini', 'bedrock', 'langfuse', 'litellm', 'otel']);

/**
 * Whether records of `format` take part in the cross-file check: CROSS_FILE_FORMATS, and generic
 * CSV/JSONL whose mapping names an id column (`--map id=COL`, `columns: {id: COL}`): the user says that
 * column names a request. A self-describing `id` or `request_id` column, mapped by its name only, does not.
 */
export function takesPartInCrossFile(format: string, options: IngestOptions): boolean {
  if (CROSS_FILE_FORMATS.has(format)) return true;
  return format === GENERIC_NAME && options.columns !== undefined && Object.hasOwn(options.columns, 'id');
}

/**
 * What makes two records of different files the same request: the id, the model and the time. The
 * id alone is not enough: OpenAI-compatible servers and proxies write ids such as `chatcmpl-<n>` that
 * repeat across days; a copy of a record repeats all three.
 */
export function crossFileKey(r: UsageRecord): string {
  return `${r.id}\u0000${r.model}\u0000${r.timeMs ?? ''}`;
}

/** Whether a record's id was logged (not the `file:line` a record without one is named by). */
export function hasLoggedId(r: UsageRecord): boolean {
  return r.id !== `${r.source.file}:${r.source.line}`;
}

/** The warning for `n` records of `file` that repeat requests of `first`, an earlier file of the run. */
export function crossFileIssue(file: string, first: string, n: number): Issue {
  return {
    severity: 'warning',
    code: 'cross-file-duplicates',
    file,
    message: `${groupThousands(n)} record${n === 1 ? '' : 's'} repeat${n === 1 ? 's a request' : ' requests'} of ${first} (same id, model and time): skipped as duplicate, counted once`,
    hint: 'a request in two inputs (overlapping exports, or one file under two names) is counted in the first file read; pass each log once',
  };
}

export class IngestSession {
  readonly counts: IngestCounts = { read: 0, counted: 0, skipped: {}, rejected: {} };
  readonly issues: Issue[] = [];
  readonly runState = new Map<string, unknown>();
  private droppedIssues = 0;
  /**
   * Run-wide keys of the records counted (crossFileKey -> the file that counted it), kept only when
   * the run has more than one input (enableCrossFile): one key per record of a CROSS_FILE_FORMATS file.
   */
  private crossFile: Map<string, string> | undefined;
  /** Records skipped as copies of an earlier file's: later file -> earlier file -> count. */
  private readonly crossFileCopies = new Map<string, Map<string, number>>();
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

  /** Starts keeping the keys of counted records across files (a run of more than one input). */
  enableCrossFile(): void {
    this.crossFile ??= new Map();
  }

  /**
   * Whether `r`, about to be counted in `file` by the adapter `format`, repeats a request an earlier
   * file of the run counted (then noted for the warning); otherwise its key is kept.
   */
  repeatsEarlierFile(r: UsageRecord, file: string, format: string | undefined): boolean {
    const seen = this.crossFile;
    if (!seen || format === undefined || !takesPartInCrossFile(format, this.options) || !hasLoggedId(r)) return false;
    const key = crossFileKey(r);
    const first = seen.get(key);
    if (first === undefined) {
      seen.set(key, file);
      return false;
    }
    if (first === file) return false;
    let byFirst = this.crossFileCopies.get(file);
    if (!byFirst) this.crossFileCopies.set(file, (byFirst = new Map()));
    byFirst.set(first, (byFirst.get(first) ?? 0) + 1);
    return true;
  }

  /** One warning per pair of files that share requests (the later file, the earlier one and how many). */
  addCrossFileWarnings(): void {
    for (const [file, byFirst] of this.crossFileCopies) for (const [first, n] of byFirst) this.addIssue(crossFileIssue(file, first, n));
    this.crossFileCopies.clear();
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
      {
        severity: 'info',
        code: 'issues-truncated',
        message: `${groupThousands(this.droppedIssues)} more issues not listed (all are counted)`,
      },
    ];
  }
}

export class FileContext implements IngestContext {
  line = 0;
  /** The adapter converting the current value (set by FileRun): decides whether a record takes part in the cross-file check. */
  adapter: string | undefined;
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
    if (this.session.repeatsEarlierFile(record, this.file, this.adapter)) return this.skip('duplicate');
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

  warn(code: string, message: string, hint?: string, line?: number): void {
    this.session.fileIssue(this.file, 'warning', code, message, hint, line);
  }
}
