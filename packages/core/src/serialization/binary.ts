/**
 * Binary values (ArrayBuffer, Node Buffer, DataView and every TypedArray kind): which
 * {@link BinKind} a value is, its raw bytes, and how to rebuild it around bytes,
 * as a zero-copy view when the alignment allows.
 *
 * @module
 */
import { BinKind } from './format.js';

type TypedArrayCtor = new (buffer: ArrayBufferLike, byteOffset: number, length: number) => ArrayBufferView;

const ctorByKind = new Map<number, TypedArrayCtor>([
  [BinKind.INT8, Int8Array],
  [BinKind.UINT8, Uint8Array],
  [BinKind.UINT8_CLAMPED, Uint8ClampedArray],
  [BinKind.INT16, Int16Array],
  [BinKind.UINT16, Uint16Array],
  [BinKind.INT32, Int32Array],
  [BinKind.UINT32, Uint32Array],
  [BinKind.FLOAT32, Float32Array],
  [BinKind.FLOAT64, Float64Array],
  [BinKind.BIGINT64, BigInt64Array],
  [BinKind.BIGUINT64, BigUint64Array],
]);
/** Float16Array exists only on newer runtimes; support it where it does. */
const float16 = (globalThis as { Float16Array?: TypedArrayCtor }).Float16Array;
if (float16 !== undefined) ctorByKind.set(BinKind.FLOAT16, float16);

const kindByProto = new Map<object, number>();
for (const [kind, ctor] of ctorByKind) kindByProto.set(ctor.prototype, kind);
kindByProto.set(DataView.prototype, BinKind.DATA_VIEW);
kindByProto.set(Buffer.prototype, BinKind.BUFFER);

/**
 * Kind of an ArrayBuffer view. Subclasses map to their nearest built-in ancestor
 * (a subclass of Float32Array comes back as a Float32Array).
 */
export function viewKind(v: ArrayBufferView): number {
  for (let p: object | null = Object.getPrototypeOf(v); p !== null; p = Object.getPrototypeOf(p)) {
    const kind = kindByProto.get(p);
    if (kind !== undefined) return kind;
  }
  return BinKind.UINT8;
}

/** The bytes of a view or buffer, as a Uint8Array sharing its memory (no copy). */
export function bytesOf(v: ArrayBufferView | ArrayBufferLike): Uint8Array {
  if (ArrayBuffer.isView(v)) return new Uint8Array(v.buffer, v.byteOffset, v.byteLength);
  return new Uint8Array(v);
}

/** True when `kind` is one this runtime can rebuild. */
export function isKnownKind(kind: number): boolean {
  return kind === BinKind.ARRAY_BUFFER || kind === BinKind.BUFFER || kind === BinKind.DATA_VIEW || ctorByKind.has(kind);
}

function copyOf(src: Uint8Array): Uint8Array {
  const out = new Uint8Array(src.byteLength);
  out.set(src);
  return out;
}

/**
 * Rebuilds a binary value of `kind` around `src`. With `zeroCopy`, the result is a view
 * into `src`'s memory whenever the element alignment allows (always for Buffer,
 * DataView and 1-byte kinds); otherwise the bytes are copied. An ArrayBuffer is always
 * a copy, since an ArrayBuffer cannot view part of another one.
 *
 * @returns the value, or `undefined` when the length is not a multiple of the element size.
 */
export function rebuild(kind: number, src: Uint8Array, zeroCopy: boolean): unknown {
  if (kind === BinKind.ARRAY_BUFFER) return copyOf(src).buffer;
  const bytes = zeroCopy ? src : copyOf(src);
  if (kind === BinKind.BUFFER) return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (kind === BinKind.DATA_VIEW) return new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const ctor = ctorByKind.get(kind)!;
  const size = (ctor as unknown as { BYTES_PER_ELEMENT: number }).BYTES_PER_ELEMENT;
  if (bytes.byteLength % size !== 0) return undefined;
  const aligned = bytes.byteOffset % size === 0 ? bytes : copyOf(bytes);
  return new ctor(aligned.buffer, aligned.byteOffset, aligned.byteLength / size);
}
