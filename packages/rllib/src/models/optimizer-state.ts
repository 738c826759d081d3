/**
 * Optimizer state (Adam's step count and moments) as one float array plus shapes, for
 * checkpoints, so a restored algorithm keeps training as if it had not stopped.
 */
import * as tf from '@tensorflow/tfjs';

/** Shapes and names of the optimizer's weights, in order. */
export interface OptimizerStateMeta {
  readonly names: string[];
  readonly shapes: number[][];
}

/** Reads the optimizer's weights. */
export async function saveOptimizer(opt: tf.Optimizer): Promise<{ meta: OptimizerStateMeta; data: Float32Array }> {
  const weights = await opt.getWeights();
  const meta: OptimizerStateMeta = { names: weights.map((w) => w.name), shapes: weights.map((w) => [...w.tensor.shape]) };
  const data = new Float32Array(weights.reduce((s, w) => s + w.tensor.size, 0));
  let o = 0;
  for (const w of weights) {
    data.set(await w.tensor.data() as Float32Array, o);
    o += w.tensor.size;
  }
  return { meta, data };
}

/** Sets the optimizer's weights from {@link saveOptimizer}'s output. */
export async function loadOptimizer(opt: tf.Optimizer, meta: OptimizerStateMeta, data: Float32Array): Promise<void> {
  let o = 0;
  const named = meta.names.map((name, i) => {
    const shape = meta.shapes[i]!;
    const size = shape.reduce((a, b) => a * b, 1);
    const tensor = tf.tensor(data.slice(o, o + size), shape);
    o += size;
    return { name, tensor };
  });
  if (named.length > 0) await opt.setWeights(named);
  for (const n of named) n.tensor.dispose();
}

/** Applies `grads` (by variable name) after clipping them to global norm `clip` (null: no clipping); returns the norm before clipping. */
export function applyClipped(opt: tf.Optimizer, grads: tf.NamedTensorMap, clip: number | null): number {
  const names = Object.keys(grads);
  const norm = tf.tidy(() => tf.sqrt(tf.addN(names.map((n) => tf.sum(tf.square(grads[n]!))))));
  const g = norm.dataSync()[0]!;
  norm.dispose();
  if (clip !== null && g > clip) {
    const scaled: tf.NamedTensorMap = {};
    for (const n of names) scaled[n] = tf.mul(grads[n]!, clip / (g + 1e-6));
    opt.applyGradients(scaled);
    for (const n of names) scaled[n]!.dispose();
  } else {
    opt.applyGradients(grads);
  }
  for (const n of names) grads[n]!.dispose();
  return g;
}
