/**
 * Dense group ids for the rows of blocks, by one or more key columns, kept across
 * blocks. One key column: the group id is the column's code. Several: codes are combined
 * one column at a time through a {@link PairTable}, so a group id stands for a tuple of
 * codes without building the tuple.
 */
import { DataType, type Data, type Vector } from 'apache-arrow';
import type { Block } from '../../block.js';
import { grouperFor, type ColumnGrouper } from './column-groupers.js';
import { DictionaryGrouper } from './dictionary-grouper.js';
import { PairTable } from './hash-tables.js';
import { compareKeys, compareValues, type KeyTuple } from './sort-key.js';

/** One combining level: the pair (ids so far, codes of the next column) of each new id. */
interface Level {
  table: PairTable;
  left: Int32Array;
  right: Int32Array;
  size: number;
}

function grow(a: Int32Array, need: number): Int32Array {
  if (need <= a.length) return a;
  const b = new Int32Array(Math.max(need, a.length * 2));
  b.set(a);
  return b;
}

/** Group ids over key columns. */
export class GroupKeys {
  private cols: ColumnGrouper[] | undefined;
  private readonly levels: Level[] = [];
  private all = 0;

  /** @param keys the key columns (none: every row is in one group) */
  constructor(readonly keys: readonly string[]) {}

  /** Number of groups seen. */
  get size(): number {
    if (this.keys.length === 0) return this.all;
    if (!this.cols) return 0;
    return this.levels.length ? this.levels[this.levels.length - 1]!.size : this.cols[0]!.size;
  }

  private column(block: Block, name: string): Vector {
    const v = block.getChild(name);
    if (!v) throw new TypeError(`key column '${name}' not found; the columns are ${block.schema.fields.map((f) => f.name).join(', ')}`);
    return v;
  }

  /** Reused per column: the ids of a block are only valid until the next `assign`. */
  private readonly scratch: Int32Array[] = [];

  private buffer(j: number, n: number): Int32Array {
    let b = this.scratch[j];
    if (!b || b.length < n) b = this.scratch[j] = new Int32Array(Math.max(n, 1024));
    return b.subarray(0, n);
  }

  private codes(g: ColumnGrouper, v: Vector, j: number): Int32Array {
    const out = this.buffer(j, v.length);
    let at = 0;
    for (const d of v.data) {
      g.codes(d, out, at);
      at += d.length;
    }
    return out;
  }

  /** The group id of each row of the block (new keys get new ids); valid until the next call. */
  assign(block: Block): Int32Array {
    const n = block.numRows;
    if (this.keys.length === 0) {
      if (n > 0) this.all = 1;
      return this.buffer(0, n).fill(0);
    }
    const vecs = this.keys.map((k) => this.column(block, k));
    this.cols ??= vecs.map((v) => grouperFor(v.type));
    const ids = this.codes(this.cols[0]!, vecs[0]!, 0);
    for (let j = 1; j < vecs.length; j++) {
      const codes = this.codes(this.cols[j]!, vecs[j]!, j);
      const lv = (this.levels[j - 1] ??= { table: new PairTable(), left: new Int32Array(64), right: new Int32Array(64), size: 0 });
      for (let i = 0; i < n; i++) {
        const a = ids[i]!;
        const b = codes[i]!;
        const id = lv.table.getOrAdd(a, b, lv.size);
        if (id === lv.size) {
          lv.left = grow(lv.left, id + 1);
          lv.right = grow(lv.right, id + 1);
          lv.left[id] = a;
          lv.right[id] = b;
          lv.size++;
        }
        ids[i] = id;
      }
    }
    return ids;
  }

  /**
   * When the block's only key column is a single dictionary chunk without nulls (over a
   * single-chunk dictionary), that chunk and its grouper, which codes whole entries
   * ({@link DictionaryGrouper.entryCodes}); otherwise undefined.
   */
  dictionaryKey(block: Block): { data: Data; grouper: DictionaryGrouper } | undefined {
    if (this.keys.length !== 1) return undefined;
    const v = this.column(block, this.keys[0]!);
    const data = v.data.length === 1 ? v.data[0]! : undefined;
    if (!data || data.nullCount > 0 || !DataType.isDictionary(data.type) || data.dictionary?.data.length !== 1) return undefined;
    this.cols ??= [grouperFor(v.type)];
    const grouper = this.cols[0];
    return grouper instanceof DictionaryGrouper ? { data, grouper } : undefined;
  }

  /** The codes of each key column for group `g`. */
  private codesOf(g: number): number[] {
    const out = new Array<number>(this.keys.length);
    for (let j = this.keys.length - 1; j >= 1; j--) {
      const lv = this.levels[j - 1]!;
      out[j] = lv.right[g]!;
      g = lv.left[g]!;
    }
    out[0] = g;
    return out;
  }

  /** The key of group `g` as plain values. */
  keyOf(g: number): KeyTuple {
    return this.codesOf(g).map((c, j) => this.cols![j]!.value(c));
  }

  /** The key columns for the groups `order` (in that order), with the input's types. */
  keyVectors(order: ArrayLike<number>): Record<string, Vector> {
    const out: Record<string, Vector> = {};
    if (!this.cols) return out;
    const perCol = this.keys.map(() => new Int32Array(order.length));
    for (let i = 0; i < order.length; i++) {
      const codes = this.codesOf(order[i]!);
      for (let j = 0; j < codes.length; j++) perCol[j]![i] = codes[j]!;
    }
    this.keys.forEach((k, j) => (out[k] = this.cols![j]!.vector(perCol[j]!, k)));
    return out;
  }

  /** Every group id, ordered by key (ascending, nulls last). */
  sortedOrder(): Int32Array {
    const n = this.size;
    const order = Array.from({ length: n }, (_, i) => i);
    if (this.keys.length === 1) {
      const vals = order.map((g) => this.cols![0]!.value(g));
      order.sort((a, b) => compareValues(vals[a], vals[b]));
    } else if (this.keys.length > 1) {
      const tuples = order.map((g) => this.keyOf(g));
      const desc = this.keys.map(() => false);
      order.sort((a, b) => compareKeys(tuples[a]!, tuples[b]!, desc));
    }
    return Int32Array.from(order);
  }
}
