/**
 * Runs tasks and actor calls inside a worker: resolves the definition (importing its
 * module on first use), deserializes arguments, runs the code in a task context,
 * and reports the result, a yielded stream, or the error with its remote stack.
 */
import { RayTaskError, SerializationError, TaskCancelledError } from '../errors.js';
import { returnId, streamItemId } from '../ids.js';
import type { CoreWorker, TaskContext } from '../runtime/core-worker.js';
import { resolveDefinition } from '../runtime/function-registry.js';
import type { ActorSpec, TaskSpec, WireObject } from '../transport/protocol.js';
import type { SocketClient } from '../runtime/socket-client.js';
import { flushMetrics } from '../metrics/user-metrics.js';
import { JOB_ID_MARKER, TASK_NAME_MARKER } from '../state/worker-logs.js';
import { GeneratorBackpressure } from './generator-backpressure.js';

/** A unit of work the node sent. */
export interface ExecMessage {
  spec: TaskSpec;
  args: WireObject[];
  attempt: number;
  gpuIds?: number[];
}

/** Executes tasks for one worker process. */
export class TaskExecutor {
  private readonly controllers = new Map<string, AbortController>();
  private readonly cancelled = new Set<string>();
  /** Consumption of running streams that have a backpressure limit (acks from the node). */
  private readonly backpressure = new GeneratorBackpressure();
  actor?: { instance: Record<string, (...a: unknown[]) => unknown>; spec: ActorSpec };
  /** Name of the task (or actor class) whose output follows on stdout/stderr. */
  private outputName = '';

  constructor(
    private readonly core: CoreWorker,
    private readonly client: SocketClient,
  ) {}

  /** Marks a task cancelled and aborts its signal. */
  cancel(taskId: string): void {
    this.cancelled.add(taskId);
    this.controllers.get(taskId)?.abort(new TaskCancelledError(taskId));
  }

  /** The caller of streaming task `taskId` has consumed `consumed` items (a `genAck` from the node). */
  ack(taskId: string, consumed: number): void {
    this.backpressure.ack(taskId, consumed);
  }

  /** Builds the actor instance. */
  async initActor(spec: ActorSpec, args: WireObject[], gpuIds: number[]): Promise<void> {
    const ctl = new AbortController();
    this.announce(spec.cls.name, spec.jobId);
    const ctx: TaskContext = {
      taskId: `${spec.actorId}:init`, name: `${spec.cls.name}.constructor`, actorId: spec.actorId, signal: ctl.signal, gpuIds, attempt: 0, namespace: spec.namespace, jobId: spec.jobId,
    };
    if (gpuIds.length) process.env.CUDA_VISIBLE_DEVICES = gpuIds.join(',');
    try {
      await this.core.taskContext.run(ctx, async () => {
        const cls = await resolveDefinition<new (...a: unknown[]) => Record<string, (...a: unknown[]) => unknown>>(spec.cls);
        const values = args.map((a) => this.core.fromWire(a));
        this.actor = { instance: new cls(...values), spec };
      });
      this.client.send({ t: 'actorReady', actorId: spec.actorId });
    } catch (err) {
      this.client.send({ t: 'actorReady', actorId: spec.actorId, error: this.errorWire(ctx.name, err) });
    }
  }

  /** Runs one task or actor call and reports it. */
  async run(msg: ExecMessage): Promise<void> {
    const { spec } = msg;
    const started = process.hrtime.bigint();
    const startMs = Date.now();
    if (this.cancelled.has(spec.taskId)) {
      this.cancelled.delete(spec.taskId);
      this.client.send({ t: 'done', taskId: spec.taskId, error: this.errorWire(spec.name, new TaskCancelledError(spec.name), false), errorName: 'TaskCancelledError', us: 0 });
      return;
    }
    // An actor's output belongs to the job that created it (as in Ray), whoever calls it.
    const jobId = spec.actorId ? (this.actor?.spec.jobId ?? spec.jobId) : spec.jobId;
    this.announce(spec.actorId ? (this.actor?.spec.cls.name ?? spec.name) : spec.name, jobId);
    const ctl = new AbortController();
    this.controllers.set(spec.taskId, ctl);
    const gpuIds = msg.gpuIds ?? [];
    if (gpuIds.length && !spec.actorId) process.env.CUDA_VISIBLE_DEVICES = gpuIds.join(',');
    const namespace = spec.actorId ? (this.actor?.spec.namespace ?? spec.namespace) : spec.namespace;
    const ctx: TaskContext = { taskId: spec.taskId, name: spec.name, actorId: spec.actorId, signal: ctl.signal, gpuIds, attempt: msg.attempt, namespace, jobId };
    try {
      await this.core.taskContext.run(ctx, async () => {
        const fn = await this.resolve(spec);
        const args = msg.args.map((a) => this.core.fromWire(a));
        const result = fn(...args);
        if (spec.numReturns < 0) await this.stream(spec, result, startMs, ctl.signal);
        else this.finish(spec, await result, started, startMs);
      });
    } catch (err) {
      flushMetrics();
      this.client.send({
        t: 'done', taskId: spec.taskId, error: this.errorWire(spec.name, err), errorName: (err as Error)?.name, startMs,
        us: Number(process.hrtime.bigint() - started) / 1000,
      });
    } finally {
      this.controllers.delete(spec.taskId);
      this.cancelled.delete(spec.taskId);
    }
  }

