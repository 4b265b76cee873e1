/**
 * Contract between the reader layer (files, gzip, stdin, line splitting, CSV) and the format
 * adapters (one per log format). Adapters are pure: they get parsed values and report through
 * the context; they never touch the file system.
 */
import type { UsageRecord } from '../usage/record.js';

export interface ColumnMapping {
  /** Canonical field -> column/key name (dot paths allowed for JSON). Canonical fields:
   * model, provider, timestamp, id, input (uncached input), prompt (inclusive prompt total),
   * cacheRead, cacheWrite, cacheWrite5m, cacheWrite1h, output, reasoning, requests, serviceTier,
   * conversation, turn, user, customer, feature, outcome, promptText, completionText,
   * and tag.NAME for free-form tags. */
  [field: string]: string;
}

export interface IngestOptions {
  /** Force a format by adapter name instead of detecting it from content. */
  inputFormat?: string;
  /** Column mapping for generic CSV/JSONL (from --map or tokenomics.yaml `columns:`). */
  columns?: ColumnMapping;
  /** Keep prompt/completion text on records (simulation needs it; reports do not). */
  keepText: boolean;
  /** Attribution keys mapped from log metadata: tag name -> metadata key/path (from tokenomics.yaml `attribution:`). */
  attribution?: Record<string, string>;
}

/** Counters for one run, by reason. */
export interface IngestCounts {
  /** Lines/values read (every one is counted, skipped or rejected). */
  read: number;
  counted: number;
  skipped: Record<string, number>;
  rejected: Record<string, number>;
}

/**
 * Counts by reason in one order whatever reader counted them (each reader meets the reasons in its
 * own order): the largest first, ties by name.
 */
export function reasonsByCount(m: Record<string, number>): Array<[string, number]> {
  return Object.entries(m).sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
}

/** How many were skipped (or rejected) for any reason. */
export function reasonTotal(m: Record<string, number>): number {
  return Object.values(m).reduce((a, b) => a + b, 0);
}

export interface IngestContext {
  /** Display path of the current file ("-" for stdin; "a.jsonl.gz" for gzip). */
  readonly file: string;
  /** 1-based line (JSONL/CSV) or element index (JSON array) of the current value. */
  readonly line: number;
  readonly options: IngestOptions;
  /** Per-file state owned by the adapter (dedupe buffers etc.); cleared between files. */
  readonly fileState: Map<string, unknown>;
  /** State shared across all files of one run (e.g. batch input/output joins). */
  readonly runState: Map<string, unknown>;
  /** A billable (or unpriced-but-countable) record. */
  emit(record: UsageRecord): void;
  /**
   * Well-formed but not billable: failed/expired request, usage-less stream chunk, duplicate,
   * gateway cache hit, non-LLM span, aggregate span... `reason` is a stable kebab-case code.
   */
  skip(reason: string): void;
  /** Invalid: wrong types, negative counts, inconsistent numbers. Becomes an Issue with file:line. */
  reject(code: string, message: string, path?: string, hint?: string): void;
  /**
   * A warning about the whole file (shown once, at the file name, or at `line` when given: the first
   * line it concerns; not a rejection: --strict does not stop on it).
   */
  warn(code: string, message: string, hint?: string, line?: number): void;
}

export interface JsonAdapter {
  /** Stable name, usable with --input-format. */
  readonly name: string;
  readonly description: string;
  /**
   * How well a parsed value matches this format: 0 = not this format; higher wins, up to 100
   * (detect.ts DETECT_CEILING: more counts as 100). Must be cheap and must not throw. Detection may
   * stop asking an adapter about a file's values once they could not make it win.
   */
  detect(value: unknown): number;
  /**
   * The highest score `detect` returns, when it is known and low: detection does not score this
   * adapter once another one leads with at least this much (it could not win), and clamps its
   * scores to it. Undefined: no bound.
   */
  readonly maxScore?: number;
  /** Convert one JSON value (a JSONL line, or one element of a top-level array). */
  convert(value: unknown, ctx: IngestContext): void;
  /** Unwrap a whole-file JSON document into its values (e.g. `{data:[...]}` pages), if the format has one. */
  unwrap?(doc: unknown): unknown[] | undefined;
  /** End of a file: flush per-file buffers (dedupe keeps the largest copy, etc.). */
  endFile?(ctx: IngestContext): void;
  /** End of the run: flush run-level joins. */
  endRun?(ctx: IngestContext): void;
}

export interface CsvAdapter {
  readonly name: string;
  readonly description: string;
  /** Score a header row: 0 = not this format. */
  detectHeader(columns: readonly string[]): number;
  /** Called once per file with the header before rows; returns a row converter. */
  prepare(columns: readonly string[], ctx: IngestContext): (row: readonly string[], ctx: IngestContext) => void;
}
