/**
 * Dense codes for the values of one key column, kept across blocks: equal values get
 * the same code, the null group one code of its own. Numbers (8/16/32-bit ints, floats,
 * dates in days and 64-bit ints) are coded from Arrow's typed arrays, through a direct
 * lookup table when they are integers in a compact range and a hash table otherwise;
 * strings and bytes are hashed straight from Arrow's buffers; dictionary columns code
 * each dictionary entry once ({@link DictionaryGrouper}); anything else goes through a `Map` of values.
 */
import { DataType, DateUnit, makeVector, type Data, type Vector } from 'apache-arrow';
import { plainValue } from '../../block/block-accessor.js';
import { buildVector } from '../../block/block-builder.js';
import { vectorFrom } from '../../io/arrow-build.js';
import { DictionaryGrouper } from './dictionary-grouper.js';
import { BytesTable, NumberTable } from './hash-tables.js';

/** Codes of one key column. */
export interface ColumnGrouper {
  /** Distinct values (codes are `0..size-1`). */
  readonly size: number;
  /** Writes the codes of a chunk's rows into `out[at...]`. */
  codes(data: Data, out: Int32Array, at: number): void;
  /** The code of row `i` of a chunk. */
  codeAt(data: Data, i: number): number;
  /** The code of the null group. */
  nullGroup(): number;
  /** The value of a code as a plain JS value (null for the null group). */
  value(code: number): unknown;
  /** A vector of the values of `codes`, in that order, of the column's type. */
  vector(codes: ArrayLike<number>, name: string): Vector;
}

/** True when row `i` of a chunk is null. */
export function isNullAt(data: Data, i: number): boolean {
  if (data.nullCount === 0) return false;
  const pos = data.offset + i;
  return (data.nullBitmap![pos >> 3]! & (1 << (pos & 7))) === 0;
}

const DIRECT_SPAN = 1 << 22;

/** Numbers: direct table for compact integers, else a hash table. */
class NumberGrouper implements ColumnGrouper {
  size = 0;
  private nums = new Float64Array(64);
  /** Values that are not plain numbers: the null group, 64-bit ints beyond 2^53 (as bigints). */
  private readonly special = new Map<number, unknown>();
  private nullCode = -1;
  private hash: NumberTable | undefined;
  private direct: Int32Array | undefined = new Int32Array(0);
  private base = 0;
  private readonly bigKeys = new Map<bigint, number>();

  constructor(private readonly type: DataType) {}

  private add(v: number): number {
    if (this.size === this.nums.length) {
      const n = new Float64Array(this.size * 2);
      n.set(this.nums);
      this.nums = n;
    }
    this.nums[this.size] = v;
    return this.size++;
  }

  nullGroup(): number {
    if (this.nullCode < 0) {
      this.nullCode = this.add(0);
      this.special.set(this.nullCode, null);
    }
    return this.nullCode;
  }

  private toHash(): NumberTable {
    const t = new NumberTable();
    for (let c = 0; c < this.size; c++) if (!this.special.has(c)) t.getOrAdd(this.nums[c]!, c);
    this.direct = undefined;
    this.hash = t;
    return t;
  }

  /** Makes the direct table cover `[lo, hi]`; false (and switches to hashing) when that is too wide. */
  private cover(lo: number, hi: number): boolean {
    const d = this.direct!;
    const from = d.length === 0 ? lo : Math.min(lo, this.base);
    const to = d.length === 0 ? hi : Math.max(hi, this.base + d.length - 1);
    if (to - from + 1 > DIRECT_SPAN) {
      this.toHash();
      return false;
    }
    if (d.length > 0 && from === this.base && to === this.base + d.length - 1) return true;
    const next = new Int32Array(Math.min(DIRECT_SPAN, Math.max(to - from + 1, d.length * 2))).fill(-1);
    if (d.length > 0) next.set(d, this.base - from);
    this.direct = next;
    this.base = from;
    return true;
  }

  private hashed(v: number): number {
    const key = v === 0 ? 0 : v;
    const c = this.hash!.getOrAdd(key, this.size);
    return c === this.size ? this.add(key) : c;
  }

  codes(data: Data, out: Int32Array, at: number): void {
    const vals = data.values as ArrayLike<number> | BigInt64Array;
    const n = data.length;
    if (vals instanceof BigInt64Array || vals instanceof BigUint64Array) {
      for (let i = 0; i < n; i++) out[at + i] = this.codeAt(data, i);
      return;
    }
    if (data.nullCount === 0 && this.direct) {
      let lo = Infinity;
      let hi = -Infinity;
      let integral = true;
      const floats = vals instanceof Float64Array || vals instanceof Float32Array;
      for (let i = 0; i < n; i++) {
        const v = vals[i]!;
        if (v < lo) lo = v;
        if (v > hi) hi = v;
      }
      if (floats) for (let i = 0; i < n && integral; i++) integral = vals[i] === Math.floor(vals[i]!);
      if (n > 0 && integral && this.cover(lo, hi)) {
        const table = this.direct!;
        const base = this.base;
        for (let i = 0; i < n; i++) {
          const v = vals[i]!;
          let c = table[v - base]!;
          if (c < 0) c = table[v - base] = this.add(v === 0 ? 0 : v);
          out[at + i] = c;
        }
        return;
      }
      if (!this.hash) this.toHash();
    }
    if (!this.hash) this.toHash();
    if (data.nullCount === 0) {
      for (let i = 0; i < n; i++) out[at + i] = this.hashed(vals[i]!);
    } else {
      for (let i = 0; i < n; i++) out[at + i] = isNullAt(data, i) ? this.nullGroup() : this.hashed(vals[i]!);
    }
  }

