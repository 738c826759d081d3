/**
 * N copies of an env stepped in lockstep (Gymnasium's `SyncVectorEnv`), with batched
 * typed-array results and episode bookkeeping for metrics.
 *
 * Autoreset follows Gymnasium 1.x's default, **next-step** mode: the step on which env `i`
 * terminates or truncates returns that episode's final observation, reward and flags as
 * usual; on the *next* `step` call env `i` is reset instead of stepped (its action is
 * ignored), and that step returns the reset observation with reward 0, `terminated` and
 * `truncated` false, and `autoreset[i] = 1`. A learner must not treat the transition into
 * an autoreset step as part of either episode. No `final_observation` info is needed: the
 * final observation is the one returned on the ending step.
 *
 * Observations are flattened per env with `flatten` (a Box as is, a Discrete one-hot), so
 * `obs` is `[numEnvs, obsSize]` row-major with `obsSize = flatDim(singleObservationSpace)`.
 */
import type { Action, Env, Space } from './env.js';
import type { ResetArgs } from './base-env.js';
import { EpisodeStats } from './episode-stats.js';
import { ResetNeededError } from './errors.js';
import { makeEnv, type EnvTarget } from './registry.js';
import { describeSpace, flatDim, flatten, spaceEquals } from './spaces.js';
import { validateSeed } from './rng.js';

/** What {@link VectorEnv.reset} returns. */
export interface VectorResetResult {
  /** Observations, `[numEnvs, obsSize]` row-major. */
  readonly obs: Float32Array;
  /** Each env's reset info. */
  readonly infos: readonly Record<string, unknown>[];
}

/** What {@link VectorEnv.step} returns (fresh arrays on every call). */
export interface VectorStepResult {
  /** Observations, `[numEnvs, obsSize]` row-major. */
  readonly obs: Float32Array;
  /** Rewards, one per env (0 on autoreset steps). */
  readonly rewards: Float32Array;
  /** 1 where the env's episode terminated on this step. */
  readonly terminated: Uint8Array;
  /** 1 where the env's episode was truncated on this step. */
  readonly truncated: Uint8Array;
  /** 1 where this step reset the env instead of stepping it (next-step autoreset). */
  readonly autoreset: Uint8Array;
  /** Each env's step (or reset) info. */
  readonly infos: readonly Record<string, unknown>[];
}

/** Options of {@link makeVectorEnv}. */
export interface VectorEnvOptions {
  /** Number of env copies. @default 1 */
  readonly numEnvs?: number;
  /** Config passed to each copy's creator. @default {} */
  readonly envConfig?: Record<string, unknown>;
  /** Step limit override (see `MakeEnvOptions.maxEpisodeSteps`). @default the registration's */
  readonly maxEpisodeSteps?: number | null;
}

/** Synchronous vector env with next-step autoreset (see the module comment). */
export class VectorEnv {
  /** The sub-envs. */
  readonly envs: readonly Env[];
  /** Number of sub-envs. */
  readonly numEnvs: number;
  /** Observation space of one sub-env. */
  readonly singleObservationSpace: Space;
  /** Action space of one sub-env. */
  readonly singleActionSpace: Space;
  /** Floats per env in `obs` (`flatDim` of the observation space). */
  readonly obsSize: number;
  /** Numbers per env in the `actions` passed to `step` (1 for Discrete). */
  readonly actionSize: number;
  /** Episode returns and lengths, for metrics. */
  readonly stats: EpisodeStats;
  private needsReset: Uint8Array;
  private started = false;

  /** @throws TypeError when `envs` is empty or the envs' spaces differ (naming the env) */
  constructor(envs: readonly Env[]) {
    if (!Array.isArray(envs) || envs.length === 0) throw new TypeError('envs must be a non-empty array of envs');
    this.envs = [...envs];
    this.numEnvs = envs.length;
    this.singleObservationSpace = envs[0]!.observationSpace;
    this.singleActionSpace = envs[0]!.actionSpace;
    envs.forEach((e, i) => {
      if (!spaceEquals(e.observationSpace, this.singleObservationSpace)) {
        throw new TypeError(`envs[${i}].observationSpace ${describeSpace(e.observationSpace)} differs from envs[0]'s ${describeSpace(this.singleObservationSpace)}`);
      }
      if (!spaceEquals(e.actionSpace, this.singleActionSpace)) {
        throw new TypeError(`envs[${i}].actionSpace ${describeSpace(e.actionSpace)} differs from envs[0]'s ${describeSpace(this.singleActionSpace)}`);
      }
    });
    this.obsSize = flatDim(this.singleObservationSpace);
    this.actionSize = this.singleActionSpace.type === 'discrete' ? 1 : this.singleActionSpace.low.length;
    this.stats = new EpisodeStats(this.numEnvs);
    this.needsReset = new Uint8Array(this.numEnvs);
  }

