/**
 * Actors on a node: each lives in a worker process of its own, receives its calls in
 * submission order, and is restarted (constructor re-run) when its process dies,
 * up to maxRestarts. Calls in flight when it dies are retried up to maxTaskRetries;
 * otherwise they, and every call on a dead actor, fail with RayActorError.
 */
import type { ActorInfo, ActorSpec, TaskSpec, WireObject } from '../transport/protocol.js';
import { ObjectFreedError, ObjectLostError, RayActorError, RayError, TaskCancelledError } from '../errors.js';
import type { Grant } from './resources.js';
import { envKeyOf, type WorkerHandle } from './worker-pool.js';
import {
  completeRecord, type NodeHost, errorObject, failRecord, finishRecord, newTaskRecord, sealAllReturns, type TaskRecord,
} from './task-record.js';

interface ActorRecord {
  spec: ActorSpec;
  state: ActorInfo['state'];
  worker?: WorkerHandle;
  grant?: Grant;
  restartsLeft: number;
  numRestarts: number;
  /** Calls not yet sent to the worker, in order. */
  queue: TaskRecord[];
  inFlight: Map<string, TaskRecord>;
  deathReason?: string;
  /** Constructor error, when the actor died in its constructor. */
  initError?: WireObject;
  noRestart?: boolean;
  /** Live handles to the actor across all processes. */
  handles: number;
  /** All handles are gone: stop once the queued calls are done. */
  orphaned?: boolean;
}

/** What the actor manager needs from its node. */
export type ActorHost = NodeHost;

/** Error raised synchronously when a named actor's name is taken. */
export class ActorNameTakenError extends RayError {
  override readonly code = 'ACTOR_NAME_TAKEN';
}

/** Creates, routes to, restarts and kills actors. */
export class ActorManager {
  private readonly actors = new Map<string, ActorRecord>();
  private readonly aliases = new Map<string, string>();
  private readonly names = new Map<string, string>();
  private readonly pendingPlacement: ActorRecord[] = [];
  /** Handle counts that arrived before their actor's creation (or for aliases). */
  private readonly earlyHandles = new Map<string, number>();

  constructor(private readonly host: ActorHost) {}

  /** Creates an actor; throws ActorNameTakenError synchronously when its name is in use (unless getIfExists). */
  create(spec: ActorSpec, restart?: { numRestarts: number; restartsLeft: number }): void {
    if (spec.name) {
      const key = `${spec.namespace}/${spec.name}`;
      const existing = this.names.get(key);
      if (existing && this.actors.get(existing)?.state !== 'DEAD') {
        if (spec.getIfExists) {
          this.aliases.set(spec.actorId, existing);
          return;
        }
        throw new ActorNameTakenError(
          `An actor named '${spec.name}' already exists in namespace '${spec.namespace}'. Use getActor(), or pass getIfExists: true.`,
        );
      }
      this.names.set(key, spec.actorId);
    }
    const rec: ActorRecord = {
      spec, state: 'PENDING', restartsLeft: restart?.restartsLeft ?? spec.maxRestarts, numRestarts: restart?.numRestarts ?? 0,
      queue: [], inFlight: new Map(), handles: this.earlyHandles.get(spec.actorId) ?? 0,
    };
    this.earlyHandles.delete(spec.actorId);
    this.actors.set(spec.actorId, rec);
    this.host.onActorState?.(spec, restart ? 'RESTARTING' : 'PENDING');
    for (const id of spec.argRefs) this.host.objects.addRef(id);
    const deps = spec.args.filter((a): a is { r: string } => 'r' in a).map((a) => a.r);
    let pending = 0;
    for (const id of deps) {
      if (this.host.objects.isReady(id) || !this.host.objects.has(id)) continue;
      pending++;
      this.host.objects.onReady(id, () => {
        if (--pending === 0) this.place(rec);
      });
    }
    if (pending === 0) this.place(rec);
  }

  /** Submits a method call. */
  submit(spec: TaskSpec): TaskRecord {
    const rec = newTaskRecord(spec);
    for (const id of spec.argRefs) this.host.objects.addRef(id);
    const actor = this.lookup(spec.actorId!);
    if (!actor) {
      this.fail(rec, new RayActorError(spec.actorId!, 'no such actor on this cluster'));
      return rec;
    }
    if (actor.state === 'DEAD') {
      this.failDead(actor, rec);
      return rec;
    }
    const deps = spec.args.filter((a): a is { r: string } => 'r' in a).map((a) => a.r);
    for (const id of deps) {
      if (this.host.objects.isReady(id) || !this.host.objects.has(id)) continue;
      rec.pendingDeps++;
      this.host.objects.onReady(id, () => {
        rec.pendingDeps--;
        if (rec.pendingDeps === 0) this.flush(actor);
      });
    }
    rec.state = 'queued';
    actor.queue.push(rec);
    this.flush(actor);
    return rec;
  }

