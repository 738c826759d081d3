/**
 * The outcome of `trainer.fit()` (Ray Train's Result): the last metrics, the latest
 * checkpoint, the best ones kept, and where the run lives.
 */
import type { Checkpoint } from '../checkpoint/checkpoint.js';

/** A checkpoint with the metrics reported along with it. */
export interface CheckpointWithMetrics {
  readonly checkpoint: Checkpoint;
  readonly metrics: Readonly<Record<string, unknown>>;
}

/** Result of a training run. */
export interface Result {
  /** The last metrics reported (rank 0's), or undefined when the loop reported nothing. */
  readonly metrics: Readonly<Record<string, unknown>> | undefined;
  /** The latest checkpoint, or undefined. */
  readonly checkpoint: Checkpoint | undefined;
  /** Every report's metrics, in order (across restarts: the reports of completed attempts and of the final one). */
  readonly metricsHistory: readonly Readonly<Record<string, unknown>>[];
  /** The checkpoints kept, best first when a score attribute is set (else oldest first). */
  readonly bestCheckpoints: readonly CheckpointWithMetrics[];
  /** The run's directory (local path or s3://). */
  readonly path: string;
  /** Restarts the run took after failures. */
  readonly failures: number;
}
