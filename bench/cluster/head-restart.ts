/**
 * Head restart time. A head keeping its state in a real Redis (`--redis-address`) with
 * two worker nodes is stopped with SIGTERM and started again on the same port (same temp
 * dir, same token); the figure is the time from the second `ray-ts start --head` until
 * `ray-ts status --address` answers, and until it lists both worker nodes ALIVE again.
 * Worker nodes rejoining a restarted head is not there yet in every version: if they are
 * not back within the wait, the figure is "not available" with the reason, and the suite
 * goes on. The baseline: the same measure for a fresh head start (no Redis), same run.
 * Every time includes the CLI's own start-up, on both sides.
 */
import { startRedisServer } from '../../packages/core/src/gcs/redis-server.js';
import { median } from '../core/timeit.js';
import { HEAD_HOST, newToken } from './bench-cluster.js';
import { cliStatus, freshDir, isAlive, onStopAll, startNode, stopNode, type NodeProc, type NodeSpec } from './processes.js';
import type { Row } from './report.js';

/** Seconds from `ray-ts start` to: the command returning, status answering. */
interface StartTimes {
  returnedSec: number;
  answeredSec: number;
}

/** What this part measured. */
export interface RestartResult {
  /** The baseline starts (fresh head, no Redis). */
  fresh: StartTimes[];
  /** The first start of the head with Redis (before its workers joined). */
  redisFirst: StartTimes;
  /** The restart. */
  restart: StartTimes & { rejoinedSec?: number; unavailable?: string; waitSec: number };
}

const HEAD: Omit<NodeSpec, 'hostId'> = { head: true, cpus: 0, objectStoreBytes: 256 << 20 };

const now = () => performance.now() / 1000;

/** Starts a head and polls `ray-ts status` until it answers (60 s at most). */
async function timedHeadStart(spec: NodeSpec, token: string): Promise<{ node: NodeProc; t: StartTimes; t0: number }> {
  const t0 = now();
  const node = await startNode(spec, token);
  const returnedSec = now() - t0;
  for (;;) {
    if (await cliStatus(node.address, token)) return { node, t0, t: { returnedSec, answeredSec: now() - t0 } };
    if (now() - t0 > 60) throw new Error(`the head at ${node.address} did not answer \`ray-ts status\` within 60 s`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/**
 * Whether the worker nodes `ids` are listed ALIVE. Nodes that rejoined under new ids count
 * too, but only when none of the old ids is listed (a stale entry is not a rejoin).
 */
function workersAlive(s: Awaited<ReturnType<typeof cliStatus>>, ids: readonly string[]): { all: boolean; states: string } {
  const nodes = s?.nodes ?? [];
  const byId = new Map(nodes.map((n) => [n.nodeId, n.state]));
  const sameIds = ids.every((id) => byId.get(id) === 'ALIVE');
  const newIds = ids.every((id) => !byId.has(id)) && nodes.filter((n) => !n.isHead && n.state === 'ALIVE').length >= ids.length;
  return { all: sameIds || newIds, states: ids.map((id) => `${id} ${byId.get(id) ?? 'not listed'}`).join(', ') };
}

/** Runs the baseline starts (`freshReps` of them) and one restart; waits `waitSec` for the workers to rejoin. */
export async function headRestart(freshReps: number, waitSec: number): Promise<RestartResult> {
  const fresh: StartTimes[] = [];
  for (let i = 0; i < freshReps; i++) {
    const token = newToken();
    const { node, t } = await timedHeadStart({ ...HEAD, port: 0, hostId: HEAD_HOST }, token);
    fresh.push(t);
    await stopNode(node.pid);
  }

  const redis = await startRedisServer();
  onStopAll(() => redis.stop());
  const token = newToken();
  const headDir = freshDir();
  const first = await timedHeadStart({ ...HEAD, port: 0, redisAddress: redis.address, tempDir: headDir, hostId: HEAD_HOST }, token);
  const head = first.node;
  const port = Number(head.address.split(':').pop());
  const workers: NodeProc[] = [];
  try {
    for (const h of ['bench-host-a', 'bench-host-b']) {
      workers.push(await startNode({ cpus: 1, objectStoreBytes: 256 << 20, headAddress: head.address, hostId: h }, token));
    }
    const ids = workers.map((w) => w.nodeId);
    const joinDeadline = now() + 30;
    while (!workersAlive(await cliStatus(head.address, token), ids).all) {
      if (now() > joinDeadline) throw new Error('the worker nodes did not join the head (with Redis) within 30 s');
      await new Promise((r) => setTimeout(r, 100));
    }

    await stopNode(head.pid);
    const again = await timedHeadStart({ ...HEAD, port, redisAddress: redis.address, tempDir: headDir, hostId: HEAD_HOST }, token);
    const restart: RestartResult['restart'] = { ...again.t, waitSec };
    let last = '';
    for (;;) {
      const w = workersAlive(await cliStatus(again.node.address, token), ids);
      last = w.states;
      if (w.all) {
        restart.rejoinedSec = now() - again.t0;
        break;
      }
      if (now() - again.t0 > waitSec) break;
      await new Promise((r) => setTimeout(r, 100));
    }
    if (restart.rejoinedSec === undefined) {
      const running = workers.filter((w) => isAlive(w.pid));
      restart.unavailable = running.length === 0
        ? `the worker nodes did not rejoin within ${waitSec} s: their processes exited when they lost the head (a node stops on losing its head in this version)`
        : `the worker nodes did not rejoin within ${waitSec} s: ${running.length} of ${workers.length} worker processes still run, the restarted head lists ${last}`;
    }
    await stopNode(again.node.pid);
    return { fresh, redisFirst: first.t, restart };
  } finally {
    await Promise.all([head, ...workers].map((n) => stopNode(n.pid)));
    await redis.stop();
  }
}

/** The rows of this figure. */
export function restartRows(res: RestartResult | Error): Row[] {
  const baselineIs = 'fresh head start (no Redis)';
  if (res instanceof Error) return [{ name: 'head_restart_answering', unit: 's', baselineIs, error: res.message }];
  const base = median(res.fresh.map((t) => t.answeredSec));
  const r = res.restart;
  const fresh = res.fresh.map((t) => `${t.answeredSec.toFixed(2)} s (start returned ${t.returnedSec.toFixed(2)} s)`).join(', ');
  const detail = `from \`ray-ts start --head\` until \`ray-ts status --address\` answers (polled with the CLI, as a user would; each poll costs a CLI start-up); ` +
    `fresh starts: ${fresh}, median ${base.toFixed(2)} s; first start with Redis ${res.redisFirst.answeredSec.toFixed(2)} s; ` +
    `restart on the same port: start returned ${r.returnedSec.toFixed(2)} s, status answered ${r.answeredSec.toFixed(2)} s`;
  return [
    { name: 'head_restart_answering', ours: r.answeredSec, baseline: base, unit: 's', baselineIs, detail },
    r.rejoinedSec !== undefined
      ? { name: 'head_restart_nodes_alive', ours: r.rejoinedSec, baseline: base, unit: 's', baselineIs, detail: `until status lists both worker nodes ALIVE again (waited up to ${r.waitSec} s)` }
      : { name: 'head_restart_nodes_alive', unit: 's', baseline: base, baselineIs, unavailable: r.unavailable },
  ];
}
