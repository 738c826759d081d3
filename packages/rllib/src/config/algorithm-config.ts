/**
 * The builder every algorithm config extends (RLlib's AlgorithmConfig): chained setters
 * per section, each validated when called (TypeError/RangeError naming the setting),
 * resolved by `build()` into one frozen, complete object.
 */
import * as ray from '@ray-ts/core';
import { fileURLToPath } from 'node:url';
import type { EnvRecipe, EnvSource } from '../env-runner/env-source.js';
import type { Activation } from '../models/mlp.js';
import { checkFields, checkObject, int, layerSizes, num, oneOf } from './validate.js';

/** Options of `.environment()`. */
export interface EnvironmentOptions {
  /** Passed to the env's creator in every runner. @default {} */
  readonly envConfig?: Record<string, unknown>;
}

/** Options of `.envRunners()`. */
export interface EnvRunnersOptions {
  /** Runner actors; 0 samples in the driver process. @default 0 */
  readonly numEnvRunners?: number;
  /** Envs each runner steps together (one batched forward pass per step). @default 1 */
  readonly numEnvsPerEnvRunner?: number;
  /** Steps per env per sample call; 'auto' derives it from the train batch size. @default 'auto' */
  readonly rolloutFragmentLength?: number | 'auto';
  /** CPUs each runner actor holds. @default 1 */
  readonly numCpusPerEnvRunner?: number;
  /** Dead runners replaced over the algorithm's life before training fails; -1 for unlimited. @default 10 */
  readonly maxEnvRunnerRestarts?: number;
}

/** Training options shared by all algorithms. */
export interface CommonTrainingOptions {
  /** Adam learning rate. */
  readonly lr?: number;
  /** Discount factor. @default 0.99 */
  readonly gamma?: number;
  /** Env steps per training batch (PPO) or replayed batch size (DQN). */
  readonly trainBatchSize?: number;
  /** Clip gradients to this global norm; null: no clipping. */
  readonly gradClip?: number | null;
}

/** Options of `.rlModule()` (the networks). */
export interface RLModuleOptions {
  /** Hidden layer sizes. @default [64, 64] */
  readonly fcnetHiddens?: readonly number[];
  /** Hidden activation. @default 'tanh' for PPO, 'relu' for DQN */
  readonly fcnetActivation?: Activation;
}

/** Options of `.debugging()`. */
export interface DebuggingOptions {
  /** Seeds weights, envs and sampling; a seeded run repeats. @default a random seed */
  readonly seed?: number;
}

/** Options of `.reporting()`. */
export interface ReportingOptions {
  /** Episodes the return/length means are computed over. @default 100 */
  readonly metricsNumEpisodesForSmoothing?: number;
}

/** Settings every algorithm resolves to. */
export interface ResolvedCommonConfig {
  readonly algorithm: string;
  /** The env as given (id or exported class/creator), or its recipe after a restore. */
  readonly env: EnvSource | EnvRecipe;
  readonly envConfig: Record<string, unknown>;
  /** Module that called `.environment()` (where an env class is looked up as an export). */
  readonly callerUrl: string | undefined;
  readonly numEnvRunners: number;
  readonly numEnvsPerEnvRunner: number;
  readonly rolloutFragmentLength: number;
  readonly numCpusPerEnvRunner: number;
  readonly maxEnvRunnerRestarts: number;
  readonly fcnetHiddens: readonly number[];
  readonly fcnetActivation: Activation;
  readonly seed: number;
  readonly metricsNumEpisodesForSmoothing: number;
  readonly lr: number;
  readonly gamma: number;
  readonly trainBatchSize: number;
  readonly gradClip: number | null;
}

const rllibSrcDir = fileURLToPath(new URL('..', import.meta.url));

/** Checks of the common training settings (subclasses add theirs). */
export const COMMON_TRAINING_CHECKS = {
  lr: (w: string, v: unknown) => num(w, v, 0, Infinity, true),
  gamma: (w: string, v: unknown) => num(w, v, 0, 1),
  trainBatchSize: (w: string, v: unknown) => int(w, v, 1),
  gradClip: (w: string, v: unknown) => (v === null ? null : num(w, v, 0, Infinity, true)),
} as const;

/** Base of `PPOConfig` and `DQNConfig`. */
export abstract class AlgorithmConfig<TTraining extends CommonTrainingOptions> {
  /** The algorithm's name ('PPO', 'DQN'). */
  abstract readonly algorithm: string;
  protected envSource: EnvSource | undefined;
  protected envOpts: Record<string, unknown> = {};
  protected callerUrl: string | undefined;
  protected runnerOpts: Record<string, unknown> = {};
  protected trainingOpts: Record<string, unknown> = {};
  protected moduleOpts: Record<string, unknown> = {};
  protected seed: number | undefined;
  protected smoothing: number | undefined;

  /** Checks of this algorithm's training settings. */
  protected abstract trainingChecks(): Readonly<Record<string, (where: string, v: unknown) => unknown>>;

