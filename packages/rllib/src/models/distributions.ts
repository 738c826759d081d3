/**
 * Action distributions: categorical (Discrete actions, from logits) and diagonal Gaussian
 * (Box actions, a mean from the network and a learned state-independent log std).
 * Sampling and log-probs of single rows run in plain JS (env runners); batched log-probs
 * and entropies run in tfjs (learners).
 */
import * as tf from '@tensorflow/tfjs';
import type { Rng } from './rng.js';

const LOG_2PI = Math.log(2 * Math.PI);

/** Samples an index from `logits[off..off+n)` (or the argmax when not exploring); returns [index, logp]. */
export function sampleCategorical(logits: Float32Array, off: number, n: number, explore: boolean, rng: Rng): [number, number] {
  let max = -Infinity;
  let best = 0;
  for (let i = 0; i < n; i++) if (logits[off + i]! > max) (max = logits[off + i]!), (best = i);
  let sum = 0;
  for (let i = 0; i < n; i++) sum += Math.exp(logits[off + i]! - max);
  const logZ = max + Math.log(sum);
  let a = best;
  if (explore) {
    let u = rng.next() * sum;
    a = n - 1;
    for (let i = 0; i < n; i++) {
      u -= Math.exp(logits[off + i]! - max);
      if (u <= 0) {
        a = i;
        break;
      }
    }
  }
  return [a, logits[off + a]! - logZ];
}

/** Samples `mean + exp(logStd) * N(0,1)` into `out` (the mean when not exploring); returns the log-prob. */
export function sampleGaussian(mean: Float32Array, off: number, logStd: Float32Array, explore: boolean, rng: Rng, out: Float32Array): number {
  let logp = 0;
  for (let i = 0; i < logStd.length; i++) {
    const z = explore ? rng.normal() : 0;
    out[i] = mean[off + i]! + Math.exp(logStd[i]!) * z;
    logp += -0.5 * z * z - logStd[i]! - 0.5 * LOG_2PI;
  }
  return logp;
}

/** Log-probs of integer `actions` ([B]) under `logits` ([B, n]). */
export function categoricalLogp(logits: tf.Tensor2D, actions: tf.Tensor1D): tf.Tensor1D {
  const logSoftmax = tf.logSoftmax(logits);
  const mask = tf.oneHot(actions, logits.shape[1]);
  return tf.sum(tf.mul(logSoftmax, mask), 1) as tf.Tensor1D;
}

/** Entropies ([B]) of the categoricals with `logits`. */
export function categoricalEntropy(logits: tf.Tensor2D): tf.Tensor1D {
  const logSoftmax = tf.logSoftmax(logits);
  return tf.neg(tf.sum(tf.mul(tf.exp(logSoftmax), logSoftmax), 1)) as tf.Tensor1D;
}

/** Log-probs of `actions` ([B, d]) under N(mean, exp(logStd)^2) ([B, d] and [d]). */
export function gaussianLogp(mean: tf.Tensor2D, logStd: tf.Tensor1D, actions: tf.Tensor2D): tf.Tensor1D {
  const z = tf.div(tf.sub(actions, mean), tf.exp(logStd));
  const perDim = tf.sub(tf.mul(-0.5, tf.square(z)), tf.add(logStd, 0.5 * LOG_2PI));
  return tf.sum(perDim, 1) as tf.Tensor1D;
}

/** Entropy ([B]) of the Gaussian with `logStd` ([d]), broadcast to `batch` rows. */
export function gaussianEntropy(logStd: tf.Tensor1D, batch: number): tf.Tensor1D {
  const h = tf.sum(tf.add(logStd, 0.5 + 0.5 * LOG_2PI));
  return tf.fill([batch], 1).mul(h) as tf.Tensor1D;
}
