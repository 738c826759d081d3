/**
 * Object transfer throughput. A task on worker node A makes a `size`-byte Uint8Array
 * (NODE_AFFINITY), a task on worker node B reads a few thousand sampled bytes of it, so
 * the value is pulled from A's shared memory into B's (`object-pull.ts`). The pipeline is
 * timed from submission to result, minus the same pipeline with both tasks on A (where the
 * reader maps A's copy: no transfer), so that only the transfer differs. A second figure
 * times the reading task alone on a value already made on A (on B minus on A), which
 * leaves out the making and its noise.
 * The baseline, interleaved with both in each repetition: a raw TCP copy of the same bytes
 * over loopback between two Node processes (`raw-tcp.ts`).
 *
 * Page faults: the first pull into B writes fresh /dev/shm pages, the first raw copy
 * writes a fresh (untouched) buffer; later repetitions reuse memory already faulted in
 * (B's freed segments go back to its pool once no worker maps them, so the steps are
 * separated by a garbage collection in the workers; the raw reader reuses its buffer).
 * The receivers' page faults are counted, each repetition is printed, and the figure is
 * the median of them.
 */
import { readFileSync } from 'node:fs';
import * as ray from '@ray-ts/core';
import { median } from '../core/timeit.js';
import { settle } from '../core/settle.js';
import * as defs from './defs.js';
import { on, type BenchCluster } from './bench-cluster.js';
import { startRawTcp } from './raw-tcp.js';
import type { Row } from './report.js';

/** One round: the pipelines, the read alone and the raw copy, in seconds, and the page faults of the receivers. */
export interface TransferRound {
  /** The A→A pipeline: once in the first round, before and after the A→B one in the others. */
  sameNodeSec: number[];
  /** The A→B pipeline. */
  crossNodeSec: number;
  /** Minor page faults of node B's process during the A→B pipeline (the pull writes into its segment). */
  pullFaults?: number;
  /** The reading task alone on a value already made on A: on A, then on B (not in the first round). */
  read?: { onA: number; onB: number; faults?: number };
  /** The raw TCP copy. */
  rawSec: number;
  /** Minor page faults of the raw reader (this process) during its copy. */
  rawFaults: number;
}

/** The first round (receivers write into fresh memory) and the repetitions (memory reused). */
export interface TransferResult {
  first: TransferRound;
  reps: TransferRound[];
}

/** Minor page faults of a process so far (Linux `/proc/<pid>/stat`), or undefined elsewhere. */
function minorFaults(pid: number): number | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[7]);
  } catch {
    return undefined;
  }
}

/** Makes on `maker`, reads on `reader`; returns the seconds and the sampled sum. */
async function pipeline(maker: string, reader: string, size: number, seed: number): Promise<{ sec: number; sum: number }> {
  const t0 = performance.now();
  const made = defs.makeBytes.options(on(maker)).remote(size, seed);
  const r = await ray.get(defs.sampleSum.options(on(reader)).remote(made));
  const sec = (performance.now() - t0) / 1000;
  made.release();
  if (r.n !== size || r.node !== reader) throw new Error(`the reader saw ${r.n} bytes on ${r.node}, expected ${size} on ${reader}`);
  return { sec, sum: r.sum };
}

/**
 * Quiets the cluster between steps: garbage collected in the workers of A and B (their read
 * mappings dropped, so the segments go back to their node's pool) and in the driver.
 */
async function settleNodes(nodes: readonly string[], ms: number): Promise<void> {
  await ray.get(nodes.flatMap((n) => [defs.collectGarbage.options(on(n)).remote(), defs.collectGarbage.options(on(n)).remote()]));
  await settle(ms);
}

/** Times the reading task alone, on `reader`, of a value already made. */
async function timedRead(made: ray.ObjectRef<Uint8Array>, reader: string, size: number): Promise<number> {
  const t0 = performance.now();
  const r = await ray.get(defs.sampleSum.options(on(reader)).remote(made));
  const sec = (performance.now() - t0) / 1000;
  if (r.n !== size || r.node !== reader) throw new Error(`the reader saw ${r.n} bytes on ${r.node}, expected ${size} on ${reader}`);
  return sec;
}