  /**
   * Resets every sub-env. `seed` is a number (env `i` gets `seed + i`, as in Gymnasium),
   * an array with one seed (or undefined) per env, or undefined (no reseeding).
   * @throws RangeError when a seed is invalid or the array has the wrong length
   */
  reset(args: { seed?: number | readonly (number | undefined)[]; options?: Record<string, unknown> } = {}): VectorResetResult {
    const seeds = this.seeds(args.seed);
    const obs = new Float32Array(this.numEnvs * this.obsSize);
    const infos: Record<string, unknown>[] = [];
    this.envs.forEach((env, i) => {
      const r = env.reset({ ...(seeds[i] === undefined ? {} : { seed: seeds[i] }), ...(args.options ? { options: args.options } : {}) } as ResetArgs);
      flatten(this.singleObservationSpace, r.obs, obs, i * this.obsSize);
      infos.push(r.info);
      this.stats.startEpisode(i);
    });
    this.needsReset.fill(0);
    this.started = true;
    return { obs, infos };
  }

  /**
   * Steps every sub-env with its action (`actions` holds `numEnvs * actionSize` numbers,
   * env-major), resetting those whose episode ended on the previous step.
   * @throws ResetNeededError before the first `reset`
   * @throws RangeError when `actions` has the wrong length
   */
  step(actions: ArrayLike<number>): VectorStepResult {
    if (!this.started) throw new ResetNeededError('VectorEnv');
    if (!actions || actions.length !== this.numEnvs * this.actionSize) {
      throw new RangeError(`actions must hold numEnvs * actionSize = ${this.numEnvs * this.actionSize} numbers, got ${actions?.length}`);
    }
    const n = this.numEnvs;
    const obs = new Float32Array(n * this.obsSize);
    const rewards = new Float32Array(n);
    const terminated = new Uint8Array(n);
    const truncated = new Uint8Array(n);
    const autoreset = new Uint8Array(n);
    const infos: Record<string, unknown>[] = [];
    for (let i = 0; i < n; i++) {
      const env = this.envs[i]!;
      if (this.needsReset[i]) {
        const r = env.reset();
        flatten(this.singleObservationSpace, r.obs, obs, i * this.obsSize);
        infos.push(r.info);
        autoreset[i] = 1;
        this.needsReset[i] = 0;
        this.stats.startEpisode(i);
        continue;
      }
      const r = env.step(this.actionAt(actions, i));
      flatten(this.singleObservationSpace, r.obs, obs, i * this.obsSize);
      rewards[i] = r.reward;
      terminated[i] = r.terminated ? 1 : 0;
      truncated[i] = r.truncated ? 1 : 0;
      infos.push(r.info);
      this.stats.record(i, r.reward, r.terminated, r.truncated);
      if (r.terminated || r.truncated) this.needsReset[i] = 1;
    }
    return { obs, rewards, terminated, truncated, autoreset, infos };
  }

  /** Closes every sub-env. */
  close(): void {
    for (const e of this.envs) e.close?.();
  }

  private actionAt(actions: ArrayLike<number>, i: number): Action {
    if (this.singleActionSpace.type === 'discrete') return actions[i]!;
    const a = new Float32Array(this.actionSize);
    for (let k = 0; k < this.actionSize; k++) a[k] = actions[i * this.actionSize + k]!;
    return a;
  }

  private seeds(seed: number | readonly (number | undefined)[] | undefined): (number | undefined)[] {
    if (seed === undefined) return new Array(this.numEnvs).fill(undefined);
    if (typeof seed === 'number') {
      validateSeed(seed);
      return Array.from({ length: this.numEnvs }, (_, i) => seed + i);
    }
    if (!Array.isArray(seed) || seed.length !== this.numEnvs) throw new RangeError(`seed must be a number or an array of ${this.numEnvs} seeds`);
    return seed.map((s, i) => (s === undefined ? undefined : validateSeed(s, `seed[${i}]`)));
  }
}

/**
 * Makes a {@link VectorEnv} of `numEnvs` copies of an env (by id, class or creator).
 * @throws RangeError when `numEnvs` is not a positive integer
 */
export function makeVectorEnv(target: EnvTarget, options: VectorEnvOptions = {}): VectorEnv {
  const numEnvs = options.numEnvs ?? 1;
  if (!Number.isSafeInteger(numEnvs) || numEnvs <= 0) throw new RangeError(`numEnvs must be a positive integer, got ${String(numEnvs)}`);
  const opts = options.maxEpisodeSteps === undefined ? {} : { maxEpisodeSteps: options.maxEpisodeSteps };
  return new VectorEnv(Array.from({ length: numEnvs }, () => makeEnv(target, options.envConfig ?? {}, opts)));
}
