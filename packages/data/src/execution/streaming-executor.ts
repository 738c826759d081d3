/**
 * The streaming executor: runs the physical operators of a plan as a pipeline. Whenever
 * something changes it moves output bundles to consumers and launches work, downstream
 * operators first, while the memory budget allows: an operator waits when the blocks
 * queued for its consumer reach `maxQueuedBlocksPerOperator`, or when all blocks in
 * flight (queued plus the expected output of running tasks) would pass
 * `objectStoreMemoryLimit`. An operator whose consumer has nothing queued may always run
 * one task, so the pipeline always progresses. Output is pulled with {@link iterate}.
 */
import * as ray from '@ray-ts/core';
import type { DataContextSnapshot } from '../context.js';
import { buildTopology, type ExecNode, type Topology } from './exec-plan.js';
import type { ExecEnv, PhysicalOperator } from './physical/operator.js';
import { ProgressReporter } from './progress.js';
import type { RefBundle } from './ref-bundle.js';
import type { DatasetStats } from './stats.js';
import { releaseOwned } from './task-stream.js';

/** Runs one execution of a plan. */
/** Object store size assumed when the cluster does not report one. */
const DEFAULT_STORE_BYTES = 2 * 1024 ** 3;

export class StreamingExecutor {
  private readonly topo: Topology;
  private readonly final: RefBundle[] = [];
  private readonly doneSent = new Set<PhysicalOperator>();
  private error: unknown;
  private failed = false;
  private finished = false;
  private closing = false;
  private scheduled = false;
  private started = false;
  private waiter: (() => void) | undefined;
  private startedAt = 0;
  private endedAt = 0;
  private clusterCpus = 1;
  private memoryLimit = DEFAULT_STORE_BYTES * 0.25;
  private progress?: ProgressReporter;

  constructor(plan: ExecNode, private readonly ctx: DataContextSnapshot, private readonly showProgress = true) {
    this.topo = buildTopology(plan);
  }

  /** The output bundles, in order. The consumer owns each bundle it receives (releases owned refs). */
  async *iterate(): AsyncGenerator<RefBundle> {
    try {
      await this.start();
      for (;;) {
        if (this.failed) throw this.error;
        const b = this.final.shift();
        if (b) {
          this.wake();
          yield b;
          continue;
        }
        if (this.finished) return;
        await new Promise<void>((resolve) => (this.waiter = resolve));
      }
    } finally {
      this.shutdown();
    }
  }

  /** The output operator. */
  get root(): PhysicalOperator {
    return this.topo.root;
  }

  /** Statistics per operator, sources first. */
  stats(): DatasetStats {
    const end = this.endedAt || performance.now();
    return { operators: this.topo.ops.map((o) => ({ ...o.recorder.stats })), totalMs: this.startedAt ? end - this.startedAt : 0 };
  }

  private async start(): Promise<void> {
    this.startedAt = performance.now();
    const resources = await ray.clusterResources();
    this.clusterCpus = Math.max(1, resources.CPU ?? 1);
    // Unless set, the budget is a quarter of the cluster's object store.
    this.memoryLimit = this.ctx.executionOptions.objectStoreMemoryLimit ?? Math.floor((resources.objectStoreMemory ?? DEFAULT_STORE_BYTES) * 0.25);
    const self = this;
    const env: ExecEnv = {
      ctx: this.ctx,
      get clusterCpus() {
        return self.clusterCpus;
      },
      wake: () => this.wake(),
      fail: (err) => this.fail(err),
      get closing() {
        return self.closing;
      },
    };
    for (const op of this.topo.ops) op.env = env;
    if (this.showProgress) this.progress = ProgressReporter.create(this.ctx, this.topo.ops);
    for (const op of this.topo.ops) await op.start();
    this.started = true;
    this.update();
  }

  private fail(err: unknown): void {
    if (this.failed || this.closing) return;
    this.failed = true;
    this.error = err;
    this.notify();
  }

  private wake(): void {
    if (this.scheduled || this.closing || !this.started) return;
    this.scheduled = true;
    queueMicrotask(() => {
      this.scheduled = false;
      this.update();
    });
  }

  private notify(): void {
    const w = this.waiter;
    this.waiter = undefined;
    w?.();
  }

  private update(): void {
    if (this.closing || this.failed) return this.notify();
    const { ops, consumers, root } = this.topo;
    for (const op of ops) {
      const c = consumers.get(op);
      for (let b = op.takeOutput(); b; b = op.takeOutput()) {
        if (c) c.op.addInput(b, c.index);
        else this.final.push(b);
      }
      if (c && !this.doneSent.has(op) && op.isComplete()) {
        this.doneSent.add(op);
        c.op.markInputDone(c.index);
      }
    }
    for (let i = ops.length - 1; i >= 0; i--) {
      const op = ops[i]!;
      const c = consumers.get(op);
      if (c && !c.op.wantsInput() && !op.isComplete()) op.shutdown();
    }
    for (let i = ops.length - 1; i >= 0; i--) {
      const op = ops[i]!;
      for (let guard = 0; guard < 10_000 && op.canLaunch() && this.allowed(op); guard++) op.launch();
    }
    if (root.isComplete() && !this.finished) {
      for (let b = root.takeOutput(); b; b = root.takeOutput()) this.final.push(b);
      this.finished = true;
      this.endedAt = performance.now();
    }
    this.progress?.update();
    this.notify();
  }

  private downstreamQueued(op: PhysicalOperator): { blocks: number; bytes: number } {
    const own = op.outputQueued();
    const c = this.topo.consumers.get(op);
    let blocks = own.blocks;
    let bytes = own.bytes;
    if (c) {
      const q = c.op.queued();
      blocks += q.blocks;
      bytes += q.bytes;
    } else {
      for (const b of this.final) if (b.owned) {
        blocks++;
        bytes += b.meta.sizeBytes;
      }
    }
    return { blocks, bytes };
  }

  /** The budget check: may `op` launch one more unit of work now? */
  private allowed(op: PhysicalOperator): boolean {
    // A barrier (zip) starts only once it holds all its input: holding its inputs back would wait forever.
    if (this.topo.consumers.get(op)?.op.barrier) return true;
    const down = this.downstreamQueued(op);
    if (down.blocks === 0 && op.activeTasks() === 0) return true;
    if (down.blocks >= this.ctx.executionOptions.maxQueuedBlocksPerOperator) return false;
    let usage = 0;
    for (const o of this.topo.ops) {
      usage += o.outputQueued().bytes + o.queued().bytes + o.heldInputBytes() + o.activeTasks() * o.estimatedTaskOutputBytes();
    }
    for (const b of this.final) if (b.owned) usage += b.meta.sizeBytes;
    return usage + op.estimatedTaskOutputBytes() <= this.memoryLimit;
  }

  /** Stops everything: cancels tasks, kills actor pools, frees queued blocks. */
  shutdown(): void {
    if (this.closing) return;
    this.closing = true;
    if (!this.endedAt) this.endedAt = performance.now();
    for (const op of this.topo.ops) op.shutdown();
    releaseOwned(this.final.splice(0));
    this.progress?.close();
    this.notify();
  }
}
