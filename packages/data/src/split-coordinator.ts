/**
 * streamingSplit(n): n iterators that pull from one shared streaming execution, for
 * training workers. The execution runs in a coordinator actor (Ray's
 * SplitCoordinator); each iterator asks it for the next block and gets whichever block
 * is ready, so every row goes to exactly one iterator (with `equal`, blocks are dealt so
 * that every iterator gets the same number of rows: see {@link OutputSplitter}). Each pass over the iterators is
 * an epoch: a new execution starts once every iterator has finished the previous one
 * and asked for the next.
 */
import * as ray from '@ray-ts/core';
import type { DataContextSnapshot } from './context.js';
import { DataIterator } from './data-iterator.js';
import type { ExecNode } from './execution/exec-plan.js';
import type { BlockMeta, RefBundle } from './execution/ref-bundle.js';
import { StreamingExecutor } from './execution/streaming-executor.js';
import { releaseOwned, toDataError } from './execution/task-stream.js';
import { sliceTask } from './execution/remote-fns.js';
import { OutputSplitter } from './output-splitter.js';
import type { Block } from './block.js';

/** What a split iterator gets for one block. */
interface SplitItem {
  ref: ray.ObjectRef<Block>;
  meta: BlockMeta;
}

/** The coordinator actor: runs the execution and hands out its blocks. */
export class SplitCoordinatorActor {
  private epoch = -1;
  private it?: AsyncGenerator<RefBundle>;
  private splitter!: OutputSplitter<RefBundle>;
  private done = false;
  private readonly finished = new Set<number>();
  private epochWaiters: (() => void)[] = [];
  private failure: unknown;
  /** The pull from the execution in progress (one at a time). */
  private pulling: Promise<void> | undefined;

  constructor(private readonly plan: ExecNode, private readonly ctx: DataContextSnapshot, private readonly n: number, private readonly equal = false) {}

  private startEpoch(epoch: number): void {
    this.epoch = epoch;
    this.finished.clear();
    this.failure = undefined;
    this.done = false;
    this.splitter = new OutputSplitter(this.n, this.equal);
    this.it = new StreamingExecutor(this.plan, this.ctx, false).iterate();
    for (const w of this.epochWaiters.splice(0)) w();
  }

  /** Pulls one bundle from the execution for `split`; at the end, evens the splits out (equal mode). */
  private pull(split: number): Promise<void> {
    this.pulling ??= (async () => {
      try {
        const r = await this.it!.next();
        if (!r.done) {
          this.splitter.add({ item: r.value, rows: r.value.meta.numRows }, split);
          return;
        }
        this.done = true;
        const { cuts, dropped } = this.splitter.finish();
        for (const c of cuts) this.splitter.queues[c.split]!.push({ item: this.cut(c.item, c.start, c.end), rows: c.end - c.start });
        releaseOwned(dropped);
        for (const c of cuts) if (c.item.owned && !(c.start === 0 && c.end === c.item.meta.numRows)) c.item.ref.release();
      } catch (err) {
        this.failure = err;
      } finally {
        this.pulling = undefined;
      }
    })();
    return this.pulling;
  }

  /** Rows `[start, end)` of a bundle (the bundle itself when whole; a slice task otherwise). */
  private cut(b: RefBundle, start: number, end: number): RefBundle {
    if (start === 0 && end === b.meta.numRows) return b;
    const ref = sliceTask.options({ name: 'StreamingSplit.equalize' }).remote([[start, end]], b.ref) as ray.ObjectRef<Block>;
    const rows = end - start;
    return { ref, meta: { numRows: rows, sizeBytes: Math.ceil((b.meta.sizeBytes * rows) / Math.max(1, b.meta.numRows)) }, owned: true };
  }

  /** The next block for iterator `split` in `epoch`, or null when its epoch is done. */
  async next(split: number, epoch: number): Promise<SplitItem | null> {
    while (epoch > this.epoch) {
      if (this.epoch < 0 || (this.finished.size >= this.n && epoch === this.epoch + 1)) this.startEpoch(epoch);
      else await new Promise<void>((r) => this.epochWaiters.push(r));
    }
    if (epoch < this.epoch || this.finished.has(split)) return null;
    const queue = this.splitter.queues[split]!;
    for (;;) {
      // A failed execution fails every iterator of the epoch (not just the one that saw it).
      if (this.failure) throw this.failure;
      const piece = queue.shift();
      if (piece) {
        const b = piece.item;
        // The returned object holds the ref; drop ours once the return value is stored.
        if (b.owned) setTimeout(() => b.ref.release(), 1000);
        return { ref: b.ref, meta: b.meta };
      }
      if (this.done) break;
      await this.pull(split);
    }
    this.finished.add(split);
    if (this.finished.size >= this.n) for (const w of this.epochWaiters.splice(0)) w();
    return null;
  }
}

/** The remote actor class of {@link SplitCoordinatorActor}. */
export const SplitCoordinator = ray.remote(SplitCoordinatorActor);

/** An iterator of one split of a streamingSplit; can be passed to tasks and actors. */
export class StreamSplitDataIterator extends DataIterator {
  private epoch = 0;

  /** @internal */
  constructor(readonly coordinator: ray.ActorHandle<InstanceType<typeof SplitCoordinator.cls>>, readonly split: number) {
    super(() => this.pull());
  }

  private async *pull(): AsyncGenerator<RefBundle> {
    const epoch = this.epoch++;
    for (;;) {
      let item: SplitItem | null;
      try {
        item = (await ray.get(this.coordinator.next.remote(this.split, epoch))) as SplitItem | null;
      } catch (err) {
        throw toDataError('StreamingSplit', err);
      }
      if (!item) return;
      yield { ref: item.ref, meta: item.meta, owned: true };
    }
  }
}

ray.registerSerializer(StreamSplitDataIterator, {
  name: 'ray-ts/data/StreamSplitDataIterator',
  serialize: (it) => ({ coordinator: it.coordinator, split: it.split }),
  deserialize: (d: { coordinator: StreamSplitDataIterator['coordinator']; split: number }) => new StreamSplitDataIterator(d.coordinator, d.split),
});

/**
 * Starts a coordinator for a compiled plan and returns `n` iterators over it; with
 * `equal`, every iterator gets the same number of rows per epoch (the rest is dropped).
 */
export function streamingSplitIterators(plan: ExecNode, ctx: DataContextSnapshot, n: number, equal = false): StreamSplitDataIterator[] {
  const coordinator = SplitCoordinator.options({ maxConcurrency: Math.max(4, n * 2) }).remote(plan, ctx, n, equal);
  return Array.from({ length: n }, (_, i) => new StreamSplitDataIterator(coordinator, i));
}
