/**
 * A standalone node process (what `ray-ts start` runs): a node manager with its worker
 * pool and object store, serving drivers and other nodes over TCP (token required) and
 * workers over its Unix socket. With `head`, it also runs the head service (cluster
 * state, in memory or in Redis); with `cluster`, it joins the head at that address.
 * Settings come as JSON in RAY_TS_NODE_OPTIONS. Stops on SIGTERM/SIGINT.
 */
import { NodeManager, type NodeOptions } from '../node/node-manager.js';
import { preloadArrow } from '../serialization/index.js';
import { rayTempDir, removeHeadInfo, writeHeadInfo } from './head-file.js';
import { startHeadAutoscaler } from '../autoscaler/head-autoscaler.js';
import type { ClusterConfig } from '../autoscaler/cluster-config.js';
import { MemoryStore, type GcsStore } from '../gcs/store.js';
import { join } from 'node:path';
import { JobManager } from '../jobs/job-manager.js';

type Opts = Omit<NodeOptions, 'head'> & { tempDir?: string; head?: { redisAddress?: string }; autoscaler?: ClusterConfig };
const opts = JSON.parse(process.env.RAY_TS_NODE_OPTIONS ?? '{}') as Opts;
if (!opts.token && process.env.RAY_TS_CLUSTER_TOKEN) opts.token = process.env.RAY_TS_CLUSTER_TOKEN;

async function openStore(): Promise<GcsStore> {
  const addr = opts.head?.redisAddress;
  if (!addr) return new MemoryStore();
  const { RedisStore } = await import('../gcs/redis-store.js');
  return RedisStore.connect(addr);
}

const store = opts.head ? await openStore() : undefined;
const node = new NodeManager({ ...opts, head: store ? { store } : undefined });
await Promise.all([node.start(), preloadArrow()]);
// The head runs submitted jobs (`ray-ts job submit`) on its machine.
const jobs = node.gcs ? new JobManager(node.gcs, { address: node.tcpAddress!, token: opts.token, sessionDir: node.sessionDir }) : undefined;
await jobs?.recover();
// A head started from a cluster config (`ray-ts up`) runs the autoscaler.
const scaler = opts.autoscaler && node.gcs ? startHeadAutoscaler(node, opts.autoscaler, { token: opts.token ?? '', tempDir: rayTempDir(opts.tempDir) }) : undefined;
const keepAlive = setInterval(() => {}, 1 << 30);
writeHeadInfo(
  {
    address: node.tcpAddress!, pid: process.pid, nodeId: node.nodeId, sessionDir: node.sessionDir, tokenFile: join(node.sessionDir, 'token'),
    head: !!opts.head, headAddress: opts.head ? node.tcpAddress! : opts.cluster?.headAddress, metricsAddress: node.metricsAddress,
  },
  opts.tempDir,
);
console.log(`ray-ts ${opts.head ? 'head' : 'node'} ${node.nodeId} listening on ${node.tcpAddress} (session ${node.sessionDir})`);
if (node.metricsAddress) console.log(`ray-ts metrics: http://${node.metricsAddress}/metrics  state API: http://${node.metricsAddress}/api/v0/tasks`);

if (node.cluster && !opts.head) {
  // A worker node without its head keeps running what it has, but cannot schedule across
  // the cluster; it exits so that a supervisor (or the user) restarts it against the head.
  node.cluster.onHeadLost = () => {
    console.error('[ray-ts] the head is gone; this node stops');
    stop(1);
  };
}

function stop(code = 0): void {
  clearInterval(keepAlive);
  removeHeadInfo(process.pid, opts.tempDir);
  jobs?.shutdown();
  scaler?.close();
  node.shutdown();
  void store?.close();
  process.exit(code);
}
process.on('SIGTERM', () => stop());
process.on('SIGINT', () => stop());
