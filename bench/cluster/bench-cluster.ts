/**
 * The cluster of the task, actor and object figures: a head with 0 CPUs (so nothing runs
 * on the driver's node unless pinned there) and two worker nodes of 1 CPU each, every one
 * a separate process with its own host id; and the driver connected to the head.
 */
import * as ray from '@ray-ts/core';
import { startNode, stopNode, type NodeProc } from './processes.js';

/** A running cluster with this process connected as its driver. */
export interface BenchCluster {
  readonly token: string;
  readonly head: NodeProc;
  /** The two worker nodes: A and B of the object figure. */
  readonly workers: readonly [NodeProc, NodeProc];
  /** Disconnects the driver and stops the nodes. */
  stop(): Promise<void>;
}

/** Host id of the head; the driver takes it too (a driver runs on the head's machine). */
export const HEAD_HOST = 'bench-host-head';

/** A new random cluster token. */
export function newToken(): string {
  return `bench-${Math.random().toString(36).slice(2)}${Math.random().toString(36).slice(2)}`;
}

/** Pins a task or actor to a node. */
export function on(nodeId: string): { schedulingStrategy: { type: 'NODE_AFFINITY'; nodeId: string } } {
  return { schedulingStrategy: { type: 'NODE_AFFINITY', nodeId } };
}

/** Starts the cluster (worker nodes with `workerStoreBytes` of object store) and connects. */
export async function startBenchCluster(workerStoreBytes: number): Promise<BenchCluster> {
  const token = newToken();
  const head = await startNode({ head: true, cpus: 0, objectStoreBytes: 256 << 20, hostId: HEAD_HOST }, token);
  const started: NodeProc[] = [head];
  const savedHost = process.env.RAY_TS_HOST_ID;
  const stop = async () => {
    ray.shutdown();
    if (savedHost === undefined) delete process.env.RAY_TS_HOST_ID;
    else process.env.RAY_TS_HOST_ID = savedHost;
    await Promise.all(started.map((n) => stopNode(n.pid)));
  };
  try {
    for (const h of ['bench-host-a', 'bench-host-b']) {
      started.push(await startNode({ cpus: 1, objectStoreBytes: workerStoreBytes, headAddress: head.address, hostId: h }, token));
    }
    // Until stop(): the driver is on the head's machine (it shares the head's /dev/shm).
    process.env.RAY_TS_HOST_ID = HEAD_HOST;
    await ray.init({ address: head.address, token });
    const deadline = Date.now() + 30_000;
    while ((await ray.clusterResources()).CPU !== 2) {
      if (Date.now() > deadline) throw new Error(`the cluster did not reach 2 CPUs within 30 s: ${JSON.stringify(await ray.clusterResources())}`);
      await new Promise((r) => setTimeout(r, 100));
    }
  } catch (err) {
    await stop();
    throw err;
  }
  return { token, head, workers: [started[1]!, started[2]!], stop };
}
