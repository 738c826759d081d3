/**
 * Options of the sort (`runSort`), resolved once into a frozen, complete object, and the
 * size arithmetic shared by the driver and the baseline.
 */
import { RECORD_BYTES } from './records.js';

/** Options of `runSort`. */
export interface SortOptions {
  /** Bytes of records to sort, rounded down to whole 100-byte records. @default 10e9 (10 GB) */
  bytes?: number;
  /** Map tasks, and as many reduce tasks (key ranges). @default the power of two that gives at most 160 MB per partition, at least 4 */
  partitions?: number;
  /** Seed of the records (each partition's keys come from `(seed, partition)`). @default 1 */
  seed?: number;
  /** Most bytes the single-process baseline sorts: whole partitions from the first, at least one. @default 2e9 (2 GB) */
  baselineMaxBytes?: number;
  /** Shared memory of the object store; beyond it objects spill to disk. @default core's default (30% of RAM) */
  objectStoreMemory?: number;
}

/** {@link SortOptions} with every field decided. */
export interface ResolvedSortOptions {
  readonly records: number;
  readonly partitions: number;
  readonly seed: number;
  readonly baselineMaxBytes: number;
  readonly objectStoreMemory: number | undefined;
}

/** Largest partition: a reduce task holds its inputs, a concatenated copy and the sorted output. */
const MAX_PARTITION_BYTES = 1e9;
const DEFAULT_PARTITION_BYTES = 160e6;

const UNITS: Record<string, number> = { b: 1, kb: 1e3, mb: 1e6, gb: 1e9, tb: 1e12, kib: 2 ** 10, mib: 2 ** 20, gib: 2 ** 30 };

/** Parses a size like `10GB`, `64MB`, `1.5GiB` or `1000000` (bytes; KB/MB/GB are powers of 10, as in the Sort Benchmark). */
export function parseSize(name: string, text: string): number {
  const m = /^(\d+(?:\.\d+)?)\s*([a-z]*)$/i.exec(text.trim());
  const unit = m ? UNITS[(m[2] || 'b').toLowerCase()] : undefined;
  if (!m || unit === undefined) throw new RangeError(`${name} must be a size like 64MB, 10GB or 1GiB, got '${text}'`);
  return Math.floor(Number(m[1]) * unit);
}

/** `64.0 MB`, `10.00 GB` (powers of 10). */
export function fmtBytes(n: number): string {
  return n >= 1e9 ? `${(n / 1e9).toFixed(2)} GB` : `${(n / 1e6).toFixed(1)} MB`;
}

function intAtLeast(name: string, v: number, min: number): number {
  if (!Number.isInteger(v) || v < min) throw new RangeError(`${name} must be an integer >= ${min}, got ${v}`);
  return v;
}

/** Checks and completes sort options; a bad field throws a RangeError naming it. */
export function resolveSortOptions(o: SortOptions): ResolvedSortOptions {
  const bytes = intAtLeast('sort options.bytes', Math.floor(o.bytes ?? 10e9), RECORD_BYTES);
  const records = Math.floor(bytes / RECORD_BYTES);
  const partitions = o.partitions === undefined
    ? Math.max(4, 2 ** Math.ceil(Math.log2(bytes / DEFAULT_PARTITION_BYTES)))
    : intAtLeast('sort options.partitions', o.partitions, 1);
  if (partitions > 4096) throw new RangeError(`sort options.partitions must be at most 4096 (R x M objects), got ${partitions}`);
  if (records < partitions) throw new RangeError(`sort options.partitions (${partitions}) must not exceed the records (${records})`);
  if (bytes / partitions > MAX_PARTITION_BYTES) {
    throw new RangeError(`sort options.partitions: ${partitions} partitions of ${fmtBytes(bytes)} are over ${fmtBytes(MAX_PARTITION_BYTES)} each; use at least ${Math.ceil(bytes / MAX_PARTITION_BYTES)}`);
  }
  const baselineMaxBytes = intAtLeast('sort options.baselineMaxBytes', Math.floor(o.baselineMaxBytes ?? 2e9), 0);
  const objectStoreMemory = o.objectStoreMemory === undefined ? undefined : intAtLeast('sort options.objectStoreMemory', Math.floor(o.objectStoreMemory), 1);
  return Object.freeze({ records, partitions, seed: intAtLeast('sort options.seed', o.seed ?? 1, 0), baselineMaxBytes, objectStoreMemory });
}

/** Rows of partition `m` of `M` over `records` rows: the first `records % M` partitions get one more. */
export function rowsOf(records: number, M: number, m: number): { first: number; count: number } {
  const base = Math.floor(records / M);
  const extra = records % M;
  return { first: m * base + Math.min(m, extra), count: base + (m < extra ? 1 : 0) };
}
