/**
 * PPO's module: a policy net (logits, or a Gaussian mean plus a learned log std) and a
 * separate value net, both MLPs.
 */
import * as tf from '@tensorflow/tfjs';
import { sampleCategorical, sampleGaussian } from './distributions.js';
import { Mlp, take } from './mlp.js';
import { obsWidth, type ModuleSpec } from './module-spec.js';
import type { ActOptions, ActResult, RLModule } from './rl-module.js';
import { Rng } from './rng.js';

/** Policy and value networks for PPO. */
export class PPOModule implements RLModule {
  readonly pi: Mlp;
  readonly vf: Mlp;
  /** Log std of the Gaussian (Box actions only). */
  readonly logStd: tf.Variable | undefined;
  readonly variables: tf.Variable[];

  /** Builds the networks with seeded weights. */
  constructor(readonly spec: ModuleSpec) {
    const rng = new Rng(spec.seed);
    const inputs = obsWidth(spec.obs);
    const outputs = spec.action.type === 'discrete' ? spec.action.n : spec.action.dim;
    this.pi = new Mlp({ inputs, hiddens: spec.hiddens, outputs, activation: spec.activation, outputGain: 0.01 }, rng);
    this.vf = new Mlp({ inputs, hiddens: spec.hiddens, outputs: 1, activation: spec.activation, outputGain: 1 }, rng);
    this.logStd = spec.action.type === 'box' ? tf.variable(tf.zeros([spec.action.dim])) : undefined;
    this.variables = [...this.pi.variables, ...this.vf.variables, ...(this.logStd ? [this.logStd] : [])];
  }

  /** Distribution inputs ([B, n] logits or [B, d] means) and values ([B]) for `obs`. */
  forward(obs: tf.Tensor2D): { dist: tf.Tensor2D; value: tf.Tensor1D } {
    return { dist: this.pi.apply(obs), value: tf.reshape(this.vf.apply(obs), [-1]) as tf.Tensor1D };
  }

  /** Actions for `rows` encoded observations. */
  act(obs: Float32Array, rows: number, options: ActOptions, rng: Rng): ActResult {
    const width = obsWidth(this.spec.obs);
    const [dist, values] = tf.tidy(() => {
      const out = this.forward(tf.tensor2d(obs.subarray(0, rows * width), [rows, width]));
      return [out.dist, out.value];
    });
    const d = take(dist);
    const v = take(values);
    const logp = new Float32Array(rows);
    const a = this.spec.action;
    if (a.type === 'discrete') {
      const actions = new Int32Array(rows);
      for (let r = 0; r < rows; r++) {
        const [i, lp] = sampleCategorical(d, r * a.n, a.n, options.explore, rng);
        actions[r] = i + a.start;
        logp[r] = lp;
      }
      return { actions, logp, values: v };
    }
    const logStd = this.logStd!.dataSync() as Float32Array;
    const actions = new Float32Array(rows * a.dim);
    for (let r = 0; r < rows; r++) logp[r] = sampleGaussian(d, r * a.dim, logStd, options.explore, rng, actions.subarray(r * a.dim));
    return { actions, logp, values: v };
  }

  /** Value estimates of `rows` encoded observations. */
  values(obs: Float32Array, rows: number): Float32Array {
    const width = obsWidth(this.spec.obs);
    return take(tf.tidy(() => tf.reshape(this.vf.apply(tf.tensor2d(obs.subarray(0, rows * width), [rows, width])), [-1])));
  }

  /** Frees the variables. */
  dispose(): void {
    for (const v of this.variables) v.dispose();
  }
}
