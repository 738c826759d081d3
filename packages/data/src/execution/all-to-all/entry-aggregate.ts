/**
 * Map-side aggregation of a block keyed by one dictionary-encoded column (how Parquet
 * stores most keys, kept as an Arrow Dictionary by the reader when a partial
 * aggregation consumes it). The rows are aggregated by dictionary entry first, with
 * their dictionary indices as state indices (no per-row group id), and each used entry's
 * states are then merged into its group: a few hundred or thousand merges per block.
 *
 * The rows-per-entry histogram that finds the used entries is also every `count()`, and
 * the count of values of a sum or mean over a column of numbers without nulls; it is
 * counted in the pass that sums the first such column. Other aggregations run their own
 * state over the entries.
 */
import { DataType, Type, type Data, type Vector } from 'apache-arrow';
import type { AggregateSpec } from '../../aggregate.js';
import type { Block } from '../../block.js';
import { f64Vector, numericValues, stateFor, type AggState } from './agg-state.js';
import type { DictionaryGrouper } from './dictionary-grouper.js';

/** Adds the rows per dictionary entry of `n` indices to `rows`. */
function entryHistogram(idx: ArrayLike<number>, n: number, rows: Float64Array): void {
  for (let i = 0; i < n; i++) rows[idx[i]!]++;
}

/** s[keys[i]] += values[vidx[i]] (a dictionary-encoded value column); with `rows`, also rows[keys[i]]++. */
function sumDictByEntry(s: Float64Array, rows: Float64Array | undefined, keys: ArrayLike<number>, at: number, vidx: ArrayLike<number>, values: ArrayLike<number>, n: number): void {
  if (rows) {
    for (let i = 0; i < n; i++) {
      const k = keys[at + i]!;
      s[k] += values[vidx[i]!]!;
      rows[k]++;
    }
  } else {
    for (let i = 0; i < n; i++) s[keys[at + i]!] += values[vidx[i]!]!;
  }
}

/** s[keys[i]] += values[i]; with `rows`, also rows[keys[i]]++. */
function sumByEntry(s: Float64Array, rows: Float64Array | undefined, keys: ArrayLike<number>, at: number, values: ArrayLike<number>, n: number): void {
  if (rows) {
    for (let i = 0; i < n; i++) {
      const k = keys[at + i]!;
      s[k] += values[i]!;
      rows[k]++;
    }
  } else {
    for (let i = 0; i < n; i++) s[keys[at + i]!] += values[i]!;
  }
}

/** The chunks of a numeric column without nulls: values, or dictionary indices and values. */
type NumericChunk = { values: ArrayLike<number>; vidx?: ArrayLike<number>; length: number };

/** The numeric chunks of a column, or undefined when it has nulls or is not plain numbers (those take the general state). */
function numericChunks(col: Vector): NumericChunk[] | undefined {
  if (col.nullCount > 0) return undefined;
  const out: NumericChunk[] = [];
  for (const d of col.data as Data[]) {
    if (d.typeId === Type.Null) return undefined;
    if (DataType.isDictionary(d.type as DataType)) {
      const dict = d.dictionary!;
      const values = dict.data.length === 1 && dict.nullCount === 0 ? numericValues(dict.data[0]!, true) : undefined;
      if (!values) return undefined;
      out.push({ values, vidx: d.values as ArrayLike<number>, length: d.length });
    } else {
      const values = numericValues(d, true);
      if (!values) return undefined;
      out.push({ values, length: d.length });
    }
  }
  return out;
}

/** The sum of a column's values per entry (`keys`: the entry of each row); with `rows`, also counts the rows per entry. */
function sumsByEntry(keys: ArrayLike<number>, chunks: NumericChunk[], size: number, rows?: Float64Array): Float64Array {
  const s = new Float64Array(size);
  let at = 0;
  for (const c of chunks) {
    if (c.vidx) sumDictByEntry(s, rows, keys, at, c.vidx, c.values, c.length);
    else sumByEntry(s, rows, keys, at, c.values, c.length);
    at += c.length;
  }
  return s;
}

/** What {@link aggregateByEntry} needs of the aggregator. */
export interface EntryTarget {
  readonly aggs: readonly AggregateSpec[];
  /** The state of each aggregation (shared ones repeated). */
  readonly states: readonly AggState[];
  /** Whether aggregation `j` owns its state (shared states are fed once). */
  readonly owner: readonly boolean[];
  /** Makes the states room for the groups coded so far. */
  growStates(): void;
  /** A value column of the block. */
  column(block: Block, name: string): Vector;
}

/** Aggregates `block`, whose key column is the dictionary chunk `keyData`, into `target`. */
export function aggregateByEntry(target: EntryTarget, block: Block, keyData: Data, grouper: DictionaryGrouper): void {
  const idx = keyData.values as Int32Array;
  const n = keyData.length;
  const size = keyData.dictionary!.length;
  // Sums and means over columns of plain numbers without nulls: their counts are the rows per entry.
  const sumChunks = target.aggs.map((spec, j) =>
    target.owner[j] && (spec.kind === 'sum' || spec.kind === 'mean') ? numericChunks(target.column(block, spec.on!)) : undefined);
  const first = sumChunks.findIndex((c) => c !== undefined);
  const rows = new Float64Array(size);
  const sums = sumChunks.map((c, j) => (c ? sumsByEntry(idx, c, size, j === first ? rows : undefined) : undefined));
  if (first < 0) entryHistogram(idx, n, rows);
  const usedList: number[] = [];
  for (let k = 0; k < size; k++) if (rows[k]! > 0) usedList.push(k);
  const used = Int32Array.from(usedList);
  const codes = grouper.entryCodes(keyData, used);
  target.growStates();
  const counts = f64Vector(rows, used);
  target.states.forEach((state, j) => {
    if (!target.owner[j]) return;
    const spec = target.aggs[j]!;
    const s = sums[j];
    if (spec.kind === 'count') {
      state.merge(codes, { n: counts });
    } else if (s) {
      state.merge(codes, { s: f64Vector(s, used), n: counts });
    } else {
      const local = stateFor(spec);
      local.grow(size);
      local.add(idx, target.column(block, spec.on!), n);
      state.merge(codes, local.partial(used));
    }
  });
}
