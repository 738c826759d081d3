/**
 * The per-process runtime (Ray's CoreWorker), in the driver and in every worker:
 * turns values into stored objects and back, counts this process's references,
 * and builds the task and actor specs it submits to its node.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import shm from '@ray-ts/native';
import { config } from '../config.js';
import { newId, returnId, streamItemId } from '../ids.js';
import { ObjectFreedError, ObjectLostError, SerializationError } from '../errors.js';
import { encode, writeTo, deserialize, registerExtension, type Encoded } from '../serialization/index.js';
import type { ActorSpec, ArgWire, FunctionKey, RuntimeEnvWire, SchedulingStrategyWire, TaskSpec, WireObject } from '../transport/protocol.js';
import type { NodeClient } from './node-client.js';
import { ObjectRef, ObjectRefGenerator, setRefTracker } from './object-ref.js';
import { SegmentCache } from './segment-cache.js';
import { GeneratorRelease } from './generator-release.js';

/** What a running task knows about itself (see getRuntimeContext). */
export interface TaskContext {
  taskId: string;
  name: string;
  actorId?: string;
  signal: AbortSignal;
  gpuIds: number[];
  attempt: number;
  /** Namespace of the job the task belongs to. */
  namespace?: string;
  /** Job the task belongs to (its driver prints the task's output). */
  jobId?: string;
}

/** Resolved options of one submission. */
export interface SubmitOptions {
  name: string;
  numReturns: number;
  /** Streaming: items produced ahead of the consumer before the generator pauses (undefined: no limit). */
  genBackpressure?: number;
  resources: Record<string, number>;
  maxRetries: number;
  retryExceptions: boolean | string[];
  runtimeEnv?: RuntimeEnvWire;
  strategy: SchedulingStrategyWire;
}

const bigCopy = (dst: Uint8Array, src: Uint8Array): void => {
  if (src.length >= 64 * 1024 * 1024 && config.copyThreads > 1) shm.copy(dst, src, config.copyThreads);
  else dst.set(src);
};

/** Runtime of one process. */
export class CoreWorker {
  /** Context of the task running in this async scope (workers). */
  readonly taskContext = new AsyncLocalStorage<TaskContext>();
  readonly segments: SegmentCache;
  private readonly counts = new Map<string, number>();
  private readonly finalizer = new FinalizationRegistry<string>((id) => this.decrement(id));
  private pendingOps = 0;
  /**
   * Streams of generators dropped unfinished: cancelled as `cancel(gen)` does and read to
   * the end in the background (not keeping a driver alive: straight to the client).
   */
  readonly generators = new GeneratorRelease({
    cancel: (taskId) => this.client.cancel(streamItemId(taskId, 0), false, true),
    next: (taskId, index) => this.client.genNext(taskId, index),
  });
  /** Called before this worker blocks in get/wait inside a task (returns queued work to the node). */
  onBlock?: () => void;
  private keepAlive?: NodeJS.Timeout;
  /** The job's runtime environment (init's runtimeEnv: working directory, env vars), under each task's own. */
  jobRuntimeEnv?: RuntimeEnvWire = process.env.RAY_TS_WORKING_DIR_URI
    ? { workingDir: process.env.RAY_TS_WORKING_DIR_URI, workingDirRoot: process.env.RAY_TS_WORKING_DIR_ROOT || undefined }
    : undefined;

  /** A task's runtime environment over the job's. */
  private env(own: RuntimeEnvWire | undefined): RuntimeEnvWire | undefined {
    const job = this.jobRuntimeEnv;
    if (!job) return own;
    if (!own) return job;
    return { ...job, ...own, envVars: { ...(job.envVars ?? {}), ...(own.envVars ?? {}) } };
  }

  constructor(
    readonly client: NodeClient,
    readonly mode: 'driver' | 'worker',
    readonly namespace: string,
    readonly jobId: string,
  ) {
    this.segments = new SegmentCache(client);
    setRefTracker({
      track: (ref) => {
        this.increment(ref.id);
        this.finalizer.register(ref, ref.id, ref);
      },
      untrack: (ref) => {
        if (this.finalizer.unregister(ref)) this.decrement(ref.id);
      },
      trackHolder: (holder, id) => {
        this.increment(id);
        this.finalizer.register(holder, id);
      },
    });
  }

  /** Stops tracking refs (shutdown). */
  detach(): void {
    setRefTracker(undefined);
    this.generators.close();
    if (this.keepAlive) clearInterval(this.keepAlive);
  }

  /** Number of ids this process references. */
  get referencedIds(): number {
    return this.counts.size;
  }

  // ---- values ----

  /** Serializes a value for object `id`: inline when small, else into shared memory. */
  toWire(value: unknown, id: string): { obj: WireObject; contained: string[] } {
    return this.layOut(encode(value), id);
  }

