/**
 * The state of one aggregation for every group, in Float64Arrays indexed by group id:
 * accumulated from raw value columns (map side), merged from partial state columns
 * (reduce side), and written out as partial state columns or final values. Numeric
 * columns are read straight from Arrow's typed arrays; other types (bigints for
 * min/max, strings, dates, ...) go value by value, as before vectorizing.
 */
import { DataType, Float64, makeData, makeVector, Type, type Data, type Vector } from 'apache-arrow';
import type { AggregateSpec } from '../../aggregate.js';
import { plainValue } from '../../block/block-accessor.js';
import { buildVector } from '../../block/block-builder.js';
import { isNullAt } from './column-groupers.js';

let gathered = new Float64Array(0);

/**
 * Values of a numeric chunk as numbers (64-bit ints converted), or undefined for other
 * types. A dictionary-encoded chunk of numbers is expanded into a buffer reused by the
 * next call (callers use the values before asking for more).
 */
export function numericValues(d: Data, allow64: boolean): ArrayLike<number> | undefined {
  const t = d.type as DataType;
  if (DataType.isDictionary(t)) {
    const dict = d.dictionary!;
    if (dict.data.length !== 1) return undefined;
    const values = numericValues(dict.data[0]!, allow64);
    if (!values) return undefined;
    if (gathered.length < d.length) gathered = new Float64Array(Math.max(d.length, 2 * gathered.length));
    const idx = (d.values as Int32Array).subarray(0, d.length);
    const out = gathered.subarray(0, d.length);
    for (let i = 0; i < idx.length; i++) out[i] = values[idx[i]!]!;
    return out;
  }
  if (DataType.isFloat(t)) return t.precision === 0 ? undefined : (d.values as Float64Array).subarray(0, d.length);
  if (!DataType.isInt(t)) return undefined;
  if (t.bitWidth <= 32) return (d.values as Int32Array).subarray(0, d.length);
  if (!allow64) return undefined;
  const words = new Int32Array((d.values as BigInt64Array).buffer, (d.values as BigInt64Array).byteOffset, d.length * 2);
  const out = new Float64Array(d.length);
  const hiScale = 4294967296;
  if (t.isSigned) for (let i = 0; i < d.length; i++) out[i] = words[2 * i + 1]! * hiScale + (words[2 * i]! >>> 0);
  else for (let i = 0; i < d.length; i++) out[i] = (words[2 * i + 1]! >>> 0) * hiScale + (words[2 * i]! >>> 0);
  return out;
}

/** A value as a number (bigints converted); null for null. */
function num(v: unknown): number | null {
  if (v === null || v === undefined) return null;
  return typeof v === 'bigint' ? Number(v) : (v as number);
}

function grown(a: Float64Array<ArrayBuffer>, n: number, fill = 0): Float64Array<ArrayBuffer> {
  if (n <= a.length) return a;
  const b = new Float64Array(Math.max(n, a.length * 2));
  if (fill !== 0) b.fill(fill);
  b.set(a);
  return b;
}

/** A Float64 vector of `values[order[i]]`, null where `valid` is false. */
export function f64Vector(values: Float64Array, order: ArrayLike<number>, valid?: (g: number) => boolean): Vector {
  const n = order.length;
  const data = new Float64Array(n);
  let bitmap: Uint8Array | undefined;
  let nullCount = 0;
  for (let i = 0; i < n; i++) {
    const g = order[i]!;
    data[i] = values[g]!;
    if (valid && !valid(g)) {
      if (!bitmap) bitmap = new Uint8Array((n + 7) >> 3).fill(0xff);
      bitmap[i >> 3]! &= ~(1 << (i & 7));
      nullCount++;
    }
  }
  return makeVector(makeData({ type: new Float64(), length: n, nullCount, nullBitmap: nullCount ? bitmap : undefined, data }));
}

/** The value chunks of a column (Null-typed chunks skipped), with their first row in the block. */
function* chunks(col: Vector): Generator<{ d: Data; at: number }> {
  let at = 0;
  for (const d of col.data) {
    if (d.typeId !== Type.Null) yield { d, at };
    at += d.length;
  }
}

