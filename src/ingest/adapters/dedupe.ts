/** Per-file dedupe helpers (state lives in ctx.fileState, so it never crosses files). */
import type { IngestContext } from '../types.js';
import type { UsageRecord } from '../../usage/record.js';
import { bucketSum } from './util.js';

/** Per-file "keep the largest copy per key" buffer, flushed in endFile. */
export class LargestByKey {
  private readonly map = new Map<string, UsageRecord>();

  /** Keeps the larger of two copies under one key; the other one skips `duplicate`. */
  add(key: string, rec: UsageRecord, ctx: IngestContext): void {
    const prev = this.map.get(key);
    if (!prev) {
      this.map.set(key, rec);
      return;
    }
    ctx.skip('duplicate');
    if (bucketSum(rec) >= bucketSum(prev)) this.map.set(key, rec);
  }

  get(key: string): UsageRecord | undefined {
    return this.map.get(key);
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

/** A per-file set of ids already emitted (later copies skip as `duplicate`). */
export function seenBefore(ctx: IngestContext, name: string, id: string): boolean {
  let s = ctx.fileState.get(name) as Set<string> | undefined;
  if (!s) {
    s = new Set();
    ctx.fileState.set(name, s);
  }
  if (s.has(id)) return true;
  s.add(id);
  return false;
}
