/**
 * Zip (a barrier over two inputs, then one task per left block that joins the matching
 * rows of the right side column-wise) and write (tasks that run fused stages and a
 * datasink's writer, returning what they wrote).
 */
import * as ray from '@ray-ts/core';
import type { Block } from '../../block.js';
import { DataOperatorError } from '../../errors.js';
import type { WriteResult } from '../../io/datasource.js';
import type { RefBundle } from '../ref-bundle.js';
import { writeTask, zipTask } from '../remote-fns.js';
import type { StageSpec } from '../stages.js';
import { releaseOwned, toDataError } from '../task-stream.js';
import { PhysicalOperator } from './operator.js';
import { slicesFor } from './slice-plan.js';
import { inputReady, takeBundles, type TaskResources } from './task-operator.js';

/** Joins two datasets of equal length column-wise. */
export class ZipOperator extends PhysicalOperator {
  override readonly barrier = true;
  private planned = false;
  private tasks: (() => void)[] = [];
  private next = 0;

  constructor(name: string, inputs: [PhysicalOperator, PhysicalOperator]) {
    super(name, inputs);
  }

  canLaunch(): boolean {
    if (!this.planned) return this.allInputsDone;
    return this.next < this.tasks.length;
  }

  launch(): void {
    if (!this.planned) return this.plan();
    this.tasks[this.next++]!();
  }

  private plan(): void {
    this.planned = true;
    const [left, right] = [this.queues[0]!.splice(0), this.queues[1]!.splice(0)];
    const lRows = left.map((b) => b.meta.numRows);
    const rRows = right.map((b) => b.meta.numRows);
    const lt = lRows.reduce((a, b) => a + b, 0);
    const rt = rRows.reduce((a, b) => a + b, 0);
    if (lt !== rt) {
      releaseOwned([...left, ...right]);
      this.env.fail(new DataOperatorError(this.name, new RangeError(`zip needs datasets of the same number of rows, got ${lt} and ${rt}`)));
      return;
    }
    const fn = zipTask.options({ name: this.name });
    let offset = 0;
    for (const l of left) {
      const from = offset;
      offset += l.meta.numRows;
      if (l.meta.numRows === 0) continue;
      const slices = slicesFor(rRows, from, offset);
      this.tasks.push(() => {
        const seq = this.reserveOutput();
        this.recorder.taskStarted();
        const bytes = l.meta.sizeBytes + slices.reduce((n, s) => n + (right[s.block]!.meta.sizeBytes * (s.end - s.start)) / Math.max(1, rRows[s.block]!), 0);
        const ref = fn.remote(slices.map((s) => [s.start, s.end] as [number, number]), l.ref, ...slices.map((s) => right[s.block]!.ref)) as ray.ObjectRef<Block>;
        this.emit(seq, { ref, meta: { numRows: l.meta.numRows, sizeBytes: Math.ceil(bytes) }, owned: true });
        this.finishOutput(seq);
      });
    }
    // Zip tasks hold their arguments; the driver's refs are not needed after submission.
    this.tasks.push(() => queueMicrotask(() => releaseOwned([...left, ...right])));
  }

  activeTasks(): number {
    return 0;
  }

  protected override internalDone(): boolean {
    return this.planned && this.next >= this.tasks.length;
  }
}

/** Writes blocks with a datasink's writer; collects the {@link WriteResult}s. */
export class WriteOperator extends PhysicalOperator {
  /** What each finished write task wrote. */
  readonly results: WriteResult[] = [];
  private active = 0;
  private taskIndex = 0;
  private readonly pending = new Set<Promise<unknown>>();
  private fn?: ReturnType<typeof writeTask.options>;

  constructor(
    name: string,
    input: PhysicalOperator,
    private readonly sink: { name: string; kind: string; params: Record<string, unknown> },
    private readonly stages: readonly StageSpec[],
    private readonly resources: TaskResources,
    private readonly minRows: number,
  ) {
    super(name, [input]);
  }

  canLaunch(): boolean {
    return this.active < Math.max(1, this.env.clusterCpus) && inputReady(this, this.queues[0]!, this.minRows);
  }

  launch(): void {
    this.fn ??= writeTask.options({ name: this.name, numCpus: this.resources.numCpus, numGpus: this.resources.numGpus });
    const inputs = takeBundles(this.queues[0]!, this.minRows);
    const started = performance.now();
    this.active++;
    this.recorder.taskStarted();
    const p = ray.get(this.fn.remote(this.sink, this.taskIndex++, [...this.stages], ...inputs.map((b) => b.ref)) as ray.ObjectRef<WriteResult>)
      .then((r) => {
        this.results.push(r);
        this.recorder.output({ numRows: r.rows, sizeBytes: r.bytes, execMs: performance.now() - started });
        releaseOwned(inputs);
      })
      .catch((err) => {
        if (!this.env.closing && !this.isStopped) this.env.fail(toDataError(this.sink.name, err));
      })
      .finally(() => {
        this.active--;
        this.pending.delete(p);
        this.env.wake();
      });
    this.pending.add(p);
  }

  activeTasks(): number {
    return this.active;
  }

  /** Waits for every launched write task to finish (so an abort sees all files written). */
  async settle(): Promise<void> {
    while (this.pending.size) await Promise.allSettled([...this.pending]);
  }
}
