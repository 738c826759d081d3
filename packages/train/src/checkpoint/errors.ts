/**
 * Typed errors of checkpoints, run storage and logging callbacks. Each extends core's
 * `RayError`, has a stable `code`, typed readonly fields, the original error as `cause`
 * and a message that says what to do next. The classes are registered with core, so an
 * error raised in a train worker keeps its class (and `instanceof`) in the driver.
 */
import { RayError, registerErrorClass } from '@ray-ts/core';

/** Root of the errors about checkpoints and run storage. */
export class TrainStorageError extends RayError {
  override readonly code: string = 'TRAIN_STORAGE_ERROR';
  /** The local path or `s3://` URL the error is about. */
  readonly path: string;
  /** What was being done, e.g. `upload`, `download`, `readJson`. */
  readonly operation: string;
  constructor(path: string, operation: string, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.path = path;
    this.operation = operation;
  }
}

/** A storage read found nothing at the path (no file, directory, object or prefix). */
export class StorageNotFoundError extends TrainStorageError {
  override readonly code = 'TRAIN_STORAGE_NOT_FOUND';
  constructor(path: string, operation: string, options?: { cause?: unknown }) {
    super(
      path,
      operation,
      `${operation}: nothing at ${path}. Check the path (for s3:// also the bucket, endpoint and credentials), ` +
        'or call exists() first when the path may be missing.',
      options,
    );
  }
}

/** A checkpoint directory does not exist or is empty. */
export class CheckpointNotFoundError extends TrainStorageError {
  override readonly code = 'CHECKPOINT_NOT_FOUND';
  constructor(path: string, operation: string, options?: { cause?: unknown }) {
    super(
      path,
      operation,
      `Checkpoint ${path} does not exist or has no files (${operation}). It may have been evicted by ` +
        'CheckpointConfig.numToKeep or deleted; use the manager\'s latest/best checkpoints, or check the path.',
      options,
    );
  }
}

/**
 * A reported metrics dict lacks `CheckpointConfig.checkpointScoreAttribute` (or its
 * value is not a number), so the checkpoint cannot be ranked. Nothing was persisted.
 */
export class CheckpointScoreAttributeError extends RayError {
  override readonly code = 'CHECKPOINT_SCORE_ATTRIBUTE';
  /** The configured score attribute (nested keys joined with `/`). */
  readonly attribute: string;
  /** The flattened metric keys that were reported. */
  readonly availableKeys: string[];
  constructor(attribute: string, availableKeys: string[], problem: 'missing' | 'not a number') {
    const keys = availableKeys.length ? availableKeys.join(', ') : '(none)';
    super(
      problem === 'missing'
        ? `The reported metrics have no '${attribute}' (CheckpointConfig.checkpointScoreAttribute). ` +
            `Report it with every checkpoint, or set checkpointScoreAttribute to one of: ${keys}.`
        : `The reported metric '${attribute}' (CheckpointConfig.checkpointScoreAttribute) is not a number. ` +
            'Report a number (NaN ranks worst), or pick another attribute.',
    );
    this.attribute = attribute;
    this.availableKeys = availableKeys;
  }
}

/** `checkpoint_manager.json` of a run exists but cannot be read back. */
export class CheckpointManagerStateError extends TrainStorageError {
  override readonly code = 'CHECKPOINT_MANAGER_STATE';
  constructor(path: string, detail: string, options?: { cause?: unknown }) {
    super(
      path,
      'restore',
      `Cannot restore the checkpoint manager from ${path}: ${detail}. The file was written by another ` +
        'version or edited; fix or delete it (the checkpoint_* directories next to it stay usable with Checkpoint.fromDirectory).',
      options,
    );
  }
}

/**
 * A logging callback failed to write (file system, S3 or tracking server). Training goes
 * on: the callback emits this once as a process warning (`process.on('warning')`) and
 * counts later failures silently.
 */
export class CallbackIOError extends RayError {
  override readonly code = 'TRAIN_CALLBACK_IO';
  /** The callback's class name, e.g. `MLflowLoggerCallback`. */
  readonly callback: string;
  /** The hook or request that failed, e.g. `onReport`, `runs/log-batch`. */
  readonly operation: string;
  constructor(callback: string, operation: string, cause: unknown) {
    const inner = (cause instanceof Error ? `${cause.name}: ${cause.message}` : String(cause)).replace(/\.+$/, '');
    super(
      `${callback} could not log (${operation}): ${inner}. Training continues; this warning is shown once per ` +
        'callback. Check the run path or tracking server.',
      { cause },
    );
    this.callback = callback;
    this.operation = operation;
  }
}

/** An MLflow tracking server answered a REST call with an error (or not at all). */
export class MLflowApiError extends RayError {
  override readonly code = 'MLFLOW_API_ERROR';
  /** The endpoint, e.g. `runs/log-batch`. */
  readonly endpoint: string;
  /** HTTP status, or 0 when the request did not get an answer. */
  readonly status: number;
  /** MLflow's `error_code`, e.g. `RESOURCE_DOES_NOT_EXIST`, when the server sent one. */
  readonly errorCode: string | undefined;
  constructor(endpoint: string, status: number, errorCode: string | undefined, detail: string, options?: { cause?: unknown }) {
    super(
      `MLflow ${endpoint} failed (${status === 0 ? 'no response' : `HTTP ${status}`}${errorCode ? ` ${errorCode}` : ''}): ${detail}. ` +
        'Check trackingUri (MLFLOW_TRACKING_URI), that the server runs MLflow >= 2, and its credentials (MLFLOW_TRACKING_TOKEN).',
      options,
    );
    this.endpoint = endpoint;
    this.status = status;
    this.errorCode = errorCode;
  }
}

for (const cls of [
  TrainStorageError, StorageNotFoundError, CheckpointNotFoundError, CheckpointScoreAttributeError,
  CheckpointManagerStateError, CallbackIOError, MLflowApiError,
]) {
  registerErrorClass(cls as never);
}
