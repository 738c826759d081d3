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

/** Options of `ray-ts start`. */
export interface StartOptions {
  head?: boolean;
  address?: string;
  host: string;
  port: number;
  numCpus?: number;
  numGpus?: number;
  resources?: string;
  objectStoreMemory?: number;
  token?: string;
  tempDir?: string;
  namespace?: string;
}

const here = fileURLToPath(import.meta.url);
const nodeMain = here.replace(/start-stop\.(ts|js)$/, (_m, ext: string) => `node-main.${ext}`);

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** Starts a head node in the background; resolves with its head info once it listens. */
export async function startHead(o: StartOptions): Promise<HeadInfo> {
  if (!o.head) {
    throw new Error('joining a cluster as a worker node (--address) is not available yet; start a head with --head.');
  }
  const existing = readHeadInfo(o.tempDir);
  if (existing && alive(existing.pid)) throw new Error(`a ray-ts node is already running here at ${existing.address} (pid ${existing.pid}); run \`ray-ts stop\` first.`);
  const resources: Record<string, number> = {
    CPU: o.numCpus ?? availableParallelism(),
    GPU: o.numGpus ?? 0,
    memory: Math.floor(totalmem() * 0.7),
    ...(o.resources ? (JSON.parse(o.resources) as Record<string, number>) : {}),
  };
  const token = o.token ?? process.env.RAY_TS_CLUSTER_TOKEN ?? newClusterToken();
  const tempDir = rayTempDir(o.tempDir);
  mkdirSync(tempDir, { recursive: true });
  const nodeOptions = {
    resources,
    objectStoreMemory: o.objectStoreMemory ?? Math.floor(totalmem() * config.objectStoreMemoryFraction),
    namespace: o.namespace ?? 'default',
    sessionRoot: tempDir,
    prestartWorkers: Math.ceil(resources.CPU!),
    token,
    tcp: { host: o.host, port: o.port },
    tempDir: o.tempDir,
  };
  const log = openSync(join(tempDir, 'node.log'), 'a');
  const child = spawn(process.execPath, [...process.execArgv, nodeMain], {
    detached: true,
    stdio: ['ignore', log, log],
    env: { ...process.env, RAY_TS_NODE_OPTIONS: JSON.stringify(nodeOptions), RAY_TS_CLUSTER_TOKEN: '' },
  });
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
