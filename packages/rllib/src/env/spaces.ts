/**
 * Constructors and helpers for the two spaces of the env API, with Gymnasium's meaning:
 * `Box` (element-wise bounded vectors, stored row-major and flat) and `Discrete`
 * (integers `start .. start+n-1`). Spaces are frozen plain data, so they can be sent to
 * other processes as they are.
 */
import type { BoxSpace, DiscreteSpace, Space } from './env.js';
import type { Rng } from './rng.js';

/** Largest finite float32 (NumPy's `np.finfo(np.float32).max`), used by envs with "unbounded" observations. */
export const FLOAT32_MAX = 3.4028234663852886e38;

const INT32_MIN = -(2 ** 31);
const INT32_MAX = 2 ** 31 - 1;

function checkShape(shape: readonly number[]): number {
  if (!Array.isArray(shape) || shape.length === 0) throw new TypeError('shape must be a non-empty array of positive integers');
  let size = 1;
  for (const d of shape) {
    if (!Number.isSafeInteger(d) || d <= 0) throw new RangeError(`shape must hold positive integers, got [${shape.join(', ')}]`);
    size *= d;
  }
  return size;
}

function bound(field: 'low' | 'high', v: number | ArrayLike<number>, size: number): Float32Array {
  const out = new Float32Array(size);
  if (typeof v === 'number') {
    out.fill(v);
  } else {
    if (v.length !== size) throw new RangeError(`${field} has ${v.length} values but the shape holds ${size}`);
    out.set(Array.from(v));
  }
  for (const x of out) if (Number.isNaN(x)) throw new RangeError(`${field} must not contain NaN`);
  return out;
}

/**
 * A Box space. `low`/`high` are a number (broadcast to `shape`) or an array with one value
 * per element; bounds are stored as float32 (like Gymnasium's `dtype=np.float32` boxes).
 * @param shape defaults to `[low.length]` when a bound is an array
 * @param dtype `'float32'` (default) or `'int32'` (integer bounds, integer elements)
 * @throws TypeError/RangeError naming the bad field (missing shape, length mismatch, `low > high`)
 */
export function box(
  low: number | ArrayLike<number>,
  high: number | ArrayLike<number>,
  shape?: readonly number[],
  dtype: 'float32' | 'int32' = 'float32',
): BoxSpace {
  if (dtype !== 'float32' && dtype !== 'int32') throw new TypeError(`dtype must be 'float32' or 'int32', got ${String(dtype)}`);
  for (const [field, v] of [['low', low], ['high', high]] as const) {
    if (typeof v !== 'number' && (v === null || typeof v !== 'object' || typeof v.length !== 'number')) {
      throw new TypeError(`${field} must be a number or an array of numbers`);
    }
  }
  let resolved = shape;
  if (resolved === undefined) {
    const arr = typeof low !== 'number' ? low : typeof high !== 'number' ? high : undefined;
    if (!arr) throw new TypeError('shape is required when low and high are both numbers');
    resolved = [arr.length];
  }
  const size = checkShape(resolved);
  const lo = bound('low', low, size);
  const hi = bound('high', high, size);
  for (let i = 0; i < size; i++) {
    if (lo[i]! > hi[i]!) throw new RangeError(`low must be <= high element-wise, but low[${i}]=${lo[i]} > high[${i}]=${hi[i]}`);
    if (dtype === 'int32') {
      for (const [field, v] of [['low', lo[i]!], ['high', hi[i]!]] as const) {
        if (!Number.isInteger(v) || v < INT32_MIN || v > INT32_MAX) throw new RangeError(`${field}[${i}] must be an int32 for an int32 box, got ${v}`);
      }
    }
  }
  return Object.freeze({ type: 'box', shape: Object.freeze([...resolved]), low: lo, high: hi, dtype });
}

/**
 * A Discrete space of the integers `start, ..., start + n - 1`.
 * @throws RangeError when `n` is not a positive integer or `start` not an integer
 */
export function discrete(n: number, start = 0): DiscreteSpace {
  if (!Number.isSafeInteger(n) || n <= 0) throw new RangeError(`n must be a positive integer, got ${String(n)}`);
  if (!Number.isSafeInteger(start)) throw new RangeError(`start must be an integer, got ${String(start)}`);
  return Object.freeze({ type: 'discrete', n, start });
}

