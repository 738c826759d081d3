/**
 * The node's task scheduler: tasks wait for their argument objects, then queue by
 * scheduling class (resource shape + runtime environment), and run on leased
 * workers while resources allow. A lease keeps its worker for back-to-back tasks of
 * its class and, when tasks are short, sends a few ahead (pipelining). A task that
 * asks for more than is free waits; one that asks for more than the node has is
 * reported infeasible and waits too. Worker deaths and (when allowed) exceptions are
 * retried per maxRetries.
 */
import type { TaskSpec, WireObject } from '../transport/protocol.js';
import {
  InfeasibleError, ObjectFreedError, ObjectLostError, TaskCancelledError, WorkerCrashedError,
} from '../errors.js';
import { config } from '../config.js';
import { envKeyOf, type WorkerHandle } from './worker-pool.js';
import { type NodeHost, completeRecord, failRecord, finishRecord, newTaskRecord, sealAllReturns, type Lease, type TaskRecord } from './task-record.js';

/** What the scheduler needs from the node around it. */
export type SchedulerHost = NodeHost;

interface ClassState {
  queue: TaskRecord[];
  leases: Set<Lease>;
  avgUs: number;
  infeasibleWarned: boolean;
}

/** Places tasks on workers. */
export class Scheduler {
  readonly tasks = new Map<string, TaskRecord>();
  private readonly classes = new Map<string, ClassState>();
  private dispatchScheduled = false;

  constructor(private readonly host: SchedulerHost) {}

  /** Accepts a submitted task. */
  submit(spec: TaskSpec): TaskRecord {
    const rec = newTaskRecord(spec);
    this.tasks.set(spec.taskId, rec);
    for (const id of spec.argRefs) this.host.objects.addRef(id);
    if (spec.parentTaskId) this.tasks.get(spec.parentTaskId)?.children.add(spec.taskId);
    if (this.host.direct?.(rec)) {
      this.tasks.delete(spec.taskId);
      return rec;
    }
    if (spec.strategy.kind === 'NODE_AFFINITY' && spec.strategy.nodeId !== this.host.nodeId && !spec.strategy.soft) {
      this.fail(rec, new InfeasibleError(`Task ${spec.name} is pinned to node ${spec.strategy.nodeId}, which is not in this cluster.`));
      return rec;
    }
    this.waitForDeps(rec);
    return rec;
  }

  /** Ids of queued (not running) tasks and their resource shapes, for status. */
  pending(): { queued: number; running: number; infeasible: TaskRecord[]; demand: Map<string, { resources: TaskSpec['resources']; count: number }> } {
    let queued = 0;
    let running = 0;
    const infeasible: TaskRecord[] = [];
    const demand = new Map<string, { resources: TaskSpec['resources']; count: number }>();
    for (const rec of this.tasks.values()) {
      if (rec.state === 'running') running++;
      else if (rec.state === 'queued' || rec.state === 'waitingDeps') {
        queued++;
        const k = JSON.stringify(rec.spec.resources);
        const d = demand.get(k) ?? { resources: rec.spec.resources, count: 0 };
        d.count++;
        demand.set(k, d);
        if (!this.host.resources.feasible(rec.spec.resources)) infeasible.push(rec);
      }
    }
    return { queued, running, infeasible, demand };
  }

  /** Cancels a task that is waiting, queued or running. */
  cancel(taskId: string, force: boolean, recursive: boolean): void {
    const rec = this.tasks.get(taskId);
    if (!rec || rec.state === 'finished') return;
    if (recursive) for (const child of rec.children) this.cancel(child, force, true);
    rec.cancelled = true;
    if (rec.state === 'waitingDeps' || rec.state === 'queued') {
      if (rec.state === 'queued') {
        const cls = this.classes.get(classKey(rec.spec));
        const i = cls?.queue.indexOf(rec) ?? -1;
        if (i >= 0) cls!.queue.splice(i, 1);
      }
      this.fail(rec, new TaskCancelledError(rec.spec.name));
      return;
    }
    const w = rec.worker;
    if (!w) return;
    if (force) {
      rec.forceCancelled = true;
      this.host.pool.kill(w, true);
    } else {
      w.conn?.send({ t: 'cancel', taskId });
    }
  }

  /** A worker reports a finished task. */
  onDone(w: WorkerHandle, taskId: string, returns: WireObject[] | undefined, contained: string[][] | undefined, error: WireObject | undefined, errorName: string | undefined, durationUs: number): void {
    if (w.ownerKind !== 'lease') return;
    const lease = w.owner as Lease;
    const rec = lease.inFlight.get(taskId);
    if (!rec) return;
    lease.inFlight.delete(taskId);
    const cls = this.classes.get(lease.classKey);
    if (cls) cls.avgUs = cls.avgUs === 0 ? durationUs : cls.avgUs * 0.8 + durationUs * 0.2;
    const retry = rec.spec.retryExceptions;
    const retryable = error !== undefined && rec.retriesLeft > 0 &&
      (retry === true || (Array.isArray(retry) && errorName !== undefined && retry.includes(errorName)));
    if (rec.cancelled) this.fail(rec, new TaskCancelledError(rec.spec.name));
    else if (retryable) {
      rec.retriesLeft--;
      this.requeue(rec);
    } else {
      completeRecord(this.host, rec, returns, contained, error);
      this.tasks.delete(taskId);
    }
    this.afterLeaseActivity(lease);
  }