/** The non-null values of a non-numeric chunk as numbers (bigints converted), with their rows. */
function* slowNumbers(d: Data, at: number): Generator<[number, number]> {
  const vec = makeVector(d);
  for (let i = 0; i < d.length; i++) {
    const v = num(plainValue(vec.get(i)));
    if (v !== null) yield [at + i, v];
  }
}

/** s[g] += x and n[g]++ for each non-null value (hot loop: no closures). */
function sumInto(s: Float64Array, n: Float64Array, ids: Int32Array, at: number, vals: ArrayLike<number>, d: Data): void {
  const len = vals.length;
  if (d.nullCount === 0) {
    for (let i = 0; i < len; i++) {
      const g = ids[at + i]!;
      s[g] += vals[i]!;
      n[g]++;
    }
  } else {
    for (let i = 0; i < len; i++) {
      if (isNullAt(d, i)) continue;
      const g = ids[at + i]!;
      s[g] += vals[i]!;
      n[g]++;
    }
  }
}

/** The indices and numeric values of a dictionary-encoded chunk, or undefined. */
function numericDictionary(d: Data): { idx: ArrayLike<number>; values: ArrayLike<number> } | undefined {
  if (!DataType.isDictionary(d.type) || d.dictionary!.data.length !== 1) return undefined;
  const values = numericValues(d.dictionary!.data[0]!, true);
  return values ? { idx: (d.values as Int32Array).subarray(0, d.length), values } : undefined;
}

/** s[g] += values[idx[i]] and n[g]++ for a dictionary-encoded chunk without nulls (no expanded values). */
function sumDictInto(s: Float64Array, n: Float64Array, ids: Int32Array, at: number, idx: ArrayLike<number>, values: ArrayLike<number>): void {
  for (let i = 0; i < idx.length; i++) {
    const g = ids[at + i]!;
    s[g] += values[idx[i]!]!;
    n[g]++;
  }
}

/** Welford's update for each non-null value. */
function stdInto(n: Float64Array, m: Float64Array, m2: Float64Array, ids: Int32Array, at: number, vals: ArrayLike<number>, d: Data): void {
  const nulls = d.nullCount > 0;
  for (let i = 0; i < vals.length; i++) {
    if (nulls && isNullAt(d, i)) continue;
    const g = ids[at + i]!;
    const x = vals[i]!;
    const c = ++n[g]!;
    const dx = x - m[g]!;
    m[g] += dx / c;
    m2[g] += dx * (x - m[g]!);
  }
}

/** min / max / max of |x| for each non-null value. */
function extremeInto(v: Float64Array, has: Uint8Array, ids: Int32Array, at: number, vals: ArrayLike<number>, d: Data, kind: 'min' | 'max' | 'absMax'): void {
  const nulls = d.nullCount > 0;
  const abs = kind === 'absMax';
  const isMin = kind === 'min';
  for (let i = 0; i < vals.length; i++) {
    if (nulls && isNullAt(d, i)) continue;
    const g = ids[at + i]!;
    const x = abs ? Math.abs(vals[i]!) : vals[i]!;
    if (!has[g] || (isMin ? x < v[g]! : x > v[g]!)) {
      v[g] = x;
      has[g] = 1;
    }
  }
}

/** One aggregation's states over all groups. */
export abstract class AggState {
  constructor(readonly spec: AggregateSpec) {}
  /** Makes room for `groups` groups. */
  abstract grow(groups: number): void;
  /** Accumulates raw rows: `ids[i]` is the group of row i; `col` the value column (not for count). */
  abstract add(ids: Int32Array, col: Vector | undefined, rows: number): void;
  /** Merges partial state columns (`cols[field]`) of rows in groups `ids`. */
  abstract merge(ids: Int32Array, cols: Record<string, Vector>): void;
  /** State columns (field → vector) for groups `order`. */
  abstract partial(order: ArrayLike<number>): Record<string, Vector>;
  /** The final values of aggregation `spec` (this state's, or one sharing it) for groups `order`. */
  abstract final(order: ArrayLike<number>, name: string, spec: AggregateSpec): Vector;
}

