/**
 * streamingSplit(n): n iterators that pull from one shared streaming execution, for
 * training workers. The execution runs in a coordinator actor (Ray's
 * SplitCoordinator); each iterator asks it for the next block and gets whichever block
 * is ready, so every row goes to exactly one iterator. Each pass over the iterators is
 * an epoch: a new execution starts once every iterator has finished the previous one
 * and asked for the next.
 */
import * as ray from '@ray-ts/core';
import type { DataContextSnapshot } from './context.js';
import { DataIterator } from './data-iterator.js';
import type { ExecNode } from './execution/exec-plan.js';
import type { BlockMeta, RefBundle } from './execution/ref-bundle.js';
import { StreamingExecutor } from './execution/streaming-executor.js';
import { toDataError } from './execution/task-stream.js';
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
  private readonly finished = new Set<number>();
  private epochWaiters: (() => void)[] = [];
  private failure: unknown;

  constructor(private readonly plan: ExecNode, private readonly ctx: DataContextSnapshot, private readonly n: number) {}

  private startEpoch(epoch: number): void {
    this.epoch = epoch;
    this.finished.clear();
    this.failure = undefined;
    this.it = new StreamingExecutor(this.plan, this.ctx, false).iterate();
    for (const w of this.epochWaiters.splice(0)) w();
  }

  /** The next block for iterator `split` in `epoch`, or null when its epoch is done. */
  async next(split: number, epoch: number): Promise<SplitItem | null> {
    while (epoch > this.epoch) {
      if (this.epoch < 0 || (this.finished.size >= this.n && epoch === this.epoch + 1)) this.startEpoch(epoch);
      else await new Promise<void>((r) => this.epochWaiters.push(r));
    }
    if (epoch < this.epoch || this.finished.has(split)) return null;
    // A failed execution fails every iterator of the epoch (not just the one that saw it).
    if (this.failure) throw this.failure;
    let r: IteratorResult<RefBundle>;
    try {
      r = await this.it!.next();
    } catch (err) {
      this.failure = err;
      throw err;
    }
    if (r.done) {
      if (this.failure) throw this.failure;
      this.finished.add(split);
      if (this.finished.size >= this.n) for (const w of this.epochWaiters.splice(0)) w();
      return null;
    }
    const b = r.value;
    // The returned object holds the ref; drop ours once the return value is stored.
    if (b.owned) setTimeout(() => b.ref.release(), 1000);
    return { ref: b.ref, meta: b.meta };
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

/** Starts a coordinator for a compiled plan and returns `n` iterators over it. */
export function streamingSplitIterators(plan: ExecNode, ctx: DataContextSnapshot, n: number): StreamSplitDataIterator[] {
  const coordinator = SplitCoordinator.options({ maxConcurrency: Math.max(4, n * 2) }).remote(plan, ctx, n);
  return Array.from({ length: n }, (_, i) => new StreamSplitDataIterator(coordinator, i));
}
