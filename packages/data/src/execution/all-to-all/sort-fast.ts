/**
 * Sorting and range-partitioning by one numeric key column without per-row objects:
 * keys come from Arrow's typed arrays, rows are ordered by an LSD radix sort over the
 * keys' IEEE-754 bits (stable, like the comparison sort it replaces) and assigned to
 * ranges by binary search over the boundaries. Same order as {@link compareKeys}:
 * ascending or descending, NaN above every number, nulls last.
 */
import { DataType, type Vector } from 'apache-arrow';
import type { Block } from '../../block.js';
import { numericValues } from './agg-state.js';
import { isNullAt } from './column-groupers.js';
import { argsort, compareValues, keyAt, keyColumns, rangeIndex, type KeyTuple, type SortKey } from './sort-key.js';

/** A numeric key column: its values as doubles, and which rows are null (undefined: none). */
export interface NumericKeys {
  values: Float64Array;
  nulls: Uint8Array | undefined;
}

/** The key of a one-column numeric sort key as doubles, or undefined when the generic path is needed. */
export function numericKeys(block: Block, key: SortKey): NumericKeys | undefined {
  if (key.columns.length !== 1) return undefined;
  const col: Vector | null = block.getChild(key.columns[0]!);
  if (!col) return undefined;
  const t = col.type as DataType;
  if (!(DataType.isFloat(t) && t.precision !== 0) && !(DataType.isInt(t) && t.bitWidth <= 32)) return undefined;
  const values = new Float64Array(col.length);
  let nulls: Uint8Array | undefined;
  let at = 0;
  for (const d of col.data) {
    values.set(numericValues(d, false)!, at);
    if (d.nullCount > 0) {
      nulls ??= new Uint8Array(col.length);
      for (let i = 0; i < d.length; i++) if (isNullAt(d, i)) nulls[at + i] = 1;
    }
    at += d.length;
  }
  return { values, nulls };
}

/**
 * Row order by the keys: an LSD radix sort (16-bit digits) of the keys' bits, made
 * order-preserving (negative numbers flipped, -0 and NaN canonical), complemented for
 * descending order; null rows follow in input order.
 */
export function radixArgsort(keys: NumericKeys, descending: boolean): Uint32Array {
  const { values, nulls } = keys;
  const total = values.length;
  let idx = new Uint32Array(total);
  let n = 0;
  for (let i = 0; i < total; i++) if (!nulls || !nulls[i]) idx[n++] = i;
  const nullRows: number[] = [];
  if (nulls) for (let i = 0; i < total; i++) if (nulls[i]) nullRows.push(i);
  const f = new Float64Array(1);
  const w = new Uint32Array(f.buffer);
  let lo = new Uint32Array(n);
  let hi = new Uint32Array(n);
  for (let k = 0; k < n; k++) {
    const x = values[idx[k]!]!;
    f[0] = x !== x ? NaN : x === 0 ? 0 : x;
    let l = w[0]!;
    let h = w[1]!;
    if (h & 0x80000000) {
      l = ~l;
      h = ~h;
    } else {
      h ^= 0x80000000;
    }
    lo[k] = descending ? ~l : l;
    hi[k] = descending ? ~h : h;
  }
  let idx2 = new Uint32Array(total);
  let lo2 = new Uint32Array(n);
  let hi2 = new Uint32Array(n);
  const count = new Uint32Array(65536);
  for (let pass = 0; pass < 4; pass++) {
    const src = pass < 2 ? lo : hi;
    const shift = (pass & 1) * 16;
    count.fill(0);
    for (let k = 0; k < n; k++) count[(src[k]! >>> shift) & 0xffff]++;
    if (n === 0 || count[(src[0]! >>> shift) & 0xffff] === n) continue; // one digit value: nothing to do
    let sum = 0;
    for (let d = 0; d < 65536; d++) {
      const c = count[d]!;
      count[d] = sum;
      sum += c;
    }
    for (let k = 0; k < n; k++) {
      const to = count[(src[k]! >>> shift) & 0xffff]++;
      idx2[to] = idx[k]!;
      lo2[to] = lo[k]!;
      hi2[to] = hi[k]!;
    }
    [idx, idx2] = [idx2, idx];
    [lo, lo2] = [lo2, lo];
    [hi, hi2] = [hi2, hi];
  }
  idx.set(nullRows, n);
  return idx;
}

/** The range index of each row (number of boundaries at or below its key), as {@link rangeIndex}. */
export function numericRanges(keys: NumericKeys, boundaries: readonly KeyTuple[], descending: boolean): Uint32Array {
  const { values, nulls } = keys;
  const b = boundaries.map((t) => t[0] ?? null);
  const out = new Uint32Array(values.length);
  if (!nulls && b.every((x) => typeof x === 'number' && x === x)) {
    // Plain numbers on both sides: compare directly (NaN keys sort above every number).
    const nb = Float64Array.from(b as number[]);
    for (let i = 0; i < values.length; i++) {
      const x = values[i]!;
      let lo = 0;
      if (x !== x) lo = descending ? 0 : nb.length;
      else {
        let hi = nb.length;
        while (lo < hi) {
          const mid = (lo + hi) >> 1;
          if (descending ? nb[mid]! >= x : nb[mid]! <= x) lo = mid + 1;
          else hi = mid;
        }
      }
      out[i] = lo;
    }
    return out;
  }
  const cmp = descending ? (x: unknown, y: unknown) => compareDesc(x, y) : compareValues;
  for (let i = 0; i < values.length; i++) {
    const k = nulls && nulls[i] ? null : values[i]!;
    let lo = 0;
    let hi = b.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (cmp(b[mid], k) <= 0) lo = mid + 1;
      else hi = mid;
    }
    out[i] = lo;
  }
  return out;
}

/** Descending comparison with nulls still last (as compareKeys). */
function compareDesc(a: unknown, b: unknown): number {
  const na = a === null || a === undefined;
  const nb = b === null || b === undefined;
  if (na || nb) return compareValues(a, b);
  return -compareValues(a, b);
}

/** Row indices grouped by partition (a counting sort of `assign`); part p is `rows.subarray(starts[p], starts[p + 1])`. */
export function bucketRows(assign: Uint32Array, parts: number): { rows: Uint32Array; starts: Uint32Array } {
  const starts = new Uint32Array(parts + 1);
  for (let i = 0; i < assign.length; i++) starts[assign[i]! + 1]++;
  for (let p = 0; p < parts; p++) starts[p + 1] += starts[p]!;
  const next = starts.slice(0, parts);
  const rows = new Uint32Array(assign.length);
  for (let i = 0; i < assign.length; i++) rows[next[assign[i]!]!++] = i;
  return { rows, starts };
}

/** Row order of a block sorted by the key (stable): radix sort for one numeric column, comparisons otherwise. */
export function sortOrder(block: Block, key: SortKey): Uint32Array {
  const nk = numericKeys(block, key);
  return nk ? radixArgsort(nk, key.descending[0]!) : argsort(block, key);
}

/** The range (partition) of each row of a block, for range boundaries of the key. */
export function rangeAssign(block: Block, key: SortKey, boundaries: readonly KeyTuple[]): Uint32Array {
  const nk = numericKeys(block, key);
  if (nk) return numericRanges(nk, boundaries, key.descending[0]!);
  const cols = keyColumns(block, key);
  const out = new Uint32Array(block.numRows);
  for (let i = 0; i < block.numRows; i++) out[i] = rangeIndex(keyAt(cols, i), boundaries as KeyTuple[], key.descending);
  return out;
}
