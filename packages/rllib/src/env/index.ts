/**
 * The env layer of `@ray-ts/rllib`: the Gymnasium-style env API, spaces, a seeded RNG,
 * the built-in envs (CartPole-v1, Pendulum-v1, MountainCar-v0, GridWorld-v0), the
 * `TimeLimit` wrapper, the env registry and plain-data env specs for env runners, and the
 * synchronous vector env. Re-exported by the package's `src/index.ts`.
 */
export type { Action, BoxSpace, DiscreteSpace, Env, EnvCreator, Observation, ResetResult, Space, StepResult } from './env.js';
export { box, discrete, contains, sample, flatDim, flatten, describeSpace, spaceEquals, FLOAT32_MAX } from './spaces.js';
export { Rng, npRandom, validateSeed, entropySeed, type RngState } from './rng.js';
export { BaseEnv, type ResetArgs } from './base-env.js';
export { CartPoleEnv, type CartPoleOptions } from './cartpole.js';
export { PendulumEnv, angleNormalize, type PendulumOptions } from './pendulum.js';
export { MountainCarEnv, type MountainCarOptions } from './mountain-car.js';
export { GridWorldEnv, type GridWorldOptions, type Cell } from './grid-world.js';
export { TimeLimit, type Unwrapped } from './time-limit.js';
export {
  registerEnv, unregisterEnv, makeEnv, registeredEnvIds, envRegistration, findRegistration, isEnv, isEnvClass,
  type EnvClass, type EnvTarget, type RegisterEnvOptions, type MakeEnvOptions, type EnvRegistration,
} from './registry.js';
export { envSpec, makeEnvFromSpec, type EnvSpec, type RegisteredEnvSpec, type ExportedEnvSpec, type EnvSpecOptions } from './env-spec.js';
export { VectorEnv, makeVectorEnv, type VectorEnvOptions, type VectorResetResult, type VectorStepResult } from './vector-env.js';
export { EpisodeStats, type CompletedEpisode, type EpisodeSummary } from './episode-stats.js';
export { EnvNotFoundError, EnvAlreadyRegisteredError, ResetNeededError, InvalidActionError, EnvSpecError } from './errors.js';
