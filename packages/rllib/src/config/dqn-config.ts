/**
 * `DQNConfig`: the builder of DQN. Defaults follow RLlib's DQN where it has them.
 */
import { DQN } from '../algorithms/dqn/dqn.js';
import { AlgorithmConfig, COMMON_TRAINING_CHECKS, type CommonTrainingOptions, type ResolvedCommonConfig } from './algorithm-config.js';
import { bool, int, num } from './validate.js';

/** A piecewise-linear schedule: `[lifetimeEnvSteps, value]` points, constant after the last. */
export type Schedule = readonly (readonly [number, number])[];

/** DQN's training options (plus the common ones: lr, gamma, trainBatchSize, gradClip). */
export interface DQNTrainingOptions extends CommonTrainingOptions {
  /** Adam learning rate. @default 5e-4 */
  readonly lr?: number;
  /** Transitions per replayed minibatch. @default 32 */
  readonly trainBatchSize?: number;
  /** Transitions the replay buffer holds (oldest dropped first). @default 50000 */
  readonly replayBufferCapacity?: number;
  /** Env steps between copies of the online network into the target network. @default 500 */
  readonly targetNetworkUpdateFreq?: number;
  /** Double DQN: the online net picks the next action, the target net scores it. @default true */
  readonly doubleQ?: boolean;
  /** Epsilon by lifetime env steps. @default [[0, 1], [10000, 0.05]] */
  readonly epsilon?: Schedule;
  /** Env steps sampled before the first update. @default 1000 */
  readonly numStepsSampledBeforeLearningStarts?: number;
  /** Replayed transitions per sampled transition; null: one update per sample round. @default null */
  readonly trainingIntensity?: number | null;
  /** Each `train()` samples (and learns) until at least this many env steps. @default 1000 */
  readonly minSampleTimestepsPerIteration?: number;
  /** Huber loss threshold. @default 1 */
  readonly huberDelta?: number;
  /** Clip gradients to this global norm; null: no clipping. @default 40 */
  readonly gradClip?: number | null;
}

/** DQN's resolved settings. */
export interface ResolvedDQNConfig extends ResolvedCommonConfig {
  readonly replayBufferCapacity: number;
  readonly targetNetworkUpdateFreq: number;
  readonly doubleQ: boolean;
  readonly epsilon: Schedule;
  readonly numStepsSampledBeforeLearningStarts: number;
  readonly trainingIntensity: number | null;
  readonly minSampleTimestepsPerIteration: number;
  readonly huberDelta: number;
}

function schedule(where: string, v: unknown): Schedule {
  if (!Array.isArray(v) || v.length === 0) throw new TypeError(`${where} must be a non-empty array of [envSteps, value] pairs`);
  let last = -1;
  return v.map((p, i) => {
    if (!Array.isArray(p) || p.length !== 2) throw new TypeError(`${where}[${i}] must be an [envSteps, value] pair`);
    const t = int(`${where}[${i}][0]`, p[0], 0);
    if (t <= last) throw new RangeError(`${where}[${i}][0] must be greater than the previous point's steps (${last}), got ${t}`);
    last = t;
    return [t, num(`${where}[${i}][1]`, p[1], 0, 1)] as const;
  });
}

const DEFAULT_EPSILON: Schedule = [[0, 1], [10000, 0.05]];

/** Builder of {@link DQN}. */
export class DQNConfig extends AlgorithmConfig<DQNTrainingOptions> {
  /** The algorithm's name, stored in checkpoints. */
  readonly algorithm = 'DQN';

  /** Checks of DQN's training settings (the common ones included). */
  protected trainingChecks() {
    return {
      ...COMMON_TRAINING_CHECKS,
      replayBufferCapacity: (w: string, v: unknown) => int(w, v, 1),
      targetNetworkUpdateFreq: (w: string, v: unknown) => int(w, v, 1),
      doubleQ: bool,
      epsilon: schedule,
      numStepsSampledBeforeLearningStarts: (w: string, v: unknown) => int(w, v, 0),
      trainingIntensity: (w: string, v: unknown) => (v === null ? null : num(w, v, 0, Infinity, true)),
      minSampleTimestepsPerIteration: (w: string, v: unknown) => int(w, v, 1),
      huberDelta: (w: string, v: unknown) => num(w, v, 0, Infinity, true),
    };
  }

  /** Resolves and checks every setting into a frozen object. @throws TypeError/RangeError naming the setting */
  resolve(): ResolvedDQNConfig {
    const common = this.resolveCommon({
      activation: 'relu', lr: 5e-4, trainBatchSize: 32, gradClip: 40,
      autoFragment: (runners, envs, batch) => Math.max(1, Math.ceil(batch / (runners * envs))),
    });
    const t = this.trainingOpts;
    const replayBufferCapacity = (t.replayBufferCapacity as number | undefined) ?? 50000;
    if (common.trainBatchSize > replayBufferCapacity) {
      throw new RangeError(`training.trainBatchSize (${common.trainBatchSize}) must be <= training.replayBufferCapacity (${replayBufferCapacity})`);
    }
    return Object.freeze({
      ...common,
      replayBufferCapacity,
      targetNetworkUpdateFreq: (t.targetNetworkUpdateFreq as number | undefined) ?? 500,
      doubleQ: (t.doubleQ as boolean | undefined) ?? true,
      epsilon: (t.epsilon as Schedule | undefined) ?? DEFAULT_EPSILON,
      numStepsSampledBeforeLearningStarts: (t.numStepsSampledBeforeLearningStarts as number | undefined) ?? 1000,
      trainingIntensity: t.trainingIntensity === undefined ? null : (t.trainingIntensity as number | null),
      minSampleTimestepsPerIteration: (t.minSampleTimestepsPerIteration as number | undefined) ?? 1000,
      huberDelta: (t.huberDelta as number | undefined) ?? 1,
    });
  }

  /** Builds the algorithm (it starts its runners on the first `train()`). */
  build(): DQN {
    return new DQN(this.resolve());
  }
}

/** The value of `s` at `t` (linear between points). */
export function scheduleValue(s: Schedule, t: number): number {
  if (t <= s[0]![0]) return s[0]![1];
  for (let i = 1; i < s.length; i++) {
    const [t1, v1] = s[i]!;
    const [t0, v0] = s[i - 1]!;
    if (t <= t1) return v0 + ((t - t0) / (t1 - t0)) * (v1 - v0);
  }
  return s[s.length - 1]![1];
}
