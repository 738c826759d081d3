/**
 * Search-space primitives (Ray Tune's `tune.uniform`, `tune.choice`, ...). Each is a
 * {@link Domain} that draws a value from a seeded {@link Rng}; `gridSearch` is a marker that
 * the variant generator expands into every value. Arguments are checked at the call:
 * bad bounds throw `RangeError`, bad types `TypeError`.
 */
import type { Rng } from './rng.js';

/** A distribution a parameter is drawn from. */
export abstract class Domain<T = unknown> {
  /** Kind, for messages and `toJSON`. */
  abstract readonly kind: string;
  /** Draws one value; `spec` is the config resolved so far (for `sampleFrom`). */
  abstract sample(rng: Rng, spec: Record<string, unknown>): T;
  /** Plain description, e.g. `{ uniform: [0, 1] }`. */
  toJSON(): unknown {
    return { [this.kind]: { ...this } };
  }
}

/** Marker for a grid axis: every value is tried (times `numSamples`). */
export class GridSearch<T = unknown> {
  readonly kind = 'gridSearch';
  constructor(readonly values: readonly T[]) {}
}

function num(name: string, v: unknown): number {
  if (typeof v !== 'number' || !Number.isFinite(v)) throw new TypeError(`${name} must be a finite number, got ${String(v)}`);
  return v;
}

function bounds(fn: string, lower: unknown, upper: unknown, positive = false): [number, number] {
  const lo = num(`${fn}(lower)`, lower);
  const hi = num(`${fn}(upper)`, upper);
  if (positive && lo <= 0) throw new RangeError(`${fn}(lower) must be > 0, got ${lo}`);
  if (!(lo < hi)) throw new RangeError(`${fn}(lower, upper) needs lower < upper, got ${lo} and ${hi}`);
  return [lo, hi];
}

function positiveQ(fn: string, q: unknown): number {
  const v = num(`${fn}(q)`, q);
  if (v <= 0) throw new RangeError(`${fn}(q) must be > 0, got ${v}`);
  return v;
}

/** Rounds to a multiple of q and clears float noise (0.30000000000000004 → 0.3). */
function quantize(x: number, q: number): number {
  return Number((Math.round(x / q) * q).toPrecision(12));
}

/** Uniform float in [lower, upper). */
export class Uniform extends Domain<number> {
  readonly kind: string = 'uniform';
  constructor(readonly lower: number, readonly upper: number, readonly q?: number) {
    super();
  }
  sample(rng: Rng): number {
    const x = this.lower + rng.next() * (this.upper - this.lower);
    return this.q === undefined ? x : Math.min(Math.max(quantize(x, this.q), this.lower), this.upper);
  }
}

/** Float whose logarithm is uniform in [log(lower), log(upper)). */
export class LogUniform extends Domain<number> {
  readonly kind: string = 'loguniform';
  constructor(readonly lower: number, readonly upper: number, readonly base: number, readonly q?: number) {
    super();
  }
  sample(rng: Rng): number {
    const lb = Math.log(this.lower);
    const x = Math.exp(lb + rng.next() * (Math.log(this.upper) - lb));
    return this.q === undefined ? x : Math.min(Math.max(quantize(x, this.q), this.lower), this.upper);
  }
}

/** Integer in [lower, upper) (upper exclusive, like Ray). */
export class RandInt extends Domain<number> {
  readonly kind = 'randint';
  constructor(readonly lower: number, readonly upper: number) {
    super();
  }
  sample(rng: Rng): number {
    return this.lower + Math.floor(rng.next() * (this.upper - this.lower));
  }
}

/** Normal float with mean and standard deviation. */
export class RandN extends Domain<number> {
  readonly kind = 'randn';
  constructor(readonly mean: number, readonly sd: number) {
    super();
  }
  sample(rng: Rng): number {
    return this.mean + this.sd * rng.normal();
  }
}

/** One of a list of values, uniformly. */
export class Choice<T> extends Domain<T> {
  readonly kind = 'choice';
  constructor(readonly categories: readonly T[]) {
    super();
  }
  sample(rng: Rng): T {
    return this.categories[Math.floor(rng.next() * this.categories.length)]!;
  }
}

/** A value computed from the config drawn so far: `sampleFrom((spec) => spec.a * 2)`. */
export class SampleFrom<T> extends Domain<T> {
  readonly kind = 'sampleFrom';
  constructor(readonly fn: (spec: Record<string, unknown>) => T) {
    super();
  }
  sample(_rng: Rng, spec: Record<string, unknown>): T {
    return this.fn(spec);
  }
  override toJSON(): unknown {
    return { sampleFrom: String(this.fn) };
  }
}

/** Every value of `values` is tried (a grid axis). */
export function gridSearch<T>(values: readonly T[]): GridSearch<T> {
  if (!Array.isArray(values) || values.length === 0) throw new TypeError('gridSearch(values) needs a non-empty array');
  return new GridSearch([...values]);
}
/** One of `categories`, uniformly at random. */
export function choice<T>(categories: readonly T[]): Choice<T> {
  if (!Array.isArray(categories) || categories.length === 0) throw new TypeError('choice(categories) needs a non-empty array');
  return new Choice([...categories]);
}
/** Uniform float in [lower, upper). */
export function uniform(lower: number, upper: number): Uniform {
  const [lo, hi] = bounds('uniform', lower, upper);
  return new Uniform(lo, hi);
}
/** Uniform float in [lower, upper], rounded to a multiple of `q`. */
export function quniform(lower: number, upper: number, q: number): Uniform {
  const [lo, hi] = bounds('quniform', lower, upper);
  const u = new Uniform(lo, hi, positiveQ('quniform', q));
  (u as { kind: string }).kind = 'quniform';
  return u;
}
/** Float uniform in log space between lower (> 0) and upper. `base` only labels it (default 10). */
export function loguniform(lower: number, upper: number, base = 10): LogUniform {
  const [lo, hi] = bounds('loguniform', lower, upper, true);
  return new LogUniform(lo, hi, base);
}
/** Like {@link loguniform}, rounded to a multiple of `q`. */
export function qloguniform(lower: number, upper: number, q: number, base = 10): LogUniform {
  const [lo, hi] = bounds('qloguniform', lower, upper, true);
  const d = new LogUniform(lo, hi, base, positiveQ('qloguniform', q));
  (d as { kind: string }).kind = 'qloguniform';
  return d;
}
/** Integer in [lower, upper) — upper exclusive, as in Ray. */
export function randint(lower: number, upper: number): RandInt {
  const [lo, hi] = bounds('randint', lower, upper);
  if (!Number.isInteger(lo) || !Number.isInteger(hi)) throw new TypeError(`randint(lower, upper) needs integers, got ${lo} and ${hi}`);
  return new RandInt(lo, hi);
}
/** Normal float (default mean 0, sd 1). */
export function randn(mean = 0, sd = 1): RandN {
  num('randn(mean)', mean);
  if (num('randn(sd)', sd) <= 0) throw new RangeError(`randn(sd) must be > 0, got ${sd}`);
  return new RandN(mean, sd);
}
/** A value computed from the rest of the config: `sampleFrom((spec) => spec.width * 2)`. */
export function sampleFrom<T>(fn: (spec: Record<string, unknown>) => T): SampleFrom<T> {
  if (typeof fn !== 'function') throw new TypeError('sampleFrom(fn) needs a function');
  return new SampleFrom(fn);
}
