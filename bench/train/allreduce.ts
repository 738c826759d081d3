/**
 * `pnpm bench train-allreduce`: allreduce bandwidth of the collective library (Float32,
 * sum) between 2 actors on one node, for 1, 10 and 100 MB tensors, beside a raw memcpy
 * (`Float32Array.prototype.set` of the same size) measured in the same run.
 *
 *   pnpm bench train-allreduce [--sizes 1,10,100] [--json out.json]
 *
 * Figure: algorithm bandwidth = tensor bytes / time of one allreduce (median over the
 * iterations, timed inside rank 0 after 2 warm-up calls; MB = 1e6 bytes, GB/s = 1e9 B/s).
 * Baseline: bytes / time of one `dst.set(src)` of the same size (median). Also printed: the
 * latency of a 1 KB allreduce (the per-operation overhead).
 */
import { writeFileSync } from 'node:fs';
import { availableParallelism, cpus, loadavg, totalmem } from 'node:os';
import { parseArgs } from 'node:util';
import * as ray from '@ray-ts/core';
import { collective as col } from '@ray-ts/train';

/** A member of the benchmark group: times allreduces inside the actor. */
export class BenchMember {
  /** Joins the group. */
  async init(worldSize: number, rank: number): Promise<void> {
    await col.initCollectiveGroup(worldSize, rank, 'bench');
  }

  /** Runs `iters` timed allreduces of a `len` Float32 tensor (after 2 warm-up ones); returns the times in ms. */
  async run(len: number, iters: number): Promise<number[]> {
    const t = new Float32Array(len);
    for (let i = 0; i < len; i++) t[i] = 1e-20 * ((i % 97) + 1);
    for (let k = 0; k < 2; k++) await col.allreduce(t, { groupName: 'bench' });
    const out: number[] = [];
    for (let k = 0; k < iters; k++) {
      const t0 = process.hrtime.bigint();
      await col.allreduce(t, { groupName: 'bench' });
      out.push(Number(process.hrtime.bigint() - t0) / 1e6);
    }
    return out;
  }
}

const Member = ray.remote(BenchMember, { numCpus: 0 });

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[s.length >> 1]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
};

/** Median ms of one `dst.set(src)` of `bytes` bytes (real data, both buffers faulted in). */
function memcpyMs(bytes: number, reps: number): number {
  const src = new Float32Array(bytes / 4).map((_, i) => i);
  const dst = new Float32Array(bytes / 4).fill(1);
  for (let k = 0; k < 2; k++) dst.set(src);
  const times: number[] = [];
  for (let k = 0; k < reps; k++) {
    const t0 = process.hrtime.bigint();
    dst.set(src);
    times.push(Number(process.hrtime.bigint() - t0) / 1e6);
  }
  if (dst[dst.length - 1] !== src[src.length - 1]) throw new Error('memcpy baseline did not copy');
  return median(times);
}

interface Row { sizeMB: number; iters: number; allreduceMs: number; allreduceGBs: number; memcpyMs: number; memcpyGBs: number; ratio: number }

async function main(): Promise<number> {
  const { values: args } = parseArgs({ options: { sizes: { type: 'string', default: '1,10,100' }, json: { type: 'string' } } });
  const sizes = args.sizes!.split(',').map(Number);
  if (sizes.some((s) => !(s > 0))) {
    console.error('--sizes must be a comma-separated list of positive MB figures');
    return 2;
  }
  const loadAtStart = loadavg()[0]!;
  await ray.init({ numCpus: 2 });
  const actors = [Member.remote(), Member.remote()];
  await ray.get(actors.map((a, r) => a.init.remote(2, r)));
  const rows: Row[] = [];
  const latency = median((await ray.get(actors.map((a) => a.run.remote(256, 200))))[0]!);
  for (const sizeMB of sizes) {
    const bytes = Math.round(sizeMB * 1e6 / 4) * 4;
    const iters = sizeMB >= 100 ? 10 : sizeMB >= 10 ? 30 : 100;
    const started = Date.now();
    process.stdout.write(`allreduce ${sizeMB} MB x ${iters} ... `);
    const times = await ray.get(actors.map((a) => a.run.remote(bytes / 4, iters)));
    const ms = median(times[0]!);
    const base = memcpyMs(bytes, Math.max(10, iters));
    rows.push({ sizeMB, iters, allreduceMs: ms, allreduceGBs: bytes / ms / 1e6, memcpyMs: base, memcpyGBs: bytes / base / 1e6, ratio: base / ms });
    console.log(`(${((Date.now() - started) / 1000).toFixed(1)} s)`);
  }
  ray.shutdown();
  console.log(`\nray-ts train-allreduce: 2 actors on one node, Float32 sum`);
  console.log(`this machine: ${availableParallelism()} CPUs (${cpus()[0]?.model.trim() ?? '?'}), ${Math.round(totalmem() / 2 ** 30)} GiB, Node ${process.version}; load average ${loadAtStart.toFixed(1)} at start, ${loadavg()[0]!.toFixed(1)} at end\n`);
  console.log(`${'size'.padEnd(8)}${'allreduce'.padStart(12)}${'GB/s'.padStart(9)}${'memcpy'.padStart(12)}${'GB/s'.padStart(9)}${'ratio'.padStart(9)}`);
  console.log('-'.repeat(59));
  for (const r of rows) {
    console.log(`${`${r.sizeMB} MB`.padEnd(8)}${`${r.allreduceMs.toFixed(2)} ms`.padStart(12)}${r.allreduceGBs.toFixed(2).padStart(9)}${`${r.memcpyMs.toFixed(3)} ms`.padStart(12)}${r.memcpyGBs.toFixed(2).padStart(9)}${`${r.ratio.toFixed(3)}x`.padStart(9)}`);
  }
  console.log(`\nratio = allreduce bandwidth / memcpy bandwidth (size / time each; median of the iterations).`);
  console.log(`1 KB allreduce latency (per-operation overhead): ${latency.toFixed(3)} ms, median of 200`);
  if (args.json) {
    writeFileSync(args.json, JSON.stringify({ suite: 'train-allreduce', rows, latency1KBms: latency }, null, 2));
    console.log(`wrote ${args.json}`);
  }
  return 0;
}

if (ray.isMain(import.meta)) process.exit(await main());
