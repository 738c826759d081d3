/**
 * Builds Arrow vectors and tables from plain JS column arrays, fast for the flat types
 * readers produce (numbers, bigints, booleans, strings, bytes, dates, timestamps) and
 * through Arrow's builders for anything nested.
 */
import {
  Binary, Bool, DataType, Field, makeData, makeVector, RecordBatch, Schema, Struct, Table, Utf8,
  vectorFromArray, type Data, type Vector,
} from 'apache-arrow';

type Values = ArrayLike<unknown>;

/** Validity bitmap (LSB order) and null count of a JS column; no bitmap when nothing is null. */
function validity(values: Values): { nullBitmap?: Uint8Array; nullCount: number } {
  const n = values.length;
  let nullCount = 0;
  for (let i = 0; i < n; i++) if (values[i] == null) nullCount++;
  if (nullCount === 0) return { nullCount };
  const bitmap = new Uint8Array((n + 7) >> 3);
  for (let i = 0; i < n; i++) if (values[i] != null) bitmap[i >> 3]! |= 1 << (i & 7);
  return { nullBitmap: bitmap, nullCount };
}

/** Flat numeric data (ints, floats, dates as days, timestamps in their unit). */
function numericData(type: DataType, values: Values): Data {
  const ArrayType = type.ArrayType as { new (n: number): ArrayLike<unknown> & Record<number, unknown>; name: string };
  if (values instanceof (ArrayType as unknown as Function)) {
    return makeData({ type, length: values.length, nullCount: 0, data: values } as never);
  }
  const { nullBitmap, nullCount } = validity(values);
  const n = values.length;
  const out = new ArrayType(n);
  if (ArrayType.name.startsWith('Big')) {
    for (let i = 0; i < n; i++) {
      const v = values[i];
      out[i] = v == null ? 0n : typeof v === 'bigint' ? v : BigInt(Math.trunc(Number(v)));
    }
  } else {
    for (let i = 0; i < n; i++) {
      const v = values[i];
      out[i] = v == null ? 0 : typeof v === 'number' ? v : Number(v);
    }
  }
  return makeData({ type, length: n, nullCount, nullBitmap, data: out } as never);
}

/** UTF-8 strings (or raw bytes for Binary) laid out as one value buffer and offsets. */
function bytesData(type: Utf8 | Binary, values: Values): Data {
  const n = values.length;
  const { nullBitmap, nullCount } = validity(values);
  const offsets = new Int32Array(n + 1);
  let buf: Buffer = Buffer.allocUnsafe(Math.max(64, n * 16));
  let pos = 0;
  for (let i = 0; i < n; i++) {
    const v = values[i];
    if (v != null) {
      if (v instanceof Uint8Array) {
        if (pos + v.length > buf.length) buf = grow(buf, pos + v.length);
        buf.set(v, pos);
        pos += v.length;
      } else {
        const s = typeof v === 'string' ? v : JSON.stringify(v);
        if (pos + s.length * 3 > buf.length) buf = grow(buf, pos + s.length * 3);
        pos += buf.write(s, pos, 'utf8');
      }
    }
    offsets[i + 1] = pos;
  }
  const data = new Uint8Array(buf.buffer, buf.byteOffset, pos);
  return makeData({ type, length: n, nullCount, nullBitmap, valueOffsets: offsets, data } as never);
}

function grow(buf: Buffer, need: number): Buffer {
  const next = Buffer.allocUnsafe(Math.max(need, buf.length * 2));
  buf.copy(next);
  return next;
}

/** Booleans packed into a bitmap. */
function boolData(type: Bool, values: Values): Data {
  const n = values.length;
  const { nullBitmap, nullCount } = validity(values);
  const bits = new Uint8Array((n + 7) >> 3);
  for (let i = 0; i < n; i++) if (values[i] === true) bits[i >> 3]! |= 1 << (i & 7);
  return makeData({ type, length: n, nullCount, nullBitmap, data: bits } as never);
}

/**
 * The Arrow data of one column of JS values of an Arrow type. Numbers may be given as
 * numbers or bigints; Utf8 takes strings (other values are JSON-encoded); Binary takes
 * Uint8Arrays; DateDay takes days since the epoch; Timestamp takes integers in its unit.
 */
export function dataFrom(type: DataType, values: Values): Data {
  if (DataType.isInt(type) || DataType.isFloat(type) || DataType.isDate(type) || DataType.isTimestamp(type)) {
    if (!(DataType.isFloat(type) && type.precision === 0)) return numericData(type, values);
  }
  if (DataType.isUtf8(type) || DataType.isBinary(type)) return bytesData(type, values);
  if (DataType.isBool(type)) return boolData(type, values);
  return vectorFromArray(Array.from(values), type).data[0]!;
}

/** A vector of one column of JS values (see {@link dataFrom}). */
export function vectorFrom(type: DataType, values: Values): Vector {
  return makeVector(dataFrom(type, values));
}

/** A table from column names, types and data of equal length. Every field is nullable. */
export function makeTable(columns: { name: string; type: DataType; data: Data }[], numRows: number): Table {
  const fields = columns.map((c) => new Field(c.name, c.type, true));
  const struct = makeData({ type: new Struct(fields), length: numRows, nullCount: 0, children: columns.map((c) => c.data) });
  return new Table(new RecordBatch(new Schema(fields), struct));
}

/** A table from column names, types and JS value arrays (see {@link dataFrom}). */
export function tableFromColumns(columns: { name: string; type: DataType; values: Values }[], numRows: number): Table {
  return makeTable(columns.map((c) => ({ name: c.name, type: c.type, data: dataFrom(c.type, c.values) })), numRows);
}

/** A column of one repeated string (the `path` column of `includePaths`). */
export function constantStringData(value: string, numRows: number): Data {
  const bytes = Buffer.from(value, 'utf8');
  const offsets = new Int32Array(numRows + 1);
  for (let i = 1; i <= numRows; i++) offsets[i] = i * bytes.length;
  const data = new Uint8Array(bytes.length * numRows);
  for (let i = 0; i < numRows; i++) data.set(bytes, i * bytes.length);
  return makeData({ type: new Utf8(), length: numRows, nullCount: 0, valueOffsets: offsets, data });
}

/** Splits a table into slices of at most `rows` rows (the whole table when it fits). */
export function* sliceRows(table: Table, rows: number): Generator<Table> {
  if (table.numRows <= rows) {
    if (table.numRows > 0) yield table;
    return;
  }
  for (let start = 0; start < table.numRows; start += rows) yield table.slice(start, Math.min(table.numRows, start + rows));
}
