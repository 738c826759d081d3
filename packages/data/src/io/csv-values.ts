/**
 * CSV cell values: the type a cell looks like (for inference) and parsing a cell as a
 * column type. An empty cell is null in every column type.
 */
import { BAD_VALUE, DATE_RE, DATETIME_RE, mergeTypes, parseTimestamp, type ColumnSpec, type ColumnType } from './column-types.js';

const NUMBER = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;
const SPECIAL_NUMBER = /^([+-]?(inf|infinity)|nan)$/i;
const INTEGER = /^[+-]?\d+$/;
const BOOL = /^(true|false)$/i;
const DATE = DATE_RE;
const DATETIME = DATETIME_RE;

/**
 * The type a cell looks like: bool, float64 (numbers are JS numbers; pass a `schema` for
 * int32/int64), date (`YYYY-MM-DD`), timestamp (ISO-8601 date-time) or string;
 * undefined for an empty cell.
 */
export function typeOfCell(s: string): ColumnType | undefined {
  if (s === '') return undefined;
  if (NUMBER.test(s) || SPECIAL_NUMBER.test(s)) return 'float64';
  if (BOOL.test(s)) return 'bool';
  if (DATE.test(s)) return 'date';
  if (DATETIME.test(s)) return 'timestamp';
  return 'string';
}

/** Infers column specs from a header and sample rows; `given` types win over inference. */
export function inferCsvSchema(header: string[], rows: string[][], given: Record<string, ColumnType> = {}): ColumnSpec[] {
  return header.map((name, j) => {
    if (given[name]) return { name, type: given[name]! };
    let t: ColumnType | undefined;
    for (const r of rows) t = mergeTypes(t, typeOfCell(r[j] ?? ''));
    return { name, type: t ?? 'string' };
  });
}

function parseNumber(s: string): number {
  if (NUMBER.test(s)) return Number(s);
  if (SPECIAL_NUMBER.test(s)) {
    const l = s.toLowerCase();
    return l === 'nan' ? NaN : l.startsWith('-') ? -Infinity : Infinity;
  }
  return NaN;
}

/** Parses a cell as a flat column type: the value for the Arrow builder, null, or {@link BAD_VALUE}. */
export function parseCell(t: ColumnType, s: string): unknown {
  if (s === '') return null;
  switch (t) {
    case 'string': return s;
    case 'float64': case 'float32': {
      const n = parseNumber(s);
      return Number.isNaN(n) && !SPECIAL_NUMBER.test(s) ? BAD_VALUE : n;
    }
    case 'int32': {
      if (!INTEGER.test(s)) return BAD_VALUE;
      const n = Number(s);
      return n >= -(2 ** 31) && n < 2 ** 31 ? n : BAD_VALUE;
    }
    case 'int64': {
      if (!INTEGER.test(s)) return BAD_VALUE;
      const n = BigInt(s);
      return n >= -(2n ** 63n) && n < 2n ** 63n ? n : BAD_VALUE;
    }
    case 'bool': return BOOL.test(s) ? s.toLowerCase() === 'true' : BAD_VALUE;
    case 'date': {
      if (!DATE.test(s)) return BAD_VALUE;
      const ms = Date.parse(`${s}T00:00:00Z`);
      return Number.isNaN(ms) ? BAD_VALUE : ms / 86400000;
    }
    case 'timestamp': {
      if (!DATE.test(s) && !DATETIME.test(s)) return BAD_VALUE;
      const ms = parseTimestamp(s);
      return Number.isNaN(ms) ? BAD_VALUE : ms;
    }
    case 'binary': return Buffer.from(s, 'base64');
  }
  // Nested columns in CSV hold JSON text.
  try {
    return JSON.parse(s);
  } catch {
    return BAD_VALUE;
  }
}
