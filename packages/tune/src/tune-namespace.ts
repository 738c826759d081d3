/**
 * The `tune` namespace (`import { tune } from '@ray-ts/tune'`), mirroring Ray's
 * `from ray import tune`: search spaces, reporting, schedulers, searchers and resources.
 */
export { gridSearch, choice, uniform, quniform, loguniform, qloguniform, randint, randn, sampleFrom } from './search/sample.js';
export { report, getCheckpoint, getContext } from './trainable/session.js';
export { withResources } from './trainable/trainable.js';
export { Checkpoint } from './trainable/checkpoint.js';
export { FIFOScheduler } from './schedulers/scheduler.js';
export { ASHAScheduler } from './schedulers/asha.js';
export { MedianStoppingRule } from './schedulers/median-stopping.js';
export { HyperBandScheduler } from './schedulers/hyperband.js';
export { PopulationBasedTraining } from './schedulers/pbt.js';
export { BasicVariantGenerator } from './search/variant-generator.js';
export { TPESearcher } from './search/tpe.js';
export { ConcurrencyLimiter } from './search/concurrency-limiter.js';
export { Tuner } from './tuner/tuner.js';
