/**
 * Codes of a dictionary-encoded key column (Parquet's usual encoding of keys, kept as
 * Arrow Dictionary vectors by the reader when a partial aggregation consumes it). Each
 * dictionary entry is coded once by the grouper of the value type and the rows are then
 * translated through an entry → code table. The table is kept for the last dictionary
 * seen, so the blocks sliced from one Parquet row group (which share its dictionary)
 * code their entries once. Row by row ({@link DictionaryGrouper.codes}), new entries are
 * collected first, in order of first appearance (so group ids come out in the same order
 * as coding each row), and, for numeric dictionaries, coded in one vectorized call
 * instead of one hash lookup each; by entry ({@link DictionaryGrouper.entryCodes}, for
 * the map side of an aggregation) they are coded in entry order.
 */
import { DataType, makeData, type Data, type Vector } from 'apache-arrow';
import { buildVector } from '../../block/block-builder.js';
import type { ColumnGrouper } from './column-groupers.js';

/** Whether row `i` of a chunk is null (column-groupers' `isNullAt`, repeated to keep imports one-way). */
function nullAt(data: Data, i: number): boolean {
  if (data.nullCount === 0) return false;
  const pos = data.offset + i;
  return (data.nullBitmap![pos >> 3]! & (1 << (pos & 7))) === 0;
}

/**
 * `out[at + i] = trans[idx[i]]` from row `from` on; stops at the first row whose entry
 * has no code yet (negative) and returns it, or `n` when all are done. A hot loop of its
 * own, so that it stays small and monomorphic.
 */
function translate(idx: ArrayLike<number>, trans: Int32Array, out: Int32Array, at: number, from: number, n: number): number {
  for (let i = from; i < n; i++) {
    const c = trans[idx[i]!]!;
    if (c < 0) return i;
    out[at + i] = c;
  }
  return n;
}

/**
 * The entries of rows `from...` without a code, in order of first appearance (marked -2
 * in `trans`), with -1 where the first null row is (so the null group gets its code in
 * that order too); stops early once every entry of the dictionary has been seen.
 */
function freshEntries(data: Data, idx: ArrayLike<number>, trans: Int32Array, from: number, seen: { count: number }): Int32Array {
  const size = trans.length;
  const fresh: number[] = [];
  let nullSeen = data.nullCount === 0;
  for (let i = from; i < data.length && (seen.count < size || !nullSeen); i++) {
    if (!nullSeen && nullAt(data, i)) {
      fresh.push(-1);
      nullSeen = true;
      continue;
    }
    if (data.nullCount > 0 && nullAt(data, i)) continue;
    const k = idx[i]!;
    if (trans[k] === -1) {
      trans[k] = -2;
      fresh.push(k);
      seen.count++;
    }
  }
  return Int32Array.from(fresh);
}

/** Typed arrays that can gather numeric dictionary values. */
type NumericArray = Int8Array | Int16Array | Int32Array | Uint8Array | Uint16Array | Uint32Array | Float32Array | Float64Array | BigInt64Array | BigUint64Array;

/** Dictionary-encoded columns: each entry is coded once by the grouper of the value type. */
export class DictionaryGrouper implements ColumnGrouper {
  /** The dictionary the translation table belongs to. */
  private lastDictionary: Vector | undefined;
  private trans = new Int32Array(0);
  private readonly seen = { count: 0 };

  /** @param inner the grouper of the dictionary's value type */
  constructor(private readonly inner: ColumnGrouper) {}

  get size(): number {
    return this.inner.size;
  }

  /** The entry → code table of `dictionary` (-1: not coded yet). */
  private table(dictionary: Vector): Int32Array {
    if (dictionary !== this.lastDictionary) {
      this.lastDictionary = dictionary;
      this.trans = new Int32Array(dictionary.length).fill(-1);
      this.seen.count = 0;
    } else if (dictionary.length > this.trans.length) {
      // A builder's dictionary grows in place from batch to batch (delta dictionaries).
      const grown = new Int32Array(dictionary.length).fill(-1);
      grown.set(this.trans);
      this.trans = grown;
    }
    return this.trans;
  }

