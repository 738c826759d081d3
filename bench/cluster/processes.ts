/**
 * The cluster under test: a head and worker nodes started as separate processes through
 * the `ray-ts start` CLI (as `test/cluster/harness.ts` does), each with its own temp
 * directory and `RAY_TS_HOST_ID`, so that every node behaves as another machine (objects
 * move between them over TCP). Everything started here is recorded in one registry that
 * `stopAll()` (and, as a last resort, the process `exit` hook) tears down: node processes,
 * temp directories, Redis servers.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** The CLI entry, run from source like `pnpm exec ray-ts` would. */
export const CLI = fileURLToPath(new URL('../../packages/core/bin/ray-ts.mjs', import.meta.url));

/** What this suite reads of `ray-ts status --json` (the CLI's output is its public shape). */
export interface StatusJson {
  nodeId: string;
  nodes?: Array<{ nodeId: string; state: string; isHead?: boolean; address: string }>;
}

/** One node process. */
export interface NodeProc {
  readonly nodeId: string;
  readonly pid: number;
  /** `host:port` it listens on. */
  readonly address: string;
  readonly tempDir: string;
  readonly hostId: string;
}

/** How to start a node. */
export interface NodeSpec {
  /** CPUs it offers. */
  cpus: number;
  /** Shared memory for objects, bytes. */
  objectStoreBytes: number;
  /** Start a head (else join `headAddress`). */
  head?: boolean;
  /** Head: TCP port (0: a free one). */
  port?: number;
  /** Head: keep state in Redis at this address. */
  redisAddress?: string;
  /** Worker: the head to join. */
  headAddress?: string;
  /** Reuse this temp dir (a restarted head); else a fresh one. */
  tempDir?: string;
  /** RAY_TS_HOST_ID of the node. */
  hostId: string;
}

const pids = new Set<number>();
const dirs = new Set<string>();
const stoppers = new Set<() => Promise<void>>();
/** `ray-ts start` commands still running: their node is not known until they return. */
const starting = new Set<Promise<unknown>>();
/** Set by `stopAll()`: nothing new starts after it. */
let closing = false;

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** A fresh temp directory, removed by `stopAll()`. */
export function freshDir(prefix = 'ray-ts-bench-cluster-'): string {
  const d = mkdtempSync(join(tmpdir(), prefix));
  dirs.add(d);
  return d;
}

/** Registers something else to stop in `stopAll()` (a Redis server). */
export function onStopAll(stop: () => Promise<void>): void {
  stoppers.add(stop);
}

/** Starts a node through `ray-ts start`; resolves once it listens. Throws once `stopAll()` was called. */
export async function startNode(spec: NodeSpec, token: string): Promise<NodeProc> {
  if (closing) throw new Error('the suite is stopping: no new node is started');
  const p = startNodeNow(spec, token);
  starting.add(p);
  try {
    return await p;
  } finally {
    starting.delete(p);
  }
}

async function startNodeNow(spec: NodeSpec, token: string): Promise<NodeProc> {
  const tempDir = spec.tempDir ?? freshDir();
  dirs.add(tempDir);
  const args = [CLI, 'start', '--num-cpus', String(spec.cpus), '--object-store-memory', String(spec.objectStoreBytes), '--temp-dir', tempDir];
  if (spec.head) args.push('--head', '--port', String(spec.port ?? 0));
  else args.push('--address', spec.headAddress!);
  if (spec.redisAddress) args.push('--redis-address', spec.redisAddress);
  const env = { ...process.env, RAY_TS_HOST_ID: spec.hostId, RAY_TS_CLUSTER_TOKEN: token };
  try {
    await run(process.execPath, args, { timeout: 60_000, env });
  } catch (err) {
    let log = '';
    try {
      log = readFileSync(join(tempDir, 'node.log'), 'utf8').trim().split('\n').slice(-8).join('\n');
    } catch {
      /* no log */
    }
    throw new Error(`ray-ts start ${spec.head ? '--head' : '--address'} failed: ${(err as Error).message.split('\n')[0]}${log ? `\nnode.log ends:\n${log}` : ''}`, { cause: err });
  }
  const info = JSON.parse(readFileSync(join(tempDir, 'head.json'), 'utf8')) as { nodeId: string; pid: number; address: string };
  pids.add(info.pid);
  if (closing) throw new Error('the suite is stopping: the node just started will be stopped');
  return { nodeId: info.nodeId, pid: info.pid, address: info.address, tempDir, hostId: spec.hostId };
}

/** SIGTERMs a node and waits (up to 10 s, then SIGKILL) until its process is gone. */
export async function stopNode(pid: number): Promise<void> {
  try {
    process.kill(pid, 'SIGTERM');
  } catch {
    /* gone */
  }
  const deadline = Date.now() + 10_000;
  while (alive(pid) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
  if (alive(pid)) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      /* gone */
    }
  }
  pids.delete(pid);
}

/** True while the process runs. */
export { alive as isAlive };

/**
 * `ray-ts status --address <a> --json`, as a user would run it; resolves with the report,
 * or undefined when the node does not answer (within `timeoutMs`).
 */
export async function cliStatus(address: string, token: string, timeoutMs = 10_000): Promise<StatusJson | undefined> {
  try {
    const { stdout } = await run(process.execPath, [CLI, 'status', '--address', address, '--token', token, '--json'], { timeout: timeoutMs });
    return JSON.parse(stdout) as StatusJson;
  } catch {
    return undefined;
  }
}

/**
 * Stops every node process started here (waiting for `ray-ts start` commands in flight, so
 * that their nodes are stopped too), then everything registered, and removes the temp dirs.
 * Nothing starts after it. Never throws.
 */
export async function stopAll(): Promise<void> {
  closing = true;
  await Promise.allSettled([...starting]);
  await Promise.all([...pids].map((p) => stopNode(p)));
  for (const s of [...stoppers]) {
    stoppers.delete(s);
    try {
      await s();
    } catch {
      /* best effort */
    }
  }
  for (const d of dirs) removeDir(d);
  dirs.clear();
}

/** Removes a directory tree, retrying while a process that just exited still has files there; never throws. */
function removeDir(d: string): void {
  try {
    rmSync(d, { recursive: true, force: true, maxRetries: 5, retryDelay: 100 });
  } catch {
    /* best effort */
  }
}

// If the runner dies without stopAll() (an uncaught error, Ctrl-C), no node may outlive it:
// the nodes run detached from us.
process.once('exit', () => {
  for (const p of pids) {
    try {
      process.kill(p, 'SIGKILL');
    } catch {
      /* gone */
    }
  }
  for (const d of dirs) removeDir(d);
});