  /** Writes an encoded value for object `id`: inline when small, else into shared memory. */
  layOut(enc: Encoded, id: string): { obj: WireObject; contained: string[] } {
    if (enc.size <= config.maxInlineBytes || !this.client.colocated) {
      if (enc.size > config.maxMessageBytes) {
        throw new SerializationError(`A value of ${enc.size} bytes is larger than a message may be (${config.maxMessageBytes}, RAY_TS_MAX_MESSAGE_BYTES).`);
      }
      const d = new Uint8Array(enc.size);
      writeTo(enc, d);
      return { obj: { d, n: enc.size }, contained: enc.containedRefs };
    }
    const { name, view } = this.client.allocate(id, enc.size);
    writeTo(enc, view, bigCopy);
    return { obj: { s: name, n: enc.size }, contained: enc.containedRefs };
  }

  /** Deserializes a stored value; an error object is thrown. */
  fromWire(obj: WireObject, id = '?'): unknown {
    let bytes: Uint8Array;
    try {
      bytes = obj.s ? this.segments.view(obj.s, obj.n) : obj.d!;
    } catch (err) {
      if ((err as { code?: string }).code === 'ENOENT') throw new ObjectLostError(id, 'its shared-memory segment is gone');
      throw err;
    }
    const value = deserialize(bytes);
    if (obj.e) throw value;
    return value;
  }

  /** Stores a value and returns its ref. */
  put<T>(value: T): ObjectRef<T> {
    if (value instanceof ObjectRef) throw new TypeError('put() of an ObjectRef is not allowed: pass the ref itself, or put the value.');
    const enc = encode(value); // first: a value that cannot be stored leaves nothing behind
    const id = newId('p');
    const ref = new ObjectRef<T>(id);
    const { obj, contained } = this.layOut(enc, id);
    this.client.put(id, obj, contained);
    return ref;
  }

  /** Values of refs (waits for them). */
  async get(ids: string[], timeoutMs: number | undefined): Promise<unknown[]> {
    const blocking = this.inTask();
    if (blocking) this.onBlock?.();
    const objs = await this.during(this.client.get(ids, timeoutMs, blocking));
    return objs.map((o, i) => this.fromWire(o, ids[i]));
  }

  /** Ids ready among `ids` once `numReturns` are, or the timeout passes. */
  wait(ids: string[], numReturns: number, timeoutMs: number | undefined, fetchLocal = true): Promise<string[]> {
    const blocking = this.inTask();
    if (blocking) this.onBlock?.();
    return this.during(this.client.wait(ids, numReturns, timeoutMs, blocking, fetchLocal));
  }

  /** Next ref of a streaming task. */
  genNext(taskId: string, index: number): Promise<{ id?: string; done?: boolean }> {
    return this.during(this.client.genNext(taskId, index));
  }

  // ---- submission ----

  /** Submits a task; returns its refs (or generator when streaming). */
  submitTask(fn: FunctionKey, args: unknown[], opts: SubmitOptions): ObjectRef<unknown>[] | ObjectRefGenerator<unknown> {
    const taskId = newId('t');
    const { wire, argRefs, temps } = this.encodeArgs(args);
    const spec: TaskSpec = {
      taskId, fn, name: opts.name, args: wire, argRefs, numReturns: opts.numReturns, ...this.backpressure(opts), resources: opts.resources,
      maxRetries: opts.maxRetries, retryExceptions: opts.retryExceptions, runtimeEnv: this.env(opts.runtimeEnv),
      strategy: opts.strategy, parentTaskId: this.taskContext.getStore()?.taskId, callerId: this.client.peerId, namespace: this.currentNamespace(),
      jobId: this.currentJobId(),
    };
    const out = this.returnRefs(taskId, opts.numReturns);
    this.client.submitTask(spec);
    for (const t of temps) t.release();
    return out;
  }

  /** The namespace of the running task's job (a worker serves many jobs), else this process's. */
  currentNamespace(): string {
    return this.taskContext.getStore()?.namespace ?? this.namespace;
  }

  /** The job of the running task (a worker serves many jobs), else this driver's; undefined in a worker outside any task. */
  currentJobId(): string | undefined {
    return this.taskContext.getStore()?.jobId ?? (this.mode === 'driver' ? this.jobId : undefined);
  }

