/**
 * Parquet on the reading side: the Arrow type of each parquet column, the hyparquet
 * parsers that keep raw values (bigint timestamps, day numbers) so Arrow gets them
 * without Date objects, and an AsyncBuffer over our file systems.
 */
import {
  Binary, Bool, DataType, DateDay, Field, Float32, Float64, Int16, Int32, Int64, Int8, List, Struct,
  TimestampMicrosecond, TimestampMillisecond, TimestampNanosecond, Uint16, Uint32, Uint64, Uint8, Utf8,
} from 'apache-arrow';
import { parquetMetadataAsync, parquetSchema, type AsyncBuffer, type FileMetaData, type ParquetParsers, type SchemaTree } from 'hyparquet';
import { DataSourceError } from './errors.js';
import type { FileSystem } from './filesystem.js';

const textDecoder = new TextDecoder();

/** hyparquet parsers that leave timestamps as bigints in their unit and dates as day numbers. */
export const RAW_PARSERS: Partial<ParquetParsers> = {
  timestampFromMilliseconds: (v: bigint) => v,
  timestampFromMicroseconds: (v: bigint) => v,
  timestampFromNanoseconds: (v: bigint) => v,
  dateFromDays: (d: number) => d,
  jsonFromBytes: (b: Uint8Array) => (b ? textDecoder.decode(b) : b),
};

function intType(bits: number, signed: boolean): DataType {
  if (bits === 8) return signed ? new Int8() : new Uint8();
  if (bits === 16) return signed ? new Int16() : new Uint16();
  if (bits === 32) return signed ? new Int32() : new Uint32();
  return signed ? new Int64() : new Uint64();
}

/** The Arrow type of a (top-level or nested) parquet schema node. */
export function arrowTypeOfParquet(node: SchemaTree): DataType {
  const e = node.element;
  const ct = e.converted_type;
  const lt = e.logical_type;
  if (node.children.length > 0) {
    const isList = (ct === 'LIST' || lt?.type === 'LIST') && node.children.length === 1 && node.children[0]!.element.repetition_type === 'REPEATED';
    if (isList) {
      const rep = node.children[0]!;
      const item = rep.children.length === 1 ? rep.children[0]! : rep;
      return new List(new Field('item', item === rep ? structOf(rep) : arrowTypeOfParquet(item), true));
    }
    if (ct === 'MAP' || lt?.type === 'MAP') return new Utf8(); // maps arrive as objects: kept as JSON text
    return structOf(node);
  }
  if (ct === 'DECIMAL' || lt?.type === 'DECIMAL') return new Float64();
  switch (e.type) {
    case 'BOOLEAN': return new Bool();
    case 'INT32':
      if (ct === 'DATE' || lt?.type === 'DATE') return new DateDay();
      if (lt?.type === 'INTEGER') return intType(lt.bitWidth, lt.isSigned);
      if (ct === 'INT_8') return new Int8();
      if (ct === 'INT_16') return new Int16();
      if (ct === 'UINT_8') return new Uint8();
      if (ct === 'UINT_16') return new Uint16();
      if (ct === 'UINT_32') return new Uint32();
      return new Int32();
    case 'INT64':
      if (ct === 'TIMESTAMP_MILLIS') return new TimestampMillisecond();
      if (ct === 'TIMESTAMP_MICROS') return new TimestampMicrosecond();
      if (lt?.type === 'TIMESTAMP') {
        return lt.unit === 'NANOS' ? new TimestampNanosecond() : lt.unit === 'MICROS' ? new TimestampMicrosecond() : new TimestampMillisecond();
      }
      if (lt?.type === 'INTEGER') return intType(lt.bitWidth, lt.isSigned);
      if (ct === 'UINT_64') return new Uint64();
      return new Int64();
    case 'INT96': return new TimestampNanosecond();
    case 'FLOAT': return new Float32();
    case 'DOUBLE': return new Float64();
    case 'FIXED_LEN_BYTE_ARRAY':
      if (lt?.type === 'FLOAT16') return new Float32();
      if (lt?.type === 'UUID') return new Utf8();
      return new Binary();
    default: // BYTE_ARRAY
      if (ct === 'UTF8' || ct === 'ENUM' || ct === 'JSON' || lt?.type === 'STRING' || lt?.type === 'ENUM' || lt?.type === 'JSON') return new Utf8();
      if (lt?.type === 'GEOMETRY' || lt?.type === 'GEOGRAPHY') return new Utf8();
      return new Binary();
  }
}

function structOf(node: SchemaTree): Struct {
  return new Struct(node.children.map((c) => new Field(c.element.name, arrowTypeOfParquet(c), true)));
}

/** The top-level columns of a parquet file with their Arrow types. */
export function parquetColumns(metadata: FileMetaData): { name: string; type: DataType }[] {
  return parquetSchema(metadata).children.map((c) => ({ name: c.element.name, type: arrowTypeOfParquet(c) }));
}

/** Why two files' column lists differ (only `columns` when given), or undefined when they match. */
export function schemaDifference(
  a: { name: string; type: DataType | string }[],
  b: { name: string; type: DataType | string }[],
  columns?: string[],
): string | undefined {
  const pick = (cols: typeof a) => (columns ? cols.filter((c) => columns.includes(c.name)) : cols);
  const x = pick(a);
  const y = pick(b);
  const bt = new Map(y.map((c) => [c.name, String(c.type)]));
  const at = new Map(x.map((c) => [c.name, String(c.type)]));
  const missing = x.filter((c) => !bt.has(c.name)).map((c) => c.name);
  const extra = y.filter((c) => !at.has(c.name)).map((c) => c.name);
  const changed = x.filter((c) => bt.has(c.name) && bt.get(c.name) !== String(c.type)).map((c) => `'${c.name}' is ${bt.get(c.name)}, not ${String(c.type)}`);
  const parts: string[] = [];
  if (missing.length) parts.push(`it lacks column(s) ${missing.map((c) => `'${c}'`).join(', ')}`);
  if (extra.length) parts.push(`it has extra column(s) ${extra.map((c) => `'${c}'`).join(', ')}`);
  if (changed.length) parts.push(changed.join('; '));
  return parts.length ? parts.join('; ') : undefined;
}

/** An AsyncBuffer over a file: whole-file reads for small files, byte ranges otherwise. */
export async function asyncBufferOf(fs: FileSystem, path: string, size: number, wholeBelow = 16 * 1024 * 1024): Promise<AsyncBuffer> {
  const toArrayBuffer = (u: Uint8Array): ArrayBuffer =>
    u.byteOffset === 0 && u.byteLength === u.buffer.byteLength ? (u.buffer as ArrayBuffer) : (u.buffer.slice(u.byteOffset, u.byteOffset + u.byteLength) as ArrayBuffer);
  if (size <= wholeBelow) return toArrayBuffer(await fs.read(path));
  return { byteLength: size, slice: async (start, end) => toArrayBuffer(await fs.readRange(path, start, end ?? size)) };
}

/** Reads a parquet file's footer; a file that is not parquet is a {@link DataSourceError} naming it. */
export async function readParquetMetadata(file: AsyncBuffer, path: string): Promise<FileMetaData> {
  try {
    return await parquetMetadataAsync(file, { parsers: RAW_PARSERS });
  } catch (err) {
    if (err instanceof DataSourceError) throw err;
    throw new DataSourceError(path, `${path} is not a readable parquet file: ${(err as Error).message}`, { cause: err });
  }
}
