/**
 * Actor call latency: sequential `await ray.get(a.ping.remote())` on an actor pinned
 * (NODE_AFFINITY) to a worker node, against the same on an actor pinned to the driver's
 * node (the head). The calls alternate between the two actors in blocks, so that both
 * see the same machine; every call is timed on its own, and p50/p99 are taken over all.
 */
import * as ray from '@ray-ts/core';
import * as defs from './defs.js';
import { on, type BenchCluster } from './bench-cluster.js';
import type { Row } from './report.js';

/** Calls per block before switching actor. */
const BLOCK = 250;

/** Nearest-rank percentile of sorted values. */
export function percentile(sorted: readonly number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]!;
}

async function timedCalls(a: ray.ActorHandle<defs.Pinger>, n: number, out: number[], signal: AbortSignal): Promise<void> {
  for (let i = 0; i < n; i++) {
    if (signal.aborted) throw new Error('time budget exceeded');
    const t0 = performance.now();
    await ray.get(a.ping.remote());
    out.push(performance.now() - t0);
  }
}

/** Latencies (ms) of `calls` calls to each actor, after `warmup` untimed ones. */
export async function actorLatency(cluster: BenchCluster, calls: number, warmup: number, signal: AbortSignal): Promise<{ remote: number[]; local: number[] }> {
  const remoteNode = cluster.workers[0].nodeId;
  const remoteActor = defs.RemotePinger.options(on(remoteNode)).remote();
  const localActor = defs.RemotePinger.options(on(cluster.head.nodeId)).remote();
  try {
    const [r, l] = await ray.get([remoteActor.node.remote(), localActor.node.remote()]);
    if (r !== remoteNode || l !== cluster.head.nodeId) throw new Error(`actors placed on ${r} and ${l}, expected ${remoteNode} and ${cluster.head.nodeId}`);
    const scratch: number[] = [];
    await timedCalls(localActor, warmup, scratch, signal);
    await timedCalls(remoteActor, warmup, scratch, signal);
    const remote: number[] = [];
    const local: number[] = [];
    for (let done = 0; done < calls; done += BLOCK) {
      const n = Math.min(BLOCK, calls - done);
      await timedCalls(localActor, n, local, signal);
      await timedCalls(remoteActor, n, remote, signal);
    }
    return { remote, local };
  } finally {
    ray.kill(remoteActor);
    ray.kill(localActor);
  }
}

/** The p50 and p99 rows. */
export function actorRows(res: { remote: number[]; local: number[] } | Error, calls: number, warmup: number): Row[] {
  const baselineIs = "actor on the driver's node (the head)";
  if (res instanceof Error) {
    return ['p50', 'p99'].map((p) => ({ name: `actor_call_remote_${p}`, unit: 'ms', baselineIs, error: res.message }));
  }
  const r = [...res.remote].sort((a, b) => a - b);
  const l = [...res.local].sort((a, b) => a - b);
  const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
  const detail = `${calls} sequential get(ping.remote()) per actor after ${warmup} warm-up calls each, alternating blocks of ${Math.min(BLOCK, calls)}; ` +
    `remote (worker node A) mean ${mean(r).toFixed(3)} ms, max ${r[r.length - 1]!.toFixed(2)} ms; local mean ${mean(l).toFixed(3)} ms, max ${l[l.length - 1]!.toFixed(2)} ms`;
  return [
    { name: 'actor_call_remote_p50', ours: percentile(r, 50), baseline: percentile(l, 50), unit: 'ms', baselineIs, detail },
    { name: 'actor_call_remote_p99', ours: percentile(r, 99), baseline: percentile(l, 99), unit: 'ms', baselineIs },
  ];
}