  private async resolve(spec: TaskSpec): Promise<(...a: unknown[]) => unknown> {
    if (spec.actorId) {
      const inst = this.actor?.instance;
      const m = inst?.[spec.method!];
      if (typeof m !== 'function') throw new TypeError(`Actor ${this.actor?.spec.cls.name ?? '?'} has no method '${spec.method}'`);
      return m.bind(inst);
    }
    return resolveDefinition<(...a: unknown[]) => unknown>(spec.fn!);
  }

  /**
   * Tells the node whose output follows: marker lines on both pipes, as Ray's workers print
   * them. The node shows the name as the `(name pid=...)` prefix and sends the lines to the
   * job's driver only.
   */
  private announce(name: string, jobId = ''): void {
    const key = `${jobId}\u0000${name}`;
    if (key === this.outputName) return;
    this.outputName = key;
    const markers = `${JOB_ID_MARKER}${jobId}\n${TASK_NAME_MARKER}${name}\n`;
    process.stdout.write(markers);
    process.stderr.write(markers);
  }

  private finish(spec: TaskSpec, value: unknown, started: bigint, startMs: number): void {
    const n = Math.max(1, spec.numReturns);
    let values: unknown[] = [value];
    if (spec.numReturns > 1) {
      if (!Array.isArray(value) || value.length !== n) {
        throw new TypeError(`${spec.name} has numReturns ${n} but returned ${Array.isArray(value) ? `an array of ${value.length}` : typeof value}; return an array of ${n} values.`);
      }
      values = value;
    }
    const returns: WireObject[] = [];
    const contained: string[][] = [];
    for (let i = 0; i < n; i++) {
      let w;
      try {
        w = this.core.toWire(values[i], returnId(spec.taskId, i));
      } catch (err) {
        throw new SerializationError(`The return value of ${spec.name} cannot be stored: ${(err as Error).message}`, { cause: err });
      }
      returns.push(w.obj);
      contained.push(w.contained);
    }
    flushMetrics();
    this.client.send({ t: 'done', taskId: spec.taskId, returns, contained, us: Number(process.hrtime.bigint() - started) / 1000, startMs });
  }

  /**
   * Sends a generator's items as it yields them. With a backpressure limit it pauses (does
   * not ask the generator for more) while that many items are unconsumed. A cancelled call
   * stops at its next item: the generator is closed (its `finally` runs) and the stream ends
   * with TaskCancelledError.
   */
  private async stream(spec: TaskSpec, gen: unknown, startMs: number, signal: AbortSignal): Promise<void> {
    const it = gen as AsyncIterator<unknown> | Iterator<unknown>;
    if (!it || typeof (it as Iterator<unknown>).next !== 'function') {
      throw new TypeError(`${spec.name} is streaming (numReturns: 'streaming') but did not return an iterator; make it a generator function.`);
    }
    const limit = spec.genBackpressure;
    if (limit) this.backpressure.open(spec.taskId);
    try {
      let index = 0;
      for (;;) {
        if (signal.aborted) {
          await Promise.resolve(it.return?.()).catch(() => undefined);
          throw new TaskCancelledError(spec.name);
        }
        const r = await it.next();
        if (r.done) break;
        const w = this.core.toWire(r.value, streamItemId(spec.taskId, index));
        this.client.send({ t: 'yield', taskId: spec.taskId, index, obj: w.obj, contained: w.contained });
        index++;
        if (limit) await this.backpressure.admit(spec.taskId, index, limit, signal);
      }
    } finally {
      if (limit) this.backpressure.close(spec.taskId);
    }
    flushMetrics();
    this.client.send({ t: 'done', taskId: spec.taskId, us: 0, startMs });
  }

  private errorWire(name: string, err: unknown, wrap = true): WireObject {
    const e = wrap && !(err instanceof TaskCancelledError) ? new RayTaskError(name, process.pid, err) : (err as Error);
    try {
      return { ...this.core.toWire(e, `err-${name}`).obj, e: 1 };
    } catch {
      const plain = new RayTaskError(name, process.pid, new Error(String((err as Error)?.message ?? err)), (err as Error)?.stack);
      return { ...this.core.toWire(plain, `err-${name}`).obj, e: 1 };
    }
  }
}
