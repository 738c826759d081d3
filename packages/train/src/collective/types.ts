/**
 * Tensor and reduction types of the collective library, and the helpers that name a
 * tensor's dtype (checked to match across ranks).
 */

/** Tensors the collectives accept: any typed array of numbers or bigints. */
export type TypedArray =
  | Float32Array | Float64Array
  | Int32Array | Uint32Array | Int16Array | Uint16Array | Int8Array | Uint8Array | Uint8ClampedArray
  | BigInt64Array | BigUint64Array;

/** How allreduce and reducescatter combine the ranks' values, element by element. */
export type ReduceOp = 'sum' | 'mean' | 'max' | 'min' | 'product';

/** The reduce ops, for validation. */
export const REDUCE_OPS: readonly ReduceOp[] = Object.freeze(['sum', 'mean', 'max', 'min', 'product']);

const CTORS = [
  Float32Array, Float64Array, Int32Array, Uint32Array, Int16Array, Uint16Array, Int8Array, Uint8Array, Uint8ClampedArray,
  BigInt64Array, BigUint64Array,
] as const;

/** The dtype name of a tensor (its typed array class name), or undefined for other values. */
export function dtypeOf(x: unknown): string | undefined {
  for (const C of CTORS) if (x instanceof C) return C.name;
  return undefined;
}

/** True for integer (and bigint) tensors, where 'mean' is not defined. */
export function isIntegerTensor(x: TypedArray): boolean {
  return !(x instanceof Float32Array || x instanceof Float64Array);
}
