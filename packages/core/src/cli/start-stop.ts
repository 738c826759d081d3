/**
 * `ray-ts start --head` and `ray-ts stop`: run a node as a background process on this
 * machine, and stop it.
 */
import { spawn } from 'node:child_process';
import { mkdirSync, openSync } from 'node:fs';
import { availableParallelism, totalmem } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { newClusterToken } from '../transport/auth.js';
import { config } from '../config.js';
import { readHeadInfo, rayTempDir, type HeadInfo } from './head-file.js';
import { loadClusterConfig } from '../autoscaler/cluster-config.js';

/** Options of `ray-ts start`. */
export interface StartOptions {
  head?: boolean;
  address?: string;
  host: string;
  port?: number;
  /** Address other nodes and drivers reach this node at (default: the listen host). */
  nodeIpAddress?: string;
  /** Head state in Redis at this `host:port`. */
  redisAddress?: string;
  /** Stay in the foreground until stopped (containers). */
  block?: boolean;
  /** Node labels as JSON, e.g. '{"zone":"a"}'. */
  labels?: string;
  numCpus?: number;
  numGpus?: number;
  resources?: string;
  objectStoreMemory?: number;
  token?: string;
  tempDir?: string;
  namespace?: string;
  /** Port of the node's HTTP endpoint (`/metrics`, `/api/v0/...`); 0 picks a free one. */
  metricsExportPort?: number;
  /** Cluster config file: the head runs the autoscaler for it (`ray-ts up`). */
  autoscalingConfig?: string;
}

const here = fileURLToPath(import.meta.url);
const nodeMain = here.replace(/start-stop\.(ts|js)$/, (_m, ext: string) => `node-main.${ext}`);

/** Node flags for the node process: from source (no build), it loads TypeScript through tsx like this CLI. */
function nodeExecArgv(): string[] {
  const argv = [...process.execArgv];
  if (nodeMain.endsWith('.ts')) {
    if (!argv.some((a) => a.includes('tsx'))) argv.push('--import', 'tsx');
    if (!argv.some((a) => a.startsWith('--conditions') || a === '-C')) argv.push('--conditions=development');
  }
  return argv;
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

function parseLabels(json: string): Record<string, string> {
  let v: unknown;
  try {
    v = JSON.parse(json);
  } catch {
    throw new Error(`--labels must be JSON like '{"zone":"a"}', got '${json}'`);
  }
  if (!v || typeof v !== 'object' || Array.isArray(v) || Object.values(v).some((x) => typeof x !== 'string')) {
    throw new Error(`--labels must be a JSON object of strings, got '${json}'`);
  }
  return v as Record<string, string>;
}

/** Starts a head node (`head`) or a node that joins `address`, in the background; resolves with its info once it listens. */
export async function startNode(o: StartOptions): Promise<HeadInfo> {
  if (!o.head && !o.address) throw new Error('pass --head to start a new cluster, or --address HEAD:PORT to join one.');
  if (o.head && o.address) throw new Error('--head and --address exclude each other.');
  if (o.redisAddress && !o.head) throw new Error('--redis-address is for the head (--head).');
  if (o.autoscalingConfig && !o.head) throw new Error('--autoscaling-config is for the head (--head).');
  const autoscaler = o.autoscalingConfig ? await loadClusterConfig(o.autoscalingConfig) : undefined;
  if (o.address && !/^[^:/\s]+:\d+$/.test(o.address)) throw new Error(`--address must be host:port, got '${o.address}'`);
  const existing = readHeadInfo(o.tempDir);
  if (existing && alive(existing.pid)) throw new Error(`a ray-ts node is already running here at ${existing.address} (pid ${existing.pid}); run \`ray-ts stop\` first.`);
  const resources: Record<string, number> = {
    CPU: o.numCpus ?? availableParallelism(),
    GPU: o.numGpus ?? 0,
    memory: Math.floor(totalmem() * 0.7),
    ...(o.resources ? (JSON.parse(o.resources) as Record<string, number>) : {}),
  };
  const token = o.token ?? process.env.RAY_TS_CLUSTER_TOKEN ?? (o.head ? newClusterToken() : undefined);
  if (!token) throw new Error('joining a cluster needs its token: pass --token or set RAY_TS_CLUSTER_TOKEN (the head prints where its token file is).');
  const tempDir = rayTempDir(o.tempDir);
  mkdirSync(tempDir, { recursive: true });
  const nodeOptions = {
    resources,
    objectStoreMemory: o.objectStoreMemory ?? Math.floor(totalmem() * config.objectStoreMemoryFraction),
    namespace: o.namespace ?? 'default',
    sessionRoot: tempDir,
    prestartWorkers: Math.ceil(resources.CPU!),
    token,
    tcp: { host: o.host, port: o.port ?? (o.head ? 6380 : 0) },
    tempDir: o.tempDir,
    advertiseHost: o.nodeIpAddress,
    labels: o.labels ? parseLabels(o.labels) : undefined,
    metricsExportPort: o.metricsExportPort ?? 0,
    ...(o.head ? { head: { redisAddress: o.redisAddress } } : { cluster: { headAddress: o.address } }),
    ...(autoscaler ? { autoscaler } : {}),
  };
  const env = { ...process.env, RAY_TS_NODE_OPTIONS: JSON.stringify(nodeOptions), RAY_TS_CLUSTER_TOKEN: '' };
  if (o.block) {
    // Foreground: the node is this command's child; signals pass through.
    const child = spawn(process.execPath, [...nodeExecArgv(), nodeMain], { stdio: 'inherit', env });
    for (const sig of ['SIGINT', 'SIGTERM'] as const) process.on(sig, () => child.kill(sig));
    const code = await new Promise<number>((resolve) => child.on('exit', (c) => resolve(c ?? 1)));
    process.exit(code);
  }
  const log = openSync(join(tempDir, 'node.log'), 'a');
  const child = spawn(process.execPath, [...nodeExecArgv(), nodeMain], { detached: true, stdio: ['ignore', log, log], env });
  child.unref();
  const deadline = Date.now() + 30_000;
  while (Date.now() < deadline) {
    const info = readHeadInfo(o.tempDir);
    if (info && info.pid === child.pid) return info;
    if (child.exitCode !== null || !alive(child.pid!)) throw new Error(`the node process exited at start; see ${join(tempDir, 'node.log')}`);
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`the node did not start within 30 s; see ${join(tempDir, 'node.log')}`);
}

/** Stops the node started here; returns its info, or undefined when none runs. */
export async function stopNode(tempDir?: string): Promise<HeadInfo | undefined> {
  const info = readHeadInfo(tempDir);
  if (!info || !alive(info.pid)) return undefined;
  process.kill(info.pid, 'SIGTERM');
  const deadline = Date.now() + 10_000;
  while (alive(info.pid) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
  if (alive(info.pid)) process.kill(info.pid, 'SIGKILL');
  return info;
}
