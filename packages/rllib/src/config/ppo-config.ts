/**
 * `PPOConfig`: the builder of PPO. Defaults follow RLlib's PPO (new API stack) where it
 * has them.
 */
import { PPO } from '../algorithms/ppo/ppo.js';
import { AlgorithmConfig, COMMON_TRAINING_CHECKS, type CommonTrainingOptions, type ResolvedCommonConfig } from './algorithm-config.js';
import { bool, int, num } from './validate.js';

/** PPO's training options (plus the common ones: lr, gamma, trainBatchSize, gradClip). */
export interface PPOTrainingOptions extends CommonTrainingOptions {
  /** Adam learning rate. @default 5e-5 */
  readonly lr?: number;
  /** Env steps per iteration (split over the runners). @default 4000 */
  readonly trainBatchSize?: number;
  /** Rows per SGD minibatch. @default 128 */
  readonly minibatchSize?: number;
  /** Passes over the batch per iteration. @default 30 */
  readonly numEpochs?: number;
  /** GAE lambda. @default 1.0 */
  readonly lambda?: number;
  /** Surrogate clip range (ratio kept within 1 ± clipParam). @default 0.3 */
  readonly clipParam?: number;
  /** Clip the squared value error at this value; null: no clipping. @default 10 */
  readonly vfClipParam?: number | null;
  /** Weight of the value loss. @default 1.0 */
  readonly vfLossCoeff?: number;
  /** Weight of the entropy bonus. @default 0 */
  readonly entropyCoeff?: number;
  /** Add a KL penalty with an adaptive coefficient. @default true */
  readonly useKlLoss?: boolean;
  /** Initial KL coefficient. @default 0.2 */
  readonly klCoeff?: number;
  /** KL the coefficient adapts towards. @default 0.01 */
  readonly klTarget?: number;
  /** Clip gradients to this global norm; null: no clipping. @default null */
  readonly gradClip?: number | null;
}

/** PPO's resolved settings. */
export interface ResolvedPPOConfig extends ResolvedCommonConfig {
  readonly minibatchSize: number;
  readonly numEpochs: number;
  readonly lambda: number;
  readonly clipParam: number;
  readonly vfClipParam: number | null;
  readonly vfLossCoeff: number;
  readonly entropyCoeff: number;
  readonly useKlLoss: boolean;
  readonly klCoeff: number;
  readonly klTarget: number;
}

/** Builder of {@link PPO}. */
export class PPOConfig extends AlgorithmConfig<PPOTrainingOptions> {
  /** The algorithm's name, stored in checkpoints. */
  readonly algorithm = 'PPO';

  /** Checks of PPO's training settings (the common ones included). */
  protected trainingChecks() {
    return {
      ...COMMON_TRAINING_CHECKS,
      minibatchSize: (w: string, v: unknown) => int(w, v, 1),
      numEpochs: (w: string, v: unknown) => int(w, v, 1),
      lambda: (w: string, v: unknown) => num(w, v, 0, 1),
      clipParam: (w: string, v: unknown) => num(w, v, 0, Infinity, true),
      vfClipParam: (w: string, v: unknown) => (v === null ? null : num(w, v, 0, Infinity, true)),
      vfLossCoeff: (w: string, v: unknown) => num(w, v, 0),
      entropyCoeff: (w: string, v: unknown) => num(w, v, 0),
      useKlLoss: bool,
      klCoeff: (w: string, v: unknown) => num(w, v, 0),
      klTarget: (w: string, v: unknown) => num(w, v, 0, Infinity, true),
    };
  }

  /** Resolves and checks every setting into a frozen object. @throws TypeError/RangeError naming the setting */
  resolve(): ResolvedPPOConfig {
    const common = this.resolveCommon({
      activation: 'tanh', lr: 5e-5, trainBatchSize: 4000, gradClip: null,
      autoFragment: (runners, envs, batch) => Math.max(1, Math.ceil(batch / (runners * envs))),
    });
    const t = this.trainingOpts;
    const minibatchSize = (t.minibatchSize as number | undefined) ?? 128;
    const perIteration = Math.max(1, common.numEnvRunners) * common.numEnvsPerEnvRunner * common.rolloutFragmentLength;
    if (minibatchSize > perIteration) {
      throw new RangeError(`training.minibatchSize (${minibatchSize}) must be <= the env steps per iteration (${perIteration} = envRunners x envs x rolloutFragmentLength); lower it or raise training.trainBatchSize`);
    }
    return Object.freeze({
      ...common,
      minibatchSize,
      numEpochs: (t.numEpochs as number | undefined) ?? 30,
      lambda: (t.lambda as number | undefined) ?? 1.0,
      clipParam: (t.clipParam as number | undefined) ?? 0.3,
      vfClipParam: t.vfClipParam === undefined ? 10 : (t.vfClipParam as number | null),
      vfLossCoeff: (t.vfLossCoeff as number | undefined) ?? 1.0,
      entropyCoeff: (t.entropyCoeff as number | undefined) ?? 0,
      useKlLoss: (t.useKlLoss as boolean | undefined) ?? true,
      klCoeff: (t.klCoeff as number | undefined) ?? 0.2,
      klTarget: (t.klTarget as number | undefined) ?? 0.01,
    });
  }

  /** Builds the algorithm (it starts its runners on the first `train()`). */
  build(): PPO {
    return new PPO(this.resolve());
  }
}