  /** Sets the env: a registered id ('CartPole-v1'), or an exported Env class or creator. */
  environment(env: EnvSource, options: EnvironmentOptions = {}): this {
    if (typeof env !== 'string' && typeof env !== 'function') throw new TypeError(`environment(env) must be an env id string, an Env class or a creator function, got ${env === null ? 'null' : typeof env}`);
    if (typeof env === 'string' && env.length === 0) throw new RangeError('environment(env) must not be an empty string');
    const o = checkObject('environment.options', options, ['envConfig']);
    if (o.envConfig !== undefined) checkObject('environment.envConfig', o.envConfig, Object.keys(o.envConfig as object));
    this.envSource = env;
    this.envOpts = { ...((o.envConfig as Record<string, unknown> | undefined) ?? {}) };
    const url = ray.callerModule([rllibSrcDir]);
    this.callerUrl = url === 'unknown:' ? undefined : url;
    return this;
  }

  /** Sets how experience is collected. */
  envRunners(options: EnvRunnersOptions): this {
    Object.assign(this.runnerOpts, checkFields('envRunners', options, {
      numEnvRunners: (w, v) => int(w, v, 0),
      numEnvsPerEnvRunner: (w, v) => int(w, v, 1),
      rolloutFragmentLength: (w, v) => (v === 'auto' ? v : int(w, v, 1)),
      numCpusPerEnvRunner: (w, v) => num(w, v, 0),
      maxEnvRunnerRestarts: (w, v) => int(w, v, -1),
    }));
    return this;
  }

  /** Sets training hyperparameters (merged into earlier calls). */
  training(options: TTraining): this {
    Object.assign(this.trainingOpts, checkFields('training', options, this.trainingChecks()));
    return this;
  }

  /** Sets the network shape. */
  rlModule(options: RLModuleOptions): this {
    Object.assign(this.moduleOpts, checkFields('rlModule', options, {
      fcnetHiddens: layerSizes,
      fcnetActivation: (w, v) => oneOf(w, v, ['tanh', 'relu'] as const),
    }));
    return this;
  }

  /** Sets the seed. */
  debugging(options: DebuggingOptions): this {
    const o = checkFields('debugging', options, { seed: (w, v) => int(w, v, 0) });
    if (o.seed !== undefined) this.seed = o.seed as number;
    return this;
  }

  /** Sets how metrics are reported. */
  reporting(options: ReportingOptions): this {
    const o = checkFields('reporting', options, { metricsNumEpisodesForSmoothing: (w, v) => int(w, v, 1) });
    if (o.metricsNumEpisodesForSmoothing !== undefined) this.smoothing = o.metricsNumEpisodesForSmoothing as number;
    return this;
  }

  /** Resolves the common settings; `defaults` are the algorithm's training defaults. */
  protected resolveCommon(defaults: { activation: Activation; autoFragment: (runners: number, envs: number, batch: number) => number; lr: number; trainBatchSize: number; gradClip: number | null }): ResolvedCommonConfig {
    if (this.envSource === undefined) throw new TypeError(`${this.algorithm}Config: call .environment(env) before .build()`);
    const t = this.trainingOpts;
    const r = this.runnerOpts;
    const numEnvRunners = (r.numEnvRunners as number | undefined) ?? 0;
    const numEnvsPerEnvRunner = (r.numEnvsPerEnvRunner as number | undefined) ?? 1;
    const trainBatchSize = (t.trainBatchSize as number | undefined) ?? defaults.trainBatchSize;
    const frag = r.rolloutFragmentLength ?? 'auto';
    return {
      algorithm: this.algorithm,
      env: this.envSource,
      envConfig: this.envOpts,
      callerUrl: this.callerUrl,
      numEnvRunners,
      numEnvsPerEnvRunner,
      rolloutFragmentLength: frag === 'auto' ? defaults.autoFragment(Math.max(1, numEnvRunners), numEnvsPerEnvRunner, trainBatchSize) : (frag as number),
      numCpusPerEnvRunner: (r.numCpusPerEnvRunner as number | undefined) ?? 1,
      maxEnvRunnerRestarts: (r.maxEnvRunnerRestarts as number | undefined) ?? 10,
      fcnetHiddens: Object.freeze([...((this.moduleOpts.fcnetHiddens as number[] | undefined) ?? [64, 64])]),
      fcnetActivation: (this.moduleOpts.fcnetActivation as Activation | undefined) ?? defaults.activation,
      seed: this.seed ?? Math.floor(Math.random() * 2 ** 31),
      metricsNumEpisodesForSmoothing: this.smoothing ?? 100,
      lr: (t.lr as number | undefined) ?? defaults.lr,
      gamma: (t.gamma as number | undefined) ?? 0.99,
      trainBatchSize,
      gradClip: t.gradClip === undefined ? defaults.gradClip : (t.gradClip as number | null),
    };
  }
}

