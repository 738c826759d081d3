/**
 * Operators whose work units are streaming tasks (or actor calls) that yield blocks:
 * the shared bookkeeping (active tasks, ordered output, freeing inputs, cancellation),
 * and the read and task-pool map operators.
 */
import * as ray from '@ray-ts/core';
import type { ReadOptions, ReadTask } from '../../io/datasource.js';
import type { EmitOptions, RefBundle } from '../ref-bundle.js';
import { mapTask, readTask } from '../remote-fns.js';
import type { StageSpec } from '../stages.js';
import { consumeBlockStream, releaseOwned } from '../task-stream.js';
import { PhysicalOperator } from './operator.js';

/** Resources each task holds. */
export interface TaskResources {
  numCpus: number;
  numGpus: number;
}

/** Bookkeeping of operators that run streaming block tasks. */
export abstract class StreamingTaskOperator extends PhysicalOperator {
  private readonly running = new Set<ray.ObjectRefGenerator<unknown>>();
  private heldBytes = 0;

  activeTasks(): number {
    return this.running.size;
  }

  override heldInputBytes(): number {
    return this.heldBytes;
  }

  /** Output coalescing targets for this operator's tasks. */
  protected emitOptions(): EmitOptions {
    return { targetRows: this.env.ctx.targetBlockRows, targetBytes: 64 * 1024 * 1024, minBytes: this.env.ctx.targetMinBlockBytes };
  }

  /** Consumes a launched task's stream into ordered output; frees `inputs` when it is done. */
  protected track(gen: ray.ObjectRefGenerator<unknown>, inputs: readonly RefBundle[], onSettled?: () => void): void {
    const seq = this.reserveOutput();
    const held = inputs.reduce((n, b) => n + (b.owned ? b.meta.sizeBytes : 0), 0);
    this.heldBytes += held;
    this.running.add(gen);
    this.recorder.taskStarted();
    consumeBlockStream(this.name, gen, (b) => this.emit(seq, b))
      .then(() => {
        releaseOwned(inputs);
        this.finishOutput(seq);
      })
      .catch((err) => {
        if (!this.env.closing && !this.isStopped) this.env.fail(err);
      })
      .finally(() => {
        this.heldBytes -= held;
        this.running.delete(gen);
        onSettled?.();
        this.env.wake();
      });
  }

  protected override onShutdown(): void {
    for (const gen of this.running) {
      try {
        ray.cancel(gen);
      } catch {
        /* already finished */
      }
    }
  }
}

/** Runs read tasks (with the map stages fused into them). */
export class ReadOperator extends StreamingTaskOperator {
  private next = 0;
  private fn?: ReturnType<typeof readTask.options>;

  constructor(
    name: string,
    private readonly tasks: readonly ReadTask[],
    private readonly readOptions: ReadOptions,
    private readonly stages: readonly StageSpec[],
  ) {
    super(name, []);
  }

  canLaunch(): boolean {
    return this.next < this.tasks.length && this.activeTasks() < Math.max(1, this.env.clusterCpus);
  }

  launch(): void {
    this.fn ??= readTask.options({ name: this.name });
    const task = this.tasks[this.next++]!;
    this.track(this.fn.remote(task, this.readOptions, [...this.stages], this.name, this.emitOptions()) as ray.ObjectRefGenerator<unknown>, []);
  }

  override estimatedTaskOutputBytes(): number {
    return super.estimatedTaskOutputBytes() || (this.tasks[this.next]?.estimatedBytes ?? 0);
  }

  protected override internalDone(): boolean {
    return this.next >= this.tasks.length;
  }
}

/** Takes input bundles from the queue until they hold at least `minRows` rows (or the queue is empty). */
export function takeBundles(queue: RefBundle[], minRows: number): RefBundle[] {
  const out: RefBundle[] = [];
  let rows = 0;
  while (queue.length && (out.length === 0 || rows < minRows)) {
    const b = queue.shift()!;
    out.push(b);
    rows += b.meta.numRows;
  }
  return out;
}

/** True when a map operator should start a task now: enough rows queued, or no more are coming. */
export function inputReady(op: PhysicalOperator, queue: RefBundle[], minRows: number): boolean {
  if (queue.length === 0) return false;
  if (op.allInputsDone || minRows <= 1) return true;
  let rows = 0;
  for (const b of queue) rows += b.meta.numRows;
  return rows >= minRows || queue.length >= op.env.ctx.executionOptions.maxQueuedBlocksPerOperator;
}

/** Runs fused map stages in tasks. */
export class MapOperator extends StreamingTaskOperator {
  private fn?: ReturnType<typeof mapTask.options>;

  constructor(
    name: string,
    input: PhysicalOperator,
    private readonly stages: readonly StageSpec[],
    private readonly resources: TaskResources,
    private readonly concurrency: number | undefined,
    private readonly minRows: number,
  ) {
    super(name, [input]);
  }

  private cap(): number {
    if (this.concurrency !== undefined) return this.concurrency;
    const per = this.resources.numCpus > 0 ? this.resources.numCpus : 0.5;
    return Math.max(1, Math.floor(this.env.clusterCpus / per));
  }

  canLaunch(): boolean {
    return this.activeTasks() < this.cap() && inputReady(this, this.queues[0]!, this.minRows);
  }

  launch(): void {
    this.fn ??= mapTask.options({ name: this.name, numCpus: this.resources.numCpus, numGpus: this.resources.numGpus });
    const inputs = takeBundles(this.queues[0]!, this.minRows);
    const gen = this.fn.remote([...this.stages], this.emitOptions(), ...inputs.map((b) => b.ref)) as ray.ObjectRefGenerator<unknown>;
    this.track(gen, inputs);
  }

  override estimatedTaskOutputBytes(): number {
    return super.estimatedTaskOutputBytes() || (this.queues[0]![0]?.meta.sizeBytes ?? 0);
  }
}
