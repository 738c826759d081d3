/**
 * @ray-ts/train: data-parallel training on ray-ts. A training loop runs on N worker
 * actors that share a collective group (allreduce, broadcast, allgather); it reads its
 * shard of a Data dataset, reports metrics and checkpoints, and the trainer restarts the
 * group from the latest checkpoint when a worker dies.
 *
 * ```ts
 * import * as data from '@ray-ts/data';
 * import { TfjsTrainer, report, getDatasetShard, prepareOptimizer } from '@ray-ts/train';
 * export async function trainLoop(config: { epochs: number }) {
 *   const shard = getDatasetShard('train');
 *   for (let epoch = 0; epoch < config.epochs; epoch++) {
 *     for await (const batch of shard.iterBatches({ batchSize: 64 })) { ... }
 *     await report({ epoch });
 *   }
 * }
 * const result = await new TfjsTrainer(trainLoop, { scalingConfig: { numWorkers: 2 }, datasets: { train: data.range(1000) } }).fit();
 * ```
 * @packageDocumentation
 */
export { DataParallelTrainer, type TrainLoop, type RestoreOptions } from './trainer/data-parallel-trainer.js';
export { TfjsTrainer, type TfjsConfig, type TfjsTrainerOptions } from './trainer/tfjs-trainer.js';
export type { Result, CheckpointWithMetrics } from './trainer/result.js';
export type { DataParallelTrainerOptions, ScalingConfig, RunConfig, FailureConfig, DataConfig } from './config/trainer-options.js';
export { report, getCheckpoint, getContext, getDatasetShard, type ReportOptions, type TrainContext } from './session/api.js';
export { TrainError, TrainingFailedError, TrainLoopNotFoundError, TrainSessionError, TrainRestoreError, TrainDataResourceError } from './errors.js';
export * as collective from './collective/index.js';
export * from './checkpoint/index.js';
export * from './storage/index.js';
export * from './callbacks/index.js';
export {
  useBackend, registerBackendLoader, registeredBackends, prepareOptimizer, DistributedOptimizer, prepareModel, syncWeights, trainOnBatch,
  identityCommunicator, sessionCommunicator, createInProcessCommunicators, saveModelToDirectory, loadModelFromDirectory,
  TfjsError, TfjsUnknownBackendError, TfjsBackendUnavailableError, TfjsDuplicateBackendError, TfjsCollectiveMismatchError,
  TfjsUnsupportedDtypeError, TfjsModelIoError,
  type BackendPreference, type UseBackendOptions, type BackendLoader, type BackendLoadContext, type RegisterBackendLoaderOptions,
  type Communicator, type DistributedOptions, type PrepareOptimizerOptions, type SyncWeightsOptions, type LossFn, type ModelIoOptions, type BackendAttempt,
} from './tfjs/index.js';
