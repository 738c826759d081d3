/**
 * TensorFlow.js integration of ray-ts Train: backend selection (`useBackend`),
 * data-parallel training (`prepareModel`, `prepareOptimizer`, `trainOnBatch`) over a
 * pluggable `Communicator`, and bit-exact model + optimizer checkpoints
 * (`saveModelToDirectory`, `loadModelFromDirectory`).
 *
 * @packageDocumentation
 */
export { useBackend, registerBackendLoader, registeredBackends } from './backend.js';
export type { BackendPreference, UseBackendOptions } from './backend.js';
export type { BackendLoader, BackendLoadContext, RegisterBackendLoaderOptions } from './backend-loader.js';
export { identityCommunicator, sessionCommunicator } from './communicator.js';
export type { Communicator, ReduceOp } from './communicator.js';
export { createInProcessCommunicators } from './in-process-communicator.js';
export type { DistributedOptions } from './distributed-options.js';
export { DistributedOptimizer, prepareOptimizer } from './distributed-optimizer.js';
export type { PrepareOptimizerOptions } from './distributed-optimizer.js';
export { prepareModel, syncWeights } from './prepare-model.js';
export type { SyncWeightsOptions } from './prepare-model.js';
export { trainOnBatch } from './train-on-batch.js';
export type { LossFn } from './train-on-batch.js';
export { saveModelToDirectory, loadModelFromDirectory, MODEL_FILES } from './model-io.js';
export type { ModelIoOptions } from './model-io.js';
export {
  TfjsError,
  TfjsUnknownBackendError,
  TfjsBackendUnavailableError,
  TfjsDuplicateBackendError,
  TfjsCollectiveMismatchError,
  TfjsUnsupportedDtypeError,
  TfjsModelIoError,
} from './errors.js';
export type { BackendAttempt } from './errors.js';

// The banner advises installing tfjs-node; backends are chosen by useBackend() (tfjs-node
// is used when installed), so the advice is noise in drivers and workers alike.
import { silenceNodeBanner } from './node-banner.js';
silenceNodeBanner();