  codeAt(data: Data, i: number): number {
    if (isNullAt(data, i)) return this.nullGroup();
    const vals = data.values as ArrayLike<number>;
    if (vals instanceof BigInt64Array || vals instanceof BigUint64Array) {
      const words = new Int32Array(vals.buffer, vals.byteOffset + i * 8, 2);
      const hi = words[1]!;
      const safe = vals instanceof BigUint64Array ? hi >>> 0 < 0x200000 : hi >= -0x200000 && hi < 0x200000;
      if (!safe) {
        const big = vals[i]!;
        let c = this.bigKeys.get(big);
        if (c === undefined) {
          c = this.add(0);
          this.special.set(c, big);
          this.bigKeys.set(big, c);
        }
        return c;
      }
      const v = (vals instanceof BigUint64Array ? hi >>> 0 : hi) * 4294967296 + (words[0]! >>> 0);
      if (!this.hash) this.toHash();
      return this.hashed(v);
    }
    if (!this.hash) this.toHash();
    return this.hashed(vals[i]!);
  }

  value(code: number): unknown {
    return this.special.has(code) ? this.special.get(code) : this.nums[code]!;
  }

  vector(codes: ArrayLike<number>): Vector {
    const values = new Array<unknown>(codes.length);
    for (let i = 0; i < codes.length; i++) values[i] = this.value(codes[i]!);
    return vectorFrom(this.type, values);
  }
}

/** UTF-8 strings and binary values, hashed from Arrow's value buffers. */
class BytesGrouper implements ColumnGrouper {
  size = 0;
  private readonly table = new BytesTable();
  private nullCode = -1;
  private readonly decoded: unknown[] = [];

  constructor(private readonly type: DataType) {}

  codes(data: Data, out: Int32Array, at: number): void {
    const offsets = data.valueOffsets as Int32Array;
    const bytes = data.values as Uint8Array;
    const n = data.length;
    const nulls = data.nullCount > 0;
    for (let i = 0; i < n; i++) {
      if (nulls && isNullAt(data, i)) {
        out[at + i] = this.nullGroup();
        continue;
      }
      const c = this.table.getOrAdd(bytes, offsets[i]!, offsets[i + 1]!, this.size);
      if (c === this.size) this.size++;
      out[at + i] = c;
    }
  }

  nullGroup(): number {
    if (this.nullCode < 0) {
      this.nullCode = this.size++;
      this.table.reserve(this.nullCode);
    }
    return this.nullCode;
  }

  codeAt(data: Data, i: number): number {
    const out = new Int32Array(1);
    this.codes(data.slice(i, 1), out, 0);
    return out[0]!;
  }

  value(code: number): unknown {
    if (code === this.nullCode) return null;
    let v = this.decoded[code];
    if (v === undefined) {
      const b = this.table.key(code);
      v = DataType.isUtf8(this.type) ? Buffer.from(b.buffer, b.byteOffset, b.byteLength).toString('utf8') : b.slice();
      this.decoded[code] = v;
    }
    return v;
  }

  vector(codes: ArrayLike<number>): Vector {
    return vectorFrom(this.type, Array.from(codes, (c) => (c === this.nullCode ? null : this.table.key(c))));
  }
}

/** Any other type: values through a Map (structured values keyed by their JSON). */
class ValueGrouper implements ColumnGrouper {
  size = 0;
  private readonly index = new Map<unknown, number>();
  private readonly values: unknown[] = [];

  constructor(private readonly type: DataType) {}

  codes(data: Data, out: Int32Array, at: number): void {
    for (let i = 0; i < data.length; i++) out[at + i] = this.codeAt(data, i);
  }

  nullGroup(): number {
    return this.code(null);
  }

  codeAt(data: Data, i: number): number {
    return this.code(isNullAt(data, i) ? null : plainValue(vectorOf(data).get(i)));
  }

  private code(v: unknown): number {
    const key = v !== null && typeof v === 'object' ? `\u0000${JSON.stringify(v, (_k, x) => (typeof x === 'bigint' ? `${x}n` : x))}` : v;
    let c = this.index.get(key);
    if (c === undefined) {
      c = this.size++;
      this.index.set(key, c);
      this.values.push(v);
    }
    return c;
  }

  value(code: number): unknown {
    return this.values[code];
  }

  vector(codes: ArrayLike<number>, name: string): Vector {
    return buildVector(Array.from(codes, (c) => this.values[c]), name, this.type);
  }
}

const vectors = new WeakMap<Data, Vector>();
function vectorOf(data: Data): Vector {
  let v = vectors.get(data);
  if (!v) {
    v = makeVector(data);
    vectors.set(data, v);
  }
  return v;
}

/** The grouper for a column type. */
export function grouperFor(type: DataType): ColumnGrouper {
  if (DataType.isDictionary(type)) return new DictionaryGrouper(grouperFor((type as unknown as { dictionary: DataType }).dictionary));
  if (DataType.isInt(type) || (DataType.isFloat(type) && type.precision !== 0) || (DataType.isDate(type) && type.unit === DateUnit.DAY)) {
    return new NumberGrouper(type);
  }
  if (DataType.isUtf8(type) || DataType.isBinary(type)) return new BytesGrouper(type);
  return new ValueGrouper(type);
}
