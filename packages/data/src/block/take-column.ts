/**
 * Row selection for flat columns straight on Arrow buffers: numbers (with or without
 * nulls), booleans, UTF-8 strings and binary values. Used by `takeRows` (sort, shuffle,
 * filter); other types take the generic path through JS values. A column of several
 * chunks is first laid out contiguously (one sequential copy), so the gather itself is a
 * single indexed load per row.
 */
import { DataType, makeData, makeVector, Type, type Data, type Vector } from 'apache-arrow';

type Typed = ArrayLike<number> & { [i: number]: number; length: number; set(a: ArrayLike<number>, at?: number): void; subarray(a: number, b: number): Typed };
type TypedCtor = new (n: number) => Typed;

/** Validity of every row of a column as one byte per row, or undefined when nothing is null. */
function validBytes(col: Vector): Uint8Array | undefined {
  if (col.nullCount === 0) return undefined;
  const out = new Uint8Array(col.length);
  let at = 0;
  for (const d of col.data) {
    if (d.nullCount === 0) out.fill(1, at, at + d.length);
    else {
      const bits = d.nullBitmap!;
      for (let i = 0; i < d.length; i++) {
        const p = d.offset + i;
        out[at + i] = (bits[p >> 3]! >> (p & 7)) & 1;
      }
    }
    at += d.length;
  }
  return out;
}

/** Validity bitmap and null count of the selected rows. */
function takeValidity(valid: Uint8Array | undefined, indices: ArrayLike<number>): { nullBitmap?: Uint8Array; nullCount: number } {
  if (!valid) return { nullCount: 0 };
  const n = indices.length;
  const bitmap = new Uint8Array((n + 7) >> 3);
  let nulls = 0;
  for (let k = 0; k < n; k++) {
    if (valid[indices[k]!]) bitmap[k >> 3]! |= 1 << (k & 7);
    else nulls++;
  }
  return nulls ? { nullBitmap: bitmap, nullCount: nulls } : { nullCount: 0 };
}

/** The fixed-width values of a column as one typed array (64-bit values as pairs of 32-bit words). */
function flatWords(col: Vector): { values: Typed; pairs: boolean } {
  const first = col.data[0]!.values as unknown as Typed & ArrayBufferView;
  const pairs = first instanceof BigInt64Array || first instanceof BigUint64Array;
  const view = (d: Data): Typed => {
    const v = d.values as unknown as ArrayBufferView;
    return (pairs ? new Int32Array(v.buffer, v.byteOffset, d.length * 2) : (v as unknown as Typed).subarray(0, d.length)) as Typed;
  };
  if (col.data.length === 1) return { values: view(col.data[0]!), pairs };
  const Ctor = (pairs ? Int32Array : first.constructor) as unknown as TypedCtor;
  const out = new Ctor(col.length * (pairs ? 2 : 1));
  let at = 0;
  for (const d of col.data) {
    const v = view(d);
    out.set(v, at);
    at += v.length;
  }
  return { values: out, pairs };
}

/** Offsets (from 0) and bytes of a string or binary column, contiguous. */
function flatBytes(col: Vector): { offsets: Int32Array; bytes: Uint8Array } {
  if (col.data.length === 1) {
    const d = col.data[0]!;
    return { offsets: d.valueOffsets as Int32Array, bytes: d.values as Uint8Array };
  }
  const offsets = new Int32Array(col.length + 1);
  let total = 0;
  for (const d of col.data) {
    const o = d.valueOffsets as Int32Array;
    total += o[d.length]! - o[0]!;
  }
  const bytes = new Uint8Array(total);
  let row = 0;
  let at = 0;
  for (const d of col.data) {
    const o = d.valueOffsets as Int32Array;
    bytes.set((d.values as Uint8Array).subarray(o[0]!, o[d.length]!), at);
    for (let i = 0; i < d.length; i++) offsets[row + i + 1] = at + o[i + 1]! - o[0]!;
    at += o[d.length]! - o[0]!;
    row += d.length;
  }
  return { offsets, bytes };
}

/**
 * A column of several chunks as one chunk (the buffers copied end to end), for flat
 * types; other columns (and single chunks) are returned as they are.
 */
