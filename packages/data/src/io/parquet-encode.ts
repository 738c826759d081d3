/**
 * Arrow → parquet for hyparquet-writer: the parquet schema element of each Arrow type and
 * the column arrays to encode (typed arrays when there are no nulls, UTF-8 bytes taken
 * straight from Arrow's buffers for strings).
 */
import { DataType, DateUnit, Precision, Type, type Field, type Table, type Vector } from 'apache-arrow';
import type { SchemaElement } from 'hyparquet';
import { rawInt64, toPlain } from './arrow-values.js';

/** The parquet schema element (OPTIONAL) of an Arrow field; nested types are written as JSON text. */
export function parquetElementOf(field: Field): SchemaElement {
  const name = field.name;
  const base = { name, repetition_type: 'OPTIONAL' as const };
  const t = DataType.isDictionary(field.type) ? field.type.dictionary : field.type;
  if (DataType.isBool(t)) return { ...base, type: 'BOOLEAN' };
  if (DataType.isInt(t)) {
    const w = t.bitWidth;
    if (w === 64) return t.isSigned ? { ...base, type: 'INT64' } : { ...base, type: 'INT64', converted_type: 'UINT_64' };
    if (w === 32) return t.isSigned ? { ...base, type: 'INT32' } : { ...base, type: 'INT32', converted_type: 'UINT_32' };
    return { ...base, type: 'INT32', converted_type: `${t.isSigned ? '' : 'U'}INT_${w}` as SchemaElement['converted_type'] };
  }
  if (DataType.isFloat(t)) return { ...base, type: t.precision === 2 ? 'DOUBLE' : 'FLOAT' };
  if (DataType.isUtf8(t) || DataType.isLargeUtf8(t)) return { ...base, type: 'BYTE_ARRAY', converted_type: 'UTF8' };
  if (DataType.isBinary(t) || DataType.isLargeBinary(t)) return { ...base, type: 'BYTE_ARRAY' };
  if (DataType.isDate(t)) return { ...base, type: 'INT32', converted_type: 'DATE' };
  if (DataType.isTimestamp(t)) {
    // unit: 0 s, 1 ms, 2 us, 3 ns. Seconds are written as milliseconds.
    if (t.unit <= 1) return { ...base, type: 'INT64', converted_type: 'TIMESTAMP_MILLIS' };
    if (t.unit === 2) return { ...base, type: 'INT64', converted_type: 'TIMESTAMP_MICROS' };
    return { ...base, type: 'INT64', logical_type: { type: 'TIMESTAMP', isAdjustedToUTC: true, unit: 'NANOS' } };
  }
  return { ...base, type: 'BYTE_ARRAY', converted_type: 'JSON' };
}

/** The column array hyparquet-writer encodes for one Arrow column. */
export function parquetColumnData(vector: Vector, element: SchemaElement): ArrayLike<unknown> {
  const n = vector.length;
  let t = vector.type as DataType;
  if (DataType.isDictionary(t)) t = t.dictionary;
  const flatNumeric = DataType.isInt(t) || DataType.isFloat(t) || (DataType.isDate(t) && t.unit === DateUnit.DAY) || (DataType.isTimestamp(t) && t.unit >= 1);
  if (flatNumeric && vector.nullCount === 0 && !(DataType.isFloat(t) && t.precision === Precision.HALF) && vector.data.every((d) => d.typeId !== Type.Dictionary)) {
    type Typed = ArrayLike<unknown> & { subarray(a: number, b: number): Typed; set(a: Typed, at: number): void };
    const parts = vector.data.map((d) => (d.values as unknown as Typed).subarray(0, d.length)); // sliced Data has its values already sliced
    let view = parts[0]!;
    if (parts.length > 1) {
      view = new (view.constructor as new (n: number) => Typed)(n);
      let at = 0;
      for (const p of parts) {
        view.set(p, at);
        at += p.length;
      }
    }
    if (DataType.isInt(t) && t.bitWidth < 32) return Int32Array.from(view as ArrayLike<number>);
    return view;
  }
  const out = new Array<unknown>(n);
  if (DataType.isUtf8(t) || DataType.isBinary(t)) {
    let i = 0;
    for (const d of vector.data) {
      if (d.typeId === Type.Dictionary) {
        for (let j = 0; j < d.length; j++, i++) out[i] = vector.get(i);
        continue;
      }
      const offsets = d.valueOffsets as Int32Array; // already sliced; only the validity bitmap uses d.offset
      const bytes = d.values as Uint8Array;
      for (let j = 0; j < d.length; j++) {
        out[i++] = d.getValid(j) ? bytes.subarray(offsets[j]!, offsets[j + 1]!) : null;
      }
    }
    return out;
  }
  for (let i = 0; i < n; i++) {
    const v = vector.get(i);
    if (v == null) out[i] = null;
    else if (DataType.isDate(t)) out[i] = Math.floor(Number(v) / 86400000);
    else if (DataType.isTimestamp(t)) out[i] = t.unit === 0 ? rawInt64(vector, i) * 1000n : rawInt64(vector, i);
    else if (element.converted_type === 'JSON') out[i] = toPlain(v);
    else out[i] = v;
  }
  return out;
}

/** Parquet schema (root first) and the column data of a table. */
export function encodeTable(table: Table, schema?: SchemaElement[]): { schema: SchemaElement[]; columnData: { name: string; data: ArrayLike<unknown> }[] } {
  const elements = schema?.slice(1) ?? table.schema.fields.map(parquetElementOf);
  const columnData = table.schema.fields.map((f, i) => ({ name: f.name, data: parquetColumnData(table.getChildAt(i)!, elements[i]!) }));
  return { schema: schema ?? [{ name: 'root', num_children: elements.length }, ...elements], columnData };
}

/** Concatenates column arrays: typed arrays of one kind stay typed, anything else becomes an Array. */
export function concatArrays(parts: ArrayLike<unknown>[]): ArrayLike<unknown> {
  if (parts.length === 1) return parts[0]!;
  const n = parts.reduce((s, p) => s + p.length, 0);
  const ctor = parts[0]!.constructor;
  if (ctor !== Array && parts.every((p) => p.constructor === ctor)) {
    const out = new (ctor as new (n: number) => { set(a: ArrayLike<unknown>, at: number): void })(n);
    let at = 0;
    for (const p of parts) {
      out.set(p, at);
      at += p.length;
    }
    return out as unknown as ArrayLike<unknown>;
  }
  const out = new Array<unknown>(n);
  let at = 0;
  for (const p of parts) for (let i = 0; i < p.length; i++) out[at++] = p[i];
  return out;
}
