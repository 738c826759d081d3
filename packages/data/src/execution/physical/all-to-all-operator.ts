/**
 * All-to-all operators (repartition, randomShuffle, sort, groupBy): a barrier that
 * collects its input refs (the blocks stay in the object store), then runs distributed
 * map tasks that partition every block (after sampling key boundaries for sort and
 * groupBy) and reduce tasks that merge each partition. Nothing is collected in the
 * driver but refs and small metadata.
 */
import * as ray from '@ray-ts/core';
import type { AggregateSpec } from '../../aggregate.js';
import type { Block } from '../../block.js';
import type { StageSpec } from '../stages.js';
import { sampleTask, shuffleMapTask, shuffleReduceTask } from '../all-to-all/shuffle-fns.js';
import { partitionCount, type PartitionSpec, type ReduceSpec } from '../all-to-all/shuffle-ops.js';
import { boundariesFromSamples, type KeyTuple, type SortKey } from '../all-to-all/sort-key.js';
import type { BlockMeta, RefBundle } from '../ref-bundle.js';
import { sliceTask } from '../remote-fns.js';
import { releaseOwned, toDataError } from '../task-stream.js';
import type { PhysicalOperator } from './operator.js';
import { StreamingTaskOperator } from './task-operator.js';
import { planSlices } from './slice-plan.js';

/** What an all-to-all operator does, as plain data. */
export type AllToAllSpec =
  | { readonly kind: 'split'; readonly numBlocks: number }
  | { readonly kind: 'shuffle'; readonly partition: PartitionSpec; readonly reduce: ReduceSpec }
  | { readonly kind: 'range'; readonly key: SortKey; readonly numBlocks?: number; readonly partial?: { keys: string[]; aggs: AggregateSpec[] }; readonly reduce: ReduceSpec; readonly stage?: StageSpec; readonly resources?: { numCpus: number; numGpus: number } };

type Reducer = () => void;

async function pool<T>(items: readonly T[], limit: number, fn: (item: T, i: number) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      await fn(items[i]!, i);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, worker));
}

/** The all-to-all operator. */
export class AllToAllOperator extends StreamingTaskOperator {
  private readonly collected: RefBundle[] = [];
  private phase: 'collect' | 'prepare' | 'reduce' = 'collect';
  private reducers: Reducer[] = [];
  private nextReducer = 0;
  private parts: ray.ObjectRef<Block>[][] = [];

  constructor(name: string, input: PhysicalOperator, private readonly spec: AllToAllSpec) {
    super(name, [input]);
  }

  override addInput(b: RefBundle): void {
    if (this.isStopped) releaseOwned([b]);
    else this.collected.push(b);
  }

  canLaunch(): boolean {
    if (this.phase === 'collect') return this.allInputsDone;
    return this.phase === 'reduce' && this.nextReducer < this.reducers.length && this.activeTasks() < Math.max(1, this.env.clusterCpus);
  }

  launch(): void {
    if (this.phase === 'collect') {
      this.phase = 'prepare';
      this.prepare().then(
        () => {
          this.phase = 'reduce';
          this.env.wake();
        },
        (err) => {
          if (!this.env.closing && !this.isStopped) this.env.fail(toDataError(this.name, err));
        },
      );
      return;
    }
    this.reducers[this.nextReducer++]!();
  }

  protected override internalDone(): boolean {
    return this.phase === 'reduce' && this.nextReducer >= this.reducers.length;
  }

  private async prepare(): Promise<void> {
    const inputs = this.collected.filter((b) => b.meta.numRows > 0);
    releaseOwned(this.collected.filter((b) => b.meta.numRows === 0));
    const s = this.spec;
    if (s.kind === 'split') return this.prepareSplit(inputs, s.numBlocks);
    let partition: PartitionSpec;
    let reduce: ReduceSpec;
    let stage: StageSpec | null = null;
    if (s.kind === 'shuffle') {
      partition = s.partition.kind === 'random' && s.partition.parts === 0 ? { ...s.partition, parts: Math.max(1, inputs.length) } : s.partition;
      reduce = s.reduce;
    } else {
      const parts = s.key.columns.length === 0 ? 1 : s.numBlocks ?? Math.max(1, s.partial ? Math.min(inputs.length, 2 * this.env.clusterCpus) : inputs.length);
      const boundaries = parts > 1 ? await this.sample(inputs, s.key, parts) : [];
      partition = { kind: 'range', key: s.key, boundaries, partial: s.partial };
      reduce = s.reduce;
      stage = s.stage ?? null;
    }
    await this.shuffleMap(inputs, partition);
    const p = partitionCount(partition);
    this.reducers = Array.from({ length: p }, (_, i) => () => this.reduceOne(i, reduce, stage));
  }

