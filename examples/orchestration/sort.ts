/**
 * A distributed sort of generated 100-byte records — the shape of Ray's CloudSort run
 * ("Exoshuffle"), with core tasks only:
 *
 * - M `mapPartition` tasks each generate one partition of gensort-like records and split it
 *   into R ranges by key; with `numReturns: R + 1` each range becomes an object of its own
 *   in the store, plus a small summary (records, checksum) of what the task generated;
 * - R `reduceRange` tasks each take range r from every map (the refs are the arguments:
 *   the shuffle happens in the object store) and sort it;
 * - R `validateRange` tasks check each sorted range the way valsort does: sorted, first
 *   and last key, records and checksum, which the driver compares with the maps' summaries.
 *
 * The records never pass through the driver: it holds refs only. When the store's shared
 * memory is full, least-recently-used objects spill to disk and come back when read.
 * Remote functions are defined at the top level: workers import this module to find them.
 */
import * as ray from '@ray-ts/core';
import { RECORD_BYTES, compareKeys, checksumRecords, generateRecords, keyHex, recordWords } from './records.js';
import { concatBlocks, sortRecords, splitByKey } from './sort-kernel.js';
import { monitorStore } from './store-monitor.js';
import { runBaseline } from './sort-baseline.js';
import { fmtBytes, resolveSortOptions, rowsOf, type SortOptions } from './sort-options.js';

/** What a map task generated: its input's share of the valsort summary. */
export interface InputSummary {
  readonly records: number;
  readonly checksum: bigint;
}

/** What valsort reports for one output partition. */
export interface RangeCheck {
  readonly records: number;
  readonly checksum: bigint;
  /** Adjacent records out of key order (0 when sorted). */
  readonly unordered: number;
  /** Adjacent records with equal keys. */
  readonly duplicates: number;
  /** First and last key, as hex (undefined when empty). */
  readonly firstKey?: string;
  readonly lastKey?: string;
}

/** Map: generate partition `partition` (rows `firstRow...`, `count` of them) and split it into `reducers` key ranges. */
export const mapPartition = ray.remote(function mapPartition(seed: number, partition: number, firstRow: number, count: number, reducers: number): Array<Uint8Array | InputSummary> {
  const { records, checksum } = generateRecords(seed, partition, firstRow, count);
  const summary: InputSummary = { records: count, checksum };
  return [...splitByKey(records, reducers), summary];
});

/** Reduce: one key range from every map, sorted. */
export const reduceRange = ray.remote(function reduceRange(...blocks: Uint8Array[]): Uint8Array {
  return sortRecords(concatBlocks(blocks));
});

/** Validate: valsort's checks of one sorted range. */
export const validateRange = ray.remote(function validateRange(sorted: Uint8Array): RangeCheck {
  const n = sorted.byteLength / RECORD_BYTES;
  let unordered = 0;
  let duplicates = 0;
  for (let i = 1; i < n; i++) {
    const c = compareKeys(sorted, i - 1, i);
    if (c > 0) unordered++;
    else if (c === 0) duplicates++;
  }
  const checksum = checksumRecords(recordWords(sorted));
  return n === 0 ? { records: 0, checksum, unordered, duplicates } : { records: n, checksum, unordered, duplicates, firstKey: keyHex(sorted, 0), lastKey: keyHex(sorted, n - 1) };
});

/** Holds a worker for `ms`: run once per CPU before the clock starts, so every worker has loaded this module. */
export const warmUp = ray.remote(async function warmUp(ms: number): Promise<number> {
  await new Promise((resolve) => setTimeout(resolve, ms));
  return process.pid;
});

/** Figures of one run, as printed. */
export interface SortReport {
  readonly bytes: number;
  readonly seconds: number;
  readonly valid: boolean;
  readonly baselineBytes: number;
  readonly baselineSeconds: number;
}

const rate = (bytes: number, s: number): string => `${(bytes / 1e9 / s).toFixed(3)} GB/s (${(bytes / 1e6 / s).toFixed(1)} MB/s)`;
const yes = (ok: boolean): string => (ok ? 'yes' : 'NO');

