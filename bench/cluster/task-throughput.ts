/**
 * Cross-node task throughput: the driver submits 1000 no-op tasks and gets them (the core
 * suite's `single_client_tasks_async`), timed Ray's way. On the cluster every task runs on
 * a worker node: the driver's node (the head) has 0 CPUs, so it forwards each one
 * (spillback). The baseline is the same workload on one embedded node, `init({ numCpus: 2 })`,
 * in its own session before the cluster starts: the same 2 CPUs of workers, no network hop.
 */
import * as ray from '@ray-ts/core';
import { timeit, type Measurement, type TimingOptions } from '../core/timeit.js';
import * as defs from './defs.js';
import type { BenchCluster } from './bench-cluster.js';
import type { Row } from './report.js';

/** Tasks per timed operation. */
const BATCH = 1000;

async function submitBatch(): Promise<void> {
  const refs: ray.ObjectRef<number>[] = [];
  for (let i = 0; i < BATCH; i++) refs.push(defs.noopTask.remote());
  await ray.get(refs);
}

/** The baseline: the workload on an embedded node with 2 CPUs (its own ray session). */
export async function localTaskThroughput(timing: TimingOptions, signal: AbortSignal): Promise<Measurement> {
  await ray.init({ numCpus: 2 });
  try {
    return await timeit(submitBatch, timing, { multiplier: BATCH, unit: 'tasks/s', signal });
  } finally {
    ray.shutdown();
  }
}

/** Where `n` tasks ran, by node id. */
async function placement(n: number): Promise<Map<string, number>> {
  const where = await ray.get(Array.from({ length: n }, () => defs.whereAmI.remote()));
  const counts = new Map<string, number>();
  for (const w of where) counts.set(w, (counts.get(w) ?? 0) + 1);
  return counts;
}

/** Ours: the workload from a driver on the head; checks first that no task runs on the head. */
export async function clusterTaskThroughput(cluster: BenchCluster, timing: TimingOptions, signal: AbortSignal): Promise<{ m: Measurement; spread: string }> {
  const counts = await placement(200);
  if (counts.has(cluster.head.nodeId)) throw new Error(`${counts.get(cluster.head.nodeId)} of 200 tasks ran on the driver's node (the head has 0 CPUs)`);
  const spread = cluster.workers.map((w, i) => `${'AB'[i]} ${counts.get(w.nodeId) ?? 0}`).join(', ');
  const m = await timeit(submitBatch, timing, { multiplier: BATCH, unit: 'tasks/s', signal });
  return { m, spread };
}

/** The row of this figure. */
export function taskRow(local: Measurement | Error, cluster: { m: Measurement; spread: string } | Error): Row {
  const sd = (m: Measurement) => `${Math.round(m.mean).toLocaleString('en-US')} ± ${Math.round(m.sd).toLocaleString('en-US')}`;
  const row: Row = { name: 'cross_node_tasks_async', unit: 'tasks/s', baselineIs: 'same workload, one embedded node (numCpus 2)' };
  if (!(local instanceof Error)) row.baseline = local.mean;
  if (!(cluster instanceof Error)) row.ours = cluster.m.mean;
  const errs = [cluster instanceof Error ? `cluster: ${cluster.message}` : '', local instanceof Error ? `baseline: ${local.message}` : ''].filter(Boolean);
  if (errs.length > 0) row.error = errs.join('; ');
  const parts = [`${BATCH} no-op tasks submitted, then got, per operation; mean of rounds ± sd`];
  if (!(cluster instanceof Error)) parts.push(`cluster ${sd(cluster.m)} (200 probe tasks ran on worker ${cluster.spread}, none on the head)`);
  if (!(local instanceof Error)) parts.push(`local ${sd(local)}`);
  row.detail = parts.join('; ');
  return row;
}
