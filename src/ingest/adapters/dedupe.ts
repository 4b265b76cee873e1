/**
 * Per-file dedupe helpers (state lives in ctx.fileState, so it never crosses files).
 *
 * Memory is bounded, not proportional to the file: duplicates in logs are logging artefacts
 * (double writes, streamed copies of one call) that sit close together, so an id is remembered for
 * WINDOW_LINES lines (a copy within that many lines of the first is a duplicate; a later one is
 * counted again), and "keep the largest copy" buffers hold at most MAX_PENDING records, emitting the
 * oldest when full. Both rules depend only on distances between lines, never on where counting
 * started.
 */
import type { IngestContext } from '../types.js';
import type { UsageRecord } from '../../usage/record.js';
import { bucketSum } from './util.js';
import { hash32, StringTable } from '../../core/string-table.js';

// Sizes chosen by measurement (npm run bench, 100 MB vs 1 GB JSONL): larger windows kept long-lived
// garbage in V8's old space and peak RSS grew with the file (250k ids / 20k pending: 175 -> 437 MB);
// at 10k lines / 1k pending it stays within 20%.

export const WINDOW_LINES = 10_000;
export const MAX_PENDING = 1_000;

/** One generation of keys: a string table whose values are the lines the keys were added at. */
class Generation extends StringTable {
  fromLine = 0;

  /** Empties the generation for reuse (no allocation). */
  reset(fromLine: number): void {
    this.fromLine = fromLine;
    this.clear();
  }

  /** Line the key was last added at, or undefined. */
  lineOf(key: string, h: number): number | undefined {
    const e = this.find(key, h);
    return e < 0 ? undefined : this.valueAt(e);
  }

  add(key: string, h: number, line: number): void {
    const e = this.find(key, h);
    if (e >= 0) this.setValue(e, line);
    else this.insert(key, h, line);
  }
}

/**
 * Keys with the line they were added at; remembers at least every key of the last `window` lines
 * (two generations of `window` lines each: a new one starts once the current one spans the window,
 * dropping the one before).
 */
export class RecentKeys {
  private current: Generation;
  private previous: Generation;
  private hasPrevious = false;
  constructor(private readonly window = WINDOW_LINES) {
    this.current = new Generation(Math.min(window, 16_384));
    this.previous = new Generation(Math.min(window, 16_384));
  }

  /** Whether `key` was added at most `window` lines before `line`. */
  has(key: string, line: number): boolean {
    const h = hash32(key);
    const at = this.current.lineOf(key, h) ?? (this.hasPrevious ? this.previous.lineOf(key, h) : undefined);
    return at !== undefined && line - at <= this.window;
  }

  /** `has`, and `add` when not: one hash for both (the hot path of id dedupe). */
  seenOrAdd(key: string, line: number): boolean {
    const h = hash32(key);
    const at = this.current.lineOf(key, h) ?? (this.hasPrevious ? this.previous.lineOf(key, h) : undefined);
    if (at !== undefined && line - at <= this.window) return true;
    this.addHashed(key, h, line);
    return false;
  }

  /** Any remembered occurrence, however old. */
  mayContain(key: string): boolean {
    const h = hash32(key);
    return this.current.lineOf(key, h) !== undefined || (this.hasPrevious && this.previous.lineOf(key, h) !== undefined);
  }

  add(key: string, line: number): void {
    this.addHashed(key, hash32(key), line);
  }

  private addHashed(key: string, h: number, line: number): void {
    const span = line - this.current.fromLine;
    if (span >= this.window) {
      // the older generation's arrays are reused for the new one
      const recycled = this.previous;
      this.previous = this.current;
      this.hasPrevious = span < 2 * this.window;
      this.current = recycled;
      this.current.reset(line);
    }
    this.current.add(key, h, line);
  }
}

/** Per-file "keep the largest copy per key" buffer, bounded; flushed in endFile. */
export class LargestByKey {
  private readonly map = new Map<string, UsageRecord>();
  private readonly emitted = new RecentKeys();

  constructor(private readonly maxPending = MAX_PENDING) {}

  /** Keeps the larger of two copies under one key; the other one skips `duplicate`. */
  add(key: string, rec: UsageRecord, ctx: IngestContext): void {
    if (this.emitted.has(key, ctx.line)) return ctx.skip('duplicate');
    const prev = this.map.get(key);
    if (!prev) {
      this.map.set(key, rec);
      if (this.map.size > this.maxPending) this.emitOldest(ctx);
      return;
    }
    ctx.skip('duplicate');
    if (bucketSum(rec) >= bucketSum(prev)) this.map.set(key, rec);
  }

  get(key: string): UsageRecord | undefined {
    return this.map.get(key);
  }

  /** A final copy (e.g. the last chunk of a stream): emitted now, or the larger pending copy; later copies are duplicates. */
  addFinal(key: string, rec: UsageRecord, ctx: IngestContext): void {
    if (this.emitted.has(key, ctx.line)) return ctx.skip('duplicate');
    const prev = this.map.get(key);
    if (prev) {
      this.map.delete(key);
      ctx.skip('duplicate');
      if (bucketSum(prev) > bucketSum(rec)) rec = prev;
    }
    this.emitted.add(key, ctx.line);
    ctx.emit(rec);
  }

  /** Records waiting for a larger copy. */
  get pending(): number {
    return this.map.size;
  }

  private emitOldest(ctx: IngestContext): void {
    const [key, rec] = this.map.entries().next().value as [string, UsageRecord];
    this.map.delete(key);
    this.emitted.add(key, ctx.line);
    ctx.emit(rec);
  }

  flush(ctx: IngestContext): void {
    for (const rec of this.map.values()) ctx.emit(rec);
    this.map.clear();
  }

  static of(ctx: IngestContext, name: string): LargestByKey {
    let b = ctx.fileState.get(name) as LargestByKey | undefined;
    if (!b) {
      b = new LargestByKey();
      ctx.fileState.set(name, b);
    }
    return b;
  }
}

/** Ids already emitted in this file, within the sliding window (later copies skip as `duplicate`). */
export function seenBefore(ctx: IngestContext, name: string, id: string): boolean {
  let s = ctx.fileState.get(name) as RecentKeys | undefined;
  if (!s) {
    s = new RecentKeys();
    ctx.fileState.set(name, s);
  }
  return s.seenOrAdd(id, ctx.line);
}
