/**
 * @ray-ts/tune: hyperparameter sweeps on ray-ts (Ray Tune). Describe a search space, give
 * a trainable that reports metrics, and `Tuner.fit()` runs the trials in parallel as
 * actors, stops bad ones early (ASHA, HyperBand, median stopping), evolves them (Population
 * Based Training), searches with a model (TPE, with ConcurrencyLimiter), shows a live progress
 * table, calls per-trial loggers (structurally Train's callbacks) and experiment callbacks,
 * runs trainers that implement `tuneTrainable()`, and saves an experiment directory (with the
 * searcher's and scheduler's state) that `Tuner.restore()` resumes.
 *
 * ```ts
 * import * as ray from '@ray-ts/core';
 * import { Tuner, tune } from '@ray-ts/tune';
 * export async function train(config: { x: number }) {
 *   for (let i = 1; i <= 10; i++) await tune.report({ loss: (config.x - 3) ** 2 / i });
 * }
 * if (ray.isMain(import.meta)) {
 *   await ray.init();
 *   const grid = await new Tuner(train, { paramSpace: { x: tune.uniform(0, 10) }, tuneConfig: { metric: 'loss', mode: 'min', numSamples: 8 } }).fit();
 *   console.log(grid.getBestResult().config);
 *   ray.shutdown();
 * }
 * ```
 * @packageDocumentation
 */
export * as tune from './tune-namespace.js';
export { Tuner } from './tuner/tuner.js';
export type { TunerOptions, RestoreOptions } from './tuner/tuner.js';
export type { TuneConfig, RunConfig, CheckpointConfig, StopCriteria } from './tuner/options.js';
export type { Callback, CallbackTrial, TuneCallback, TrialLoggerLike, TrialLoggerFactory, TrialRunInfo, TrialReportInfo, TrialRunOutcome } from './tuner/callbacks.js';
export { ResultGrid } from './tuner/result-grid.js';
export type { TrialOutcome, CheckpointWithMetrics } from './tuner/trial-outcome.js';
export type { TrialStatus, ExperimentState, TrialRecord } from './tuner/experiment-state.js';
export { gridSearch, choice, uniform, quniform, loguniform, qloguniform, randint, randn, sampleFrom } from './search/sample.js';
export { Domain, GridSearch, Uniform, LogUniform, RandInt, RandN, Choice, SampleFrom } from './search/sample.js';
export { Rng } from './search/rng.js';
export { BasicVariantGenerator, generateVariants } from './search/variant-generator.js';
export type { BasicVariantGeneratorOptions } from './search/variant-generator.js';
export type { Searcher, SearcherSetup, ResumableSearcher } from './search/searcher.js';
export { SUGGEST_LATER } from './search/searcher.js';
export { TPESearcher } from './search/tpe.js';
export type { TPESearcherOptions } from './search/tpe.js';
export { ConcurrencyLimiter } from './search/concurrency-limiter.js';
export type { ConcurrencyLimiterOptions } from './search/concurrency-limiter.js';
export { NumericParzen, CategoricalParzen } from './search/parzen.js';
export { report, getCheckpoint, getContext } from './trainable/session.js';
export type { ReportOptions, TrialContext } from './trainable/session.js';
export { Checkpoint } from './trainable/checkpoint.js';
export { withResources } from './trainable/trainable.js';
export { isTunableTrainer } from './trainable/trainer.js';
export type { TunableTrainer, TrainerTrainable, TrainerTrialFunction, TrainerTrialSession } from './trainable/trainer.js';
export type { Trainable, TrainableFunction, TrainableClass, TrainableInstance, TrialResources, TrainableWithResources } from './trainable/trainable.js';
export { FIFOScheduler } from './schedulers/scheduler.js';
export type { TrialScheduler, ResumableScheduler, SchedulerDecision, TrialResult, TrialControl, TrialInfo } from './schedulers/scheduler.js';
export { isResumableScheduler } from './schedulers/scheduler.js';
export { HyperBandScheduler } from './schedulers/hyperband.js';
export type { HyperBandSchedulerOptions } from './schedulers/hyperband.js';
export { HyperBandBracket } from './schedulers/hyperband-bracket.js';
export { PopulationBasedTraining } from './schedulers/pbt.js';
export type { PopulationBasedTrainingOptions } from './schedulers/pbt.js';
export { explore } from './schedulers/pbt-explore.js';
export type { Mutation, ExploreSettings } from './schedulers/pbt-explore.js';
export { ASHAScheduler, percentile } from './schedulers/asha.js';
export type { ASHASchedulerOptions } from './schedulers/asha.js';
export { MedianStoppingRule } from './schedulers/median-stopping.js';
export type { MedianStoppingRuleOptions } from './schedulers/median-stopping.js';
export { TuneError, SearchSpaceError, TuneMetricError, TrainableNotFoundError, TrialError, TuneRestoreError, TuneCallbackError } from './errors.js';
