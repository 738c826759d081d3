/**
 * @ray-ts/rllib: reinforcement learning on ray-ts (RLlib's new API stack in TypeScript).
 * Gymnasium-style envs, env runner actors that sample in parallel, and PPO and DQN
 * learners on TensorFlow.js.
 *
 * ```ts
 * import * as ray from '@ray-ts/core';
 * import { PPOConfig } from '@ray-ts/rllib';
 * await ray.init();
 * const algo = new PPOConfig().environment('CartPole-v1')
 *   .envRunners({ numEnvRunners: 2, numEnvsPerEnvRunner: 4 })
 *   .training({ lr: 3e-4, trainBatchSize: 4000 }).build();
 * for (let i = 0; i < 20; i++) console.log((await algo.train()).envRunners.episodeReturnMean);
 * await algo.stop();
 * ray.shutdown();
 * ```
 * @packageDocumentation
 */
export * from './env/index.js';
export {
  AlgorithmConfig,
  type EnvironmentOptions, type EnvRunnersOptions, type CommonTrainingOptions, type RLModuleOptions,
  type DebuggingOptions, type ReportingOptions, type ResolvedCommonConfig,
} from './config/algorithm-config.js';
export { PPOConfig, type PPOTrainingOptions, type ResolvedPPOConfig } from './config/ppo-config.js';
export { DQNConfig, type DQNTrainingOptions, type ResolvedDQNConfig } from './config/dqn-config.js';
export { Algorithm, type ComputeActionOptions, type StepOutcome } from './algorithms/algorithm.js';
export { PPO } from './algorithms/ppo/ppo.js';
export { DQN } from './algorithms/dqn/dqn.js';
export type { TrainResult, EnvRunnerMetrics, TrainTimers } from './algorithms/train-result.js';
export { trainLoop, flattenResult, type TrainLoopOptions } from './algorithms/train-loop.js';
export { scheduleValue, type Schedule } from './config/dqn-config.js';
export { EnvRunner, type EnvRunnerSpec, type SampleOptions } from './env-runner/env-runner.js';
export { EnvRunnerGroup, type EnvRunnerGroupOptions } from './env-runner/env-runner-group.js';
export { EnvRunnerActor, type EnvRunnerHandle } from './env-runner/env-runner-actor.js';
export type { SampleBatch, SampleResult, EpisodeStats as SampledEpisodes } from './env-runner/sample-batch.js';
export type { EnvSource } from './env-runner/env-source.js';
export type { ModuleSpec, ObsSpec, ActionSpec } from './models/module-spec.js';
export type { Activation } from './models/mlp.js';
export { RLlibError, EnvRunnerFailedError, CheckpointError, UnsupportedSpaceError, AlgorithmStateError } from './errors.js';
