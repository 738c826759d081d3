/**
 * The interface every policy network implements (RLlib's RLModule): acting on a batch of
 * encoded observations (env runners, computeSingleAction) and flat weights to move it
 * between processes. {@link buildModule} makes the right one from a {@link ModuleSpec}.
 */
import type * as tf from '@tensorflow/tfjs';
import type { ModuleSpec } from './module-spec.js';
import { PPOModule } from './ppo-module.js';
import { QModule } from './q-module.js';
import type { Rng } from './rng.js';

/** How to pick actions. */
export interface ActOptions {
  /** Sample (PPO) or act epsilon-greedily (DQN); false: the greedy action. */
  readonly explore: boolean;
  /** Probability of a random action when exploring (DQN only). @default 0 */
  readonly epsilon?: number;
}

/** Actions for a batch of observations. */
export interface ActResult {
  /** Discrete: action indices (already offset by the space's start); Box: `rows * dim` floats, unclipped. */
  readonly actions: Int32Array | Float32Array;
  /** Log-prob of each action under the policy (PPO), else zeros. */
  readonly logp: Float32Array;
  /** Value estimate of each observation (PPO), else zeros. */
  readonly values: Float32Array;
}

/** A policy network. */
export interface RLModule {
  readonly spec: ModuleSpec;
  /** Trainable variables, in flattening order. */
  readonly variables: tf.Variable[];
  /** Picks actions for `rows` encoded observations. */
  act(obs: Float32Array, rows: number, options: ActOptions, rng: Rng): ActResult;
  /** Value estimates of `rows` encoded observations (PPO; zeros for DQN). */
  values(obs: Float32Array, rows: number): Float32Array;
  /** Frees the variables. */
  dispose(): void;
}

/** Builds the module `spec` describes, with its seeded initial weights. */
export function buildModule(spec: ModuleSpec): RLModule {
  return spec.kind === 'ppo' ? new PPOModule(spec) : new QModule(spec);
}