/** Runs the first round and `reps` repetitions of `size` bytes. */
export async function objectTransfer(cluster: BenchCluster, size: number, reps: number, signal: AbortSignal): Promise<TransferResult> {
  const [a, b] = [cluster.workers[0].nodeId, cluster.workers[1].nodeId];
  const bPid = cluster.workers[1].pid;
  const raw = await startRawTcp(size);
  const quiet = () => settleNodes([a, b], 1000);
  const crossPipeline = async (seed: number) => {
    const f0 = minorFaults(bPid);
    const cross = await pipeline(a, b, size, seed);
    const f1 = minorFaults(bPid);
    return { cross, faults: f0 !== undefined && f1 !== undefined ? f1 - f0 : undefined };
  };
  const rawCopy = async () => {
    const r0 = process.resourceUsage().minorPageFault;
    const sec = await raw.copy();
    return { sec, faults: process.resourceUsage().minorPageFault - r0 };
  };
  try {
    // Untimed warm-up: a full-size A→A pipeline (A's segments faulted in, as every timed
    // pipeline then finds them) and a small A→B one (the pull path warmed up, B's shared
    // memory for the full size left fresh for the first round).
    await pipeline(a, a, size, 0);
    await pipeline(a, b, 1 << 20, 0);
    await quiet();
    // The first round: B pulls into fresh /dev/shm, the raw reader into its untouched buffer.
    const same0 = await pipeline(a, a, size, 1);
    await quiet();
    const x0 = await crossPipeline(1);
    await quiet();
    const raw0 = await rawCopy();
    await quiet();
    const first: TransferRound = { sameNodeSec: [same0.sec], crossNodeSec: x0.cross.sec, pullFaults: x0.faults, rawSec: raw0.sec, rawFaults: raw0.faults };
    const out: TransferRound[] = [];
    for (let i = 2; i <= reps + 1; i++) {
      if (signal.aborted) throw new Error('time budget exceeded');
      // A→A before and after A→B: their mean is what A→B is compared with (drift cancels).
      const before = await pipeline(a, a, size, i);
      await quiet();
      const x = await crossPipeline(i);
      await quiet();
      const after = await pipeline(a, a, size, i);
      await quiet();
      if (before.sum !== x.cross.sum) throw new Error(`the value read on B differs from A's (sampled sums ${x.cross.sum} vs ${before.sum})`);
      // The pull alone: the value made first, then read on A and on B.
      const made = defs.makeBytes.options(on(a)).remote(size, i);
      // Ready once a task on A has read it. Not ray.wait(): it fetches the value to the
      // driver's node even with fetchLocal: false (the head would pull the whole value).
      await timedRead(made, a, size);
      const onA = await timedRead(made, a, size);
      const g0 = minorFaults(bPid);
      const onB = await timedRead(made, b, size);
      const g1 = minorFaults(bPid);
      made.release();
      await quiet();
      const r = await rawCopy();
      await quiet();
      out.push({
        sameNodeSec: [before.sec, after.sec], crossNodeSec: x.cross.sec, pullFaults: x.faults,
        read: { onA, onB, faults: g0 !== undefined && g1 !== undefined ? g1 - g0 : undefined },
        rawSec: r.sec, rawFaults: r.faults,
      });
    }
    return { first, reps: out };
  } finally {
    raw.close();
  }
}

const mean = (xs: readonly number[]) => xs.reduce((x, y) => x + y, 0) / xs.length;

/** The rows of this figure: the pipeline difference with memory reused, the read alone, and the first round (fresh memory). */
export function transferRows(res: TransferResult | Error, size: number): Row[] {
  const name = `object_transfer_${size >= 2 ** 30 ? `${size / 2 ** 30}gib` : `${size / 2 ** 20}mib`}`;
  const baselineIs = 'raw TCP copy, loopback, Node to Node';
  if (res instanceof Error) return [{ name, unit: 'GB/s', baselineIs, error: res.message }];
  const gbps = (sec: number) => (sec > 0 ? size / sec / 1e9 : NaN);
  const pipe = (r: TransferRound) => gbps(r.crossNodeSec - mean(r.sameNodeSec));
  const pages = size / 4096;
  const faults = (n: number | undefined) => (n === undefined ? '?' : `${Math.round((100 * n) / pages)}%`);
  const g = (x: number) => (Number.isFinite(x) ? `${x.toFixed(2)} GB/s` : 'n/a (difference <= 0)');
  const describeRound = (r: TransferRound, label: string) => {
    const same = r.sameNodeSec.map((x) => x.toFixed(3)).join(' and ');
    const parts = [`${label} pipeline: A->B ${r.crossNodeSec.toFixed(3)} s - A->A ${same} s: ${g(pipe(r))}, B faulted ${faults(r.pullFaults)}`];
    if (r.read) parts.push(`read alone: on B ${r.read.onB.toFixed(3)} s - on A ${r.read.onA.toFixed(3)} s: ${g(gbps(r.read.onB - r.read.onA))}, B faulted ${faults(r.read.faults)}`);
    parts.push(`raw ${r.rawSec.toFixed(3)} s: ${g(gbps(r.rawSec))}, reader faulted ${faults(r.rawFaults)}`);
    return parts.join('; ');
  };
  const fig = (xs: number[]) => {
    const ok = xs.filter(Number.isFinite);
    return ok.length > 0 ? median(ok) : undefined;
  };
  const rawMedian = median(res.reps.map((r) => gbps(r.rawSec)));
  const detail = `${size.toLocaleString('en-US')} bytes (GB = 1e9 bytes); the median of ${res.reps.length} repetitions (a difference <= 0 is left out), ` +
    'each: A->A, A->B, A->A pipelines (A->B minus the mean of the two A->A), the read alone of one value (on A, then on B), the raw copy. ' +
    '"faulted": the receiver\'s minor page faults per 4 KiB page of the value, ~100% when it wrote into fresh memory, ~0% when into memory already faulted in:\n    ' +
    [describeRound(res.first, 'first (fresh memory)'), ...res.reps.map((r, i) => describeRound(r, `#${i + 1}`))].join('\n    ');
  return [
    { name, ours: fig(res.reps.map(pipe)), baseline: rawMedian, unit: 'GB/s', baselineIs, detail },
    {
      name: `${name}_read_only`, ours: fig(res.reps.map((r) => gbps(r.read!.onB - r.read!.onA))), baseline: rawMedian, unit: 'GB/s', baselineIs,
      detail: 'the reading task alone, on B minus on A, of a value already made on A: only the pull and the task hop differ (no making to subtract)',
    },
    {
      name: `${name}_first`, ours: pipe(res.first), baseline: gbps(res.first.rawSec), unit: 'GB/s', baselineIs: 'raw TCP copy into an untouched buffer',
      detail: 'the first transfer, into fresh /dev/shm on B, against the first raw copy, into a buffer never written: both pay a page fault per 4 KiB page' +
        (Number.isFinite(pipe(res.first)) ? '' : ' (n/a: the A->A pipeline took longer than the A->B one this time)'),
    },
  ];
}
