/*
 * The rows of a CSV file that SQL did not read exactly, each through the TypeScript reader's own
 * row converter with the file's header: its skips and rejections (counts and issues at file:line)
 * are the run's. The staged rows carry their line (`line`) and the raw text of each used column
 * `i` (`raw<i>`). 'fallback' when the converter reads a record among them or fails: the file then
 * goes to the TypeScript reader whole.
 */
import type { Issue } from '../../core/issues.js';
import type { CsvAdapter, IngestContext, IngestCounts, IngestOptions } from '../../ingest/types.js';
import { DEFAULT_MAX_ISSUES } from '../../ingest/session.js';
import type { Row } from '../duckdb.js';

/** What judging a file's rows found: counts, the first issues (at most DEFAULT_MAX_ISSUES) and how many more there were. */
export interface Judged {
  counts: IngestCounts;
  issues: Issue[];
  issuesLeftOut: number;
}

/**
 * Judges the rows `each` hands over a chunk at a time (UsageDb.eachRows: a file of millions of
 * rejected rows is never held whole in Node), keeping the first DEFAULT_MAX_ISSUES issues (the
 * session lists no more) and counting the rest.
 */
export async function judgeCsvRows(
  each: (visit: (rows: Row[]) => void) => Promise<void>,
  file: string,
  columns: readonly string[],
  used: readonly number[],
  options: IngestOptions,
  adapter: CsvAdapter,
): Promise<Judged | 'fallback'> {
  const counts: IngestCounts = { read: 0, counted: 0, skipped: {}, rejected: {} };
  const issues: Issue[] = [];
  let issuesLeftOut = 0;
  let emitted = false;
  let failed = false;
  const ctx: IngestContext & { line: number } = {
    file,
    line: 0,
    options,
    fileState: new Map(),
    runState: new Map(),
    emit: () => {
      emitted = true;
    },
    skip: (reason) => {
      counts.skipped[reason] = (counts.skipped[reason] ?? 0) + 1;
    },
    reject: (code, message, path, hint) => {
      counts.rejected[code] = (counts.rejected[code] ?? 0) + 1;
      if (issues.length < DEFAULT_MAX_ISSUES)
        issues.push({ severity: 'error', code, message, file, line: ctx.line || undefined, path, hint });
      else issuesLeftOut++;
    },
    warn: (code, message, hint, line) => {
      issues.push({ severity: 'warning', code, message, file, line, hint });
    },
  };
  const values: string[] = columns.map(() => '');
  let convert: ReturnType<CsvAdapter['prepare']>;
  try {
    convert = adapter.prepare(columns, ctx);
  } catch {
    return 'fallback';
  }
  await each((rows) => {
    // after a fallback the rest of the rows are passed over (the file goes to the TypeScript reader)
    if (emitted || failed) return;
    try {
      for (const r of rows) {
        for (const i of used) values[i] = r[`raw${i}`] === null ? '' : String(r[`raw${i}`]);
        ctx.line = Number(r.line);
        convert(values, ctx);
        if (emitted) return;
      }
    } catch {
      failed = true;
    }
  });
  return emitted || failed ? 'fallback' : { counts, issues, issuesLeftOut };
}
