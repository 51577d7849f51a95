// Seeded randomness for the demo world. Every customer gets its own stream derived from
// (seed, customer index), so customers can be generated one at a time, in any process,
// and still produce byte-identical output.

/** A 32-bit avalanche mix (lowbias32) used to derive independent stream seeds. */
export function mix32(x: number): number {
  x = x >>> 0;
  x ^= x >>> 16;
  x = Math.imul(x, 0x7feb352d);
  x ^= x >>> 15;
  x = Math.imul(x, 0x846ca68b);
  x ^= x >>> 16;
  return x >>> 0;
}

/** Combines several integers into one well-mixed 32-bit seed. */
export function seedOf(...parts: number[]): number {
  let h = 0x2545f491;
  for (const p of parts) {
    // Fold in high bits too, so seeds above 2^32 are not silently truncated.
    const lo = p >>> 0;
    const hi = Math.floor(p / 4294967296) >>> 0;
    h = mix32(h ^ mix32(lo + 0x9e3779b9));
    h = mix32(h ^ mix32(hi + 0x7f4a7c15));
  }
  return h;
}

/**
 * sfc32 (Chris Doty-Humphrey's Small Fast Chaotic generator): 128 bits of state, so the
 * streams of thousands of customers do not overlap the way 32-bit-state generators' do.
 */
export class Rng {
  private a: number;
  private b: number;
  private c: number;
  private d: number;
  constructor(seed: number) {
    this.a = mix32(seed ^ 0x9e3779b9);
    this.b = mix32(seed ^ 0x243f6a88);
    this.c = mix32(seed ^ 0xb7e15162);
    this.d = 1;
    for (let k = 0; k < 12; k++) this.next();
  }
  /** Uniform in [0, 1). */
  next(): number {
    const a = this.a;
    const b = this.b;
    const c = this.c;
    const d = this.d;
    const t = (((a + b) | 0) + d) | 0;
    this.d = (d + 1) | 0;
    this.a = b ^ (b >>> 9);
    this.b = (c + (c << 3)) | 0;
    this.c = (((c << 21) | (c >>> 11)) + t) | 0;
    return (t >>> 0) / 4294967296;
  }
  /** 32 random bits. */
  u32(): number {
    return Math.floor(this.next() * 4294967296) >>> 0;
  }
  /** Integer in [lo, hi], both inclusive. */
  int(lo: number, hi: number): number {
    return lo + Math.floor(this.next() * (hi - lo + 1));
  }
  chance(p: number): boolean {
    return this.next() < p;
  }
  pick<T>(items: readonly T[]): T {
    return items[Math.floor(this.next() * items.length)]!;
  }
  /** Exponential with the given mean. */
  exp(mean: number): number {
    return -Math.log(1 - this.next()) * mean;
  }
  /** Standard normal via Box–Muller (one value per call keeps the stream simple). */
  normal(): number {
    const u = 1 - this.next();
    const v = this.next();
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
  }
  /** Number of failures before the first success. */
  geometric(pSuccess: number): number {
    return Math.floor(Math.log(1 - this.next()) / Math.log(1 - pSuccess));
  }
  /** Poisson by inversion; fine for the small means used here. */
  poisson(mean: number): number {
    const l = Math.exp(-mean);
    let k = 0;
    let p = this.next();
    while (p > l) {
      k++;
      p *= this.next();
    }
    return k;
  }
  hex(chars: number): string {
    let s = '';
    while (s.length < chars) s += this.u32().toString(16).padStart(8, '0');
    return s.slice(0, chars);
  }
  /** URL-safe token, as ad-platform click ids look. */
  token(chars: number): string {
    const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-';
    let s = '';
    for (let i = 0; i < chars; i++) s += alphabet[Math.floor(this.next() * 64)];
    return s;
  }
}

/** Weighted choice with precomputed cumulative weights. */
export class Weighted<T> {
  readonly items: readonly T[];
  private readonly cum: Float64Array;
  private readonly total: number;
  constructor(entries: ReadonlyArray<readonly [T, number]>) {
    this.items = entries.map((e) => e[0]);
    this.cum = new Float64Array(entries.length);
    let acc = 0;
    entries.forEach(([, w], i) => {
      acc += w;
      this.cum[i] = acc;
    });
    this.total = acc;
  }
  pick(rng: Rng): T {
    const x = rng.next() * this.total;
    // Linear scan: the lists are short (< 30 entries).
    for (let i = 0; i < this.cum.length; i++) if (x < this.cum[i]!) return this.items[i]!;
    return this.items[this.items.length - 1]!;
  }
}
