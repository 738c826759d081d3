/**
 * The model and the training loop every Train worker runs (an export: workers import this
 * module). The preprocessed examples come from the trainer's `datasets`: worker r of w reads
 * its equal shard of `train` (`getDatasetShard('train')`, a `streamingSplit` made by Train,
 * locally shuffled each epoch) and all of `validation` (not split); gradients are averaged
 * across workers each step, and every epoch rank 0 saves a checkpoint holding the model and
 * the preprocessing statistics.
 */
import * as tf from '@tensorflow/tfjs';
import { Checkpoint, getContext, getDatasetShard, prepareModel, prepareOptimizer, report, trainOnBatch } from '@ray-ts/train';
import type { PreprocessingStats } from './preprocess.js';

/** Name of the file, in every checkpoint, that holds the {@link PreprocessingStats}. */
export const STATS_FILE = 'preprocessing.json';

/** Rows in the local shuffle buffer each worker draws its batches from (Ray's `local_shuffle_buffer_size`). */
const SHUFFLE_BUFFER = 1000;

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
  /** Saved in every checkpoint, for serving. */
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

/** Tensors of featurized rows (`{ x: number[], label }`, as preprocess.ts makes them). */
function tensors(rows: readonly Record<string, unknown>[], features: number): { xs: tf.Tensor2D; ys: tf.Tensor2D } {
  const flat = new Float32Array(rows.length * features);
  const labels = new Float32Array(rows.length);
  rows.forEach((r, k) => {
    flat.set(r.x as number[], k * features);
    labels[k] = r.label as number;
  });
  return { xs: tf.tensor2d(flat, [rows.length, features]), ys: tf.tensor2d(labels, [rows.length, 1]) };
}

/** Log loss and accuracy (threshold 0.5) of `model` on `xs`/`ys`. */
export function evaluate(model: tf.LayersModel, xs: tf.Tensor2D, ys: tf.Tensor2D): { loss: number; accuracy: number } {
  return tf.tidy(() => {
    const p = model.predict(xs) as tf.Tensor;
    return { loss: tf.losses.logLoss(ys, p).dataSync()[0]!, accuracy: p.greater(0.5).cast('float32').equal(ys).cast('float32').mean().dataSync()[0]! };
  });
}

/** One training run, on each worker; reports `epoch` (from 1), losses and validation accuracy. */
export async function churnLoop(config: ChurnConfig): Promise<void> {
  const rank = getContext().getWorldRank();
  const features = config.stats.features.length;
  const model = await prepareModel(buildModel(features, config.hidden, config.seed));
  const opt = prepareOptimizer(tf.train.adam(config.lr));
  // The validation set is small: read it whole once (every worker evaluates on all of it).
  const valRows: Record<string, unknown>[] = [];
  for await (const batch of getDatasetShard('validation').iterBatches({ batchSize: null, batchFormat: 'rows' })) valRows.push(...batch);
  const val = tensors(valRows, features);
  const train = getDatasetShard('train');
  for (let epoch = 1; epoch <= config.epochs; epoch++) {
    let loss = 0;
    let steps = 0;
    // One pass over this worker's shard is one epoch; every worker has as many rows, so as many steps.
    const batches = train.iterBatches({
      batchSize: config.batchSize, batchFormat: 'rows', dropLast: true, localShuffleBufferSize: SHUFFLE_BUFFER, localShuffleSeed: config.seed * 1000 + epoch * 10 + rank,
    });
    for await (const batch of batches) {
      const { xs, ys } = tensors(batch, features);
      loss += await trainOnBatch(model, opt, xs, ys, tf.losses.logLoss);
      steps++;
      tf.dispose([xs, ys]);
    }
    const v = evaluate(model, val.xs, val.ys);
    let checkpoint: Checkpoint | undefined;
    if (rank === 0) {
      checkpoint = await Checkpoint.fromModel(model, { files: { [STATS_FILE]: JSON.stringify(config.stats) } });
      await checkpoint.setMetadata({ epoch, lr: config.lr, hidden: config.hidden });
    }
    // Every worker reports (Train records rank 0's metrics and checkpoint once all have).
    await report({ epoch, trainLoss: loss / Math.max(1, steps), valLoss: v.loss, valAccuracy: v.accuracy }, { checkpoint });
  }
  tf.dispose([val.xs, val.ys]);
}
