/**
 * Operators that run in the driver and launch (almost) no tasks: input (blocks the
 * driver already has), limit (passes the first n rows, slicing the last block in a
 * small task, then stops its inputs) and union (concatenates its inputs in order).
 */
import type * as ray from '@ray-ts/core';
import type { Block } from '../../block.js';
import type { RefBundle } from '../ref-bundle.js';
import { sliceTask } from '../remote-fns.js';
import { releaseOwned } from '../task-stream.js';
import { PhysicalOperator } from './operator.js';

/** Emits bundles given up front. */
export class InputOperator extends PhysicalOperator {
  constructor(name: string, private readonly bundles: readonly RefBundle[]) {
    super(name, []);
  }

  override async start(): Promise<void> {
    const seq = this.reserveOutput();
    for (const b of this.bundles) this.emit(seq, b);
    this.finishOutput(seq);
  }

  canLaunch(): boolean {
    return false;
  }
  launch(): void {}
  activeTasks(): number {
    return 0;
  }
}

/** Passes the first `n` rows. */
export class LimitOperator extends PhysicalOperator {
  private left: number;
  private slicing = 0;

  constructor(name: string, input: PhysicalOperator, n: number) {
    super(name, [input]);
    this.left = n;
  }

  /** A limit wants no more input once it has its rows. */
  override wantsInput(): boolean {
    return super.wantsInput() && this.left > 0;
  }

  canLaunch(): boolean {
    return this.queues[0]!.length > 0;
  }

  launch(): void {
    const b = this.queues[0]!.shift()!;
    if (this.left <= 0) {
      releaseOwned([b]);
      return;
    }
    const seq = this.reserveOutput();
    if (b.meta.numRows <= this.left) {
      this.left -= b.meta.numRows;
      this.emit(seq, b);
      this.finishOutput(seq);
      return;
    }
    const rows = this.left;
    this.left = 0;
    this.slicing++;
    this.recorder.taskStarted();
    const ref = sliceTask.options({ name: `${this.name}.slice` }).remote([[0, rows]], b.ref) as ray.ObjectRef<Block>;
    const bytes = Math.ceil((b.meta.sizeBytes * rows) / Math.max(1, b.meta.numRows));
    // The slice task holds its argument; the input ref can go once the task has it.
    queueMicrotask(() => releaseOwned([b]));
    this.emit(seq, { ref, meta: { numRows: rows, sizeBytes: bytes, inputFiles: b.meta.inputFiles }, owned: true });
    this.finishOutput(seq);
    this.slicing--;
  }

  activeTasks(): number {
    return this.slicing;
  }

  override isComplete(): boolean {
    return super.isComplete() || (this.left <= 0 && this.queues[0]!.length === 0);
  }
}

/** Concatenates its inputs: all of input 0, then input 1, ... (or as they come when order is not preserved). */
export class UnionOperator extends PhysicalOperator {
  private current = 0;
  private readonly seqs: number[];

  constructor(name: string, inputs: PhysicalOperator[]) {
    super(name, inputs);
    this.seqs = [];
  }

  override async start(): Promise<void> {
    for (let i = 0; i < this.inputs.length; i++) this.seqs.push(this.reserveOutput());
  }

  canLaunch(): boolean {
    return this.queues.some((q) => q.length > 0) || (this.current < this.inputs.length && this.inputDone[this.current]!);
  }

  launch(): void {
    for (let i = 0; i < this.queues.length; i++) {
      for (const b of this.queues[i]!.splice(0)) this.emit(this.seqs[i]!, b);
    }
    while (this.current < this.inputs.length && this.inputDone[this.current]!) this.finishOutput(this.seqs[this.current++]!);
  }

  activeTasks(): number {
    return 0;
  }

  protected override internalDone(): boolean {
    return this.current >= this.inputs.length;
  }
}
