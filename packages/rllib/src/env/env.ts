/**
 * The Gymnasium environment API in TypeScript: `reset` and `step` with the same meaning
 * as Gymnasium's (obs, reward, terminated, truncated, info), and the spaces that describe
 * observations and actions.
 */

/** A box of real (or integer) vectors: `low <= x <= high` element-wise, with `shape`. */
export interface BoxSpace {
  readonly type: 'box';
  readonly shape: readonly number[];
  readonly low: Float32Array;
  readonly high: Float32Array;
  readonly dtype: 'float32' | 'int32';
}

/** Integers `start, start+1, ..., start+n-1`. */
export interface DiscreteSpace {
  readonly type: 'discrete';
  readonly n: number;
  readonly start: number;
}

/** An observation or action space. */
export type Space = BoxSpace | DiscreteSpace;

/** An observation: a flat vector for a Box (row-major), an integer for a Discrete. */
export type Observation = Float32Array | number;

/** An action: an integer for a Discrete space, a flat vector for a Box. */
export type Action = number | Float32Array;

/** What `reset` returns (Gymnasium's `(obs, info)`). */
export interface ResetResult {
  readonly obs: Observation;
  readonly info: Record<string, unknown>;
}

/** What `step` returns (Gymnasium's `(obs, reward, terminated, truncated, info)`). */
export interface StepResult {
  readonly obs: Observation;
  readonly reward: number;
  /** The episode reached a terminal state of the MDP (no bootstrapping past it). */
  readonly terminated: boolean;
  /** The episode was cut short (time limit): bootstrap from `obs`. */
  readonly truncated: boolean;
  readonly info: Record<string, unknown>;
}

/** A Gymnasium-style environment. */
export interface Env {
  readonly observationSpace: Space;
  readonly actionSpace: Space;
  /** Starts an episode; `seed` reseeds the env's random generator (Gymnasium semantics). */
  reset(options?: { seed?: number; options?: Record<string, unknown> }): ResetResult;
  /** Advances one step with `action`. */
  step(action: Action): StepResult;
  /** Releases resources. */
  close?(): void;
}

/** Makes an env from its config (registered by name, or passed as a class/factory). */
export type EnvCreator = (config: Record<string, unknown>) => Env;