  /**
   * Counts handles. When the last handle of a non-detached actor goes, the actor
   * finishes the calls it has and then stops (Ray's actor lifetime).
   */
  handleRefs(actorId: string, delta: number): void {
    const a = this.lookup(actorId);
    if (!a) {
      this.earlyHandles.set(actorId, (this.earlyHandles.get(actorId) ?? 0) + delta);
      return;
    }
    a.handles += delta;
    if (a.handles <= 0 && !a.spec.detached && a.state !== 'DEAD') {
      a.orphaned = true;
      this.stopIfIdle(a);
    }
  }

  private stopIfIdle(a: ActorRecord): void {
    if (!a.orphaned || a.handles > 0 || a.queue.length || a.inFlight.size) return;
    a.noRestart = true;
    if (a.worker) this.host.pool.kill(a.worker, false);
    else this.die(a, 'all its handles went out of scope');
  }

  /** Finds an actor by name. */
  byName(namespace: string, name: string): ActorInfo | undefined {
    const id = this.names.get(`${namespace}/${name}`);
    const a = id ? this.actors.get(id) : undefined;
    if (!a || a.state === 'DEAD') return undefined;
    return this.info(a);
  }

  /** Every actor known here (dead ones included), for the state API. */
  list(): Array<{ spec: ActorSpec; state: ActorInfo['state']; numRestarts: number; pid?: number; workerId?: string; deathReason?: string }> {
    return [...this.actors.values()].map((a) => ({
      spec: a.spec, state: a.state, numRestarts: a.numRestarts, pid: a.worker?.pid, workerId: a.worker?.id, deathReason: a.deathReason,
    }));
  }

  /** Resource shapes of actors waiting for room here (demand for the autoscaler). */
  pendingShapes(): ActorSpec['resources'][] {
    return this.pendingPlacement.filter((a) => a.state !== 'DEAD' && !this.host.resources.canAcquire(a.spec.resources)).map((a) => a.spec.resources);
  }

  /** Counts by state, for status. */
  counts(): { alive: number; pending: number; dead: number; restarting: number } {
    const c = { alive: 0, pending: 0, dead: 0, restarting: 0 };
    for (const a of this.actors.values()) {
      if (a.state === 'ALIVE') c.alive++;
      else if (a.state === 'PENDING') c.pending++;
      else if (a.state === 'DEAD') c.dead++;
      else c.restarting++;
    }
    return c;
  }

  /** Kills an actor; with noRestart false it restarts per maxRestarts. */
  kill(actorId: string, noRestart: boolean): void {
    const a = this.lookup(actorId);
    if (!a || a.state === 'DEAD') return;
    a.noRestart = noRestart;
    if (a.worker) this.host.pool.kill(a.worker, true);
    else if (a.state === 'PENDING') this.die(a, 'killed by kill() before it started');
  }

  /** Cancels a queued call (running actor calls are not interrupted unless they watch their signal). */
  cancel(taskId: string): boolean {
    for (const a of this.actors.values()) {
      const i = a.queue.findIndex((r) => r.spec.taskId === taskId);
      if (i >= 0) {
        const [rec] = a.queue.splice(i, 1);
        this.fail(rec!, new TaskCancelledError(rec!.spec.name));
        return true;
      }
      const running = a.inFlight.get(taskId);
      if (running) {
        running.cancelled = true;
        a.worker?.conn?.send({ t: 'cancel', taskId });
        return true;
      }
    }
    return false;
  }

  /** The worker finished constructing the actor (error set when the constructor threw). */
  onReady(w: WorkerHandle, actorId: string, error?: WireObject): void {
    const a = this.actors.get(actorId);
    if (!a || a.worker !== w) return;
    if (error) {
      a.initError = error;
      a.noRestart = true;
      this.host.pool.kill(w, true);
      return;
    }
    a.state = 'ALIVE';
    this.host.onActorState?.(a.spec, 'ALIVE');
    this.flush(a);
  }

