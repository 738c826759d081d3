/**
 * DQN's module: an MLP from observations to one Q-value per discrete action, acting
 * epsilon-greedily.
 */
import * as tf from '@tensorflow/tfjs';
import { UnsupportedSpaceError } from '../errors.js';
import { Mlp, take } from './mlp.js';
import { obsWidth, type ModuleSpec } from './module-spec.js';
import type { ActOptions, ActResult, RLModule } from './rl-module.js';
import { Rng } from './rng.js';

/** A Q network. */
export class QModule implements RLModule {
  readonly q: Mlp;
  readonly variables: tf.Variable[];
  private readonly n: number;

  /** Builds the network with seeded weights (Discrete actions only). */
  constructor(readonly spec: ModuleSpec) {
    if (spec.action.type !== 'discrete') throw new UnsupportedSpaceError('DQN', 'action', 'DQN needs a Discrete action space');
    this.n = spec.action.n;
    this.q = new Mlp({ inputs: obsWidth(spec.obs), hiddens: spec.hiddens, outputs: this.n, activation: spec.activation, outputGain: 1 }, new Rng(spec.seed));
    this.variables = this.q.variables;
  }

  /** Q-values ([B, n]). */
  forward(obs: tf.Tensor2D): tf.Tensor2D {
    return this.q.apply(obs);
  }

  /** Actions for `rows` encoded observations. */
  act(obs: Float32Array, rows: number, options: ActOptions, rng: Rng): ActResult {
    const width = obsWidth(this.spec.obs);
    const q = take(tf.tidy(() => this.forward(tf.tensor2d(obs.subarray(0, rows * width), [rows, width]))));
    const start = this.spec.action.type === 'discrete' ? this.spec.action.start : 0;
    const actions = new Int32Array(rows);
    const eps = options.explore ? (options.epsilon ?? 0) : 0;
    for (let r = 0; r < rows; r++) {
      let best = 0;
      for (let i = 1; i < this.n; i++) if (q[r * this.n + i]! > q[r * this.n + best]!) best = i;
      actions[r] = (eps > 0 && rng.next() < eps ? rng.int(this.n) : best) + start;
    }
    return { actions, logp: new Float32Array(rows), values: new Float32Array(rows) };
  }

  /** Value estimates of `rows` encoded observations. */
  values(_obs: Float32Array, rows: number): Float32Array {
    return new Float32Array(rows);
  }

  /** Frees the variables. */
  dispose(): void {
    for (const v of this.variables) v.dispose();
  }
}
