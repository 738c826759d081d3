/**
 * Column types as plain data, for the text formats (CSV, JSON lines) whose files carry no
 * schema: a user's `schema` option and the schema inferred from a sample at plan time both
 * travel in read-task params in this form, so every task builds the same Arrow types.
 */
import {
  Bool, DataType, DateDay, Field, Float32, Float64, Int32, Int64, List, Struct, TimestampMillisecond, Utf8, Binary,
} from 'apache-arrow';

/** A column type a text reader can produce. */
export type ColumnType =
  | 'bool' | 'int32' | 'int64' | 'float32' | 'float64' | 'string' | 'binary' | 'date' | 'timestamp'
  | { list: ColumnType }
  | { struct: ColumnSpec[] };

/** A named column type. */
export interface ColumnSpec {
  name: string;
  type: ColumnType;
}

const FLAT = new Set(['bool', 'int32', 'int64', 'float32', 'float64', 'string', 'binary', 'date', 'timestamp']);

/** Checks a user-given column type, naming the option field on error. */
export function checkColumnType(t: unknown, field: string): ColumnType {
  if (typeof t === 'string' && FLAT.has(t)) return t as ColumnType;
  if (t && typeof t === 'object' && 'list' in t) return { list: checkColumnType((t as { list: unknown }).list, `${field}.list`) };
  if (t && typeof t === 'object' && 'struct' in t && Array.isArray((t as { struct: unknown }).struct)) {
    return { struct: (t as { struct: ColumnSpec[] }).struct.map((f, i) => ({ name: String(f.name), type: checkColumnType(f.type, `${field}.struct[${i}]`) })) };
  }
  throw new TypeError(`${field} must be one of ${[...FLAT].join(', ')}, { list: type } or { struct: [{ name, type }] } (got ${JSON.stringify(t)})`);
}

/** The Arrow type of a column type. Dates are days, timestamps milliseconds (UTC). */
export function arrowTypeOf(t: ColumnType): DataType {
  switch (t) {
    case 'bool': return new Bool();
    case 'int32': return new Int32();
    case 'int64': return new Int64();
    case 'float32': return new Float32();
    case 'float64': return new Float64();
    case 'string': return new Utf8();
    case 'binary': return new Binary();
    case 'date': return new DateDay();
    case 'timestamp': return new TimestampMillisecond();
  }
  if ('list' in t) return new List(new Field('item', arrowTypeOf(t.list), true));
  return new Struct(t.struct.map((f) => new Field(f.name, arrowTypeOf(f.type), true)));
}

/** Readable name of a type for messages. */
export function typeName(t: ColumnType): string {
  if (typeof t === 'string') return t;
  if ('list' in t) return `list<${typeName(t.list)}>`;
  return `struct<${t.struct.map((f) => `${f.name}: ${typeName(f.type)}`).join(', ')}>`;
}

/** `YYYY-MM-DD`. */
export const DATE_RE = /^\d{4}-\d{2}-\d{2}$/;
/** An ISO-8601 date-time, `T` or space separated, optional fraction and zone. */
export const DATETIME_RE = /^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?$/i;

/**
 * The type of one JSON value: numbers are float64 (JS's number), ISO date and date-time
 * strings are date and timestamp; undefined for null.
 */
export function typeOfJsonValue(v: unknown): ColumnType | undefined {
  if (v == null) return undefined;
  if (typeof v === 'number') return 'float64';
  if (typeof v === 'boolean') return 'bool';
  if (typeof v === 'string') return DATE_RE.test(v) ? 'date' : DATETIME_RE.test(v) ? 'timestamp' : 'string';
  if (Array.isArray(v)) {
    let item: ColumnType | undefined;
    for (const x of v) item = mergeTypes(item, typeOfJsonValue(x));
    return { list: item ?? 'string' };
  }
  if (typeof v === 'object') {
    return { struct: Object.entries(v).map(([name, x]) => ({ name, type: typeOfJsonValue(x) ?? 'string' })) };
  }
  return 'string';
}

/** The narrowest type that holds values of both types; mixed kinds fall back to string. */
export function mergeTypes(a: ColumnType | undefined, b: ColumnType | undefined): ColumnType | undefined {
  if (a === undefined) return b;
  if (b === undefined || a === b) return a;
  if (typeof a === 'string' && typeof b === 'string') {
    const nums = ['int32', 'int64', 'float32', 'float64'];
    if (nums.includes(a) && nums.includes(b)) return 'float64';
    if ((a === 'date' && b === 'timestamp') || (a === 'timestamp' && b === 'date')) return 'timestamp';
    return 'string';
  }
  if (typeof a === 'object' && typeof b === 'object') {
    if ('list' in a && 'list' in b) return { list: mergeTypes(a.list, b.list)! };
    if ('struct' in a && 'struct' in b) return { struct: mergeSpecs(a.struct, b.struct) };
  }
  return 'string';
}

/** Merges two column lists: shared names get merged types, new names are appended. */
export function mergeSpecs(a: ColumnSpec[], b: ColumnSpec[]): ColumnSpec[] {
  const out = a.map((f) => ({ ...f }));
  for (const f of b) {
    const g = out.find((x) => x.name === f.name);
    if (g) g.type = mergeTypes(g.type, f.type)!;
    else out.push({ ...f });
  }
  return out;
}

/** Sentinel returned by {@link coerceJsonValue} for a value that does not fit the type. */
export const BAD_VALUE: unique symbol = Symbol('bad value');

/**
 * Converts a JSON value to what the Arrow builder wants for the column type, or
 * {@link BAD_VALUE}. A string column takes anything (non-strings are JSON-encoded).
 */
export function coerceJsonValue(t: ColumnType, v: unknown): unknown {
  if (v == null) return null;
  switch (t) {
    case 'string': return typeof v === 'string' ? v : JSON.stringify(v);
    case 'float64': case 'float32': return typeof v === 'number' ? v : BAD_VALUE;
    case 'int32': return typeof v === 'number' && Number.isInteger(v) && v >= -(2 ** 31) && v < 2 ** 31 ? v : BAD_VALUE;
    case 'int64': return typeof v === 'number' && Number.isInteger(v) ? BigInt(v) : BAD_VALUE;
    case 'bool': return typeof v === 'boolean' ? v : BAD_VALUE;
    case 'binary': return typeof v === 'string' ? Buffer.from(v, 'base64') : BAD_VALUE;
    case 'date': {
      const ms = typeof v === 'string' ? parseTimestamp(v) : typeof v === 'number' ? v * 86400000 : NaN;
      return Number.isNaN(ms) ? BAD_VALUE : Math.floor(ms / 86400000);
    }
    case 'timestamp': {
      const ms = typeof v === 'string' ? parseTimestamp(v) : typeof v === 'number' ? v : NaN;
      return Number.isNaN(ms) ? BAD_VALUE : ms;
    }
  }
  if ('list' in t) return Array.isArray(v) ? v : BAD_VALUE;
  return typeof v === 'object' && !Array.isArray(v) ? v : BAD_VALUE;
}

/** Milliseconds of an ISO-8601 date or date-time; a date-time without a zone is UTC. */
export function parseTimestamp(s: string): number {
  const hasTime = /\d[T ]\d/.test(s);
  const hasZone = /(Z|[+-]\d{2}:?\d{2})$/i.test(s);
  return Date.parse(hasTime && !hasZone ? `${s.replace(' ', 'T')}Z` : s.replace(' ', 'T'));
}