  /** A method call finished. */
  onDone(w: WorkerHandle, taskId: string, returns: WireObject[] | undefined, contained: string[][] | undefined, error: WireObject | undefined): void {
    if (w.ownerKind !== 'actor') return;
    const a = w.owner as ActorRecord;
    const rec = a.inFlight.get(taskId);
    if (!rec) return;
    a.inFlight.delete(taskId);
    if (rec.cancelled) this.fail(rec, new TaskCancelledError(rec.spec.name));
    else completeRecord(this.host, rec, returns, contained, error);
    this.stopIfIdle(a);
  }

  /** The actor's worker died: retry or fail its calls, restart or bury it. */
  onWorkerExit(w: WorkerHandle, info: string): void {
    if (w.ownerKind !== 'actor') return;
    const a = w.owner as ActorRecord;
    a.worker = undefined;
    if (a.grant) {
      this.host.resources.release(a.grant);
      a.grant = undefined;
      this.host.onResourcesFreed();
    }
    const canRestart = !a.noRestart && (a.restartsLeft === -1 || a.restartsLeft > 0);
    const retry: TaskRecord[] = [];
    for (const rec of a.inFlight.values()) {
      const left = a.spec.maxTaskRetries;
      if (canRestart && !rec.cancelled && (left === -1 || rec.attempt < left)) {
        rec.attempt++;
        rec.state = 'queued';
        retry.push(rec);
      } else if (rec.cancelled) this.fail(rec, new TaskCancelledError(rec.spec.name));
      else this.fail(rec, new RayActorError(a.spec.actorId, `its worker died (${info}) while running ${rec.spec.name}`, a.spec.name));
    }
    a.inFlight.clear();
    a.queue.unshift(...retry);
    if (canRestart) {
      if (a.restartsLeft > 0) a.restartsLeft--;
      a.numRestarts++;
      a.state = 'RESTARTING';
      this.host.onActorState?.(a.spec, 'RESTARTING');
      this.place(a);
    } else {
      const why = a.initError ? 'its constructor threw' : a.orphaned ? 'all its handles went out of scope'
        : a.noRestart ? 'killed by kill()' : `its worker died (${info}) and maxRestarts ran out`;
      this.die(a, why);
    }
  }

  /** Places actors waiting for resources (called when resources free up). */
  retryPending(): void {
    const waiting = this.pendingPlacement.splice(0);
    for (const a of waiting) if (a.state !== 'DEAD') this.place(a);
  }

  /** A worker became idle: an actor waiting for a worker may take it. */
  onWorkerReady(): void {
    this.retryPending();
  }

  private lookup(actorId: string): ActorRecord | undefined {
    return this.actors.get(this.aliases.get(actorId) ?? actorId);
  }

  private info(a: ActorRecord): ActorInfo {
    const { spec } = a;
    return { actorId: spec.actorId, name: spec.name, namespace: spec.namespace, cls: spec.cls, methods: spec.methods, streaming: spec.streaming, state: a.state };
  }

  /** Actors alive (or being placed) here, for re-registering with a restarted head. */
  live(): Array<{ spec: ActorSpec; state: ActorInfo['state']; restartsLeft: number; numRestarts: number }> {
    const out: Array<{ spec: ActorSpec; state: ActorInfo['state']; restartsLeft: number; numRestarts: number }> = [];
    for (const a of this.actors.values()) {
      if (a.state !== 'DEAD') out.push({ spec: a.spec, state: a.state, restartsLeft: a.restartsLeft, numRestarts: a.numRestarts });
    }
    return out;
  }

  /** True when the actor lives on this node (in any state). */
  has(actorId: string): boolean {
    return this.lookup(actorId) !== undefined;
  }

  /** Handle counts kept for an actor not created here (yet); taken when it goes elsewhere. */
  takeEarlyHandles(actorId: string): number {
    const n = this.earlyHandles.get(actorId) ?? 0;
    this.earlyHandles.delete(actorId);
    return n;
  }

