/**
 * Builds blocks (Arrow tables) from plain JS: rows (`{ col: value }` objects) or columns
 * (`{ col: TypedArray | value[] }`). Types are inferred from the values (numbers are
 * Float64, strings Utf8, booleans Bool, bigints Int64, Dates DateMillisecond, bytes
 * Binary, arrays and typed arrays List, objects Struct). A `hint` schema keeps the type
 * of a column an operator passed through unchanged (an Int32 `id` stays Int32).
 */
import {
  Binary, Bool, DataType, DateMillisecond, Field, FixedSizeList, Float32, Float64, Int16, Int32, Int64, Int8, List, Null,
  Schema, Struct, Table, Type, Uint16, Uint32, Uint8, Utf8, Vector, makeVector, vectorFromArray,
} from 'apache-arrow';
import type { Block } from '../block.js';

type TypedArray = Int8Array | Uint8Array | Int16Array | Uint16Array | Int32Array | Uint32Array | Float32Array | Float64Array | BigInt64Array | BigUint64Array;

/** True for typed arrays (not DataView). */
export function isTypedArray(v: unknown): v is TypedArray {
  return ArrayBuffer.isView(v) && !(v instanceof DataView);
}

function typedArrayType(v: TypedArray): DataType {
  if (v instanceof Float64Array) return new Float64();
  if (v instanceof Float32Array) return new Float32();
  if (v instanceof Int32Array) return new Int32();
  if (v instanceof Uint32Array) return new Uint32();
  if (v instanceof Int16Array) return new Int16();
  if (v instanceof Uint16Array) return new Uint16();
  if (v instanceof Int8Array) return new Int8();
  if (v instanceof BigInt64Array) return new Int64();
  return new Uint8();
}

/** Infers the Arrow type of a column from its JS values; throws TypeError naming the column on mixed types. */
export function inferType(values: ArrayLike<unknown>, column: string): DataType {
  let kind = '';
  let sample: unknown;
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (v === null || v === undefined) continue;
    const k = v instanceof Uint8Array ? 'bytes' : isTypedArray(v) ? 'typed' : v instanceof Date ? 'date' : Array.isArray(v) ? 'array' : typeof v;
    if (!kind) {
      kind = k;
      sample = v;
    } else if (k !== kind) {
      throw new TypeError(`column '${column}' mixes ${kind} and ${k} values; give every row the same type for it`);
    }
  }
  switch (kind) {
    case '': return new Null();
    case 'number': return new Float64();
    case 'bigint': return new Int64();
    case 'string': return new Utf8();
    case 'boolean': return new Bool();
    case 'date': return new DateMillisecond();
    case 'bytes': return new Binary();
    case 'typed': {
      const child = typedArrayType(sample as TypedArray);
      const len = (sample as TypedArray).length;
      let fixed = true;
      for (let i = 0; i < values.length && fixed; i++) fixed = values[i] != null && (values[i] as TypedArray).length === len;
      return fixed ? new FixedSizeList(len, new Field('item', child, false)) : new List(new Field('item', child, true));
    }
    case 'array': {
      const flat: unknown[] = [];
      for (let i = 0; i < values.length; i++) if (values[i] != null) for (const x of values[i] as unknown[]) flat.push(x);
      return new List(new Field('item', inferType(flat, `${column}[]`), true));
    }
    case 'object': {
      const keys = new Set<string>();
      for (let i = 0; i < values.length; i++) if (values[i] != null) for (const k of Object.keys(values[i] as object)) keys.add(k);
      const fields = [...keys].map((k) => {
        const child = Array.from(values, (v) => (v == null ? null : (v as Record<string, unknown>)[k]));
        return new Field(k, inferType(child, `${column}.${k}`), true);
      });
      return new Struct(fields);
    }
    default:
      throw new TypeError(`column '${column}' has ${kind} values, which blocks cannot hold; use numbers, strings, booleans, bigints, Dates, bytes, arrays or objects`);
  }
}

