/**
 * Per-file dedupe helpers (state lives in ctx.fileState, so it never crosses files).
 *
 * Memory is bounded, not proportional to the file: duplicates in logs are logging artefacts
 * (double writes, streamed copies of one call) that sit close together, so an id is remembered for
 * WINDOW_LINES lines (a copy within that many lines of the first is a duplicate; a later one is
 * counted again), and "keep the largest copy" buffers hold at most MAX_PENDING records, emitting the
 * oldest when full. Both rules depend only on distances between lines, never on where counting
 * started, so a worker reading the second half of a file decides exactly as one reader would once
 * the keys near the split are checked (ctx.probe, see ingest/split.ts).
 */
import type { IngestContext } from '../types.js';
import type { UsageRecord } from '../../usage/record.js';
import { bucketSum } from './util.js';

// Sizes chosen by measurement (npm run bench, 100 MB vs 1 GB JSONL): larger windows kept long-lived
// garbage in V8's old space and peak RSS grew with the file (250k ids / 20k pending: 175 -> 437 MB);
// at 10k lines / 1k pending it stays within 20%.

export const WINDOW_LINES = 10_000;
export const MAX_PENDING = 1_000;

/** 32-bit FNV-1a over UTF-16 code units. */
function hash32(key: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < key.length; i++) h = Math.imul(h ^ key.charCodeAt(i), 0x01000193);
  return h >>> 0;
}

const FILTER_BITS = 1 << 20;
const FILTER_MASK = FILTER_BITS - 1;
/** Filter hits in one generation after which a Map is built for it instead of scanning. */
const SCAN_LIMIT = 8;

/**
 * One generation of keys: an append-only list plus a Bloom filter (1 Mi bits, 3 probes from one
 * hash; ~3e-5 false positives at 10,000 keys). Most lookups are new ids, which the filter rejects
 * without touching the keys (a hash map here costs a cache miss or two per record); a filter hit
 * scans the list, and after a few hits a Map is built, so many real duplicates stay cheap.
 */
class Generation {
  private readonly filter = new Int32Array(FILTER_BITS >>> 5);
  private readonly keys: string[] = [];
  private readonly lines: number[] = [];
  private index: Map<string, number> | undefined;
  private hits = 0;

  constructor(readonly fromLine: number) {}

  /** Line the key was added at (the latest copy), or undefined. */
  lineOf(key: string, h: number): number | undefined {
    if (!this.mayHave(h)) return undefined;
    if (this.index) return this.index.get(key);
    if (++this.hits > SCAN_LIMIT) {
      this.index = new Map();
      for (let i = 0; i < this.keys.length; i++) this.index.set(this.keys[i], this.lines[i]);
      return this.index.get(key);
    }
    for (let i = this.keys.length - 1; i >= 0; i--) if (this.keys[i] === key) return this.lines[i];
    return undefined;
  }

  add(key: string, h: number, line: number): void {
    const f = this.filter;
    const a = h & FILTER_MASK;
    const b = (h >>> 10) & FILTER_MASK;
    const c = ((h >>> 20) | (h << 12)) & FILTER_MASK;
    f[a >>> 5] |= 1 << (a & 31);
    f[b >>> 5] |= 1 << (b & 31);
    f[c >>> 5] |= 1 << (c & 31);
    this.keys.push(key);
    this.lines.push(line);
    this.index?.set(key, line);
  }

  private mayHave(h: number): boolean {
    const f = this.filter;
    const a = h & FILTER_MASK;
    const b = (h >>> 10) & FILTER_MASK;
    const c = ((h >>> 20) | (h << 12)) & FILTER_MASK;
    return (f[a >>> 5] & (1 << (a & 31))) !== 0 && (f[b >>> 5] & (1 << (b & 31))) !== 0 && (f[c >>> 5] & (1 << (c & 31))) !== 0;
  }
}

/**
 * Keys with the line they were added at; remembers at least every key of the last `window` lines
 * (two generations of `window` lines each: a new one starts once the current one spans the window,
 * dropping the one before).
 */
export class RecentKeys {
  private current: Generation;
  private previous: Generation | undefined;
  constructor(private readonly window = WINDOW_LINES) {
    this.current = new Generation(0);
  }

  /** Whether `key` was added at most `window` lines before `line`. */
  has(key: string, line: number): boolean {
    const h = hash32(key);
    const at = this.current.lineOf(key, h) ?? this.previous?.lineOf(key, h);
    return at !== undefined && line - at <= this.window;
  }

  /** Any remembered occurrence, however old (the conservative check at a split). */
  mayContain(key: string): boolean {
    const h = hash32(key);
    return this.current.lineOf(key, h) !== undefined || this.previous?.lineOf(key, h) !== undefined;
  }

  add(key: string, line: number): void {
    const span = line - this.current.fromLine;
    if (span >= this.window) {
      this.previous = span >= 2 * this.window ? undefined : this.current;
      this.current = new Generation(line);
    }
    this.current.add(key, hash32(key), line);
  }
}

/** Per-file "keep the largest copy per key" buffer, bounded; flushed in endFile. */
export class LargestByKey {
  private readonly map = new Map<string, UsageRecord>();
  private readonly emitted = new RecentKeys();

  constructor(private readonly maxPending = MAX_PENDING) {}

  /** Keeps the larger of two copies under one key; the other one skips `duplicate`. */
  add(key: string, rec: UsageRecord, ctx: IngestContext): void {
    ctx.probe?.(key, 'buffered');
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
    ctx.probe?.(key, 'lookup');
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

  /** Whether `key` is pending or was emitted recently (the conservative check at a split). */
  mayContain(key: string): boolean {
    return this.map.has(key) || this.emitted.mayContain(key);
  }

  private emitOldest(ctx: IngestContext): void {
    const [key, rec] = this.map.entries().next().value as [string, UsageRecord];
    this.map.delete(key);
    ctx.probe?.(key, 'evicted');
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
  ctx.probe?.(id, 'lookup');
  if (s.has(id, ctx.line)) return true;
  s.add(id, ctx.line);
  return false;
}