  private place(a: ActorRecord): void {
    const { resources, pool, objects } = this.host;
    if (a.state === 'PENDING' && this.host.placeActorElsewhere?.(a.spec, a.handles, resources.canAcquire(a.spec.resources))) {
      // Another node hosts it: forget it here, and send it the calls that queued while it waited here.
      this.actors.delete(a.spec.actorId);
      if (a.spec.name && this.names.get(`${a.spec.namespace}/${a.spec.name}`) === a.spec.actorId) this.names.delete(`${a.spec.namespace}/${a.spec.name}`);
      for (const id of a.spec.argRefs) objects.removeRef(id);
      for (const rec of a.queue.splice(0)) {
        for (const id of rec.spec.argRefs) objects.removeRef(id);
        this.host.resubmitActorTask?.(rec.spec);
      }
      return;
    }
    if (!resources.feasible(a.spec.resources) && !Object.keys(a.spec.resources).some((k) => k.includes('_group_'))) {
      console.warn(
        `[ray-ts] warning: actor ${a.spec.cls.name} asks for ${JSON.stringify(a.spec.resources)} but this cluster has ${JSON.stringify(resources.total)}; it stays pending.`,
      );
    }
    if (!resources.canAcquire(a.spec.resources)) {
      this.pendingPlacement.push(a);
      return;
    }
    const envKey = envKeyOf(a.spec.runtimeEnv);
    let w = pool.takeIdle(envKey);
    if (!w) {
      if (pool.starting(envKey) < 8) {
        try {
          pool.start(envKey, a.spec.runtimeEnv);
        } catch (err) {
          a.initError = errorObject(err as Error);
          this.die(a, (err as Error).message);
          return;
        }
      }
      this.pendingPlacement.push(a);
      return;
    }
    const args: WireObject[] = [];
    for (const arg of a.spec.args) {
      if ('v' in arg) args.push(arg.v);
      else {
        const obj = objects.read(arg.r);
        if (!obj || obj.e) {
          pool.putIdle(w);
          a.initError = obj?.e ? obj : errorObject(objects.missing(arg.r) === 'freed' ? new ObjectFreedError(arg.r) : new ObjectLostError(arg.r));
          this.die(a, 'a constructor argument could not be resolved');
          return;
        }
        args.push(obj);
      }
    }
    a.grant = resources.acquire(a.spec.resources);
    a.worker = w;
    w.state = 'actor';
    w.owner = a;
    w.ownerKind = 'actor';
    w.conn!.send({ t: 'actorInit', spec: a.spec, args, restarted: a.numRestarts > 0, gpuIds: a.grant.gpuIds });
  }

  private flush(a: ActorRecord): void {
    if (a.state !== 'ALIVE' || !a.worker) return;
    while (a.queue.length && a.queue[0]!.pendingDeps === 0) {
      const rec = a.queue.shift()!;
      const args: WireObject[] = [];
      let failed = false;
      for (const arg of rec.spec.args) {
        if ('v' in arg) {
          args.push(arg.v);
          continue;
        }
        const obj = this.host.objects.read(arg.r);
        if (!obj || obj.e) {
          if (obj?.e) {
            sealAllReturns(this.host.objects, rec, obj);
            this.finish(rec);
          } else {
            this.fail(rec, this.host.objects.missing(arg.r) === 'freed' ? new ObjectFreedError(arg.r) : new ObjectLostError(arg.r));
          }
          failed = true;
          break;
        }
        args.push(obj);
      }
      if (failed) continue;
      rec.state = 'running';
      rec.worker = a.worker;
      a.inFlight.set(rec.spec.taskId, rec);
      a.worker.conn!.send({ t: 'exec', spec: rec.spec, args, attempt: rec.attempt });
    }
  }

  private die(a: ActorRecord, reason: string): void {
    a.state = 'DEAD';
    a.deathReason = reason;
    this.host.onActorState?.(a.spec, 'DEAD', reason);
    if (a.spec.name) {
      const key = `${a.spec.namespace}/${a.spec.name}`;
      if (this.names.get(key) === a.spec.actorId) this.names.delete(key);
    }
    for (const id of a.spec.argRefs) this.host.objects.removeRef(id);
    for (const rec of a.queue.splice(0)) this.failDead(a, rec);
  }

  private failDead(a: ActorRecord, rec: TaskRecord): void {
    if (a.initError) {
      sealAllReturns(this.host.objects, rec, a.initError);
      this.finish(rec);
      return;
    }
    this.fail(rec, new RayActorError(a.spec.actorId, a.deathReason ?? 'it died', a.spec.name));
  }

  private fail(rec: TaskRecord, err: Error): void {
    failRecord(this.host, rec, err);
  }

  private finish(rec: TaskRecord): void {
    finishRecord(this.host, rec);
  }
}
