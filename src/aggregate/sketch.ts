/**
 * Quantiles in constant memory: a log-bucketed histogram (relative accuracy ~0.5%: bucket
 * boundaries grow by 1%, and a quantile is reported at its bucket's geometric midpoint).
 * Memory is bounded by the value range (about 2,800 buckets from $1e-9 to $1,000), not by the
 * number of values. Zeros are counted exactly; min and max are exact.
 */
const GAMMA = 1.01;
const LOG_GAMMA = Math.log(GAMMA);

/** The bucket of a positive value. */
export function bucketOf(value: number): number {
  return Math.ceil(Math.log(value) / LOG_GAMMA);
}

export interface SketchPartial {
  buckets: Map<number, number>;
  zeros: number;
  count: number;
  min: number;
  max: number;
}

export class QuantileSketch {
  private readonly buckets = new Map<number, number>();
  private zeros = 0;
  count = 0;
  min = Infinity;
  max = -Infinity;

  /** Adds `value` whose bucket is `bucketOf(value)` (computed once by the caller for several sketches; any number for 0). */
  addAt(value: number, bucket: number, weight = 1): void {
    if (!(value >= 0) || weight <= 0) return;
    this.count += weight;
    if (value < this.min) this.min = value;
    if (value > this.max) this.max = value;
    if (value === 0) {
      this.zeros += weight;
      return;
    }
    this.buckets.set(bucket, (this.buckets.get(bucket) ?? 0) + weight);
  }

  /** q in [0, 1]; undefined when empty. Nearest-rank on the bucketed values, clamped to [min, max]. */
  quantile(q: number): number | undefined {
    if (this.count === 0) return undefined;
    const rank = Math.max(1, Math.ceil(q * this.count));
    if (rank <= this.zeros) return 0;
    let seen = this.zeros;
    const keys = [...this.buckets.keys()].sort((a, b) => a - b);
    for (const k of keys) {
      seen += this.buckets.get(k)!;
      if (seen >= rank) {
        const mid = (Math.pow(GAMMA, k - 1) + Math.pow(GAMMA, k)) / 2;
        return Math.min(this.max, Math.max(this.min, mid));
      }
    }
    return this.max;
  }

  /** Plain form for another thread. */
  toPartial(): SketchPartial {
    return { buckets: this.buckets, zeros: this.zeros, count: this.count, min: this.min, max: this.max };
  }

  /** Adds another sketch's values (bucket counts add exactly; min and max are exact). */
  merge(p: SketchPartial): void {
    for (const [k, n] of p.buckets) this.buckets.set(k, (this.buckets.get(k) ?? 0) + n);
    this.zeros += p.zeros;
    this.count += p.count;
    if (p.min < this.min) this.min = p.min;
    if (p.max > this.max) this.max = p.max;
  }
}
