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
  | {
      readonly kind: 'range';
      readonly key: SortKey;
      readonly numBlocks?: number;
      /** Map tasks turn raw rows into partial aggregation states before partitioning. */
      readonly partial?: { keys: string[]; aggs: AggregateSpec[] };
      /** The input blocks already are partial aggregation states (the partial step was fused upstream). */
      readonly inputPartial?: boolean;
      readonly reduce: ReduceSpec;
      readonly stage?: StageSpec;
      readonly resources?: { numCpus: number; numGpus: number };
    };

/** Partial aggregation rows per reduce partition. */
const AGG_ROWS_PER_PARTITION = 262_144;
/** Raw rows below which an aggregation skips the map phase and runs as one reduce task. */
const AGG_SINGLE_TASK_ROWS = 65_536;
/** Rows per reduce partition a sort aims for (more partitions than 2 per CPU only above it). */
const SORT_ROWS_PER_PARTITION = 2_000_000;
/** Input blocks whose keys are sampled for range boundaries (evenly spaced), at most. */
const SAMPLED_BLOCKS = 32;
/** Input bytes one shuffle map task takes at most (map tasks take several blocks: fewer, larger objects). */
const MAP_TASK_BYTES = 256 * 1024 * 1024;

/** Contiguous groups of bundles, about `n` of them, balanced by rows. */
export function groupBundles(bundles: readonly RefBundle[], n: number): RefBundle[][] {
  const total = bundles.reduce((s, b) => s + Math.max(1, b.meta.numRows), 0);
  const groups: RefBundle[][] = [];
  let before = 0;
  for (const b of bundles) {
    const g = Math.min(n - 1, Math.floor(((before + Math.max(1, b.meta.numRows) / 2) / total) * n));
    (groups[g] ??= []).push(b);
    before += Math.max(1, b.meta.numRows);
  }
  return groups.filter(Boolean);
}

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
  private parts: RefBundle[][] = [];

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
      reduce = s.reduce;
      stage = s.stage ?? null;
      const parts = this.rangeParts(inputs, s);
      if (parts === 1 && reduce.kind === 'aggregate') {
        // One reduce task merges everything: no sampling, no map phase.
        this.parts = [inputs];
        this.reducers = [() => this.reduceOne(0, { ...reduce, raw: !s.inputPartial } as ReduceSpec, stage)];
        return;
      }
      const boundaries = parts > 1 ? await this.sample(inputs, s.key, parts) : [];
      partition = { kind: 'range', key: s.key, boundaries, partial: s.partial };
    }
    await this.shuffleMap(inputs, partition);
    const p = partitionCount(partition);
    this.reducers = Array.from({ length: p }, (_, i) => () => this.reduceOne(i, reduce, stage));
  }

  /** Reduce partitions of a range shuffle: fewer for small aggregations. */
  private rangeParts(inputs: RefBundle[], s: Extract<AllToAllSpec, { kind: 'range' }>): number {
    if (s.key.columns.length === 0) return 1;
    if (s.numBlocks !== undefined) return s.numBlocks;
    const cpus2 = 2 * Math.max(1, this.env.clusterCpus);
    const rows = inputs.reduce((n, b) => n + b.meta.numRows, 0);
    if (s.reduce.kind !== 'aggregate') {
      // Each map task writes one object per partition: keep partitions few but enough for every CPU.
      const cpus = Math.max(1, this.env.clusterCpus);
      const wanted = Math.ceil(Math.max(cpus2, Math.ceil(rows / SORT_ROWS_PER_PARTITION)) / cpus) * cpus; // whole rounds of reduce tasks
      return Math.max(1, Math.min(inputs.length, wanted));
    }
    if (s.inputPartial) return Math.max(1, Math.min(cpus2, Math.ceil(rows / AGG_ROWS_PER_PARTITION)));
    if (rows <= AGG_SINGLE_TASK_ROWS) return 1;
    return Math.max(1, Math.min(inputs.length, cpus2));
  }

  private async sample(inputs: RefBundle[], key: SortKey, parts: number): Promise<KeyTuple[]> {
    const k = Math.min(inputs.length, SAMPLED_BLOCKS);
    const picked = Array.from({ length: k }, (_, i) => inputs[Math.floor(((i + 0.5) * inputs.length) / k)]!);
    const perBlock = Math.max(20, Math.ceil((parts * 20) / k));
    const fn = sampleTask.options({ name: `${this.name}.sample` });
    const groups = groupBundles(picked, Math.max(1, 2 * this.env.clusterCpus));
    const samples = await ray.get(groups.map((g) => fn.remote(this.name, key, perBlock, ...g.map((b) => b.ref))));
    return boundariesFromSamples(samples.flat(), parts, key);
  }

  private async shuffleMap(inputs: RefBundle[], partition: PartitionSpec): Promise<void> {
    const p = partitionCount(partition);
    const fn = shuffleMapTask.options({ name: `${this.name}.map`, numReturns: p + 1 });
    this.parts = Array.from({ length: p }, () => []);
    const bytes = inputs.reduce((s, b) => s + b.meta.sizeBytes, 0);
    const tasks = Math.min(inputs.length, Math.max(4 * this.env.clusterCpus, Math.ceil(bytes / MAP_TASK_BYTES)));
    await pool(groupBundles(inputs, Math.max(1, tasks)), this.env.clusterCpus * 2, async (group, i) => {
      if (this.isStopped) return;
      this.recorder.taskStarted();
      const refs = fn.remote(this.name, partition, i, ...group.map((b) => b.ref)) as ray.ObjectRef<unknown>[];
      const metaRef = refs.pop()!;
      const metas = (await ray.get(metaRef)) as BlockMeta[];
      metaRef.release();
      releaseOwned(group);
      refs.forEach((r, j) => {
        if (metas[j]!.numRows > 0) this.parts[j]![i] = { ref: r as ray.ObjectRef<Block>, meta: metas[j]!, owned: true };
        else r.release();
      });
    });
  }

  private reduceOne(i: number, reduce: ReduceSpec, stage: StageSpec | null): void {
    const bundles = (this.parts[i] ?? []).filter(Boolean);
    this.parts[i] = [];
    if (bundles.length === 0) return;
    const s = this.spec;
    const res = s.kind === 'range' && s.resources ? s.resources : { numCpus: 1, numGpus: 0 };
    const fn = shuffleReduceTask.options({ name: `${this.name}.reduce`, numCpus: res.numCpus, numGpus: res.numGpus });
    const gen = fn.remote(this.name, reduce, i, stage, this.emitOptions(), ...bundles.map((b) => b.ref)) as ray.ObjectRefGenerator<unknown>;
    this.track(gen, bundles);
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
    for (const p of this.parts) releaseOwned(p.filter(Boolean));
    this.parts = [];
  }
}
