/**
 * Arrow values as plain JS for the text writers (CSV, JSON lines): bigints become numbers
 * when safe, dates `YYYY-MM-DD`, timestamps ISO-8601 (UTC, milliseconds), bytes base64,
 * nested values plain objects and arrays.
 */
import { DataType, type Vector } from 'apache-arrow';

/** A plain (JSON-ready) form of an Arrow value (bigint → number when safe, rows and vectors → plain). */
export function toPlain(v: unknown): unknown {
  if (v == null) return null;
  if (typeof v === 'bigint') return Number.isSafeInteger(Number(v)) ? Number(v) : v.toString();
  if (v instanceof Uint8Array) return Buffer.from(v.buffer, v.byteOffset, v.byteLength).toString('base64');
  if (typeof v === 'object' && 'toJSON' in v && typeof (v as { toJSON: unknown }).toJSON === 'function') {
    return toPlain((v as { toJSON(): unknown }).toJSON());
  }
  if (Array.isArray(v)) return v.map(toPlain);
  if (typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, toPlain(x)]));
  return v;
}

/** The stored integer of row `index` of a timestamp (or other 64-bit) vector. */
export function rawInt64(vector: Vector, index: number): bigint {
  let i = index;
  for (const d of vector.data) {
    if (i < d.length) return BigInt((d.values as BigInt64Array)[i]!); // sliced Data has its values already sliced
    i -= d.length;
  }
  return 0n;
}

/** Milliseconds since the epoch of row `index` of a timestamp vector of any unit. */
export function timestampMillis(vector: Vector, index: number): number {
  const raw = rawInt64(vector, index);
  const unit = (vector.type as { unit: number }).unit; // 0 s, 1 ms, 2 us, 3 ns
  return unit === 0 ? Number(raw) * 1000 : unit === 1 ? Number(raw) : unit === 2 ? Number(raw / 1000n) : Number(raw / 1_000_000n);
}

/** The plain values of a column, one per row. */
export function plainColumn(vector: Vector): unknown[] {
  const n = vector.length;
  const out = new Array<unknown>(n);
  let t = vector.type as DataType;
  if (DataType.isDictionary(t)) t = t.dictionary;
  for (let i = 0; i < n; i++) {
    const v = vector.get(i);
    if (v == null) out[i] = null;
    else if (DataType.isDate(t)) out[i] = new Date(Number(v)).toISOString().slice(0, 10);
    else if (DataType.isTimestamp(t)) out[i] = new Date(timestampMillis(vector, i)).toISOString();
    else if (typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean') out[i] = v;
    else out[i] = toPlain(v);
  }
  return out;
}
