/**
 * The model and the training loop every Train worker runs (an export: workers import this
 * module). The preprocessed examples arrive in `trainLoopConfig` (see README: Tune refuses
 * a trainer with `datasets`); worker r of w trains on examples r, r + w, ... (the same
 * count on every worker), gradients are averaged across workers each step, and every epoch
 * rank 0 saves a checkpoint holding the model and the preprocessing statistics.
 */
import * as tf from '@tensorflow/tfjs';
import { Checkpoint, getContext, prepareModel, prepareOptimizer, report, trainOnBatch } from '@ray-ts/train';
import type { Examples, PreprocessingStats } from './preprocess.js';
import { rng } from './rng.js';

/** Name of the file, in every checkpoint, that holds the {@link PreprocessingStats}. */
export const STATS_FILE = 'preprocessing.json';

/** Settings of {@link churnLoop}; Tune sets `lr` and `hidden` per trial. */
export interface ChurnConfig {
  /** Adam's learning rate. */
  lr: number;
  /** Units of the hidden layer. */
  hidden: number;
  /** Epochs at most (ASHA may stop the trial before). */
  epochs: number;
  /** Examples per step on each worker. */
  batchSize: number;
  /** Seed of the initial weights and of the shuffling. */
  seed: number;
  train: Examples;
  validation: Examples;
  stats: PreprocessingStats;
}

/** features → hidden ReLU → 1 sigmoid (the churn probability). */
export function buildModel(features: number, hidden: number, seed: number): tf.LayersModel {
  return tf.sequential({
    layers: [
      tf.layers.dense({ units: hidden, activation: 'relu', inputShape: [features], kernelInitializer: tf.initializers.glorotUniform({ seed }) }),
      tf.layers.dense({ units: 1, activation: 'sigmoid', kernelInitializer: tf.initializers.glorotUniform({ seed: seed + 1 }) }),
    ],
  });
}

/** Tensors of the examples at `rows` (indices into `ex`). */
function tensors(ex: Examples, features: number, rows: number[]): { xs: tf.Tensor2D; ys: tf.Tensor2D } {
  const flat = new Float32Array(rows.length * features);
  const labels = new Float32Array(rows.length);
  rows.forEach((i, k) => {
    for (let f = 0; f < features; f++) flat[k * features + f] = ex.x[i * features + f]!;
    labels[k] = ex.y[i]!;
  });
  return { xs: tf.tensor2d(flat, [rows.length, features]), ys: tf.tensor2d(labels, [rows.length, 1]) };
}

/** Log loss and accuracy (threshold 0.5) of `model` on all of `ex`. */
export function evaluate(model: tf.LayersModel, ex: Examples, features: number): { loss: number; accuracy: number } {
  const { xs, ys } = tensors(ex, features, Array.from({ length: ex.n }, (_, i) => i));
  const [loss, accuracy] = tf.tidy(() => {
    const p = model.predict(xs) as tf.Tensor;
    return [tf.losses.logLoss(ys, p).dataSync()[0]!, p.greater(0.5).cast('float32').equal(ys).cast('float32').mean().dataSync()[0]!];
  });
  tf.dispose([xs, ys]);
  return { loss, accuracy };
}

/** A seeded Fisher–Yates shuffle. */
function shuffled(items: number[], seed: number): number[] {
  const out = items.slice();
  const random = rng(seed);
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out;
}

/** One training run, on each worker; reports `epoch` (from 1), losses and validation accuracy. */
export async function churnLoop(config: ChurnConfig): Promise<void> {
  const ctx = getContext();
  const [rank, size] = [ctx.getWorldRank(), ctx.getWorldSize()];
  const features = config.stats.features.length;
  const model = await prepareModel(buildModel(features, config.hidden, config.seed));
  const opt = prepareOptimizer(tf.train.adam(config.lr));
  const perWorker = Math.floor(config.train.n / size);
  const mine = Array.from({ length: perWorker }, (_, k) => k * size + rank);
  for (let epoch = 1; epoch <= config.epochs; epoch++) {
    const order = shuffled(mine, config.seed * 1000 + epoch * 10 + rank);
    let loss = 0;
    let steps = 0;
    for (let at = 0; at + config.batchSize <= order.length; at += config.batchSize) {
      const { xs, ys } = tensors(config.train, features, order.slice(at, at + config.batchSize));
      loss += await trainOnBatch(model, opt, xs, ys, tf.losses.logLoss);
      steps++;
      tf.dispose([xs, ys]);
    }
    const val = evaluate(model, config.validation, features);
    let checkpoint: Checkpoint | undefined;
    if (rank === 0) {
      checkpoint = await Checkpoint.fromModel(model, { files: { [STATS_FILE]: JSON.stringify(config.stats) } });
      await checkpoint.setMetadata({ epoch, lr: config.lr, hidden: config.hidden });
    }
    // Every worker reports (Train records rank 0's metrics and checkpoint once all have).
    await report({ epoch, trainLoss: loss / Math.max(1, steps), valLoss: val.loss, valAccuracy: val.accuracy }, { checkpoint });
  }
}
