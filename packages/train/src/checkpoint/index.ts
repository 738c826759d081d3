/**
 * Checkpoints of Train: {@link Checkpoint} (a directory, local or S3), the
 * {@link CheckpointManager} that keeps a run's top-K, its config and typed errors.
 */
export { Checkpoint, METADATA_FILE, type CheckpointData, type FromModelOptions } from './checkpoint.js';
export { CheckpointManager, type CheckpointResult } from './checkpoint-manager.js';
export { resolveCheckpointConfig, type CheckpointConfig, type ResolvedCheckpointConfig } from './checkpoint-config.js';
export {
  TrainStorageError, StorageNotFoundError, CheckpointNotFoundError, CheckpointScoreAttributeError,
  CheckpointManagerStateError, CallbackIOError, MLflowApiError,
} from './errors.js';