export function compactColumn(col: Vector): Vector {
  if (col.data.length <= 1 || col.data.some((d) => d.typeId === Type.Dictionary)) return col;
  const t = col.type as DataType;
  const valid = validBytes(col);
  let nullBitmap: Uint8Array | undefined;
  if (valid) {
    nullBitmap = new Uint8Array((col.length + 7) >> 3);
    for (let i = 0; i < col.length; i++) if (valid[i]) nullBitmap[i >> 3]! |= 1 << (i & 7);
  }
  const validity = { nullCount: col.nullCount, nullBitmap };
  if (DataType.isInt(t) || DataType.isFloat(t) || DataType.isDate(t) || DataType.isTimestamp(t)) {
    const { values, pairs } = flatWords(col);
    const first = col.data[0]!.values as unknown as ArrayBufferView & { constructor: new (b: ArrayBuffer, o: number, n: number) => unknown };
    const data = pairs ? new first.constructor((values as unknown as Int32Array).buffer as ArrayBuffer, 0, col.length) : values;
    return makeVector(makeData({ type: t, length: col.length, ...validity, data } as never));
  }
  if (DataType.isUtf8(t) || DataType.isBinary(t)) {
    const { offsets, bytes } = flatBytes(col);
    return makeVector(makeData({ type: t as never, length: col.length, ...validity, valueOffsets: offsets, data: bytes }));
  }
  if (DataType.isBool(t)) {
    const bits = new Uint8Array((col.length + 7) >> 3);
    let at = 0;
    for (const d of col.data) {
      const src = d.values as Uint8Array;
      for (let i = 0; i < d.length; i++, at++) {
        const p = d.offset + i;
        if ((src[p >> 3]! >> (p & 7)) & 1) bits[at >> 3]! |= 1 << (at & 7);
      }
    }
    return makeVector(makeData({ type: t, length: col.length, ...validity, data: bits }));
  }
  return col;
}

/** The rows `indices` of a flat column, or undefined when its type needs the generic path. */
export function takeColumn(col: Vector, indices: ArrayLike<number>): Vector | undefined {
  const t = col.type as DataType;
  const n = indices.length;
  if (col.data.some((d) => d.typeId === Type.Dictionary)) return undefined;
  if (DataType.isInt(t) || DataType.isFloat(t) || DataType.isDate(t) || DataType.isTimestamp(t)) {
    const { values, pairs } = flatWords(col);
    const first = col.data[0]!.values as unknown as { constructor: TypedCtor };
    const out = new first.constructor(n);
    if (pairs) {
      const ow = new Int32Array((out as unknown as ArrayBufferView).buffer);
      for (let k = 0; k < n; k++) {
        const r = 2 * indices[k]!;
        ow[2 * k] = values[r]!;
        ow[2 * k + 1] = values[r + 1]!;
      }
    } else {
      for (let k = 0; k < n; k++) out[k] = values[indices[k]!]!;
    }
    return makeVector(makeData({ type: t, length: n, ...takeValidity(validBytes(col), indices), data: out } as never));
  }
  if (DataType.isUtf8(t) || DataType.isBinary(t)) {
    const { offsets: src, bytes: from } = flatBytes(col);
    const offsets = new Int32Array(n + 1);
    let total = 0;
    for (let k = 0; k < n; k++) {
      const i = indices[k]!;
      total += src[i + 1]! - src[i]!;
      offsets[k + 1] = total;
    }
    const bytes = new Uint8Array(total);
    for (let k = 0; k < n; k++) {
      const i = indices[k]!;
      const end = src[i + 1]!;
      let at = offsets[k]!;
      if (end - src[i]! < 32) for (let j = src[i]!; j < end; j++) bytes[at++] = from[j]!;
      else bytes.set(from.subarray(src[i]!, end), at);
    }
    return makeVector(makeData({ type: t as never, length: n, ...takeValidity(validBytes(col), indices), valueOffsets: offsets, data: bytes }));
  }
  if (DataType.isBool(t)) {
    const vals = new Uint8Array(col.length);
    let at = 0;
    for (const d of col.data) {
      const bits = d.values as Uint8Array;
      for (let i = 0; i < d.length; i++) {
        const p = d.offset + i;
        vals[at + i] = (bits[p >> 3]! >> (p & 7)) & 1;
      }
      at += d.length;
    }
    const bits = new Uint8Array((n + 7) >> 3);
    for (let k = 0; k < n; k++) if (vals[indices[k]!]) bits[k >> 3]! |= 1 << (k & 7);
    return makeVector(makeData({ type: t, length: n, ...takeValidity(validBytes(col), indices), data: bits }));
  }
  return undefined;
}
