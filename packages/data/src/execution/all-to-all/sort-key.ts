/**
 * Sort keys: comparing rows by one or more columns (nulls last), sampling keys of a
 * block, choosing range boundaries from samples, and sorting a block.
 */
import type { Block } from '../../block.js';
import { columnValues, takeRows } from '../../block/block-accessor.js';

/** Columns to sort or group by, with a direction per column. */
export interface SortKey {
  readonly columns: readonly string[];
  readonly descending: readonly boolean[];
}

/** A row's key: its values of the key columns. */
export type KeyTuple = unknown[];

function cmpValue(a: unknown, b: unknown): number {
  if (a === b) return 0;
  if (a === null || a === undefined) return b === null || b === undefined ? 0 : 1;
  if (b === null || b === undefined) return -1;
  if (typeof a === 'number' && typeof b === 'number') {
    if (Number.isNaN(a)) return Number.isNaN(b) ? 0 : 1;
    if (Number.isNaN(b)) return -1;
  }
  return (a as number) < (b as number) ? -1 : (a as number) > (b as number) ? 1 : 0;
}

/** Compares two values ascending, nulls last (NaN after numbers). */
export function compareValues(a: unknown, b: unknown): number {
  const na = a === null || a === undefined;
  const nb = b === null || b === undefined;
  if (na || nb) return na && nb ? 0 : na ? 1 : -1;
  return cmpValue(a, b);
}

/** Compares key tuples (nulls last, then per-column direction). */
export function compareKeys(a: KeyTuple, b: KeyTuple, descending: readonly boolean[]): number {
  for (let i = 0; i < a.length; i++) {
    const x = a[i];
    const y = b[i];
    const nx = x === null || x === undefined;
    const ny = y === null || y === undefined;
    if (nx || ny) {
      if (nx && ny) continue;
      return nx ? 1 : -1;
    }
    const c = cmpValue(x, y);
    if (c !== 0) return descending[i] ? -c : c;
  }
  return 0;
}

/** The key columns of a block, as value arrays. */
export function keyColumns(block: Block, key: SortKey): ArrayLike<unknown>[] {
  return key.columns.map((c) => {
    const col = block.getChild(c);
    if (!col) throw new TypeError(`key column '${c}' not found; the columns are ${block.schema.fields.map((f) => f.name).join(', ')}`);
    return columnValues(col);
  });
}

/** The key of row `i`. */
export function keyAt(cols: ArrayLike<unknown>[], i: number): KeyTuple {
  return cols.map((c) => c[i] ?? null);
}

/** About `n` keys at evenly spaced rows of the block. */
export function sampleKeys(block: Block, key: SortKey, n: number): KeyTuple[] {
  if (block.numRows === 0) return [];
  const cols = keyColumns(block, key);
  const k = Math.min(n, block.numRows);
  const out: KeyTuple[] = [];
  for (let j = 0; j < k; j++) out.push(keyAt(cols, Math.floor(((j + 0.5) * block.numRows) / k)));
  return out;
}

/** `parts - 1` boundaries splitting the sampled keys into `parts` ranges of about equal size. */
export function boundariesFromSamples(samples: KeyTuple[], parts: number, key: SortKey): KeyTuple[] {
  const sorted = samples.slice().sort((a, b) => compareKeys(a, b, key.descending));
  const out: KeyTuple[] = [];
  for (let i = 1; i < parts && sorted.length; i++) {
    const b = sorted[Math.min(sorted.length - 1, Math.floor((i * sorted.length) / parts))]!;
    if (out.length === 0 || compareKeys(out[out.length - 1]!, b, key.descending) !== 0) out.push(b);
  }
  return out;
}

/** Index of the range a key falls in: the number of boundaries less than or equal to it. */
export function rangeIndex(k: KeyTuple, boundaries: KeyTuple[], descending: readonly boolean[]): number {
  let lo = 0;
  let hi = boundaries.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (compareKeys(boundaries[mid]!, k, descending) <= 0) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** Row order of a block sorted by the key (stable). */
export function argsort(block: Block, key: SortKey): Uint32Array {
  const cols = keyColumns(block, key);
  const idx = Array.from({ length: block.numRows }, (_, i) => i);
  if (cols.length === 1 && !key.descending[0]) {
    const c = cols[0]!;
    idx.sort((a, b) => cmpValue(c[a] ?? null, c[b] ?? null) || a - b);
  } else {
    const keys = idx.map((i) => keyAt(cols, i));
    idx.sort((a, b) => compareKeys(keys[a]!, keys[b]!, key.descending) || a - b);
  }
  return Uint32Array.from(idx);
}

/** The block sorted by the key. */
export function sortBlock(block: Block, key: SortKey): Block {
  return block.numRows <= 1 ? block : takeRows(block, argsort(block, key));
}

/** Deterministic pseudo-random numbers in [0, 1) (mulberry32). */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
