/**
 * A seeded random generator with the role of Gymnasium's `np_random`: every env owns one,
 * `reset({ seed })` replaces it with a fresh generator seeded from `seed`, and all of the
 * env's randomness (initial states, sampling) is drawn from it.
 *
 * The algorithm is xoshiro128** (state seeded from the 53-bit seed by SplitMix64), not
 * NumPy's PCG64, so the numbers drawn for a given seed differ from Gymnasium's: a seed
 * makes a trajectory reproducible within ray-ts, and trajectories are compared with
 * Gymnasium's from a given initial state (see each env's `setState`), not from a seed.
 */

/** Plain-data state of an {@link Rng} (to checkpoint or copy it). */
export interface RngState {
  /** The seed it was created from. */
  readonly seed: number;
  /** The four 32-bit words of the xoshiro128** state. */
  readonly s: readonly [number, number, number, number];
}

const MASK64 = (1n << 64n) - 1n;

/** SplitMix64 step over a BigInt state; returns [next state, output]. */
function splitMix64(state: bigint): [bigint, bigint] {
  const next = (state + 0x9e3779b97f4a7c15n) & MASK64;
  let z = next;
  z = ((z ^ (z >> 30n)) * 0xbf58476d1ce4e5b9n) & MASK64;
  z = ((z ^ (z >> 27n)) * 0x94d049bb133111ebn) & MASK64;
  return [next, z ^ (z >> 31n)];
}

function rotl(x: number, k: number): number {
  return ((x << k) | (x >>> (32 - k))) >>> 0;
}

/** Checks a seed the way Gymnasium's `seeding.np_random` does (a non-negative integer). */
export function validateSeed(seed: unknown, field = 'seed'): number {
  if (typeof seed !== 'number' || !Number.isSafeInteger(seed) || seed < 0) {
    throw new RangeError(`${field} must be a non-negative safe integer, got ${String(seed)}`);
  }
  return seed;
}

/** A fresh seed from the OS entropy source (what Gymnasium does when no seed is given). */
export function entropySeed(): number {
  const words = crypto.getRandomValues(new Uint32Array(2));
  return (words[0]! & 0x1fffff) * 2 ** 32 + words[1]!;
}

/** A seeded pseudo-random generator (xoshiro128**); see the module comment for how it relates to NumPy's. */
export class Rng {
  /** The seed this generator was created from. */
  readonly seed: number;
  private s0 = 0;
  private s1 = 0;
  private s2 = 0;
  private s3 = 0;

  /**
   * @param seed non-negative safe integer; omitted → drawn from OS entropy
   * @throws RangeError when `seed` is not a non-negative safe integer
   */
  constructor(seed?: number) {
    this.seed = seed === undefined ? entropySeed() : validateSeed(seed);
    let st = BigInt(this.seed);
    const words: number[] = [];
    for (let i = 0; i < 2; i++) {
      const [next, out] = splitMix64(st);
      st = next;
      words.push(Number(out & 0xffffffffn), Number(out >> 32n));
    }
    [this.s0, this.s1, this.s2, this.s3] = words as [number, number, number, number];
    if ((this.s0 | this.s1 | this.s2 | this.s3) === 0) this.s0 = 1; // all-zero state is a fixed point
  }

  /** Rebuilds a generator from {@link Rng.getState}. */
  static fromState(state: RngState): Rng {
    const r = new Rng(state.seed);
    r.setState(state);
    return r;
  }

  /** Next uniformly distributed unsigned 32-bit integer. */
  nextUint32(): number {
    const result = Math.imul(rotl(Math.imul(this.s1, 5) >>> 0, 7), 9) >>> 0;
    const t = (this.s1 << 9) >>> 0;
    this.s2 = (this.s2 ^ this.s0) >>> 0;
    this.s3 = (this.s3 ^ this.s1) >>> 0;
    this.s1 = (this.s1 ^ this.s2) >>> 0;
    this.s0 = (this.s0 ^ this.s3) >>> 0;
    this.s2 = (this.s2 ^ t) >>> 0;
    this.s3 = rotl(this.s3, 11);
    return result;
  }

  /** Uniform double in [0, 1) with 53 random bits (like NumPy's `random()`). */
  random(): number {
    const hi = this.nextUint32() >>> 5; // 27 bits
    const lo = this.nextUint32() >>> 6; // 26 bits
    return (hi * 67108864 + lo) / 9007199254740992;
  }

  /** Uniform double in [low, high) computed as `low + (high - low) * random()` (NumPy's formula). */
  uniform(low = 0, high = 1): number {
    return low + (high - low) * this.random();
  }

  /** Uniform integer in [low, high) (NumPy's `integers`), without modulo bias. */
  integers(low: number, high: number): number {
    const range = high - low;
    if (!Number.isSafeInteger(low) || !Number.isSafeInteger(high) || range <= 0) {
      throw new RangeError(`integers(low, high) needs integers with low < high, got (${low}, ${high})`);
    }
    if (range <= 2 ** 32) {
      const limit = 2 ** 32 - (2 ** 32 % range);
      let x = this.nextUint32();
      while (x >= limit) x = this.nextUint32();
      return low + (x % range);
    }
    return low + Math.floor(this.random() * range);
  }

  /** Standard normal sample scaled to `mean`, `std` (Box–Muller; one sample per call). */
  normal(mean = 0, std = 1): number {
    const u1 = 1 - this.random(); // (0, 1]
    const u2 = this.random();
    return mean + std * Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * u2);
  }

  /** Exponential sample with the given scale (mean). */
  exponential(scale = 1): number {
    return -scale * Math.log(1 - this.random());
  }

  /** The generator's state as plain data. */
  getState(): RngState {
    return { seed: this.seed, s: [this.s0, this.s1, this.s2, this.s3] };
  }

  /** Restores a state from {@link Rng.getState}. */
  setState(state: RngState): void {
    const s = state.s;
    if (!Array.isArray(s) || s.length !== 4 || s.some((w) => !Number.isInteger(w) || w < 0 || w > 0xffffffff)) {
      throw new TypeError('state.s must be four unsigned 32-bit integers');
    }
    [this.s0, this.s1, this.s2, this.s3] = s as [number, number, number, number];
  }
}

/**
 * Gymnasium's `seeding.np_random(seed)`: a generator and the seed actually used (drawn from
 * entropy when `seed` is undefined).
 */
export function npRandom(seed?: number): [Rng, number] {
  const rng = new Rng(seed);
  return [rng, rng.seed];
}
