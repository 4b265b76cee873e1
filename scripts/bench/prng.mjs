/**
 * Seeded PRNG for the benchmark data: xoshiro128** (32-bit state words), seeded through splitmix32 so
 * that any integer seed gives a well-mixed state. Same seed, same stream, on every platform.
 */

function splitmix32(seed) {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x9e3779b9) >>> 0;
    let z = s;
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b) >>> 0;
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35) >>> 0;
    return (z ^ (z >>> 16)) >>> 0;
  };
}

export class Rng {
  constructor(seed) {
    const sm = splitmix32(seed);
    this.a = sm();
    this.b = sm();
    this.c = sm();
    this.d = sm();
    if ((this.a | this.b | this.c | this.d) === 0) this.a = 1;
  }

  /** Next 32-bit unsigned integer. */
  u32() {
    const r = Math.imul(rotl(Math.imul(this.b, 5), 7), 9) >>> 0;
    const t = this.b << 9;
    this.c ^= this.a;
    this.d ^= this.b;
    this.b ^= this.c;
    this.a ^= this.d;
    this.c ^= t;
    this.d = rotl(this.d, 11);
    return r;
  }

  /** Uniform float in [0, 1). */
  next() {
    return this.u32() / 4294967296;
  }

  /** Integer in [lo, hi] inclusive. */
  int(lo, hi) {
    return lo + Math.floor(this.next() * (hi - lo + 1));
  }

  pick(list) {
    return list[Math.floor(this.next() * list.length)];
  }

  /** Pick from [[value, weight], ...] (weights need not sum to 1). */
  weighted(pairs) {
    let total = 0;
    for (const p of pairs) total += p[1];
    let x = this.next() * total;
    for (const p of pairs) {
      x -= p[1];
      if (x < 0) return p[0];
    }
    return pairs[pairs.length - 1][0];
  }

  chance(p) {
    return this.next() < p;
  }

  /** Log-normal-ish positive integer around `median` (spread = sigma of the log). */
  logNormal(median, sigma) {
    const u = Math.max(this.next(), 1e-12);
    const v = this.next();
    const z = Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
    return Math.max(1, Math.round(median * Math.exp(sigma * z)));
  }

  /** Random string over `alphabet`. */
  chars(n, alphabet) {
    let s = '';
    for (let i = 0; i < n; i++) s += alphabet[this.u32() % alphabet.length];
    return s;
  }
}

function rotl(x, k) {
  return ((x << k) | (x >>> (32 - k))) >>> 0;
}

/** Zipf sampler over ranks 0..n-1 (exponent s), by inverse CDF with a precomputed table. */
export class Zipf {
  constructor(n, s = 1.05) {
    this.cdf = new Float64Array(n);
    let total = 0;
    for (let i = 0; i < n; i++) {
      total += 1 / Math.pow(i + 1, s);
      this.cdf[i] = total;
    }
    for (let i = 0; i < n; i++) this.cdf[i] /= total;
  }

  sample(rng) {
    const x = rng.next();
    let lo = 0;
    let hi = this.cdf.length - 1;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.cdf[mid] < x) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }
}
