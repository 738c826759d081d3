/**
 * `ray-ts logs`: worker log files of the cluster's nodes. Without --pid or --actor-id
 * it lists them; with one it prints that worker's output (`--follow` keeps printing).
 */
import type { Command } from 'commander';
import { getLog, listActors, listLogs } from '../state/state-api.js';
import type { StateTarget } from '../state/state-api.js';
import { render } from './state-format.js';
import { resolveTarget, targetOptions, type TargetOptions } from './state-target.js';

type LogsOpts = TargetOptions & { node?: string; pid?: number; actorId?: string; follow?: boolean; err?: boolean; interval: number };

/** Prints a worker's log from `offset`; with `follow`, keeps polling until interrupted. */
async function printLog(pid: number, nodeId: string | undefined, stream: 'stdout' | 'stderr', t: StateTarget, follow: boolean, intervalMs: number): Promise<void> {
  let offset = 0;
  for (;;) {
    const chunk = await getLog(pid, { ...t, nodeId, stream, offset });
    if (!chunk) throw new Error(`no node has a log of worker pid ${pid}${nodeId ? ` on node ${nodeId}` : ''}; see \`ray-ts logs\` for the list`);
    if (chunk.data) process.stdout.write(chunk.data);
    nodeId = chunk.nodeId;
    const more = chunk.offset > offset;
    offset = chunk.offset;
    if (!follow && !more) return;
    if (!more) await new Promise((r) => setTimeout(r, intervalMs));
  }
}

/** Registers `ray-ts logs`. */
export function registerLogsCommand(program: Command): void {
  targetOptions(
    program
      .command('logs')
      .description('list worker log files, or print one worker\'s output (--pid or --actor-id)')
      .option('--node <nodeId>', 'node of the worker (default: the one with a log for the pid)')
      .option('--pid <pid>', 'worker process id', (v) => Number(v))
      .option('--actor-id <id>', 'the worker of this actor')
      .option('--err', 'stderr instead of stdout')
      .option('--follow', 'keep printing new output (Ctrl-C stops)')
      .option('--interval <ms>', 'poll interval with --follow', (v) => Number(v), 500),
  ).action(async (o: LogsOpts) => {
    const t = resolveTarget(o);
    let pid = o.pid;
    let nodeId = o.node;
    if (o.actorId) {
      const [a] = await listActors({ ...t, filters: [['actorId', '=', o.actorId]], detail: true });
      if (!a) throw new Error(`no actor ${o.actorId}; see \`ray-ts list actors\``);
      if (a.pid === undefined) throw new Error(`actor ${o.actorId} has no worker now (state ${a.state})`);
      pid = a.pid;
      nodeId = a.nodeId;
    }
    if (pid === undefined) {
      const files = (await listLogs(t)).filter((f) => !nodeId || f.nodeId === nodeId);
      console.log(render(files.map((f) => ({ nodeId: f.nodeId, pid: f.pid, workerId: f.workerId, stream: f.stream, size: f.size })), 'table'));
      return;
    }
    await printLog(pid, nodeId, o.err ? 'stderr' : 'stdout', t, !!o.follow, o.interval);
  });
}
