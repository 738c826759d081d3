/**
 * Starts a real cluster for tests: a head and worker nodes as separate processes
 * (through the `ray-ts start` CLI), each with its own temp directory and host id, on
 * loopback. `stop()` stops them all and removes their directories.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);
const CLI = 'packages/core/bin/ray-ts.mjs';

/** One node of a test cluster. */
export interface TestNode {
  nodeId: string;
  pid: number;
  address: string;
  tempDir: string;
}

/** A running test cluster. */
export interface TestCluster {
  address: string;
  token: string;
  head: TestNode;
  nodes: TestNode[];
  /** Adds a worker node. */
  addNode(opts?: NodeOpts): Promise<TestNode>;
  /** Kills the head (SIGKILL: a crash) and starts it again on the same port with the same settings. */
  restartHead(): Promise<TestNode>;
  /** SIGKILLs a node's process (and its workers die with their node's socket). */
  kill(node: TestNode): void;
  /** Stops every node and removes the temp dirs. */
  stop(): Promise<void>;
}

/** Resources of a test node. */
export interface NodeOpts {
  cpus?: number;
  resources?: Record<string, number>;
  env?: Record<string, string>;
  redisAddress?: string;
  labels?: Record<string, string>;
  /** Object store bytes (default 512 MiB). */
  objectStoreMemory?: number;
}

async function start(args: string[], tempDir: string, env: Record<string, string>): Promise<TestNode> {
  await run(process.execPath, [CLI, 'start', ...args, '--temp-dir', tempDir], { timeout: 60_000, env: { ...process.env, ...env } });
  const info = JSON.parse(readFileSync(join(tempDir, 'head.json'), 'utf8'));
  return { nodeId: info.nodeId, pid: info.pid, address: info.address, tempDir };
}

function nodeArgs(o: NodeOpts): string[] {
  const a = ['--num-cpus', String(o.cpus ?? 1), '--object-store-memory', String(o.objectStoreMemory ?? 512 << 20)];
  if (o.resources) a.push('--resources', JSON.stringify(o.resources));
  if (o.labels) a.push('--labels', JSON.stringify(o.labels));
  return a;
}

/** Starts a head (with `head` resources) and one worker node per entry of `workers`. */
export async function startCluster(head: NodeOpts = {}, workers: NodeOpts[] = [{}, {}]): Promise<TestCluster> {
  const token = 'test-token-' + Math.random().toString(36).slice(2);
  const dirs: string[] = [];
  const nodes: TestNode[] = [];
  const killed: string[] = [];
  let seq = 0;
  const mk = () => {
    const d = mkdtempSync(join(tmpdir(), 'ray-ts-cluster-'));
    dirs.push(d);
    return d;
  };
  const hostEnv = (o: NodeOpts) => ({ RAY_TS_HOST_ID: `test-host-${seq++}`, RAY_TS_CLUSTER_TOKEN: token, ...(o.env ?? {}) });
  const headArgs = ['--head', '--port', '0', ...nodeArgs(head), ...(head.redisAddress ? ['--redis-address', head.redisAddress] : [])];
  const headEnv = hostEnv(head);
  const headDir = mk();
  let headNode = await start(headArgs, headDir, headEnv);
  const cluster: TestCluster = {
    address: headNode.address,
    token,
    head: headNode,
    nodes,
    async addNode(o: NodeOpts = {}) {
      const n = await start(['--address', headNode.address, ...nodeArgs(o)], mk(), hostEnv(o));
      nodes.push(n);
      return n;
    },
    async restartHead() {
      const old = headNode;
      process.kill(old.pid, 'SIGKILL');
      while (alive(old.pid)) await new Promise((r) => setTimeout(r, 20));
      removeShm(old.nodeId);
      const port = old.address.slice(old.address.lastIndexOf(':') + 1);
      const args = headArgs.map((a, i) => (headArgs[i - 1] === '--port' ? port : a));
      headNode = await start(args, headDir, headEnv);
      cluster.head = headNode;
      return headNode;
    },
    kill(n: TestNode) {
      try {
        process.kill(n.pid, 'SIGKILL');
      } catch {
        /* gone */
      }
      killed.push(n.nodeId);
    },
    async stop() {
      for (const n of [...nodes, headNode]) {
        try {
          process.kill(n.pid, 'SIGTERM');
        } catch {
          /* gone */
        }
      }
      const deadline = Date.now() + 10_000;
      for (const n of [...nodes, headNode]) {
        while (Date.now() < deadline) {
          try {
            process.kill(n.pid, 0);
          } catch {
            break;
          }
          await new Promise((r) => setTimeout(r, 50));
        }
        try {
          process.kill(n.pid, 'SIGKILL');
        } catch {
          /* gone */
        }
      }
      for (const d of dirs) rmSync(d, { recursive: true, force: true });
      for (const id of killed) removeShm(id);
    },
  };
  try {
    for (const w of workers) await cluster.addNode(w);
  } catch (err) {
    await cluster.stop();
    throw err;
  }
  return cluster;
}

/** Removes the shared-memory segments of a node killed with SIGKILL (a node that stops cleanly removes its own). */
function removeShm(nodeId: string): void {
  try {
    for (const f of readdirSync('/dev/shm')) if (f.startsWith(`rts-${nodeId}-`)) rmSync(join('/dev/shm', f), { force: true });
  } catch {
    /* no /dev/shm */
  }
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** Waits until `fn` returns true (polling), or throws after `ms`. */
export async function waitFor(fn: () => boolean | Promise<boolean>, ms = 15_000, what = 'condition'): Promise<void> {
  const deadline = Date.now() + ms;
  while (Date.now() < deadline) {
    if (await fn()) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`timed out waiting for ${what}`);
}