  /** Codes the entries `fresh` (-1: the null group) of a single-chunk dictionary `values` into `trans`. */
  private codeEntries(values: Data, fresh: Int32Array, trans: Int32Array): void {
    const at = fresh.indexOf(-1);
    if (at >= 0) {
      this.codeEntries(values, fresh.subarray(0, at), trans);
      this.inner.nullGroup();
      this.codeEntries(values, fresh.subarray(at + 1), trans);
      return;
    }
    const src = values.values as NumericArray | undefined;
    const t = values.type as DataType;
    const numeric = DataType.isInt(t) || DataType.isFloat(t) || DataType.isDate(t);
    const gatherable = numeric && values.nullCount === 0 && values.stride === 1 && ArrayBuffer.isView(src) && fresh.length > 1;
    if (gatherable) {
      const Ctor = src.constructor as new (n: number) => NumericArray;
      const picked = new Ctor(fresh.length);
      for (let j = 0; j < fresh.length; j++) (picked as unknown as unknown[])[j] = src[fresh[j]!];
      const codes = new Int32Array(fresh.length);
      this.inner.codes(makeData({ type: t, length: fresh.length, nullCount: 0, data: picked } as never) as Data, codes, 0);
      for (let j = 0; j < fresh.length; j++) trans[fresh[j]!] = codes[j]!;
      return;
    }
    for (let j = 0; j < fresh.length; j++) trans[fresh[j]!] = this.inner.codeAt(values, fresh[j]!);
  }

  codes(data: Data, out: Int32Array, at: number): void {
    const dictionary = data.dictionary!;
    const idx = data.values as ArrayLike<number>;
    if (dictionary.data.length !== 1) {
      this.codesOfChunkedDictionary(data, dictionary, idx, out, at);
      return;
    }
    const values = dictionary.data[0]!;
    const trans = this.table(dictionary);
    const n = data.length;
    if (data.nullCount === 0) {
      for (let i = translate(idx, trans, out, at, 0, n); i < n; i = translate(idx, trans, out, at, i, n)) {
        const fresh = freshEntries(data, idx, trans, i, this.seen);
        if (fresh.length === 0) throw new RangeError(`dictionary index ${idx[i]} out of range (${trans.length} entries)`);
        this.codeEntries(values, fresh, trans);
      }
      return;
    }
    this.codeEntries(values, freshEntries(data, idx, trans, 0, this.seen), trans);
    for (let i = 0; i < n; i++) out[at + i] = nullAt(data, i) ? this.inner.nullGroup() : trans[idx[i]!]!;
  }

  /**
   * The group codes of the dictionary entries `used` (each used by at least one row of
   * `data`, a chunk over a single-chunk dictionary). Entries new to this grouper are
   * coded in entry order, in one vectorized call, not in order of first appearance:
   * for a partial aggregation, whose group order does not matter (the reduce side sorts
   * by key), this avoids scanning the rows.
   */
  entryCodes(data: Data, used: Int32Array): Int32Array {
    const trans = this.table(data.dictionary!);
    const missing: number[] = [];
    for (let j = 0; j < used.length; j++) if (trans[used[j]!]! < 0) missing.push(used[j]!);
    if (missing.length > 0) {
      this.codeEntries(data.dictionary!.data[0]!, Int32Array.from(missing), trans);
      this.seen.count += missing.length;
    }
    const out = new Int32Array(used.length);
    for (let j = 0; j < used.length; j++) out[j] = trans[used[j]!]!;
    return out;
  }

  /** A dictionary in several chunks (rare): entries coded one by one, per call. */
  private codesOfChunkedDictionary(data: Data, dictionary: Vector, idx: ArrayLike<number>, out: Int32Array, at: number): void {
    const trans = new Int32Array(dictionary.length).fill(-1);
    for (let i = 0; i < data.length; i++) {
      if (nullAt(data, i)) {
        out[at + i] = this.inner.nullGroup();
        continue;
      }
      const k = idx[i]!;
      let c = trans[k]!;
      if (c < 0) c = trans[k] = this.inner.codeAt(buildVector([dictionary.get(k)], 'key', dictionary.type).data[0]!, 0);
      out[at + i] = c;
    }
  }

  codeAt(data: Data, i: number): number {
    const out = new Int32Array(1);
    this.codes(data.slice(i, 1), out, 0);
    return out[0]!;
  }

  nullGroup(): number {
    return this.inner.nullGroup();
  }

  value(code: number): unknown {
    return this.inner.value(code);
  }

  vector(codes: ArrayLike<number>, name: string): Vector {
    return this.inner.vector(codes, name);
  }
}
