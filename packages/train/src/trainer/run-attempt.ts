/**
 * One attempt of a run: a worker group runs the loop from the run's latest checkpoint;
 * reports are committed once every worker made them (metrics of rank 0, the checkpoint
 * the workers persisted). The first worker failure ends the attempt.
 */
import * as ray from '@ray-ts/core';
import type { DataIterator } from '@ray-ts/data';
import { Checkpoint } from '../checkpoint/checkpoint.js';
import type { ResolvedTrainerOptions } from '../config/trainer-options.js';
import { TrainAbortedError, TrainLoopNotFoundError } from '../errors.js';
import type { SessionInit, WorkerEvent } from '../session/worker-session.js';
import { checkDataCpus, dataCpuWaitMs } from './data-cpus.js';
import type { FrameworkSetup } from './frameworks.js';
import type { RunState } from './run-state.js';
import { WorkerGroup } from './worker-group.js';

/** A report some workers made and others not yet. */
interface PendingReport {
  count: number;
  metrics?: Record<string, unknown>;
  checkpointPath?: string;
}

/** An attempt of a run. */
export class RunAttempt {
  private group: WorkerGroup | undefined;
  private readonly pending = new Map<number, PendingReport>();
  private commits: Promise<void> = Promise.resolve();
  private readonly uploaded = new Set<string>();

  constructor(
    private readonly opts: ResolvedTrainerOptions,
    private readonly framework: FrameworkSetup | undefined,
    private readonly loop: ray.ExportRef,
    private readonly state: RunState,
    private readonly signal?: AbortSignal,
  ) {}

  /** Runs the loop on a new worker group until every worker returns; throws the first failure. */
  async run(): Promise<void> {
    const group = await WorkerGroup.create(this.opts, this.framework);
    this.group = group;
    await checkDataCpus(this.opts.datasets, dataCpuWaitMs(), this.signal);
    const shards = await this.splitDatasets();
    const base = this.state.nextReportIndex;
    const start = this.state.startCheckpoint;
    await this.startAll(group, shards, base, start);
    await Promise.race([Promise.all(group.actors.map((a, rank) => this.follow(a, rank))), this.aborted()]);
    await this.commits;
  }

  /** Rejects with TrainAbortedError when the fit's signal aborts (never settles otherwise). */
  private aborted(): Promise<never> {
    return new Promise((_, reject) => {
      const fail = () => reject(new TrainAbortedError(`Training run '${this.opts.name}' was aborted: ${String(this.signal?.reason ?? 'fit() signal')}`));
      if (this.signal?.aborted) fail();
      else this.signal?.addEventListener('abort', fail, { once: true });
    });
  }

  /** Starts the loop in every worker; a loop the workers cannot load fails as TrainLoopNotFoundError. */
  private async startAll(group: WorkerGroup, shards: Record<string, DataIterator[]>, base: number, start: Checkpoint | undefined): Promise<void> {
    const started = ray.get(
      group.actors.map((a, rank) => {
        const init: SessionInit = {
          ...group.ranks[rank]!,
          worldSize: this.opts.numWorkers,
          collectiveGroup: group.groupName,
          gpuIds: group.infos[rank]!.gpuIds,
          experimentName: this.opts.name,
          runPath: this.state.storage.root,
          s3: this.opts.s3,
          reportBase: base,
          checkpoint: start ? { path: start.path } : undefined,
          datasets: Object.fromEntries(Object.entries(shards).map(([name, its]) => [name, its[rank]!])),
        };
        return a.start.remote(this.loop, this.opts.trainLoopConfig, init);
      }),
    );
    try {
      await started;
    } catch (err) {
      throw err instanceof ray.RayTaskError && err.cause instanceof TrainLoopNotFoundError ? err.cause : err;
    }
  }

  /** One iterator per worker for each dataset: shards of the split ones, the whole of the others. */
  private async splitDatasets(): Promise<Record<string, DataIterator[]>> {
    const n = this.opts.numWorkers;
    const out: Record<string, DataIterator[]> = {};
    for (const [name, ds] of Object.entries(this.opts.datasets)) {
      const split = this.opts.datasetsToSplit === 'all' || this.opts.datasetsToSplit.includes(name);
      out[name] = split ? await ds.streamingSplit(n, { equal: true }) : await Promise.all(Array.from({ length: n }, async () => (await ds.streamingSplit(1))[0]!));
    }
    return out;
  }

  /** Polls one worker's events until its loop returns. */
  private async follow(actor: WorkerGroup['actors'][number], rank: number): Promise<void> {
    for (;;) {
      const events = (await ray.get(actor.poll.remote())) as WorkerEvent[];
      for (const e of events) {
        if (e.type === 'done') return;
        this.record(rank, e);
      }
    }
  }

  private record(rank: number, e: Extract<WorkerEvent, { type: 'report' }>): void {
    this.state.nextReportIndex = Math.max(this.state.nextReportIndex, e.index + 1);
    const p = this.pending.get(e.index) ?? { count: 0 };
    this.pending.set(e.index, p);
    p.count++;
    if (rank === 0) p.metrics = e.metrics;
    if (e.checkpointPath) {
      p.checkpointPath = e.checkpointPath;
      this.uploaded.add(e.checkpointPath);
    }
    if (p.count < this.opts.numWorkers) return;
    this.pending.delete(e.index);
    const checkpoint = p.checkpointPath ? Checkpoint.fromDirectory(p.checkpointPath, { s3: this.opts.s3 }) : undefined;
    if (p.checkpointPath) this.uploaded.delete(p.checkpointPath);
    const metrics = p.metrics ?? {};
    this.commits = this.commits.then(() => this.commit(metrics, checkpoint));
  }

  private async commit(metrics: Record<string, unknown>, checkpoint: Checkpoint | undefined): Promise<void> {
    await this.state.commit(metrics, checkpoint);
    const iteration = this.state.metricsHistory.length;
    await Promise.all(
      this.opts.callbacks.map(async (c) => {
        try {
          await c.onReport?.({ metrics, checkpoint, iteration, timestamp: Date.now() });
        } catch (err) {
          process.stderr.write(`[ray-ts train] callback ${c.constructor?.name ?? 'callback'}.onReport failed (training goes on): ${(err as Error)?.message ?? err}\n`);
        }
      }),
    );
  }

  /** Stops the workers; removes checkpoints persisted for reports that not every worker made. */
  async shutdown(): Promise<void> {
    await this.commits.catch(() => {});
    await this.group?.shutdown();
    for (const path of this.uploaded) await this.state.storage.remove(path).catch(() => {});
  }
}
