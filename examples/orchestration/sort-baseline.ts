/**
 * The single-process reference: the same records (the same partitions from the same
 * generator) generated into one buffer and sorted with the same kernel, in the driver's
 * process with no ray — what one core does without tasks or an object store.
 */
import { RECORD_BYTES, RECORD_WORDS, generateRecords } from './records.js';
import { sortRecords } from './sort-kernel.js';
import { rowsOf, type ResolvedSortOptions } from './sort-options.js';

/** How much the baseline sorted, and how long generating and sorting took. */
export interface BaselineResult {
  readonly bytes: number;
  /** Whole partitions sorted, from the first. */
  readonly partitions: number;
  readonly seconds: number;
}

/**
 * Generates and sorts the first partitions that fit in `baselineMaxBytes` (at least one)
 * in this process. The sorted buffer is dropped; its order is checked by the kernel's tests.
 */
export function runBaseline(o: ResolvedSortOptions): BaselineResult {
  const M = o.partitions;
  let k = 1;
  while (k < M && rowsOf(o.records, M, k).first + rowsOf(o.records, M, k).count <= o.baselineMaxBytes / RECORD_BYTES) k++;
  const end = rowsOf(o.records, M, k - 1);
  const rows = end.first + end.count;
  const t0 = performance.now();
  const all = new Uint8Array(rows * RECORD_BYTES);
  for (let m = 0; m < k; m++) {
    const { first, count } = rowsOf(o.records, M, m);
    generateRecords(o.seed, m, first, count, all, first * RECORD_WORDS);
  }
  const sorted = sortRecords(all);
  const seconds = (performance.now() - t0) / 1000;
  if (sorted.byteLength !== all.byteLength) throw new Error('baseline sort lost records');
  return { bytes: rows * RECORD_BYTES, partitions: k, seconds };
}