/** Runs the sort on an embedded cluster, validates it, then the single-process baseline; prints the figures. */
export async function runSort(options: SortOptions = {}): Promise<SortReport> {
  const o = resolveSortOptions(options);
  const { records, partitions: M, partitions: R, seed } = o;
  const bytes = records * RECORD_BYTES;
  const info = await ray.init(o.objectStoreMemory === undefined ? {} : { objectStoreMemory: o.objectStoreMemory });
  let monitor: ReturnType<typeof monitorStore> | undefined;
  let report: SortReport;
  let cpus = 0;
  try {
    const total = await ray.clusterResources();
    cpus = total.CPU ?? 0;
    console.log(
      `sort: ${fmtBytes(bytes)} = ${records} records of ${RECORD_BYTES} bytes (10-byte keys), seed ${seed}: ${M} map tasks x ${R} reduce tasks on ${cpus} CPUs; ` +
        `object store ${fmtBytes(total.objectStoreMemory ?? 0)} of shared memory, spilling to disk beyond`,
    );
    // Workers import this module on their first task: start-up that is not part of the sort (the baseline's process has it loaded too).
    await ray.get(Array.from({ length: Math.max(1, Math.ceil(cpus)) }, () => warmUp.remote(200)));
    monitor = monitorStore(info.metricsUrl);
    const t0 = performance.now();
    const maps = Array.from({ length: M }, (_, m) => {
      const { first, count } = rowsOf(records, M, m);
      return mapPartition.options({ numReturns: R + 1 }).remote(seed, m, first, count, R);
    });
    const inputs = maps.map((refs) => refs[R]!) as Array<ray.ObjectRef<InputSummary>>;
    const mapped = ray.wait(inputs, { numReturns: M, fetchLocal: false }).then(() => performance.now());
    const sorted = Array.from({ length: R }, (_, r) => reduceRange.remote(...maps.map((refs) => refs[r] as ray.ObjectRef<Uint8Array>)));
    // The reduce tasks' arguments keep the ranges alive; the driver's own refs go now, so each range is freed as soon as its reducer is done.
    for (const refs of maps) for (let r = 0; r < R; r++) refs[r]!.release();
    await ray.wait(sorted, { numReturns: R, fetchLocal: false });
    const seconds = (performance.now() - t0) / 1000;
    const mapSeconds = ((await mapped) - t0) / 1000;
    const peaks = await monitor.stop();
    console.log(`sorted: ${fmtBytes(bytes)} in ${seconds.toFixed(2)} s: ${rate(bytes, seconds)}; map phase ${mapSeconds.toFixed(2)} s, reduce phase ${(seconds - mapSeconds).toFixed(2)} s`);
    console.log(`object store: peak ${fmtBytes(peaks.sharedMemory)} in shared memory, ${fmtBytes(peaks.spilled)} spilled to disk at most (${peaks.samples} samples)`);

    const tv = performance.now();
    const checks = await ray.get(sorted.map((ref) => validateRange.remote(ref)));
    for (const ref of sorted) ref.release();
    const input = await ray.get(inputs);
    const inRecords = input.reduce((s, x) => s + x.records, 0);
    const inChecksum = input.reduce((s, x) => s + x.checksum, 0n);
    const outRecords = checks.reduce((s, x) => s + x.records, 0);
    const outChecksum = checks.reduce((s, x) => s + x.checksum, 0n);
    const eachSorted = checks.every((c) => c.unordered === 0);
    const bounds = checks.filter((c) => c.records > 0);
    const inOrder = bounds.every((c, i) => i === 0 || bounds[i - 1]!.lastKey! <= c.firstKey!);
    const duplicates = checks.reduce((s, x) => s + x.duplicates, 0);
    const valid = eachSorted && inOrder && outRecords === inRecords && outChecksum === inChecksum;
    const hex = (x: bigint): string => `0x${x.toString(16)}`;
    console.log(
      `validation (valsort): ${R} partitions, each sorted: ${yes(eachSorted)}; in key order across partitions: ${yes(inOrder)}; ` +
        `records ${outRecords} = input ${inRecords}: ${yes(outRecords === inRecords)}; checksum ${hex(outChecksum)} = input ${hex(inChecksum)}: ${yes(outChecksum === inChecksum)}; ` +
        `duplicate keys: ${duplicates} (${((performance.now() - tv) / 1000).toFixed(2)} s)`,
    );
    console.log(`valid: ${yes(valid)}`);
    report = { bytes, seconds, valid, baselineBytes: 0, baselineSeconds: 0 };
  } finally {
    await monitor?.stop();
    ray.shutdown();
  }

  const base = runBaseline(o);
  const cut = base.partitions < M ? `the first ${base.partitions} of ${M} partitions, --baseline-max ${fmtBytes(o.baselineMaxBytes)}` : `all ${M} partitions`;
  console.log(`baseline: ${fmtBytes(base.bytes)} (${cut}) generated and sorted in one process without ray: ${base.seconds.toFixed(2)} s, ${rate(base.bytes, base.seconds)}`);
  const ratio = report.bytes / report.seconds / (base.bytes / base.seconds);
  console.log(`ray-ts / baseline throughput: ${ratio.toFixed(2)}x (${cpus} CPUs against 1 process)`);
  return { ...report, baselineBytes: base.bytes, baselineSeconds: base.seconds };
}