  /** A blocked worker hands back tasks it had not started: queue them again, in front. */
  unqueue(w: WorkerHandle, taskIds: string[]): void {
    if (w.ownerKind !== 'lease') return;
    const lease = w.owner as Lease;
    const back: TaskRecord[] = [];
    for (const id of taskIds) {
      const rec = lease.inFlight.get(id);
      if (!rec) continue;
      lease.inFlight.delete(id);
      rec.worker = undefined;
      rec.state = 'queued';
      back.push(rec);
    }
    const cls = this.classes.get(lease.classKey);
    if (cls && back.length) cls.queue.unshift(...back);
    this.scheduleDispatch();
  }

  /** A worker died: retry or fail what it was running, and give its resources back. */
  onWorkerExit(w: WorkerHandle, info: string): void {
    if (w.ownerKind !== 'lease') return;
    const lease = w.owner as Lease;
    for (const rec of lease.inFlight.values()) {
      rec.worker = undefined;
      if (rec.cancelled) this.fail(rec, new TaskCancelledError(rec.spec.name));
      else if (rec.retriesLeft > 0) {
        rec.retriesLeft--;
        this.requeue(rec);
      } else this.fail(rec, new WorkerCrashedError(rec.spec.name, info));
    }
    lease.inFlight.clear();
    this.endLease(lease, false);
  }

  /** The worker running a task blocks in get/wait: lend its CPU so nested tasks can run. */
  onBlocked(w: WorkerHandle): void {
    if (w.ownerKind !== 'lease') return;
    const lease = w.owner as LeaseX;
    if (lease.lent) return;
    (lease as LeaseX).lent = cpuOnly(lease.grant.resources);
    this.host.resources.lend((lease as LeaseX).lent!);
    this.scheduleDispatch();
  }

  /** The worker is running again: take the lent CPU back. */
  onUnblocked(w: WorkerHandle): void {
    if (w.ownerKind !== 'lease') return;
    const lease = w.owner as LeaseX;
    if (!lease.lent) return;
    this.host.resources.reclaim(lease.lent);
    lease.lent = undefined;
  }

  /** Runs the dispatch loop soon (once per tick). */
  scheduleDispatch(): void {
    if (this.dispatchScheduled) return;
    this.dispatchScheduled = true;
    process.nextTick(() => {
      this.dispatchScheduled = false;
      this.dispatch();
    });
  }

  /** Places what can run now. */
  dispatch(): void {
    const { resources, pool } = this.host;
    for (const [key, cls] of this.classes) {
      if (cls.queue.length === 0) continue;
      const head = cls.queue[0]!;
      const need = head.spec.resources;
      if (!resources.feasible(need)) {
        if (this.spillQueued(cls, false) && cls.queue.length === 0) continue;
        if (!cls.infeasibleWarned && !Object.keys(need).some((k) => k.includes('_group_'))) {
          cls.infeasibleWarned = true;
          console.warn(
            `[ray-ts] warning: task ${head.spec.name} asks for ${JSON.stringify(need)} but this cluster has ${JSON.stringify(resources.total)}; ` +
              'it stays pending until a node that fits joins (see `ray-ts status`).',
          );
        }
        continue;
      }
      const depth = cls.avgUs > 0 && cls.avgUs < config.pipelineBelowMs * 1000 ? config.maxTasksInFlightPerWorker : 1;
      for (const lease of cls.leases) {
        if ((lease as LeaseX).lent) continue; // its worker is blocked in get
        while (lease.inFlight.size < depth && cls.queue.length) this.send(lease, cls.queue.shift()!);
      }
      const envKey = envKeyOf(head.spec.runtimeEnv);
      while (cls.queue.length && resources.canAcquire(need)) {
        const w = pool.takeIdle(envKey);
        if (!w) {
          if (pool.starting(envKey) < Math.min(cls.queue.length, 4)) {
            try {
              pool.start(envKey, head.spec.runtimeEnv);
            } catch (err) {
              for (const rec of cls.queue.splice(0)) this.fail(rec, err as Error);
            }
          }
          break;
        }
        const lease: LeaseX = { worker: w, grant: resources.acquire(need), classKey: key, inFlight: new Map() };
        w.state = 'leased';
        w.owner = lease;
        w.ownerKind = 'lease';
        cls.leases.add(lease);
        while (lease.inFlight.size < depth && cls.queue.length) this.send(lease, cls.queue.shift()!);
      }
      // What this node cannot start now may run on another node (local first, then spill).
      if (cls.queue.length && !resources.canAcquire(need)) this.spillQueued(cls, true);
    }
  }