  /** Submits an actor method call. */
  submitActorTask(actorId: string, method: string, args: unknown[], opts: SubmitOptions): ObjectRef<unknown>[] | ObjectRefGenerator<unknown> {
    const taskId = newId('t');
    const { wire, argRefs, temps } = this.encodeArgs(args);
    const spec: TaskSpec = {
      taskId, actorId, method, name: opts.name, args: wire, argRefs, numReturns: opts.numReturns, ...this.backpressure(opts), resources: {},
      maxRetries: 0, retryExceptions: false, strategy: { kind: 'DEFAULT' },
      parentTaskId: this.taskContext.getStore()?.taskId, callerId: this.client.peerId, namespace: this.currentNamespace(),
      jobId: this.currentJobId(),
    };
    const out = this.returnRefs(taskId, opts.numReturns);
    this.client.submitActorTask(spec);
    for (const t of temps) t.release();
    return out;
  }

  /** Creates an actor. */
  createActor(spec: Omit<ActorSpec, 'args' | 'argRefs' | 'callerId'>, args: unknown[]): void {
    const { wire, argRefs, temps } = this.encodeArgs(args);
    this.client.createActor({ jobId: this.currentJobId(), ...spec, runtimeEnv: this.env(spec.runtimeEnv), args: wire, argRefs, callerId: this.client.peerId });
    for (const t of temps) t.release();
  }

  /** Whether this async scope runs a task (a get here blocks a worker). */
  inTask(): boolean {
    return this.mode === 'worker' && this.taskContext.getStore() !== undefined;
  }

  private backpressure(opts: SubmitOptions): { genBackpressure?: number } {
    return opts.numReturns < 0 && opts.genBackpressure !== undefined ? { genBackpressure: opts.genBackpressure } : {};
  }

  private returnRefs(taskId: string, numReturns: number): ObjectRef<unknown>[] | ObjectRefGenerator<unknown> {
    if (numReturns < 0) return new ObjectRefGenerator(taskId, (t, i) => this.genNext(t, i), this.generators);
    const refs: ObjectRef<unknown>[] = [];
    for (let i = 0; i < Math.max(1, numReturns); i++) refs.push(new ObjectRef(returnId(taskId, i)));
    return refs;
  }

  private encodeArgs(args: unknown[]): { wire: ArgWire[]; argRefs: string[]; temps: ObjectRef<unknown>[] } {
    const wire: ArgWire[] = [];
    const argRefs: string[] = [];
    const temps: ObjectRef<unknown>[] = [];
    for (let i = 0; i < args.length; i++) {
      const a = args[i];
      if (a instanceof ObjectRef) {
        if (a.isReleased) throw new ObjectFreedError(a.id);
        wire.push({ r: a.id });
        argRefs.push(a.id);
        continue;
      }
      let enc;
      try {
        enc = encode(a);
      } catch (err) {
        for (const t of temps) t.release();
        if (err instanceof SerializationError) {
          throw new SerializationError(`Argument ${i} cannot be sent to a worker: ${err.message}`, { cause: err });
        }
        throw err;
      }
      for (const id of enc.containedRefs) argRefs.push(id);
      if (enc.size <= config.maxInlineBytes || !this.client.colocated) {
        const d = new Uint8Array(enc.size);
        writeTo(enc, d);
        wire.push({ v: { d, n: enc.size } });
      } else {
        const id = newId('p');
        const ref = new ObjectRef(id);
        const { name, view } = this.client.allocate(id, enc.size);
        writeTo(enc, view, bigCopy);
        this.client.put(id, { s: name, n: enc.size }, enc.containedRefs);
        temps.push(ref);
        wire.push({ r: id });
        argRefs.push(id);
      }
    }
    return { wire, argRefs, temps };
  }

  private increment(id: string): void {
    const n = this.counts.get(id) ?? 0;
    this.counts.set(id, n + 1);
    if (n === 0) this.client.addRef(id);
  }

  private decrement(id: string): void {
    const n = this.counts.get(id);
    if (!n) return;
    if (n === 1) {
      this.counts.delete(id);
      this.client.removeRef(id);
    } else this.counts.set(id, n - 1);
  }

  /** Keeps a driver process alive while it waits on the cluster. */
  private async during<T>(p: Promise<T>): Promise<T> {
    if (this.mode === 'worker') return p;
    if (this.pendingOps++ === 0) this.keepAlive = setInterval(() => {}, 1 << 30);
    try {
      return await p;
    } finally {
      if (--this.pendingOps === 0 && this.keepAlive) {
        clearInterval(this.keepAlive);
        this.keepAlive = undefined;
      }
    }
  }
}

/** Extension tags used by the runtime. */
export const REF_TAG = 1;
export const ACTOR_HANDLE_TAG = 2;

registerExtension<ObjectRef<unknown>>({
  tag: REF_TAG,
  cls: ObjectRef,
  encode(ref, ctx) {
    if (ref.isReleased) throw new ObjectFreedError(ref.id);
    ctx.containedRefs.push(ref.id);
    return ref.id;
  },
  decode(id: string) {
    return new ObjectRef(id);
  },
});