  private async sample(inputs: RefBundle[], key: SortKey, parts: number): Promise<KeyTuple[]> {
    const perBlock = Math.max(10, Math.ceil((parts * 4) / Math.max(1, inputs.length)));
    const fn = sampleTask.options({ name: `${this.name}.sample` });
    const samples = await ray.get(inputs.map((b) => fn.remote(this.name, key, perBlock, b.ref)));
    return boundariesFromSamples(samples.flat(), parts, key);
  }

  private async shuffleMap(inputs: RefBundle[], partition: PartitionSpec): Promise<void> {
    const p = partitionCount(partition);
    const fn = shuffleMapTask.options({ name: `${this.name}.map`, numReturns: p + 1 });
    this.parts = Array.from({ length: p }, () => []);
    await pool(inputs, this.env.clusterCpus * 2, async (b, i) => {
      if (this.isStopped) return;
      this.recorder.taskStarted();
      const refs = fn.remote(this.name, partition, i, b.ref) as ray.ObjectRef<unknown>[];
      const metaRef = refs.pop()!;
      const metas = (await ray.get(metaRef)) as BlockMeta[];
      metaRef.release();
      releaseOwned([b]);
      refs.forEach((r, j) => {
        if (metas[j]!.numRows > 0) this.parts[j]![i] = r as ray.ObjectRef<Block>;
        else r.release();
      });
    });
  }

  private reduceOne(i: number, reduce: ReduceSpec, stage: StageSpec | null): void {
    const refs = (this.parts[i] ?? []).filter(Boolean);
    this.parts[i] = [];
    if (refs.length === 0) return;
    const s = this.spec;
    const res = s.kind === 'range' && s.resources ? s.resources : { numCpus: 1, numGpus: 0 };
    const fn = shuffleReduceTask.options({ name: `${this.name}.reduce`, numCpus: res.numCpus, numGpus: res.numGpus });
    const gen = fn.remote(this.name, reduce, i, stage, this.emitOptions(), ...refs) as ray.ObjectRefGenerator<unknown>;
    this.track(gen, refs.map((ref) => ({ ref, meta: { numRows: 0, sizeBytes: 0 }, owned: true })));
  }

  private prepareSplit(inputs: RefBundle[], numBlocks: number): void {
    const plans = planSlices(inputs.map((b) => b.meta.numRows), numBlocks);
    const fn = sliceTask.options({ name: `${this.name}.split` });
    const remainingUses = inputs.map((_, i) => plans.filter((p) => p.some((s) => s.block === i)).length);
    this.reducers = plans.map((plan) => () => {
      const seq = this.reserveOutput();
      const rows = plan.reduce((n, s) => n + s.end - s.start, 0);
      const bytes = plan.reduce((n, s) => n + (inputs[s.block]!.meta.sizeBytes * (s.end - s.start)) / Math.max(1, inputs[s.block]!.meta.numRows), 0);
      this.recorder.taskStarted();
      const ref = fn.remote(plan.map((s) => [s.start, s.end] as [number, number]), ...plan.map((s) => inputs[s.block]!.ref)) as ray.ObjectRef<Block>;
      if (rows > 0) this.emit(seq, { ref, meta: { numRows: rows, sizeBytes: Math.ceil(bytes) }, owned: true });
      this.finishOutput(seq);
      for (const s of plan) if (--remainingUses[s.block]! === 0) queueMicrotask(() => releaseOwned([inputs[s.block]!]));
    });
  }

  protected override onShutdown(): void {
    super.onShutdown();
    releaseOwned(this.collected.splice(0));
    for (const p of this.parts) for (const r of p) r?.release();
    this.parts = [];
  }
}