  /** Offers queued tasks to other nodes, in order, until one is refused. True when any went. */
  private spillQueued(cls: ClassState, feasibleHere: boolean): boolean {
    const spill = this.host.spill;
    if (!spill) return false;
    let n = 0;
    while (n < cls.queue.length) {
      const rec = cls.queue[n]!;
      if (feasibleHere && rec.spec.spilledFrom) break;
      if (!spill.call(this.host, rec, feasibleHere)) break;
      this.tasks.delete(rec.spec.taskId);
      n++;
    }
    if (n) cls.queue.splice(0, n);
    return n > 0;
  }

  private waitForDeps(rec: TaskRecord): void {
    const deps = rec.spec.args.filter((a): a is { r: string } => 'r' in a).map((a) => a.r);
    rec.pendingDeps = 0;
    for (const id of deps) {
      if (this.host.objects.isReady(id)) continue;
      if (!this.host.objects.has(id)) continue; // resolved (as lost) at dispatch
      rec.pendingDeps++;
      this.host.objects.onReady(id, () => {
        rec.pendingDeps--;
        if (rec.pendingDeps === 0 && rec.state === 'waitingDeps') this.enqueue(rec);
      });
    }
    if (rec.pendingDeps === 0) this.enqueue(rec);
  }

  private enqueue(rec: TaskRecord): void {
    rec.state = 'queued';
    const key = classKey(rec.spec);
    let cls = this.classes.get(key);
    if (!cls) {
      cls = { queue: [], leases: new Set(), avgUs: 0, infeasibleWarned: false };
      this.classes.set(key, cls);
    }
    cls.queue.push(rec);
    this.scheduleDispatch();
  }

  private requeue(rec: TaskRecord): void {
    rec.attempt++;
    rec.worker = undefined;
    rec.state = 'waitingDeps';
    this.enqueue(rec);
  }

  private send(lease: Lease, rec: TaskRecord): void {
    const args: WireObject[] = [];
    for (const a of rec.spec.args) {
      if ('v' in a) {
        args.push(a.v);
        continue;
      }
      let obj: WireObject | undefined;
      try {
        obj = this.host.objects.read(a.r);
      } catch (err) {
        this.fail(rec, err as Error); // e.g. ObjectStoreFullError while restoring a spilled argument
        return;
      }
      if (!obj) {
        const err = this.host.objects.missing(a.r) === 'freed' ? new ObjectFreedError(a.r) : new ObjectLostError(a.r);
        this.fail(rec, err);
        return;
      }
      if (obj.e) {
        // An argument is an error: the task fails with it without running.
        sealAllReturns(this.host.objects, rec, obj);
        this.finish(rec);
        return;
      }
      args.push(obj);
    }
    rec.state = 'running';
    rec.worker = lease.worker;
    lease.inFlight.set(rec.spec.taskId, rec);
    lease.worker.conn!.send({ t: 'exec', spec: rec.spec, args, attempt: rec.attempt, gpuIds: lease.grant.gpuIds });
  }

  private afterLeaseActivity(lease: Lease): void {
    const cls = this.classes.get(lease.classKey);
    if (lease.inFlight.size === 0 && (!cls || cls.queue.length === 0)) this.endLease(lease, true);
    else this.scheduleDispatch();
  }

  private endLease(lease: LeaseX, workerAlive: boolean): void {
    const cls = this.classes.get(lease.classKey);
    cls?.leases.delete(lease);
    if (lease.lent) {
      this.host.resources.reclaim(lease.lent);
      lease.lent = undefined;
    }
    this.host.resources.release(lease.grant);
    if (workerAlive) this.host.pool.putIdle(lease.worker);
    if (cls && cls.queue.length === 0 && cls.leases.size === 0) this.classes.delete(lease.classKey);
    this.scheduleDispatch();
    this.host.onResourcesFreed();
  }

  private fail(rec: TaskRecord, err: Error): void {
    failRecord(this.host, rec, err);
    this.tasks.delete(rec.spec.taskId);
  }

  private finish(rec: TaskRecord): void {
    if (finishRecord(this.host, rec)) this.tasks.delete(rec.spec.taskId);
  }
}

interface LeaseX extends Lease {
  lent?: Record<string, number>;
}

function cpuOnly(r: Record<string, number>): Record<string, number> {
  return r.CPU ? { CPU: r.CPU } : {};
}

function classKey(spec: TaskSpec): string {
  const env = envKeyOf(spec.runtimeEnv);
  const res = Object.entries(spec.resources).filter(([, v]) => v > 0).sort(([a], [b]) => (a < b ? -1 : 1));
  return `${JSON.stringify(res)}|${env}`;
}
