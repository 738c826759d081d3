/**
 * PPO's learner: GAE, advantage normalisation, then `numEpochs` passes of minibatch SGD
 * (Adam) on the clipped surrogate, the value loss (squared error, clipped at
 * `vfClipParam`), the entropy bonus and an adaptive KL penalty.
 */
import * as tf from '@tensorflow/tfjs';
import type { ResolvedPPOConfig } from '../../config/ppo-config.js';
import type { SampleBatch } from '../../env-runner/sample-batch.js';
import { categoricalEntropy, categoricalLogp, gaussianEntropy, gaussianLogp } from '../../models/distributions.js';
import { applyClipped } from '../../models/optimizer-state.js';
import type { PPOModule } from '../../models/ppo-module.js';
import { Rng } from '../../models/rng.js';
import { computeGae, normalize } from './gae.js';

/** Gathers rows `idx[from..to)` of a column with `width` values per row. */
function gather<T extends Float32Array | Int32Array>(src: T, idx: Uint32Array, from: number, to: number, width: number): T {
  const out = new (src.constructor as new (n: number) => T)((to - from) * width);
  for (let k = from; k < to; k++) {
    const r = idx[k]!;
    if (width === 1) out[k - from] = src[r]!;
    else out.set(src.subarray(r * width, (r + 1) * width) as never, (k - from) * width);
  }
  return out;
}

/** Updates a {@link PPOModule} from sample batches. */
export class PPOLearner {
  readonly optimizer: tf.Optimizer;
  /** Current KL penalty coefficient (adapted towards `klTarget`). */
  klCoeff: number;
  private readonly rng: Rng;

  /** Creates the optimizer. */
  constructor(private readonly module: PPOModule, private readonly config: ResolvedPPOConfig) {
    this.optimizer = tf.train.adam(config.lr, 0.9, 0.999, 1e-5);
    this.klCoeff = config.useKlLoss ? config.klCoeff : 0;
    this.rng = new Rng(config.seed + 31);
  }

  /** One update on `batch`; returns mean statistics over the minibatches. */
  update(batch: SampleBatch): Record<string, number> {
    const c = this.config;
    const { advantages, valueTargets } = computeGae(batch, c.gamma, c.lambda);
    const vfMean = valueTargets.reduce((s, x) => s + x, 0) / valueTargets.length;
    normalize(advantages);
    const n = batch.count;
    const mb = Math.min(c.minibatchSize, n);
    const idx = new Uint32Array(n).map((_, i) => i);
    const box = this.module.spec.action.type === 'box';
    const actWidth = box ? (this.module.spec.action as { dim: number }).dim : 1;
    const sums = new Float64Array(5);
    let steps = 0;
    for (let epoch = 0; epoch < c.numEpochs; epoch++) {
      this.rng.shuffle(idx);
      for (let from = 0; from + mb <= n; from += mb) {
        const to = from + mb;
        const stats = this.step({
          obs: gather(batch.obs, idx, from, to, batch.obsWidth),
          actions: gather(batch.actions, idx, from, to, actWidth),
          logp: gather(batch.logp!, idx, from, to, 1),
          adv: gather(advantages, idx, from, to, 1),
          targets: gather(valueTargets, idx, from, to, 1),
          rows: to - from,
        }, batch.obsWidth, actWidth);
        for (let i = 0; i < 5; i++) sums[i]! += stats[i]!;
        steps++;
      }
    }
    const mean = (i: number) => sums[i]! / Math.max(1, steps);
    const meanKl = mean(3);
    if (c.useKlLoss) {
      if (meanKl > 2 * c.klTarget) this.klCoeff *= 1.5;
      else if (meanKl < 0.5 * c.klTarget) this.klCoeff *= 0.5;
    }
    return { policyLoss: mean(0), vfLoss: mean(1), entropy: mean(2), meanKl, gradNorm: mean(4), klCoeff: this.klCoeff, valueTargetMean: vfMean, numGradientSteps: steps };
  }

  private step(m: { obs: Float32Array; actions: Float32Array | Int32Array; logp: Float32Array; adv: Float32Array; targets: Float32Array; rows: number }, width: number, actWidth: number): number[] {
    const c = this.config;
    const kept: tf.Tensor[] = [];
    const { value, grads } = tf.variableGrads(() => {
      const obs = tf.tensor2d(m.obs, [m.rows, width]);
      const { dist, value: v } = this.module.forward(obs);
      let logp: tf.Tensor1D;
      let entropy: tf.Tensor1D;
      if (this.module.logStd) {
        const logStd = this.module.logStd as unknown as tf.Tensor1D;
        logp = gaussianLogp(dist, logStd, tf.tensor2d(m.actions as Float32Array, [m.rows, actWidth]));
        entropy = gaussianEntropy(logStd, m.rows);
      } else {
        const start = this.module.spec.action.type === 'discrete' ? this.module.spec.action.start : 0;
        logp = categoricalLogp(dist, tf.tensor1d(Int32Array.from(m.actions, (a) => a - start), 'int32'));
        entropy = categoricalEntropy(dist);
      }
      const logRatio = tf.sub(logp, tf.tensor1d(m.logp));
      const ratio = tf.exp(logRatio);
      const adv = tf.tensor1d(m.adv);
      const surr = tf.minimum(tf.mul(ratio, adv), tf.mul(tf.clipByValue(ratio, 1 - c.clipParam, 1 + c.clipParam), adv));
      const policyLoss = tf.neg(tf.mean(surr));
      let sq = tf.square(tf.sub(v, tf.tensor1d(m.targets)));
      if (c.vfClipParam !== null) sq = tf.clipByValue(sq, 0, c.vfClipParam);
      const vfLoss = tf.mean(sq);
      const ent = tf.mean(entropy);
      const kl = tf.mean(tf.sub(tf.sub(ratio, 1), logRatio));
      kept.push(tf.keep(tf.stack([policyLoss, vfLoss, ent, kl])));
      let total = tf.add(policyLoss, tf.mul(c.vfLossCoeff, vfLoss));
      total = tf.sub(total, tf.mul(c.entropyCoeff, ent));
      if (this.klCoeff > 0) total = tf.add(total, tf.mul(this.klCoeff, kl));
      return total as tf.Scalar;
    }, this.module.variables);
    value.dispose();
    const gradNorm = applyClipped(this.optimizer, grads, c.gradClip);
    const s = Array.from(kept[0]!.dataSync());
    kept[0]!.dispose();
    return [...s, gradNorm];
  }
}