/** The value range of a 8/16/32-bit integer type, or undefined for other types. */
function intRange(type: DataType): [number, number] | undefined {
  if (type.typeId !== Type.Int) return undefined;
  const { bitWidth, isSigned } = type as unknown as { bitWidth: number; isSigned: boolean };
  if (bitWidth > 32) return undefined;
  return isSigned ? [-(2 ** (bitWidth - 1)), 2 ** (bitWidth - 1) - 1] : [0, 2 ** bitWidth - 1];
}

/** True when every value fits the hinted (flat) type, so the column can keep it. */
function fitsHint(values: ArrayLike<unknown>, type: DataType): boolean {
  const t = type.typeId;
  const range = intRange(type);
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (v == null) continue;
    if (range) {
      if (typeof v !== 'number' || !Number.isInteger(v) || v < range[0] || v > range[1]) return false;
    } else if (t === Type.Float) {
      if (typeof v !== 'number') return false;
    } else if (t === Type.Int) {
      if (typeof v !== 'bigint') return false;
    } else if (t === Type.Utf8 || t === Type.LargeUtf8) {
      if (typeof v !== 'string') return false;
    } else if (t === Type.Bool) {
      if (typeof v !== 'boolean') return false;
    } else {
      return false;
    }
  }
  return true;
}

/** Builds one column vector from JS values (a typed array without nulls is used zero-copy). */
export function buildVector(values: ArrayLike<unknown>, column: string, hint?: DataType): Vector {
  if (isTypedArray(values)) return makeVector(values);
  if (hint && hint.typeId !== Type.Null && fitsHint(values, hint)) return vectorFromArray(Array.from(values), hint as DataType);
  const type = inferType(values, column);
  if (type.typeId === Type.Float) {
    let nulls = false;
    for (let i = 0; i < values.length && !nulls; i++) nulls = values[i] == null;
    if (!nulls) return makeVector(Float64Array.from(values as ArrayLike<number>));
  }
  const plain = Array.from(values, (v) => (v === undefined ? null : isTypedArray(v) && !(v instanceof Uint8Array) ? Array.from(v as ArrayLike<number>) : v));
  return vectorFromArray(plain, type);
}

/** Builds a block from columns of equal length; throws TypeError naming a column of another length. */
export function columnsToBlock(columns: Record<string, ArrayLike<unknown>>, hint?: Schema): Block {
  const names = Object.keys(columns);
  const vectors: Record<string, Vector> = {};
  let len = -1;
  for (const name of names) {
    const col = columns[name];
    if (col == null || typeof (col as ArrayLike<unknown>).length !== 'number') {
      throw new TypeError(`column '${name}' must be an array or typed array, got ${col === null ? 'null' : typeof col}`);
    }
    if (len >= 0 && col.length !== len) throw new TypeError(`column '${name}' has ${col.length} values but the others have ${len}`);
    len = col.length;
    vectors[name] = col instanceof Vector ? col : buildVector(col, name, hint?.fields.find((f) => f.name === name)?.type);
  }
  return new Table(vectors);
}

/** Builds a block from rows; the columns are the union of the rows' keys in first-seen order. */
export function rowsToBlock(rows: ArrayLike<Record<string, unknown>>, hint?: Schema): Block {
  if (rows.length === 0) return hint ? emptyBlock(hint) : new Table();
  const keys = new Set<string>();
  for (let i = 0; i < rows.length; i++) {
    const r = rows[i];
    if (r === null || typeof r !== 'object' || Array.isArray(r)) {
      throw new TypeError(`row ${i} must be an object of column values, got ${r === null ? 'null' : Array.isArray(r) ? 'an array' : typeof r}`);
    }
    for (const k of Object.keys(r)) keys.add(k);
  }
  const cols: Record<string, unknown[]> = {};
  for (const k of keys) {
    const col = new Array(rows.length);
    for (let i = 0; i < rows.length; i++) col[i] = rows[i]![k];
    cols[k] = col;
  }
  return columnsToBlock(cols, hint);
}

/** An empty block with the given schema. */
export function emptyBlock(schema: Schema): Block {
  const cols: Record<string, Vector> = {};
  for (const f of schema.fields) cols[f.name] = vectorFromArray([], f.type);
  return new Table(cols);
}
