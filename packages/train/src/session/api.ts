/**
 * What a training loop calls (Ray Train's `ray.train.report`, `get_context`,
 * `get_dataset_shard`, `get_checkpoint`). They work inside a loop run by a trainer.
 */
import type { DataIterator } from '@ray-ts/data';
import type { Checkpoint } from '../checkpoint/checkpoint.js';
import { TrainSessionError } from '../errors.js';
import { activeSession } from './worker-session.js';

/** Options of {@link report}. */
export interface ReportOptions {
  /** A checkpoint (a directory) saved with this report, persisted into the run's storage. */
  checkpoint?: Checkpoint;
}

/**
 * Reports metrics (and optionally a checkpoint) of this worker. Every worker must call
 * it the same number of times: the trainer records a report once all workers made it,
 * with the metrics of rank 0, and keeps a checkpoint only then.
 */
export async function report(metrics: Record<string, unknown>, options: ReportOptions = {}): Promise<void> {
  if (options === null || typeof options !== 'object') throw new TypeError('report() options must be an object');
  await activeSession('report()').report(metrics, options.checkpoint);
}

/** The latest checkpoint of the run (after a restart or restore) or `resumeFromCheckpoint`, if any. */
export function getCheckpoint(): Checkpoint | undefined {
  return activeSession('getCheckpoint()').checkpoint;
}

/** Where this worker stands in the run. */
export interface TrainContext {
  /** Rank among all workers (0 .. worldSize-1). */
  getWorldRank(): number;
  /** Number of workers. */
  getWorldSize(): number;
  /** Rank among the workers on this node. */
  getLocalRank(): number;
  /** Workers on this node. */
  getLocalWorldSize(): number;
  /** Rank of this node among the run's nodes. */
  getNodeRank(): number;
  /** The run's name. */
  getExperimentName(): string;
  /** The run's directory (local path or s3://). */
  getStoragePath(): string;
}

/** This worker's place in the run. */
export function getContext(): TrainContext {
  const { init } = activeSession('getContext()');
  return Object.freeze({
    getWorldRank: () => init.worldRank,
    getWorldSize: () => init.worldSize,
    getLocalRank: () => init.localRank,
    getLocalWorldSize: () => init.localWorldSize,
    getNodeRank: () => init.nodeRank,
    getExperimentName: () => init.experimentName,
    getStoragePath: () => init.runPath,
  });
}

/**
 * This worker's shard of a dataset passed in the trainer's `datasets` (all of it for a
 * dataset not split). Each pass of `iterBatches()` over it is one epoch.
 * @throws TrainSessionError when the trainer has no dataset of that name
 */
export function getDatasetShard(name: string): DataIterator {
  const { init } = activeSession('getDatasetShard()');
  const it = init.datasets[name];
  if (!it) throw new TrainSessionError(`getDatasetShard('${name}'): the trainer has no dataset '${name}' (it has: ${Object.keys(init.datasets).join(', ') || 'none'})`);
  return it;
}
