/**
 * Typed errors of Train's trainer and session. Each extends core's `RayError`, has a
 * stable `code` and a message that says what to do next; the classes are registered
 * with core so they keep their class across processes.
 */
import { RayError, registerErrorClass } from '@ray-ts/core';

/** Root of the trainer's errors. */
export class TrainError extends RayError {
  override readonly code: string = 'TRAIN_ERROR';
}

/** The run failed more often than `failureConfig.maxFailures` allows; `cause` is the last failure. */
export class TrainingFailedError extends TrainError {
  override readonly code = 'TRAIN_TRAINING_FAILED';
  /** Failures seen (the first run included). */
  readonly failures: number;
  /** Directory of the run (with its checkpoints), to restore from. */
  readonly path: string;
  constructor(failures: number, path: string, cause: unknown) {
    const inner = cause instanceof Error ? `${cause.name}: ${cause.message}` : String(cause);
    super(
      `Training failed ${failures} time(s), more than failureConfig.maxFailures allows. Last failure: ${inner}. ` +
        `Fix the cause, or raise runConfig.failureConfig.maxFailures; DataParallelTrainer.restore('${path}', ...) resumes from the latest checkpoint.`,
      { cause },
    );
    this.failures = failures;
    this.path = path;
  }
}

/** The training loop cannot be sent to the workers (it is not exported from a module). */
export class TrainLoopNotFoundError extends TrainError {
  override readonly code = 'TRAIN_LOOP_NOT_FOUND';
  /** Name of the training function. */
  readonly loopName: string;
  constructor(loopName: string, detail: string, options?: { cause?: unknown }) {
    super(
      `Training function '${loopName}' cannot run on the workers: ${detail}. ` +
        'Define it at the top level of an ES module and export it (export async function trainLoop(config) {...}), ' +
        'then pass it to the trainer from that module or from a module that imports it.',
      options,
    );
    this.loopName = loopName;
  }
}

/** fit() was aborted through its `signal` (e.g. Tune stopped the trial running the trainer). */
export class TrainAbortedError extends TrainError {
  override readonly code = 'TRAIN_ABORTED';
}

/** report(), getContext() or getDatasetShard() was called outside a training loop, or with bad arguments. */
export class TrainSessionError extends TrainError {
  override readonly code = 'TRAIN_SESSION_ERROR';
}

/** A run directory cannot be restored from (missing, or not written by a trainer). */
export class TrainRestoreError extends TrainError {
  override readonly code = 'TRAIN_RESTORE_ERROR';
  /** The path that was given. */
  readonly path: string;
  constructor(path: string, detail: string, options?: { cause?: unknown }) {
    super(`Cannot restore a training run from ${path}: ${detail}.`, options);
    this.path = path;
  }
}

/**
 * The run's datasets cannot be read: every CPU of the cluster is held by placement groups
 * (this run's workers, other runs, Tune trials), and the data pipeline's read and map tasks
 * need CPUs of their own, so the workers would wait for data forever.
 */
export class TrainDataResourceError extends TrainError {
  override readonly code = 'TRAIN_DATA_NO_CPU';
  /** CPUs of the cluster. */
  readonly totalCpus: number;
  /** CPUs held by placement groups (workers of this and other runs). */
  readonly reservedCpus: number;
  constructor(totalCpus: number, reservedCpus: number, waitedMs: number) {
    super(
      `The datasets cannot be read: ${reservedCpus} of the cluster's ${totalCpus} CPUs are held by placement groups (training workers of this and ` +
        `other runs) for ${Math.round(waitedMs / 1000)} s, and the data pipeline's tasks need at least 1 free CPU. Leave one: fewer ` +
        'scalingConfig.numWorkers or resourcesPerWorker.CPU, fewer concurrent runs (with Tune, a lower tuneConfig.maxConcurrentTrials, or leave it ' +
        'unset: its default counts a CPU per trial for data), or more logical CPUs (ray.init({ numCpus })) or nodes.',
    );
    this.totalCpus = totalCpus;
    this.reservedCpus = reservedCpus;
  }
}

for (const cls of [TrainError, TrainAbortedError, TrainingFailedError, TrainLoopNotFoundError, TrainSessionError, TrainRestoreError, TrainDataResourceError]) {
  registerErrorClass(cls);
}
