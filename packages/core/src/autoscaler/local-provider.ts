/**
 * The `local` node provider: each worker node is a `ray-ts start --address` process on
 * this machine, with its own temp directory under `<clusterDir>/nodes/<id>`. The nodes
 * are listed in `<clusterDir>/local-nodes.json`, so `ray-ts down` (another process) and a
 * restarted head find them.
 */
import { existsSync, mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { startNode } from '../cli/start-stop.js';
import { readHeadInfo } from '../cli/head-file.js';
import type { LaunchFailure, LaunchSpec, NodeProvider, ProviderNode } from './node-provider.js';
import { NODE_TYPE_LABEL, PROVIDER_ID_LABEL } from './node-provider.js';

/** A node process as the state file records it. */
interface LocalNode extends ProviderNode {
  tempDir: string;
  pid?: number;
  /** Its cluster node id, once started. */
  nodeId?: string;
}

/** Options of a {@link LocalNodeProvider}. */
export interface LocalProviderOptions {
  clusterName: string;
  /** Directory of this cluster's node dirs and state file. */
  clusterDir: string;
  headAddress: string;
  token: string;
  /** Object store bytes per node. @default the node's default */
  objectStoreMemory?: number;
}

function alive(pid: number | undefined): boolean {
  if (!pid) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** Removes the shared-memory segments a killed node left (a cleanly stopped node removes its own). */
export function removeNodeShm(nodeId: string | undefined): void {
  if (!nodeId) return;
  try {
    for (const f of readdirSync('/dev/shm')) if (f.startsWith(`rts-${nodeId}-`)) rmSync(join('/dev/shm', f), { force: true });
  } catch {
    /* no /dev/shm */
  }
}

/** Stops a node process: SIGTERM, then SIGKILL after `graceMs`; removes its shared memory and directory. */
export async function stopLocalNode(n: { pid?: number; nodeId?: string; tempDir: string }, graceMs = 10_000): Promise<void> {
  if (alive(n.pid)) {
    process.kill(n.pid!, 'SIGTERM');
    const deadline = Date.now() + graceMs;
    while (alive(n.pid) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    if (alive(n.pid)) process.kill(n.pid!, 'SIGKILL');
  }
  removeNodeShm(n.nodeId);
  rmSync(n.tempDir, { recursive: true, force: true });
}

/** The last lines of a node's log (its directory is removed after a failed start). */
function logTail(tempDir: string): string {
  try {
    const lines = readFileSync(join(tempDir, 'node.log'), 'utf8').trim().split('\n').slice(-5);
    return lines.length && lines[0] ? `; its log ends: ${lines.join(' | ')}` : '';
  } catch {
    return '';
  }
}

/** Reads the nodes of a local cluster from its state file. */
export function readLocalNodes(clusterDir: string): LocalNode[] {
  const p = join(clusterDir, 'local-nodes.json');
  if (!existsSync(p)) return [];
  try {
    return JSON.parse(readFileSync(p, 'utf8')) as LocalNode[];
  } catch {
    return [];
  }
}

/** Worker nodes as processes on this machine. */
export class LocalNodeProvider implements NodeProvider {
  readonly name = 'local';
  private readonly nodes = new Map<string, LocalNode>();
  private readonly starting = new Set<string>();
  private failures: LaunchFailure[] = [];
  private seq = 0;

  constructor(private readonly opts: LocalProviderOptions) {
    for (const n of readLocalNodes(opts.clusterDir)) if (alive(n.pid)) this.nodes.set(n.id, n);
  }

  async createNode(spec: LaunchSpec, count: number): Promise<string[]> {
    const ids: string[] = [];
    for (let i = 0; i < count; i++) {
      const id = `${this.opts.clusterName}-${spec.nodeType}-${Date.now().toString(36)}${(this.seq++).toString(36)}`;
      const n: LocalNode = {
        id, nodeType: spec.nodeType, launchedAt: Date.now(), tempDir: join(this.opts.clusterDir, 'nodes', id),
        tags: { [NODE_TYPE_LABEL]: spec.nodeType, 'ray-ts.io/cluster': this.opts.clusterName },
      };
      this.nodes.set(id, n);
      this.starting.add(id);
      ids.push(id);
      this.save();
      // Started in the background: the autoscaler sees it as launching until it joins.
      void this.start(n, spec).finally(() => this.starting.delete(id));
    }
    return ids;
  }

  private async start(n: LocalNode, spec: LaunchSpec): Promise<void> {
    const { CPU, GPU, ...rest } = spec.resources;
    mkdirSync(n.tempDir, { recursive: true });
    try {
      const info = await startNode({
        address: this.opts.headAddress, host: '127.0.0.1', token: this.opts.token, tempDir: n.tempDir,
        numCpus: CPU ?? 0, numGpus: GPU ?? 0, resources: JSON.stringify(rest),
        labels: JSON.stringify({ ...spec.labels, [PROVIDER_ID_LABEL]: n.id, [NODE_TYPE_LABEL]: spec.nodeType }),
        objectStoreMemory: this.opts.objectStoreMemory,
      });
      n.pid = info.pid;
      n.nodeId = info.nodeId;
      if (!this.nodes.has(n.id)) await stopLocalNode(n); // terminated while it started
      else this.save();
    } catch (err) {
      const reason = `${(err as Error).message.replace(/; see .*$/, '')}${logTail(n.tempDir)}`;
      console.error(`[ray-ts] autoscaler: node ${n.id} (${spec.nodeType}) did not start: ${reason}`);
      if (this.nodes.has(n.id)) this.failures.push({ id: n.id, nodeType: spec.nodeType, reason });
      const info = readHeadInfo(n.tempDir);
      await stopLocalNode({ pid: info?.pid, nodeId: info?.nodeId, tempDir: n.tempDir });
      this.nodes.delete(n.id);
      this.save();
    }
  }

  async terminateNode(id: string): Promise<void> {
    const n = this.nodes.get(id);
    if (!n) return;
    this.nodes.delete(id);
    this.save();
    if (!this.starting.has(id)) await stopLocalNode(n);
  }

  async nonTerminatedNodes(): Promise<ProviderNode[]> {
    const out: ProviderNode[] = [];
    for (const n of [...this.nodes.values()]) {
      if (this.starting.has(n.id) || alive(n.pid)) {
        out.push({ id: n.id, nodeType: n.nodeType, tags: n.tags, launchedAt: n.launchedAt });
        continue;
      }
      // The process is gone (crashed or stopped by the head): forget it.
      removeNodeShm(n.nodeId);
      rmSync(n.tempDir, { recursive: true, force: true });
      this.nodes.delete(n.id);
      this.save();
    }
    return out;
  }

  takeLaunchFailures(): LaunchFailure[] {
    const out = this.failures;
    this.failures = [];
    return out;
  }

  close(): void {}

  private save(): void {
    mkdirSync(this.opts.clusterDir, { recursive: true });
    writeFileSync(join(this.opts.clusterDir, 'local-nodes.json'), JSON.stringify([...this.nodes.values()], null, 2));
  }
}
