/**
 * Element-wise reductions: `dst[i] = op(dst[i], src[i])`, in place. Integer arrays
 * wrap as their type does (Int32Array sums wrap modulo 2^32).
 */
import type { ReduceOp, TypedArray } from './types.js';

type Num = { [i: number]: number; length: number };
type Big = { [i: number]: bigint; length: number };

/** Reduces `src` into `dst` (same length and type). 'mean' reduces as 'sum'; divide afterwards with {@link divideInPlace}. */
export function reduceInto(dst: TypedArray, src: TypedArray, op: ReduceOp): void {
  const n = dst.length;
  if (src.length !== n) throw new RangeError(`reduceInto: lengths differ (${n} vs ${src.length})`);
  if (dst instanceof BigInt64Array || dst instanceof BigUint64Array) return reduceBig(dst as Big, src as unknown as Big, op, n);
  // Float tensors (gradients) get loops of their own: one element type per loop keeps V8's
  // element access monomorphic, several times faster than the shared loop below.
  if (dst instanceof Float32Array && src instanceof Float32Array) return reduceF32(dst, src, op, n);
  if (dst instanceof Float64Array && src instanceof Float64Array) return reduceF64(dst, src, op, n);
  const d = dst as Num;
  const s = src as unknown as Num;
  switch (op) {
    case 'sum':
    case 'mean':
      for (let i = 0; i < n; i++) d[i] += s[i]!;
      return;
    case 'product':
      for (let i = 0; i < n; i++) d[i] *= s[i]!;
      return;
    case 'max':
      for (let i = 0; i < n; i++) if (s[i]! > d[i]! || s[i] !== s[i]) d[i] = s[i]!;
      return;
    case 'min':
      for (let i = 0; i < n; i++) if (s[i]! < d[i]! || s[i] !== s[i]) d[i] = s[i]!;
      return;
  }
}

function reduceF32(d: Float32Array, s: Float32Array, op: ReduceOp, n: number): void {
  if (op === 'sum' || op === 'mean') for (let i = 0; i < n; i++) d[i] += s[i]!;
  else if (op === 'product') for (let i = 0; i < n; i++) d[i] *= s[i]!;
  else if (op === 'max') for (let i = 0; i < n; i++) d[i] = s[i]! > d[i]! || s[i] !== s[i] ? s[i]! : d[i]!;
  else for (let i = 0; i < n; i++) d[i] = s[i]! < d[i]! || s[i] !== s[i] ? s[i]! : d[i]!;
}

function reduceF64(d: Float64Array, s: Float64Array, op: ReduceOp, n: number): void {
  if (op === 'sum' || op === 'mean') for (let i = 0; i < n; i++) d[i] += s[i]!;
  else if (op === 'product') for (let i = 0; i < n; i++) d[i] *= s[i]!;
  else if (op === 'max') for (let i = 0; i < n; i++) d[i] = s[i]! > d[i]! || s[i] !== s[i] ? s[i]! : d[i]!;
  else for (let i = 0; i < n; i++) d[i] = s[i]! < d[i]! || s[i] !== s[i] ? s[i]! : d[i]!;
}

function reduceBig(d: Big, s: Big, op: ReduceOp, n: number): void {
  switch (op) {
    case 'sum':
    case 'mean':
      for (let i = 0; i < n; i++) d[i] += s[i]!;
      return;
    case 'product':
      for (let i = 0; i < n; i++) d[i] *= s[i]!;
      return;
    case 'max':
      for (let i = 0; i < n; i++) if (s[i]! > d[i]!) d[i] = s[i]!;
      return;
    case 'min':
      for (let i = 0; i < n; i++) if (s[i]! < d[i]!) d[i] = s[i]!;
      return;
  }
}

/** Divides a float tensor by `n` in place (the last step of 'mean'). */
export function divideInPlace(t: Float32Array | Float64Array, n: number): void {
  if (n === 1) return;
  for (let i = 0; i < t.length; i++) t[i] /= n;
}
