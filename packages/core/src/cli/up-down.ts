/**
 * `ray-ts up cluster.yaml` and `ray-ts down cluster.yaml` (Ray's cluster launcher, for
 * this machine): `up` starts a head that runs the autoscaler for the config and returns;
 * `down` stops the head and every worker node the autoscaler launched.
 */
import type { Command } from 'commander';
import { readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { loadClusterConfig } from '../autoscaler/cluster-config.js';
import { clusterDir, createProvider } from '../autoscaler/head-autoscaler.js';
import { readLocalNodes, stopLocalNode } from '../autoscaler/local-provider.js';
import { startNode, stopNode } from './start-stop.js';
import { rayTempDir, readHeadInfo, resolveToken, type HeadInfo } from './head-file.js';

/** Options of `ray-ts up`. */
export interface UpOptions {
  /** Where sessions and the cluster's node dirs live. @default <tmpdir>/ray-ts */
  tempDir?: string;
  /** Head listen host. @default '127.0.0.1' */
  host?: string;
  /** Head TCP port (0 picks a free one). @default 6380 */
  port?: number;
  token?: string;
}

/** Starts the head of the cluster in `file` with its autoscaler; resolves once it listens. */
export async function clusterUp(file: string, o: UpOptions = {}): Promise<HeadInfo> {
  const config = await loadClusterConfig(file);
  const { CPU, GPU, ...rest } = config.headNode.resources ?? {};
  return startNode({
    head: true, host: o.host ?? '127.0.0.1', port: o.port, tempDir: o.tempDir, token: o.token,
    numCpus: CPU, numGpus: GPU, ...(Object.keys(rest).length ? { resources: JSON.stringify(rest) } : {}),
    ...(config.provider.type === 'local' && config.provider.objectStoreMemory ? { objectStoreMemory: config.provider.objectStoreMemory } : {}),
    autoscalingConfig: file,
  });
}

/** Stops the head of the cluster in `file`, then every worker node its provider launched. Returns how many workers were stopped. */
export async function clusterDown(file: string, o: { tempDir?: string } = {}): Promise<{ head?: HeadInfo; workers: number }> {
  const config = await loadClusterConfig(file);
  const headInfo = readHeadInfo(o.tempDir);
  // The head first, so its autoscaler launches nothing more.
  const head = await stopNode(o.tempDir);
  if (config.provider.type === 'local') {
    const dir = clusterDir(rayTempDir(o.tempDir), config.clusterName);
    const nodes: Array<{ pid?: number; nodeId?: string; tempDir: string }> = readLocalNodes(dir);
    // Nodes still starting when the head stopped are not in the state file yet: find them by their directories.
    const known = new Set(nodes.map((n) => n.tempDir));
    let dirs: string[] = [];
    try {
      dirs = readdirSync(join(dir, 'nodes')).map((d) => join(dir, 'nodes', d));
    } catch {
      /* none */
    }
    for (const d of dirs) {
      if (known.has(d)) continue;
      const info = readHeadInfo(d);
      nodes.push({ pid: info?.pid, nodeId: info?.nodeId, tempDir: d });
    }
    await Promise.all(nodes.map((n) => stopLocalNode(n)));
    rmSync(dir, { recursive: true, force: true });
    return { head, workers: nodes.length };
  }
  const provider = createProvider(config, { address: headInfo?.address ?? '', token: resolveToken(undefined, o.tempDir) ?? '', tempDir: rayTempDir(o.tempDir) });
  const nodes = await provider.nonTerminatedNodes();
  for (const n of nodes) await provider.terminateNode(n.id);
  return { head, workers: nodes.length };
}

/** Adds `up` and `down` to the CLI. */
export function registerClusterCommands(program: Command): void {
  program
    .command('up <config>')
    .description('start a cluster from a cluster config (YAML or JSON): the head with its autoscaler, which launches worker nodes as work needs them')
    .option('--temp-dir <dir>', 'where sessions live (default: <tmpdir>/ray-ts)')
    .option('--host <host>', 'address the head listens on', '127.0.0.1')
    .option('--port <port>', 'head TCP port (0 picks a free one)', (v) => Number(v), 6380)
    .option('--token <token>', 'cluster token (default: RAY_TS_CLUSTER_TOKEN, or a new random one)')
    .action(async (file: string, opts: UpOptions) => {
      const info = await clusterUp(file, opts);
      console.log(`ray-ts cluster head started at ${info.address} (node ${info.nodeId}, pid ${info.pid}) with its autoscaler`);
      console.log(`  connect:  await ray.init({ address: '${info.address}' })`);
      console.log(`  status:   ray-ts status        stop: ray-ts down ${file}`);
    });
  program
    .command('down <config>')
    .description('stop a cluster started with `ray-ts up`: its head and every worker node')
    .option('--temp-dir <dir>', 'where sessions live (default: <tmpdir>/ray-ts)')
    .action(async (file: string, opts: { tempDir?: string }) => {
      const r = await clusterDown(file, opts);
      console.log(`${r.head ? `stopped the head at ${r.head.address}` : 'no head was running'}; stopped ${r.workers} worker node(s)`);
    });
}
