/**
 * Plans of row ranges over a sequence of blocks: which slices of which input blocks
 * make each output block. Used to repartition without shuffling, split datasets at row
 * indices and align the blocks of zipped datasets, from block metadata alone.
 */

/** Rows `[start, end)` of input block `block`. */
export interface Slice {
  block: number;
  start: number;
  end: number;
}

/** The slices covering global rows `[from, to)` of blocks with the given row counts. */
export function slicesFor(rowCounts: readonly number[], from: number, to: number): Slice[] {
  const out: Slice[] = [];
  let offset = 0;
  for (let i = 0; i < rowCounts.length && offset < to; i++) {
    const n = rowCounts[i]!;
    const lo = Math.max(from, offset);
    const hi = Math.min(to, offset + n);
    if (hi > lo) out.push({ block: i, start: lo - offset, end: hi - offset });
    offset += n;
  }
  return out;
}

/** Slices for each range between consecutive `cuts` (global row offsets, ascending, from 0 to the total). */
export function planAtCuts(rowCounts: readonly number[], cuts: readonly number[]): Slice[][] {
  const out: Slice[][] = [];
  for (let k = 0; k + 1 < cuts.length; k++) out.push(slicesFor(rowCounts, cuts[k]!, cuts[k + 1]!));
  return out;
}

/** Slices for `n` output blocks of about equal rows. */
export function planSlices(rowCounts: readonly number[], n: number): Slice[][] {
  const total = rowCounts.reduce((a, b) => a + b, 0);
  const cuts = Array.from({ length: n + 1 }, (_, k) => Math.floor((total * k) / n));
  return planAtCuts(rowCounts, cuts);
}
