/**
 * `ray-ts status`: what a running node has, uses and waits for.
 */
import { readFileSync, realpathSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SocketClient } from '../runtime/socket-client.js';
import { newId } from '../ids.js';
import type { StatusReport } from '../transport/protocol.js';
import { formatAutoscaler } from '../autoscaler/status-format.js';

/** Session directory of the newest local session (or the one given). */
export function findSession(sessionDir?: string, tempDir = join(tmpdir(), 'ray-ts')): string {
  if (sessionDir) return sessionDir;
  try {
    return realpathSync(join(tempDir, 'session_latest'));
  } catch {
    throw new Error(`No running ray-ts session found under ${tempDir}. Start one with ray.init() (or pass --session-dir).`);
  }
}

/** Fetches a status report from the node of a session, or of a node at a TCP address. */
export async function fetchStatus(sessionDir: string | undefined, remote?: { address: string; token?: string }): Promise<StatusReport> {
  let address = remote?.address;
  let token = remote?.token;
  if (!address) {
    const info = JSON.parse(readFileSync(join(sessionDir!, 'node.json'), 'utf8')) as { socket: string };
    address = info.socket;
    try {
      token = readFileSync(join(sessionDir!, 'token'), 'utf8').trim();
    } catch {
      /* a node without a token */
    }
  }
  const client = await SocketClient.connect(address, newId('w'), 'cli', () => {}, token);
  try {
    return await client.status();
  } finally {
    client.close();
  }
}

function fmtBytes(n: number): string {
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let i = 0;
  while (n >= 1024 && i < units.length - 1) {
    n /= 1024;
    i++;
  }
  return `${n.toFixed(i === 0 ? 0 : 1)} ${units[i]}`;
}

/** Renders a status report the way `ray status` does. */
export function formatStatus(s: StatusReport): string {
  const lines: string[] = [];
  lines.push(`======== ray-ts status: node ${s.nodeId} ========`);
  lines.push(`Session: ${s.sessionDir}`);
  lines.push('Resources (used/total)');
  for (const [k, total] of Object.entries(s.resources.total)) {
    const used = total - (s.resources.available[k] ?? 0);
    const show = k === 'memory' || k === 'objectStoreMemory' ? `${fmtBytes(used)}/${fmtBytes(total)}` : `${+used.toFixed(3)}/${+total.toFixed(3)}`;
    lines.push(`  ${show} ${k}`);
  }
  lines.push(`Tasks: ${s.runningTasks} running, ${s.pendingTasks} pending`);
  lines.push('Pending demand:');
  if (s.pendingDemand.length === 0) lines.push('  (no pending tasks)');
  const infeasible = new Set(s.infeasible.map((t) => JSON.stringify(t.resources)));
  for (const d of s.pendingDemand) {
    const tag = infeasible.has(JSON.stringify(d.resources)) ? ' (infeasible: no node has these resources)' : '';
    lines.push(`  ${JSON.stringify(d.resources)}: ${d.count}${tag}`);
  }
  lines.push(`Actors: ${s.actors.alive} alive, ${s.actors.pending} pending, ${s.actors.restarting} restarting, ${s.actors.dead} dead`);
  lines.push(`Workers: ${s.workers}`);
  const os = s.objectStore;
  lines.push(`Object store: ${fmtBytes(os.used)}/${fmtBytes(os.capacity)} in shared memory, ${os.objects} objects, ${os.spilled} spilled (${fmtBytes(os.spilledBytes)})`);
  if (s.nodes?.length) {
    const alive = s.nodes.filter((n) => n.state === 'ALIVE');
    lines.push(`Cluster: ${alive.length} alive node(s), ${s.nodes.length - alive.length} dead`);
    for (const n of s.nodes) {
      const cpu = `${+((n.total.CPU ?? 0) - (n.available.CPU ?? 0)).toFixed(3)}/${n.total.CPU ?? 0} CPU`;
      const demand = n.demand.map((d) => `${JSON.stringify(d.resources)}x${d.count}`).join(' ');
      lines.push(`  ${n.state === 'ALIVE' ? 'ALIVE' : 'DEAD '} ${n.nodeId}${n.isHead ? ' (head)' : ''} ${n.address}  ${cpu}  queued ${n.queued}${demand ? `  demand ${demand}` : ''}`);
    }
  }
  if (s.autoscaler) lines.push(...formatAutoscaler(s.autoscaler));
  return lines.join('\n');
}
