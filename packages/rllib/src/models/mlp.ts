/**
 * A fully connected network on raw tfjs variables (no Layers API): small, fast to call
 * on tiny batches, and its weights flatten into one Float32Array in a fixed order.
 */
import * as tf from '@tensorflow/tfjs';
import { Rng } from './rng.js';

/** Hidden-layer activation. */
export type Activation = 'tanh' | 'relu';

/** Shape of an MLP. */
export interface MlpShape {
  readonly inputs: number;
  readonly hiddens: readonly number[];
  readonly outputs: number;
  readonly activation: Activation;
  /** Scale of the output layer's initial weights (0.01 for a policy head keeps it near uniform). */
  readonly outputGain: number;
}

/** A multi-layer perceptron: `[W0, b0, W1, b1, ...]`. */
export class Mlp {
  /** The trainable variables, in flattening order. */
  readonly variables: tf.Variable[] = [];

  /** Initializes with scaled Glorot-uniform weights drawn from `rng` and zero biases. */
  constructor(readonly shape: MlpShape, rng: Rng) {
    const sizes = [shape.inputs, ...shape.hiddens, shape.outputs];
    for (let l = 0; l + 1 < sizes.length; l++) {
      const fanIn = sizes[l]!;
      const fanOut = sizes[l + 1]!;
      const gain = l + 2 === sizes.length ? shape.outputGain : 1;
      const limit = gain * Math.sqrt(6 / (fanIn + fanOut));
      const w = new Float32Array(fanIn * fanOut);
      for (let i = 0; i < w.length; i++) w[i] = (rng.next() * 2 - 1) * limit;
      this.variables.push(tf.variable(tf.tensor2d(w, [fanIn, fanOut])), tf.variable(tf.zeros([fanOut])));
    }
  }

  /** The network's output for a `[batch, inputs]` tensor. */
  apply(x: tf.Tensor2D): tf.Tensor2D {
    let h = x;
    const n = this.variables.length / 2;
    for (let l = 0; l < n; l++) {
      h = tf.add(tf.matMul(h, this.variables[2 * l] as tf.Tensor2D), this.variables[2 * l + 1]!) as tf.Tensor2D;
      if (l + 1 < n) h = this.shape.activation === 'tanh' ? tf.tanh(h) : tf.relu(h);
    }
    return h;
  }
}

/** Total number of floats in `vars`. */
export function sizeOf(vars: readonly tf.Variable[]): number {
  return vars.reduce((s, v) => s + v.size, 0);
}

/** Reads `vars` into one Float32Array, in order. */
export function flatten(vars: readonly tf.Variable[]): Float32Array {
  const out = new Float32Array(sizeOf(vars));
  let o = 0;
  for (const v of vars) {
    out.set(v.dataSync() as Float32Array, o);
    o += v.size;
  }
  return out;
}

/** Assigns `flat` (as written by {@link flatten}) to `vars`. */
export function assignFlat(vars: readonly tf.Variable[], flat: Float32Array): void {
  if (flat.length !== sizeOf(vars)) throw new RangeError(`weights have ${flat.length} floats, the model needs ${sizeOf(vars)}`);
  let o = 0;
  for (const v of vars) {
    tf.tidy(() => v.assign(tf.tensor(flat.subarray(o, o + v.size), v.shape)));
    o += v.size;
  }
}

/** Reads a tensor's data and disposes it. */
export function take(t: tf.Tensor): Float32Array {
  const d = t.dataSync() as Float32Array;
  t.dispose();
  return d;
}
