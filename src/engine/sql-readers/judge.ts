/**
 * The rows of a CSV file that SQL did not read exactly, each through the TypeScript reader's own
 * row converter with the file's header: its skips and rejections (counts and issues at file:line)
 * are the run's. The staged rows carry their line (`line`) and the raw text of each used column
 * `i` (`raw<i>`). 'fallback' when the converter reads a record among them or fails: the file then
 * goes to the TypeScript reader whole.
 */
import type { Issue } from '../../core/issues.js';
import type { CsvAdapter, IngestContext, IngestCounts, IngestOptions } from '../../ingest/types.js';
import type { Row } from '../duckdb.js';

export function judgeCsvRows(
  rows: Row[],
  file: string,
  columns: readonly string[],
  used: readonly number[],
  options: IngestOptions,
  adapter: CsvAdapter,
): { counts: IngestCounts; issues: Issue[] } | 'fallback' {
  const counts: IngestCounts = { read: 0, counted: 0, skipped: {}, rejected: {} };
  const issues: Issue[] = [];
  if (rows.length === 0) return { counts, issues };
  let emitted = false;
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
      issues.push({ severity: 'error', code, message, file, line: ctx.line || undefined, path, hint });
    },
    warn: (code, message, hint) => {
      issues.push({ severity: 'warning', code, message, file, hint });
    },
  };
  const values: string[] = columns.map(() => '');
  try {
    const convert = adapter.prepare(columns, ctx);
    for (const r of rows) {
      for (const i of used) values[i] = r[`raw${i}`] === null ? '' : String(r[`raw${i}`]);
      ctx.line = Number(r.line);
      convert(values, ctx);
      if (emitted) return 'fallback';
    }
  } catch {
    return 'fallback';
  }
  return { counts, issues };
}