/** True when `x` is an element of `space` (Gymnasium's `space.contains(x)`). */
export function contains(space: Space, x: unknown): boolean {
  if (space.type === 'discrete') {
    return typeof x === 'number' && Number.isInteger(x) && x >= space.start && x < space.start + space.n;
  }
  if (x === null || typeof x !== 'object' || typeof (x as ArrayLike<number>).length !== 'number') return false;
  const arr = x as ArrayLike<number>;
  if (arr.length !== space.low.length) return false;
  for (let i = 0; i < arr.length; i++) {
    const v = arr[i];
    if (typeof v !== 'number' || !(v >= space.low[i]! && v <= space.high[i]!)) return false;
    if (space.dtype === 'int32' && !Number.isInteger(v)) return false;
  }
  return true;
}

/**
 * A random element of `space` drawn from `rng`, by Gymnasium's rules: a Box element is
 * uniform where both bounds are finite, `low + Exp(1)` / `high - Exp(1)` where one is,
 * and standard normal where neither is (int32 boxes take the floor of a uniform draw over
 * `[low, high + 1)`); a Discrete element is uniform. Bounds at ±{@link FLOAT32_MAX} count as
 * infinite here (Gymnasium would draw uniformly over the whole float32 range).
 */
export function sample(space: DiscreteSpace, rng: Rng): number;
export function sample(space: BoxSpace, rng: Rng): Float32Array;
export function sample(space: Space, rng: Rng): number | Float32Array;
export function sample(space: Space, rng: Rng): number | Float32Array {
  if (space.type === 'discrete') return space.start + rng.integers(0, space.n);
  const out = new Float32Array(space.low.length);
  for (let i = 0; i < out.length; i++) {
    const lo = space.low[i]!;
    const hi = space.high[i]!;
    const loOk = Number.isFinite(lo) && lo > -FLOAT32_MAX;
    const hiOk = Number.isFinite(hi) && hi < FLOAT32_MAX;
    let v: number;
    if (space.dtype === 'int32') v = Math.min(hi, Math.floor(rng.uniform(lo, hi + 1)));
    else if (loOk && hiOk) v = rng.uniform(lo, hi);
    else if (loOk) v = lo + rng.exponential();
    else if (hiOk) v = hi - rng.exponential();
    else v = rng.normal();
    // Rounding to float32 may step just outside a bound: clamp back in.
    out[i] = v;
    if (out[i]! < lo) out[i] = lo;
    if (out[i]! > hi) out[i] = hi;
  }
  return out;
}

/**
 * Length of the flat float vector for an element of `space` (Gymnasium's `flatdim`):
 * the element count of a Box, `n` for a Discrete (flattened one-hot).
 */
export function flatDim(space: Space): number {
  return space.type === 'discrete' ? space.n : space.low.length;
}

/**
 * Writes `x` flattened (Gymnasium's `flatten`: a Box element as is, a Discrete element
 * one-hot) into `out` at `offset`, and returns `out`.
 */
export function flatten(space: Space, x: number | ArrayLike<number>, out = new Float32Array(flatDim(space)), offset = 0): Float32Array {
  if (space.type === 'discrete') {
    out.fill(0, offset, offset + space.n);
    out[offset + (x as number) - space.start] = 1;
  } else {
    const arr = x as ArrayLike<number>;
    for (let i = 0; i < space.low.length; i++) out[offset + i] = arr[i]!;
  }
  return out;
}

/** Text form of a space, e.g. `Discrete(2)` or `Box(-2, 2, [1], float32)`. */
export function describeSpace(space: Space): string {
  if (space.type === 'discrete') return space.start === 0 ? `Discrete(${space.n})` : `Discrete(${space.n}, start=${space.start})`;
  const uniform = (a: Float32Array) => (a.every((v) => v === a[0]) ? String(a[0]) : `[${Array.from(a).join(', ')}]`);
  return `Box(${uniform(space.low)}, ${uniform(space.high)}, [${space.shape.join(', ')}], ${space.dtype})`;
}

/** True when two spaces are equal (same kind, shape, bounds and dtype). */
export function spaceEquals(a: Space, b: Space): boolean {
  if (a.type === 'discrete' || b.type === 'discrete') {
    return a.type === 'discrete' && b.type === 'discrete' && a.n === b.n && a.start === b.start;
  }
  const same = (x: ArrayLike<number>, y: ArrayLike<number>) => x.length === y.length && Array.from(x).every((v, i) => Object.is(v, y[i]));
  return a.dtype === b.dtype && same(a.shape, b.shape) && same(a.low, b.low) && same(a.high, b.high);
}
