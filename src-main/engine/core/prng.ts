/**
 * Seeded PRNG streams: xoshiro128** seeded by splitmix32 from (seed, stream name), so each
 * subsystem draws from its own stream and adding one does not shift another's draws.
 */
import { ZIGGURAT_R, zigF, zigK, zigW } from './exp-ziggurat';

function hashString(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193);
  return h >>> 0;
}

function splitmix32(state: number): () => number {
  return () => {
    state = (state + 0x9e3779b9) | 0;
    let z = state;
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
    return (z ^ (z >>> 16)) >>> 0;
  };
}

export class Rng {
  private a: number;
  private b: number;
  private c: number;
  private d: number;

  constructor(seed: number, stream = '') {
    const sm = splitmix32((Math.imul(seed >>> 0, 0x9e3779b1) ^ hashString(stream) ^ Math.floor(seed / 2 ** 32)) >>> 0);
    // State words are kept as int32 (small integers to V8), never as boxed doubles.
    this.a = sm() | 0;
    this.b = sm() | 0;
    this.c = sm() | 0;
    this.d = sm() | 0;
    if ((this.a | this.b | this.c | this.d) === 0) this.a = 1;
  }

  /** Uniform 32-bit unsigned integer. */
  u32(): number {
    return this.next() >>> 0;
  }

  /**
   * The next xoshiro128** output as a signed int32 (same bits as u32). Internal draws use it:
   * an int32 result never needs a heap-allocated number when the call is not inlined.
   */
  private next(): number {
    const r = Math.imul(rotl(Math.imul(this.b, 5), 7), 9);
    const t = this.b << 9;
    this.c ^= this.a;
    this.d ^= this.b;
    this.b ^= this.c;
    this.a ^= this.d;
    this.c ^= t;
    this.d = rotl(this.d, 11);
    return r;
  }

  /** Uniform in [0, 1) with 53 bits. */
  float(): number {
    return ((this.next() >>> 5) * 67108864 + (this.next() >>> 6)) / 9007199254740992;
  }

  /** Uniform integer in [0, n). */
  int(n: number): number {
    if (n <= 0x100000000) {
      // Lemire's nearly-divisionless bounded draw would be faster; rejection keeps it exact.
      const limit = 0x100000000 - (0x100000000 % n);
      let x: number;
      do x = this.next() >>> 0;
      while (x >= limit);
      return x % n;
    }
    return Math.floor(this.float() * n);
  }

  /** True with probability p. */
  chance(p: number): boolean {
    return this.float() < p;
  }

  /** Exponential variate with the given mean (for Poisson arrivals). */
  exp(mean: number): number {
    return -Math.log(1 - this.float()) * mean;
  }

  /**
   * Exponential variate with the given mean by the ziggurat method (exp-ziggurat.ts): the same
   * distribution as exp() (to 24 bits within each of 256 layers) at a fraction of the cost, as
   * it rarely needs a logarithm. Its draws differ from exp()'s, so switching a model from exp()
   * changes that model's traces.
   */
  expZiggurat(mean: number): number {
    const j = this.next();
    const layer = j & 255;
    const m = j >>> 8;
    if (m < zigK[layer]) return m * zigW[layer] * mean;
    return this.zigguratOutside(layer, m) * mean;
  }

  /** The draw fell outside its layer's rectangle: the tail, a wedge test, or a new draw. */
  private zigguratOutside(layer: number, m: number): number {
    for (;;) {
      if (layer === 0) return ZIGGURAT_R - Math.log(1 - this.float());
      const x = m * zigW[layer];
      if (zigF[layer] + this.float() * (zigF[layer - 1] - zigF[layer]) < Math.exp(-x)) return x;
      const j = this.next();
      layer = j & 255;
      m = j >>> 8;
      if (m < zigK[layer]) return m * zigW[layer];
    }
  }

  pick<T>(items: readonly T[]): T {
    return items[this.int(items.length)];
  }

  /** An independent stream derived from this one (for per-entity streams). */
  fork(stream: string): Rng {
    return new Rng(this.u32() * 0x100000 + (this.u32() & 0xfffff), stream);
  }
}

function rotl(x: number, k: number): number {
  return (x << k) | (x >>> (32 - k));
}