/** The state fields of an aggregation kind (the partial columns are `__a<j>_<field>`). */
export function stateFields(kind: AggregateSpec['kind']): string[] {
  switch (kind) {
    case 'count': return ['n'];
    case 'sum': case 'mean': return ['s', 'n'];
    case 'std': return ['n', 'm', 'm2'];
    default: return ['v'];
  }
}

function f64(col: Vector): Float64Array {
  const parts = col.data.map((d) => numericValues(d, true) ?? new Float64Array(d.length));
  if (parts.length === 1 && parts[0] instanceof Float64Array) return parts[0];
  const out = new Float64Array(col.length);
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

class CountState extends AggState {
  n = new Float64Array(16);
  grow(groups: number): void {
    this.n = grown(this.n, groups);
  }
  add(ids: Int32Array, _col: Vector | undefined, rows: number): void {
    const n = this.n;
    for (let i = 0; i < rows; i++) n[ids[i]!]++;
  }
  merge(ids: Int32Array, cols: Record<string, Vector>): void {
    const pn = f64(cols.n!);
    const n = this.n;
    for (let i = 0; i < ids.length; i++) n[ids[i]!] += pn[i]!;
  }
  partial(order: ArrayLike<number>): Record<string, Vector> {
    return { n: f64Vector(this.n, order) };
  }
  final(order: ArrayLike<number>): Vector {
    return f64Vector(this.n, order);
  }
}

class SumState extends AggState {
  s = new Float64Array(16);
  n = new Float64Array(16);
  grow(groups: number): void {
    this.s = grown(this.s, groups);
    this.n = grown(this.n, groups);
  }
  add(ids: Int32Array, col: Vector): void {
    const { s, n } = this;
    for (const { d, at } of chunks(col)) {
      const dict = d.nullCount === 0 ? numericDictionary(d) : undefined;
      if (dict) {
        sumDictInto(s, n, ids, at, dict.idx, dict.values);
        continue;
      }
      const vals = numericValues(d, true);
      if (vals) {
        sumInto(s, n, ids, at, vals, d);
        continue;
      }
      for (const [row, v] of slowNumbers(d, at)) {
        s[ids[row]!] += v;
        n[ids[row]!]++;
      }
    }
  }
  merge(ids: Int32Array, cols: Record<string, Vector>): void {
    const ps = f64(cols.s!);
    const pn = f64(cols.n!);
    const { s, n } = this;
    for (let i = 0; i < ids.length; i++) {
      s[ids[i]!] += ps[i]!;
      n[ids[i]!] += pn[i]!;
    }
  }
  partial(order: ArrayLike<number>): Record<string, Vector> {
    return { s: f64Vector(this.s, order), n: f64Vector(this.n, order) };
  }
  final(order: ArrayLike<number>, _name: string, spec: AggregateSpec): Vector {
    const { s, n } = this;
    if (spec.kind === 'sum') return f64Vector(s, order, (g) => n[g]! > 0);
    const mean = new Float64Array(s.length);
    for (let g = 0; g < s.length; g++) mean[g] = s[g]! / n[g]!;
    return f64Vector(mean, order, (g) => n[g]! > 0);
  }
}

/** Welford's running mean and squared deviations; merged with Chan's formula. */
class StdState extends AggState {
  n = new Float64Array(16);
  m = new Float64Array(16);
  m2 = new Float64Array(16);
  grow(groups: number): void {
    this.n = grown(this.n, groups);
    this.m = grown(this.m, groups);
    this.m2 = grown(this.m2, groups);
  }
  private one(g: number, x: number): void {
    const c = ++this.n[g]!;
    const d = x - this.m[g]!;
    this.m[g] += d / c;
    this.m2[g] += d * (x - this.m[g]!);
  }
  add(ids: Int32Array, col: Vector): void {
    for (const { d, at } of chunks(col)) {
      const vals = numericValues(d, true);
      if (vals) stdInto(this.n, this.m, this.m2, ids, at, vals, d);
      else for (const [row, v] of slowNumbers(d, at)) this.one(ids[row]!, v);
    }
  }
  merge(ids: Int32Array, cols: Record<string, Vector>): void {
    const pn = f64(cols.n!);
    const pm = f64(cols.m!);
    const pm2 = f64(cols.m2!);
    const { n, m, m2 } = this;
    for (let i = 0; i < ids.length; i++) {
      const n2 = pn[i]!;
      if (n2 === 0) continue;
      const g = ids[i]!;
      const n1 = n[g]!;
      const c = n1 + n2;
      const d = pm[i]! - m[g]!;
      m2[g] += pm2[i]! + (d * d * n1 * n2) / c;
      m[g] += (d * n2) / c;
      n[g] = c;
    }
  }
  partial(order: ArrayLike<number>): Record<string, Vector> {
    return { n: f64Vector(this.n, order), m: f64Vector(this.m, order), m2: f64Vector(this.m2, order) };
  }
  final(order: ArrayLike<number>): Vector {
    const ddof = this.spec.ddof ?? 1;
    const { n, m2 } = this;
    const out = new Float64Array(n.length);
    for (let g = 0; g < n.length; g++) out[g] = Math.sqrt(m2[g]! / (n[g]! - ddof));
    return f64Vector(out, order, (g) => n[g]! - ddof > 0);
  }
}

/** min, max, absMax: numbers in a Float64Array, other values (strings, bigints, ...) in an array. */
class ExtremeState extends AggState {
  v = new Float64Array(16);
  has = new Uint8Array(16);
  /** Set once a non-numeric value is seen: every value then lives here. */
  objs: unknown[] | undefined;

  grow(groups: number): void {
    this.v = grown(this.v, groups);
    if (groups > this.has.length) {
      const h = new Uint8Array(Math.max(groups, this.has.length * 2));
      h.set(this.has);
      this.has = h;
    }
  }

  private better(x: unknown, cur: unknown): boolean {
    if (this.spec.kind === 'min') return (x as number) < (cur as number);
    return (x as number) > (cur as number);
  }

  private offer(g: number, x: unknown): void {
    if (this.spec.kind === 'absMax') x = Math.abs(num(x)!);
    if (this.objs) {
      const cur = this.objs[g];
      if (cur === undefined || cur === null || this.better(x, cur)) this.objs[g] = x;
      return;
    }
    if (typeof x !== 'number') {
      this.objs = Array.from(this.v, (v, i) => (this.has[i] ? v : null));
      this.offer(g, x);
      return;
    }
    if (!this.has[g] || this.better(x, this.v[g])) {
      this.v[g] = x;
      this.has[g] = 1;
    }
  }

  private addColumn(ids: Int32Array, col: Vector): void {
    const kind = this.spec.kind as 'min' | 'max' | 'absMax';
    for (const { d, at } of chunks(col)) {
      const vals = this.objs ? undefined : numericValues(d, kind === 'absMax');
      if (vals && !this.objs) {
        extremeInto(this.v, this.has, ids, at, vals, d, kind);
        continue;
      }
      const vec = makeVector(d);
      for (let i = 0; i < d.length; i++) {
        const x = plainValue(vec.get(i));
        if (x !== null && x !== undefined) this.offer(ids[at + i]!, x);
      }
    }
  }

  add(ids: Int32Array, col: Vector): void {
    this.addColumn(ids, col);
  }
  merge(ids: Int32Array, cols: Record<string, Vector>): void {
    this.addColumn(ids, cols.v!);
  }
  private values(order: ArrayLike<number>): Vector | unknown[] {
    if (!this.objs) return f64Vector(this.v, order, (g) => this.has[g] === 1);
    return Array.from(order, (g) => this.objs![g] ?? null);
  }
  partial(order: ArrayLike<number>): Record<string, Vector> {
    const v = this.values(order);
    return { v: Array.isArray(v) ? buildVector(v, 'v') : (v as Vector) };
  }
  final(order: ArrayLike<number>, name: string): Vector {
    const v = this.values(order);
    return Array.isArray(v) ? buildVector(v, name) : (v as Vector);
  }
}

/** The state of an aggregation. */
export function stateFor(spec: AggregateSpec): AggState {
  switch (spec.kind) {
    case 'count': return new CountState(spec);
    case 'sum': case 'mean': return new SumState(spec);
    case 'std': return new StdState(spec);
    default: return new ExtremeState(spec);
  }
}
