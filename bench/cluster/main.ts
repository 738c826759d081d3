/**
 * The cluster suite (`pnpm bench cluster`): cross-node task throughput, actor call latency,
 * object transfer throughput and head restart time on a real cluster of node processes
 * on this machine, each figure beside a baseline measured in the same run, with the ratio.
 * Every node process, Redis server and temp dir it starts is stopped and removed at the
 * end, also when a part fails or the run is interrupted.
 */
import { QUICK_TIMING, RAY_TIMING, withTimeout, type Measurement } from '../core/timeit.js';
import { actorLatency, actorRows } from './actor-latency.js';
import { startBenchCluster, type BenchCluster } from './bench-cluster.js';
import { headRestart, restartRows } from './head-restart.js';
import { objectTransfer, transferRows } from './object-transfer.js';
import { parseClusterArgs, USAGE, type ClusterBenchOptions } from './options.js';
import { stopAll } from './processes.js';
import { formatReport, load1, writeJson, type ClusterReport, type Row } from './report.js';
import { clusterTaskThroughput, localTaskThroughput, taskRow } from './task-throughput.js';

/** Sizes and counts of a full run and of `--quick`. */
interface Plan {
  objectBytes: number;
  transferReps: number;
  actorCalls: number;
  actorWarmup: number;
  freshHeadStarts: number;
  rejoinWaitSec: number;
  /** Multiplies every time budget. */
  budget: number;
}

const FULL: Plan = { objectBytes: 2 ** 30, transferReps: 3, actorCalls: 2000, actorWarmup: 500, freshHeadStarts: 3, rejoinWaitSec: 30, budget: 1 };
const QUICK: Plan = { objectBytes: 128 * 2 ** 20, transferReps: 3, actorCalls: 200, actorWarmup: 100, freshHeadStarts: 1, rejoinWaitSec: 15, budget: 0.5 };

function describe(err: unknown): string {
  if (err instanceof Error) return err.message.split('\n').slice(0, 4).join(' | ');
  return String(err);
}

/** Runs one step under a time budget, printing progress; returns its value or the Error. */
async function step<T>(label: string, budgetSec: number, fn: (signal: AbortSignal) => Promise<T>, show?: (v: T) => string): Promise<T | Error> {
  process.stderr.write(`${label} ... `);
  const t0 = performance.now();
  const secs = () => ((performance.now() - t0) / 1000).toFixed(1);
  try {
    const v = await withTimeout(budgetSec * 1000, fn);
    process.stderr.write(`${show ? `${show(v)} ` : ''}(${secs()} s)\n`);
    return v;
  } catch (err) {
    process.stderr.write(`FAILED after ${secs()} s: ${describe(err)}\n`);
    return err instanceof Error ? new Error(describe(err), { cause: err }) : new Error(String(err));
  }
}

/** Runs the parts on one cluster, started on first need and restarted after a failed part. */
async function clusterParts(opts: ClusterBenchOptions, plan: Plan, local: Measurement | Error | undefined): Promise<Row[]> {
  const rows: Row[] = [];
  const timing = opts.quick ? QUICK_TIMING : RAY_TIMING;
  let cluster: BenchCluster | undefined;
  const storeBytes = Math.max(512 << 20, 3 * plan.objectBytes + (256 << 20));
  const withCluster = async <T>(label: string, budgetSec: number, fn: (c: BenchCluster, s: AbortSignal) => Promise<T>, show?: (v: T) => string): Promise<T | Error> => {
    if (!cluster) {
      const c = await step('starting the cluster (head 0 CPUs + 2 nodes of 1 CPU)', 180, () => startBenchCluster(storeBytes));
      if (c instanceof Error) return new Error(`the cluster did not start: ${c.message}`);
      cluster = c;
    }
    const c = cluster;
    const v = await step(label, budgetSec * plan.budget, (s) => fn(c, s), show);
    if (v instanceof Error) {
      // What it left running (queued tasks, actors, a hung pull) would skew the next part.
      await c.stop();
      cluster = undefined;
    }
    return v;
  };
  try {
    if (opts.parts.includes('tasks')) {
      const r = await withCluster('tasks: cross-node no-op throughput', 180, (c, s) => clusterTaskThroughput(c, timing, s), (v) => `${Math.round(v.m.mean)} tasks/s`);
      rows.push(taskRow(local ?? new Error('not run'), r));
    }
    if (opts.parts.includes('actors')) {
      const r = await withCluster(`actors: ${plan.actorCalls} calls each, remote and local actor`, 600, (c, s) => actorLatency(c, plan.actorCalls, plan.actorWarmup, s));
      rows.push(...actorRows(r, plan.actorCalls, plan.actorWarmup));
    }
    if (opts.parts.includes('objects')) {
      const r = await withCluster(`objects: a first round, then ${plan.transferReps} x (A->A, A->B, A->A, read alone on A and B, raw TCP) of ${plan.objectBytes / 2 ** 20} MiB`, 1200, (c, s) => objectTransfer(c, plan.objectBytes, plan.transferReps, s));
      rows.push(...transferRows(r, plan.objectBytes));
    }
  } finally {
    await cluster?.stop();
  }
  return rows;
}

/**
 * Runs the suite with the arguments after `cluster`; returns the exit code (0 when every
 * figure was measured or reported not available, 1 when some failed, 2 on bad arguments).
 */
export async function main(argv: readonly string[]): Promise<number> {
  let opts: ClusterBenchOptions;
  try {
    opts = parseClusterArgs(argv);
  } catch (err) {
    console.error((err as Error).message);
    return 2;
  }
  if (opts.help) {
    console.log(USAGE);
    return 0;
  }
  const plan = opts.quick ? QUICK : FULL;
  // Ctrl-C or kill: the nodes run detached, so stop them before dying. The listener stays
  // registered (not `once`): ray-ts's own handler re-raises the signal when it is the only
  // one left, which would kill this process before the cleanup is done.
  let stopping = false;
  for (const sig of ['SIGINT', 'SIGTERM'] as const) {
    process.on(sig, () => {
      if (stopping) process.exit(130);
      stopping = true;
      process.stderr.write(`\n${sig}: stopping the cluster processes\n`);
      void stopAll().finally(() => process.exit(130));
    });
  }
  const loadStart = load1();
  const rows: Row[] = [];
  try {
    let local: Measurement | Error | undefined;
    if (opts.parts.includes('tasks')) {
      const timing = opts.quick ? QUICK_TIMING : RAY_TIMING;
      local = await step('tasks: baseline, one embedded node (numCpus 2)', 120, (s) => localTaskThroughput(timing, s), (m) => `${Math.round(m.mean)} tasks/s`);
    }
    if (opts.parts.some((p) => p !== 'restart')) rows.push(...(await clusterParts(opts, plan, local)));
    if (opts.parts.includes('restart')) {
      const r = await step(`restart: ${plan.freshHeadStarts} fresh head start(s), then a head with Redis restarted`, 300, () => headRestart(plan.freshHeadStarts, plan.rejoinWaitSec));
      rows.push(...restartRows(r));
    }
  } finally {
    await stopAll();
  }
  const report: ClusterReport = { quick: opts.quick, load: { start: loadStart, end: load1() }, rows };
  console.log(formatReport(report));
  if (opts.json) {
    writeJson(opts.json, report);
    console.log(`\nwrote ${opts.json}`);
  }
  return rows.some((r) => r.error) ? 1 : 0;
}
