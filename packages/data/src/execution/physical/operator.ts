/**
 * The physical operator: a node of the running pipeline. The executor feeds it input
 * bundles, asks it to launch work while the memory budget allows, and takes its output
 * bundles in order. Subclasses say what a unit of work is.
 */
import type { DataContextSnapshot } from '../../context.js';
import type { RefBundle } from '../ref-bundle.js';
import { StatsRecorder } from '../stats.js';
import { releaseOwned } from '../task-stream.js';

/** What an operator can see of the executor. */
export interface ExecEnv {
  readonly ctx: DataContextSnapshot;
  /** CPUs of the cluster. */
  readonly clusterCpus: number;
  /** Something changed (output ready, task finished): run the scheduling loop. */
  wake(): void;
  /** A fatal error: stop the execution and raise it to the consumer. */
  fail(err: unknown): void;
  /** True once the execution is shutting down (errors of cancelled tasks are ignored). */
  readonly closing: boolean;
}

/** Output kept in the order work was launched (or in completion order when preserveOrder is off). */
class OrderedOutput {
  private next = 0;
  private seq = 0;
  private readonly pending = new Map<number, { items: RefBundle[]; done: boolean }>();
  readonly ready: RefBundle[] = [];

  constructor(private readonly ordered: boolean) {}

  reserve(): number {
    const s = this.seq++;
    this.pending.set(s, { items: [], done: false });
    return s;
  }

  push(seq: number, b: RefBundle): void {
    if (!this.ordered || seq === this.next) this.ready.push(b);
    else this.pending.get(seq)!.items.push(b);
  }

  finish(seq: number): void {
    this.pending.get(seq)!.done = true;
    while (this.pending.get(this.next)?.done) {
      this.pending.delete(this.next);
      this.next++;
      const p = this.pending.get(this.next);
      if (p) this.ready.push(...p.items.splice(0));
    }
  }

  buffered(): RefBundle[] {
    return [...this.pending.values()].flatMap((p) => p.items);
  }
}

/** Base of physical operators. */
export abstract class PhysicalOperator {
  /** Statistics of this operator. */
  readonly recorder: StatsRecorder;
  /** Set by the executor before {@link start}. */
  env!: ExecEnv;
  protected readonly queues: RefBundle[][];
  protected readonly inputDone: boolean[];
  private out?: OrderedOutput;
  private stopped = false;
  /** True for an operator that takes all its input before it produces anything (its inputs are not held back). */
  readonly barrier: boolean = false;

  constructor(readonly name: string, readonly inputs: PhysicalOperator[]) {
    this.recorder = new StatsRecorder(name);
    this.queues = inputs.map(() => []);
    this.inputDone = inputs.map(() => false);
  }

  private get output(): OrderedOutput {
    this.out ??= new OrderedOutput(this.env.ctx.executionOptions.preserveOrder);
    return this.out;
  }

  /** Prepares the operator (plans reads, starts actors). */
  async start(): Promise<void> {}

  /** Receives a bundle from input `i`. */
  addInput(b: RefBundle, i: number): void {
    if (this.stopped) {
      releaseOwned([b]);
      return;
    }
    this.queues[i]!.push(b);
  }

  /** Input `i` will send nothing more. */
  markInputDone(i: number): void {
    this.inputDone[i] = true;
  }

  /** True when every input is done. */
  get allInputsDone(): boolean {
    return this.inputDone.every(Boolean);
  }

  /** Bundles (and bytes of executor-made ones) waiting in the input queues. */
  queued(): { blocks: number; bytes: number } {
    let blocks = 0;
    let bytes = 0;
    for (const q of this.queues) for (const b of q) if (b.owned) {
      blocks++;
      bytes += b.meta.sizeBytes;
    }
    return { blocks, bytes };
  }

  /** True when work can start now (ignoring the memory budget). */
  abstract canLaunch(): boolean;
  /** Starts one unit of work. */
  abstract launch(): void;
  /** Units of work running. */
  abstract activeTasks(): number;
  /** Bytes a unit of work is expected to output (for the budget). */
  estimatedTaskOutputBytes(): number {
    const s = this.recorder.stats;
    return s.tasks > 0 ? s.bytes / s.tasks : 0;
  }
  /** Bytes of executor-made input blocks held by running work (still in the object store). */
  heldInputBytes(): number {
    return 0;
  }
  /** Whether this operator still wants input (a limit stops wanting it). */
  wantsInput(): boolean {
    return !this.stopped;
  }

  /** True when all input is processed and all output made. */
  isComplete(): boolean {
    return this.stopped || (this.allInputsDone && this.queues.every((q) => q.length === 0) && this.activeTasks() === 0 && this.internalDone());
  }

  /** Subclasses with internal phases say when those are done. */
  protected internalDone(): boolean {
    return true;
  }

  /** Reserves an output slot (output is delivered in reservation order). */
  protected reserveOutput(): number {
    return this.output.reserve();
  }

  /** Adds an output bundle of a slot. */
  protected emit(seq: number, b: RefBundle): void {
    if (this.stopped) {
      releaseOwned([b]);
      return;
    }
    this.recorder.output(b.meta);
    this.output.push(seq, b);
    this.env.wake();
  }

  /** A slot will get no more output. */
  protected finishOutput(seq: number): void {
    this.output.finish(seq);
    this.env.wake();
  }

  /** Takes the next output bundle, if one is ready. */
  takeOutput(): RefBundle | undefined {
    return this.out?.ready.shift();
  }

  /** Ready output waiting for the consumer. */
  outputQueued(): { blocks: number; bytes: number } {
    let blocks = 0;
    let bytes = 0;
    for (const b of [...(this.out?.ready ?? []), ...(this.out?.buffered() ?? [])]) if (b.owned) {
      blocks++;
      bytes += b.meta.sizeBytes;
    }
    return { blocks, bytes };
  }

  /** Stops: cancels running work and frees queued blocks. Safe to call twice. */
  shutdown(): void {
    if (this.stopped) return;
    this.stopped = true;
    for (const q of this.queues) releaseOwned(q.splice(0));
    if (this.out) {
      releaseOwned(this.out.ready.splice(0));
      releaseOwned(this.out.buffered());
    }
    this.onShutdown();
  }

  /** True after {@link shutdown}. */
  protected get isStopped(): boolean {
    return this.stopped;
  }

  /** Subclasses cancel tasks and kill actors here. */
  protected onShutdown(): void {}
}
