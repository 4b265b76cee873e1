/**
 * Per-file dedupe helpers (state lives in ctx.fileState, so it never crosses files).
 *
 * Memory is bounded, not proportional to the file: duplicates in logs are logging artefacts
 * (double writes, streamed copies of one call) that sit close together, so ids are remembered
 * in a sliding window of two generations (WINDOW_IDS each), and "keep the largest copy" buffers
 * hold at most MAX_PENDING records, emitting the oldest when full. A copy that turns up after
 * its id left the window is counted again; one that turns up after its record was emitted from a
 * full buffer (but still within the id window) is skipped as a duplicate, keeping the first copy.
 */
import type { IngestContext } from '../types.js';
import type { UsageRecord } from '../../usage/record.js';
import { bucketSum } from './util.js';

// Sizes chosen by measurement (npm run bench, 100 MB vs 1 GB JSONL): larger windows kept long-lived
// garbage in V8's old space and peak RSS grew with the file (250k ids / 20k pending: 175 -> 437 MB);
// at 10k ids / 1k pending it stays within 20% (148 -> 176 MB) and the 1 GB run is ~30% faster.

export const WINDOW_IDS = 10_000;
export const MAX_PENDING = 1_000;

/** A set that remembers roughly the last `2 * generation` keys added. */
export class GenerationalSet {
  private current = new Set<string>();
  private previous = new Set<string>();
  constructor(private readonly generation = WINDOW_IDS) {}

  has(key: string): boolean {
    return this.current.has(key) || this.previous.has(key);
  }

  add(key: string): void {
    if (this.current.size >= this.generation) {
      this.previous = this.current;
      this.current = new Set();
    }
    this.current.add(key);
  }
}

/** Per-file "keep the largest copy per key" buffer, bounded; flushed in endFile. */
export class LargestByKey {
  private readonly map = new Map<string, UsageRecord>();
  private readonly emitted = new GenerationalSet();

  constructor(private readonly maxPending = MAX_PENDING) {}

  /** Keeps the larger of two copies under one key; the other one skips `duplicate`. */
  add(key: string, rec: UsageRecord, ctx: IngestContext): void {
    if (this.emitted.has(key)) return ctx.skip('duplicate');
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

  private emitOldest(ctx: IngestContext): void {
    const [key, rec] = this.map.entries().next().value as [string, UsageRecord];
    this.map.delete(key);
    this.emitted.add(key);
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
  let s = ctx.fileState.get(name) as GenerationalSet | undefined;
  if (!s) {
    s = new GenerationalSet();
    ctx.fileState.set(name, s);
  }
  if (s.has(id)) return true;
  s.add(id);
  return false;
}
