/**
 * The training loop each trial's 2 workers run: a small TensorFlow.js MLP on a synthetic,
 * deterministic classification set that every worker generates itself (no `datasets`, so
 * a trial needs no CPU for a data pipeline: see README).
 * Worker r of w takes examples r, r + w, r + 2w, ...; gradients are averaged across workers
 * every step, and held-out accuracy is reported once per epoch (`epoch` counts from 1, as
 * ASHA's time attribute).
 */
import * as tf from '@tensorflow/tfjs';
import { getContext, prepareModel, prepareOptimizer, report, trainOnBatch } from '@ray-ts/train';
// The synthetic data set of the distributed-training example (deterministic example i).
import { example, FEATURES } from '../distributed-training/mlp.js';

/** Held-out examples: ids [HOLDOUT, HOLDOUT + 1000), never trained on. */
const HOLDOUT = 1_000_000;

/** Tensors of the examples with the given ids. */
function tensors(ids: number[]): { xs: tf.Tensor2D; ys: tf.Tensor2D } {
  const flat = new Float32Array(ids.length * FEATURES);
  const labels = new Float32Array(ids.length);
  ids.forEach((id, r) => {
    const { x, label } = example(id);
    flat.set(x, r * FEATURES);
    labels[r] = label;
  });
  return { xs: tf.tensor2d(flat, [ids.length, FEATURES]), ys: tf.tensor2d(labels, [ids.length, 1]) };
}

/** Accuracy of `model` on the 1,000 held-out examples. */
export function heldOutAccuracy(model: tf.LayersModel): number {
  const { xs, ys } = tensors(Array.from({ length: 1000 }, (_, k) => HOLDOUT + k));
  const acc = tf.tidy(() => (model.predict(xs) as tf.Tensor).greater(0.5).cast('float32').equal(ys).cast('float32').mean().dataSync()[0]!);
  tf.dispose([xs, ys]);
  return acc;
}

/** Settings of {@link sweepLoop}; Tune sets `lr` per trial. */
export interface SweepConfig {
  /** Adam's learning rate. */
  lr: number;
  /** Epochs at most (ASHA may stop the trial before). */
  epochs: number;
  /** Training examples (all workers together) per epoch. */
  rows: number;
  /** Examples per step on each worker. @default 32 */
  batchSize?: number;
  /** Seed of the initial weights (the same for every trial, so only lr differs). @default 7 */
  seed?: number;
}

/** One trial's training run, on each of its workers. */
export async function sweepLoop(config: SweepConfig): Promise<void> {
  const ctx = getContext();
  const [rank, size] = [ctx.getWorldRank(), ctx.getWorldSize()];
  const seed = config.seed ?? 7;
  const model = await prepareModel(
    tf.sequential({
      layers: [
        tf.layers.dense({ units: 16, activation: 'relu', inputShape: [FEATURES], kernelInitializer: tf.initializers.glorotUniform({ seed }) }),
        tf.layers.dense({ units: 1, activation: 'sigmoid', kernelInitializer: tf.initializers.glorotUniform({ seed: seed + 1 }) }),
      ],
    }),
  );
  const opt = prepareOptimizer(tf.train.adam(config.lr));
  const batch = config.batchSize ?? 32;
  const mine = Array.from({ length: Math.floor(config.rows / size) }, (_, k) => k * size + rank);
  for (let epoch = 1; epoch <= config.epochs; epoch++) {
    let loss = 0;
    let steps = 0;
    for (let at = 0; at + batch <= mine.length; at += batch) {
      const { xs, ys } = tensors(mine.slice(at, at + batch));
      loss += await trainOnBatch(model, opt, xs, ys, tf.losses.logLoss);
      steps++;
      tf.dispose([xs, ys]);
    }
    // Every worker reports (Train records rank 0's metrics once all have reported).
    await report({ epoch, loss: loss / Math.max(1, steps), accuracy: heldOutAccuracy(model) });
  }
}
